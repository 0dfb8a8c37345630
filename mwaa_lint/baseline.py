"""A baseline: the findings a team has accepted, so only new ones fail the gate.

Entries are keyed by rule, file, resource address and argument: the name written where the
finding points (`max_workers` of `max_workers = 50`; a block's type, `logging_configuration`,
when it points at a block; a requirement's name in a requirements file). Never by the line
number nor by the message, so moving lines and changing a value (`max_workers` from 50 to 40)
keep a finding baselined (each entry also shows a message, for people reading the file; it is
not matched). Each key carries a count: a second finding of the same kind on the
same resource and argument is new, and so is one on another resource. Paths are relative to
the baseline file's directory, so it works whichever directory the gate runs in.

Version 1 files (0.x: keyed by the message with its line references taken out) are still
read: their entries match as before, by message, until `--write-baseline` rewrites them.
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

VERSION = 2
READABLE = (1, 2)
_LINE_REFERENCE = re.compile(r"(\.[\w.]+):\d+(?::\d+)?")
# `name = value` (HCL) or `"name": value` (JSON) at the start of the finding's line; `==` is a
# requirement's pin, not an assignment
_ASSIGNMENT = re.compile(r'\s*"?([A-Za-z_][\w.-]*)"?\s*[=:](?!=)')
# otherwise the word where the finding starts: a block's type, a requirement's name, a
# policy's action (`"logs:*"` → `logs`)
_WORD = re.compile(r'\s*"?([A-Za-z0-9_][\w.-]*)')


class BaselineError(Exception):
    pass


class Baseline:
    def __init__(self, counts: Counter, base: Path, by_message: Counter | None = None):
        self.counts = counts  # (rule id, path, address, argument) → count
        self.by_message = by_message or Counter()  # version 1 entries: (rule id, path, address, message) → count
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
        if not isinstance(data, dict) or data.get("version") not in READABLE or not isinstance(data.get("findings"), list):
            raise fail(f"not a mwaa-lint baseline (expected version {' or '.join(map(str, READABLE))} "
                       "with a findings list)")
        counts: Counter = Counter()
        by_message: Counter = Counter()
        field = "argument" if data["version"] >= 2 else "message"
        for entry in data["findings"]:
            try:
                fields = (str(entry["rule_id"]), str(entry["path"]), str(entry["address"]), str(entry[field]))
                (counts if field == "argument" else by_message)[fields] += int(entry.get("count", 1))
            except (KeyError, TypeError, ValueError):
                raise fail(f"baseline entry {entry!r} lacks rule_id, path, address or {field}") from None
        return cls(counts, path.resolve().parent, by_message)

    def split(self, findings: list) -> tuple[list[Finding], list[Finding]]:
        """(new findings, findings the baseline already has)."""
        left = Counter(self.counts)
        left_by_message = Counter(self.by_message)
        new: list[Finding] = []
        known: list[Finding] = []
        lines_of: dict = {}
        for finding in sorted(findings, key=lambda f: f.sort_key()):
            k = key(finding, self.base, lines_of)
            if left[k] > 0:
                left[k] -= 1
                known.append(finding)
                continue
            old = message_key(finding, self.base) if left_by_message else None
            if old is not None and left_by_message[old] > 0:
                left_by_message[old] -= 1
                known.append(finding)
            else:
                new.append(finding)
        return new, known


def _relative(finding, base: Path) -> str:
    return Path(os.path.relpath(Path(finding.path).resolve(), base)).as_posix()


def argument(finding, lines_of: dict | None = None) -> str:
    """The name written where the finding points ('' when there is none, or the file cannot be
    read); `lines_of` keeps each file's lines (path → lines) across the findings of one run."""
    from .diagnostic import InputError
    from .source import read_text

    lines_of = {} if lines_of is None else lines_of
    if finding.path not in lines_of:
        try:
            lines_of[finding.path] = read_text(Path(finding.path)).split("\n")
        except InputError:
            lines_of[finding.path] = []
    lines = lines_of[finding.path]
    if not 1 <= finding.line <= len(lines):
        return ""
    text = lines[finding.line - 1]
    match = _ASSIGNMENT.match(text) or _WORD.match(text[max(finding.column - 1, 0):])
    return match.group(1) if match else ""


def key(finding, base: Path, lines_of: dict | None = None) -> tuple[str, str, str, str]:
    """(rule id, path relative to `base`, address, argument): what a baseline entry matches."""
    return (finding.rule_id, _relative(finding, base), finding.address, argument(finding, lines_of))


def message_key(finding, base: Path) -> tuple[str, str, str, str]:
    """A version 1 entry's key: (rule id, path, address, message with `main.tf:12` cut to `main.tf`)."""
    return (finding.rule_id, _relative(finding, base), finding.address, _LINE_REFERENCE.sub(r"\1", finding.message))


def render(findings: list, base: Path) -> str:
    """The baseline file for `findings`, with paths relative to `base` (where it is written)."""
    counts: Counter = Counter()
    messages: dict = {}  # the first finding's message of each key: for people reading the file, never matched
    lines_of: dict = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        k = key(finding, base.resolve(), lines_of)
        counts[k] += 1
        messages.setdefault(k, finding.message)
    entries = [
        {"rule_id": r, "path": p, "address": a, "argument": arg, "count": n, "message": messages[(r, p, a, arg)]}
        for (r, p, a, arg), n in sorted(counts.items())
    ]
    return json.dumps({"version": VERSION, "tool": "mwaa-lint", "findings": entries}, indent=2) + "\n"
