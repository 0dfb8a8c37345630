from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity, table, to_bool


class LoggingDisabled(Rule):
    """An MWAA log type is not sent to CloudWatch (no `logging_configuration`, or disabled).

    ## What it does
    Checks the five log types — `dag_processing_logs`, `scheduler_logs`, `task_logs`,
    `webserver_logs` and `worker_logs` — and reports:

    - an environment without `logging_configuration` (at its header): MWAA then sends only
      task logs;
    - a `logging_configuration` that leaves out log types that are off by default (at the
      `logging_configuration` line, one finding naming them; task logs are on by default);
    - a log type block with `enabled = false`, or without `enabled` (the provider then sends
      false), at the block.

    An `enabled` whose value is unknown, and a `dynamic` block whose `for_each` cannot be
    resolved, are not reported. The option `log_types` (comma separated block names, default
    `all`) limits the check, e.g. `--rule-option MWAA402.log_types=scheduler_logs,task_logs`.

    ## Why is this bad?
    Scheduler, DAG processing, web server and worker logs are where import errors, scheduler
    stalls, worker crashes and who-did-what in the web server show up. MWAA keeps no copy:
    a log type that is off is simply lost, and the environment cannot be audited or debugged
    after the fact. Turning a type on later does not bring back what was not recorded.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      logging_configuration {
        task_logs {
          enabled   = true
          log_level = "INFO"
        }
        scheduler_logs {
          enabled   = false
          log_level = "INFO"
        }
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      logging_configuration {
        dag_processing_logs {
          enabled   = true
          log_level = "WARNING"
        }
        scheduler_logs {
          enabled   = true
          log_level = "INFO"
        }
        task_logs {
          enabled   = true
          log_level = "INFO"
        }
        webserver_logs {
          enabled   = true
          log_level = "WARNING"
        }
        worker_logs {
          enabled   = true
          log_level = "WARNING"
        }
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-airflow.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/mwaa_environment
    """

    id = "MWAA402"
    slug = "logging-disabled"
    severity = Severity.WARNING
    security_severity = 3.0
    options = {"log_types": "all"}
    option_types = {"log_types": lambda value: _log_types(value)}

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        log_types = _required(table("log_types")["types"], self.opts.get("log_types"))
        if not log_types:
            return
        off_by_default = [name for name, info in log_types.items() if not info["enabled_by_default"]]
        for env in context.environments():
            configs = env.blocks("logging_configuration")
            if not configs:
                if not off_by_default:
                    continue
                yield self.finding(
                    env.loc,
                    f"logging_configuration is not set, so MWAA sends only task logs to CloudWatch and "
                    f"{_names(off_by_default, log_types)} logs are off; expected a logging_configuration "
                    "that enables them",
                    address=env.address,
                )
                continue
            if any(config.unknown for config in configs):
                continue  # a dynamic block we could not expand
            missing: list[str] = []
            for block_name, info in log_types.items():
                blocks = [block for config in configs for block in config.blocks(block_name)]
                if not blocks and not info["enabled_by_default"]:
                    missing.append(block_name)
                for block in blocks:
                    if block.unknown:
                        continue
                    yield from self._check_block(env, block, block_name, log_types)
            if missing:
                joined = _join(missing, "or")
                yield self.finding(
                    configs[0].loc,
                    f"logging_configuration has no {joined} block, so {_names(missing, log_types)} logs are "
                    f"off (MWAA's default); expected {_join(missing, 'and')} with enabled = true",
                    address=env.address,
                )

    def _check_block(self, env: Environment, block: Any, block_name: str, log_types: dict[str, Any]) -> Iterator[Finding]:
        label = log_types[block_name]["name"]
        enabled = block.argument("enabled")
        if not enabled.written:
            yield self.finding(
                block.loc,
                f"{block_name} does not set enabled, so the provider sends enabled = false and {label} logs "
                "are off; expected enabled = true",
                address=env.address,
            )
            return
        if to_bool(enabled.value) is False:
            yield self.finding(
                enabled.loc if enabled.calls else block.loc,  # the caller's line when it was passed in
                f"{block_name} has enabled = false, so {label} logs are not sent to CloudWatch; "
                "expected enabled = true",
                address=env.address,
            )


def _required(log_types: dict[str, Any], option: Any) -> dict[str, Any]:
    """The log types the option asks for: `all`, or block names separated by commas."""
    if option is None or str(option).strip().lower() in ("", "all"):
        return log_types
    names = option if isinstance(option, (list, tuple)) else str(option).split(",")
    wanted = {str(name).strip() for name in names}
    return {name: info for name, info in log_types.items() if name in wanted}


def _log_types(value: Any) -> Any:
    """The `log_types` option: `all`, or log type block names (a list, or separated by commas)."""
    known = list(table("log_types")["types"])
    names = value if isinstance(value, list) else str(value).split(",") if isinstance(value, str) else None
    if isinstance(value, str) and value.strip().lower() in ("", "all"):
        return value
    if not names or not all(isinstance(name, str) and name.strip() in known for name in names):
        raise ValueError(f"expected all, or some of {', '.join(known)} (a list, or separated by commas), found {value!r}")
    return value


def _names(block_names: list[str], log_types: dict[str, Any]) -> str:
    return _join([log_types[name]["name"] for name in block_names], "and")


def _join(words: list[str], conjunction: str) -> str:
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1] if len(words) > 1 else words[0]
