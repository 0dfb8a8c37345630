"""JUnit XML, for CI systems that show test reports (Jenkins, Azure DevOps, GitLab tests).

One test case per finding (a failure) and per diagnostic (an error); a clean run is one
passing test case, so the report is never empty.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..result import Result


def render(result: Result, color: bool = False) -> str:
    suite = ET.Element("testsuite", name="mwaa-lint")
    for f in result.findings:
        where = f"{result.relpath(f.path)}:{f.line}:{f.column}"
        case = ET.SubElement(suite, "testcase", classname=f"{f.rule_id}.{f.slug}", name=where, file=result.relpath(f.path),
                             line=str(f.line))
        failure = ET.SubElement(case, "failure", type=str(f.severity), message=_xml_safe(f.message))
        failure.text = _xml_safe(f"{where}: {f.rule_id} [{f.severity}] {f.message}" + (f" ({f.address})" if f.address else ""))
    for d in result.diagnostics:
        where = result.relpath(d.path) if d.path else "mwaa-lint"
        case = ET.SubElement(suite, "testcase", classname=f"mwaa-lint.{d.kind}", name=where)
        error = ET.SubElement(case, "error", type=d.kind, message=_xml_safe(d.message))
        error.text = _xml_safe(f"{where}:{d.line}:{d.column}: {d.message}" if d.line else f"{where}: {d.message}")
    if not len(suite):
        ET.SubElement(suite, "testcase", classname="mwaa-lint", name=f"{result.files_checked} files checked")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(result.findings)))
    suite.set("errors", str(len(result.diagnostics)))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else "\ufffd" for ch in str(text))
