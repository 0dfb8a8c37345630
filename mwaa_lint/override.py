"""Build one module from its files the way Terraform does: the primary files side by side
(a name declared twice is Terraform's error), then each override file (`override.tf`,
`*_override.tf`, and their `.tf.json`, `.tofu` and `.tofu.json` forms), in lexical order of
file name, merged into what the primary files declared.

The merge follows Terraform's rules (internal/configs/module.go and module_merge.go, checked
against `terraform validate` and `terraform plan` 1.11.4; documented at
https://developer.hashicorp.com/terraform/language/files/override):

- an argument in an override block replaces the base's argument of the same name;
- a nested block type present in the override (or a `dynamic` block of that type) replaces
  every nested block of that type in the base, whole: overriding `logging_configuration`
  with one `task_logs` leaves no other log type configured;
- `locals` are replaced one name at a time; `variable` takes description, default, type,
  sensitive and nullable from the override and keeps the base's validations; `output` takes
  description, value and sensitive; `module` merges like a resource;
- a resource's `lifecycle` takes create_before_destroy, prevent_destroy and ignore_changes from
  the override, one by one, and keeps the rest of the base's;
- `terraform`: required_version, the backend (or cloud block) and each required provider are
  replaced; a default `provider` block may override nothing (it is added), an aliased one must
  have a base;
- an override of something the primary files do not declare is an error, and so are
  `depends_on`, `validation`, `precondition`/`postcondition`, `moved`, `import` and `check`
  blocks in an override file.

The merged blocks are new objects: the parsed files (shared with the parse cache and with
every other module that reads them) are never changed. Every argument keeps the location it
was written at, so a finding caused by an override's value points into the override file.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

from . import model as m
from .diagnostic import Diagnostic

# arguments of a variable and an output that an override replaces (Terraform ignores the rest)
_VARIABLE_ARGUMENTS = {"description", "default", "type", "sensitive", "nullable"}
_OUTPUT_ARGUMENTS = {"description", "value", "sensitive"}
_LIFECYCLE_ARGUMENTS = {"create_before_destroy", "prevent_destroy", "ignore_changes"}
_NAMED = ("resource", "data", "variable", "output", "module")
_TOKEN = re.compile(r'\s*("(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*)')


def stem(name: str) -> str:
    """A configuration file's name without its extension (`platform_override.tf.json` →
    `platform_override`)."""
    for suffix in (".tofu.json", ".tf.json", ".tofu", ".tf"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_override(name: str) -> bool:
    base = stem(name)
    return base == "override" or base.endswith("_override")


def build(directory: Path, files: list[m.File]) -> tuple[m.Module, list[Diagnostic]]:
    """The module of `directory` from its parsed files (sorted by name), and Terraform's errors
    about how they combine (duplicate names, overrides of nothing). A module with any of these
    errors is one Terraform refuses: its caller does not check it."""
    merger = _Merger(directory, files)
    for file in files:
        if not is_override(file.path.name):
            merger.append(file)
    overrides = [file for file in files if is_override(file.path.name)]
    for file in sorted(overrides, key=lambda f: f.path.name):
        merger.merge(file)
    module = m.Module(directory=directory, files=files)
    if overrides:
        module.merged = merger.blocks
    return module, merger.diagnostics


class _Merger:
    def __init__(self, directory: Path, files: list[m.File]):
        self.directory = directory
        self.texts = {file.path: file.text for file in files}
        self.blocks: list[m.Block] = []  # the module's top-level blocks, merged in place
        self.named: dict = {}  # (kind, *labels) → index in blocks
        self.providers: dict = {}  # (name, alias) → index in blocks
        self.locals: dict = {}  # local name → index of its locals block in blocks
        self.diagnostics: list[Diagnostic] = []

    # -- the primary files: every name once
    def append(self, file: m.File) -> None:
        for block in file.blocks:
            index = len(self.blocks)
            if block.type == "locals":
                for name, attribute in block.attributes.items():
                    if name in self.locals:
                        first = self.blocks[self.locals[name]].attributes[name]
                        self.error(_attribute_range(attribute), "Duplicate local value definition",
                                   f"A local value named \"{name}\" was already defined at "
                                   f"{self.range_text(_attribute_range(first))}. "
                                   "Local value names must be unique within a module.")
                    else:
                        self.locals[name] = index
            elif block.type == "provider" and block.labels:
                key = (block.labels[0], _alias(block))
                if key in self.providers:
                    where = self.range_text(self.decl_range(self.blocks[self.providers[key]]))
                    if key[1]:
                        detail = (f"A provider configuration for \"{key[0]}\" with alias \"{key[1]}\" was already given "
                                  f"at {where}. Each configuration for the same provider must have a distinct alias.")
                    else:
                        detail = (f"A default (non-aliased) provider configuration for \"{key[0]}\" was already given at "
                                  f"{where}. If multiple configurations are required, set the \"alias\" argument for "
                                  "alternative configurations.")
                    self.error(self.decl_range(block), "Duplicate provider configuration", detail)
                    continue
                self.providers[key] = index
            elif block.type in _NAMED and block.labels:
                named = (block.type, *block.labels)
                if named in self.named:  # Terraform's error; the module is not checked, so which one is kept is moot
                    first = self.range_text(self.decl_range(self.blocks[self.named[named]]))
                    self.error(self.decl_range(block), *_duplicate(block, first))
                    continue
                self.named[named] = index
            self.blocks.append(block)

    # -- an override file: each block merged into what the primary files declared
    def merge(self, file: m.File) -> None:
        for block in file.blocks:
            if block.type == "locals":
                self.merge_locals(block)
            elif block.type == "provider" and block.labels:
                self.merge_provider(block)
            elif block.type == "terraform":
                self.merge_terraform(block)
            elif block.type in _NAMED and block.labels:
                self.merge_named(block)
            elif block.type == "moved":
                self.block_error(block, "Cannot override 'moved' blocks",
                                 "Records of moved objects can appear only in normal files, not in override files.")
            elif block.type == "import":
                self.block_error(block, "Cannot override 'import' blocks",
                                 "Import blocks can appear only in normal files, not in override files.")
            elif block.type == "check":
                self.block_error(block, "Can't override check blocks", "Override files cannot override check blocks.")

    def merge_locals(self, block: m.Block) -> None:
        for name, attribute in block.attributes.items():
            if name not in self.locals:
                self.error(_attribute_range(attribute), "Missing base local value definition to override",
                           f"There is no local value named \"{name}\". An override file can only override a local value "
                           "that was already defined in a primary configuration file.")
                continue
            index = self.locals[name]
            base = self.blocks[index]
            self.blocks[index] = replace(base, attributes={**base.attributes, name: attribute})

    def merge_provider(self, block: m.Block) -> None:
        key = (block.labels[0], _alias(block))
        if key not in self.providers:
            if key[1]:
                self.block_error(block, "Missing base provider configuration for override",
                                 f"There is no {key[0]} provider configuration with the alias \"{key[1]}\". An override "
                                 "file can only override an aliased provider configuration that was already defined in "
                                 "a primary configuration file.")
                return
            # a default provider configuration may override the empty one an absent block implies
            self.providers[key] = len(self.blocks)
            self.blocks.append(block)
            return
        index = self.providers[key]
        base = self.blocks[index]
        self.blocks[index] = _merge_body(base, block)

    def merge_terraform(self, block: m.Block) -> None:
        """required_version, the backend or cloud block and each required provider of the
        override replace the base's; what the override sets joins the module."""
        replaced = {name for name in ("required_version",) if name in block.attributes}
        providers = {name for child in block.children("required_providers") for name in child.attributes}
        state = any(child.type in ("backend", "cloud") for child in block.blocks)
        for index, base in enumerate(self.blocks):
            if base.type != "terraform":
                continue
            nested = [child for child in base.blocks if not (state and child.type in ("backend", "cloud"))]
            nested = [replace(child, attributes={k: v for k, v in child.attributes.items() if k not in providers})
                      if child.type == "required_providers" else child for child in nested]
            attributes = {k: v for k, v in base.attributes.items() if k not in replaced}
            self.blocks[index] = replace(base, attributes=attributes, blocks=nested)
        self.blocks.append(block)

    def merge_named(self, block: m.Block) -> None:
        key = (block.type, *block.labels)
        if key not in self.named:
            self.block_error(block, *_missing(block))
            return
        depends_on = block.attr("depends_on")
        if depends_on is not None and block.type != "variable":
            expr = depends_on.expr
            first = expr.items[0].loc if isinstance(expr, m.TupleExpr) and expr.items else expr.loc
            self.error(_range(first), "Unsupported override", "The depends_on argument may not be overridden.")
            return
        for child in block.blocks:
            forbidden = _forbidden(block.type, child)
            if forbidden is not None:
                self.block_error(forbidden, f"Can't override {forbidden.type} blocks",
                                 f"Override files cannot override \"{forbidden.type}\" blocks.")
                return
        index = self.named[key]
        base = self.blocks[index]
        if block.type == "variable":
            self.blocks[index] = _overlay(base, block, _VARIABLE_ARGUMENTS)
        elif block.type == "output":
            self.blocks[index] = _overlay(base, block, _OUTPUT_ARGUMENTS)
        else:
            self.blocks[index] = _merge_resource(base, block)

    # -- Terraform's diagnostics, with its ranges: (path, line, column, end column, end line)
    def block_error(self, block: m.Block, summary: str, detail: str) -> None:
        self.error(self.decl_range(block), summary, detail)

    def error(self, where: tuple, summary: str, detail: str) -> None:
        self.diagnostics.append(Diagnostic(where[0], where[1], where[2], f"{summary}: {detail}"))

    def decl_range(self, block: m.Block) -> tuple:
        """What Terraform calls a block's declaration: in native syntax its type and labels, in
        JSON the `{` that opens its body."""
        if block.path.name.endswith(".json"):
            start = block.end_loc
            return (block.path, start.line, start.column, start.column + 1, start.line)
        line, column = block.loc.line, block.loc.column
        lines = self.texts.get(block.path, "").splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        end = column - 1
        for _ in range(1 + len(block.labels)):
            token = _TOKEN.match(text, end)
            if token is None:
                break
            end = token.end()
        return (block.path, line, column, end + 1, line)

    def range_text(self, where: tuple) -> str:
        """`main.tf:9,1-39` (`main.tf:6,3-8,4` across lines), as Terraform writes a range; the
        file relative to the module's directory, as Terraform run there shows it."""
        path, line, column, end_column, end_line = where
        shown = Path(os.path.relpath(path, self.directory)).as_posix()
        if end_line == line:
            return f"{shown}:{line},{column}-{end_column}"
        return f"{shown}:{line},{column}-{end_line},{end_column}"


