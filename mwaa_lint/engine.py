"""Run the pipeline: discover module jobs, parse, build each root's module tree, evaluate,
run the rules, collect one Result. Data flows one way: paths → files → model → values → findings,
in three stages: prepare.py (a job becomes an evaluated tree), check.py (the rules on one
root), policy.py (suppressions, severity, baseline: one Result). A root whose check looked at
nothing that has changed since it was stored skips to its findings (result_cache.py)."""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .cache import ParseCache, current, in_use
from .discover import ModuleJob, discover
from .listing import Listings
from .loader import PARALLEL_MIN_FILES, Loader
from .paths import real, resolving_once
from .policy import result
from .project import Project, confined_to
from .project import current as current_project
from .relevance import FactsIndex, Relevance, relevance
from .result import Result, Stats
from .result_cache import RESULTS, Entry, ResultStore
from .run_options import RunOptions, UndeclaredVariable
from .selection import installed_by, select

if TYPE_CHECKING:
    from .context import Context
    from .prepare import Root

__all__ = ["RunOptions", "load_roots", "refused_reads", "run"]

OnProgress = Callable[[str, int, int], None]  # (stage, done, total), e.g. ("checking modules", 12, 40)
INDEX_NAME = "relevance-index.json"  # in the cache directory, beside the parse cache entries
LISTINGS_NAME = "directory-listings.json"  # there too


def _jobs(paths: list, options: RunOptions, loader: Loader, early: dict,
          from_text: Optional[dict] = None) -> tuple[list[ModuleJob], list, Stats, list, Optional[Relevance]]:
    """(the module jobs worth checking, diagnostics, Stats of what was read, notes on named files
    left out, for --statistics, what the textual pass found (None when nothing is skipped)). `early` receives
    the roots prepared to learn which requirements files they install (selection.py); `from_text`,
    when given, the jobs that matter only for a missing module they call, with the directories
    they reach (missing_sources.py)."""
    paths, plans, plan_diagnostics = _split_plans(paths, options.plans)
    # what each directory holds, and what its files say (relevance.py), kept from earlier runs
    listings = Listings(options.cache_dir / LISTINGS_NAME if options.cache_dir else None)
    index = FactsIndex(options.cache_dir / INDEX_NAME if options.cache_dir else None, listings)
    jobs, diagnostics = discover(paths, listings)
    diagnostics.extend(plan_diagnostics)
    if plans:
        from .plan import plan_jobs

        jobs = plan_jobs(jobs, plans)
    unmatched = options.unmatched_patterns(jobs)  # before `exclude` (and file mode's selection) leaves any out
    named = [p for p in paths if not Path(p).is_dir() and Path(p).exists()]
    notes: list = []
    if named:  # file mode (pre-commit): the named files' modules, their callers, the environments using them

        def installs(job: ModuleJob) -> set:
            if options.excluded(job.directory):
                return set()
            early[job.real] = prepared = early.get(job.real) or prepare(job, loader, options)
            return _installed(prepared, options)

        jobs, notes = select(jobs, named, index, listings, installs)
    # `exclude` holds for named files too, so a pre-commit hook passing file names respects it
    jobs = [job for job in jobs if not options.excluded(job.real_text)]
    check_declared(options.cli_vars, jobs)  # --var for an undeclared variable: stop before parsing
    stats = Stats(files_read=sum(len(job.names) for job in jobs), unmatched_patterns=unmatched)
    if stats.files_read >= PARALLEL_MIN_FILES and _nothing_kept(options, listings):
        loader.start_pool()  # a cold run: the workers build the parser while the textual pass reads
    found = None
    if options.skip_irrelevant:
        found = relevance(jobs, index)
        relevant, only_missing = found.relevant, found.only_missing
        kept = [job for job in jobs if job.real_text in relevant or job.requirement_files or job.plan is not None]
        stats.directories_skipped = len(jobs) - len(kept)
        jobs = kept
        if from_text is not None:
            checked = {job.real_text for job in jobs}
            from_text.update((job.real, only_missing[key]) for job in jobs if (key := job.real_text) in only_missing
                             and not job.requirement_files and job.plan is None and checked.isdisjoint(only_missing[key]))
    index.save()
    listings.save()
    return jobs, diagnostics, stats, notes, found


def _split_plans(paths: list, explicit: list) -> tuple[list, list, list]:
    """plan.split_plans(paths, explicit); a run naming no plan (no `.json` path, no --plan) does
    not load plan.py."""
    if not explicit and not any(os.fspath(path).endswith(".json") for path in paths):
        return paths, [], []
    from .plan import split_plans

    return split_plans(paths, explicit)


