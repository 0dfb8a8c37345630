"""The result cache: what checking a root module gave, reused while nothing it looked at changed.

A warm run answers most roots from here: no model is loaded and nothing is evaluated. An entry
is found by a key made of the tool's own code, the run's settings and the module job, and it
holds every observation the check made of the file system (observations.py). It is used only when
all of them still hold. A rule from a third-party pack may read anything, so a run with one of
its rules selected keeps no results (the parse cache still serves it), unless the rule declares
`reads_only_the_model = True`: it reads nothing but what mwaa_lint.api hands it. The files of
such a pack are then part of the key, so an upgraded or edited pack checks again. Entries are JSON
(cache_codec.py): an entry that is not exactly what this code writes, under the key asked
for, is a miss.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Optional

from . import __version__, cache_codec
from .cache import library_stamp
from .observations import digest, observe
from .project import current as current_project
from .project import not_regular
from .registry import is_built_in

RESULTS = "results"  # the directory of the entries, in the cache directory


@dataclass
class Outcome:
    """What checking one root gave: all the run needs from it."""

    findings: list
    diagnostics: list
    checked: int  # files checked
    not_checked: set = field(default_factory=set)  # resolved paths that could not be checked
    # resolved path → (its inline suppressions, reported on?), for the suppression stage
    scanned: dict = field(default_factory=dict)
    notices: list = field(default_factory=list)  # module calls not followed (modules.notices), as Diagnostics
    environments: int = 0  # aws_mwaa_environment blocks in the tree checked


@dataclass
class Entry:
    records: list  # the observations (observations.py) the check made
    called: set  # resolved directories this root calls as local modules
    outcome: Optional[Outcome]  # None: evaluated only, as a module some other root calls


class ResultStore:
    """Entries under `<cache dir>/results/`; without a cache directory, a store that never answers."""

    def __init__(self, cache_dir: Optional[Path], rules: list, options):
        self.options = options
        self.directory = Path(cache_dir) / RESULTS if cache_dir else None
        if not all(map(_keeps_results, rules)):
            self.directory = None
        self._run_key = _run_key(rules, options) if self.directory else ""

    def get(self, job) -> Optional[Entry]:
        if self.directory is None:
            return None
        key = self._key(job)
        entry = cache_codec.load(self.directory.parent, _entry(key), Entry, key)
        return entry if entry is not None and _still_hold(entry.records) else None

    def put(self, job, entry: Entry) -> None:
        if self.directory is None:
            return
        key = self._key(job)
        if not cache_codec.save(self.directory.parent, _entry(key), entry, Entry, key):
            self.directory = None  # a read-only or full disk: carry on without

    def _key(self, job) -> str:
        key = hashlib.sha256(self._run_key.encode())
        var_files = [str(p) for p in self.options.var_files_for(job.directory)]  # the config's, for this directory
        key.update(repr((_job_identity(job), var_files)).encode("utf-8", "surrogateescape"))
        return key.hexdigest()


def _entry(key: str) -> tuple[str, str, str]:
    """Where the entry under `key` is, below the cache directory (which is trusted: a link
    below it is not followed)."""
    return RESULTS, key[:2], f"{key}.json"


_KINDS = {"read", "file", "directory", "listing", "real"}


def _still_hold(records: list) -> bool:
    """Does the file system still look the way these observations saw it (observations.unchanged)?
    An entry may have been planted, so each path is looked at once, only inside the project
    (an observation outside it is a miss: the answer would tell whoever planted it something
    about the machine), and only a regular file is opened: of a device or a FIFO, the refusal
    the gate gave it (project.not_regular) is made from its mode."""
    project = current_project()
    seen: dict = {}
    for kind, path, observation in records:
        now = seen.get((kind, path))
        if now is None:
            if kind not in _KINDS or not os.path.isabs(path) or project.outside(path) is not None:
                return False
            if kind == "read":
                try:
                    mode = os.stat(path).st_mode
                    if not stat.S_ISREG(mode):  # what the gate says of it, without opening it
                        now = seen[(kind, path)] = f"refused: {not_regular(mode)}"
                except (OSError, ValueError):
                    pass  # observe() says "unreadable" for what is not there
            try:
                if now is None:
                    now = seen[(kind, path)] = observe(kind, path)
            except (OSError, ValueError):
                return False
        if now != observation:
            return False
    return True


def _job_identity(job) -> tuple[object, ...]:
    """What names a module job, for the cache key (its repr is hashed)."""
    report = None if job.report is None else sorted(map(str, job.report))
    return (str(job.directory), str(job.real), job.names, [str(p) for p in job.var_files], report, job.named,
            [str(p) for p in job.requirement_files])


def _run_key(rules: list, options) -> str:
    """Everything besides the files that decides what a check finds."""
    from . import knowledge

    environ = options.environ if options.environ is not None else os.environ
    overrides = {name: _read_digest(path) for name, path in sorted(knowledge.overrides().items())}
    parts = (
        _code_stamp(),
        [_pack_stamp(package) for package in sorted({_package(rule) for rule in rules if not is_built_in(rule)})],
        os.getcwd(),  # paths in findings are as given, relative to it
        (current_project().root, sorted(current_project().trusted)),  # what may be read (project.py)
        [rule.id for rule in rules],
        repr(sorted(options.rule_options.items())),
        [str(p) for p in options.var_files],
        list(options.cli_vars),
        sorted((k, v) for k, v in environ.items() if k.startswith("TF_VAR_")),
        overrides,
    )
    return repr(parts)


def _read_digest(path: Path) -> str:
    try:
        return digest(current_project().read_bytes(path, quiet=True))
    except OSError:
        return "unreadable"


def _keeps_results(rule: type) -> bool:
    """May a run with this rule selected keep its results? A built-in rule, or a pack's rule that
    declares it reads only what the API gives it and whose files can be stamped."""
    if is_built_in(rule):
        return True
    return getattr(rule, "reads_only_the_model", False) is True and _pack_stamp(_package(rule)) is not None


def _package(rule: type) -> str:
    """The top-level package a rule comes from: what is stamped for its pack."""
    return rule.__module__.partition(".")[0]


@cache
def _code_stamp() -> str:
    """The code that produced a result: mwaa-lint and its rules (each file's size and time,
    so an edit in a development install counts), Python, and the libraries that parse."""
    stamps = [__version__, sys.version]
    for package in ("mwaa_lint", "mwaa_lint_rules"):
        stamps.extend(_file_stamps(package, (".py", ".json")) or [])
    stamps.append(library_stamp())
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


@cache
def _pack_stamp(package: str) -> Optional[str]:
    """A third-party pack's code: each file of its top-level package (a data file it ships
    counts too); None when it cannot be found, and then nothing is kept."""
    stamps = _file_stamps(package)
    return hashlib.sha256("\n".join([package, *stamps]).encode()).hexdigest() if stamps else None


def _file_stamps(package: str, suffixes: tuple = ()) -> Optional[list]:
    """`path:size:mtime` of each file of an importable package (or a one-file module) whose name
    ends with one of `suffixes` (any, when empty), path relative to it, bytecode caches left
    out; None when it cannot be found."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if not spec.submodule_search_locations:  # a module of one file
        files = [(spec.origin, os.path.basename(spec.origin or ""))]
    else:
        files = []
        for directory in spec.submodule_search_locations:
            for current, subdirectories, names in os.walk(directory):
                subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
                files.extend((os.path.join(current, name), os.path.relpath(os.path.join(current, name), directory))
                             for name in sorted(names) if name.endswith(suffixes or ""))
    stamps = []
    for path, shown in files:
        try:
            status = os.stat(path or "")
        except (OSError, TypeError):
            return None  # a module without a file (built into the interpreter, frozen, zipped)
        stamps.append(f"{shown}:{status.st_size}:{status.st_mtime_ns}")
    return stamps