def _range(loc: m.Location) -> tuple:
    return (loc.path, loc.line, loc.column, loc.end_column, loc.end_line)


def _attribute_range(attribute: m.Attribute) -> tuple:
    return _range(attribute.loc)


def _alias(block: m.Block) -> str:
    alias = block.attr("alias")
    if alias is not None and isinstance(alias.expr, m.Literal) and isinstance(alias.expr.value, str):
        return alias.expr.value
    if alias is not None and isinstance(alias.expr, m.Template) and all(isinstance(p, str) for p in alias.expr.parts):
        return "".join(alias.expr.parts)
    return ""


def _duplicate(block: m.Block, first: str) -> tuple[str, str]:
    name = block.labels[-1]
    if block.type == "resource":
        return (f"Duplicate resource \"{block.labels[0]}\" configuration",
                f"A {block.labels[0]} resource named \"{name}\" was already declared at {first}. "
                "Resource names must be unique per type in each module.")
    if block.type == "data":
        return (f"Duplicate data \"{block.labels[0]}\" configuration",
                f"A {block.labels[0]} data resource named \"{name}\" was already declared at {first}. "
                "Resource names must be unique per type in each module.")
    if block.type == "variable":
        return ("Duplicate variable declaration",
                f"A variable named \"{name}\" was already declared at {first}. Variable names must be unique within a module.")
    if block.type == "output":
        return ("Duplicate output definition",
                f"An output named \"{name}\" was already defined at {first}. Output names must be unique within a module.")
    return ("Duplicate module call",
            f"A module call named \"{name}\" was already defined at {first}. Module calls must have unique names within a module.")