# The half of the pipeline that evaluates and checks (prepare.py, check.py, and what they use:
# the evaluator, the AWS views, the rule API) is imported when a root has to be evaluated. A
# warm run whose roots all come from the result cache never loads it: a third of such a run.

def prepare(job: ModuleJob, loader: Loader, options: RunOptions) -> Root:
    from .prepare import prepare as prepare_job

    return prepare_job(job, loader, options)


def outcome(prepared: Root, rules: list, options: RunOptions):
    from .check import outcome as check

    return check(prepared, rules, options)


def called_directories(ev) -> set:
    from .modules import called_directories as called

    return called(ev)


def refused(refusal):
    from .prepare import refused as diagnostic

    return diagnostic(refusal)


def _nothing_kept(options: RunOptions, listings: Listings) -> bool:
    """Will this run parse most of what it reads? Without a cache; or on the first run with this
    cache directory: no directory listed before, and no result kept (a run with a rule pack that
    may read files keeps none, yet its parse cache is warm)."""
    return options.cache_dir is None or (not listings.entries and not (Path(options.cache_dir) / RESULTS).is_dir())


def _installed(prepared: Root, options: RunOptions) -> set:
    """The resolved requirements files the environments of an evaluated root install."""
    if prepared.ev is None or prepared.diagnostics:
        return set()
    from .api import Context as ApiContext
    from .context import Context

    context = Context(module=prepared.ev.module, ev=prepared.ev, options=options.rule_options)
    try:
        return installed_by(ApiContext(context).environments())
    except Exception:  # noqa: BLE001 - a root that cannot say installs nothing we can stand behind
        return set()


def check_declared(cli_vars: list, jobs: list) -> None:
    """Raise UndeclaredVariable for the first `--var NAME=…` whose NAME no scanned module
    declares. With several roots (a module per directory), one that declares it is enough.
    Found on the files' text before anything is parsed, leniently (a declaration in a comment
    counts): the run stops only when no file can declare it."""
    names = list(dict.fromkeys(assignment.partition("=")[0].strip() for assignment in cli_vars))
    if not names or not jobs:
        return
    left = set(names)
    for path in (path for job in jobs for path in job.files):
        try:
            text = current_project().read_bytes(path, quiet=True).decode("utf-8", "replace")
        except OSError:
            return  # a file we cannot read may declare it: say nothing (its read error is reported)
        left = {name for name in left if not _declares(text, name, json=path.name.endswith(".json"))}
        if not left:
            return
    name = next(n for n in names if n in left)
    raise UndeclaredVariable(
        f'Value for undeclared variable: a variable named "{name}" was assigned on the command line (--var), '
        'but no scanned root module declares a variable of that name; to use this value, add a "variable" '
        "block to the configuration")


def _declares(text: str, name: str, json: bool) -> bool:
    quoted = re.escape(name)
    if json:  # {"variable": {"name": {...}}}, the "variable" value also a list of such objects
        import json as json_module

        try:
            variables = json_module.loads(text).get("variable", {})
        except (ValueError, AttributeError, RecursionError):
            return True  # not a JSON object: its parse error is reported, and it may declare it
        return any(isinstance(v, dict) and name in v for v in (variables if isinstance(variables, list) else [variables]))
    return re.search(rf'\bvariable\s*"{quoted}"\s*\{{|\bvariable\s+{quoted}\s*\{{', text) is not None


def _called_by_roots(jobs: list[ModuleJob], calls: dict) -> set:
    """The directories some root calls as local modules, directly or through the modules it
    calls (`calls`: a job's resolved directory → the directories its tree calls,
    `called_directories`; a tree cut short by a depth limit is continued by the calls of the
    jobs it reaches). The roots are the jobs no other job calls; jobs that only call each
    other (a cycle, which is not followed) stay roots."""
    called_by_another = set().union(*(called - {real} for real, called in calls.items()))
    roots = {job.real for job in jobs if job.real not in called_by_another}
    reached: set = set()
    pending = [directory for real in roots for directory in calls.get(real, set())]
    while pending:
        directory = pending.pop()
        if directory in reached or directory in roots:
            continue
        reached.add(directory)
        pending.extend(calls.get(directory, set()))
    return reached


