from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, airflow_versions


class UnsupportedAirflowVersion(Rule):
    """`airflow_version` has reached, or has an announced, MWAA end of support.

    ## What it does
    Looks `airflow_version` up in mwaa-lint's table of MWAA versions and reports a version
    whose end-of-support date has passed, or has been announced, as of the date the table
    was last checked (the message gives both dates). A version that is not in the table
    (newer than the table, or never offered by MWAA) is not reported, nor is an unknown one.

    ## Why is this bad?
    On the end-of-support date MWAA stops creating environments on that version and stops
    upgrades and downgrades to it, so `terraform apply` of a new environment (another
    account, Region, or a replacement) fails. Existing environments keep running "at your
    own risk", without technical support or security fixes. AWS announces end of support at
    least 180 days ahead, which is the time to plan the upgrade.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name            = "analytics"
      airflow_version = "2.5.1"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name            = "analytics"
      airflow_version = "2.10.3"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/airflow-versions.html
    """

    id = "MWAA305"
    slug = "unsupported-airflow-version"
    severity = Severity.WARNING
    security_severity = 5.0

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        checked = airflow_versions.checked
        for env in context.environments():
            argument = env.argument("airflow_version")
            if not argument.known or not isinstance(argument.value, str):
                continue  # not set, null (MWAA304's), or unknown
            row = airflow_versions.lookup(argument.value)
            if row is None or not row["end_of_support"]:
                continue
            version, eos = row["version"], row["end_of_support"]
            if airflow_versions.ended(row):
                what = (f"reached MWAA end of support on {eos} (as of {checked}): MWAA no longer creates "
                        "environments on it or upgrades to it, and gives no technical support")
            else:
                what = f"has an MWAA end of support announced for {eos} (as of {checked})"
            yield self.finding(
                argument.loc,
                f"airflow_version is {version}, which {what}; expected a supported version"
                f"{_suggestion(version)}",
                address=env.address,
            )


def _suggestion(version: str) -> str:
    """` such as 2.11.2 (the latest 2.x)`, or the latest of all when its major has none left."""
    major = version.split(".")[0]
    same_major = airflow_versions.latest(major)
    if same_major:
        return f" such as {same_major} (the latest {major}.x)"
    latest = airflow_versions.latest()
    return f" such as {latest}" if latest else ""
