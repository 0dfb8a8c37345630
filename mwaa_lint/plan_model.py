"""A plan checked without its configuration: its planned resources as a module (model.py), so
every rule reads them as it reads `.tf` files.

CI often keeps `terraform show -json` output apart from the code (an artifact of the plan job).
The plan then is all there is, and it holds what the rules need: each resource's planned values
(`resource_changes[].change.after`, and the data sources Terraform read while planning, in
`prior_state`), which of them are known only after apply (`after_unknown`), and, in
`configuration`, what each written argument refers to.

Each resource instance becomes one top-level block whose address is the plan's
(`module.network.aws_subnet.private[0]`) and whose arguments sit where their values are in the
plan file, so findings point there:
- a list of objects is nested blocks (the plan writes blocks so, `network_configuration`,
  `statement`, `versioning`; and the provider's attributes-as-blocks, `ingress`, `route`);
  maps are objects;
- a known value is a literal;
- a sensitive value is never copied (it is Computed: unknown); the keys of a sensitive map are
  kept, since rules judge `airflow_configuration_options` by its keys, not its values;
- a value known only after apply that the configuration wrote as nothing but references
  (`execution_role_arn = aws_iam_role.x.arn`; `subnet_ids = module.vpc.private_subnets`, through
  the module's output; `role = var.role`, through the caller's argument) becomes those references,
  so rules follow the environment to its role, subnets and bucket as they do in `.tf`. Anything
  else (a function of references, a local, a conditional on a variable) is Computed;
- a list of IDs or ARNs with items known only after apply (`policy_arns = [aws_iam_policy.x.arn,
  "arn:aws:iam::aws:policy/..."]`) gets those items from the references when the resources whose
  attribute is unknown are exactly as many as the unknown items;
- a module's input the caller leaves out, whose default is null, is null: an argument written as
  nothing but it is not set, though the plan marks it known after apply (the provider computes it);
- an argument the configuration did not write and the provider computes is left out, as it is
  from the `.tf` (rules take an argument not set as the provider's default). A nested block made
  by `dynamic` over a value unknown until apply looks the same in a plan, and is left out too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from . import model as m
from .json_reader import JsonValue
from .plan import Plan, items, members, plain

# `module.a["x"].module.b`: the calls of a module instance's address, each with its key
_MODULE_STEP = re.compile(r'module\.([A-Za-z_][\w-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.?')
# a reference as `configuration` lists it: `aws_subnet.private[0].id`, `data.x.y.json`, `module.m.out`, `var.v`
_REFERENCE = re.compile(r'(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(?:\.([A-Za-z_][\w-]*))?')
# what an argument that names another resource may take of it: an ID, an ARN, a name; a policy, a document
_NAMING = frozenset({"arn", "id", "name", "key_id", "bucket"})
_CALLS_MAX_DEPTH = 20  # module calls followed when resolving a reference through outputs and inputs
_LOOKUPS_MAX = 100_000  # references looked up in all: outputs of outputs cannot fan out without end
_ADDRESS_MAX = 2048  # a longer address or reference is not one Terraform wrote: ignored, not scanned
_INDEX = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]$')


@dataclass(eq=False)
class PlannedBlock(m.Block):
    """One resource instance of the plan; its address is the plan's."""

    planned_address: str = ""

    @property
    def address(self) -> str:
        return self.planned_address


@dataclass
class _Planned:
    address: str
    mode: str  # managed | data
    type: str
    name: str
    key: Any  # None, an int (count) or a str (for_each)
    module: str  # the module instance address: "" for the root, `module.a["x"]`
    values: JsonValue  # the planned values: an object
    unknown: Any  # after_unknown's structure (True where known only after apply)
    sensitive: Any
    entry: JsonValue  # the entry in the plan file


