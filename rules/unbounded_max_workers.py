import dataclasses

from mwaa_lint import model as m
from mwaa_lint.evaluate import Evaluator
from mwaa_lint.knowledge import table
from mwaa_lint.provenance import direct_variable, setting
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.values import Unknown, to_bool, to_number


class UnboundedMaxWorkers(Rule):
    """`max_workers` is missing, above the ceiling, or an input nothing bounds.

    ## What it does
    Reports an environment whose `max_workers` is not set, is above the ceiling (the rule
    option `ceiling`, by default the service maximum of 25 workers), or comes from a variable
    that has no default within the ceiling and no `validation` block that rejects larger
    values. Values from `terraform.tfvars`, `*.auto.tfvars` and `--var` count.

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

    def check(self, context):
        classes = table("environment_classes")
        ceiling = self.opts.get("ceiling") or classes["workers"]["service_max"]
        default_max = classes["workers"]["default_max"]
        for env in context.environments():
            attribute = env.attribute("max_workers")
            if attribute is None:
                yield self.finding(
                    env.block.loc,
                    f"max_workers is not set, so MWAA applies its default of {default_max} without review; "
                    f"expected an explicit max_workers <= {ceiling}",
                    address=env.address,
                )
                continue
            origin = setting(env.ev, attribute.expr, env.instance)
            where = origin.loc or attribute.loc
            value = to_number(env.eval(attribute.expr))
            if not isinstance(value, Unknown):
                if value > ceiling:
                    yield self.finding(
                        where,
                        f"max_workers is {value}{_source(origin, env)}; expected max_workers <= {ceiling}",
                        address=env.address,
                    )
                continue
            if direct_variable(origin.expr) and origin.variables and not any(
                _validated(ev.module, variable, ceiling) for ev, variable in origin.variables
            ):
                name = origin.variables[-1][1].labels[0]
                passed = f" ({origin.passed_to()} for {env.address})" if origin.calls else ""
                yield self.finding(
                    where,
                    f"max_workers comes from var.{name}{passed}, which has no default and no validation "
                    f"bounding it, so any number of workers can be requested; expected a validation "
                    f"such as `var.{name} <= {ceiling}`",
                    address=env.address,
                )


def _source(origin, env) -> str:
    """`(var.max_workers, set by terraform.tfvars:3)`, `(passed to module.mwaa for ...)`, or ""."""
    parts = []
    if origin.calls:
        parts.append(f"{origin.passed_to()} for {env.address}")
    name = direct_variable(origin.expr)
    if name is not None and origin.ev.caller is None:
        parts.append(f"var.{name}, set by {origin.ev.module.variable_sources.get(name, 'its default')}")
    return f" ({'; '.join(parts)})" if parts else ""


def _validated(module: m.Module, variable: m.Block, ceiling: int) -> bool:
    """Does a validation block reject values above the ceiling? Unknown counts as yes."""
    name = variable.labels[0]
    for validation in variable.children("validation"):
        condition = validation.attr("condition")
        if condition is None:
            continue
        verdicts = []
        for probe in (ceiling + 1, 1_000_000):
            trial = dataclasses.replace(module, variable_values={**module.variable_values, name: probe})
            verdicts.append(to_bool(Evaluator(trial).value(condition.expr)))
        if all(v is False for v in verdicts) or any(isinstance(v, Unknown) for v in verdicts):
            return True
    return False
