"""Functions that read files relative to the module (file, fileexists, fileset, ...), through
the file-system gate: `PATH_FUNCTIONS`."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from .. import observations
from ..observations import note
from ..project import Refused
from ..project import current as current_project
from ..values import (
    Unknown,
)

MAX_READ_BYTES = 2 * 1024 * 1024


# -- functions that read files relative to the module ---------------------------------------


class Here(NamedTuple):
    """Where a path function was called: the directory relative paths start from (the root
    module's, where Terraform runs) and the call's Location (to report a refused read at)."""

    directory: Path
    where: Any = None


def _resolve(here: Here, path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else here.directory / candidate


def _file(here: Here, path: str) -> Any:
    # Through the gate (project.py): a path outside the project, a device or FIFO, or a file
    # over the limit is not read, the value is unknown, and the run says which and why.
    target = _resolve(here, path)
    try:
        return FileText(observations.read_text(target, limit=MAX_READ_BYTES, where=here.where), target)
    except (OSError, UnicodeDecodeError):
        note("read", target)
        return Unknown()


def _fileexists(here: Here, path: str) -> Any:
    target = _resolve(here, path)
    try:
        return current_project().is_file(target, where=here.where)  # noted
    except Refused:
        return Unknown()
    finally:
        note("file", target)


def _abspath(here: Here, path: str) -> Any:
    target = _resolve(here, path)
    note("real", target)
    if current_project().outside(target) is not None:
        return Unknown()  # where a link outside the project leads is not the project's to say
    return str(target.resolve())  # noted


def _clean(path: str) -> str:
    """Go's filepath.Clean on a slash path (posixpath.normpath, except that Go keeps no `//`)."""
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _basename(path: str) -> str:
    """Go's filepath.Base: "" is ".", trailing slashes do not count, "/" stays "/"."""
    if path == "":
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


def _dirname(path: str) -> str:
    """Go's filepath.Dir: everything before the last slash, cleaned ("a/b/" → "a/b")."""
    return _clean(path[: path.rfind("/") + 1]) if "/" in path else "."


MAX_FILESET_ENTRIES = 10_000  # directory entries fileset() looks at before its value is Unknown


def _fileset(here: Here, path: str, pattern: str) -> Any:
    """Terraform's `fileset(path, pattern)`: the sorted paths, relative to `path` and written
    with `/`, of the regular files under it that match the glob (`*`, `**`, `?`, `[...]`,
    `{a,b}`). Through the gate (project.py): a directory outside the project is not listed
    (Unknown), and past MAX_FILESET_ENTRIES entries the value is Unknown. (Kept apart from
    the other functions: issue 14's network part added it.)"""
    base = _resolve(here, path)
    matcher = re.compile(_glob_regex(posixpath.normpath(pattern) if pattern else pattern))
    depth = None if "**" in pattern else pattern.count("/")  # how deep a match can be
    found: list = []
    pending, seen = [(base, "", 0)], 0
    while pending:
        directory, prefix, level = pending.pop()
        note("listing", directory)
        try:
            entries = current_project().listing(directory, where=here.where)  # noted
        except Refused:
            return Unknown()
        except OSError:
            if directory == base:
                return []  # Terraform: no such directory gives an empty set
            return Unknown()
        seen += len(entries)
        if seen > MAX_FILESET_ENTRIES:
            return Unknown()
        for name, is_file, is_dir in entries:
            relative = prefix + name
            if is_file and matcher.fullmatch(relative):
                found.append(relative)
            elif is_dir and (depth is None or level < depth):
                pending.append((directory / name, relative + "/", level + 1))
    return sorted(found)


def _glob_regex(pattern: str) -> str:
    """The regular expression of a glob as fileset() reads it (doublestar's syntax)."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise ValueError("unterminated [ in a fileset pattern")
            body = pattern[i + 1 : end]
            negate = body.startswith(("!", "^"))
            body = re.sub(r"([\\\]])", r"\\\1", body[1:] if negate else body)
            out.append(f"[{'^' if negate else ''}{body}]")
            i = end + 1
            continue
        elif char == "{":
            end = pattern.find("}", i + 1)
            if end < 0:
                raise ValueError("unterminated { in a fileset pattern")
            out.append("(?:" + "|".join(_glob_regex(part) for part in pattern[i + 1 : end].split(",")) + ")")
            i = end + 1
            continue
        elif char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


class FileText(str):
    """Text read by `file()`, remembering which file it came from (so rules can point into it)."""

    source: Path

    def __new__(cls, text: str, source: Path) -> FileText:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


PATH_FUNCTIONS: dict[str, Callable] = {
    "file": _file,
    "fileexists": _fileexists,
    "abspath": _abspath,
    "basename": lambda d, p: _basename(p),
    "dirname": lambda d, p: _dirname(p),
    "fileset": _fileset,
}
