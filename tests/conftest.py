import importlib.util
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mwaa_lint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]

# Only the built-in rules, also in subprocesses: a rule pack installed beside mwaa-lint (CI
# installs examples/rule-pack) must not change the outputs this suite expects. Set at import,
# because some test modules load the rules while they are collected. tests/test_registry.py
# lifts it to load packs.
os.environ["MWAA_LINT_NO_RULE_PACKS"] = "1"


class Run:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(autouse=True, scope="session")
def _parse_cache_of_this_test_run(tmp_path_factory):
    """Every CLI run in the tests uses the parse cache, in a directory of this test run only."""
    os.environ["MWAA_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))


@pytest.fixture
def cli(monkeypatch):
    """Run `mwaa-lint ARGS` in-process from `cwd` (default: the fixtures dir); colour off."""

    def run(*args, cwd=FIXTURES, env=None):
        monkeypatch.chdir(cwd)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        # Report paths are relative to the repository root (result.ReportRoots): the suite's
        # expected outputs are written from the fixtures, whether or not it runs in CI or in a
        # git checkout (tests/test_ci_paths.py sets these itself).
        for key in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(REPO))
        for key in [k for k in __import__("os").environ if k.startswith("TF_VAR_")]:
            monkeypatch.delenv(key)
        result = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=True)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result)

    return run


def bench_tree(path):
    """The benchmark's monorepo (bench/generate.py, scale 1, seed 11) written at `path`:
    1,978 files, 116 of them in 10 MWAA stacks."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(path, irrelevant_scale=1, mwaa_scale=1, seed=11)
    return path
