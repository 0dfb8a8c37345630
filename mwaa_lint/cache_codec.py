"""Cache entries as data: JSON written and read back into a closed set of types, never code.

mwaa-lint often runs on a pull request with a cache directory that CI restored, and whoever
opened the pull request may have written it. So an entry is JSON, and reading one builds only
the classes this module lists (`_results()`, `_requirements()`: the parsed model, the
diagnostics of a file that does not parse, parsed requirements files, the result cache's
entries), each field checked against the type listed for it, which is the type its class
declares. Every entry also holds the format version and
the key it was stored under; both must be the ones the reader expects. Anything else is a miss
(`load()` gives None): a file that is not a regular file, too large, truncated, not UTF-8,
NaN, nested too deep, a field of the wrong type or a field too many, an unknown tag. Entries
are opened through directory descriptors without following links below the cache directory,
so a link or a FIFO planted there can neither redirect a read or a write nor block one.
"""
from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import operator
import os
import stat
import typing
from collections.abc import Callable
from itertools import chain, islice
from pathlib import Path
from typing import Any, Optional, Protocol, TypeAlias, Union

FORMAT = "mwaa-lint cache entry"
VERSION = 1
# An entry is about four times the size of its file (the text and the model): files up to
# about 7 MB are kept. At most so many arrays and objects, so that memory stays bounded too
# (a real entry has about one every 20 bytes; `[],[],...` would be one every 3).
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_CONTAINERS = 2_000_000

_PathType = type(Path())
_NoneType = type(None)
_ENTRY_KEYS = {"format", "version", "key", "paths", "value"}
_Encode = Callable[[Any], Any]  # a value → its JSON form; Invalid if it is not of the codec's type
_Decode = Callable[[Any], Any]  # JSON → a value of the codec's type; Invalid if it is not one
_Codec = tuple[_Encode, _Decode]


class _Copied(Protocol):
    """A decoder of a plain type, `kind`: the value is copied as it is once its type is checked."""

    kind: type

    def __call__(self, value: Any, /) -> Any: ...


class _CopiedItems(Protocol):
    """A decoder of sequences of a plain type: `items_kind` is (the items' type, the sequence's)."""

    items_kind: tuple[type, type]

    def __call__(self, value: Any, /) -> Any: ...


class Invalid(Exception):
    """Data that is not an entry of the expected type, or a value the caches do not hold."""


# --- Reading and writing entry files -----------------------------------------------------------

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BY_DESCRIPTOR = {os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd


def load(directory: Path, parts: tuple, spec, key: str):
    """The value stored at `directory/parts...` under `key`, if it is a well-formed `spec`;
    else None."""
    data = read(directory, parts)
    return None if data is None else loads(data, spec, key)


def save(directory: Path, parts: tuple, value, spec, key: str) -> bool:
    """Store `value` (a `spec`) under `key` at `directory/parts...`, whole or not at all.
    False when the directory cannot be written (read-only, full, something in the way); a value
    the codec cannot hold (a cycle, nesting too deep, a type it does not know) is not kept."""
    try:
        data = dumps(value, spec, key)
    except (Invalid, RecursionError, ValueError, TypeError):
        return True
    return len(data) > MAX_ENTRY_BYTES or write(directory, parts, data)


def read(directory: Path, parts: tuple) -> Optional[bytes]:
    """The bytes of the file `directory/parts...`, or None: absent, unreadable, larger than
    MAX_ENTRY_BYTES, or not a regular file. Links below `directory` are not followed, and a
    FIFO or a device is never read, so nothing blocks."""
    try:
        folder = _open_below(directory, parts[:-1], create=False)
    except OSError:
        return None
    try:
        fd = _open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, folder, directory, parts)
    except OSError:
        return None
    finally:
        _close(folder)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_ENTRY_BYTES:
            return None
        chunks: list = []
        total = 0
        while total <= MAX_ENTRY_BYTES:  # until the end, should it have grown since fstat
            chunk = os.read(fd, status.st_size + 1 if not chunks else 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks) if total <= MAX_ENTRY_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def write(directory: Path, parts: tuple, data: bytes) -> bool:
    """Write `data` to `directory/parts...` whole or not at all: to a temporary file beside it,
    then renamed into place, so a concurrent run reads the old entry or the new one, never half
    of one. Directories below `directory` are made as needed, never followed if they are links.
    False if it could not be written."""
    try:
        os.makedirs(directory, exist_ok=True)  # the user's cache directory itself: trusted
        folder = _open_below(directory, parts[:-1], create=True)
    except OSError:
        return False
    temporary = f".tmp-{os.getpid()}-{os.urandom(6).hex()}"
    try:
        fd = _open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, folder, directory, parts)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        if folder is None:
            os.replace(Path(directory, *parts[:-1], temporary), Path(directory, *parts))
        else:
            os.replace(temporary, parts[-1], src_dir_fd=folder, dst_dir_fd=folder)
        return True
    except OSError:
        try:
            if folder is None:
                os.unlink(Path(directory, *parts[:-1], temporary))
            else:
                os.unlink(temporary, dir_fd=folder)
        except OSError:
            pass
        return False
    finally:
        _close(folder)


