"""Which module directories can matter, found by reading text, before anything is parsed.

In a monorepo MWAA is a small part: most directories hold VPCs, databases and functions that
no rule ever looks at, and parsing them is nearly all of a run's time. A directory matters
when it declares an `aws_mwaa_environment`, or calls (directly or through other modules) a
local module that does, or calls a remote module with MWAA in sight (a registry, git or other
non-local `source` in a file that says mwaa or airflow: the environment may be in it, and the
run must say so if it cannot follow it), or has downloaded modules (`.terraform/modules/`) of
which one declares an environment. The modules those directories call are parsed anyway, when
their caller is evaluated. Over-including is safe; the textual test only decides what to skip.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple, Optional

from . import cache_codec
from .diagnostic import InputError
from .listing import Listings, configuration_names
from .paths import joined, local_module_source, real_below, real_text
from .project import current as current_project
from .source import decode

MARKER = "aws_mwaa_environment"
# `source = "./modules/x"` in HCL, `"source": "../x"` in JSON. Other resources' `source`
# arguments (files to upload) match too; they are dropped unless they name a directory.
# The pattern starts with the literal word, which lets the regex engine skip ahead to it:
# ten times faster than allowing a quote before it, and it matches the same.
_LOCAL_SOURCE = re.compile(r"""source["']?\s*[=:]\s*"(\.\.?/[^"]*)\"""")
# Any other `source`: a remote module (or a file to upload: over-including is safe).
_OTHER_SOURCE = re.compile(r"""source["']?\s*[=:]\s*"(?!\.\.?(?:/|\\\\))[^"]""")
# A source Terraform also takes as a literal (1.11.4 installs both): in parentheses,
# `source = ("../x")`, or as a template of one string, `source = "${"../x"}"`.
_WRAPPED_SOURCE = re.compile(r"""source\s*=\s*(?:\(\s*|"\$\{\s*)"([^"\\]*)\"""")
# A source written with escapes (`"\u002e\u002e/modules/x"`, in HCL or JSON) is, decoded, the
# source Terraform follows: looked for only in a file with a backslash in it.
_ESCAPED_SOURCE = re.compile(r"""source["']?\s*[=:]\s*"((?:[^"\\\n]|\\.)*\\(?:[^"\\\n]|\\.)*)\"""")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_MWAA_WORD_LIST = ("mwaa", "airflow", "dag_s3_path", "webserver_access_mode")
_MWAA_WORDS = re.compile("|".join(_MWAA_WORD_LIST), re.IGNORECASE)
DOWNLOADS = os.path.join(".terraform", "modules")
MAX_DOWNLOADED_FILES = 10_000  # read of one root's downloaded modules before it is kept unread


class Relevance(NamedTuple):
    # the resolved directories (strings: it runs over every directory and file of the tree) of
    # the jobs and the modules they call that hold an environment or call one, transitively
    relevant: set
    # each job's directory (a string) that is relevant only because it calls a local module that
    # is missing, and calls it itself, not through another module: the directories its calls
    # reach, which hold no environment (missing_sources.py reports it from text)
    only_missing: dict
    calls: dict  # directory (a string) → the local module directories its files name
    module_files: dict  # directory (a string) → its configuration files' names

    def modules_called(self, directories: list) -> list:
        """The files of the module directories `directories` reach through calls (not the
        directories' own): what evaluating them will parse, known before anything is parsed."""
        reached = set().union(*(reach(d, self.calls) for d in directories)) - set(directories)
        return [os.path.join(d, name) for d in sorted(reached) for name in self.module_files.get(d, ())]


def relevance(jobs: list, index: Optional[FactsIndex] = None) -> Relevance:
    """What the textual pass finds: see Relevance."""
    index = index or FactsIndex(None)
    module_files: dict = {}
    holds: set = set()
    missing: set = set()  # module directories named by a call that are not there
    calls: dict = {}  # resolved directory → the resolved local module directories it names
    for job in jobs:
        directory = job.real_text
        note_facts(directory, index.in_directory(directory, job.names), holds, calls)
        module_files[directory] = job.names
        if directory not in holds and job.initialized is not False and _downloaded_holds(directory, index):
            holds.add(directory)
    # Modules reached only through a call are not jobs of their own; read them too.
    pending = [target for targets in calls.values() for target in targets]
    while pending:
        target = pending.pop()
        if target in calls:
            continue
        if current_project().outside(target) is not None:
            # not listed, nor read: keep its caller, whose evaluation reports the call
            holds.add(target)
            calls[target] = set()
            continue
        if not os.path.isdir(target):
            # A missing module might have held an environment; keep its caller, which reports
            # the broken call. (A `source` that names a file to upload is no module: skip it.)
            if not os.path.exists(target) and not os.path.splitext(target)[1]:
                holds.add(target)
                missing.add(target)
            calls[target] = set()
            continue
        try:
            with os.scandir(target) as listing:
                names = configuration_names(e.name for e in listing if e.is_file())
        except OSError:  # unreadable: keep its caller, whose evaluation reports it
            holds.add(target)
            calls[target] = set()
            continue
        note_facts(target, index.in_directory(target, names), holds, calls)
        module_files[target] = names
        pending.extend(calls[target])
    relevant = _reaching(holds, calls)
    only_missing: dict = {}
    if missing:
        with_environment = _reaching(holds - missing, calls)
        for job in jobs:
            directory = job.real_text
            if directory in with_environment or calls.get(directory, set()).isdisjoint(missing):
                continue
            reached = reach(directory, calls) - missing - {directory}
            if reached.isdisjoint(relevant):  # else a missing module further down: the evaluator reports it
                only_missing[directory] = sorted(reached)
    return Relevance(relevant, only_missing, calls, module_files)


def _reaching(holds: set, calls: dict) -> set:
    """The directories that hold an environment or call one that does, transitively."""
    relevant = set(holds)
    changed = True
    while changed:
        changed = False
        for directory, targets in calls.items():
            if directory not in relevant and not targets.isdisjoint(relevant):
                relevant.add(directory)
                changed = True
    return relevant


def reach(directory: str, calls: dict) -> set:
    """`directory` and every directory its calls name, transitively."""
    reached: set = set()
    pending = [directory]
    while pending:
        each = pending.pop()
        if each not in reached:
            reached.add(each)
            pending.extend(calls.get(each, ()))
    return reached


def _downloaded_holds(directory: str, index: FactsIndex) -> bool:
    """Does a module `terraform init` downloaded for the root in `directory` declare an
    environment (or may it: a file that cannot be read)? Links are not followed, nor is
    anything outside the project."""
    pending = [os.path.join(directory, DOWNLOADS)]
    if not os.path.isdir(pending[0]):  # most directories: one stat, not a resolution of the path
        return False
    seen = 0
    while pending:
        current = pending.pop()
        if current_project().outside(current) is not None:
            continue
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != ".git":
                pending.append(entry.path)
        for name in configuration_names(e.name for e in entries if e.is_file(follow_symlinks=False)):
            seen += 1
            if seen > MAX_DOWNLOADED_FILES or index.facts(current, name)[0]:
                return True
    return False


def _facts_of(text: str) -> tuple[bool, tuple[str, ...]]:
    """FactsIndex.facts() of a file's text."""
    if "source" not in text:  # every pattern below starts with the word: most files stop here
        return MARKER in text, ()
    written = _LOCAL_SOURCE.findall(text) + _WRAPPED_SOURCE.findall(text)
    if "\\" in text:
        written += [_unescaped(each) for each in _ESCAPED_SOURCE.findall(text)]
    sources = [local for each in written if (local := local_module_source(each)) is not None]
    mwaa_call = _OTHER_SOURCE.search(text) is not None and _mentions_mwaa(text)
    return MARKER in text or mwaa_call, tuple(sorted(set(sources))) if sources else ()


def _unescaped(written: str) -> str:
    """A quoted string's text with its escapes (`\\n`, `\\"`, `\\uNNNN`, `\\UNNNNNNNN`) decoded."""
    def one(match: re.Match) -> str:
        code = match.group(1)
        if len(code) > 1:
            return chr(int(code[1:], 16)) if int(code[1:], 16) <= 0x10FFFF else ""
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)

    return _ESCAPE.sub(one, written)


def _mentions_mwaa(text: str) -> bool:
    """_MWAA_WORDS.search(text), twenty times faster on ASCII text (most Terraform): `in` on
    the lowered text, not a case-insensitive regex tried at every character."""
    if not text.isascii():  # Unicode case folding: the regex knows it
        return _MWAA_WORDS.search(text) is not None
    lowered = text.lower()
    return any(word in lowered for word in _MWAA_WORD_LIST)


def note_facts(directory: str, facts: list, holds: set, calls: dict) -> None:
    if any(has_environment for has_environment, _ in facts):
        holds.add(directory)
    sources = {source for _, found in facts for source in found}
    calls[directory] = {real_below(directory, source) for source in sources}


def _made(path: str) -> tuple[bool, tuple[str, ...]]:
    """FactsIndex.facts() of a file for which a --fix/--diff pass made text (fixing.py): the
    text it made, not the file's; nothing kept."""
    try:
        return _facts_of(decode(_read(path), path))
    except (OSError, InputError):
        return True, ()


def _read(path: str) -> bytes:
    """A file's bytes through the project's gate, quietly (a file refused here is parsed, and
    refused, where its directory is checked): inside the project, a regular file, bounded."""
    return current_project().read_bytes(path, quiet=True)


# How the index is stored: its entries by column (paths, sizes, mtime_ns, has_environment,
# sources), which a warm run checks and reads back far faster than one array per file.
COLUMNS = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], tuple[bool, ...], tuple[tuple[str, ...], ...]]
# the key its entry claims: an index of another layout, or of an older meaning (2: remote
# module calls with MWAA in sight count; 3: sources written with escapes are decoded; 4: sources
# in parentheses or a one-string template, with backslashes, and cleaned as text), is a miss
_KEY = f"relevance index 4 {COLUMNS}"


