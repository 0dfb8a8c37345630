"""A plan checked without its configuration (CI kept `terraform show -json` apart from the code):
every rule reads the planned values, follows the environment to its role, bucket, subnets and
security groups through the references `configuration` records, and reports at the values in
the plan file. The plans are Terraform's own (tests/fixtures/plans/, make_plans.py); each test
copies one into a directory with no `.tf` beside it."""
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

PLANS = FIXTURES / "plans"
CASES = sorted(p.name for p in PLANS.iterdir())
SMTP_PASSWORD = "fixture-smtp-secret-do-not-print"  # make_plans.py's TF_VAR_smtp_password for create

# What the configuration beside the plan finds that the plan alone cannot stand behind.
ONLY_WITH_CONFIGURATION = {
    # the role policy is jsonencode() over aws_s3_bucket.source.arn, which a create plan knows
    # only after apply: the whole document is unknown, so MWAA805 cannot judge the role
    "create": {"MWAA805"},
}


def alone(tmp_path, case: str) -> tuple:
    (tmp_path / "ci").mkdir()
    shutil.copy(PLANS / case / "plan.json", tmp_path / "ci" / "plan.json")
    return "ci/plan.json", (tmp_path / "ci" / "plan.json").read_text()


def entry(text: str, address: str) -> int:
    """Where the resource's entry of resource_changes starts."""
    return text.index('{"address":' + json.dumps(address), text.index('"resource_changes":'))


def column(text: str, address: str, needle: str) -> int:
    """The 1-based column of `needle` in the planned values of that resource (one line)."""
    return text.index(needle, text.index('"after":', entry(text, address))) + 1


@pytest.mark.parametrize("case", CASES)
def test_the_plan_alone_finds_what_its_configuration_finds(cli, tmp_path, case):
    beside = cli(f"{case}/plan.json", "--format", "json", cwd=PLANS)
    path, _ = alone(tmp_path, case)
    run = cli(path, "--format", "json", cwd=tmp_path)
    assert run.json()["diagnostics"] == [] and beside.json()["diagnostics"] == []
    found = {f["rule_id"] for f in run.json()["findings"]}
    expected = {f["rule_id"] for f in beside.json()["findings"]} - ONLY_WITH_CONFIGURATION.get(case, set())
    assert found == expected
    assert {f["path"] for f in run.json()["findings"]} == {"ci/plan.json"}
    assert run.json()["summary"]["files_checked"] == 1


def test_findings_are_at_the_planned_values(cli, tmp_path):
    path, text = alone(tmp_path, "create")
    run = cli(path, "--format", "json", "--select", "MWAA102,MWAA302", cwd=tmp_path)
    env = "aws_mwaa_environment.this"
    assert [(f["rule_id"], f["line"], f["column"], f["address"], f["message"]) for f in run.json()["findings"]] == [
        ("MWAA302", 1, column(text, env, '"requirements_s3_path":"requirements.txt"'), env,
         'requirements_s3_path is "requirements.txt" but requirements_s3_object_version is not set, so a new upload '
         "of requirements.txt does not change the plan and the environment keeps the version MWAA resolved earlier; "
         "expected requirements_s3_object_version = aws_s3_object.<name>.version_id"),
        ("MWAA102", 1, column(text, env, '"webserver_access_mode":"PUBLIC_ONLY"'), env,
         "webserver_access_mode is PUBLIC_ONLY, so the Airflow UI is reachable from the internet; expected "
         "PRIVATE_ONLY (reach the web server through its VPC endpoint)"),
    ]
    # the text report shows the plan's line around the value, cut to the terminal
    shown = cli(path, "--select", "MWAA102", cwd=tmp_path, env={"COLUMNS": "100"})
    assert '"webserver_access_mode":"PUBLIC_ONLY"' in shown.stdout


def test_the_environment_is_followed_to_its_subnets_by_their_ids(cli, tmp_path):
    # An existing environment: subnet_ids holds the subnets' IDs, which the plan knows; each is
    # the ID of one aws_subnet of the plan, so MWAA803 follows them to their route tables.
    path, text = alone(tmp_path, "replace_name")
    run = cli(path, "--format", "json", "--select", "MWAA803", cwd=tmp_path)
    [finding] = run.json()["findings"]
    env = "aws_mwaa_environment.this"
    assert (finding["line"], finding["column"]) == (1, column(text, env, '"subnet_ids":['))
    assert finding["message"].startswith("subnets aws_subnet.private[1], aws_subnet.private[0] of "
                                         "aws_mwaa_environment.this have no way out of the VPC")
    # each note points at the subnet's address in its entry of the plan
    at = len('{"address":') + 1
    assert [(r["line"], r["column"], r["message"]) for r in finding["related"]] == [
        (1, entry(text, "aws_subnet.private[1]") + at, "subnet aws_subnet.private[1]"),
        (1, entry(text, "aws_subnet.private[0]") + at, "subnet aws_subnet.private[0]"),
    ]