def _open_below(directory: Path, names: tuple, create: bool) -> Optional[int]:
    """A descriptor of the directory `directory/names...`, each name opened without following
    a link (None where the system has no directory descriptors: paths are used instead)."""
    if not _BY_DESCRIPTOR:
        if create:
            Path(directory, *names).mkdir(parents=True, exist_ok=True)
        return None
    fd = os.open(directory, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    for name in names:
        try:
            if create:
                try:
                    os.mkdir(name, dir_fd=fd)
                except FileExistsError:
                    pass
            inner = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=fd)
        finally:
            os.close(fd)
        fd = inner
    return fd


def _open(name: str, flags: int, folder: Optional[int], directory: Path, parts: tuple) -> int:
    if folder is None:
        return os.open(Path(directory, *parts[:-1], name), flags, 0o600)
    return os.open(name, flags, 0o600, dir_fd=folder)


def _close(fd: Optional[int]) -> None:
    if fd is not None:
        os.close(fd)


# --- Encoding ----------------------------------------------------------------------------------
# An entry is one JSON object: {"format", "version", "key", "paths", "value"}. Paths
# are kept once, in "paths", and named by their index. The value is written by its type (its
# `spec`): an instance of an allow-listed class is the array of its fields in declared order,
# with the class name in front where the declared type allows more than one class (any Expr);
# lists, tuples and sets are arrays; dicts with string keys are objects, other dicts arrays of
# key, value, key, value. Where the declared type is a union or Any, each value says what it
# is: JSON scalars stand for themselves, anything else is an array that starts with its tag
# ("list", "tuple", "set", "dict", "Path", "date", "float" for ±inf, or a class name).

_paths_out: Optional[dict] = None  # Path → index, while encoding
_paths_in: list = []  # index → Path, while decoding


def dumps(value, spec, key: str) -> bytes:
    """`value`, of type `spec`, as the bytes of an entry stored under `key`. Raises Invalid
    for a value that is not a `spec` the caches hold (or RecursionError: nested too deep)."""
    global _paths_out
    encode = _codec(spec)[0]
    _paths_out = {}
    try:
        body = encode(value)
        paths = [str(path) for path in _paths_out]
    finally:
        _paths_out = None
    entry = {"format": FORMAT, "version": VERSION, "key": key, "paths": paths, "value": body}
    # ASCII: a path with a byte that is not UTF-8 (a surrogate escape) is written escaped
    return json.dumps(entry, separators=(",", ":"), allow_nan=False, check_circular=False).encode("ascii")


