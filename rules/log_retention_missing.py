from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import (
    Context,
    Diagnostic,
    Environment,
    Finding,
    Location,
    ModuleCall,
    PartialString,
    Rule,
    Severity,
    Unknown,
    same_value,
    table,
    to_bool,
    to_number,
)


class LogRetentionMissing(Rule):
    """An enabled MWAA log type has no log group with a retention period.

    ## What it does
    For each log type the environment sends to CloudWatch (task logs are on by default),
    looks for an `aws_cloudwatch_log_group` named `airflow-<environment name>-<Type>`
    (`DAGProcessing`, `Scheduler`, `Task`, `WebServer`, `Worker`) with `retention_in_days`
    greater than zero, and reports the log type when there is none (at its block), or the
    group's `retention_in_days` when it is 0 or null (logs that never expire). A log group that
    a module mwaa-lint does not read could create (a registry or git module given the group's
    name or the environment's, or a module whose `for_each` keys are unknown) may exist: then
    nothing is reported.

    ## Why is this bad?
    The `aws_mwaa_environment` resource has no retention setting. MWAA creates its log groups
    itself, and CloudWatch log groups never expire by default, so every task log is stored and
    billed forever. Creating the groups in Terraform first, with the same names, is the
    documented way to set a retention: MWAA reuses them.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      logging_configuration {
        task_logs {
          enabled   = true
          log_level = "INFO"
        }
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_cloudwatch_log_group" "task" {
      name              = "airflow-analytics-Task"
      retention_in_days = 30
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      logging_configuration {
        task_logs {
          enabled   = true
          log_level = "INFO"
        }
      }
      depends_on = [aws_cloudwatch_log_group.task]
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-airflow.html
    - https://github.com/hashicorp/terraform-provider-aws/issues/37910
    """

    id = "MWAA401"
    slug = "log-retention-missing"
    severity = Severity.WARNING
    security_severity = 3.0

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        log_types = table("log_types")["types"]
        groups = [
            (group, group.get("name"))
            for group in context.resources("aws_cloudwatch_log_group")
            if group.argument("name").written  # name_prefix or generated: cannot be MWAA's
        ]
        # A group that surely belongs to one environment is no candidate for another:
        # environment names are unique, so it cannot be both environments' group.
        owner = {
            group: env.address
            for env in context.environments()
            for type_name in (info["name"] for info in log_types.values())
            for group, group_name in groups
            if same_value(env.log_group_name(type_name), group_name)
        }
        unread = context.unread_module_calls()
        for env in context.environments():
            for block_name, where in _enabled_log_types(env, log_types):
                type_name = log_types[block_name]["name"]
                expected = env.log_group_name(type_name)
                matches, maybe = [], False
                for group, group_name in groups:
                    same = same_value(expected, group_name)
                    if same:
                        matches.append(group)
                    elif same is None and owner.get(group, env.address) == env.address:
                        maybe = True
                shown = _shown(expected, type_name)
                if not matches:
                    if not maybe and not _elsewhere(unread, expected, env.get("name")):
                        yield self.finding(
                            where,
                            f'{type_name} logs are enabled but no aws_cloudwatch_log_group "{shown}" sets '
                            "retention_in_days, so MWAA creates it with no expiry; expected that log group "
                            "with retention_in_days > 0",
                            address=env.address,
                        )
                    continue
                for group in matches:
                    # null is not set: the provider sends 0, no expiry (`terraform plan` shows 0)
                    retention = to_number(group.get("retention_in_days", 0) or 0)
                    if not isinstance(retention, Unknown) and retention <= 0:
                        argument = group.argument("retention_in_days")
                        sets = ("sets no retention_in_days" if not argument.written
                                else f"sets retention_in_days = {'null' if argument.value is None else argument.value}")
                        # the line to fix is the group's retention_in_days (its header when absent)
                        yield self.finding(
                            argument.loc,
                            f'{type_name} logs go to {group.address} ("{shown}"), which {sets}'
                            f"{argument.passed}, so they never expire; expected retention_in_days > 0",
                            address=env.address,
                        )


def _elsewhere(unread: list[ModuleCall], expected: Any, env_name: Any) -> bool:
    """Could a module mwaa-lint does not read create the log group? When a call passes it
    something that could be the group's name (`"airflow-${var.name}-${each.key}"`), or the
    environment's own name (the module may build the group's name from it)."""
    for call in unread:
        for value in call.leaves():
            if isinstance(value, (str, PartialString)) and same_value(value, expected) is not False:
                return True
            if same_value(value, env_name) is True:
                return True
    return False


def _shown(expected: str | Unknown, type_name: str) -> str:
    """The log group name as Terraform would write it: `airflow-${var.name}-Task`."""
    if isinstance(expected, str):
        return expected
    return expected.origin or f"airflow-<environment name>-{type_name}"


def _enabled_log_types(env: Environment, log_types: dict[str, Any]) -> Iterator[tuple[str, Location]]:
    """(log type block name, location to report) for each type known to be enabled."""
    configs = env.blocks("logging_configuration")
    if not configs:
        for block_name, info in log_types.items():
            if info["enabled_by_default"]:
                yield block_name, env.loc
        return
    for block_name in log_types:
        for config in configs:
            for block in config.blocks(block_name):
                if to_bool(block.get("enabled")) is True:
                    yield block_name, block.loc
