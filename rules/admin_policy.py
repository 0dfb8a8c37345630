import re

from mwaa_lint import model as m
from mwaa_lint.aws.iam import attachments, execution_role
from mwaa_lint.knowledge import table
from mwaa_lint.provenance import setting
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.values import LocatedStr, PartialString, Unknown


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

    def check(self, context):
        ev = context.ev
        data = table("admin_policies")
        policies = {row["name"]: row for row in data["policies"]}
        pattern = re.compile(data["arn_pattern"])
        for env in context.environments():
            role = execution_role(ev, env)
            if role is None:
                continue
            attached = ((value, loc, address) for inst, name in attachments(ev, role)
                        for value, loc, address in _values(ev, inst, name))
            for value, loc, address in attached:
                name = _managed_policy_name(ev, value, pattern)
                if name not in policies:
                    continue
                how = " through its managed_policy_arns" if address == role.address else f" by {address}"
                yield self.finding(
                    loc,
                    f"execution role {role.address} has the AWS managed policy {name} attached{how}, which grants "
                    f"{policies[name]['grants']}; expected a policy that grants only what the environment and "
                    "its DAGs use",
                    address=address,
                )


def _values(ev, inst, name: str):
    attribute = inst.block.attr(name)
    if attribute is None:
        return
    value = ev.eval(attribute.expr, inst)
    origin = setting(inst.ev or ev, attribute.expr, inst)
    where = origin.loc or attribute.loc
    if not isinstance(value, list):
        yield value, _written(value) or where, inst.address
        return
    items = origin.expr.items if isinstance(origin.expr, m.TupleExpr) else None
    for index, item in enumerate(value):
        loc = items[index].loc if items and len(items) == len(value) else (_written(item) or where)
        yield item, loc, inst.address


def _written(value):
    """Where a literal ARN is written (a caller's list item, a local), when in a Terraform file."""
    if isinstance(value, LocatedStr) and value.loc is not None:
        name = value.loc.path.name
        if name.endswith(".tf") or name.endswith(".tf.json"):
            return value.loc
    return None


def _managed_policy_name(ev, value, pattern):
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
    target = ev.target(value)
    if target is None or target.block.type != "data" or target.block.labels[0] != "aws_iam_policy":
        return None
    # data "aws_iam_policy" by name: the provider requires exactly one match among all the account's
    # policies, AWS managed ones (path "/") included, unless path_prefix narrows the search.
    name, prefix = ev.attr(target, "name"), ev.attr(target, "path_prefix")
    if not isinstance(name, str) or isinstance(prefix, Unknown) or prefix not in (None, "/"):
        return None
    return str(name)
