"""Run the pipeline: discover module jobs, parse, build each root's module tree, evaluate,
run the rules, collect one Result. Data flows one way: paths → files → model → values → findings."""
from __future__ import annotations

import dataclasses
import datetime
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import model as m
from .baseline import Baseline
from .cache import ParseCache, current, in_use
from .context import Context
from .diagnostic import Diagnostic
from .discover import ModuleJob, discover
from .evaluate import Evaluator
from .loader import Loader
from .modules import called_directories, load_calls
from .paths import real, resolving_once
from .relevance import FactsIndex, relevant_directories
from .result import Result, Stats
from .rule import Finding
from .suppress import finding_matches as matches
from .suppress import run_stage as suppress
from .variables import variable_values

INDEX_NAME = "relevance-index.pickle"  # in the cache directory, beside the parse cache entries
_MODULE_PREFIX = re.compile(r'module\.[\w-]+(\[[^\]]*\])?\.')


@dataclass
class RunOptions:
    var_files: list = field(default_factory=list)
    cli_vars: list = field(default_factory=list)
    rule_options: dict = field(default_factory=dict)  # rule id → {option: value}
    environ: Optional[dict] = None
    inline_ignores: bool = True  # False: auditors see everything (`--no-inline-ignores`)
    known_rules: Optional[list] = None  # every installed rule, to tell a typo from an unselected rule
    today: Optional[datetime.date] = None  # for `until=` in suppressions; tests pin it
    baseline: Optional[Baseline] = None
    # From the config file: module directories to skip, per-path rule ignores, severity
    # overrides (rule id → Severity), and var files per module directory.
    excluded: Callable[[Path], bool] = lambda path: False
    path_ignores: Callable[[Path], list] = lambda path: []
    severity: dict = field(default_factory=dict)
    var_files_for: Callable[[Path], list] = lambda directory: []
    cache_dir: Optional[Path] = None  # None: no parse cache
    # Parse only directories with an aws_mwaa_environment in reach (see relevance.py);
    # False parses everything (`--scan-all`), which finds the same findings, slower.
    skip_irrelevant: bool = True


@dataclass
class _Root:
    """A module job ready for the rules: its evaluated tree, or the diagnostics that stop it."""

    job: ModuleJob
    ev: Optional[Evaluator] = None
    diagnostics: list = field(default_factory=list)


def _roots(paths: list, options: RunOptions) -> tuple:
    """(the root modules to check, evaluated or with the diagnostics that stop them;
    diagnostics; Stats of what was read and parsed)."""
    jobs, diagnostics = discover(paths)
    # `exclude` holds for named files too, so a pre-commit hook passing file names respects it
    jobs = [job for job in jobs if not options.excluded(job.directory)]
    stats = Stats(files_read=sum(len(job.names) for job in jobs))
    if options.skip_irrelevant:
        index = FactsIndex(options.cache_dir / INDEX_NAME if options.cache_dir else None)
        relevant = relevant_directories(jobs, index)
        kept = [job for job in jobs if job.real in relevant or job.requirement_files]
        stats.directories_skipped = len(jobs) - len(kept)
        jobs = kept
    loader = Loader(current())
    loader.prefetch([path for job in jobs for path in job.files])
    roots = [_prepare(job, loader, options) for job in jobs]
    stats.files_parsed, stats.files_from_cache = loader.parsed, loader.cache.hits
    # A directory some scanned root calls as a module is checked through that caller, with its
    # inputs, not again on its own with defaults — unless the user named it.
    called = set().union(*(called_directories(r.ev) for r in roots if r.ev is not None))
    return [r for r in roots if r.job.named or r.job.real not in called], diagnostics, stats


@contextmanager
def _one_run(options: RunOptions):
    """What holds for the length of a run: each path resolved once, and one parse cache for
    the Loader and for what rules parse (requirements files)."""
    with resolving_once(), in_use(ParseCache(options.cache_dir)):
        yield


def run(paths: list, rules: list, options: RunOptions, root: Path) -> Result:
    with _one_run(options):
        return _run(paths, rules, options, root)


