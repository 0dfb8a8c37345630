import re
from collections.abc import Iterator
from typing import Any, Optional

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, Unknown, airflow_versions

_VERSION = re.compile(r"\d+(\.\d+)*")


class AirflowVersionChangeRejected(Rule):
    """A Terraform plan changes `airflow_version` in place in a way MWAA rejects.

    ## What it does
    Reads a plan (`terraform show -json PLANFILE`, given as `mwaa-lint plan.json` or `--plan`)
    and reports an in-place update (`actions` `["update"]`) of an `aws_mwaa_environment` whose
    `airflow_version` changes to a version MWAA does not move an environment to:

    - from 3.x to a 2.x other than 2.11.x: the current user guide ("Changing the Apache Airflow
      version") says MWAA supports minor and major upgrades and downgrades, and that a 3.y.z
      environment can be downgraded to 2.11.x; 2.11.x is the only 2.x named;
    - to a version that has reached its end of support (the `airflow_versions` table): from
      that date MWAA no longer upgrades or downgrades environments to it.

    Not reported: minor upgrades and downgrades within a major version (2.10.3 to 2.9.2 is
    allowed in place: "you can update your environment from version x.4.z to x.5.z or from
    x.5.z to x.4.z"), 3.x to 2.11.x (allowed, per the same page), and 2.x to 3.x, which the AWS
    provider plans as a replacement (it forces a new environment when the major version grows;
    MWAA812 reports that). What the guide said before is superseded: an older copy said "You
    cannot downgrade", a later one allowed minor downgrades only. The 3.x-to-2.11.x rule was
    re-checked on 2026-12-05 against the guide's current page as AWS publishes it in Japanese,
    Indonesian and Spanish (`docs.aws.amazon.com/{ja_jp,id_id,es_es}/mwaa/latest/userguide/
    upgrading-environment.md`, identical in substance); the English copies found were older.

    This rule needs a plan: on `.tf` files alone it is silent, since the version the
    environment runs now is in the state, which only a plan shows.

    ## Why is this bad?
    `terraform plan` shows the change as an ordinary update, and the pull request looks
    harmless. MWAA refuses it only when `terraform apply` updates the environment: the apply
    fails partway, and the configuration and the environment stay out of step until someone
    reverts the version.

    ## Example
    The configuration after the change, and the plan made from it (an excerpt of
    `terraform show -json`: the environment runs 3.0.6):
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      airflow_version    = "2.10.3"
      execution_role_arn = "arn:aws:iam::111122223333:role/mwaa"
      source_bucket_arn  = "arn:aws:s3:::acme-analytics-airflow"
      dag_s3_path        = "dags/"
    }
    ```
    ```json
    {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {}},
     "resource_changes": [{"address": "aws_mwaa_environment.this", "mode": "managed",
       "type": "aws_mwaa_environment", "name": "this",
       "change": {"actions": ["update"],
         "before": {"name": "analytics", "airflow_version": "3.0.6"},
         "after": {"name": "analytics", "airflow_version": "2.10.3"},
         "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}]}
    ```

    ## Use instead
    Downgrade a 3.x environment to 2.11.x:
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      airflow_version    = "2.11.0"
      execution_role_arn = "arn:aws:iam::111122223333:role/mwaa"
      source_bucket_arn  = "arn:aws:s3:::acme-analytics-airflow"
      dag_s3_path        = "dags/"
    }
    ```
    ```json
    {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {}},
     "resource_changes": [{"address": "aws_mwaa_environment.this", "mode": "managed",
       "type": "aws_mwaa_environment", "name": "this",
       "change": {"actions": ["update"],
         "before": {"name": "analytics", "airflow_version": "3.0.6"},
         "after": {"name": "analytics", "airflow_version": "2.11.0"},
         "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}]}
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/upgrading-environment.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/airflow-versions.html
    - https://aws.amazon.com/blogs/big-data/introducing-in-place-version-upgrades-with-amazon-mwaa/
    """

    id = "MWAA813"
    slug = "airflow-version-change-rejected"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for change in context.planned_changes("aws_mwaa_environment"):
            if "update" not in change.actions:
                continue  # a replacement (MWAA812), a creation, or nothing
            before, after = _version(change.before("airflow_version")), _version(change.after("airflow_version"))
            if before is None or after is None or before == after:
                continue
            why = _rejected(before, after)
            if why is None:
                continue
            yield self.finding(
                change.loc(("airflow_version",)),
                f"the plan changes airflow_version of {change.address} in place from {before} to {after}, which MWAA "
                f"rejects: {why}, so terraform apply fails when it updates the environment; expected {_instead(before)}",
                address=change.address,
            )


def _version(value: Any) -> Optional[str]:
    if isinstance(value, str) and not isinstance(value, Unknown) and _VERSION.fullmatch(value):
        return value
    return None


def _rejected(before: str, after: str) -> Optional[str]:
    old, new = [int(part) for part in before.split(".")], [int(part) for part in after.split(".")]
    row = airflow_versions.lookup(after)
    if row is not None and airflow_versions.ended(row):
        return (f"{after} reached its end of support on {row['end_of_support']}, and MWAA no longer upgrades or "
                f"downgrades environments to it (table checked {airflow_versions.checked})")
    if old[0] == 3 and new[0] == 2 and new[1:2] != [11]:
        return "MWAA downgrades a 3.x environment only to 2.11.x"
    return None


def _instead(before: str) -> str:
    if before.startswith("3."):
        return "a 3.x version, or 2.11.x; for another 2.x, a new environment"
    major = before.split(".")[0]
    latest = airflow_versions.latest(major)
    return f"a supported {major}.x version (such as {latest})" if latest else "a supported version"
