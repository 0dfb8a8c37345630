"""A module call that was not followed (a notice, issue 18) is carried by every report format,
each in its own way, and changes neither the findings nor the exit code.

tests/fixtures/downloaded/not_downloaded is a fresh clone of a root calling two registry modules,
a registry submodule and a git module, before `terraform init`: four notices, no finding.
tests/fixtures/layouts/remote_module_unknown has findings and two notices.

Standard error: the notices are printed there whatever the format (the machine formats are read
by programs; the log is read by a person), except when a concise report on standard output has
already printed one line per notice."""
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

NOT_DOWNLOADED = FIXTURES / "downloaded" / "not_downloaded"
REMOTE = FIXTURES / "layouts" / "remote_module_unknown"

INIT = "run `terraform init` (`-backend=false` will do), or scan a plan"
NOT_INSTALLED = "was not followed: it is not installed (no .terraform/modules/modules.json); " + INIT
# (line, column, module call) of each notice of the fresh clone, in main.tf, at the `module` line
CALLS = [
    (15, 1, "module.vpc (terraform-aws-modules/vpc/aws)"),
    (31, 1, "module.vpc_endpoints (terraform-aws-modules/vpc/aws//modules/vpc-endpoints)"),
    (55, 1, "module.mwaa_bucket (git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3)"),
    (62, 1, "module.mwaa (aws-ia/mwaa/aws)"),
]
MESSAGES = [f"{call} {NOT_INSTALLED}" for _, _, call in CALLS]
STDERR = [f"main.tf:{line}:{column}: notice: {message}" for (line, column, _), message in zip(CALLS, MESSAGES)]
SUMMARY = ("No aws_mwaa_environment found in 4 files; 4 module calls not followed: " + ", ".join(c for _, _, c in CALLS)
           + " — run `terraform init`, or scan a plan.")
MACHINE = ["json", "jsonl", "sarif", "github", "gitlab", "junit"]


def test_concise_has_one_line_per_notice_and_stderr_stays_quiet(cli):
    run = cli(".", "--format", "concise", cwd=NOT_DOWNLOADED)
    assert run.exit_code == 0
    # the shape of a finding's line (`path:line:col: RULE [severity] message`), marked as a notice
    assert run.stdout.splitlines() == [
        f"main.tf:{line}:{column}: module-not-followed [notice] {message}"
        for (line, column, _), message in zip(CALLS, MESSAGES)] + [SUMMARY]
    assert run.stderr == ""  # the same lines again on stderr would show twice in a terminal or a CI log


def test_concise_written_to_a_file_leaves_the_notices_on_stderr(cli, tmp_path):
    report = tmp_path / "report.txt"
    run = cli(".", "--format", "concise", "-o", report, cwd=NOT_DOWNLOADED)
    assert run.stdout == ""
    assert run.stderr.splitlines() == [*STDERR, f"mwaa-lint: 0 findings written to {report} (concise)"]
    assert report.read_text().splitlines()[:4] == [
        f"main.tf:{line}:{column}: module-not-followed [notice] {message}"
        for (line, column, _), message in zip(CALLS, MESSAGES)]


def test_a_concise_report_on_stdout_beside_another_format_keeps_stderr_quiet(cli, tmp_path):
    run = cli(".", "--format", "concise", "--output", f"json:{tmp_path / 'r.json'}", cwd=NOT_DOWNLOADED)
    assert run.stderr.splitlines() == [f"mwaa-lint: 0 findings written to {tmp_path / 'r.json'} (json)"]
    assert [n["message"] for n in json.loads((tmp_path / "r.json").read_text())["notices"]] == MESSAGES


@pytest.mark.parametrize("output_format", ["text", *MACHINE])
def test_every_other_format_also_prints_the_notices_on_stderr(cli, output_format):
    run = cli(".", "--format", output_format, cwd=NOT_DOWNLOADED)
    assert run.stderr.splitlines() == STDERR


def test_github_notice_annotations(cli):
    run = cli(".", "--format", "github", cwd=NOT_DOWNLOADED)
    assert run.exit_code == 0
    # `:` in the message is data, not a property: left as it is
    assert run.stdout.splitlines() == [
        f"::notice file=main.tf,line={line},col={column},title=mwaa-lint module-not-followed::{message}"
        for (line, column, _), message in zip(CALLS, MESSAGES)]


