"""The project, and the one gate to the file system for everything read or written on its behalf.

mwaa-lint runs as a CI gate on pull requests, often from forks: every scanned file and every
configuration file in the repository is written by whoever opened the pull request. So each
read the repository asks for (`file()`, an uploaded `source`, a requirements `-r`, a module
source, a var file named in the config) and each write it asks for (a report named in the
config) passes through here, and here only:

- it must stay inside the project root, with symbolic links resolved; paths the user typed
  on the command line (`--var-file`, `--config`, `--baseline`) are trusted wherever they are;
- only a regular file is read (a device, FIFO or socket is never opened for reading: opened
  non-blocking and checked with fstat first), and at most `limit` bytes of it.

A refused read raises `Refused`. The refusal is also kept (`Project.refusals`) so the run can
say once which path was not read and why, at the place that asked for it; the value that
needed it is unknown, and no finding relies on it.

The project root is the git top level of the scanned paths; else the directory of the
configuration file, if it holds them; else their common parent. `--project-root` sets it.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, Optional, overload

from .paths import joined, real_text
from .run_state import holding, state

MAX_FILE_BYTES = 10 * 1024 * 1024  # Terraform files this large are generated data, not config
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


class Refused(OSError):
    """A read or write the gate will not make, and why (`reason` reads after the path)."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


class Refusal(NamedTuple):
    path: str  # as the configuration wrote it (joined to its directory)
    reason: str
    where: Any  # the Location that asked for it (model.Location), or None


