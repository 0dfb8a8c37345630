"""Terraform built-in functions the evaluator understands: `call_function(name, args, ...)`.

Each takes already-evaluated arguments. A function we do not know, or one whose inputs are
unknown where it matters, returns Unknown. `file()` reads inside the module (read only).

They follow Terraform 1.11's own (tests/test_fidelity_functions.py checks them against a table
`terraform console` made): numbers as Terraform computes and prints them (values.py), strings
measured in grapheme clusters (`length("e\u0301")` is 1) and in Unicode NFC as Terraform holds
them, collections converted to one element type where Terraform converts them (`tolist(["a", 1])`
is ["a", "1"], `sort([10, 9])` sorts the strings "10" and "9"), sets in Terraform's order. Where
Terraform would fail, or where we cannot promise its exact result, the call is Unknown.

The package: `kinds` (Terraform's types: one element type, sets, grapheme clusters), `containers`
(functions over collections that may hold unknowns), `known` (functions of fully known values),
`formatting` (format and formatlist), `files` (file, fileset and the other path functions,
through the file-system gate).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..values import Unknown, contains_unknown, plain
from .containers import LENIENT
from .files import MAX_READ_BYTES, PATH_FUNCTIONS, FileText, Here
from .kinds import ERRORS, unify
from .known import STRICT

__all__ = ["MAX_READ_BYTES", "FileText", "Here", "call_function", "unify"]


def call_function(name: str, args: list, module_dir: Path, where: Any = None) -> Any:
    """`name(*args)` as Terraform computes it, or Unknown; `module_dir` is where relative paths
    start, `where` the call's Location."""
    try:
        return _call(name, args, Here(module_dir, where))
    except ERRORS:
        return Unknown()  # Terraform would report an error; that is not our finding


def _call(name: str, args: list, here: Here) -> Any:
    if name in LENIENT:
        return LENIENT[name](*args)
    function = STRICT.get(name)
    if name in PATH_FUNCTIONS:
        if any(contains_unknown(a) for a in args):
            return Unknown()
        return PATH_FUNCTIONS[name](here, *[plain(a) for a in args])
    if function is None or any(contains_unknown(a) for a in args):
        return Unknown()
    return function(*[plain(a) for a in args])
