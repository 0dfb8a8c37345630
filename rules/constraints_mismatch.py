import re
from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity, Unknown, table

# .../constraints-<Airflow ref>/constraints[-no-providers|-source-providers]-<Python>.txt
_CONSTRAINTS_URL = re.compile(
    r"/constraints-(?P<airflow>[^/]+)/constraints-(?:(?:no|source)-providers-)?(?P<python>[^/]+?)\.txt$"
)


class ConstraintsMismatch(Rule):
    """requirements.txt has no `--constraint`, or one for another Airflow or Python version.

    ## What it does
    Follows `requirements_s3_path` to the requirements.txt that Terraform uploads (a local
    file, or inline `content`), including the local files it pulls in with `-r`, and reads
    its `--constraint` (`-c`) lines. It reports:

    - a constraints URL of the form `…/constraints-<Airflow>/constraints-<Python>.txt` whose
      Airflow version is not the environment's `airflow_version`, or whose Python version is
      not the one MWAA runs that Airflow version on (the line of the `--constraint`): the
      Python of MWAA's image for that version (the `mwaa_constraints` table), or for versions
      it has no data on, the Python the user guide gives (`airflow_versions`);
    - a requirements.txt that lists packages but has no `--constraint` at all (its line 1,
      where AWS says the line belongs).

    It says nothing when `airflow_version` is unset or unknown, when the requirements file
    cannot be found or read, for a constraints file that is local or not named in that form
    (it cannot be read offline), or for parts of the URL written with `${...}`.

    ## Why is this bad?
    From Airflow 2.7.2 MWAA requires a constraint statement, and constraints for another
    Airflow or Python version pin providers and libraries that do not fit the installed
    Airflow: pip fails or installs an incompatible set, and the environment update fails or
    rolls back after its install timeout. Without a constraint line MWAA picks one itself,
    so what gets installed is not what was reviewed.

    ## Example
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket  = "analytics-mwaa"
      key     = "requirements.txt"
      content = <<-EOT
        --constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.9.2/constraints-3.11.txt"
        apache-airflow-providers-snowflake==5.8.0
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
        --constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"
        apache-airflow-providers-snowflake==5.8.0
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
    - https://docs.aws.amazon.com/mwaa/latest/userguide/airflow-versions.html
    """

    id = "MWAA303"
    slug = "constraints-mismatch"
    severity = Severity.WARNING

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            version = env.get("airflow_version")
            if not isinstance(version, str) or isinstance(version, Unknown):
                continue  # unset (MWAA picks the latest) or unknown: nothing to compare with
            version = str(version).strip()
            if not version:
                continue  # "" is no version: the provider sends none and MWAA picks the latest (MWAA304's)
            yield from self._check_env(env, version)  # a file two environments install: reported once (rule.run_rules)

    def _check_env(self, env: Environment, version: str) -> Iterator[Finding]:
        files = [each for each in env.requirements() if not each.unreadable]  # discovery reports unreadable files
        if not files:
            return
        versions = table("airflow_versions")
        row = next((row for row in versions["versions"] if row["version"] == version), None)
        python = row["python"] if row else None
        image = table("mwaa_constraints")["versions"].get(version)
        if image:  # the image MWAA runs says which Python it has (`3.11.9`): that wins over the user guide
            python = ".".join(str(image["python"]).split(".")[:2])
        expected = versions["constraints_url"].format(airflow=version, python=python or "<Python version>")
        constraints = [(include, each) for each in files for include in each.includes if include.kind == "constraint"]
        if not constraints:
            if any(each.requirements for each in files):
                yield self.finding(
                    files[0].line(),
                    f"requirements.txt has no --constraint line, so MWAA chooses the constraints for Airflow "
                    f"{version} itself; expected `--constraint \"{expected}\"` as its first line",
                    address=env.address,
                )
            return
        for include, each in constraints:
            match = _CONSTRAINTS_URL.search(include.target)
            if match is None:
                continue  # a local or differently named constraints file: cannot be read offline
            problems: list[str] = []
            named = match.group("airflow")
            if "$" not in named and named != version:
                problems.append(f"Airflow {named} but airflow_version is {version}")
            named_python = match.group("python")
            if python and "$" not in named_python and named_python != python:
                problems.append(f"Python {named_python} but MWAA runs Airflow {version} on Python {python}")
            if problems:
                yield self.finding(
                    each.line(include),
                    f"--constraint names {' and '.join(problems)}; expected \"{expected}\"",
                    address=env.address,
                )
