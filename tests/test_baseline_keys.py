"""A baseline entry is keyed by rule, file, resource address and argument, never by the
message or the line, through the CLI: a changed value stays baselined, a finding on another
resource or argument is new, and baselines written by 0.x (keyed by message) are still read."""
import json

ENV = '''resource "aws_mwaa_environment" "{name}" {{
  name                 = "{name}"
  source_bucket_arn    = "arn:aws:s3:::acme-{name}"
  plugins_s3_path      = "plugins.zip"
  max_workers          = {workers}
}}
'''


def gate(cli, work, *args):
    run = cli(".", "--select", "MWAA501,MWAA302", "--baseline", "baseline.json", "--format", "json", "--no-cache",
              *args, cwd=work)
    return run.exit_code, [(f["rule_id"], f["path"], f["line"]) for f in run.json()["findings"]]


def record(cli, work):
    run = cli(".", "--select", "MWAA501,MWAA302", "--write-baseline", "baseline.json", "--no-cache", cwd=work)
    assert run.exit_code == 0, run.stderr
    return json.loads((work / "baseline.json").read_text())


def test_the_baseline_file_keys_by_argument(cli, tmp_path):
    (tmp_path / "main.tf").write_text(ENV.format(name="etl", workers=50))
    assert record(cli, tmp_path) == {"version": 2, "tool": "mwaa-lint", "findings": [
        {"rule_id": "MWAA302", "path": "main.tf", "address": "aws_mwaa_environment.etl", "argument": "plugins_s3_path",
         "count": 1, "message": 'plugins_s3_path is "plugins.zip" but plugins_s3_object_version is not set, so a new '
                                "upload of plugins.zip does not change the plan and the environment keeps the version "
                                "MWAA resolved earlier; expected plugins_s3_object_version = aws_s3_object.<name>.version_id"},
        {"rule_id": "MWAA501", "path": "main.tf", "address": "aws_mwaa_environment.etl", "argument": "max_workers",
         "count": 1, "message": "max_workers is 50; expected max_workers <= 25"},
    ]}


def test_a_changed_value_and_moved_lines_stay_baselined(cli, tmp_path):
    (tmp_path / "main.tf").write_text(ENV.format(name="etl", workers=50))
    record(cli, tmp_path)
    # 50 → 40 changes MWAA501's message ("max_workers is 40"); a comment moves every line down
    (tmp_path / "main.tf").write_text("# Owned by the data platform team.\n\n" + ENV.format(name="etl", workers=40))
    assert gate(cli, tmp_path) == (0, [])


def test_the_same_finding_on_another_resource_or_argument_is_new(cli, tmp_path):
    (tmp_path / "main.tf").write_text(ENV.format(name="etl", workers=50))
    record(cli, tmp_path)
    (tmp_path / "reporting.tf").write_text(ENV.format(name="reporting", workers=50))
    assert gate(cli, tmp_path) == (1, [("MWAA302", "reporting.tf", 4), ("MWAA501", "reporting.tf", 5)])
    # another argument of the baselined resource: MWAA302 on requirements_s3_path
    (tmp_path / "reporting.tf").unlink()
    main = tmp_path / "main.tf"
    main.write_text(main.read_text().replace('  max_workers', '  requirements_s3_path = "requirements.txt"\n  max_workers'))
    assert gate(cli, tmp_path) == (1, [("MWAA302", "main.tf", 5)])


def test_a_baseline_written_by_0x_is_still_read_by_its_messages(cli, tmp_path):
    (tmp_path / "main.tf").write_text(ENV.format(name="etl", workers=50))
    (tmp_path / "baseline.json").write_text(json.dumps({"version": 1, "tool": "mwaa-lint", "findings": [
        {"rule_id": "MWAA501", "path": "main.tf", "address": "aws_mwaa_environment.etl",
         "message": "max_workers is 50; expected max_workers <= 25", "count": 1}]}))
    assert gate(cli, tmp_path) == (1, [("MWAA302", "main.tf", 4)])  # the version 1 entry matches MWAA501
    # a version 1 entry matches by message, as before: a changed value is new until the baseline is rewritten
    (tmp_path / "main.tf").write_text(ENV.format(name="etl", workers=40))
    assert gate(cli, tmp_path) == (1, [("MWAA302", "main.tf", 4), ("MWAA501", "main.tf", 5)])
    assert record(cli, tmp_path)["version"] == 2


def test_a_version_2_entry_without_an_argument_is_an_error(cli, tmp_path):
    (tmp_path / "main.tf").write_text(ENV.format(name="etl", workers=50))
    entry = {"rule_id": "MWAA501", "path": "main.tf", "address": "aws_mwaa_environment.etl", "count": 1}
    (tmp_path / "baseline.json").write_text(json.dumps({"version": 2, "findings": [entry]}))
    run = cli(".", "--baseline", "baseline.json", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.strip() == (f"mwaa-lint: error: baseline.json: baseline entry {entry!r} lacks rule_id, "
                                  "path, address or argument")
