from collections.abc import Iterator
from typing import Any, Optional

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Fix, Rule, Severity


class UnpinnedRequirement(Rule):
    """A package in the environment's requirements.txt is not pinned with `==`.

    ## What it does
    Follows `requirements_s3_path` to the `aws_s3_object` (or `aws_s3_bucket_object`) that
    uploads that key to the environment's bucket, reads the local file it uploads, and reports
    every requirement not pinned to one exact version: bare names, ranges (`>=`, `~=`, `<`),
    wildcards (`==2.*`) and VCS references to a branch or tag rather than a commit. A
    requirements.txt named on the command line is checked the same way.

    When the constraints MWAA applies for the environment's `airflow_version` pin the package
    (the `mwaa_constraints` table; see MWAA306), the message names that pin, the version pip
    will install anyway; a range that excludes it is MWAA306's error, and keeps the general
    advice here.

    ## Why is this bad?
    MWAA installs requirements on every scheduler, worker and web server start. An unpinned
    package installs whatever is newest that day, so two workers of one environment can run
    different code, and an update weeks later can break DAGs or fail the environment update
    after 30 minutes. AWS's guidance is to pin every package with `==`.

    ## Example
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket  = "analytics-mwaa"
      key     = "requirements.txt"
      content = <<-EOT
        apache-airflow-providers-snowflake>=5.0
      EOT
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      requirements_s3_path = "requirements.txt"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket  = "analytics-mwaa"
      key     = "requirements.txt"
      content = <<-EOT
        apache-airflow-providers-snowflake==5.8.0
      EOT
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      requirements_s3_path = "requirements.txt"
    }
    ```

    ## Fix
    `--fix` pins the requirement to the version MWAA's constraints install for the
    environment's Airflow version (`pandas>=2.1` → `pandas==2.1.4` on Airflow 2.10.3), keeping
    its name, extras and environment marker as written. Only when those constraints apply and
    name the package, the requirement's range admits that version, it is not a URL, and the
    file has no `--hash` options (the new version's hashes are not known).

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html
    """

    id = "MWAA301"
    slug = "unpinned-requirement"
    severity = Severity.WARNING
    fixable = True

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        seen: set[Any] = set()
        for env in context.environments():
            files = env.requirements()
            if files and files[0] not in seen:
                seen.add(files[0])
                yield from self._check_files(files, env.address, env)
        for files in context.requirement_files:
            if files[0] not in seen:
                seen.add(files[0])
                yield from self._check_files(files, "")

    def _check_files(self, files: list[Any], address: str, env: Optional[Environment] = None) -> Iterator[Finding | Diagnostic]:
        """Check a requirements file and the local files it pulls in with `-r`."""
        constraints: Any = None  # the constraints MWAA applies, looked up at the first unpinned requirement
        for each in files:
            if each.unreadable:  # the file MWAA installs from cannot be judged: say so
                yield from each.unreadable
                continue
            for problem in each.problems:  # a line pip cannot read is no finding: the check is incomplete
                where = each.locate(problem)
                yield Diagnostic(where.path, where.line, where.column, problem.message)
            constrained = _pinned_by_local_constraints(each)
            for requirement in each.requirements:
                if requirement.pinned or requirement.name in constrained:
                    continue
                if env is not None and constraints is None:
                    constraints, env = env.mwaa_constraints(), None
                pin = constraints.installs(requirement) if constraints is not None else None
                fix = None
                if pin is not None and constraints.conflict(requirement) is None:
                    advice = (f"pin {pin.name}=={pin.version}, the version MWAA installs for Airflow "
                              f"{constraints.airflow_version} ({pin.why})")
                    edit = each.pin(requirement, pin.version)
                    fix = Fix(f"pin {pin.name}=={pin.version}", (edit,)) if edit is not None else None
                else:
                    advice = "expected `==<version>` so every scheduler and worker installs the same build"
                yield self.finding(
                    each.locate(requirement),
                    f"`{requirement.text}` is not pinned: {requirement.reason}; {advice}",
                    address=address,
                    fix=fix,
                )


def _pinned_by_local_constraints(requirements: Any) -> frozenset[str]:
    """Names that a local `-c constraints.txt` pins with `==`: pip installs exactly that version.

    A remote constraints file (Airflow's own) cannot be read offline, so it pins nothing here;
    AWS's guidance is to pin every package with `==` regardless.
    """
    return frozenset(r.name for constraints in requirements.constraints() for r in constraints.requirements
                     if r.pinned and r.name)
