"""Resolved paths, each worked out once per run.

A run compares files and directories by their resolved path (a symlinked module is the same
module), and a monorepo has thousands of them: `Path.resolve()` stats every component of every
path, every time. Inside `resolving_once()` a path's resolution is remembered, and a new path
reuses its parent's, so each directory is looked at once. The tree is taken as unchanged for
the length of a run; outside one, `real()` is `Path.resolve()`.
"""
from __future__ import annotations

import os
import posixpath
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from .run_state import holding, state


@contextmanager
def resolving_once():
    # the remembered resolutions live in the run state (run_state.py), for this run only
    with holding(resolved={}, resolved_texts={}):
        yield


def real(path) -> Path:
    """`Path(path).resolve()`, remembered while `resolving_once()` is active."""
    known = state().resolved
    if known is None:
        return Path(path).resolve()
    text = os.fspath(path)
    found = known.get(text)
    if found is None:
        found = known[text] = Path(_resolve(text if os.path.isabs(text) else os.path.join(os.getcwd(), text)))
    return found


def real_text(path: str) -> str:
    """`real()` as a string, for the passes over every file of a tree, where Paths cost."""
    if state().resolved is None:
        return os.path.realpath(path)
    return _resolve(path if os.path.isabs(path) else os.path.join(os.getcwd(), path))


_LOCAL_PREFIXES = ("./", "../", ".\\", "..\\")  # Terraform's, backslashes too (addrs.moduleSourceLocalPrefixes)


def local_module_source(source: object) -> Optional[str]:
    """A local module `source` as Terraform takes it (addrs.parseModuleSourceLocal): one that
    starts with `./`, `../`, `.\\` or `..\\`, its backslashes made slashes and the path cleaned
    as text, so that `../link/../mod` is `../mod` whatever `link` leads to; None for any other
    source (a registry, git or other remote address)."""
    if not isinstance(source, str) or not source.startswith(_LOCAL_PREFIXES):
        return None
    clean = posixpath.normpath(source.replace("\\", "/"))
    return clean if clean == ".." or clean.startswith("../") else "./" + clean


def found_real(directory: str) -> None:
    """The walk found `directory` (a resolved parent joined with a name) to be a directory and
    no symbolic link: it resolves to itself, remembered so that a module source naming it
    (relevance.py: real_below) looks at nothing again."""
    if state().resolved is not None:  # inside resolving_once(): else nothing is remembered
        state().resolved_texts[directory] = directory


def joined(directory: str, name: str) -> str:
    """`os.path.join(directory, name)` for a relative `name`, without join's overhead: the
    passes over every file of a tree call it."""
    return directory + name if directory.endswith(os.sep) else directory + os.sep + name


def real_below(directory: str, relative: str) -> str:
    """`real_text(os.path.join(directory, relative))` for a resolved `directory` and a relative
    path (a module `source`): part by part, each `directory/part` looked at once per run."""
    if state().resolved is None or relative.startswith(os.sep):
        return real_text(os.path.join(directory, relative))
    texts = state().resolved_texts
    current = directory
    while relative.startswith(("../", "./")):  # `../../modules/x` from the directories of one place: one look
        if relative[1] == ".":
            current = current[:current.rfind(os.sep)] or os.sep
        relative = relative[relative.index("/") + 1:]
    text = joined(current, relative)
    found = texts.get(text)
    if found is not None:
        return found
    for part in relative.split(os.sep):
        if part in ("", "."):
            continue
        if part == "..":
            current = current[:current.rfind(os.sep)] or os.sep  # a resolved path's parent: no link to go back through
            continue
        candidate = joined(current, part)
        found = texts.get(candidate)
        if found is None:
            found = texts[candidate] = os.path.realpath(candidate) if os.path.islink(candidate) else candidate
        current = found
    texts[text] = current
    return current


def _resolve(text: str) -> str:
    # realpath(parent/name) is realpath(realpath(parent)/name): resolve the parent (remembered)
    # and look at the last component only. Strings, not Paths: this runs thousands of times.
    texts = state().resolved_texts
    found = texts.get(text)
    if found is not None:
        return found
    cut = text.rfind(os.sep) + 1  # os.path.split, without its overhead: this runs for every file read
    parent, name = text[:cut], text[cut:]
    if parent and parent != os.sep * len(parent):
        parent = parent.rstrip(os.sep)
    if parent == text or not parent:  # the root
        found = os.path.realpath(text)
    elif not name or name == ".":  # a trailing slash or `/.`
        found = _resolve(parent)
    elif name == "..":
        found = os.path.dirname(_resolve(parent))
    else:
        candidate = joined(_resolve(parent), name)
        found = texts.get(candidate)  # `a/b/../c` and `a/c`: one look at `a/c`
        if found is None:
            # a symbolic link goes to realpath, which knows loops and relative targets
            found = texts[candidate] = os.path.realpath(candidate) if os.path.islink(candidate) else candidate
    texts[text] = found
    return found