def test_github_notice_escaping(cli, tmp_path):
    """A file name with `,` and `:` (escaped in a property) and a source with `%` (escaped
    everywhere), as the runner expects."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "mwaa:stack,1.tf").write_text('module "mwaa" {\n  source = "git::https://example.com/acme/mwaa%20env.git?ref=v1"\n}\n')
    run = cli(".", "--format", "github", cwd=tmp_path)
    assert run.stdout == (
        "::notice file=mwaa%3Astack%2C1.tf,line=1,col=1,title=mwaa-lint module-not-followed::"
        f"module.mwaa (git::https://example.com/acme/mwaa%2520env.git?ref=v1) {NOT_INSTALLED}\n")


# GitLab's documented Code Quality issue (docs.gitlab.com/ee/ci/testing/code_quality.html,
# "Implement a custom tool"): the properties it reads, all required here. GitLab's own parser
# schema (app/validators/json_schemas/codeclimate.json) requires a subset of them.
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {"type": "object", "required": ["begin"], "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_gitlab_code_quality_info_issues(cli, tmp_path):
    run = cli(".", "--format", "gitlab", cwd=NOT_DOWNLOADED)
    assert run.exit_code == 0
    issues = json.loads(run.stdout)
    jsonschema.Draft7Validator(CODE_QUALITY).validate(issues)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"], i["description"])
            for i in issues] == [
        ("mwaa-lint module-not-followed", "info", "main.tf", line, f"mwaa-lint module-not-followed: {message}")
        for (line, _, _), message in zip(CALLS, MESSAGES)]
    assert len({i["fingerprint"] for i in issues}) == 4
    # not line-based: a line added above the calls keeps each fingerprint (GitLab shows no new issue)
    moved = tmp_path / "clone"
    shutil.copytree(NOT_DOWNLOADED, moved)
    (moved / "main.tf").write_text("\n" + (moved / "main.tf").read_text())
    again = json.loads(cli(".", "--format", "gitlab", cwd=moved).stdout)
    assert [i["location"]["lines"]["begin"] for i in again] == [line + 1 for line, _, _ in CALLS]
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]


def test_junit_skipped_cases(cli):
    run = cli(".", "--format", "junit", cwd=NOT_DOWNLOADED)
    assert run.exit_code == 0
    suite = ET.fromstring(run.stdout).find("testsuite")
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "5", "failures": "0", "errors": "0", "skipped": "4"}
    passing, *cases = suite.findall("testcase")
    # no finding and no diagnostic: the files checked pass; the modules not read were skipped
    assert (passing.get("classname"), passing.get("name"), list(passing)) == ("mwaa-lint", "4 files checked", [])
    assert [(c.get("classname"), c.get("name"), c.get("file"), c.get("line"), [e.tag for e in c]) for c in cases] == [
        ("mwaa-lint.module-not-followed", f"main.tf:{line}:{column}", "main.tf", str(line), ["skipped"])
        for line, column, _ in CALLS]
    # Jenkins shows the message attribute, GitLab the element's text
    assert [c.find("skipped").get("message") for c in cases] == MESSAGES
    assert [c.find("skipped").text for c in cases] == [s.replace(": notice:", ":") for s in STDERR]


def test_jsonl_notice_records(cli):
    run = cli(".", "--format", "jsonl", cwd=NOT_DOWNLOADED)
    assert run.exit_code == 0
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert records == [
        {"type": "notice", "kind": "module-not-followed", "path": "main.tf", "line": line, "column": column,
         "message": message, "fix": None}
        for (line, column, _), message in zip(CALLS, MESSAGES)]
    # the same entries as the json format's `notices`
    assert [{k: v for k, v in r.items() if k != "type"} for r in records] == cli(
        ".", "--format", "json", cwd=NOT_DOWNLOADED).json()["notices"]


def test_sarif_is_as_it_was(cli):
    sarif = cli(".", "--format", "sarif", cwd=NOT_DOWNLOADED).json()
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    [run] = sarif["runs"]
    assert run["results"] == []
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {"level": "note", "message": {"text": message}, "descriptor": {"id": "module-not-followed"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
                                             "region": {"startLine": line, "startColumn": column}}}]}
        for (line, column, _), message in zip(CALLS, MESSAGES)]


@pytest.mark.parametrize("output_format", ["text", "concise", *MACHINE])
def test_notices_change_no_exit_code(cli, output_format):
    assert cli(".", "--format", output_format, cwd=NOT_DOWNLOADED).exit_code == 0
    assert cli(".", "--format", output_format, "--strict-modules", cwd=NOT_DOWNLOADED).exit_code == 2
    assert cli(".", "--format", output_format, cwd=REMOTE).exit_code == 1  # its findings


REMOTE_FINDINGS = [("MWAA501", "main.tf", 36), ("MWAA402", "main.tf", 52), ("MWAA306", "requirements.txt", 3),
                   ("MWAA301", "requirements.txt", 5)]
REMOTE_NOTICES = [
    ("iam.tf", 2, "module.mwaa_role (git::https://github.com/acme-data/terraform-aws-mwaa-execution-role.git?ref=v2.3.1)"),
    ("network.tf", 1, "module.vpc (terraform-aws-modules/vpc/aws)"),
]


def test_findings_come_first_and_are_unchanged(cli):
    """With findings and notices: the findings of each format are the json format's, in the same
    order, and the notices follow them."""
    findings = [(f["rule_id"], f["path"], f["line"]) for f in cli(".", "--format", "json", cwd=REMOTE).json()["findings"]]
    assert findings == REMOTE_FINDINGS

    concise = cli(".", "--format", "concise", cwd=REMOTE).stdout.splitlines()
    assert [(line.split()[1], *line.split(":")[:2]) for line in concise[:4]] == [(r, p, str(n)) for r, p, n in findings]
    assert [line.split(" [notice] ")[0] for line in concise[4:6]] == [
        f"{path}:{line}:1: module-not-followed" for path, line, _ in REMOTE_NOTICES]
    assert concise[6].startswith("Found 4 problems (1 error, 3 warnings) in 4 files; 2 module calls not followed: ")

    jsonl = [json.loads(line) for line in cli(".", "--format", "jsonl", cwd=REMOTE).stdout.splitlines()]
    assert [(r["type"], r.get("rule_id"), r["path"], r["line"]) for r in jsonl] == [
        ("finding", r, p, n) for r, p, n in findings] + [("notice", None, p, n) for p, n, _ in REMOTE_NOTICES]

    github = cli(".", "--format", "github", cwd=REMOTE).stdout.splitlines()
    assert [line.split(" ")[0] for line in github] == ["::warning", "::warning", "::error", "::warning", "::notice", "::notice"]
    assert [line.split(",title=")[0] for line in github[4:]] == [
        f"::notice file={p},line={n},col=1" for p, n, _ in REMOTE_NOTICES]

    gitlab = json.loads(cli(".", "--format", "gitlab", cwd=REMOTE).stdout)
    jsonschema.Draft7Validator(CODE_QUALITY).validate(gitlab)
    assert [(i["check_name"].split()[0], i["location"]["path"], i["location"]["lines"]["begin"]) for i in gitlab] == [
        (r, p, n) for r, p, n in findings] + [("mwaa-lint", p, n) for p, n, _ in REMOTE_NOTICES]

    suite = ET.fromstring(cli(".", "--format", "junit", cwd=REMOTE).stdout).find("testsuite")
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "6", "failures": "4", "errors": "0", "skipped": "2"}
    assert [(c.get("name"), [e.tag for e in c]) for c in suite.findall("testcase")] == [
        (f"{p}:{n}:{c}", ["failure"]) for p, n, c in (("main.tf", 36, 1), ("main.tf", 52, 3), ("requirements.txt", 3, 1),
                                                      ("requirements.txt", 5, 1))] + [
        (f"{p}:{n}:1", ["skipped"]) for p, n, _ in REMOTE_NOTICES]


@pytest.mark.parametrize("output_format", ["concise", "jsonl", "github", "gitlab", "junit"])
def test_a_token_in_a_module_source_is_masked(cli, tmp_path, output_format):
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(
        'module "mwaa" {\n  source = "git::https://x-access-token:ghp_FAKE123@github.com/acme/mwaa.git?ref=v1"\n}\n')
    run = cli(".", "--format", output_format, cwd=tmp_path)
    assert "ghp_FAKE123" not in run.stdout + run.stderr
    shown = "git::https://x-access-token:****@github.com/acme/mwaa.git?ref=v1"
    assert shown in run.stdout  # `:` is escaped in a github property, not in its message
