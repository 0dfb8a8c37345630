"""Is a resource handed to a module mwaa-lint cannot read (a registry or git source, a missing
directory)? Such a module may configure it — add a bucket's versioning, a group's rules — so a
rule that would say "nothing configures it" must stay silent."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..evaluate import InstanceValue, ResourceSet

_NOT_INPUTS = ("source", "version", "count", "for_each", "providers", "depends_on")


def given_to_unread_module(ev, designates: Callable[[Any], bool]) -> bool:
    """Does some argument of an unread module call hold a value `designates` says is the resource
    (also inside a list or a map, or as one instance of a resource set)?"""
    for module_ev in ev.tree:
        for calls in module_ev.calls.values():
            for call, child in calls:
                if child is not None:
                    continue
                for name, attribute in call.block.attributes.items():
                    if name not in _NOT_INPUTS and _holds(module_ev.eval(attribute.expr, call), designates):
                        return True
    return False


def _holds(value: Any, designates: Callable[[Any], bool]) -> bool:
    if isinstance(value, ResourceSet):
        return any(designates(InstanceValue(instance)) for instance in value.instances)
    if isinstance(value, list):
        return any(_holds(v, designates) for v in value)
    if isinstance(value, dict):
        return any(_holds(v, designates) for v in value.values())
    return designates(value)
