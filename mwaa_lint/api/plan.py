"""The plan side of the rule API: what a Terraform plan will do to a resource (`PlannedChange`),
for the rules that judge a change rather than a configuration (MWAA812, MWAA813). A check of
plain `.tf` files has no plan: `context.planned_changes(...)` is then empty."""
from __future__ import annotations

from typing import Any, Optional, cast

from ..model import Location
from ..plan import Change, marked
from ..values import Unknown
from .terraform import Resource


class PlannedChange:
    """One entry of the plan's `resource_changes`."""

    def __init__(self, change: Change, resource: Optional[Resource]) -> None:
        self._change, self._resource = change, resource

    @property
    def address(self) -> str:
        return self._change.address

    @property
    def actions(self) -> tuple[str, ...]:
        """("create",), ("update",), ("delete", "create") (replaced), ("no-op",), ..."""
        return tuple(self._change.actions)

    @property
    def replaced(self) -> bool:
        """Is the resource deleted and created again (`["delete","create"]` or `["create","delete"]`)?"""
        return self._change.replaced

    @property
    def replace_paths(self) -> list[tuple[Any, ...]]:
        """The arguments that force the replacement, as paths (`("network_configuration", 0, "subnet_ids")`)."""
        return [tuple(path) for path in self._change.replace_paths]

    def before(self, name: str) -> Any:
        """The argument's value before the change (None when not set or the resource is new);
        Unknown when it is sensitive."""
        change = self._change
        if marked(change.before_sensitive, name):
            return Unknown(f"{change.address}.{name} (sensitive)")
        return change.before.get(name) if isinstance(change.before, dict) else None

    def after(self, name: str) -> Any:
        """The argument's planned value; Unknown when it is known only after apply, or sensitive."""
        change = self._change
        if marked(change.after_unknown, name):
            return Unknown(f"{change.address}.{name} (known after apply)")
        if marked(change.after_sensitive, name):
            return Unknown(f"{change.address}.{name} (sensitive)")
        return change.after.get(name) if isinstance(change.after, dict) else None

    @property
    def resource(self) -> Optional[Resource]:
        """The resource instance of the configuration the plan was made from, when it is beside the plan."""
        return self._resource

    def loc(self, path: tuple[Any, ...] = ()) -> Location:
        """Where to report the argument at `path` (names and indexes, as in `replace_paths`):
        its line in the configuration when the configuration is beside the plan, the
        resource's line there when the argument is not written, else where the resource's
        entry starts in the plan file."""
        if self._resource is None:
            return self._change.loc
        node: Any = self._resource
        steps = list(path)
        while steps:
            step = steps.pop(0)
            if not isinstance(step, str):
                continue
            blocks = node.blocks(step)
            if blocks:
                index = steps.pop(0) if steps and isinstance(steps[0], int) else 0
                node = blocks[index] if 0 <= index < len(blocks) else blocks[0]
                continue
            argument = node.argument(step)
            return argument.loc if argument.written else cast(Location, node.loc)
        return cast(Location, node.loc)
