"""Functions of fully known plain values (strings, numbers, sets, encodings, CIDR ranges):
`STRICT`, called only when no argument is unknown."""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from typing import Any
from urllib.parse import quote_plus

from ..values import (
    Unknown,
    equal,
    exact_number,
    from_exact,
    json_text,
    parse_number,
    round_binary,
    to_number,
)
from .formatting import _format, _formatlist
from .kinds import _graphemes, _nfc, _set, _string, _unify, _whole

MAX_RANGE = 1024  # Terraform's own limit on the elements range() may produce


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


STRICT: dict[str, Callable] = {
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
