import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mwaa_lint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def lint(monkeypatch, tmp_path):
    """`mwaa-lint ARGS` in-process, from `cwd` (default: the fixtures), as a user runs it: every
    installed rule pack loaded, colour off, caches in this test's directory."""

    def run(*args, cwd=FIXTURES):
        monkeypatch.chdir(cwd)
        monkeypatch.delenv("MWAA_LINT_NO_RULE_PACKS", raising=False)
        monkeypatch.setenv("MWAA_LINT_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.setenv("NO_COLOR", "1")
        result = CliRunner().invoke(main, [str(a) for a in args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return run


@pytest.fixture
def copy(tmp_path):
    """A fixture copied where a test may add files to it."""

    def make(name: str) -> Path:
        return shutil.copytree(FIXTURES / name, tmp_path / name)

    return make
