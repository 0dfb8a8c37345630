"""Terraform plan JSON (`terraform show -json PLAN`): recognising it, and reading what the rules use.

A plan is recognised by its content, not its name: a JSON object with `format_version` and
`planned_values`. It is as untrusted as every other file of a pull request: it is read through
the project's gate (inside the project, a regular file, at most PLAN_MAX_BYTES), parsed by the
bounded reader of `.tf.json` (json_reader.py: nesting depth and number of values limited, no
recursion on the input), and nothing in it is executed or followed (no module source, no path).

What is kept:
- `variables`: the root module's input values as Terraform resolved them, except the variables
  the configuration marks `sensitive` (their values are in the plan in plain text; they are
  never kept, so nothing can print them);
- `resource_changes`: each resource's actions, the `before`/`after` values, which `after`
  values are unknown until apply (`after_unknown`) or sensitive (`before_sensitive`,
  `after_sensitive`), `replace_paths`, and where the entry starts in the plan file (a finding
  with no configuration beside the plan is reported there).

The configuration the plan was made from (its `.tf` files, when they are in the plan's
directory) is checked by the normal pipeline with these variable values (engine.py). Without
it, the plan itself is made the module every rule checks (plan_model.py, from `document`).
The plan-only rules read the changes (api/plan.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from .diagnostic import Diagnostic, InputError
from .listing import CONFIGURATION_SUFFIXES
from .project import current as current_project
from .source import decode

if TYPE_CHECKING:
    from .json_reader import JsonReader, JsonValue
    from .model import Location

# `terraform show -json` of a large root runs to megabytes (every attribute of every resource,
# before and after); generous, but bounded like every other read.
PLAN_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Change:
    """One entry of the plan's `resource_changes`."""

    address: str  # `module.mwaa.aws_mwaa_environment.this["prod"]`
    type: str
    actions: tuple  # ("create",), ("update",), ("delete", "create"), ...
    before: Any  # the attribute values before (None for a create)
    after: Any  # after, where known
    after_unknown: Any  # True, or a structure of True where a value is known only after apply
    before_sensitive: Any
    after_sensitive: Any
    replace_paths: tuple  # tuples of steps (names and indexes): the arguments that force replacement
    loc: Location  # where the entry starts in the plan file

    @property
    def replaced(self) -> bool:
        """Is the resource deleted and created again (in either order)?"""
        return set(self.actions) == {"delete", "create"}


@dataclass
class Plan:
    path: Path
    variables: dict = field(default_factory=dict)  # name → value (sensitive ones left out)
    sensitive_variables: frozenset = frozenset()
    changes: list = field(default_factory=list)  # Change, in the plan's order
    # the whole document with positions, for checking the plan without its configuration
    # (plan_model.py); its reader gives the positions' lines and columns
    document: Optional[JsonValue] = field(default=None, repr=False, compare=False)
    reader: Optional[JsonReader] = field(default=None, repr=False, compare=False)

    @property
    def directory(self) -> Path:
        return self.path.parent


def might_be_plan(path: Path) -> bool:
    """A `.json` file that is neither Terraform configuration nor a variables file."""
    name = path.name
    return name.endswith(".json") and not name.endswith(CONFIGURATION_SUFFIXES) and not name.endswith(".tfvars.json")


def read_plan(path: Path) -> Optional[Plan]:
    """The plan in the file at `path`; None when the file is JSON but not a plan. InputError
    when it cannot be read (the gate refused it, it does not exist) or is not JSON."""
    try:
        data = current_project().read_bytes(path, limit=PLAN_MAX_BYTES)
    except OSError as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
        raise InputError(Diagnostic(path, 0, 0, reason, kind="read-error")) from None
    from .json_reader import JsonReader  # a plan named: most runs have none

    text = decode(data, path)
    reader = JsonReader(text, path)
    top = reader.read()
    if top.kind != "object":
        return None
    document = members(top)
    if "format_version" not in document or "planned_values" not in document:
        return None
    sensitive = _sensitive_variables(document.get("configuration"))
    variables = {}
    for name, entry in members(document.get("variables")).items():
        value = members(entry).get("value")
        if name not in sensitive and value is not None:
            variables[name] = plain(value)
    changes = []
    for entry in items(document.get("resource_changes")):
        change = _change(entry, reader)
        if change is not None:
            changes.append(change)
    return Plan(path, variables, frozenset(sensitive), changes, top, reader)


