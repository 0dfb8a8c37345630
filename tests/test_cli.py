"""The command line as users run it: seed skeleton, formats, rules listing, exit codes."""
import json
import subprocess
import sys

from conftest import FIXTURES

SKELETON_ERROR = (
    "seed/skeleton.tf:13:32: error: [*] Invalid single-argument block definition: a block written on one "
    "line may hold only one argument; put each argument on its own line"
)


def test_seed_skeleton_is_a_parse_error_at_line_13(cli):
    run = cli("seed/")
    assert run.exit_code == 2
    assert SKELETON_ERROR in run.stderr
    assert "1 file could not be checked; the result is incomplete." in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_seed_skeleton_through_the_real_console_script():
    proc = subprocess.run(
        [sys.executable, "-m", "mwaa_lint", "seed/"], cwd=FIXTURES, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert SKELETON_ERROR in proc.stderr
    assert "Traceback" not in proc.stderr


def test_parse_error_in_json_and_sarif(cli):
    data = cli("seed/", "--format", "json").json()
    assert data["findings"] == []
    message = SKELETON_ERROR.split("error: [*] ", 1)[1]
    # every invalid one-line block at once, as Terraform reports them
    assert [{k: v for k, v in d.items() if k != "fix"} for d in data["diagnostics"]] == [
        {"kind": "parse-error", "path": "seed/skeleton.tf", "line": line, "column": column, "message": message}
        for line, column in [(13, 32), (46, 41), (47, 41), (48, 41), (49, 41), (50, 41), (56, 44), (57, 44)]
    ]
    # each carries the fix that splits its block (tests/test_fix.py applies them)
    assert [d["fix"]["edits"][0]["line"] for d in data["diagnostics"]] == [13, 46, 47, 48, 49, 50, 56, 57]
    assert data["diagnostics"][0]["fix"]["edits"][0]["replacement"] == (
        '    principals {\n      type        = "Service"\n'
        '      identifiers = ["airflow.amazonaws.com","airflow-env.amazonaws.com"]\n    }')
    sarif = json.loads(cli("seed/", "--format", "sarif").stdout)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 13


def test_other_files_are_still_checked_after_a_parse_error(cli, tmp_path):
    (tmp_path / "broken").mkdir()
    # broken/ holds an environment too (a directory without one is not parsed at all)
    (tmp_path / "broken" / "env.tf").write_text('resource "aws_mwaa_environment" "b" {\n  name = "b"\n}\n')
    (tmp_path / "broken" / "main.tf").write_text('variable "x" { type = string default = "a" }\n')
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name = "e"\n}\n')
    run = cli(".", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 2
    data = run.json()
    assert [(d["path"], d["line"], d["column"]) for d in data["diagnostics"]] == [("broken/main.tf", 1, 30)]
    assert data["diagnostics"][0]["message"].startswith("Invalid single-argument block definition")
    assert {(f["rule_id"], f["path"], f["line"]) for f in data["findings"]} == {
        ("MWAA304", "ok/main.tf", 1),
        ("MWAA401", "ok/main.tf", 1),
        ("MWAA402", "ok/main.tf", 1),
        ("MWAA501", "ok/main.tf", 1),
    }


def test_missing_path_exits_2_with_a_message(cli, tmp_path):
    run = cli("does-not-exist/", cwd=tmp_path)
    assert run.exit_code == 2
    assert "does-not-exist: error: no such file or directory" in run.stderr


def test_version():
    proc = subprocess.run([sys.executable, "-m", "mwaa_lint", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    from mwaa_lint import __version__

    assert proc.stdout.strip() == f"mwaa-lint, version {__version__}"


def test_rules_lists_every_rule(cli):
    run = cli("rules")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    from mwaa_lint.registry import load_rules

    assert [line.split()[0] for line in lines] == [rule.id for rule in load_rules()]
    assert [line.split()[0] for line in lines] == sorted(line.split()[0] for line in lines)
    by_id = {line.split()[0]: line.split()[1:3] for line in lines}
    assert by_id["MWAA201"] == ["wildcard-action", "error"]


def test_rule_prints_its_documentation(cli):
    run = cli("rule", "MWAA201")
    assert run.exit_code == 0
    assert run.stdout.startswith("MWAA201 wildcard-action [error]\n")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in run.stdout
    assert cli("rule", "wildcard-action").stdout == run.stdout
    missing = cli("rule", "MWAA999")
    assert missing.exit_code == 2
    assert "no rule 'MWAA999'" in missing.stderr


def test_select_and_ignore_accept_ids_slugs_and_prefixes(cli):
    base = ("modules/skeleton_fixed", "--format", "json")
    ids = lambda run: sorted({f["rule_id"] for f in run.json()["findings"]})  # noqa: E731
    assert ids(cli(*base)) == ["MWAA201", "MWAA302", "MWAA401", "MWAA501", "MWAA601", "MWAA602", "MWAA805"]
    assert ids(cli(*base, "--select", "MWAA2")) == ["MWAA201"]
    assert ids(cli(*base, "--select", "wildcard-action,MWAA501")) == ["MWAA201", "MWAA501"]
    assert ids(cli(*base, "--ignore", "MWAA4", "--ignore", "unbounded-max-workers", "--ignore", "MWAA6")) == [
        "MWAA201", "MWAA302", "MWAA805"]
    bad = cli(*base, "--select", "MWAA9")
    assert bad.exit_code == 2
    assert "no rule matches 'MWAA9'" in bad.stderr


def test_exit_codes_follow_fail_on(cli):
    assert cli("modules/skeleton_fixed").exit_code == 1
    assert cli("modules/skeleton_fixed", "--select", "MWAA4", "--fail-on", "error").exit_code == 0
    assert cli("modules/skeleton_fixed", "--fail-on", "error").exit_code == 1
    assert cli("modules/skeleton_fixed", "--exit-zero").exit_code == 0
    assert cli("seed/", "--exit-zero").exit_code == 2  # --exit-zero never hides an incomplete check
    assert cli("modules/aws_documented").exit_code == 0


def test_given_a_file_its_whole_module_is_checked_and_reported(cli):
    # A named file selects its module directory (selection.py): iam.tf's policies are found
    # through main.tf's environment, and main.tf's own finding is the module's too.
    data = cli("modules/policy_forms/iam.tf", "--format", "json").json()
    assert [(f["rule_id"], f["path"], f["line"]) for f in data["findings"]] == [
        ("MWAA201", "modules/policy_forms/iam.tf", 30), ("MWAA201", "modules/policy_forms/iam.tf", 63),
        ("MWAA201", "modules/policy_forms/iam.tf", 94), ("MWAA201", "modules/policy_forms/iam.tf", 106),
        ("MWAA402", "modules/policy_forms/main.tf", 45),
    ]


def test_output_file(cli, tmp_path):
    out = tmp_path / "report.sarif"
    run = cli("modules/skeleton_fixed", "--format", "sarif", "-o", out)
    assert run.exit_code == 1
    assert run.stdout == ""
    sarif = json.loads(out.read_text())
    assert len(sarif["runs"][0]["results"]) == 13
    assert "13 findings written to" in run.stderr


def test_rule_option_changes_the_ceiling(cli):
    base = ("modules/workers_unbounded", "--select", "MWAA501", "--format", "json")
    default = {f["line"] for f in cli(*base).json()["findings"]}
    lower = cli(*base, "--rule-option", "MWAA501.ceiling=5").json()["findings"]
    assert len(lower) >= len(default)
    bad = cli(*base, "--rule-option", "MWAA501.nope=1")
    assert bad.exit_code == 2
    assert "unknown rule option MWAA501.nope" in bad.stderr


def test_color_only_when_asked_or_on_a_terminal_and_never_with_no_color(cli):
    colored = cli("../../examples/quickstart", "--color", "always")
    assert "\033[1m" in colored.stdout
    assert "\033" not in cli("../../examples/quickstart").stdout  # CliRunner is not a TTY
    assert "\033[1m" in cli("../../examples/quickstart", env={"FORCE_COLOR": "1"}).stdout
    # NO_COLOR (no-color.org) beats the environment; an explicit --color=always beats NO_COLOR
    assert "\033" not in cli("../../examples/quickstart", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    assert "\033[1m" in cli("../../examples/quickstart", "--color", "always", env={"NO_COLOR": "1"}).stdout
