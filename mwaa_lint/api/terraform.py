"""The Terraform side of the rule API: a resource instance, its arguments (value, whether it is
known, where it was written and how it got there), and its nested blocks.
Everything here is re-exported by `mwaa_lint.api`, the only module a rule imports."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional, cast

from .. import model as _m
from ..aws import arguments as _arguments
from ..aws import iam as _iam
from ..aws import s3_buckets as _buckets
from ..aws.policy_document import Grants as _Grants
from ..aws.policy_document import grants as _grants
from ..diagnostic import InputError as _InputError
from ..fixes import Edit
from ..knowledge import table as _table
from ..listing import CONFIGURATION_SUFFIXES as _CONFIGURATION_SUFFIXES
from ..model import Location
from ..provenance import Origin as _Origin
from ..provenance import direct_variable as _direct_variable
from ..provenance import origin_of as _origin_of
from ..references import uses as _uses
from ..references import waits_for as _waits_for
from ..source import read_text as _read_text
from ..values import Error, LocatedStr, Unknown, contains_unknown, to_bool, to_template_string


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

    def inputs(self) -> list[_VariableView]:
        """The variables the expression that sets the value (where it was last written: the
        outermost caller's argument, else the argument itself) reads, whose value is unknown or null."""
        origin = self._origin
        if origin is None:
            return []
        found: list[_VariableView] = []
        for name in _variables_read(origin.ev, origin.expr, origin.instance):
            block = origin.ev.module.variable(name)
            value = origin.ev.materialize(origin.ev.eval(_m.GetAttr(origin.expr.loc, _m.Name(origin.expr.loc, "var"), name)))
            if block is not None and (value is None or contains_unknown(value)) and name not in [v.name for v in found]:
                found.append(_VariableView(origin.ev, block))
        return found

    def value_if(self, variable: _VariableView, value: Any) -> Any:
        """The value the argument would have were `variable` (one of `inputs()`) set to `value`."""
        from ..evaluate import Evaluator, Instance

        origin = self._origin
        if origin is None or variable._ev is not origin.ev:
            return Unknown()
        trial = Evaluator(origin.ev.module, origin.ev.caller, [], overrides={variable.name: value})
        instance = origin.instance
        if instance is not None and instance.block.type == "module":
            instance = Instance(instance.block, instance.key, instance.each_value, ev=trial)
        elif instance is not None:  # its each.value may change with the input: expand it again
            same = [i for i in trial.instances(instance.block) if not isinstance(i.key, Unknown) and i.key == instance.key]
            if len(same) != 1:
                return Unknown()
            instance = same[0]
        return trial.value(origin.expr, instance)

    def insert_after(self, text: str) -> Optional[Edit]:
        """An Edit that adds `text` (`requirements_s3_object_version = ...`) on a line of its own
        right after this argument in its block, indented as the argument is; a comment after the
        argument stays on its line. None when the argument is not written in the block, is not
        the first thing on its line, or is in a .tf.json file."""
        loc = self.attribute_loc
        if loc is None or not loc.path.name.endswith((".tf", ".tofu")):
            return None
        try:
            lines = _read_text(loc.path).split("\n")
        except _InputError:
            return None
        if not 1 <= loc.line <= loc.end_line <= len(lines):
            return None
        first, last = lines[loc.line - 1], lines[loc.end_line - 1]
        indent = first[: len(first) - len(first.lstrip(" \t"))]
        after = last[loc.end_column - 1:].strip()
        if loc.column != len(indent) + 1 or (after and not after.startswith(("#", "//"))):
            return None
        expected = "\n".join(lines[loc.line - 1:loc.end_line])[loc.column - 1:]
        return Edit(loc.path, loc.line, loc.column, loc.end_line, len(last) + 1, f"{expected}\n{indent}{text}", expected)

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

    @property
    def for_which(self) -> str:
        """Which resource instance a finding at `loc` is about, for a message: `passed` when
        the value was passed into a module; " (for <address>)" when `loc` is a line several
        instances share (inside a module, or under count/for_each); else ""."""
        if self.passed:
            return self.passed
        address = self._resource.address
        return f" (for {address})" if address.startswith("module.") or address.endswith("]") else ""


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
        verdict = to_bool(Evaluator(trial, functions=_PROBE_FUNCTIONS).value(self._condition.expr))
        return verdict if isinstance(verdict, Unknown) else verdict is False


# RE2 (Terraform's regex engine) and Python's `re` agree on this subset: literals, `.`, classes
# of listed characters and ranges, anchors, groups, alternation and counted repetition. A
# pattern outside it (POSIX classes, flags, \p, \z, `{,n}`) is not evaluated: the call is unknown.
_RE2_SUBSET = re.compile(r"(?:[A-Za-z0-9_ ,:^$()|?*+{}.\-\[\]]|\\[dDwWsS.\\+*?()\[\]{}|^$/-])*")


def _probe_regex(pattern: Any, text: Any, *, every: bool = False) -> Any:
    """regex()/regexall() for the short texts a validation is tried with (a number's digits):
    a text that short cannot make a backtracking engine slow."""
    if not isinstance(pattern, str) or isinstance(pattern, Unknown) or isinstance(text, (Unknown, list, dict, bool)):
        return Unknown()
    text = to_template_string(text)
    if not isinstance(text, str) or len(text) > 64 or not _RE2_SUBSET.fullmatch(pattern):
        return Unknown()
    if "[:" in pattern or "(?" in pattern or "{," in pattern:
        return Unknown()
    try:
        compiled = re.compile(pattern, re.ASCII)
    except re.error:
        return Unknown()  # Terraform would reject the pattern; not ours to judge
    found = list(compiled.finditer(text)) if every else [m for m in [compiled.search(text)] if m is not None]
    results = [m.group(0) if not compiled.groups else list(m.groups()) for m in found]
    if every:
        return results
    return results[0] if results else Error(f"regex {pattern!r} does not match")


_PROBE_FUNCTIONS = {
    "regex": _probe_regex,
    "regexall": lambda pattern, text: _probe_regex(pattern, text, every=True),
}


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

    def mentions(self, attribute: str) -> list[tuple[Location, str]]:
        """(where, the address of the top-level block it is written in: `aws_vpc_endpoint.db`,
        `output.db_service`, `module.endpoints`, `locals`) for each expression that reads this
        resource's `attribute`, in its module and, through that module's outputs, in its
        callers: to know whether a computed value is used anywhere, which evaluation (an
        unknown wherever it flows) cannot tell."""
        return [(loc, block.address) for loc, block in _uses(self._ev, self._instance.block, attribute)]

    def waits_for(self, other: Resource) -> bool:
        """Does Terraform create this resource only after `other`, through a chain of references
        or `depends_on` (variables, locals, module calls and outputs included; a module that
        cannot be read waits for what its call is given)?"""
        return _waits_for(self._ev, self._instance.block, other._ev, other._instance.block)

    def policy_grants(self, name: str, action: str) -> Optional[_Grants]:
        """Whom the policy in its argument `name` (a key's `policy`, a role's
        `assume_role_policy`) lets perform `action`: `.allowed`, `.denied` ([(kind, value,
        Location)]) and `.complete`; None when the argument is not written or unknown."""
        document = _iam.read_policy(self._ev, self._instance, name)
        return _grants(document, action) if document is not None else None

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
        loc = origin.loc or _default_loc(origin) or _optional_default(origin) or attribute.loc
        return Argument(name, value, True, loc, attribute.loc,
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


def _optional_default(origin: _Origin) -> Optional[Location]:
    """For `var.NAME.a.b` whose value comes from the default of an `optional(type, default)` in
    the variable's type (the caller left the attribute out, or gave null): where that default is
    written, the line to change (or to override in the caller). None otherwise."""
    path: list[str] = []
    expr = origin.expr
    while isinstance(expr, _m.GetAttr) and _direct_variable(expr) is None:
        path.insert(0, expr.name)
        expr = expr.obj
    name = _direct_variable(expr)
    block = origin.ev.module.variable(name) if name is not None and path else None
    type_attr = block.attr("type") if block is not None else None
    if block is None or type_attr is None:
        return None
    ev = origin.ev
    given = ev.materialize(ev._var_given(name, block))
    type_expr: _m.Expr = type_attr.expr
    found: Optional[Location] = None
    for step in path:
        if not (isinstance(type_expr, _m.Call) and type_expr.name == "object" and len(type_expr.args) == 1
                and isinstance(type_expr.args[0], _m.ObjectExpr)):
            return None
        attribute_type = next((t for k, t in type_expr.args[0].items if ev.value(k) == step), None)
        if attribute_type is None:
            return None
        optional = isinstance(attribute_type, _m.Call) and attribute_type.name == "optional" and bool(attribute_type.args)
        inner = attribute_type.args[0] if optional and isinstance(attribute_type, _m.Call) else attribute_type
        supplied = given.get(step) if isinstance(given, dict) else None
        if supplied is None and optional and isinstance(attribute_type, _m.Call) and len(attribute_type.args) > 1:
            default = attribute_type.args[1]
            given, found = ev.value(default), default.loc
        elif isinstance(given, dict) and step in given:
            given = supplied
        else:
            return None
        type_expr = inner
    return found


def _variables_read(ev: Any, expr: _m.Expr, instance: Any) -> list[str]:
    """NAME of each `var.NAME` the expression reads, in order: directly, through `local.*`, and
    through the `for_each`/`count` of its instance (`each.value`, `count.index`)."""
    import dataclasses

    names: list[str] = []
    locals_ = ev.module.locals()
    seen: set[int] = set()
    stack: list[Any] = [expr]
    if instance is not None:
        stack.extend(a.expr for a in (instance.block.attr("for_each"), instance.block.attr("count")) if a is not None)
    while stack:
        node = stack.pop()
        if isinstance(node, (list, tuple)):
            stack.extend(reversed(node))
        elif isinstance(node, _m.Expr) and id(node) not in seen:
            seen.add(id(node))
            name = _direct_variable(node)
            if name is not None:
                names.append(name)
                continue
            if isinstance(node, _m.GetAttr) and isinstance(node.obj, _m.Name) and node.obj.name == "local":
                if node.name in locals_:
                    stack.append(locals_[node.name].expr)
                continue
            stack.extend(reversed([getattr(node, f.name) for f in dataclasses.fields(node) if f.name != "loc"]))
    return names


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
    return loc if loc is not None and loc.path.name.endswith(_CONFIGURATION_SUFFIXES) else None
