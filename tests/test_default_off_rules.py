"""A rule with `enabled_by_default = False` (MWAA603, no-customer-kms-key) runs only when a
`--select` names it — by id, by a prefix, or by slug — and `mwaa-lint rules` says it is off."""
import pytest
from conftest import FIXTURES

from mwaa_lint.registry import load_rules

NOT_SET = FIXTURES / "rules" / "MWAA603" / "not_set"
# what MWAA603 finds there (tests/fixtures/rules/MWAA603/not_set/expected.txt)
FOUND = [("main.tf", 7), ("main.tf", 27), ("main.tf", 42), ("main.tf", 57)]


def _mwaa603(cli, *args):
    data = cli(".", *args, "--format", "json", cwd=NOT_SET).json()
    assert data["diagnostics"] == []
    return sorted((f["path"], f["line"]) for f in data["findings"] if f["rule_id"] == "MWAA603")


def test_it_is_off_by_default():
    rule = next(r for r in load_rules() if r.id == "MWAA603")
    assert rule.enabled_by_default is False


def test_a_default_run_does_not_run_it(cli):
    assert _mwaa603(cli) == []


@pytest.mark.parametrize("selector", ["MWAA603", "MWAA6", "no-customer-kms-key"])
def test_select_turns_it_on(cli, selector):
    assert _mwaa603(cli, "--select", selector) == FOUND


def test_ignore_wins_over_select(cli):
    assert _mwaa603(cli, "--select", "MWAA6", "--ignore", "MWAA603") == []


def test_it_is_informational_so_selecting_it_does_not_fail_the_run(cli):
    run = cli(".", "--select", "MWAA603", cwd=NOT_SET)
    assert "MWAA603" in run.stdout
    assert run.exit_code == 0  # default --fail-on warning
    assert cli(".", "--select", "MWAA603", "--fail-on", "info", cwd=NOT_SET).exit_code == 1


def test_the_rule_list_marks_it_off_by_default(cli):
    run = cli("rules")
    assert run.exit_code == 0
    lines = {line.split()[0]: line for line in run.stdout.splitlines()}
    assert lines["MWAA603"].endswith("owned key. (off by default)")
    assert "off by default" not in lines["MWAA604"]  # MWAA604 runs by default
    for rule in load_rules():
        assert ("(off by default)" in lines[rule.id]) == (not rule.enabled_by_default), rule.id
    assert lines["MWAA002"].count("(off by default)") == 1  # its summary says so already: not twice


def test_the_markdown_rule_table_marks_it_off_by_default(cli):
    rows = {row.split(" | ")[0].lstrip("| "): row for row in cli("rules", "--markdown").stdout.splitlines()[2:]}
    assert rows["MWAA603"].endswith("owned key. (off by default) |")
    for rule in load_rules():
        assert ("(off by default)" in rows[rule.id]) == (not rule.enabled_by_default), rule.id
