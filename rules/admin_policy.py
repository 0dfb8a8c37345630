from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table


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
        policies = {row["name"]: row for row in table("admin_policies")["policies"]}
        for env in context.environments():
            role = env.execution_role()
            if role is None:
                continue
            for policy in role.aws_managed_policies():
                if policy.name not in policies:
                    continue
                yield self.finding(
                    policy.loc,
                    f"execution role {role.address} has the AWS managed policy {policy.name} attached{policy.how}, "
                    f"which grants {policies[policy.name]['grants']}; expected a policy that grants only what "
                    "the environment and its DAGs use",
                    address=policy.attachment.address,
                )
