"""Configuration: `.mwaa-lint.yaml` (or `[tool.mwaa-lint]` in pyproject.toml) found upward
from the scanned path, or the file `--config` names. Keys mirror the command-line flags;
an unknown key or a bad value is an error that names it, never silently ignored.

```yaml
select: [MWAA1, MWAA2]          # ids, slugs or prefixes
ignore: [MWAA103]
per-path-ignores:               # gitignore-style pattern (relative to this file) → rules
  "sandbox/": [MWAA501]         # `!pattern`: every file the pattern does not match
severity: {MWAA102: error}      # override a rule's severity
fail-on: warning
format: text
output: ["sarif:mwaa-lint.sarif"]
exclude: ["legacy/", "!legacy/keep/"]   # gitignore-style patterns
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

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .paths import real
from .project import read_regular

MAX_CONFIG_BYTES = 1024 * 1024
# Patterns come from the repository's config file. pathspec compiles each to a Python regular
# expression, which backtracks: its time grows as a power of the path's length, one degree per
# wildcard that can cross a `/` (`**`) and per wildcard within one name (`*`, `?`). So a pattern
# has at most MAX_WILDCARDS wildcards, at most MAX_DOUBLE_STARS of them `**` (an unanchored
# pattern, `x.tf`, starts with an implicit `**/`) and MAX_STARS_IN_A_NAME `*` in one name
# (`a*b*c`), and a path longer than MAX_MATCHED_PATH
# matches no pattern. tests/test_globs.py runs the worst patterns the caps allow on the longest path.
MAX_PATTERNS = 100  # per key
MAX_PATTERN_LENGTH = 200
MAX_WILDCARDS = 3
MAX_DOUBLE_STARS = 2
MAX_STARS_IN_A_NAME = 2
MAX_MATCHED_PATH = 512
_DOUBLE_STAR = re.compile(r"\.[+*]")  # how pathspec writes `**`
_WILDCARD = re.compile(r"\.[+*]|\[\^/\]")  # and `*` ([^/]*) and `?` ([^/])

FILE_NAMES = (".mwaa-lint.yaml", ".mwaa-lint.yml")
SEVERITIES = ("info", "warning", "error")
KEYS = {
    "select": "list of rule ids, slugs or prefixes",
    "ignore": "list of rule ids, slugs or prefixes",
    "per-path-ignores": "mapping of gitignore-style pattern to a list of rules",
    "severity": "mapping of rule to info, warning or error",
    "fail-on": "info, warning or error",
    "format": "an output format name",
    "output": "list of FORMAT:PATH",
    "exclude": "list of gitignore-style patterns",
    "rule-options": "mapping of rule id to a mapping of option to value",
    "var-files": "list of .tfvars paths, or mapping of module directory to such a list",
    "baseline": "path of a baseline file",
    "inline-ignores": "true or false",
    "strict-modules": "true or false",
    "knowledge-tables": "mapping of knowledge table name to the path of a replacement JSON file",
}


class ConfigError(Exception):
    pass


class Pattern:
    """One gitignore-style pattern of `exclude` or `per-path-ignores`, compiled by pathspec."""

    def __init__(self, where: str, written: str):
        import pathspec  # here: most runs have no patterns

        def bad(why: str) -> ConfigError:
            return ConfigError(f"{where}: {written[:MAX_PATTERN_LENGTH]!r} {why}")

        if len(written) > MAX_PATTERN_LENGTH:
            raise bad(f"is longer than {MAX_PATTERN_LENGTH} characters")
        try:
            compiled = pathspec.GitIgnoreSpec.from_lines([written]).patterns[0]
        except (ValueError, IndexError) as exc:
            raise bad(f"is not a gitignore-style pattern ({exc})") from None
        regex = getattr(compiled, "regex", None)
        if compiled.include is None or regex is None:
            raise bad("is not a pattern (empty, or a # comment)")
        in_one_name = max(len(re.findall(r"\*+", name)) for name in written.split("/") if name != "**") if written.strip("/*") else 0
        if len(_WILDCARD.findall(regex.pattern)) > MAX_WILDCARDS or len(_DOUBLE_STAR.findall(regex.pattern)) > MAX_DOUBLE_STARS \
                or in_one_name > MAX_STARS_IN_A_NAME:
            raise bad(f"has more than {MAX_WILDCARDS} wildcards (*, ** or ?; a pattern without a / starts with "
                      f"an implicit **/), more than {MAX_DOUBLE_STARS} ** or more than {MAX_STARS_IN_A_NAME} * in "
                      "one name, which would make matching slow; write simpler patterns")
        self.written = written
        self.negated = not compiled.include
        self._regex = regex

    def matches(self, relative: str) -> bool:
        """Does it match `relative` (a path relative to the config file's directory, with a
        trailing `/` for a directory), negated or not?"""
        return len(relative) <= MAX_MATCHED_PATH and self._regex.match(relative) is not None


class Patterns:
    """The patterns of one key, as a .gitignore file: the last pattern that matches a path
    decides, and a `!pattern` takes a path back. A pattern that matches a directory matches
    everything in it."""

    def __init__(self, key: str, where: str, written: list):
        if len(written) > MAX_PATTERNS:
            raise ConfigError(f"{where}: {key}: more than {MAX_PATTERNS} patterns")
        self.key = key
        self.where = where
        self.patterns = [Pattern(f"{where}: {key}", w) for w in written]

    def match(self, relative: str) -> bool:
        decided = False
        for pattern in self.patterns:
            if pattern.matches(relative):
                decided = not pattern.negated
        return decided


@dataclass
class Config:
    path: Optional[Path] = None  # None: no file; defaults only
    values: dict = field(default_factory=dict)  # validated, kebab-case keys
    _compiled: Optional[dict] = field(default=None, repr=False, compare=False)

    @property
    def base(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def resolve(self, relative: str) -> Path:
        path = Path(relative)
        return path if path.is_absolute() else self.base / path

    @property
    def _exclude(self) -> Patterns:
        return self.compiled["exclude"]

    @property
    def compiled(self) -> dict:
        """`exclude` → its Patterns; each `per-path-ignores` pattern → a Patterns of that one."""
        if self._compiled is None:
            where = str(self.path)
            self._compiled = {"exclude": Patterns("exclude", where, self.get("exclude", []))}
            ignores = self.get("per-path-ignores", {})
            if len(ignores) > MAX_PATTERNS:
                raise ConfigError(f"{where}: per-path-ignores: more than {MAX_PATTERNS} patterns")
            for written in ignores:
                self._compiled[("per-path-ignores", written)] = Patterns("per-path-ignores", where, [written])
        return self._compiled

    def relative(self, path: Path | str, directory: bool = False) -> Optional[str]:
        """`path` relative to the config file's directory, as gitignore patterns see it (a
        directory ends in `/`); None when it lies outside, where no pattern applies."""
        try:
            relative = real(path).relative_to(real(self.base)).as_posix()
        except ValueError:
            return None
        if relative == ".":
            return None
        return relative + "/" if directory else relative

    def excluded(self, path: Path | str, directory: bool = True) -> bool:
        """Does `exclude` leave out this module directory (or, directory=False, this file)?"""
        if not self._exclude.patterns:  # asked of every directory of the tree: no path work for nothing
            return False
        relative = self.relative(path, directory)
        return relative is not None and self._exclude.match(relative)

    def path_ignores(self, path: Path) -> list:
        """The rule selectors `per-path-ignores` turns off for this file; every rule when
        `exclude` leaves the file out (a module directory is checked whole, as Terraform
        reads it, but nothing is reported in a file `exclude` matches)."""
        relative = self.relative(path)
        if relative is None:
            return []
        if self._exclude.match(relative):
            return ["ALL"]
        out = []
        for written, selectors in self.get("per-path-ignores", {}).items():
            pattern = self.compiled[("per-path-ignores", written)].patterns[0]
            # `!pattern`: the rules are off in every file the pattern does not match (as in ruff)
            if pattern.matches(relative) != pattern.negated:
                out.extend(selectors)
        return out

    def unmatched(self, paths: Iterable) -> list:
        """A warning for each `exclude` and `per-path-ignores` pattern that matches none of
        `paths` ((path, is a directory) of the scanned tree), for --statistics."""
        compiled = self.compiled
        patterns = [(key, pattern) for key, group in compiled.items() for pattern in group.patterns]
        if not patterns:
            return []
        waiting = list(patterns)
        for path, directory in paths:
            relative = self.relative(path, directory)
            if relative is None:
                continue
            waiting = [(key, p) for key, p in waiting if not p.matches(relative)]
            if not waiting:
                break
        return [f"{key if isinstance(key, str) else key[0]} pattern {p.written!r} in {self.path} matches nothing "
                "in the scanned tree" for key, p in waiting]

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
    config = Config(path, {key: _check(path, key, value) for key, value in _kebab(path, raw).items()})
    config.compiled  # noqa: B018  (every pattern is checked now, before any scan)
    return config


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