@dataclass
class Project:
    root: str  # resolved
    origin: str  # how the root was found, for --show-config
    trusted: frozenset = frozenset()  # resolved paths the user named on the command line
    refusals: list = field(default_factory=list)  # Refusal, in the order they happened
    # resolved path → bytes read instead of the file's: the text `--fix` and `--diff` passes
    # made (fixing.py), checked again before anything is written
    overlay: dict = field(default_factory=dict)

    @classmethod
    def find(cls, paths: list, config_path: Optional[Path] = None, explicit: Optional[str] = None,
             trusted: tuple = ()) -> Project:
        """The project of a run over `paths` (see the module docstring for the order)."""
        trusted_paths = frozenset(real_text(os.path.abspath(p)) for p in trusted)
        if explicit:
            return cls(real_text(os.path.abspath(explicit)), "--project-root", trusted_paths)
        scanned = [real_text(os.path.abspath(p)) for p in paths] or [real_text(os.getcwd())]
        parent = os.path.commonpath([p if os.path.isdir(p) else os.path.dirname(p) for p in scanned])
        top = _git_top_level(parent)
        if top is not None:
            return cls(top, "git top level", trusted_paths)
        if config_path is not None:
            directory = real_text(os.path.dirname(os.path.abspath(config_path)))
            if all(_within(p, directory) for p in scanned):
                return cls(directory, "directory of the configuration file", trusted_paths)
        return cls(parent, "common parent of the scanned paths", trusted_paths)

    def outside(self, path) -> Optional[str]:
        """Why `path` may not be read or written on the project's behalf, or None if it may."""
        if not self.root:
            return "is not read: no project root is set"
        resolved = real_text(os.path.abspath(path))
        if _within(resolved, self.root) or resolved in self.trusted:
            return None
        if _within(os.path.normpath(os.path.abspath(path)), self.root):
            return f"leads outside the project root {self.root} (through a symbolic link); not read"
        return f"is outside the project root {self.root}; not read"

    def read_bytes(self, path, *, limit: int = MAX_FILE_BYTES, where=None, quiet: bool = False) -> bytes:
        """The bytes of the regular file at `path`, at most `limit` of them; Refused, or the
        OSError of a file that cannot be read (missing, no permission).
        `where` (a Location) is what asked for it; `quiet` reads are not reported as refusals
        (the textual pre-pass and the cache's re-checks, whose callers report nothing)."""
        try:
            reason = self.outside(path)
            if reason is not None:
                raise Refused(path, reason)
            if self.overlay and (made := self.overlay.get(real_text(os.path.abspath(path)))) is not None:
                if len(made) > limit:
                    raise Refused(path, f"is over the {_megabytes(limit)} limit; not read")
                return bytes(made)
            return read_regular(path, limit)
        except Refused as refused:
            if not quiet:
                self.refuse(refused, where)
            raise

    def reader(self, directory: str, *, limit: int = MAX_FILE_BYTES) -> Callable[[str], tuple[bytes, os.stat_result]]:
        """A reader of the files of `directory`: given a `name`, read_bytes(directory/name,
        quiet=True) with the file's status as read. For a pass over every file of the tree
        (relevance.py): the directory is resolved and checked once for all its files, and each
        file is opened without following a link, so no file needs resolving; a link (or
        anything else this cannot settle) takes read_bytes' long way."""
        resolved = real_text(directory)
        direct = bool(not self.overlay and _NOFOLLOW and self.root
                      and (_within(resolved, self.root) or resolved in self.trusted))
        prefix = joined(resolved, "")

        def the_long_way(name: str) -> tuple[bytes, os.stat_result]:
            path = joined(directory, name)
            return self.read_bytes(path, limit=limit, quiet=True), os.stat(path)

        def read(name: str) -> tuple[bytes, os.stat_result]:
            if not direct or os.sep in name:
                return the_long_way(name)
            try:
                return read_regular(prefix + name, limit, follow=False)
            except OSError as error:
                if isinstance(error, Refused) or error.errno not in (errno.ELOOP, errno.EMLINK):
                    raise  # O_NOFOLLOW on a link: ELOOP (EMLINK on some BSDs)
            return the_long_way(name)

        return read

    def unwritable(self, path) -> Optional[str]:
        """Why `path` may not be rewritten (by `--fix`), or None if it may: it must be a regular
        file inside the project root, with symbolic links resolved; a file the user named on the
        command line outside the root is read, never written."""
        if not self.root:
            return "is not written: no project root is set"
        resolved = real_text(os.path.abspath(path))
        if not _within(resolved, self.root):
            if _within(os.path.normpath(os.path.abspath(path)), self.root):
                return f"leads outside the project root {self.root} (through a symbolic link); not written"
            return f"is outside the project root {self.root}; not written"
        try:
            status = os.stat(resolved)
        except OSError as error:
            return f"cannot be written: {error.strerror or error}"
        if not stat.S_ISREG(status.st_mode):
            return f"is {_KINDS.get(stat.S_IFMT(status.st_mode), 'not a regular file')}, not a regular file; not written"
        if not os.access(resolved, os.W_OK):  # replacing it by a rename would not ask: ask here
            return "is read-only; not written"
        return None

    def write_bytes(self, path, data: bytes, *, limit: int = MAX_FILE_BYTES) -> None:
        """Replace the content of the regular file at `path` (inside the project: `unwritable`)
        by `data`, at most `limit` bytes, atomically: a temporary file in the same directory,
        with the file's permissions, renamed over the file (its symbolic link target, when
        the link stays inside). Refused, or the OSError of a write that failed (the file is
        then as it was)."""
        reason = self.unwritable(path)
        if reason is None and len(data) > limit:
            reason = f"would be over the {_megabytes(limit)} limit; not written"
        if reason is not None:
            raise Refused(path, reason)
        resolved = real_text(os.path.abspath(path))
        mode = stat.S_IMODE(os.stat(resolved).st_mode)
        import tempfile  # only when writing (a warm run writes nothing here)

        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(resolved), prefix=f".{os.path.basename(resolved)}.",
                                         suffix=".mwaa-lint")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fchmod(stream.fileno(), mode)
            os.replace(temporary, resolved)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise

    def is_file(self, path, *, where=None) -> bool:
        """Is there a regular file at `path` the project may read? Refused when outside."""
        reason = self.outside(path)
        if reason is not None:
            refused = Refused(path, reason)
            self.refuse(refused, where)
            raise refused
        return os.path.isfile(path)

    def listing(self, path, *, where=None) -> list[tuple[str, bool, bool]]:
        """(name, is a regular file, is a directory not reached through a symbolic link) for
        each entry of the directory at `path`, sorted by name; Refused when it is outside the
        project, the OSError of a directory that cannot be listed."""
        reason = self.outside(path)
        if reason is not None:
            refused = Refused(path, reason)
            self.refuse(refused, where)
            raise refused
        with os.scandir(path) as entries:
            found = [(entry.name, entry.is_file(), entry.is_dir(follow_symlinks=False)) for entry in entries]
        return sorted(found)

    def refuse(self, refused: Refused, where=None) -> None:
        refusal = Refusal(refused.path, refused.reason, where)
        if refusal not in self.refusals:
            self.refusals.append(refusal)

    def take_refusals(self) -> list:
        """The refusals since the last call (those of the root being checked)."""
        taken, self.refusals = self.refusals, []
        return taken


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _git_top_level(start: str, ceilings: Sequence[str] = ()) -> Optional[str]:
    """The nearest directory at or above `start` holding `.git` (a directory, or the file a
    worktree or submodule has), not going up into one of `ceilings` (resolved paths: git's
    GIT_CEILING_DIRECTORIES). Git itself is not run."""
    current = start
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current or parent in ceilings:
            return None
        current = parent