def planned_module(plan: Plan) -> m.Module:
    """The plan's resource instances as one module's blocks, located in the plan file."""
    assert plan.document is not None and plan.reader is not None
    document = members(plan.document)
    builder = _Builder(plan, plain(document.get("configuration")))
    planned = [*_changes(document), *_read_data(document)]
    seen: set = set()
    for entry in planned:
        if entry.address not in seen:  # a data source both read and to be read: the change wins
            seen.add(entry.address)
            builder.by_address[entry.address] = entry
    builder.index_identities()
    blocks = [builder.block(entry) for entry in builder.by_address.values()]
    file = m.File(plan.path, plan.reader.text, blocks)
    return m.Module(plan.directory, [file], variable_values=dict(plan.variables))


def _changes(document: dict) -> list:
    found = []
    for entry in items(document.get("resource_changes")):
        fields = members(entry)
        change = members(fields.get("change"))
        after = change.get("after")
        if after is None or after.kind != "object":  # deleted: nothing of it is planned
            continue
        planned = _planned(fields, after, plain(change.get("after_unknown")), plain(change.get("after_sensitive")), entry)
        if planned is not None:
            found.append(planned)
    return found


def _read_data(document: dict) -> list:
    """The data sources Terraform read while planning (`prior_state`): all their values are known."""
    found: list = []
    state = members(members(document.get("prior_state")).get("values"))
    modules = [members(state.get("root_module"))]
    while modules and len(found) < 100_000:  # the reader bounds the document; this the walk
        module = modules.pop(0)
        for resource in items(module.get("resources")):
            fields = members(resource)
            values = fields.get("values")
            if plain(fields.get("mode")) == "data" and values is not None and values.kind == "object":
                planned = _planned(fields, values, None, plain(fields.get("sensitive_values")), resource)
                if planned is not None:
                    found.append(planned)
        modules.extend(members(child) for child in items(module.get("child_modules")))
    return found


def _planned(fields: dict, values: JsonValue, unknown: Any, sensitive: Any, entry: JsonValue) -> Optional[_Planned]:
    address, mode, type_, name = (plain(fields.get(k)) for k in ("address", "mode", "type", "name"))
    module = plain(fields.get("module_address")) or ""
    key = plain(fields.get("index"))
    if not all(isinstance(v, str) for v in (address, mode, type_, name, module)) or mode not in ("managed", "data"):
        return None
    if len(address) > _ADDRESS_MAX or len(module) > _ADDRESS_MAX:
        return None
    if isinstance(key, bool) or not isinstance(key, (int, str, type(None))):
        return None
    return _Planned(address, mode, type_, name, key, module, values, unknown, sensitive, entry)


