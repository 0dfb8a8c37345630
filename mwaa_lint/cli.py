"""Command line: `mwaa-lint [check] PATHS`, `mwaa-lint rules`, `mwaa-lint rule ID`.

Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 usage, parse or internal error.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from . import __version__
from .registry import RegistryError, find_rule, load_rules, select, unknown_selectors
from .rule import Severity

FORMATS = ("text", "json", "sarif")
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


def _split(values) -> list:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


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


def _parse_rule_options(values, rules) -> dict:
    options: dict = {}
    for value in values:
        target, _, raw = value.partition("=")
        rule_key, _, option = target.partition(".")
        rule = find_rule(rules, rule_key)
        if rule is None or not option or option not in rule.options:
            known = ", ".join(f"{r.id}.{o}" for r in rules for o in r.options) or "none"
            raise click.BadParameter(f"unknown rule option {target!r} (known: {known})", param_hint="--rule-option")
        try:
            parsed = int(raw)
        except ValueError:
            parsed = raw
        options.setdefault(rule.id, {})[option] = parsed
    return options


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "-f", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout.")
@click.option("--select", "selects", multiple=True, metavar="IDS", help="Rule ids, slugs or prefixes (MWAA2) to run; comma separated.")
@click.option("--ignore", "ignores", multiple=True, metavar="IDS", help="Rule ids, slugs or prefixes to skip.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (errors in the run still exit 2).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(), help="A .tfvars file, as for terraform plan.")
@click.option("--var", "cli_vars", multiple=True, metavar="NAME=VALUE", help="A variable value, as for terraform plan.")
@click.option("--rule-option", "rule_options", multiple=True, metavar="ID.OPTION=VALUE", help="e.g. MWAA501.ceiling=10")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def check(paths, output_format, output_file, selects, ignores, fail_on, exit_zero, var_files, cli_vars, rule_options, color):
    """Check Terraform files and directories (default: the current directory)."""
    from .engine import RunOptions, run

    all_rules = _rules_or_exit()
    selectors = _split(selects) + _split(ignores)
    unknown = unknown_selectors(all_rules, selectors)
    if unknown:
        raise click.BadParameter(f"no rule matches {', '.join(map(repr, unknown))}; see `mwaa-lint rules`",
                                 param_hint="--select/--ignore")
    rules = select(all_rules, _split(selects), _split(ignores))
    options = RunOptions(var_files=list(var_files), cli_vars=list(cli_vars),
                         rule_options=_parse_rule_options(rule_options, all_rules))
    result = run(list(paths) or ["."], rules, options, root=Path.cwd())

    renderer = importlib.import_module(f".output.{output_format}", __package__)
    stream = sys.stdout
    text = renderer.render(result, color=output_file is None and _use_color(color, stream))
    if output_file:
        Path(output_file).write_text(text, encoding="utf-8")
        if output_format != "text":  # keep the terminal informed when the report goes to a file
            for diagnostic in result.diagnostics:
                click.echo(f"{diagnostic}", err=True)
            click.echo(f"mwaa-lint: {len(result.findings)} findings written to {output_file}", err=True)
    else:
        stream.write(text)
        stream.flush()
    if result.diagnostics:
        sys.exit(EXIT_ERROR)
    threshold = Severity.parse(fail_on)
    if not exit_zero and any(f.severity >= threshold for f in result.findings):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


@main.command(name="rules")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (the README's rule table).")
def list_rules(markdown):
    """List every rule: id, slug, severity and summary."""
    rules = _rules_or_exit()
    if markdown:
        click.echo("| ID | slug | severity | summary |\n|---|---|---|---|")
        for rule in rules:
            summary = rule.summary().replace("|", "\\|")
            click.echo(f"| {rule.id} | {rule.slug} | {rule.severity} | {summary} |")
        return
    width = max(len(r.slug) for r in rules)
    for rule in rules:
        click.echo(f"{rule.id}  {rule.slug:<{width}}  {str(rule.severity):<7}  {rule.summary()}")


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
