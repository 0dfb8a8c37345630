"""Terraform's types, as far as plain values show them: kinds, one element type for a
collection, sets in Terraform's order, strings in grapheme clusters and NFC."""
from __future__ import annotations

import unicodedata
from typing import Any

from ..values import (
    JsonDocument,
    Unknown,
    exact_number,
    json_text,
    plain,
    to_number,
    to_template_string,
)

# What a function given values Terraform would reject may raise; the call is then Unknown.
ERRORS = (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError, RecursionError, StopIteration,
          ZeroDivisionError, ArithmeticError, UnicodeError)


def _kind(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, JsonDocument):
        return "string"
    raise TypeError("not a plain value")


def _string(value: Any) -> str:
    """A primitive converted to a string as Terraform converts it; raises for null and collections."""
    text = to_template_string(value)
    if isinstance(text, Unknown):
        raise TypeError("cannot convert to string")
    return text


def unify(first: Any, second: Any) -> Any:
    """`first` converted to the type Terraform gives both arms of `c ? first : second` (plain
    values), or Unknown when they have none we can be sure of."""
    try:
        unified = _unify([plain(first), plain(second)])[0]
        return first if json_text(unified) == json_text(plain(first)) else unified  # keeps located strings
    except ERRORS:
        return Unknown()


def _unify(items: list) -> list:
    """The elements of a tuple converted to the one element type Terraform gives a list, set or
    map of them: numbers and bools become strings beside strings, nested lists likewise. Raises
    when Terraform would (a number beside a bool; objects of different shapes)."""
    if any(isinstance(v, Unknown) for v in items):
        raise TypeError("an unknown element: its type is not known")
    kinds = {_kind(v) for v in items} - {None}
    if len(kinds) <= 1 and not kinds & {"list", "map"}:
        return list(items)
    if kinds <= {"string", "number", "bool"}:
        if "string" not in kinds:
            raise TypeError("a number and a bool have no common type")
        return [v if v is None or isinstance(v, str) else _string(v) for v in items]
    if kinds == {"list"}:
        inner = _unify([x for v in items if v is not None for x in v])
        out: list = []
        for v in items:
            out.append(None if v is None else inner[: len(v)])
            inner = inner[len(v) :] if v is not None else inner
        return out
    if kinds == {"map"}:
        maps = [v for v in items if v is not None]
        names = maps[0].keys()
        if all(v.keys() == names for v in maps):  # objects of one shape: each attribute unified
            columns = {k: iter(_unify([v[k] for v in maps])) for k in names}
            return [None if v is None else {k: next(columns[k]) for k in v} for v in items]
        # objects of different shapes: a map of the one type all their attributes take
        values = iter(_unify([x for v in maps for x in v.values()]))
        return [None if v is None else {k: next(values) for k in v} for v in items]
    raise TypeError("no common element type we can be sure of")


def _set(items: list) -> list:
    """A set of `items` as Terraform orders it: converted to one type, duplicates dropped,
    strings and numbers sorted. Sets of lists or objects are ordered by hash: Unknown."""
    out: list = []
    seen: set = set()
    for item in _unify(items):
        key = json_text(plain(item))
        if key not in seen:
            seen.add(key)
            out.append(item)
    nulls = [None] if None in out else []  # a null sorts after the rest
    out = [v for v in out if v is not None]
    kinds = {_kind(v) for v in out}
    if kinds == {"number"}:
        return sorted(out, key=exact_number) + nulls
    if kinds <= {"string", "bool"}:
        return sorted(out, key=lambda v: unicodedata.normalize("NFC", str(v)) if isinstance(v, str) else str(v)) + nulls
    if len(out) > 1 or out and nulls:
        raise TypeError("the order of a set of collections is Terraform's hash order")
    return out + nulls


def _whole(value: Any) -> int:
    """A whole number (Terraform's index and count arguments); strings convert; bools do not."""
    number = to_number(value)
    if isinstance(number, Unknown) or number != int(number):
        raise ValueError("not a whole number")
    return int(number)


def _graphemes(text: str) -> list:
    """The user-perceived characters of `text` in Terraform's sense (Unicode grapheme clusters,
    after NFC normalization, as Terraform holds every string)."""
    import regex  # only when a string function needs grapheme clusters: its import costs every run ~20 ms

    return regex.findall(r"\X", unicodedata.normalize("NFC", text))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
