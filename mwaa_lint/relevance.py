"""Which module directories can matter, found by reading text, before anything is parsed.

In a monorepo MWAA is a small part: most directories hold VPCs, databases and functions that
no rule ever looks at, and parsing them is nearly all of a run's time. A directory matters
when it declares an `aws_mwaa_environment`, or calls (directly or through other modules) a
local module that does. The modules those directories call are parsed anyway, when their
caller is evaluated. Over-including is safe; the textual test only decides what to skip.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .diagnostic import InputError
from .source import read_text

MARKER = "aws_mwaa_environment"
# `source = "./modules/x"` in HCL, `"source": "../x"` in JSON. Other resources' `source`
# arguments (files to upload) match too; they are dropped unless they name a directory.
_LOCAL_SOURCE = re.compile(r"""["']?source["']?\s*[=:]\s*"(\.\.?/[^"]*)\"""")


def relevant_directories(jobs: list) -> set:
    """Resolved directories of `jobs` that hold an environment or call one, transitively."""
    holds: set = set()
    calls: dict = {}  # resolved directory → the resolved local module directories it names
    for job in jobs:
        directory = job.directory.resolve()
        _note(directory, [_read(path) for path in job.files], holds, calls)
    # Modules reached only through a call are not jobs of their own; read them too.
    pending = [target for targets in calls.values() for target in targets]
    while pending:
        target = pending.pop()
        if target in calls:
            continue
        if not target.is_dir():
            # A missing module might have held an environment; keep its caller, which reports
            # the broken call. (A `source` that names a file to upload is no module: skip it.)
            if not target.exists() and not target.suffix:
                holds.add(target)
            calls[target] = set()
            continue
        paths = sorted(p for p in target.iterdir() if p.name.endswith((".tf", ".tf.json")) and p.is_file())
        _note(target, [_read(p) for p in paths], holds, calls)
        pending.extend(calls[target])
    # A directory matters if it holds an environment or any module it calls matters.
    relevant = set(holds)
    changed = True
    while changed:
        changed = False
        for directory, targets in calls.items():
            if directory not in relevant and not targets.isdisjoint(relevant):
                relevant.add(directory)
                changed = True
    return relevant


def _note(directory: Path, texts: list, holds: set, calls: dict) -> None:
    if any(MARKER in text for text in texts):
        holds.add(directory)
    sources = {match for text in texts for match in _LOCAL_SOURCE.findall(text)}
    calls[directory] = {Path(os.path.realpath(directory / source)) for source in sources}


def _read(path: Path) -> str:
    """The file's text; MARKER when it cannot be read or decoded, so that its directory is
    kept and the reason is reported where the file is parsed."""
    try:
        return read_text(path)
    except InputError:
        return MARKER
