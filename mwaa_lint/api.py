"""The public rule API: the one module a rule imports.

A rule is a class with its metadata and documentation (`Rule`), and a `check(context)` that
looks at each environment and yields `Finding`s (through `self.finding(...)`) and, for what it
could not judge, `Diagnostic`s. What it sees:

- `Context`: the environments of one root module and the local modules it calls, every other
  resource by type (`context.resources("aws_subnet")`), what a reference points to
  (`context.target(value)`), and the requirements files the user named;
- `Environment` and `Resource`: an `aws_mwaa_environment` (or any resource instance) with
  `argument(name)` — its value, whether it is known, where it was written (the caller's line
  when it was passed into a module) and how it got there — and `blocks(name)` for nested blocks;
- the AWS views the engine computes: the execution role and its policies
  (`env.execution_role()`, `role.policies()`), the network (`env.subnets()`,
  `subnet.exposure()`), the source bucket (`env.source_bucket()`), the environment class limits
  (`env.class_limits()`), the requirements MWAA installs (`env.requirements_files()`), the
  configuration options (`env.configuration_options()`);
- values: `Unknown` (a value that could not be resolved: never report on it), `to_number`,
  `to_bool`, `same_value`; and the dated knowledge tables (`table(name)`).

Rules never see the evaluator, never read files and never build provenance phrases by hand.
A rule pack imports only this module; `tests/test_rule_api.py` holds the built-in rules to it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from . import model as _m
from .aws import arguments as _arguments
from .aws import iam as _iam
from .aws import network as _network
from .aws import s3_buckets as _buckets
from .aws.environment_class import class_name as _class_name
from .aws.environment_class import limits as _limits
from .diagnostic import Diagnostic
from .knowledge import table
from .model import Location
from .provenance import Setting as _Setting
from .provenance import direct_variable as _direct_variable
from .provenance import setting as _setting
from .rule import Finding, Severity
from .rule import Rule as _Rule
from .values import Unknown, contains_unknown, same_value, to_bool, to_number

__all__ = [
    "Argument", "Context", "Diagnostic", "Environment", "Finding", "Location", "Resource", "Role", "Rule", "Severity",
    "Subnet", "Unknown", "is_known", "same_value", "table", "to_bool", "to_number",
]


class Rule(_Rule):
    """The base class of a rule written against this API: `check(context)` gets a `Context`.

    Declare `id`, `slug`, `severity` (and optionally `security_severity`, `options`,
    `enabled_by_default`, `show_source`); write the docstring (summary line, then `## What it
    does`, `## Why is this bad?`, `## Example` and `## Use instead` with one ```hcl block
    each: the example must fire, the other must not); yield `self.finding(loc, message,
    address=..., related=...)` for each problem and a `Diagnostic` for what cannot be judged.
    """

    api = True


def is_known(value: Any) -> bool:
    """Is nothing in `value` unknown? (A rule reports only on what it knows.)"""
    return not contains_unknown(value)


@dataclass(frozen=True)
class Argument:
    """One argument of a resource, as a rule needs it to report on it.

    `loc` is where to report: the module caller's argument when the value was passed into a
    module (`module "mwaa" { max_workers = 40 }`), else the argument itself, else (when it is
    not written at all) the resource's header.
    """

    name: str
    value: Any  # None when the argument is not written, or null
    written: bool  # the argument is in the resource block
    loc: Location
    attribute_loc: Optional[Location]  # the `name = ...` line in the resource block itself
    calls: tuple  # module addresses the value was passed through, outermost first
    passed: str  # " (passed to module.mwaa for module.mwaa.aws_mwaa_environment.this)", or ""
    _origin: Optional[_Setting]
    _resource: Resource

    @property
    def known(self) -> bool:
        return is_known(self.value)

    @property
    def variable(self) -> Optional[str]:
        """NAME when the value is exactly `var.NAME` where it was last written."""
        return _direct_variable(self._origin.expr) if self._origin is not None else None

    def where_written(self) -> tuple:
        """(where the value itself is written, " (how it got here)"): a literal in a .tf file
        (a caller's argument, a variable default, a local, a for_each map) where it is written;
        a value from a tfvars file or the environment at the argument, naming its source."""
        if self._origin is None or self.attribute_loc is None:
            return self.loc, ""
        attribute = self._resource._instance.block.attr(self.name)
        return _arguments.written(self.value, self._origin, attribute, self._resource._legacy())

    def set_by(self) -> Optional[str]:
        """For a root module's `var.NAME`: what set it (`terraform.tfvars:3`, `--var`,
        `TF_VAR_NAME`, or "its default"); None otherwise."""
        origin = self._origin
        if origin is None or self.variable is None or origin.ev.caller is not None:
            return None
        return origin.ev.module.variable_sources.get(self.variable, "its default")

    def variables(self) -> list:
        """The `variable` blocks the value went through, outermost last, as Resources' blocks."""
        return [_VariableView(ev, block) for ev, block in (self._origin.variables if self._origin else [])]


class _VariableView:
    """A `variable` block the value of an argument came through (see `Argument.variables`)."""

    def __init__(self, ev, block: _m.Block):
        self._ev, self._block = ev, block

    @property
    def name(self) -> str:
        return self._block.labels[0]

    def rejects(self, value: Any) -> Any:
        """Would one of its validation blocks reject `value`? True, False, or Unknown when a
        condition cannot be evaluated with it."""
        import dataclasses

        from .evaluate import Evaluator

        module = self._ev.module
        verdicts = []
        for validation in self._block.children("validation"):
            condition = validation.attr("condition")
            if condition is None:
                continue
            trial = dataclasses.replace(module, variable_values={**module.variable_values, self.name: value})
            verdicts.append(to_bool(Evaluator(trial).value(condition.expr)))
        if any(v is False for v in verdicts):
            return True
        return Unknown() if any(isinstance(v, Unknown) for v in verdicts) else False


class _Block:
    """A nested block of a resource instance (`logging_configuration`, `ingress`, ...)."""

    def __init__(self, resource: Resource, block: _m.Block):
        self._resource, self._block = resource, block

    @property
    def loc(self) -> Location:
        return self._block.loc

    @property
    def type(self) -> str:
        return self._block.type

    def get(self, name: str, default: Any = None) -> Any:
        attribute = self._block.attr(name)
        return default if attribute is None else self._resource._value(attribute.expr)

    def argument(self, name: str) -> Argument:
        return self._resource._argument(name, self._block.attr(name), self._block.loc)

    def blocks(self, name: str) -> list:
        ev, instance = self._resource._ev, self._resource._instance
        return [_Block(self._resource, child) for child in ev.children(self._block, name, instance)]


class Resource:
    """One instance of a resource or data block (after `count`/`for_each`)."""

    def __init__(self, instance):
        self._instance = instance
        self._ev = instance.ev

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and other._instance is self._instance

    def __hash__(self) -> int:
        return id(self._instance)

    @property
    def address(self) -> str:
        """`aws_iam_role.mwaa`, `module.mwaa.aws_mwaa_environment.this["prod"]`."""
        return self._instance.address

    @property
    def type(self) -> str:
        return self._instance.block.labels[0]

    @property
    def loc(self) -> Location:
        """The block's header line."""
        return self._instance.block.loc

    def get(self, name: str, default: Any = None) -> Any:
        """The argument's value (`default` when it is not written)."""
        return self._ev.attr(self._instance, name, default)

    def argument(self, name: str) -> Argument:
        return self._argument(name, self._instance.block.attr(name), self.loc)

    def blocks(self, name: str) -> list:
        """Nested blocks of that type, `dynamic` blocks expanded."""
        return [_Block(self, child) for child in self._ev.children(self._instance.block, name, self._instance)]

    def is_named_by(self, value: Any) -> Optional[bool]:
        """Does `value` (a reference, a name or an ARN) designate this resource? None: cannot tell."""
        return _iam.refers_to(self._ev, value, self._instance)

    def _value(self, expr: _m.Expr) -> Any:
        return self._ev.value(expr, self._instance)

    def _argument(self, name: str, attribute: Optional[_m.Attribute], fallback: Location) -> Argument:
        if attribute is None:
            return Argument(name, None, False, fallback, None, (), "", None, self)
        origin = _setting(self._ev, attribute.expr, self._instance)
        passed = f" ({origin.passed_to()} for {self.address})" if origin.calls else ""
        return Argument(name, self._value(attribute.expr), True, origin.loc or attribute.loc, attribute.loc,
                        tuple(origin.calls), passed, origin, self)

    def _legacy(self):
        """The engine's view of an environment, for the AWS helpers that take one."""
        from .context import Environment as _Legacy

        return _Legacy(self._instance, self._ev)


class Environment(Resource):
    """An `aws_mwaa_environment` instance, with the AWS views of what it uses."""

    def execution_role(self) -> Optional[Role]:
        """The `aws_iam_role` its `execution_role_arn` designates, or None (a literal ARN of a
        role elsewhere, a data source, unknown)."""
        role = _iam.execution_role(self._ev, self._legacy())
        return Role(role) if role is not None else None

    def source_bucket(self) -> Optional[Resource]:
        """The `aws_s3_bucket` its `source_bucket_arn` designates, or None."""
        bucket = _buckets.source_bucket(self._legacy())
        return Resource(bucket) if bucket is not None else None

    def subnets(self) -> list:
        """(the Argument `network_configuration.subnet_ids`, [Subnet, or None for an item not
        in the code, ...]) for each subnet list whose items are known to be a list."""
        found = []
        for attribute, values in self._legacy().network_lists("subnet_ids"):
            targets = [self._ev.target(v) for v in values]
            argument = self._argument("subnet_ids", attribute, self.loc)
            found.append((argument, [Subnet(t) if t is not None else None for t in targets]))
        return found

    def class_name(self) -> Any:
        """`environment_class`, or MWAA's default class when it is not set; Unknown if unknown."""
        return _class_name(self._legacy())

    def class_limits(self) -> Optional[dict]:
        """The environment class's row of the `environment_classes` table, or None."""
        return _limits(self.class_name())


class Role(Resource):
    """An `aws_iam_role`: the policies on it, wherever they are attached."""

    def policies(self) -> Iterator[Any]:
        """Each readable policy on the role (inline, `aws_iam_role_policy`, attached
        `aws_iam_policy`): `.address`, `.loc` (its `policy = ...`), `.document.statements`
        (each with `.effect`, `.actions`, `.not_actions`, `.resources` as located strings)."""
        return _iam.role_policies(self._ev, self._instance)

    def attachments(self) -> Iterator[tuple]:
        """(Resource, argument name) for every place a managed policy is attached to the role."""
        for instance, name in _iam.attachments(self._ev, self._instance):
            yield Resource(instance), name


class Subnet(Resource):
    """An `aws_subnet`, and whether it is public."""

    def exposure(self) -> Any:
        """`.public` (True, False, or None when it cannot be told), `.reason` (why, naming the
        route table or `map_public_ip_on_launch` and where) and `.loc` (where that is written)."""
        return _network.subnet_exposure(self._ev, self._instance)


class Context:
    """What a rule sees of one check: a root module and the local modules it calls."""

    def __init__(self, legacy):
        self._legacy = legacy

    @property
    def requirement_files(self) -> list:
        """requirements files the user named on the command line."""
        return list(self._legacy.requirement_files)

    def environments(self) -> Iterator[Environment]:
        """Every `aws_mwaa_environment` instance in the root module and the modules it calls.
        (While a rule looks at one, a crash is reported at it.)"""
        for env in self._legacy.environments():
            yield Environment(env.instance)

    def resources(self, resource_type: str) -> list:
        """Every instance of `resource_type` in the tree."""
        return [Resource(instance) for instance in self._legacy.ev.all_instances(resource_type)]

    def target(self, value: Any) -> Optional[Resource]:
        """The resource instance a reference (`aws_iam_role.mwaa.arn`) designates, or None."""
        instance = self._legacy.ev.target(value)
        return Resource(instance) if instance is not None else None


# --- views for the argument rules (environment class, versions, logging, workers, KMS) -------

from decimal import Decimal as _Decimal  # noqa: E402

from . import cost as _cost  # noqa: E402
from .aws import airflow_versions as _versions  # noqa: E402

# Methods these views add to the classes above are bound at the end of the section.


class _AirflowVersions:
    """The dated table of the Airflow versions MWAA offers (`airflow_versions`): every status is as of `checked`."""

    @property
    def checked(self) -> str:
        """The date (YYYY-MM-DD) the table was last checked."""
        return _versions.checked()

    def lookup(self, version: str) -> Optional[dict]:
        """The row (`version`, `end_of_support`: a date or None) of an exact version, or None if MWAA never listed it."""
        return _versions.lookup(version)

    def ended(self, row: dict) -> bool:
        """Has the row's version reached its end of support (on or before `checked`)?"""
        return _versions.ended(row)

    def latest(self, major: Optional[str] = None) -> Optional[str]:
        """The highest version with no end of support announced, optionally of one major version ("2")."""
        return _versions.latest_supported(major)


airflow_versions = _AirflowVersions()


@dataclass(frozen=True)
class _KmsKeyProblem:
    """What `kms_key_problem` finds wrong with a `kms_key`."""

    shown: str  # the value as a message shows it: `"alias/x"`, or the reference `aws_kms_alias.x.arn`
    form: str  # what it is (`alias ARN`, `key id`, ...), or "" when it is no form of KMS key at all
    problem: str  # why the provider or MWAA rejects it
    expected: str  # what to write instead (`aws_kms_key.x.arn` when the module where it is written can)


def kms_key_problem(argument: Argument, kms: dict) -> Optional[_KmsKeyProblem]:
    """Why MWAA cannot take this `kms_key` (`kms`: the `environment_arguments` table's `kms_key`);
    None for a key ARN, an unknown value, and null or "" (an AWS owned key)."""
    found = _arguments.bad_kms_key(argument.value, kms, argument._origin.ev if argument._origin is not None else None)
    return _KmsKeyProblem(*found) if found is not None else None


def monthly_budget(option: Any) -> Optional[_Decimal]:
    """A budget option (US dollars, `1,000`, `$1000`) as an amount a month; None for none; ValueError when it is no amount."""
    return _cost.parse_budget(option)


class _CostCeiling:
    """An environment's monthly cost ceiling, as `mwaa-lint cost` prints it (`env.cost_ceiling()`)."""

    def __init__(self, estimate: Any):
        self._estimate = estimate

    @property
    def low(self) -> _Decimal:
        """The ceiling in the price table's currency (its lowest when an unknown count makes it a range)."""
        return self._estimate.ceiling.low

    @property
    def exact(self) -> bool:
        """False when an unknown count makes the ceiling a range."""
        return self._estimate.ceiling.exact

    @property
    def parts(self) -> dict:
        """What `low` is made of: "environment" (the class's hour) and "workers", "schedulers", "webservers" beyond it."""
        return self._estimate.ceiling_parts

    @property
    def environment_class(self) -> str:
        return self._estimate.environment_class

    def count(self, name: str) -> Optional[int]:
        """How many `name` (`max_workers`, `schedulers`, ...) it counts: as written, MWAA's default, or the lowest accepted."""
        return self._estimate.counts[name].low

    def included(self, kind: str) -> int:
        """How many `kind` ("workers", "schedulers", "webservers") the environment's hour includes."""
        return self._estimate.included.get(kind, 0)

    def monthly_price(self, kind: str) -> Optional[_Decimal]:
        """What one more of `kind` beyond the included ones costs a month; None when the table has no price."""
        price = _cost.hourly(self._estimate.prices.get(_cost.KINDS[kind]))
        return None if price is None else price * self._estimate.hours

    def money(self, amount: _Decimal) -> str:
        """`$2,325.05` (`2,325.05 EUR` for a table in another currency)."""
        return _cost.money(amount, self._estimate.currency)


def _cost_ceiling(self: Environment) -> Optional[_CostCeiling]:
    """Its monthly cost with `max_workers` workers and `max_webservers` web servers all month; None when it is unknown."""
    found = _cost.estimate(self._legacy())
    return _CostCeiling(found) if found.ceiling.known and found.ceiling_parts else None


def _provenance(self: Argument) -> str:
    """`passed`, with what set a root module's `var.NAME`, in one parenthesis:
    ` (passed to module.mwaa for …; var.max_workers, set by terraform.tfvars:3)`, or ""."""
    notes = [f"{self._origin.passed_to()} for {self._resource.address}"] if self.calls and self._origin is not None else []
    if self.set_by() is not None:
        notes.append(f"var.{self.variable}, set by {self.set_by()}")
    return f" ({'; '.join(notes)})" if notes else ""


class _Validation:
    """One `validation` block of a variable the value of an argument came through (`variable.validations()`)."""

    def __init__(self, variable: _VariableView, condition: _m.Attribute):
        self._variable, self._condition = variable, condition

    def rejects(self, value: Any) -> Any:
        """Would its condition reject `value`? True, False, or Unknown when it cannot be evaluated with it."""
        import dataclasses

        from .evaluate import Evaluator

        module, name = self._variable._ev.module, self._variable.name
        trial = dataclasses.replace(module, variable_values={**module.variable_values, name: value})
        verdict = to_bool(Evaluator(trial).value(self._condition.expr))
        return verdict if isinstance(verdict, Unknown) else verdict is False


def _validations(self: _VariableView) -> list:
    """Its `validation` blocks that have a condition, one by one (`rejects` judges them all at once)."""
    found = [validation.attr("condition") for validation in self._block.children("validation")]
    return [_Validation(self, condition) for condition in found if condition is not None]


Environment.cost_ceiling = _cost_ceiling  # type: ignore[attr-defined]
Argument.provenance = property(_provenance)  # type: ignore[attr-defined]
_VariableView.validations = _validations  # type: ignore[attr-defined]


# --- views for the IAM and network rules (policies, subnets, security groups) ----------------

import os as _os  # noqa: E402

from .values import LocatedStr as _LocatedStr  # noqa: E402


def elements(argument: Argument) -> list[tuple[Any, Location]]:
    """(element, where to report it) for each element of the value: its item in a literal list, its .tf literal, or `loc`."""
    if not argument.written:
        return []
    value = argument.value
    expr = argument._origin.expr if argument._origin is not None else None
    if isinstance(value, list) and isinstance(expr, _m.TupleExpr) and expr.items and len(expr.items) == len(value):
        return [(element, item.loc) for element, item in zip(value, expr.items)]
    return [(element, _literal_loc(element) or argument.loc) for element in (value if isinstance(value, list) else [value])]


def _literal_loc(value: Any) -> Optional[Location]:
    """Where a string literal is written, when that is in a Terraform file (not a tfvars file or the environment)."""
    loc = value.loc if isinstance(value, _LocatedStr) else None
    return loc if loc is not None and loc.path.name.endswith((".tf", ".tf.json")) else None


def file_line(loc: Location, context: Context) -> str:
    """`modules/vpc/main.tf:12` for a message: the file relative to the root module (the same from any cwd), and the line."""
    root = context._legacy.ev.tree[0].module.directory.absolute()
    return f"{_os.path.relpath(loc.path.absolute(), root)}:{loc.line}"


# --- views for the bucket, upload, log group, configuration option and requirements rules ----

from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

from .aws import config_options as _config_options  # noqa: E402
from .aws.s3_objects import uploaded_content as _uploaded_content  # noqa: E402
from .aws.s3_objects import uploaded_file as _uploaded_file  # noqa: E402
from .diagnostic import InputError as _InputError  # noqa: E402
from .paths import real as _real  # noqa: E402
from .requirements import ParsedRequirements as _ParsedRequirements  # noqa: E402
from .requirements import included_files as _included_files  # noqa: E402
from .requirements import local_include as _local_include  # noqa: E402
from .requirements import parse_requirements as _parse_requirements  # noqa: E402
from .source import read_text as _read_text  # noqa: E402
from .values import PartialString as PartialString  # noqa: E402  (exported: a template with unknown parts)
from .values import join_parts as _join_parts  # noqa: E402
from .values import to_template_string as _to_template_string  # noqa: E402

# Methods these views add to the classes above are bound at the end of the section.


class _Configurations(NamedTuple):
    """What `bucket.configurations(type)` finds."""

    resources: list[Resource]  # the instances of the type whose `bucket` is this bucket
    unsure: bool  # another might be too (its `bucket` cannot be resolved, or the bucket goes to an unread module)


def _configurations(self: Resource, resource_type: str) -> _Configurations:
    """The `resource_type` resources (`aws_s3_bucket_versioning`, ...) that configure this bucket."""
    found, unsure = _buckets.configurations(self._ev, self._instance, resource_type)
    return _Configurations([Resource(instance) for instance in found], unsure)


def _ignored_changes(self: Resource) -> dict[str, Location]:
    """Argument names listed in `lifecycle { ignore_changes = [...] }` → where each is listed."""
    found: dict[str, Location] = {}
    for lifecycle in self._instance.block.children("lifecycle"):
        attribute = lifecycle.attr("ignore_changes")
        if attribute is None or not isinstance(attribute.expr, _m.TupleExpr):
            continue
        for item in attribute.expr.items:
            if isinstance(item, _m.Name):
                found[item.name] = item.loc
            elif isinstance(item, _m.Literal) and isinstance(item.value, str):
                found[item.value] = item.loc
    return found


def _unknown(self: _Block) -> bool:
    """Does the block stand for a `dynamic` block whose `for_each` is unknown (no arguments)?"""
    return self._block.unknown


def _passed_to(self: Argument) -> str:
    """`passed to module.mwaa` (the outermost call) when the value was passed into a module, else ""."""
    return self._origin.passed_to() if self._origin is not None else ""


def _log_group_name(self: Environment, log_type: str) -> Any:
    """The CloudWatch log group MWAA sends `log_type` (`Task`) logs to, `airflow-<name>-Task`."""
    return _join_parts(["airflow-", self.get("name"), "-", log_type])


class _Option:
    """One `airflow_configuration_options` entry whose key is known (`env.configuration_options()`).

    `key`, `value`; `loc`: where the key is written; `value_loc`: the module caller's argument
    when the value was passed in, else None; `passed_to`: `passed to module.mwaa`, or "";
    `written`: `variables.tf:12` where the value was written, None when it came from outside
    the code (TF_VAR_, --var) or cannot be told.
    """

    def __init__(self, option: Any, env: Environment):
        self.key, self.value, self.loc, self.written = option.key, option.value, option.loc, option.written
        self.value_loc, self.passed_to = option.value_loc, option.passed
        self._env = env

    @property
    def text(self) -> Any:
        """The value as the string MWAA is given (`true`, `64`, jsonencode()'s JSON), else Unknown."""
        return _to_template_string(self.value)

    @property
    def blocked_on(self) -> str:
        """The Airflow versions on which MWAA sets the option itself (`Airflow 2.x`), or ""."""
        blocked, versions = _config_options.blocked_keys(self._env.get("airflow_version"))
        return versions if self.key in blocked else ""

    @property
    def forced(self) -> Any:
        """The value MWAA sets instead, for a blocked option (None when not known or not blocked)."""
        return _config_options.blocked_keys(self._env.get("airflow_version"))[0].get(self.key)

    def secret_names(self, field: Optional[str] = None) -> list[str]:
        """The sensitive names of Airflow's masking list that the option (or `field`, a field of its
        JSON value) is named with; [] for a path, a command or a secret's name (`_cmd`, `_secret`)."""
        if field is not None:
            return _config_options.secret_names(field, option=False)
        return _config_options.secret_names(self.key.split(".", 1)[-1], option=True)

    def where_written(self) -> tuple[Location, str]:
        """(where to report the value: `value_loc` or `loc`; `written` when that names another line, else "")."""
        loc = self.value_loc or self.loc
        return loc, self.written if self.written != _config_options.where(self._env._ev, loc) else ""


def _configuration_options(self: Environment) -> list[_Option]:
    """Its `airflow_configuration_options` entries whose keys are known ([] when the map is unknown)."""
    return [_Option(option, self) for option in _config_options.options(self._legacy())]


class _RequirementsFile:
    """A requirements file MWAA installs (or the inline `content` of an upload), parsed.

    `path` (for inline content, the .tf file); `requirements`, `includes` (`-r`/`-c` lines) and
    `problems` (lines pip cannot read), each with `.line` and `.column`; `unreadable`: the
    Diagnostics saying why the file could not be read ([] when it was). Two are equal when they
    are the same file (or the same inline content).
    """

    def __init__(self, path: Path, text: Optional[str] = None, first_line: int = 1, loc: Optional[Location] = None,
                 inline: bool = False, unreadable: tuple[Diagnostic, ...] = ()):
        self.path, self.unreadable = path, list(unreadable)
        self._text, self._first, self._loc, self._inline = text or "", first_line, loc, inline
        parsed = _parse_requirements(text) if text is not None else _ParsedRequirements()
        self.requirements, self.includes, self.problems = parsed.requirements, parsed.includes, parsed.problems

    def _key(self) -> tuple[Any, ...]:
        return (self.path, self._first) if self._inline else (_real(self.path),)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _RequirementsFile) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def locate(self, item: Any) -> Location:
        """Where a requirement, include or problem is: its own columns, on its line of the file."""
        line = self._first + item.line - 1
        end = getattr(item, "end_column", item.column + 1)
        return self._loc or Location(self.path, line, item.column, line, end)

    def line(self, item: Any = None) -> Location:
        """The whole line an item (None: the first line) is on, from where its text starts."""
        if self._inline:
            return self._inline_line(item)
        lines = self._text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        line = item.line if item is not None else 1
        column = item.column if item is not None else 1
        end = len(lines[line - 1]) + 1 if line <= len(lines) else column + 1
        return Location(self.path, line, column, line, max(end, column + 1))

    def _inline_line(self, item: Any) -> Location:
        if self._loc is not None:
            return self._loc  # a one-line string: its lines cannot be told apart in the .tf file
        try:
            lines = _read_text(self.path).splitlines()
        except _InputError:
            lines = []
        line = self._first + (item.line - 1 if item is not None else 0)
        text = lines[line - 1] if line <= len(lines) else ""
        column = len(text) - len(text.lstrip()) + 1  # a `<<-` heredoc is indented in the file
        return Location(self.path, line, column, line, max(len(text) + 1, column + 1))

    def constraints(self) -> list[_RequirementsFile]:
        """The local files its `-c` lines name, parsed (remote, refused or unreadable ones left out)."""
        if self._inline or self.unreadable:
            return []
        found: list[_RequirementsFile] = []
        for include in self.includes:
            target = _local_include(self.path, include) if include.kind == "constraint" else None
            if target is not None:
                read = _read_requirements(target)
                if not read.unreadable:
                    found.append(read)
        return found


def _read_requirements(path: Path) -> _RequirementsFile:
    try:
        return _RequirementsFile(path, _read_text(path))
    except _InputError as exc:  # the file cannot be judged: the rule says so
        return _RequirementsFile(path, unreadable=tuple(exc.diagnostics))


def _with_includes(path: Path) -> list[_RequirementsFile]:
    return [_read_requirements(each) for each in [path, *_included_files(path)]]


def _requirements(self: Environment) -> list[_RequirementsFile]:
    """The requirements MWAA installs: the uploaded requirements.txt then the local files it
    includes with `-r`, or the inline `content` of the upload; [] when none is found."""
    path = _uploaded_file(self._ev, self._legacy(), "requirements_s3_path")
    if path is not None:
        return _with_includes(path)
    found = _uploaded_content(self._ev, self._legacy(), "requirements_s3_path")
    if found is None:
        return []
    text, tf_path, first_line, loc = found
    return [_RequirementsFile(tf_path, text, first_line, loc, inline=True)]


def _requirement_files(self: Context) -> list[list[_RequirementsFile]]:
    """The requirements files the user named, each as `env.requirements()` gives its files."""
    return [_with_includes(path) for path in self._legacy.requirement_files]


Resource.configurations = _configurations  # type: ignore[attr-defined]
Resource.ignored_changes = _ignored_changes  # type: ignore[attr-defined]
_Block.unknown = property(_unknown)  # type: ignore[attr-defined]
Argument.passed_to = property(_passed_to)  # type: ignore[attr-defined]
Environment.log_group_name = _log_group_name  # type: ignore[attr-defined]
Environment.configuration_options = _configuration_options  # type: ignore[attr-defined]
Environment.requirements = _requirements  # type: ignore[attr-defined]
Context.requirement_files = property(_requirement_files)  # type: ignore[assignment,method-assign]
