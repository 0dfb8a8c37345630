"""Differences found by comparing a plan checked alone with the same plan beside its configuration
(issue 18, differential testing over every fixture root planned by real Terraform). The plans are
Terraform's own (tests/fixtures/plans/, make_plans.py); each test copies one into a directory
with no `.tf` beside it."""
import json
import shutil

from conftest import FIXTURES

PLANS = FIXTURES / "plans"


def alone(tmp_path, case: str) -> tuple:
    (tmp_path / "ci").mkdir()
    shutil.copy(PLANS / case / "plan.json", tmp_path / "ci" / "plan.json")
    return "ci/plan.json", (tmp_path / "ci" / "plan.json").read_text()


def test_a_source_document_the_plan_knows_is_located_at_its_text(cli, tmp_path):
    # source_policy_documents = [data...base.json (known only after apply: it names the bucket's
    # ARN), local.observability_policy_json (known)]: the plan holds [null, "<JSON text>"]. The
    # known document's statements are judged, at the JSON text in the plan (they were read with
    # no location at all, and MWAA201 failed with an internal error).
    path, text = alone(tmp_path, "policy_sources")
    run = cli(path, "--format", "json", "--select", "MWAA201", cwd=tmp_path)
    assert run.exit_code == 1, run.stderr
    assert run.json()["diagnostics"] == [] and "internal error" not in run.stderr
    [finding] = run.json()["findings"]
    before = '"source_policy_documents":[null,'
    document = text.index(before + '"{', text.index('"resource_changes":')) + len(before)
    assert (finding["path"], finding["line"], finding["column"]) == ("ci/plan.json", 1, document + 1)
    assert finding["message"] == ("execution role aws_iam_role.mwaa allows `cloudwatch:*` (every action of the cloudwatch "
                                  "service) in aws_iam_policy.execution; expected specific actions")


def test_a_role_whose_policy_has_a_statement_unknown_until_apply_is_not_judged_missing_permissions(cli, tmp_path):
    # The unknown source document is where the configuration grants the bucket, logs, SQS and KMS
    # actions. MWAA805 cannot tell what the role lacks, and says nothing (it reported all of them
    # missing), as it says nothing beside the configuration.
    path, _ = alone(tmp_path, "policy_sources")
    run = cli(path, "--format", "json", "--select", "MWAA805", cwd=tmp_path)
    beside = cli("policy_sources/plan.json", "--format", "json", "--select", "MWAA805", cwd=PLANS)
    assert run.exit_code == 0 and run.json()["findings"] == [] and run.json()["diagnostics"] == []
    assert beside.exit_code == 0 and beside.json()["findings"] == []
    # the same plan with that document known, and granting only logs: the rest is reported missing
    plan = json.loads((PLANS / "policy_sources" / "plan.json").read_text())
    [execution] = [c for c in plan["resource_changes"] if c["address"] == "data.aws_iam_policy_document.execution"]
    execution["change"]["after"]["source_policy_documents"][0] = json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]})
    execution["change"]["after_unknown"]["source_policy_documents"][0] = False
    (tmp_path / "ci" / "plan.json").write_text(json.dumps(plan))
    known = cli(path, "--format", "json", "--select", "MWAA805", cwd=tmp_path)
    [finding] = known.json()["findings"]
    assert finding["message"].startswith("execution role aws_iam_role.mwaa of aws_mwaa_environment.this is not allowed "
                                         "s3:GetObject on the source bucket's objects")


def test_an_optional_module_input_left_out_is_null_not_unknown(cli, tmp_path):
    # module "claims" does not pass requirements_s3_object_version; the module writes
    # `requirements_s3_object_version = var.requirements_s3_object_version`, whose default is
    # null. The plan marks the value known after apply (the provider computes it), yet it is
    # null as written: MWAA302 reports it as it does beside the configuration. module "billing"
    # passes aws_s3_object.requirements.version_id, and is not reported.
    path, text = alone(tmp_path, "module_optional_inputs")
    run = cli(path, "--format", "json", "--select", "MWAA302", cwd=tmp_path)
    beside = cli("module_optional_inputs/plan.json", "--format", "json", "--select", "MWAA302", cwd=PLANS)
    [finding] = run.json()["findings"]
    [expected] = beside.json()["findings"]
    env = "module.claims.aws_mwaa_environment.this"
    change = text.index('{"address":' + json.dumps(env), text.index('"resource_changes":'))
    at = text.index('"requirements_s3_path":"requirements.txt"', change)
    assert (finding["address"], finding["line"], finding["column"]) == (env, 1, at + 1)
    assert finding["message"] == (
        'requirements_s3_path is "requirements.txt" but requirements_s3_object_version is not set, so a new upload of '
        "requirements.txt does not change the plan and the environment keeps the version MWAA resolved earlier; expected "
        "requirements_s3_object_version = aws_s3_object.requirements.version_id")
    assert (expected["path"], expected["line"]) == ("module_optional_inputs/main.tf", 38)


def test_an_optional_module_input_with_a_default_stays_known_after_apply(cli, tmp_path):
    # The same plan with the module's default a version string: the value known only after
    # apply cannot be told, and nothing is reported.
    path, text = alone(tmp_path, "module_optional_inputs")
    plan = json.loads(text)
    declared = plan["configuration"]["root_module"]["module_calls"]["claims"]["module"]["variables"]
    declared["requirements_s3_object_version"]["default"] = "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
    (tmp_path / "ci" / "plan.json").write_text(json.dumps(plan))
    run = cli(path, "--format", "json", "--select", "MWAA302", cwd=tmp_path)
    assert run.exit_code == 0 and run.json()["findings"] == []


def test_a_list_of_arns_partly_known_after_apply_is_followed_to_its_resources(cli, tmp_path):
    # policy_arns = [aws_iam_policy.stream_ingest.arn, "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"]:
    # the plan holds the managed policy's ARN and null (known after apply) for the other. The
    # configuration refers to one resource only, whose arn is the one unknown, so the null is
    # that policy's ARN: MWAA201 judges its document, at the action in the planned JSON text.
    path, text = alone(tmp_path, "policy_attachments_exclusive")
    run = cli(path, "--format", "json", "--select", "MWAA201", cwd=tmp_path)
    [finding] = run.json()["findings"]
    change = text.index('{"address":"aws_iam_policy.stream_ingest"', text.index('"resource_changes":'))
    assert (finding["line"], finding["column"]) == (1, text.index('\\"kinesis:*\\"', change) + 1)
    assert finding["message"] == ("execution role aws_iam_role.mwaa allows `kinesis:*` (every action of the kinesis "
                                  "service) in aws_iam_policy.stream_ingest; expected specific actions")


def test_a_list_with_more_unknown_items_than_unknown_references_is_not_followed(cli, tmp_path):
    # The same plan with a second unknown ARN in policy_arns that the configuration does not
    # explain: which item is the policy's cannot be told, so the attachment is not followed.
    path, text = alone(tmp_path, "policy_attachments_exclusive")
    plan = json.loads(text)
    [attachment] = [c for c in plan["resource_changes"] if c["address"] == "aws_iam_role_policy_attachments_exclusive.mwaa"]
    attachment["change"]["after"]["policy_arns"].append(None)
    attachment["change"]["after_unknown"]["policy_arns"].append(True)
    (tmp_path / "ci" / "plan.json").write_text(json.dumps(plan))
    run = cli(path, "--format", "json", "--select", "MWAA201", cwd=tmp_path)
    assert run.exit_code == 0 and run.json()["findings"] == [] and run.json()["diagnostics"] == []
