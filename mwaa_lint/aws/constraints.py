"""The constraints MWAA applies when it installs a user's requirements.txt, from
`knowledge/mwaa_constraints.json` (built from the files of the images MWAA runs).

MWAA runs `pip3 install --constraint <essential constraints> -r requirements.txt`, and adds
`-c <Airflow's constraints>` only when no line of requirements.txt matches the regular
expression `-c |--constraint ` (a commented-out line counts: MWAA means it as an opt-out).
So the essential pins always apply; Airflow's pins apply when MWAA adds its copy, or when the
requirements name the same file by its URL (pip then reads the same pins from there).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ..knowledge import table

# Marker variables whose value MWAA's image does not tell (its CPU, its kernel): a marker that
# reads them cannot be decided, and a rule stays silent on the requirement.
_UNDECIDABLE = frozenset({"platform_machine", "platform_release", "platform_version"})

ESSENTIAL, AIRFLOW = "essential", "airflow"


@dataclass(frozen=True)
class Pin:
    """The version MWAA installs for a package, and which constraints file says so."""

    name: str  # PEP 503 normalised
    version: str
    source: str  # "essential" (MWAA's essential constraints) or "airflow" (Airflow's constraints)
    why: str  # for a message: "Airflow's constraints, applied because requirements.txt names none"


def image(airflow_version: str) -> Optional[dict]:
    """The table's row for an Airflow version (python, constraints_url, essential, airflow), or None."""
    versions = table("mwaa_constraints")["versions"]
    row = versions.get(str(airflow_version).strip()) if isinstance(versions, dict) else None
    if not isinstance(row, dict) or not isinstance(row.get("python"), str) or not isinstance(row.get("constraints_url"), str):
        return None  # a user's table without the row, or with a row in another form: nothing is known
    if not all(isinstance(row.get(kind), dict) for kind in (ESSENTIAL, AIRFLOW)):
        return None
    return row


def python_minor(airflow_version: str) -> Optional[str]:
    """The Python minor version (`3.11`) of MWAA's image for an Airflow version, when the table has it."""
    row = image(airflow_version)
    return ".".join(str(row["python"]).split(".")[:2]) if row else None


def names_constraints(text: str) -> bool:
    """Does MWAA consider that requirements.txt names its own constraints? (its own test, line by line)"""
    pattern = re.compile(table("mwaa_constraints")["constraint_regex"])
    return any(pattern.search(line) for line in text.lstrip("\ufeff").splitlines())


class Constraints:
    """The constraints that apply to the requirements of one environment."""

    def __init__(self, airflow_version: str, row: dict, main_text: Optional[str], main_targets: list[str],
                 constraint_targets: list[str]):
        self.airflow_version = airflow_version
        self.python = str(row["python"])  # the image's full version, `3.11.9`
        self._row = row
        self.airflow_reason = _airflow_reason(row, main_text, main_targets, constraint_targets)

    @property
    def airflow_constraints_apply(self) -> bool:
        """Do Airflow's constraints for this version apply (MWAA adds them, or the file names them)?"""
        return bool(self.airflow_reason)

    def pin(self, name: str) -> Optional[Pin]:
        """The version MWAA installs for a PEP 503-normalised name, from the essential constraints
        (checked first: the user cannot override them) or the applicable Airflow constraints."""
        essential = self._row["essential"].get(name)
        if essential is not None:
            return Pin(name, essential, ESSENTIAL, "MWAA's essential constraints, which users cannot override")
        pinned = self._row["airflow"].get(name) if self.airflow_reason else None
        if pinned is not None:
            return Pin(name, pinned, AIRFLOW, f"Airflow's constraints, {self.airflow_reason}")
        return None

    def marker_applies(self, markers: Optional[str]) -> Optional[bool]:
        """Does pip install a requirement with these environment markers on MWAA's image (Linux,
        CPython of the image's version)? None when the marker reads what the image does not tell."""
        if not markers:
            return True
        from packaging.markers import InvalidMarker, Marker, UndefinedComparison

        try:
            marker = Marker(markers)
        except InvalidMarker:
            return None
        if _variables(getattr(marker, "_markers", None)) & _UNDECIDABLE:
            return None
        minor = ".".join(self.python.split(".")[:2])
        environment = {
            "python_version": minor, "python_full_version": self.python, "implementation_name": "cpython",
            "implementation_version": self.python, "platform_python_implementation": "CPython", "os_name": "posix",
            "sys_platform": "linux", "platform_system": "Linux", "extra": "",
        }
        try:
            return bool(marker.evaluate(environment))
        except (UndefinedComparison, ValueError):
            return None

    def installs(self, requirement: Any) -> Optional[Pin]:
        """The pin that applies to a requirement line of the user's file: None for a URL or VCS
        requirement, a package no applicable constraint names, or a marker that is false on the
        image or cannot be decided."""
        if getattr(requirement, "url", None) or not getattr(requirement, "name", None):
            return None
        pin = self.pin(requirement.name)
        if pin is None or self.marker_applies(requirement.markers) is not True:
            return None
        return pin

    def conflict(self, requirement: Any) -> Optional[Pin]:
        """The pin a requirement's specifier excludes (pip then fails), or None."""
        pin = self.installs(requirement)
        if pin is None:
            return None
        admitted = admits(requirement.specifier, pin.version)
        return pin if admitted is False else None


def admits(specifier: str, version: str) -> Optional[bool]:
    """Does a specifier (`>=1.2,<2`) admit a version? Pre-releases count as pip counts them here: a
    constraint that pins a pre-release names it explicitly, which lets pip choose it. None if unreadable."""
    if not specifier or specifier == f"=={version}":
        return True  # no specifier, or the pin itself: no need to import packaging's specifiers
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except (InvalidSpecifier, ValueError):
        return None


def _airflow_reason(row: dict, main_text: Optional[str], main_targets: list[str], targets: list[str]) -> str:
    """Why Airflow's constraints apply ("" when they do not, or when it cannot be told)."""
    if any(target.strip().strip("\"'") == row["constraints_url"] for target in targets):
        return "which requirements.txt names with --constraint"
    if main_text is None:
        return ""  # the file MWAA tests cannot be read
    if names_constraints(main_text):
        return ""  # MWAA does not add its own; the user's constraints apply instead
    if main_targets:
        return ("applied because MWAA looks for `-c ` or `--constraint ` (with a space) and requirements.txt "
                "has neither")
    if targets:
        return "applied because requirements.txt itself names none; MWAA does not look into the files it includes"
    return "applied because requirements.txt names none"


def _variables(markers: Any, depth: int = 0) -> set[str]:
    """The variable names a parsed marker reads (packaging's `Marker._markers` tree)."""
    found: set[str] = set()
    if depth > 64:
        return set(_UNDECIDABLE)  # never deeper in practice: treat as undecidable
    if isinstance(markers, (list, tuple)):
        for item in markers:
            found |= _variables(item, depth + 1)
    elif type(markers).__name__ == "Variable":
        found.add(str(getattr(markers, "value", "")))
    return found


def for_version(airflow_version: str, main_text: Optional[str], main_targets: list[str],
                constraint_targets: list[str]) -> Optional[Constraints]:
    """The constraints for an environment of this Airflow version whose requirements.txt is
    `main_text` (None: unknown), whose `-c` lines name `main_targets`, and whose requirement
    files (it and those it includes with `-r`) name `constraint_targets`; None when the table
    has no row for the version (MWAA's 2.7.2 and 2.8.1)."""
    row = image(airflow_version)
    if row is None:
        return None
    return Constraints(str(airflow_version).strip(), row, main_text, main_targets, constraint_targets)