def loads(data: bytes, spec, key: str):
    """The value of type `spec` in the entry `data`, if it is one stored under `key` by this
    format; else None. Never raises (but KeyboardInterrupt)."""
    global _paths_in
    try:
        if data.count(b"[") + data.count(b"{") > MAX_CONTAINERS:
            return None
        entry = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
        if (type(entry) is not dict or entry.keys() != _ENTRY_KEYS or entry["format"] != FORMAT
                or type(entry["version"]) is not int or entry["version"] != VERSION
                or type(entry["key"]) is not str or entry["key"] != key):
            return None
        paths = entry["paths"]
        if type(paths) is not list or not all(type(path) is str for path in paths):
            return None
        decode = _codec(spec)[1]
        _paths_in = [Path(path) for path in paths]
        return decode(entry["value"])
    except Exception:  # Invalid, not JSON, not UTF-8, RecursionError, a huge integer, an unhashable set member...
        return None
    finally:
        _paths_in = []


def _no_constant(name: str):
    raise Invalid(f"{name} is not a value the caches hold")


# --- The allow-list ------------------------------------------------------------------------


@dataclasses.dataclass
class _Layout:
    """How one allow-listed class is written: its fields, in declared order, and their codecs,
    made when the class is first written or read. Fields of a plain type (str, int, bool) are
    copied as they are and checked in one go on reading; only the others cost a call each."""

    cls: type
    names: tuple
    types: tuple

    def fields(self, obj) -> list:
        """The array of `obj`'s fields."""
        self._compile()
        return self.fields(obj)

    def build(self, data: list, start: int):
        """An instance from the array of its fields at `data[start:]` (an array just parsed,
        used up by this)."""
        self._compile()
        return self.build(data, start)

    def _compile(self) -> None:
        """Replace `fields` and `build` by functions made for this class's fields."""
        codecs = [_codec(t) for t in self.types]
        cls, names, size = self.cls, self.names, len(self.names)
        getter = operator.attrgetter(*names)
        values = getter if size > 1 else lambda obj: (getter(obj),)
        encode_calls = [(i, encode) for i, (encode, _) in enumerate(codecs) if encode is not _same]
        plain = [(i, decode.kind) for i, (_, decode) in enumerate(codecs) if hasattr(decode, "kind")]
        kinds, plain_values = tuple(kind for _, kind in plain), _items([i for i, _ in plain])
        decode_calls = [(i, decode) for i, (_, decode) in enumerate(codecs) if not hasattr(decode, "kind")]

        def fields(obj) -> list:
            out = list(values(obj))
            for i, encode in encode_calls:
                out[i] = encode(out[i])
            return out

        def build(data: list, start: int):
            if start:
                del data[:start]
            if len(data) != size:
                raise Invalid(f"{cls.__name__}: {len(data)} fields, not {size}")
            if tuple(map(type, plain_values(data))) != kinds:  # a bool is no int
                raise Invalid(f"{cls.__name__}: a field of the wrong type")
            for i, decode in decode_calls:
                data[i] = decode(data[i])
            obj: Any = _new(cls)
            obj.__dict__.update(zip(names, data))  # as __init__ would, also for a frozen class
            return obj

        # the lazy methods above are replaced on the instance by the compiled functions, of the same signatures
        self.fields, self.build = fields, build  # type: ignore[method-assign]


def _items(indices: list):
    """A function giving the items of a list at `indices`, always as a tuple."""
    if not indices:
        return lambda data: ()
    getter = operator.itemgetter(*indices)
    return getter if len(indices) > 1 else lambda data: (getter(data),)


_new = object.__new__
_layouts: dict = {}  # class → _Layout
_by_name: dict = {}  # class name → _Layout
_codecs: dict[Any, _Codec] = {}  # spec → (encode, decode)
_TAGS = {"list", "tuple", "set", "dict", "Path", "date", "float"}


