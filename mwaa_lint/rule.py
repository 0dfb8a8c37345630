"""The plugin contract: Severity, Finding, and the Rule base class.

A rule is a class with metadata (id, slug, severity) and a docstring that is its whole
documentation, plus a `check(context)` generator of Findings. Rules are pure: they read
the evaluated model and never touch the network or write files.
"""
from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Optional

from .paths import real

if TYPE_CHECKING:
    from .context import Context
    from .model import Location


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected info, warning or error)") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    rule_id: str
    slug: str
    severity: Severity
    message: str  # says what was found and what was expected
    path: Path
    line: int
    column: int
    end_line: int
    end_column: int
    address: str = ""  # resource address, e.g. `aws_iam_role_policy.mwaa`
    related: tuple = field(default=(), compare=False)  # ((Location, "why"), ...)

    def sort_key(self) -> tuple:
        # resolved, so files named relative and absolute (a rule's and a module's) sort together
        return (str(real(self.path)), self.line, self.column, self.rule_id, self.message)


_DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


class Rule:
    """Subclass, set the class attributes, write the docstring, implement `check`.

    The docstring's first line is the summary. The rest is Markdown with the sections
    `## What it does`, `## Why is this bad?`, `## Example` and `## Use instead`; the last
    two each hold one ```hcl block that the test suite runs: the first must fire, the
    second must not. An optional `## References` section lists links.
    """

    id: ClassVar[str] = ""
    slug: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    # GitHub code scanning ranks security alerts by this CVSS-like score (0.0–10.0).
    security_severity: ClassVar[Optional[float]] = None
    options: ClassVar[dict] = {}  # option name → default; users override per rule
    # Off-by-default rules run only when a --select (or config `select`) names them.
    enabled_by_default: ClassVar[bool] = True
    # "module": `check(context)` runs on each module. "suppressions": the engine reports the
    # rule's findings itself, after inline suppressions are applied (see suppress.py).
    stage: ClassVar[str] = "module"
    # False for rules whose flagged line holds a secret: text output then shows no source line.
    show_source: ClassVar[bool] = True
    # True for rules written against the public API (mwaa_lint.api.Rule): `check` gets an
    # api.Context. False: the engine's own Context (rules not yet moved to the API).
    api: ClassVar[bool] = False

    def __init__(self, options: Optional[dict] = None):
        self.opts = {**self.options, **(options or {})}

    @classmethod
    def summary(cls) -> str:
        return cls.doc().splitlines()[0].strip()

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def section(cls, heading: str) -> str:
        """The body of a `## heading` section of the docstring ('' if absent)."""
        match = re.search(rf"^## {re.escape(heading)}\s*\n(.*?)(?=^## |\Z)", cls.doc(), re.S | re.M)
        return match.group(1).strip() if match else ""

    @classmethod
    def example(cls, heading: str) -> str:
        """The HCL code of the `Example` or `Use instead` section."""
        match = re.search(r"```hcl\n(.*?)```", cls.section(heading), re.S)
        return match.group(1) if match else ""

    @classmethod
    def problems(cls) -> list[str]:
        """What is wrong with this rule's metadata (empty when it is well formed)."""
        found = []
        if not re.fullmatch(r"[A-Z][A-Z0-9]*\d{3}", cls.id or ""):
            found.append(f"id {cls.id!r} is not a prefix followed by three digits")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cls.slug or ""):
            found.append(f"slug {cls.slug!r} is not kebab-case")
        if not isinstance(cls.severity, Severity):
            found.append("severity is not a Severity")
        doc = cls.doc()
        if not doc:
            found.append("no docstring")
        for heading in _DOC_SECTIONS:
            if heading not in doc:
                found.append(f"docstring lacks the section {heading!r}")
        if doc and (not cls.example("Example") or not cls.example("Use instead")):
            found.append("the Example and Use instead sections each need an ```hcl block")
        return found

    def check(self, context: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, loc: Location, message: str, address: str = "", related: tuple = ()) -> Finding:
        return Finding(
            rule_id=self.id,
            slug=self.slug,
            severity=self.severity,
            message=message,
            path=loc.path,
            line=loc.line,
            column=loc.column,
            end_line=loc.end_line,
            end_column=loc.end_column,
            address=address,
            related=related,
        )
