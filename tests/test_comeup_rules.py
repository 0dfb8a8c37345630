"""The come-up rules (MWAA8xx): what would keep an environment from being created or from
working, with their exact messages. The per-rule fixtures' findings (rule, file, line) are
checked by tests/test_rule_fixtures.py; here, what each message says."""
import pytest
from conftest import FIXTURES

RULES = FIXTURES / "rules"


def _messages(cli, rule: str, case: str) -> list[tuple[str, int, str, list]]:
    data = cli(".", "--select", rule, "--format", "json", cwd=RULES / rule / case).json()
    return [(f["path"], f["line"], f["message"], [(r["path"], r["line"], r["message"]) for r in f.get("related", [])])
            for f in data["findings"]]


MICRO = "but mw1.micro runs exactly 1 web server"


@pytest.mark.parametrize("case, expected", [
    ("out_of_range", [
        ("main.tf", 14, f"min_webservers is 2 {MICRO}; expected min_webservers = 1, or CreateEnvironment fails", []),
        ("main.tf", 15, f"max_webservers is 2 {MICRO}; expected max_webservers = 1, or CreateEnvironment fails", []),
        ("main.tf", 30, "min_webservers is 1 but mw1.small accepts 2 to 5 web servers; expected min_webservers "
                        "between 2 and 5 (the range AWS documents)", []),
        ("main.tf", 48, 'max_webservers is 6 but mw1.medium accepts 2 to 5 web servers (for aws_mwaa_environment.team'
                        '["growth"]); expected max_webservers between 2 and 5 (the range AWS documents)',
         []),
    ]),
    ("module_caller", [
        ("main.tf", 29, "min_webservers and max_webservers are 1 but mw1.small accepts 2 to 5 web servers (passed to "
                        "module.staging for module.staging.aws_mwaa_environment.this); expected min_webservers and "
                        "max_webservers between 2 and 5 (the range AWS documents)",
         []),
        ("modules/airflow/main.tf", 35, f"min_webservers is 2 {MICRO} (for module.dev.aws_mwaa_environment.this); "
                                        "expected min_webservers = 1, or CreateEnvironment fails",
         [("main.tf", 6, "environment_class of module.dev.aws_mwaa_environment.this")]),
        ("modules/airflow/main.tf", 36, f"max_webservers is 2 {MICRO} (for module.dev.aws_mwaa_environment.this); "
                                        "expected max_webservers = 1, or CreateEnvironment fails",
         [("main.tf", 6, "environment_class of module.dev.aws_mwaa_environment.this")]),
    ]),
    ("unknown_inputs", [
        ("main.tf", 10, "max_webservers is 8, which no environment class accepts; expected max_webservers between "
                        "1 and 5 (the range AWS documents)", []),
    ]),
    ("in_range", []),
])
def test_mwaa807_messages(cli, case, expected):
    assert _messages(cli, "MWAA807", case) == expected


PENDING = "so the environment stays PENDING and fails after 72 hours; expected an Interface aws_vpc_endpoint"


@pytest.mark.parametrize("case, expected", [
    ("missing", [
        ("main.tf", 8, 'endpoint_management is "CUSTOMER" but no aws_vpc_endpoint uses the database_vpc_endpoint_service '
                       f"or webserver_vpc_endpoint_service of aws_mwaa_environment.analytics, {PENDING} for each, with "
                       "that service_name", []),
        ("main.tf", 23, 'endpoint_management is "CUSTOMER" but no aws_vpc_endpoint uses the '
                        f"webserver_vpc_endpoint_service of aws_mwaa_environment.reporting, {PENDING} with that "
                        "service_name", []),
        ("main.tf", 38, 'endpoint_management is "CUSTOMER" but no aws_vpc_endpoint uses the '
                        f"database_vpc_endpoint_service of aws_mwaa_environment.partners, {PENDING} with that "
                        "service_name", []),
    ]),
    ("module_caller", [
        ("main.tf", 6, 'endpoint_management is "CUSTOMER" (passed to module.analytics for '
                       "module.analytics.aws_mwaa_environment.this) but no aws_vpc_endpoint uses the "
                       "database_vpc_endpoint_service or webserver_vpc_endpoint_service of "
                       f"module.analytics.aws_mwaa_environment.this, {PENDING} for each, with that service_name", []),
    ]),
    ("created", []),
    ("unknown_inputs", []),
    ("written_out", []),
])
def test_mwaa808_messages(cli, case, expected):
    assert _messages(cli, "MWAA808", case) == expected


