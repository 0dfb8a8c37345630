"""`mwaa-lint plan.json`: a Terraform plan in JSON (tests/fixtures/plans/, written by Terraform
1.11.4 and the AWS provider 5.100.0: scripts/terraform_fixtures/make_plans.py) is recognised by
its content, read through the project's gate with the JSON reader's bounds, and checked: the
configuration beside it with the plan's variable values, and the plan's changes by the plan
rules (tests/test_plan_rules.py)."""
import os
import shlex
import shutil

import pytest
from conftest import FIXTURES, REPO

PLANS = FIXTURES / "plans"
CASES = sorted(p.name for p in PLANS.iterdir())
PLAN_RULES = ("MWAA812", "MWAA813")
# what make_plans.py passed as TF_VAR_smtp_password for the create plan
SMTP_PASSWORD = "fixture-smtp-secret-do-not-print"


def findings(run) -> list:
    return sorted((f["rule_id"], f["path"], f["line"], f["column"]) for f in run.json()["findings"])


@pytest.mark.parametrize("case", CASES)
def test_a_plan_beside_its_configuration_checks_that_configuration(cli, case):
    # Every finding of the .tf files is found, at the same .tf lines, when the plan is given
    # instead of the directory; the plan adds only what the plan rules see in the changes.
    of_directory = cli(case, "--format", "json", cwd=PLANS)
    of_plan = cli(f"{case}/plan.json", "--format", "json", cwd=PLANS)
    assert of_plan.json()["diagnostics"] == [] and of_directory.json()["diagnostics"] == []
    assert [f for f in findings(of_plan) if f[0] not in PLAN_RULES] == findings(of_directory)
    assert all(f[1].endswith(".tf") for f in findings(of_plan))


def test_the_plan_s_variable_values_are_used(cli, tmp_path):
    # CI often passes inputs as -var or TF_VAR_: they are in the plan, not in a file. Without
    # terraform.tfvars the configuration alone says nothing about webserver_access_mode (its
    # default is PRIVATE_ONLY); the plan says PUBLIC_ONLY.
    shutil.copytree(PLANS / "create", tmp_path / "create")
    (tmp_path / "create" / "terraform.tfvars").unlink()
    alone = cli("create", "--select", "MWAA102", "--format", "concise", cwd=tmp_path)
    assert alone.exit_code == 0, alone.stdout
    planned = cli("create/plan.json", "--select", "MWAA102", "--format", "concise", cwd=tmp_path)
    assert planned.exit_code == 1
    assert planned.stdout.splitlines()[0] == (
        "create/main.tf:106:3: MWAA102 [warning] webserver_access_mode is PUBLIC_ONLY, so the Airflow UI is reachable "
        "from the internet; expected PRIVATE_ONLY (reach the web server through its VPC endpoint)")


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_the_sensitive_smtp_password_is_never_printed(cli, output_format):
    # Terraform writes sensitive values into plan JSON in plain text and marks them; the
    # password is there, and flows into airflow_configuration_options, where MWAA702 looks.
    assert SMTP_PASSWORD in (PLANS / "create" / "plan.json").read_text()
    run = cli("create/plan.json", "--format", output_format, "--select", "MWAA1,MWAA7,MWAA8", cwd=PLANS)
    assert run.exit_code in (0, 1), run.stderr
    assert SMTP_PASSWORD not in run.stdout and SMTP_PASSWORD not in run.stderr
    assert "fixture-smtp" not in run.stdout


def test_a_plan_without_its_configuration_reports_the_replacement_at_the_planned_argument(cli, tmp_path):
    # (tests/test_plan_alone.py checks a plan alone with every rule)
    (tmp_path / "ci").mkdir()
    shutil.copy(PLANS / "replace_name" / "plan.json", tmp_path / "ci" / "plan.json")
    run = cli("ci/plan.json", "--format", "json", "--select", "MWAA812", cwd=tmp_path)
    assert run.exit_code == 1 and run.json()["diagnostics"] == []
    # `terraform show -json` writes one line; the finding is at `name` in the environment's
    # planned values (replace_paths names it)
    text = (tmp_path / "ci" / "plan.json").read_text()
    start = text.index('{"address":"aws_mwaa_environment.this"', text.index('"resource_changes":'))
    name = text.index('"name":"data-analytics"', text.index('"after":', start))
    assert findings(run) == [("MWAA812", "ci/plan.json", 1, name + 1)]
    assert run.json()["findings"][0]["address"] == "aws_mwaa_environment.this"