class _Builder:
    def __init__(self, plan: Plan, configuration: Any):
        assert plan.reader is not None
        self.reader = plan.reader
        self.configuration = configuration if isinstance(configuration, dict) else {}
        self.by_address: dict = {}  # plan address → _Planned
        self.identities: dict = {}  # a known `id` or `arn` → [(plan address, "id" or "arn")]
        self.instances_of: dict = {}  # `aws_subnet.private` → its instances' addresses, in the plan's order
        self.resources: dict = {}  # (module calls, relative address) → the resource in `configuration`
        self.lookups = 0

    def index_identities(self) -> None:
        for address, entry in self.by_address.items():
            self.instances_of.setdefault(_INDEX.sub("", address), []).append(address)
            if isinstance(entry.sensitive, dict) and any(entry.sensitive.get(a) for a in ("id", "arn")):
                continue
            values = members(entry.values)
            for attribute in ("id", "arn"):
                value = values.get(attribute)
                if value is not None and value.kind == "string" and value.value:
                    self.identities.setdefault(value.value, []).append((address, attribute))

    # -- blocks
    def block(self, entry: _Planned) -> m.Block:
        fields = members(entry.entry)
        at = fields.get("address")
        head = self._loc(at if at is not None else entry.entry)
        resource = self._config_resource(entry)
        config = resource.get("expressions") if resource is not None else None
        attributes, blocks = self._body(entry, entry.values, entry.unknown, entry.sensitive, config, head)
        for identity in ("id", "arn"):  # computed, as in `.tf`: a reference to it is the resource itself
            attributes.pop(identity, None)
        waits = self._dependencies(entry, resource, head)
        if waits.items:
            attributes["depends_on"] = m.Attribute("depends_on", waits, head)
        kind = "data" if entry.mode == "data" else "resource"
        # named by its plan address, which is unique: the references built here name it so
        return PlannedBlock(kind, [entry.type, entry.address], head, self._loc(entry.entry),
                            attributes, blocks, planned_address=entry.address)

    def _body(self, entry: _Planned, values: JsonValue, unknown: Any, sensitive: Any, config: Any,
              head: m.Location) -> tuple[dict, list]:
        attributes: dict = {}
        blocks: list = []
        written = config if isinstance(config, dict) else {}
        known = {key.value: (key, value) for key, value in values.value}
        names = list(known) + [n for n in (unknown if isinstance(unknown, dict) else {}) if n not in known]
        for name in names:
            key, value = known.get(name, (None, None))
            unknown_here = unknown.get(name) if isinstance(unknown, dict) else None
            sensitive_here = sensitive.get(name) if isinstance(sensitive, dict) else sensitive
            if value is not None and value.kind == "array" and value.value \
                    and all(item.kind == "object" for item in value.value) and sensitive_here is not True:
                for i, item in enumerate(value.value):
                    loc = self._loc(item)
                    inner_attributes, inner_blocks = self._body(
                        entry, item, _nth(unknown_here, i), _nth(sensitive_here, i), _nth(written.get(name), i), loc)
                    blocks.append(m.Block(name, [], self._loc(key) if key is not None else loc, loc, inner_attributes, inner_blocks))
                continue
            where = self._loc(key, value) if key is not None and value is not None else head
            if unknown_here is True or (value is None and unknown_here):
                if name not in written or self._null_input(written[name], _module_steps(entry.module), 0):
                    continue  # computed by the provider, not written or written as null: as if not set
                expr: m.Expr = self._reference(entry, name, written[name], where)
            elif value is None or value.kind == "word" and value.value is None:
                continue  # null: not set
            else:
                expr = self._literal(value, unknown_here, sensitive_here, f"{entry.address}.{name}",
                                     (name, entry.address) if _naming(name) else None)
                if isinstance(expr, m.TupleExpr) and isinstance(unknown_here, list) and name in written:
                    expr = self._partly_known(entry, name, expr, written[name])
            attributes[name] = m.Attribute(name, expr, where)
        return attributes, blocks

    def _literal(self, value: JsonValue, unknown: Any, sensitive: Any, origin: str,
                 naming: Optional[tuple] = None) -> m.Expr:
        """The planned value as an expression. In an argument that names other resources
        (`naming`: the argument, the address it is in), an ID or ARN of exactly one other
        resource of the plan is a reference to it, as the configuration most likely wrote it."""
        loc = self._loc(value)
        if naming is not None and value.kind == "string" and unknown is not True and sensitive is not True:
            found = [(a, attribute) for a, attribute in self.identities.get(value.value, []) if a != naming[1]]
            if len(found) == 1:
                return self._get(found[0][0], found[0][1], loc)
        if unknown is True:
            return m.Computed(loc, f"{origin} (known after apply)")
        if value.kind == "object":
            if sensitive is True:  # the keys are kept, the values never
                return m.ObjectExpr(loc, [(m.Literal(self._loc(k), k.value), m.Computed(self._loc(v), f"{origin} (sensitive)"))
                                          for k, v in value.value])
            pairs = []
            for k, v in value.value:
                inner_unknown = unknown.get(k.value) if isinstance(unknown, dict) else None
                inner_sensitive = sensitive.get(k.value) if isinstance(sensitive, dict) else None
                pairs.append((m.Literal(self._loc(k), k.value), self._literal(v, inner_unknown, inner_sensitive, origin)))
            return m.ObjectExpr(loc, pairs)
        if sensitive is True:
            return m.Computed(loc, f"{origin} (sensitive)")
        if value.kind == "array":
            return m.TupleExpr(loc, [self._literal(v, _nth(unknown, i), _nth(sensitive, i), origin, naming)
                                     for i, v in enumerate(value.value)])
        return m.Literal(loc, value.value)

    def _loc(self, first: JsonValue, last: Optional[JsonValue] = None) -> m.Location:
        end = (last or first).end
        return self.reader.location(first.start, end if end >= 0 else first.start + 1)

    # -- references
    def _dependencies(self, entry: _Planned, resource: Optional[dict], where: m.Location) -> m.TupleExpr:
        """What Terraform creates before this resource: each resource its configuration refers
        to (known values included: a literal in the plan was a reference in the `.tf`) and its
        `depends_on`, as one `depends_on` list (what references.waits_for follows)."""
        references: list = []
        stack = [resource.get("expressions") if resource is not None else None]
        while stack and len(references) < 10_000:
            node = stack.pop()
            if isinstance(node, dict):
                found = node.get("references")
                references.extend(found if isinstance(found, list) else [])
                stack.extend(v for k, v in node.items() if k != "references")
            elif isinstance(node, list):
                stack.extend(node)
        depends_on = resource.get("depends_on") if resource is not None else None
        references.extend(depends_on if isinstance(depends_on, list) else [])
        steps = _module_steps(entry.module)
        addresses: dict = {}
        for reference in dict.fromkeys(r for r in references if isinstance(r, str)):
            for found_addresses, _, _ in self._targets([reference], steps, entry.key, 0) or []:
                addresses.update(dict.fromkeys(a for a in found_addresses if a != entry.address))
        return m.TupleExpr(where, [self._resource(address, where) for address in addresses])

    def _reference(self, entry: _Planned, name: str, written: Any, where: m.Location) -> m.Expr:
        """What an argument known only after apply refers to, as an expression; Computed unless
        its configuration is references only, and they all lead to resources of the plan."""
        computed = m.Computed(where, f"{entry.address}.{name} (known after apply)")
        references = written.get("references") if isinstance(written, dict) else None
        if not isinstance(references, list) or not references:
            return computed
        targets = self._targets(references, _module_steps(entry.module), entry.key, 0)
        if not targets:
            return computed
        plural = name.endswith(("_ids", "_arns"))
        many = any(many for _, _, many in targets) or len(targets) > 1
        if many and not plural:
            return computed  # several values for one: an expression over them, not a reference
        exprs: list = []
        for addresses, attribute, _ in targets:
            attribute = attribute or _naming_attribute(name)
            if attribute is None or not _fits(name, attribute):
                return computed
            exprs.extend(self._get(address, attribute, where) for address in addresses)
        if plural:
            return m.TupleExpr(where, exprs)
        return exprs[0] if len(exprs) == 1 else computed

    def _partly_known(self, entry: _Planned, name: str, planned: m.TupleExpr, written: Any) -> m.TupleExpr:
        """A list of IDs or ARNs some of which are known only after apply
        (`policy_arns = [aws_iam_policy.x.arn, "arn:aws:iam::aws:policy/..."]`): when the
        configuration's references are all to resources of the plan, and those whose attribute is
        known only after apply are exactly as many as the unknown items, the unknown items are
        those references (the list is a set to the provider: their order is not told)."""
        holes = [i for i, item in enumerate(planned.items) if isinstance(item, m.Computed)]
        references = written.get("references") if isinstance(written, dict) else None
        if not holes or not name.endswith(("_ids", "_arns")) or not isinstance(references, list) or not references:
            return planned
        targets = self._targets(references, _module_steps(entry.module), entry.key, 0)
        if not targets:
            return planned
        unknown: list = []
        for addresses, attribute, _ in targets:
            attribute = attribute or _naming_attribute(name)
            if attribute is None or not _fits(name, attribute):
                return planned
            for address in addresses:
                after = self.by_address[address].unknown
                if address != entry.address and isinstance(after, dict) and after.get(attribute) is True:
                    unknown.append((address, attribute))
        unknown = list(dict.fromkeys(unknown))
        if len(unknown) != len(holes):
            return planned
        items = list(planned.items)
        for index, (address, attribute) in zip(holes, unknown):
            items[index] = self._get(address, attribute, items[index].loc)
        return m.TupleExpr(planned.loc, items)

    def _targets(self, references: list, steps: list, key: Any, depth: int) -> Optional[list]:
        """[(plan addresses, attribute or None, many)] for the references of one expression written
        in the module instance at `steps`; None when one of them leads elsewhere."""
        self.lookups += 1
        if depth > _CALLS_MAX_DEPTH or self.lookups > _LOOKUPS_MAX:
            return None
        prefix = "".join(f"module.{call}{index}." for call, index in steps)
        if any(not isinstance(r, str) or len(r) > _ADDRESS_MAX for r in references):
            return None
        self.lookups += len(references)
        parsed = [(r, _REFERENCE.fullmatch(r)) for r in references]
        # `aws_iam_role.x` listed beside `aws_iam_role.x.arn`, `module.m` beside `module.m.out`: the same use
        longer = {r for r, _ in parsed}
        kept = [(r, match) for r, match in parsed
                if not any(other != r and (other.startswith(r + ".") or other.startswith(r + "[")) for other in longer)]
        uses_key = any(r in ("count.index", "each.key", "each.value") for r, _ in kept)
        found: list = []
        for reference, match in kept:
            if reference in ("count.index", "each.key", "each.value"):
                continue
            if match is None:
                return None
            data, first, second, index, attribute = match.groups()
            if data is None and first == "module":
                if index is not None:
                    return None  # an output of one instance of a called module: not followed
                through = self._output(steps, second, attribute, depth)
                if through is None:
                    return None
                found.extend(through)
            elif data is None and first == "var":
                through = self._input(steps, second, depth) if attribute is None and index is None else None
                if through is None:
                    return None
                found.extend(through)
            elif data is None and first in ("local", "each", "count", "path", "self", "terraform"):
                return None
            else:
                address = f"{prefix}{'data.' if data else ''}{first}.{second}"
                instances = self._instances(address, index, key if uses_key else None)
                self.lookups += len(instances)
                if not instances:
                    return None
                found.append((instances, attribute, index is None and len(instances) > 1 or
                              index is None and not uses_key and self._counted(address)))
        return found

    def _instances(self, address: str, index: Optional[str], key: Any) -> list:
        """The plan addresses of a resource's instances (one, with `index` or the referring
        instance's own key), in the plan's order."""
        if index is not None:
            return [address + index] if address + index in self.by_address else []
        if key is not None:
            keyed = address + (f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            return [keyed] if keyed in self.by_address else []
        return list(self.instances_of.get(address, []))

    def _counted(self, address: str) -> bool:
        return address not in self.by_address and bool(self.instances_of.get(address))

    def _output(self, steps: list, call: str, output: Optional[str], depth: int) -> Optional[list]:
        if output is None:
            return None
        child = self._config_module([s for s, _ in steps] + [call])
        declared = child.get("outputs") if isinstance(child, dict) else None
        value = declared.get(output) if isinstance(declared, dict) else None
        expression = value.get("expression") if isinstance(value, dict) else None
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list) or not references:
            return None
        return self._targets(references, [*steps, (call, "")], None, depth + 1)

    def _input(self, steps: list, variable: str, depth: int) -> Optional[list]:
        if not steps:
            return None  # the root's variables: their values are in the plan, so known
        parent = self._config_module([s for s, _ in steps[:-1]])
        calls = parent.get("module_calls") if isinstance(parent, dict) else None
        call = calls.get(steps[-1][0]) if isinstance(calls, dict) else None
        expressions = call.get("expressions") if isinstance(call, dict) else None
        argument = expressions.get(variable) if isinstance(expressions, dict) else None
        references = argument.get("references") if isinstance(argument, dict) else None
        if not isinstance(references, list) or not references:
            return None
        return self._targets(references, steps[:-1], None, depth + 1)

    def _null_input(self, written: Any, steps: list, depth: int) -> bool:
        """Is the argument written as nothing but a module's input variable that its caller does
        not pass (or passes on as its own such input) and whose default is null? Then the value
        is null, as Terraform evaluates it, whatever the provider computes in its place
        (`requirements_s3_object_version = var.requirements_s3_object_version` in a module)."""
        references = written.get("references") if isinstance(written, dict) else None
        if not steps or depth > _CALLS_MAX_DEPTH or not isinstance(references, list) or not references:
            return False
        names = {r for r in references if isinstance(r, str)}
        if len(names) != 1 or len(references) != len([r for r in references if isinstance(r, str)]):
            return False
        match = re.fullmatch(r"var\.([A-Za-z_][\w-]*)", names.pop())
        if match is None:
            return False
        variable = match.group(1)
        parent = self._config_module([s for s, _ in steps[:-1]])
        calls = parent.get("module_calls") if isinstance(parent, dict) else None
        call = calls.get(steps[-1][0]) if isinstance(calls, dict) else None
        expressions = call.get("expressions") if isinstance(call, dict) else None
        if not isinstance(call, dict) or not isinstance(expressions, dict):
            return False
        if variable in expressions:  # passed: null only if the caller's own input is
            return self._null_input(expressions[variable], steps[:-1], depth + 1)
        child = call.get("module")
        declared = child.get("variables") if isinstance(child, dict) else None
        declaration = declared.get(variable) if isinstance(declared, dict) else None
        return isinstance(declaration, dict) and "default" in declaration and declaration["default"] is None

    def _get(self, address: str, attribute: str, where: m.Location) -> m.Expr:
        return m.GetAttr(where, self._resource(address, where), attribute)

    def _resource(self, address: str, where: m.Location) -> m.Expr:
        entry = self.by_address[address]
        namespace: m.Expr = m.Name(where, entry.type)
        if entry.mode == "data":
            namespace = m.GetAttr(where, m.Name(where, "data"), entry.type)
        return m.GetAttr(where, namespace, address)

    # -- configuration
    def _config_module(self, calls: list) -> Optional[dict]:
        module = self.configuration.get("root_module")
        for call in calls:
            module_calls = module.get("module_calls") if isinstance(module, dict) else None
            called = module_calls.get(call) if isinstance(module_calls, dict) else None
            module = called.get("module") if isinstance(called, dict) else None
        return module if isinstance(module, dict) else None

    def _config_resource(self, entry: _Planned) -> Optional[dict]:
        """The resource's entry in `configuration` (its `expressions` and `depends_on`)."""
        calls = tuple(call for call, _ in _module_steps(entry.module))
        if (calls, None) not in self.resources:
            self.resources[(calls, None)] = None  # this module's resources are indexed
            module = self._config_module(list(calls))
            resources = module.get("resources") if module is not None else None
            for resource in resources if isinstance(resources, list) else []:
                if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                    self.resources.setdefault((calls, resource["address"]), resource)
        relative = f"{'data.' if entry.mode == 'data' else ''}{entry.type}.{entry.name}"
        return self.resources.get((calls, relative))


