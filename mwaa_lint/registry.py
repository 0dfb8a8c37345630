"""Load rules from the `mwaa_lint.rules` entry point group and select among them.

Built-in rules come through the same group as third-party packs: an entry point names a
callable returning Rule classes, a list of them, or one Rule class.
"""
from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import entry_points

from .rule import Rule

GROUP = "mwaa_lint.rules"


class RegistryError(Exception):
    pass


def load_rules() -> list:
    rules: dict = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            loaded = ep.load()
            found = loaded() if callable(loaded) and not isinstance(loaded, type) else loaded
        except Exception as exc:  # a broken plugin must not take the built-in rules down
            raise RegistryError(f"rule pack {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        for rule in found if isinstance(found, (list, tuple)) else [found]:
            if not (isinstance(rule, type) and issubclass(rule, Rule)):
                raise RegistryError(f"rule pack {ep.name!r} provided {rule!r}, which is not a Rule subclass")
            problems = rule.problems()
            if problems:
                raise RegistryError(f"rule {rule.id or rule.__name__} from {ep.name!r}: " + "; ".join(problems))
            if rule.id in rules and rules[rule.id] is not rule:
                raise RegistryError(f"rule id {rule.id} is defined twice (second time by {ep.name!r})")
            rules[rule.id] = rule
    if not rules:
        raise RegistryError(f"no rules found in the entry point group {GROUP!r}: is mwaa-lint installed?")
    return sorted(rules.values(), key=lambda r: r.id)


def matches(rule: type, selector: str) -> bool:
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
