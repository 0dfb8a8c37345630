from mwaa_lint.aws.arguments import written
from mwaa_lint.aws.environment_class import limits
from mwaa_lint.cost import CENT, KINDS, estimate, hourly, money, parse_budget
from mwaa_lint.provenance import setting
from mwaa_lint.rule import Rule, Severity


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
    example_options = {"budget": 1000}  # the documented Example's budget (tests/test_rule_docs.py)

    def check(self, context):
        budget = parse_budget(self.opts.get("budget"))
        if budget is None:
            return
        for env in context.environments():
            found = estimate(env)
            ceiling = found.ceiling
            if not ceiling.known or ceiling.low.quantize(CENT) <= budget or not found.ceiling_parts:
                continue
            name, count, part = _driver(found, budget)
            attribute = env.attribute(name)
            currency = found.currency
            at_least = "" if ceiling.exact else " at least"
            shown = f"{name} = {count}" if attribute is not None else f"{name} (not set: MWAA's default, {count})"
            message = (f"monthly ceiling{at_least} {money(ceiling.low, currency)} exceeds the budget "
                       f"{money(budget, currency)}; {shown} accounts for {money(part, currency)} of it")
            if attribute is None:
                where, note = env.block.loc, f" ({found.address})" if env.instance.key is not None else ""
            else:
                origin = setting(env.ev, attribute.expr, env.instance)
                where, note = written(env.eval(attribute.expr), origin, attribute, env)
            yield self.finding(where, f"{message}{note}; expected {_expected(found, name, part, budget)}",
                               address=env.address)


def _driver(found, budget) -> tuple:
    """(argument, its value, what it adds to the ceiling) for the part that drives the ceiling."""
    parts = found.ceiling_parts
    if parts["environment"] > budget:
        return "environment_class", found.environment_class, parts["environment"]
    kind = max(KINDS, key=lambda k: parts[k])
    if kind == "schedulers":
        return "schedulers", found.counts["schedulers"].low, parts[kind]
    low, high = found.counts[f"min_{kind}"], found.counts[f"max_{kind}"]
    # the ceiling counts the minimum when it is above the maximum (MWAA502 reports that)
    side = low if low.low is not None and high.low is not None and low.low > high.low else high
    return side.name, side.low, parts[kind]


def _expected(found, name: str, part, budget) -> str:
    """`max_workers <= 12 for this budget`, or a smaller class or a larger budget."""
    fallback = "a smaller environment_class or a larger budget"
    if name == "environment_class":
        return fallback
    kind = name.removeprefix("min_").removeprefix("max_")
    price = hourly(found.prices.get(KINDS[kind]))
    room = budget - (found.ceiling.low - part)
    if price is None or not price or room < 0:
        return fallback
    most = found.included.get(kind, 0) + int(room // (price * found.hours))
    row = limits(found.environment_class) or {}
    least = (row.get(kind) or {}).get("min") or 1
    if kind != "schedulers":  # the ceiling cannot go below the minimum that is written
        least = max(least, found.counts[f"min_{kind}"].low or 1) if name.startswith("max_") else least
    if most < least:
        return fallback
    return f"{name} <= {most} to stay within the budget"
