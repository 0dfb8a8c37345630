"""Values the evaluator produces besides plain Python ones.

Known values are plain Python (str, int, float, bool, None, list, dict). A string that came
straight from the source is a `LocatedStr`, so rules can point at it. Anything the evaluator
cannot know is an `Unknown`; rules must stay silent on Unknown.
"""
from __future__ import annotations

import json
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
        return json.dumps(plain(self.data), separators=(",", ":"))


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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, JsonDocument):
        return value.text()
    if value is None:
        return ""
    return Unknown()  # lists and objects cannot be interpolated; Terraform would error


def same_value(a: Any, b: Any) -> Optional[bool]:
    """True/False when known, None when it cannot be told (rules then stay silent)."""
    if not isinstance(a, Unknown) and not isinstance(b, Unknown):
        return plain(a) == plain(b)
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
    if isinstance(value, bool):
        return Unknown()
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return Unknown()
        return int(number) if number.is_integer() else number
    return Unknown()


def to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return Unknown()
