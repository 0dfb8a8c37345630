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
            blocks = [child for b in blocks for child in b.children(name)]
        return blocks

    def eval(self, expr: m.Expr) -> Any:
        return self.ev.value(expr, self.instance)


@dataclass
class Context:
    module: m.Module
    ev: Evaluator
    options: dict = field(default_factory=dict)  # rule id → {option: value}
    requirement_files: list = field(default_factory=list)  # requirements.txt named by the user

    def environments(self) -> list:
        return [
            Environment(instance, self.ev)
            for block in self.module.resources("aws_mwaa_environment")
            for instance in self.ev.instances(block)
        ]
