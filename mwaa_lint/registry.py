"""Load rules from the `mwaa_lint.rules` entry point group and select among them.

Built-in rules come through the same group as third-party packs: an entry point names a
callable returning Rule classes, a list of them, or one Rule class.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .rule import Rule
from .rule_catalog import real

GROUP = "mwaa_lint.rules"


class RegistryError(Exception):
    pass


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str  # `module:attribute`, or just `module`

    def load(self):
        module, _, attribute = re.sub(r"\s*\[.*\]\s*$", "", self.value).partition(":")  # drop `[extras]`
        found = importlib.import_module(module.strip())
        for part in filter(None, attribute.strip().split(".")):
            found = getattr(found, part)
        return found


def entry_points(group: str) -> list:
    """The entry points of `group` of every installed distribution, the first distribution of
    a name on sys.path winning, as `importlib.metadata.entry_points(group=...)` gives them.

    Read here from each `*.dist-info`/`*.egg-info` directory's `entry_points.txt`, because
    importing importlib.metadata (email, zipfile, csv) costs a sixth of a warm run. It stays
    the answer where sys.path holds more than directories (a zipped egg or application)."""
    if any(os.path.isfile(entry) for entry in sys.path if entry):
        from importlib.metadata import entry_points as from_metadata

        return [EntryPoint(ep.name, ep.value) for ep in from_metadata(group=group)]
    found, seen = [], set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                names = sorted(e.name for e in listing if e.name.lower().endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        for name in names:
            distribution = re.sub(r"[-_.]+", "_", name.rpartition(".")[0].partition("-")[0]).lower()
            if distribution in seen:
                continue
            seen.add(distribution)
            found.extend(_group(os.path.join(entry or ".", name, "entry_points.txt"), group))
    return found


def _group(path: str, group: str) -> list:
    """The entries of one `[group]` section of an entry_points.txt (INI: `name = value`)."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    section, found = None, []
    for line in map(str.strip, lines):
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line:
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.strip()))
    return found


def is_built_in(rule: type) -> bool:
    """A rule of mwaa-lint's own pack (`rules/`, installed as mwaa_lint_rules)."""
    return rule.__module__.startswith("mwaa_lint_rules.")


def _is_built_in_pack(ep: EntryPoint) -> bool:
    return ep.value.partition(":")[0].strip() == "mwaa_lint_rules"


def load_rules() -> list:
    """Every rule of every installed pack; only the built-in ones when MWAA_LINT_NO_RULE_PACKS is
    set (as the test suite does, so that a pack installed beside it changes none of its outputs)."""
    rules: dict = {}
    packs = entry_points(GROUP)
    if os.environ.get("MWAA_LINT_NO_RULE_PACKS"):
        packs = [ep for ep in packs if _is_built_in_pack(ep)]
    for ep in sorted(packs, key=lambda e: e.name):
        try:
            loaded = ep.load()
            found = loaded() if callable(loaded) and not isinstance(loaded, type) else loaded
        except Exception as exc:  # a broken plugin must not take the built-in rules down
            raise RegistryError(f"rule pack {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        for rule in found if isinstance(found, (list, tuple)) else [found]:
            if not (isinstance(rule, type) and issubclass(rule, Rule)):
                raise RegistryError(f"rule pack {ep.name!r} provided {rule!r}, which is not a Rule subclass")
            # Built-in rules are held to this by the test suite (tests/test_rule_docs.py), not at
            # every start; a third-party pack's rules are checked as they load.
            problems = [] if is_built_in(rule) else rule.problems()
            if problems:
                raise RegistryError(f"rule {rule.id or rule.__name__} from {ep.name!r}: " + "; ".join(problems))
            if rule.id in rules:
                if real(rules[rule.id]) is not real(rule):  # a built-in rule's stand-in is that rule
                    raise RegistryError(f"rule id {rule.id} is defined twice (second time by {ep.name!r})")
                continue
            rules[rule.id] = rule
    if not rules:
        raise RegistryError(f"no rules found in the entry point group {GROUP!r}: is mwaa-lint installed?")
    return sorted(rules.values(), key=lambda r: r.id)


def matches(rule: Any, selector: str) -> bool:
    """`MWAA201`, `wildcard-action`, a prefix such as `MWAA2`, or `ALL`."""
    selector = selector.strip()
    return selector.upper() == "ALL" or rule.id.startswith(selector.upper()) or selector.lower() == rule.slug


def unknown_selectors(rules: Iterable, selectors: Iterable) -> list:
    rules = list(rules)
    return [s for s in selectors if not any(matches(r, s) for r in rules)]


def select(rules: Iterable, select: Iterable = (), ignore: Iterable = ()) -> list:
    """Without `select`, the rules on by default; with it, exactly those it names (`ALL` names all)."""
    select, ignore = list(select), list(ignore)
    if select:
        chosen = [r for r in rules if any(matches(r, s) for s in select)]
    else:
        chosen = [r for r in rules if r.enabled_by_default]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]


def find_rule(rules: Iterable, key: str):
    for rule in rules:
        if key.upper() == rule.id or key.lower() == rule.slug:
            return rule
    return None
