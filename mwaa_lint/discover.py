"""Turn the paths a user gave into module jobs: a directory of Terraform files, its variable
files, and which of its files to report on (all, or those of the modules the named files
select: selection.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

from .diagnostic import Diagnostic
from .model import CONFIGURATION_SUFFIXES
from .paths import real
from .project import current as current_project

SKIP_DIRS = {".terraform", ".terragrunt-cache", ".git", "node_modules", "__pycache__", ".venv"}


@dataclass
class ModuleJob:
    directory: Path
    real: Path  # the directory resolved: how runs compare directories
    names: list = field(default_factory=list)  # its configuration files (configuration_names), sorted
    var_files: list = field(default_factory=list)  # terraform.tfvars(.json), *.auto.tfvars(.json)
    report: Optional[set] = None  # None: every file; else only these resolved files, and the files of these directories
    requirement_files: list = field(default_factory=list)
    named: bool = False  # the user named this directory or a file in it (not just an ancestor)
    plan: Optional[Any] = None  # the Terraform plan (plan.Plan) made from this directory, when one was given

    @cached_property
    def files(self) -> list:
        # Paths only when asked for: most jobs of a monorepo are skipped on their names alone
        return [self.directory / name for name in self.names]


def is_terraform(path: Path) -> bool:
    return path.name.endswith(CONFIGURATION_SUFFIXES)


def _ignored(name: str) -> bool:
    """Files Terraform and OpenTofu pass over: hidden ones and editor files (`.#main.tf`)."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def configuration_names(names) -> list[str]:
    """The configuration files of a directory among `names` (sorted), as OpenTofu reads them:
    `x.tofu` is read instead of `x.tf`, and `x.tofu.json` instead of `x.tf.json`, when both
    exist (Terraform never sees a .tofu file, so it is the same for a Terraform-only module)."""
    candidates = {name for name in names if name.endswith(CONFIGURATION_SUFFIXES) and not _ignored(name)}
    return sorted(name for name in candidates if not _shadowed(name, candidates))


def _shadowed(name: str, names: set) -> bool:
    if name.endswith(".tf"):
        return name[:-3] + ".tofu" in names
    if name.endswith(".tf.json"):
        return name[:-8] + ".tofu.json" in names
    return False


def is_auto_var_file(path: Path) -> bool:
    name = path.name
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def _var_file_order(path: Path) -> tuple[int, str]:
    # Terraform's precedence: terraform.tfvars, then terraform.tfvars.json, then *.auto.* by name
    order = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}
    return (order.get(path.name, 2), path.name)


def discover(paths: list) -> tuple[list[ModuleJob], list[Diagnostic]]:
    """Returns (jobs in a stable order, diagnostics for paths that cannot be used)."""
    jobs: dict = {}
    diagnostics: list = []

    def job_for(directory: Path, resolved: Optional[Path] = None, entries: Optional[list] = None) -> ModuleJob:
        resolved = resolved or real(directory)
        if resolved not in jobs:
            jobs[resolved] = load_directory(directory, resolved, entries)
        return jobs[resolved]

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            kind = "broken symbolic link" if path.is_symlink() else "no such file or directory"
            diagnostics.append(Diagnostic(path, 0, 0, f"{kind}", kind="read-error"))
        elif path.is_dir():
            found = walk_tree(path, diagnostics)
            if not found:
                message = "no Terraform files (.tf, .tf.json, .tofu, .tofu.json) found"
                diagnostics.append(Diagnostic(path, 0, 0, message, kind="usage"))
            for directory, resolved, entries in found:
                job_for(directory, resolved, entries).report = None
            if real(path) in jobs:
                jobs[real(path)].named = True
        else:
            job = job_for(path.parent)
            job.named = True
            if path.suffix == ".txt":
                job.requirement_files.append(path)
            if is_terraform(path) or path.suffix == ".txt":
                if job.report is not None:
                    job.report.add(real(path))
                    if is_terraform(path):  # a named file selects its whole module directory (selection.py)
                        job.report.update([job.real, *(real(p) for p in job.files)])
                    if path.suffix == ".txt":  # naming a requirements file names what it includes
                        from .requirements import included_files  # only when one is named

                        job.report.update(real(p) for p in included_files(path))
            elif path.name.endswith((".tfvars", ".tfvars.json")):
                job.report = None  # a changed input can change findings anywhere in the module
            else:
                message = "not a Terraform file (.tf, .tf.json, .tofu, .tofu.json, .tfvars) or a requirements .txt"
                diagnostics.append(Diagnostic(path, 0, 0, message, kind="usage"))
    return [jobs[k] for k in sorted(jobs)], diagnostics


