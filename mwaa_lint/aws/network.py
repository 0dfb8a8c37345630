"""Is a subnet public? Follow it to its route table (explicit or the VPC's main one)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from ..model import Location
from ..values import PartialString, Ref, Unknown, to_bool
from .iam import refers_to
from .unread_modules import given_to_unread_module

_ANYWHERE = ("0.0.0.0/0", "::/0")


@dataclass
class Exposure:
    public: Optional[bool]  # None when it cannot be told
    reason: str = ""
    loc: Optional[Location] = None  # where the public setting is written


def subnet_exposure(ev, subnet) -> Exposure:
    mapped = ev.attr(subnet, "map_public_ip_on_launch")
    if to_bool(mapped) is True:
        attribute = subnet.block.attr("map_public_ip_on_launch")
        return Exposure(True, f"it sets map_public_ip_on_launch = true ({_where(ev, attribute.loc)})", attribute.loc)
    table, how = _route_table(ev, subnet)
    if table is None:
        return Exposure(None)
    unknown = False
    for destination, gateway, loc in _routes(ev, table):
        if isinstance(destination, Unknown):
            unknown = True
            continue
        if destination not in _ANYWHERE:
            continue
        is_igw = _is_internet_gateway(ev, gateway)
        if is_igw:
            name = ev.target(gateway).address if ev.target(gateway) else str(gateway)
            return Exposure(
                True,
                f"{how} {table.address} routes {destination} to internet gateway {name} ({_where(ev, loc)})",
                loc,
            )
        if is_igw is None:
            unknown = True
    return Exposure(None if unknown else False)


def _where(ev, loc: Location) -> str:
    """`modules/vpc/main.tf:35`: relative to the root module, so it reads the same from any cwd."""
    root = ev.tree[0].module.directory.absolute()
    return f"{os.path.relpath(loc.path.absolute(), root)}:{loc.line}"


def _route_table(ev, subnet) -> tuple[Any, str]:
    """The subnet's route table (an instance, or `_MainTable` for a VPC's original main table)
    and how it applies, or (None, '') if unknown. The result depends on what is written, never
    on the order of files or blocks: every association is looked at before deciding."""
    unsure = False
    for assoc in ev.all_instances("aws_route_table_association"):
        subnet_id = ev.attr(assoc, "subnet_id")
        same = refers_to(ev, subnet_id, subnet)
        if same:  # a subnet has one association (AWS rejects a second), so this is the one
            table = ev.target(ev.attr(assoc, "route_table_id"))
            return (table, "its route table") if table is not None else (None, "")
        if same is None or (isinstance(subnet_id, Unknown) and ev.target(subnet_id) is None):
            unsure = True  # an association we cannot resolve might be this subnet's
    if unsure:
        return None, ""
    vpc = ev.target(ev.attr(subnet, "vpc_id"))
    if vpc is None:
        return None, ""
    for assoc in ev.all_instances("aws_main_route_table_association"):
        same = refers_to(ev, ev.attr(assoc, "vpc_id"), vpc)
        if same:
            table = ev.target(ev.attr(assoc, "route_table_id"))
            return (table, "its VPC's main route table") if table is not None else (None, "")
        if same is None:
            return None, ""  # the VPC's main table may have been replaced
    defaults = [table for table in ev.all_instances("aws_default_route_table")
                if ev.target(ev.attr(table, "default_route_table_id")) is vpc]
    return _MainTable(vpc, defaults), "its VPC's main route table"


@dataclass
class _MainTable:
    """The route table AWS creates with a VPC (its main table, which `aws_default_route_table`
    adopts): the table of every subnet with no explicit association. Routes reach it through
    `aws_default_route_table` and through `aws_route` on `aws_vpc.x.main_route_table_id`,
    `aws_vpc.x.default_route_table_id` or the default route table's id."""

    vpc: Any
    defaults: list

    @property
    def address(self) -> str:
        return self.defaults[0].address if self.defaults else f"{self.vpc.address}.main_route_table_id"


_VPC_TABLE_ATTRIBUTES = ("main_route_table_id", "default_route_table_id")


def _routes(ev, table) -> Iterator[tuple[Any, Any, Location]]:
    """(destination, gateway value, location) for inline routes and aws_route resources."""
    tables = table.defaults if isinstance(table, _MainTable) else [table]
    for each in tables:
        for route in ev.children(each.block, "route", each):
            yield from _route_entries(ev, each, route.attributes, ("cidr_block", "ipv6_cidr_block"), route.loc)
    for inst in ev.all_instances("aws_route"):
        if _on_table(ev, ev.attr(inst, "route_table_id"), table, tables):
            values = dict(inst.block.attributes)
            yield from _route_entries(
                ev, inst, values, ("destination_cidr_block", "destination_ipv6_cidr_block"), inst.block.loc
            )


def _on_table(ev, route_table_id: Any, table, tables: list) -> bool:
    if isinstance(table, _MainTable) and isinstance(route_table_id, Ref):
        if route_table_id.instance is table.vpc and route_table_id.attr in _VPC_TABLE_ATTRIBUTES:
            return True
    return any(refers_to(ev, route_table_id, each) for each in tables)


