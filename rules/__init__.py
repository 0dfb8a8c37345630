"""mwaa-lint's built-in rules, one module per rule, loaded through the `mwaa_lint.rules`
entry point exactly like a third-party rule pack. A new rule is a new file here: every
`Rule` subclass defined in a module of this package is registered, ordered by id."""
import importlib
import pkgutil

from mwaa_lint.api import Rule


def all_rules() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
            and value.__module__ == module.__name__
        )
    return sorted(found, key=lambda rule: rule.id)
