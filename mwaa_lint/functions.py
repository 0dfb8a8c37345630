"""Terraform built-in functions the evaluator understands.

Each takes already-evaluated arguments. A function we do not know, or one whose inputs are
unknown where it matters, returns Unknown. `file()` reads inside the module (read only).

They follow Terraform 1.11's own (tests/test_fidelity_functions.py checks them against a table
`terraform console` made): numbers as Terraform computes and prints them (values.py), strings
measured in grapheme clusters (`length("e\u0301")` is 1) and in Unicode NFC as Terraform holds
them, collections converted to one element type where Terraform converts them (`tolist(["a", 1])`
is ["a", "1"], `sort([10, 9])` sorts the strings "10" and "9"), sets in Terraform's order. Where
Terraform would fail, or where we cannot promise its exact result, the call is Unknown.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import itertools
import json
import math
import posixpath
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote_plus

import regex

from . import observations
from .observations import note
from .project import Refused
from .project import current as current_project
from .values import (
    JsonDocument,
    LocatedStr,
    Unknown,
    contains_unknown,
    equal,
    exact_number,
    format_number,
    from_exact,
    json_text,
    parse_number,
    plain,
    round_binary,
    to_number,
    to_template_string,
)

MAX_READ_BYTES = 2 * 1024 * 1024
MAX_RANGE = 1024  # Terraform's own limit on the elements range() may produce


# What a function given values Terraform would reject may raise; the call is then Unknown.
_ERRORS = (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError, RecursionError, StopIteration,
           ZeroDivisionError, ArithmeticError, UnicodeError)


def call_function(name: str, args: list, module_dir: Path, where: Any = None) -> Any:
    """`name(*args)` as Terraform computes it, or Unknown; `module_dir` is where relative paths
    start, `where` the call's Location."""
    try:
        return _call(name, args, Here(module_dir, where))
    except _ERRORS:
        return Unknown()  # Terraform would report an error; that is not our finding


def _call(name: str, args: list, here: Here) -> Any:
    if name in _LENIENT:
        return _LENIENT[name](*args)
    function = _STRICT.get(name)
    if name in _PATH_FUNCTIONS:
        if any(contains_unknown(a) for a in args):
            return Unknown()
        return _PATH_FUNCTIONS[name](here, *[plain(a) for a in args])
    if function is None or any(contains_unknown(a) for a in args):
        return Unknown()
    return function(*[plain(a) for a in args])


# -- Terraform's types, as far as plain values show them ------------------------------------


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
    except _ERRORS:
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
    return regex.findall(r"\X", unicodedata.normalize("NFC", text))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# -- functions that look inside collections and keep unknown or located elements -----------


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


