"""Configuration through the CLI: `.mwaa-lint.yaml` found upward from the scanned path,
`[tool.mwaa-lint]` in pyproject.toml, `--config`; every key; command-line precedence;
clear errors naming the key; `--show-config`."""
import yaml
from conftest import FIXTURES

MONOREPO = FIXTURES / "config" / "monorepo"


def found(run):
    data = run.json()
    return sorted((f["rule_id"], f["severity"], f["path"], f["line"]) for f in data["findings"])


def test_every_key_of_the_monorepo_config_takes_effect(cli):
    run = cli(".", "--format", "json", cwd=MONOREPO)
    assert run.json()["diagnostics"] == []
    assert found(run) == [
        ("MWAA102", "error", "envs/prod/main.tf", 17),  # severity: MWAA102 raised to error; prod.tfvars sets PUBLIC_ONLY
        ("MWAA102", "error", "envs/sandbox/main.tf", 5),
        # rule-options: ceiling 12; var-files: envs/prod reads prod.tfvars (max_workers = 20)
        ("MWAA501", "warning", "envs/prod/main.tf", 16),
        # not reported: envs/sandbox MWAA501 (per-path-ignores), legacy/ (exclude), MWAA3/4 (select)
    ]
    assert run.exit_code == 1  # fail-on: error, and there are errors


def test_fail_on_from_the_config_and_the_command_line(cli):
    assert cli("envs/prod", "--select", "MWAA501", cwd=MONOREPO).exit_code == 0  # a warning; fail-on: error
    assert cli("envs/prod", "--select", "MWAA501", "--fail-on", "warning", cwd=MONOREPO).exit_code == 1


def test_the_config_is_found_upward_from_the_scanned_path(cli):
    run = cli("tests/fixtures/config/monorepo/envs/prod", "--format", "json", cwd=FIXTURES.parents[1])
    (workers,) = [f for f in run.json()["findings"] if f["rule_id"] == "MWAA501"]
    assert workers["line"] == 16
    assert workers["message"].startswith("max_workers is 20 (var.max_workers, set by ")


def test_command_line_select_replaces_the_configs_and_ignore_adds(cli):
    run = cli(".", "--select", "MWAA5", "--format", "json", cwd=MONOREPO)
    assert {f["rule_id"] for f in run.json()["findings"]} == {"MWAA501"}
    run = cli(".", "--ignore", "MWAA102", "--format", "json", cwd=MONOREPO)
    assert {f["rule_id"] for f in run.json()["findings"]} == {"MWAA501"}


def test_show_config_prints_the_effective_configuration(cli):
    run = cli(".", "--show-config", "--fail-on", "warning", cwd=MONOREPO)
    assert run.exit_code == 0
    shown = yaml.safe_load(run.stdout)
    assert shown["config-file"].endswith(".mwaa-lint.yaml")
    assert shown["select"] == ["MWAA101", "MWAA102", "MWAA104", "MWAA501", "MWAA502", "MWAA503", "MWAA504"]
    assert shown["fail-on"] == "warning"
    assert shown["severity"] == {"MWAA102": "error"}
    assert shown["rule-options"] == {"MWAA501": {"ceiling": 12}}
    assert shown["exclude"] == ["legacy/**"]


def test_pyproject_table(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "infra"\n\n[tool.mwaa-lint]\nselect = ["MWAA501"]\n'
                                             'rule-options = { MWAA501 = { ceiling = 5 } }\n')
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name        = "e"\n  max_workers = 8\n}\n')
    run = cli(".", "--format", "json", cwd=tmp_path)
    assert [(f["rule_id"], f["line"]) for f in run.json()["findings"]] == [("MWAA501", 3)]
    assert run.json()["findings"][0]["message"] == "max_workers is 8; expected max_workers <= 5"


def test_explicit_config_wins(cli, tmp_path):
    (tmp_path / ".mwaa-lint.yaml").write_text("select: [MWAA102]\n")
    (tmp_path / "strict.yaml").write_text("select: [MWAA501]\n")
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name        = "e"\n  max_workers = 80\n}\n')
    run = cli(".", "--config", "strict.yaml", "--format", "json", cwd=tmp_path)
    assert {f["rule_id"] for f in run.json()["findings"]} == {"MWAA501"}


def _error(cli, tmp_path, text, *args):
    (tmp_path / ".mwaa-lint.yaml").write_text(text)
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name = "e"\n}\n')
    run = cli(".", *args, cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stdout == ""
    return run.stderr.strip()


def test_unknown_keys_and_bad_values_are_errors_naming_the_key(cli, tmp_path):
    config = str(tmp_path / ".mwaa-lint.yaml")
    assert _error(cli, tmp_path, "selct: [MWAA1]\n").startswith(f"mwaa-lint: error: {config}: unknown key 'selct' (known keys: select,")
    assert _error(cli, tmp_path, "fail-on: sometimes\n") == (
        f"mwaa-lint: error: {config}: fail-on: expected info, warning or error, found 'sometimes'")
    assert _error(cli, tmp_path, "inline-ignores: maybe\n") == (
        f"mwaa-lint: error: {config}: inline-ignores: expected true or false, found 'maybe'")
    assert _error(cli, tmp_path, "select: [MWAA9]\n") == (
        "mwaa-lint: error: Invalid value for --select/--ignore: no rule matches 'MWAA9'; see `mwaa-lint rules`")
    assert _error(cli, tmp_path, "rule-options: {MWAA501: {ceil: 3}}\n").startswith(
        f"mwaa-lint: error: Invalid value for {config}: rule-options: unknown rule option MWAA501.ceil (known:")
    assert _error(cli, tmp_path, "select: [MWAA1\n") .startswith(f"mwaa-lint: error: {config}:2:1: invalid YAML:")
    assert _error(cli, tmp_path, "- just\n- a list\n") == (
        f"mwaa-lint: error: {config}: expected a mapping of settings, found list")


def test_missing_explicit_config(cli, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name = "e"\n}\n')
    run = cli(".", "--config", "nope.yaml", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.strip() == "mwaa-lint: error: nope.yaml: no such configuration file"


def test_yaml_is_read_safely(cli, tmp_path):
    # a Python tag must not construct anything (yaml.safe_load refuses it)
    message = _error(cli, tmp_path, "select: !!python/object/apply:os.system ['echo pwned']\n")
    assert "invalid YAML" in message