def _called_by_no_text(jobs: list[ModuleJob], found: Optional[Relevance]) -> set:
    """The jobs (resolved directories, as strings) whose directory no file of the tree names as
    a local module source: roots for certain, as Terraform takes a module source only as written
    (the textual pass sees every call evaluation will follow, and maybe more). None when a
    module downloaded by `terraform init` might call one (its files are not read as text), or
    when a directory the user named is called (its files are reported through its callers)."""
    if found is None or any(job.initialized is not False or job.report is not None for job in jobs):
        return set()  # (report: file mode, where a root reports more once the calls are known)
    named = set().union(*found.calls.values())
    if any(job.named and job.real_text in named for job in jobs):
        return set()
    return {job.real_text for job in jobs} - named


def _is_root(job: ModuleJob, called: set) -> bool:
    # A directory some scanned root calls as a module is checked through its callers, with
    # their inputs, and never again on its own with its defaults, even when the user named it
    # (`mwaa-lint .` in a module repository whose examples/ call `../..`): one defect, one
    # finding. The files named in it are reported through the callers (`_report_through`).
    # A directory called only with `count = 0` / `for_each = {}` yields nothing.
    return job.real not in called


def _report_through(jobs: list[ModuleJob], calls: dict, called: set) -> set:
    """Let each root report the files the user named in the modules it calls (which are checked
    only through it); returns the roots whose report grew (their stored results do not apply)."""
    named = {job.real: job for job in jobs if job.real in called and job.named}
    grown = set()
    for job in jobs:
        if job.real in called or job.report is None:
            continue
        for directory in calls.get(job.real, set()) & named.keys():
            module = named[directory]
            extra = {real(path) for path in module.files} if module.report is None else module.report
            if not extra <= job.report:
                job.report = job.report | extra
                grown.add(job.real)
            job.requirement_files.extend(p for p in module.requirement_files if p not in job.requirement_files)
    return grown


@contextmanager
def _one_run(paths: list, options: RunOptions):
    """What holds for the length of a run: each path resolved once, one parse cache for the
    Loader and for what rules parse (requirements files), and one project every read is
    checked against."""
    with resolving_once(), in_use(ParseCache(options.cache_dir)):
        with confined_to(options.project or Project.find(paths)):
            yield


def run(paths: list, rules: list, options: RunOptions, root: Path, progress: Optional[OnProgress] = None) -> Result:
    """`progress(stage, done, total)`, when given, hears of each module read and each root checked."""
    with _one_run(paths, options):
        return _run(paths, rules, options, root, progress or (lambda stage, done, total: None))


def _run(paths: list, rules: list, options: RunOptions, root: Path, progress: OnProgress) -> Result:
    # Each job is answered by its stored result when nothing its check looked at has changed
    # (result_cache.py); the others are parsed (from the parse cache where it can), evaluated, and,
    # if no other scanned root calls them as a module, checked; their results are stored.
    loader = Loader(current())
    try:
        return _check(paths, rules, options, root, progress, loader)
    finally:
        loader.close()


