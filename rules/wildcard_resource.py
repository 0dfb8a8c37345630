import re
from collections.abc import Iterable, Iterator
from functools import cache

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table

_EXAMPLES = 3  # scoped actions named in a message for an action pattern


class WildcardResource(Rule):
    """The execution role grants on `Resource "*"` actions that can be limited to specific resources.

    ## What it does
    Follows `execution_role_arn` to every policy on the role (as MWAA201 does) and reports each
    action of an `Allow` statement whose `Resource` includes `"*"` when the action supports
    resource-level permissions: `s3:GetObject` on `"*"` reads every object in every bucket. An
    ARN that is a wildcard in effect counts as `"*"` for the actions it reaches:
    `arn:aws:logs:*:*:*` (every resource of its service), `arn:aws:s3:::*/*` (every object, for
    object actions such as `s3:GetObject`), `arn:aws:secretsmanager:*:*:secret:*` (every secret);
    so does `NotResource` in an `Allow` statement (every resource but the ones it lists).
    Actions that name no resource type in the AWS Service Authorization Reference — such as
    `logs:DescribeLogGroups`, `cloudwatch:PutMetricData` and `s3:GetAccountPublicAccessBlock`,
    which AWS's own MWAA policy grants on `"*"` — are fine. A pattern such as `s3:Get*` is
    reported when at least half of the actions it covers support resource-level permissions
    (the rule option `min_scoped_share`), so `ec2:Describe*`, nearly all of whose actions only
    work on `"*"`, is not. `*` and whole-service actions (`s3:*`) are left to MWAA201, and
    actions the table does not know are not reported.

    ## Why is this bad?
    Every DAG runs with the execution role's credentials, so the role's reach is every DAG
    author's reach. A resource-scoped action granted on `"*"` applies to every bucket, queue,
    secret or key in the account instead of the ones the environment uses.

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
        Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }]
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
        Statement = [
          {
            Effect   = "Allow"
            Action   = ["s3:GetObject"]
            Resource = "arn:aws:s3:::analytics-airflow-source/*"
          },
          {
            Effect   = "Allow"
            Action   = ["logs:DescribeLogGroups", "cloudwatch:PutMetricData"]
            Resource = "*"
          },
        ]
      })
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    """

    id = "MWAA202"
    slug = "wildcard-resource"
    severity = Severity.WARNING
    security_severity = 6.5
    options = {"min_scoped_share": 0.5}  # a pattern is reported when this share of its actions is scoped
    option_types = {"min_scoped_share": lambda value: _share(value)}

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
                        if not isinstance(action, str):
                            continue
                        verdict = scoping(action)
                        if verdict is None:
                            continue
                        scoped, unscoped = verdict
                        reach = statement.reach(action.strip().partition(":")[0])
                        if reach is None:
                            continue
                        if reach.actions is not None:  # a type of resource: the actions that act on it
                            scoped = [a for a in scoped if a.partition(":")[2].lower() in reach.actions]
                        if not scoped:
                            continue
                        if reach.star and len(scoped) < float(self.opts["min_scoped_share"]) * (len(scoped) + len(unscoped)):
                            continue
                        yield self.finding(
                            loc,
                            f"execution role {role.address} allows `{action}` on {reach.named} in "
                            f"{policy.address}, {_what(action, scoped)}; expected the ARNs the environment "
                            f"uses{_split(unscoped) if reach.star else ''}",
                            address=policy.address,
                        )


def scoping(action: str) -> tuple[list[str], list[str]] | None:
    """(scoped actions it covers, unscoped ones) when `action` covers at least one action that
    supports resource-level permissions; None when it covers none, is `*` or a whole service
    (MWAA201), or is not known."""
    service, sep, name = action.strip().partition(":")
    if not sep or not name or not service or name.strip("*") == "" or "*" in service or "?" in service:
        return None
    row = table("iam_unscoped_actions")["services"].get(service.lower())
    if row is None:
        return None
    if "*" not in name and "?" not in name:
        return ([f"{service}:{name}"], []) if name.lower() in _lower(service, "scoped") else None
    pattern = re.compile(re.escape(name).replace(r"\*", ".*").replace(r"\?", "."), re.I)
    scoped = _notable(a for a in row["scoped"] if pattern.fullmatch(a))
    if not scoped:
        return None
    return [f"{service}:{a}" for a in scoped], [f"{service}:{a}" for a in _notable(a for a in row["unscoped"] if pattern.fullmatch(a))]


def _notable(actions: Iterable[str]) -> list[str]:
    """Shortest names first: `s3:ListBucket` says more than `s3:ListAccessGrantsLocations`."""
    return sorted(actions, key=lambda a: (len(a), a))


@cache
def _lower(service: str, kind: str) -> frozenset[str]:
    return frozenset(a.lower() for a in table("iam_unscoped_actions")["services"][service.lower()][kind])


def _what(action: str, scoped: list[str]) -> str:
    if len(scoped) == 1 and "*" not in action and "?" not in action:
        return "which supports resource-level permissions, so it applies to every resource of its type in the account"
    examples = ", ".join(f"`{a}`" for a in scoped[:_EXAMPLES])
    more = f" and {len(scoped) - _EXAMPLES} more" if len(scoped) > _EXAMPLES else ""
    return (f"which covers {len(scoped)} actions that support resource-level permissions ({examples}{more}), "
            "so they apply to every resource of their type in the account")


def _split(unscoped: list[str]) -> str:
    if not unscoped:
        return ""
    names = ", ".join(f"`{a}`" for a in unscoped[:_EXAMPLES])
    more = f" and {len(unscoped) - _EXAMPLES} more" if len(unscoped) > _EXAMPLES else ""
    return f" (grant the actions that only work on \"*\", {names}{more}, in a statement of their own)"


def _share(value: object) -> float:
    """The `min_scoped_share` option: a number from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"expected a number from 0 to 1, found {value!r}")
    return float(value)
