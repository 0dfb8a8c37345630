"""The rules of a security group, in every form Terraform users write them: inline `ingress` and
`egress` blocks (dynamic ones too), `aws_security_group_rule`, and the
`aws_vpc_security_group_ingress_rule` / `aws_vpc_security_group_egress_rule` resources."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Location
from ..values import Unknown, to_bool
from .iam import refers_to
from .unread_modules import given_to_unread_module

# the resources that hold a group's rules, and the names of their arguments:
# (the group, the direction or None, protocol, self, the peer groups, the CIDRs)
_RULE_RESOURCES = {
    "aws_security_group_rule": ("security_group_id", "type", "protocol", "self", ("source_security_group_id",),
                                ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids")),
    "aws_vpc_security_group_ingress_rule": ("security_group_id", "ingress", "ip_protocol", None,
                                            ("referenced_security_group_id",), ("cidr_ipv4", "cidr_ipv6", "prefix_list_id")),
    "aws_vpc_security_group_egress_rule": ("security_group_id", "egress", "ip_protocol", None,
                                           ("referenced_security_group_id",), ("cidr_ipv4", "cidr_ipv6", "prefix_list_id")),
}


@dataclass(frozen=True)
class GroupRule:
    """One rule of a group, in one direction."""

    protocol: Any  # as written: "-1", "all", "tcp", "6", ... or Unknown
    from_port: Any
    to_port: Any
    self: Any  # True when it admits the group itself (`self = true`); Unknown when that cannot be told
    groups: tuple  # the other groups it admits (values: references, `sg-…` IDs, unknowns)
    cidrs: tuple  # the address ranges and prefix lists it admits
    loc: Location
    address: str  # the group's (inline block) or the rule resource's


def rules(ev, group, direction: str) -> tuple[list[GroupRule], bool]:
    """(the `direction` ("ingress"/"egress") rules of a group instance, unsure). `unsure` is
    True when another rule might exist: a `dynamic` block whose `for_each` is unknown, a rule
    resource whose group cannot be resolved, or the group handed to a module we cannot read."""
    found: list[GroupRule] = []
    unsure = False
    for block in ev.children(group.block, direction, group):
        if block.unknown:
            unsure = True
            continue
        value = _in_block(ev, group, block)
        found.append(GroupRule(value("protocol"), value("from_port"), value("to_port"), _self(value("self")),
                               tuple(_items(value("security_groups"))),
                               tuple(c for name in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids")
                                     for c in _items(value(name))),
                               block.loc, group.address))
    if group.block.attr(direction) is not None:  # `egress = [...]`, the attribute form: not read here
        unsure = True
    for resource_type, names in _RULE_RESOURCES.items():
        group_name, kind, protocol, self_name, group_names, cidr_names = names
        for rule in ev.all_instances(resource_type):
            belongs = refers_to(ev, ev.attr(rule, group_name), group)
            if belongs is None:
                unsure = True
                continue
            if not belongs:
                continue
            rule_direction = ev.attr(rule, kind) if kind == "type" else kind
            if rule_direction != direction:
                unsure = unsure or isinstance(rule_direction, Unknown)
                continue
            found.append(GroupRule(ev.attr(rule, protocol), ev.attr(rule, "from_port"), ev.attr(rule, "to_port"),
                                   _self(ev.attr(rule, self_name)) if self_name else False,
                                   tuple(v for name in group_names for v in _items(ev.attr(rule, name))),
                                   tuple(c for name in cidr_names for c in _items(ev.attr(rule, name))),
                                   rule.block.loc, rule.address))
    return found, unsure or given_to_unread_module(ev, lambda value: refers_to(ev, value, group) is True)


def _in_block(ev, group, block):
    def value(name: str) -> Any:
        attribute = block.attr(name)
        return None if attribute is None else ev.value(attribute.expr, group)
    return value


def _self(value: Any) -> Any:
    if value is None:
        return False
    verdict = to_bool(value)
    return verdict if isinstance(verdict, Unknown) else verdict is True


def _items(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
