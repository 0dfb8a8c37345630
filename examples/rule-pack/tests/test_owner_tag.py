"""ACME001 end to end, through mwaa-lint's command line: listed, documented, reported at the
exact place, suppressible, in SARIF, and its documented examples hold."""
import json
import textwrap

import pytest
from acme_mwaa_rules import EnvironmentOwnerTag
from conftest import FIXTURES

EXPECTED = "non-empty owner and cost-center tags"


def findings(result) -> list:
    """The concise report's finding lines."""
    return [line for line in result.stdout.splitlines() if ": ACME001 " in line]


def test_listed_by_rules(lint):
    result = lint("rules")
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("ACME001 "))
    assert line.split()[1:3] == ["environment-owner-tag", "warning"]
    assert line.endswith("An environment does not name its owner and cost center in its tags.")


@pytest.mark.parametrize("key", ["ACME001", "environment-owner-tag"])
def test_documented_by_rule(lint, key):
    result = lint("rule", key)
    assert result.exit_code == 0
    assert result.stdout.startswith("ACME001 environment-owner-tag [warning]\n\nAn environment does not name")
    assert "## Why is this bad?" in result.stdout
    assert "- `tags` (default: owner,cost-center); set with `--rule-option ACME001.tags=VALUE`" in result.stdout


@pytest.mark.parametrize("fixture, expected", [
    ("untagged", [f"main.tf:1:1: ACME001 [warning] no tags; expected {EXPECTED}"]),
    ("partial", [f"main.tf:12:3: ACME001 [warning] tags lack owner; expected {EXPECTED}",
                 f"main.tf:17:3: ACME001 [warning] tags leave cost-center empty; expected {EXPECTED}"]),
    ("module_caller", ["main.tf:4:3: ACME001 [warning] tags (passed to module.mwaa for module.mwaa.aws_mwaa_environment.this) "
                       f"leave owner empty; expected {EXPECTED}"]),
    ("unknown", []),
    ("tagged", []),
])
def test_reports_exactly_where_and_what(lint, fixture, expected):
    result = lint(".", "--select", "ACME001", "--format", "concise", cwd=FIXTURES / fixture)
    assert findings(result) == expected
    assert result.exit_code == (1 if expected else 0), result.stderr


def test_the_required_tags_are_an_option(lint):
    result = lint(".", "--select", "ACME001", "--format", "concise", "--rule-option", "ACME001.tags=owner",
                  cwd=FIXTURES / "partial")
    assert findings(result) == ["main.tf:12:3: ACME001 [warning] tags lack owner; expected a non-empty owner tag"]


@pytest.mark.parametrize("name", ["ACME001", "environment-owner-tag", "ACME"])
def test_suppressed_inline(lint, copy, name):
    root = copy("untagged")
    text = (root / "main.tf").read_text()
    (root / "main.tf").write_text(f"# mwaa-lint: ignore[{name}] a sandbox, deleted every night\n{text}")
    result = lint(".", "--select", "ACME001", "--format", "concise", cwd=root)
    assert (result.exit_code, findings(result)) == (0, [])


def test_ignored_in_config(lint, copy):
    root = copy("two_envs")
    (root / ".mwaa-lint.yaml").write_text("ignore: [ACME001]\n")
    result = lint(".", "--select", "ACME001", "--format", "concise", cwd=root)
    assert (result.exit_code, findings(result)) == (0, [])


def test_ignored_per_path_in_config(lint, copy):
    root = copy("two_envs")
    (root / ".mwaa-lint.yaml").write_text('per-path-ignores:\n  "sandbox/**": [ACME001]\n')
    result = lint(".", "--select", "ACME001", "--format", "concise", cwd=root)
    assert findings(result) == [f"prod/main.tf:1:1: ACME001 [warning] no tags; expected {EXPECTED}"]


def test_in_sarif_rule_metadata(lint):
    result = lint(".", "--select", "ACME001", "--format", "sarif", cwd=FIXTURES / "untagged")
    run = json.loads(result.stdout)["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "ACME001")
    assert rule["name"] == "EnvironmentOwnerTag"
    assert rule["shortDescription"]["text"] == EnvironmentOwnerTag.summary()
    assert rule["help"]["markdown"] == EnvironmentOwnerTag.doc()
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        ("ACME001", 1)]


@pytest.mark.parametrize("heading, fires", [("Example", True), ("Use instead", False)])
def test_documented_examples(lint, tmp_path, heading, fires):
    (tmp_path / "main.tf").write_text(textwrap.dedent(EnvironmentOwnerTag.example(heading)))
    result = lint(".", "--select", "ACME001", "--format", "concise", "--no-cache", cwd=tmp_path)
    assert bool(findings(result)) == fires, result.stdout
    assert result.exit_code == (1 if fires else 0), result.stderr


def test_well_formed():
    assert EnvironmentOwnerTag.problems() == []
