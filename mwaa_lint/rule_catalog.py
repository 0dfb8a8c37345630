"""The built-in rules without importing them: `rules/catalog.json` holds each rule's metadata
and docstring, and the digest of the file that defines it.

A warm run answers its roots from the result cache and checks no module, yet it needs every
rule's id, slug, severity and docs (selection, the cache key, the report). Importing the 40-odd
rule modules and the rule API they use was a third of such a run. From the catalog each rule
is a stand-in: a Rule subclass with the same metadata, whose class is imported the first time
it is run (`StandIn(options)` gives an instance of the real rule) or asked for what the catalog
cannot hold (`real(rule)`: its option checks, its code).

The catalog is used only when it describes exactly the rule files installed beside it, byte for
byte; a rule file edited, added or removed (a development install) loads the rules by importing
them, as before. `scripts/rule_catalog.py` writes it; tests/test_rule_catalog.py fails when it
is stale.
"""
from __future__ import annotations

import hashlib
import importlib
import json
from functools import cache
from pathlib import Path
from typing import Any, Optional

from .rule import Rule, Severity

CATALOG = "catalog.json"
# what a stand-in copies from its rule (the docstring too); JSON values, severity by name
FIELDS = ("id", "slug", "severity", "security_severity", "options", "enabled_by_default", "stage", "show_source",
          "reads_only_the_model", "example_options", "fixable")


class StandIn(Rule):
    """A built-in rule described by the catalog; making one makes the real rule."""

    _defined_in: tuple[str, str] = ("", "")  # (module, class name)

    def __new__(cls, options: Optional[dict] = None) -> Any:  # an instance of the real class
        if "_defined_in" not in vars(cls):  # a subclass someone wrote of a stand-in: its own
            return super().__new__(cls)
        return real(cls)(options)


def real(rule: type[Rule]) -> type[Rule]:
    """The rule class itself: a stand-in's, imported on first use (then kept on the stand-in)."""
    if not (isinstance(rule, type) and issubclass(rule, StandIn)):
        return rule
    if "_real" not in vars(rule):
        module, name = rule._defined_in
        rule._real = getattr(importlib.import_module(module), name)  # type: ignore[attr-defined]
    return rule._real  # type: ignore[attr-defined]


def describe(rule: type) -> dict:
    """What the catalog holds of one rule class."""
    entry = {name: getattr(rule, name) for name in FIELDS}
    entry["severity"] = entry["severity"].name
    return {"module": rule.__module__.rpartition(".")[2], "class": rule.__name__, **entry, "doc": rule.__doc__ or ""}


def write(rules: list, directory: Path) -> str:
    """The catalog's text for these rules, the files under `directory` digested."""
    files = {path.stem: _digest(path) for path in _rule_files(directory)}
    entries = [describe(rule) for rule in sorted(rules, key=lambda r: r.id)]
    return json.dumps({"files": files, "rules": entries}, indent=1, ensure_ascii=False) + "\n"


def stand_ins(directory: Path, package: str) -> Optional[list]:
    """The rules of the package at `directory` as stand-ins; None when its catalog is missing,
    unreadable or does not describe its rule files exactly as they are. The same classes at
    every call (a pack may hand the built-in rules back: they are the same rules)."""
    found = _stand_ins(str(directory), package)
    return list(found) if found is not None else None


@cache
def _stand_ins(directory_name: str, package: str) -> Optional[list]:
    directory = Path(directory_name)
    try:
        catalog = json.loads((directory / CATALOG).read_text(encoding="utf-8"))
        files = {path.stem: _digest(path) for path in _rule_files(directory)}
        if catalog["files"] != files:
            return None
        return [_stand_in(entry, package) for entry in catalog["rules"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stand_in(entry: dict, package: str) -> type:
    metadata = {name: entry[name] for name in FIELDS}
    metadata["severity"] = Severity[metadata["severity"]]
    return type(entry["class"], (StandIn,), {
        **metadata, "__doc__": entry["doc"], "__module__": f"{package}.{entry['module']}",
        "_defined_in": (f"{package}.{entry['module']}", entry["class"]),
    })


def _rule_files(directory: Path) -> list:
    return sorted(p for p in directory.glob("*.py") if p.name != "__init__.py")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
