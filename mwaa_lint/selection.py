"""File mode (pre-commit passes the changed files): what the named files select beyond their
own directories.

A named Terraform file (or variables file) selects its module directory. The module is checked
whole, and so is every root of the project that calls it, directly or through other modules:
a change to `network.tf` can make the environment in `main.tf`, or in a root that calls the
module, wrong. Which roots call it is worked out on text (relevance.py's facts: each file's
local `source = "./…"`), never by parsing the rest of the repository.

A named requirements file is checked as the file of the environments that install it (their
`requirements_s3_path` upload, or a file that upload includes with `-r`). Which ones do is
known only by evaluating the roots with an environment in reach, so those are prepared here
(and then checked, not prepared again). A requirements file no environment of the project
installs is skipped with a note; it is checked on its own, as before, only when the project
holds no MWAA environment at all (`mwaa-lint requirements.txt` in a DAGs repository).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .discover import ModuleJob, is_terraform, load_directory, walk_tree
from .listing import Listings, configuration_names
from .paths import real
from .project import current as current_project
from .relevance import FactsIndex, note_facts, reach

__all__ = ["Tree", "select"]


class Tree:
    """The project's directories holding Terraform, and the local modules each names (text)."""

    def __init__(self, index: FactsIndex, listings: Listings):
        root = current_project().root
        self.listings: dict = {}  # resolved directory → its Listing
        self.holds: set = set()
        self.calls: dict[str, set] = {}
        for _, resolved, listing in walk_tree(Path(root), [], listings) if root else []:
            key = os.fspath(resolved)
            names = configuration_names(listing.files)
            self.listings[key] = listing
            note_facts(key, index.in_directory(key, names), self.holds, self.calls)
        called = set().union(*(targets - {d} for d, targets in self.calls.items()))
        self.roots = [d for d in sorted(self.calls) if d not in called]

    def reach(self, directory: str) -> set:
        """`directory` and the tree's directories it calls, transitively."""
        return reach(directory, self.calls)

    def mentions(self, root: str, word: str) -> bool:
        """Does a configuration or variables file of `root`, or of a directory it calls, hold
        `word`? (A cheap test before evaluating it; a file that cannot be read counts as holding it.)"""
        for directory in self.reach(root):
            listing = self.listings.get(directory)
            for name in listing.files if listing else ():
                try:
                    if word.encode() in current_project().read_bytes(os.path.join(directory, name), quiet=True):
                        return True
                except OSError:
                    return True
        return False

    def job(self, directory: str) -> ModuleJob:
        return load_directory(Path(directory), Path(directory), self.listings.get(directory))


def select(jobs: list[ModuleJob], named: list, index: FactsIndex, listings: Listings,
           installs: Callable[[ModuleJob], set]) -> tuple[list[ModuleJob], list[str]]:
    """(the jobs, with the roots the named files select added; notes for `--statistics`).
    `named`: the files named on the command line; `installs(job)`: the resolved requirements
    files the environments of that root install (it evaluates the root)."""
    terraform = [Path(p) for p in named if is_terraform(Path(p)) or str(p).endswith((".tfvars", ".tfvars.json"))]
    requirements = [Path(p) for p in named if str(p).endswith(".txt") and Path(p).is_file()]
    if not terraform and not requirements:
        return jobs, []
    tree = Tree(index, listings)
    by_real = {os.fspath(job.real): job for job in jobs}

    def root_job(directory: str) -> ModuleJob:
        if directory not in by_real:
            by_real[directory] = tree.job(directory)
        return by_real[directory]

    # Terraform: every root that reaches a selected module reports the whole module.
    selected = {os.fspath(real(path.parent)) for path in terraform}
    for root in tree.roots:
        reached = tree.reach(root) & selected
        if not reached or root in selected and reached == {root}:
            continue
        job = root_job(root)
        if job.report is not None:
            for directory in sorted(reached):
                module = by_real.get(directory) or tree.job(directory)
                job.report |= {Path(directory), *(real(p) for p in module.files)}

    notes: list[str] = []
    emptied: set = set()
    with_environment = [root for root in tree.roots if tree.reach(root) & tree.holds] if requirements else []
    if with_environment:  # else no MWAA environment in the project: a named file is checked on its own
        from .requirements import included_files

        users: dict = {}  # resolved requirements file → the roots whose environments install it
        for root in with_environment:
            if not tree.mentions(root, "requirements_s3_path"):  # its environments install no requirements
                continue
            for installed in installs(root_job(root)):
                users.setdefault(installed, []).append(root)
        shown = {real(path): {real(path), *(real(p) for p in included_files(path))} for path in requirements}
        for path in requirements:  # none is checked on its own, but as the file of the environments installing it
            own = by_real.get(os.fspath(real(path.parent)))
            if own is not None:
                emptied.add(os.fspath(own.real))
                own.requirement_files = [p for p in own.requirement_files if real(p) != real(path)]
                if own.report is not None:
                    own.report -= shown[real(path)]
        for path in requirements:
            if real(path) not in users:
                notes.append(f"{path}: no MWAA environment in the project installs it; not checked")
            for root in users.get(real(path), ()):
                job = root_job(root)
                if job.report is not None:
                    job.report |= shown[real(path)]
    kept = [job for key, job in by_real.items() if key not in emptied or job.names or job.requirement_files]
    return sorted(kept, key=lambda job: job.real), notes


def installed_by(environments) -> set:
    """The resolved local files the given api Environments install as requirements."""
    found: set = set()
    for env in environments:
        for each in env.requirements():
            if not each.inline:
                found.add(real(each.path))
    return found

