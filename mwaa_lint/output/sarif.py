"""SARIF 2.1.0 in the shape GitHub code scanning ingests.

GitHub needs: every result's ruleId in tool.driver.rules, relative URIs under a uriBaseId,
1-based regions, `security-severity` as a string, and the tag "security" on rules whose
alerts should count as security alerts.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..result import Result
from ..rule import Finding, Rule, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mwaa-lint/mwaa-lint"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
DEFAULT_SECURITY_SEVERITY = {Severity.ERROR: 7.5, Severity.WARNING: 5.0, Severity.INFO: 2.0}
FAMILY = {
    "1": "network",
    "2": "iam",
    "3": "dependencies",
    "4": "logging",
    "5": "capacity",
    "6": "storage",
    "7": "configuration",
}
SECURITY_FAMILIES = {"network", "iam", "storage"}


def render(result: Result, color: bool = False) -> str:
    rules = [_rule(r) for r in result.rules]
    index = {r["id"]: i for i, r in enumerate(rules)}
    for f in result.findings:
        # GitHub rejects a result whose rule is not described; describe it from the finding.
        if f.rule_id not in index:
            index[f.rule_id] = len(rules)
            rules.append(_rule_from_finding(f))

    seen: Counter = Counter()
    results = []
    for f in result.findings:
        key = _fingerprint(f, result.relpath(f.path))
        seen[key] += 1
        entry = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_location(result, f.path, f.line, f.column, f.end_line, f.end_column)],
            # Not line-based, so an alert survives edits above it; the count keeps twins apart.
            "partialFingerprints": {"mwaaLintFingerprint/v1": f"{key}:{seen[key]}"},
        }
        if f.related:
            entry["relatedLocations"] = [
                {**_location(result, loc.path, loc.line, loc.column, loc.end_line, loc.end_column), "id": i,
                 "message": {"text": why}}
                for i, (loc, why) in enumerate(f.related)
            ]
        if f.address:
            entry["properties"] = {"address": f.address}
        if f.fix is not None:
            entry["fixes"] = [_fix(result, f.fix)]
        results.append(entry)

    notifications = []
    for d in result.diagnostics:
        note: dict[str, Any] = {"level": "error", "message": {"text": d.message}, "descriptor": {"id": d.kind}}
        if d.path:
            note["locations"] = [_location(result, d.path, d.line, d.column)]
        notifications.append(note)
    for d in result.notices:  # a module call not followed: the run is complete, its view is not
        notifications.append({"level": "note", "message": {"text": d.message}, "descriptor": {"id": d.kind},
                              "locations": [_location(result, d.path, d.line, d.column)]})

    run = {
        "tool": {
            "driver": {
                "name": "mwaa-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [
            {"executionSuccessful": not result.diagnostics, "toolExecutionNotifications": notifications}
        ],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(result.root)}},
        # Our columns count characters, not UTF-16 code units (SARIF's default).
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"


def _rule(rule: type[Rule]) -> dict:
    # Families are ours; a third-party pack's numbering means nothing to us.
    family = FAMILY.get(rule.id[-3:-2], "other") if rule.id.startswith("MWAA") else "other"
    security = rule.security_severity is not None or family in SECURITY_FAMILIES
    score = rule.security_severity
    if score is None:
        score = DEFAULT_SECURITY_SEVERITY[rule.severity]
    doc = rule.doc()
    return {
        "id": rule.id,
        "name": _pascal(rule.slug),
        "shortDescription": {"text": rule.summary() if doc else rule.slug},
        "fullDescription": {"text": rule.section("What it does") or (rule.summary() if doc else rule.slug)},
        "help": {"text": doc or rule.slug, "markdown": doc or rule.slug},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": (["security"] if security else []) + [family, "terraform", "mwaa"],
            "security-severity": f"{float(score):.1f}",
            "precision": "high",
        },
    }


def _rule_from_finding(f: Finding) -> dict:
    return {
        "id": f.rule_id,
        "name": _pascal(f.slug),
        "shortDescription": {"text": f.slug or f.rule_id},
        "defaultConfiguration": {"level": LEVEL[f.severity]},
        "properties": {
            "tags": ["terraform", "mwaa"],
            "security-severity": f"{DEFAULT_SECURITY_SEVERITY[f.severity]:.1f}",
            "precision": "high",
        },
    }


def _pascal(slug: str) -> str:
    return "".join(part.capitalize() for part in slug.split("-")) or slug


def _fix(result: Result, fix) -> dict:
    """A SARIF fix: per file, its replacements (an insertion deletes an empty region)."""
    changes: dict = {}
    for e in fix.edits:
        region = {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column}
        changes.setdefault(str(e.path), (e.path, []))[1].append(
            {"deletedRegion": region, "insertedContent": {"text": e.replacement}})
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": _artifact(result, path), "replacements": replacements}
                            for path, replacements in changes.values()],
    }


def _fingerprint(f: Finding, path: str) -> str:
    text = "\0".join((f.rule_id, path, f.address, f.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _location(result: Result, path, line: int, column: int, end_line: int = 0, end_column: int = 0) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": _artifact(result, path)}}
    if line >= 1:
        region = {"startLine": line, "startColumn": max(column, 1)}
        if end_line >= line and end_column >= 1 and (end_line, end_column) >= (line, region["startColumn"]):
            region["endLine"] = end_line
            region["endColumn"] = end_column
        location["physicalLocation"]["region"] = region
    return location


def _artifact(result: Result, path) -> dict:
    relative = Path(os.path.relpath(Path(path).resolve(), Path(result.root).resolve())).as_posix()
    if relative == ".." or relative.startswith("../"):
        # Outside the source root: GitHub cannot map it, but other viewers can open it.
        return {"uri": Path(path).resolve().as_uri()}
    # A URI names the file's bytes (RFC 3986): one that is not UTF-8 becomes %FF, like any other.
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": "%SRCROOT%"}


def _root_uri(root: Path) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"
