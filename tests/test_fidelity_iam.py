"""IAM read as IAM reads it (issue 14): action names in any case, AWS managed policies attached
to the execution role, roles and policies named by ARNs written as text, resources that are
wildcards in effect (`arn:aws:s3:::*/*`, NotResource), and header names in configuration
options that are not secrets. Each case in tests/fixtures/fidelity/iam/ lists its findings in
expected.txt (`RULE path:line`); the messages of one finding per behaviour are checked here."""
import datetime
import json
import re

import pytest
from conftest import FIXTURES
from test_fixture_modules import expected_findings

from mwaa_lint.knowledge import table, use_tables

CASES = FIXTURES / "fidelity" / "iam"
SELECT = {"header_option": "MWAA702"}  # the other cases are about the IAM rules, MWAA2xx


def run(cli, case):
    data = cli(".", "--select", SELECT.get(case, "MWAA2"), "--format", "json", cwd=CASES / case).json()
    assert data["diagnostics"] == []
    return data["findings"]


@pytest.mark.parametrize("case", sorted(p.parent.name for p in CASES.glob("*/expected.txt")))
def test_findings_are_exactly_the_expected_ones(cli, case):
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in run(cli, case))
    assert found == expected_findings(CASES / case)


@pytest.mark.parametrize("case, rule, line, address, message", [
    ("case_insensitive", "MWAA201", 28, "aws_iam_role_policy.logging",
     "execution role aws_iam_role.mwaa allows `Logs:*` (every action of the logs service) in "
     "aws_iam_role_policy.logging; expected specific actions"),
    ("case_insensitive", "MWAA201", 64, "aws_iam_role_policy.data",
     "execution role aws_iam_role.mwaa allows `SQS:*` (every action of the sqs service) in "
     "aws_iam_role_policy.data; expected specific actions"),
    ("case_insensitive", "MWAA202", 40, "aws_iam_role_policy.logging",
     'execution role aws_iam_role.mwaa allows `logs:putlogevents` on Resource "arn:aws:logs:*:*:*" (every logs '
     "resource) in aws_iam_role_policy.logging, which supports resource-level permissions, so it applies to every "
     "resource of its type in the account; expected the ARNs the environment uses"),
    ("managed_policies", "MWAA201", 6,
     'aws_iam_role_policy_attachment.managed["arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"]',
     "execution role aws_iam_role.mwaa has the AWS managed policy CloudWatchLogsFullAccess attached by "
     'aws_iam_role_policy_attachment.managed["arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"], which allows '
     "`logs:*` (every action of the logs service) on every resource; expected a policy with specific actions"),
    ("managed_policies", "MWAA201", 25, "aws_iam_role.mwaa",
     "execution role aws_iam_role.mwaa has the AWS managed policy AmazonSQSFullAccess attached through its "
     "managed_policy_arns, which allows `sqs:*` (every action of the sqs service) on every resource; expected a "
     "policy with specific actions"),
    ("managed_policies", "MWAA201", 49, "aws_iam_role_policy_attachment.ec2",
     "execution role aws_iam_role.mwaa has the AWS managed policy AmazonEC2FullAccess attached by "
     "aws_iam_role_policy_attachment.ec2, which allows `ec2:*`, `elasticloadbalancing:*`, `cloudwatch:*` and "
     "`autoscaling:*` (every action of the ec2, elasticloadbalancing, cloudwatch and autoscaling services) on every "
     "resource; expected a policy with specific actions"),
    ("managed_policies", "MWAA203", 54, "aws_iam_role_policy_attachment.admin",
     "execution role aws_iam_role.mwaa has the AWS managed policy AdministratorAccess attached by "
     "aws_iam_role_policy_attachment.admin, which grants every action on every resource; expected a policy that "
     "grants only what the environment and its DAGs use"),
    ("named_by_string", "MWAA201", 30, "aws_iam_policy.analytics",
     "execution role aws_iam_role.analytics allows `s3:*` (every action of the s3 service) in "
     "aws_iam_policy.analytics; expected specific actions"),
    ("named_by_string", "MWAA201", 67, "aws_iam_role.ingest.inline_policy",
     "execution role aws_iam_role.ingest allows `*` (every action of every service) in "
     "aws_iam_role.ingest.inline_policy; expected specific actions"),
    ("named_by_string", "MWAA202", 45, "aws_iam_role_policy.analytics_queues",
     "execution role aws_iam_role.analytics allows `sqs:SendMessage` on every resource except its NotResource "
     '"arn:aws:sqs:eu-west-1:111122223333:billing-*" in aws_iam_role_policy.analytics_queues, which supports '
     "resource-level permissions, so it applies to every resource of its type in the account; expected the ARNs "
     "the environment uses"),
    ("resource_wildcards", "MWAA202", 29, "aws_iam_role_policy.data",
     'execution role aws_iam_role.mwaa allows `s3:Get*` on Resource "arn:aws:s3:::*/*" (every object in every '
     "bucket) in aws_iam_role_policy.data, which covers 13 actions that support resource-level permissions "
     "(`s3:GetObject`, `s3:GetObjectAcl`, `s3:GetObjectTagging` and 10 more), so they apply to every resource of "
     "their type in the account; expected the ARNs the environment uses"),
    ("resource_wildcards", "MWAA202", 35, "aws_iam_role_policy.data",
     "execution role aws_iam_role.mwaa allows `secretsmanager:GetSecretValue` on Resource "
     '"arn:aws:secretsmanager:*:*:secret:*" (every secret) in aws_iam_role_policy.data, which supports '
     "resource-level permissions, so it applies to every resource of its type in the account; expected the ARNs "
     "the environment uses"),
    ("resource_wildcards", "MWAA201", 66, "aws_iam_role_policy.broad",
     "execution role aws_iam_role.mwaa allows every action except `iam:*`, `organizations:*` (NotAction in an "
     "Allow statement) in aws_iam_role_policy.broad; expected specific actions"),
    ("header_option", "MWAA702", 22, "aws_mwaa_environment.this",
     'airflow_configuration_options "partner_api.client_kwargs" holds a literal secret (JSON field "token" with a '
     "literal value): it is stored in plaintext in the Terraform state, returned by GetEnvironment and readable by "
     "every DAG as an environment variable; expected it in AWS Secrets Manager, read through secrets.backend or a "
     "secret resource"),
])
def test_messages(cli, case, rule, line, address, message):
    found = [(f["rule_id"], f["line"], f["address"], f["message"]) for f in run(cli, case)]
    assert (rule, line, address, message) in found


