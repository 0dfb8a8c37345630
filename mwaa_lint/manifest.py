"""`.terraform/modules/modules.json`: where `terraform init` put each module it downloaded.

A root's manifest maps each module call, by its key (`mwaa`, `mwaa.execution_role` for the call
`execution_role` inside `mwaa`), to the source and version it was installed from and the
directory it was installed in. mwaa-lint follows a registry, git, HTTP or S3 module through it
(modules.py) when the entry still matches the configuration, as `terraform validate` would.

The manifest is written by whoever controls the repository (it may be committed, or planted in a
pull request), so it is read as hostile: through the project's gate, at most
MAX_MANIFEST_BYTES, every field checked for its type, and a `Dir` only as a relative path below
`.terraform/modules/` that leads nowhere outside the project (no `..`, no absolute path, no link
out). What fails is refused as the gate refuses a read (a `not-read` diagnostic at the
manifest, exit 2): an entry, and its call is not followed; or the whole manifest, and no remote
call is. The root is still checked, with what those calls would give unknown.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Optional

from .observations import digest, note, record
from .project import Refused
from .project import current as current_project

MANIFEST = PurePosixPath(".terraform", "modules", "modules.json")
DOWNLOADS = PurePosixPath(".terraform", "modules")
# A manifest entry is ~200 bytes: 1 MB holds thousands of modules, more than any real root calls.
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_ENTRIES = 10_000
REGISTRY = "registry.terraform.io"


@dataclass(frozen=True)
class Entry:
    key: str
    source: str
    version: Optional[str]
    dir: str  # as recorded, relative to the root
    directory: Path  # the root joined with it


@dataclass
class Manifest:
    path: Path
    entries: dict = field(default_factory=dict)  # key → Entry
    refused: set = field(default_factory=set)  # keys whose entry was refused (the gate's refusal says why)
    refused_whole: bool = False  # not read at all: no remote call is followed


def read(root: Path) -> Optional[Manifest]:
    """The manifest of the root module in `root`, or None when there is none. What is refused
    is recorded with the project's gate (project.py), which reports it."""
    path = Path(root, *MANIFEST.parts)
    try:
        # noted below: the digest of these bytes, or what stands in its place; a refusal is kept by the gate
        data = current_project().read_bytes(path, limit=MAX_MANIFEST_BYTES)  # noted
    except Refused:
        note("read", path)
        return Manifest(path, refused_whole=True)
    except OSError:  # none (no `terraform init` here), or not readable: as if none
        note("read", path)
        return None
    record("read", path, digest(data))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return _refuse_whole(path, f"is not JSON ({type(error).__name__}); not read")
    modules = document.get("Modules") if isinstance(document, dict) else None
    if not isinstance(modules, list):
        return _refuse_whole(path, 'is not a module manifest (no "Modules" list); not read')
    if len(modules) > MAX_ENTRIES:
        return _refuse_whole(path, f"has {len(modules)} entries, over the limit of {MAX_ENTRIES}; not read")
    manifest = Manifest(path)
    for index, raw in enumerate(modules):
        entry, problem = _entry(root, raw)
        if problem is not None:
            key = raw.get("Key") if isinstance(raw, dict) and isinstance(raw.get("Key"), str) else None
            named = f"entry {_shown(key)}" if key is not None else f"entry {index + 1}"
            current_project().refuse(Refused(path, f"{named} {problem}; that module is not followed"))
            if key is not None:
                manifest.refused.add(key)
            continue
        if entry is not None and entry.key not in manifest.refused:
            manifest.entries.setdefault(entry.key, entry)
    for key in manifest.refused:  # a key refused once is not followed through a twin entry either
        manifest.entries.pop(key, None)
    return manifest


def _refuse_whole(path: Path, reason: str) -> Manifest:
    current_project().refuse(Refused(path, reason))
    return Manifest(path, refused_whole=True)


