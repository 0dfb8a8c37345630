"""Values the evaluator produces besides plain Python ones.

Known values are plain Python (str, int, float, bool, None, list, dict). A string that came
straight from the source is a `LocatedStr`, so rules can point at it. Anything the evaluator
cannot know is an `Unknown`; rules must stay silent on Unknown.
"""
from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Any, Optional

from .model import Location


class Unknown:
    """A value that is not known before apply. `origin` names its source when that is
    meaningful (`var.name`), so two unknowns built from the same input compare equal."""

    __slots__ = ("origin",)

    def __init__(self, origin: str = ""):
        self.origin = origin

    def same_as(self, other: Any) -> bool:
        return isinstance(other, Unknown) and bool(self.origin) and self.origin == other.origin

    def __repr__(self) -> str:
        return f"<unknown {self.origin}>" if self.origin else "<unknown>"


class Error(Unknown):
    """A value Terraform could not compute: evaluating it is an error (an attribute of null, a
    key an object lacks, an index out of range). Rules treat it as Unknown (Terraform would stop
    before applying); `try()` falls back past it and `can()` is false on it."""

    __slots__ = ("reason",)

    def __init__(self, reason: str = ""):
        super().__init__("")
        self.reason = reason

    def __repr__(self) -> str:
        return f"<error {self.reason}>"


def contains_error(value: Any) -> bool:
    if isinstance(value, Error):
        return True
    if isinstance(value, list):
        return any(contains_error(v) for v in value)
    if isinstance(value, dict):
        return any(contains_error(v) for v in value.values())
    return False


class Ref(Unknown):
    """A computed attribute of a resource instance, e.g. `aws_iam_role.mwaa.arn`: its value is
    unknown, but which resource it belongs to is known, so rules can follow it."""

    __slots__ = ("instance", "attr")

    def __init__(self, instance: Any, attr: str):
        super().__init__(f"{instance.address}.{attr}")
        self.instance = instance
        self.attr = attr


class PartialString(Unknown):
    """A template with unknown parts, e.g. `"airflow-${var.name}-Task"`."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple):
        super().__init__("".join(p if isinstance(p, str) else "${" + (p.origin or "?") + "}" for p in parts))
        if any(isinstance(p, Unknown) and not p.origin for p in parts):
            self.origin = ""  # an anonymous unknown part: equal to nothing
        self.parts = parts


class PartialFileText(PartialString):
    """A `templatefile()` result with unknown parts, remembering the template file."""

    __slots__ = ("source",)

    def __init__(self, parts: tuple, source):
        super().__init__(parts)
        self.source = source


class RenderedText(str):
    """A `templatefile()` result with every part known. Not the template file's text (a
    FileText): its lines need not be the template's, so what it holds is looked for in the
    template, never read from the file as if it were the content."""

    source: Any

    def __new__(cls, text: str, source: Any) -> RenderedText:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


class LocatedStr(str):
    """A string literal that remembers where it was written."""

    loc: Optional[Location] = None

    def __new__(cls, value: str, loc: Optional[Location]) -> LocatedStr:
        obj = super().__new__(cls, value)
        obj.loc = loc
        return obj


class JsonDocument:
    """The result of `jsonencode(x)` (or a policy document data source): keeps `x` itself,
    with its located strings, so policy rules can point at the line of an action."""

    __slots__ = ("data",)

    def __init__(self, data: Any):
        self.data = data

    def text(self) -> Any:
        """The JSON text, or Unknown if any part of the data is unknown."""
        if contains_unknown(self.data):
            return Unknown()
        return json_text(plain(self.data))


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
                 "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_SPECIAL = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029]')


def json_text(value: Any) -> str:
    """`value` as Terraform's jsonencode() writes it: no spaces, object keys sorted, strings in
    NFC with Go's escapes (`<` as \\u003c; other characters as they are), numbers as Terraform
    prints them. Raises TypeError/ValueError for what is not JSON (an infinity, an object)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = format_number(value)
        if text is None:
            raise ValueError("cannot serialize infinity as JSON")
        return text
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value)
        return '"' + _JSON_SPECIAL.sub(lambda m: _JSON_ESCAPES.get(m.group(0)) or f"\\u{ord(m.group(0)):04x}", text) + '"'
    if isinstance(value, list):
        return "[" + ",".join(json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json_text(str(k)) + ":" + json_text(value[k]) for k in sorted(value, key=str)) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")


def contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, JsonDocument):
        return contains_unknown(value.data)
    return False