def _run(paths: list, rules: list, options: RunOptions, root: Path) -> Result:
    roots, diagnostics, stats = _roots(paths, options)
    findings: list = []
    files_checked = 0
    # files discovery could not read (a directory without Terraform is not a file left unchecked)
    not_checked: set = {real(d.path) for d in diagnostics if d.path and d.kind in ("parse-error", "read-error")}
    scanned: dict = {}  # resolved path → (m.File or a requirements path, reported on?)
    for prepared in roots:
        job_findings, job_diagnostics, checked = _check(prepared, rules, options)
        findings.extend(job_findings)
        diagnostics.extend(d for d in job_diagnostics if d not in diagnostics)
        files_checked += checked
        _note_scanned(prepared, scanned)
        if job_diagnostics and not checked:
            not_checked.update(real(p) for p in prepared.job.files)
            not_checked.update(real(d.path) for d in job_diagnostics if d.path)
    unique: dict = {}
    for finding in findings:  # a module called twice has the same problem once, in its code
        key = (finding.rule_id, str(finding.path), finding.line, finding.column, _MODULE_PREFIX.sub("", finding.message))
        unique.setdefault(key, finding)
    kept, suppressed = suppress(list(unique.values()), scanned, rules, options)
    kept = [_with_policy(f, options) for f in kept if not any(matches(f, s) for s in options.path_ignores(f.path))]
    baselined: list = []
    if options.baseline is not None:
        kept, baselined = options.baseline.split(kept)
    ordered = sorted(kept, key=Finding.sort_key)
    return Result(findings=ordered, diagnostics=diagnostics, rules=list(rules), root=root,
                  files_checked=files_checked, files_not_checked=not_checked,
                  suppressed=len(suppressed), baselined=len(baselined), stats=stats)


def _with_policy(finding: Finding, options: RunOptions) -> Finding:
    """The finding at the severity the configuration gives its rule."""
    severity = options.severity.get(finding.rule_id)
    return dataclasses.replace(finding, severity=severity) if severity else finding


def _note_scanned(prepared: _Root, scanned: dict) -> None:
    """Remember the files a checked root read, for the suppression stage."""
    if prepared.ev is None or prepared.diagnostics:
        return
    report = prepared.job.report
    for each in prepared.ev.tree:
        for file in each.module.files:
            key = real(file.path)
            shown = report is None or key in report
            scanned[key] = (file, shown or scanned.get(key, (None, False))[1])
    for path in prepared.job.requirement_files:
        key = real(path)
        scanned.setdefault(key, (path, report is None or key in report))


def _prepare(job: ModuleJob, loader: Loader, options: RunOptions) -> _Root:
    files, diagnostics = loader.files(job.files)
    if diagnostics:
        # Rules judge a module as a whole (is there a log group anywhere?), so a module with a
        # file we could not read is not checked at all rather than checked wrongly.
        return _Root(job, diagnostics=diagnostics)
    module = m.Module(directory=job.directory, files=files)
    declared = {b.labels[0]: b for b in module.blocks("variable") if b.labels}
    environ = options.environ if options.environ is not None else os.environ
    var_files = [*options.var_files_for(job.directory), *options.var_files]
    values, sources, var_diagnostics = variable_values(job.var_files, var_files, options.cli_vars, environ, declared)
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
        if rule_class.stage != "module":
            continue  # reported by a later stage
        rule = rule_class(options.rule_options.get(rule_class.id))
        try:
            for item in rule.check(context):  # a rule yields findings, and diagnostics for what it could not judge
                (diagnostics if isinstance(item, Diagnostic) else findings).append(item)
        except Exception as exc:  # one broken rule must not hide the others' findings
            diagnostics.append(_internal_error(rule_class, exc, context.current, job))
    if ev.gave_up:
        diagnostics.append(Diagnostic(job.directory, 0, 0, f"{ev.gave_up}; the values past that point were treated as "
                                      "unknown, so this module was not fully checked", kind="limit"))
    if job.report is not None:
        findings = [f for f in findings if real(f.path) in job.report]
    files = {real(f.path) for each in ev.tree for f in each.module.files}
    return findings, diagnostics, len(files) + len(job.requirement_files)


def _internal_error(rule_class, exc: Exception, env, job) -> Diagnostic:
    """A rule's crash, at the environment it was checking when it crashed (if any)."""
    message = f"internal error in rule {rule_class.id}"
    if env is None:
        return Diagnostic(job.directory, 0, 0, f"{message}: {type(exc).__name__}: {exc}", kind="internal-error")
    loc = env.block.loc
    return Diagnostic(loc.path, loc.line, loc.column, f"{message} while checking {env.address}: {type(exc).__name__}: {exc}",
                      kind="internal-error")


def load_roots(paths: list, options: RunOptions) -> tuple:
    """(Contexts, diagnostics): the evaluated root modules `run()` would check, without running
    rules, for commands that read the model (`mwaa-lint cost`); a root with a file that does
    not parse is left out and its diagnostics returned."""
    with _one_run(options):
        roots, diagnostics, _ = _roots(paths, options)
    contexts = []
    for prepared in roots:
        if prepared.ev is None or prepared.diagnostics:
            diagnostics.extend(d for d in prepared.diagnostics if d not in diagnostics)
            continue
        contexts.append(Context(module=prepared.ev.module, ev=prepared.ev, options=options.rule_options,
                                requirement_files=prepared.job.requirement_files))
    return contexts, diagnostics
