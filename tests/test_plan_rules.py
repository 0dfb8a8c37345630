"""The plan-only rules on the Terraform-made plans of tests/fixtures/plans/ (make_plans.py):
MWAA812 (a replaced environment) and MWAA813 (an airflow_version change MWAA rejects), with
exact lines and messages, and their silence where the plan is harmless or there is no plan."""
import pytest
from conftest import FIXTURES

PLANS = FIXTURES / "plans"
LOST = ("the new environment starts with an empty metadata database, so DAG run and task history, XComs, and the "
        "Variables and Connections not kept in a secrets backend are lost, and the web server URL changes; expected a "
        "change MWAA makes in place, or a migration to a new environment that exports and imports the metadata")

EXPECTED = {
    # name is ForceNew: reported at `name = var.environment_name` in the resource
    "replace_name": [("MWAA812", "replace_name/main.tf", 104, 3,
                      'the plan replaces aws_mwaa_environment.this (deletes it and creates it again) because of name '
                      f'("analytics" to "data-analytics"): {LOST}')],
    # kms_key added: ForceNew; its value (the new key's ARN) is known only after apply
    "replace_kms_key": [("MWAA812", "replace_kms_key/main.tf", 115, 3,
                         "the plan replaces aws_mwaa_environment.this (deletes it and creates it again) because of "
                         f"kms_key (set to a value known after apply): {LOST}")],
    # 2.11.0 to 3.0.6: the provider forces replacement when the major version grows
    "airflow_major_upgrade": [("MWAA812", "airflow_major_upgrade/main.tf", 105, 3,
                               "the plan replaces aws_mwaa_environment.this (deletes it and creates it again) because "
                               'of airflow_version ("2.11.0" to "3.0.6"; the AWS provider replaces an environment whose '
                               f"major version grows, though MWAA upgrades 2.11.x to 3.x in place): {LOST}")],
    # the environment is in a local module (module.mwaa) and the replaced argument is nested:
    # reported at `subnet_ids = aws_subnet.private[*].id` in the module's file
    "module_replace_subnets": [("MWAA812", "module_replace_subnets/modules/mwaa/main.tf", 114, 5,
                                "the plan replaces module.mwaa.aws_mwaa_environment.this (deletes it and creates it "
                                f"again) because of network_configuration.subnet_ids: {LOST}")],
    # 3.0.6 to 2.10.3, in place: MWAA downgrades 3.x only to 2.11.x
    "airflow_downgrade_below_2_11": [("MWAA813", "airflow_downgrade_below_2_11/main.tf", 105, 3,
                                      "the plan changes airflow_version of aws_mwaa_environment.this in place from "
                                      "3.0.6 to 2.10.3, which MWAA rejects: MWAA downgrades a 3.x environment only to "
                                      "2.11.x, so terraform apply fails when it updates the environment; expected a 3.x version, "
                                      "or 2.11.x; for another 2.x, a new environment")],
    # 2.10.3 to 2.6.3, in place: 2.6.3 is past its end of support
    "airflow_downgrade_end_of_support": [("MWAA813", "airflow_downgrade_end_of_support/main.tf", 105, 3,
                                          "the plan changes airflow_version of aws_mwaa_environment.this in place from "
                                          "2.10.3 to 2.6.3, which MWAA rejects: 2.6.3 reached its end of support on "
                                          "2025-12-30, and MWAA no longer upgrades or downgrades environments to it "
                                          "(table checked 2026-11-24), so terraform apply fails when it updates the environment; "
                                          "expected a supported 2.x version (such as 2.11.2)")],
    # 3.0.6 to 2.11.0 in place: allowed by the current user guide (a 3.x environment downgrades to 2.11.x)
    "airflow_major_downgrade": [],
    # 2.10.3 to 2.9.2 in place: a minor downgrade, allowed
    "airflow_minor_downgrade": [],
    # a new environment: nothing is lost, nothing changes version
    "create": [],
    # new environments too (made for tests/test_plan_alone_more.py)
    "policy_sources": [],
    "module_optional_inputs": [],
    "policy_attachments_exclusive": [],
}


def plan_findings(cli, target) -> list:
    run = cli(target, "--select", "MWAA812,MWAA813", "--format", "json", cwd=PLANS)
    assert run.json()["diagnostics"] == []
    return [(f["rule_id"], f["path"], f["line"], f["column"], f["message"]) for f in run.json()["findings"]]


def test_every_plan_fixture_is_here():
    assert sorted(EXPECTED) == sorted(p.name for p in PLANS.iterdir())


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_the_plan_rules_find_exactly_these(cli, case):
    assert plan_findings(cli, f"{case}/plan.json") == EXPECTED[case]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_the_plan_rules_are_silent_on_the_configuration_alone(cli, case):
    # the same .tf files, without the plan: no state, so nothing to say about a change
    assert plan_findings(cli, case) == []


def test_severities_and_exit_codes(cli):
    replaced = cli("replace_name/plan.json", "--select", "MWAA812", "--fail-on", "error", cwd=PLANS)
    assert replaced.exit_code == 0  # a warning: a replacement may be intended
    rejected = cli("airflow_downgrade_below_2_11/plan.json", "--select", "MWAA813", "--fail-on", "error", cwd=PLANS)
    assert rejected.exit_code == 1


def test_sarif_locates_a_plan_finding_at_the_tf_line(cli):
    sarif = cli("replace_name/plan.json", "--select", "MWAA812", "--format", "sarif", cwd=PLANS).json()
    [result] = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert result["ruleId"] == "MWAA812"
    assert location["artifactLocation"]["uri"] == "replace_name/main.tf"
    assert location["region"]["startLine"] == 104
