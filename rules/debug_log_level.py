from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table, to_bool


class DebugLogLevel(Rule):
    """An enabled MWAA log type sends DEBUG logs to CloudWatch.

    ## What it does
    Reports each log type block in `logging_configuration` (including expanded `dynamic`
    blocks) that has `enabled = true` and `log_level = "DEBUG"`. A log type that is
    disabled, or whose `enabled` or `log_level` is unknown, is not reported.

    ## Why is this bad?
    CloudWatch Logs bills every gigabyte ingested ($0.50/GB in us-east-1), and DEBUG on the
    scheduler, DAG processor or workers writes many times the volume of INFO around the clock,
    for every parse loop and heartbeat. It is a setting for a short investigation, not for a
    running environment; MWAA's default is INFO.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      logging_configuration {
        scheduler_logs {
          enabled   = true
          log_level = "DEBUG"
        }
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      logging_configuration {
        scheduler_logs {
          enabled   = true
          log_level = "INFO"
        }
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-airflow.html
    - https://aws.amazon.com/cloudwatch/pricing/
    """

    id = "MWAA403"
    slug = "debug-log-level"
    severity = Severity.INFO

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        log_types = table("log_types")["types"]
        for env in context.environments():
            for block_name, info in log_types.items():
                for config in env.blocks("logging_configuration"):
                    for block in config.blocks(block_name):
                        level = block.argument("log_level")
                        if not isinstance(level.value, str) or level.value.upper() != "DEBUG":
                            continue  # not set, another level, or unknown
                        if to_bool(block.argument("enabled").value) is not True:
                            continue  # disabled, not set (the provider sends false), or unknown
                        yield self.finding(
                            level.loc,
                            f'{block_name} sends {info["name"]} logs at log_level "DEBUG", which multiplies the '
                            'CloudWatch Logs volume billed; expected "INFO" or higher outside an investigation',
                            address=env.address,
                        )
