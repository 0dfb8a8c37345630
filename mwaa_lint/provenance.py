"""Where a value was written. `max_workers = var.max_workers` inside a module says little; the
caller's `max_workers = 40` is the line to fix, so findings follow `var.*` out to the caller."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from . import model as m


@dataclass
class Origin:
    expr: m.Expr  # the expression that holds the value, after following `var.*` to callers
    ev: Any  # the Evaluator that expression belongs to
    instance: Any  # the instance it is evaluated for (a module call when it is a caller's argument)
    loc: Optional[m.Location] = None  # the outermost caller argument, or None if never passed in
    calls: list = field(default_factory=list)  # module addresses it was passed to, outermost first
    variables: list = field(default_factory=list)  # (Evaluator, variable block) met along the way

    def passed_to(self) -> str:
        """`passed to module.mwaa` (or through several calls), or "" when set where it is used."""
        return f"passed to {self.calls[0]}" if self.calls else ""


def direct_variable(expr: m.Expr) -> Optional[str]:
    """NAME when the expression is exactly `var.NAME`."""
    if isinstance(expr, m.GetAttr) and isinstance(expr.obj, m.Name) and expr.obj.name == "var":
        return expr.name
    return None


def origin_of(ev, expr: m.Expr, instance=None) -> Origin:
    found = Origin(expr, ev, instance)
    for _ in range(64):  # nesting depth is bounded by the module loader; this is a backstop
        name = direct_variable(found.expr)
        if name is None:
            break
        block = found.ev.module.variable(name)
        if block is not None:
            found.variables.append((found.ev, block))
        caller = found.ev.caller
        argument = caller.block.attr(name) if caller is not None else None
        if argument is None:
            break
        found.calls.insert(0, caller.address)
        found.expr, found.ev, found.instance, found.loc = argument.expr, caller.ev, caller, argument.loc
    return found