def test_mwaa808_follows_a_module_output_to_where_the_caller_reads_it(cli, tmp_path):
    # the module's outputs alone are not a use: module.analytics is reported although its
    # module outputs both services; once the caller outputs one, that one may be used elsewhere
    import shutil

    case = tmp_path / "case"
    shutil.copytree(RULES / "MWAA808" / "module_caller", case)
    with (case / "main.tf").open("a") as main:
        main.write('\noutput "analytics_database_service" {\n  value = module.analytics.database_vpc_endpoint_service\n}\n')
    found = _messages(cli, "MWAA808", "module_caller")
    assert [(path, line) for path, line, _, _ in found] == [("main.tf", 6)]
    data = cli(".", "--select", "MWAA808", "--format", "json", cwd=case).json()
    assert [f["message"].split(" of ")[0].rsplit(" the ", 1)[1] for f in data["findings"]] == ["webserver_vpc_endpoint_service"]


NO_SELF = ("admits traffic from itself{}, so MWAA's components cannot reach each other and the environment does not "
           "come up or process DAGs; expected {}")
ALL_OR_BOTH = "an ingress rule with self = true (all traffic, or TCP 443 and 5432)"


@pytest.mark.parametrize("case, expected", [
    ("missing", [
        ("main.tf", 19, 'no security group of aws_mwaa_environment.this["analytics"] (aws_security_group.analytics) '
                        + NO_SELF.format("", ALL_OR_BOTH)),
        ("main.tf", 19, 'no security group of aws_mwaa_environment.this["ingest"] (aws_security_group.ingest) has an '
                        "egress rule: Terraform removes the allow-all egress AWS adds to a new group, so the environment "
                        "cannot reach S3, SQS, CloudWatch or its database; expected an egress rule for all traffic "
                        "(0.0.0.0/0)"),
        ("main.tf", 19, 'no security group of aws_mwaa_environment.this["reporting"] (aws_security_group.reporting) '
                        + NO_SELF.format(" on TCP 5432 but not on 443", "the self-referencing rule to cover TCP 443 too")),
    ]),
    ("module_caller", [
        ("modules/airflow/main.tf", 54, "no security group of module.analytics.aws_mwaa_environment.this "
                                        "(module.analytics.aws_security_group.this) " + NO_SELF.format("", ALL_OR_BOTH)),
    ]),
    ("documented", []),
    ("unknown_inputs", []),
])
def test_mwaa804_messages(cli, case, expected):
    assert [(path, line, message) for path, line, message, _ in _messages(cli, "MWAA804", case)] == expected


def test_mwaa804_notes_each_group(cli):
    found = _messages(cli, "MWAA804", "module_caller")
    assert found[0][3] == [("modules/airflow/main.tf", 23, "security group module.analytics.aws_security_group.this")]


FAILS = "so after the next upload the pinned version is deleted and the next update fails to read it; expected"