_LENIENT: dict[str, Callable] = {
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


# -- format(): Go's fmt verbs as Terraform's format() implements them -----------------------


_FORMAT_VERB = re.compile(r"%%|%([-+# 0]*)(?:\[(\d+)\])?(\d*)(?:\.(\d*))?([a-zA-Z])")


def _format(spec: str, *args: Any) -> str:
    """Terraform's format(): flags, width, precision and `%[n]` as in Go's fmt (`%02d` → "04").
    A verb, flag or value we cannot render exactly raises, and the call becomes Unknown."""
    position = 0
    used: set = set()

    def repl(match: re.Match) -> str:
        nonlocal position
        if match.group(0) == "%%":
            return "%"
        flags, explicit, width, precision, verb = match.groups()
        if explicit:
            position = int(explicit) - 1
        if position >= len(args):
            raise IndexError("not enough arguments")
        value = args[position]
        used.add(position)
        position += 1
        if value is None:
            raise ValueError("Terraform's format() of null is not known")
        text = _verb(verb, flags, precision, value)
        return text if verb == "t" else _pad(text, flags, width)  # Terraform's %t takes no width

    out = _FORMAT_VERB.sub(repl, spec)
    if "%" in _FORMAT_VERB.sub("", spec):
        raise ValueError("a stray % in the format")
    if len(used) != len(args):
        raise ValueError("too many arguments")
    return out


def _verb(verb: str, flags: str, precision: Any, value: Any) -> str:
    if verb == "v" and ("#" in flags or isinstance(value, (list, dict))):
        return json_text(value)
    if verb == "v" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _shortest_g(value)  # Go's %v of a number is %g: 1e+21
    if verb == "v":
        return _nfc(_string(value))  # a precision does not cut %v
    if verb == "s":
        text = _nfc(_string(value))
        return text[: int(precision or 0)] if precision is not None else text
    if verb == "q":
        return json_text(_string(value))
    if verb == "t":
        truth = value if isinstance(value, bool) else {"true": True, "false": False}[value]
        return "true" if truth else "false"
    number = to_number(value)
    if isinstance(number, Unknown):
        raise ValueError("not a number")
    if verb in "dxXob":
        whole = _whole(number)
        if "#" in flags and verb in "ob":
            raise ValueError("Go's %#o and %#b differ from Python's")
        body = format(abs(whole), ("#" if "#" in flags else "") + verb)
        return _sign(whole < 0, flags) + body
    if verb in "eEfF":
        body = _decimal(number, int(precision) if precision else 6 if precision is None else 0, verb.lower())
        body = body.upper() if verb == "E" else body
        return _sign(body.startswith("-"), flags) + body.lstrip("-")
    if verb in "gG" and precision is None:
        body = _shortest_g(number)
        body = body.upper() if verb == "G" else body
        return _sign(body.startswith("-"), flags) + body.lstrip("-")
    raise ValueError(f"format verb %{verb} is not supported")


def _sign(negative: bool, flags: str) -> str:
    return "-" if negative else "+" if "+" in flags else " " if " " in flags else ""


def _pad(text: str, flags: str, width: str) -> str:
    """Go's width: spaces on the left, on the right with `-`, zeros with `0` (after a sign)."""
    if not width or len(text) >= int(width):
        return text
    if "-" in flags:
        return text.ljust(int(width))
    if "0" in flags and text[:1] in "+- " and text[1:2].isdigit():
        return text[0] + text[1:].rjust(int(width) - 1, "0")
    if "0" in flags:
        return text.rjust(int(width), "0")
    return text.rjust(int(width))


def _decimal(number: Any, places: int, style: str) -> str:
    """%f / %e of a number: rounded half to even on Terraform's binary value. A decimal exactly
    halfway that binary floating point does not hold exactly could round either way: raises."""
    value = Decimal(format_number(number) or "nan")
    spec = f".{places}{style}"
    if value == 0:
        zero = "0" + ("." + "0" * places if places else "") + ("e+00" if style == "e" else "")
        return ("-" if math.copysign(1, number) < 0 else "") + zero
    with localcontext() as context:
        context.prec = 1000
        context.rounding = ROUND_HALF_UP
        up = format(value, spec)
        context.rounding = ROUND_HALF_DOWN
        down = format(value, spec)
    if up != down:
        if Fraction(value).denominator & (Fraction(value).denominator - 1):
            raise ValueError("a tie in decimal that Terraform's binary value breaks one way or the other")
        with localcontext() as context:
            context.prec = 1000
            up = format(value, spec)  # half to even, as big.Float
    if style == "e":  # Go writes at least two exponent digits: 1.5e+03
        up = re.sub(r"e([+-])(\d)$", r"e\g<1>0\2", up)
    if number == 0 and math.copysign(1, number) < 0:
        up = "-" + up
    return up


def _shortest_g(number: Any) -> str:
    """%g without a precision: the shortest digits, in %e form when the exponent is < -4 or >= 6
    (Go's and big.Float's rule)."""
    text = format_number(number)
    if text is None:
        raise ValueError("not finite")
    value = Decimal(text)
    if value == 0:
        return text
    exponent = value.adjusted()
    if exponent < -4 or exponent >= 6:
        digits = value.as_tuple().digits
        while len(digits) > 1 and digits[-1] == 0:
            digits = digits[:-1]
        mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
        return f"{'-' if value < 0 else ''}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    return text


def _formatlist(spec: str, *args: Any) -> list:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise ValueError("lists of different lengths")
    count = lengths.pop() if lengths else 1
    return [_format(spec, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(count)]


# -- functions of fully known plain values -------------------------------------------------


def _number(value: Any) -> Any:
    """A number argument: numbers and numeric strings; bools, null and the rest raise."""
    number = to_number(value)
    if isinstance(number, Unknown):
        raise TypeError("a number is required")
    return number


def _jsondecode(text: str) -> Any:
    def number(token: str) -> Any:
        value = parse_number(token)
        if isinstance(value, Unknown):
            raise ValueError("a number Python cannot hold as Terraform does")
        return value

    def constant(token: str) -> Any:
        raise ValueError(f"{token} is not JSON")

    return json.loads(text, parse_float=number, parse_int=number, parse_constant=constant)


def _contains(collection: Any, value: Any) -> bool:
    if not isinstance(collection, list) or value is None:
        raise TypeError("contains needs a list and a value")
    return any(equal(item, value) for item in collection)


def _index(collection: Any, value: Any) -> int:
    if not isinstance(collection, list) or value is None:
        raise TypeError("index needs a list and a value")
    return next(i for i, item in enumerate(collection) if equal(item, value))


def _replace(text: str, old: str, new: str) -> Any:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return Unknown()  # an RE2 pattern: see regex
    return _nfc(_string(text)).replace(_nfc(_string(old)), _nfc(_string(new)))


def _range(*args: Any) -> Any:
    if not 1 <= len(args) <= 3:
        raise TypeError("range takes one to three numbers")
    numbers = [exact_number(_number(a)) for a in args]
    start, end = (Fraction(0), numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
    step = numbers[2] if len(numbers) == 3 else Fraction(-1 if start > end else 1)
    if step == 0 or step > 0 and end < start or step < 0 and end > start:
        raise ValueError("Terraform rejects this range")
    out: list = []
    current = start
    while current < end if step > 0 else current > end:
        if len(out) >= MAX_RANGE:
            raise ValueError("more than 1024 values")
        out.append(from_exact(current))
        current = round_binary(current + step)  # rounded at each step, as Terraform adds
    if any(isinstance(v, Unknown) for v in out):
        return Unknown()
    return out


def _distinct(items: list) -> list:
    if not isinstance(items, list):
        raise TypeError("distinct needs a list")
    seen, out = set(), []
    for item in _unify(items):
        key = json_text(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _sort(items: list) -> list:
    if not isinstance(items, list):
        raise TypeError("sort needs a list")
    return sorted(_nfc(_string(i)) for i in items)  # a list of strings: numbers sort as text


def _join(separator: str, *lists: Any) -> str:
    if not isinstance(separator, str) or not lists or not all(isinstance(items, list) for items in lists):
        raise TypeError("join needs a string and lists")
    return separator.join(_string(i) for items in lists for i in items)


def _split(separator: str, text: str) -> list:
    separator, text = _string(separator), _string(text)
    return list(text) if separator == "" else text.split(separator)


def _trimprefix(text: str, prefix: str) -> str:
    return text[len(prefix) :] if text.startswith(prefix) else text


def _trimsuffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if suffix and text.endswith(suffix) else text


def _simple_case(text: str, convert: Callable[[str], str]) -> str:
    """Go's unicode.ToUpper/ToLower: Unicode's simple, one-to-one mappings. Python applies the
    full ones, which map a few characters to several (`"ß".upper()` is "SS"); for those the simple
    mapping is: none (the character stays: ß, ﬁ, ŉ), the titlecase one (ᾳ → ᾼ), or for İ, i."""
    out = []
    for char in _nfc(text):
        mapped = convert(char)
        if len(mapped) != 1:
            title = char.title()
            mapped = "i" if char == "\u0130" else title if convert is str.upper and len(title) == 1 else char
        out.append(mapped)
    return "".join(out)


def _is_separator(char: str) -> bool:
    """Go's strings.Title: which characters start a new word after them."""
    if char <= "\x7f":
        return not (char.isascii() and (char.isalnum() or char == "_"))
    if unicodedata.category(char)[0] == "L" or unicodedata.category(char) == "Nd":
        return False
    return char in _GO_SPACE


def _title(text: str) -> str:
    out, previous = [], " "
    for char in _nfc(_string(text)):
        if _is_separator(previous):
            mapped = char.title()
            out.append(mapped if len(mapped) == 1 else char)  # Go's simple titlecase: ß stays ß
        else:
            out.append(char)
        previous = char
    return "".join(out)


# Go's unicode.IsSpace (strings.TrimSpace): Python's str.strip also strips \x1c-\x1f.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _substr(text: str, offset: Any, length: Any) -> str:
    characters = _graphemes(_string(text))
    start, count = _whole(offset), _whole(length)
    if start < 0:
        start = max(len(characters) + start, 0)
    if count == 0 or start >= len(characters):
        return ""
    return "".join(characters[start:] if count < 0 else characters[start : start + count])


def _zipmap(keys: list, values: list) -> dict:
    if not isinstance(keys, list) or not isinstance(values, list) or len(keys) != len(values):
        raise ValueError("zipmap needs two lists of one length")
    return {_string(k): v for k, v in zip(keys, values)}


def _extreme(pick: Callable, *numbers: Any) -> Any:
    if not numbers:
        raise ValueError("at least one number")
    return pick((_number(n) for n in numbers), key=exact_number)


def _sum(items: list) -> Any:
    if not isinstance(items, list) or not items:
        raise ValueError("sum needs a non-empty list")
    total = Fraction(0)
    for item in items:
        total = round_binary(total + exact_number(_number(item)))
    return from_exact(total)


def _coalescelist(*lists: Any) -> Any:
    if not all(isinstance(items, list) or items is None for items in lists):
        raise TypeError("coalescelist takes lists")
    return next(items for items in lists if items)


def _tonumber(value: Any) -> Any:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise TypeError("only strings and numbers convert to numbers")
    number = parse_number(value)
    if isinstance(number, Unknown):
        raise ValueError("not a number Terraform reads")
    return number


def _tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    return {"true": True, "false": False}[value]


def _abs(value: Any) -> Any:
    number = _number(value)
    return 0 if number == 0 else abs(number)


def _ceil_floor(round_: Callable) -> Callable:
    return lambda value: round_(exact_number(_number(value)))


def _pow(base: Any, exponent: Any) -> Any:
    base, exponent = _number(base), _number(exponent)
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0 and abs(base) ** exponent < 2**53:
        return base**exponent  # exact in Go's float64 too
    raise ValueError("Terraform computes pow() in float64: only small whole powers are known here")


def _signum(value: Any) -> int:
    number = _whole(value)
    return (number > 0) - (number < 0)


def _parseint(text: str, base: Any) -> int:
    base = _whole(base)
    if not isinstance(text, str) or not 2 <= base <= 36 or not re.fullmatch(r"-?[0-9a-zA-Z]+", text):
        raise ValueError("not an integer Terraform reads")
    return int(text, base)


def _bools(items: list) -> list:
    if not isinstance(items, list):
        raise TypeError("a list of bools")
    # null counts as not true (alltrue([null]) is false)
    return [{"true": True, "false": False}[i] if isinstance(i, str) else bool(i) if isinstance(i, bool) or i is None
            else {}[i] for i in items]


def _chunklist(items: list, size: Any) -> list:
    size = _whole(size)
    if not isinstance(items, list) or size < 0:
        raise ValueError("chunklist needs a list and a size")
    if size == 0:
        return [items] if items else []
    return [items[i : i + size] for i in range(0, len(items), size)]


def _transpose(mapping: dict) -> dict:
    out: dict = {}
    for key in sorted(mapping):
        for value in mapping[key]:
            out.setdefault(_string(value), []).append(key)
    return out


def _setop(combine: Callable) -> Callable:
    def op(*sets: Any) -> list:
        if not sets or not all(isinstance(s, list) for s in sets):
            raise TypeError("sets are lists")
        unified = _unify([x for s in sets for x in s])
        parts, at = [], 0
        for s in sets:
            parts.append([json_text(x) for x in unified[at : at + len(s)]])
            at += len(s)
        by_key = {json_text(x): x for x in unified}
        return _set([by_key[k] for k in combine(parts)])

    return op


def _union(parts: list) -> list:
    return [k for p in parts for k in p]


def _intersection(parts: list) -> list:
    return [k for k in parts[0] if all(k in p for p in parts[1:])]


def _subtract(parts: list) -> list:
    if len(parts) != 2:
        raise TypeError("setsubtract takes two sets")
    return [k for k in parts[0] if k not in parts[1]]


def _network(prefix: str) -> Any:
    """A CIDR prefix as Go's net.ParseCIDR reads it (host bits dropped: 10.0.0.5/16 is 10.0.0.0/16)."""
    if not isinstance(prefix, str) or "/" not in prefix:
        raise ValueError("not a CIDR prefix")
    return ipaddress.ip_network(prefix, strict=False)


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    network, bits, number = _network(prefix), _whole(newbits), _whole(netnum)
    length = network.prefixlen + bits
    if bits < 0 or length > network.max_prefixlen or not 0 <= number < 2**bits:
        raise ValueError("Terraform rejects this subnet")
    start = int(network.network_address) + (number << (network.max_prefixlen - length))
    return str(ipaddress.ip_network((start, length)))


def _cidrhost(prefix: str, hostnum: Any) -> str:
    network, number = _network(prefix), _whole(hostnum)
    size = network.num_addresses
    if number < 0:
        number += size
    if not 0 <= number < size:
        raise ValueError("host number out of range")
    return str(network.network_address + number)


def _cidrnetmask(prefix: str) -> str:
    network = _network(prefix)
    if network.version != 4:
        raise ValueError("only IPv4 has a netmask")
    return str(network.netmask)


def _cidrsubnets(prefix: str, *newbits: Any) -> list:
    network = _network(prefix)
    out: list = []
    position = int(network.network_address)  # where the next subnet may start
    for bits in (_whole(b) for b in newbits):
        length = network.prefixlen + bits
        if bits < 1 or length > network.max_prefixlen:
            raise ValueError("Terraform rejects this subnet")
        size = 1 << (network.max_prefixlen - length)
        start = -(-position // size) * size  # the next boundary of a subnet this size
        if start + size > int(network.broadcast_address) + 1:
            raise ValueError("not enough address space")
        out.append(str(ipaddress.ip_network((start, length))))
        position = start + size
    return out


def _setproduct(*lists: Any) -> list:
    if len(lists) < 2 or not all(isinstance(items, list) for items in lists):
        raise TypeError("setproduct takes two or more lists")
    return [list(combination) for combination in itertools.product(*lists)]


def _bytes(text: Any) -> bytes:
    return _nfc(_string(text)).encode("utf-8")


def _base64decode(text: str) -> str:
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or len(text) % 4:
        raise ValueError("not base64")
    return base64.b64decode(text, validate=True).decode("utf-8")


_STRICT: dict[str, Callable] = {
    "jsondecode": _jsondecode,
    "format": _format,
    "formatlist": _formatlist,
    "join": _join,
    "split": _split,
    "lower": lambda s: _simple_case(_string(s), str.lower),
    "upper": lambda s: _simple_case(_string(s), str.upper),
    "title": _title,
    "trimspace": lambda s: _nfc(_string(s)).strip(_GO_SPACE),
    "trimprefix": lambda s, p: _trimprefix(_nfc(_string(s)), _nfc(_string(p))),
    "trimsuffix": lambda s, p: _trimsuffix(_nfc(_string(s)), _nfc(_string(p))),
    "trim": lambda s, chars: _nfc(_string(s)).strip(_nfc(_string(chars))),
    "chomp": lambda s: _string(s).rstrip("\r\n"),
    "indent": lambda n, s: _string(s).replace("\n", "\n" + " " * _whole(n)),
    "strrev": lambda s: "".join(reversed(_graphemes(_string(s)))),
    "replace": _replace,
    "substr": _substr,
    "startswith": lambda s, p: _nfc(_string(s)).startswith(_nfc(_string(p))),
    "endswith": lambda s, p: _nfc(_string(s)).endswith(_nfc(_string(p))),
    "strcontains": lambda s, p: _nfc(_string(p)) in _nfc(_string(s)),
    "contains": _contains,
    "index": _index,
    "distinct": _distinct,
    "sort": _sort,
    "reverse": lambda items: list(reversed(items)) if isinstance(items, list) else {}[items],
    "range": _range,
    "zipmap": _zipmap,
    "max": lambda *a: _extreme(max, *a),
    "min": lambda *a: _extreme(min, *a),
    "abs": _abs,
    "ceil": _ceil_floor(math.ceil),
    "floor": _ceil_floor(math.floor),
    "pow": _pow,
    "signum": _signum,
    "parseint": _parseint,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "sum": _sum,
    "coalescelist": _coalescelist,
    "alltrue": lambda items: all(_bools(items)),
    "anytrue": lambda items: any(_bools(items)),
    "chunklist": _chunklist,
    "transpose": _transpose,
    "setunion": _setop(_union),
    "setintersection": _setop(_intersection),
    "setsubtract": _setop(_subtract),
    "setproduct": _setproduct,
    # regex() and replace(s, "/re/", x) are not evaluated (Unknown): Terraform's RE2 syntax is not
    # Python's, and Python's backtracking engine can run for hours on a hostile pattern.
    "base64encode": lambda s: base64.b64encode(_bytes(s)).decode(),
    "base64decode": _base64decode,
    "md5": lambda s: hashlib.md5(_bytes(s)).hexdigest(),
    "sha1": lambda s: hashlib.sha1(_bytes(s)).hexdigest(),
    "sha256": lambda s: hashlib.sha256(_bytes(s)).hexdigest(),
    "sha512": lambda s: hashlib.sha512(_bytes(s)).hexdigest(),
    "base64sha256": lambda s: base64.b64encode(hashlib.sha256(_bytes(s)).digest()).decode(),
    "base64sha512": lambda s: base64.b64encode(hashlib.sha512(_bytes(s)).digest()).decode(),
    "urlencode": lambda s: quote_plus(_bytes(s), safe="~"),
    "cidrsubnet": _cidrsubnet,
    "cidrsubnets": _cidrsubnets,
    "cidrhost": _cidrhost,
    "cidrnetmask": _cidrnetmask,
}


# -- functions that read files relative to the module ---------------------------------------


class Here(NamedTuple):
    """Where a path function was called: the directory relative paths start from (the root
    module's, where Terraform runs) and the call's Location (to report a refused read at)."""

    directory: Path
    where: Any = None


def _resolve(here: Here, path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else here.directory / candidate


def _file(here: Here, path: str) -> Any:
    # Through the gate (project.py): a path outside the project, a device or FIFO, or a file
    # over the limit is not read, the value is unknown, and the run says which and why.
    target = _resolve(here, path)
    try:
        return FileText(observations.read_text(target, limit=MAX_READ_BYTES, where=here.where), target)
    except (OSError, UnicodeDecodeError):
        note("read", target)
        return Unknown()


def _fileexists(here: Here, path: str) -> Any:
    target = _resolve(here, path)
    try:
        return current_project().is_file(target, where=here.where)  # noted
    except Refused:
        return Unknown()
    finally:
        note("file", target)


def _abspath(here: Here, path: str) -> Any:
    target = _resolve(here, path)
    note("real", target)
    if current_project().outside(target) is not None:
        return Unknown()  # where a link outside the project leads is not the project's to say
    return str(target.resolve())  # noted


def _clean(path: str) -> str:
    """Go's filepath.Clean on a slash path (posixpath.normpath, except that Go keeps no `//`)."""
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _basename(path: str) -> str:
    """Go's filepath.Base: "" is ".", trailing slashes do not count, "/" stays "/"."""
    if path == "":
        return "."
    stripped = path.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


def _dirname(path: str) -> str:
    """Go's filepath.Dir: everything before the last slash, cleaned ("a/b/" → "a/b")."""
    return _clean(path[: path.rfind("/") + 1]) if "/" in path else "."


MAX_FILESET_ENTRIES = 10_000  # directory entries fileset() looks at before its value is Unknown


def _fileset(here: Here, path: str, pattern: str) -> Any:
    """Terraform's `fileset(path, pattern)`: the sorted paths, relative to `path` and written
    with `/`, of the regular files under it that match the glob (`*`, `**`, `?`, `[...]`,
    `{a,b}`). Through the gate (project.py): a directory outside the project is not listed
    (Unknown), and past MAX_FILESET_ENTRIES entries the value is Unknown. (Kept apart from
    the other functions: issue 14's network part added it.)"""
    base = _resolve(here, path)
    matcher = re.compile(_glob_regex(posixpath.normpath(pattern) if pattern else pattern))
    depth = None if "**" in pattern else pattern.count("/")  # how deep a match can be
    found: list = []
    pending, seen = [(base, "", 0)], 0
    while pending:
        directory, prefix, level = pending.pop()
        note("listing", directory)
        try:
            entries = current_project().listing(directory, where=here.where)  # noted
        except Refused:
            return Unknown()
        except OSError:
            if directory == base:
                return []  # Terraform: no such directory gives an empty set
            return Unknown()
        seen += len(entries)
        if seen > MAX_FILESET_ENTRIES:
            return Unknown()
        for name, is_file, is_dir in entries:
            relative = prefix + name
            if is_file and matcher.fullmatch(relative):
                found.append(relative)
            elif is_dir and (depth is None or level < depth):
                pending.append((directory / name, relative + "/", level + 1))
    return sorted(found)


def _glob_regex(pattern: str) -> str:
    """The regular expression of a glob as fileset() reads it (doublestar's syntax)."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise ValueError("unterminated [ in a fileset pattern")
            body = pattern[i + 1 : end]
            negate = body.startswith(("!", "^"))
            body = re.sub(r"([\\\]])", r"\\\1", body[1:] if negate else body)
            out.append(f"[{'^' if negate else ''}{body}]")
            i = end + 1
            continue
        elif char == "{":
            end = pattern.find("}", i + 1)
            if end < 0:
                raise ValueError("unterminated { in a fileset pattern")
            out.append("(?:" + "|".join(_glob_regex(part) for part in pattern[i + 1 : end].split(",")) + ")")
            i = end + 1
            continue
        elif char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


class FileText(str):
    """Text read by `file()`, remembering which file it came from (so rules can point into it)."""

    source: Path

    def __new__(cls, text: str, source: Path) -> FileText:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


_PATH_FUNCTIONS: dict[str, Callable] = {
    "file": _file,
    "fileexists": _fileexists,
    "abspath": _abspath,
    "basename": lambda d, p: _basename(p),
    "dirname": lambda d, p: _dirname(p),
    "fileset": _fileset,
}
