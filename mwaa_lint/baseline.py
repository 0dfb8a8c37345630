"""A baseline: the findings a team has accepted, so only new ones fail the gate.

Entries are keyed by rule, file and resource address, plus the message with its line
references taken out (`network.tf:33` → `network.tf`), never by the finding's own line, so
editing unrelated lines keeps old findings baselined. Each key carries a count: a second
finding of the same kind on the same resource is new. Paths are relative to the baseline
file's directory, so it works whichever directory the gate runs in.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rule import Finding

VERSION = 1
_LINE_REFERENCE = re.compile(r"(\.[\w.]+):\d+(?::\d+)?")


class BaselineError(Exception):
    pass


class Baseline:
    def __init__(self, counts: Counter, base: Path):
        self.counts = counts
        self.base = base

    @classmethod
    def load(cls, path: Path) -> Baseline:
        def fail(message: str) -> BaselineError:
            return BaselineError(f"{path}: {message}")

        try:
            from .project import current  # the gate: a baseline the config names is inside the project

            data = json.loads(current().read_bytes(path, quiet=True).decode("utf-8"))
        except OSError as exc:
            raise fail(f"cannot read baseline: {getattr(exc, 'reason', None) or exc.strerror or exc}") from None
        except ValueError as exc:
            raise fail(f"baseline is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
            raise fail(f"not a mwaa-lint baseline (expected version {VERSION} with a findings list)")
        counts: Counter = Counter()
        for entry in data["findings"]:
            try:
                counts[(entry["rule_id"], entry["path"], entry["address"], entry["message"])] += int(entry.get("count", 1))
            except (KeyError, TypeError, ValueError):
                raise fail(f"baseline entry {entry!r} lacks rule_id, path, address or message") from None
        return cls(counts, path.resolve().parent)

    def split(self, findings: list) -> tuple[list[Finding], list[Finding]]:
        """(new findings, findings the baseline already has)."""
        left = Counter(self.counts)
        new: list[Finding] = []
        known: list[Finding] = []
        for finding in sorted(findings, key=lambda f: f.sort_key()):
            k = key(finding, self.base)
            if left[k] > 0:
                left[k] -= 1
                known.append(finding)
            else:
                new.append(finding)
        return new, known


def key(finding, base: Path) -> tuple[str, str, str, str]:
    """(rule id, path relative to `base`, address, message with `main.tf:12` cut to `main.tf`): what a baseline entry matches."""
    path = Path(os.path.relpath(Path(finding.path).resolve(), base)).as_posix()
    return (finding.rule_id, path, finding.address, _LINE_REFERENCE.sub(r"\1", finding.message))


def render(findings: list, base: Path) -> str:
    """The baseline file for `findings`, with paths relative to `base` (where it is written)."""
    counts = Counter(key(f, base.resolve()) for f in findings)
    entries = [
        {"rule_id": r, "path": p, "address": a, "message": msg, "count": n}
        for (r, p, a, msg), n in sorted(counts.items())
    ]
    return json.dumps({"version": VERSION, "tool": "mwaa-lint", "findings": entries}, indent=2) + "\n"
