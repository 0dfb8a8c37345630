"""Diagnostics: problems with the input or the run itself, as opposed to findings about it.

A diagnostic means the check was incomplete (a file could not be read or parsed, a rule
crashed), so any run that has one exits 2.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .fixes import Fix

# How a diagnostic about a module call that cannot be followed begins (modules.py,
# missing_sources.py): the summary tells those apart from files that do not parse (output/text.py)
MODULE_SOURCE = "module source"


@dataclass(frozen=True)
class Diagnostic:
    path: Optional[Path]
    line: int  # 1-based; 0 when the problem has no line (a missing path, an unreadable file)
    column: int
    message: str
    # parse-error | read-error | usage | internal-error | limit (an evaluation budget ran out)
    # | not-read (a file the configuration names that the project's gate refused: project.py)
    kind: str = "parse-error"
    fix: Optional[Fix] = field(default=None, compare=False)  # a safe repair (a one-line block split: parse.py)

    def __str__(self) -> str:
        where = str(self.path) if self.path else "mwaa-lint"
        if self.line:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.message}"


class InputError(Exception):
    """Raised by the reading and parsing stages; carries one or more Diagnostics."""

    def __init__(self, diagnostic: Diagnostic, *more: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
        self.diagnostics = [diagnostic, *more]
