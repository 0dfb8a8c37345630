"""Airflow versions on MWAA, from `knowledge/airflow_versions.json`: lookup, status, latest."""
from __future__ import annotations

import re
from typing import Optional

from ..knowledge import table


def checked() -> str:
    """The date the version table was last checked (YYYY-MM-DD): every status is as of it."""
    return table("airflow_versions")["checked"]


def lookup(version: str) -> Optional[dict]:
    """The table row for an exact version string (`2.10.3`), or None if MWAA never listed it."""
    text = str(version).strip()
    return next((row for row in table("airflow_versions")["versions"] if row["version"] == text), None)


def ended(row: dict) -> bool:
    """Has the version reached end of support on or before the table's date?"""
    return bool(row["end_of_support"]) and row["end_of_support"] <= checked()


def sort_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def latest_supported(major: Optional[str] = None) -> Optional[str]:
    """The highest version without an end-of-support date, optionally within one major version."""
    rows = [
        row["version"]
        for row in table("airflow_versions")["versions"]
        if not row["end_of_support"] and (major is None or row["version"].split(".")[0] == major)
    ]
    return max(rows, key=sort_key, default=None)


def constraints_url(version: str, python: str) -> str:
    return table("airflow_versions")["constraints_url"].format(airflow=version, python=python)
