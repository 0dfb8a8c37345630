"""Parsing in worker processes, for a run with many files to parse.

On a cold run the pool starts before the run knows which files it will parse (Loader.start_pool):
its workers import python-hcl2 and build the parser while the run reads the tree. Results are
taken as they come, in the order the files were given, so the run evaluates its first roots
while later files still parse. Should the workers fail (no processes to be had, one killed),
what they have not given is parsed in the run's own process.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any, Optional

# A chunk of files is the unit a worker takes and gives back: small enough that the first
# roots' files come back early, large enough that sending them costs little.
CHUNKS_PER_WORKER = 4


class ParsePool:
    def __init__(self, executor: Any, workers: int):
        self._executor, self.workers = executor, workers
        self._results: Iterator = iter(())
        self._order: deque = deque()  # the names of the files given, in the order their results come
        self.pending: set = set()  # the names of the files not taken yet

    @classmethod
    def start(cls, workers: int) -> Optional[ParsePool]:
        """A pool of `workers` processes, started now, each building the parser; None when no
        processes are to be had."""
        from concurrent.futures import ProcessPoolExecutor  # only a run with much to parse pays for it

        executor = None
        try:
            executor = ProcessPoolExecutor(max_workers=workers, initializer=_build_parser)
            for _ in range(workers):  # starts each worker now, which builds the parser as it starts
                executor.submit(int)
        except (OSError, RuntimeError, *failures()):
            if executor is not None:
                abandon(executor)
            return None
        return cls(executor, workers)

    def parse(self, function: Callable, items: list, names: list) -> None:
        """Start `function(item)` on each of `items`, whose results are taken under `names`."""
        chunk = max(1, len(items) // (self.workers * CHUNKS_PER_WORKER))
        try:
            self._results = chain(self._results, self._executor.map(function, items, chunksize=chunk))
        except (OSError, RuntimeError, *failures()):
            return  # the run parses them itself
        self._order.extend(names)
        self.pending.update(names)

    def take(self, name: Any) -> Iterator[tuple[Any, Any]]:
        """(name, result) of each file given before `name`, and of `name`'s: nothing more once
        the workers fail (the run parses what is left)."""
        while name in self.pending:
            try:
                result = next(self._results)
            except (StopIteration, *failures()):
                self.pending.clear()
                return
            given = self._order.popleft()
            self.pending.discard(given)
            yield given, result

    def close(self) -> None:
        """Stop the workers: what was given and not taken is not parsed."""
        self.pending.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)


def abandon(executor: Any) -> None:
    """Stop the workers of a pool that could not start them all (a fork refused: a process
    limit). Those started wait on a queue nobody will write to, and the exit of the run would
    wait for them forever. (`_processes`: the executor keeps no public list of them.)"""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()
        process.join(timeout=5)
    executor.shutdown(wait=False, cancel_futures=True)


def _build_parser() -> None:
    from .parse import build_parser  # in the worker: python-hcl2 is never imported by the run itself

    build_parser()


def failures() -> tuple:
    """What a pool that broke, or could not send or start its work, raises."""
    import pickle
    from concurrent.futures.process import BrokenProcessPool

    return BrokenProcessPool, pickle.PicklingError
