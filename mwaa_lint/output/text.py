"""Plain text for a person at a terminal: location, rule, message, the offending line, a caret."""
from __future__ import annotations

import re
import textwrap
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Optional

from ..diagnostic import MODULE_SOURCE, InputError
from ..redact import mask_credentials
from ..result import Result
from ..rule import Severity
from ..source import read_text

BOLD, DIM, RED, YELLOW, BLUE, RESET = "\033[1m", "\033[2m", "\033[31m", "\033[33m", "\033[34m", "\033[0m"
SEVERITY_COLOR = {Severity.ERROR: RED, Severity.WARNING: YELLOW, Severity.INFO: BLUE}
MAX_SHOWN = 160  # characters of a source line shown; minified .tf.json can be one huge line

# Control characters in a file or message could drive the terminal; show one placeholder instead.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def render(result: Result, color: bool = False, width: Optional[int] = None) -> str:
    """`width`: the terminal's, to wrap long messages at (continuation lines indented); None
    (a pipe, a file) keeps each finding's first line whole, for grep."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    out: list[str] = []
    lines_of: dict = {}  # path → list of lines, or None when unreadable
    secret = {rule.id for rule in result.rules if not rule.show_source}  # never echo a secret into CI logs
    for f in result.findings:
        where = f"{clean(result.relpath(f.path))}:{f.line}:{f.column}:"
        level = f"[{f.severity}]"
        head = f"{where} {f.rule_id}{FIXABLE if f.fix else ''} {level} "
        first, *rest = _wrap(head, clean(f.message), width)
        painted = f"{paint(where, BOLD)} {f.rule_id}{FIXABLE if f.fix else ''} {paint(level, SEVERITY_COLOR[f.severity])} "
        out.append(painted + first[len(head):])
        out.extend(rest)
        source = None if f.rule_id in secret else _source_line(lines_of, f.path, f.line)
        if source is not None:
            shown, pad, caret = _excerpt(source, f.line, f.column, f.end_line, f.end_column)
            out.extend([shown, pad + paint(caret, DIM)] if shown.strip() else [])
        for loc, why in f.related:
            note = _wrap(f"  note: {clean(result.relpath(loc.path))}:{loc.line}:{loc.column}: ", clean(why), width)
            out.extend(paint(line, DIM) for line in note)
        out.append("")

    out.append(summary(result))
    return "\n".join(out) + "\n"


INDENT = "    "  # before the continuation lines of a wrapped message


def _wrap(head: str, message: str, width: Optional[int]) -> list[str]:
    """`head + message` as lines of at most `width` columns, broken between words (a word longer
    than a line is not broken), continuation lines indented; one line when `width` is None."""
    if width is None or len(head) + len(message) <= width:
        return [head + message]
    lines = textwrap.wrap(message, width=width, initial_indent="\0" * len(head), subsequent_indent=INDENT,
                          break_long_words=False, break_on_hyphens=False)
    if not lines:
        return [head + message]
    return [head + lines[0][len(head):], *lines[1:]]


FIXABLE = " [*]"  # after the rule id of a finding that carries a fix, as ruff marks them


def fixable_line(result: Result) -> str:
    """`[*] 3 fixable with the --fix option.`, or "" when nothing found has a fix."""
    count = sum(f.fix is not None for f in result.findings) + sum(d.fix is not None for d in result.diagnostics)
    return f"[*] {count} fixable with the --fix option." if count else ""


def summary(result: Result) -> str:
    """The closing lines: what was found, what was hidden, and whether the check was complete."""
    lines = []
    if result.files_checked or not result.diagnostics:
        files = _plural(result.files_checked, "file")
        if result.findings:
            counts = Counter(f.severity for f in result.findings)
            parts = [
                _plural(counts[s], str(s), "" if s is Severity.INFO else "s")
                for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                if counts[s]
            ]
            text = f"Found {_plural(len(result.findings), 'problem')} ({', '.join(parts)}) in {files}."
        elif not result.files_checked:
            text = "No aws_mwaa_environment found in the scanned paths."  # not "no problems in 0 files"
        elif result.environments == 0:  # "no problems" would claim a check there was nothing to make
            text = f"No aws_mwaa_environment found in {files}."
        else:
            text = f"No problems found in {files}."
        text = text[:-1] + not_followed(result) + "."
        hidden = [f"{n} {what}" for n, what in ((result.suppressed, "suppressed"), (result.baselined, "in the baseline")) if n]
        lines.append(text + (f" Not shown: {', '.join(hidden)}." if hidden else ""))
    if result.diagnostics:
        failed = {Path(d.path).resolve() for d in result.diagnostics if d.path and d.kind in ("parse-error", "read-error")}
        skipped = result.files_not_checked or failed
        if skipped:
            line = f"{_plural(len(skipped), 'file')} could not be checked"
            if len(skipped) > len(failed):  # files skipped because another file of their module failed
                line += f" (a module is checked only when {_checked_only_when(result.diagnostics)})"
            lines.append(line + "; the result is incomplete.")
        elif any(d.kind == "not-read" for d in result.diagnostics):  # refused by the gate (project.py)
            lines.append("Files the configuration names were not read (see above); the values that need them "
                         "are unknown, so the result is incomplete.")
        else:
            lines.append("The check did not complete; the result is incomplete.")
    if fixable_line(result):
        lines.append(fixable_line(result))
    return "\n".join(lines)


def _checked_only_when(diagnostics: list) -> str:
    """What a module needs to be checked, among what these diagnostics say it lacked."""
    calls = [d.kind == "read-error" and d.message.startswith(MODULE_SOURCE) for d in diagnostics]
    needs = [need for need, lacking in (("all of its files parse", not all(calls)),
                                        ("every local module it calls is there", any(calls))) if lacking]
    return " and ".join(needs)


MAX_NAMED = 5  # module calls named in the summary line; the notices on standard error name them all


def not_followed(result: Result) -> str:
    """`; 2 module calls not followed: module.mwaa (aws-ia/mwaa/aws), … — run …`, or ""."""
    if not result.notices:
        return ""
    named = [clean(d.message.partition(" was not followed:")[0]) for d in result.notices]
    if len(named) > MAX_NAMED:
        named = [*named[:MAX_NAMED], f"{len(named) - MAX_NAMED} more"]
    return (f"; {_plural(len(result.notices), 'module call')} not followed: {', '.join(named)} — "
            "run `terraform init`, or scan a plan")


def render_notices(result: Result, color: bool = False) -> str:
    """One line per module call that was not followed, for standard error."""
    out = []
    for d in result.notices:
        where = (clean(result.relpath(d.path)) if d.path else "mwaa-lint") + (f":{d.line}:{d.column}" if d.line else "")
        label = f"{BLUE}notice:{RESET}" if color else "notice:"
        out.append(f"{BOLD + where + ':' + RESET if color else where + ':'} {label} {clean(mask_credentials(d.message))}")
    return "".join(line + "\n" for line in out)


def _plural(n: int, word: str, suffix: str = "s") -> str:
    return f"{n} {word}{'' if n == 1 else suffix}"


def _source_line(cache: dict, path: Path, line: int):
    if path not in cache:
        try:
            cache[path] = read_text(Path(path)).split("\n")
        except (InputError, OSError):
            cache[path] = None
    lines = cache[path]
    if not lines or not 1 <= line <= len(lines):
        return None
    # messages are masked where the run's Result is made; the lines shown here come from the file
    return mask_credentials(lines[line - 1])


def _excerpt(source: str, line: int, column: int, end_line: int, end_column: int) -> tuple[str, str, str]:
    """The source line (windowed when long), the padding to the span, and a caret under it."""
    start = max(column - 1, 0)
    end = end_column - 1 if end_line == line else len(source)
    end = min(max(end, start + 1), max(len(source), start + 1))
    # Show a window around the span when the line is too long to read.
    lo = max(0, start - MAX_SHOWN // 4) if len(source) > MAX_SHOWN else 0
    hi = min(len(source), lo + MAX_SHOWN)
    shown = clean(source[lo:hi]).rstrip()
    start, end = start - lo, min(end, hi) - lo
    if lo:
        shown, start, end = "…" + shown, start + 1, end + 1
    if hi < len(source):
        shown += "…"
    caret = "^" + "~" * max(end - start - 1, 0)
    return shown, _pad(shown[:start]), caret


def _pad(prefix: str) -> str:
    """Blank out `prefix` keeping tabs and double-width characters, so the caret lines up."""
    return "".join(
        "\t" if ch == "\t" else "  " if unicodedata.east_asian_width(ch) in "WF" else " " for ch in prefix
    )


def clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def render_diagnostics(result: Result, color: bool = False) -> str:
    """Problems with the run itself (unreadable or invalid files), for standard error."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    out: list[str] = []
    lines_of: dict = {}
    for d in result.diagnostics:
        where = clean(result.relpath(d.path)) if d.path else "mwaa-lint"
        if d.line:
            where += f":{d.line}" + (f":{d.column}" if d.column else "")
        # masked again: `mwaa-lint cost` shows diagnostics that no engine Result carried
        mark = "[*] " if d.fix is not None else ""
        out.append(f"{paint(where + ':', BOLD)} {paint('error:', RED)} {mark}{clean(mask_credentials(d.message))}")
        source = _source_line(lines_of, d.path, d.line) if d.path and d.line else None
        if source is not None:
            shown, pad, caret = _excerpt(source, d.line, d.column, d.line, d.column + 1)
            out.extend([shown, pad + paint(caret, DIM)] if shown.strip() else [])
        out.append("")

    return "\n".join(out) + "\n" if out else ""
