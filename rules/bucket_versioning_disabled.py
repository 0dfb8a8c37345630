from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Argument, Context, Diagnostic, Finding, Location, Resource, Rule, Severity, Unknown, to_bool

_ENABLED = 'an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }'


class BucketVersioningDisabled(Rule):
    """The environment's S3 source bucket does not have versioning enabled.

    ## What it does
    Follows `source_bucket_arn` (a reference, a variable, a local, a module input or a literal
    `arn:aws:s3:::name`) to the `aws_s3_bucket` in the scanned code and reports it when no
    `aws_s3_bucket_versioning` for it has `versioning_configuration { status = "Enabled" }`:
    at the `status` line when it is `"Suspended"` or `"Disabled"`, at the bucket when nothing
    enables versioning. A provider v3 inline `versioning { enabled = true }` block on the
    bucket counts as enabled. The rule is silent when the bucket is not managed in the
    scanned code, when a value cannot be resolved, and when some versioning resource or a
    module it cannot read might be configuring the bucket.

    ## Why is this bad?
    MWAA requires the source bucket to have Bucket Versioning enabled ("with Bucket
    Versioning enabled"): plugins.zip, requirements.txt and the startup script are read by
    object version, and an environment on an unversioned bucket is rejected. Terraform finds
    out only when the apply reaches `CreateEnvironment`, after the bucket, the role and the
    network already exist.

    ## Example
    ```hcl
    resource "aws_s3_bucket" "dags" {
      bucket = "analytics-airflow"
    }

    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      source_bucket_arn = aws_s3_bucket.dags.arn
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_s3_bucket" "dags" {
      bucket = "analytics-airflow"
    }

    resource "aws_s3_bucket_versioning" "dags" {
      bucket = aws_s3_bucket.dags.id
      versioning_configuration {
        status = "Enabled"
      }
    }

    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      source_bucket_arn = aws_s3_bucket.dags.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-s3-bucket.html
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    """

    id = "MWAA601"
    slug = "bucket-versioning-disabled"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        seen: set[Location] = set()  # for_each buckets share their lines: one finding per place to fix
        for bucket, env in context.source_buckets():  # a bucket shared by several environments is reported once
            arn = env.argument("source_bucket_arn")
            for loc, expected, found, address in _problems(bucket):
                if loc in seen:
                    continue
                seen.add(loc)
                yield self.finding(
                    loc,
                    f"{bucket.address}, the source bucket of {env.address}, is not versioned, so the MWAA API "
                    f"rejects the environment; expected {expected}, found {found}",
                    address=address,
                    related=((arn.loc, f"source_bucket_arn of {env.address}"),),
                )


def _problems(bucket: Resource) -> Iterator[tuple[Location, str, str, str]]:
    """(location, expected, found, address) for each way the bucket is left unversioned."""
    resources, unsure = bucket.configurations("aws_s3_bucket_versioning")
    if resources:  # the separate resource is what the provider applies (v4 and later)
        for resource in resources:
            yield from _resource_problems(resource)
        return
    if unsure:
        return
    inline = bucket.blocks("versioning")
    if inline:  # provider v3 style: versioning { enabled = true } on the bucket
        for block in inline:
            yield from _inline_problems(bucket, block)
        return
    yield bucket.loc, _ENABLED, "no versioning configured for it", bucket.address


def _resource_problems(resource: Resource) -> Iterator[tuple[Location, str, str, str]]:
    configs = resource.blocks("versioning_configuration")
    if not configs:
        yield resource.loc, _ENABLED, f"{resource.address} without versioning_configuration", resource.address
    for config in configs:
        status = config.argument("status")
        if config.unknown or not status.written:
            continue  # unknowable dynamic block; a missing status fails `terraform validate` first
        if isinstance(status.value, Unknown) or status.value == "Enabled":
            continue
        shown = "null" if status.value is None else f'"{status.value}"'
        yield status.loc, 'status = "Enabled"', f"status = {shown} in {resource.address}{_passed(status)}", resource.address


def _inline_problems(bucket: Resource, block: Any) -> Iterator[tuple[Location, str, str, str]]:
    if block.unknown:
        return
    enabled = block.argument("enabled")
    if not enabled.written:  # `enabled` defaults to false
        yield block.loc, "versioning { enabled = true }", "versioning without enabled (false by default)", bucket.address
        return
    if enabled.value is not None and to_bool(enabled.value) is not False:
        return  # true, or unknown (null means the default, false)
    shown = "null" if enabled.value is None else str(enabled.value).lower()
    yield enabled.loc, "versioning { enabled = true }", f"enabled = {shown}{_passed(enabled)}", bucket.address


def _passed(argument: Argument) -> str:
    return f" ({argument.passed_to})" if argument.passed_to else ""