def load_directory(directory: Path, resolved: Path, entries: Optional[list] = None) -> ModuleJob:
    job = ModuleJob(directory=directory, real=resolved, report=set())
    if entries is None:
        try:
            entries = _listing(directory)
        except OSError:
            return job
    names = []
    for entry in entries:
        name = entry.name
        if name.endswith(CONFIGURATION_SUFFIXES):
            if _is_file(entry):
                names.append(name)
            elif entry.is_symlink() and not os.path.exists(entry.path):
                names.append(name)  # a broken link: reading it reports it, as Terraform would
        elif is_auto_var_file(Path(name)) and _is_file(entry):
            job.var_files.append(directory / name)
    job.names = configuration_names(names)
    job.var_files.sort(key=_var_file_order)
    return job


def _listing(directory) -> list:
    # scandir: the file type comes with the listing, no stat per file (a monorepo has thousands)
    with os.scandir(directory) as listing:
        return sorted(listing, key=lambda entry: entry.name)


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def is_directory(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows symbolic links, as `terraform` does
    except OSError:
        return False


def walk_tree(root: Path, diagnostics: list) -> list:
    """(directory, its resolved path, its listing) for each directory under root holding
    Terraform files, top-down; symlinked directories followed once. Each directory is listed
    once, for the walk and for its job alike."""
    found: list = []
    seen: set = set()
    # (path, resolved path or None): a subdirectory that is no link resolves to its parent's
    # resolved path and its name, and lies inside the project when its parent does; only the
    # root and links are resolved and checked (a monorepo has thousands of directories)
    pending: list = [(os.fspath(root), None)]
    while pending:
        current, known = pending.pop()
        resolved = known or real(current)
        if resolved in seen:
            if real(os.path.dirname(current)).is_relative_to(resolved):  # a link back to an ancestor: a cycle
                # reports show paths with links resolved, so the message names the link itself
                message = f"symbolic link loop: {Path(current)} leads back to a directory it is in; not followed"
                diagnostics.append(Diagnostic(Path(current), 0, 0, message, kind="read-error"))
            continue
        seen.add(resolved)
        if known is None and current_project().outside(current) is not None:  # a link planted to list and read another tree
            # reports show paths with links resolved, so the message names the link itself
            message = f"symbolic link {Path(current)} leads outside the project root {current_project().root}; not followed"
            diagnostics.append(Diagnostic(Path(current), 0, 0, message, kind="not-read"))
            continue
        try:
            entries = _listing(current)
        except OSError as error:
            message = f"cannot read directory: {error.strerror or error}; not checked"
            diagnostics.append(Diagnostic(Path(current), 0, 0, message, kind="read-error"))
            continue
        if any(e.name.endswith(CONFIGURATION_SUFFIXES) and not _ignored(e.name) and not is_directory(e) for e in entries):
            found.append((Path(current), resolved, entries))
        subdirectories = [(e.path, None if _is_link(e) else resolved / e.name)
                          for e in entries if e.name not in SKIP_DIRS and is_directory(e)]
        pending.extend(reversed(subdirectories))  # popped in name order: the order os.walk gives
    return found


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True  # resolved and checked the long way