def test_references_known_only_after_apply_are_followed_through_module_outputs(cli, tmp_path):
    # A create plan: the environment's subnets and security group come from module.network's
    # outputs, so the plan knows no ID. `configuration` records what each argument refers to:
    # subnet_ids → module.network.private_subnet_ids → aws_subnet.private (count = 2).
    path, text = alone(tmp_path, "create")
    # as planned, the module's route table sends 0.0.0.0/0 to the NAT gateway
    planned = cli(path, "--format", "json", "--select", "MWAA803", cwd=tmp_path)
    assert planned.exit_code == 0 and planned.json()["findings"] == []
    # The same plan with the route table's default route sent to an internet gateway instead:
    # MWAA101 sees both subnets, through the output and each route table association (whose
    # subnet_id is `aws_subnet.private[count.index].id`), as public.
    plan = json.loads(text)
    for change in plan["resource_changes"]:
        if change["address"] == "module.network.aws_route_table.private":
            change["change"]["after"]["route"][0].update(gateway_id="igw-0a1b2c3d4e5f67890", nat_gateway_id="")
    (tmp_path / "ci" / "plan.json").write_text(json.dumps(plan))
    run = cli(path, "--format", "json", "--select", "MWAA101", cwd=tmp_path)
    assert [f["message"] for f in run.json()["findings"]] == [
        f"subnet module.network.aws_subnet.private[{i}] is public: its route table module.network.aws_route_table.private "
        "routes 0.0.0.0/0 to internet gateway igw-0a1b2c3d4e5f67890 (plan.json:1); expected a private subnet (MWAA "
        "needs two private subnets)" for i in (0, 1)]


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_sensitive_values_of_a_plan_alone_are_never_printed(cli, tmp_path, output_format):
    path, text = alone(tmp_path, "create")
    assert SMTP_PASSWORD in text
    run = cli(path, "--format", output_format, cwd=tmp_path)
    assert run.exit_code in (0, 1), run.stderr
    assert "fixture-smtp" not in run.stdout and "fixture-smtp" not in run.stderr


def test_depends_on_and_references_order_creation_as_in_the_configuration(cli, tmp_path):
    # MWAA809 (off by default) asks whether the environment waits for its role's policy: the
    # configuration says so with depends_on, which the plan's `configuration` keeps. Both ways
    # report the same two bucket settings, and only those.
    path, text = alone(tmp_path, "create")
    run = cli(path, "--format", "json", "--select", "MWAA809", cwd=tmp_path)
    beside = cli("create/plan.json", "--format", "json", "--select", "MWAA809", cwd=PLANS)
    [finding], [expected] = run.json()["findings"], beside.json()["findings"]
    assert sorted(r["message"] for r in finding["related"]) == sorted(r["message"] for r in expected["related"]) == [
        "aws_s3_bucket_public_access_block.source, created in parallel",
        "aws_s3_bucket_versioning.source, created in parallel"]


def test_a_hostile_plan_cannot_send_reference_resolution_round_in_circles(cli, tmp_path):
    # A forged plan: the module's output refers to the module's input, whose argument refers
    # back to the output. Resolution stops (a bounded number of calls) and the value is unknown.
    path, text = alone(tmp_path, "create")
    plan = json.loads(text)
    call = plan["configuration"]["root_module"]["module_calls"]["network"]
    call["expressions"]["vpc_id"] = {"references": ["module.network.private_subnet_ids", "module.network"]}
    call["module"]["outputs"]["private_subnet_ids"]["expression"] = {
        "references": ["var.vpc_id", "var.vpc_id", "module.network.private_subnet_ids"]}
    (tmp_path / "ci" / "plan.json").write_text(json.dumps(plan))
    run = cli(path, "--format", "json", "--select", "MWAA803,MWAA102", cwd=tmp_path)
    assert run.exit_code == 1 and run.json()["diagnostics"] == []
    assert [f["rule_id"] for f in run.json()["findings"]] == ["MWAA102"]


def test_sarif_of_a_plan_alone_is_valid_and_points_into_the_plan(cli, tmp_path):
    import jsonschema

    path, text = alone(tmp_path, "create")
    run = cli(path, "--format", "sarif", "--select", "MWAA102", cwd=tmp_path)
    report = json.loads(run.stdout)
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(report, schema)
    [result] = report["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "ci/plan.json"
    assert location["region"]["startLine"] == 1
    assert location["region"]["startColumn"] == column(text, "aws_mwaa_environment.this", '"webserver_access_mode"')
