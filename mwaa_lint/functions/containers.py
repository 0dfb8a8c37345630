"""Functions that look inside collections and keep unknown or located elements (concat,
merge, lookup, length, ...): `LENIENT`, called with values that may hold unknowns."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..values import (
    JsonDocument,
    LocatedStr,
    Unknown,
    plain,
    to_template_string,
)
from .kinds import _graphemes, _kind, _set, _string, _unify, _whole


def _concat(*lists: Any) -> Any:
    if not lists:
        raise TypeError("concat needs at least one argument")
    out: list = []
    for item in lists:
        if not isinstance(item, list):
            return Unknown()
        out.extend(item)
    return out


def _flatten(value: Any) -> Any:
    if not isinstance(value, list):
        return Unknown()
    out: list = []
    for item in value:
        if isinstance(item, list):
            inner = _flatten(item)
            if isinstance(inner, Unknown):
                return inner
            out.extend(inner)
        elif isinstance(item, Unknown) and not _is_scalar_ref(item):
            return Unknown()  # might be a list we cannot see
        else:
            out.append(item)
    return out


def _is_scalar_ref(value: Any) -> bool:
    return hasattr(value, "instance") and value.origin.endswith((".id", ".arn", ".name"))


def _tolist(value: Any) -> Any:
    if not isinstance(value, list):
        return Unknown()  # an object or map: Terraform cannot convert it to a list
    if any(isinstance(v, Unknown) for v in value):
        return list(value)  # the element type is not known; the elements are as written
    return _unify(value)


def _toset(value: Any) -> Any:
    if not isinstance(value, list):
        return Unknown()
    if any(isinstance(v, Unknown) for v in value):
        return list(value)  # cannot dedupe unknowns; order and count stay as written
    return _set(value)


def _tomap(value: Any) -> Any:
    if not isinstance(value, dict):
        return Unknown()
    if any(isinstance(v, Unknown) for v in value.values()):
        return dict(value)
    return dict(zip(value, _unify(list(value.values()))))


def _values(value: Any) -> Any:
    return [value[k] for k in sorted(value)] if isinstance(value, dict) else Unknown()


def _keys(value: Any) -> Any:
    return sorted(value) if isinstance(value, dict) else Unknown()


def _element(value: Any, index: Any) -> Any:
    if not isinstance(value, list) or isinstance(index, Unknown) or not value:
        return Unknown()
    position = _whole(index)
    if position < 0:
        return Unknown()  # Terraform 1.11 fails on a negative index
    return value[position % len(value)]


def _slice(value: Any, start: Any, end: Any) -> Any:
    if not isinstance(value, list) or isinstance(start, Unknown) or isinstance(end, Unknown):
        return Unknown()
    first, last = _whole(start), _whole(end)
    if not 0 <= first <= last <= len(value):
        return Unknown()  # Terraform rejects the indexes
    return value[first:last]


def _merge(*maps: Any) -> Any:
    out: dict = {}
    for item in maps:
        if item is None:
            continue  # Terraform skips null arguments
        if not isinstance(item, dict):
            return Unknown()
        out.update(item)
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict) or isinstance(key, Unknown) or key is None or len(default) > 1:
        return Unknown()
    name = _string(plain(key))
    if name in mapping:
        return mapping[name]
    return default[0] if default else Unknown()


def _length(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(_graphemes(value))
    return Unknown()


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return Unknown()
        if arg is not None and arg != "":
            known = [a for a in args if not isinstance(a, Unknown)]
            kinds = {_kind(a) for a in plain(known)} - {None}
            if len(kinds) > 1:  # Terraform converts all the arguments to one type first
                return _unify(plain(known))[known.index(arg)] if kinds <= {"string", "number", "bool"} else Unknown()
            return arg
    return Unknown()


def _jsonencode(value: Any) -> Any:
    return JsonDocument(value)


def _tostring(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, LocatedStr):
        return value
    return to_template_string(value) if not isinstance(value, (list, dict)) else Unknown()


def _one(value: Any) -> Any:
    if not isinstance(value, list) or len(value) > 1:
        return Unknown()
    return value[0] if value else None


def _compact(value: Any) -> Any:
    if not isinstance(value, list) or any(isinstance(v, Unknown) for v in value):
        return Unknown()
    return [v if isinstance(v, str) else _string(plain(v)) for v in value if v is not None and v != ""]


LENIENT: dict[str, Callable] = {
    "concat": _concat,
    "flatten": _flatten,
    "tolist": _tolist,
    "toset": _toset,
    "tomap": _tomap,
    "values": _values,
    "keys": _keys,
    "element": _element,
    "slice": _slice,
    "merge": _merge,
    "lookup": _lookup,
    "length": _length,
    "coalesce": _coalesce,
    "jsonencode": _jsonencode,
    "tostring": _tostring,
    "one": _one,
    "compact": _compact,
}
