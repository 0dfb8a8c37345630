"""Input variable values in Terraform's precedence order (later wins):
TF_VAR_* environment variables, terraform.tfvars, terraform.tfvars.json, *.auto.tfvars
(by name), then --var-file and --var as given on the command line."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import model as m
from .diagnostic import Diagnostic, InputError
from .evaluate import Evaluator
from .source import read_text


def variable_values(
    files: list,
    var_files: list,
    cli_vars: list,
    environ: Mapping,
    declared: dict,
) -> tuple[dict[str, Any], dict[str, str], list[Diagnostic]]:
    """Returns ({name: value}, {name: where it was set}, [Diagnostic]).

    `declared` maps variable names to their blocks; "where" reads like `terraform.tfvars:3`,
    `--var` or `TF_VAR_name`, for messages.
    """
    values: dict = {}
    sources: dict = {}
    diagnostics: list = []
    for key, raw in environ.items():
        if key.startswith("TF_VAR_") and key[7:] in declared:
            values[key[7:]] = _from_text(raw, declared[key[7:]])
            sources[key[7:]] = key
    for path in [*files, *var_files]:
        try:
            for name, (value, where) in _read_var_file(Path(path)).items():
                values[name], sources[name] = value, where
        except InputError as exc:
            diagnostics.append(exc.diagnostic)
    for assignment in cli_vars:
        name, _, raw = assignment.partition("=")
        values[name.strip()] = _from_text(raw, declared.get(name.strip()))
        sources[name.strip()] = "--var"
    return values, sources, diagnostics


def _read_var_file(path: Path) -> dict:
    """{name: (value, where)} from a .tfvars or .tfvars.json file."""
    text = read_text(path)
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            message = f"Invalid JSON: {getattr(exc, 'msg', exc)}"
            raise InputError(Diagnostic(path, getattr(exc, "lineno", 1), getattr(exc, "colno", 1), message)) from None
        return {name: (value, path.name) for name, value in data.items()} if isinstance(data, dict) else {}
    from .parse import parse_hcl  # only when there are variable files: python-hcl2 is slow to import

    parsed = parse_hcl(text, path)
    ev = Evaluator(m.Module(path.parent, []))
    return {
        name: (ev.value(attribute.expr), f"{path.name}:{attribute.loc.line}")
        for name, attribute in parsed.attributes.items()
    }


def _from_text(raw: str, variable: Any) -> Any:
    """`--var`/TF_VAR_ values are strings unless the variable's type says otherwise."""
    type_attr = variable.attr("type") if isinstance(variable, m.Block) else None
    if type_attr is None or (isinstance(type_attr.expr, m.Name) and type_attr.expr.name == "string"):
        return raw
    try:
        from .parse import parse_expression

        expr = parse_expression(raw, Path("<command line>"), 1, 1)
    except InputError:
        return raw
    return Evaluator(m.Module(Path("."), [])).value(expr)
