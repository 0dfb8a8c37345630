"""What a module's check looked at on disk, so that a later run can tell whether its findings
still hold (the result cache, result_cache.py).

Every file the evaluation and the rules read, and every question they ask of the file system
(is there a file here? what is in this module directory?), is observed here. A read records
the digest of the very bytes it used (`read_text()` below, `source.read_text()`, the Loader);
any other question is observed by `note()` just before it is asked, so a change during the
run can only make the next run check again. While `recording()` is active each observation
is kept; `unchanged()` makes them again and compares.
`tests/test_observations_recorded.py` fails when code of the check reads the file system elsewhere.
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager

from .run_state import holding, state


@contextmanager
def recording(into: list):
    """Append every observation made inside the block to `into` (kept in the run state)."""
    with holding(observations=into):
        yield into


def note(kind: str, path) -> None:
    """Observe `path` now, if a recording is on: kind "read" (its bytes), "file" / "directory"
    (is there one?), "listing" (the names in a directory) or "real" (where links lead)."""
    records = state().observations
    if records is not None:
        path = _absolute(path)
        records.append((kind, path, observe(kind, path)))


def record(kind: str, path, observation: str) -> None:
    """An observation the caller made itself: the digest of the very bytes it used."""
    records = state().observations
    if records is not None:
        records.append((kind, _absolute(path), observation))


def read_text(path, *, limit: int, where=None) -> str:
    """The file's text through the project's gate (at most `limit` bytes, inside the project),
    noting the bytes it decoded. Raises OSError (project.Refused: reported at `where`) and
    UnicodeDecodeError."""
    from .project import current

    data = current().read_bytes(path, limit=limit, where=where)
    record("read", path, digest(data))
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as read_text


def _absolute(path) -> str:
    # not os.path.abspath: it drops `..` by text, where the system follows a link and then goes up
    path = os.fspath(path)
    return path if os.path.isabs(path) else os.path.join(os.getcwd(), path)


def observe(kind: str, path: str) -> str:
    if kind == "read":
        from .project import Refused, current  # the gate: bounded, regular files, inside the project

        try:
            return digest(current().read_bytes(path, quiet=True))
        except Refused as refused:
            return f"refused: {refused.reason}"
        except OSError:
            return "unreadable"
    if kind == "file":
        return str(os.path.isfile(path))
    if kind == "directory":
        return str(os.path.isdir(path))
    if kind == "real":  # where symbolic links lead (abspath())
        return os.path.realpath(path)
    if kind == "listing":  # each name, and whether it is a file (a link to a file is one)
        try:
            names = sorted(os.listdir(path))
        except OSError:
            return "unreadable"
        return "\0".join(f"{name}:{os.path.isfile(os.path.join(path, name))}" for name in names)
    raise ValueError(f"unknown kind of input {kind!r}")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unchanged(records: list) -> bool:
    """Does the file system still look the way these observations saw it?"""
    return all(observe(kind, path) == seen for kind, path, seen in records)
