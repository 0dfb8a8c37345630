"""The Rule base class of the rule API. Apart from the rest of the API so that importing it (as
every rule module does) loads nothing of the model or the evaluator: a run that answers its
roots from the result cache still runs the suppression rules, and should not pay for those."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..rule import FindingOrDiagnostic
from ..rule import Rule as _Rule

if TYPE_CHECKING:
    from .mwaa import Context


class Rule(_Rule):
    """The base class of a rule written against this API: `check(context)` gets a `Context`.

    Declare `id`, `slug`, `severity` (and optionally `security_severity`, `options` with
    `option_types` to check the values users give them, `enabled_by_default`, `show_source`);
    write the docstring (summary line, then `## What it does`, `## Why is this bad?`,
    `## Example` and `## Use instead` with one ```hcl block each: the example must fire, the
    other must not); yield `self.finding(loc, message,
    address=..., related=...)` for each problem and a `Diagnostic` for what cannot be judged.
    """


    def check(self, context: Context) -> Iterator[FindingOrDiagnostic]:
        """Look at the environments of one root module (and the local modules it calls), through
        `context`, and yield a Finding for each problem, a Diagnostic for what cannot be judged."""
        raise NotImplementedError

    check.not_implemented = True  # type: ignore[attr-defined]  # (rule.problems: a hook a rule must write)
