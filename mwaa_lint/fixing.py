"""`--fix` and `--diff`: apply the fixes findings and diagnostics carry, check again, repeat.

Each pass checks the paths, takes the fixes of what it found (fixes.py), applies them to the
text of their files, and checks again, until a pass applies nothing (at most MAX_PASSES, as
ruff does with 100). The passes never touch the disk: the text they make is kept in the
project's overlay (project.py), which every read of the run goes through, so the second pass
checks the fixed text exactly as the next run will read it. Only then does `--fix` write the
files that changed, through the project's gate (inside the project root, regular files,
atomically, with their permissions); `--diff` prints them as a unified diff and writes nothing.

What makes a fix safe here: a file that parsed still parses after it, and a file that did not
parse (a one-line block) has fewer errors, none new, or the file's fixes of that pass are
dropped and the run says so; fixes of one pass never overlap (the first is applied, the other
waits for the next pass); an edit applies only where its text is still exactly what the
finding saw; a file the gate will not write is not fixed at all.
"""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .diagnostic import Diagnostic, InputError
from .fixes import apply_fixes
from .paths import real_text
from .project import current as current_project
from .result import Result
from .rule import Finding

MAX_PASSES = 10
_HCL = (".tf", ".tofu")
_JSON = (".tf.json", ".tofu.json")


@dataclass
class Fixed:
    result: Result  # the check of the fixed text (the last pass)
    changed: dict = field(default_factory=dict)  # resolved path → (path as found, original bytes)
    findings: int = 0  # findings whose fix was applied
    syntax_errors: int = 0  # diagnostics (one-line blocks) whose fix was applied
    notes: list = field(default_factory=list)  # why a fix was not applied: a file not written, a fix undone
    failed: bool = False  # a changed file could not be written (the run then exits 2)
    settled: bool = True  # False: the passes never stopped changing the text; nothing is written

    def summary(self) -> str:
        """`Fixed 3 findings (2 remaining).`"""
        parts = []
        if self.syntax_errors:
            parts.append(_plural(self.syntax_errors, "syntax error"))
        if self.findings or not self.syntax_errors:
            parts.append(_plural(self.findings, "finding"))
        return f"Fixed {' and '.join(parts)} ({len(self.result.findings)} remaining)."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def fix_passes(check: Callable[[], Result]) -> Fixed:
    """Run `check` (a whole check of the paths, under the run's project) and apply the fixes it
    offers, pass after pass, in the project's overlay; nothing is written here."""
    project = current_project()
    fixed = Fixed(result=check())
    for _ in range(MAX_PASSES):
        applied = _one_pass(fixed, project)
        if not applied:
            return fixed
        fixed.result = check()
    # every pass applied something: real fixes settle in two or three, so one of them undoes
    # or repeats itself (it is not idempotent) and none of what it made can be trusted
    fixed.settled = False
    fixed.notes.append(f"the fixes did not settle after {MAX_PASSES} passes (a fix that is not idempotent); "
                       "no file is changed")
    return fixed


def _fixes(result: Result) -> dict:
    """resolved path → [(Fix, is a diagnostic's)], in the order of the text they edit."""
    found: dict = {}
    items: list[Diagnostic | Finding] = [*result.diagnostics, *result.findings]
    for item in items:
        fix = item.fix
        if fix is None or not fix.edits or len({real_text(os.path.abspath(e.path)) for e in fix.edits}) != 1:
            continue
        found.setdefault(real_text(os.path.abspath(fix.edits[0].path)), []).append((fix, isinstance(item, Diagnostic)))
    for fixes in found.values():
        fixes.sort(key=lambda pair: (pair[0].edits[0].line, pair[0].edits[0].column))
    return found


