"""Inline suppressions: `# mwaa-lint: ignore[MWAA102] reason` and `ignore-file[...]`.

A comment (`#`, `//` or `/* */`) suppresses the named rules on its own line, or on the next
line of code when it stands alone. When that line opens a block, the whole block is covered.
`ignore-file[...]` covers its file. `until=YYYY-MM-DD` makes a suppression stop working after
that date, so a temporary exception cannot become permanent by being forgotten.

Only a real comment counts (lexer.py finds them): the same words inside a string, a heredoc (an
inline startup script, say) or a template suppress nothing. In Terraform JSON the comment is
the value of a `"//"` key; in requirements files, a `#` comment as pip reads it.
"""
from __future__ import annotations

import bisect
import datetime
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .diagnostic import Diagnostic, InputError
from .location import Location
from .paths import real
from .registry import matches
from .source import read_text

MARK = "mwaa-lint:"
# In a comment's text: after its opener, or at the start of a line of a /* */ comment (` * `).
_SUPPRESSION = re.compile(
    r"(?:#|//|/\*|^)[ \t*]*mwaa-lint:[ \t]*(?P<kind>ignore-file|ignore)[ \t]*\[(?P<ids>[^\]\n]*)\](?P<rest>[^\n]*)",
    re.M,
)
_UNTIL = re.compile(r"\buntil=(\S+)")
_BLANKS = re.compile(r"[\s,]*")  # between a comment and the code it stands above (`,` ends a JSON property)


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

    @property
    def loc(self) -> Location:
        """Where the suppression is written: its `mwaa-lint:` words (in JSON, its `//` key)."""
        return Location(self.path, self.line, self.column, self.line, self.column + 1)

    def covers(self, line: int) -> bool:
        return self.file_level or self.first <= line <= self.last

    def expired(self, today: datetime.date) -> bool:
        # an `until=` that is not a date never suppresses: a typo must not make it permanent
        return bool(self.bad_until) or (self.until is not None and today > self.until)


def parse(path: Path, text: str, blocks: list) -> list:
    """Every suppression in one file's comments; `blocks` (top-level model blocks) give ranges."""
    from . import lexer  # only for a file with the mark in it (a warm run reads none)

    comments = lexer.comments(path.name, text)
    marked = [c for c in comments if MARK in c.text]
    if not marked:
        return []
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def position(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    is_json = path.name.endswith(".json")
    if is_json:  # a "//" key inside an argument's value is a key of that map, not a comment
        values = _argument_spans(blocks)
        marked = [c for c in marked if not _inside(values, position(c.start))]
    comment_at = {c.start: c for c in comments}
    starts = _block_ranges(blocks)
    found = []
    for comment in marked:
        first_line, first_column = position(comment.start)
        alone = not text[comment.start - first_column + 1:comment.start].strip()
        for match in _SUPPRESSION.finditer(comment.text):
            # where the words are in the file (in JSON the text is the decoded value: at its key)
            line, column = position(comment.start if is_json else comment.start + match.start() + _indent(match.group()))
            rest = match.group("rest").replace("*/", "").strip()
            until_text = (_UNTIL.search(rest) or [None, None])[1]
            until, bad = _date(until_text)
            suppression = Suppression(
                path=path,
                line=line,
                column=column,
                selectors=[s.strip() for s in match.group("ids").split(",") if s.strip()],
                reason=_UNTIL.sub("", rest).strip(),
                until=until,
                bad_until=bad,
                file_level=match.group("kind") == "ignore-file",
            )
            if not suppression.file_level:
                code = _code_after(text, comment, comment_at) if alone or line > first_line else None
                target = position(code)[0] if code is not None else first_line
                suppression.first, suppression.last = target, starts.get(target, target)
            found.append(suppression)
    return found


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def _code_after(text: str, comment, comment_at: dict) -> Optional[int]:
    """The offset of the first code after a comment (past blanks and other comments), or None
    when the file ends first."""
    pos = comment.end
    while True:
        blanks = _BLANKS.match(text, pos)
        assert blanks is not None  # the pattern matches the empty string
        pos = blanks.end()
        if pos >= len(text):
            return None
        following = comment_at.get(pos)
        if following is None:
            return pos
        pos = following.end


def apply(findings: list, suppressions: list, today: datetime.date) -> tuple[list, list]:
    """(findings kept, findings suppressed). Marks each suppression that suppressed something."""
    by_path: dict = {}
    for suppression in suppressions:
        by_path.setdefault(real(suppression.path), []).append(suppression)
    kept: list = []
    suppressed: list = []
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
    if not blocks:  # a file read from its path (no model: a warm run loads none)
        return {}
    from . import model as m

    ranges: dict = {}
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, m.Block):
            ranges[block.loc.line] = max(ranges.get(block.loc.line, 0), block.end_loc.end_line)
            stack.extend(block.blocks)
    return ranges


