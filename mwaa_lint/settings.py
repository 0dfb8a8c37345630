"""The effective settings of one check: the config file's values with the command line's on top.

Precedence: a flag given on the command line wins; `select` from the command line replaces
the config's, `ignore`, var files and rule options add to it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import click

from . import config as cfg
from .cache import default_directory as default_cache_directory
from .output import FORMATS
from .project import Project
from .registry import find_rule, select, unknown_selectors
from .rule import Severity
from .rule_catalog import real


@dataclass
class Settings:
    config: cfg.Config
    rules: list
    fail_on: str
    outputs: list  # (format, "-" or a path)
    rule_options: dict
    var_files: list
    cli_vars: list
    baseline_path: Optional[Path]
    inline_ignores: bool
    severity: dict = field(default_factory=dict)  # rule id → Severity
    cache_dir: Optional[Path] = None
    scan_all: bool = False
    project: Optional[Project] = None
    strict_modules: bool = False  # a module call not followed exits 2

    @classmethod
    def build(cls, paths: list, flags: dict, all_rules: list) -> Settings:
        path: Optional[Path]
        if flags.get("config_file"):
            path = Path(flags["config_file"])
            if not path.is_file():
                raise cfg.ConfigError(f"{path}: no such configuration file")
        else:
            path = cfg.find(Path(paths[0]))
        project = _project(paths, flags, path)
        if path is not None and not flags.get("config_file"):
            _refuse_planted_link(path, project)
        config = cfg.load(path)
        _confine(config, project)
        selects = split(flags["selects"]) or config.get("select", [])
        ignores = config.get("ignore", []) + split(flags["ignores"])
        path_ignored = [s for selectors in config.get("per-path-ignores", {}).values() for s in selectors]
        unknown = unknown_selectors(all_rules, [*selects, *ignores, *path_ignored, *config.get("severity", {})])
        if unknown:
            raise click.BadParameter(f"no rule matches {', '.join(map(repr, unknown))}; see `mwaa-lint rules`",
                                     param_hint="--select/--ignore")
        severity = {
            rule.id: Severity.parse(level)
            for selector, level in config.get("severity", {}).items()
            for rule in all_rules
            if find_rule([rule], selector) or rule.id.startswith(selector.upper())
        }
        rule_options = parse_rule_options(config.get("rule-options", {}), all_rules, f"{config.path}: rule-options")
        for rule_id, options in parse_rule_options(_pairs(flags["rule_options"]), all_rules, "--rule-option").items():
            rule_options.setdefault(rule_id, {}).update(options)
        for assignment in flags["cli_vars"]:
            if not assignment.partition("=")[1] or not assignment.partition("=")[0].strip():
                raise click.BadParameter(f'the given --var option "{assignment}" is not correctly specified; it must be '
                                         'a variable name and value separated by an equals sign, like --var="key=value"',
                                         param_hint="--var")
        baseline = flags.get("baseline_file") or (str(config.resolve(config.get("baseline"))) if config.get("baseline") else None)
        return cls(
            config=config,
            rules=select(all_rules, selects, ignores),
            fail_on=flags["fail_on"] or config.get("fail-on", "warning"),
            outputs=_outputs(flags, config),
            rule_options=rule_options,
            var_files=list(flags["var_files"]),
            cli_vars=list(flags["cli_vars"]),
            baseline_path=Path(baseline) if baseline and not flags.get("write_baseline") else None,
            inline_ignores=not flags["no_inline_ignores"] and config.get("inline-ignores", True),
            severity=severity,
            cache_dir=None if flags.get("no_cache") else Path(flags.get("cache_dir") or default_cache_directory()),
            scan_all=bool(flags.get("scan_all")),
            project=project,
            strict_modules=bool(flags["strict_modules"] if flags.get("strict_modules") is not None
                                else config.get("strict-modules", False)),
        )

    def run_options(self, all_rules: list):
        from .baseline import Baseline
        from .engine import RunOptions
        from .knowledge import use_tables

        use_tables({name: self.config.resolve(path) for name, path in self.config.get("knowledge-tables", {}).items()})

        return RunOptions(
            var_files=self.var_files,
            cli_vars=self.cli_vars,
            rule_options=self.rule_options,
            inline_ignores=self.inline_ignores,
            known_rules=all_rules,
            baseline=Baseline.load(self.baseline_path) if self.baseline_path else None,
            excluded=self.config.excluded,
            path_ignores=self.config.path_ignores,
            severity=self.severity,
            var_files_for=self.config.var_files_for,
            unmatched_patterns=lambda jobs: self.config.unmatched(_scanned(jobs)),
            cache_dir=self.cache_dir,
            skip_irrelevant=not self.scan_all,
            project=self.project,
        )

    def describe(self) -> str:
        """The effective configuration, as YAML a user could paste into .mwaa-lint.yaml."""
        import yaml


        shown = {
            "project-root": f"{self.project.root} ({self.project.origin})" if self.project else None,
            "config-file": str(self.config.path) if self.config.path else None,
            "select": [r.id for r in self.rules],
            "fail-on": self.fail_on,
            "output": [f"{fmt}:{dest}" for fmt, dest in self.outputs],
            "severity": {rule_id: str(level) for rule_id, level in self.severity.items()},
            "per-path-ignores": self.config.get("per-path-ignores", {}),
            "exclude": self.config.get("exclude", []),
            "rule-options": self.rule_options,
            "var-files": self.config.get("var-files", []) or self.var_files,
            "baseline": str(self.baseline_path) if self.baseline_path else None,
            "inline-ignores": self.inline_ignores,
            "strict-modules": self.strict_modules,
            "knowledge-tables": self.config.get("knowledge-tables", {}),
        }
        return yaml.safe_dump(shown, sort_keys=False, allow_unicode=True)


def _scanned(jobs: list):
    """(path, is a directory) of every directory and file discovery found, for the patterns."""
    for job in jobs:
        yield job.directory, True
        for path in (*job.files, *job.var_files, *job.requirement_files):
            yield path, False


def split(values) -> list:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _pairs(values) -> dict:
    """`--rule-option MWAA501.ceiling=10` → {"MWAA501": {"ceiling": "10"}}."""
    out: dict = {}
    for value in values:
        target, _, raw = value.partition("=")
        rule_key, _, option = target.partition(".")
        out.setdefault(rule_key, {})[option] = raw
    return out


def parse_rule_options(given: dict, rules: list, where: str) -> dict:
    options: dict = {}
    for rule_key, values in given.items():
        rule = find_rule(rules, str(rule_key))
        for option, raw in values.items():
            if rule is None or not option or option not in rule.options:
                known = ", ".join(f"{r.id}.{o}" for r in rules for o in r.options) or "none"
                raise click.BadParameter(f"unknown rule option {rule_key}.{option} (known: {known})", param_hint=where)
            value = _number(raw)
            check = real(rule).option_types.get(option)  # a stand-in's rule is imported for its checks
            if check is not None:
                try:
                    value = check(value)
                except ValueError as exc:
                    raise click.BadParameter(f"{rule.id}.{option}: {exc}", param_hint=where) from None
            options.setdefault(rule.id, {})[option] = value
    return options


def _number(raw):
    """A number written as text on the command line; YAML values keep the type they were given."""
    if not isinstance(raw, str):
        return raw
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return raw


def _outputs(flags: dict, config: cfg.Config) -> list:
    """(format, "-" or a path) of each report. `--output` reports are where the user says and
    replace the standard one unless --format or -o asks for it; the config's `output`
    reports (relative to the config file, inside the project: see _confine) add to it."""
    from_command_line = bool(flags["outputs"])
    outputs = []
    for spec in list(flags["outputs"]) or config.get("output", []):
        fmt, sep, dest = spec.partition(":")
        if not sep or fmt not in FORMATS or not dest:
            where = "--output" if from_command_line else f"{config.path}: output"
            raise click.BadParameter(f"{spec!r} is not FORMAT:PATH with FORMAT one of {', '.join(FORMATS)} "
                                     "(PATH - is standard output)", param_hint=where)
        outputs.append((fmt, dest if dest == "-" or from_command_line else str(config.resolve(dest))))
    if flags["output_format"] or flags["output_file"] or not from_command_line:
        fmt = flags["output_format"] or config.get("format", "text")
        if fmt not in FORMATS:
            raise cfg.ConfigError(f"{config.path}: format: expected one of {', '.join(FORMATS)}, found {fmt!r}")
        outputs.insert(0, (fmt, flags["output_file"] or "-"))
    return outputs


def _project(paths: list, flags: dict, config_path: Optional[Path]) -> Project:
    """The project of this run (project.py). What the user typed is trusted wherever it is:
    --var-file, --config, --baseline."""
    trusted = [*flags.get("var_files", ()), flags.get("config_file"), flags.get("baseline_file")]
    explicit = flags.get("project_root")
    if explicit:
        if not Path(explicit).is_dir():
            raise cfg.ConfigError(f"--project-root {explicit}: no such directory")
        project = Project.find(paths, config_path, explicit, tuple(p for p in trusted if p))
        outside = [p for p in paths if project.outside(p)]
        if outside:
            raise cfg.ConfigError(f"{outside[0]} is not inside --project-root {explicit}")
        return project
    return Project.find(paths, config_path, None, tuple(p for p in trusted if p))


def _refuse_planted_link(path: Path, project: Project) -> None:
    """A config file found inside the project may not be a link to a file outside it (whose
    text a YAML error would quote); one found above the project is the user's own."""
    by_name = os.path.normpath(os.path.abspath(path))
    reason = project.outside(path)
    if reason is not None and by_name.startswith(project.root.rstrip(os.sep) + os.sep):
        raise cfg.ConfigError(f"{path}: {reason}")