def _results() -> dict:
    """The classes of the result cache's entries, each with its fields in declared order and
    the type of each: the declared type, made precise where the class says only `list`, `dict`
    or `Any` (tests/test_cache_poison.py holds the two together). A group of its own, so that
    a warm run reading its roots' outcomes back never imports the model (model.py)."""
    from .diagnostic import Diagnostic
    from .fixes import Edit, Fix
    from .location import Location as L
    from .result_cache import Entry, Outcome
    from .rule import Finding, Severity
    from .suppress import Suppression

    return {
        L: {"path": Path, "line": int, "column": int, "end_line": int, "end_column": int},
        Edit: {"path": Path, "line": int, "column": int, "end_line": int, "end_column": int, "replacement": str,
               "expected": str},
        Fix: {"description": str, "edits": tuple[Edit, ...]},
        Diagnostic: {"path": Optional[Path], "line": int, "column": int, "message": str, "kind": str, "fix": Optional[Fix]},
        Finding: {"rule_id": str, "slug": str, "severity": Severity, "message": str, "path": Path, "line": int,
                  "column": int, "end_line": int, "end_column": int, "address": str, "related": tuple[tuple[L, str], ...],
                  "fix": Optional[Fix]},
        Suppression: {"path": Path, "line": int, "column": int, "selectors": list[str], "reason": str,
                      "until": Optional[datetime.date], "bad_until": str, "first": int, "last": int, "file_level": bool,
                      "used": bool},
        Outcome: {"findings": list[Finding], "diagnostics": list[Diagnostic], "checked": int, "not_checked": set[Path],
                  "scanned": dict[Path, tuple[list[Suppression], bool]], "notices": list[Diagnostic], "environments": int},
        Entry: {"records": list[tuple[str, str, str]], "called": set[Path], "outcome": Optional[Outcome]},
    }


def _models() -> dict:
    """The parse cache's models, as _results() has the result cache's entries. Bound is left
    out: evaluation makes it, never a parse."""
    from . import model as m
    from .cache import Unparsed
    from .diagnostic import Diagnostic

    E: TypeAlias = m.Expr  # short names for the table below
    L: TypeAlias = m.Location
    return {
        m.Literal: {"loc": L, "value": Union[str, int, float, bool, None]},
        m.Template: {"loc": L, "parts": list[Union[str, E]], "heredoc": bool},
        m.TemplateIf: {"loc": L, "cond": E, "then": list[Union[str, E]], "otherwise": list[Union[str, E]]},
        m.TemplateFor: {"loc": L, "key_var": Optional[str], "value_var": str, "collection": E,
                        "body": list[Union[str, E]]},
        m.TupleExpr: {"loc": L, "items": list[E]},
        m.ObjectExpr: {"loc": L, "items": list[tuple[E, E]]},
        m.Name: {"loc": L, "name": str},
        m.GetAttr: {"loc": L, "obj": E, "name": str},
        m.Index: {"loc": L, "obj": E, "key": E},
        m.Splat: {"loc": L, "obj": E, "rest": E},
        m.SplatItem: {"loc": L},
        m.Call: {"loc": L, "name": str, "args": list[E], "expand_last": bool},
        m.BinaryOp: {"loc": L, "op": str, "left": E, "right": E},
        m.UnaryOp: {"loc": L, "op": str, "operand": E},
        m.Conditional: {"loc": L, "cond": E, "true": E, "false": E},
        m.ForExpr: {"loc": L, "key_var": Optional[str], "value_var": str, "collection": E, "value": E,
                    "key": Optional[E], "cond": Optional[E], "grouping": bool},
        m.Attribute: {"name": str, "expr": E, "loc": L},
        m.Block: {"type": str, "labels": list[str], "loc": L, "end_loc": L, "attributes": dict[str, m.Attribute],
                  "blocks": list[m.Block], "unknown": bool},
        m.File: {"path": Path, "text": str, "blocks": list[m.Block], "attributes": dict[str, m.Attribute]},
        Unparsed: {"diagnostics": list[Diagnostic]},
    }


def _requirements() -> dict:
    """Parsed requirements files: a group of its own, so that a run that reads none (a warm
    one) never imports their module."""
    from .requirements import Include, ParsedRequirements, Problem, RequirementLine

    return {
        RequirementLine: {"line": int, "column": int, "end_column": int, "text": str, "name": Optional[str],
                          "specifier": str, "pinned": bool, "reason": str, "url": Optional[str], "markers": Optional[str],
                          "hashed": bool},
        Include: {"line": int, "column": int, "kind": str, "target": str},
        Problem: {"line": int, "column": int, "message": str},
        ParsedRequirements: {"requirements": list[RequirementLine], "includes": list[Include], "problems": list[Problem],
                             "options": list[tuple[int, str, str]]},
    }


