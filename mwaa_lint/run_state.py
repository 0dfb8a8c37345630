"""What holds for the length of one run, kept in one object instead of a global per module.

A run reads deep inside the evaluator and the rules, where nothing is passed down: which
files may be read (the project), which parse cache serves them, which paths are already
resolved, what the check of the current root has looked at, and which knowledge tables the
user replaced. Each of those lives here, as a field of the one `RunState`; the module that
owns the idea reads and sets its field (project.py, cache.py, paths.py, observations.py,
knowledge/__init__.py), and `engine._one_run` sets them for a run.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class RunState:
    project: Any = None  # project.Project: what may be read and written on the repository's behalf
    parse_cache: Any = None  # cache.ParseCache for what is parsed deep inside rules (requirements)
    resolved: Optional[dict] = None  # path text → resolved Path, while each path is resolved once
    resolved_texts: dict = field(default_factory=dict)  # absolute path text → resolved text, same run
    observations: Optional[list] = None  # (kind, path, observation) of the root being checked
    tables: dict = field(default_factory=dict)  # knowledge table name → Path of the user's replacement


_STATE = RunState()


def state() -> RunState:
    return _STATE


@contextmanager
def holding(**fields: Any):
    """Set these fields of the run state for the length of the block, then put back what was."""
    previous = {name: getattr(_STATE, name) for name in fields}
    for name, value in fields.items():
        setattr(_STATE, name, value)
    try:
        yield _STATE
    finally:
        for name, value in previous.items():
            setattr(_STATE, name, value)
