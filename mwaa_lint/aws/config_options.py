"""`airflow_configuration_options` of an environment, from `knowledge/airflow_config_options.json`:
each option with where its key was written and where its value came from, the keys MWAA does not
let you override, and which option names hold secrets."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from typing import Any, NamedTuple, Optional, Union

from .. import model as m
from ..knowledge import table
from ..provenance import direct_variable, origin_of
from ..values import LocatedStr, to_bool

_MAX_DEPTH = 32  # references followed (locals that refer to locals, module inputs); cycles stop here


@dataclass
class Option:
    key: str
    value: Any  # evaluated: str, bool, number, None, Unknown
    loc: m.Location  # where the key is written (the attribute itself when that cannot be told)
    written: Optional[str]  # `variables.tf:12` where the value was written; None: from outside the code or unknown
    value_loc: Optional[m.Location] = None  # the module caller's argument, when the value was passed in
    passed: str = ""  # `passed to module.mwaa`, or ""


@dataclass
class _Entry:
    key_loc: Optional[m.Location]
    ev: Any = None
    expr: Optional[m.Expr] = None  # the value's expression, in `ev`
    instance: Any = None
    written: Optional[str] = None
    from_input: bool = False  # the whole map came from a variable file, TF_VAR_ or --var


class Blocked(NamedTuple):
    """The keys MWAA does not let you override, each with the value it forces (or None), and
    the versions that list is for ("Airflow 3.x", "every Airflow version MWAA runs", or "")."""

    keys: dict[str, Optional[str]]
    versions: str


class _FromExpr(NamedTuple):
    """A variable's value is this expression (the caller's argument, or the default), read in `ev`."""

    ev: Any
    expr: m.Expr
    instance: Any


class _FromInput(NamedTuple):
    """A root variable set from outside the code: its value, and where (`terraform.tfvars:3`, TF_VAR_x, --var)."""

    value: Any
    source: str


def options(env) -> list:
    """The options of an environment whose keys are known; [] when the map itself is unknown."""
    attribute = env.attribute("airflow_configuration_options")
    if attribute is None:
        return []
    value = env.eval(attribute.expr)
    if not isinstance(value, dict):
        return []
    origin = origin_of(env.ev, attribute.expr, env.instance)
    fallback = origin.loc or attribute.loc
    entries = _entries(env.ev, attribute.expr, env.instance, 0)
    found = []
    for key, item in value.items():
        entry = entries.get(key)
        if entry is None:  # built in a way we do not follow (a for expression): the attribute answers
            found.append(Option(key, item, fallback, _written(env.ev, attribute.expr, env.instance, 0)))
            continue
        if entry.from_input:
            found.append(Option(key, item, entry.key_loc or fallback, entry.written))
            continue
        passed = origin_of(entry.ev, entry.expr, entry.instance)
        found.append(Option(
            key, item, entry.key_loc or fallback, _written(entry.ev, entry.expr, entry.instance, 0),
            passed.loc if passed.calls else None, passed.passed_to(),
        ))
    return found


def blocked_keys(version: Any) -> Blocked:
    """({key: value MWAA forces, or None}, "Airflow 3.x") for a known version; for an unknown or
    absent one only the keys blocked on every major version. ({}, "") for a major with no data."""
    rows = table("airflow_config_options")["blocked"]
    if isinstance(version, str) and version.strip():  # "" is absent: the provider sends no version
        row = rows.get(version.strip().split(".")[0])
        if row is None:
            return Blocked({}, "")
        return Blocked({k: row["forced"].get(k) for k in row["keys"]}, f"Airflow {version.strip().split('.')[0]}.x")
    common = set.intersection(*(set(row["keys"]) for row in rows.values()))
    forced = {k: v for row in rows.values() for k, v in row["forced"].items()}
    return Blocked({k: forced.get(k) for k in sorted(common)}, "every Airflow version MWAA runs")


def secret_names(name: str, option: bool) -> list:
    """The names from Airflow's masking list that `name` is made of, matched as whole words
    (`smtp_password` → password; `secrets_backend` → none). [] for a name that holds a path, or
    for an option (`option=True`) that holds a command or a secret's name (`smtp_password_secret`)."""
    data = table("airflow_config_options")
    words = [w for w in re.split(r"[._\-]", name.lower()) if w]
    if not words or words[-1] in data["not_secret_suffixes"]["suffixes"]:
        return []
    if option and len(words) > 1 and words[-1] in data["reference_suffixes"]["suffixes"]:
        return []
    candidates = data["sensitive_names"]["names"] + [row["name"] for row in data["extra_sensitive_names"]]
    found = []
    for candidate in candidates:
        parts = candidate.split("_")
        if any(words[i:i + len(parts)] == parts for i in range(len(words))):
            found.append(candidate)
    return found


def where(ev, loc: m.Location) -> str:
    """`modules/mwaa/main.tf:12`, relative to the root module, so it reads the same from any cwd."""
    root = ev.tree[0].module.directory.absolute()
    return f"{os.path.relpath(loc.path.absolute(), root)}:{loc.line}"


# -- following the syntax: where keys and values were written -------------------------------


