"""Progress for a person at a terminal: `checking modules 12/40` on standard error, rewritten in
place and cleared at the end. Nothing at all when standard error is not a terminal (a pipe, a
file, a CI log) or in CI, and nothing during the first second: a quick run stays quiet."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Optional, TextIO

AFTER = 1.0  # seconds a run goes before it shows progress (tests set it to 0)
EVERY = 0.05  # seconds between two updates, so that thousands of modules do not flood the terminal


class Progress:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, after: Optional[float] = None):
        self.stream = stream
        self.clock = clock
        self.after = AFTER if after is None else after
        self.started = clock()
        self.last: Optional[float] = None  # when it last wrote
        self.shown = 0  # columns of the line written, to clear

    @classmethod
    @contextmanager
    def on(cls, stream: TextIO) -> Iterator[Optional[Progress]]:
        """A Progress on `stream` for the length of the block when it is a terminal outside CI,
        else None; the line is cleared when the block ends."""
        if os.environ.get("CI") or not _is_terminal(stream):
            yield None
            return
        progress = cls(stream)
        try:
            yield progress
        finally:
            progress.clear()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.after:
            return
        if done < total and self.last is not None and now - self.last < EVERY:
            return
        self.last = now
        text = f"{stage} {done}/{total}"
        self._write("\r" + text.ljust(self.shown))
        self.shown = max(self.shown, len(text))

    def clear(self) -> None:
        if self.shown:
            self._write("\r" + " " * self.shown + "\r")
            self.shown = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a terminal that went away: progress is not worth an error
            pass


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
