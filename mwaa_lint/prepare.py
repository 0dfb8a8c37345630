"""Stage 1 of a check: a module job becomes an evaluated tree (its files parsed, its variables
set, its local and downloaded modules called), or the diagnostics that stop it; what that looked at on disk,
and the reads the project's gate refused, are kept with it."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .diagnostic import Diagnostic
from .discover import ModuleJob
from .evaluate import Evaluator
from .loader import Loader
from .manifest import read as read_manifest
from .modules import load_calls
from .observations import recording
from .override import build
from .plan_model import planned_module
from .project import Refusal
from .project import current as current_project
from .result_cache import Outcome
from .run_options import RunOptions
from .variables import variable_values


@dataclass
class Root:
    """A module job ready for the rules: its evaluated tree, or the diagnostics that stop it."""

    job: ModuleJob
    ev: Optional[Evaluator] = None
    diagnostics: list = field(default_factory=list)
    records: list = field(default_factory=list)  # what preparing and checking it looked at (observations.py)
    refusals: list = field(default_factory=list)  # reads the gate refused while preparing it (project.py)
    outcome: Optional[Outcome] = None  # once checked


def prepare(job: ModuleJob, loader: Loader, options: RunOptions) -> Root:
    records: list = []
    current_project().take_refusals()  # none are pending; those that follow are this root's
    with recording(records):
        prepared = _evaluated(job, loader, options)
    prepared.records = records
    prepared.refusals = current_project().take_refusals()
    return prepared


def refused(refusal: Refusal) -> Diagnostic:
    """A read the gate refused, at the place that asked for it: the value it would have given
    is unknown, so the check of that place is incomplete."""
    shown = os.path.normpath(refusal.path)
    if os.path.isabs(shown) and shown.startswith(os.getcwd().rstrip(os.sep) + os.sep):
        shown = os.path.relpath(shown)  # as reports show the project's files; others stay as written
    where = refusal.where
    if where is None:
        return Diagnostic(Path(shown), 0, 0, refusal.reason, kind="not-read")
    return Diagnostic(where.path, where.line, where.column, f"{shown} {refusal.reason}", kind="not-read")


def _evaluated(job: ModuleJob, loader: Loader, options: RunOptions) -> Root:
    if job.plan is not None and not job.files:  # a plan without its configuration: the plan is the module
        return Root(job, Evaluator(planned_module(job.plan)))
    files, diagnostics = loader.files(job.files)
    if diagnostics:
        # Rules judge a module as a whole (is there a log group anywhere?), so a module with a
        # file we could not read is not checked at all rather than checked wrongly.
        return Root(job, diagnostics=diagnostics)
    module, diagnostics = build(job.directory, files)
    if diagnostics:  # Terraform's errors about how the files combine: not checked, as for a file it rejects
        return Root(job, diagnostics=diagnostics)
    declared = {b.labels[0]: b for b in module.blocks("variable") if b.labels}
    environ = options.environ if options.environ is not None else os.environ
    var_files = [*options.var_files_for(job.directory), *options.var_files]
    values, sources, var_diagnostics = variable_values(job.var_files, var_files, options.cli_vars, environ, declared)
    if var_diagnostics:
        return Root(job, diagnostics=var_diagnostics)
    module.variable_values, module.variable_sources = values, sources
    if job.plan is not None:
        _take_plan_variables(module, job.plan, declared)
    ev = Evaluator(module)
    manifest = read_manifest(job.directory)  # what `terraform init` downloaded; its refusals are the gate's
    call_diagnostics = load_calls(ev, loader.module, manifest=manifest)
    return Root(job, ev, call_diagnostics)


def _take_plan_variables(module, plan, declared: dict) -> None:
    """The plan's input values, as Terraform resolved them (a `-var` or `TF_VAR_` in CI included),
    for the variables the module declares. A value the module's own inputs already give (its
    tfvars, its default) keeps its source, so findings stay where they were; a variable marked
    sensitive is never taken (plan.py leaves out those the plan marks; this, those the .tf marks)."""
    probe = Evaluator(module)
    for name, value in plan.variables.items():
        block = declared.get(name)
        if block is None:
            continue
        sensitive = block.attr("sensitive")
        if sensitive is not None and probe.value(sensitive.expr) is True:
            continue
        if name in module.variable_values:
            if module.variable_values[name] == value:
                continue
        else:
            default = block.attr("default")
            if default is not None and probe.value(default.expr) == value:
                continue
        module.variable_values[name], module.variable_sources[name] = value, plan.path.name
