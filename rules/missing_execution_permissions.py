import re
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, PartialString, Rule, Severity, Unknown, table


class MissingExecutionPermissions(Rule):
    """The execution role is not allowed what MWAA does with it.

    ## What it does
    Reads every permission policy on the environment's execution role (inline,
    `aws_iam_role_policy`, attached `aws_iam_policy`; jsonencode, heredoc,
    `aws_iam_policy_document`) and reports the actions of AWS's sample execution-role policy
    that no Allow statement grants on the environment's resources: reading the source bucket
    and its objects, writing and reading its `airflow-<name>-*` log groups, describing log
    groups, publishing CloudWatch metrics, using the `airflow-celery-*` SQS queues, and using
    the KMS key that encrypts them: the environment's `kms_key`, or, without one, AWS's own
    key in another account (the sample grants it with `NotResource =
    "arn:aws:kms:*:<account>:key/*"`; a `Resource` of the account's own keys does not reach
    it). The list is the dated table `execution_role_permissions`. Actions match with IAM's
    wildcards in any case, and `NotAction` and `NotResource` are read (an unknown part of a
    `NotResource` entry may exclude the resource: silence); a statement with conditions counts
    as granting. It stays silent when any policy on the role cannot be read (unknown, a
    managed policy AWS or another stack holds, an attachment that might be for this role),
    when an action or resource is unknown, and for a role the configuration does not show. The
    KMS actions are judged only when it is known whether the environment sets `kms_key`.
    `airflow:PublishMetrics`, in AWS's sample, is not required: the API marks it deprecated
    and no longer available.

    ## Why is this bad?
    `CreateEnvironment` checks only that the role can read the DAG folder. Everything else
    fails later: the environment ends in `CREATE_FAILED` with "INCORRECT_CONFIGURATION: You
    may need to check the execution role permissions policy", or comes up with blank logs
    and tasks that never run, after the hour it took to create it.

    ## Example
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name = "analytics-mwaa"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect    = "Allow"
          Action    = "sts:AssumeRole"
          Principal = { Service = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }
        }]
      })
    }

    resource "aws_iam_role_policy" "mwaa" {
      role = aws_iam_role.mwaa.id
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
          Resource = ["arn:aws:s3:::acme-airflow", "arn:aws:s3:::acme-airflow/*"]
        }]
      })
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      source_bucket_arn  = "arn:aws:s3:::acme-airflow"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name = "analytics-mwaa"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect    = "Allow"
          Action    = "sts:AssumeRole"
          Principal = { Service = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }
        }]
      })
    }

    resource "aws_iam_role_policy" "mwaa" {
      role = aws_iam_role.mwaa.id
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Effect   = "Allow"
            Action   = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
            Resource = ["arn:aws:s3:::acme-airflow", "arn:aws:s3:::acme-airflow/*"]
          },
          {
            Effect   = "Allow"
            Action = [
              "logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:GetLogEvents",
              "logs:GetLogRecord", "logs:GetLogGroupFields", "logs:GetQueryResults",
            ]
            Resource = "arn:aws:logs:us-east-1:111122223333:log-group:airflow-analytics-*"
          },
          { Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" },
          { Effect = "Allow", Action = "cloudwatch:PutMetricData", Resource = "*" },
          {
            Effect   = "Allow"
            Action = [
              "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
              "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage",
            ]
            Resource = "arn:aws:sqs:us-east-1:*:airflow-celery-*"
          },
          {
            Effect      = "Allow"
            Action      = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
            NotResource = "arn:aws:kms:*:111122223333:key/*"
            Condition   = { StringLike = { "kms:ViaService" = ["sqs.us-east-1.amazonaws.com"] } }
          },
        ]
      })
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      source_bucket_arn  = "arn:aws:s3:::acme-airflow"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    - https://github.com/awslabs/aws-support-tools/tree/master/MWAA/verify_env (the same rows, checked on a live account)
    """

    id = "MWAA805"
    slug = "missing-execution-permissions"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            role = env.execution_role()
            if role is None or not role.permissions_known():
                continue
            statements = [s for policy in role.policies() for s in policy.document.statements]
            missing: dict[str, list[str]] = {}
            for need in _needs(env, context):
                resource = _resource(env, need["resource"])
                for action in need["actions"]:
                    # False only when every statement that could grant it is known not to
                    if _allowed(statements, action, resource) is False:
                        missing.setdefault(need["what"].format(name=_name(env)), []).append(action)
            if not missing:
                continue
            lacking = "; ".join(f"{', '.join(actions)} on {what}" for what, actions in missing.items())
            yield self.finding(
                role.loc,
                f"execution role {role.address} of {env.address} is not allowed {lacking}, so the environment "
                "fails to come up or runs without logs or tasks; expected them as in AWS's sample execution-role "
                "policy",
                address=role.address,
                related=((env.argument("execution_role_arn").loc, f"execution_role_arn of {env.address}"),),
            )


