"""One line per finding, `path:line:col: RULE [severity] message`: for grep, editors and logs.

A module call that was not followed (Result.notices) is one line of the same shape, marked as a
notice: `main.tf:62:1: module-not-followed [notice] module.mwaa (aws-ia/mwaa/aws) was not
followed: …`. It is not a finding: no rule id, and the summary's counts leave it out. When this
report is on standard output, the CLI does not repeat the notices on standard error.
"""
from __future__ import annotations

from ..redact import mask_credentials
from ..result import Result
from .text import FIXABLE, clean, summary


def render(result: Result, color: bool = False) -> str:
    lines = [
        f"{clean(result.relpath(f.path))}:{f.line}:{f.column}: {f.rule_id}{FIXABLE if f.fix else ''} [{f.severity}] {clean(f.message)}"
        for f in result.findings
    ]
    lines += [f"{_where(result, d)}: {d.kind} [notice] {clean(mask_credentials(d.message))}" for d in result.notices]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _where(result: Result, d) -> str:
    where = clean(result.relpath(d.path)) if d.path else "mwaa-lint"
    return where + (f":{d.line}:{d.column}" if d.line else "")
