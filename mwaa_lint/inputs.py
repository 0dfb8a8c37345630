"""What a module's check looked at on disk, so that a later run can tell whether its findings
still hold (the result cache, results.py).

Every file the evaluation and the rules read, and every question they ask of the file system
(is there a file here? what is in this module directory?), goes through `note()` — or through
`source.read_text()` and the Loader, which call it. While `recording()` is active each
observation is kept; `unchanged()` observes them again. An observation is made *before* the
file is used, so an edit during the run can only make the next run check again.
`tests/test_inputs_recorded.py` fails when code of the check reads the file system elsewhere.
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from typing import Optional

_records: Optional[list] = None  # (kind, absolute path, observation) while recording


@contextmanager
def recording(into: list):
    """Append every observation made inside the block to `into`."""
    global _records
    previous, _records = _records, into
    try:
        yield into
    finally:
        _records = previous


def note(kind: str, path) -> None:
    """Observe `path` now, if a recording is on: kind "read" (its bytes), "file" / "directory"
    (is there one?), "listing" (the names in a directory) or "real" (where links lead)."""
    if _records is not None:
        path = os.path.abspath(path)
        _records.append((kind, path, observe(kind, path)))


def record(kind: str, path, observation: str) -> None:
    """An observation already made by the caller (the Loader hashes the bytes it parses)."""
    if _records is not None:
        _records.append((kind, os.path.abspath(path), observation))


def observe(kind: str, path: str) -> str:
    if kind == "read":
        from .source import MAX_FILE_BYTES  # source reads through here: imported when first needed

        try:
            if os.stat(path).st_size > MAX_FILE_BYTES:
                return "too large"
            with open(path, "rb") as handle:
                return digest(handle.read())
        except OSError:
            return "unreadable"
    if kind == "file":
        return str(os.path.isfile(path))
    if kind == "directory":
        return str(os.path.isdir(path))
    if kind == "real":  # where symbolic links lead (abspath())
        return os.path.realpath(path)
    if kind == "listing":
        try:
            return "\0".join(sorted(os.listdir(path)))
        except OSError:
            return "unreadable"
    raise ValueError(f"unknown kind of input {kind!r}")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unchanged(records: list) -> bool:
    """Does the file system still look the way these observations saw it?"""
    return all(observe(kind, path) == seen for kind, path, seen in records)
