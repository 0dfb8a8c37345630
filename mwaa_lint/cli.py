"""Command line: `mwaa-lint [check] PATHS`, `mwaa-lint rules`, `mwaa-lint rule ID`.

Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 usage, parse or internal error, a
report that could not be written, or (--strict-modules) a module call not followed; 130
interrupted (Ctrl-C). Whatever goes wrong outside the findings ends in one line
`mwaa-lint: error: ...` on standard error, never a traceback (set MWAA_LINT_DEBUG=1 to see
one): exit 1 must only ever mean findings, since CI reads it so.
"""
from __future__ import annotations

import atexit
import dataclasses
import gc
import importlib
import os
import sys
from pathlib import Path

import click

from . import __version__
from .baseline import BaselineError
from .config import SEVERITIES, ConfigError
from .knowledge import TableError
from .output import FOR_PEOPLE, FORMATS, MODULE_OF
from .output.text import clean, render_diagnostics, render_notices
from .project import confined_to
from .redact import printable
from .registry import RegistryError, find_rule, load_rules
from .rule import Severity
from .run_options import UndeclaredVariable
from .settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130  # 130: 128 + SIGINT, as shells report it


class DefaultToCheck(click.Group):
    """`mwaa-lint infra/` means `mwaa-lint check infra/`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            self._no_typo(args[0])
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)

    def _no_typo(self, word: str) -> None:
        """`mwaa-lint chek x`: a word that is no path but is close to a command's name is a
        typo of the command (as ruff says), not a path to check. A path that exists is a path."""
        import difflib

        if word.startswith("-") or os.path.lexists(word):
            return
        close = difflib.get_close_matches(word, list(self.commands), n=1)
        if close:
            _fail(f"no command {printable(word)!r} and no such path; did you mean {close[0]!r}? "
                  f"(`mwaa-lint {close[0]} --help`)")

    def invoke(self, ctx):
        """Run the command; what it did not handle ends here, in one line and exit code 2 (click
        would print a traceback and exit 1, which CI reads as findings)."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise  # click's own: --help, usage errors
        except KeyboardInterrupt:
            _say("mwaa-lint: interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # Reports stop quietly when their reader goes (_emit); a pipe that breaks anywhere
            # else (help text, an error line on a closed standard error) ends the run, quietly too.
            _silence(sys.stdout)
            _silence(sys.stderr)
            sys.exit(EXIT_ERROR)
        except OSError as exc:  # the system refused something (a full disk, a permission): not a bug of ours
            where = f"{printable(str(exc.filename))}: " if exc.filename else ""
            _say(f"mwaa-lint: error: {where}{exc.strerror or exc}")
            sys.exit(EXIT_ERROR)
        except Exception as exc:  # the one place every unexpected error ends
            if os.environ.get("MWAA_LINT_DEBUG"):
                import traceback

                traceback.print_exc()
            detail = printable(str(exc).strip().split("\n")[0][:300])
            _say(f"mwaa-lint: error: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); "
                 "please report it, with the traceback MWAA_LINT_DEBUG=1 prints")
            sys.exit(EXIT_ERROR)


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mwaa-lint")
def main():
    """Lint Terraform that configures Amazon MWAA. Run `mwaa-lint PATH...`."""
    # A run is short, and most objects it makes (parsed files, values) live to its end:
    # looking for garbage among them every 700 allocations is wasted time, and so is the
    # interpreter's last full collection at exit (frozen objects are skipped). Rarely, not never.
    gc.set_threshold(100_000, 20, 100)
    atexit.register(gc.freeze)
    # A character the terminal's encoding cannot show is written as an escape, not a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _emit(text: str, err: bool = False) -> None:
    """Write report text to standard output (or error).

    When its reader goes away (`mwaa-lint | head -1`), the rest of the text is dropped and the run
    goes on to the exit code it earned. ruff and ripgrep exit 0 on a broken pipe (the reader chose
    to stop), pip exits 1; a gate must neither pass because its reader stopped early (with
    `set -o pipefail`, 0 would pass a pull request that has findings) nor fail because of it."""
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        _silence(stream)


def _silence(stream) -> None:
    """Point a stream whose reader has gone at /dev/null, so that nothing written later, not even
    the interpreter's last flush ("Exception ignored ... BrokenPipeError"), complains."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test's captured stream): nothing to flush to
        pass


def _say(line: str) -> None:
    """One line on standard error, even when it is closed."""
    try:
        click.echo(line, err=True)
    except OSError:
        _silence(sys.stderr)


def _fail(message: str):
    _say(f"mwaa-lint: error: {message}")
    sys.exit(EXIT_ERROR)


def _write_file(destination: str, text: str) -> None:
    """Write a report or a baseline where the command line says, creating missing directories (as
    ruff does). Any failure (a directory, no permission, a full disk) is one line and exit 2."""
    target = Path(destination)
    shown = clean(printable(destination))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
    except FileExistsError:  # mkdir: a part of the path is a file
        _fail(f"cannot write {shown}: {clean(printable(str(target.parent)))} is not a directory")
    except OSError as exc:
        _fail(f"cannot write {shown}: {exc.strerror or exc}")


def _rules_or_exit() -> list:
    try:
        return load_rules()
    except RegistryError as exc:
        click.echo(f"mwaa-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream)


def _is_terminal(stream) -> bool:
    try:
        return hasattr(stream, "isatty") and stream.isatty()
    except ValueError:  # closed
        return False


def _width() -> int:
    """The terminal's width ($COLUMNS first, as shutil reads it), never below 40 columns."""
    import shutil  # (with tempfile, which imports it, 10-15 ms a run that writes no text report)

    return max(shutil.get_terminal_size().columns, 40)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "-f", "output_format", type=click.Choice(FORMATS), help="Report format (default: text).")
