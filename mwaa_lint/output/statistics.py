"""`--statistics`: how many findings each rule produced, most first (as ruff prints them)."""
from __future__ import annotations

from collections import Counter

from ..result import Result


def render(result: Result, color: bool = False) -> str:
    counts = Counter((f.rule_id, f.slug, str(f.severity)) for f in result.findings)
    if not counts:
        return "No findings.\n"
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{n:>{width}}  {rule_id}  {slug}  [{severity}]\n" for (rule_id, slug, severity), n in rows)
