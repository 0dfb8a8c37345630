from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, Unknown, table, to_number


class SchedulersOutOfRange(Rule):
    """`schedulers` is outside the range the environment class accepts.

    ## What it does
    Reports `schedulers` outside the range MWAA accepts for the environment class: 2 to 5
    for every class larger than `mw1.micro` (`mw1.small` when no class is set). For
    `mw1.micro`, whose range AWS does not document (it defaults to 1), and when the class
    is unknown, it reports only a number that no class accepts (above the API's maximum of
    5). An unknown `schedulers`, a class missing from mwaa-lint's table, and Airflow 1.10
    (which had one scheduler) are not reported.

    ## Why is this bad?
    The MWAA API rejects the request, so `terraform apply` fails; for an update the
    failure comes only after Terraform has started changing the environment. A single
    scheduler on a larger class, a common leftover of Airflow 1.10 configurations, is one
    such value.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      environment_class = "mw1.medium"
      schedulers        = 1
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      environment_class = "mw1.medium"
      schedulers        = 2
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/environment-class.html
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    """

    id = "MWAA503"
    slug = "schedulers-out-of-range"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        classes = table("environment_classes")
        api = classes["schedulers"]
        for env in context.environments():
            schedulers = env.argument("schedulers")
            value = to_number(schedulers.value)
            if schedulers.value is None or isinstance(value, Unknown):
                continue  # not set or null (MWAA's default), or unknown
            version = env.get("airflow_version")
            if isinstance(version, str) and version.strip().startswith("1."):
                continue  # Airflow 1.10 environments had exactly one scheduler (MWAA305 reports the version)
            name = env.class_name()
            row = env.class_limits()
            if row is None and not isinstance(name, Unknown):
                continue  # a class the table does not know
            ranges = [_range(row, api)] if row else [_range(c, api) for c in classes["classes"].values()]
            if any(_inside(value, low, high) for low, high in ranges):
                continue
            low = min((r[0] for r in ranges if r[0] is not None), default=None)
            high = max((r[1] for r in ranges if r[1] is not None), default=None)
            if any(r[0] is None for r in ranges):
                low = None
            if row is None:
                found = f"schedulers is {value}, which no environment class accepts"
            elif row["schedulers"]["min"] is None:
                found = (f"schedulers is {value} but the MWAA API accepts at most {high} (AWS documents only "
                         f"the default for {name}, {row['schedulers']['default']})")
            else:
                found = f"schedulers is {value} but {name} accepts {low} to {high}"
            expected = f"{low} <= schedulers <= {high}" if low is not None else f"schedulers <= {high}"
            yield self.finding(
                schedulers.loc,
                f"{found}; expected {expected} (the MWAA API rejects it)",
                address=env.address,
            )


def _range(row: dict[str, Any], api: dict[str, Any]) -> tuple[int | None, int | None]:
    """(low, high) for a class; undocumented bounds fall back to the API model's (None: none)."""
    own = row["schedulers"]
    low = own["min"] if own["min"] is not None else api["api_min"]
    high = own["max"] if own["max"] is not None else api["api_max"]
    return low, high


def _inside(value: Any, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)
