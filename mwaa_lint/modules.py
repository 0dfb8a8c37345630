"""Module calls: `module "mwaa" { source = "./modules/mwaa" }` becomes a child Evaluator
whose variables are the caller's arguments, so rules see every environment in the tree.

Remote sources (registry, git, HTTP, S3) are never fetched. After `terraform init` they are
followed from the directory the root's `.terraform/modules/modules.json` records for them
(manifest.py), when the entry still matches the call's source and version; otherwise their
outputs stay Unknown, and the call is kept in `Evaluator.unfollowed` with the reason, which
`notices()` turns into one notice per call (never a finding).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Optional

from . import model as m
from .diagnostic import MODULE_SOURCE, Diagnostic, InputError
from .evaluate import Evaluator
from .manifest import Manifest, registry_address, same_source, satisfies
from .observations import note
from .paths import local_module_source, real
from .project import current as current_project
from .values import Unknown

# Nested module calls followed before we stop. Terraform has no limit of its own; real
# configurations nest a handful of levels, and each level is one Evaluator in memory, so 64
# follows any real chain while a generated one still ends.
MAX_DEPTH = 64


def is_local_source(source: object) -> bool:
    return local_module_source(source) is not None


def load_calls(ev: Evaluator, load_module: Callable[[Path], m.Module], depth: int = 0,
               manifest: Optional[Manifest] = None, key: str = "") -> list:
    """Create child Evaluators for every module call under `ev` that can be followed: local
    ones, and remote ones the root's manifest has downloaded (`key` is `ev`'s module key in
    it, "" for the root); returns diagnostics."""
    diagnostics: list = []
    for block in ev.module.blocks("module"):
        if not block.labels:
            continue
        name = block.labels[0]
        call_key = f"{key}.{name}" if key else name
        source_attr = block.attr("source")
        source = ev.value(source_attr.expr) if source_attr is not None else None
        directory = _directory(ev, source)
        if directory is None and source_attr is not None:
            directory, why = _downloaded(ev, block, source, manifest, call_key)
            if why is not None:
                ev.unfollowed[name] = why
        calls = []
        for call in ev.instances(block):
            child = None
            if directory is not None and source_attr is not None and not isinstance(call.key, Unknown):
                child, problems = _child(ev, call, directory, load_module, depth, source_attr.loc, manifest, call_key)
                diagnostics.extend(problems)
            calls.append((call, child))
        ev.calls[name] = calls
    return diagnostics


class Unfollowed(NamedTuple):
    """A module call whose module was not read, and why (for its notice)."""

    source: str  # as written, or "?" when it is no literal string
    reason: str  # after "was not followed: "
    advice: str  # what to do
    where: Optional[m.Location] = None  # where Terraform would point (the `source` line of a stale one); None: the block


_INIT = "run `terraform init` (`-backend=false` will do), or scan a plan"
_MANIFEST = ".terraform/modules/modules.json"


def _downloaded(ev: Evaluator, block: m.Block, source: object, manifest: Optional[Manifest],
                key: str) -> tuple[Optional[Path], Optional[Unfollowed]]:
    """(the directory `terraform init` put the module of a remote call in, None; or None and
    why it is not followed). Nothing is read from a download that no longer matches the call,
    as `terraform validate` refuses it (its messages are the model for these)."""
    source_attr = block.attr("source")
    where = source_attr.loc if source_attr is not None else None
    if not isinstance(source, str):
        return None, Unfollowed("?", "its source is not a literal string, as Terraform requires",
                                "write the source as a literal", where)
    version_attr = block.attr("version")
    version = ev.value(version_attr.expr) if version_attr is not None else None
    if manifest is None:
        return None, Unfollowed(source, f"it is not installed (no {_MANIFEST})", _INIT)
    if manifest.refused_whole or key in manifest.refused:
        return None, Unfollowed(source, f"{_MANIFEST} was refused for it (see the error about it)", _INIT)
    entry = manifest.entries.get(key)
    if entry is None:
        return None, Unfollowed(source, f"it is not installed ({_MANIFEST} has no entry for it)", _INIT)
    if not same_source(source, entry.source):
        return None, Unfollowed(source, f"its source address was changed since it was installed ({_MANIFEST} "
                                        f"records {entry.source}); nothing is read from the stale download", _INIT, where)
    if registry_address(source) is not None and version is not None:
        if not isinstance(version, str):
            return None, Unfollowed(source, "its version is not a literal string, as Terraform requires",
                                    "write the version as a literal", where)
        if entry.version is None or not satisfies(entry.version, version):
            return None, Unfollowed(source, "its version requirements have changed since it was installed, and the "
                                            f"installed version ({entry.version}) is no longer acceptable; nothing is "
                                            "read from the stale download", _INIT, where)
    note("directory", entry.directory)
    if not entry.directory.is_dir():  # noted
        return None, Unfollowed(source, f"the directory {entry.dir} that {_MANIFEST} records for it is missing", _INIT)
    return entry.directory, None


def notices(ev: Evaluator) -> list[Diagnostic]:
    """One notice per module call of the tree that was not followed, when it may matter (README:
    "Modules mwaa-lint did not read"): in a tree with no aws_mwaa_environment, every such call
    (the environment may be in any of them), as long as one of them looks like MWAA; in a tree
    with one, the calls that look like MWAA (another environment) and those whose outputs the
    tree uses other than in tags (values the rules could not see). A tagging module, or a VPC
    stack with nothing of MWAA in it, gets none."""
    unfollowed = [(each, block, each.unfollowed[block.labels[0]]) for each in ev.tree
                  for block in each.module.blocks("module") if block.labels and block.labels[0] in each.unfollowed
                  and each.calls.get(block.labels[0])]  # `count = 0`: the call creates nothing
    if not unfollowed:
        return []
    has_environment = any(b.labels[:1] == ["aws_mwaa_environment"] for each in ev.tree for b in each.module.blocks("resource"))
    looks = [_looks_like_mwaa(block, why) for _, block, why in unfollowed]
    if not has_environment and not any(looks):
        return []
    found: dict = {}
    for (each, block, why), mwaa in zip(unfollowed, looks):
        if has_environment and not mwaa and not _outputs_used(each.module, block.labels[0]):
            continue
        address = f"{each.prefix}module.{block.labels[0]}"
        message = f"{address} ({why.source}) was not followed: {why.reason}; {why.advice}"
        loc = why.where or block.loc
        found.setdefault((loc.path, loc.line), Diagnostic(loc.path, loc.line, loc.column, message, kind="module-not-followed"))
    return list(found.values())


_MWAA_WORDS = re.compile(r"mwaa|airflow|dag_s3_path|webserver_access_mode", re.IGNORECASE)
_NOT_USES = ("tags", "tags_all")


def _looks_like_mwaa(block: m.Block, why: Unfollowed) -> bool:
    """Does the call name MWAA: in its name, its source or its arguments' names?"""
    return any(_MWAA_WORDS.search(text) for text in (block.labels[0], why.source, *block.attributes))