# The allow-list, taken in as needed: a group holds every subclass of each class it has, so
# that a class stands for the same kinds whenever it is first asked for.
_GROUPS = [_results, _models, _requirements]


def _allow_more() -> bool:
    """Take in the next group of the allow-list; False when all are in."""
    if not _GROUPS:
        return False
    added = {}
    for cls, fields in _GROUPS.pop(0)().items():
        declared = tuple(f.name for f in dataclasses.fields(cls))
        if tuple(fields) != declared:  # the class changed: this table must follow
            raise TypeError(f"the cache codec's fields of {cls.__name__} are not {declared}")
        added[cls] = _Layout(cls, declared, tuple(fields.values()))
    _layouts.update(added)
    _by_name.update((cls.__name__, layout) for cls, layout in added.items())
    assert not _TAGS & _by_name.keys()
    return True


# --- Codecs, one per declared type -------------------------------------------------------------


def _codec(spec) -> _Codec:
    """(encode, decode) for values declared `spec`; TypeError for a type the caches cannot hold."""
    found = _codecs.get(spec)
    if found is None:
        if not _layouts:
            _allow_more()
        found = _codecs[spec] = _make(spec)
    return found


def _make(spec) -> _Codec:
    if spec in (str, int, bool):
        return _same, _exactly(spec)
    if spec is float:
        return _encode_float, _decode_float
    if spec is _PathType or spec is Path:
        return _encode_path, _decode_path
    if spec is datetime.date:
        return _encode_date, _decode_date
    if isinstance(spec, type) and issubclass(spec, enum.Enum):
        return _enumeration(spec)
    if spec is Any:
        return _encode_any, _decode_any
    origin, args = typing.get_origin(spec), typing.get_args(spec)
    if spec in (list, tuple, set, dict):
        origin, args = spec, ((Any, ...) if spec is tuple else (Any, Any) if spec is dict else (Any,))
    if origin is Union:
        members = [a for a in args if a is not _NoneType]
        if len(members) == 1:
            return _optional(_codec(members[0]))
        return _union(args)
    if origin is list or origin is set:
        return _sequence(origin, _codec(args[0]))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(tuple, _codec(args[0]))
        return _fixed(tuple(_codec(a) for a in args))
    if origin is dict:
        return _mapping(args[0] is str, _codec(args[0]), _codec(args[1]))
    if isinstance(spec, type):
        kinds = [cls for cls in _layouts if issubclass(cls, spec)]
        if kinds == [spec]:
            return _instance(_layouts[spec])
        if kinds:
            return _union(kinds)
        if _allow_more():
            return _make(spec)
    raise TypeError(f"the caches hold no {spec!r}")


def _same(value):
    return value


def _exactly(kind: type) -> _Decode:
    def decode(value):
        if type(value) is not kind:  # a bool is no int
            raise Invalid(f"{value!r:.40} is not a {kind.__name__}")
        return value
    typing.cast(_Copied, decode).kind = kind  # copied as it is once its type is checked (_Layout, _sequence)
    return decode


def _encode_float(value):
    if type(value) is not float and type(value) is not int:
        raise Invalid(f"{value!r:.40} is not a number")
    if math.isfinite(value):
        return value
    if math.isnan(value):
        raise Invalid("NaN")
    return ["float", "inf" if value > 0 else "-inf"]


def _decode_float(value):
    if type(value) is float or type(value) is int:
        if math.isfinite(value):
            return value
    elif type(value) is list and len(value) == 2 and value[0] == "float" and value[1] in ("inf", "-inf"):
        return float(value[1])
    raise Invalid(f"{value!r:.40} is not a number")