def _argument_spans(blocks: list) -> list:
    """((line, column), (end line, end column)) of every argument's value, in nested blocks too,
    sorted (they never overlap)."""
    if not blocks:  # a file read from its path (no model: a warm run loads none)
        return []
    from . import model as m

    spans: list = []
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, m.Block):
            spans.extend(((a.expr.loc.line, a.expr.loc.column), (a.expr.loc.end_line, a.expr.loc.end_column))
                         for a in block.attributes.values())
            stack.extend(block.blocks)
    return sorted(spans)


def _inside(spans: list, position: tuple[int, int]) -> bool:
    index = bisect.bisect_right(spans, (position, (float("inf"), 0))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _date(text: Optional[str]) -> tuple[Optional[datetime.date], str]:
    """(the date, or None; the text when it is not a date: `until=` then never suppresses)."""
    if text is None:
        return None, ""
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return None, text


class Suppressions:
    """What a suppression rule's `check_suppressions(suppressions)` sees: iterate it for the
    suppressions of the reported files; `ran` (the rule classes that ran), `known` (every
    installed rule class), `today` (the date `until=` is judged by) and `rules_named(selector)`."""

    def __init__(self, suppressions: list, ran: list, known: list, today: datetime.date):
        # a rule that ran is named by the object it ran as (its class, or the catalog's stand-in for
        # it: rule_catalog.py), so that `rule in suppressions.ran` holds for it
        as_ran = {rule.id: rule for rule in ran}
        known = [as_ran.pop(rule.id, rule) for rule in known] + list(as_ran.values())
        self._suppressions, self.ran, self.known, self.today = suppressions, ran, known, today
        self.current: Optional[Suppression] = None  # the one a rule is looking at (for crash reports)

    def __iter__(self) -> Iterator[Suppression]:
        for suppression in self._suppressions:
            self.current = suppression
            yield suppression
        self.current = None

    def rules_named(self, selector: str) -> list:
        """The installed rules a selector (an id, a slug or a prefix) names; [] for a typo."""
        return [rule for rule in self.known if matches(rule, selector)]


def run_stage(findings: list, scanned: dict, rules: list, options) -> tuple[list, list, list]:
    """Apply the suppressions of every scanned file; then run the "suppressions" stage rules.

    `scanned` maps a resolved path to (the suppressions in that file, reported on?).
    Returns (findings kept, plus those stage rules report; findings suppressed; diagnostics:
    what those rules could not judge, and their crashes).
    """
    if not options.inline_ignores:
        return findings, [], []
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
    from .rule import run_rules

    seen = Suppressions(shown, list(rules), options.known_rules or load_rules(), today)
    found, diagnostics = run_rules(
        [rule_class for rule_class in rules if rule_class.stage == "suppressions"], options.rule_options,
        lambda rule: rule.check_suppressions(seen), lambda rule_class, exc: _internal_error(rule_class, exc, seen.current))
    return kept + found, suppressed, diagnostics


def _internal_error(rule_class, exc: Exception, suppression: Optional[Suppression]) -> Diagnostic:
    """A suppression rule's crash, at the suppression it was checking when it crashed (if any)."""
    message = f"internal error in rule {rule_class.id}"
    if suppression is None:
        return Diagnostic(None, 0, 0, f"{message}: {type(exc).__name__}: {exc}", kind="internal-error")
    selectors = ", ".join(suppression.selectors)
    kind = "ignore-file" if suppression.file_level else "ignore"
    return Diagnostic(suppression.path, suppression.line, suppression.column,
                      f"{message} while checking {kind}[{selectors}]: {type(exc).__name__}: {exc}", kind="internal-error")


def suppressions_in(source) -> list:
    """The suppressions in a parsed file (m.File) or in the file at a path."""
    if isinstance(source, (str, os.PathLike)):  # a path: not isinstance(m.File), which would load the model
        path = Path(source)
        try:
            text = read_text(path)
        except (InputError, OSError):
            return []  # reported where it was read, if it matters
        return parse(path, text, []) if MARK in text else []
    if MARK not in source.text:
        return []
    return parse(source.path, source.text, source.blocks)
