"""Read and parse Terraform files into the model: each file once per run, from the parse cache
when its bytes are unchanged, and across processes when there are many to parse."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .cache import ParseCache
from .diagnostic import Diagnostic, InputError
from .listing import configuration_names
from .observations import digest, note, record
from .parse_pool import ParsePool
from .paths import real
from .project import current as current_project
from .source import decode, read_text

if TYPE_CHECKING:  # a warm run answered from the result cache loads no model
    from . import model as m

# Below this many files a process pool costs more to start than it saves.
PARALLEL_MIN_FILES = 48
MAX_WORKERS = 4


def parse_file(path: Path, data: Optional[bytes] = None) -> m.File:
    """The model of the file at `path`, from `data` if given (the bytes its cache key and
    digest were made of), else read now through the project's gate."""
    # The parsers are imported here: a run answered from the cache never loads python-hcl2.
    text = read_text(path) if data is None else decode(data, path)
    if path.name.endswith(".json"):
        from .parse_json import parse_tf_json

        return parse_tf_json(text, path)
    from .parse import parse_hcl

    return parse_hcl(text, path)


def _parse_or_error(item: tuple):
    """(path, its bytes or None) → the parsed file, or the InputError that explains why not
    (also in the worker processes)."""
    try:
        return parse_file(*item)
    except InputError as exc:
        return exc


class Loader:
    """Parses each file once per run, however many roots and module calls reach it."""

    def __init__(self, cache: Optional[ParseCache] = None):
        self._files: dict = {}  # resolved path → m.File or InputError
        self._digests: dict = {}  # resolved path → sha256 of the bytes its model comes from
        self.cache = cache or ParseCache(None)
        self.parsed = 0  # files parsed in this run (not from the cache)
        self._pool: Optional[ParsePool] = None
        self._keys: dict = {}  # resolved path → the parse cache key of the bytes a worker is parsing

    def start_pool(self) -> None:
        """Start the parse workers now, before the files to parse are known (a cold run with
        many files): they build the parser while the run reads the tree. Nothing on one core."""
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        if self._pool is None and workers >= 2:
            self._pool = ParsePool.start(workers)

    def close(self) -> None:
        """Stop the parse workers, if any (at the end of the run)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def prefetch(self, paths: list) -> None:
        """Load many files at once: cached ones from the cache; the rest in worker processes if
        the pool was started or there are many (file() takes each as it comes)."""
        todo, keys = [], {}
        for path in map(Path.absolute, paths):
            resolved = real(path)
            if resolved in self._files or resolved in keys or resolved in self._keys:
                continue
            data, key = self._read(path)
            hit = self._cached(key)
            if hit is not None:
                self._files[resolved] = hit
                continue
            if data is None:
                continue  # file() reports why, in this process, through the gate
            keys[resolved] = key
            todo.append((path, data))
        if not todo:
            return
        if self._pool is None and len(todo) >= PARALLEL_MIN_FILES:
            self.start_pool()
        if self._pool is None:
            return  # file() parses them one by one when they are needed
        self._keys.update(keys)
        self._pool.parse(_parse_or_error, todo, [real(path) for path, _ in todo])

    def file(self, path: Path) -> m.File:
        # Parsed as an absolute path, so a model from the cache is the same whatever the
        # working directory of the run that wrote it.
        path = path.absolute()
        resolved = real(path)
        if self._pool is not None and resolved in self._pool.pending:  # parsing in a worker: wait for it
            for given, parsed in self._pool.take(resolved):
                self._store(given, self._keys.pop(given), parsed)
        if resolved not in self._files:
            data, key = self._read(path)
            hit = self._cached(key)
            if hit is not None:
                self._files[resolved] = hit
            else:
                self._store(resolved, key, _parse_or_error((path, data)))
        if resolved in self._digests:  # what the module's check read (observations.py): these bytes
            record("read", path, self._digests[resolved])
        else:
            note("read", path)
        found = self._files[resolved]
        if isinstance(found, InputError):
            raise found
        return found

    def files(self, paths: list) -> tuple[list[m.File], list[Diagnostic]]:
        """(the files that parse, the diagnostics of those that do not)"""
        parsed: list[m.File] = []
        diagnostics: list[Diagnostic] = []
        for path in paths:
            try:
                parsed.append(self.file(path))
            except InputError as exc:
                diagnostics.extend(exc.diagnostics)
        return parsed, diagnostics

    def module(self, directory: Path) -> m.Module:
        """A called module's directory; any file that does not parse, or files that Terraform
        would not combine (a name declared twice, an override of nothing), stop the whole call."""
        from .override import build

        note("listing", directory)
        names = configuration_names(p.name for p in directory.iterdir() if p.is_file())  # noted
        files, diagnostics = self.files([directory / name for name in names])
        if diagnostics:
            raise InputError(*diagnostics)
        module, diagnostics = build(directory, files)
        if diagnostics:
            raise InputError(*diagnostics)
        return module

    def _cached(self, key: Optional[str]):
        """The model, or the InputError, parsing the bytes under `key` gave before; None."""
        if not key:
            return None
        found = self.cache.get(key)
        return found if found is not None else self.cache.get_unparsed(key)

    def _store(self, resolved: Path, key: Optional[str], parsed) -> None:
        self._files[resolved] = parsed
        self.parsed += 1
        if not key:
            return
        if isinstance(parsed, InputError):  # the same bytes give the same diagnostics (cache.Unparsed)
            self.cache.put_unparsed(key, parsed)
        else:
            self.cache.put(key, parsed)

    def _read(self, path: Path) -> tuple[Optional[bytes], Optional[str]]:
        """(its bytes, or None for parse_file to say why it cannot read them; the parse cache
        key of those bytes, or None). The model, its cache key and the digest a result is kept
        under all come from this one read, through the project's gate (bounded, inside it)."""
        try:
            data = current_project().read_bytes(path, quiet=True)
        except OSError:
            return None, None  # parse_file reads it again through read_text, which says why
        self._digests[real(path)] = digest(data)
        return data, (self.cache.key(path, data) if self.cache.directory is not None else None)
