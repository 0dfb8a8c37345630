"""Terraform built-in functions the evaluator understands.

Each takes already-evaluated arguments. A function we do not know, or one whose inputs are
unknown where it matters, returns Unknown. `file()` reads inside the module (read only).
"""
from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from . import observations
from .observations import note
from .project import Refused
from .project import current as current_project
from .values import JsonDocument, LocatedStr, Unknown, contains_unknown, plain, to_number, to_template_string

MAX_READ_BYTES = 2 * 1024 * 1024
MAX_RANGE = 1024  # Terraform's own limit on the elements range() may produce


# What a function given values Terraform would reject may raise; the call is then Unknown.
_ERRORS = (TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError, RecursionError, StopIteration)


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


# -- functions that look inside collections and keep unknown or located elements -----------


def _concat(*lists: Any) -> Any:
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
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else Unknown()


def _toset(value: Any) -> Any:
    if not isinstance(value, list):
        return Unknown()
    if any(isinstance(v, Unknown) for v in value):
        return list(value)  # cannot dedupe unknowns; order and count stay as written
    seen, out = set(), []
    for item in value:
        key = json.dumps(plain(item), sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _values(value: Any) -> Any:
    return [value[k] for k in sorted(value)] if isinstance(value, dict) else Unknown()


def _keys(value: Any) -> Any:
    return sorted(value) if isinstance(value, dict) else Unknown()


def _element(value: Any, index: Any) -> Any:
    index = to_number(index)
    if not isinstance(value, list) or not isinstance(index, int) or not value:
        return Unknown()
    return value[index % len(value)]


def _slice(value: Any, start: Any, end: Any) -> Any:
    start, end = to_number(start), to_number(end)
    if not isinstance(value, list) or not isinstance(start, int) or not isinstance(end, int):
        return Unknown()
    return value[start:end]


def _merge(*maps: Any) -> Any:
    out: dict = {}
    for item in maps:
        if not isinstance(item, dict):
            return Unknown()
        out.update(item)
    return out


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict) or isinstance(key, Unknown):
        return Unknown()
    if str(key) in mapping:
        return mapping[str(key)]
    return default[0] if default else Unknown()


def _length(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        return len(value)
    return Unknown()


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return Unknown()
        if arg is not None and arg != "":
            return arg
    return Unknown()


def _jsonencode(value: Any) -> Any:
    return JsonDocument(value)


def _tostring(value: Any) -> Any:
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
    return [v for v in value if v not in (None, "")]


_LENIENT: dict[str, Callable] = {
    "concat": _concat,
    "flatten": _flatten,
    "tolist": _tolist,
    "toset": _toset,
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
    "tomap": lambda v: v if isinstance(v, dict) else Unknown(),
    "one": _one,
    "compact": _compact,
}


# -- functions of fully known plain values -------------------------------------------------


_FORMAT_VERB = re.compile(r"%%|%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z])")
_INTEGER_VERBS, _FLOAT_VERBS = "dboxX", "eEfgG"


def _format(spec: str, *args: Any) -> str:
    """Terraform's format(): flags, width and precision as in Go's fmt (`%02d` → "04").
    A verb it does not know raises, and the call becomes Unknown."""
    values = iter(args)

    def repl(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%"
        flags, width, precision, verb = match.groups()
        value = next(values)
        if verb == "t":
            if not isinstance(value, bool):
                raise ValueError("%t needs a bool")
            return _pad("true" if value else "false", flags, width)
        if verb == "q":
            return _pad(json.dumps(str(value)), flags, width)
        if verb in ("s", "v"):
            text = to_template_string(value) if not isinstance(value, (list, dict)) else json.dumps(value)
            return _pad(text[: int(precision)] if precision else text, flags, width)
        if verb in _INTEGER_VERBS + _FLOAT_VERBS:
            number = float(value) if verb in _FLOAT_VERBS else _whole(value)
            if verb == "o" and "#" in flags:
                raise ValueError("Go's %#o differs from Python's")
            sign = "+" if "+" in flags else " " if " " in flags else ""
            zero = "0" if "0" in flags and "-" not in flags else ""
            exact = f".{precision}" if precision and verb in _FLOAT_VERBS else ""
            return format(number, f"{'<' if '-' in flags else ''}{sign}{'#' if '#' in flags else ''}{zero}{width}{exact}{verb}")
        raise ValueError(f"format verb %{verb} is not supported")

    return _FORMAT_VERB.sub(repl, spec)


def _whole(value: Any) -> int:
    number = float(value) if isinstance(value, str) else value
    if isinstance(number, bool) or not isinstance(number, (int, float)) or number != int(number):
        raise ValueError("not a whole number")
    return int(number)


def _pad(text: str, flags: str, width: str) -> str:
    return text.ljust(int(width)) if "-" in flags and width else text.rjust(int(width)) if width else text


def _jsondecode(text: str) -> Any:
    return json.loads(text)


def _contains(collection: list, value: Any) -> bool:
    return value in collection


def _replace(text: str, old: str, new: str) -> Any:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return Unknown()  # an RE2 pattern: see regex
    return text.replace(old, new)


def _range(*args: Any) -> Any:
    numbers = range(*[int(x) for x in args])
    return list(numbers) if len(numbers) <= MAX_RANGE else Unknown()


def _distinct(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _join(separator: str, items: list) -> str:
    if not isinstance(separator, str) or not isinstance(items, list):
        raise TypeError("join needs a string and a list")
    return separator.join(to_template_string(i) for i in items)


_STRICT: dict[str, Callable] = {
    "jsondecode": _jsondecode,
    "format": _format,
    "join": _join,
    "split": lambda sep, text: text.split(sep),
    "lower": str.lower,
    "upper": str.upper,
    "title": str.title,
    "trimspace": str.strip,
    "trimprefix": lambda s, p: s[len(p) :] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "trim": lambda s, chars: s.strip(chars),
    "replace": _replace,
    "substr": lambda s, offset, length: s[offset : None if length < 0 else offset + length],
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "contains": _contains,
    "distinct": _distinct,
    "sort": lambda items: sorted(items),
    "reverse": lambda items: list(reversed(items)),
    "range": _range,
    "zipmap": lambda keys, values: dict(zip(keys, values)),
    "max": lambda *a: max(a),
    "min": lambda *a: min(a),
    "abs": abs,
    "ceil": lambda x: -int(-x // 1),
    "floor": lambda x: int(x // 1),
    "tonumber": lambda v: to_number(v),
    "tobool": lambda v: {"true": True, "false": False, True: True, False: False}[v],
    "sum": lambda items: sum(items),
    "coalescelist": lambda *lists: next(items for items in lists if items),
    "formatlist": lambda spec, *lists: [_format(spec, *vals) for vals in zip(*lists)],
    # regex() and replace(s, "/re/", x) are not evaluated (Unknown): Terraform's RE2 syntax is not
    # Python's, and Python's backtracking engine can run for hours on a hostile pattern.
    "base64encode": lambda s: __import__("base64").b64encode(s.encode()).decode(),
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
    "fileset": _fileset,
    "basename": lambda d, p: Path(p).name,
    "dirname": lambda d, p: str(Path(p).parent),
}
