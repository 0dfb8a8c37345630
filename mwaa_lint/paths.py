"""Resolved paths, each worked out once per run.

A run compares files and directories by their resolved path (a symlinked module is the same
module), and a monorepo has thousands of them: `Path.resolve()` stats every component of every
path, every time. Inside `resolving_once()` a path's resolution is remembered, and a new path
reuses its parent's, so each directory is looked at once. The tree is taken as unchanged for
the length of a run; outside one, `real()` is `Path.resolve()`.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

_known: Optional[dict] = None  # path text → resolved Path, while a run is resolving once


@contextmanager
def resolving_once():
    global _known
    previous, _known = _known, {}
    try:
        yield
    finally:
        _known = previous


def real(path) -> Path:
    """`Path(path).resolve()`, remembered while `resolving_once()` is active."""
    if _known is None:
        return Path(path).resolve()
    text = os.fspath(path)
    found = _known.get(text)
    if found is None:
        found = _known[text] = _resolve(Path(text))
    return found


def _resolve(path: Path) -> Path:
    # realpath(parent/name) is realpath(realpath(parent)/name): resolve the parent (remembered)
    # and look at the last component only. Symbolic links go to realpath, which knows them.
    if not path.is_absolute():
        path = Path.cwd() / path
    parent, name = path.parent, path.name
    if parent == path:  # the root
        return path
    base = real(parent)
    if name == "..":  # `path.name` is ".." only for a trailing ".."; `.` never survives Path()
        return base.parent
    candidate = base / name
    return Path(os.path.realpath(candidate)) if os.path.islink(candidate) else candidate
