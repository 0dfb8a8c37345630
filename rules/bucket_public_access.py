from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Location, Resource, Rule, Severity, to_bool

_SETTINGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


class BucketPublicAccess(Rule):
    """The environment's S3 source bucket does not block all public access.

    ## What it does
    Follows `source_bucket_arn` to the `aws_s3_bucket` in the scanned code and reports it
    when no `aws_s3_bucket_public_access_block` for it sets all four of `block_public_acls`,
    `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` to `true`: once
    at the bucket when there is no such resource, else once per setting that is `false`
    (at its line) or left out (at the resource; the provider's default is `false`). An
    account-wide `aws_s3_account_public_access_block` with all four `true` also satisfies
    the rule. It is silent when the bucket is not managed in the scanned code, when a
    setting cannot be resolved, and when a resource or module it cannot read might be
    configuring the bucket.

    ## Why is this bad?
    MWAA requires the source bucket to be "configured to Block all public access". The bucket
    holds the DAG code the environment runs and the requirements it installs, so a bucket
    that can be made public lets anyone read the code, or, with a public write policy, run
    theirs with the execution role. S3 turns Block Public Access on for buckets created since
    April 2023, but without the resource in code nothing keeps it on, and older buckets
    and ones made public by hand do not have it.

    ## Example
    ```hcl
    resource "aws_s3_bucket" "dags" {
      bucket = "analytics-airflow"
    }

    resource "aws_s3_bucket_public_access_block" "dags" {
      bucket                  = aws_s3_bucket.dags.id
      block_public_acls       = true
      block_public_policy     = false
      ignore_public_acls      = true
      restrict_public_buckets = true
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

    resource "aws_s3_bucket_public_access_block" "dags" {
      bucket                  = aws_s3_bucket.dags.id
      block_public_acls       = true
      block_public_policy     = true
      ignore_public_acls      = true
      restrict_public_buckets = true
    }

    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      source_bucket_arn = aws_s3_bucket.dags.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-s3-bucket.html
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    """

    id = "MWAA602"
    slug = "bucket-public-access"
    severity = Severity.WARNING  # MWAA requires it, but S3 enables it by default on new buckets: not a sure failure
    security_severity = 7.5

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        if _account_blocks_all(context) is not False:
            return  # blocked account-wide, or an account setting we cannot read might be
        seen: set[tuple[Location, str | None]] = set()  # for_each buckets share their lines: one finding per place to fix
        for bucket, env in context.source_buckets():  # a bucket shared by several environments is reported once
            related = ((env.argument("source_bucket_arn").loc, f"source_bucket_arn of {env.address}"),)
            for loc, name, message, address in _problems(bucket, env):
                if (loc, name) not in seen:
                    seen.add((loc, name))
                    yield self.finding(loc, message, address=address, related=related)


def _problems(bucket: Resource, env: Environment) -> Iterator[tuple[Location, str | None, str, str]]:
    """(location, setting, message, address) for a missing block, or each setting not true."""
    blocks, unsure = bucket.configurations("aws_s3_bucket_public_access_block")
    where = f"{bucket.address}, the source bucket of {env.address},"
    if not blocks and not unsure:
        yield (
            bucket.loc,
            None,
            f"{where} has no public access block, but MWAA requires Block all public access; "
            "expected an aws_s3_bucket_public_access_block with all four settings true, found none",
            bucket.address,
        )
    for block in blocks:
        for name, loc, found, passed in _open_settings(block):
            yield (
                loc,
                name,
                f"{where} does not block all public access, which MWAA requires; "
                f"expected {name} = true, found {found} in {block.address}{passed}",
                block.address,
            )


def _open_settings(block: Resource) -> Iterator[tuple[str, Location, str, str]]:
    """(setting, location, what was found, " (passed to …)") for each of the four not true."""
    for name in _SETTINGS:
        setting = block.argument(name)
        if not setting.written:
            yield name, block.loc, f"{name} not set (false by default)", ""
            continue
        value = setting.value
        if value is not None and to_bool(value) is not False:
            continue  # true, or unknown (null means the default, false)
        passed = f" ({setting.passed_to})" if setting.passed_to else ""
        yield name, setting.loc, f"{name} = {'null' if value is None else str(value).lower()}", passed


def _account_blocks_all(context: Context) -> bool | None:
    """True if an account-level block sets all four true, None if that cannot be told, else False."""
    answer: bool | None = False
    for account in context.resources("aws_s3_account_public_access_block"):
        values = [False if v is None else to_bool(v) for v in (account.get(n) for n in _SETTINGS)]
        if all(v is True for v in values):
            return True
        if False not in values:
            answer = None  # some unknown, none false: it may block everything
    return answer
