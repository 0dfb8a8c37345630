"""The Terraform side of the rule API: a resource instance, its arguments (value, whether it is
known, where it was written and how it got there), its nested blocks, and the Rule base class.
Everything here is re-exported by `mwaa_lint.api`, the only module a rule imports."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Optional, cast

from .. import model as _m
from ..aws import arguments as _arguments
from ..aws import iam as _iam
from ..aws import s3_buckets as _buckets
from ..knowledge import table as _table
from ..model import Location
from ..provenance import Origin as _Origin
from ..provenance import direct_variable as _direct_variable
from ..provenance import origin_of as _origin_of
from ..rule import FindingOrDiagnostic
from ..rule import Rule as _Rule
from ..values import LocatedStr, Unknown, contains_unknown, to_bool

if TYPE_CHECKING:
    from .mwaa import Context


class Rule(_Rule):
    """The base class of a rule written against this API: `check(context)` gets a `Context`.

    Declare `id`, `slug`, `severity` (and optionally `security_severity`, `options`,
    `enabled_by_default`, `show_source`); write the docstring (summary line, then `## What it
    does`, `## Why is this bad?`, `## Example` and `## Use instead` with one ```hcl block
    each: the example must fire, the other must not); yield `self.finding(loc, message,
    address=..., related=...)` for each problem and a `Diagnostic` for what cannot be judged.
    """


    def check(self, context: Context) -> Iterator[FindingOrDiagnostic]:
        """Look at the environments of one root module (and the local modules it calls), through
        `context`, and yield a Finding for each problem, a Diagnostic for what cannot be judged."""
        raise NotImplementedError

    check.not_implemented = True  # type: ignore[attr-defined]  # (rule.problems: a hook a rule must write)


def is_known(value: Any) -> bool:
    """Is nothing in `value` unknown? (A rule reports only on what it knows.)"""
    return not contains_unknown(value)


@dataclass(frozen=True)
class Argument:
    """One argument of a resource, as a rule needs it to report on it.

    `loc` is where to report: the module caller's argument when the value was passed into a
    module (`module "mwaa" { max_workers = 40 }`), else the variable's `default` when the value
    is only that default of the module checked on its own, else the argument itself, else (when
    it is not written at all) the resource's header.

    `value` is Unknown when it is only a placeholder: an empty default (`null`, `""`, `[]`,
    `{}`) of a variable no caller sets, given to an argument the resource requires
    (`subnet_ids = var.subnet_ids` with `default = []` in a reusable module). `get()` and a
    block's `get()` say the same.
    """

    name: str
    value: Any  # None when the argument is not written, or null
    written: bool  # the argument is in the resource block
    loc: Location
    attribute_loc: Optional[Location]  # the `name = ...` line in the resource block itself
    calls: tuple[str, ...]  # module addresses the value was passed through, outermost first
    passed: str  # " (passed to module.mwaa for module.mwaa.aws_mwaa_environment.this)", or ""
    _origin: Optional[_Origin]
    _resource: Resource

    @property
    def known(self) -> bool:
        return is_known(self.value)

    @property
    def variable(self) -> Optional[str]:
        """NAME when the value is exactly `var.NAME` where it was last written."""
        return _direct_variable(self._origin.expr) if self._origin is not None else None

    def where_written(self) -> tuple[Location, str]:
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
        return cast(str, origin.ev.module.variable_sources.get(self.variable, "its default"))

    def variables(self) -> list[_VariableView]:
        """The `variable` blocks the value went through, outermost last, as Resources' blocks."""
        return [_VariableView(ev, block) for ev, block in (self._origin.variables if self._origin else [])]

    @property
    def provenance(self) -> str:
        """`passed`, with what set a root module's `var.NAME`, in one parenthesis:
        ` (passed to module.mwaa for …; var.max_workers, set by terraform.tfvars:3)`, or ""."""
        notes = [f"{self._origin.passed_to()} for {self._resource.address}"] if self.calls and self._origin is not None else []
        if self.set_by() is not None:
            notes.append(f"var.{self.variable}, set by {self.set_by()}")
        return f" ({'; '.join(notes)})" if notes else ""

    @property
    def passed_to(self) -> str:
        """`passed to module.mwaa` (the outermost call) when the value was passed into a module, else ""."""
        return self._origin.passed_to() if self._origin is not None else ""


def _default_loc(origin: _Origin) -> Optional[Location]:
    """Where the default is written, when the value is `var.NAME` of the module checked on its
    own and nothing but that default sets it: the line to change is the default's."""
    name = _direct_variable(origin.expr)
    if name is None or origin.ev.caller is not None or name in origin.ev.module.variable_values:
        return None
    block = origin.ev.module.variable(name)
    default = block.attr("default") if block is not None else None
    return default.loc if default is not None else None


def _placeholder(resource_type: str, path: str, origin: _Origin) -> Optional[Unknown]:
    """Unknown when the value of a required argument (`path`: `name`, or
    `network_configuration.subnet_ids`; the `required_arguments` table) is only a
    placeholder: `var.NAME` of the module being checked on its own (the root: no caller), set by
    nothing but its default, and that default empty (`null`, `""`, `[]`, `{}`). A resource
    cannot be deployed with it: it stands for an input the caller must supply
    (`variable "subnet_ids" { default = [] }` in a reusable module), so no rule reports what
    only it causes. An empty default of an optional argument means "not set" and is judged as
    such; a default that says something (`default = 100`, `"PUBLIC_ONLY"`) is judged too."""
    if path not in _table("required_arguments")["resources"].get(resource_type, ()):
        return None
    name = _direct_variable(origin.expr)
    if name is None or origin.ev.caller is not None or name in origin.ev.module.variable_values:
        return None
    block = origin.ev.module.variable(name)
    default = block.attr("default") if block is not None else None
    if default is None:
        return None
    value = origin.ev.value(default.expr)
    if value is None or (isinstance(value, (str, list, dict)) and not isinstance(value, Unknown) and len(value) == 0):
        return Unknown(f"var.{name}")
    return None


class _VariableView:
    """A `variable` block the value of an argument came through (see `Argument.variables`)."""

    def __init__(self, ev: Any, block: _m.Block) -> None:
        self._ev, self._block = ev, block

    @property
    def name(self) -> str:
        return self._block.labels[0]

    def validations(self) -> list[_Validation]:
        """Its `validation` blocks that have a condition, one by one, each with `rejects(value)`."""
        found = [validation.attr("condition") for validation in self._block.children("validation")]
        return [_Validation(self, condition) for condition in found if condition is not None]


class _Validation:
    """One `validation` block of a variable the value of an argument came through (`variable.validations()`)."""

    def __init__(self, variable: _VariableView, condition: _m.Attribute) -> None:
        self._variable, self._condition = variable, condition

    def rejects(self, value: Any) -> Any:
        """Would its condition reject `value`? True, False, or Unknown when it cannot be evaluated with it."""
        import dataclasses

        from ..evaluate import Evaluator

        module, name = self._variable._ev.module, self._variable.name
        trial = dataclasses.replace(module, variable_values={**module.variable_values, name: value})
        verdict = to_bool(Evaluator(trial).value(self._condition.expr))
        return verdict if isinstance(verdict, Unknown) else verdict is False


class _Block:
    """A nested block of a resource instance (`logging_configuration`, `ingress`, ...)."""

    def __init__(self, resource: Resource, block: _m.Block) -> None:
        self._resource, self._block = resource, block

    @property
    def loc(self) -> Location:
        return self._block.loc

    @property
    def type(self) -> str:
        return self._block.type

    def get(self, name: str, default: Any = None) -> Any:
        attribute = self._block.attr(name)
        if attribute is None:
            return default
        resource = self._resource
        placeholder = _placeholder(resource.type, f"{self._block.type}.{name}",
                                   _origin_of(resource._ev, attribute.expr, resource._instance))
        return placeholder if placeholder is not None else resource._value(attribute.expr)

    def argument(self, name: str) -> Argument:
        return self._resource._argument(name, self._block.attr(name), self._block.loc, f"{self._block.type}.{name}")

    def blocks(self, name: str) -> list[_Block]:
        ev, instance = self._resource._ev, self._resource._instance
        return [_Block(self._resource, child) for child in ev.children(self._block, name, instance)]

    @property
    def unknown(self) -> bool:
        """Does the block stand for a `dynamic` block whose `for_each` is unknown (no arguments)?"""
        return self._block.unknown


class _Configurations(NamedTuple):
    """What `bucket.configurations(type)` finds."""

    resources: list[Resource]  # the instances of the type whose `bucket` is this bucket
    unsure: bool  # another might be too (its `bucket` cannot be resolved, or the bucket goes to an unread module)


class Resource:
    """One instance of a resource or data block (after `count`/`for_each`)."""

    def __init__(self, instance: Any) -> None:
        self._instance = instance
        self._ev = instance.ev

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and other._instance is self._instance

    def __hash__(self) -> int:
        return id(self._instance)

    @property
    def address(self) -> str:
        """`aws_iam_role.mwaa`, `module.mwaa.aws_mwaa_environment.this["prod"]`."""
        return cast(str, self._instance.address)

    @property
    def type(self) -> str:
        return cast(str, self._instance.block.labels[0])

    @property
    def loc(self) -> Location:
        """The block's header line."""
        return cast(Location, self._instance.block.loc)

    def get(self, name: str, default: Any = None) -> Any:
        """The argument's value (`default` when it is not written; unknown when it is only a
        placeholder default, see `Argument`)."""
        attribute = self._instance.block.attr(name)
        if attribute is not None:
            placeholder = _placeholder(self.type, name, _origin_of(self._ev, attribute.expr, self._instance))
            if placeholder is not None:
                return placeholder
        return self._ev.attr(self._instance, name, default)

    def argument(self, name: str) -> Argument:
        return self._argument(name, self._instance.block.attr(name), self.loc)

    def blocks(self, name: str) -> list[_Block]:
        """Nested blocks of that type, `dynamic` blocks expanded."""
        return [_Block(self, child) for child in self._ev.children(self._instance.block, name, self._instance)]

    def is_named_by(self, value: Any) -> Optional[bool]:
        """Does `value` (a reference, a name or an ARN) designate this resource? None: cannot tell."""
        return _iam.refers_to(self._ev, value, self._instance)

    def _value(self, expr: _m.Expr) -> Any:
        return self._ev.value(expr, self._instance)

    def _argument(self, name: str, attribute: Optional[_m.Attribute], fallback: Location, path: str = "") -> Argument:
        if attribute is None:
            return Argument(name, None, False, fallback, None, (), "", None, self)
        origin = _origin_of(self._ev, attribute.expr, self._instance)
        passed = f" ({origin.passed_to()} for {self.address})" if origin.calls else ""
        placeholder = _placeholder(self.type, path or name, origin)
        value = placeholder if placeholder is not None else self._value(attribute.expr)
        return Argument(name, value, True, origin.loc or _default_loc(origin) or attribute.loc, attribute.loc,
                        tuple(origin.calls), passed, origin, self)

    def _legacy(self) -> Any:
        """The engine's view of an environment, for the AWS helpers that take one."""
        from ..context import Environment as _Legacy

        return _Legacy(self._instance, self._ev)

    def ignored_changes(self) -> dict[str, Location]:
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

    def configurations(self, resource_type: str) -> _Configurations:
        """The `resource_type` resources (`aws_s3_bucket_versioning`, ...) that configure this bucket."""
        found, unsure = _buckets.configurations(self._ev, self._instance, resource_type)
        return _Configurations([Resource(instance) for instance in found], unsure)


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
    loc = value.loc if isinstance(value, LocatedStr) else None
    return loc if loc is not None and loc.path.name.endswith((".tf", ".tf.json")) else None
