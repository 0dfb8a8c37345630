"""Versioned JSON for scripts. Bump VERSION when a key changes meaning or disappears."""
from __future__ import annotations

import dataclasses
import json

from .. import __version__
from ..result import Result
from ..rule import Severity

VERSION = 1


def render(result: Result, color: bool = False) -> str:
    by_severity = {str(s): 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for f in result.findings:
        by_severity[str(f.severity)] += 1
    document = {
        "version": VERSION,
        "tool": {"name": "mwaa-lint", "version": __version__},
        "summary": {
            "findings": len(result.findings),
            "by_severity": by_severity,
            "files_checked": result.files_checked,
            "incomplete": bool(result.diagnostics),
            "suppressed": result.suppressed,
            "baselined": result.baselined,
            "modules_not_followed": len(result.notices),
        },
        "stats": dataclasses.asdict(result.stats),
        "findings": [finding_entry(result, f) for f in result.findings],
        "diagnostics": [diagnostic_entry(result, d) for d in result.diagnostics],
        # module calls whose module was not read (not downloaded, stale); kind "module-not-followed"
        "notices": [diagnostic_entry(result, d) for d in result.notices],
    }
    return json.dumps(document, indent=2) + "\n"


def finding_entry(result: Result, f) -> dict:
    return {
        "rule_id": f.rule_id,
        "slug": f.slug,
        "severity": str(f.severity),
        "message": f.message,
        "path": result.relpath(f.path),
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "address": f.address,
        # other places that explain the finding, e.g. where the environment names the bucket
        "related": [
            {"path": result.relpath(loc.path), "line": loc.line, "column": loc.column, "message": why}
            for loc, why in f.related
        ],
        # what --fix would change (null when the finding has no safe fix)
        "fix": fix_entry(result, f.fix),
    }


def fix_entry(result: Result, fix) -> dict | None:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "edits": [
            {"path": result.relpath(e.path), "line": e.line, "column": e.column, "end_line": e.end_line,
             "end_column": e.end_column, "replacement": e.replacement, "expected": e.expected}
            for e in fix.edits
        ],
    }


def diagnostic_entry(result: Result, d) -> dict:
    return {
        "kind": d.kind,
        "path": result.relpath(d.path) if d.path else None,
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "fix": fix_entry(result, d.fix),
    }
