"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=T::message`. Values are escaped as
the runner expects: `%`, CR and LF everywhere, and also `:` and `,` in properties.

A problem with the run (a diagnostic) is an `::error`; a module call that was not followed (a
notice) is a `::notice` at the `module` line, titled `mwaa-lint module-not-followed`: it shows on
the pull request without failing anything.
"""
from __future__ import annotations

from ..result import Result
from ..rule import Severity

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(result: Result, color: bool = False) -> str:
    lines = []
    for f in result.findings:
        props = {
            "file": result.relpath(f.path),
            "line": f.line,
            "col": f.column,
            "endLine": f.end_line,
            "endColumn": f.end_column,
            "title": f"{f.rule_id} {f.slug}",
        }
        lines.append(f"::{COMMAND[f.severity]} {_properties(props)}::{escape_data(f.message)}")
    for d in result.diagnostics:
        lines.append(f"::error {_properties(_located(result, d))}::{escape_data(d.message)}")
    for d in result.notices:
        lines.append(f"::notice {_properties(_located(result, d))}::{escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


def _located(result: Result, d) -> dict:
    """The properties of a diagnostic or a notice: its file and position when it has them."""
    props: dict = {"file": result.relpath(d.path)} if d.path else {}
    if d.path and d.line:
        props.update(line=d.line, col=d.column)
    props["title"] = f"mwaa-lint {d.kind}"
    return props


def escape_data(text: str) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(props: dict) -> str:
    return ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
