"""Command line: `mwaa-lint [check] PATHS`, `mwaa-lint rules`, `mwaa-lint rule ID`.

Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 usage, parse or internal error.
"""
from __future__ import annotations

import atexit
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
from .output.text import render_diagnostics
from .project import confined_to
from .registry import RegistryError, find_rule, load_rules
from .rule import Severity
from .settings import Settings

FORMATS = ("text", "concise", "json", "jsonl", "json-lines", "sarif", "github", "gitlab", "junit")
_RENDERER = {"json-lines": "jsonl"}  # the same format under its longer name
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class DefaultToCheck(click.Group):
    """`mwaa-lint infra/` means `mwaa-lint check infra/`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mwaa-lint")
def main():
    """Lint Terraform that configures Amazon MWAA. Run `mwaa-lint PATH...`."""
    # A run is short, and most objects it makes (parsed files, values) live to its end:
    # looking for garbage among them every 700 allocations is wasted time, and so is the
    # interpreter's last full collection at exit (frozen objects are skipped). Rarely, not never.
    gc.set_threshold(100_000, 20, 100)
    atexit.register(gc.freeze)


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
    return hasattr(stream, "isatty") and stream.isatty()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "-f", "output_format", type=click.Choice(FORMATS), help="Report format (default: text).")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
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
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record every current finding in this baseline file.")
@click.option("--no-inline-ignores", is_flag=True, help="Ignore `mwaa-lint: ignore[...]` comments (for audits).")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule produced, and files read and parsed.")
@click.option("--no-cache", is_flag=True, help="Parse and check everything again; read and write no cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Directory of the parse and result caches (default: ~/.cache/mwaa-lint).")
@click.option("--scan-all", is_flag=True, help="Parse every module, also those with no aws_mwaa_environment in reach (slower).")
@click.option("--project-root", type=click.Path(file_okay=False), help="Nothing outside this directory is read or written on the "
              "repository's behalf (default: the git top level, else the config file's directory, else the scanned paths' parent).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def check(paths, **flags):
    """Check Terraform files and directories (default: the current directory)."""
    paths = list(paths) or ["."]
    all_rules = _rules_or_exit()
    try:
        settings = Settings.build(paths, flags, all_rules)
        if flags["show_config"]:
            click.echo(settings.describe(), nl=False)
            sys.exit(EXIT_CLEAN)
        with confined_to(settings.project):  # a baseline or knowledge table is read through its gate
            options = settings.run_options(all_rules)
    except (ConfigError, BaselineError, TableError, click.BadParameter) as exc:
        message = exc.format_message() if isinstance(exc, click.BadParameter) else str(exc)
        click.echo(f"mwaa-lint: error: {message}", err=True)
        sys.exit(EXIT_ERROR)

    with confined_to(settings.project):  # the rest of the run reads and writes through its gate
        _check_and_report(paths, settings, options, flags)


def _check_and_report(paths: list, settings: Settings, options, flags: dict) -> None:
    from .engine import run

    result = run(paths, settings.rules, options, root=Path.cwd())

    if result.diagnostics:  # problems with the run go to stderr, whatever the report format
        click.echo(render_diagnostics(result, color=_use_color(flags["color"], sys.stderr)), err=True, nl=False)
    for output_format, destination in settings.outputs:
        _write_report(result, output_format, destination, flags["color"])
    if flags["statistics"]:
        stream_is_report = any(dest == "-" and fmt not in ("text", "concise") for fmt, dest in settings.outputs)
        click.echo(importlib.import_module(".output.statistics", __package__).render(result), err=stream_is_report, nl=False)
    if flags["write_baseline"]:
        from .baseline import render as render_baseline

        target = Path(flags["write_baseline"])
        target.write_text(render_baseline(result.findings, target.resolve().parent), encoding="utf-8")
        click.echo(f"mwaa-lint: recorded {len(result.findings)} findings in the baseline {target}", err=True)

    if result.diagnostics:
        sys.exit(EXIT_ERROR)
    if flags["write_baseline"] or flags["exit_zero"]:
        sys.exit(EXIT_CLEAN)
    threshold = Severity.parse(settings.fail_on)
    sys.exit(EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_CLEAN)


def _write_report(result, output_format: str, destination: str, color_choice: str) -> None:
    renderer = importlib.import_module(f".output.{_RENDERER.get(output_format, output_format)}", __package__)
    if destination == "-":
        stream = sys.stdout
        stream.write(renderer.render(result, color=output_format in ("text", "concise") and _use_color(color_choice, stream)))
        stream.flush()
        return
    Path(destination).write_text(renderer.render(result, color=False), encoding="utf-8")
    click.echo(f"mwaa-lint: {len(result.findings)} findings written to {destination} ({output_format})", err=True)


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
        contexts, diagnostics = load_roots(paths, options)
        found = estimates(contexts)
        diagnostics.extend(d for d in refused_reads() if d not in diagnostics)
        if diagnostics:
            result = Result(findings=[], diagnostics=diagnostics, rules=[], root=Path.cwd())
            click.echo(render_diagnostics(result, color=_use_color("auto", sys.stderr)), err=True, nl=False)
        click.echo(render(found, output_format, budget), nl=False)
    sys.exit(EXIT_ERROR if diagnostics else EXIT_CLEAN)


@main.command(name="rules")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (the README's rule table).")
def list_rules(markdown):
    """List every rule: id, slug, severity and summary, marking the rules off by default."""
    rules = _rules_or_exit()

    def summary(rule) -> str:
        # a rule whose summary already says so (MWAA002) is not marked twice
        off = not rule.enabled_by_default and "(off by default)" not in rule.summary()
        return rule.summary() + (" (off by default)" if off else "")

    if markdown:
        click.echo("| ID | slug | severity | summary |\n|---|---|---|---|")
        for rule in rules:
            cell = summary(rule).replace("|", "\\|")
            click.echo(f"| {rule.id} | {rule.slug} | {rule.severity} | {cell} |")
        return
    width = max(len(r.slug) for r in rules)
    for rule in rules:
        click.echo(f"{rule.id}  {rule.slug:<{width}}  {str(rule.severity):<7}  {summary(rule)}")


@main.command(name="rule")
@click.argument("rule_id")
def show_rule(rule_id):
    """Print a rule's full documentation (by id or slug)."""
    rules = _rules_or_exit()
    rule = find_rule(rules, rule_id)
    if rule is None:
        click.echo(f"mwaa-lint: error: no rule {rule_id!r}; see `mwaa-lint rules`", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{rule.id} {rule.slug} [{rule.severity}]\n")
    click.echo(rule.doc())
    if rule.options:
        click.echo("\n## Options")
        for name, default in rule.options.items():
            click.echo(f"- `{name}` (default: {default if default is not None else 'from the knowledge base'}); "
                       f"set with `--rule-option {rule.id}.{name}=VALUE`")
