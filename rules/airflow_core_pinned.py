import re
from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity

_EXTRAS = re.compile(r"^\s*[A-Za-z0-9._-]+\s*(\[[^\]]*\])?")


class AirflowCorePinned(Rule):
    """requirements.txt asks for an `apache-airflow` version other than the environment's.

    ## What it does
    Follows `requirements_s3_path` to the requirements.txt that Terraform uploads (a local
    file, or inline `content`), with the local files it pulls in with `-r`, and reports a
    requirement on `apache-airflow` (any extras, any spelling PEP 503 treats as that name)
    whose specifier excludes the environment's `airflow_version`: `apache-airflow==2.6.3`
    left over from an older environment, or `apache-airflow<3` on Airflow 3.

    A bare `apache-airflow` (no version), or one whose specifier admits the environment's
    version (`apache-airflow[amazon]==2.10.3`, `apache-airflow>=2.9`), is not reported: MWAA's
    essential constraints pin `apache-airflow==<airflow_version>` on every install, so pip
    keeps the Airflow that is already there (MWAA301 asks for the exact pin). A requirement
    whose environment marker is false on the image, or reads its machine or kernel, is left
    alone.

    It says nothing when `airflow_version` is unset or unknown, and for Airflow 2.7.2 and
    2.8.1, whose constraints the `mwaa_constraints` knowledge table does not have.

    ## Why is this bad?
    MWAA's essential constraints pin `apache-airflow` to the environment's version, and users
    cannot override them: pip fails on every scheduler, worker and web server start, and an
    update is rolled back. Had it succeeded, the environment would run an Airflow that its
    metadata database and MWAA's image were not built for.

    ## Example
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket  = "analytics-mwaa"
      key     = "requirements.txt"
      content = <<-EOT
        apache-airflow[amazon]==2.6.3
      EOT
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      airflow_version      = "2.10.3"
      requirements_s3_path = "requirements.txt"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket  = "analytics-mwaa"
      key     = "requirements.txt"
      content = <<-EOT
        apache-airflow[amazon]==2.10.3
      EOT
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      airflow_version      = "2.10.3"
      requirements_s3_path = "requirements.txt"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html
    - https://github.com/aws/amazon-mwaa-docker-images (images/airflow/<version>/etc/mwaa_essential_constraints.txt)
    """

    id = "MWAA307"
    slug = "airflow-core-pinned"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():  # a file two environments install: reported once (rule.run_rules)
            yield from self._check_env(env)

    def _check_env(self, env: Environment) -> Iterator[Finding]:
        files = env.requirements()
        if not any(each.requirements for each in files):
            return  # nothing to compare: the constraints table is not even loaded
        constraints = env.mwaa_constraints()
        if constraints is None:
            return
        version = constraints.airflow_version
        for each in files:
            if each.unreadable:
                continue
            for requirement in each.requirements:
                if requirement.name != "apache-airflow":
                    continue
                pin = constraints.conflict(requirement)
                if pin is None:
                    continue
                extras = _EXTRAS.match(requirement.text)
                wanted = f"apache-airflow{(extras.group(1) or '') if extras else ''}=={pin.version}"
                yield self.finding(
                    each.locate(requirement),
                    f"`{requirement.text}` excludes Airflow {version}, the environment's airflow_version: MWAA's "
                    f"essential constraints pin apache-airflow=={pin.version} and users cannot override them, so "
                    f"pip fails at every container start and an update is rolled back; expected `{wanted}` or no "
                    "apache-airflow line",
                    address=env.address,
                )