def _name(env: Environment) -> str:
    name = env.get("name")
    return str(name) if isinstance(name, str) and not isinstance(name, Unknown) else "<name>"


def _needs(env: Environment, context: Context) -> list[dict[str, Any]]:
    """The rows of the table that apply: the KMS rows only when it is known whether the
    environment has a customer managed key."""
    kms_key = env.argument("kms_key")
    if kms_key.value is None:
        customer_key: bool | None = False  # not set: MWAA encrypts with an AWS owned key
    elif kms_key.known or context.target(kms_key.value) is not None:
        customer_key = True
    else:
        customer_key = None  # var.kms_key without a value: may be null
    when = {"always": True, "customer_key": customer_key is True, "aws_owned_key": customer_key is False}
    return [need for need in table("execution_role_permissions")["needs"] if when[need["when"]]]


def _resource(env: Environment, template: str) -> Any:
    """The ARN an action acts on, or None where a part of it is unknown (it then matches any
    resource entry: the rule gives the benefit of the doubt)."""
    for placeholder, argument in (("{bucket}", "source_bucket_arn"), ("{name}", "name"), ("{kms_key}", "kms_key")):
        if placeholder in template:
            value = env.get(argument)
            if not isinstance(value, str) or isinstance(value, Unknown):
                return None
            if placeholder == "{kms_key}" and not value.strip().startswith("arn:"):
                return None  # a key ID: its ARN's region and account are not written
            template = template.replace(placeholder, value.strip())
    return template.replace("{aws_owned}", _AWS_OWNED)


# The account of an AWS owned key: no account ID written in a policy is it
_AWS_OWNED = "aws-owned"


def _allowed(statements: list[Any], action: str, resource: Any) -> bool | None:
    """Does some Allow statement grant `action` on `resource`? None when a statement that
    could decide it is unknown."""
    unknown = False
    for statement in statements:
        effect = statement.effect
        if not isinstance(effect, str) or isinstance(effect, Unknown):
            unknown = True
            continue
        if effect != "Allow":
            continue  # a Deny only takes away; not reading it gives fewer findings, never more
        names = statement.names_action(action)
        if names is None:
            unknown = True
            continue
        if not names:
            continue
        covers = _covers(statement, resource)
        if covers is None:
            unknown = True
        elif covers:
            return True
    return None if unknown else False


def _covers(statement: Any, resource: Any) -> bool | None:
    if statement.not_resources:
        listed = [_matches(entry, resource, holes_match=False) for entry, _ in statement.not_resources]
        return None if None in listed else not any(listed)
    matches = [_matches(entry, resource) for entry, _ in statement.resources]
    if any(matches):
        return True
    return None if None in matches else False


def _matches(entry: Any, resource: Any, holes_match: bool = True) -> bool | None:
    """Does a policy's resource entry match the ARN (IAM wildcards; `?` in the ARN's region or
    account stands for a value not known here)? None when the entry is unknown. An entry with
    unknown parts ("arn:aws:sqs:${region}:*:airflow-celery-*") may match: True when that
    grants (`Resource`), None when it would take away (`NotResource`, holes_match=False)."""
    if resource is None:
        return True if holes_match else None  # the resource is not known here: any entry may be it
    if isinstance(entry, PartialString):
        entry = "".join(part if isinstance(part, str) and not isinstance(part, Unknown) else "*" for part in entry.parts)
        if not holes_match:
            return None if _matches(entry, resource) else False
    elif not isinstance(entry, str) or isinstance(entry, Unknown):
        return None
    if entry.strip() == "*":
        return True
    if resource == "*":
        # an action with no resource of its own needs "*"; whether a wildcard ARN
        # (`arn:aws:logs:*:*:*`) serves is not judged
        return None if "*" in entry else False
    text = entry.strip()
    fields = resource.split(":", 5)
    if "?" not in fields[3:5]:
        return _glob(text, resource)  # a fully known ARN: IAM's wildcards over the whole of it
    pattern_fields = text.split(":", 5)
    if len(pattern_fields) != 6 or len(fields) != 6:
        return True  # a hole spans several fields: it may be this ARN
    # a region or account the rule does not know matches any
    return all(value == "?" and index in (3, 4) or _glob(pattern, value)
               for index, (pattern, value) in enumerate(zip(pattern_fields, fields)))


def _glob(pattern: str, value: str) -> bool:
    """IAM's resource wildcards: `*` any run of characters, `?` one character."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value, re.S) is not None
