"""One line per finding, `path:line:col: RULE [severity] message`: for grep, editors and logs."""
from __future__ import annotations

from ..result import Result
from .text import FIXABLE, clean, summary


def render(result: Result, color: bool = False) -> str:
    lines = [
        f"{clean(result.relpath(f.path))}:{f.line}:{f.column}: {f.rule_id}{FIXABLE if f.fix else ''} [{f.severity}] {clean(f.message)}"
        for f in result.findings
    ]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
