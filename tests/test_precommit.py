"""The pre-commit hooks, run by the real pre-commit: `pre-commit try-repo <this repo>` in a
fresh git repository must fail on a bad module and pass on a good one. Slow (pre-commit
builds the hook's virtual environment from this repository), but CI runs it."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow

GOOD = 'resource "aws_mwaa_environment" "e" {\n  name            = "e"\n  airflow_version = "2.10.3"\n  max_workers     = 5\n}\n'


def pre_commit(repo: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}
    exe = Path(sys.executable).parent / "pre-commit"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "pre_commit"]
    return subprocess.run([*command, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.fail("git is needed for the pre-commit test")
    if not (REPO / ".git").exists():
        pytest.fail("the pre-commit test needs this repository as a git checkout")
    root = tmp_path_factory.mktemp("precommit") / "infra"
    shutil.copytree(FIXTURES / "modules" / "skeleton_fixed", root / "bad")
    (root / "good").mkdir()
    (root / "good" / "main.tf").write_text(GOOD)
    # The repository's config is honoured under pre-commit too: these two rules only.
    (root / ".mwaa-lint.yaml").write_text("select: [MWAA201, MWAA501]\n")
    git = lambda *a: subprocess.run(["git", *a], cwd=root, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("add", ".")
    return root


def test_the_file_hook_fails_on_a_bad_module(repo):
    proc = pre_commit(repo, "try-repo", str(REPO), "mwaa-lint", "--files", "bad/main.tf", "bad/variables.tf")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "mwaa-lint" in proc.stdout and "Failed" in proc.stdout
    assert "bad/main.tf:27:" in proc.stdout and "MWAA201" in proc.stdout


def test_the_file_hook_passes_on_a_good_module(repo):
    proc = pre_commit(repo, "try-repo", str(REPO), "mwaa-lint", "--files", "good/main.tf")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_the_whole_repository_hook(repo):
    proc = pre_commit(repo, "try-repo", str(REPO), "mwaa-lint-all", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bad/main.tf:27:" in proc.stdout