def _one_pass(fixed: Fixed, project) -> bool:
    """Apply the fixes of `fixed.result` to the overlay; did any apply?"""
    any_applied = False
    for resolved, pairs in _fixes(fixed.result).items():
        path = pairs[0][0].edits[0].path
        shown = fixed.result.relpath(path)
        reason = project.unwritable(path)
        if reason is not None:
            note = f"{shown} {reason}"
            if note not in fixed.notes:
                fixed.notes.append(note)
            continue
        try:
            data = project.read_bytes(path, quiet=True)
        except OSError:
            continue
        try:
            outcome = apply_fixes(data, [fix for fix, _ in pairs])
        except UnicodeDecodeError:
            continue
        if not outcome.applied or outcome.data == data:
            continue
        if _breaks(Path(path), data, outcome.data) is not None:
            outcome = _one_that_does_not_break(fixed, Path(path), shown, data, [fix for fix, _ in pairs])
            if outcome is None:
                continue
        fixed.changed.setdefault(resolved, (path, data))
        project.overlay[resolved] = outcome.data
        kinds = [diagnostic for fix, diagnostic in pairs if any(fix is a for a in outcome.applied)]
        fixed.syntax_errors += sum(kinds)
        fixed.findings += len(kinds) - sum(kinds)
        any_applied = True
    return any_applied


def _one_that_does_not_break(fixed: Fixed, path: Path, shown: str, data: bytes, fixes: list):
    """The fixes of a file together would not let it parse: the first one that alone does not
    break it, applied alone (the others are offered again by the next pass's check, at their
    new places); each that breaks it is noted and never applied."""
    for fix in fixes:
        outcome = apply_fixes(data, [fix])
        if not outcome.applied or outcome.data == data:
            continue
        broken = _breaks(path, data, outcome.data)
        if broken is None:
            return outcome
        note = f"{shown}: a fix was not applied ({fix.description}): the file would not parse after it: {broken}"
        if note not in fixed.notes:
            fixed.notes.append(note)
    return None


def _errors(path: Path, data: bytes) -> Optional[list]:
    """The parse errors of a Terraform file's bytes ([] when it parses); None for other files."""
    from .source import decode

    name = path.name
    if not name.endswith(_HCL + _JSON):
        return None
    try:
        text = decode(data, path)
        if name.endswith(_JSON):
            from .parse_json import parse_tf_json

            parse_tf_json(text, path)
        else:
            from .parse import parse_hcl

            parse_hcl(text, path)
    except InputError as exc:
        return [d.message for d in exc.diagnostics]
    return []


def _breaks(path: Path, before: bytes, after: bytes) -> Optional[str]:
    """Why the fixed bytes are worse than the bytes before (a parse error they add), or None."""
    errors_after = _errors(path, after)
    if not errors_after:
        return None
    errors_before = _errors(path, before) or []
    if len(errors_after) < len(errors_before) and set(errors_after) <= set(errors_before):
        return None  # fewer errors, none new: a one-line block split while another remains
    return errors_after[0]


def write(fixed: Fixed) -> list:
    """Write each changed file through the project's gate; the notes of those that could not be."""
    project = current_project()
    failures = []
    for resolved, (path, original) in fixed.changed.items():
        made = project.overlay.get(resolved)
        if made is None or made == original:
            continue
        try:
            project.write_bytes(path, made)
        except OSError as exc:
            failures.append(f"{fixed.result.relpath(path)}: {getattr(exc, 'reason', None) or exc.strerror or exc}")
    return failures


def diff(fixed: Fixed) -> str:
    """A unified diff of the changed files (`--- a/main.tf`, `+++ b/main.tf`, paths relative to
    the working directory), in path order."""
    out: list[str] = []
    project = current_project()
    for resolved, (path, original) in sorted(fixed.changed.items()):
        made = project.overlay.get(resolved, original)
        if made == original:
            continue
        shown = fixed.result.relpath(path)
        old, new = _lines(original.decode("utf-8-sig")), _lines(made.decode("utf-8-sig"))
        for line in difflib.unified_diff(old, new, f"a/{shown}", f"b/{shown}"):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list:
    """The lines of `text` with their endings (`\\r\\n`, `\\r` or `\\n`: not str.splitlines's many)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
