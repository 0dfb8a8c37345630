"""The effective settings of one check: the config file's values with the command line's on top.

Precedence: a flag given on the command line wins; `select` from the command line replaces
the config's, `ignore`, var files and rule options add to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import click

from . import config as cfg
from .cache import default_directory as default_cache_directory
from .registry import find_rule, select, unknown_selectors
from .rule import Severity


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

    @classmethod
    def build(cls, paths: list, flags: dict, all_rules: list) -> Settings:
        path = Path(flags["config_file"]) if flags.get("config_file") else cfg.find(Path(paths[0]))
        if flags.get("config_file") and not path.is_file():
            raise cfg.ConfigError(f"{path}: no such configuration file")
        config = cfg.load(path)
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
            cache_dir=self.cache_dir,
            skip_irrelevant=not self.scan_all,
        )

    def describe(self) -> str:
        """The effective configuration, as YAML a user could paste into .mwaa-lint.yaml."""
        import yaml


        shown = {
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
            "knowledge-tables": self.config.get("knowledge-tables", {}),
        }
        return yaml.safe_dump(shown, sort_keys=False, allow_unicode=True)


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
            options.setdefault(rule.id, {})[option] = _number(raw)
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
    from .cli import FORMATS

    extra = list(flags["outputs"]) or config.get("output", [])
    outputs = []
    for spec in extra:
        fmt, sep, dest = spec.partition(":")
        if not sep or fmt not in FORMATS or not dest:
            raise click.BadParameter(f"{spec!r} is not FORMAT:PATH with FORMAT one of {', '.join(FORMATS)} "
                                     "(PATH - is standard output)", param_hint="--output")
        outputs.append((fmt, dest if dest == "-" else str(config.resolve(dest)) if not flags["outputs"] else dest))
    if flags["output_format"] or flags["output_file"] or not outputs:
        fmt = flags["output_format"] or config.get("format", "text")
        if fmt not in FORMATS:
            raise cfg.ConfigError(f"{config.path}: format: expected one of {', '.join(FORMATS)}, found {fmt!r}")
        outputs.insert(0, (fmt, flags["output_file"] or "-"))
    return outputs
