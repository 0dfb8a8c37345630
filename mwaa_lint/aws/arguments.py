"""Helpers for rules about one `aws_mwaa_environment` argument: where its value was written
(`written`), and what is wrong with a known `kms_key` (`bad_kms_key`, read against the
`environment_arguments` knowledge table)."""
from __future__ import annotations

import re
from typing import Optional

from ..listing import CONFIGURATION_SUFFIXES
from ..model import Location
from ..provenance import direct_variable
from ..values import LocatedStr, Ref, Unknown, to_bool


def written(value, origin, attribute, env) -> tuple[Location, str]:
    """(where to report, " (how the value got here)").

    A literal in a .tf file (a caller's argument, a variable default, a local, a for_each
    map) is reported where it is written; a value from a tfvars file or the environment at
    the argument that uses it, naming where it came from (findings stay in Terraform code)."""
    loc = argument = origin.loc or attribute.loc
    notes = []
    at = value.loc if isinstance(value, LocatedStr) else None
    name = direct_variable(origin.expr)
    sources = origin.ev.module.variable_sources
    if at is not None and at.path.name.endswith(CONFIGURATION_SUFFIXES):
        if not _within(at, argument):
            loc = at
    elif at is not None:
        notes.append(f"set in {at.path.name}:{at.line}")
    elif name is not None and origin.ev.caller is None and name in sources:
        notes.append(f"var.{name}, set by {sources[name]}")
    if origin.calls:
        notes.insert(0, f"{origin.passed_to()} for {env.address}")
    elif loc is not argument or env.instance.key is not None or env.ev.caller is not None:
        notes.insert(0, f"for {env.address}")  # the line does not say which environment
    return loc, f" ({'; '.join(notes)})" if notes else ""


def _within(inner, outer) -> bool:
    return inner.path == outer.path and outer.line <= inner.line <= outer.end_line


def bad_kms_key(value, kms: dict, here) -> Optional[tuple[str, str, str, str]]:
    """(how to show it, form or "", problem, expected) for a `kms_key` MWAA cannot take.

    None when the key is fine, unknown, or not set at all (null or "": an AWS owned key).
    `kms` is the table's `kms_key` entry; `here` is the Evaluator of the module where the
    value was written, so a suggested `aws_kms_key.x.arn` is one that module can write."""
    if value is None or value == "":
        return None
    forms = {row["form"]: row for row in kms["forms"]}
    if isinstance(value, str) and not isinstance(value, Unknown):
        row = next((r for r in kms["forms"] if re.fullmatch(r["pattern"], value)), None)
        if row is None:
            return f'"{value}"', "", kms["other_problem"], kms["expected"]
        return None if row["supported"] else (f'"{value}"', row["form"], row["problem"], kms["expected"])
    if not isinstance(value, Ref):
        return None  # unknown, a partial string, a list: nothing known to judge
    # A reference's form is known even though its value is not: aws_kms_key.x.id is a key id.
    block = value.instance.block
    kind = ("data." if block.type == "data" else "") + block.labels[0]
    form = kms["references"].get(kind, {}).get(value.attr)
    if form is None:
        return None
    if kind in kms["multi_region_resources"] and not form.startswith("multi-region"):
        multi = value.instance.ev.attr(value.instance, kms["multi_region_argument"])
        if to_bool(multi) is True:
            form = f"multi-region {form}"
    row = forms[form]
    if row["supported"]:
        return None
    arn = kms["arn_attribute"].get(kind)
    if form.startswith("multi-region"):
        expected = "the ARN of a single-Region key"
    elif arn and value.instance.ev is here:
        expected = f"{value.instance.address}.{arn}"
    elif arn:  # a resource inside another module: name it, the caller cannot write its address
        expected = f"the key ARN ({arn} of {value.instance.address})"
    else:
        expected = kms["expected"]
    problem = row.get("reference_problem", row["problem"])
    return value.origin, form, problem, expected
