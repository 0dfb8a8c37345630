"""The CI formats through the CLI: concise, jsonl, github, gitlab, junit; several outputs in
one run; --statistics; findings on stdout and diagnostics on stderr."""
import json
import xml.etree.ElementTree as ET

from conftest import REPO

ARGS = ("examples/quickstart", "--select", "MWAA201,MWAA501")
LOGS = ("execution role aws_iam_role.airflow allows `logs:*` (every action of the logs service) in "
        "aws_iam_role_policy.airflow; expected specific actions")


def run(cli, *args, **kw):
    return cli(*ARGS, *args, cwd=kw.get("cwd", REPO))


def test_concise(cli):
    assert run(cli, "--format", "concise").stdout.splitlines() == [
        f"examples/quickstart/iam.tf:37:11: MWAA201 [error] {LOGS}",
        "examples/quickstart/main.tf:70:3: MWAA501 [warning] max_workers is 50; expected max_workers <= 25",
        "Found 2 problems (1 error, 1 warning) in 4 files.",
    ]


def test_jsonl(cli):
    lines = [json.loads(line) for line in run(cli, "--format", "jsonl").stdout.splitlines()]
    assert [(x["type"], x["rule_id"], x["path"], x["line"]) for x in lines] == [
        ("finding", "MWAA201", "examples/quickstart/iam.tf", 37),
        ("finding", "MWAA501", "examples/quickstart/main.tf", 70),
    ]


def test_json_lines_is_jsonl(cli):
    assert run(cli, "--format", "json-lines").stdout == run(cli, "--format", "jsonl").stdout


def test_github_annotations(cli):
    assert run(cli, "--format", "github").stdout.splitlines() == [
        "::error file=examples/quickstart/iam.tf,line=37,col=11,endLine=37,endColumn=19,title=MWAA201 wildcard-action::"
        + LOGS,
        "::warning file=examples/quickstart/main.tf,line=70,col=3,endLine=70,endColumn=19,"
        "title=MWAA501 unbounded-max-workers::max_workers is 50; expected max_workers <= 25",
    ]


def test_github_escaping():
    from mwaa_lint.output.github import escape_data, escape_property

    assert escape_data("100% of\r\nworkers") == "100%25 of%0D%0Aworkers"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"


def test_github_reports_parse_errors_as_annotations(cli):
    out = cli("seed/", "--format", "github", cwd=REPO / "tests" / "fixtures").stdout.splitlines()
    assert out[0] == (
        "::error file=seed/skeleton.tf,line=13,col=32,title=mwaa-lint parse-error::Invalid single-argument block "
        "definition: a block written on one line may hold only one argument; put each argument on its own line"
    )


def test_gitlab_code_quality(cli):
    issues = json.loads(run(cli, "--format", "gitlab").stdout)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("MWAA201 wildcard-action", "critical", "examples/quickstart/iam.tf", 37),
        ("MWAA501 unbounded-max-workers", "major", "examples/quickstart/main.tf", 70),
    ]
    assert issues[0]["categories"] == ["Security"] and issues[1]["categories"] == ["Bug Risk"]
    assert len({i["fingerprint"] for i in issues}) == 2
    again = json.loads(run(cli, "--format", "gitlab").stdout)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]


def test_junit(cli):
    root = ET.fromstring(run(cli, "--format", "junit").stdout)
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "2", "0")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["examples/quickstart/iam.tf:37:11", "examples/quickstart/main.tf:70:3"]
    assert cases[1].find("failure").get("message") == "max_workers is 50; expected max_workers <= 25"


def test_junit_clean_run_is_one_passing_case(cli, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name        = "e"\n  max_workers = 5\n}\n')
    root = ET.fromstring(cli(".", "--select", "MWAA501", "--format", "junit", cwd=tmp_path).stdout)
    cases = root.find("testsuite").findall("testcase")
    assert len(cases) == 1 and cases[0].find("failure") is None


def test_several_outputs_in_one_run(cli, tmp_path):
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = run(cli, "--output", f"sarif:{sarif}", "--output", f"junit:{junit}", "--output", "concise:-")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "Found 2 problems (1 error, 1 warning) in 4 files."
    assert len(json.loads(sarif.read_text())["runs"][0]["results"]) == 2
    assert ET.fromstring(junit.read_text()).find("testsuite").get("failures") == "2"
    assert f"mwaa-lint: 2 findings written to {sarif} (sarif)" in result.stderr


def test_format_and_output_together(cli, tmp_path):
    sarif = tmp_path / "out.sarif"
    result = run(cli, "--format", "text", "--output", f"sarif:{sarif}")
    assert "examples/quickstart/main.tf:70:3: MWAA501 [warning]" in result.stdout
    assert sarif.exists()


def test_bad_output_spec(cli):
    result = run(cli, "--output", "pdf:report.pdf")
    assert result.exit_code == 2
    assert "'pdf:report.pdf' is not FORMAT:PATH with FORMAT one of text, concise, json" in result.stderr


def test_statistics(cli):
    result = run(cli, "--statistics", "--format", "concise", "--no-cache")
    assert result.stdout.splitlines()[-3:] == [
        "1  MWAA201  wildcard-action  [error]",
        "1  MWAA501  unbounded-max-workers  [warning]",
        "4 Terraform files read, 4 parsed, 0 from the parse cache; 0 directories skipped (no aws_mwaa_environment in reach); "
        "0 root modules answered from the result cache",
    ]
    as_json = run(cli, "--statistics", "--format", "json")
    json.loads(as_json.stdout)  # stdout stays a pure JSON document
    assert "1  MWAA201  wildcard-action  [error]" in as_json.stderr


def test_statistics_of_a_warm_run(cli, tmp_path):
    run(cli, "--statistics", "--format", "concise", "--cache-dir", tmp_path)
    warm = run(cli, "--statistics", "--format", "concise", "--cache-dir", tmp_path)
    assert warm.stdout.splitlines()[-1] == (
        "4 Terraform files read, 0 parsed, 0 from the parse cache; 0 directories skipped (no aws_mwaa_environment in reach); "
        "1 root module answered from the result cache")


def test_diagnostics_go_to_stderr_and_findings_to_stdout(cli, tmp_path):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name        = "e"\n  max_workers = 40\n}\n')
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.tf").write_text('resource "aws_mwaa_environment" "b" {\n  name = "b"\n}\n}\n')
    result = cli(".", "--select", "MWAA501", cwd=tmp_path)
    assert result.exit_code == 2
    assert "ok/main.tf:3:3: MWAA501" in result.stdout and "broken/main.tf" not in result.stdout.split("\n")[0]
    assert result.stderr.startswith("broken/main.tf:4:1: error: Unexpected '}'")
    assert result.stdout.splitlines()[-1] == "1 file could not be checked; the result is incomplete."
