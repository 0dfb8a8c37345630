from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, airflow_versions


class AirflowVersionUnpinned(Rule):
    """`airflow_version` is not set, so a new environment gets whatever version is latest.

    ## What it does
    Reports an environment without `airflow_version`, at its resource header, and one whose
    `airflow_version` is null (for example a variable whose default is null that no caller
    sets) or `""` (the provider then sends no version), where the value is written. A value that is unknown is not reported.

    ## Why is this bad?
    Without a version MWAA creates the environment on the latest version it supports that
    day, so the same configuration gives a different Airflow — possibly another major
    version, with different DAG APIs — in the next account, Region or rebuild. The
    requirements.txt `--constraint` line and the plugins are written for one version, and
    nothing in the configuration says which.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name        = "analytics"
      dag_s3_path = "dags/"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name            = "analytics"
      airflow_version = "2.10.3"
      dag_s3_path     = "dags/"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/airflow-versions.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/mwaa_environment
    """

    id = "MWAA304"
    slug = "airflow-version-unpinned"
    severity = Severity.WARNING

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        today = f"{airflow_versions.latest()} as of {airflow_versions.checked}"
        for env in context.environments():
            version = env.argument("airflow_version")
            if not version.written:
                yield self.finding(
                    env.loc,
                    f"airflow_version is not set, so a new environment gets the latest version MWAA offers "
                    f"({today}); expected an explicit airflow_version",
                    address=env.address,
                )
            elif version.value is None or version.value == "":
                # inside a module, the line of a null does not say which environment it is for;
                # "" is no version either: the provider sends none (a plan shows it as known after apply)
                where = version.passed or (f" (for {env.address})" if env.address.startswith("module.") else "")
                shown = "null" if version.value is None else '""'
                yield self.finding(
                    version.loc,
                    f"airflow_version is {shown}{where}, so a new environment gets the latest version MWAA offers "
                    f"({today}); expected an explicit airflow_version",
                    address=env.address,
                )
