"""An environment's class and the scheduler, web server and worker limits that come with it,
from `knowledge/environment_classes.json`."""
from __future__ import annotations

from typing import Any, Optional

from ..knowledge import table
from ..values import Unknown


def class_name(env) -> Any:
    """`environment_class`, or the default class when it is not set (or null); Unknown if unknown."""
    value = env.attr("environment_class")
    if value is None:
        return table("environment_classes")["default_class"]
    if isinstance(value, Unknown) or not isinstance(value, str):
        return Unknown()
    return str(value).strip()


def limits(name: Any) -> Optional[dict]:
    """The table entry of a known class name (None for Unknown or a class not in the table)."""
    if isinstance(name, Unknown) or not isinstance(name, str):
        return None
    return table("environment_classes")["classes"].get(name)


def all_classes() -> dict:
    return table("environment_classes")["classes"]