def _missing(block: m.Block) -> tuple[str, str]:
    name = block.labels[-1]
    if block.type == "resource":
        return ("Missing resource to override",
                f"There is no {block.labels[0]} resource named \"{name}\". An override file can only override a resource "
                "block defined in a primary configuration file.")
    if block.type == "data":
        return ("Missing data resource to override",
                f"There is no {block.labels[0]} data resource named \"{name}\". An override file can only override a data "
                "block defined in a primary configuration file.")
    if block.type == "variable":
        return ("Missing base variable declaration to override",
                f"There is no variable named \"{name}\". An override file can only override a variable that was already "
                "declared in a primary configuration file.")
    if block.type == "output":
        return ("Missing base output definition to override",
                f"There is no output named \"{name}\". An override file can only override an output that was already "
                "defined in a primary configuration file.")
    return ("Missing module call to override",
            f"There is no module call named \"{name}\". An override file can only override a module call that was "
            "defined in a primary configuration file.")


def _forbidden(kind: str, child: m.Block) -> Optional[m.Block]:
    """A nested block an override of `kind` may not have (Terraform rejects the file)."""
    if kind == "variable" and child.type == "validation":
        return child
    if kind == "output" and child.type == "precondition":
        return child
    if kind in ("resource", "data") and child.type == "lifecycle":
        for condition in child.blocks:
            if condition.type in ("precondition", "postcondition"):
                return condition
    return None


