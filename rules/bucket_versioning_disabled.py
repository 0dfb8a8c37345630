from mwaa_lint.aws.s3_buckets import configurations, source_arn_related, source_buckets, written
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.values import Unknown, to_bool

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

    def check(self, context):
        ev = context.ev
        seen = set()  # for_each buckets share their lines: one finding per place to fix
        for bucket, env in source_buckets(context):
            for loc, expected, found, address in _problems(ev, bucket):
                if loc in seen:
                    continue
                seen.add(loc)
                yield self.finding(
                    loc,
                    f"{bucket.address}, the source bucket of {env.address}, is not versioned, so the MWAA API "
                    f"rejects the environment; expected {expected}, found {found}",
                    address=address,
                    related=source_arn_related(env),
                )


def _problems(ev, bucket):
    """(location, expected, found, address) for each way the bucket is left unversioned."""
    resources, unsure = configurations(ev, bucket, "aws_s3_bucket_versioning")
    if resources:  # the separate resource is what the provider applies (v4 and later)
        for inst in resources:
            yield from _resource_problems(ev, inst)
        return
    if unsure:
        return
    inline = ev.children(bucket.block, "versioning", bucket)
    if inline:  # provider v3 style: versioning { enabled = true } on the bucket
        for block in inline:
            yield from _inline_problems(ev, bucket, block)
        return
    yield bucket.block.loc, _ENABLED, "no versioning configured for it", bucket.address


def _resource_problems(ev, inst):
    configs = ev.children(inst.block, "versioning_configuration", inst)
    if not configs:
        yield inst.block.loc, _ENABLED, f"{inst.address} without versioning_configuration", inst.address
    for config in configs:
        attribute = config.attr("status")
        if config.unknown or attribute is None:
            continue  # unknowable dynamic block; a missing status fails `terraform validate` first
        status = ev.value(attribute.expr, inst)
        if isinstance(status, Unknown) or status == "Enabled":
            continue
        loc, passed = written(ev, attribute, inst)
        shown = "null" if status is None else f'"{status}"'
        yield loc, 'status = "Enabled"', f"status = {shown} in {inst.address}{passed}", inst.address


def _inline_problems(ev, bucket, block):
    if block.unknown:
        return
    attribute = block.attr("enabled")
    if attribute is None:  # `enabled` defaults to false
        yield block.loc, "versioning { enabled = true }", "versioning without enabled (false by default)", bucket.address
        return
    enabled = ev.value(attribute.expr, bucket)
    if enabled is not None and to_bool(enabled) is not False:
        return  # true, or unknown (null means the default, false)
    loc, passed = written(ev, attribute, bucket)
    shown = "null" if enabled is None else str(enabled).lower()
    yield loc, "versioning { enabled = true }", f"enabled = {shown}{passed}", bucket.address
