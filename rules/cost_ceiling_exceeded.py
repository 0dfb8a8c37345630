from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity, monthly_budget


class CostCeilingExceeded(Rule):
    """The environment's monthly cost ceiling is above the `budget` option (silent without one).

    ## What it does
    Computes what the environment costs in a month with `max_workers` workers and
    `max_webservers` web servers running all month (the ceiling that `mwaa-lint cost` prints,
    from mwaa-lint's dated price table) and reports it when it is above the rule option
    `budget`, in US dollars per month. The message gives both figures and the argument that
    accounts for most of the ceiling — `max_workers`, `schedulers`, `max_webservers`, or
    `environment_class` when the environment alone is over the budget — and is reported where
    that argument's value is written (a module caller's argument, when it is passed in).

    The rule is silent until a budget is configured (`rule-options: {MWAA504: {budget:
    2000}}` in `.mwaa-lint.yaml`, or `--rule-option MWAA504.budget=2000`). It is silent
    when the ceiling is unknown: an unknown class, a class with no sourced price
    (`mw1.micro`, `mw1.xlarge`, `mw1.2xlarge`), a Region the table has no prices for, or a
    count with no bound. When a count is unknown it reports only if even its lowest value
    would be over the budget.

    ## Why is this bad?
    An MWAA environment is billed every hour it exists and scales workers up to
    `max_workers` on its own, so the ceiling is what a busy month can cost. Teams usually
    learn it from the invoice; a budget in the linter makes the number part of the review
    of the change that sets it.

    ## Example
    With `budget: 1000`:
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      environment_class = "mw1.medium"
      max_workers       = 25
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name              = "analytics"
      environment_class = "mw1.medium"
      max_workers       = 5
    }
    ```

    ## References
    - https://aws.amazon.com/managed-workflows-for-apache-airflow/pricing/
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-autoscaling.html
    """

    id = "MWAA504"
    slug = "cost-ceiling-exceeded"
    severity = Severity.WARNING
    options = {"budget": "none"}  # USD per month; "none": no budget, the rule is silent
    option_types = {"budget": lambda value: _budget(value)}
    example_options = {"budget": 1000}  # the documented Example's budget (tests/test_rule_docs.py)

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        budget = monthly_budget(self.opts.get("budget"))
        if budget is None:
            return
        for env in context.environments():
            ceiling = env.cost_ceiling()  # None when it is unknown
            if ceiling is None or round(ceiling.low, 2) <= budget:
                continue
            name, count, part = _driver(ceiling, budget)
            argument = env.argument(name)
            at_least = "" if ceiling.exact else " at least"
            shown = f"{name} = {count}" if argument.written else f"{name} (not set: MWAA's default, {count})"
            message = (f"monthly ceiling{at_least} {ceiling.money(ceiling.low)} exceeds the budget "
                       f"{ceiling.money(budget)}; {shown} accounts for {ceiling.money(part)} of it")
            if argument.written:
                where, note = argument.where_written()
            else:  # at the resource header, which does not say which instance of count/for_each it is
                where, note = env.loc, f" ({env.address})" if env.address.endswith("]") else ""
            yield self.finding(where, f"{message}{note}; expected {_expected(env, ceiling, name, part, budget)}",
                               address=env.address)


KINDS = ("workers", "schedulers", "webservers")  # what the ceiling counts beyond the environment


def _driver(ceiling: Any, budget: Decimal) -> tuple[str, Any, Decimal]:
    """(argument, its value, what it adds to the ceiling) for the part that drives the ceiling."""
    parts = ceiling.parts
    if parts["environment"] > budget:
        return "environment_class", ceiling.environment_class, parts["environment"]
    kind = max(KINDS, key=lambda k: parts[k])
    if kind == "schedulers":
        return "schedulers", ceiling.count("schedulers"), parts[kind]
    low, high = ceiling.count(f"min_{kind}"), ceiling.count(f"max_{kind}")
    # the ceiling counts the minimum when it is above the maximum (MWAA502 reports that)
    name = f"min_{kind}" if low is not None and high is not None and low > high else f"max_{kind}"
    return name, ceiling.count(name), parts[kind]


def _expected(env: Environment, ceiling: Any, name: str, part: Decimal, budget: Decimal) -> str:
    """`max_workers <= 12 for this budget`, or a smaller class or a larger budget."""
    fallback = "a smaller environment_class or a larger budget"
    if name == "environment_class":
        return fallback
    kind = name.removeprefix("min_").removeprefix("max_")
    price = ceiling.monthly_price(kind)
    room = budget - (ceiling.low - part)
    if price is None or not price or room < 0:
        return fallback
    most = ceiling.included(kind) + int(room // price)
    row = env.class_limits() or {}
    least = (row.get(kind) or {}).get("min") or 1
    if kind != "schedulers":  # the ceiling cannot go below the minimum that is written
        least = max(least, ceiling.count(f"min_{kind}") or 1) if name.startswith("max_") else least
    if most < least:
        return fallback
    return f"{name} <= {most} to stay within the budget"


def _budget(value: Any) -> Any:
    """The `budget` option as given, once it is an amount or none (ValueError: what it expects)."""
    try:
        monthly_budget(value)
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix("MWAA504.budget: ")) from None
    return value
