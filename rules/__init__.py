"""mwaa-lint's built-in rules, one module per rule, loaded through the `mwaa_lint.rules`
entry point exactly like a third-party rule pack. A new rule is a new file here: every
`Rule` subclass defined in a module of this package is registered, ordered by id.

`catalog.json` describes them so that a run need not import them (mwaa_lint/rule_catalog.py);
after adding or editing a rule, `python scripts/rule_catalog.py` writes it again (until then
the rules are imported, and tests/test_rule_catalog.py fails)."""
import importlib
import pkgutil
from pathlib import Path

from mwaa_lint.api import Rule
from mwaa_lint.rule_catalog import stand_ins


def all_rules() -> list[type[Rule]]:
    return stand_ins(Path(__file__).parent, __name__) or imported_rules()


def imported_rules() -> list[type[Rule]]:
    """The rule classes themselves, each module imported."""
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
            and value.__module__ == module.__name__
        )
    return sorted(found, key=lambda rule: rule.id)
