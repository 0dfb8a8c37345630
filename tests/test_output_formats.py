"""The output formats, on a hand-built Result: exact text, exact JSON, SARIF that GitHub accepts."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mwaa_lint import __version__
from mwaa_lint.diagnostic import Diagnostic
from mwaa_lint.output import json as json_format
from mwaa_lint.output import sarif, text
from mwaa_lint.project import Project, confined_to
from mwaa_lint.result import Result
from mwaa_lint.rule import Finding, Rule, Severity

HERE = Path(__file__).resolve().parent
SCHEMA_COPY = HERE / "data/sarif-schema-2.1.0.json"
SCHEMA_SHARED = Path(__file__).resolve().parents[2] / "shared/sarif/sarif-schema-2.1.0.json"


class PublicWebserver(Rule):
    """The Airflow web server is reachable from the internet.

    ## What it does
    Flags `webserver_access_mode = "PUBLIC_ONLY"`.

    ## Why is this bad?
    Anyone can reach the Airflow login page.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      webserver_access_mode = "PUBLIC_ONLY"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      webserver_access_mode = "PRIVATE_ONLY"
    }
    ```
    """

    id = "MWAA102"
    slug = "public-webserver"
    severity = Severity.ERROR
    security_severity = 8.0


class DebugLogLevel(Rule):
    """A log type is at DEBUG.

    ## What it does
    Flags `log_level = "DEBUG"` in `logging_configuration`.

    ## Why is this bad?
    DEBUG logs cost money in CloudWatch.

    ## Example
    ```hcl
    task_logs {
      log_level = "DEBUG"
    }
    ```

    ## Use instead
    ```hcl
    task_logs {
      log_level = "INFO"
    }
    ```
    """

    id = "MWAA403"
    slug = "debug-log-level"
    severity = Severity.INFO


class WildcardAction(Rule):
    """A policy on the execution role allows every action of a service.

    ## What it does
    Flags `Action = "*"` and `service:*` in policies on the execution role.

    ## Why is this bad?
    The role can do far more than Airflow needs.

    ## Example
    ```hcl
    Action = "s3:*"
    ```

    ## Use instead
    ```hcl
    Action = ["s3:GetObject"]
    ```
    """

    id = "MWAA201"
    slug = "wildcard-action"
    severity = Severity.WARNING


MAIN_TF = """\
resource "aws_mwaa_environment" "this" {
  name                  = "prod"
  webserver_access_mode = "PUBLIC_ONLY"
}
"""

IAM_TF = """\
data "aws_iam_policy_document" "mwaa" {
  statement {
    actions = ["s3:*"]
  }
}
"""


@pytest.fixture(autouse=True)
def project(tmp_path):
    """The text format shows source lines of files in the project only (project.py)."""
    with confined_to(Project(str(tmp_path.resolve()), "test")):
        yield


def finding(rule, path, line, column, end_line, end_column, message, address=""):
    return Finding(rule.id, rule.slug, rule.severity, message, path, line, column, end_line, end_column, address)


@pytest.fixture
def result(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "iam").mkdir()
    (tmp_path / "iam/policy.tf").write_text(IAM_TF)
    findings = [
        finding(
            WildcardAction, tmp_path / "iam/policy.tf", 2, 3, 4, 4,
            'the policy allows "s3:*"; expected named actions',
            address="data.aws_iam_policy_document.mwaa",
        ),
        finding(
            PublicWebserver, tmp_path / "main.tf", 3, 27, 3, 40,
            'webserver_access_mode is "PUBLIC_ONLY"; expected "PRIVATE_ONLY"',
            address="aws_mwaa_environment.this",
        ),
        # Its file is gone by the time we print: no source line, no crash.
        finding(DebugLogLevel, tmp_path / "gone.tf", 7, 5, 7, 12, 'task_logs.log_level is "DEBUG"'),
    ]
    diagnostics = [
        Diagnostic(tmp_path / "broken.tf", 5, 1, "Unexpected '}'"),
        Diagnostic(tmp_path / "binary.tf", 0, 0, "binary file (contains NUL bytes), not Terraform text; not checked",
                   kind="read-error"),
    ]
    return Result(findings, diagnostics, [PublicWebserver, WildcardAction, DebugLogLevel], tmp_path, files_checked=5)


# --- text ------------------------------------------------------------------------------


def test_text(result):
    assert text.render(result).splitlines() == [
        'iam/policy.tf:2:3: MWAA201 [warning] the policy allows "s3:*"; expected named actions',
        "  statement {",
        "  ^~~~~~~~~~~",
        "",
        'main.tf:3:27: MWAA102 [error] webserver_access_mode is "PUBLIC_ONLY"; expected "PRIVATE_ONLY"',
        '  webserver_access_mode = "PUBLIC_ONLY"',
        "                          ^~~~~~~~~~~~~",
        "",
        'gone.tf:7:5: MWAA403 [info] task_logs.log_level is "DEBUG"',
        "",
        "Found 3 problems (1 error, 1 warning, 1 info) in 5 files.",
        "2 files could not be checked; the result is incomplete.",
    ]
    # Problems with the run itself go to standard error, in the same shape.
    assert text.render_diagnostics(result).splitlines() == [
        "broken.tf:5:1: error: Unexpected '}'",
        "",
        "binary.tf: error: binary file (contains NUL bytes), not Terraform text; not checked",
        "",
    ]


def test_text_color(result):
    lines = text.render(result, color=True).splitlines()
    assert lines[4] == (
        '\033[1mmain.tf:3:27:\033[0m MWAA102 \033[31m[error]\033[0m '
        'webserver_access_mode is "PUBLIC_ONLY"; expected "PRIVATE_ONLY"'
    )
    assert lines[5] == '  webserver_access_mode = "PUBLIC_ONLY"'
    assert lines[6] == " " * 26 + "\033[2m^~~~~~~~~~~~~\033[0m"
    assert lines[0].startswith("\033[1miam/policy.tf:2:3:\033[0m MWAA201 \033[33m[warning]\033[0m ")
    assert lines[8].startswith("\033[1mgone.tf:7:5:\033[0m MWAA403 \033[34m[info]\033[0m ")
    diagnostics = text.render_diagnostics(result, color=True).splitlines()
    assert diagnostics[0] == "\033[1mbroken.tf:5:1:\033[0m \033[31merror:\033[0m Unexpected '}'"
    assert "\033" not in text.render(result) + text.render_diagnostics(result)


def test_text_clean_run(tmp_path):
    empty = Result([], [], [PublicWebserver], tmp_path, files_checked=1)
    assert text.render(empty) == "No problems found in 1 file.\n"


def test_text_keeps_terminal_safe_and_aligned(tmp_path):
    (tmp_path / "a.tf").write_text('\tname = "x\x1b[2Jy"\n')
    f = finding(PublicWebserver, tmp_path / "a.tf", 1, 9, 1, 16, "bad \x1b[31mname")
    out = text.render(Result([f], [], [PublicWebserver], tmp_path, files_checked=1)).splitlines()
    assert out[:3] == [
        "a.tf:1:9: MWAA102 [error] bad \ufffd[31mname",
        '\tname = "x\ufffd[2Jy"',
        "\t       ^~~~~~~",
    ]


# --- json ------------------------------------------------------------------------------


def test_json(result):
    out = json_format.render(result)
    assert out.endswith("}\n")
    data = json.loads(out)
    assert list(data) == ["version", "tool", "summary", "stats", "findings", "diagnostics", "notices"]
    assert data["version"] == 1
    assert data["tool"] == {"name": "mwaa-lint", "version": __version__}
    assert data["summary"] == {
        "findings": 3,
        "by_severity": {"error": 1, "warning": 1, "info": 1},
        "files_checked": 5,
        "incomplete": True,
        "suppressed": 0,
        "baselined": 0,
        "modules_not_followed": 0,
    }
    assert data["findings"][1] == {
        "rule_id": "MWAA102",
        "slug": "public-webserver",
        "severity": "error",
        "message": 'webserver_access_mode is "PUBLIC_ONLY"; expected "PRIVATE_ONLY"',
        "path": "main.tf",
        "line": 3,
        "column": 27,
        "end_line": 3,
        "end_column": 40,
        "address": "aws_mwaa_environment.this",
        "related": [],
        "fix": None,
    }
    assert list(data["findings"][0]) == list(data["findings"][1])
    assert [f["path"] for f in data["findings"]] == ["iam/policy.tf", "main.tf", "gone.tf"]
    assert data["diagnostics"] == [
        {"kind": "parse-error", "path": "broken.tf", "line": 5, "column": 1, "message": "Unexpected '}'", "fix": None},
        {
            "kind": "read-error",
            "path": "binary.tf",
            "line": 0,
            "column": 0,
            "message": "binary file (contains NUL bytes), not Terraform text; not checked",
            "fix": None,
        },
    ]
    assert out.startswith('{\n  "version": 1,\n  "tool": {\n    "name": "mwaa-lint",')


def test_json_clean_run(tmp_path):
    data = json.loads(json_format.render(Result([], [], [], tmp_path, files_checked=2)))
    assert data["summary"] == {
        "findings": 0,
        "by_severity": {"error": 0, "warning": 0, "info": 0},
        "files_checked": 2,
        "incomplete": False,
        "suppressed": 0,
        "baselined": 0,
        "modules_not_followed": 0,
    }
    assert data["findings"] == [] and data["diagnostics"] == []


# --- sarif -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator():
    path = SCHEMA_COPY if SCHEMA_COPY.exists() else SCHEMA_SHARED
    if not path.exists():
        pytest.skip(f"SARIF schema not found at {SCHEMA_COPY} or {SCHEMA_SHARED}")
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid(validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def assert_github_ready(doc):
    """What GitHub code scanning checks beyond the schema."""
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    assert "automationDetails" not in run
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert isinstance(rule["properties"]["security-severity"], str)
        float(rule["properties"]["security-severity"])
    for res in run["results"]:
        assert res["ruleId"] in ids
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        region = loc["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"] and region["endColumn"] >= 1
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_validates(result, validator):
    doc = json.loads(sarif.render(result))
    assert_valid(validator, doc)
    assert_github_ready(doc)


def test_sarif_rules(result):
    doc = json.loads(sarif.render(result))
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    driver = doc["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("mwaa-lint", __version__, __version__)
    assert driver["informationUri"] == "https://github.com/mwaa-lint/mwaa-lint"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["MWAA102", "MWAA201", "MWAA403"]
    web = rules["MWAA102"]
    assert web["name"] == "PublicWebserver"
    assert web["shortDescription"] == {"text": "The Airflow web server is reachable from the internet."}
    assert web["fullDescription"] == {"text": 'Flags `webserver_access_mode = "PUBLIC_ONLY"`.'}
    assert web["help"]["text"] == PublicWebserver.doc() == web["help"]["markdown"]
    assert "## Use instead" in web["help"]["markdown"]
    assert web["defaultConfiguration"] == {"level": "error"}
    assert web["properties"] == {
        "tags": ["security", "network", "terraform", "mwaa"],
        "security-severity": "8.0",
        "precision": "high",
    }
    assert rules["MWAA201"]["properties"]["security-severity"] == "5.0"
    assert rules["MWAA201"]["properties"]["tags"][0] == "security"
    assert rules["MWAA403"]["defaultConfiguration"] == {"level": "note"}
    assert rules["MWAA403"]["properties"]["security-severity"] == "2.0"
    assert "security" not in rules["MWAA403"]["properties"]["tags"]


def test_sarif_results(result, tmp_path):
    run = json.loads(sarif.render(result))["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    first, second, third = run["results"]
    assert second["ruleId"] == "MWAA102" and second["ruleIndex"] == 0
    assert second["level"] == "error"
    assert second["message"] == {"text": 'webserver_access_mode is "PUBLIC_ONLY"; expected "PRIVATE_ONLY"'}
    assert second["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 27, "endLine": 3, "endColumn": 40},
            }
        }
    ]
    assert second["properties"] == {"address": "aws_mwaa_environment.this"}
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "iam/policy.tf"
    assert first["level"] == "warning" and third["level"] == "note"
    assert "properties" not in third
    prints = [r["partialFingerprints"]["mwaaLintFingerprint/v1"] for r in run["results"]]
    assert len(set(prints)) == 3


def test_sarif_diagnostics(result, tmp_path):
    invocation = json.loads(sarif.render(result))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    parse_error, read_error = invocation["toolExecutionNotifications"]
    assert parse_error == {
        "level": "error",
        "message": {"text": "Unexpected '}'"},
        "descriptor": {"id": "parse-error"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "broken.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 5, "startColumn": 1},
                }
            }
        ],
    }
    assert read_error["descriptor"] == {"id": "read-error"}
    assert "region" not in read_error["locations"][0]["physicalLocation"]


def test_sarif_clean_run(tmp_path, validator):
    doc = json.loads(sarif.render(Result([], [], [PublicWebserver, WildcardAction], tmp_path, files_checked=1)))
    assert_valid(validator, doc)
    run = doc["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == 2
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_fingerprint_ignores_line_and_separates_twins(tmp_path):
    def prints(*lines):
        fs = [finding(WildcardAction, tmp_path / "a.tf", n, 1, n, 2, "same") for n in lines]
        run = json.loads(sarif.render(Result(fs, [], [WildcardAction], tmp_path)))["runs"][0]
        return [r["partialFingerprints"]["mwaaLintFingerprint/v1"] for r in run["results"]]

    assert prints(3) == prints(30)[:1]
    twins = prints(3, 9)
    assert twins[0] != twins[1]


def test_sarif_odd_paths(tmp_path, validator):
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "elsewhere.tf"
    spaced = root / "my dir/main.tf"
    unknown_rule = Finding("MWAA999", "made-up", Severity.WARNING, "m", spaced, 1, 1, 1, 2)
    findings = [finding(PublicWebserver, outside, 1, 1, 1, 2, "outside"), unknown_rule]
    doc = json.loads(sarif.render(Result(findings, [], [PublicWebserver], root)))
    assert_valid(validator, doc)
    run = doc["runs"][0]
    outside_loc, spaced_loc = (r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"])
    assert outside_loc == {"uri": outside.resolve().as_uri()}
    assert spaced_loc == {"uri": "my%20dir/main.tf", "uriBaseId": "%SRCROOT%"}
    # a finding whose rule was not passed in still gets a descriptor, so GitHub accepts the file
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["MWAA102", "MWAA999"]
    assert run["results"][1]["ruleIndex"] == 1
    assert run["tool"]["driver"]["rules"][1]["properties"]["security-severity"] == "5.0"


def test_schema_copy_matches_shared():
    if not SCHEMA_SHARED.exists():
        pytest.skip(f"no shared schema at {SCHEMA_SHARED} to compare the copy with")
    assert SCHEMA_COPY.read_bytes() == SCHEMA_SHARED.read_bytes()
