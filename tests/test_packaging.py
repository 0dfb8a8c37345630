"""A non-editable install of the wheel, in a fresh virtual environment, has every rule."""
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import FIXTURES, REPO

from mwaa_lint.registry import load_rules


def test_wheel_install_in_a_fresh_venv_loads_all_rules(tmp_path):
    wheelhouse = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(wheelhouse), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(wheelhouse.glob("mwaa_lint-*.whl"))
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # Install our wheel alone, offline; borrow the already-installed dependencies through a
    # .pth line (a .pth inside a borrowed directory is not processed, so our editable install
    # there stays invisible and the fresh venv's own copy is the one imported).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", purelib, str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    Path(purelib, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = subprocess.run(
        [str(python), "-c", "import mwaa_lint, mwaa_lint_rules; print(mwaa_lint.__file__); print(mwaa_lint_rules.__file__)"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    ).stdout.split()
    assert all(path.startswith(purelib) for path in where), where
    listed = subprocess.run(
        [str(python), "-m", "mwaa_lint", "rules"], capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [r.id for r in load_rules()]
    checked = subprocess.run(
        [str(python), "-m", "mwaa_lint", str(FIXTURES / "modules" / "skeleton_fixed"), "--format", "json"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert checked.returncode == 1, checked.stderr


def test_the_sdist_ships_the_package_and_its_documents_but_no_tests(tmp_path):
    # the suite needs the repository's fixtures and examples: an sdist with half of it would fail
    import tarfile

    from setuptools import build_meta

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        name = build_meta.build_sdist(str(tmp_path))
    finally:
        os.chdir(cwd)
    with tarfile.open(tmp_path / name) as sdist:
        top = {member.name.split("/")[1] for member in sdist.getmembers() if member.name.count("/")}
        inside = {member.name.partition("/")[2] for member in sdist.getmembers()}
    assert {"rules/catalog.json", "mwaa_lint/knowledge/airflow_versions.json"} <= inside  # data the package reads
    assert {"mwaa_lint", "rules", "README.md", "LICENSE", "CHANGELOG.md", "pyproject.toml"} <= top
    assert not top & {"tests", "bench", "examples"}
