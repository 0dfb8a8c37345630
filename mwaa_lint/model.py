"""The parsed Terraform model: files, blocks, attributes and expressions, all with positions.

Both HCL (`.tf`) and JSON (`.tf.json`) syntax produce these same classes, so nothing
downstream knows which syntax a file used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .location import Location as Location  # re-exported: every node of the model has one

# --- Expressions -------------------------------------------------------------------------
# A small AST for HCL expressions. Every node has `loc`. The evaluator walks it.


@dataclass
class Expr:
    loc: Location


@dataclass
class Literal(Expr):
    value: Any  # str, int, float, bool or None


@dataclass
class Template(Expr):
    """A quoted string or heredoc with interpolations: parts are str or Expr (TemplateIf and
    TemplateFor for its directives)."""

    parts: list
    heredoc: bool = False  # a heredoc's body starts on the line after `loc.line`


@dataclass
class TemplateIf(Expr):
    """`%{ if cond }then%{ else }else%{ endif }` inside a template: parts like Template's."""

    cond: Expr
    then: list
    otherwise: list


@dataclass
class TemplateFor(Expr):
    """`%{ for k, v in collection }body%{ endfor }` inside a template: parts like Template's."""

    key_var: Optional[str]
    value_var: str
    collection: Expr
    body: list


@dataclass
class TupleExpr(Expr):
    items: list


@dataclass
class ObjectExpr(Expr):
    items: list  # [(key Expr, value Expr)]


@dataclass
class Name(Expr):
    """A bare identifier: the root of a traversal (`var`, `aws_subnet`, a for-variable)."""

    name: str


@dataclass
class GetAttr(Expr):
    obj: Expr
    name: str


@dataclass
class Index(Expr):
    obj: Expr
    key: Expr


@dataclass
class Splat(Expr):
    """`obj[*].a.b` or `obj.*.a`: apply `rest` (a chain built on SplatItem) to each element."""

    obj: Expr
    rest: Expr


@dataclass
class SplatItem(Expr):
    """Placeholder for the current element inside a Splat's `rest` chain."""


@dataclass
class Call(Expr):
    name: str
    args: list
    expand_last: bool = False  # `f(list...)`


@dataclass
class BinaryOp(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass
class UnaryOp(Expr):
    op: str
    operand: Expr


@dataclass
class Conditional(Expr):
    cond: Expr
    true: Expr
    false: Expr


@dataclass
class ForExpr(Expr):
    key_var: Optional[str]
    value_var: str
    collection: Expr
    value: Expr
    key: Optional[Expr] = None  # set for `{ for ... : k => v }`
    cond: Optional[Expr] = None
    grouping: bool = False  # `v...`


@dataclass
class Computed(Expr):
    """A value known only after apply, where a plan was checked without its configuration
    (plan_model.py): it evaluates to Unknown."""

    origin: str


@dataclass
class Bound(Expr):
    """An expression from a `dynamic` block's content, with its iterator bound to one element."""

    expr: Expr
    bindings: dict


# --- Structure ---------------------------------------------------------------------------


@dataclass
class Attribute:
    name: str
    expr: Expr
    loc: Location  # the whole `name = expr`


@dataclass
class Block:
    type: str
    labels: list[str]
    loc: Location  # the header line
    end_loc: Location  # the whole block
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    unknown: bool = False  # stands for `dynamic` blocks whose for_each we cannot resolve

    def attr(self, name: str) -> Optional[Attribute]:
        return self.attributes.get(name)

    def children(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]

    @property
    def path(self) -> Path:
        return self.loc.path

    @property
    def address(self) -> str:
        """Terraform address of a top-level block: `aws_iam_role.mwaa`, `data.x.y`, `var.name`."""
        if self.type == "resource" and len(self.labels) == 2:
            return ".".join(self.labels)
        if self.type == "data" and len(self.labels) == 2:
            return "data." + ".".join(self.labels)
        prefix = {"variable": "var", "module": "module", "output": "output"}.get(self.type, self.type)
        return ".".join([prefix, *self.labels])


@dataclass
class File:
    path: Path
    text: str
    blocks: list[Block]
    attributes: dict[str, Attribute] = field(default_factory=dict)  # top level: .tfvars only

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class Module:
    """One Terraform module: a directory, all its configuration files, and variable inputs."""

    directory: Path
    files: list[File]
    # variable values from tfvars / --var / TF_VAR_, already in Terraform's precedence order
    variable_values: dict[str, Any] = field(default_factory=dict)
    variable_sources: dict[str, str] = field(default_factory=dict)  # name → `terraform.tfvars:3`
    # its top-level blocks once override files are merged in (override.py); None: the files' own
    merged: Optional[list[Block]] = None

    def blocks(self, type_: str) -> list[Block]:
        if self.merged is not None:
            return [b for b in self.merged if b.type == type_]
        return [b for f in self.files for b in f.blocks if b.type == type_]

    def resources(self, resource_type: str) -> list[Block]:
        return [b for b in self.blocks("resource") if b.labels[:1] == [resource_type]]

    def find(self, kind: str, type_: str, name: str) -> Optional[Block]:
        for b in self.blocks(kind):
            if b.labels == [type_, name]:
                return b
        return None

    def variable(self, name: str) -> Optional[Block]:
        for b in self.blocks("variable"):
            if b.labels == [name]:
                return b
        return None

    def locals(self) -> dict[str, Attribute]:
        out: dict[str, Attribute] = {}
        for b in self.blocks("locals"):
            out.update(b.attributes)
        return out

    def file(self, path: Path) -> Optional[File]:
        for f in self.files:
            if f.path == path:
                return f
        return None