def test_plan_names_a_plan_whatever_its_name(cli, tmp_path):
    shutil.copy(PLANS / "airflow_downgrade_below_2_11" / "plan.json", tmp_path / "tfplan")
    run = cli("--plan", "tfplan", "--format", "concise", "--select", "MWAA813", cwd=tmp_path)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0].startswith("tfplan:1:")
    assert " MWAA813 [error] " in run.stdout.splitlines()[0]


def test_plan_with_a_file_that_is_not_a_plan_is_a_usage_error(cli, tmp_path):
    (tmp_path / "outputs.json").write_text('{"format_version": "1.0", "values": {}}')
    run = cli("--plan", "outputs.json", cwd=tmp_path)
    assert run.exit_code == 2
    assert ("outputs.json: error: is not a Terraform plan in JSON (`terraform show -json PLANFILE`): it has no "
            "format_version and planned_values") in run.stderr
    # named without --plan, a JSON file that is not a plan is what it was before: not Terraform
    run = cli("outputs.json", cwd=tmp_path)
    assert run.exit_code == 2 and "outputs.json: error: not a Terraform file" in run.stderr


def test_a_plan_nested_too_deep_is_not_read(cli, tmp_path):
    deep = '{"format_version": "1.2", "planned_values": {}, "x": ' + "[" * 150 + "]" * 150 + "}"
    (tmp_path / "plan.json").write_text(deep)
    run = cli("plan.json", cwd=tmp_path)
    assert run.exit_code == 2
    assert "plan.json:1:" in run.stderr and "nested deeper than 100 levels" in run.stderr


def test_a_plan_outside_the_project_is_not_read(cli, tmp_path):
    (tmp_path / "project").mkdir()
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(PLANS / "replace_name" / "plan.json", tmp_path / "elsewhere" / "plan.json")
    (tmp_path / "project" / "plan.json").symlink_to(tmp_path / "elsewhere" / "plan.json")
    run = cli("plan.json", "--project-root", ".", cwd=tmp_path / "project")
    assert run.exit_code == 2
    assert run.stderr == "mwaa-lint: error: plan.json is not inside --project-root .\n"
    assert "MWAA812" not in run.stdout


def test_a_plan_that_is_not_a_regular_file_is_not_opened(cli, tmp_path):
    os.mkfifo(tmp_path / "plan.json")  # opened blocking, a FIFO with no writer would hang the run
    run = cli("--plan", "plan.json", cwd=tmp_path)
    assert run.exit_code == 2
    assert "plan.json: error: is a FIFO, not a regular file; not read" in run.stderr


def test_a_plan_is_json_with_its_format_in_the_json_report(cli):
    data = cli("replace_name/plan.json", "--format", "json", "--select", "MWAA812", cwd=PLANS).json()
    [finding] = data["findings"]
    assert (finding["rule_id"], finding["path"], finding["line"]) == ("MWAA812", "replace_name/main.tf", 104)


def test_the_readme_plan_recipe(cli, tmp_path):
    # the recipe's terraform commands made the fixture's plan.json; its mwaa-lint command runs here
    readme = (REPO / "README.md").read_text()
    block = readme[readme.index("<!-- plan-recipe"): readme.index("<!-- end plan-recipe -->")]
    [line] = [line for line in block.splitlines() if "mwaa-lint " in line]
    assert line.startswith("terraform plan -out=p && terraform show -json p > plan.json && ")
    args = shlex.split(line.rsplit("&& ", 1)[1])
    assert args == ["mwaa-lint", "plan.json"]
    shutil.copytree(PLANS / "replace_name", tmp_path / "infra")
    run = cli(*args[1:], "--format", "concise", cwd=tmp_path / "infra")
    assert run.exit_code == 1
    assert [line.split(" [")[0] for line in run.stdout.splitlines()[:-1]] == [
        "main.tf:52:1: MWAA805", "main.tf:104:3: MWAA812", "main.tf:115:5: MWAA803", "main.tf:118:3: MWAA402",
        "main.tf:119:5: MWAA401"]


def test_the_plan_as_read_holds_no_sensitive_value():
    # the reader keeps neither the sensitive variable nor the values marked after_sensitive (the
    # password is in the environment's airflow_configuration_options): nothing can print them
    from mwaa_lint.plan import read_plan
    from mwaa_lint.project import Project, confined_to

    with confined_to(Project(str(REPO), "test")):
        plan = read_plan(PLANS / "create" / "plan.json")
    assert plan is not None and plan.sensitive_variables == {"smtp_password"}
    assert "smtp_password" not in plan.variables and plan.variables["webserver_access_mode"] == "PUBLIC_ONLY"
    [environment] = [c for c in plan.changes if c.type == "aws_mwaa_environment"]
    assert environment.after["airflow_configuration_options"] is None
    assert SMTP_PASSWORD not in repr(plan)