def _check(paths: list, rules: list, options: RunOptions, root: Path, progress: OnProgress, loader: Loader) -> Result:
    early: dict = {}
    from_text: dict = {}
    jobs, diagnostics, stats, notes, found = _jobs(paths, options, loader, early, from_text)
    store = ResultStore(options.cache_dir, rules, options)
    # a root checked with a plan is checked again every time (what it read includes the plan)
    reused = {job.real: entry for job in jobs if job.plan is None and (entry := store.get(job)) is not None}
    evaluated = [job for job in jobs if job.real not in reused and job.real not in early and job.real not in from_text]
    # the modules they call too, so the pool parses them and this process never builds the parser;
    # those first, as the roots need them, so that the first roots are checked while the rest parse
    modules = found.modules_called([os.fspath(job.real) for job in evaluated]) if found is not None else []
    loader.prefetch([Path(name) for name in modules] + [path for job in evaluated for path in job.files])
    prepared = {}
    text_calls: dict = {}  # a root checked from its text → the directories its calls reach
    # an evaluated job → the directories its tree calls, asked as soon as it is evaluated: a check
    # spends evaluation steps (evaluate.MAX_STEPS), and a call's count asked after might be Unknown
    called_by: dict = {}
    uncalled = _called_by_no_text(jobs, found)
    for done, job in enumerate(jobs, 1):
        if job.real not in reused:
            textual = None if job.real in early else _from_text(job, from_text)
            if textual is not None:
                text_calls[job.real] = {Path(directory) for directory in from_text[job.real]}
            prepared[job.real] = early.get(job.real) or textual or prepare(job, loader, options)
            if prepared[job.real].ev is not None:
                called_by[job.real] = called_directories(prepared[job.real].ev)
            if job.real_text in uncalled and textual is None and job.real not in early:
                # a root for certain: checked now, while the parse workers give the next roots' files
                prepared[job.real].outcome = outcome(prepared[job.real], rules, options)
        progress("reading modules", done, len(jobs))
    calls = {**{real: entry.called for real, entry in reused.items()}, **text_calls, **called_by}
    called = _called_by_roots(jobs, calls)
    for module in called & prepared.keys():  # checked early only if no text called it: never, then
        prepared[module].outcome = None
    grown = _report_through(jobs, calls, called)
    outcomes = []
    roots = [job for job in jobs if _is_root(job, called)]
    for done, job in enumerate(roots, 1):
        progress("checking modules", done, len(roots))
        entry = reused.get(job.real) if job.real not in grown else None
        if entry is not None and entry.outcome is not None:
            outcomes.append(entry.outcome)
            stats.roots_reused += 1
            continue
        if job.real not in prepared:  # answered before as a module some root called; a root now
            prepared[job.real] = prepare(job, loader, options)
            if prepared[job.real].ev is not None:
                called_by[job.real] = called_directories(prepared[job.real].ev)
        checked = prepared[job.real]
        if checked.outcome is None or job.real in grown:  # (grown: its report changed since it was checked early)
            checked.outcome = outcome(checked, rules, options)
        outcomes.append(checked.outcome)
    stats.files_parsed, stats.files_from_cache = loader.parsed + loader.cache.parsed, loader.cache.hits
    for each in prepared.values():
        if _keep(each):
            called_by_it = called_by.get(each.job.real, text_calls.get(each.job.real, set()))
            store.put(each.job, Entry(each.records, called_by_it, each.outcome))
    checked = result(outcomes, diagnostics, stats, rules, options, root)
    checked.notes = notes
    return checked


def _from_text(job: ModuleJob, from_text: dict) -> Optional[Root]:
    """The root of a job that matters only for the missing module it calls, checked from its text
    (missing_sources.py); None for any other, or when its text does not say it plainly."""
    if job.real not in from_text:
        return None
    from .missing_sources import missing_source_root

    return missing_source_root(job, from_text[job.real])


def _keep(prepared: Root) -> bool:
    """Is this root's outcome worth keeping? Also when it could not be evaluated: a file that
    does not parse, a module source that is missing, a file the gate refused all give the same
    diagnostics while what the root looked at (its records: the bytes read, the directories
    asked for) is unchanged. Not when a rule crashed (out of memory, say): what failed is
    looked at again next time; nor when it was checked with a plan."""
    if prepared.job.plan is not None:
        return False
    return prepared.outcome is None or all(d.kind != "internal-error" for d in prepared.outcome.diagnostics)


def refused_reads() -> list:
    """Diagnostics for the reads refused since the last root was checked (`mwaa-lint cost`
    evaluates after `load_roots`)."""
    return [refused(r) for r in current_project().take_refusals()]


def load_roots(paths: list, options: RunOptions) -> tuple[list[Context], list]:
    """(Contexts, diagnostics): the evaluated root modules `run()` would check, without running
    rules, for commands that read the model (`mwaa-lint cost`); a root with a file that does
    not parse is left out and its diagnostics returned."""
    from .context import Context

    with _one_run(paths, options):
        loader = Loader(current())
        try:
            early: dict = {}
            jobs, diagnostics, _, _, _ = _jobs(paths, options, loader, early)
            loader.prefetch([path for job in jobs if job.real not in early for path in job.files])
            prepared = [early.get(job.real) or prepare(job, loader, options) for job in jobs]
        finally:
            loader.close()
        called = _called_by_roots(jobs, {r.job.real: called_directories(r.ev) for r in prepared if r.ev is not None})
        roots = [r for r in prepared if _is_root(r.job, called)]
    contexts = []
    for root in roots:
        diagnostics.extend(d for d in map(refused, root.refusals) if d not in diagnostics)
        if root.ev is None or root.diagnostics:
            diagnostics.extend(d for d in root.diagnostics if d not in diagnostics)
            continue
        contexts.append(Context(module=root.ev.module, ev=root.ev, options=options.rule_options,
                                requirement_files=root.job.requirement_files))
    return contexts, diagnostics