def _change(entry: JsonValue, reader: JsonReader) -> Optional[Change]:
    fields = members(entry)
    body = members(fields.get("change"))
    address, resource_type = plain(fields.get("address")), plain(fields.get("type"))
    actions = plain(body.get("actions"))
    if not isinstance(address, str) or not isinstance(resource_type, str) or not isinstance(actions, list):
        return None
    paths = plain(body.get("replace_paths"))
    replace_paths = tuple(tuple(p) for p in paths if isinstance(p, list)) if isinstance(paths, list) else ()
    before_sensitive, after_sensitive = plain(body.get("before_sensitive")), plain(body.get("after_sensitive"))
    # a sensitive value is dropped here, so nothing later can print it (the marks stay)
    before = _without_sensitive(plain(body.get("before")), before_sensitive)
    after = _without_sensitive(plain(body.get("after")), after_sensitive)
    return Change(address, resource_type, tuple(a for a in actions if isinstance(a, str)), before, after,
                  plain(body.get("after_unknown")), before_sensitive, after_sensitive, replace_paths,
                  reader.location(entry.start, entry.start + 1))


def _without_sensitive(value: Any, marks: Any) -> Any:
    """`value` with None wherever `marks` (the plan's `*_sensitive` structure) says True."""
    if marks is True:
        return None
    if isinstance(value, dict) and isinstance(marks, dict):
        return {key: _without_sensitive(item, marks.get(key)) for key, item in value.items()}
    if isinstance(value, list) and isinstance(marks, list):
        return [_without_sensitive(item, marks[i] if i < len(marks) else None) for i, item in enumerate(value)]
    return value


def _sensitive_variables(configuration: Optional[JsonValue]) -> set:
    root = members(members(configuration).get("root_module"))
    return {name for name, declared in members(root.get("variables")).items()
            if plain(members(declared).get("sensitive")) is True}


def members(value: Optional[JsonValue]) -> dict:
    """An object's members by key (the last of duplicate keys wins, as Go's decoder does);
    {} for anything else."""
    if value is None or value.kind != "object":
        return {}
    return {key.value: item for key, item in value.value}


def items(value: Optional[JsonValue]) -> list:
    return list(value.value) if value is not None and value.kind == "array" else []


def plain(value: Optional[JsonValue]) -> Any:
    """The Python value of a JSON value (objects as dicts, the last duplicate key winning). The
    reader bounds the depth (MAX_DEPTH), so this recursion is bounded too."""
    if value is None:
        return None
    if value.kind == "object":
        return {key.value: plain(item) for key, item in value.value}
    if value.kind == "array":
        return [plain(item) for item in value.value]
    return value.value


def marked(structure: Any, step: str) -> bool:
    """Is the attribute `step` marked in an `after_unknown`/`*_sensitive` structure (True for
    the attribute, or the whole value marked)?"""
    if structure is True:
        return True
    if isinstance(structure, dict):
        found = structure.get(step)
        return found is True or (found not in (None, False) and _any_true(found))
    return False


def _any_true(structure: Any) -> bool:
    if structure is True:
        return True
    if isinstance(structure, dict):
        return any(_any_true(v) for v in structure.values())
    if isinstance(structure, list):
        return any(_any_true(v) for v in structure)
    return False


# -- a run over plans (engine.py) -----------------------------------------------------------------


def split_plans(paths: list, explicit: list) -> tuple[list, list, list]:
    """(the paths to discover, the plans read, diagnostics). A `.json` path whose content is a
    plan, and each `--plan FILE` (`explicit`), is replaced by its directory when that holds
    configuration files (the configuration it was planned from: checked with the plan's
    variables); else the plan is checked alone (plan_jobs)."""
    from .listing import configuration_names

    kept: list = []
    plans: list = []
    diagnostics: list = []
    wanted = [(raw, False) for raw in paths] + [(raw, True) for raw in explicit]
    for raw, named_as_plan in wanted:
        path = Path(raw)
        if not named_as_plan and not (might_be_plan(path) and path.is_file()):
            kept.append(raw)
            continue
        try:
            plan = read_plan(path)
        except InputError as exc:  # not read, or not JSON (nested too deep, say): what it is, is not known
            diagnostics.extend(exc.diagnostics)
            continue
        if plan is None:
            if named_as_plan:
                diagnostics.append(Diagnostic(path, 0, 0, "is not a Terraform plan in JSON (`terraform show -json "
                                              "PLANFILE`): it has no format_version and planned_values", kind="usage"))
            else:
                kept.append(raw)
            continue
        plans.append(plan)
        try:
            names = [name for name, is_file, _ in current_project().listing(plan.directory) if is_file]
        except OSError:
            names = []
        if configuration_names(names):
            kept.append(str(plan.directory))
    return kept, plans, diagnostics


def plan_jobs(jobs: list, plans: list) -> list:
    """The jobs with each plan given to the job of its directory (which is then checked whole),
    or to a job of its own with no configuration (only the plan-only rules find anything)."""
    from .discover import ModuleJob
    from .paths import real

    by_directory = {job.real: job for job in jobs}
    for plan in plans:
        key = real(plan.directory)
        job = by_directory.get(key)
        if job is None:
            job = by_directory[key] = ModuleJob(directory=plan.directory, real=key, report=None)
        job.plan, job.report, job.named = plan, None, True
    return [by_directory[key] for key in sorted(by_directory)]
