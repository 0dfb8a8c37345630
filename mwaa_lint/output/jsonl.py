"""JSON Lines: one finding per line, then one line per diagnostic, for streaming tools.

Each line has `"type": "finding"` or `"type": "diagnostic"` and the same keys as the `json`
format's entries, so a line can be parsed on its own.
"""
from __future__ import annotations

import json

from ..result import Result
from .json import diagnostic_entry, finding_entry


def render(result: Result, color: bool = False) -> str:
    lines = [json.dumps({"type": "finding", **finding_entry(result, f)}) for f in result.findings]
    lines += [json.dumps({"type": "diagnostic", **diagnostic_entry(result, d)}) for d in result.diagnostics]
    return "".join(line + "\n" for line in lines)
