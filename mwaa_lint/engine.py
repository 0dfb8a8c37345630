"""Run the pipeline: discover module jobs, parse, build each root's module tree, evaluate,
run the rules, collect one Result. Data flows one way: paths → files → model → values → findings.
A root whose check looked at nothing that has changed since it was stored skips to its findings."""
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
from .api import Context as ApiContext  # also registers what AWS data sources compute (aws/__init__.py)
from .baseline import Baseline
from .cache import ParseCache, current, in_use
from .context import Context
from .diagnostic import Diagnostic
from .discover import ModuleJob, discover
from .evaluate import Evaluator
from .inputs import recording
from .loader import Loader
from .modules import called_directories, load_calls
from .paths import real, resolving_once
from .project import Project, Refusal, confined_to
from .project import current as current_project
from .relevance import FactsIndex, relevant_directories
from .result import Result, Stats
from .results import Entry, Outcome, ResultStore
from .rule import Finding
from .suppress import finding_matches as matches
from .suppress import run_stage as suppress
from .suppress import suppressions_in
from .variables import variable_values

INDEX_NAME = "relevance-index.json"  # in the cache directory, beside the parse cache entries
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
    # What may be read on the repository's behalf (project.py); None: found from the paths
    project: Optional[Project] = None
    # Parse only directories with an aws_mwaa_environment in reach (see relevance.py);
    # False parses everything (`--scan-all`), which finds the same findings, slower.
    skip_irrelevant: bool = True


@dataclass
class _Root:
    """A module job ready for the rules: its evaluated tree, or the diagnostics that stop it."""

    job: ModuleJob
    ev: Optional[Evaluator] = None
    diagnostics: list = field(default_factory=list)
    records: list = field(default_factory=list)  # what preparing and checking it looked at (inputs.py)
    refusals: list = field(default_factory=list)  # reads the gate refused while preparing it (project.py)
    outcome: Optional[Outcome] = None  # once checked


def _jobs(paths: list, options: RunOptions) -> tuple:
    """(the module jobs worth checking, diagnostics, Stats of what was read)."""
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
    return jobs, diagnostics, stats


def _is_root(job: ModuleJob, called: set) -> bool:
    # A directory some scanned root calls as a module is checked through that caller, with its
    # inputs, not again on its own with defaults — unless the user named it.
    return job.named or job.real not in called


@contextmanager
def _one_run(paths: list, options: RunOptions):
    """What holds for the length of a run: each path resolved once, one parse cache for the
    Loader and for what rules parse (requirements files), and one project every read is
    checked against."""
    with resolving_once(), in_use(ParseCache(options.cache_dir)):
        with confined_to(options.project or Project.find(paths)):
            yield


def run(paths: list, rules: list, options: RunOptions, root: Path) -> Result:
    with _one_run(paths, options):
        return _run(paths, rules, options, root)


def _run(paths: list, rules: list, options: RunOptions, root: Path) -> Result:
    # Each job is answered by its stored result when nothing its check looked at has changed
    # (results.py); the others are parsed (from the parse cache where it can), evaluated, and,
    # if no other scanned root calls them as a module, checked; their results are stored.
    jobs, diagnostics, stats = _jobs(paths, options)
    store = ResultStore(options.cache_dir, rules, options)
    reused = {job.real: entry for job in jobs if (entry := store.get(job)) is not None}
    loader = Loader(current())
    loader.prefetch([path for job in jobs if job.real not in reused for path in job.files])
    prepared = {job.real: _prepare(job, loader, options) for job in jobs if job.real not in reused}
    called = set().union(*(entry.called for entry in reused.values()),
                         *(called_directories(r.ev) for r in prepared.values() if r.ev is not None))
    outcomes = []
    for job in (job for job in jobs if _is_root(job, called)):
        entry = reused.get(job.real)
        if entry is not None and entry.outcome is not None:
            outcomes.append(entry.outcome)
            stats.roots_reused += 1
            continue
        if job.real not in prepared:  # answered before as a module some root called; a root now
            prepared[job.real] = _prepare(job, loader, options)
        checked = prepared[job.real]
        checked.outcome = _outcome(checked, rules, options)
        outcomes.append(checked.outcome)
    stats.files_parsed, stats.files_from_cache = loader.parsed, loader.cache.hits
    for each in prepared.values():
        if _keep(each):
            store.put(each.job, Entry(each.records, called_directories(each.ev), each.outcome))
    return _result(outcomes, diagnostics, stats, rules, options, root)


def _keep(prepared: _Root) -> bool:
    """Is this root's outcome worth keeping? Not when it could not be evaluated, nor when a
    rule crashed (out of memory, say): what failed is looked at again next time."""
    if prepared.ev is None or prepared.diagnostics:
        return False
    return prepared.outcome is None or all(d.kind != "internal-error" for d in prepared.outcome.diagnostics)