def _nth(structure: Any, index: int) -> Any:
    """Item `index` of an `after_unknown`/`*_sensitive`/configuration list, or None."""
    return structure[index] if isinstance(structure, list) and index < len(structure) else None


def _module_steps(address: str) -> list:
    """`module.a["x"].module.b` → [("a", '["x"]'), ("b", "")]."""
    return [(match.group(1), match.group(2) or "") for match in _MODULE_STEP.finditer(address)]


def _naming_attribute(argument: str) -> Optional[str]:
    """What `aws_subnet.private[*]` gives an argument named like `subnet_ids`: its IDs."""
    for suffix, attribute in (("_ids", "id"), ("_id", "id"), ("_arns", "arn"), ("_arn", "arn")):
        if argument.endswith(suffix):
            return attribute
    return None


def _naming(argument: str) -> bool:
    """Does the argument hold the ID or ARN of another resource (`subnet_ids`, `kms_key`, `role`)?"""
    return _naming_attribute(argument) is not None or argument in ("role", "bucket", "kms_key", "kms_key_id")


def _fits(argument: str, attribute: str) -> bool:
    """Could the argument hold that attribute of another resource, whole? A policy holds a
    policy document's `json`; anything else an ID, an ARN or a name."""
    if argument.endswith("policy"):
        return attribute == "json"
    return attribute in _NAMING