def _outputs_used(module: m.Module, name: str) -> bool:
    """Does an expression of `module` read `module.<name>`, other than in tags or an output?"""
    from .references import _names, _nodes

    def expressions(block: m.Block):
        for attribute_name, attribute in block.attributes.items():
            if attribute_name not in _NOT_USES:
                yield attribute.expr
        for child in block.blocks:
            if child.type not in _NOT_USES:
                yield from expressions(child)

    for block in (b for file in module.files for b in file.blocks if b.type != "output"):
        for expr in expressions(block):
            if any(_names(node)[:2] == ["module", name] for node in _nodes(expr)):
                return True
    return False


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
    local = local_module_source(source)
    return None if local is None else Path(ev.module.directory, local)


def _child(ev, call, directory: Path, load_module, depth: int, where: m.Location, manifest: Optional[Manifest] = None,
           key: str = "") -> tuple[Optional[Evaluator], list[Diagnostic]]:
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
        message = f"{MODULE_SOURCE} {directory} {outside.replace('not read', 'not followed')}"
        return None, [Diagnostic(where.path, where.line, where.column, message, kind="read-error")]
    note("directory", directory)
    if not directory.is_dir():  # noted
        message = f"{MODULE_SOURCE} {directory} is not a directory"
        return None, [Diagnostic(where.path, where.line, where.column, message, kind="read-error")]
    try:
        module = load_module(directory)
    except InputError as exc:
        return None, list(exc.diagnostics)
    child = Evaluator(module, caller=call, tree=ev.tree)
    return child, load_calls(child, load_module, depth + 1, manifest, key)


def _in_call_stack(ev: Evaluator, directory: Path) -> bool:
    target = real(directory)
    current: Optional[Evaluator] = ev
    while current is not None:
        if real(current.module.directory) == target:
            return True
        current = current.caller.ev if current.caller is not None else None
    return False
