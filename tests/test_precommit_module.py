"""File mode (what pre-commit's `mwaa-lint` hook runs: `mwaa-lint check FILE...`): a named
Terraform file selects its whole module directory and every root of the project that calls it;
a named requirements file is checked as the file of the environments that install it.

The fixture tests/fixtures/precommit_module is a repository (copied into a temporary git
repository, whose top level is the project the callers are looked for in):
- airflow/    a root: the environment in main.tf, its subnets in network.tf (two are public);
- platform/   a root calling ./modules/mwaa (which holds the environment; its worker_logs
              log at DEBUG) with a public subnet and max_workers = 40;
- pipelines/  a root uploading requirements.txt as the environment's requirements_s3_path and
              requirements-dev.txt (same key) to another bucket, which MWAA never reads;
- app/        the web application's requirements.txt (flask>=2): no environment installs it.
"""
import shutil
import subprocess

import pytest
from conftest import FIXTURES

FIXTURE = FIXTURES / "precommit_module"

PIPELINES_REQUIREMENTS = [
    "pipelines/requirements.txt:10:1: MWAA301",  # scikit-learn: no version
    "pipelines/requirements.txt:11:1: MWAA301",  # pandas>=2.1.0
    "pipelines/requirements.txt:12:1: MWAA301",  # great-expectations~=0.18.12
    "pipelines/requirements.txt:13:1: MWAA301",  # requests==2.*
    "pipelines/requirements.txt:14:1: MWAA301",  # a git tag, not a commit
    "pipelines/requirements.txt:15:1: MWAA306",  # pyarrow==17.0.0 against Airflow 2.10.3's 16.1.0
]


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git is needed: the project is the git top level")
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def findings(run) -> list[str]:
    """`path:line:column: RULE` of each finding line of the concise output."""
    return [" ".join(line.split()[:2]) for line in run.stdout.splitlines() if ": MWAA" in line]


def test_a_named_file_reports_its_whole_module(cli, repo):
    # Only network.tf changed (it made dmz_a and edge_b public); the findings are at the
    # environment's subnet_ids in main.tf, and the module's other finding comes along.
    run = cli("check", "--format", "concise", "airflow/network.tf", cwd=repo)
    assert findings(run) == [
        "airflow/main.tf:42:7: MWAA101",  # dmz_a: map_public_ip_on_launch = true (network.tf:19)
        "airflow/main.tf:43:7: MWAA101",  # edge_b: its route table routes 0.0.0.0/0 to the internet gateway
        "airflow/main.tf:110:5: MWAA402",  # webserver_logs enabled = false
    ]
    assert "network.tf:19" in run.stdout and "network.tf:45" in run.stdout
    assert run.exit_code == 1


def test_a_named_file_of_a_child_module_is_checked_through_its_caller(cli, repo):
    # modules/mwaa is no root: platform/ calls it. Naming one of its files checks the caller
    # (with its inputs) and reports what lies in the module: the DEBUG worker logs. The
    # caller's own findings (its public subnet, max_workers = 40, written in platform/main.tf
    # and pointing at nothing in the module) are not the module's.
    run = cli("check", "--format", "concise", "platform/modules/mwaa/logs.tf", cwd=repo)
    assert findings(run) == ["platform/modules/mwaa/main.tf:95:7: MWAA403"]
    assert run.exit_code == 0  # an info finding


def test_a_named_root_file_reports_the_root_not_the_other_roots(cli, repo):
    run = cli("check", "--format", "concise", "platform/network.tf", cwd=repo)
    assert findings(run) == [
        "platform/main.tf:12:5: MWAA101",  # aws_subnet.public_b, passed to module.mwaa
        "platform/main.tf:17:3: MWAA501",  # max_workers = 40
    ]


def test_a_named_module_file_reports_the_requirements_beside_it(cli, repo):
    # A change to main.tf (say airflow_version) can make its requirements.txt conflict.
    run = cli("check", "--format", "concise", "pipelines/main.tf", cwd=repo)
    assert findings(run) == ["pipelines/main.tf:49:1: MWAA402", *PIPELINES_REQUIREMENTS]


def test_a_requirements_file_an_environment_installs_is_checked_as_its(cli, repo):
    run = cli("check", "--format", "concise", "pipelines/requirements.txt", cwd=repo)
    assert findings(run) == PIPELINES_REQUIREMENTS  # not the module's MWAA402: only what was named
    assert run.exit_code == 1


