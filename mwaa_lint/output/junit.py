"""JUnit XML, for CI systems that show test reports (Jenkins, Azure DevOps, GitLab tests).

One test case per finding (a failure) and per diagnostic (an error); a run without either is
one passing test case, `N files checked`, so the report is never empty.

A module call that was not followed (a notice: its code was not checked) is a skipped test case,
a check that did not run, which is what it is. CI test reports list skipped cases apart and do
not fail on them: GitLab's parser gives a `<skipped>` case the status skipped and shows the
element's text as its output (lib/gitlab/ci/parsers/test/junit.rb); Jenkins' JUnit plugin shows
the `message` attribute. Both carry the notice's sentence.
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
    for d in result.notices:
        where = result.relpath(d.path) if d.path else "mwaa-lint"
        located = f"{where}:{d.line}:{d.column}" if d.line else where
        case = ET.SubElement(suite, "testcase", classname=f"mwaa-lint.{d.kind}", name=located)
        if d.path and d.line:
            case.set("file", where)
            case.set("line", str(d.line))
        skipped = ET.SubElement(case, "skipped", message=_xml_safe(d.message))
        skipped.text = _xml_safe(f"{located}: {d.message}")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(result.findings)))
    suite.set("errors", str(len(result.diagnostics)))
    suite.set("skipped", str(len(result.notices)))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else "\ufffd" for ch in str(text))
