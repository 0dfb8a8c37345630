"""Per-rule fixtures: tests/fixtures/rules/<RULE_ID>/<case>/ holds Terraform and an expected.txt
listing exactly the findings of that one rule (`RULE path:line`), run as
`mwaa-lint --select RULE_ID .` inside the case directory. Misses and extras both fail."""
import pytest
from conftest import FIXTURES
from test_fixture_modules import expected_findings

CASES = sorted(p.parent for p in (FIXTURES / "rules").glob("*/*/expected.txt"))


def test_there_are_rule_fixtures():
    assert CASES


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_fixture(cli, case):
    rule_id = case.parent.name
    run = cli(".", "--select", rule_id, "--format", "json", cwd=case)
    data = run.json()
    assert data["diagnostics"] == []
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])
    assert found == expected_findings(case)
