"""What a rule sees: one module, evaluated, with its MWAA environments and rule options."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from . import model as m
from .evaluate import Evaluator, Instance


@dataclass
class Environment:
    """One `aws_mwaa_environment` instance and shortcuts to its settings."""

    instance: Instance
    ev: Evaluator

    @property
    def block(self) -> m.Block:
        return self.instance.block

    @property
    def address(self) -> str:
        return self.instance.address

    def attr(self, name: str, default: Any = None) -> Any:
        return self.ev.attr(self.instance, name, default)

    def attribute(self, name: str) -> Optional[m.Attribute]:
        return self.block.attr(name)

    def nested(self, *path: str) -> list:
        """Nested blocks by path, e.g. nested("logging_configuration", "task_logs")."""
        blocks = [self.block]
        for name in path:
            blocks = [child for b in blocks for child in self.ev.children(b, name, self.instance)]
        return blocks

    def eval(self, expr: m.Expr) -> Any:
        return self.ev.value(expr, self.instance)

    def network_lists(self, name: str):
        """(attribute, evaluated list) for `network_configuration { <name> = [...] }`, when the
        list is known (`subnet_ids`, `security_group_ids`); its items may still be unknown."""
        for network in self.nested("network_configuration"):
            attribute = network.attr(name)
            if attribute is None:
                continue
            values = self.eval(attribute.expr)
            if isinstance(values, list):
                yield attribute, values


@dataclass
class Context:
    """The root module of one check; `ev.tree` reaches every local module it calls."""

    module: m.Module
    ev: Evaluator
    options: dict = field(default_factory=dict)  # rule id → {option: value}
    requirement_files: list = field(default_factory=list)  # requirements.txt named by the user
    plan: Optional[Any] = None  # the Terraform plan this root was planned into (plan.Plan), if one was given

    current: Optional[Environment] = None  # the environment a rule is looking at (for crash reports)

    def environments(self) -> list:
        """Every environment instance in the root module and the local modules it calls."""
        found = [Environment(instance, instance.ev) for instance in self.ev.all_instances("aws_mwaa_environment")]
        return _Tracked(found, self)


class _Tracked(list):
    """A list of environments that, while a rule iterates it, notes which one it is on."""

    def __init__(self, items: list, context: Context):
        super().__init__(items)
        self._context = context

    def __iter__(self):
        for env in super().__iter__():
            self._context.current = env
            yield env
        self._context.current = None
