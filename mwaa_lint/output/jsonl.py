"""JSON Lines: one finding per line, then one line per diagnostic, then one per notice (a
module call that was not followed), for streaming tools.

Each line has `"type": "finding"`, `"type": "diagnostic"` or `"type": "notice"` and the same keys
as the `json` format's entries (`findings`, `diagnostics`, `notices`), so a line can be parsed
on its own.
"""
from __future__ import annotations

import json

from ..result import Result
from .json import diagnostic_entry, finding_entry


def render(result: Result, color: bool = False) -> str:
    lines = [json.dumps({"type": "finding", **finding_entry(result, f)}) for f in result.findings]
    lines += [json.dumps({"type": "diagnostic", **diagnostic_entry(result, d)}) for d in result.diagnostics]
    lines += [json.dumps({"type": "notice", **diagnostic_entry(result, d)}) for d in result.notices]
    return "".join(line + "\n" for line in lines)
