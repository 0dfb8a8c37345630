"""The README's CI and pre-commit recipes, run as printed from a clone of this repository.

tests/test_readme.py runs each recipe's `mwaa-lint infra/ ...` line; this file runs what comes
before it: the install line of the GitHub Actions and GitLab recipes (with `MWAA_LINT_SOURCE`
set, as the recipe says, to a clone's path), and the pre-commit recipe with its two
placeholders, `repo:` and `rev: <commit>`, filled in with this clone and its commit. Slow: each
builds a virtual environment with pip, as CI does.
"""
import os
import re
import shutil
import subprocess
import venv

import pytest
import yaml
from conftest import REPO
from test_precommit import pre_commit

pytestmark = pytest.mark.slow

README = (REPO / "README.md").read_text()
RECIPES = README[README.index("<!-- ci-recipes"): README.index("<!-- end ci-recipes -->")]
PLACEHOLDER = "https://github.com/mwaa-lint/mwaa-lint/archive/<commit>.tar.gz"


def test_the_ci_recipes_install_what_mwaa_lint_source_names(tmp_path):
    installs = [re.sub(r"^\s*-( run:)? ", "", line) for line in RECIPES.splitlines() if "pip install" in line]
    assert installs == ['pip install "$MWAA_LINT_SOURCE"'] * 2  # GitHub Actions, GitLab CI
    sources = re.findall(r"MWAA_LINT_SOURCE: (\S+)", RECIPES)
    assert sources == [PLACEHOLDER] * 2
    venv.create(tmp_path / "ci", with_pip=True)
    bin_dir = tmp_path / "ci" / ("Scripts" if os.name == "nt" else "bin")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "MWAA_LINT_SOURCE": str(REPO)}
    env.pop("PYTHONPATH", None)
    run = subprocess.run(["bash", "-c", installs[0]], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    version = subprocess.run([str(bin_dir / "mwaa-lint"), "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and "mwaa-lint" in version.stdout


def test_the_pre_commit_recipe_runs_from_a_clone(tmp_path):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.fail("the pre-commit recipe test needs git and this repository as a git checkout")
    block = re.search(r"```yaml\n(repos:\n.*?)```", RECIPES, re.S).group(1)
    assert "rev: <commit>" in block
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    config = yaml.safe_load(block.replace("<commit>", commit))
    assert config["repos"][0]["repo"] == "https://github.com/mwaa-lint/mwaa-lint"
    config["repos"][0]["repo"] = str(REPO)  # "or the path of a clone"
    root = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "quickstart", root / "infra")
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    proc = pre_commit(root, "run", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and "infra/main.tf:70:3: MWAA501" in proc.stdout
