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
from .source import decode, read_data, read_text


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
    """{name: (value, where)} from a .tfvars or .tfvars.json file. An HCL one is parsed through
    the parse cache (cache.py), its diagnostics too: a warm run builds no parser for it."""
    if path.name.endswith(".json"):
        text = read_text(path)
        try:
            document = json.loads(text)
        except ValueError as exc:
            message = f"Invalid JSON: {getattr(exc, 'msg', exc)}"
            raise InputError(Diagnostic(path, getattr(exc, "lineno", 1), getattr(exc, "colno", 1), message)) from None
        return {name: (value, path.name) for name, value in document.items()} if isinstance(document, dict) else {}
    from .cache import current

    data = read_data(path)
    parsed = current().parsed_file(path, data, lambda: _parse_hcl(decode(data, path), path))
    ev = Evaluator(m.Module(path.parent, []))
    return {
        name: (ev.value(attribute.expr), f"{path.name}:{attribute.loc.line}")
        for name, attribute in parsed.attributes.items()
    }


def _parse_hcl(text: str, path: Path) -> m.File:
    from .parse import parse_hcl  # only when a variables file is parsed: python-hcl2 is slow to import

    return parse_hcl(text, path)


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


def nullable(block: m.Block, ev: Any) -> bool:
    """Does the variable accept null (`nullable = false` says no: null then means its default)?"""
    attribute = block.attr("nullable")
    return attribute is None or ev.value(attribute.expr) is not False


def with_optional_defaults(ev: Any, value: Any, type_expr: m.Expr) -> Any:
    """`value` with the defaults of `optional(type, default)` attributes of its type constraint
    filled in where the attribute is omitted or null, in nested objects, lists, sets, maps and
    tuples too (as Terraform converts a variable's value, its default included)."""
    if not _has_optional(type_expr):
        return value
    return _fill(ev, ev.materialize(value), type_expr)


def _has_optional(expr: m.Expr) -> bool:
    if isinstance(expr, m.Call):
        return expr.name == "optional" or any(_has_optional(a) for a in expr.args)
    if isinstance(expr, m.ObjectExpr):
        return any(_has_optional(v) for _, v in expr.items)
    if isinstance(expr, m.TupleExpr):
        return any(_has_optional(i) for i in expr.items)
    return False


def _fill(ev: Any, value: Any, type_expr: m.Expr) -> Any:
    if value is None or not isinstance(type_expr, m.Call) or len(type_expr.args) != 1:
        return value
    kind, inner = type_expr.name, type_expr.args[0]
    if kind == "object" and isinstance(inner, m.ObjectExpr) and isinstance(value, dict):
        out = dict(value)
        for key_expr, attribute_type in inner.items:
            key = ev.value(key_expr)
            if not isinstance(key, str):
                continue
            optional = isinstance(attribute_type, m.Call) and attribute_type.name == "optional" and attribute_type.args
            if not optional:
                if key in out:
                    out[str(key)] = _fill(ev, out[key], attribute_type)
                continue
            given = out.get(key)
            if given is None and len(attribute_type.args) > 1:
                given = ev.value(attribute_type.args[1])
            out[str(key)] = _fill(ev, given, attribute_type.args[0])
        return out
    if kind in ("list", "set") and isinstance(value, list):
        return [_fill(ev, item, inner) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _fill(ev, item, inner) for key, item in value.items()}
    if kind == "tuple" and isinstance(inner, m.TupleExpr) and isinstance(value, list) and len(value) == len(inner.items):
        return [_fill(ev, item, item_type) for item, item_type in zip(value, inner.items)]
    return value
