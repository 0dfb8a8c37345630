"""Turn the paths a user gave into module jobs: a directory of Terraform files, its variable
files, and which of its files to report on (all, or those of the modules the named files
select: selection.py)."""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

from .diagnostic import Diagnostic
from .listing import CONFIGURATION_SUFFIXES, Listing, Listings, list_directory
from .paths import found_real, joined, real
from .project import current as current_project


class ModuleJob:
    """A module directory to check: its configuration and variable files, and what to report."""

    def __init__(self, directory, real, names: Optional[list] = None, var_names: tuple = (),
                 report: Optional[set] = None, requirement_files: Optional[list] = None, named: bool = False,
                 plan: Optional[Any] = None, initialized: Optional[bool] = None):
        # Paths only when asked for: most jobs of a monorepo are skipped on their names alone
        self._directory, self._real = directory, real
        self.real_text: str = os.fspath(real)  # the directory resolved, as a string
        self.names: list = names or []  # its configuration files (configuration_names), sorted
        self.var_names = var_names  # terraform.tfvars(.json), *.auto.tfvars(.json), in Terraform's order
        self.initialized = initialized  # has a .terraform directory (None: not known)
        self.report = report  # None: every file; else only these resolved files, and the files of these directories
        self.requirement_files: list = requirement_files or []
        self.named = named  # the user named this directory or a file in it (not just an ancestor)
        self.plan = plan  # the Terraform plan (plan.Plan) made from this directory, when one was given

    @cached_property
    def directory(self) -> Path:
        return Path(self._directory)

    @cached_property
    def real(self) -> Path:
        """The directory resolved: how runs compare directories."""
        return Path(self._real)

    @cached_property
    def files(self) -> list:
        return [self.directory / name for name in self.names]

    @cached_property
    def var_files(self) -> list:
        return [self.directory / name for name in self.var_names]

    def __repr__(self) -> str:
        return f"ModuleJob({self._directory!r}, names={self.names!r}, report={self.report!r})"


def is_terraform(path: Path) -> bool:
    return path.name.endswith(CONFIGURATION_SUFFIXES)


def discover(paths: list, listings: Optional[Listings] = None) -> tuple[list[ModuleJob], list[Diagnostic]]:
    """Returns (jobs in a stable order, diagnostics for paths that cannot be used). `listings`:
    the directories' listings kept from earlier runs (listing.py)."""
    jobs: dict = {}
    diagnostics: list = []

    def job_for(directory, resolved: Optional[str] = None, listing: Optional[Listing] = None) -> ModuleJob:
        resolved = resolved or os.fspath(real(directory))
        if resolved not in jobs:
            jobs[resolved] = load_directory(directory, resolved, listing)
        return jobs[resolved]

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            kind = "broken symbolic link" if path.is_symlink() else "no such file or directory"
            diagnostics.append(Diagnostic(path, 0, 0, f"{kind}", kind="read-error"))
        elif path.is_dir():
            found = walk_tree(path, diagnostics, listings)
            if not found:
                message = "no Terraform files (.tf, .tf.json, .tofu, .tofu.json) found"
                diagnostics.append(Diagnostic(path, 0, 0, message, kind="usage"))
            for directory, resolved, listing in found:
                job_for(directory, resolved, listing).report = None
            if os.fspath(real(path)) in jobs:
                jobs[os.fspath(real(path))].named = True
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
    return [jobs[k] for k in sorted(jobs, key=_path_order)], diagnostics


def _path_order(path: str) -> list:
    return path.split(os.sep)  # as Paths compare: part by part


def load_directory(directory, resolved, listing: Optional[Listing] = None) -> ModuleJob:
    """The job of `directory` (a path or a string), whose resolved path is `resolved`."""
    job = ModuleJob(directory=directory, real=resolved, report=set())
    if listing is None:
        try:
            listing = list_directory(os.fspath(directory))
        except OSError:
            return job
    job.names, job.var_names, job.initialized = list(listing.configuration), listing.var_files, listing.initialized
    return job


def walk_tree(root: Path, diagnostics: list, listings: Optional[Listings] = None) -> list:
    """(directory, its resolved path (strings), its Listing) for each directory under root holding
    Terraform files, top-down; symlinked directories followed once. Each directory is listed
    once, for the walk and for its job alike (and not at all when `listings` still holds it)."""
    listings = listings or Listings(None)
    found: list = []
    seen: set = set()
    # (path, resolved path or None): a subdirectory that is no link resolves to its parent's
    # resolved path and its name, and lies inside the project when its parent does; only the
    # root and links are resolved and checked (a monorepo has thousands of directories)
    pending: list = [(os.fspath(root), None)]
    while pending:
        current, known = pending.pop()
        resolved = known or os.fspath(real(current))
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
            listing = listings.get(current, resolved)
        except OSError as error:
            message = f"cannot read directory: {error.strerror or error}; not checked"
            diagnostics.append(Diagnostic(Path(current), 0, 0, message, kind="read-error"))
            continue
        if listing is None:  # a link now, where its parent's kept listing had a directory: the long way
            seen.discard(resolved)
            pending.append((current, None))
            continue
        found_real(resolved)
        if listing.holds_terraform:
            found.append((current, resolved, listing))
        if listing.subdirectories:
            # not os.path.join: this runs for every directory of the tree
            subdirectories = [(joined(current, name), None if name in listing.links else joined(resolved, name))
                              for name in listing.subdirectories]
            pending.extend(reversed(subdirectories))  # popped in name order: the order os.walk gives
    return found

