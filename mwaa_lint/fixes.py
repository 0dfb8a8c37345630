"""Fixes: what a finding (or a diagnostic) says would repair it, as data, and how text is edited.

A `Fix` is a description and its `Edit`s. An edit replaces the text between two positions of
one file with `replacement`, and carries `expected`, the exact text it replaces: an edit whose
text is no longer there (the file changed since it was read) is skipped, never applied blindly.
Positions are those of the text as read_text gives it (source.py: a UTF-8 byte order mark
left out, each line ending read as "\\n"): lines and columns 1-based, columns in characters,
the end exclusive, as Location. A "\\n" in `expected` or `replacement` stands for the line
ending, whatever the file uses: the file's own ending is written (a CRLF file stays CRLF).

The applying side is textual and pure (`apply_fixes` on bytes); fixing.py runs the passes and
project.py writes.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


@dataclass(frozen=True)
class Edit:
    path: Path
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive; an insertion has (end_line, end_column) == (line, column)
    replacement: str
    expected: str  # the exact text replaced ("" for an insertion)


@dataclass(frozen=True)
class Fix:
    """What would repair one finding: its edits, all in one file, applied together or not at all."""

    description: str  # what applying it does, in a few words: "add requirements_s3_object_version"
    edits: tuple[Edit, ...]


class Applied(NamedTuple):
    data: bytes  # the file's new bytes
    applied: list  # the Fixes applied, in the order given
    skipped: list  # (Fix, why): stale text, or overlapping a fix applied before it


class _Text:
    """A file's text with its real line endings, and where each line starts in it."""

    def __init__(self, text: str):
        self.text = text
        parts = re.split(r"(\r\n|\r|\n)", text)  # content, ending, content, ..., the last line's content
        self.lengths = [len(part) for part in parts[0::2]]  # of each line's content, without its ending
        self.endings = [*parts[1::2], ""]
        self.starts, position = [], 0
        for length, ending in zip(self.lengths, self.endings):
            self.starts.append(position)
            position += length + len(ending)
        self.newline = next((e for e in self.endings if e), "\n")

    def offset(self, line: int, column: int) -> int:
        """The offset of (line, column); -1 when there is no such place."""
        if not 1 <= line <= len(self.starts) or not 1 <= column <= self.lengths[line - 1] + 1:
            return -1
        return self.starts[line - 1] + column - 1


def _normal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def apply_fixes(data: bytes, fixes: list) -> Applied:
    """`data` (a file's bytes) with `fixes` applied, each whole or not at all: the first fix
    whose edits overlap one applied before it is left for another pass. UnicodeDecodeError
    when the bytes are not UTF-8 (no fix is offered for such a file: it does not parse)."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = _Text(data[len(bom):].decode("utf-8"))
    taken: list[tuple[int, int]] = []  # spans of the edits accepted so far
    changes: list[tuple[int, int, str]] = []
    applied: list[Fix] = []
    skipped: list[tuple[Fix, str]] = []
    seen: set = set()
    for fix in fixes:
        if fix.edits in seen:  # the same edits from another instance of one module: applied once
            applied.append(fix)
            continue
        spans: list[tuple[int, int]] = []
        why = ""
        for edit in fix.edits:
            start, end = text.offset(edit.line, edit.column), text.offset(edit.end_line, edit.end_column)
            if start < 0 or end < start or _normal(text.text[start:end]) != edit.expected:
                why = "the text it replaces has changed"
                break
            if any(_overlap((start, end), span) for span in [*taken, *spans]):
                why = "it overlaps another fix; left for the next pass"
                break
            spans.append((start, end))
        if why:
            skipped.append((fix, why))
            continue
        seen.add(fix.edits)
        for (start, end), edit in zip(spans, fix.edits):
            ending = text.endings[edit.line - 1] or text.newline
            changes.append((start, end, edit.replacement.replace("\n", ending)))
        taken.extend(spans)
        applied.append(fix)
    new = text.text
    for start, end, replacement in sorted(changes, reverse=True):
        new = new[:start] + replacement + new[end:]
    return Applied(bom + new.encode("utf-8"), applied, skipped)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Do two spans share text, or touch where one is an insertion (whose order would be a guess)?"""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]
