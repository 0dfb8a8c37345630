"""`knowledge-tables` in the config replaces a built-in table with the user's own copy, for
when AWS announces an end of support before a new mwaa-lint release."""
import json

from mwaa_lint.knowledge import table

ENV = 'resource "aws_mwaa_environment" "e" {\n  name            = "e"\n  airflow_version = "2.10.3"\n}\n'


def test_a_user_table_changes_what_the_rules_know(cli, tmp_path):
    versions = json.loads(json.dumps(table("airflow_versions")))
    versions["checked"] = "2026-11-30"
    row = next(r for r in versions["versions"] if r["version"] == "2.10.3")
    row.update(status="end-of-support", end_of_support="2026-06-30")
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "versions.json").write_text(json.dumps(versions))
    (tmp_path / "main.tf").write_text(ENV)
    assert cli(".", "--select", "MWAA305", "--format", "json", cwd=tmp_path).json()["findings"] == []

    (tmp_path / ".mwaa-lint.yaml").write_text("knowledge-tables:\n  airflow_versions: ops/versions.json\n")
    try:
        findings = cli(".", "--select", "MWAA305", "--format", "json", cwd=tmp_path).json()["findings"]
        assert [(f["rule_id"], f["line"]) for f in findings] == [("MWAA305", 3)]
        assert "2026-06-30" in findings[0]["message"] and "2026-11-30" in findings[0]["message"]
    finally:
        from mwaa_lint.knowledge import use_tables

        use_tables({})  # the in-process CLI shares this process: put the built-in table back


def test_a_bad_user_table_is_an_error(cli, tmp_path):
    (tmp_path / "main.tf").write_text(ENV)
    (tmp_path / "v.json").write_text('{"title": "mine"}')
    for config, message in [
        ("knowledge-tables: {airflow_version: v.json}", "knowledge-tables: no table 'airflow_version' (tables: "),
        ("knowledge-tables: {airflow_versions: v.json}", "v.json lacks the keys checked, constraint_required_from,"),
        ("knowledge-tables: {airflow_versions: nope.json}", "knowledge-tables: airflow_versions: cannot read "),
    ]:
        (tmp_path / ".mwaa-lint.yaml").write_text(config + "\n")
        run = cli(".", cwd=tmp_path)
        assert run.exit_code == 2
        assert message in run.stderr