@pytest.mark.parametrize("case, expected", [
    ("expiring", [
        ("bucket.tf", 38, 'lifecycle rule "expire-old-requirements" of aws_s3_bucket_lifecycle_configuration.airflow '
                          'deletes noncurrent versions after 30 days under "requirements", where '
                          'aws_mwaa_environment.analytics pins requirements.txt to the version '
                          f'"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", written out, {FAILS} requirements_s3_object_version '
                          "to follow the upload (aws_s3_object.<name>.version_id), or the rule to leave requirements.txt out",
         [("main.tf", 10, "requirements_s3_object_version of aws_mwaa_environment.analytics")]),
        ("bucket.tf", 51, 'lifecycle rule "expire-old-plugins" of aws_s3_bucket_lifecycle_configuration.airflow '
                          'deletes noncurrent versions after 14 days under "plugins/", where aws_mwaa_environment.analytics '
                          "pins plugins.zip (plugins/plugins.zip) to a version kept by lifecycle.ignore_changes, "
                          f"{FAILS} plugins_s3_object_version out of ignore_changes, or the rule to leave "
                          "plugins/plugins.zip out",
         [("main.tf", 13, "plugins_s3_object_version of aws_mwaa_environment.analytics")]),
    ]),
    ("module_caller", [
        ("modules/airflow/main.tf", 40, 'lifecycle rule "expire-old-versions" of '
                                        "module.analytics.aws_s3_bucket_lifecycle_configuration.this deletes noncurrent "
                                        "versions after 30 days on every object, where "
                                        "module.analytics.aws_mwaa_environment.this pins requirements.txt to the version "
                                        f'"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", written out, {FAILS} '
                                        "requirements_s3_object_version to follow the upload "
                                        "(aws_s3_object.<name>.version_id), or the rule to leave requirements.txt out",
         [("main.tf", 6, "requirements_s3_object_version of module.analytics.aws_mwaa_environment.this")]),
    ]),
    ("following", []),
    ("unknown_inputs", []),
])
def test_mwaa810_messages(cli, case, expected):
    assert _messages(cli, "MWAA810", case) == expected


def test_mwaa809_names_what_races_and_notes_each(cli):
    found = _messages(cli, "MWAA809", "racing")
    names = ("aws_iam_role_policy.mwaa, aws_iam_role_policy_attachment.cloudwatch, "
             "aws_s3_bucket_public_access_block.airflow")
    assert found == [("main.tf", 64, f"aws_mwaa_environment.analytics is not created after {names}, so on a first "
                      "apply CreateEnvironment may run before them and fail its permission or public access checks "
                      f"(the AWS provider retries for 2 minutes); expected {names} in its depends_on",
                      [("main.tf", 24, "aws_iam_role_policy.mwaa, created in parallel"),
                       ("main.tf", 37, "aws_iam_role_policy_attachment.cloudwatch, created in parallel"),
                       ("main.tf", 53, "aws_s3_bucket_public_access_block.airflow, created in parallel")])]
    assert _messages(cli, "MWAA809", "ordered") == [] and _messages(cli, "MWAA809", "unread_module") == []


def test_mwaa809_is_off_by_default(cli):
    data = cli(".", "--format", "json", cwd=RULES / "MWAA809" / "racing").json()
    assert "MWAA809" not in {f["rule_id"] for f in data["findings"]}


EXPECTED_TRUST = "expected an Allow of sts:AssumeRole for the services airflow.amazonaws.com and airflow-env.amazonaws.com"


@pytest.mark.parametrize("case, expected", [
    ("missing", [
        ("iam.tf", 9, 'the trust policy of aws_iam_role.analytics, the execution role of aws_mwaa_environment.this'
                      '["analytics"], does not let airflow-env.amazonaws.com assume it, so CreateEnvironment fails; '
                      + EXPECTED_TRUST),
        ("iam.tf", 23, 'the trust policy of aws_iam_role.reporting, the execution role of aws_mwaa_environment.this'
                       '["reporting"], does not let airflow.amazonaws.com and airflow-env.amazonaws.com assume it, so '
                       "CreateEnvironment fails; " + EXPECTED_TRUST),
        ("iam.tf", 37, 'the trust policy of aws_iam_role.ingest, the execution role of aws_mwaa_environment.this'
                       '["ingest"], does not let airflow.amazonaws.com assume it, which AWS requires of an execution '
                       "role; " + EXPECTED_TRUST),
    ]),
    ("module_caller", [
        ("main.tf", 6, "the trust policy of module.analytics.aws_iam_role.this, the execution role of "
                       "module.analytics.aws_mwaa_environment.this, does not let airflow-env.amazonaws.com assume it, "
                       "so CreateEnvironment fails; " + EXPECTED_TRUST),
    ]),
    ("trusted", []),
    ("unknown_inputs", []),
])
def test_mwaa801_messages(cli, case, expected):
    assert [(path, line, message) for path, line, message, _ in _messages(cli, "MWAA801", case)] == expected


