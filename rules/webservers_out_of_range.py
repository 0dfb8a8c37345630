from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Argument, Context, Diagnostic, Finding, Location, Rule, Severity, Unknown, table, to_number


class WebserversOutOfRange(Rule):
    """`min_webservers` or `max_webservers` is outside the range the environment class accepts.

    ## What it does
    Reports `min_webservers` and `max_webservers` outside the range MWAA documents for the
    environment class: exactly 1 on `mw1.micro`, 2 to 5 on every larger class (`mw1.small`
    when no class is set). When the class is unknown it reports only a number no class
    accepts (below 1 or above 5). An unknown or unset count (MWAA's default: 1 on
    `mw1.micro`, 2 on the others) and a class missing from mwaa-lint's table are not
    reported. `min_webservers` above `max_webservers` is MWAA502's.

    ## Why is this bad?
    The environment never comes up as written. For `mw1.micro`, `CreateEnvironment` fails
    with `The web server count for environment class mw1.micro must be 1.` — a common
    result of copying a larger environment's settings onto a development one, which the
    AWS provider (5.90 and later) lets through `terraform validate`. For larger classes the
    count AWS documents is 2 to 5; a module that sets 1 web server to save money on a
    `mw1.small` is outside it.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "dev" {
      name              = "analytics-dev"
      environment_class = "mw1.micro"
      min_webservers    = 2
      max_webservers    = 2
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "dev" {
      name              = "analytics-dev"
      environment_class = "mw1.micro"
      min_webservers    = 1
      max_webservers    = 1
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html (MinWebservers, MaxWebservers)
    - https://github.com/hashicorp/terraform-provider-aws/issues/41681 (the mw1.micro error)
    """

    id = "MWAA807"
    slug = "webservers-out-of-range"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        classes = table("environment_classes")["classes"]
        for env in context.environments():
            name = env.class_name()
            row = env.class_limits()
            if row is None and not isinstance(name, Unknown):
                continue  # a class the table does not know
            ranges = [_range(row)] if row else [_range(each) for each in classes.values()]
            low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
            # min and max written on one line (`webservers = 2` passed to both): one finding
            outside: dict[tuple[Location, Any], list[Argument]] = {}
            for argument in (env.argument("min_webservers"), env.argument("max_webservers")):
                value = to_number(argument.value)
                if argument.value is None or isinstance(value, Unknown):
                    continue  # not set (MWAA's default for the class), or unknown
                if not any(lo <= value <= hi for lo, hi in ranges):
                    outside.setdefault((argument.loc, value), []).append(argument)
            environment_class = env.argument("environment_class")
            # a note when the class is written elsewhere (a module caller's argument), not in the block
            elsewhere = environment_class.written and environment_class.loc != environment_class.attribute_loc
            related = ((environment_class.loc, f"environment_class of {env.address}"),) if elsewhere else ()
            for (loc, value), arguments in outside.items():
                names = " and ".join(a.name for a in arguments)
                verb = "are" if len(arguments) > 1 else "is"
                if row is None:
                    found = f"{names} {verb} {_shown(value)}, which no environment class accepts"
                elif low == high:
                    found = f"{names} {verb} {_shown(value)} but {name} runs exactly {low} web server"
                else:
                    found = f"{names} {verb} {_shown(value)} but {name} accepts {low} to {high} web servers"
                expected = f"{names} = {low}" if low == high else f"{names} between {low} and {high}"
                # the mw1.micro error is documented (see References); for the others, the range is
                why = ", or CreateEnvironment fails" if low == high == 1 else " (the range AWS documents)"
                yield self.finding(loc, f"{found}{arguments[0].for_which}; expected {expected}{why}",
                                   address=env.address, related=related)


def _range(row: dict[str, Any]) -> tuple[int, int]:
    limits = row["webservers"]
    return limits["min"], limits["max"]


def _shown(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