def test_managed_policies_table_is_dated_and_sourced():
    data = table("aws_managed_policies")
    assert datetime.date.fromisoformat(data["checked"])
    assert data["arn_pattern_source"] in data["sources"]
    pattern = re.compile(data["arn_pattern"])
    names = [row["name"] for row in data["policies"]]
    assert len(names) == len(set(names))
    for row in data["policies"]:
        source = data["sources"][row["source"]]
        # each policy cites its own page of AWS's managed policy reference
        assert source.startswith(f"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/{row['name']}.html")
        assert pattern.fullmatch(f"arn:aws:iam::aws:policy{row['path']}{row['name']}").group("name") == row["name"]
        assert row["statements"]
        for statement in row["statements"]:
            assert statement["resources"] == ["*"]
            granted = statement.get("actions", []) + statement.get("not_actions", [])
            assert granted and all(re.fullmatch(r"\*|[a-z0-9-]+:\*", a) for a in granted), row["name"]
    # MWAA201 leaves these three to MWAA203, whose table names them.
    assert {row["name"] for row in table("admin_policies")["policies"]} <= set(names)


def test_wildcard_resources_table_is_dated_and_sourced():
    data = table("iam_wildcard_resources")
    assert datetime.date.fromisoformat(data["checked"])
    assert data["all_stars_source"] in data["sources"]
    services = table("iam_unscoped_actions")["services"]
    for row in data["type_wildcards"]:
        assert row["source"] in data["sources"] and "http" in data["sources"][row["source"]]
        if row["actions"] is not None:
            # every action a row names is one the actions table knows to act on a resource
            assert set(row["actions"]) <= set(services[row["service"]]["scoped"]), row["service"]


def test_a_user_table_of_managed_policies_replaces_the_built_in_one(cli, tmp_path):
    """`knowledge-tables: {aws_managed_policies: ...}`: a policy the user's table does not list
    is not reported, one it adds is."""
    case = CASES / "managed_policies"
    for source in case.glob("*.tf"):
        (tmp_path / source.name).write_text(source.read_text())
    mine = json.loads(json.dumps(table("aws_managed_policies")))
    mine["policies"] = [row for row in mine["policies"] if row["name"] != "CloudWatchLogsFullAccess"]
    mine["policies"].append({"name": "AmazonS3ReadOnlyAccess", "path": "/", "source": "MP-S3",
                             "statements": [{"actions": ["s3:*"], "resources": ["*"]}]})
    (tmp_path / "managed.json").write_text(json.dumps(mine))
    (tmp_path / ".mwaa-lint.yaml").write_text("knowledge-tables:\n  aws_managed_policies: managed.json\n")
    try:
        data = cli(".", "--select", "MWAA201", "--format", "json", cwd=tmp_path).json()
    finally:
        use_tables({})  # the in-process CLI shares this process: put the built-in table back
    lines = sorted(f["line"] for f in data["findings"])
    assert lines == [7, 8, 25, 40, 49]
    assert "AmazonS3ReadOnlyAccess" in next(f["message"] for f in data["findings"] if f["line"] == 8)
