import re
from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity

_WHOLE_SERVICE = re.compile(r"(\*|\*:\*|[a-z0-9-]+:\*)")


class WildcardAction(Rule):
    """The execution role allows every action, or every action of a service (`logs:*`).

    ## What it does
    Follows `execution_role_arn` to the IAM role and reads every policy attached to it —
    `aws_iam_role_policy`, `inline_policy` blocks, and the `aws_iam_role_policy_attachment`,
    `aws_iam_policy_attachment`, `aws_iam_role_policy_attachments_exclusive` or
    `managed_policy_arns` that point at an `aws_iam_policy` — whether the document is written
    with `jsonencode`, a heredoc, `file()` or `data "aws_iam_policy_document"`. It reports each
    `Allow` statement action that is `*` or a whole service (`logs:*`, `s3:*`, `cloudwatch:*`),
    and every `NotAction` in an `Allow` statement.

    ## Why is this bad?
    Every DAG runs with the execution role's credentials. `logs:*` on `*` lets any DAG author
    read, delete or re-route every log group in the account; `s3:*` lets them empty buckets.
    AWS's documented MWAA policy lists a handful of specific actions instead.

    ## Example
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name               = "mwaa-exec"
      assume_role_policy = "{}"
    }

    resource "aws_iam_role_policy" "mwaa" {
      role = aws_iam_role.mwaa.id
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = ["logs:*"], Resource = "*" }]
      })
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

    resource "aws_iam_role_policy" "mwaa" {
      role = aws_iam_role.mwaa.id
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"]
          Resource = "arn:aws:logs:eu-west-1:111122223333:log-group:airflow-analytics-*"
        }]
      })
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    """

    id = "MWAA201"
    slug = "wildcard-action"
    severity = Severity.ERROR
    security_severity = 8.0

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            role = env.execution_role()
            if role is None:
                continue
            for policy in role.policies():
                for statement in policy.document.statements:
                    if statement.effect != "Allow":
                        continue
                    for action, loc in statement.actions:
                        if isinstance(action, str) and _WHOLE_SERVICE.fullmatch(action):
                            what = "every action of every service" if action in ("*", "*:*") else (
                                f"every action of the {action.split(':')[0]} service"
                            )
                            yield self.finding(
                                loc,
                                f"execution role {role.address} allows `{action}` ({what}) in {policy.address}; "
                                "expected specific actions",
                                address=policy.address,
                            )
                    if statement.not_actions:
                        excluded = ", ".join(f"`{a}`" for a, _ in statement.not_actions if isinstance(a, str))
                        yield self.finding(
                            statement.not_actions[0][1],
                            f"execution role {role.address} allows every action except {excluded or 'some'} "
                            f"(NotAction in an Allow statement) in {policy.address}; expected specific actions",
                            address=policy.address,
                        )
