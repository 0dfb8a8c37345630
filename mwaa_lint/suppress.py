"""Inline suppressions: `# mwaa-lint: ignore[MWAA102] reason` and `ignore-file[...]`.

A comment (`#`, `//` or `/* */`) suppresses the named rules on its own line, or on the next
line when it stands alone. When that line opens a block, the whole block is covered.
`ignore-file[...]` anywhere in a file's leading comments covers the file. `until=YYYY-MM-DD`
makes a suppression stop working after that date, so a temporary exception cannot become
permanent by being forgotten.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import model as m
from .diagnostic import InputError
from .paths import real
from .registry import matches
from .source import read_text

_COMMENT = re.compile(
    r"(?:#|//|/\*)\s*mwaa-lint:\s*(?P<kind>ignore-file|ignore)\s*\[(?P<ids>[^\]]*)\](?P<rest>[^\n]*)"
)
_UNTIL = re.compile(r"\buntil=(\S+)")
_CODE_BEFORE = re.compile(r"\S")


@dataclass
class Suppression:
    path: Path
    line: int  # where the comment is
    column: int
    selectors: list
    reason: str
    until: Optional[datetime.date]
    bad_until: str = ""  # the text of an `until=` that is not a date
    first: int = 0  # the lines covered, inclusive; a file-level one covers everything
    last: int = 0
    file_level: bool = False
    used: bool = field(default=False, compare=False)

    def covers(self, line: int) -> bool:
        return self.file_level or self.first <= line <= self.last

    def expired(self, today: datetime.date) -> bool:
        # an `until=` that is not a date never suppresses: a typo must not make it permanent
        return bool(self.bad_until) or (self.until is not None and today > self.until)


def parse(path: Path, text: str, blocks: list) -> list:
    """Every suppression comment in one file; `blocks` (top-level model blocks) give ranges."""
    lines = text.split("\n")
    starts = _block_ranges(blocks)
    found = []
    for number, line in enumerate(lines, start=1):
        if "mwaa-lint:" not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        rest = match.group("rest").replace("*/", "").strip()
        until_text = (_UNTIL.search(rest) or [None, None])[1]
        until, bad = _date(until_text)
        suppression = Suppression(
            path=path,
            line=number,
            column=match.start() + 1,
            selectors=[s.strip() for s in match.group("ids").split(",") if s.strip()],
            reason=_UNTIL.sub("", rest).strip(),
            until=until,
            bad_until=bad,
            file_level=match.group("kind") == "ignore-file",
        )
        if not suppression.file_level:
            alone = not _CODE_BEFORE.search(line[: match.start()])
            target = _next_code_line(lines, number) if alone else number
            suppression.first, suppression.last = target, starts.get(target, target)
        found.append(suppression)
    return found


def apply(findings: list, suppressions: list, today: datetime.date) -> tuple:
    """(findings kept, findings suppressed). Marks each suppression that suppressed something."""
    by_path: dict = {}
    for suppression in suppressions:
        by_path.setdefault(real(suppression.path), []).append(suppression)
    kept, suppressed = [], []
    for finding in findings:
        hits = [
            s for s in by_path.get(real(finding.path), [])
            if s.covers(finding.line) and not s.expired(today)
            and any(finding_matches(finding, selector) for selector in s.selectors)
        ]
        for s in hits:
            s.used = True
        (suppressed if hits else kept).append(finding)
    return kept, suppressed


def finding_matches(finding, selector: str) -> bool:
    """Does a rule selector (id, slug, prefix) name the rule of this finding?"""

    class _Shape:  # `matches` takes a rule class; a finding carries the same id and slug
        id, slug = finding.rule_id, finding.slug

    return matches(_Shape, selector)


def _block_ranges(blocks: list) -> dict:
    """Header line → last line, for every block and nested block."""
    ranges: dict = {}
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, m.Block):
            ranges[block.loc.line] = max(ranges.get(block.loc.line, 0), block.end_loc.end_line)
            stack.extend(block.blocks)
    return ranges


def _next_code_line(lines: list, number: int) -> int:
    """The first line after `number` that is not blank and not only a comment."""
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(("#", "//", "/*", "*")):
            return index + 1
    return number


def _date(text: Optional[str]) -> tuple:
    if text is None:
        return None, ""
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return None, text


@dataclass
class SuppressionContext:
    """What a rule of the "suppressions" stage sees: every suppression in the reported files."""

    suppressions: list
    ran: list  # the rule classes that ran
    known: list  # every installed rule class
    today: datetime.date


def run_stage(findings: list, scanned: dict, rules: list, options) -> tuple:
    """Apply the suppressions of every scanned file; then run the "suppressions" stage rules.

    `scanned` maps a resolved path to (the suppressions in that file, reported on?).
    Returns (findings kept, plus those stage rules report; findings suppressed).
    """
    if not options.inline_ignores:
        return findings, []
    files = dict(scanned)
    for finding in findings:  # files a rule pointed into (policy JSON, an included requirements file)
        key = real(finding.path)
        if key not in files:
            files[key] = (suppressions_in(Path(finding.path)), True)
    suppressions, shown = [], []
    for found, reported in files.values():
        suppressions.extend(found)
        if reported:
            shown.extend(found)
    today = options.today or datetime.date.today()
    kept, suppressed = apply(findings, suppressions, today)
    from .registry import load_rules  # only when no caller passed them (the rule API in tests)

    context = SuppressionContext(shown, list(rules), options.known_rules or load_rules(), today)
    for rule_class in rules:
        if rule_class.stage == "suppressions":
            kept.extend(rule_class(options.rule_options.get(rule_class.id)).check_suppressions(context))
    return kept, suppressed


def suppressions_in(source) -> list:
    """The suppressions in a parsed file (m.File) or in the file at a path."""
    if isinstance(source, m.File):
        if "mwaa-lint:" not in source.text:
            return []
        return parse(source.path, source.text, source.blocks)
    try:
        text = read_text(source)
    except (InputError, OSError):
        return []  # reported where it was read, if it matters
    return parse(source, text, []) if "mwaa-lint:" in text else []
