"""What a run produced, handed to the output formats."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostic import Diagnostic
from .redact import escape_undecodable
from .rule import Finding, Rule


@dataclass
class Stats:
    """How much work a run did, for `--statistics`, the JSON summary and the benchmark."""

    files_read: int = 0  # Terraform files discovered under the scanned paths
    directories_skipped: int = 0  # module directories with no aws_mwaa_environment in reach
    files_parsed: int = 0  # parsed in this run
    files_from_cache: int = 0  # taken from the parse cache instead
    roots_reused: int = 0  # root modules answered from the result cache: nothing read or evaluated


@dataclass
class Result:
    findings: list[Finding]  # sorted, suppressions already applied
    diagnostics: list[Diagnostic]  # parse/read/internal errors: the check was incomplete
    rules: list[type[Rule]]  # the rules that ran (all of them go into SARIF's rules[])
    root: Path  # output paths are relative to this directory (the working directory)
    files_checked: int = 0
    files_not_checked: set = field(default_factory=set)  # unreadable, or in a module with one
    suppressed: int = 0  # findings hidden by inline suppressions
    baselined: int = 0  # findings hidden because the baseline already has them
    stats: Stats = field(default_factory=Stats)
    notes: list = field(default_factory=list)  # what file mode left out, and why (selection.py), for --statistics

    def relpath(self, path: Path) -> str:
        """`path` relative to root with forward slashes (`../x.tf` when it lies outside root), a
        byte of its name that is not UTF-8 written `\\xff` so that every format can print it."""
        return escape_undecodable(Path(os.path.relpath(Path(path).resolve(), self.root.resolve())).as_posix())
