"""A parse cache: a file's model, keyed by its path, its bytes and the code that parsed it.

Parsing is nearly all of a run's time, and on a commit most files have not changed. Entries
live in the user's cache directory (`$XDG_CACHE_HOME/mwaa-lint`, else `~/.cache/mwaa-lint`;
`--cache-dir`, `MWAA_LINT_CACHE_DIR`), never in the scanned repository. Each entry is written
to a temporary file and renamed into place, so concurrent runs never see half an entry; an
entry that cannot be read (corrupt, from another Python) is ignored and parsed again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Optional

from . import __version__

# The modules whose code decides what a parsed file looks like: an edit to any of them (a
# development install) must not be answered from entries the old code wrote.
_PARSER_MODULES = ("parse.py", "parse_json.py", "model.py", "json_reader.py", "source.py", "requirements.py")


def default_directory() -> Path:
    if os.environ.get("MWAA_LINT_CACHE_DIR"):
        return Path(os.environ["MWAA_LINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mwaa-lint"


class ParseCache:
    def __init__(self, directory: Optional[Path]):
        self.directory = Path(directory) if directory else None
        self.hits = 0

    def key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(_code_fingerprint().encode())
        digest.update(str(path.absolute()).encode("utf-8", "surrogateescape") + b"\0" + data)
        return digest.hexdigest()

    def get(self, key: str):
        found = self._load(key)
        if found is not None:
            self.hits += 1
        return found

    def parsed_text(self, kind: str, text: str, parse, version: str = ""):
        """`parse(text)`, from the cache when the same text of this kind was parsed before by
        the same code (`version`: that of the library doing the parsing)."""
        if self.directory is None:
            return parse(text)
        digest = hashlib.sha256(f"{_code_fingerprint()}\0{kind}\0{version}\0".encode())
        digest.update(text.encode("utf-8", "surrogateescape"))
        key = digest.hexdigest()
        found = self._load(key)
        if found is None:
            found = parse(text)
            self.put(key, found)
        return found

    def _load(self, key: str):
        if self.directory is None:
            return None
        try:
            with open(self._entry(key), "rb") as handle:
                return pickle.load(handle)
        except Exception:  # absent, corrupt, truncated, or written by an incompatible version
            return None

    def put(self, key: str, parsed) -> None:
        if self.directory is None:
            return
        if not write_pickle(self._entry(key), parsed):
            self.directory = None  # a read-only or full disk: carry on without a cache

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"


_in_use: Optional[ParseCache] = None


@contextmanager
def in_use(parse_cache: ParseCache):
    """Make `parse_cache` the run's cache for what is parsed deep inside rules (requirements
    files, found by evaluating S3 objects), where no Loader is at hand."""
    global _in_use
    previous, _in_use = _in_use, parse_cache
    try:
        yield
    finally:
        _in_use = previous


def current() -> ParseCache:
    return _in_use or ParseCache(None)


def write_pickle(path: Path, value) -> bool:
    """Write `value` to `path` whole or not at all: to a temporary file, then renamed into
    place, so a concurrent run reads the old entry or the new one, never half of one."""
    import tempfile  # only a run that writes pays for it

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        return True
    except (OSError, pickle.PicklingError, RecursionError):
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        return False


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