@overload
def read_regular(path, limit: int) -> bytes: ...
@overload
def read_regular(path, limit: int, follow: Literal[False]) -> tuple[bytes, os.stat_result]: ...


def read_regular(path, limit: int, follow: bool = True):
    """At most `limit` bytes of the regular file at `path`; Refused, or the OSError of a file
    that cannot be read. No project check here (the
    caller decided the path may be read: a configuration file found by its name).
    follow=False: a symbolic link is not followed (OSError ELOOP), and the file's status (as
    read) comes with its bytes."""
    # Non-blocking, so a FIFO with no writer does not hang the open; fstat, so what is read
    # is what was checked; and never more than limit + 1 bytes, so /dev/zero-like files end.
    fd = os.open(path, _READ_FLAGS if follow else _READ_FLAGS | _NOFOLLOW)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise Refused(path, not_regular(status.st_mode))
        if status.st_size > limit:
            raise Refused(path, f"is {status.st_size / 1048576:.1f} MB, over the {_megabytes(limit)} limit; not read")
        if 0 < status.st_size < limit:  # most files: one read gives all of it, as fstat said (no copy to join)
            data = os.read(fd, status.st_size + 1)
            if len(data) == status.st_size:
                return data if follow else (data, status)
            chunks: list = [data]
            total = len(data)
        else:
            chunks, total = [], 0
        while total <= limit:
            # the size fstat gave first (os.read allocates all it is asked for: 1 MB for a
            # 500-byte file costs five times the read), then a megabyte at a time
            asked = min(status.st_size + 1 if not chunks else 1 << 20, limit + 1 - total)
            chunk = os.read(fd, asked)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if len(chunk) < asked and total == status.st_size:  # the end, as fstat said: no read to find it
                break
        if total > limit:  # it grew after fstat (or lied about its size, as /proc files do)
            raise Refused(path, f"is over the {_megabytes(limit)} limit; not read")
        return b"".join(chunks) if follow else (b"".join(chunks), status)
    finally:
        os.close(fd)


def not_regular(mode: int) -> str:
    """Why a file of this mode (`os.stat().st_mode`), which is not a regular file, is not read."""
    return f"is {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a regular file; not read"


def _megabytes(size: int) -> str:
    return f"{size // 1048576} MB" if size >= 1048576 else f"{size} bytes"


# -- the run's project ----------------------------------------------------------------------------


@contextmanager
def confined_to(project: Project):
    """Make `project` the one every read and write of the block is checked against (it is
    kept in the run state, run_state.py)."""
    with holding(project=project):
        yield project


def current() -> Project:
    """The run's project. Outside a run there is none, and nothing is read on a repository's
    behalf (the CLI, `engine.run` and `engine.load_roots` each set one)."""
    return state().project or Project("", "none")
