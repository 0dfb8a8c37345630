"""The Airflow version and environment class tables are well formed: dated, sourced, every row
citing a source key, dates and numbers consistent with each other."""
import datetime
import re

import pytest

from mwaa_lint.knowledge import table

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text):
    assert DATE.fullmatch(text), text
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize("name", ["airflow_versions", "environment_classes"])
def test_table_is_dated_and_sourced(name):
    data = table(name)
    assert data["title"]
    _date(data["checked"])
    assert data["sources"]
    for key, source in data["sources"].items():
        assert re.fullmatch(r"[A-Z][A-Z0-9-]*", key), key
        assert "http" in source or "botocore" in source or "third-party" in source, key


def test_airflow_version_rows():
    data = table("airflow_versions")
    checked = _date(data["checked"])
    assert _date(data["source_date"]) <= checked
    assert "{airflow}" in data["constraints_url"] and "{python}" in data["constraints_url"]
    versions = [row["version"] for row in data["versions"]]
    assert len(versions) == len(set(versions))
    assert data["constraint_required_from"] in versions
    for row in data["versions"]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", row["version"]), row
        assert row["source"] in data["sources"], row
        assert row.get("python_source", row["source"]) in data["sources"], row
        released, available = _date(row["airflow_release"]), _date(row["mwaa_available"])
        assert released <= available, row
        assert row["python"] is None or re.fullmatch(r"3\.\d+", row["python"]), row
        assert row["status"] in ("supported", "deprecated", "end-of-support"), row
        if row["end_of_support"] is None:
            assert row["status"] == "supported", row
            assert row["python"], f"a supported version needs its Python version: {row}"
        else:
            eos = _date(row["end_of_support"])
            assert eos > available, row
            assert row["status"] == ("end-of-support" if eos <= checked else "deprecated"), row


def test_environment_class_rows():
    data = table("environment_classes")
    sources = data["sources"]
    classes = data["classes"]
    # Keys other rules read (MWAA501).
    assert data["default_class"] in classes
    assert data["default_class_source"] in sources
    assert {"default_max", "service_max", "quota_max"} <= set(data["workers"])
    assert data["workers"]["default_max"] <= data["workers"]["service_max"] <= data["workers"]["quota_max"]
    assert data["schedulers"]["source"] in sources
    api_max = data["schedulers"]["api_max"]
    for name, row in classes.items():
        assert re.fullmatch(r"mw1\.[a-z0-9]+", name), name
        assert isinstance(row["autoscaling"], bool), name
        schedulers = row["schedulers"]
        assert schedulers["source"] in sources, name
        if schedulers["min"] is not None:
            assert 1 <= schedulers["min"] <= schedulers["default"] <= schedulers["max"] <= api_max, name
        for kind in ("webservers", "workers"):
            limits = row[kind]
            assert limits["source"] in sources, (name, kind)
            low, high = limits["min"], limits["max"]
            for key in ("default_min", "default_max"):
                value = limits[key]
                if value is not None:
                    assert low <= value and (high is None or value <= high), (name, kind, key)
            if limits["default_min"] is not None and limits["default_max"] is not None:
                assert limits["default_min"] <= limits["default_max"], (name, kind)
        if row["autoscaling"]:
            assert row["workers"]["default_max"] == data["workers"]["default_max"], name
            assert row["workers"]["max"] == data["workers"]["service_max"], name
