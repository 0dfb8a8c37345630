from pathlib import Path

from mwaa_lint.aws.s3_objects import uploaded_content, uploaded_file
from mwaa_lint.diagnostic import Diagnostic, InputError
from mwaa_lint.model import Location
from mwaa_lint.paths import real
from mwaa_lint.requirements import included_files, local_include, parse_requirements
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.source import read_text


class UnpinnedRequirement(Rule):
    """A package in the environment's requirements.txt is not pinned with `==`.

    ## What it does
    Follows `requirements_s3_path` to the `aws_s3_object` (or `aws_s3_bucket_object`) that
    uploads that key to the environment's bucket, reads the local file it uploads, and reports
    every requirement not pinned to one exact version: bare names, ranges (`>=`, `~=`, `<`),
    wildcards (`==2.*`) and VCS references to a branch or tag rather than a commit. A
    requirements.txt named on the command line is checked the same way.

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

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html
    """

    id = "MWAA301"
    slug = "unpinned-requirement"
    severity = Severity.WARNING

    def check(self, context):
        seen = set()
        for env in context.environments():
            path = uploaded_file(context.ev, env, "requirements_s3_path")
            if path is not None and real(path) not in seen:
                seen.add(real(path))
                yield from self._check_file(path, env.address)
            elif path is None:
                yield from self._check_inline(context, env, seen)
        for path in context.requirement_files:
            if real(path) not in seen:
                seen.add(real(path))
                yield from self._check_file(path, "")

    def _check_file(self, path: Path, address: str):
        """Check one file and the local files it pulls in with `-r`."""
        for each in [path, *included_files(path)]:
            try:
                parsed = parse_requirements(read_text(each))
            except InputError as exc:  # the file MWAA installs from cannot be judged: say so
                yield from exc.diagnostics
                continue
            constrained = _pinned_by_local_constraints(parsed, each)
            yield from self._report(parsed, each, 1, address, constrained=constrained)

    def _check_inline(self, context, env, seen):
        """`content = "..."` or a heredoc on the aws_s3_object: report inside the .tf file."""
        found = uploaded_content(context.ev, env, "requirements_s3_path")
        if found is None:
            return
        text, path, first_line, fixed_loc = found
        if (path, first_line) not in seen:
            seen.add((path, first_line))
            yield from self._check_text(text, path, first_line, env.address, fixed_loc)

    def _check_text(self, text: str, path: Path, first_line: int, address: str, fixed_loc=None):
        yield from self._report(parse_requirements(text), path, first_line, address, fixed_loc)

    def _report(self, parsed, path: Path, first_line: int, address: str, fixed_loc=None, constrained=frozenset()):
        for problem in parsed.problems:  # a line pip cannot read is no finding: the check is incomplete
            line = first_line + problem.line - 1
            where = fixed_loc or Location(path, line, problem.column, line, problem.column + 1)
            yield Diagnostic(where.path, where.line, where.column, problem.message)
        for requirement in parsed.requirements:
            if requirement.pinned or requirement.name in constrained:
                continue
            line = first_line + requirement.line - 1
            loc = fixed_loc or Location(path, line, requirement.column, line, requirement.end_column)
            yield self.finding(
                loc,
                f"`{requirement.text}` is not pinned: {requirement.reason}; expected `==<version>` so every "
                "scheduler and worker installs the same build",
                address=address,
            )


def _read(path: Path):
    try:
        return parse_requirements(read_text(path))
    except InputError:
        return None


def _pinned_by_local_constraints(parsed, path: Path) -> frozenset:
    """Names that a local `-c constraints.txt` pins with `==`: pip installs exactly that version.

    A remote constraints file (Airflow's own) cannot be read offline, so it pins nothing here;
    AWS's guidance is to pin every package with `==` regardless.
    """
    names = set()
    for include in parsed.includes:
        target = local_include(path, include) if include.kind == "constraint" else None
        constraints = _read(target) if target is not None else None
        if constraints is not None:
            names.update(r.name for r in constraints.requirements if r.pinned and r.name)
    return frozenset(names)