@click.option("--output-file", "-o", type=click.Path(), help="Write the report here instead of stdout.")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT:PATH",
              help="An extra report, e.g. sarif:out.sarif or text:- (stdout); repeatable.")
@click.option("--select", "selects", multiple=True, metavar="IDS", help="Rule ids, slugs or prefixes (MWAA2) to run; comma separated.")
@click.option("--ignore", "ignores", multiple=True, metavar="IDS", help="Rule ids, slugs or prefixes to skip.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (errors in the run still exit 2).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(), help="A .tfvars file, as for terraform plan.")
@click.option("--var", "cli_vars", multiple=True, metavar="NAME=VALUE", help="A variable value, as for terraform plan.")
@click.option("--rule-option", "rule_options", multiple=True, metavar="ID.OPTION=VALUE", help="e.g. MWAA501.ceiling=10")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file (default: the nearest "
              ".mwaa-lint.yaml, or [tool.mwaa-lint] in pyproject.toml, from the first path upward).")
@click.option("--show-config", is_flag=True, help="Print the effective configuration and exit.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), help="Do not report findings recorded in this baseline.")
@click.option("--write-baseline", type=click.Path(), help="Record every current finding in this baseline file.")
@click.option("--no-inline-ignores", is_flag=True, help="Ignore `mwaa-lint: ignore[...]` comments (for audits).")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule produced, and files read and parsed.")
@click.option("--no-cache", is_flag=True, help="Parse and check everything again; read and write no cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Directory of the parse and result caches (default: ~/.cache/mwaa-lint).")
@click.option("--strict-modules", is_flag=True, default=None, help="Exit 2 when a module call could not be followed "
              "(not downloaded by `terraform init`, or stale), instead of only saying so.")
@click.option("--scan-all", is_flag=True, help="Parse every module, also those with no aws_mwaa_environment in reach (slower).")
@click.option("--project-root", type=click.Path(file_okay=False), help="Nothing outside this directory is read or written on the "
              "repository's behalf (default: the git top level, else the config file's directory, else the scanned paths' parent).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, check again, and report what is left.")
@click.option("--diff", is_flag=True, help="Print the changes --fix would make as a unified diff; write nothing "
              "(exit 1 when there are some).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("--plan", "plans", multiple=True, type=click.Path(dir_okay=False, path_type=str),
              help="A Terraform plan in JSON (terraform show -json PLANFILE), whatever its name; a .json path that holds "
                   "one is recognised without it.")
def check(paths, **flags):
    """Check Terraform files and directories (default: the current directory), or plans in JSON."""
    plans = list(flags.pop("plans"))
    paths = list(paths) or ([] if plans else ["."])
    all_rules = _rules_or_exit()
    try:
        settings = Settings.build([*paths, *plans], flags, all_rules)
        if flags["show_config"]:
            _emit(settings.describe())
            sys.exit(EXIT_CLEAN)
        with confined_to(settings.project):  # a baseline or knowledge table is read through its gate
            options = settings.run_options(all_rules)
            options.plans = plans
    except (ConfigError, BaselineError, TableError, click.BadParameter) as exc:
        message = exc.format_message() if isinstance(exc, click.BadParameter) else str(exc)
        click.echo(f"mwaa-lint: error: {message}", err=True)
        sys.exit(EXIT_ERROR)

    with confined_to(settings.project):  # the rest of the run reads and writes through its gate
        try:
            _check_and_report(paths, settings, options, flags)
        except UndeclaredVariable as exc:  # found before any module is parsed
            _fail(str(exc))


def _check_and_report(paths: list, settings: Settings, options, flags: dict) -> None:
    from .engine import run
    from .output.progress import Progress
    from .result import ReportRoots

    roots = ReportRoots.find(paths)

    def check_paths():
        with Progress.on(sys.stderr) as progress:  # only on a terminal, only after a second
            return run(paths, settings.rules, options, root=roots.people, progress=progress)

    if flags["diff"]:
        _diff(check_paths)
    fixed = None
    if flags["fix"]:
        fixed = _fix(check_paths)
    result = fixed.result if fixed is not None else check_paths()

    if result.diagnostics:  # problems with the run go to stderr, whatever the report format
        _emit(render_diagnostics(result, color=_use_color(flags["color"], sys.stderr)), err=True)
    # Module calls not followed: every report format carries them, and standard error too, for the
    # person reading the log (machine formats are for programs) and beside the text report (whose
    # summary only names them). Not when a concise report on standard output already has one line
    # per notice: a terminal or a CI log would show each twice.
    if result.notices and not any(fmt == "concise" and dest == "-" for fmt, dest in settings.outputs):
        _emit(render_notices(result, color=_use_color(flags["color"], sys.stderr)), err=True)
    for output_format, destination in settings.outputs:
        _write_report(result, output_format, destination, flags["color"], roots)
    if flags["statistics"]:
        stream_is_report = any(dest == "-" and fmt not in ("text", "concise") for fmt, dest in settings.outputs)
        _emit(importlib.import_module(".output.statistics", __package__).render(result), err=stream_is_report)
    if fixed is not None:
        stream_is_report = any(dest == "-" and fmt not in ("text", "concise") for fmt, dest in settings.outputs)
        _emit(fixed.summary() + "\n", err=stream_is_report)
    if flags["write_baseline"]:
        from .baseline import render as render_baseline

        target = flags["write_baseline"]
        _write_file(target, render_baseline(result.findings, Path(target).resolve().parent))
        _say(f"mwaa-lint: recorded {len(result.findings)} findings in the baseline {clean(printable(target))}")

    if result.diagnostics or (fixed is not None and fixed.failed) or (settings.strict_modules and result.notices):
        sys.exit(EXIT_ERROR)
    if flags["write_baseline"] or flags["exit_zero"]:
        sys.exit(EXIT_CLEAN)
    threshold = Severity.parse(settings.fail_on)
    sys.exit(EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_CLEAN)


def _diff(check_paths) -> None:
    """`--diff`: the unified diff of what --fix would change on standard output; nothing is
    written. Exit 1 when there is a diff, 0 when not, 2 when the fixed text still has a file
    that cannot be checked."""
    from .fixing import diff, fix_passes

    fixed = fix_passes(check_paths)
    for note in fixed.notes:
        _say(f"mwaa-lint: {clean(printable(note))}")
    if not fixed.settled:
        sys.exit(EXIT_ERROR)
    text = diff(fixed)
    _emit(text)
    count = fixed.findings + fixed.syntax_errors
    _say(f"mwaa-lint: would fix {count} {'problem' if count == 1 else 'problems'}" if text else "mwaa-lint: nothing to fix")
    sys.exit(EXIT_ERROR if fixed.result.diagnostics and not text else EXIT_FINDINGS if text else EXIT_CLEAN)


def _fix(check_paths):
    """`--fix`: apply the fixes pass after pass (fixing.py), write the files that changed, and
    give the check of the fixed files. A file that could not be written is one error line and
    the run checks the files as they are on disk."""
    from .fixing import fix_passes, write
    from .project import current as current_project

    fixed = fix_passes(check_paths)
    for note in fixed.notes:
        _say(f"mwaa-lint: {clean(printable(note))}")
    failures = write(fixed) if fixed.settled else []
    current_project().overlay.clear()
    for failure in failures:
        _say(f"mwaa-lint: error: {clean(printable(failure))}")
    if failures or not fixed.settled:  # report the files as they are on disk; exit 2
        if not fixed.settled:
            fixed.findings = fixed.syntax_errors = 0
        fixed.result = check_paths()
        fixed.failed = True
    return fixed


def _write_report(result, output_format: str, destination: str, color_choice: str, roots) -> None:
    renderer = importlib.import_module(f".output.{MODULE_OF.get(output_format, output_format)}", __package__)
    if output_format not in FOR_PEOPLE:  # paths a CI system or a script places: from the repository root
        result = dataclasses.replace(result, root=roots.repository)
    if destination == "-":
        if output_format == "text" and _is_terminal(sys.stdout):  # long messages wrap; never in a pipe
            _emit(renderer.render(result, color=_use_color(color_choice, sys.stdout), width=_width()))
            return
        _emit(renderer.render(result, color=output_format in FOR_PEOPLE and _use_color(color_choice, sys.stdout)))
        return
    _write_file(destination, renderer.render(result, color=False))
    _say(f"mwaa-lint: {len(result.findings)} findings written to {clean(printable(destination))} ({output_format})")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown is a table to paste into a pull request.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(), help="A .tfvars file, as for terraform plan.")
@click.option("--var", "cli_vars", multiple=True, metavar="NAME=VALUE", help="A variable value, as for terraform plan.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file (default: the nearest "
              ".mwaa-lint.yaml, or [tool.mwaa-lint] in pyproject.toml, from the first path upward).")
@click.option("--project-root", type=click.Path(file_okay=False), help="Nothing outside this directory is read on the "
              "repository's behalf (default: the git top level, else the config file's directory, else the scanned paths' parent).")
def cost(paths, output_format, var_files, cli_vars, config_file, project_root):
    """Print each environment's monthly cost floor and ceiling, and what they assume."""
    from .cost import estimates, parse_budget
    from .engine import load_roots, refused_reads
    from .output.cost_report import render
    from .result import Result

    paths = list(paths) or ["."]
    all_rules = _rules_or_exit()
    flags = {"config_file": config_file, "selects": (), "ignores": (), "rule_options": (), "baseline_file": None,
             "fail_on": None, "outputs": (), "output_format": None, "output_file": None, "var_files": var_files,
             "cli_vars": cli_vars, "no_inline_ignores": False, "write_baseline": None, "project_root": project_root}
    try:
        settings = Settings.build(paths, flags, all_rules)
        settings.baseline_path = None  # a cost report reads no baseline
        with confined_to(settings.project):
            options = settings.run_options(all_rules)
        budget = parse_budget(settings.rule_options.get("MWAA504", {}).get("budget"))
    except (ConfigError, TableError, click.BadParameter, ValueError) as exc:
        message = exc.format_message() if isinstance(exc, click.BadParameter) else str(exc)
        click.echo(f"mwaa-lint: error: {message}", err=True)
        sys.exit(EXIT_ERROR)

    with confined_to(settings.project):  # estimates evaluate values, which may read files
        try:
            contexts, diagnostics = load_roots(paths, options)
        except UndeclaredVariable as exc:
            _fail(str(exc))
        found = estimates(contexts)
        diagnostics.extend(d for d in refused_reads() if d not in diagnostics)
        if diagnostics:
            result = Result(findings=[], diagnostics=diagnostics, rules=[], root=Path.cwd())
            _emit(render_diagnostics(result, color=_use_color("auto", sys.stderr)), err=True)
        _emit(render(found, output_format, budget))
    sys.exit(EXIT_ERROR if diagnostics else EXIT_CLEAN)


@main.command(name="rules")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (the README's rule table).")
def list_rules(markdown):
    """List every rule: id, slug, severity, [*] when --fix can fix its findings, and summary,
    marking the rules off by default."""
    rules = _rules_or_exit()

    def summary(rule) -> str:
        # a rule whose summary already says so (MWAA002) is not marked twice
        off = not rule.enabled_by_default and "(off by default)" not in rule.summary()
        return rule.summary() + (" (off by default)" if off else "")

    if markdown:
        lines = ["| ID | slug | severity | fix | summary |", "|---|---|---|---|---|"]
        for rule in rules:
            cell = summary(rule).replace("|", "\\|")
            lines.append(f"| {rule.id} | {rule.slug} | {rule.severity} | {'[*]' if rule.fixable else ''} | {cell} |")
    else:
        width = max(len(r.slug) for r in rules)
        lines = [f"{rule.id}  {rule.slug:<{width}}  {str(rule.severity):<7}  {'[*]' if rule.fixable else '   '}  {summary(rule)}"
                 for rule in rules]
    _emit("".join(line + "\n" for line in lines))


@main.command(name="rule")
@click.argument("rule_id")
def show_rule(rule_id):
    """Print a rule's full documentation (by id or slug)."""
    rules = _rules_or_exit()
    rule = find_rule(rules, rule_id)
    if rule is None:
        click.echo(f"mwaa-lint: error: no rule {rule_id!r}; see `mwaa-lint rules`", err=True)
        sys.exit(EXIT_ERROR)
    lines = [f"{rule.id} {rule.slug} [{rule.severity}]", "", rule.doc()]
    if rule.options:
        lines.append("\n## Options")
        for name, default in rule.options.items():
            lines.append(f"- `{name}` (default: {default if default is not None else 'from the knowledge base'}); "
                         f"set with `--rule-option {rule.id}.{name}=VALUE`")
    _emit("".join(line + "\n" for line in lines))
