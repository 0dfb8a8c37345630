"""Where a resource's attribute is written about: every `<type>.<name>…<attribute>` in the
module that declares the resource, with the top-level block it is written in.

A syntactic search, for rules that must know whether a computed attribute is used anywhere
(an output another stack reads, a module argument, a local) before they say it is used
nowhere. Evaluation cannot tell them: a computed attribute is unknown wherever it flows."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from . import model as m


def uses(ev: Any, resource: m.Block, attribute: str) -> list[tuple[m.Location, m.Block]]:
    """(where, the top-level block it is written in) for each expression that reads
    `attribute` of `resource` in the module `ev` evaluates (also through an index or a splat:
    `aws_x.y[0].attr`, `aws_x.y[*].attr`). An output of a called module that reads it is
    followed to where the caller reads that output; the root module's outputs are kept."""
    return _uses(ev, [*resource.labels, attribute])


def _uses(ev: Any, wanted: list[str]) -> list[tuple[m.Location, m.Block]]:
    found = []
    for loc, top in _mentions(ev.module, wanted):
        caller = ev.caller  # the `module` block instance that calls this module (None: the root)
        if top.type == "output" and caller is not None and caller.ev is not None:
            found.extend(_uses(caller.ev, ["module", caller.block.labels[0], top.labels[0]]))
        else:
            found.append((loc, top))
    return found


def _mentions(module: m.Module, wanted: list[str]) -> list[tuple[m.Location, m.Block]]:
    found = []
    for file in module.files:
        for top in file.blocks:
            for expr in _expressions(top):
                if any(_names(node)[:len(wanted)] == wanted for node in _nodes(expr)):
                    found.append((expr.loc, top))
    return found


def _expressions(block: m.Block) -> Iterator[m.Expr]:
    """The value of every argument of a block and of its nested blocks."""
    for attribute in block.attributes.values():
        yield attribute.expr
    for child in block.blocks:
        yield from _expressions(child)


def _nodes(expr: Any) -> Iterator[m.Expr]:
    """Every expression node inside `expr`, itself included (whatever node types the model has)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, m.Expr):
            yield node
            stack.extend(getattr(node, f.name) for f in dataclasses.fields(node) if f.name != "loc")
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def _names(expr: Any) -> list[str]:
    """The names of a traversal from its root, indexes skipped: `aws_x.y[0].arn` → [aws_x, y, arn]."""
    if isinstance(expr, m.Name):
        return [expr.name]
    if isinstance(expr, m.GetAttr):
        if isinstance(expr.obj, m.SplatItem):  # the first step of a splat's `rest`
            return [expr.name]
        root = _names(expr.obj)
        return [*root, expr.name] if root else []
    if isinstance(expr, m.Index):
        return _names(expr.obj)
    if isinstance(expr, m.Splat):
        root = _names(expr.obj)
        return [*root, *_names(expr.rest)] if root else []
    return []


def waits_for(ev: Any, block: m.Block, other_ev: Any, other: m.Block) -> bool:
    """Does Terraform create `block` (in the module instance `ev`) only after `other` (in
    `other_ev`)? Follows references and `depends_on` as Terraform's graph does: through
    resources, data sources, locals, a module's variables to its caller's arguments (and the
    call's `depends_on`), and module outputs into the called module. The output of a module
    that cannot be read waits for what its call's arguments and `depends_on` name, which is
    all it can wait for outside itself."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, Any]] = [(ev, block)]
    while stack:
        here, node = stack.pop()
        key = (id(here), id(node))
        if key in seen:
            continue
        seen.add(key)
        if node is other and here is other_ev:
            return True
        exprs = list(_expressions(node)) if isinstance(node, m.Block) else [node]
        for expr in exprs:
            for names in {tuple(_names(n)) for n in _nodes(expr)}:
                stack.extend(_step(here, list(names)))
    return False


def _step(ev: Any, names: list[str]) -> list[tuple[Any, Any]]:
    """What a traversal leads to in Terraform's graph: [(module instance, block or expression)]."""
    module = ev.module
    if len(names) >= 2 and names[0] == "var":
        caller = ev.caller
        if caller is None or caller.ev is None:
            return []  # a root variable: set before anything is created
        return [(caller.ev, attribute.expr) for name in (names[1], "depends_on")
                if (attribute := caller.block.attr(name)) is not None]
    if len(names) >= 2 and names[0] == "local":
        local = module.locals().get(names[1])
        return [(ev, local.expr)] if local is not None else []
    if len(names) >= 3 and names[0] == "data":
        found_block = module.find("data", names[1], names[2])
        return [(ev, found_block)] if found_block is not None else []
    if len(names) >= 2 and names[0] == "module":
        found: list[tuple[Any, Any]] = []
        for call, child in ev.calls.get(names[1], []):
            if child is None:  # not read: it waits for what the call is given
                found.extend((ev, attribute.expr) for name, attribute in call.block.attributes.items()
                             if name not in ("source", "version"))
                continue
            outputs = [b for b in child.module.blocks("output") if len(names) < 3 or b.labels == [names[2]]]
            found.extend((child, output) for output in outputs)
        return found
    if len(names) >= 2:
        found_block = module.find("resource", names[0], names[1])
        return [(ev, found_block)] if found_block is not None else []
    return []
