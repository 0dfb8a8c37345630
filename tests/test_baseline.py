"""Baselines through the CLI: record today's findings, fail only on new ones, survive edits
that move lines, and say clearly when the baseline file is unusable."""
import json
import shutil

from conftest import FIXTURES

SOURCE = FIXTURES / "modules" / "skeleton_fixed"


def copy(tmp_path):
    shutil.copytree(SOURCE, tmp_path / "infra")
    return tmp_path / "infra"


def test_write_then_use_a_baseline(cli, tmp_path):
    infra = copy(tmp_path)
    before = cli("infra", "--format", "json", cwd=tmp_path).json()["findings"]
    assert before
    wrote = cli("infra", "--write-baseline", "mwaa-lint-baseline.json", cwd=tmp_path)
    assert wrote.exit_code == 0
    assert f"mwaa-lint: recorded {len(before)} findings in the baseline mwaa-lint-baseline.json" in wrote.stderr
    baseline = json.loads((tmp_path / "mwaa-lint-baseline.json").read_text())
    assert baseline["version"] == 2  # keyed by argument, not by message (version 1 files are still read)
    assert {e["path"] for e in baseline["findings"]} == {"infra/main.tf"}
    assert all("line" not in e for e in baseline["findings"])  # keyed by rule, file, address

    gate = cli("infra", "--baseline", "mwaa-lint-baseline.json", "--format", "json", cwd=tmp_path)
    assert gate.exit_code == 0
    assert gate.json()["findings"] == []
    assert gate.json()["summary"]["baselined"] == len(before)

    # Unrelated edits move every line down: still nothing new.
    main = infra / "main.tf"
    main.write_text("# Owned by the data platform team.\n# See the runbook before changing.\n\n" + main.read_text())
    gate = cli("infra", "--baseline", "mwaa-lint-baseline.json", "--format", "json", cwd=tmp_path)
    assert (gate.exit_code, gate.json()["findings"]) == (0, [])

    # A new problem fails the gate, and only it is reported.
    public = '  dag_s3_path       = "dags"\n  webserver_access_mode = "PUBLIC_ONLY"\n'
    main.write_text(main.read_text().replace('  dag_s3_path       = "dags"\n', public))
    gate = cli("infra", "--baseline", "mwaa-lint-baseline.json", "--format", "json", cwd=tmp_path)
    assert gate.exit_code == 1
    assert [f["rule_id"] for f in gate.json()["findings"]] == ["MWAA102"]


def test_a_second_finding_of_the_same_kind_is_new(cli, tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_mwaa_environment" "a" {\n  name = "a"\n  max_workers = 40\n}\n'
    )
    cli(".", "--select", "MWAA501", "--write-baseline", "base.json", cwd=tmp_path)
    (tmp_path / "more.tf").write_text('resource "aws_mwaa_environment" "b" {\n  name = "b"\n  max_workers = 40\n}\n')
    gate = cli(".", "--select", "MWAA501", "--baseline", "base.json", "--format", "json", cwd=tmp_path)
    assert [(f["path"], f["line"]) for f in gate.json()["findings"]] == [("more.tf", 3)]


def test_the_baseline_works_from_another_directory(cli, tmp_path):
    copy(tmp_path)
    cli("infra", "--write-baseline", "infra/baseline.json", cwd=tmp_path)
    gate = cli(".", "--baseline", "baseline.json", "--format", "json", cwd=tmp_path / "infra")
    assert (gate.exit_code, gate.json()["findings"]) == (0, [])


def test_config_names_the_baseline(cli, tmp_path):
    infra = copy(tmp_path)
    cli(".", "--write-baseline", "accepted.json", cwd=infra)
    (infra / ".mwaa-lint.yaml").write_text("baseline: accepted.json\n")
    assert cli(".", cwd=infra).exit_code == 0


def test_unusable_baselines_are_errors(cli, tmp_path):
    copy(tmp_path)
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"version": 9}')
    for name, message in [
        ("missing.json", "missing.json: cannot read baseline: No such file or directory"),
        ("bad.json", "bad.json: baseline is not valid JSON: "),
        ("other.json", "other.json: not a mwaa-lint baseline (expected version 1 or 2 with a findings list)"),
    ]:
        run = cli("infra", "--baseline", name, cwd=tmp_path)
        assert run.exit_code == 2
        assert f"mwaa-lint: error: {message}" in run.stderr
