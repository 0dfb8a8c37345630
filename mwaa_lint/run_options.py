"""What a run is asked to do, beyond the paths and rules: the settings the engine's stages read."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .baseline import Baseline
from .project import Project


@dataclass
class RunOptions:
    var_files: list = field(default_factory=list)
    cli_vars: list = field(default_factory=list)
    rule_options: dict = field(default_factory=dict)  # rule id → {option: value}
    environ: Optional[dict] = None
    inline_ignores: bool = True  # False: auditors see everything (`--no-inline-ignores`)
    known_rules: Optional[list] = None  # every installed rule, to tell a typo from an unselected rule
    today: Optional[datetime.date] = None  # for `until=` in suppressions; tests pin it
    baseline: Optional[Baseline] = None
    # From the config file: module directories to skip, per-path rule ignores, severity
    # overrides (rule id → Severity), and var files per module directory.
    excluded: Callable[[Path | str], bool] = lambda path: False
    path_ignores: Callable[[Path], list] = lambda path: []
    severity: dict = field(default_factory=dict)
    var_files_for: Callable[[Path], list] = lambda directory: []
    # warnings for the config's patterns that match nothing among the discovered module jobs
    unmatched_patterns: Callable[[list], list] = lambda jobs: []
    cache_dir: Optional[Path] = None  # None: no parse cache
    # What may be read on the repository's behalf (project.py); None: found from the paths
    project: Optional[Project] = None
    # Parse only directories with an aws_mwaa_environment in reach (see relevance.py);
    # False parses everything (`--scan-all`), which finds the same findings, slower.
    skip_irrelevant: bool = True
    plans: list = field(default_factory=list)  # `--plan FILE`: read as Terraform plan JSON whatever the name


class UndeclaredVariable(Exception):
    """A `--var` for a variable no scanned module declares (Terraform: "Value for undeclared variable")."""