ALSO = "assume it, and with it everything the environment's DAGs may do; expected only the services " \
       "airflow.amazonaws.com and airflow-env.amazonaws.com"


def test_mwaa802_messages(cli):
    role = "the trust policy of aws_iam_role.{0}, the execution role of aws_mwaa_environment.this[\"{0}\"], also lets"
    assert [(path, line, message) for path, line, message, _ in _messages(cli, "MWAA802", "extra")] == [
        ("iam.tf", 11, f"{role.format('analytics')} Service principal lambda.amazonaws.com {ALSO}"),
        ("iam.tf", 17, f"{role.format('analytics')} AWS principal arn:aws:iam::111122223333:root {ALSO}"),
        ("iam.tf", 37, f"{role.format('reporting')} everyone (*) {ALSO}"),
        ("iam.tf", 60, f"{role.format('ingest')} AWS principal arn:aws:iam::444455556666:role/deployer {ALSO}"),
    ]
    assert _messages(cli, "MWAA802", "only_mwaa") == [] and _messages(cli, "MWAA802", "unknown_inputs") == []


KEY_EXPECTED = ("expected a key policy statement that allows the service logs.<region>.amazonaws.com kms:Encrypt*, "
                "kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* (with the condition ArnLike "
                "kms:EncryptionContext:aws:logs:arn)")


def test_mwaa806_messages(cli):
    env = 'the customer managed key of aws_mwaa_environment.this["{}"]'
    no_logs = "so MWAA cannot create or write its log groups and the environment does not come up; " + KEY_EXPECTED
    assert _messages(cli, "MWAA806", "missing") == [
        ("kms.tf", 6, f"aws_kms_key.analytics, {env.format('analytics')}, has no key policy, so KMS gives it the "
                      "default one, which trusts only the account: CloudWatch Logs cannot use the key and MWAA cannot "
                      "create its log groups; " + KEY_EXPECTED,
         [("main.tf", 17, 'kms_key of aws_mwaa_environment.this["analytics"]')]),
        ("kms.tf", 15, f"the key policy of aws_kms_key.reporting, {env.format('reporting')}, does not allow CloudWatch "
                       "Logs (logs.<region>.amazonaws.com) kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, "
                       f"kms:GenerateDataKey, kms:DescribeKey, {no_logs}",
         [("main.tf", 17, 'kms_key of aws_mwaa_environment.this["reporting"]')]),
        ("kms.tf", 44, f"the key policy of aws_kms_key.ingest, {env.format('ingest')}, does not allow CloudWatch Logs "
                       f"(logs.<region>.amazonaws.com) kms:ReEncryptFrom, {no_logs}",
         [("main.tf", 17, 'kms_key of aws_mwaa_environment.this["ingest"]')]),
    ]
    assert _messages(cli, "MWAA806", "documented") == [] and _messages(cli, "MWAA806", "unknown_inputs") == []


def test_mwaa803_messages(cli):
    assert _messages(cli, "MWAA803", "no_way_out") == [
        ("main.tf", 14, "subnets aws_subnet.private[0], aws_subnet.private[1] of aws_mwaa_environment.analytics have no "
                        "way out of the VPC: its route table aws_route_table.private sends 0.0.0.0/0 nowhere out (no NAT "
                        "gateway, transit gateway, ...), and the VPC lacks the endpoints airflow.api, airflow.env, ecr.api "
                        "(private DNS is off on aws_vpc_endpoint.ecr_api), ecr.dkr, so the environment cannot reach S3, "
                        "SQS, CloudWatch or ECR and never comes up; expected a NAT route, or those VPC endpoints",
         [("network.tf", 9, "subnet aws_subnet.private[0]"), ("network.tf", 9, "subnet aws_subnet.private[1]")]),
    ]
    assert _messages(cli, "MWAA803", "ways_out") == [] and _messages(cli, "MWAA803", "unknown_inputs") == []


