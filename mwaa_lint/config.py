"""Configuration: `.mwaa-lint.yaml` (or `[tool.mwaa-lint]` in pyproject.toml) found upward
from the scanned path, or the file `--config` names. Keys mirror the command-line flags;
an unknown key or a bad value is an error that names it, never silently ignored.

```yaml
select: [MWAA1, MWAA2]          # ids, slugs or prefixes
ignore: [MWAA103]
per-path-ignores:               # glob (relative to this file) → rules
  "sandbox/**": [MWAA501]
severity: {MWAA102: error}      # override a rule's severity
fail-on: warning
format: text
output: ["sarif:mwaa-lint.sarif"]
exclude: ["legacy/**"]
rule-options: {MWAA501: {ceiling: 10}}
var-files:                      # per module directory, or a list for every module
  envs/prod: [prod.tfvars]
baseline: .mwaa-lint-baseline.json
inline-ignores: true
strict-modules: false           # true: a module call not followed (not downloaded, stale) exits 2
knowledge-tables:               # your own copy of a table, when AWS moves faster than releases
  airflow_versions: ops/mwaa-airflow-versions.json
```
"""
from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .paths import real
from .project import read_regular

MAX_CONFIG_BYTES = 1024 * 1024

FILE_NAMES = (".mwaa-lint.yaml", ".mwaa-lint.yml")
SEVERITIES = ("info", "warning", "error")
KEYS = {
    "select": "list of rule ids, slugs or prefixes",
    "ignore": "list of rule ids, slugs or prefixes",
    "per-path-ignores": "mapping of path glob to a list of rules",
    "severity": "mapping of rule to info, warning or error",
    "fail-on": "info, warning or error",
    "format": "an output format name",
    "output": "list of FORMAT:PATH",
    "exclude": "list of path globs",
    "rule-options": "mapping of rule id to a mapping of option to value",
    "var-files": "list of .tfvars paths, or mapping of module directory to such a list",
    "baseline": "path of a baseline file",
    "inline-ignores": "true or false",
    "strict-modules": "true or false",
    "knowledge-tables": "mapping of knowledge table name to the path of a replacement JSON file",
}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: Optional[Path] = None  # None: no file; defaults only
    values: dict = field(default_factory=dict)  # validated, kebab-case keys

    @property
    def base(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self.base / path

    def excluded(self, path: Path) -> bool:
        return _matches_any(path, self.base, self.get("exclude", []))

    def path_ignores(self, path: Path) -> list:
        """The rule selectors `per-path-ignores` turns off for this file."""
        return [
            selector
            for pattern, selectors in self.get("per-path-ignores", {}).items()
            if _matches_any(path, self.base, [pattern])
            for selector in selectors
        ]

    def var_files_for(self, directory: Path) -> list:
        configured = self.get("var-files", [])
        if isinstance(configured, list):
            return [self.resolve(p) for p in configured]
        # per directory: each file is relative to its module directory, as `terraform plan -var-file` run there
        target = Path(directory).resolve()
        return [target / p for d, paths in configured.items() if self.resolve(d).resolve() == target for p in paths]


def find(start: Path) -> Optional[Path]:
    """The nearest config file in `start` or a directory above it."""
    here = Path(start).resolve()
    here = here if here.is_dir() else here.parent
    for directory in (here, *here.parents):
        for name in FILE_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "mwaa-lint" in _read(pyproject, errors="replace"):
            if _pyproject_table(pyproject) is not None:
                return pyproject
    return None


def load(path: Optional[Path]) -> Config:
    if path is None:
        return Config()
    if path.name == "pyproject.toml":
        raw = _pyproject_table(path)
        if raw is None:
            raise ConfigError(f"{path}: no [tool.mwaa-lint] table")
    else:
        import yaml  # here, not at the top: most runs have no config file, and yaml is slow to import

        try:
            raw = yaml.safe_load(_read(path))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {getattr(exc, 'reason', None) or exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            raise ConfigError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, found {type(raw).__name__}")
    return Config(path, {key: _check(path, key, value) for key, value in _kebab(path, raw).items()})


def _kebab(path: Path, raw: dict) -> dict:
    out = {}
    for key, value in raw.items():
        name = str(key).replace("_", "-")
        if name not in KEYS:
            known = ", ".join(KEYS)
            raise ConfigError(f"{path}: unknown key {key!r} (known keys: {known})")
        out[name] = value
    return out


def _check(path: Path, key: str, value: Any) -> Any:
    def bad() -> ConfigError:
        return ConfigError(f"{path}: {key}: expected {KEYS[key]}, found {value!r}")

    def strings(v) -> list:
        if isinstance(v, str):
            v = [part.strip() for part in v.split(",") if part.strip()]
        if not isinstance(v, list) or not all(isinstance(item, str) for item in v):
            raise bad()
        return v

    if key in ("select", "ignore", "exclude", "output"):
        return strings(value)
    if key == "per-path-ignores":
        if not isinstance(value, dict):
            raise bad()
        return {str(pattern): strings(rules) for pattern, rules in value.items()}
    if key == "severity":
        if not isinstance(value, dict) or not all(str(v).lower() in SEVERITIES for v in value.values()):
            raise bad()
        return {str(rule): str(level).lower() for rule, level in value.items()}
    if key == "fail-on":
        if str(value).lower() not in SEVERITIES:
            raise bad()
        return str(value).lower()
    if key in ("format", "baseline"):
        if not isinstance(value, str) or not value:
            raise bad()
        return value
    if key == "rule-options":
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise bad()
        return {str(rule): dict(options) for rule, options in value.items()}
    if key == "var-files":
        if isinstance(value, dict):
            return {str(directory): strings(paths) for directory, paths in value.items()}
        return strings(value)
    if key == "knowledge-tables":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise bad()
        return {str(name): str(path) for name, path in value.items()}
    if key in ("inline-ignores", "strict-modules"):
        if not isinstance(value, bool):
            raise bad()
        return value
    raise bad()  # unreachable: _kebab accepts only KEYS


def _matches_any(path: Path, base: Path, patterns: list) -> bool:
    if not patterns:
        return False
    try:
        relative = real(path).relative_to(real(base)).as_posix()
    except ValueError:
        return False
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        # `dir`, `dir/**` and `**/x.tf` all work; a pattern naming a directory covers what is in it
        candidates = [relative] + [p.as_posix() for p in Path(relative).parents if p.as_posix() != "."]
        if any(fnmatch.fnmatch(c, pattern) or fnmatch.fnmatch(c, pattern.removesuffix("/**")) for c in candidates):
            return True
    return False


def _pyproject_table(path: Path) -> Optional[dict]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(_read(path))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("mwaa-lint")
    return table if isinstance(table, dict) or table is None else {}


def _read(path: Path, errors: str = "strict") -> str:
    """A configuration file's text: a regular file, bounded (a FIFO or /dev/zero planted as
    .mwaa-lint.yaml must not hang the run). The caller decided it may be read."""
    return read_regular(path, MAX_CONFIG_BYTES).decode("utf-8-sig", errors)