def _entries(ev, expr: m.Expr, instance, depth: int) -> dict:
    """{key: _Entry} for a map expression, through merge(), locals, variables and module callers."""
    if depth > _MAX_DEPTH:
        return {}
    expr = _unwrap(expr)
    if isinstance(expr, m.ObjectExpr):
        out = {}
        for key_expr, value_expr in expr.items:
            key = ev.value(key_expr, instance)
            if isinstance(key, str):
                out[str(key)] = _Entry(key_expr.loc, ev, value_expr, instance)
        return out
    if isinstance(expr, m.Call) and expr.name in ("merge", "tomap"):
        out = {}
        for arg in expr.args:  # later maps win, as in merge()
            part = _entries(ev, arg, instance, depth + 1)
            value = ev.value(arg, instance)
            for key in value if isinstance(value, dict) else ():
                if key not in part:  # overridden by a map we cannot follow: its line is not known
                    out.pop(key, None)
            out.update(part)
        return out
    if isinstance(expr, m.Conditional):
        cond = to_bool(ev.value(expr.cond, instance))
        return _entries(ev, expr.true if cond else expr.false, instance, depth + 1) if isinstance(cond, bool) else {}
    local = _local(ev, expr)
    if local is not None:
        return _entries(ev, local.expr, None, depth + 1)
    if direct_variable(expr) is None:
        return {}
    followed = _follow(ev, expr, instance)
    if followed is None:
        return {}
    if isinstance(followed, _FromExpr):
        return _entries(followed.ev, followed.expr, followed.instance, depth + 1)
    value, source = followed
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, item in value.items():  # a map from a variable file: its values know their lines
        loc = item.loc if isinstance(item, LocatedStr) and item.loc is not None and not _outside(source) else None
        written = None if _outside(source) else (where(ev, loc) if loc else source)
        out[str(key)] = _Entry(loc, written=written, from_input=True)
    return out


def _written(ev, expr: m.Expr, instance, depth: int) -> Optional[str]:
    """Where a value was written in the configuration (`variables.tf:12`, `terraform.tfvars:3`);
    None when it, or an input it is built from, comes from TF_VAR_ / --var, or cannot be traced."""
    if depth > _MAX_DEPTH:
        return None
    expr = _unwrap(expr)
    local = _local(ev, expr)
    if local is not None:
        return _written(ev, local.expr, None, depth + 1)
    if direct_variable(expr) is not None:
        followed = _follow(ev, expr, instance)
        if followed is None:
            return None
        if isinstance(followed, _FromExpr):
            return _written(followed.ev, followed.expr, followed.instance, depth + 1)
        value, source = followed
        if _outside(source):
            return None
        return where(ev, value.loc) if isinstance(value, LocatedStr) and value.loc is not None else source
    # a literal, a template, a function call: written here, if every input it reads is written too
    inputs = _inputs(expr)
    if inputs is None or any(_written(ev, ref, instance, depth + 1) is None for ref in inputs):
        return None
    return where(ev, expr.loc)


def _follow(ev, expr: m.Expr, instance) -> Union[_FromExpr, _FromInput, None]:
    """`var.x` → the caller's argument or the default (_FromExpr), or the value of a root
    variable set from outside the code (_FromInput); None: unset."""
    origin = origin_of(ev, expr, instance)
    name = direct_variable(origin.expr)
    if name is None:
        return _FromExpr(origin.ev, origin.expr, origin.instance)
    module = origin.ev.module
    if origin.ev.caller is None and name in module.variable_values:
        return _FromInput(module.variable_values[name], module.variable_sources.get(name, ""))
    block = module.variable(name)
    default = block.attr("default") if block is not None else None
    return _FromExpr(origin.ev, default.expr, None) if default is not None else None


def _outside(source: str) -> bool:
    """Set on the command line or in the environment, not written in the repository."""
    return source.startswith("TF_VAR_") or source == "--var"


def _unwrap(expr: m.Expr) -> m.Expr:
    """`"${local.x}"` is `local.x`, as in Terraform."""
    if isinstance(expr, m.Template) and not expr.heredoc and len(expr.parts) == 1 and isinstance(expr.parts[0], m.Expr):
        return expr.parts[0]
    return expr


def _local(ev, expr: m.Expr) -> Optional[m.Attribute]:
    if isinstance(expr, m.GetAttr) and isinstance(expr.obj, m.Name) and expr.obj.name == "local":
        return ev.module.locals().get(expr.name)
    return None


def _inputs(expr: Any) -> Optional[list]:
    """The `var.*` and `local.*` an expression reads; None if it reads `each.*` (not traced)."""
    if isinstance(expr, m.GetAttr) and isinstance(expr.obj, m.Name) and expr.obj.name in ("var", "local"):
        return [expr]
    if isinstance(expr, m.Name):
        return None if expr.name == "each" else []
    children = []
    if isinstance(expr, m.Expr):
        children = [getattr(expr, f.name) for f in fields(expr) if f.name != "loc"]
    elif isinstance(expr, (list, tuple)):
        children = list(expr)
    found: list = []
    for child in children:
        if isinstance(child, (m.Expr, list, tuple)):
            more = _inputs(child)
            if more is None:
                return None
            found.extend(more)
    return found
