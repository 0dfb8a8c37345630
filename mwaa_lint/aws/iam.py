"""From an execution role to every policy document attached to it."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..model import Location
from ..values import Unknown, same_value
from .policy_document import PolicyDocument, parse_policy

if TYPE_CHECKING:
    from ..evaluate import Instance


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
    (an ARN written as text, a role from a data source, unknown)."""
    role = ev.target(env.attr("execution_role_arn"))
    return role if role is not None and role.block.labels[0] == "aws_iam_role" else None


def role_policies(ev, role) -> Iterator[AttachedPolicy]:
    """Every policy on `role` (an Instance of aws_iam_role) whose document we can read."""
    for block in ev.children(role.block, "inline_policy", role):
        yield from _documents(ev, role, block.attr("policy"), role.address + ".inline_policy")
    for inst in ev.all_instances("aws_iam_role_policy"):
        if refers_to(ev, ev.attr(inst, "role"), role):
            yield from _documents(ev, inst, inst.block.attr("policy"), inst.address)
    for policy in _attached_managed_policies(ev, role):
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


def _attached_managed_policies(ev, role) -> Iterator[Any]:
    """aws_iam_policy instances attached to `role`, each once."""
    seen = set()
    for inst, name in attachments(ev, role):
        value = ev.attr(inst, name, [])
        for arn in value if isinstance(value, list) else [value]:
            target = ev.target(arn)
            if target is not None and target.block.labels[0] == "aws_iam_policy" and id(target) not in seen:
                seen.add(id(target))
                yield target


def _documents(ev, instance, attribute, address: str) -> Iterator[AttachedPolicy]:
    if attribute is None:
        return
    value = ev.eval(attribute.expr, instance)
    document = parse_policy(value, attribute.expr.loc)
    if document is not None:
        yield AttachedPolicy(address, document, attribute.loc)
