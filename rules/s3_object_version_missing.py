from collections.abc import Iterator
from typing import Any, Optional

from mwaa_lint.api import (
    Argument,
    Context,
    Diagnostic,
    Environment,
    Finding,
    Fix,
    PartialString,
    Resource,
    Rule,
    Severity,
    Unknown,
    same_value,
)

# (path attribute, version attribute, what MWAA reads there)
_PAIRS = (
    ("requirements_s3_path", "requirements_s3_object_version", "requirements.txt"),
    ("plugins_s3_path", "plugins_s3_object_version", "plugins.zip"),
    ("startup_script_s3_path", "startup_script_s3_object_version", "the startup script"),
)
_OBJECT_TYPES = ("aws_s3_object", "aws_s3_bucket_object")


class S3ObjectVersionMissing(Rule):
    """A requirements, plugins or startup script path is set without its S3 object version.

    ## What it does
    Reports an environment that sets `requirements_s3_path`, `plugins_s3_path` or
    `startup_script_s3_path` but not the matching `requirements_s3_object_version`,
    `plugins_s3_object_version` or `startup_script_s3_object_version` (or sets it to null),
    and one whose version is listed in `lifecycle { ignore_changes }`. When an
    `aws_s3_object` uploads the key, the message names its `version_id` as the fix. A path
    whose value is unknown (a variable without a default, which may be null) is not reported.

    ## Why is this bad?
    The MWAA API says the object version is required with the path ("You must specify a
    version each time … is updated"). In Terraform the version attribute is optional and
    computed: left out, the state keeps whatever version MWAA resolved at creation, and a
    new upload of requirements.txt or plugins.zip never changes the plan, so the environment
    is never updated to it. Referencing the object's `version_id` makes every upload roll
    the environment forward.

    ## Example
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket = "analytics-mwaa"
      key    = "requirements.txt"
      source = "requirements.txt"
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      requirements_s3_path = "requirements.txt"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_s3_object" "requirements" {
      bucket = "analytics-mwaa"
      key    = "requirements.txt"
      source = "requirements.txt"
    }

    resource "aws_mwaa_environment" "this" {
      name                           = "analytics"
      requirements_s3_path           = "requirements.txt"
      requirements_s3_object_version = aws_s3_object.requirements.version_id
    }
    ```

    ## Fix
    `--fix` adds `<kind>_s3_object_version = aws_s3_object.<name>.version_id` on the line after
    the path, when exactly one `aws_s3_object` in the environment's own module uploads the key
    and the path is written in the environment's block (not passed in by a module caller).

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/working-dags-dependencies.html
    - https://github.com/hashicorp/terraform-provider-aws/issues/19265
    """

    id = "MWAA302"
    slug = "s3-object-version-missing"
    severity = Severity.WARNING
    fixable = True

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            ignored = env.ignored_changes()
            for path_name, version_name, what in _PAIRS:
                path_argument = env.argument(path_name)
                if not path_argument.written:
                    continue
                path = path_argument.value
                if not _is_set(path):
                    continue  # null, or unknown and so possibly null
                uploads = _uploads(context, path)
                reference = f"{uploads[0].address}.version_id" if len(uploads) == 1 else "aws_s3_object.<name>.version_id"
                fix = f"{version_name} = {reference}"
                version = env.argument(version_name)
                if not version.written:
                    yield self.finding(
                        path_argument.attribute_loc or path_argument.loc,  # written: attribute_loc is set
                        f"{path_name} is {_shown(path)} but {version_name} is not set, so a new upload of "
                        f"{what} does not change the plan and the environment keeps the version MWAA "
                        f"resolved earlier; expected {fix}",
                        address=env.address,
                        fix=_add_version(env, path_argument, version_name, uploads),
                    )
                elif version.value is None:
                    yield self.finding(
                        path_argument.loc,
                        f"{path_name} is {_shown(path)} but {version_name} is null, so a new upload of "
                        f"{what} does not change the plan; expected {fix}",
                        address=env.address,
                    )
                elif version_name in ignored:
                    yield self.finding(
                        ignored[version_name],
                        f"{version_name} is listed in lifecycle.ignore_changes, so a new upload of {what} "
                        f"never reaches the environment; expected it removed from ignore_changes",
                        address=env.address,
                    )


def _is_set(value: Any) -> bool:
    """A known non-empty string, or a template with unknown parts (never null)."""
    if isinstance(value, PartialString):
        return True
    return isinstance(value, str) and not isinstance(value, Unknown) and value.strip() != ""


def _shown(value: Any) -> str:
    return f'"{value.origin}"' if isinstance(value, PartialString) else f'"{value}"'


def _normal(value: Any) -> Any:
    return value.strip().lstrip("/") if isinstance(value, str) and not isinstance(value, Unknown) else value


def _uploads(context: Context, path: Any) -> list[Resource]:
    """The objects that upload the key `path` names."""
    return [
        obj
        for type_ in _OBJECT_TYPES
        for obj in context.resources(type_)
        if same_value(_normal(path), _normal(obj.get("key"))) is True
    ]


def _add_version(env: Environment, path: Argument, version_name: str, uploads: list[Resource]) -> Optional[Fix]:
    """The line `<kind>_s3_object_version = aws_s3_object.<name>.version_id` after the path, when
    the one object uploading the key is in the environment's own module (a reference there
    resolves) and the path is written in the environment's block, neither under count/for_each."""
    if len(uploads) != 1 or path.calls or "[" in env.address or "[" in uploads[0].address:
        return None
    module = env.address[: -len(f"{env.type}.{env.address.rsplit('.', 1)[1]}")]  # "module.mwaa." or ""
    obj = uploads[0]
    if not obj.address.startswith(module) or obj.loc.path.parent.resolve() != env.loc.path.parent.resolve():
        return None
    reference = f"{obj.address[len(module):]}.version_id"
    edit = path.insert_after(f"{version_name} = {reference}")
    return Fix(f"add {version_name} = {reference}", (edit,)) if edit is not None else None
