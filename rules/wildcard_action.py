import re
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table

# IAM compares service prefixes and action names case-insensitively: `Logs:*` is `logs:*`
_WHOLE_SERVICE = re.compile(r"(\*|\*:\*|[a-z0-9-]+:\*)", re.IGNORECASE)


class WildcardAction(Rule):
    """The execution role allows every action, or every action of a service (`logs:*`).

    ## What it does
    Follows `execution_role_arn` to the IAM role and reads every policy attached to it —
    `aws_iam_role_policy`, `inline_policy` blocks, and the `aws_iam_role_policy_attachment`,
    `aws_iam_policy_attachment`, `aws_iam_role_policy_attachments_exclusive` or
    `managed_policy_arns` that point at an `aws_iam_policy` — whether the document is written
    with `jsonencode`, a heredoc, `file()` or `data "aws_iam_policy_document"`. It reports each
    `Allow` statement action that is `*` or a whole service (`logs:*`, `s3:*`, `cloudwatch:*`;
    in any case, `Logs:*`, as IAM compares them), and every `NotAction` in an `Allow` statement.
    It also reports each AWS managed policy attached to the role that grants a whole service,
    such as CloudWatchLogsFullAccess (`logs:*`), AmazonS3FullAccess (`s3:*`) or
    AmazonSQSFullAccess (`sqs:*`), at the line that attaches it (the `aws_managed_policies`
    table lists them; AdministratorAccess, PowerUserAccess and IAMFullAccess are MWAA203's).

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
        admin = {row["name"] for row in table("admin_policies")["policies"]}  # reported by MWAA203
        for env in context.environments():
            role = env.execution_role()
            if role is None:
                continue
            for policy in role.policies():
                for statement in policy.document.statements:
                    if statement.effect != "Allow":
                        continue
                    for action, loc in statement.actions:
                        if _whole(action):
                            yield self.finding(
                                loc,
                                f"execution role {role.address} allows `{action}` ({_what([action])}) in "
                                f"{policy.address}; expected specific actions",
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
            for managed in role.aws_managed_policies():
                if managed.name in admin or managed.document is None:
                    continue
                granting = [s for s in managed.document.statements if s.effect == "Allow" and any(_whole(a) for a, _ in s.actions)]
                actions = [a for s in granting for a, _ in s.actions if _whole(a)]
                everywhere = all(any(r == "*" for r, _ in s.resources) for s in granting)
                if actions:
                    yield self.finding(
                        managed.loc,
                        f"execution role {role.address} has the AWS managed policy {managed.name} attached"
                        f"{managed.how}, which allows {_listed(actions)} ({_what(actions)})"
                        f"{' on every resource' if everywhere else ''}; expected a "
                        "policy with specific actions",
                        address=managed.attachment.address,
                    )


def _whole(action: Any) -> bool:
    return isinstance(action, str) and _WHOLE_SERVICE.fullmatch(action) is not None


def _what(actions: list[str]) -> str:
    if any(a in ("*", "*:*") for a in actions):
        return "every action of every service"
    services = [a.split(":")[0].lower() for a in actions]
    if len(services) == 1:
        return f"every action of the {services[0]} service"
    return f"every action of the {_listed(services, quote=False)} services"


def _listed(items: list[str], quote: bool = True) -> str:
    shown = [f"`{i}`" if quote else i for i in items]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