def plain(value: Any) -> Any:
    """Strip LocatedStr and JsonDocument wrappers (for json.dumps and comparisons)."""
    if isinstance(value, LocatedStr):
        return str(value)
    if isinstance(value, JsonDocument):
        return value.text()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def join_parts(parts: list) -> Any:
    """Concatenate template parts: a str when all are known, else a PartialString."""
    merged: list = []
    for part in parts:
        if isinstance(part, Error):
            return part  # an error anywhere in a template is the template's error
        if isinstance(part, PartialString):
            pieces = list(part.parts)
        elif isinstance(part, Unknown):
            pieces = [part]
        else:
            pieces = [to_template_string(part)]
        for piece in pieces:
            if isinstance(piece, Unknown):
                merged.append(piece)
            elif isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            elif piece != "":
                merged.append(str(piece))
    if all(isinstance(p, str) for p in merged):
        return "".join(merged)
    return PartialString(tuple(merged))


def to_template_string(value: Any) -> Any:
    """A value as Terraform converts it to a string (interpolation, tostring, join): numbers as
    Terraform prints them (`1.50` → "1.5", `1e3` → "1000"), bools as "true"/"false". Null, lists
    and objects cannot be converted (Terraform errors), so they are Unknown."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = format_number(value)
        return Unknown() if text is None else text
    if isinstance(value, str):
        return str(value)
    if isinstance(value, JsonDocument):
        return value.text()
    return Unknown()  # null, lists and objects cannot be interpolated; Terraform would error


def same_value(a: Any, b: Any) -> Optional[bool]:
    """True/False when known, None when it cannot be told (rules then stay silent)."""
    if not isinstance(a, Unknown) and not isinstance(b, Unknown):
        return equal(plain(a), plain(b))
    if isinstance(a, Unknown) and a.same_as(b):
        return True
    a_parts, b_parts = _parts(a), _parts(b)
    if a_parts is None or b_parts is None:
        return None
    if _same_holes(a_parts, b_parts):
        # the same unknown inputs in the same places: equal exactly when the text around is
        return all(x == y for x, y in zip(a_parts, b_parts) if isinstance(x, str))
    if not _could_match(a_parts, b_parts):
        return False
    return None


def equal(a: Any, b: Any) -> bool:
    """Terraform's `==` on known plain values: a bool is never a number (`1 == true` is false),
    1 and 1.0 are the same number, strings compare in Unicode NFC (Terraform's form)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b or unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a is None and b is None


def _parts(value: Any) -> Optional[tuple[Any, ...]]:
    if isinstance(value, PartialString):
        return value.parts
    if isinstance(value, str):
        return (str(value),)
    return None


def _same_holes(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, str) != isinstance(y, str):
            return False
        if isinstance(x, Unknown) and not x.same_as(y):
            return False
    return True


def _could_match(a: tuple, b: tuple) -> bool:
    """Could two strings with unknown holes be equal? Their known prefixes and suffixes must agree."""
    for pick, fits in ((0, str.startswith), (-1, str.endswith)):
        x, y = a[pick], b[pick]
        if isinstance(x, str) and isinstance(y, str):
            shorter, longer = sorted((x, y), key=len)
            if not fits(longer, shorter):
                return False
    return True


def to_number(value: Any) -> Any:
    """A number, or a string Terraform converts to one ("1.5", "1e3", "+5"; not " 1" or "0x10");
    anything else (bools, too) is Unknown. A string whose number a Python float cannot hold
    exactly as Terraform holds it is Unknown too."""
    if isinstance(value, bool):
        return Unknown()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if value.lstrip("+-").lower() in ("nan", "inf", "infinity"):
            return float(value)  # not a count anyone can use: callers show it as absurd (cost.py)
        return parse_number(value)
    return Unknown()


def to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return Unknown()


# -- numbers as Terraform holds them -------------------------------------------------------------
#
# Terraform's numbers are binary floating point with a 512-bit mantissa (Go's big.Float; number
# literals and strings are parsed at that precision) and print as the shortest decimal that reads
# back as the same number. Here a number is a Python int (exact) or a float standing for the
# decimal its repr() shows (`0.1` is one tenth, as in the source). Arithmetic is done exactly,
# rounded to 512 bits as Terraform does, and kept only if that result prints the same way in
# Python: 0.1 + 0.2 is 0.3 as in Terraform, while 1 / 3 (150 digits in Terraform) is Unknown.

PRECISION = 512
MAX_DIGITS = 17  # a float result is kept only when Terraform prints it in at most this many digits
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


def _exact(value: Any) -> Fraction:
    """The number a Python number stands for, rounded as Terraform stores it."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return _round_binary(Fraction(repr(value)))
    return _round_binary(Fraction(value))


def _round_binary(q: Fraction) -> Fraction:
    """`q` rounded to a 512-bit mantissa, half to even (big.Float's ToNearestEven)."""
    if q == 0:
        return q
    sign = -1 if q < 0 else 1
    q = abs(q)
    exponent = q.numerator.bit_length() - q.denominator.bit_length()
    if Fraction(2) ** exponent > q:
        exponent -= 1
    shift = PRECISION - 1 - exponent  # q * 2**shift has PRECISION bits before the point
    scaled = q * Fraction(2) ** shift
    mantissa = round(scaled)  # Fraction.__round__: half to even
    return sign * Fraction(mantissa) / Fraction(2) ** shift


def _shortest(v: Fraction) -> Optional[Decimal]:
    """The shortest decimal Terraform prints for the 512-bit number `v`, if at most MAX_DIGITS long."""
    a = abs(v)
    exponent = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** exponent > a:
        exponent -= 1
    half_ulp = Fraction(2) ** (exponent - PRECISION)  # half the distance to the next 512-bit number
    even = (a / (2 * half_ulp)).numerator % 2 == 0
    k = len(str(a.numerator)) - len(str(a.denominator))  # the decimal exponent, nearly
    while Fraction(10) ** k > a:
        k -= 1
    while Fraction(10) ** (k + 1) <= a:
        k += 1
    for digits in range(1, MAX_DIGITS + 1):
        unit = Fraction(10) ** (k - digits + 1)
        candidate = round(a / unit) * unit
        gap = abs(candidate - a)
        if gap < half_ulp or gap == half_ulp and even:
            text = Decimal(candidate.numerator) / Decimal(candidate.denominator)
            return -text if v < 0 else text
    return None


def from_exact(q: Fraction, negative_zero: bool = False) -> Any:
    """The exact result of an operation as Terraform rounds and prints it: an int, a float whose
    repr() is what Terraform prints, or Unknown when Python cannot hold it."""
    if q == 0:
        return -0.0 if negative_zero else 0
    v = _round_binary(q)
    if v.denominator == 1 and abs(v.numerator) < 2**PRECISION:
        return v.numerator
    text = _shortest(v)
    if text is None:
        return Unknown()
    number = float(text)
    if not math.isfinite(number) or Fraction(repr(number)) != Fraction(text):
        return Unknown()
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def parse_number(text: str) -> Any:
    """A string as Terraform's tonumber() reads it, or Unknown (Terraform rejects it, or it is
    infinite, or Python cannot hold it)."""
    if not _NUMBER.fullmatch(text):
        return Unknown()
    value = from_exact(Fraction(text), negative_zero=text.startswith("-"))
    return value


def format_number(value: Any) -> Optional[str]:
    """A number as Terraform prints it: `1.5`, `1000`, `0.00000015`, `-0`; None for inf/nan."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return None
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def negate(value: Any) -> Any:
    """`-x`: Terraform's -0 is a negative zero, as its numbers are floating point."""
    return -0.0 if value == 0 and isinstance(value, int) else -value


_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """`left op right` for two numbers, as Terraform computes it, or Unknown."""
    try:
        a, b = _exact(left), _exact(right)
    except (ValueError, OverflowError):
        return Unknown()
    if op in _COMPARE:
        return _COMPARE[op](a, b)
    if op in ("/", "%") and b == 0:
        return Unknown()  # Terraform: infinity, or an error
    if op == "%":
        if not (isinstance(left, int) and isinstance(right, int)) and not (_binary(a) and _binary(b)):
            return Unknown()  # cty rounds the steps of % to 64 bits: only exact cases are safe
        quotient = a / b
        whole = math.floor(quotient) if quotient >= 0 else math.ceil(quotient)  # truncated, as Go
        exact = a - b * whole
    else:
        exact = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else Fraction(0)}[op]
    if exact == 0:
        try:  # the sign of a zero result follows IEEE rules, as big.Float's do
            zero = {"+": float(left) + float(right), "-": float(left) - float(right), "*": float(left) * float(right),
                    "/": float(left) / float(right) if right else 0.0, "%": math.copysign(0.0, float(left))}[op]
        except (OverflowError, ZeroDivisionError):
            zero = 0.0
        return from_exact(exact, negative_zero=math.copysign(1, zero) < 0)
    return from_exact(exact)


def _binary(q: Fraction) -> bool:
    """A number binary floating point holds exactly in 53 bits (so no step of % rounds it)."""
    d = q.denominator
    return d & (d - 1) == 0 and abs(q.numerator) < 2**53


def round_binary(q: Fraction) -> Fraction:
    """`q` rounded as Terraform rounds the result of each step of a computation (512 bits)."""
    return _round_binary(q)


def exact_number(value: Any) -> Fraction:
    """The exact value of a number (for functions like ceil, sum and range); raises if infinite."""
    return _exact(value)