def _entry(root: Path, raw: object) -> tuple[Optional[Entry], Optional[str]]:
    """(the entry, None) or (None, why it is refused); (None, None) for the root's own entry."""
    if not isinstance(raw, dict):
        return None, f"is {type(raw).__name__}, not an object"
    key, source, version, directory = raw.get("Key"), raw.get("Source"), raw.get("Version"), raw.get("Dir")
    for name, value in (("Key", key), ("Source", source), ("Dir", directory)):
        if not isinstance(value, str):
            return None, f"has {name} {_shown(value)}, not a string"
    if version is not None and not isinstance(version, str):
        return None, f"has Version {_shown(version)}, not a string"
    assert isinstance(key, str) and isinstance(source, str) and isinstance(directory, str)
    if key == "":
        return None, None  # the root module itself
    if "\0" in directory or "\\" in directory or directory.startswith("/") or re.match(r"^[A-Za-z]:", directory):
        return None, f"has Dir {_shown(directory)}, not a relative path"
    parts = PurePosixPath(directory).parts
    if ".." in parts:
        return None, f"has Dir {_shown(directory)}, which climbs out with `..`"
    if parts[:2] != DOWNLOADS.parts or len(parts) < 3:
        return None, f"has Dir {_shown(directory)}, not a directory below {DOWNLOADS}"
    joined = Path(root, *parts)
    note("real", joined)  # where links lead decides whether it is inside
    outside = current_project().outside(joined)
    if outside is not None:
        return None, f"has Dir {_shown(directory)}, which {outside.removesuffix('; not read')}"
    return Entry(key, source, version, directory, joined), None


def _shown(value: object) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else type(value).__name__
    return text if len(text) <= 80 else text[:77] + "…"


# --- does an entry still match its call? ---------------------------------------------------------

_REGISTRY_PART = re.compile(r"^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$")


def registry_address(source: str) -> Optional[str]:
    """`aws-ia/mwaa/aws` → `registry.terraform.io/aws-ia/mwaa/aws` (and `host/ns/name/provider`,
    with any `//subdirectory`), as Terraform records a registry source; None for any other."""
    if "::" in source or "://" in source or source.startswith(("./", "../", "/")):
        return None
    address, sep, subdirectory = source.partition("//")
    parts = address.split("/")
    if len(parts) == 4 and "." in parts[0] and parts[0].lower() not in ("github.com", "bitbucket.org"):
        host, parts = parts[0].lower(), parts[1:]
    elif len(parts) == 3:
        host = REGISTRY
    else:
        return None
    if not all(_REGISTRY_PART.match(part) for part in parts):
        return None
    return "/".join([host, *parts]) + (sep + subdirectory if sep else "")


def recorded_source(source: str) -> str:
    """The source as `terraform init` records it in the manifest: registry addresses with their
    host, GitHub shorthands as the git URLs they stand for; other sources as written."""
    registry = registry_address(source)
    if registry is not None:
        return registry
    shorthand = re.match(r"^github\.com/([^/?]+)/([^/?]+?)(\.git)?((?://[^?]*)?(?:\?.*)?)$", source)
    if shorthand:
        return f"git::https://github.com/{shorthand[1]}/{shorthand[2]}.git{shorthand[4]}"
    ssh = re.match(r"^git@github\.com:([^/?]+)/([^/?]+?)(\.git)?((?://[^?]*)?(?:\?.*)?)$", source)
    if ssh:
        return f"git::ssh://git@github.com/{ssh[1]}/{ssh[2]}.git{ssh[4]}"
    return source


def same_source(written: str, recorded: str) -> bool:
    expected = recorded_source(written)
    if registry_address(written) is not None:
        return expected.lower() == recorded.lower()  # registry addresses are case-insensitive
    return expected == recorded


_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_CONSTRAINT = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*$")


def _version(text: str) -> Optional[tuple]:
    """(major, minor, patch, pre-release or "", how many parts were written) or None."""
    found = _VERSION.match(text.strip())
    if found is None:
        return None
    written = sum(1 for part in found.groups()[:3] if part is not None)
    return (int(found[1]), int(found[2] or 0), int(found[3] or 0), found[4] or "", written)


def satisfies(version: str, constraints: str) -> bool:
    """Does the exact `version` the manifest records meet a `version` argument, as Terraform
    decides (`~> 1.2` is >= 1.2, < 2; `~> 1.2.3` is >= 1.2.3, < 1.3; a pre-release only where it
    is named exactly)? A constraint that cannot be read is not met."""
    have = _version(version)
    if have is None:
        return False
    numbers = have[:3]
    exact_pre = False
    for part in constraints.split(","):
        found = _CONSTRAINT.match(part)
        want = _version(found[2]) if found else None
        if found is None or want is None:
            return False
        op, target = found[1] or "=", want[:3]
        if op == "=" and (numbers, have[3]) != (target, want[3]):
            return False
        if op == "=" and have[3]:
            exact_pre = True
        if op == "!=" and (numbers, have[3]) == (target, want[3]):
            return False
        if (op == ">" and not numbers > target) or (op == ">=" and not numbers >= target):
            return False
        if (op == "<" and not numbers < target) or (op == "<=" and not numbers <= target):
            return False
        if op == "~>":
            written = want[4]
            upper = (target[0] + 1, 0, 0) if written <= 2 else (target[0], target[1] + 1, 0)
            if not target <= numbers < upper:
                return False
    return not have[3] or exact_pre