def _route_entries(ev, instance, attributes: dict, destination_names: tuple, loc: Location) -> Iterator[tuple[Any, Any, Location]]:
    gateway_attr = attributes.get("gateway_id")
    gateway = ev.eval(gateway_attr.expr, instance) if gateway_attr is not None else None
    for name in destination_names:
        attribute = attributes.get(name)
        if attribute is not None:
            yield ev.value(attribute.expr, instance), gateway, (gateway_attr or attribute).loc


def _is_internet_gateway(ev, gateway: Any) -> Optional[bool]:
    if gateway is None:
        return False
    target = ev.target(gateway)
    if target is not None:
        return target.block.labels[0] == "aws_internet_gateway"
    if isinstance(gateway, str):
        return gateway.startswith("igw-")
    return None


# -- a way out of the VPC: a default route that leaves it, or the endpoints MWAA needs --------


@dataclass
class Egress:
    out: Optional[bool]  # a default route leaves the VPC; None when it cannot be told
    table: str = ""  # which route table was read, and how it applies ("its route table aws_route_table.x")


@dataclass
class Endpoint:
    service: str  # what follows the region in its service name: "sqs", "ecr.dkr", "s3"
    kind: Any  # "Interface", "Gateway" (the provider's default), or Unknown
    private_dns: Any  # True, False or Unknown
    address: str


def egress(ev, subnet, targets: tuple) -> Egress:
    """Does the subnet's route table send 0.0.0.0/0 out of the VPC (through any of `targets`:
    `nat_gateway_id`, `transit_gateway_id`, ...)? Unknown when the table, a route or the
    VPC's setup cannot be seen (handed to a module mwaa-lint cannot read)."""
    table, how = _route_table(ev, subnet)
    vpc = ev.target(ev.attr(subnet, "vpc_id"))
    if table is None or vpc is None or _unread(ev, subnet) or _unread(ev, vpc):
        return Egress(None)
    unknown = False
    for destination, found, _ in _default_routes(ev, table, targets):
        if isinstance(destination, Unknown):
            unknown = True
        elif destination == "0.0.0.0/0":
            if any(value is not None for value in found.values()):
                return Egress(True, f"{how} {table.address}")
    return Egress(None if unknown else False, f"{how} {table.address}")


def vpc_endpoints(ev, subnet) -> Optional[list[Endpoint]]:
    """The `aws_vpc_endpoint`s in the subnet's VPC; None when one might be and cannot be told
    (its VPC or service unknown, or the VPC handed to a module mwaa-lint cannot read)."""
    vpc = ev.target(ev.attr(subnet, "vpc_id"))
    if vpc is None or _unread(ev, vpc):
        return None
    found = []
    for endpoint in ev.all_instances("aws_vpc_endpoint"):
        same = refers_to(ev, ev.attr(endpoint, "vpc_id"), vpc)
        if same is None:
            return None
        if not same:
            continue
        service = endpoint_service(ev.attr(endpoint, "service_name"))
        if service is None:
            return None
        kind = ev.attr(endpoint, "vpc_endpoint_type", "Gateway")
        private_dns = to_bool(ev.attr(endpoint, "private_dns_enabled", False))
        found.append(Endpoint(service, kind, private_dns, endpoint.address))
    return found


def endpoint_service(name: Any) -> Optional[str]:
    """The AWS service a VPC endpoint's `service_name` names: `com.amazonaws.us-east-1.ecr.dkr`
    → "ecr.dkr", also with the region unknown (`"com.amazonaws.${var.region}.sqs"`); "" for
    an endpoint service that is not an AWS service's (`com.amazonaws.vpce.…`, MWAA's own
    database and web server endpoints among them); None when it cannot be told."""
    if isinstance(name, str) and not isinstance(name, Unknown):
        fields = name.strip().split(".", 3)
        if len(fields) == 4 and fields[:2] == ["com", "amazonaws"] and fields[2] != "vpce":
            return fields[3]
        return ""
    if isinstance(name, PartialString):
        first, last = name.parts[0], name.parts[-1]
        if isinstance(first, str) and first == "com.amazonaws." and isinstance(last, str) and last.startswith("."):
            if len(name.parts) == 3:  # "com.amazonaws." <region> ".sqs"
                return last[1:]
    return None


def _default_routes(ev, table, targets: tuple) -> Iterator[tuple[Any, dict, Location]]:
    """(destination, {target argument: value}, location) of every route of the table."""
    tables = table.defaults if isinstance(table, _MainTable) else [table]
    for each in tables:
        for route in ev.children(each.block, "route", each):
            for destination in _destinations(ev, each, route.attributes, ("cidr_block", "ipv6_cidr_block")):
                yield destination, _targets(ev, each, route.attributes, targets), route.loc
    for inst in ev.all_instances("aws_route"):
        if _on_table(ev, ev.attr(inst, "route_table_id"), table, tables):
            attributes = dict(inst.block.attributes)
            for destination in _destinations(ev, inst, attributes, ("destination_cidr_block", "destination_ipv6_cidr_block")):
                yield destination, _targets(ev, inst, attributes, targets), inst.block.loc


def _destinations(ev, instance, attributes: dict, names: tuple) -> list:
    return [ev.value(attributes[name].expr, instance) for name in names if name in attributes]


def _targets(ev, instance, attributes: dict, names: tuple) -> dict:
    return {name: ev.eval(attributes[name].expr, instance) for name in names if name in attributes}


def _unread(ev, instance) -> bool:
    return given_to_unread_module(ev, lambda value: refers_to(ev, value, instance) is True)