def _overlay(base: m.Block, override: m.Block, names: set) -> m.Block:
    """The base with the override's arguments among `names`; its nested blocks kept."""
    taken = {name: attribute for name, attribute in override.attributes.items() if name in names}
    return replace(base, attributes={**base.attributes, **taken})


def _merge_body(base: m.Block, override: m.Block) -> m.Block:
    """Terraform's MergeBodies: the override's arguments win; a nested block type the override
    has (directly or as `dynamic "type"`) replaces all of the base's blocks of that type."""
    types = {_nested_type(child) for child in override.blocks}
    kept = [child for child in base.blocks if _nested_type(child) not in types]
    return replace(base, attributes={**base.attributes, **override.attributes}, blocks=kept + list(override.blocks))


def _merge_resource(base: m.Block, override: m.Block) -> m.Block:
    """A resource, data source or module call: the body merged; lifecycle settings one by one."""
    lifecycles = override.children("lifecycle")
    merged = _merge_body(base, replace(override, blocks=[b for b in override.blocks if b.type != "lifecycle"]))
    if not lifecycles or base.type != "resource":
        return merged
    settings = {name: a for each in lifecycles for name, a in each.attributes.items() if name in _LIFECYCLE_ARGUMENTS}
    if not settings:
        return merged
    existing = base.children("lifecycle")
    if existing:
        lifecycle = replace(existing[0], attributes={**existing[0].attributes, **settings})
        blocks = [lifecycle if child is existing[0] else child for child in merged.blocks]
    else:
        blocks = [*merged.blocks, replace(lifecycles[0], attributes=settings, blocks=[])]
    return replace(merged, blocks=blocks)


def _nested_type(block: m.Block) -> str:
    if block.type == "dynamic" and block.labels:
        return block.labels[0]
    return block.type
