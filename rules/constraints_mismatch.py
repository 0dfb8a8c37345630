import re
from pathlib import Path

from mwaa_lint.aws import airflow_versions
from mwaa_lint.aws.s3_objects import uploaded_content, uploaded_file
from mwaa_lint.diagnostic import InputError
from mwaa_lint.model import Location
from mwaa_lint.requirements import included_files, parse_requirements
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.source import read_text
from mwaa_lint.values import Unknown

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
      not the one MWAA runs that Airflow version on (the line of the `--constraint`);
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

    def check(self, context):
        seen = set()
        for env in context.environments():
            version = env.attr("airflow_version")
            if not isinstance(version, str) or isinstance(version, Unknown):
                continue  # unset (MWAA picks the latest) or unknown: nothing to compare with
            version = str(version).strip()
            for finding in self._check_env(context, env, version):
                key = (str(finding.path), finding.line, finding.message)
                if key not in seen:
                    seen.add(key)
                    yield finding

    def _check_env(self, context, env, version: str):
        files = _requirement_files(context, env)
        if not files:
            return
        row = airflow_versions.lookup(version)
        python = row["python"] if row else None
        constraints = [(include, where) for parsed, where in files for include in parsed.includes
                       if include.kind == "constraint"]
        if not constraints:
            if any(parsed.requirements for parsed, _ in files):
                expected = airflow_versions.constraints_url(version, python or "<Python version>")
                yield self.finding(
                    files[0][1](None),
                    f"requirements.txt has no --constraint line, so MWAA chooses the constraints for Airflow "
                    f"{version} itself; expected `--constraint \"{expected}\"` as its first line",
                    address=env.address,
                )
            return
        for include, where in constraints:
            match = _CONSTRAINTS_URL.search(include.target)
            if match is None:
                continue  # a local or differently named constraints file: cannot be read offline
            problems = []
            named = match.group("airflow")
            if "$" not in named and named != version:
                problems.append(f"Airflow {named} but airflow_version is {version}")
            named_python = match.group("python")
            if python and "$" not in named_python and named_python != python:
                problems.append(f"Python {named_python} but MWAA runs Airflow {version} on Python {python}")
            if problems:
                expected = airflow_versions.constraints_url(version, python or "<Python version>")
                yield self.finding(
                    where(include),
                    f"--constraint names {' and '.join(problems)}; expected \"{expected}\"",
                    address=env.address,
                )


def _requirement_files(context, env) -> list:
    """[(parsed requirements, include → Location)] for the environment's requirements.txt, then
    the local files it pulls in with `-r`. The first file's locator gives its line 1 for None."""
    path = uploaded_file(context.ev, env, "requirements_s3_path")
    if path is not None:
        out = []
        for each in [path, *included_files(path)]:
            try:
                text = read_text(each)
            except InputError:
                continue  # discovery reports unreadable files as diagnostics
            out.append((parse_requirements(text), _file_locator(each, text)))
        return out
    found = uploaded_content(context.ev, env, "requirements_s3_path")
    if found is None:
        return []
    text, tf_path, first_line, fixed_loc = found
    return [(parse_requirements(text), _inline_locator(tf_path, first_line, fixed_loc))]


def _file_locator(path: Path, text: str):
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def where(include):
        line = include.line if include is not None else 1
        column = include.column if include is not None else 1
        end = len(lines[line - 1]) + 1 if line <= len(lines) else column + 1
        return Location(path, line, column, line, max(end, column + 1))

    return where


def _inline_locator(tf_path: Path, first_line: int, fixed_loc):
    try:
        lines = read_text(tf_path).splitlines()
    except InputError:
        lines = []

    def where(include):
        if fixed_loc is not None:
            return fixed_loc  # a one-line string: its lines cannot be told apart in the .tf file
        line = first_line + (include.line - 1 if include is not None else 0)
        text = lines[line - 1] if line <= len(lines) else ""
        column = len(text) - len(text.lstrip()) + 1  # a `<<-` heredoc is indented in the file
        return Location(tf_path, line, column, line, max(len(text) + 1, column + 1))

    return where
