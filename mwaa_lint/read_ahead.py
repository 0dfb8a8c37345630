"""The textual pass of a run with nothing kept (`--no-cache`, or a cache directory not filled
yet) reads every Terraform file of the tree, which is most of such a run on a large monorepo.
When there are many, worker processes read them side by side, as the loader's pool parses.

Each worker reads through the same gate (project.py) as the run's project, and finds what the
run itself would (relevance.FactsIndex.facts); the run takes it as read by itself. Should the
workers fail (no processes to be had, one killed), the run reads the files itself."""
from __future__ import annotations

import os
from typing import Any

from .paths import joined, resolving_once
from .project import confined_to
from .project import current as current_project

# Below this many files the workers' start costs about what they save: on 2 cores, the text pass
# of the bench's trees (bench/generate.py --irrelevant-scale N) took, alone / in 2 workers,
# 0.15-0.20 / 0.16-0.17 s at 3,840 files, 0.30-0.33 / 0.22-0.25 s at 7,564, 0.59 / 0.48 s at 15,012.
MIN_FILES = 5000
MAX_WORKERS = 4


def read_ahead(index: Any, directories: list) -> None:
    """Fill `index` (a relevance.FactsIndex) with the facts of the files of `directories`,
    [(directory, names)], read in worker processes; nothing when there are few. Files the
    index has an entry for (read already: file mode's walk) are left to it."""
    known = index.entries
    directories = [(directory, unread) for directory, names in directories
                   if (unread := [name for name in names if joined(directory, name) not in known])]
    total = sum(len(names) for _, names in directories)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if total < MIN_FILES or workers < 2 or current_project().overlay:
        return
    from concurrent.futures import ProcessPoolExecutor  # only a run with much to read pays for it

    from .parse_pool import abandon, failures

    tasks = [(current_project(), chunk) for chunk in _chunks(directories, total // (workers * 4) + 1)]
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, *failures()):
        return  # the run reads them itself
    try:
        results = list(pool.map(_read, tasks))
    except (OSError, *failures()):
        abandon(pool)  # a worker killed, or not forked: those that were would wait forever
        return  # the run reads them itself
    finally:
        pool.shutdown(wait=True)
    for entries, facts in results:
        index.entries.update(entries)
        index.fresh.update(facts)
        index.changed = index.changed or bool(entries)


def _chunks(directories: list, size: int) -> list:
    """`directories` in runs of about `size` files each, in order."""
    chunks: list = [[]]
    count = 0
    for directory, names in directories:
        if count >= size:
            chunks.append([])
            count = 0
        chunks[-1].append((directory, names))
        count += len(names)
    return chunks


def _read(task: tuple) -> tuple[dict, dict]:
    """In a worker: (the index entries, the facts by path) of the files of the directories of
    `task` ((the project, [(directory, names)]))."""
    from .relevance import FactsIndex

    project, directories = task
    with confined_to(project), resolving_once():
        index = FactsIndex(None)
        facts = {joined(directory, name): index.facts(directory, name) for directory, names in directories for name in names}
        return index.entries, facts

