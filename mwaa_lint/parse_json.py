"""Terraform JSON syntax (`.tf.json`) → the same model parse_hcl builds, with positions.

Python's json module reports no positions, so a small reader here records the span of every
value and object key. The mapping from JSON objects to blocks and attributes follows
https://developer.hashicorp.com/terraform/language/syntax/json: JSON has no block syntax, so
which keys are nested blocks comes from the key name (NESTED_BLOCK_TYPES).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, Optional

from . import model as m
from .diagnostic import Diagnostic, InputError
from .json_reader import JsonReader, JsonValue
from .parse import _matching_brace, parse_expression, parse_template

# Keys whose object (or array-of-objects) value is a nested block rather than an argument.
NESTED_BLOCK_TYPES = frozenset(
    {
        "network_configuration",
        "logging_configuration",
        "dag_processing_logs",
        "scheduler_logs",
        "task_logs",
        "webserver_logs",
        "worker_logs",
        "statement",
        "principals",
        "not_principals",
        "condition",
        "route",
        "ingress",
        "egress",
        "inline_policy",
        "validation",
        "lifecycle",
        "versioning_configuration",
        "rule",
        "apply_server_side_encryption_by_default",
        "timeouts",
        "dynamic",
        "content",
    }
)

# Top-level keys and how many labels their blocks have (`resource "type" "name"` has two).
TOP_LEVEL_LABELS = {
    "resource": 2,
    "data": 2,
    "variable": 1,
    "module": 1,
    "output": 1,
    "provider": 1,
    "check": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "import": 0,
    "removed": 0,
}

# Blocks that exist only directly inside `terraform {}`, with their label counts.
TERRAFORM_BLOCK_LABELS = {"required_providers": 0, "backend": 1, "cloud": 0, "provider_meta": 1}

# Bodies that hold only arguments: a local or module input named `rule` is still an argument.
ATTRIBUTE_ONLY_BODIES = frozenset({"locals", "module", "required_providers"})

# (block type, argument): Terraform reads these JSON strings as references, not templates,
# so `"depends_on": ["aws_iam_role.x"]` means the same as HCL `depends_on = [aws_iam_role.x]`.
REFERENCE_ARGUMENTS = frozenset(
    {
        ("resource", "depends_on"),
        ("data", "depends_on"),
        ("module", "depends_on"),
        ("output", "depends_on"),
        ("resource", "provider"),
        ("data", "provider"),
        ("lifecycle", "ignore_changes"),
        ("lifecycle", "replace_triggered_by"),
        ("dynamic", "iterator"),
    }
)

COMMENT_KEY = "//"

# Labels that must be unique: Terraform's message when one JSON object names the same block twice
# (`"variable": {"v": {...}, "v": {...}}`). Two `provider "aws"` blocks may differ by alias, and a
# repeated block type or nested block (`"statement"` twice) is simply two blocks, as in HCL.
DUPLICATE_LABEL = {
    "resource": ('Duplicate resource "{type}" configuration: a {type} resource named "{name}" was already '
                 "declared at {where}; resource names must be unique per type in each module"),
    "data": ('Duplicate data "{type}" configuration: a {type} data resource named "{name}" was already '
             "declared at {where}; resource names must be unique per type in each module"),
    "variable": 'Duplicate variable declaration: a variable named "{name}" was already declared at {where}',
    "output": 'Duplicate output definition: an output named "{name}" was already defined at {where}',
    "module": 'Duplicate module call: a module call named "{name}" was already defined at {where}',
}



def parse_tf_json(text: str, path: Path) -> m.File:
    """Parse `.tf.json` text; raises InputError with the exact position of invalid JSON."""
    reader = JsonReader(text, path)
    root = reader.read()
    try:
        blocks = _Builder(reader).file(root)
    except RecursionError:
        raise InputError(Diagnostic(path, 1, 1, "expression nested too deeply to parse")) from None
    return m.File(path=path, text=text, blocks=blocks)


# --- JSON values → model -----------------------------------------------------------------


class _Builder:
    def __init__(self, reader: JsonReader):
        self.reader = reader
        self.path = reader.path

    def loc(self, node: JsonValue) -> m.Location:
        return self.reader.location(node.start, node.end)

    def error(self, node: JsonValue, message: str) -> InputError:
        line, column = self.reader.position(node.start)
        return InputError(Diagnostic(self.path, line, column, message))

    # -- structure
    def file(self, root: JsonValue) -> list:
        if root.kind != "object":
            raise self.error(root, "Incorrect JSON value type: a .tf.json file must hold one JSON object")
        blocks: list = []
        for key, value in root.value:  # a block type written twice is two sets of blocks, as Terraform reads it
            name = key.value
            if name == COMMENT_KEY:
                continue
            if name not in TOP_LEVEL_LABELS:
                raise self.error(key, f'Unsupported block type "{name}" at the top level of a .tf.json file')
            blocks.extend(self.blocks(name, key, value, TOP_LEVEL_LABELS[name]))
        self.unique_locals(blocks)
        return blocks

    def unique_locals(self, blocks: list) -> None:
        """`"locals"` written twice is two blocks, but a name set in both is Terraform's error.
        (Across files it is the same error; this file's JSON objects are what is checked here.)"""
        seen: dict = {}
        for block in blocks:
            if block.type != "locals":
                continue
            for name, attribute in block.attributes.items():
                if name in seen:
                    first = seen[name]
                    message = (f'Duplicate local value definition: a local value named "{name}" was already '
                               f"defined at line {first.line}, column {first.column}")
                    raise InputError(Diagnostic(self.path, attribute.loc.line, attribute.loc.column, message))
                seen[name] = attribute.loc

    def blocks(self, type_: str, key: JsonValue, value: JsonValue, label_count: int, labels: tuple = ()) -> list:
        """Blocks from `key: value`; each label level is one more object keyed by the label."""
        if len(labels) == label_count:
            return [self.block(type_, list(labels), key, body) for body in self.objects(value, type_)]
        found: list = []
        for label_map in self.objects(value, type_):
            seen: dict = {}
            for label_key, inner in label_map.value:
                label = label_key.value
                if label == COMMENT_KEY:
                    continue
                if len(labels) + 1 == label_count and type_ in DUPLICATE_LABEL and label in seen:
                    message = DUPLICATE_LABEL[type_].format(type=labels[0] if labels else "", name=label,
                                                            where=self.where(seen[label]))
                    raise self.error(label_key, message)
                seen.setdefault(label, label_key)
                found.extend(self.blocks(type_, label_key, inner, label_count, labels + (label,)))
        return found

    def objects(self, value: JsonValue, type_: str) -> list:
        """A block's JSON value: one object, or an array of objects for several blocks."""
        if value.kind == "object":
            return [value]
        if value.kind == "array" and all(item.kind == "object" for item in value.value):
            return value.value
        message = f'Incorrect JSON value type: a "{type_}" block needs a JSON object or an array of objects'
        raise self.error(value, message)

    def block(self, type_: str, labels: list, key: JsonValue, body: JsonValue) -> m.Block:
        block = m.Block(type=type_, labels=labels, loc=self.loc(key), end_loc=self.loc(body))
        arguments: dict = {}  # name → its first key
        for item_key, value in body.value:
            name = item_key.value
            if name == COMMENT_KEY:
                continue
            if name in arguments:  # an argument set twice; a nested block written twice is two blocks
                title = "Duplicate attribute definition" if type_ == "locals" else "Duplicate argument"
                message = f'{title}: the argument "{name}" was already set at {self.where(arguments[name])}'
                raise self.error(item_key, message)
            label_count = self.nested_label_count(type_, name, value)
            if label_count is None:
                arguments[name] = item_key
                block.attributes[name] = self.attribute(type_, item_key, value)
                continue
            nested = self.blocks(name, item_key, value, label_count)
            earlier = block.children("lifecycle")
            if name == "lifecycle" and type_ in ("resource", "data") and len(earlier) + len(nested) > 1:
                # Terraform allows one per resource; other nested blocks repeat freely
                first = (earlier or nested)[0].loc
                message = ("Duplicate lifecycle block: this resource already has a lifecycle block at "
                           f"line {first.line}, column {first.column}")
                raise self.error(item_key, message)
            block.blocks.extend(nested)
        return block

    def where(self, key: JsonValue) -> str:
        """`line 5, column 9`: where an earlier key of the same file is."""
        line, column = self.reader.position(key.start)
        return f"line {line}, column {column}"

    def nested_label_count(self, parent: str, name: str, value: JsonValue) -> Optional[int]:
        """Labels of nested block `name` inside `parent`, or None when `name` is an argument."""
        if parent in ATTRIBUTE_ONLY_BODIES:
            return None
        if parent == "terraform" and name in TERRAFORM_BLOCK_LABELS:
            label_count = TERRAFORM_BLOCK_LABELS[name]
        elif name in NESTED_BLOCK_TYPES:
            label_count = 1 if name == "dynamic" else 0
        else:
            return None
        is_objects = value.kind == "array" and value.value and all(item.kind == "object" for item in value.value)
        return label_count if value.kind == "object" or is_objects else None

    def attribute(self, parent: str, key: JsonValue, value: JsonValue) -> m.Attribute:
        if parent == "variable" and key.value == "type" and value.kind == "string":
            expr: m.Expr = m.Literal(self.loc(value), value.value)  # a type expression, kept as text
        elif (parent, key.value) in REFERENCE_ARGUMENTS:
            expr = self.reference(value)
        else:
            expr = self.expr(value)
        return m.Attribute(name=key.value, expr=expr, loc=self.reader.location(key.start, value.end))

    # -- expressions
    def expr(self, value: JsonValue) -> m.Expr:
        if value.kind == "string":
            return self.template(value)
        if value.kind == "array":
            return m.TupleExpr(self.loc(value), [self.expr(item) for item in value.value])
        if value.kind == "object":
            seen: dict = {}
            for key, _ in value.value:
                if key.value in seen:
                    message = (f'Duplicate object attribute: an attribute named "{key.value}" was already '
                               f"defined at {self.where(seen[key.value])}")
                    raise self.error(key, message)
                seen[key.value] = key
            items = [(self.template(key), self.expr(item)) for key, item in value.value]
            return m.ObjectExpr(self.loc(value), items)
        return m.Literal(self.loc(value), value.value)

    def reference(self, value: JsonValue) -> m.Expr:
        """A string read as an expression (`"aws_iam_role.x"`), or an array of them."""
        if value.kind == "array":
            return m.TupleExpr(self.loc(value), [self.reference(item) for item in value.value])
        if value.kind != "string":
            return self.expr(value)
        if value.value.startswith("${"):  # older configs wrap references in an interpolation
            expr = self.template(value)
            if isinstance(expr, m.Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], m.Expr):
                return expr.parts[0]
            return expr
        line, column = self.reader.position(value.start + 1)
        expr = self.sub_parse(value, lambda: parse_expression(value.value, self.path, line, column))
        self.fix_positions(expr, value, inner_start=0)
        return expr

    def template(self, value: JsonValue) -> m.Expr:
        if "${" not in value.value and "%{" not in value.value:
            return m.Literal(self.loc(value), value.value)  # what parse_template gives, without its cost
        line, column = self.reader.position(value.start + 1)
        expr = self.sub_parse(value, lambda: parse_template(value.value, self.path, line, column))
        directives = isinstance(expr, m.Template) and any(isinstance(p, (m.TemplateIf, m.TemplateFor)) for p in expr.parts)
        if isinstance(expr, m.Template) and not directives:  # with directives, escapes may shift columns
            interpolations = [part for part in expr.parts if isinstance(part, m.Expr)]
            for part, inner_start in zip(interpolations, _interpolation_starts(value.value)):
                self.fix_positions(part, value, inner_start)
        expr.loc = self.loc(value)  # like HCL, a string's span includes its quotes
        return expr

    def sub_parse(self, value: JsonValue, parse) -> m.Expr:
        """Run an HCL sub-parse of a string, moving any error to its true place in the JSON text."""
        try:
            return parse()
        except RecursionError:
            raise self.error(value, "expression nested too deeply to parse") from None
        except InputError as exc:
            found = exc.diagnostic
            string_line, column = self.reader.position(value.start + 1)
            index = found.column - column if found.line == string_line else 0
            line, column = self.reader.position(value.char_offset(index))
            raise InputError(Diagnostic(self.path, line, column, found.message)) from None

    def fix_positions(self, expr: m.Expr, value: JsonValue, inner_start: int) -> None:
        """Sub-parses count columns in the decoded string; move them onto the raw JSON text.

        They differ once the string holds escapes (`\\"` is two characters in the file, one
        decoded) and a `\\n` escape starts a new line in the sub-parse but not in the file.
        """
        if value.char_offsets is None:
            return  # no escapes: decoded and raw columns agree
        string_line, column = self.reader.position(value.start + 1)

        def offset(line: int, col: int) -> int:
            if line == string_line:
                return value.char_offset(col - column)
            newline = _nth_newline(value.value, inner_start, line - string_line)
            return value.char_offset(newline + col)

        for node in _walk(expr):
            loc = node.loc
            node.loc = self.reader.location(offset(loc.line, loc.column), offset(loc.end_line, loc.end_column))


def _interpolation_starts(text: str) -> list:
    """Where each `${`/`%{` body starts, in the order parse_template returns their expressions."""
    starts: list = []
    i = 0
    while True:
        found = [x for x in (text.find("${", i), text.find("%{", i)) if x >= 0]
        if not found:
            return starts
        start = min(found)
        if start > 0 and text[start - 1] in "$%":  # escaped `$${` / `%%{`, as parse_template skips it
            i = start + 2
            continue
        end = _matching_brace(text, start + 1)
        if end < 0:
            return starts
        starts.append(start + 2)
        i = end + 1


def _nth_newline(text: str, start: int, count: int) -> int:
    index = start - 1
    for _ in range(count):
        next_index = text.find("\n", index + 1)
        if next_index < 0:
            return len(text)
        index = next_index
    return index


def _walk(expr: m.Expr) -> Iterator[m.Expr]:
    """Every expression node under `expr`, once each, without recursion."""
    seen: set = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        for field in fields(node):
            stack.extend(_child_exprs(getattr(node, field.name)))


def _child_exprs(value: Any) -> list:
    if isinstance(value, m.Expr):
        return [value]
    if isinstance(value, (list, tuple)):
        return [child for item in value for child in _child_exprs(item)]
    return []
