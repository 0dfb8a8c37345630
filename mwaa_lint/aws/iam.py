"""From an execution role to every policy document attached to it."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..knowledge import table
from ..model import Location
from ..values import PartialString, Ref, Unknown, join_parts, same_value
from .policy_document import Grants, PolicyDocument, grants, parse_policy
from .unread_modules import given_to_unread_module

if TYPE_CHECKING:
    from ..evaluate import Instance

_HOLE = "\x00"  # stands in for an unknown part of an ARN (no ARN holds a NUL)


@dataclass
class AttachedPolicy:
    address: str  # where the document comes from, e.g. `aws_iam_role_policy.mwaa`
    document: PolicyDocument
    loc: Location  # the `policy = ...` attribute


def refers_to(ev, value: Any, instance) -> Optional[bool]:
    """Does `value` (a role name, ARN or reference) designate this resource instance?"""
    if ev.target(value) is not None:
        return ev.target(value) is instance
    if isinstance(value, Unknown) and not value.origin:
        return None
    for attr in ("name", "arn"):
        configured = ev.attr(instance, attr)
        if configured is not None:
            same = same_value(value, configured)
            if same:
                return True
    return None if isinstance(value, Unknown) else False


def execution_role(ev, env) -> Optional[Instance]:
    """The aws_iam_role instance an environment's `execution_role_arn` designates, or None
    (a role from a data source or outside the configuration, unknown).

    A reference (`aws_iam_role.x.arn`) designates its role; an ARN written as text
    (`arn:aws:iam::${local.account}:role/${aws_iam_role.x.name}`, `...:role/mwaa-exec`)
    designates the one role of the configuration with that name, if exactly one has it."""
    value = env.attr("execution_role_arn")
    role = ev.target(value)
    if role is not None:
        return role if role.block.labels[0] == "aws_iam_role" else None
    return named_in_arn(ev, value, "role", "aws_iam_role")


def named_in_arn(ev, value: Any, kind: str, resource_type: str) -> Optional[Instance]:
    """The `resource_type` instance (`aws_iam_role`, `aws_iam_policy`) an IAM ARN written as text
    names (`arn:${partition}:iam::${account}:<kind>/<path>/<name>`): the one instance whose name
    (and path, when the ARN has one) is that of the ARN. None when no instance, or more than one,
    has it, or when the ARN cannot be read. IAM names are unique in an account, so a name
    identifies the role; an ARN of an AWS managed policy (account `aws`) names none."""
    found = _arn_tail(value, kind)
    if found is None:
        return None
    account, tail = found
    if kind == "policy" and account == "aws":
        return None
    if len(tail) == 1 and isinstance(tail[0], Ref) and tail[0].attr in ("name", "id"):
        named = tail[0].instance  # `...:role/${aws_iam_role.x.name}` with the name left to the provider
        return named if named.block.labels[0] == resource_type else None
    path, name = _path_and_name(tail)
    matches = [inst for inst in ev.all_instances(resource_type)
               if same_value(name, ev.attr(inst, "name")) is True
               and same_value(path, ev.attr(inst, "path", "/")) is not False]
    return matches[0] if len(matches) == 1 else None


def _arn_tail(value: Any, kind: str) -> Optional[tuple[Any, tuple]]:
    """(the account part when known, else None; the parts after `:<kind>/`) of an IAM ARN."""
    parts = tuple(value.parts) if isinstance(value, PartialString) else (str(value),) if isinstance(value, str) else ()
    if not parts or not isinstance(parts[0], str) or not parts[0].startswith("arn:"):
        return None
    marker = f":{kind}/"
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        if isinstance(part, str) and marker in part:
            head, _, rest = part.rpartition(marker)
            before = [*parts[:index], head]
            tail = tuple(p for p in ((rest,) if rest else ()) + parts[index + 1:])
            break
    else:
        return None
    text = "".join(p if isinstance(p, str) else _HOLE for p in before)
    fields = text.split(":")
    # arn : partition : iam : (no region) : account
    if len(fields) != 5 or fields[2] != "iam" or fields[3] != "" or not tail:
        return None
    return (fields[4] if _HOLE not in fields[4] else None), tail


def _path_and_name(tail: tuple) -> tuple[Any, Any]:
    """(`/path/`, name) of the parts after `role/`; the path is Unknown when a hole is in it."""
    last = tail[-1]
    if isinstance(last, str) and "/" in last:
        path_text, _, name = last.rpartition("/")
        return join_parts(["/", *tail[:-1], path_text, "/"]), name
    if len(tail) == 1:
        return "/", last
    return Unknown(), join_parts(list(tail))  # `role/${var.path}${var.name}`: only the whole is known


def role_policies(ev, role) -> Iterator[AttachedPolicy]:
    """Every policy on `role` (an Instance of aws_iam_role) whose document we can read."""
    for block in ev.children(role.block, "inline_policy", role):
        yield from _documents(ev, role, block.attr("policy"), role.address + ".inline_policy")
    for inst in ev.all_instances("aws_iam_role_policy"):
        if refers_to(ev, ev.attr(inst, "role"), role):
            yield from _documents(ev, inst, inst.block.attr("policy"), inst.address)
    for policy in _attached_customer_policies(ev, role):
        yield from _documents(ev, policy, policy.block.attr("policy"), policy.address)


def attachments(ev, role) -> Iterator[tuple[Instance, str]]:
    """(instance, attribute) for every place a managed policy is attached to `role`: the
    attachment resources that name it, and its own `managed_policy_arns`."""
    for inst in ev.all_instances("aws_iam_role_policy_attachment"):
        if refers_to(ev, ev.attr(inst, "role"), role):
            yield inst, "policy_arn"
    for inst in ev.all_instances("aws_iam_policy_attachment"):
        roles = ev.value(inst.block.attr("roles").expr, inst) if inst.block.attr("roles") else None
        if isinstance(roles, list) and any(refers_to(ev, r, role) for r in roles):
            yield inst, "policy_arn"
    for inst in ev.all_instances("aws_iam_role_policy_attachments_exclusive"):
        if refers_to(ev, ev.attr(inst, "role_name"), role):
            yield inst, "policy_arns"
    yield role, "managed_policy_arns"


def _attached_customer_policies(ev, role) -> Iterator[Any]:
    """aws_iam_policy instances attached to `role` (by reference, or by an ARN built from the
    policy's name), each once."""
    seen = set()
    for inst, name in attachments(ev, role):
        value = ev.attr(inst, name, [])
        for arn in value if isinstance(value, list) else [value]:
            target = ev.target(arn)
            if target is None:
                target = named_in_arn(ev, arn, "policy", "aws_iam_policy")
            elif target.block.type == "data":
                continue  # data "aws_iam_policy": a policy that exists already, its document unread
            if target is not None and target.block.labels[0] == "aws_iam_policy" and id(target) not in seen:
                seen.add(id(target))
                yield target


def aws_managed_policy(ev, value: Any) -> Optional[str]:
    """The AWS managed policy a `policy_arn` value names (`CloudWatchLogsFullAccess`,
    `service-role/AWSGlueServiceRole`), or None when it names another policy or is unknown: an
    ARN in any partition (also `arn:${data.aws_partition.current.partition}:...`), or a
    `data "aws_iam_policy"` looked up by that ARN or by name."""
    pattern = re.compile(table("aws_managed_policies")["arn_pattern"])
    if isinstance(value, str):
        match = pattern.fullmatch(str(value).strip())
        return match.group("name") if match else None
    if isinstance(value, PartialString):
        # arn:${data.aws_partition.current.partition}:iam::aws:policy/NAME: only the partition is open
        parts = value.parts
        if len(parts) == 3 and parts[0] == "arn:" and isinstance(parts[2], str):
            match = pattern.fullmatch(f"arn:aws{parts[2]}")
            return match.group("name") if match else None
        return None
    target = ev.target(value)
    if target is None or target.block.labels[0] != "aws_iam_policy" or target.block.type != "data":
        return None
    # data "aws_iam_policy" by name: the provider requires exactly one match among all the account's
    # policies, AWS managed ones (path "/") included, unless path_prefix narrows the search.
    name, prefix = ev.attr(target, "name"), ev.attr(target, "path_prefix")
    if not isinstance(name, str) or isinstance(prefix, Unknown) or prefix not in (None, "/"):
        return None
    return str(name)


def _documents(ev, instance, attribute, address: str) -> Iterator[AttachedPolicy]:
    if attribute is None:
        return
    value = ev.eval(attribute.expr, instance)
    document = parse_policy(value, attribute.expr.loc)
    if document is not None:
        yield AttachedPolicy(address, document, attribute.loc)


def read_policy(ev, instance, name: str) -> Optional[PolicyDocument]:
    """A policy-valued argument of a resource (`assume_role_policy`, a key's `policy`) as
    statements; None when it is not written or unknown."""
    attribute = instance.block.attr(name)
    return parse_policy(ev.eval(attribute.expr, instance), attribute.expr.loc) if attribute is not None else None


def trust(ev, role) -> Optional[Grants]:
    """Who the role's `assume_role_policy` lets call `sts:AssumeRole`; None when it is unknown."""
    document = read_policy(ev, role, "assume_role_policy")
    return grants(document, "sts:AssumeRole") if document is not None else None


def permissions_known(ev, role) -> bool:
    """Can every permission policy of the role be read? Not when a policy document is unknown,
    an attachment or a role policy might be for this role and cannot be told, a managed
    policy (AWS's, or one not in the configuration) is attached, or the role is handed to a
    module mwaa-lint cannot read: then what the role may do cannot be told."""
    if role.block.type != "resource":
        return False  # a `data "aws_iam_role"`: its policies are not in the configuration
    for block in ev.children(role.block, "inline_policy", role):
        if block.unknown or _unreadable(ev, role, block.attr("policy")):
            return False
    for inst in ev.all_instances("aws_iam_role_policy"):
        same = refers_to(ev, ev.attr(inst, "role"), role)
        if same is None or (same and _unreadable(ev, inst, inst.block.attr("policy"))):
            return False
    for resource_type, name in (("aws_iam_role_policy_attachment", "role"), ("aws_iam_role_policy_attachments_exclusive", "role_name")):
        for inst in ev.all_instances(resource_type):
            if refers_to(ev, ev.attr(inst, name), role) is None:
                return False
    for inst in ev.all_instances("aws_iam_policy_attachment"):
        roles = ev.attr(inst, "roles", [])
        if not isinstance(roles, list) or any(refers_to(ev, r, role) is None for r in roles):
            return False
    customer = {id(policy): policy for policy in _attached_customer_policies(ev, role)}
    for inst, name in attachments(ev, role):
        value = ev.attr(inst, name, [])
        for arn in value if isinstance(value, list) else [value]:
            policy = ev.target(arn) or named_in_arn(ev, arn, "policy", "aws_iam_policy")
            if policy is None or id(policy) not in customer:
                return False  # a managed policy, or one this configuration does not hold
    if any(_unreadable(ev, policy, policy.block.attr("policy")) for policy in customer.values()):
        return False
    return not given_to_unread_module(ev, lambda value: refers_to(ev, value, role) is True)


def _unreadable(ev, instance, attribute) -> bool:
    """Is the document unknown, or a statement of it (one from a source document known only
    after apply, a `dynamic` statement over an unknown): what it grants cannot be told."""
    if attribute is None:
        return True
    document = parse_policy(ev.eval(attribute.expr, instance), attribute.expr.loc)
    return document is None or document.unread > 0