def _encode_path(value):
    if type(value) is not _PathType:
        raise Invalid(f"{value!r:.40} is not a Path")
    index = _paths_out.get(value)
    if index is None:
        index = _paths_out[value] = len(_paths_out)
    return index


def _decode_path(value):
    if type(value) is not int or not 0 <= value < len(_paths_in):
        raise Invalid(f"{value!r:.40} is no path of this entry")
    return _paths_in[value]


def _encode_date(value):
    if type(value) is not datetime.date:
        raise Invalid(f"{value!r:.40} is not a date")
    return value.isoformat()


def _decode_date(value):
    if type(value) is not str or len(value) != 10:
        raise Invalid(f"{value!r:.40} is not a date")
    return datetime.date.fromisoformat(value)  # ValueError: a miss


def _enumeration(kind: type) -> _Codec:
    def encode(value):
        if type(value) is not kind:
            raise Invalid(f"{value!r:.40} is not a {kind.__name__}")
        return value.name

    def decode(value):
        if type(value) is not str or value not in kind.__members__:
            raise Invalid(f"{value!r:.40} is not a {kind.__name__}")
        return kind.__members__[value]
    return encode, decode


def _optional(codec: _Codec) -> _Codec:
    encode_value, decode_value = codec
    return (lambda value: None if value is None else encode_value(value),
            lambda value: None if value is None else decode_value(value))


def _union(members) -> _Codec:
    """Values of any of `members` (classes stand for their allow-listed subclasses), each
    written with its tag."""
    members_allowed: set[type] = set()
    for member in members:
        if member in (str, int, float, bool, _NoneType, _PathType, Path, datetime.date):
            members_allowed.add(_PathType if member is Path else member)
            continue
        while isinstance(member, type) and not any(issubclass(cls, member) for cls in _layouts) and _allow_more():
            pass  # a class of a group not taken in yet
        if isinstance(member, type) and any(issubclass(cls, member) for cls in _layouts):
            members_allowed.update(cls for cls in _layouts if issubclass(cls, member))
        else:
            raise TypeError(f"the caches hold no {member!r} in a union")
    allowed = frozenset(members_allowed)

    def encode(value):
        if type(value) not in allowed:
            raise Invalid(f"{type(value).__name__} is not one of {sorted(t.__name__ for t in allowed)}")
        return _encode_any(value)

    def decode(value):
        found = _decode_any(value)
        if type(found) not in allowed:
            raise Invalid(f"{type(found).__name__} is not one of {sorted(t.__name__ for t in allowed)}")
        return found
    return encode, decode


def _sequence(kind: type, codec: _Codec) -> _Codec:
    encode_item, decode_item = codec

    def encode(value):
        if type(value) is not kind:
            raise Invalid(f"{type(value).__name__} is not a {kind.__name__}")
        return list(value) if encode_item is _same else [encode_item(item) for item in value]

    if hasattr(decode_item, "kind"):  # of str, say: its items' types checked in one go
        allowed = {decode_item.kind}

        def decode(value):
            if type(value) is not list or not allowed.issuperset(map(type, value)):
                raise Invalid(f"{value!r:.40} is not a {kind.__name__} of {decode_item.kind.__name__}")
            return value if kind is list else kind(value)
        typing.cast(_CopiedItems, decode).items_kind = decode_item.kind, kind
    elif hasattr(decode_item, "items_kind"):  # of tuples of str, say: the same, a level down
        inner_allowed, inner = {decode_item.items_kind[0]}, decode_item.items_kind[1]

        def decode(value):
            if (type(value) is not list or not {list}.issuperset(map(type, value))
                    or not inner_allowed.issuperset(map(type, chain.from_iterable(value)))):
                raise Invalid(f"{value!r:.40} is not a {kind.__name__} of {inner.__name__}s")
            return kind(value if inner is list else map(inner, value))
    else:
        def decode(value):
            if type(value) is not list:
                raise Invalid(f"{value!r:.40} is not a {kind.__name__}")
            return kind([decode_item(item) for item in value])
    return encode, decode