def _confine(config: cfg.Config, project: Project) -> None:
    """The config file is the repository's: every path in it must stay inside the project.
    A report may not be written, nor a var file, knowledge table or baseline read, elsewhere."""
    if config.path is None:
        return
    # (key, the path as written, the path it names): relative to the config file, except
    # per-directory var files, which are relative to their module directory
    named: list = [("baseline", config.get("baseline"))] if config.get("baseline") else []
    named += [("knowledge-tables", path) for path in config.get("knowledge-tables", {}).values()]
    named += [("output", spec.partition(":")[2]) for spec in config.get("output", []) if spec.partition(":")[2] not in ("", "-")]
    var_files = config.get("var-files", [])
    named += [("var-files", path) for path in var_files] if isinstance(var_files, list) else []
    paths = [(key, written, config.resolve(written)) for key, written in named]
    if isinstance(var_files, dict):
        paths += [("var-files", path, config.resolve(d) / path) for d, listed in var_files.items() for path in listed]
    for key, written, resolved in paths:
        reason = project.outside(resolved)
        if reason is None and key == "output" and Path(written).is_absolute():
            reason = f"is absolute; reports the configuration names are written inside the project root {project.root}"
        if reason is not None:
            raise cfg.ConfigError(f"{config.path}: {key}: {written} {reason.removesuffix('; not read')}; "
                                  "paths in the configuration must stay inside the project")