def test_mwaa811_messages(cli):
    start = "has no way to the internet (its subnets route nowhere out of the VPC), but its requirements"
    end = ("so pip fails at every start and the environment never becomes healthy; expected wheels in plugins.zip "
           "with --no-index and --find-links /usr/local/airflow/plugins, or an index reachable through a VPC "
           "endpoint (CodeArtifact)")
    found = _messages(cli, "MWAA811", "from_pypi")
    assert [(path, line, message) for path, line, message, _ in found] == [
        ("analytics-requirements.txt", 1, f'aws_mwaa_environment.this["analytics"] {start} install from PyPI (no '
                                          f"--no-index with --find-links, no private index), {end}"),
        ("reporting-requirements.txt", 2, f'aws_mwaa_environment.this["reporting"] {start} install from AWS '
                                          "CodeArtifact and the VPC lacks the codeartifact.repositories endpoint, "
                                          f"{end}"),
    ]
    assert found[0][3] == [("main.tf", 30, 'subnet_ids of aws_mwaa_environment.this["analytics"]')]
    assert _messages(cli, "MWAA811", "offline") == [] and _messages(cli, "MWAA811", "unknown_inputs") == []


def test_mwaa805_messages(cli):
    logs = ("logs:CreateLogStream, logs:CreateLogGroup, logs:PutLogEvents, logs:GetLogEvents, logs:GetLogRecord, "
            "logs:GetLogGroupFields, logs:GetQueryResults on its airflow-{}-* log groups")
    sqs = ("sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl, "
           "sqs:ReceiveMessage, sqs:SendMessage on the airflow-celery-* queues")
    kms = "kms:Decrypt, kms:DescribeKey, kms:GenerateDataKey, kms:Encrypt on "
    owned = "the AWS owned key of its queues (a key outside the account: NotResource arn:aws:kms:*:<account>:key/*)"
    end = ("so the environment fails to come up or runs without logs or tasks; expected them as in AWS's sample "
           "execution-role policy")
    found = _messages(cli, "MWAA805", "missing")
    assert [(path, line, message) for path, line, message, _ in found] == [
        ("iam.tf", 13, 'execution role aws_iam_role.analytics of aws_mwaa_environment.this["analytics"] is not allowed '
                       f"{logs.format('analytics')}; logs:DescribeLogGroups on any log group; cloudwatch:PutMetricData "
                       f"on CloudWatch metrics; {sqs}; {kms}{owned}, {end}"),
        ("iam.tf", 49, 'execution role aws_iam_role.reporting of aws_mwaa_environment.this["reporting"] is not allowed '
                       f"{logs.format('reporting')}; {sqs}; {kms}{owned}, {end}"),
    ]
    assert found[0][3] == [("main.tf", 21, 'execution_role_arn of aws_mwaa_environment.this["analytics"]')]
    assert _messages(cli, "MWAA805", "kms") == [
        ("iam.tf", 46, f'execution role aws_iam_role.orders of aws_mwaa_environment.this["orders"] is not allowed {kms}{owned}, '
                       f"{end}", [("main.tf", 27, 'execution_role_arn of aws_mwaa_environment.this["orders"]')]),
        ("iam.tf", 65, f'execution role aws_iam_role.billing of aws_mwaa_environment.this["billing"] is not allowed {kms}its '
                       f"KMS key, {end}", [("main.tf", 27, 'execution_role_arn of aws_mwaa_environment.this["billing"]')]),
    ]
    assert _messages(cli, "MWAA805", "sample") == [] and _messages(cli, "MWAA805", "unknown_inputs") == []
