from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity, Unknown

# (path argument, version argument, what MWAA reads there)
_PINS = (
    ("requirements_s3_path", "requirements_s3_object_version", "requirements.txt"),
    ("plugins_s3_path", "plugins_s3_object_version", "plugins.zip"),
    ("startup_script_s3_path", "startup_script_s3_object_version", "the startup script"),
)


class PinnedVersionExpiry(Rule):
    """A lifecycle rule deletes old versions of an object whose version the environment pins.

    ## What it does
    Reports an enabled rule of the source bucket's `aws_s3_bucket_lifecycle_configuration`
    with `noncurrent_version_expiration` whose filter covers the key of requirements.txt,
    plugins.zip or the startup script, when the environment pins that object's version in a
    way that does not follow new uploads: a version ID written out (a literal), or a version
    listed in `lifecycle { ignore_changes }`. A version taken from the upload
    (`aws_s3_object.x.version_id`, without `ignore_changes`) follows it and is not reported.
    Rules filtered by tags or object size, unknown prefixes, unknown versions and buckets
    that another configuration might also configure are not judged.

    ## Why is this bad?
    Once a newer object is uploaded, the pinned version becomes noncurrent, and the rule
    deletes it after its days. The next environment update then fails with "Unable to read
    version … of file …", after MWAA has started working on it. AWS itself suggests such
    rules to save storage, which is how they meet a pinned version.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                           = "analytics"
      source_bucket_arn              = aws_s3_bucket.airflow.arn
      requirements_s3_path           = "requirements.txt"
      requirements_s3_object_version = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
    }

    resource "aws_s3_bucket" "airflow" {
      bucket = "acme-analytics-airflow"
    }

    resource "aws_s3_bucket_lifecycle_configuration" "airflow" {
      bucket = aws_s3_bucket.airflow.id
      rule {
        id     = "expire-old-versions"
        status = "Enabled"
        filter {}
        noncurrent_version_expiration {
          noncurrent_days = 30
        }
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                           = "analytics"
      source_bucket_arn              = aws_s3_bucket.airflow.arn
      requirements_s3_path           = aws_s3_object.requirements.key
      requirements_s3_object_version = aws_s3_object.requirements.version_id
    }

    resource "aws_s3_bucket" "airflow" {
      bucket = "acme-analytics-airflow"
    }

    resource "aws_s3_object" "requirements" {
      bucket = aws_s3_bucket.airflow.id
      key    = "requirements.txt"
      source = "requirements.txt"
    }

    resource "aws_s3_bucket_lifecycle_configuration" "airflow" {
      bucket = aws_s3_bucket.airflow.id
      rule {
        id     = "expire-old-versions"
        status = "Enabled"
        filter {}
        noncurrent_version_expiration {
          noncurrent_days = 30
        }
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/working-dags-delete.html
    - https://github.com/aws-ia/terraform-aws-mwaa/pull/62
    """

    id = "MWAA810"
    slug = "pinned-version-expiry"
    severity = Severity.WARNING

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for bucket, env in context.source_buckets():
            configurations = bucket.configurations("aws_s3_bucket_lifecycle_configuration")
            if configurations.unsure:
                continue
            pins = list(_pins(env))
            for configuration in configurations.resources:
                for rule in configuration.blocks("rule"):
                    if rule.unknown or rule.get("status") != "Enabled":
                        continue  # disabled, or unknown
                    expirations = rule.blocks("noncurrent_version_expiration")
                    prefix = _prefix(rule)
                    if not expirations or prefix is None:
                        continue
                    for key, version, what, why, fix in pins:
                        if not key.startswith(prefix):
                            continue
                        name = rule.get("id")
                        named = f' "{name}"' if isinstance(name, str) and not isinstance(name, Unknown) else ""
                        days = expirations[0].get("noncurrent_days")
                        after = f" after {days} days" if isinstance(days, int) else ""
                        scope = f'under "{prefix}"' if prefix else "on every object"
                        shown = key if key == what else f"{what} ({key})"
                        yield self.finding(
                            expirations[0].loc,
                            f"lifecycle rule{named} of {configuration.address} deletes noncurrent versions{after} "
                            f"{scope}, where {env.address} pins {shown} to {why}, so after the next "
                            f"upload the pinned version is deleted and the next update fails to read it; expected "
                            f"{fix}, or the rule to leave {key} out",
                            address=configuration.address,
                            related=((version.loc, f"{version.name} of {env.address}"),),
                        )


def _pins(env: Environment) -> Iterator[tuple[str, Any, str, str, str]]:
    """(key, the version Argument, what the object is, how it is pinned, the fix) for each
    object whose version does not follow uploads: a literal version ID, or one in ignore_changes."""
    ignored = env.ignored_changes()
    for path_name, version_name, what in _PINS:
        key, version = env.get(path_name), env.argument(version_name)
        if not isinstance(key, str) or isinstance(key, Unknown) or not version.written:
            continue
        key = key.strip().lstrip("/")
        if version_name in ignored:
            yield key, version, what, "a version kept by lifecycle.ignore_changes", f"{version_name} out of ignore_changes"
        elif isinstance(version.value, str) and not isinstance(version.value, Unknown) and version.value.strip():
            yield (key, version, what, f'the version "{version.value}", written out',
                   f"{version_name} to follow the upload (aws_s3_object.<name>.version_id)")


def _prefix(rule: Any) -> str | None:
    """The key prefix a lifecycle rule covers ("" for all), or None when it cannot be told or
    the rule also filters by tags or size (whether the object matches is not judged)."""
    filters = rule.blocks("filter")
    if not filters:
        prefix = rule.get("prefix", "")  # the older form, and no filter at all: every object
        return prefix if isinstance(prefix, str) and not isinstance(prefix, Unknown) else None
    if len(filters) > 1 or filters[0].unknown:
        return None
    only = filters[0]
    if only.blocks("and") or only.blocks("tag") or any(
            only.get(name) is not None for name in ("object_size_greater_than", "object_size_less_than")):
        return None
    prefix = only.get("prefix", "")
    return prefix if isinstance(prefix, str) and not isinstance(prefix, Unknown) else None

