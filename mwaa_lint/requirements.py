"""requirements.txt → requirement lines, includes and options, with line numbers.

`packaging` parses each requirement (PEP 508): a well-kept library beats a hand-written
parser of specifiers, extras, markers and URLs. Garbage never raises: it becomes a Problem.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .observations import note
from .paths import real

_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S.*)$")
_OPTION = re.compile(r"^(-[a-zA-Z]|--[a-z][a-z-]*)(?:\s*=\s*|\s+)?(.*)$")
_COMMIT = re.compile(r"@([0-9a-fA-F]{40})(?=$|#|&)")
_VCS = re.compile(r"^(git|hg|svn|bzr)\+")
_ARCHIVE = re.compile(r"\.(whl|tar\.gz|zip|tar\.bz2|tgz)$", re.I)


@dataclass
class RequirementLine:
    line: int  # where the logical line starts (1-based)
    column: int  # of the requirement text
    end_column: int
    text: str  # as written, without options and comments
    name: Optional[str]
    specifier: str
    pinned: bool
    reason: str  # why it is not pinned ("" when pinned)
    url: Optional[str] = None
    markers: Optional[str] = None
    hashed: bool = False  # `--hash=` options follow it: pip checks the file's hashes


@dataclass
class Include:
    line: int
    column: int
    kind: str  # "requirement" (-r) or "constraint" (-c)
    target: str


@dataclass
class Problem:
    line: int
    column: int
    message: str


@dataclass
class ParsedRequirements:
    requirements: list = field(default_factory=list)
    includes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    options: list = field(default_factory=list)  # (line, name, value)


@lru_cache(maxsize=256)
def parse_requirements(text: str) -> ParsedRequirements:
    """Parsed once per text, and kept in the parse cache: several rules read the same
    requirements.txt, and a warm run then never imports packaging. The result is shared
    between them, so it is read, never changed."""
    import packaging  # its version decides what a parse gives; the package itself is tiny

    from .cache import current

    return current().parsed_text("requirements", text, _parse, packaging.__version__)


def _parse(text: str) -> ParsedRequirements:
    parsed = ParsedRequirements()
    for number, column, content in _logical_lines(text.lstrip("\ufeff")):
        _parse_line(parsed, number, column, content)
    return parsed


def included_files(path: Path, seen: Optional[set[Path]] = None) -> list[Path]:
    """The local files `path` pulls in with `-r`, transitively, each once (cycles are fine)."""
    from .diagnostic import InputError
    from .source import read_text

    seen = seen if seen is not None else {real(path)}
    found: list[Path] = []
    try:
        parsed = parse_requirements(read_text(path))
    except InputError:
        return found
    for include in parsed.includes:
        target = local_include(path, include) if include.kind == "requirement" else None
        if target is not None and real(target) not in seen:
            seen.add(real(target))
            found.append(target)
            found.extend(included_files(target, seen))
    return found


def local_include(path: Path, include: Include) -> Optional[Path]:
    """The local file a `-r`/`-c` line of the requirements file at `path` names, when there is
    one the project may read; one outside it is reported by the gate at the line, not read."""
    from .model import Location
    from .project import Refused, current

    if "://" in include.target:
        return None
    target = path.parent / include.target
    where = Location(path, include.line, include.column, include.line, include.column + 1)
    note("file", target)
    try:
        return target if current().is_file(target, where=where) else None  # noted
    except Refused:
        return None


def _logical_lines(text: str):
    """(line number, column of the content, content) with continuations joined, comments cut."""
    pending: list = []
    start = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _comment_start(raw[:-1]) >= 0:
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        line = " ".join(pending)
        pending = []
        cut = _comment_start(line)
        if cut >= 0:
            line = line[:cut]
        stripped = line.strip()
        if stripped:
            yield start, len(line) - len(line.lstrip()) + 1, stripped
    if pending:
        yield start, 1, " ".join(pending).strip()


def _comment_start(line: str) -> int:
    # pip: a comment starts at `#` at the line start or after whitespace; `#egg=` in a URL is not one
    if line.lstrip().startswith("#"):
        return line.index("#")
    match = re.search(r"\s#", line)
    return match.start() + 1 if match else -1


def _parse_line(parsed: ParsedRequirements, number: int, column: int, content: str) -> None:
    include = _INCLUDE.match(content)
    if include:
        kind = "constraint" if include.group(1) in ("-c", "--constraint") else "requirement"
        target = include.group(2).strip().strip("\"'")
        parsed.includes.append(Include(number, column, kind, target))
        return
    editable = False
    if content.startswith(("-e ", "--editable ", "--editable=", "-e=")):
        content = re.sub(r"^(-e|--editable)\s*=?\s*", "", content)
        editable = True
    elif content.startswith("-"):
        option = _OPTION.match(content)
        name, value = (option.group(1), option.group(2).strip()) if option else (content, "")
        parsed.options.append((number, name, value))
        return
    requirement_text = re.split(r"\s+--(hash|config-settings|global-option)\b", content)[0].strip()
    parsed.requirements.append(_requirement(number, column, requirement_text, editable))
    parsed.requirements[-1].hashed = re.search(r"\s--hash\b", content) is not None
    if parsed.requirements[-1].name is None and not parsed.requirements[-1].url:
        bad = parsed.requirements.pop()
        parsed.problems.append(Problem(number, column, bad.reason))


def _requirement(number: int, column: int, text: str, editable: bool) -> RequirementLine:
    from packaging.requirements import InvalidRequirement, Requirement  # imported by a parse, not a cache hit
    from packaging.utils import canonicalize_name

    end = column + len(text)
    if _VCS.match(text) or re.match(r"^(https?|file)://", text) or text.startswith(("/", "./", "../")):
        return _bare_url(number, column, end, text)
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        reason = f"invalid requirement: {str(exc).splitlines()[0][:120]}"
        return RequirementLine(number, column, end, text, None, "", False, reason)
    name = canonicalize_name(req.name)
    markers = str(req.marker) if req.marker else None
    if req.url:
        pinned, reason = _url_pinned(req.url)
        return RequirementLine(number, column, end, text, name, "", pinned, reason, req.url, markers)
    specifier = str(req.specifier)
    pinned, reason = _specifier_pinned(list(req.specifier))
    return RequirementLine(number, column, end, text, name, specifier, pinned, reason, None, markers)


def _specifier_pinned(specs: list) -> tuple[bool, str]:
    """(pinned?, why not, or "")"""
    if not specs:
        return False, "no version specifier"
    exact = [s for s in specs if s.operator in ("==", "===")]
    if not exact:
        joined = ",".join(str(s) for s in specs)
        return False, f"range '{joined}' is not an exact pin"
    wildcard = [s for s in exact if s.version.endswith(".*")]
    if wildcard:
        return False, f"wildcard '{wildcard[0]}' matches many versions"
    return True, ""


def _bare_url(number: int, column: int, end: int, text: str) -> RequirementLine:
    from packaging.utils import canonicalize_name

    egg = re.search(r"[#&]egg=([A-Za-z0-9_.\-\[\]]+)", text)
    name = canonicalize_name(re.sub(r"\[.*\]", "", egg.group(1))) if egg else None
    pinned, reason = _url_pinned(text)
    return RequirementLine(number, column, end, text, name, "", pinned, reason, text, None)


def _url_pinned(url: str) -> tuple[bool, str]:
    """A URL is pinned when it names an immutable thing: a commit, a hashed or versioned file."""
    if _VCS.match(url):
        if _COMMIT.search(url):
            return True, ""
        ref = re.search(r"@([^@#/]+)(?:#|$)", url.split("://", 1)[-1])
        if ref:
            return False, f"{url.split('+')[0]} reference '@{ref.group(1)}' is not a commit"
        return False, f"{url.split('+')[0]} URL without a commit follows the default branch"
    if "#sha256=" in url or "#sha384=" in url or "#sha512=" in url:
        return True, ""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if _ARCHIVE.search(path) and re.search(r"\d+\.\d+", path.rsplit("/", 1)[-1]):
        return True, ""
    return False, "URL does not name a fixed version (no commit, version or hash)"
