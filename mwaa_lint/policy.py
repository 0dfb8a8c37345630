"""Stage 3 of a run: one Result from the roots' outcomes. Findings are merged (a module called
twice has its problem once), inline suppressions and per-path ignores applied, severities
set by the configuration, credentials masked, the baseline split off, and the rest sorted."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .paths import real
from .result import Result, Stats
from .rule import Finding
from .run_options import RunOptions
from .suppress import finding_matches as matches
from .suppress import run_stage as suppress

_MODULE_PREFIX = re.compile(r'module\.[\w-]+(\[[^\]]*\])?\.')


def result(outcomes: list, diagnostics: list, stats: Stats, rules: list, options: RunOptions, root: Path) -> Result:
    """The run's Result from its roots' outcomes: merged, suppressed, baselined, sorted, and
    fit for every report (redact.py: no credentials from URLs, no undecodable characters)."""
    from . import redact

    findings: list = []
    files_checked = 0
    # files discovery could not read (a directory without Terraform is not a file left unchecked)
    not_checked: set = {real(d.path) for d in diagnostics if d.path and d.kind in ("parse-error", "read-error")}
    scanned: dict = {}  # resolved path → (its suppressions, reported on by some root?)
    notices: dict = {}  # (resolved path, line) → the notice: a module two roots call is one call
    environments = 0
    for outcome in outcomes:
        findings.extend(outcome.findings)
        environments += outcome.environments
        for notice in outcome.notices:
            notices.setdefault((real(notice.path), notice.line), notice)
        diagnostics.extend(d for d in outcome.diagnostics if d not in diagnostics)
        files_checked += outcome.checked
        not_checked |= outcome.not_checked
        for key, (suppressions, shown) in outcome.scanned.items():
            scanned[key] = (suppressions, shown or scanned.get(key, ((), False))[1])
    unique: dict = {}
    for finding in findings:  # a module called twice has the same problem once, in its code
        # the file by its resolved path: roots answered by the result cache loaded it by their own path
        key = (finding.rule_id, real(finding.path), finding.line, finding.column, _MODULE_PREFIX.sub("", finding.message))
        unique.setdefault(key, finding)
    kept, suppressed, judged = suppress(list(unique.values()), scanned, rules, options)
    diagnostics.extend(judged)  # what the suppression rules could not judge, and their crashes
    kept = [_with_policy(f, options) for f in kept if not any(matches(f, s) for s in options.path_ignores(f.path))]
    kept = [redact.finding(f) for f in kept]  # before the baseline, which keys on the message as reported
    baselined: list = []
    if options.baseline is not None:
        kept, baselined = options.baseline.split(kept)
    ordered = sorted(kept, key=Finding.sort_key)
    return Result(findings=ordered, diagnostics=[redact.diagnostic(d) for d in diagnostics], rules=list(rules), root=root,
                  files_checked=files_checked, files_not_checked=not_checked,
                  suppressed=len(suppressed), baselined=len(baselined), stats=stats,
                  notices=sorted(map(redact.diagnostic, notices.values()), key=lambda d: (str(d.path), d.line)),
                  environments=environments)


def _with_policy(finding: Finding, options: RunOptions) -> Finding:
    """The finding at the severity the configuration gives its rule."""
    severity = options.severity.get(finding.rule_id)
    return dataclasses.replace(finding, severity=severity) if severity else finding
