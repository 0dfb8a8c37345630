from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, Unknown


class EnvironmentReplacement(Rule):
    """A Terraform plan deletes an MWAA environment and creates it again, losing its metadata.

    ## What it does
    Reads a plan (`terraform show -json PLANFILE`, given as `mwaa-lint plan.json` or `--plan`)
    and reports each `aws_mwaa_environment` it replaces: `actions` `["delete","create"]` or
    `["create","delete"]`. The message names the arguments that force it (the plan's
    `replace_paths`). In provider 5.100.0 those are `name`, `kms_key`, `endpoint_management`,
    `network_configuration.subnet_ids`, and `airflow_version` when its major version grows
    (2.x to 3.x). It is reported at the first of those arguments in the `.tf` file when the
    configuration is beside the plan, else where the resource's change starts in the plan file.

    This rule needs a plan: on `.tf` files alone it is silent, since whether an apply replaces
    the environment depends on the state it is applied to, which only a plan shows.

    ## Why is this bad?
    Replacing an environment destroys its metadata database, which MWAA owns and which no
    Terraform argument keeps: DAG run and task history, XComs, and the Airflow Variables and
    Connections kept there (a secrets backend keeps its own) are gone, the new environment gets a
    new web server URL, and nothing runs until the new one is up. Keeping the history takes a migration (export the metadata, create a new
    environment beside the old one, import it), not an apply. Neither checkov nor trivy flags
    it; in `terraform plan` output it is one line among many.

    ## Example
    The configuration after the change, and the plan made from it (an excerpt of
    `terraform show -json`: the environment was created as "analytics"):
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name               = "data-analytics"
      airflow_version    = "2.10.3"
      execution_role_arn = "arn:aws:iam::111122223333:role/mwaa"
      source_bucket_arn  = "arn:aws:s3:::acme-analytics-airflow"
      dag_s3_path        = "dags/"
    }
    ```
    ```json
    {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {}},
     "resource_changes": [{"address": "aws_mwaa_environment.this", "mode": "managed",
       "type": "aws_mwaa_environment", "name": "this",
       "change": {"actions": ["delete", "create"],
         "before": {"name": "analytics", "airflow_version": "2.10.3",
                    "webserver_url": "eac2e688-example.c1.eu-west-1.airflow.amazonaws.com"},
         "after": {"name": "data-analytics", "airflow_version": "2.10.3"},
         "after_unknown": {"webserver_url": true}, "before_sensitive": {}, "after_sensitive": {},
         "replace_paths": [["name"]]},
       "action_reason": "replace_because_cannot_update"}]}
    ```

    ## Use instead
    Keep the name (a tag can carry a new display name), and change in place what can be:
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      airflow_version    = "2.10.3"
      execution_role_arn = "arn:aws:iam::111122223333:role/mwaa"
      source_bucket_arn  = "arn:aws:s3:::acme-analytics-airflow"
      dag_s3_path        = "dags/"
      tags               = { DisplayName = "data-analytics" }
    }
    ```
    ```json
    {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {"root_module": {}},
     "resource_changes": [{"address": "aws_mwaa_environment.this", "mode": "managed",
       "type": "aws_mwaa_environment", "name": "this",
       "change": {"actions": ["update"],
         "before": {"name": "analytics", "tags": {}},
         "after": {"name": "analytics", "tags": {"DisplayName": "data-analytics"}},
         "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}]}
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/migrationguide/migrating-to-new-mwaa.html
    - https://developer.hashicorp.com/terraform/internals/json-format
    - https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/mwaa/environment.go
    """

    id = "MWAA812"
    slug = "environment-replacement"
    severity = Severity.WARNING

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for change in context.planned_changes("aws_mwaa_environment"):
            if not change.replaced:
                continue
            paths = change.replace_paths
            forced = ", ".join(_describe(change, path) for path in paths) or "an argument that cannot change in place"
            url = change.before("webserver_url")
            new_url = (", and the web server URL changes" if isinstance(change.after("webserver_url"), Unknown)
                       and isinstance(url, str) and not isinstance(url, Unknown) else "")
            yield self.finding(
                change.loc(paths[0] if paths else ()),
                f"the plan replaces {change.address} (deletes it and creates it again) because of {forced}: the new "
                f"environment starts with an empty metadata database, so DAG run and task history, XComs, and the "
                f"Variables and Connections not kept in a secrets backend are lost{new_url}; expected a change MWAA "
                f"makes in place, or a migration to a new environment that exports and imports the metadata",
                address=change.address,
            )


def _describe(change: Any, path: tuple[Any, ...]) -> str:
    """`name ("analytics" to "data-analytics")`, `kms_key`, `network_configuration.subnet_ids`
    (`change`: a PlannedChange of `context.planned_changes`)."""
    name = ".".join(str(step) for step in path if isinstance(step, str))
    if len(path) == 1 and isinstance(path[0], str):
        before, after = change.before(path[0]), change.after(path[0])
        if all(isinstance(v, str) and not isinstance(v, Unknown) for v in (before, after)):
            provider = ("; the AWS provider replaces an environment whose major version grows, though MWAA "
                        "upgrades 2.11.x to 3.x in place" if name == "airflow_version" and before.startswith("2.11.")
                        and after.startswith("3.") else "")
            return f'{name} ("{before}" to "{after}"{provider})'
        if before in (None, "") and isinstance(after, Unknown):
            return f"{name} (set to a value known after apply)"
        if before in (None, "") and isinstance(after, str):
            return f'{name} (set to "{after}")'
    return name
