"""GitLab Code Quality report (a JSON array), shown in merge requests.

GitLab needs `description`, `check_name`, `fingerprint`, `severity` (info, minor, major,
critical, blocker) and `location.path` with `location.lines.begin`. The fingerprint is not
line-based, so an unchanged finding is not reported as new after edits above it.

A file that could not be read or parsed (a diagnostic: the check is incomplete) is an issue
too, `mwaa-lint parse-error` and the like, severity `blocker`, as SARIF and JUnit carry them:
otherwise the merge request would show a clean report for a file nobody checked.

A module call that was not followed (a notice: its code was not read, so no rule saw it) is an
issue of severity `info` at the `module` line, `mwaa-lint module-not-followed`. Why an entry and
not standard error only: the Code Quality format has no other kind of record (GitLab reads
`description`, `check_name`, `fingerprint`, `severity`, `location`; the custom-tool section of
docs.gitlab.com/ee/ci/testing/code_quality.html), `info` is its lowest severity, and a Code
Quality report never fails a pipeline, so the exit code and the findings stay as they were. The
merge request widget shows only what changed against the target branch: a call added without
`terraform init` is shown on the merge request that adds it, where the reviewer needs to know its
module went unchecked, and an old one does not nag.
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
    issues += [_issue(result, d, "diagnostic", "blocker", seen) for d in result.diagnostics]
    issues += [_issue(result, d, "notice", "info", seen) for d in result.notices]
    return json.dumps(issues, indent=2) + "\n"


def _issue(result: Result, d, what: str, severity: str, seen: Counter) -> dict:
    """A diagnostic or a notice as a Code Quality issue, `mwaa-lint KIND: message`."""
    path = result.relpath(d.path) if d.path else "."  # GitLab needs a path; a run-wide problem gets the root
    base = hashlib.sha256("\0".join((what, d.kind, path, d.message)).encode()).hexdigest()
    seen[base] += 1
    return {
        "type": "issue",
        "description": f"mwaa-lint {d.kind}: {d.message}",
        "check_name": f"mwaa-lint {d.kind}",
        "categories": ["Bug Risk"],
        "fingerprint": hashlib.md5(f"{base}:{seen[base]}".encode()).hexdigest(),  # noqa: S324 - an id, not security
        "severity": severity,
        "location": {"path": path, "lines": {"begin": max(d.line, 1)}},
    }
