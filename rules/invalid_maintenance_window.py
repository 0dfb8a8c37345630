import re
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table

# Loose DAY:HH:MM, so a near miss ("sun:3:15") gets a precise reason instead of "wrong form".
_SHAPE = re.compile(r"(?P<day>[A-Za-z]+):(?P<hour>\d{1,2}):(?P<minute>\d{1,2})", re.ASCII)


class InvalidMaintenanceWindow(Rule):
    """`weekly_maintenance_window_start` is not DAY:HH:MM on a half hour, so the MWAA API rejects it.

    ## What it does
    Reports an environment whose `weekly_maintenance_window_start` is a known string that
    does not match the API's pattern: an upper-case three-letter day, a two-digit hour from
    00 to 23 and minutes 00 or 30, e.g. `TUE:03:30` (UTC). The message says which part is
    wrong (a lower-case or spelled-out day, a missing zero, an hour above 23, minutes off the
    half hour) and suggests the nearest valid value. A value set by a module caller, a
    variable default or a local is reported where it is written; one from a tfvars file at
    the argument, naming the file. An absent, null or unknown value is not reported (MWAA
    then picks the window itself).

    ## Why is this bad?
    Terraform does not check this argument, so `terraform plan` succeeds and the apply
    fails: CreateEnvironment or UpdateEnvironment answers with a ValidationException (the
    provider even retries that error for two minutes on create, because IAM propagation
    causes it too). The pattern is strict: `sun:03:00`, `SUN:3:00`, `SUNDAY:03:00`,
    `SUN:03:15` and `SUN:24:00` are all rejected.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                            = "analytics"
      weekly_maintenance_window_start = "SUN:03:15"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                            = "analytics"
      weekly_maintenance_window_start = "SUN:03:30"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/mwaa_environment
    """

    id = "MWAA703"
    slug = "invalid-maintenance-window"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        spec = table("environment_arguments")["weekly_maintenance_window_start"]
        for env in context.environments():
            window = env.argument("weekly_maintenance_window_start")
            value = window.value
            if not isinstance(value, str):
                continue  # not set or null (MWAA chooses), unknown, or not a string (Terraform's type error)
            if len(value) <= spec["max_length"] and re.fullmatch(spec["pattern"], value, re.ASCII):  # \d as in the API
                continue
            reasons, suggestions = diagnose(str(value), spec)
            loc, source = window.where_written()
            examples = " or ".join(f'"{s}"' for s in suggestions)
            yield self.finding(
                loc,
                f'weekly_maintenance_window_start is "{value}"{source}: {"; ".join(reasons)}; expected DAY:HH:MM '
                f"in UTC on the hour or half hour, e.g. {examples} (the MWAA API rejects other values)",
                address=env.address,
            )


def diagnose(value: str, spec: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Why a window is invalid and what it probably meant: ([reason], [suggestion])."""
    days, minutes = spec["days"], spec["minutes"]
    match = _SHAPE.fullmatch(value.strip())
    if match is None:
        return ["it is not in DAY:HH:MM form"], [spec["example"]]
    reasons = [] if value == value.strip() else ["it has spaces around it"]
    day, hour, minute = match.group("day"), match.group("hour"), match.group("minute")
    canonical = day.upper() if day.upper() in days else day.upper()[:3]
    if canonical not in days:
        reasons.append(f"{day} is not a day ({', '.join(days)})")
    elif day.upper() != canonical:
        reasons.append(f"the day is written with three letters ({canonical})")
    elif day != canonical:
        reasons.append(f"the day must be upper case ({canonical})")
    if int(hour) > 23:
        reasons.append("the hour must be 00 to 23")
    if len(hour) < 2:
        reasons.append(f"the hour needs a leading zero ({hour.zfill(2)})")
    if len(minute) < 2:
        reasons.append("the minutes need two digits")
    minute = minute.zfill(2)
    if minute not in minutes:
        reasons.append(f"the minutes must be {' or '.join(minutes)}")
    if canonical not in days or int(hour) > 23:
        return reasons, [spec["example"]]  # no obvious intended value
    return reasons, [f"{canonical}:{hour.zfill(2)}:{m}" for m in (minutes if minute not in minutes else [minute])]

