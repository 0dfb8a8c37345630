"""Run the pipeline for each module job: read, parse, evaluate, run rules, collect results."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import model as m
from .context import Context
from .diagnostic import Diagnostic, InputError
from .discover import ModuleJob, discover
from .evaluate import Evaluator
from .parse import parse_hcl
from .result import Result
from .rule import Finding
from .source import read_text
from .variables import variable_values


@dataclass
class RunOptions:
    var_files: list = field(default_factory=list)
    cli_vars: list = field(default_factory=list)
    rule_options: dict = field(default_factory=dict)  # rule id → {option: value}
    environ: Optional[dict] = None


def run(paths: list, rules: list, options: RunOptions, root: Path) -> Result:
    jobs, diagnostics = discover(paths)
    findings: list = []
    files_checked = 0
    not_checked: set = {d.path for d in diagnostics if d.path}
    for job in jobs:
        job_findings, job_diagnostics, checked = check_module(job, rules, options)
        findings.extend(job_findings)
        diagnostics.extend(job_diagnostics)
        files_checked += checked
        if job_diagnostics and not checked:
            not_checked.update(job.files)
    unique = {(f.rule_id, str(f.path), f.line, f.column, f.message): f for f in findings}
    ordered = sorted(unique.values(), key=Finding.sort_key)
    return Result(findings=ordered, diagnostics=diagnostics, rules=list(rules), root=root,
                  files_checked=files_checked, files_not_checked=not_checked)


def parse_file(path: Path) -> m.File:
    text = read_text(path)
    if path.name.endswith(".json"):
        from .parse_json import parse_tf_json

        return parse_tf_json(text, path)
    return parse_hcl(text, path)


def check_module(job: ModuleJob, rules: list, options: RunOptions) -> tuple:
    diagnostics: list = []
    files: list = []
    for path in job.files:
        try:
            files.append(parse_file(path))
        except InputError as exc:
            diagnostics.extend(exc.diagnostics)
    if diagnostics:
        # Rules judge a module as a whole (is there a log group anywhere?), so a module with a
        # file we could not read is not checked at all rather than checked wrongly.
        return [], diagnostics, 0
    module = m.Module(directory=job.directory, files=files)
    declared = {b.labels[0]: b for b in module.blocks("variable") if b.labels}
    environ = options.environ if options.environ is not None else os.environ
    values, sources, var_diagnostics = variable_values(job.var_files, options.var_files, options.cli_vars, environ, declared)
    if var_diagnostics:
        return [], var_diagnostics, 0
    module.variable_values, module.variable_sources = values, sources
    context = Context(module=module, ev=Evaluator(module), options=options.rule_options,
                      requirement_files=job.requirement_files)
    findings: list = []
    for rule_class in rules:
        rule = rule_class(options.rule_options.get(rule_class.id))
        try:
            findings.extend(rule.check(context))
        except Exception as exc:  # one broken rule must not hide the others' findings
            diagnostics.append(
                Diagnostic(job.directory, 0, 0, f"internal error in rule {rule_class.id}: {type(exc).__name__}: {exc}",
                           kind="internal-error")
            )
    if job.report is not None:
        findings = [f for f in findings if Path(f.path).resolve() in job.report]
    return findings, diagnostics, len(files) + len(job.requirement_files)
