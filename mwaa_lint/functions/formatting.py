"""format() and formatlist(): Go's fmt verbs as Terraform's format() implements them."""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from ..values import (
    Unknown,
    format_number,
    json_text,
    to_number,
)
from .kinds import _nfc, _string, _whole

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
