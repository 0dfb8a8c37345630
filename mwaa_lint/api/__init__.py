"""The public rule API: the one module a rule imports.

A rule is a class with its metadata and documentation (`Rule`), and a `check(context)` that
looks at each environment and yields `Finding`s (through `self.finding(...)`) and, for what it
could not judge, `Diagnostic`s. What it sees:

- `Context`: the environments of one root module and the local modules it calls, every other
  resource by type (`context.resources("aws_subnet")`), what a reference points to
  (`context.target(value)`), the module calls whose modules are not read
  (`context.unread_module_calls()`), and the requirements files the user named;
- `Environment` and `Resource`: an `aws_mwaa_environment` (or any resource instance) with
  `argument(name)` — its value, whether it is known, where it was written (the caller's line
  when it was passed into a module) and how it got there — and `blocks(name)` for nested blocks;
- the AWS views the engine computes: the execution role and its policies
  (`env.execution_role()`, `role.policies()`, `role.aws_managed_policies()`), the network (`env.subnets()`,
  `subnet.exposure()`), the source bucket (`env.source_bucket()`), the environment class limits
  (`env.class_limits()`), the requirements MWAA installs (`env.requirements()`) and the
  constraints it installs them with (`env.mwaa_constraints()`: which version of a package and
  why), the configuration options (`env.configuration_options()`);
- a Terraform plan, when the input is one: `context.planned_changes("aws_mwaa_environment")`
  gives what it will do to each resource (`PlannedChange`: actions, replace_paths, the
  values before and after, where to report); empty for `.tf` files alone;
- values: `Unknown` (a value that could not be resolved: never report on it), `to_number`,
  `to_bool`, `same_value`; the AWS service a VPC endpoint's `service_name` names
  (`endpoint_service`); and the dated knowledge tables (`table(name)`).

A finding may carry a fix: `self.finding(loc, message, fix=Fix(description, (edit, ...)))`,
and the rule class says `fixable = True`. An `Edit(path, line, column, end_line, end_column,
replacement, expected)` replaces text the rule has seen (`expected`, exactly: an edit whose text
has changed is never applied); rules build them with `argument.insert_after(text)` (a new
argument line after one in a resource block) and `requirements_file.edit(requirement, text)`
(a requirement's text, in a requirements.txt or the .tf heredoc that holds it). `mwaa-lint
--fix` applies only what is safe (README, Fixing): give a fix only when the change is the one
the finding asks for and cannot be wrong.

Rules never see the evaluator, never read files and never build provenance phrases by hand.
A rule pack imports only this module; `tests/test_rule_api.py` holds the built-in rules to it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..diagnostic import Diagnostic
from ..fixes import Edit, Fix
from ..knowledge import table
from ..rule import Finding, Severity
from .rule import Rule

# The rest is imported when first asked for (PEP 562), so that a rule module costs nothing
# until a rule runs: a warm run checks no module, yet runs the suppression rules.
_LATER = {
    "endpoint_service": "..aws.network", "Location": "..model",
    **dict.fromkeys(("PartialString", "Unknown", "same_value", "to_bool", "to_number"), "..values"),
    **dict.fromkeys(("Context", "Environment", "ModuleCall", "Role", "SecurityGroup", "Subnet", "airflow_versions",
                     "file_line", "kms_key_problem", "monthly_budget"), ".mwaa"),
    **dict.fromkeys(("Argument", "Resource", "elements", "is_known"), ".terraform"),
}

if TYPE_CHECKING:
    from ..aws.network import endpoint_service
    from ..model import Location
    from ..values import PartialString, Unknown, same_value, to_bool, to_number
    from .mwaa import (
        Context,
        Environment,
        ModuleCall,
        Role,
        SecurityGroup,
        Subnet,
        airflow_versions,
        file_line,
        kms_key_problem,
        monthly_budget,
    )
    from .terraform import Argument, Resource, elements, is_known


def __getattr__(name: str) -> Any:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LATER[name], __name__), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LATER})


__all__ = [
    # the contract
    "Rule", "Severity", "Finding", "Diagnostic", "Location", "Fix", "Edit",
    # what a rule looks at
    "Context", "Environment", "Resource", "Argument", "Role", "SecurityGroup", "Subnet", "ModuleCall", "elements", "file_line",
    # values and knowledge
    "Unknown", "PartialString", "is_known", "same_value", "to_bool", "to_number", "table", "airflow_versions",
    "kms_key_problem", "monthly_budget", "endpoint_service",
]