def test_a_requirements_file_no_environment_installs_is_skipped_with_a_note(cli, repo):
    run = cli("check", "--format", "concise", "--statistics", "app/requirements.txt", cwd=repo)
    assert findings(run) == []
    assert run.exit_code == 0
    assert "note: app/requirements.txt: no MWAA environment in the project installs it; not checked" in run.stderr + run.stdout


def test_a_requirements_file_uploaded_to_another_bucket_is_skipped(cli, repo):
    # requirements-dev.txt includes requirements.txt with -r; naming it must not report the
    # installed file's findings either.
    run = cli("check", "--format", "concise", "--statistics", "pipelines/requirements-dev.txt", cwd=repo)
    assert findings(run) == []
    assert "note: pipelines/requirements-dev.txt: no MWAA environment in the project installs it" in run.stderr + run.stdout


def test_several_staged_files(cli, repo):
    # What pre-commit passes for a commit touching all three: each selection, once.
    run = cli("check", "--format", "concise", "app/requirements.txt", "airflow/network.tf", "platform/modules/mwaa/logs.tf",
              cwd=repo)
    assert findings(run) == [
        "airflow/main.tf:42:7: MWAA101",
        "airflow/main.tf:43:7: MWAA101",
        "airflow/main.tf:110:5: MWAA402",
        "platform/modules/mwaa/main.tf:95:7: MWAA403",
    ]


def test_a_requirements_file_in_a_project_without_an_environment_is_checked_alone(cli, tmp_path):
    # `mwaa-lint requirements.txt` in a DAGs repository: nothing says which environment installs
    # it, so it is checked on its own, as the user asked.
    (tmp_path / "requirements.txt").write_text("flask>=2\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    run = cli("check", "--format", "concise", "requirements.txt", cwd=tmp_path)
    assert findings(run) == ["requirements.txt:1:1: MWAA301"]


# The real pre-commit (slow: it builds the hook's environment from this repository), on what a
# commit stages: `pre-commit try-repo <this repo> mwaa-lint` runs the hook on the staged files.


def _pre_commit(repo, *args):
    from test_precommit import pre_commit  # the same invocation as the other hook tests

    return pre_commit(repo, *args)


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """The fixture repository committed, with dmz_a still private (the commit makes it public)."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for the pre-commit test")
    root = tmp_path_factory.mktemp("precommit-module") / "repo"
    shutil.copytree(FIXTURE, root)
    shutil.rmtree(root / "app")  # added by a commit below
    network = root / "airflow" / "network.tf"
    network.write_text(network.read_text().replace("map_public_ip_on_launch = true", "map_public_ip_on_launch = false", 1))
    git = lambda *a: subprocess.run(["git", *a], cwd=root, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "infra")
    return root, git


@pytest.mark.slow
def test_staging_only_network_tf_fails_the_hook_at_main_tf(committed):
    root, git = committed
    network = root / "airflow" / "network.tf"
    before = network.read_text()
    network.write_text(before.replace("map_public_ip_on_launch = false", "map_public_ip_on_launch = true", 1))
    git("add", "airflow/network.tf")
    try:
        proc = _pre_commit(root, "try-repo", str(FIXTURES.parents[1]), "mwaa-lint")
    finally:
        network.write_text(before)
        git("add", "airflow/network.tf")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout
    assert "airflow/main.tf:42:7: MWAA101" in proc.stdout  # dmz_a, now public (network.tf:19)
    assert "subnet aws_subnet.dmz_a is public: it sets map_public_ip_on_launch = true (network.tf:19)" in proc.stdout


@pytest.mark.slow
def test_staging_an_unrelated_requirements_file_passes_the_hook(committed):
    root, git = committed
    (root / "app").mkdir()
    (root / "app" / "requirements.txt").write_text("flask>=2\n")
    git("add", "app/requirements.txt")
    try:
        proc = _pre_commit(root, "try-repo", str(FIXTURES.parents[1]), "mwaa-lint")
    finally:
        git("rm", "-q", "--cached", "app/requirements.txt")
        shutil.rmtree(root / "app")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    assert "MWAA301" not in proc.stdout
