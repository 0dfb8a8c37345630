"""Credentials in URLs never reach a report (tests/fixtures/redact/private_index): CI wrote a
token into the environment's requirements.txt (`--index-url`, a `git+https` dependency, a direct
URL); every format, file report and baseline still reports the findings, with the token masked."""
import pytest
from conftest import FIXTURES

from mwaa_lint.cli import FORMATS
from mwaa_lint.redact import escape_undecodable, mask_credentials

CASE = FIXTURES / "redact" / "private_index"
SECRETS = ("s3cr3t-T0ken", "ghp_FAKE")
UNPINNED = ("`git+https://x-access-token:****@github.com/org/repo.git@main#egg=pkg` is not pinned: git reference "
            "'@main' is not a commit; expected `==<version>` so every scheduler and worker installs the same build")


def assert_no_secret(*texts):
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_format_prints_a_credential(cli, output_format):
    run = cli(".", "--select", "MWAA3", "--format", output_format, cwd=CASE)
    assert run.exit_code == 2  # line 6 is no requirement pip can read: the check is incomplete
    assert_no_secret(run.stdout, run.stderr)
    assert "x-access-token:****@github.com" in run.stdout  # the finding is still reported


def test_the_findings_and_diagnostics_are_reported_masked(cli):
    data = cli(".", "--select", "MWAA3", "--format", "json", cwd=CASE).json()
    assert [(f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]] == [
        ("MWAA301", "requirements.txt", 5, UNPINNED)]
    assert [(d["path"], d["line"], d["message"]) for d in data["diagnostics"]] == [
        ("requirements.txt", 6, "invalid requirement: Expected a marker variable or quoted string")]


def test_the_text_format_masks_the_lines_it_shows(cli):
    run = cli(".", "--select", "MWAA3", cwd=CASE)
    assert run.stdout.splitlines()[:3] == [
        f"requirements.txt:5:1: MWAA301 [warning] {UNPINNED}",
        "git+https://x-access-token:****@github.com/org/repo.git@main#egg=pkg",
        "^" + "~" * 67,
    ]
    assert run.stderr.splitlines()[:3] == [
        "requirements.txt:6:1: error: invalid requirement: Expected a marker variable or quoted string",
        'ledger @ https://****@files.example.com/ledger-1.2.tar.gz ; python_version >>> "3"',
        "^",
    ]


def test_report_files_and_the_baseline_hold_no_credential(cli, tmp_path):
    run = cli(".", "--select", "MWAA3", "-o", tmp_path / "report.txt", "--output", f"sarif:{tmp_path / 'report.sarif'}",
              "--write-baseline", tmp_path / "baseline.json", cwd=CASE)
    assert run.exit_code == 2
    written = [path.read_text(encoding="utf-8") for path in (tmp_path / "report.txt", tmp_path / "report.sarif",
                                                              tmp_path / "baseline.json")]
    assert_no_secret(run.stdout, run.stderr, *written)
    assert all("x-access-token:****@github.com" in text for text in written)
    # the baseline keys on the masked message, so the next run finds the finding in it
    again = cli(".", "--select", "MWAA3", "--format", "json", "--baseline", tmp_path / "baseline.json", cwd=CASE).json()
    assert again["findings"] == [] and again["summary"]["baselined"] == 1


@pytest.mark.parametrize("text, masked", [
    ("--index-url https://ci-user:s3cr3t@pypi.example.com/simple", "--index-url https://ci-user:****@pypi.example.com/simple"),
    ("`git+https://ghp_abc@github.com/o/r.git`", "`git+https://****@github.com/o/r.git`"),
    ("https://user:p@ss:w@rd@host/x and http://other@h", "https://user:****@host/x and http://****@h"),
    ("ssh://git@github.com/org/repo.git", "ssh://****@github.com/org/repo.git"),
    ("https://pypi.org/simple, mail ops@example.com", "https://pypi.org/simple, mail ops@example.com"),
    ("s3://bucket/key@v2", "s3://bucket/key@v2"),
])
def test_mask_credentials(text, masked):
    assert mask_credentials(text) == masked


def test_undecodable_bytes_are_escaped():
    assert escape_undecodable("bad\udcff.tf") == "bad\\xff.tf"
    assert escape_undecodable("lone \ud800 surrogate") == "lone \\ud800 surrogate"
    assert escape_undecodable("café.tf") == "café.tf"
