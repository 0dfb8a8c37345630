"""A partial evaluator for Terraform expressions over one module.

It resolves literals, templates, `var.*` (defaults and tfvars), `local.*`, references between
resources (to the resource, so rules can follow them), `count`/`for_each` instances, splats,
`for` expressions and common functions. Whatever it cannot resolve becomes `Unknown`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

from . import model as m
from .functions import call_function, unify
from .values import (
    Error,
    JsonDocument,
    LocatedStr,
    Ref,
    Unknown,
    arithmetic,
    contains_error,
    contains_unknown,
    join_parts,
    negate,
    plain,
    same_value,
    to_bool,
    to_number,
    to_template_string,
)

MAX_DEPTH = 200  # references followed before we give up (cycles, pathological inputs)
# Expressions evaluated in one run before everything else is Unknown (a few seconds): nested `for`
# over `range()` can ask for billions; a 500 KB module with 150 environments needs under a million.
MAX_STEPS = 3_000_000
_ARITHMETIC = ("+", "-", "*", "/", "%", "<", ">", "<=", ">=")  # values.arithmetic: Terraform's number semantics
# (data source type, attribute) → function(evaluator, instance) computing that output from the
# data source's arguments. The AWS knowledge stays with the AWS helpers: aws/__init__.py fills it.
COMPUTED: dict = {}


def _computed(data_source: str, attribute: str) -> Optional[Callable]:
    """COMPUTED's function for this output, the AWS helpers imported first: whoever evaluates,
    whatever was imported before (a run that starts evaluating before anything imported them
    would otherwise take a policy document's `json` for unknown, and keep that result)."""
    from . import aws  # noqa: F401  # fills COMPUTED as it is imported (once; then a dictionary lookup)

    return COMPUTED.get((data_source, attribute))


@dataclass(eq=False)
class Instance:
    """One instance of a resource or data block after `count`/`for_each` expansion."""

    block: m.Block
    key: Any = None  # None (single), int (count), str (for_each) or Unknown
    each_value: Any = None
    ev: Any = field(default=None, repr=False)  # the Evaluator of the module instance it lives in

    @property
    def address(self) -> str:
        base = (self.ev.prefix if self.ev is not None else "") + self.block.address
        if self.key is None:
            return base
        if isinstance(self.key, Unknown):
            return base + "[?]"
        if isinstance(self.key, str):
            return f'{base}["{self.key}"]'
        return f"{base}[{self.key}]"

    def scope(self) -> dict:
        if self.key is None:
            return {}
        if isinstance(self.block.attr("count"), m.Attribute):
            return {"count": {"index": self.key}}
        return {"each": {"key": self.key, "value": self.each_value}}


@dataclass(eq=False)
class ResourceSet:
    """`aws_subnet.private`: all instances of one block, before any index is applied."""

    block: m.Block
    instances: list

    def value(self) -> Any:
        if self.block.attr("for_each"):
            if any(isinstance(i.key, Unknown) for i in self.instances):
                return Unknown(self.block.address)
            return {i.key: InstanceValue(i) for i in self.instances}
        if self.block.attr("count"):
            if any(isinstance(i.key, Unknown) for i in self.instances):
                return Unknown(self.block.address)
            return [InstanceValue(i) for i in self.instances]
        return InstanceValue(self.instances[0])


@dataclass(eq=False)
class InstanceValue:
    """`aws_subnet.private[0]`: one instance, whose attributes are evaluated on demand."""

    instance: Instance


@dataclass(eq=False)
class ModuleOutputs:
    """`module.vpc`: one instance of a local module call, whose outputs are evaluated on demand."""

    child: Evaluator


@dataclass
class _Namespace:
    """`var`, `local`, `data`, a resource type: resolved one attribute at a time."""

    kind: str
    type_: str = ""
    data: dict = field(default_factory=dict)


class Evaluator:
    """Evaluates one module instance. The root has no caller; a local module called by
    `module "x" {}` gets an Evaluator of its own whose `var.*` are the caller's arguments."""

    def __init__(self, module: m.Module, caller: Optional[Instance] = None, tree: Optional[list] = None,
                 overrides: Optional[dict] = None, functions: Optional[dict] = None):
        self.module = module
        # a trial evaluation (rules probing an input): var.NAME → value instead of what sets it,
        # and function name → implementation used instead of the built-in one
        self.overrides = overrides or {}
        self.functions = functions or {}
        self.caller = caller  # the `module` block instance that calls this one (None: the root)
        self.prefix = caller.address + "." if caller is not None else ""
        self.tree = tree if tree is not None else []  # every Evaluator of the run, root first
        self.tree.append(self)
        self.calls: dict = {}  # module block name → [(Instance, Evaluator or None if not followed)]
        # module block name → why its module was not followed (not downloaded, stale: modules.py)
        self.unfollowed: dict = {}
        self._locals = module.locals()
        self._cache: dict = {}
        self._instances: dict = {}
        self._in_progress: set = set()
        self._depth = 0
        self.steps = 0  # on the root evaluator: expressions evaluated in the whole tree
        self._gave_up: Optional[str] = None  # on the root evaluator: why some value became Unknown early
        self._resource_types = {b.labels[0] for b in module.blocks("resource") if b.labels}
        # (kind, *labels) → the first such block, and resource type → its blocks: looked up on
        # every reference, so not a scan of the module each time (that made big modules quadratic)
        self._blocks: dict = {}
        self._resources: dict = {}
        for kind in ("resource", "data", "variable", "output"):
            for block in module.blocks(kind):
                self._blocks.setdefault((kind, *block.labels), block)
                if kind == "resource" and block.labels:
                    self._resources.setdefault(block.labels[0], []).append(block)

    # -- public API for rules
    def all_instances(self, resource_type: str) -> list:
        """Every instance of a resource type in every module instance of the run."""
        return [
            instance
            for ev in self.tree
            for block in ev._resources.get(resource_type, [])
            for instance in ev.instances(block)
        ]

    def instances(self, block: m.Block) -> list:
        """The instances of a resource/data block; a `count = 0` block has none."""
        key = id(block)
        if key not in self._instances:
            self._instances[key] = [Instance(block, ev=self)]  # placeholder while expanding (self-refs)
            try:
                self._instances[key] = self._expand(block)
            except Exception:  # a RecursionError: do not leave the placeholder behind
                del self._instances[key]
                raise
        return self._instances[key]

    def attr(self, instance: Instance, name: str, default: Any = None) -> Any:
        """The value of a top-level attribute of an instance, or `default` if it is not set."""
        if instance.ev is not None and instance.ev is not self:
            return instance.ev.attr(instance, name, default)
        attribute = instance.block.attr(name)
        if attribute is None:
            return default
        # the value a reference to `instance.name` gets, worked out once: rules ask again and again
        return self._cached((id(instance), name), lambda: self.eval(attribute.expr, instance))

    def value(self, expr: m.Expr, instance: Optional[Instance] = None) -> Any:
        """Evaluate and materialize: lazy references become lists/dicts or Unknown."""
        return self.materialize(self.eval(expr, instance))

    def target(self, value: Any) -> Optional[Instance]:
        """The resource instance a reference value points at (`aws_iam_role.x.arn` → role)."""
        if isinstance(value, Ref):
            return value.instance
        if isinstance(value, InstanceValue):
            return value.instance
        return None

    def children(self, block: m.Block, name: str, instance: Optional[Instance] = None) -> list:
        """Nested blocks of one type, with `dynamic` blocks expanded for this instance."""
        from .dynamic import children

        return children(self, block, name, instance)

    @property
    def gave_up(self) -> Optional[str]:
        """Why evaluation stopped short somewhere in the tree (a value became Unknown that
        Terraform would know), or None. When set, the check of this module is incomplete."""
        return self.tree[0]._gave_up

    def _give_up(self, reason: str) -> Unknown:
        root = self.tree[0]
        root._gave_up = root._gave_up or reason
        return Unknown()

    # -- evaluation
    def eval(self, expr: m.Expr, instance: Optional[Instance] = None, scope: Optional[dict] = None) -> Any:
        if instance is not None and instance.ev is not None and instance.ev is not self:
            return instance.ev.eval(expr, instance, scope)  # an instance from another module
        scope = {**(instance.scope() if instance else {}), **(scope or {})}
        try:
            return self._eval(expr, instance, scope)
        except RecursionError:
            if self._depth:  # unwind to the outermost evaluation, which gives up
                raise
            return self._give_up("expressions and references nested too deeply to evaluate")

    def _eval(self, expr: m.Expr, inst: Optional[Instance], scope: dict) -> Any:
        self._depth += 1
        root = self.tree[0]
        root.steps += 1
        try:
            if self._depth > MAX_DEPTH:
                return self._give_up(f"references followed more than {MAX_DEPTH} levels deep")
            if root.steps > MAX_STEPS:
                return self._give_up(f"evaluation stopped after {MAX_STEPS:,} steps")
            return _EVALUATE[type(expr)](self, expr, inst, scope)
        finally:
            self._depth -= 1

    def _e_Literal(self, expr: m.Literal, inst, scope) -> Any:
        if isinstance(expr.value, str):
            return LocatedStr(expr.value, expr.loc)
        return expr.value

    def _e_Template(self, expr: m.Template, inst, scope) -> Any:
        if len(expr.parts) == 1 and not isinstance(expr.parts[0], str) and not expr.heredoc:
            # "${aws_iam_role.x.arn}" is the value itself, as in Terraform (no string conversion)
            return self._eval(expr.parts[0], inst, scope)
        parts = []
        for part in expr.parts:
            parts.append(part if isinstance(part, str) else self.materialize(self._eval(part, inst, scope)))
        return join_parts(parts)

    def _render(self, parts: list, inst, scope: dict) -> Any:
        """Template parts as one string (a PartialString or Unknown when some part is unknown)."""
        return join_parts([p if isinstance(p, str) else self.materialize(self._eval(p, inst, scope)) for p in parts])

    def _e_TemplateIf(self, expr: m.TemplateIf, inst, scope) -> Any:
        cond_value = self.materialize(self._eval(expr.cond, inst, scope))
        if isinstance(cond_value, Error):
            return cond_value
        cond = to_bool(cond_value)
        if isinstance(cond, Unknown):
            return Unknown()
        return self._render(expr.then if cond else expr.otherwise, inst, scope)

    def _e_TemplateFor(self, expr: m.TemplateFor, inst, scope) -> Any:
        collection = self._eval(expr.collection, inst, scope)
        if isinstance(collection, ResourceSet):
            collection = collection.value()
        if isinstance(collection, Error):
            return collection
        if isinstance(collection, dict):
            pairs = sorted(collection.items(), key=lambda item: item[0])  # Terraform: in key order
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return Error("a template for over null") if collection is None else Unknown()
        rendered = []
        for key, value in pairs:
            inner = {**scope, expr.value_var: value}
            if expr.key_var:
                inner[expr.key_var] = key
            rendered.append(self._render(expr.body, inst, inner))
        return join_parts(rendered)

    def _e_TupleExpr(self, expr: m.TupleExpr, inst, scope) -> Any:
        return [self._eval(item, inst, scope) for item in expr.items]

    def _e_ObjectExpr(self, expr: m.ObjectExpr, inst, scope) -> Any:
        out: dict = {}
        for key_expr, value_expr in expr.items:
            key = self.materialize(self._eval(key_expr, inst, scope))
            if not isinstance(key, str):
                return Unknown()
            out[str(key)] = self._eval(value_expr, inst, scope)
        return out

    def _e_Name(self, expr: m.Name, inst, scope) -> Any:
        name = expr.name
        if name in scope:
            return scope[name]
        if name in ("var", "local", "data", "module"):
            return _Namespace(name)
        if name == "path":
            # absolute, so a path built from it means the same file whatever directory we run in
            root = str(self.tree[0].module.directory.absolute())
            return {"module": str(self.module.directory.absolute()), "root": root, "cwd": root}
        if name in self._resource_types:
            return _Namespace("resource", name)
        return Unknown(name)  # module.*, terraform.*, self, unknown for-variables

    def _e_GetAttr(self, expr: m.GetAttr, inst, scope) -> Any:
        return self.get_attr(self._eval(expr.obj, inst, scope), expr.name)

    def _e_Index(self, expr: m.Index, inst, scope) -> Any:
        obj = self._eval(expr.obj, inst, scope)
        key = self.materialize(self._eval(expr.key, inst, scope))
        if isinstance(key, Error):
            return key
        return self.index(obj, key)

    def _e_Splat(self, expr: m.Splat, inst, scope) -> Any:
        obj = self._eval(expr.obj, inst, scope)
        if isinstance(obj, ResourceSet):
            obj = obj.value()
        if isinstance(obj, Error):
            return obj
        if isinstance(obj, Unknown):
            return Unknown()
        items = obj if isinstance(obj, list) else ([] if obj is None else [obj])
        return [self._apply_splat(expr.rest, item, inst, scope) for item in items]

    def _apply_splat(self, rest: m.Expr, item: Any, inst, scope) -> Any:
        if isinstance(rest, m.SplatItem):
            return item
        if isinstance(rest, m.GetAttr):
            return self.get_attr(self._apply_splat(rest.obj, item, inst, scope), rest.name)
        if isinstance(rest, m.Index):
            key = self.materialize(self._eval(rest.key, inst, scope))
            return self.index(self._apply_splat(rest.obj, item, inst, scope), key)
        return Unknown()

    def _e_Computed(self, expr: m.Computed, inst, scope) -> Any:
        return Unknown(expr.origin)

    def _e_Bound(self, expr: m.Bound, inst, scope) -> Any:
        return self._eval(expr.expr, inst, {**scope, **expr.bindings})

    def _e_SplatItem(self, expr, inst, scope) -> Any:
        return Unknown()

    def _e_Call(self, expr: m.Call, inst, scope) -> Any:
        if expr.name in ("try", "can"):
            return self._try(expr, inst, scope)
        if expr.name == "templatefile":
            from .templates import render_template_file

            args = [self.materialize(self._eval(a, inst, scope)) for a in expr.args]
            return render_template_file(self, args, expr.loc)
        args = [self.materialize(self._eval(a, inst, scope), keep_json=True) for a in expr.args]
        failed = next((a for a in args if contains_error(a)), None)
        if failed is not None:
            return failed if isinstance(failed, Error) else Error(f"an argument of {expr.name}() is an error")
        if expr.expand_last and args:
            if not isinstance(args[-1], list):
                return Unknown()
            args = args[:-1] + args[-1]
        special = self.tree[0].functions.get(expr.name)
        if special is not None:
            return special(*args)
        # relative paths in file() and friends are relative to the directory Terraform runs in
        return call_function(expr.name, args, self.tree[0].module.directory, expr.loc)

    def _try(self, expr: m.Call, inst, scope) -> Any:
        """try(a, b, ...): the first argument that evaluates without an error Terraform would
        raise (an Error); one that is unknown makes the result unknown, as Terraform cannot
        tell yet whether it would fail. can(a): false on an error, true on a known value."""
        if not expr.args:
            return Unknown()
        for arg in expr.args:
            value = self.materialize(self._eval(arg, inst, scope))
            if contains_error(value):
                if expr.name == "can":
                    return False
                continue
            if expr.name == "can":
                return Unknown() if contains_unknown(value) else True
            return Unknown() if contains_unknown(value) else value
        return Error("no argument of try() could be evaluated")

    def _e_BinaryOp(self, expr: m.BinaryOp, inst, scope) -> Any:
        left = self.materialize(self._eval(expr.left, inst, scope))
        if isinstance(left, Error):
            return left
        if expr.op in ("&&", "||"):
            left_bool = to_bool(left)
            if expr.op == "&&" and left_bool is False or expr.op == "||" and left_bool is True:
                return left_bool
            right_value = self.materialize(self._eval(expr.right, inst, scope))
            if isinstance(right_value, Error):
                return right_value
            right_bool = to_bool(right_value)
            if isinstance(left_bool, Unknown):
                # unknown && false is false; unknown || true is true
                if expr.op == "&&" and right_bool is False or expr.op == "||" and right_bool is True:
                    return right_bool
                return Unknown()
            return right_bool
        right = self.materialize(self._eval(expr.right, inst, scope))
        if isinstance(right, Error):
            return right
        if expr.op in ("==", "!="):
            same = same_value(left, right)
            if same is None:
                return Unknown()
            return same if expr.op == "==" else not same
        a, b = to_number(left), to_number(right)
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return Unknown()
        return arithmetic(expr.op, a, b) if expr.op in _ARITHMETIC else Unknown()

    def _e_UnaryOp(self, expr: m.UnaryOp, inst, scope) -> Any:
        value = self.materialize(self._eval(expr.operand, inst, scope))
        if isinstance(value, Error):
            return value
        if expr.op == "!":
            value = to_bool(value)
            return value if isinstance(value, Unknown) else not value
        value = to_number(value)
        return value if isinstance(value, Unknown) else negate(value)

    def _e_Conditional(self, expr: m.Conditional, inst, scope) -> Any:
        cond_value = self.materialize(self._eval(expr.cond, inst, scope))
        if isinstance(cond_value, Error):
            return cond_value
        cond = to_bool(cond_value)
        if isinstance(cond, Unknown):
            return Unknown()
        # Terraform reports only the errors of the branch it takes: `x == null ? d : x.y` is fine
        chosen = self._eval(expr.true if cond else expr.false, inst, scope)
        other = expr.false if cond else expr.true
        if _static(other) and isinstance(chosen, (str, int, float, list, dict)):
            # Terraform gives both arms one type: `false ? "a" : 1` is "1"
            known = self.materialize(chosen, keep_json=True)
            other_value = self._eval(other, inst, scope)
            if not contains_unknown(known) and (_kind_of(known) != _kind_of(other_value) or isinstance(known, (list, dict))):
                return unify(known, other_value)
        return chosen

    def _e_ForExpr(self, expr: m.ForExpr, inst, scope) -> Any:
        collection = self._eval(expr.collection, inst, scope)
        if isinstance(collection, ResourceSet):
            collection = collection.value()
        if isinstance(collection, Error):
            return collection
        if isinstance(collection, dict):
            pairs = sorted(collection.items(), key=lambda kv: str(kv[0]))  # Terraform iterates maps and objects by key
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return Unknown()
        results_list: list[Any] = []
        results_map: dict[str, Any] = {}
        for key, value in pairs:
            inner = {**scope, expr.value_var: value}
            if expr.key_var:
                inner[expr.key_var] = key
            if expr.cond is not None:
                keep = to_bool(self.materialize(self._eval(expr.cond, inst, inner)))
                if isinstance(keep, Unknown):
                    return Unknown()
                if not keep:
                    continue
            out_value = self._eval(expr.value, inst, inner)
            if expr.key is None:
                results_list.append(out_value)
                continue
            out_key = self.materialize(self._eval(expr.key, inst, inner))
            if isinstance(out_key, (int, float)):  # bools and numbers: object keys are strings
                out_key = to_template_string(out_key)
            if not isinstance(out_key, str):
                return Unknown()
            if expr.grouping:
                results_map.setdefault(str(out_key), []).append(out_value)
            elif str(out_key) in results_map:
                return Unknown()  # Terraform: duplicate object key (`...` groups them)
            else:
                results_map[str(out_key)] = out_value
        return results_list if expr.key is None else results_map

    # -- traversal
    def get_attr(self, obj: Any, name: str) -> Any:
        if isinstance(obj, _Namespace):
            return self._namespace_attr(obj, name)
        if isinstance(obj, ResourceSet):
            obj = obj.value()
        if isinstance(obj, InstanceValue):
            return (obj.instance.ev or self)._instance_attr(obj.instance, name)
        if isinstance(obj, ModuleOutputs):
            return obj.child.output(name)
        if isinstance(obj, Ref):
            return Ref(obj.instance, f"{obj.attr}.{name}")
        if isinstance(obj, dict):
            # an object or map without that attribute: "Unsupported attribute", an error
            return obj[name] if name in obj else Error(f'no attribute "{name}"')
        if isinstance(obj, Error):
            return obj
        if isinstance(obj, Unknown):
            return Unknown(f"{obj.origin}.{name}" if obj.origin else "")
        if obj is None:
            return Error(f'attempt to get attribute "{name}" from a null value')
        return Unknown()

    def index(self, obj: Any, key: Any) -> Any:
        if isinstance(obj, ResourceSet):
            for instance in obj.instances:
                if not isinstance(instance.key, Unknown) and instance.key == plain(key):
                    return InstanceValue(instance)
            if isinstance(key, Unknown) or any(isinstance(i.key, Unknown) for i in obj.instances):
                return Unknown()
            return Unknown()  # out of range: Terraform would fail; we stay silent
        if isinstance(obj, Error):
            return obj
        if isinstance(key, Unknown):
            return Unknown()
        if isinstance(obj, Ref):
            return Ref(obj.instance, f"{obj.attr}[{key}]")
        if obj is None:
            return Error("attempt to index a null value")
        if isinstance(obj, list):
            number = to_number(key)
            if isinstance(number, int) and 0 <= number < len(obj):
                return obj[number]
            if isinstance(number, int) and not isinstance(key, bool):
                return Error(f"index {number} out of range")  # "Invalid index"
            return Unknown()
        if isinstance(obj, dict):
            if isinstance(key, (str, int, float)) and not isinstance(key, bool):
                return obj[str(key)] if str(key) in obj else Error(f'no element "{key}"')
            return Unknown()
        return Unknown()

    def _namespace_attr(self, ns: _Namespace, name: str) -> Any:
        if ns.kind == "var":
            return self._var(name)
        if ns.kind == "local":
            return self._local(name)
        if ns.kind == "data":
            return _Namespace("data_type", name)
        if ns.kind == "module":
            return self._module_call(name)
        if ns.kind in ("resource", "data_type"):
            kind = "resource" if ns.kind == "resource" else "data"
            block = self._blocks.get((kind, ns.type_, name))
            if block is None:
                return Unknown(f"{ns.type_}.{name}")
            return ResourceSet(block, self.instances(block))
        return Unknown()

    def _instance_attr(self, instance: Instance, name: str) -> Any:
        block = instance.block
        compute = _computed(block.labels[0], name) if block.type == "data" else None
        if compute is not None:  # a data source's output that its arguments decide
            return self._cached((name, id(instance)), lambda: compute(self, instance))
        attribute = block.attr(name)
        if attribute is None:
            return Ref(instance, name)
        return self._cached((id(instance), name), lambda: self.eval(attribute.expr, instance))

    def _module_call(self, name: str) -> Any:
        calls = self.calls.get(name)
        if not calls or any(child is None for _, child in calls):
            return Unknown(f"module.{name}")  # a remote source, or one we could not load
        block = calls[0][0].block
        if block.attr("for_each") is not None:
            if any(isinstance(call.key, Unknown) for call, _ in calls):
                return Unknown(f"module.{name}")
            return {call.key: ModuleOutputs(child) for call, child in calls}
        if block.attr("count") is not None:
            if any(isinstance(call.key, Unknown) for call, _ in calls):
                return Unknown(f"module.{name}")
            return [ModuleOutputs(child) for _, child in calls]
        return ModuleOutputs(calls[0][1])

    def output(self, name: str) -> Any:
        """The value of `output "name"` in this module instance."""
        block = self._blocks.get(("output", name))
        if block is None or block.attr("value") is None:
            return Unknown(f"{self.prefix}{name}")
        return self._cached(("output", name), lambda: self.eval(block.attr("value").expr))

    def _var(self, name: str) -> Any:
        """`var.NAME` as Terraform sees it: the caller's argument (or the root's tfvars value), else
        the default; `null` given to a `nullable = false` variable is its default; `optional()`
        attributes of an object type that are omitted or null take their defaults."""
        if name in self.overrides:
            return self.overrides[name]
        block = self._blocks.get(("variable", name))
        if block is None:
            return self._var_given(name, None)
        return self._cached(("var-typed", name), lambda: self._var_typed(name, block))

    def _var_typed(self, name: str, block: m.Block) -> Any:
        from .variables import nullable, with_optional_defaults

        value = self._var_given(name, block)
        if value is None and not nullable(block, self):
            default = block.attr("default")
            if default is None or self.value(default.expr) is None:
                return Error(f"var.{name} is null and not nullable")  # Terraform rejects the call
            value = self.eval(default.expr)
        type_attr = block.attr("type")
        if type_attr is None or value is None or isinstance(value, Unknown):
            return value
        return with_optional_defaults(self, value, type_attr.expr)

    def _var_given(self, name: str, block: Optional[m.Block]) -> Any:
        if self.caller is not None:
            argument = self.caller.block.attr(name)
            if argument is not None:  # the caller's argument, evaluated where the caller is
                return self._cached(("var", name), lambda: self.caller.ev.eval(argument.expr, self.caller))
        elif name in self.module.variable_values:
            return self.module.variable_values[name]
        default = block.attr("default") if block is not None else None
        if default is None:
            return Unknown(f"var.{name}")
        return self._cached(("var", name), lambda: self.eval(default.expr))

    def _local(self, name: str) -> Any:
        attribute = self._locals.get(name)
        if attribute is None:
            return Unknown(f"local.{name}")
        return self._cached(("local", name), lambda: self.eval(attribute.expr))

    def _cached(self, key: Any, compute) -> Any:
        if key in self._cache:
            return self._cache[key]
        if key in self._in_progress:
            return Unknown()  # a reference cycle: Terraform would reject it
        self._in_progress.add(key)
        try:
            value = compute()
        finally:
            self._in_progress.discard(key)
        self._cache[key] = value
        return value

    def _expand(self, block: m.Block) -> list:
        count_attr, for_each_attr = block.attr("count"), block.attr("for_each")
        if count_attr is not None:
            count = to_number(self.value(count_attr.expr))
            if isinstance(count, Unknown):
                return [Instance(block, Unknown(), ev=self)]
            return [Instance(block, i, ev=self) for i in range(int(count))]
        if for_each_attr is not None:
            each = self.eval(for_each_attr.expr)
            if isinstance(each, ResourceSet):
                each = each.value()
            # `for_each = aws_subnet.public`: keep each.value a lazy instance, so `each.value.id`
            # still leads back to the subnet
            each = each if isinstance(each, dict) else self.materialize(each)
            if isinstance(each, dict):
                return [Instance(block, k, v, ev=self) for k, v in each.items()]
            if isinstance(each, list) and all(isinstance(v, str) for v in each):
                return [Instance(block, str(v), v, ev=self) for v in each]
            return [Instance(block, Unknown(), Unknown(), ev=self)]
        return [Instance(block, ev=self)]

    # -- materialization
    def materialize(self, value: Any, keep_json: bool = False) -> Any:
        """Turn lazy references into plain values: sets become lists/maps, instances unknown."""
        if isinstance(value, (_Namespace, ModuleOutputs)):
            return Unknown()
        if isinstance(value, ResourceSet):
            value = value.value()
        if isinstance(value, InstanceValue):
            return Unknown(value.instance.address)
        if isinstance(value, JsonDocument) and not keep_json:
            try:
                return value.text()
            except (TypeError, ValueError):  # e.g. a policy document's statements carry their Location
                return Unknown()
        if isinstance(value, list):
            return [self.materialize(v, keep_json) for v in value]
        if isinstance(value, dict):
            return {k: self.materialize(v, keep_json) for k, v in value.items()}
        return value


def _static(expr: m.Expr) -> bool:
    """An expression of literals only (evaluating it has no effects and cannot fail)."""
    if isinstance(expr, m.Literal):
        return True
    if isinstance(expr, m.TupleExpr):
        return all(_static(item) for item in expr.items)
    if isinstance(expr, m.ObjectExpr):
        return all(_static(k) and _static(v) for k, v in expr.items)
    return isinstance(expr, m.Template) and all(isinstance(part, str) for part in expr.parts)


def _kind_of(value: Any) -> str:
    return "null" if value is None else "bool" if isinstance(value, bool) else "number" if isinstance(
        value, (int, float)) else "string" if isinstance(value, str) else type(value).__name__


# How each kind of expression is evaluated: one entry per expression class of the model
# (tests/test_evaluate.py checks that none is missing), so renaming a class fails at import.
# (the evaluator, the expression: an instance of the key, the instance, the scope) → its value
_EVALUATE: dict[type[m.Expr], Callable[[Evaluator, Any, Optional[Instance], dict], Any]] = {
    m.Literal: Evaluator._e_Literal,
    m.Template: Evaluator._e_Template,
    m.TemplateIf: Evaluator._e_TemplateIf,
    m.TemplateFor: Evaluator._e_TemplateFor,
    m.TupleExpr: Evaluator._e_TupleExpr,
    m.ObjectExpr: Evaluator._e_ObjectExpr,
    m.Name: Evaluator._e_Name,
    m.GetAttr: Evaluator._e_GetAttr,
    m.Index: Evaluator._e_Index,
    m.Splat: Evaluator._e_Splat,
    m.SplatItem: Evaluator._e_SplatItem,
    m.Call: Evaluator._e_Call,
    m.BinaryOp: Evaluator._e_BinaryOp,
    m.UnaryOp: Evaluator._e_UnaryOp,
    m.Conditional: Evaluator._e_Conditional,
    m.ForExpr: Evaluator._e_ForExpr,
    m.Bound: Evaluator._e_Bound,
    m.Computed: Evaluator._e_Computed,
}
