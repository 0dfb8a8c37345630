"""What a run produced, handed to the output formats."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .diagnostic import Diagnostic
from .project import _git_top_level as git_top_level
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
    unmatched_patterns: list = field(default_factory=list)  # warnings: config patterns that match no scanned path


@dataclass
class Result:
    findings: list[Finding]  # sorted, suppressions already applied
    diagnostics: list[Diagnostic]  # parse/read/internal errors: the check was incomplete
    rules: list[type[Rule]]  # the rules that ran (all of them go into SARIF's rules[])
    root: Path  # output paths are relative to this directory (cli.py picks it per format: ReportRoots)
    files_checked: int = 0
    files_not_checked: set = field(default_factory=set)  # unreadable, or in a module with one
    suppressed: int = 0  # findings hidden by inline suppressions
    baselined: int = 0  # findings hidden because the baseline already has them
    stats: Stats = field(default_factory=Stats)
    # module calls that were not followed (not downloaded, stale: modules.notices); not findings,
    # and not diagnostics: the exit code is 0 for them unless --strict-modules
    notices: list[Diagnostic] = field(default_factory=list)
    environments: Optional[int] = None  # aws_mwaa_environment blocks in the roots checked; None: not counted
    notes: list = field(default_factory=list)  # what file mode left out, and why (selection.py), for --statistics

    def relpath(self, path: Path) -> str:
        """`path` relative to root with forward slashes (`../x.tf` when it lies outside root), a
        byte of its name that is not UTF-8 written `\\xff` so that every format can print it."""
        # remembered: a report names few files many times, and resolving one looks at each of
        # its parts (not a field: a Result with another root, dataclasses.replace, starts afresh)
        known = self.__dict__.setdefault("_relpaths", {})
        key = os.fspath(path)
        if key not in known:
            known[key] = escape_undecodable(Path(os.path.relpath(Path(path).resolve(), self.root.resolve())).as_posix())
        return known[key]


# Where a CI system checked the repository out: paths relative to it are the ones its annotations
# (GitHub's workflow commands and code scanning, GitLab's Code Quality) place on files.
CI_ROOT_VARIABLES = ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")


@dataclass(frozen=True)
class ReportRoots:
    """The directories report paths are relative to.

    `repository`: `$GITHUB_WORKSPACE` or `$CI_PROJECT_DIR` when one is set and holds every
    scanned path; else the git top level of the working directory (the nearest directory up
    from it holding `.git`, found without running git, as git does it: not above a directory
    of `$GIT_CEILING_DIRECTORIES`); else the working directory. The machine formats (JSON,
    JSONL, SARIF, GitHub, GitLab, JUnit) always use it, so a job that runs in a subdirectory
    (`working-directory: infra`) still names `infra/main.tf`.
    `people`: for text, concise, standard error and `--statistics`: the repository root in CI
    (one of those variables applied), else the working directory, so that a path printed at a
    terminal opens from where the command was typed, as ruff's do."""

    repository: Path
    people: Path
    in_ci: bool

    @classmethod
    def find(cls, paths: list, environ: Optional[Mapping] = None, cwd: Optional[str] = None) -> ReportRoots:
        environ = os.environ if environ is None else environ
        here = os.path.realpath(os.getcwd() if cwd is None else cwd)
        scanned = [os.path.realpath(os.path.join(here, p)) for p in paths] or [here]
        for name in CI_ROOT_VARIABLES:
            value = environ.get(name)
            if not value:
                continue
            root = os.path.realpath(os.path.join(here, value))
            if all(_within(p, root) for p in scanned):
                return cls(Path(root), Path(root), True)
        ceilings = [os.path.realpath(c) for c in environ.get("GIT_CEILING_DIRECTORIES", "").split(os.pathsep)
                    if os.path.isabs(c)]
        top = git_top_level(here, ceilings)
        return cls(Path(top or here), Path(here), False)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
