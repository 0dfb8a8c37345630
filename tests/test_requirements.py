"""MWAA301's requirements.txt reader: the parser on its own, then named files through the CLI."""
import shutil

import pytest
from conftest import FIXTURES

from mwaa_lint.requirements import parse_requirements

# (line as written, pinned?, reason it is not pinned)
LINES = [
    ("boto3==1.35.36", True, ""),
    ("apache-airflow[celery,amazon]==2.10.3", True, ""),
    ("attrs===23.2.0", True, ""),
    ('backports.zoneinfo==0.2.1; python_version < "3.9"', True, ""),
    ("scikit-learn", False, "no version specifier"),
    ("apache-airflow[amazon]", False, "no version specifier"),
    ("pandas>=2.1.0", False, "range '>=2.1.0' is not an exact pin"),
    ("great-expectations~=0.18.12", False, "range '~=0.18.12' is not an exact pin"),
    ("requests==2.*", False, "wildcard '==2.*' matches many versions"),
    ("git+https://github.com/acme/client.git@v1.4.2#egg=client", False, "git reference '@v1.4.2' is not a commit"),
    ("git+https://github.com/acme/client.git#egg=client", False, "git URL without a commit follows the default branch"),
    ("git+https://github.com/acme/client.git@" + "a" * 40 + "#egg=client", True, ""),
    ("client @ https://files.example.com/client-1.4.2.tar.gz", True, ""),
    ("client @ https://files.example.com/latest.tar.gz", False,
     "URL does not name a fixed version (no commit, version or hash)"),
]


@pytest.mark.parametrize("line, pinned, reason", LINES, ids=[line for line, _, _ in LINES])
def test_one_line(line, pinned, reason):
    parsed = parse_requirements(line + "\n")
    assert parsed.problems == []
    [requirement] = parsed.requirements
    assert (requirement.pinned, requirement.reason) == (pinned, reason)
    assert (requirement.line, requirement.column) == (1, 1)


def test_comments_options_includes_continuations_and_hashes():
    parsed = parse_requirements(
        "\ufeff# header comment\n"
        "--index-url https://pypi.example.com/simple\n"
        '--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"\n'
        "-r base.txt\n"
        "\n"
        "numpy==1.26.4 \\\n"
        "    --hash=sha256:" + "0" * 64 + "\n"
        "  pandas  # indented, with a comment\n"
        "git+https://github.com/acme/x.git#egg=x  # the #egg is not a comment\n"
        "not a requirement!!\n"
    )
    assert [(r.line, r.column, r.text, r.pinned) for r in parsed.requirements] == [
        (6, 1, "numpy==1.26.4", True),
        (8, 3, "pandas", False),
        (9, 1, "git+https://github.com/acme/x.git#egg=x", False),
    ]
    assert parsed.requirements[2].name == "x"
    assert [(i.line, i.kind, i.target) for i in parsed.includes] == [
        (3, "constraint", "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"),
        (4, "requirement", "base.txt"),
    ]
    assert parsed.options == [(2, "--index-url", "https://pypi.example.com/simple")]
    assert [(p.line, p.message.split(":")[0]) for p in parsed.problems] == [(10, "invalid requirement")]


def test_a_named_requirements_file_follows_includes_and_local_constraints(cli, tmp_path):
    # Checked on its own: its project (a copy, outside this repository, whose fixtures hold many
    # environments) has no MWAA environment to check it as the file of (selection.py).
    shutil.copytree(FIXTURES / "requirements_includes", tmp_path / "requirements_includes")
    run = cli("requirements_includes/requirements.txt", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 1
    data = run.json()
    assert [(f["rule_id"], f["path"], f["line"], f["column"], f["message"]) for f in data["findings"]] == [
        ("MWAA301", "requirements_includes/base.txt", 3, 1,
         "`pandas` is not pinned: no version specifier; expected `==<version>` so every scheduler and worker "
         "installs the same build"),
        ("MWAA301", "requirements_includes/requirements.txt", 9, 1,
         "`pendulum>=3.0` is not pinned: range '>=3.0' is not an exact pin; expected `==<version>` so every "
         "scheduler and worker installs the same build"),
    ]
    assert data["diagnostics"] == []
    assert data["summary"]["files_checked"] == 1


def test_a_requirements_file_nothing_uploads_is_not_checked_when_scanning_a_directory(cli, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    (tmp_path / "requirements.txt").write_text("pandas\n")
    run = cli(".", "--format", "json", cwd=tmp_path)
    assert (run.exit_code, run.json()["findings"]) == (0, [])
