from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Location, Rule, Severity, Unknown

SERVICES = ("airflow.amazonaws.com", "airflow-env.amazonaws.com")  # what MWAA needs (MWAA801)


class TrustPolicyExtraPrincipals(Rule):
    """The execution role's trust policy lets others than MWAA assume it.

    ## What it does
    Reads the trust policy (`assume_role_policy`) of the role `execution_role_arn` names, in
    any form, and reports each principal of an Allow statement naming `sts:AssumeRole` other
    than the services `airflow.amazonaws.com` and `airflow-env.amazonaws.com`: another
    service, an account (`arn:aws:iam::111122223333:root`), a role or user, a federated
    provider, or `*`. A principal whose value is unknown is not reported.

    ## Why is this bad?
    The execution role is the identity every DAG and every Airflow connection to AWS runs
    as. Whoever else the role trusts can take it, with all it may do, and act as the
    environment. A role shared with Lambda or EC2, or trusting a whole account "for
    debugging", is a common shortcut; give those their own roles.

    ## Example
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name = "analytics-mwaa"
      assume_role_policy = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect    = "Allow"
          Action    = "sts:AssumeRole"
          Principal = {
            Service = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
            AWS     = "arn:aws:iam::111122223333:root"
          }
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
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    """

    id = "MWAA802"
    slug = "trust-policy-extra-principals"
    severity = Severity.WARNING
    security_severity = 7.0

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        seen: set[tuple[Location | None, str]] = set()
        for role, env in context.execution_roles():  # a role several environments share: once
            trust = role.trust()
            if trust is None:
                continue
            for kind, value, loc in trust.allowed:
                if kind == "?" or isinstance(value, Unknown) or not isinstance(value, str):
                    continue  # cannot tell who it is
                if kind == "Service" and value.strip().lower() in SERVICES:
                    continue
                if (loc, f"{kind} {value}") in seen:
                    continue
                seen.add((loc, f"{kind} {value}"))
                who = "everyone (*)" if kind == "*" or value.strip() == "*" else f"{kind} principal {value}"
                yield self.finding(
                    loc or role.argument("assume_role_policy").loc,
                    f"the trust policy of {role.address}, the execution role of {env.address}, also lets {who} "
                    "assume it, and with it everything the environment's DAGs may do; expected only the "
                    f"services {' and '.join(SERVICES)}",
                    address=role.address,
                )
