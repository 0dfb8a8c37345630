"""A root that matters only because it calls a local module that is not there, reported from
its text (issue 20): nothing is parsed.

In a partial checkout (CI checks out `platform/` but not `account-map/`), a platform root that
calls `../account-map/modules/iam-roles` is kept by the relevance pass (relevance.py), since the
missing module might have held an environment; its check can only end in the diagnostic
`module source … is not a directory` at the call's `source` line, as the evaluator reports it
(modules.py), and no rule runs. When nothing else the root reaches can hold an environment, that
diagnostic is made here from the text instead: the root's files and the modules it calls are
read, not parsed. Anything this scan does not read plainly (a `count` or `for_each` on the call,
a source that is not a plain literal, an override or JSON file, downloaded modules, a module
outside the project, no call found) leaves the root to the evaluator, as before.
What it read is recorded (observations.py), so the result cache keeps its answer while that holds.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple, Optional

from .diagnostic import MODULE_SOURCE, Diagnostic, InputError
from .discover import ModuleJob
from .lexer import tokens
from .listing import configuration_names
from .observations import digest, note, record, recording
from .override import is_override
from .prepare import Root
from .project import current as current_project
from .source import decode

# What comes before a top-level block's first label, before a `source` string, and an
# argument that makes a call expand to any number of instances (a `count = 0` call creates none)
_MODULE_HEADER = re.compile(r"(?:\A|\n)[ \t]*module\b")
_BEFORE_LABEL = re.compile(r"(?:\A|\n)[ \t]*module[ \t]*\Z")
_SOURCE = re.compile(r"(?:\A|\n)[ \t]*(source)[ \t]*=[ \t]*\Z")
_EXPANDS = re.compile(r"(?:\A|\n)[ \t]*(?:count|for_each)[ \t]*=")
_LOCAL = re.compile(r"\.\.?/")
_PLAIN = re.compile(r"[^\"\\$%\n]*\Z")  # no escape, no template, one line


class Call(NamedTuple):
    line: int  # of `source`, 1-based, as the parser places the attribute
    column: int
    source: str
    expands: bool  # the block has `count` or `for_each`


def module_calls(text: str) -> Optional[list[Call]]:
    """The local module calls of HCL text: each top-level `module "name" {…}` block whose
    `source` is a literal local path. None when the text is not plainly that (an unclosed
    string, unbalanced brackets, a module block of another form, a source with an escape or a
    template, two sources)."""
    calls: list[Call] = []
    headers = read = 0  # module headers at the top level; module blocks read
    depth, end, label = 0, 0, None  # label: the code before the top-level string just read
    block: Optional[list] = None  # of the module block being read: [its sources, expands?]
    for token in tokens(text):
        if not token.closed:
            return None
        code = text[end:token.start]
        if depth == 0 and _MODULE_HEADER.search(code):
            headers += 1
        if block is not None and depth == 1 and _EXPANDS.search(code):
            block[1] = True
        if token.kind == "{" and depth == 0 and label is not None and not code.strip() and _BEFORE_LABEL.search(label):
            block, read = [[], False], read + 1
        if token.kind in ("{", "[", "("):
            depth += 1
        elif token.kind in ("}", "]", ")"):
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and block is not None:
                sources, expands = block
                if len(sources) > 1:
                    return None
                calls.extend(Call(line, column, source, expands) for line, column, source in sources)
                block = None
        elif token.kind == "string" and block is not None and depth == 1:
            found = _SOURCE.search(code)
            value = text[token.start + 1:token.end - 1]
            if found is not None and _LOCAL.match(value):
                if not _PLAIN.match(value):
                    return None
                at = end + found.start(1)
                block[0].append((text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1, value))
        label = code if token.kind == "string" and depth == 0 else None
        end = token.end
    if depth != 0 or _MODULE_HEADER.search(text[end:]) or headers != read:
        return None
    return calls


def missing_source_root(job: ModuleJob, reached: list) -> Optional[Root]:
    """The root of `job`, checked from text: the diagnostic of each of its module calls whose
    source is not a directory, as the evaluator gives them (modules._child), and the record of
    what that looked at; None when the text does not say it plainly (the evaluator decides).
    `reached`: the resolved directories its calls reach, transitively, which the relevance pass
    found hold no environment: read (not parsed) and recorded, so that an edit to any of them
    checks the root again."""
    project = current_project()
    if any(is_override(name) or name.endswith(".json") for name in job.names):
        return None
    records: list = []
    project.take_refusals()  # none are pending; a read refused below leaves the root to the evaluator
    with recording(records):
        diagnostics = _diagnostics(job)
        if diagnostics and not _recorded(reached):
            diagnostics = None
    project.take_refusals()
    if not diagnostics:
        return None
    return Root(job, diagnostics=diagnostics, records=records)


def _diagnostics(job: ModuleJob) -> Optional[list]:
    project = current_project()
    downloads = job.directory / ".terraform"
    note("directory", downloads)
    if downloads.is_dir():  # noted; modules `terraform init` downloaded: the evaluator follows them
        return None
    found: list = []
    for name in job.names:
        path = (job.directory / name).absolute()  # as the Loader names it, so the diagnostic's path is the same
        try:
            data = project.read_bytes(path, quiet=True)  # noted: its digest is recorded below
        except OSError:
            return None
        record("read", path, digest(data))
        try:
            text = decode(data, path)
        except InputError:
            return None
        calls = module_calls(text)
        if calls is None:
            return None
        for call in calls:
            directory = Path(job.directory, call.source)  # as modules._directory joins it
            note("real", directory)
            if project.outside(directory) is not None:
                return None
            note("directory", directory)
            if directory.is_dir():  # noted
                continue
            if call.expands:  # `count = 0` creates no instance, and so no diagnostic
                return None
            message = f"{MODULE_SOURCE} {directory} is not a directory"
            found.append(Diagnostic(path, call.line, call.column, message, kind="read-error"))
    return found


def _recorded(directories: list) -> bool:
    """Read and record the configuration files of each directory (inside the project); False
    when one cannot be read."""
    project = current_project()
    for directory in directories:
        if project.outside(directory) is not None:
            return False
        note("listing", directory)
        try:
            names = configuration_names(name for name, is_file, _ in project.listing(directory) if is_file)  # noted
        except OSError:
            return False
        for name in names:
            note("read", Path(directory, name))
    return True
