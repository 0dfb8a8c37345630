from collections.abc import Iterator
from typing import Any, Optional

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Fix, Rule, Severity


class ConstraintConflict(Rule):
    """A requirement excludes the version MWAA's own constraints install for that package.

    ## What it does
    Follows `requirements_s3_path` to the requirements.txt that Terraform uploads (a local
    file, or inline `content`), with the local files it pulls in with `-r`, and compares each
    requirement with the constraints MWAA applies when it installs them for the environment's
    `airflow_version` (the files of the images MWAA runs, kept in the `mwaa_constraints`
    knowledge table):

    - MWAA's essential constraints always apply (Airflow, Flask and its extensions, gunicorn,
      Celery, SQLAlchemy, statsd, watchtower, …): users cannot override them;
    - Airflow's constraints for that Airflow version and the image's Python apply when no line
      of requirements.txt matches MWAA's test `-c |--constraint ` (MWAA then adds them itself;
      a commented-out `# --constraint` line counts, as MWAA intends, and turns them off), or
      when requirements.txt names them by their URL.

    A requirement whose specifier excludes the pinned version (`packaging`'s specifier logic,
    names compared as PEP 503 says, extras ignored) is reported at its line, with the version
    MWAA installs and the constraints that pin it. Environment markers are evaluated for the
    image's Python on Linux; a requirement whose marker is false there is not installed, and
    one whose marker reads the machine or kernel (`platform_machine`) is left alone.

    It says nothing when `airflow_version` is unset or unknown, for URL and VCS requirements,
    for packages no applicable constraint names, for constraints of the user's own (another
    URL, a local file), and for `apache-airflow` itself (MWAA307). The table has no data for
    Airflow 2.7.2 and 2.8.1 (MWAA supports them, but the image repository starts at 2.9.2):
    the rule is silent for environments on those versions.

    ## Why is this bad?
    pip cannot satisfy a requirement and a constraint that exclude each other, so the install
    fails on every scheduler, worker and web server start, 20 to 30 minutes into an update,
    and the update is rolled back.

    ## Example
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket  = "analytics-mwaa"
      key     = "requirements.txt"
      content = <<-EOT
        pandas==1.5.3
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
        pandas==2.1.4
      EOT
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      airflow_version      = "2.10.3"
      requirements_s3_path = "requirements.txt"
    }
    ```

    ## Fix
    `--fix` moves the pin to the version MWAA installs (`pandas==1.5.3` → `pandas==2.1.4`),
    keeping the name, extras and environment marker as written; not for a file with `--hash`
    options (the new version's hashes are not known). Code that needed the old version may
    need changes: review the diff.

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html
    - https://github.com/aws/amazon-mwaa-docker-images (images/airflow/<version>/etc/)
    """

    id = "MWAA306"
    slug = "constraint-conflict"
    severity = Severity.ERROR
    fixable = True

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
        for each in files:
            if each.unreadable:
                continue  # MWAA301 says why it cannot be read
            for requirement in each.requirements:
                if requirement.name == "apache-airflow":
                    continue  # MWAA307's
                pin = constraints.conflict(requirement)
                if pin is None:
                    continue
                yield self.finding(
                    each.locate(requirement),
                    f"`{requirement.text}` conflicts with {pin.name}=={pin.version}, which MWAA installs on Airflow "
                    f"{constraints.airflow_version} ({pin.why}); pip fails at every container start and an "
                    "update is rolled back",
                    address=env.address,
                    fix=_move_pin(each, requirement, pin),
                )


def _move_pin(requirements: Any, requirement: Any, pin: Any) -> Optional[Fix]:
    edit = requirements.pin(requirement, pin.version)
    return Fix(f"pin {pin.name}=={pin.version}", (edit,)) if edit is not None else None
