"""Dated data tables about MWAA, read by rules. Each JSON file states its sources and the
date it was last checked; nothing in a rule hard-codes these numbers."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def table(name: str) -> dict:
    """Load `knowledge/<name>.json`."""
    return json.loads(resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8"))