def _result(outcomes: list, diagnostics: list, stats: Stats, rules: list, options: RunOptions, root: Path) -> Result:
    """The run's Result from its roots' outcomes: merged, suppressed, baselined, sorted, and
    fit for every report (redact.py: no credentials from URLs, no undecodable characters)."""
    from . import redact

    findings: list = []
    files_checked = 0
    # files discovery could not read (a directory without Terraform is not a file left unchecked)
    not_checked: set = {real(d.path) for d in diagnostics if d.path and d.kind in ("parse-error", "read-error")}
    scanned: dict = {}  # resolved path → (its suppressions, reported on by some root?)
    for outcome in outcomes:
        findings.extend(outcome.findings)
        diagnostics.extend(d for d in outcome.diagnostics if d not in diagnostics)
        files_checked += outcome.checked
        not_checked |= outcome.not_checked
        for key, (suppressions, shown) in outcome.scanned.items():
            scanned[key] = (suppressions, shown or scanned.get(key, ((), False))[1])
    unique: dict = {}
    for finding in findings:  # a module called twice has the same problem once, in its code
        # the file by its resolved path: roots answered by the result cache loaded it by their own path
        key = (finding.rule_id, real(finding.path), finding.line, finding.column, _MODULE_PREFIX.sub("", finding.message))
        unique.setdefault(key, finding)
    kept, suppressed, judged = suppress(list(unique.values()), scanned, rules, options)
    diagnostics.extend(judged)  # what the suppression rules could not judge, and their crashes
    kept = [_with_policy(f, options) for f in kept if not any(matches(f, s) for s in options.path_ignores(f.path))]
    kept = [redact.finding(f) for f in kept]  # before the baseline, which keys on the message as reported
    baselined: list = []
    if options.baseline is not None:
        kept, baselined = options.baseline.split(kept)
    ordered = sorted(kept, key=Finding.sort_key)
    return Result(findings=ordered, diagnostics=[redact.diagnostic(d) for d in diagnostics], rules=list(rules), root=root,
                  files_checked=files_checked, files_not_checked=not_checked,
                  suppressed=len(suppressed), baselined=len(baselined), stats=stats)


def _with_policy(finding: Finding, options: RunOptions) -> Finding:
    """The finding at the severity the configuration gives its rule."""
    severity = options.severity.get(finding.rule_id)
    return dataclasses.replace(finding, severity=severity) if severity else finding


def _outcome(prepared: _Root, rules: list, options: RunOptions) -> Outcome:
    with recording(prepared.records):
        findings, diagnostics, checked = _check(prepared, rules, options)
        refused = [_refused(r) for r in [*prepared.refusals, *current_project().take_refusals()]]
        diagnostics = [*diagnostics, *(d for i, d in enumerate(refused) if d not in refused[:i] and d not in diagnostics)]
        not_checked: set = set()
        if diagnostics and not checked:
            not_checked = {real(p) for p in prepared.job.files} | {real(d.path) for d in diagnostics if d.path}
        return Outcome(findings, diagnostics, checked, not_checked, _scanned(prepared))


def _scanned(prepared: _Root) -> dict:
    """The files a checked root read, with their suppressions, for the suppression stage."""
    scanned: dict = {}
    if prepared.ev is None or prepared.diagnostics:
        return scanned
    report = prepared.job.report
    for each in prepared.ev.tree:
        for file in each.module.files:
            key = real(file.path)
            shown = report is None or key in report
            scanned[key] = (suppressions_in(file), shown or scanned.get(key, ((), False))[1])
    for path in prepared.job.requirement_files:
        key = real(path)
        if key not in scanned:
            scanned[key] = (suppressions_in(path), report is None or key in report)
    return scanned


def _prepare(job: ModuleJob, loader: Loader, options: RunOptions) -> _Root:
    records: list = []
    current_project().take_refusals()  # none are pending; those that follow are this root's
    with recording(records):
        prepared = _evaluated(job, loader, options)
    prepared.records = records
    prepared.refusals = current_project().take_refusals()
    return prepared


def refused_reads() -> list:
    """Diagnostics for the reads refused since the last root was checked (`mwaa-lint cost`
    evaluates after `load_roots`)."""
    return [_refused(r) for r in current_project().take_refusals()]


def _refused(refusal: Refusal) -> Diagnostic:
    """A read the gate refused, at the place that asked for it: the value it would have given
    is unknown, so the check of that place is incomplete."""
    shown = os.path.normpath(refusal.path)
    if os.path.isabs(shown) and shown.startswith(os.getcwd().rstrip(os.sep) + os.sep):
        shown = os.path.relpath(shown)  # as reports show the project's files; others stay as written
    where = refusal.where
    if where is None:
        return Diagnostic(Path(shown), 0, 0, refusal.reason, kind="not-read")
    return Diagnostic(where.path, where.line, where.column, f"{shown} {refusal.reason}", kind="not-read")


def _evaluated(job: ModuleJob, loader: Loader, options: RunOptions) -> _Root:
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
    from .rule import run_rules

    context = Context(module=ev.module, ev=ev, options=options.rule_options, requirement_files=job.requirement_files)
    # the module rules (the suppression rules run once the suppressions are applied: suppress.py),
    # guarded: a crash is reported at the environment the rule was looking at
    findings, diagnostics = run_rules(
        [rule_class for rule_class in rules if rule_class.stage == "module"], options.rule_options,
        lambda rule: rule.check(ApiContext(context) if rule.api else context),
        lambda rule_class, exc: _internal_error(rule_class, exc, context.current, job))
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
    with _one_run(paths, options):
        jobs, diagnostics, _ = _jobs(paths, options)
        loader = Loader(current())
        loader.prefetch([path for job in jobs for path in job.files])
        prepared = [_prepare(job, loader, options) for job in jobs]
        called = set().union(*(called_directories(r.ev) for r in prepared if r.ev is not None))
        roots = [r for r in prepared if _is_root(r.job, called)]
    contexts = []
    for prepared in roots:
        diagnostics.extend(d for d in map(_refused, prepared.refusals) if d not in diagnostics)
        if prepared.ev is None or prepared.diagnostics:
            diagnostics.extend(d for d in prepared.diagnostics if d not in diagnostics)
            continue
        contexts.append(Context(module=prepared.ev.module, ev=prepared.ev, options=options.rule_options,
                                requirement_files=prepared.job.requirement_files))
    return contexts, diagnostics
