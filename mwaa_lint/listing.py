"""What a directory holds, as the walk and its jobs need it, and an index that keeps it.

A monorepo has thousands of directories, and a warm run must not pay for listing each one and
sorting out its names again: `Listings` keeps each directory's `Listing` (in the cache
directory) while the directory's modification time is unchanged. Adding, removing or renaming
an entry changes that time; editing a file in place does not, but a listing holds names and
kinds only. What relevance.py's textual pass found in the directory's configuration files is
kept beside it, under a digest of those files' sizes and times, so an edit in place is seen.

A directory holding a symbolic link is listed every time: what a link leads to can change
while the directory stays the same. So is one changed in the last seconds, which the file
system's coarse clock may not tell apart from a change made just after it was listed.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
import time
from collections.abc import Callable, Collection, Sequence
from itertools import chain
from pathlib import Path
from typing import NamedTuple, Optional

from . import cache_codec
from .paths import joined

# Configuration files: Terraform reads .tf and .tf.json; OpenTofu also .tofu and .tofu.json
CONFIGURATION_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
SKIP_DIRS = {".terraform", ".terragrunt-cache", ".git", "node_modules", "__pycache__", ".venv"}
_TERRAFORM_OR_VARIABLES = (*CONFIGURATION_SUFFIXES, ".tfvars", ".tfvars.json")
_TOFU = (".tofu", ".tofu.json")
_NOT_A_NAME = re.compile(r"\0\.{0,2}\0")  # among names each between NULs: "", "." or ".."
RECENT_NS = 2_000_000_000  # a directory changed this recently is not kept (2 s: FAT's clock, the coarsest)


class Listing(NamedTuple):
    others: tuple[str, ...]  # the other entries that are no directory, named like Terraform or variables files
    configuration: tuple[str, ...]  # its configuration files (configuration_names): files, and broken links
    var_files: tuple[str, ...]  # terraform.tfvars(.json), *.auto.tfvars(.json): files, in Terraform's order
    subdirectories: tuple[str, ...]  # the directories (or links to one) to walk into, by name
    holds_terraform: bool  # a configuration file among `files` (which the walk's caller is told about)
    initialized: bool  # has a `.terraform` directory (where `terraform init` puts downloaded modules)
    links: tuple[str, ...]  # the names among `subdirectories` that are symbolic links

    @property
    def files(self) -> tuple[str, ...]:
        """The entries that are no directory, named like Terraform or variables files."""
        return self.configuration + self.others


def list_directory(directory: str) -> Listing:
    """The Listing of `directory`, read now (OSError if it cannot be listed)."""
    return _listing(_entries(directory))[0]


def _listing(entries: list) -> tuple[Listing, bool]:
    """(the Listing made of `entries`, whether it may be kept: no entry is a symbolic link)."""
    files, configuration, var_files, subdirectories, links = [], [], [], [], []
    keep, initialized = True, False
    for entry in entries:  # every entry of every directory of a monorepo: kept plain
        name = entry.name
        try:
            link = entry.is_symlink()
        except OSError:  # no type from the listing, and no stat to be had: resolved the long way
            link = True
        try:
            directory = entry.is_dir()  # follows symbolic links, as `terraform` does
        except OSError:
            directory = False
        if link:
            keep = False
        if directory:
            initialized = initialized or name == ".terraform"
            if name not in SKIP_DIRS:
                subdirectories.append(name)
                if link:
                    links.append(name)
        elif name.endswith(_TERRAFORM_OR_VARIABLES):
            files.append(name)
            if name.endswith(CONFIGURATION_SUFFIXES):
                if _is_file(entry) or (link and not os.path.exists(entry.path)):
                    configuration.append(name)  # a broken link: reading it reports it, as Terraform would
            elif is_auto_var_file(name) and _is_file(entry):
                var_files.append(name)
    files.sort()  # in name order: the order Terraform reads them, and the walk goes
    subdirectories.sort()
    var_files.sort(key=_var_file_order)
    read = configuration_names(configuration)
    terraform = bool(read) or any(name.endswith(CONFIGURATION_SUFFIXES) and not _ignored(name) for name in files)
    chosen = set(read)  # a subset of files: all of them, most often
    others = tuple(name for name in files if name not in chosen) if len(chosen) != len(files) else ()
    listing = Listing(others, tuple(read), tuple(var_files), tuple(subdirectories), terraform, initialized, tuple(links))
    return listing, keep


def _entries(directory: str) -> list:
    # scandir: the file type comes with the listing, no stat per file (a monorepo has thousands);
    # unsorted: _listing sorts the names it keeps
    with os.scandir(directory) as listing:
        return list(listing)


# How the index is stored: by column (resolved directories, their mtime_ns, Listing's fields
# but its links, then the facts of its configuration files: a digest of their sizes and
# mtime_ns, whether any holds an environment, the local sources they name, and whether those
# facts are known), which a warm run reads back far faster than one record per directory.
COLUMNS = tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...],
                tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...], tuple[bool, ...], tuple[bool, ...],
                tuple[int, ...], tuple[bool, ...], tuple[tuple[str, ...], ...], tuple[bool, ...]]
_KEY = f"directory listings 4 {COLUMNS}"  # 4: its facts as relevance.py finds them since its index 4
_MTIME, _CONFIGURATION, _DIGEST, _HOLDS, _SOURCES, _KNOWN = 0, 2, 7, 8, 9, 10  # positions in an entry
_NO_FACTS = (0, False, (), False)


class Listings:
    """Each directory's Listing, kept while the directory is unchanged (see the module's
    docstring), with what relevance.py found in its configuration files, kept while each of
    them is unchanged too. `path` None: nothing is kept, every directory is listed."""

    def __init__(self, path: Optional[Path]):
        self.path = path
        self.entries: dict = {}  # resolved directory → (mtime_ns, *the Listing but its links, *facts)
        self.changed = False
        # what a directory listed again no longer holds (resolved paths): its kept entries, and
        # relevance.py's per-file ones, go at save time, so that the indexes do not grow with
        # every file and directory ever deleted
        self.gone_files: set = set()
        self.gone_directories: set = set()
        self.recent = time.time_ns() - RECENT_NS
        self.all_plain = False  # does every kept entry name only entries of its own directory (_plain)?
        if path is not None:  # absent, corrupt or planted (cache_codec.py): list every directory
            columns = cache_codec.load(path.parent, (path.name,), COLUMNS, _KEY)
            if columns is not None and len(set(map(len, columns))) == 1:
                directories, *fields = columns
                self.entries = dict(zip(directories, zip(*fields)))
                # every entry's names looked at once (one join, one search), not one entry at a
                # time as the walk comes to it: else each is looked at alone (_plain)
                self.all_plain = _plain_names(list(chain.from_iterable(chain.from_iterable(fields[1:5]))),
                                              set(chain.from_iterable(fields[4])))

    def get(self, directory: str, resolved: str) -> Optional[Listing]:
        """The Listing of `directory` (whose resolved path is `resolved`); OSError if it
        cannot be listed. None when `resolved` is a symbolic link: a directory its parent's
        kept listing had, replaced by a link since (the parent's mtime put back); the walk
        then resolves it, and checks where it leads, as any link."""
        if self.path is None:
            return list_directory(directory)
        try:
            status = os.lstat(resolved)  # before listing: a change made meanwhile is seen next time
        except ValueError as error:  # a NUL or a name no file system has: not a directory
            raise FileNotFoundError(2, str(error)) from None
        if stat.S_ISLNK(status.st_mode):
            return None
        mtime = status.st_mtime_ns
        known = self.entries.get(resolved)
        if known is not None and known[_MTIME] == mtime and (self.all_plain or _plain(known)):
            _, others, configuration, var_files, subdirectories, terraform, initialized = known[:7]
            return Listing(others, configuration, var_files, subdirectories, terraform, initialized, ())
        listing, keep = _listing(_entries(directory))
        if known is not None and _plain(known):
            self._forget_what_is_gone(resolved, known, listing)
        if keep and mtime < self.recent:
            self.entries[resolved] = (mtime, *listing[:6], *_NO_FACTS)
            self.changed = True
        elif known is not None:
            del self.entries[resolved]
            self.changed = True
        return listing

    def facts(self, resolved: str, names: list) -> Optional[tuple[bool, tuple[str, ...]]]:
        """(holds an environment, the local sources named) of the configuration files `names`
        of the directory `resolved`, as kept, if none of them has changed since; else None."""
        known = self.entries.get(resolved)
        if known is None or not known[_KNOWN] or known[_CONFIGURATION] != tuple(names):
            return None
        prefix, stat = joined(resolved, ""), os.stat  # a stat a file: the loop is kept plain
        stamps: list = []
        try:
            for name in names:
                status = stat(prefix + name)
                stamps += (status.st_size, status.st_mtime_ns)
        except (OSError, ValueError):
            return None
        digest = stamp_digest(stamps)
        return (known[_HOLDS], known[_SOURCES]) if digest is not None and digest == known[_DIGEST] else None

    def remember(self, resolved: str, names: list, stamps: list, holds: bool, sources: tuple) -> None:
        """Keep the facts of the configuration files `names` (their sizes and mtime_ns, one
        after the other: `stamps`) of a directory listed and kept."""
        known, digest = self.entries.get(resolved), stamp_digest(stamps)
        if known is not None and digest is not None and known[_CONFIGURATION] == tuple(names):
            self.entries[resolved] = (*known[:_DIGEST], digest, holds, sources, True)
            self.changed = True

    def _forget_what_is_gone(self, resolved: str, known: tuple, listing: Listing) -> None:
        """Note the files and subdirectories of `resolved` its kept entry `known` had and its new
        `listing` has not."""
        _, others, configuration, var_files, subdirectories = known[:5]
        self.gone_files.update(joined(resolved, name) for name in {*others, *configuration} - set(listing.files))
        self.gone_directories.update(joined(resolved, name) for name in set(subdirectories) - set(listing.subdirectories))

    def gone(self) -> Callable[[str], bool]:
        """Is a path (resolved) a file or directory noted gone, or below such a directory? For
        pruning, once the walk is over: a look per ancestor of the path (a planted index may
        name a great many directories gone)."""
        files, directories = self.gone_files, self.gone_directories

        def is_gone(path: str) -> bool:
            if path in files:
                return True
            while path:
                if path in directories:
                    return True
                path = path[:path.rfind(os.sep)]
            return False

        return is_gone

    def save(self) -> None:
        if self.path is None:
            return
        if self.gone_directories:
            gone = self.gone()
            kept = {directory: entry for directory, entry in self.entries.items() if not gone(directory)}
            self.changed = self.changed or len(kept) != len(self.entries)
            self.entries = kept
        if not self.changed:
            return
        columns = (tuple(self.entries), *zip(*self.entries.values())) if self.entries else ((),) * 12
        # concurrent runs: the last one's index wins, whole
        cache_codec.save(self.path.parent, (self.path.name,), columns, COLUMNS, _KEY)


def _plain(entry: tuple) -> bool:
    """Does a kept entry name only entries of its own directory? The index may have been
    planted (a cache restored on a pull request): a name `..` or `../../etc` would take the
    walk out of the project, and `.git` into what it skips."""
    _, others, configuration, var_files, subdirectories = entry[:5]
    return _plain_names(others + configuration + var_files + subdirectories, subdirectories)


def _plain_names(names: Sequence[str], subdirectories: Collection[str]) -> bool:
    """_plain() of the names of one or more kept entries, and of their subdirectories."""
    if not names:
        return True
    joined = "\0".join(names)
    try:
        joined.encode("utf-8", "surrogateescape")  # as the file system would have them (os.fsencode)
    except UnicodeEncodeError:
        return False
    return (os.sep not in joined and joined.count("\0") == len(names) - 1
            and _NOT_A_NAME.search(f"\0{joined}\0") is None and SKIP_DIRS.isdisjoint(subdirectories))


def stamp_digest(stamps: list) -> Optional[int]:
    """63 bits standing for the sizes and mtime_ns `stamps` (a directory's files'): what the
    index keeps instead of two numbers a file. None for numbers no file system gives."""
    try:
        packed = struct.pack(f"<{len(stamps)}q", *stamps)
    except struct.error:
        return None
    return int.from_bytes(hashlib.blake2b(packed, digest_size=8).digest(), "little") >> 1


def configuration_names(names) -> list[str]:
    """The configuration files of a directory among `names` (sorted), as OpenTofu reads them:
    `x.tofu` is read instead of `x.tf`, and `x.tofu.json` instead of `x.tf.json`, when both
    exist (Terraform never sees a .tofu file, so it is the same for a Terraform-only module)."""
    # of _ignored()'s names only hidden ones can end so: `x.tf~` and `#x.tf#` do not
    candidates = {name for name in names if name.endswith(CONFIGURATION_SUFFIXES) and not name.startswith(".")}
    tofu = {name for name in candidates if name.endswith(_TOFU)}
    return sorted(name for name in candidates if not _shadowed(name, tofu)) if tofu else sorted(candidates)


def _ignored(name: str) -> bool:
    """Files Terraform and OpenTofu pass over: hidden ones and editor files (`.#main.tf`)."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def _shadowed(name: str, names: set) -> bool:
    if name.endswith(".tf"):
        return name[:-3] + ".tofu" in names
    if name.endswith(".tf.json"):
        return name[:-8] + ".tofu.json" in names
    return False


def is_auto_var_file(name: str) -> bool:
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def _var_file_order(name: str) -> tuple[int, str]:
    # Terraform's precedence: terraform.tfvars, then terraform.tfvars.json, then *.auto.* by name
    order = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}
    return (order.get(name, 2), name)


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False
