import re
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, PartialString, Resource, Rule, Severity, Unknown, elements, table


class AdminPolicy(Rule):
    """AdministratorAccess, PowerUserAccess or IAMFullAccess is attached to the execution role.

    ## What it does
    Follows `execution_role_arn` to the IAM role and reports each AWS managed
    `AdministratorAccess`, `PowerUserAccess` or `IAMFullAccess` policy attached to it by
    `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`,
    `aws_iam_role_policy_attachments_exclusive` or the role's `managed_policy_arns`. The ARN may
    be written for any partition (`arn:aws-cn:…`, `arn:${data.aws_partition.current.partition}:…`)
    or come from `data "aws_iam_policy"` looked up by that ARN or name.

    ## Why is this bad?
    Every DAG runs with the execution role's credentials. With AdministratorAccess any DAG
    author — or any package a DAG imports — can do anything in the account; PowerUserAccess
    is the same short of IAM, and IAMFullAccess lets the role grant itself AdministratorAccess.
    AWS's documented execution-role policy lists a handful of actions on the environment's own
    bucket, log groups and queues.

    ## Example
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name               = "mwaa-exec"
      assume_role_policy = "{}"
    }

    resource "aws_iam_role_policy_attachment" "admin" {
      role       = aws_iam_role.mwaa.name
      policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name               = "mwaa-exec"
      assume_role_policy = "{}"
    }

    resource "aws_iam_role_policy_attachment" "read_only" {
      role       = aws_iam_role.mwaa.name
      policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    - https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
    """

    id = "MWAA203"
    slug = "admin-policy"
    severity = Severity.ERROR
    security_severity = 8.8

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        data = table("admin_policies")
        policies = {row["name"]: row for row in data["policies"]}
        pattern = re.compile(data["arn_pattern"])
        managed = set(context.resources("aws_iam_policy"))  # the rest of that type are data sources
        for env in context.environments():
            role = env.execution_role()
            if role is None:
                continue
            for attachment, argument in role.attachments():
                for value, loc in elements(attachment.argument(argument)):
                    name = _managed_policy_name(context, value, pattern, managed)
                    if name not in policies:
                        continue
                    how = " through its managed_policy_arns" if attachment == role else f" by {attachment.address}"
                    yield self.finding(
                        loc,
                        f"execution role {role.address} has the AWS managed policy {name} attached{how}, which "
                        f"grants {policies[name]['grants']}; expected a policy that grants only what the "
                        "environment and its DAGs use",
                        address=attachment.address,
                    )


def _managed_policy_name(context: Context, value: Any, pattern: re.Pattern[str], managed: set[Resource]) -> str | None:
    """The AWS managed policy a value names, or None when it names another policy or is unknown."""
    if isinstance(value, str):
        match = pattern.fullmatch(str(value).strip())
        return match.group("name") if match else None
    if isinstance(value, PartialString):
        # arn:${data.aws_partition.current.partition}:iam::aws:policy/NAME: only the partition is open
        parts = value.parts
        if len(parts) == 3 and parts[0] == "arn:" and isinstance(parts[2], str):
            match = pattern.fullmatch(f"arn:aws{parts[2]}")
            return match.group("name") if match else None
        return None
    target = context.target(value)
    if target is None or target.type != "aws_iam_policy" or target in managed:
        return None
    # data "aws_iam_policy" by name: the provider requires exactly one match among all the account's
    # policies, AWS managed ones (path "/") included, unless path_prefix narrows the search.
    name, prefix = target.get("name"), target.get("path_prefix")
    if not isinstance(name, str) or isinstance(prefix, Unknown) or prefix not in (None, "/"):
        return None
    return str(name)
