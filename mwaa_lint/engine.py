"""Run the pipeline: discover module jobs, parse, build each root's module tree, evaluate,
run the rules, collect one Result. Data flows one way: paths → files → model → values → findings."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import model as m
from .context import Context
from .diagnostic import Diagnostic, InputError
from .discover import ModuleJob, discover, is_terraform
from .evaluate import Evaluator
from .modules import called_directories, load_calls
from .parse import parse_hcl
from .result import Result
from .rule import Finding
from .source import read_text
from .variables import variable_values

_MODULE_PREFIX = re.compile(r'module\.[\w-]+(\[[^\]]*\])?\.')


@dataclass
class RunOptions:
    var_files: list = field(default_factory=list)
    cli_vars: list = field(default_factory=list)
    rule_options: dict = field(default_factory=dict)  # rule id → {option: value}
    environ: Optional[dict] = None


@dataclass
class _Root:
    """A module job ready for the rules: its evaluated tree, or the diagnostics that stop it."""

    job: ModuleJob
    ev: Optional[Evaluator] = None
    diagnostics: list = field(default_factory=list)


def run(paths: list, rules: list, options: RunOptions, root: Path) -> Result:
    jobs, diagnostics = discover(paths)
    loader = _Loader()
    roots = [_prepare(job, loader, options) for job in jobs]
    # A directory some scanned root calls as a module is checked through that caller, with its
    # inputs, not again on its own with defaults — unless the user named it.
    called = set().union(*(called_directories(r.ev) for r in roots if r.ev is not None))
    findings: list = []
    files_checked = 0
    not_checked: set = {d.path for d in diagnostics if d.path}
    for prepared in roots:
        if prepared.job.directory.resolve() in called and not prepared.job.named:
            continue
        job_findings, job_diagnostics, checked = _check(prepared, rules, options)
        findings.extend(job_findings)
        diagnostics.extend(d for d in job_diagnostics if d not in diagnostics)
        files_checked += checked
        if job_diagnostics and not checked:
            not_checked.update(prepared.job.files)
            not_checked.update(d.path for d in job_diagnostics if d.path)
    unique: dict = {}
    for finding in findings:  # a module called twice has the same problem once, in its code
        key = (finding.rule_id, str(finding.path), finding.line, finding.column, _MODULE_PREFIX.sub("", finding.message))
        unique.setdefault(key, finding)
    ordered = sorted(unique.values(), key=Finding.sort_key)
    return Result(findings=ordered, diagnostics=diagnostics, rules=list(rules), root=root,
                  files_checked=files_checked, files_not_checked=not_checked)


def parse_file(path: Path) -> m.File:
    text = read_text(path)
    if path.name.endswith(".json"):
        from .parse_json import parse_tf_json

        return parse_tf_json(text, path)
    return parse_hcl(text, path)


class _Loader:
    """Parses each file once per run, however many roots and module calls reach it."""

    def __init__(self):
        self._files: dict = {}

    def file(self, path: Path) -> m.File:
        key = path.resolve()
        if key not in self._files:
            try:
                self._files[key] = parse_file(path)
            except InputError as exc:
                self._files[key] = exc
        found = self._files[key]
        if isinstance(found, InputError):
            raise found
        return found

    def files(self, paths: list) -> tuple:
        parsed, diagnostics = [], []
        for path in paths:
            try:
                parsed.append(self.file(path))
            except InputError as exc:
                diagnostics.extend(exc.diagnostics)
        return parsed, diagnostics

    def module(self, directory: Path) -> m.Module:
        """A called module's directory; any file that does not parse stops the whole call."""
        paths = sorted(p for p in directory.iterdir() if p.is_file() and is_terraform(p))
        files, diagnostics = self.files(paths)
        if diagnostics:
            raise InputError(*diagnostics)
        return m.Module(directory=directory, files=files)


def _prepare(job: ModuleJob, loader: _Loader, options: RunOptions) -> _Root:
    files, diagnostics = loader.files(job.files)
    if diagnostics:
        # Rules judge a module as a whole (is there a log group anywhere?), so a module with a
        # file we could not read is not checked at all rather than checked wrongly.
        return _Root(job, diagnostics=diagnostics)
    module = m.Module(directory=job.directory, files=files)
    declared = {b.labels[0]: b for b in module.blocks("variable") if b.labels}
    environ = options.environ if options.environ is not None else os.environ
    values, sources, var_diagnostics = variable_values(job.var_files, options.var_files, options.cli_vars, environ, declared)
    if var_diagnostics:
        return _Root(job, diagnostics=var_diagnostics)
    module.variable_values, module.variable_sources = values, sources
    ev = Evaluator(module)
    call_diagnostics = load_calls(ev, loader.module)
    return _Root(job, ev, call_diagnostics)


def _check(prepared: _Root, rules: list, options: RunOptions) -> tuple:
    job, ev = prepared.job, prepared.ev
    if ev is None or prepared.diagnostics:
        # the same holds for a module it calls: its resources might be the ones a rule looks for
        return [], prepared.diagnostics, 0
    context = Context(module=ev.module, ev=ev, options=options.rule_options, requirement_files=job.requirement_files)
    findings: list = []
    diagnostics: list = []
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
    files = {f.path.resolve() for each in ev.tree for f in each.module.files}
    return findings, diagnostics, len(files) + len(job.requirement_files)
