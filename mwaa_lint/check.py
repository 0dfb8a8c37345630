"""Stage 2 of a check: the rules on one evaluated root. Module rules run guarded (a crash is
one diagnostic at the environment the rule was looking at, and the other rules still run);
what the check read is recorded for the result cache; the outcome keeps the suppressions of
the files it read, for stage 3 (policy.py)."""
from __future__ import annotations

from .api import Context as ApiContext  # also registers what AWS data sources compute (aws/__init__.py)
from .context import Context
from .diagnostic import Diagnostic
from .modules import notices as module_notices
from .observations import recording
from .paths import real
from .prepare import Root, refused
from .project import current as current_project
from .result_cache import Outcome
from .run_options import RunOptions
from .suppress import suppressions_in


def outcome(prepared: Root, rules: list, options: RunOptions) -> Outcome:
    with recording(prepared.records):
        findings, diagnostics, checked = _check(prepared, rules, options)
        not_read = [refused(r) for r in [*prepared.refusals, *current_project().take_refusals()]]
        diagnostics = [*diagnostics, *(d for i, d in enumerate(not_read) if d not in not_read[:i] and d not in diagnostics)]
        not_checked: set = set()
        if diagnostics and not checked:
            not_checked = {real(p) for p in prepared.job.files} | {real(d.path) for d in diagnostics if d.path}
        notices, environments = [], 0
        if prepared.ev is not None and not prepared.diagnostics:
            notices = module_notices(prepared.ev)
            environments = sum(1 for each in prepared.ev.tree for block in each.module.blocks("resource")
                               if block.labels[:1] == ["aws_mwaa_environment"])
        return Outcome(findings, diagnostics, checked, not_checked, _scanned(prepared), notices, environments)


def _scanned(prepared: Root) -> dict:
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


def _check(prepared: Root, rules: list, options: RunOptions) -> tuple[list, list, int]:
    """(findings, diagnostics, how many files were checked)."""
    job, ev = prepared.job, prepared.ev
    if ev is None or prepared.diagnostics:
        # the same holds for a module it calls: its resources might be the ones a rule looks for
        return [], prepared.diagnostics, 0
    from .rule import run_rules

    context = Context(module=ev.module, ev=ev, options=options.rule_options, requirement_files=job.requirement_files,
                      plan=job.plan)
    # the module rules (the suppression rules run once the suppressions are applied: suppress.py),
    # guarded: a crash is reported at the environment the rule was looking at
    findings, diagnostics = run_rules(
        [rule_class for rule_class in rules if rule_class.stage == "module"], options.rule_options,
        lambda rule: rule.check(ApiContext(context)),
        lambda rule_class, exc: _internal_error(rule_class, exc, context.current, job))
    if ev.gave_up:
        diagnostics.append(Diagnostic(job.directory, 0, 0, f"{ev.gave_up}; the values past that point were treated as "
                                      "unknown, so this module was not fully checked", kind="limit"))
    if job.report is not None:
        # a named file selects its whole module directory: a finding located in it, or pointing into it
        findings = [f for f in findings if _reported(f.path, job.report)
                    or any(_reported(loc.path, job.report) for loc, _ in f.related)]
    files = {real(f.path) for each in ev.tree for f in each.module.files}
    if job.plan is not None:  # the plan file, read and checked too (the module's file when it is checked alone)
        files.add(real(job.plan.path))
    return findings, diagnostics, len(files) + len(job.requirement_files)


def _reported(path, report: set) -> bool:
    """Is a finding at `path` reported? `report` holds resolved files and directories (a
    directory: every file directly in it, requirements files included)."""
    resolved = real(path)
    return resolved in report or resolved.parent in report


def _internal_error(rule_class, exc: Exception, env, job) -> Diagnostic:
    """A rule's crash, at the environment it was checking when it crashed (if any)."""
    message = f"internal error in rule {rule_class.id}"
    if env is None:
        return Diagnostic(job.directory, 0, 0, f"{message}: {type(exc).__name__}: {exc}", kind="internal-error")
    loc = env.block.loc
    return Diagnostic(loc.path, loc.line, loc.column, f"{message} while checking {env.address}: {type(exc).__name__}: {exc}",
                      kind="internal-error")
