"""Dated data tables about MWAA, read by rules. Each JSON file states its sources and the
date it was last checked; nothing in a rule hard-codes these numbers.

A user whose AWS moves faster than our releases points the config key `knowledge-tables`
at their own copy of a table (`{airflow_versions: ops/mwaa-versions.json}`); it replaces the
built-in one for the run, and must have the same top-level keys.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..run_state import state

# The tables are files beside this module (the package is installed as files, never zipped);
# a plain path, not importlib.resources, whose import every run would pay for.
_HERE = Path(__file__).parent


class TableError(Exception):
    pass


def names() -> list:
    return sorted(p.name.removesuffix(".json") for p in _HERE.iterdir() if p.name.endswith(".json"))


def use_tables(overrides: dict) -> None:
    """Replace built-in tables by the user's files (checked now, so a bad file fails early)."""
    for name, path in overrides.items():
        if name not in names():
            raise TableError(f"knowledge-tables: no table {name!r} (tables: {', '.join(names())})")
        try:
            data = json.loads(_read(path))
        except (OSError, ValueError) as exc:
            raise TableError(f"knowledge-tables: {name}: cannot read {path}: {exc}") from None
        missing = sorted(set(_builtin(name)) - set(data)) if isinstance(data, dict) else ["(not a JSON object)"]
        if missing:
            raise TableError(f"knowledge-tables: {name}: {path} lacks the keys {', '.join(missing)} of the built-in table")
    # kept in the run state (run_state.py); `table` remembers tables by name, so forget them
    state().tables = {name: Path(path) for name, path in overrides.items()}
    table.cache_clear()


def overrides() -> dict:
    """Table name → the user's file that replaces it in this run."""
    return dict(state().tables)


@cache
def table(name: str) -> dict:
    """Load `knowledge/<name>.json`, or the user's replacement for it."""
    replaced = state().tables.get(name)
    if replaced is not None:
        return json.loads(_read(replaced))
    return _builtin(name)


def _builtin(name: str) -> dict:
    return json.loads((_HERE / f"{name}.json").read_text(encoding="utf-8"))


def _read(path) -> str:
    # through the project's gate: the config that names the file is the repository's
    from ..project import current

    return current().read_bytes(path, quiet=True).decode("utf-8")
