"""Local module calls: `module "mwaa" { source = "./modules/mwaa" }` becomes a child Evaluator
whose variables are the caller's arguments, so rules see every environment in the tree.

Remote sources (registry, git, S3) are never fetched: their outputs stay Unknown.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Optional

from . import model as m
from .diagnostic import Diagnostic, InputError
from .evaluate import Evaluator
from .observations import note
from .paths import real
from .project import current as current_project
from .values import Unknown

# Nested module calls followed before we stop. Terraform has no limit of its own; real
# configurations nest a handful of levels, and each level is one Evaluator in memory, so 64
# follows any real chain while a generated one still ends.
MAX_DEPTH = 64


def is_local_source(source: object) -> bool:
    return isinstance(source, str) and source.startswith(("./", "../"))


def load_calls(ev: Evaluator, load_module: Callable[[Path], m.Module], depth: int = 0) -> list:
    """Create child Evaluators for every local module call under `ev`; returns diagnostics."""
    diagnostics: list = []
    for block in ev.module.blocks("module"):
        if not block.labels:
            continue
        source_attr = block.attr("source")
        source = ev.value(source_attr.expr) if source_attr is not None else None
        directory = _directory(ev, source)
        calls = []
        for call in ev.instances(block):
            child = None
            if directory is not None and source_attr is not None and not isinstance(call.key, Unknown):
                child, problems = _child(ev, call, directory, load_module, depth, source_attr.loc)
                diagnostics.extend(problems)
            calls.append((call, child))
        ev.calls[block.labels[0]] = calls
    return diagnostics


def called_directories(ev: Evaluator) -> set:
    """Resolved directories of every module instance below the root of `ev`'s tree, and of
    every local module a module of the tree calls with no instance (`count = 0`,
    `for_each = {}`): such a call yields nothing, and its directory is no root of its own."""
    found = {real(child.module.directory) for child in ev.tree[1:]}
    for each in ev.tree:
        for block in each.module.blocks("module"):
            if not block.labels or each.calls.get(block.labels[0]) != []:
                continue
            source_attr = block.attr("source")
            directory = _directory(each, each.value(source_attr.expr)) if source_attr is not None else None
            if directory is not None:
                found.add(real(directory))
    return found


def _directory(ev: Evaluator, source: object) -> Optional[Path]:
    if not is_local_source(source):
        return None
    return Path(ev.module.directory, str(source))


def _child(ev, call, directory: Path, load_module, depth: int, where: m.Location) -> tuple[Optional[Evaluator], list[Diagnostic]]:
    """(the Evaluator of the module called, or None when it is not followed; the diagnostics of the call and below)"""
    if _in_call_stack(ev, directory):
        message = f"{call.address} calls a module that is already being evaluated (a cycle); not followed"
        return None, [Diagnostic(where.path, where.line, where.column, message, kind="usage")]
    if depth >= MAX_DEPTH:
        message = f"{call.address} is nested more than {MAX_DEPTH} module calls deep; its module is not followed"
        return None, [Diagnostic(where.path, where.line, where.column, message, kind="usage")]
    note("real", directory)  # where links lead decides whether it is inside
    outside = current_project().outside(directory)
    if outside is not None:  # the gate (project.py): a module that climbs out of the project is not read
        message = f"module source {directory} {outside.replace('not read', 'not followed')}"
        return None, [Diagnostic(where.path, where.line, where.column, message, kind="read-error")]
    note("directory", directory)
    if not directory.is_dir():  # noted
        message = f"module source {directory} is not a directory"
        return None, [Diagnostic(where.path, where.line, where.column, message, kind="read-error")]
    try:
        module = load_module(directory)
    except InputError as exc:
        return None, list(exc.diagnostics)
    child = Evaluator(module, caller=call, tree=ev.tree)
    return child, load_calls(child, load_module, depth + 1)


def _in_call_stack(ev: Evaluator, directory: Path) -> bool:
    target = real(directory)
    current: Optional[Evaluator] = ev
    while current is not None:
        if real(current.module.directory) == target:
            return True
        current = current.caller.ev if current.caller is not None else None
    return False
