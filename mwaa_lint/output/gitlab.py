"""GitLab Code Quality report (a JSON array), shown in merge requests.

GitLab needs `description`, `check_name`, `fingerprint`, `severity` (info, minor, major,
critical, blocker) and `location.path` with `location.lines.begin`. The fingerprint is not
line-based, so an unchanged finding is not reported as new after edits above it.

A file that could not be read or parsed (a diagnostic: the check is incomplete) is an issue
too, `mwaa-lint parse-error` and the like, severity `blocker`, as SARIF and JUnit carry them:
otherwise the merge request would show a clean report for a file nobody checked.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter

from ..result import Result
from ..rule import Severity
from .sarif import FAMILY, SECURITY_FAMILIES

SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render(result: Result, color: bool = False) -> str:
    seen: Counter = Counter()
    issues = []
    for f in result.findings:
        path = result.relpath(f.path)
        base = hashlib.sha256("\0".join((f.rule_id, path, f.address, f.message)).encode()).hexdigest()
        seen[base] += 1
        issues.append({
            "type": "issue",
            "description": f"{f.rule_id} {f.message}",
            "check_name": f"{f.rule_id} {f.slug}",
            "categories": ["Security"] if FAMILY.get(f.rule_id[-3:-2]) in SECURITY_FAMILIES else ["Bug Risk"],
            "fingerprint": hashlib.md5(f"{base}:{seen[base]}".encode()).hexdigest(),  # noqa: S324 - an id, not security
            "severity": SEVERITY[f.severity],
            "location": {"path": path, "lines": {"begin": f.line, "end": max(f.end_line, f.line)}},
        })
    for d in result.diagnostics:
        path = result.relpath(d.path) if d.path else "."  # GitLab needs a path; a run-wide problem gets the root
        base = hashlib.sha256("\0".join(("diagnostic", d.kind, path, d.message)).encode()).hexdigest()
        seen[base] += 1
        issues.append({
            "type": "issue",
            "description": f"mwaa-lint {d.kind}: {d.message}",
            "check_name": f"mwaa-lint {d.kind}",
            "categories": ["Bug Risk"],
            "fingerprint": hashlib.md5(f"{base}:{seen[base]}".encode()).hexdigest(),  # noqa: S324 - an id, not security
            "severity": "blocker",
            "location": {"path": path, "lines": {"begin": max(d.line, 1)}},
        })
    return json.dumps(issues, indent=2) + "\n"
