"""Report paths a CI system can place (issue 19, item 2).

A job that runs in a subdirectory (`working-directory: infra`) must still name
`infra/main.tf`: GitHub's annotations and code scanning, and GitLab's Code Quality widget,
read paths from the repository root. The repository root is `$GITHUB_WORKSPACE` or
`$CI_PROJECT_DIR` (when it holds the scanned paths), else the git top level of the working
directory, else the working directory. Machine formats always use it; text and concise use it
in CI and are relative to the working directory at a terminal, as ruff's are.

The repository: tests/fixtures/layouts/root_calls_local_module copied to `infra/` (its
expected findings: MWAA101 main.tf:12 and MWAA501 main.tf:17), beside
tests/fixtures/ci_paths/sandbox (an environment whose file does not parse: main.tf:3).
`.git` is a directory, as a checkout has; git itself is never run.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import FIXTURES

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

# (path, line) of every finding and diagnostic, from the repository root
EXPECTED = [("infra/main.tf", 12), ("infra/main.tf", 17), ("infra/sandbox/main.tf", 3)]


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURES / "layouts" / "root_calls_local_module", root / "infra",
                    ignore=shutil.ignore_patterns("expected.txt"))
    shutil.copytree(FIXTURES / "ci_paths" / "sandbox", root / "infra" / "sandbox")
    return root


def _located_text(text: str) -> list:
    # `infra/main.tf:12:5: MWAA101 ...` (text, concise) and `...: error: ...` (diagnostics)
    return [(path, int(line)) for path, line in re.findall(r"^([^\s:]+):(\d+):\d+: ", text, re.M)]


def _json(report: str) -> list:
    data = json.loads(report)
    return [(e["path"], e["line"]) for e in data["findings"] + data["diagnostics"]] + \
        [(r["path"], r["line"]) for e in data["findings"] for r in e["related"]]


def _jsonl(report: str) -> list:
    return [(e["path"], e["line"]) for e in map(json.loads, report.splitlines())]


def _sarif(report: str) -> list:
    data = json.loads(report)
    jsonschema.Draft4Validator(SCHEMA).validate(data)
    run = data["runs"][0]
    locations = [loc for r in run["results"] for loc in r["locations"] + r.get("relatedLocations", [])]
    locations += [loc for n in run["invocations"][0]["toolExecutionNotifications"] for loc in n.get("locations", [])]
    # each is relative to %SRCROOT%, which is the repository root (GitHub reads these uris from it)
    assert {loc["physicalLocation"]["artifactLocation"]["uriBaseId"] for loc in locations} == {"%SRCROOT%"}
    return [(loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"])
            for loc in locations]


def _github(report: str) -> list:
    return [(path, int(line)) for path, line in re.findall(r"file=([^,]+),line=(\d+)", report)]


def _gitlab(report: str) -> list:
    return [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in json.loads(report)]


def _junit(report: str) -> list:
    cases = ET.fromstring(report).iter("testcase")
    return [loc for case in cases for outcome in case for loc in _located_text(outcome.text or "")]


READ = {"text": _located_text, "concise": _located_text, "json": _json, "jsonl": _jsonl, "sarif": _sarif,
        "github": _github, "gitlab": _gitlab, "junit": _junit}


@pytest.mark.parametrize("variable", ["GITHUB_WORKSPACE", "CI_PROJECT_DIR"])
@pytest.mark.parametrize("output_format", list(READ))
def test_a_job_in_a_subdirectory_reports_paths_from_the_repository_root(cli, repo, output_format, variable):
    run = cli(".", "--no-cache", "--format", output_format, cwd=repo / "infra", env={variable: str(repo)})
    assert run.exit_code == 2  # the sandbox does not parse
    # text and concise leave the diagnostics to standard error; the other formats carry them too
    report = run.stdout + run.stderr if output_format in ("text", "concise") else run.stdout
    assert sorted(READ[output_format](report)) == EXPECTED
    # standard error names the file the same way, whatever the format
    assert run.stderr.startswith("infra/sandbox/main.tf:3:43: error: Unclosed '{'")


def test_sarif_names_the_repository_as_its_source_root(cli, repo):
    run = cli(".", "--no-cache", "--format", "sarif", cwd=repo / "infra", env={"GITHUB_WORKSPACE": str(repo)})
    base = json.loads(run.stdout)["runs"][0]["originalUriBaseIds"]
    assert base == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}


def test_an_extra_report_in_a_file_uses_the_repository_root_too(cli, repo, tmp_path):
    out = tmp_path / "reports" / "gl-code-quality.json"
    run = cli(".", "--no-cache", "--output", f"gitlab:{out}", cwd=repo / "infra", env={"CI_PROJECT_DIR": str(repo)})
    assert run.exit_code == 2
    assert sorted(_gitlab(out.read_text())) == EXPECTED
    assert "mwaa-lint: 2 findings written to" in run.stderr


def test_the_gitlab_report_carries_the_parse_error(cli, repo):
    run = cli(".", "--no-cache", "--format", "gitlab", cwd=repo / "infra", env={"CI_PROJECT_DIR": str(repo)})
    issues = json.loads(run.stdout)
    fingerprints = {i["fingerprint"] for i in issues}
    error = [i for i in issues if not i["check_name"].startswith("MWAA")]
    fingerprint = error[0].pop("fingerprint")
    assert error == [{
        "type": "issue",
        "description": "mwaa-lint parse-error: Unclosed '{': the file ends before it is closed",
        "check_name": "mwaa-lint parse-error",
        "categories": ["Bug Risk"],
        "severity": "blocker",
        "location": {"path": "infra/sandbox/main.tf", "lines": {"begin": 3}},
    }]
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
    assert len(fingerprints) == len(issues) == 3


def test_at_a_terminal_text_is_from_the_working_directory_and_machine_formats_from_the_git_top_level(cli, repo):
    # no CI variable: a developer in infra/ sees paths that open from where they typed the
    # command; a SARIF or JSON report they write is the same as CI's
    text = cli(".", "--no-cache", cwd=repo / "infra")
    assert sorted(_located_text(text.stdout + text.stderr)) == [("main.tf", 12), ("main.tf", 17), ("sandbox/main.tf", 3)]
    report = cli(".", "--no-cache", "--format", "json", cwd=repo / "infra")
    assert sorted(_json(report.stdout)) == EXPECTED
    assert report.stderr.startswith("sandbox/main.tf:3:43: error:")  # standard error is for the person


def test_outside_a_git_checkout_paths_are_from_the_working_directory(cli, repo):
    (repo / ".git").rmdir()
    run = cli(".", "--no-cache", "--format", "github", cwd=repo / "infra")
    assert sorted(_github(run.stdout)) == [("main.tf", 12), ("main.tf", 17), ("sandbox/main.tf", 3)]


def test_a_workspace_that_does_not_hold_the_scanned_paths_is_not_the_root(cli, repo, tmp_path):
    # a job that checks out a second repository beside the workspace and scans that one
    elsewhere = tmp_path / "workspace"
    elsewhere.mkdir()
    run = cli(".", "--no-cache", "--format", "json", cwd=repo / "infra", env={"GITHUB_WORKSPACE": str(elsewhere)})
    assert sorted(_json(run.stdout)) == EXPECTED  # the git top level of the working directory
    text = cli(".", "--no-cache", cwd=repo / "infra", env={"GITHUB_WORKSPACE": str(elsewhere)})
    assert ("main.tf", 12) in _located_text(text.stdout)  # not in CI's repository: from the working directory


def test_a_git_file_marks_the_top_level_as_a_worktree_does(cli, repo):
    (repo / ".git").rmdir()
    (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n")
    run = cli(".", "--no-cache", "--format", "jsonl", cwd=repo / "infra")
    assert sorted(_jsonl(run.stdout)) == EXPECTED
