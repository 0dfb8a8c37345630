from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Argument, Context, Diagnostic, Finding, Location, Rule, Severity, Unknown, to_number


class MinExceedsMax(Rule):
    """`min_workers` is above `max_workers`, or `min_webservers` above `max_webservers`.

    ## What it does
    Compares `min_workers` with `max_workers` and `min_webservers` with `max_webservers`.
    When one side is not set it uses MWAA's default for the environment class (workers 1 to
    10, web servers 2 to 2; `mw1.small` when no class is set), and says so. It is silent when
    a value is unknown, and when a default is needed for a class whose default is not
    documented (the `mw1.micro` worker maximum) or whose class is unknown.

    ## Why is this bad?
    The MWAA API rejects a minimum above the maximum, so `terraform apply` fails — for an
    update, only after Terraform has started changing the environment. Typical causes are
    raising `min_workers` for a busy season without touching `max_workers`, or a module
    that sets one side from a variable and leaves the other to MWAA's default.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name        = "analytics"
      min_workers = 12
      max_workers = 5
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name        = "analytics"
      min_workers = 2
      max_workers = 5
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-autoscaling.html
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    """

    id = "MWAA502"
    slug = "min-exceeds-max"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            name = env.class_name()
            table_row = env.class_limits()
            for kind in ("workers", "webservers"):
                defaults = table_row[kind] if table_row else {}
                low = _side(env.argument(f"min_{kind}"), defaults.get("default_min"))
                high = _side(env.argument(f"max_{kind}"), defaults.get("default_max"))
                if low is None or high is None or low[0] <= high[0]:
                    continue
                (low_value, low_where), (high_value, high_where) = low, high
                if low_where and high_where:
                    message = (f"min_{kind} is {low_value} but max_{kind} is {high_value}; expected "
                               f"min_{kind} <= max_{kind} (the MWAA API rejects it)")
                elif low_where:
                    message = (f"min_{kind} is {low_value} but max_{kind} is not set and MWAA's default for "
                               f"{name} is {high_value}; expected max_{kind} >= {low_value} (the MWAA API "
                               "rejects a minimum above the maximum)")
                else:
                    message = (f"max_{kind} is {high_value} but min_{kind} is not set and MWAA's default for "
                               f"{name} is {low_value}; expected max_{kind} >= {low_value} (the MWAA API "
                               "rejects a minimum above the maximum)")
                where = low_where or high_where
                if where is None:
                    continue  # both defaulted: MWAA's defaults never conflict
                yield self.finding(where, message, address=env.address)


def _side(argument: Argument, default: Any) -> tuple[Any, Location | None] | None:
    """(number, Location or None when defaulted), or None when the value cannot be known."""
    if argument.value is None:  # not set, or null: MWAA applies its default
        return (default, None) if isinstance(default, (int, float)) else None
    number = to_number(argument.value)
    if isinstance(number, Unknown):
        return None
    return number, argument.loc