class FactsIndex:
    """What the textual pass found in each file, kept (in the cache directory) while the
    file's size and modification time are unchanged: a warm run then reads no file it skips.
    The parse cache itself is keyed by content; this index only decides what to skip.

    A directory's files are looked at together: when none has changed since, their facts
    come from the directory's entry in `listings` (listing.py), and the entries of single
    files are not even read."""

    def __init__(self, path: Optional[Path], listings: Optional[Listings] = None):
        self.path = path
        self._files: Optional[dict] = None  # absolute path → (size, mtime_ns, has_environment, sources); read when needed
        self.changed = False
        self.listings = listings

    @property
    def entries(self) -> dict:
        if self._files is None:
            self._files = _load(self.path) if self.path is not None else {}
        return self._files

    def in_directory(self, directory: str, names: list) -> list:
        """facts() of the files `names` in `directory` (absolute, resolved): several, or one
        for all of them when none has changed."""
        overlay = current_project().overlay
        known = self.listings.facts(directory, names) if self.listings and not overlay else None
        if known is not None:
            return [known]
        found = self.each(directory, names)
        if self.listings and not overlay and self.path is not None:
            paths = [joined(directory, name) for name in names]
            entries: list = [self.entries.get(path) for path in paths]
            if None not in entries:  # each file's facts kept: keep them for the directory too
                stamps = [value for entry in entries for value in entry[:2]]
                holds = any(has_environment for has_environment, _ in found)
                sources = tuple(sorted({source for _, each in found for source in each}))
                self.listings.remember(directory, names, stamps, holds, sources)
        return found

    def facts(self, directory: str, name: str) -> tuple[bool, tuple[str, ...]]:
        """(holds an environment, or calls a remote module with MWAA in sight?, local module
        sources it names) for the file `name` in `directory` (absolute)."""
        return self.each(directory, [name])[0]

    def each(self, directory: str, names: list) -> list[tuple[bool, tuple[str, ...]]]:
        """facts() of each of the files `names` in `directory`. Strings, not Paths, and one
        loop for a directory: a monorepo has thousands of files to look at."""
        project = current_project()
        read, prefix, entries, overlay = project.reader(directory), joined(directory, ""), self.entries, project.overlay
        found: list = []
        for name in names:
            path = prefix + name
            if overlay and real_text(path) in overlay:
                found.append(_made(path))
                continue
            known = entries.get(path)
            if known is not None:
                try:
                    status = os.stat(path)
                except OSError:
                    found.append((True, ()))  # keep its directory: reading it there reports why it cannot be read
                    continue
                if known[:2] == (status.st_size, status.st_mtime_ns):
                    found.append(known[2:4])
                    continue
            try:  # not read_text: this runs for every file of the tree (no Path, no resolving)
                data, status = read(name)
                facts = _facts_of(decode(data, path))
            except (OSError, InputError):
                # keep its directory: reading it there reports why it cannot be read (too large,
                # not a regular file, not text); not kept, so it is looked at every time
                found.append((True, ()))
                continue
            entries[path] = (status.st_size, status.st_mtime_ns, *facts)  # as read: fstat of what was read
            self.changed = True
            found.append(facts)
        return found

    def save(self) -> None:
        if self.path is None:
            return
        listings = self.listings
        if listings is not None and (listings.gone_files or listings.gone_directories):
            entries, gone = self.entries, listings.gone()  # files deleted since they were read: their entries go
            kept = {path: entry for path, entry in entries.items() if not gone(path)}
            self.changed = self.changed or len(kept) != len(entries)
            self._files = kept
        # concurrent runs: the last one's index wins, whole
        if self.changed and self._files is not None:
            _save(self.path, self._files)


def _load(path: Path) -> dict:
    columns = cache_codec.load(path.parent, (path.name,), COLUMNS, _KEY)
    if columns is None or len(set(map(len, columns))) != 1:
        return {}
    keys, *values = columns
    return dict(zip(keys, zip(*values)))


def _save(path: Path, entries: dict) -> None:
    columns = (tuple(entries), *zip(*entries.values())) if entries else ((),) * 5
    cache_codec.save(path.parent, (path.name,), columns, COLUMNS, _KEY)
