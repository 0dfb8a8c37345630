from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity

# the two service principals MWAA's execution role must trust (MWAA-FACTS-COMEUP §a)
SERVICES = ("airflow.amazonaws.com", "airflow-env.amazonaws.com")


class TrustPolicy(Rule):
    """The execution role's trust policy does not let MWAA assume it.

    ## What it does
    Follows `execution_role_arn` to its `aws_iam_role` and reads its `assume_role_policy` in
    any form (`jsonencode`, a heredoc, `aws_iam_policy_document` with `principals`, several
    statements). Reports when the Allow statements naming `sts:AssumeRole` (also through
    `sts:*`, `*` or a `NotAction`) do not trust both `airflow.amazonaws.com` and
    `airflow-env.amazonaws.com` as services, or a Deny takes one of them back. Conditions
    (`aws:SourceArn`, `aws:SourceAccount`) do not matter. It says nothing when a statement,
    an action or a principal is unknown, or a statement uses `NotPrincipal`, and nothing
    about a role the configuration does not show. The finding is where the trusted principals
    are written (a module caller's list, the line of a heredoc), else at `assume_role_policy`.

    ## Why is this bad?
    `CreateEnvironment` fails at once: "Failed to assume role … Please ensure your role is
    assumable by 'airflow-env.amazonaws.com' Service Principal". AWS documents both
    principals as required; a role copied from another service's setup, or written before
    MWAA added `airflow-env.amazonaws.com`, trusts only one or neither. (What follows from
    missing only `airflow.amazonaws.com` is not documented; AWS requires it all the same.)

    ## Example
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name = "analytics-mwaa"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect    = "Allow"
          Action    = "sts:AssumeRole"
          Principal = { Service = "airflow.amazonaws.com" }
        }]
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

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    - https://github.com/idealo/terraform-aws-mwaa/issues/156
    """

    id = "MWAA801"
    slug = "trust-policy"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for role, env in context.execution_roles():  # a role several environments share: once
            trust = role.trust()
            if trust is None or not trust.complete:
                continue
            trusted = {str(value).strip().lower() for kind, value, _ in trust.allowed if kind == "Service"}
            everyone_denied = any(kind == "*" or str(value).strip() == "*" for kind, value, _ in trust.denied)
            denied = {str(value).strip().lower() for kind, value, _ in trust.denied if kind == "Service"}
            missing = [name for name in SERVICES if name not in trusted or name in denied or everyone_denied]
            if not missing:
                continue
            # where the principals are written (a module caller's list, a heredoc's line): add them there
            where = next((loc for _, _, loc in trust.allowed if loc is not None), None)
            policy = role.argument("assume_role_policy")
            names = " and ".join(missing)
            # without airflow-env the documented error follows; without airflow alone, AWS's requirement
            why = ("so CreateEnvironment fails" if "airflow-env.amazonaws.com" in missing
                   else "which AWS requires of an execution role")
            yield self.finding(
                where or policy.loc,
                f"the trust policy of {role.address}, the execution role of {env.address}, does not let {names} "
                f"assume it, {why}; expected an Allow of sts:AssumeRole for the services "
                f"{' and '.join(SERVICES)}",
                address=role.address,
                related=((env.argument("execution_role_arn").loc, f"execution_role_arn of {env.address}"),),
            )