def _fixed(codecs: tuple[_Codec, ...]) -> _Codec:
    """A tuple of so many values, each of its own type."""
    encoders, decoders = [c[0] for c in codecs], [c[1] for c in codecs]
    size = len(codecs)

    def encode(value):
        if type(value) is not tuple or len(value) != size:
            raise Invalid(f"{value!r:.40} is not a tuple of {size}")
        return [encode_item(item) for encode_item, item in zip(encoders, value)]

    def decode(value):
        if type(value) is not list or len(value) != size:
            raise Invalid(f"{value!r:.40} is not a tuple of {size}")
        return tuple([decode_item(item) for decode_item, item in zip(decoders, value)])
    return encode, decode


def _mapping(string_keys: bool, keys: _Codec, values: _Codec) -> _Codec:
    encode_key, decode_key = keys
    encode_value, decode_value = values
    if string_keys:  # a JSON object
        def encode(value):
            if type(value) is not dict:
                raise Invalid(f"{type(value).__name__} is not a dict")
            out = {}
            for key, item in value.items():
                if type(key) is not str:  # json.dumps would make 1 the key "1"
                    raise Invalid(f"{key!r:.40} is not a str")
                out[key] = encode_value(item)
            return out

        def decode(value):
            if type(value) is not dict:
                raise Invalid(f"{value!r:.40} is not a dict")
            return {key: decode_value(item) for key, item in value.items()}
        return encode, decode

    def encode_pairs(value):  # [key, value, key, value, ...]
        if type(value) is not dict:
            raise Invalid(f"{type(value).__name__} is not a dict")
        out = []
        for key, item in value.items():
            out.append(encode_key(key))
            out.append(encode_value(item))
        return out

    def decode_pairs(value):
        if type(value) is not list or len(value) % 2:
            raise Invalid(f"{value!r:.40} is not a dict")
        return {decode_key(key): decode_value(item) for key, item in zip(value[::2], value[1::2])}
    return encode_pairs, decode_pairs


def _instance(layout: _Layout) -> _Codec:
    """An instance of exactly this class, as the array of its fields."""
    cls = layout.cls

    def encode(value):
        if type(value) is not cls:
            raise Invalid(f"{type(value).__name__} is not a {cls.__name__}")
        return layout.fields(value)

    def decode(value):
        if type(value) is not list:
            raise Invalid(f"{value!r:.40} is not a {cls.__name__}")
        return layout.build(value, 0)
    return encode, decode


def _encode_any(value):
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return _encode_float(value)
    if kind is _PathType:
        return ["Path", _encode_path(value)]
    if kind is list or kind is tuple or kind is set:
        return [kind.__name__, *map(_encode_any, value)]
    if kind is dict:
        out = ["dict"]
        for key, item in value.items():
            out.append(_encode_any(key))
            out.append(_encode_any(item))
        return out
    if kind is datetime.date:
        return ["date", _encode_date(value)]
    layout = _layouts.get(kind)
    if layout is None:
        raise Invalid(f"the caches hold no {kind.__name__}")
    out = layout.fields(value)
    out.insert(0, kind.__name__)
    return out


def _decode_any(value):
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return _decode_float(value)
    if kind is not list or not value or type(value[0]) is not str:
        raise Invalid(f"{value!r:.40} is no value the caches hold")
    tag = value[0]
    if tag == "list" or tag == "tuple" or tag == "set":
        items = [_decode_any(item) for item in islice(value, 1, None)]
        return items if tag == "list" else tuple(items) if tag == "tuple" else set(items)
    if tag == "dict":
        if len(value) % 2 != 1:
            raise Invalid("a dict of an odd number of keys and values")
        return {_decode_any(key): _decode_any(item) for key, item in zip(value[1::2], value[2::2])}
    if len(value) == 2 and tag in ("Path", "date", "float"):
        return _decode_path(value[1]) if tag == "Path" else _decode_date(value[1]) if tag == "date" else _decode_float(value)
    layout = _by_name.get(tag)
    if layout is None:
        raise Invalid(f"unknown tag {tag!r:.40}")
    return layout.build(value, 1)
