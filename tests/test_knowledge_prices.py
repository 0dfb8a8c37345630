"""knowledge/prices.json: every row is well formed, dated and sourced; prices no reliable source
gives stay null; what the environment hour includes agrees with the class defaults."""
import datetime
import re

import pytest

from mwaa_lint.knowledge import table

DATA = table("prices")
CLASSES = table("environment_classes")["classes"]
PRICE_FIELDS = ("environment_hour", "additional_worker_hour", "additional_scheduler_hour", "additional_webserver_hour")
ROWS = [(region, name, row) for region, prices in DATA["regions"].items() for name, row in prices["classes"].items()]


def test_the_table_is_dated_and_sourced():
    assert DATA["checked"] == "2026-12-01"
    assert datetime.date.fromisoformat(DATA["checked"])
    assert DATA["currency"] == "USD"
    assert DATA["hours_per_month"] == 730
    assert DATA["sources"] and all(re.search(r"https://\S+", text) for text in DATA["sources"].values())
    # the infracost golden the us-east-1 figures come from, and its date
    assert "2024-07-01" in DATA["sources"]["IC"]
    notes = " ".join(DATA["notes"])
    for needed in ("730 hours", "UNCERTAIN", "web server", "Modelling assumption", "us-east-1"):
        assert needed in notes, needed


def test_only_the_sourced_region_is_priced():
    assert list(DATA["regions"]) == ["us-east-1"]
    assert DATA["default_region"] in DATA["regions"]
    for region in DATA["regions"].values():
        assert region["source"] in DATA["sources"]
        assert region["metadata_storage_gb_month"] == 0.10


@pytest.mark.parametrize("region, name, row", ROWS, ids=lambda v: v if isinstance(v, str) else "")
def test_every_row_is_well_formed(region, name, row):
    assert name in CLASSES
    assert set(row) == {*PRICE_FIELDS, "uncertain", "source"}
    for field in PRICE_FIELDS:
        price = row[field]
        assert price is None or (isinstance(price, (int, float)) and not isinstance(price, bool) and 0 < price < 10), field
    assert set(row["uncertain"]) <= {f for f in PRICE_FIELDS if row[f] is not None}
    if all(row[f] is None for f in PRICE_FIELDS):
        assert row["source"] is None and row["uncertain"] == []
    else:
        assert all(row[f] is not None for f in PRICE_FIELDS), "a priced class has all four prices"
        assert row["source"].split(";")[0] in DATA["sources"]
        # an additional worker or scheduler costs less than the environment that includes one
        assert row["additional_worker_hour"] < row["environment_hour"]


def test_every_class_has_a_row_in_every_region():
    for prices in DATA["regions"].values():
        assert set(prices["classes"]) == set(CLASSES)
    assert set(DATA["included"]) == set(CLASSES)


def test_prices_with_no_reliable_source_are_null():
    """The fact sheet found no reliable price for these classes: the table says so, never guesses."""
    classes = DATA["regions"]["us-east-1"]["classes"]
    for name in ("mw1.micro", "mw1.xlarge", "mw1.2xlarge"):
        assert all(classes[name][f] is None for f in PRICE_FIELDS), name


def test_the_sourced_us_east_1_prices():
    classes = DATA["regions"]["us-east-1"]["classes"]
    got = {name: tuple(classes[name][f] for f in PRICE_FIELDS) for name in ("mw1.small", "mw1.medium", "mw1.large")}
    assert got == {
        "mw1.small": (0.49, 0.055, 0.055, 0.028),
        "mw1.medium": (0.74, 0.11, 0.11, 0.055),
        "mw1.large": (0.99, 0.22, 0.22, 0.11),
    }
    # the web server prices rest on one third-party page: marked uncertain
    assert all(classes[name]["uncertain"] == ["additional_webserver_hour"] for name in got)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_what_the_environment_hour_includes_matches_the_class_defaults(name):
    included, limits = DATA["included"][name], CLASSES[name]
    assert set(included) == {"workers", "schedulers", "webservers"}
    assert all(isinstance(n, int) and n >= 1 for n in included.values())
    assert included["workers"] == 1
    assert included["schedulers"] == limits["schedulers"]["default"]
    assert included["webservers"] == limits["webservers"]["default_min"]
