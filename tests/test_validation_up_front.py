"""What the command line and the config ask for is checked before any scan, through the CLI:
rule option values by the type each rule declares, `--var` as Terraform checks it, and a
mistyped command gets a suggestion. Each is one line on stderr and exit 2, nothing on stdout."""
from conftest import FIXTURES

ROOTS = FIXTURES / "var_roots" / "envs"  # prod declares environment_class and max_workers, dev (JSON) owner


def refused(run) -> str:
    assert (run.exit_code, run.stdout) == (2, "")
    assert len(run.stderr.splitlines()) == 1, run.stderr  # one line: nothing was scanned
    return run.stderr.strip()


def test_rule_option_values_from_the_command_line_are_type_checked(cli, tmp_path):
    # a file that does not parse: a scan would report it, so each refusal below came before one
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n')
    report = tmp_path / "out.sarif"

    def option(value):
        return refused(cli(".", "--rule-option", value, "--output", f"sarif:{report}", cwd=tmp_path))

    assert option("MWAA501.ceiling=abc") == (
        "mwaa-lint: error: Invalid value for --rule-option: MWAA501.ceiling: expected a whole number of workers, "
        "1 or more (none: the service maximum), found 'abc'")
    assert option("MWAA501.ceiling=0") == (
        "mwaa-lint: error: Invalid value for --rule-option: MWAA501.ceiling: expected a whole number of workers, "
        "1 or more (none: the service maximum), found 0")
    assert option("MWAA504.budget=-5") == (
        "mwaa-lint: error: Invalid value for --rule-option: MWAA504.budget: expected an amount per month in the "
        "price table's currency (USD), found -5")
    assert option("MWAA202.min_scoped_share=1.5") == (
        "mwaa-lint: error: Invalid value for --rule-option: MWAA202.min_scoped_share: expected a number from 0 "
        "to 1, found 1.5")
    assert option("MWAA402.log_types=task,scheduler_logs") == (
        "mwaa-lint: error: Invalid value for --rule-option: MWAA402.log_types: expected all, or some of "
        "dag_processing_logs, scheduler_logs, task_logs, webserver_logs, worker_logs (a list, or separated by "
        "commas), found 'task,scheduler_logs'")
    assert not report.exists()


def test_rule_option_values_in_the_config_are_type_checked(cli, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n')
    config = tmp_path / ".mwaa-lint.yaml"
    config.write_text("rule-options:\n  MWAA504: {budget: -5}\n")
    assert refused(cli(".", cwd=tmp_path)) == (
        f"mwaa-lint: error: Invalid value for {config}: rule-options: MWAA504.budget: expected an amount per month "
        "in the price table's currency (USD), found -5")
    config.write_text("rule-options:\n  MWAA501: {ceiling: twelve}\n")
    assert refused(cli("cost", ".", cwd=tmp_path)) == (  # every command that reads the config
        f"mwaa-lint: error: Invalid value for {config}: rule-options: MWAA501.ceiling: expected a whole number of "
        "workers, 1 or more (none: the service maximum), found 'twelve'")
    config.write_text("rule-options:\n  MWAA402: {log_types: [task_logs, worker]}\n")
    assert refused(cli(".", cwd=tmp_path)).endswith("found ['task_logs', 'worker']")


def test_values_of_the_declared_types_are_used(cli):
    run = cli(".", "--select", "MWAA501,MWAA402", "--var", "environment_class=mw1.small", "--var", "max_workers=20",
              "--rule-option", "MWAA501.ceiling=12", "--rule-option", "MWAA402.log_types=task_logs,worker_logs",
              "--format", "json", "--no-cache", cwd=ROOTS)
    assert [(f["rule_id"], f["path"], f["line"]) for f in run.json()["findings"]] == [
        ("MWAA402", "dev/main.tf.json", 9),  # no logging_configuration: task and worker logs asked for
        ("MWAA402", "prod/main.tf", 11),
        ("MWAA501", "prod/main.tf", 18),  # 20 > the ceiling 12
    ]
    none = cli("prod", "--select", "MWAA501", "--var", "max_workers=20", "--rule-option", "MWAA501.ceiling=none",
               "--format", "json", "--no-cache", cwd=ROOTS)
    assert none.json()["findings"] == []  # none: the service maximum, 25


def test_a_var_without_an_equals_sign_is_an_error_as_in_terraform(cli):
    assert refused(cli(".", "--var", "max_workers", cwd=ROOTS)) == (
        'mwaa-lint: error: Invalid value for --var: the given --var option "max_workers" is not correctly specified; '
        'it must be a variable name and value separated by an equals sign, like --var="key=value"')
    assert refused(cli("cost", ".", "--var", "=20", cwd=ROOTS)).startswith(
        'mwaa-lint: error: Invalid value for --var: the given --var option "=20" is not correctly specified;')


def test_a_var_no_scanned_root_declares_is_an_error_as_in_terraform(cli):
    undeclared = ('mwaa-lint: error: Value for undeclared variable: a variable named "max_worker" was assigned on '
                  "the command line (--var), but no scanned root module declares a variable of that name; to use this "
                  'value, add a "variable" block to the configuration')
    assert refused(cli(".", "--var", "max_worker=20", "--no-cache", cwd=ROOTS)) == undeclared
    assert refused(cli("cost", ".", "--var", "max_worker=20", cwd=ROOTS)) == undeclared
    # one root per directory: a variable one of them declares is accepted (prod's in HCL, dev's in JSON)
    assert cli(".", "--var", "max_workers=20", "--var", "owner=data", "--no-cache", cwd=ROOTS).exit_code == 1
    # but not when only the root that declares it is left out of the scan
    assert refused(cli("dev", "--var", "max_workers=20", "--no-cache", cwd=ROOTS)) == undeclared.replace(
        '"max_worker"', '"max_workers"')


def test_a_mistyped_command_gets_a_suggestion(cli, tmp_path):
    assert refused(cli("chek", "x", cwd=tmp_path)) == (
        "mwaa-lint: error: no command 'chek' and no such path; did you mean 'check'? (`mwaa-lint check --help`)")
    assert refused(cli("cots", cwd=tmp_path)) == (
        "mwaa-lint: error: no command 'cots' and no such path; did you mean 'cost'? (`mwaa-lint cost --help`)")
    # a path that exists is a path, even when its name is close to a command's
    (tmp_path / "chek").mkdir()
    (tmp_path / "chek" / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  name = "e"\n  max_workers = 5\n}\n')
    run = cli("chek", "--select", "MWAA501", "--format", "json", cwd=tmp_path)
    assert (run.exit_code, run.json()["findings"]) == (0, [])
    # a word close to no command is a path, reported as one
    missing = cli("infra", cwd=tmp_path)
    assert (missing.exit_code, missing.stderr.splitlines()[0]) == (2, "infra: error: no such file or directory")
