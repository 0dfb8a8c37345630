"""A parse cache: a file's model, keyed by its path, its bytes and the code that parsed it.

Parsing is nearly all of a run's time, and on a commit most files have not changed. Entries
live in the user's cache directory (`$XDG_CACHE_HOME/mwaa-lint`, else `~/.cache/mwaa-lint`;
`--cache-dir`, `MWAA_LINT_CACHE_DIR`), never in the scanned repository. Each entry is JSON
(cache_codec.py: reading one cannot run code), written to a temporary file and renamed into
place, so concurrent runs never see half an entry; an entry that cannot be read (corrupt,
planted, from another version) is ignored and parsed again.

A file that does not parse is kept too, as its diagnostics (`Unparsed`): a syntax error, or a
file over the size or token limit, gives the same diagnostics for the same bytes, and finding
them again can cost seconds (a generated file of 50,000 lines is lexed to its last token).
Variable files (`.tfvars`) go through here as well (`parsed_file()`), so a warm run builds no
parser for them.
"""
from __future__ import annotations

import hashlib
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Optional

from . import __version__, cache_codec
from .diagnostic import InputError
from .run_state import holding, state

# The modules whose code decides what a parsed file looks like: an edit to any of them (a
# development install) must not be answered from entries the old code wrote.
_PARSER_MODULES = ("parse.py", "parse_json.py", "model.py", "location.py", "json_reader.py", "source.py", "requirements.py",
                   "cache_codec.py", "lexer.py", "one_line_blocks.py")  # lexer: comments parse.py blanks


def default_directory() -> Path:
    if os.environ.get("MWAA_LINT_CACHE_DIR"):
        return Path(os.environ["MWAA_LINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mwaa-lint"


@dataclass
class Unparsed:
    """What parsing a file gave when it gave no model: the diagnostics of its InputError."""

    diagnostics: list


class ParseCache:
    def __init__(self, directory: Optional[Path]):
        self.directory = Path(directory) if directory else None
        self.hits = 0
        self.parsed = 0  # variable files parsed (`parsed_file()`): the Loader counts the others

    def key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(_code_fingerprint().encode())
        digest.update(str(path.absolute()).encode("utf-8", "surrogateescape") + b"\0" + data)
        return digest.hexdigest()

    def get(self, key: str):
        """The model of a file (m.File) stored under `key`, or None."""
        from .model import File

        found = self._load(key, File)
        if found is not None:
            self.hits += 1
        return found

    def get_unparsed(self, key: str) -> Optional[InputError]:
        """The InputError parsing the file under `key` raised when it was stored, or None."""
        found = self._load(_unparsed_key(key), Unparsed)
        if found is None or not found.diagnostics:
            return None
        self.hits += 1
        return InputError(*found.diagnostics)

    def put_unparsed(self, key: str, error: InputError) -> None:
        self.put(_unparsed_key(key), Unparsed(list(error.diagnostics)))

    def parsed_file(self, path: Path, data: bytes, parse):
        """`parse()`: the model (m.File) of the file at `path` (as given: the model's locations
        name it so) made of `data`, or the InputError it raises; from the cache when the same
        bytes at the same path were parsed before by the same code."""
        key = None
        if self.directory is not None:
            key = hashlib.sha256(f"as given\0{os.fsdecode(path)}\0{self.key(path, data)}".encode(
                "utf-8", "surrogateescape")).hexdigest()
            found = self.get(key)
            if found is not None:
                return found
            error = self.get_unparsed(key)
            if error is not None:
                raise error
        self.parsed += 1
        try:
            parsed = parse()
        except InputError as exc:
            if key is not None:
                self.put_unparsed(key, exc)
            raise
        if key is not None:
            self.put(key, parsed)
        return parsed

    def parsed_text(self, kind: str, text: str, parse, version: str = ""):
        """`parse(text)`, from the cache when the same text of this kind was parsed before by
        the same code (`version`: that of the library doing the parsing)."""
        kind_of_value = _text_kinds().get(kind)
        if self.directory is None or kind_of_value is None:
            return parse(text)
        digest = hashlib.sha256(f"{_code_fingerprint()}\0{kind}\0{version}\0".encode())
        digest.update(text.encode("utf-8", "surrogateescape"))
        key = digest.hexdigest()
        found = self._load(key, kind_of_value)
        if found is None:
            found = parse(text)
            self.put(key, found, kind_of_value)
        return found

    def _load(self, key: str, spec):
        """The entry under `key` if it holds a well-formed `spec`, else None (absent, corrupt,
        truncated, planted, or written by another version)."""
        if self.directory is None:
            return None
        return cache_codec.load(self.directory, _entry(key), spec, key)

    def put(self, key: str, parsed, spec=None) -> None:
        if self.directory is None:
            return
        if not cache_codec.save(self.directory, _entry(key), parsed, spec or type(parsed), key):
            self.directory = None  # a read-only or full disk: carry on without a cache


def _unparsed_key(key: str) -> str:
    """Where the diagnostics of the file under `key` are kept: an entry of its own, so a
    model and an error can never be taken for each other."""
    return hashlib.sha256(f"unparsed\0{key}".encode()).hexdigest()


def _entry(key: str) -> tuple[str, str]:
    """Where the entry under `key` is, below the cache directory."""
    return key[:2], f"{key}.json"


@cache
def _text_kinds() -> dict:
    """What `parsed_text()` keeps, by kind: the type of the parse."""
    from .requirements import ParsedRequirements

    return {"requirements": ParsedRequirements}


@contextmanager
def in_use(parse_cache: ParseCache):
    """Make `parse_cache` the run's cache for what is parsed deep inside rules (requirements
    files, found by evaluating S3 objects), where no Loader is at hand (run_state.py)."""
    with holding(parse_cache=parse_cache):
        yield


def current() -> ParseCache:
    return state().parse_cache or ParseCache(None)


@cache
def _code_fingerprint() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version_info[:2]}\0{library_stamp()}".encode())
    for name in _PARSER_MODULES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


@cache
def library_stamp() -> str:
    """The installed python-hcl2, lark and packaging, which parse too: their package files'
    place, size and time, found without importing them (an upgrade rewrites them)."""
    import importlib.util

    stamps = []
    for library in ("hcl2", "lark", "packaging"):
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            status = os.stat(spec.origin)
            stamps.append(f"{library}:{spec.origin}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(stamps)
