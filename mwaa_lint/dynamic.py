"""`dynamic "route" { for_each = ...; content { ... } }` → one ordinary `route` block per element.

The generated blocks keep the content's locations; their expressions are wrapped in `Bound`
so the iterator (`route.value`, `route.key`) resolves. When for_each cannot be resolved, one
block marked `unknown` stands in, with no attributes, so rules see "something, unknowable"
rather than "nothing".
"""
from __future__ import annotations

from . import model as m
from .values import Unknown


def children(ev, block: m.Block, name: str, instance=None) -> list:
    """Nested blocks of one type, static and expanded `dynamic` ones, in source order."""
    out = []
    for child in block.blocks:
        if child.type == name:
            out.append(child)
        elif child.type == "dynamic" and child.labels == [name]:
            out.extend(_expand(ev, child, instance))
    return out


def _expand(ev, dynamic: m.Block, instance) -> list:
    for_each = dynamic.attr("for_each")
    content = next(iter(dynamic.children("content")), None)
    if for_each is None or content is None:
        return []
    collection = ev.value(for_each.expr, instance)
    if isinstance(collection, dict):
        pairs = list(collection.items())
    elif isinstance(collection, list) and not any(isinstance(v, Unknown) for v in collection):
        pairs = [(value, value) for value in collection]  # a set: key and value are the element
    else:
        return [m.Block(dynamic.labels[0], [], dynamic.loc, dynamic.end_loc, unknown=True)]
    iterator = _iterator_name(dynamic)
    return [_bind(content, dynamic, {iterator: {"key": key, "value": value}}) for key, value in pairs]


def _iterator_name(dynamic: m.Block) -> str:
    iterator = dynamic.attr("iterator")
    if iterator is not None and isinstance(iterator.expr, m.Name):
        return iterator.expr.name
    return dynamic.labels[0]


def _bind(content: m.Block, dynamic: m.Block, bindings: dict) -> m.Block:
    """A copy of the content block as a `dynamic.labels[0]` block, every expression bound."""
    return m.Block(
        type=dynamic.labels[0],
        labels=[],
        loc=dynamic.loc,
        end_loc=dynamic.end_loc,
        attributes={name: _bind_attribute(a, bindings) for name, a in content.attributes.items()},
        blocks=[_bind_nested(b, bindings) for b in content.blocks],
    )


def _bind_nested(block: m.Block, bindings: dict) -> m.Block:
    return m.Block(
        type=block.type,
        labels=list(block.labels),
        loc=block.loc,
        end_loc=block.end_loc,
        attributes={name: _bind_attribute(a, bindings) for name, a in block.attributes.items()},
        blocks=[_bind_nested(b, bindings) for b in block.blocks],
    )


def _bind_attribute(attribute: m.Attribute, bindings: dict) -> m.Attribute:
    return m.Attribute(attribute.name, m.Bound(attribute.expr.loc, attribute.expr, bindings), attribute.loc)
