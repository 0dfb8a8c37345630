from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, Unknown, table, to_number


class UnboundedMaxWorkers(Rule):
    """`max_workers` is missing, above the ceiling, or an input nothing bounds.

    ## What it does
    Reports an environment whose `max_workers` is not set, is above the ceiling (the rule
    option `ceiling`, by default the service maximum of 25 workers), or comes from a variable
    (directly, or through an expression such as `max(var.x, 1)` that grows with it) that has
    no default within the ceiling and no `validation` block that rejects larger values: a
    validation bounds only when it rejects every value above some ceiling, so
    `can(regex("^[0-9]+$", var.x))` or `var.x > 0` does not. Values from `terraform.tfvars`,
    `*.auto.tfvars` and `--var` count.

    ## Why is this bad?
    Workers are billed per hour. When `max_workers` is absent MWAA silently applies its
    default of 10, and because the attribute is computed, deleting it later does not reset
    it. An unbounded variable lets any caller scale the environment, and the bill, without a
    review of the number.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name        = "analytics"
      max_workers = 40
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name        = "analytics"
      min_workers = 1
      max_workers = 10
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/environment-class.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-autoscaling.html
    """

    id = "MWAA501"
    slug = "unbounded-max-workers"
    severity = Severity.WARNING
    options = {"ceiling": None}  # None: the service maximum from the knowledge base
    option_types = {"ceiling": lambda value: _ceiling(value)}

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        classes = table("environment_classes")
        ceiling = self.opts.get("ceiling") or classes["workers"]["service_max"]
        default_max = classes["workers"]["default_max"]
        for env in context.environments():
            max_workers = env.argument("max_workers")
            if not max_workers.written:
                yield self.finding(
                    env.loc,
                    f"max_workers is not set, so MWAA applies its default of {default_max} without review; "
                    f"expected an explicit max_workers <= {ceiling}",
                    address=env.address,
                )
                continue
            value = to_number(max_workers.value)
            if not isinstance(value, Unknown):
                if value > ceiling:
                    yield self.finding(
                        max_workers.loc,
                        f"max_workers is {value}{max_workers.provenance}; expected max_workers <= {ceiling}",
                        address=env.address,
                    )
                continue
            for variable in max_workers.inputs():
                grows = _grows(max_workers, variable, ceiling)
                if grows is None:
                    continue
                name = variable.name
                if max_workers.variable == name:
                    message = (
                        f"max_workers comes from var.{name}{max_workers.passed}, which has no default and no validation "
                        f"bounding it, so any number of workers can be requested; expected a validation "
                        f"such as `var.{name} <= {ceiling}`"
                    )
                elif grows[0] == grows[1]:
                    message = (
                        f"max_workers takes the value of var.{name}{max_workers.passed}, which has no default and no "
                        f"validation bounding it, so any number of workers can be requested; expected a validation "
                        f"such as `var.{name} <= {ceiling}`"
                    )
                else:
                    probe, result = grows
                    message = (
                        f"max_workers grows with var.{name}{max_workers.passed} (var.{name} = {probe} gives "
                        f"max_workers = {result}), which has no default and no validation bounding it, so any number "
                        f"of workers can be requested; expected a validation such as `var.{name} <= {ceiling}`"
                    )
                yield self.finding(max_workers.loc, message, address=env.address)
                break


def _grows(max_workers: Any, variable: Any, ceiling: int) -> tuple[int, Any] | None:
    """(a value of `variable`, the max_workers it gives) above the ceiling that every validation on
    the way lets through; None when there is none or it cannot be told. A validation bounds only
    when it rejects every value above some ceiling, so one that cannot be evaluated counts as bounding."""
    on_the_way = [v for v in max_workers.variables() if v.name != variable.name]
    for probe in (ceiling + 1, 1_000_000):
        if not all(validation.rejects(probe) is False for validation in variable.validations()):
            continue
        result = to_number(max_workers.value_if(variable, probe))
        if isinstance(result, Unknown) or result <= ceiling:
            continue
        if all(validation.rejects(result) is False for v in on_the_way for validation in v.validations()):
            return probe, result
    return None


def _ceiling(value: Any) -> Any:
    """The `ceiling` option: a whole number of workers, 1 or more; none for the service maximum."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number of workers, 1 or more (none: the service maximum), found {value!r}")
    return value
