"""The plugin contract: Severity, Finding, the Rule base class and how rules are run.

A rule is a class with metadata (id, slug, severity) and a docstring that is its whole
documentation, plus the hook of its kind (`stage`): a module rule's `check(context)` or a
suppression rule's `check_suppressions(suppressions)`. A hook yields a `Finding` for each
problem and a `Diagnostic` for what it could not judge. Rules are pure: they read what the
engine hands them (an `mwaa_lint.api.Context`: requirements files come parsed, never as
paths to read) and never touch the file system or the network. Every hook runs under one
guard (`run_rules`): a rule that raises, or yields anything else, becomes one internal-error
Diagnostic, and the other rules still run.
"""
from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Optional, Union

from .diagnostic import Diagnostic
from .fixes import Fix
from .paths import real

if TYPE_CHECKING:
    from .model import Location
    from .suppress import Suppressions


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
    fix: Optional[Fix] = field(default=None, compare=False)  # what would repair it (fixes.py), if it is safe

    def sort_key(self) -> tuple[str, int, int, str, str]:
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
    # Option name → the check of a value a user gives it (in the config, or `--rule-option`,
    # where a number arrives as a number): it returns the value the rule will see, or raises
    # ValueError("expected …, found …"). Run when the configuration is read, before any scan,
    # so that a wrong value stops the run (exit 2) instead of silencing the rule.
    option_types: ClassVar[dict] = {}
    # Off-by-default rules run only when a --select (or config `select`) names them.
    enabled_by_default: ClassVar[bool] = True
    # The kind of rule, which decides its hook. "module": `check(context)` runs on each root
    # module checked, with the local modules it calls. "suppressions": `check_suppressions(
    # suppressions)` runs once per run, after the inline suppressions are applied to every
    # finding (see suppress.py); it judges the suppression comments themselves.
    stage: ClassVar[str] = "module"
    # False for rules whose flagged line holds a secret: text output then shows no source line.
    show_source: ClassVar[bool] = True
    # A promise that `check` reads nothing but what mwaa_lint.api hands it (no file, no network):
    # then a third-party rule keeps the result cache on (result_cache.py); built-in rules always do.
    reads_only_the_model: ClassVar[bool] = False
    # Rule options the documented Example needs in order to fire (a rule silent until it is
    # configured, like MWAA504's budget); tests/test_rule_docs.py runs both examples with them.
    example_options: ClassVar[dict] = {}
    # True when some of its findings carry a Fix (`self.finding(..., fix=...)`): `mwaa-lint rules`
    # marks it, and `--fix` applies them. A fix is offered only when it is safe (README, Fixing).
    fixable: ClassVar[bool] = False

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
    def example_plan(cls, heading: str) -> str:
        """The Terraform plan JSON (a ```json block) of the `Example` or `Use instead` section of a
        rule that judges plans (MWAA812): the test suite checks it beside the section's HCL."""
        match = re.search(r"```json\n(.*?)```", cls.section(heading), re.S)
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
        hook = HOOKS.get(cls.stage)
        if hook is None:
            found.append(f"stage {cls.stage!r} is not one of {', '.join(repr(s) for s in HOOKS)}")
        elif getattr(getattr(cls, hook), "not_implemented", False):
            found.append(f"a {cls.stage!r} rule does not implement {hook}()")
        return found

    # Any here: mwaa_lint.api.Rule, which every module rule subclasses, narrows it to api.Context
    def check(self, context: Any) -> Iterator[FindingOrDiagnostic]:
        """A module rule's hook: look at the environments of one root module (and the local
        modules it calls), through an `mwaa_lint.api.Context`, and yield a Finding for each
        problem, a Diagnostic for what cannot be judged."""
        raise NotImplementedError

    check.not_implemented = True  # type: ignore[attr-defined]  # (problems(): a hook a rule must write)

    def check_suppressions(self, suppressions: Suppressions) -> Iterator[FindingOrDiagnostic]:
        """A suppression rule's hook (`stage = "suppressions"`): iterate the inline suppressions
        of the reported files (each has `.loc`, `.selectors`, `.until`, `.bad_until`,
        `.file_level`, `.used` and `.expired(today)`) and yield a Finding for each bad one.
        `suppressions.rules_named(selector)` gives the installed rules a selector names,
        `suppressions.ran` the rules that ran, `suppressions.today` the date of the run."""
        raise NotImplementedError

    check_suppressions.not_implemented = True  # type: ignore[attr-defined]

    def finding(self, loc: Location, message: str, address: str = "", related: tuple = (),
                fix: Optional[Fix] = None) -> Finding:
        if fix is not None and not fix.edits:
            fix = None
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
            fix=fix,
        )


# What a hook yields: a Finding, or a Diagnostic for what the rule could not judge.
FindingOrDiagnostic = Union[Finding, Diagnostic]
# The hook each kind of rule (`Rule.stage`) implements.
HOOKS = {"module": "check", "suppressions": "check_suppressions"}


def run_rules(rules: Iterable[type[Rule]], options: dict, call: Callable[[Rule], Iterable[FindingOrDiagnostic]],
              crashed: Callable[[type[Rule], Exception], Diagnostic]) -> tuple[list[Finding], list[Diagnostic]]:
    """(findings, diagnostics) of running each rule's hook, `call(rule)`, with its options
    (rule id → {option: value}). One guard for both kinds: a rule that raises, or yields
    anything but a Finding or a Diagnostic, adds `crashed(rule class, exception)` (one
    internal-error Diagnostic) and keeps what it yielded before; the other rules still run.
    A finding a rule yields again at the same place with the same message (a requirements file
    two environments install) is kept once, the first one."""
    findings: list[Finding] = []
    diagnostics: list[Diagnostic] = []
    for rule_class in rules:
        seen: set = set()
        try:
            for item in call(rule_class(options.get(rule_class.id))):
                if isinstance(item, Diagnostic):
                    diagnostics.append(item)
                elif isinstance(item, Finding):
                    key = (str(item.path), item.line, item.column, item.message)
                    if key not in seen:
                        seen.add(key)
                        findings.append(item)
                else:
                    raise TypeError(f"yielded {type(item).__name__}, not a Finding or a Diagnostic")
        except Exception as exc:  # one broken rule must not hide the others' findings
            diagnostics.append(crashed(rule_class, exc))
    return findings, diagnostics
