"""The environment-arguments table (MWAA703, MWAA603, MWAA604) is well formed: dated, sourced, its
patterns compile, and they accept and reject what the API and the user guide say."""
import datetime
import re

import pytest
from mwaa_lint_rules.invalid_maintenance_window import diagnose

from mwaa_lint.knowledge import table

DATA = table("environment_arguments")
WINDOW = DATA["weekly_maintenance_window_start"]
KMS = DATA["kms_key"]


def test_table_is_dated_and_sourced():
    assert DATA["title"]
    assert datetime.date.fromisoformat(DATA["checked"])
    for key, source in DATA["sources"].items():
        assert re.fullmatch(r"[A-Z][A-Z0-9-]*", key), key
        assert "http" in source or "botocore" in source, key
    cited = [WINDOW["source"], KMS["api_pattern_source"], KMS["references_source"], KMS["reference_check_source"],
             KMS["default_source"], KMS["force_new_source"], *(row["source"] for row in KMS["forms"])]
    assert set(cited) <= set(DATA["sources"])


def test_window_pattern_is_built_from_the_days_and_minutes():
    days, minutes = "|".join(WINDOW["days"]), "|".join(WINDOW["minutes"])
    assert WINDOW["pattern"] == f"({days}):([01]\\d|2[0-3]):({minutes})"
    assert WINDOW["api_pattern"] == f".*{WINDOW['pattern']}.*"
    assert len(WINDOW["days"]) == 7 and WINDOW["max_length"] == 9


def _valid_window(value):
    """What the API accepts: its (unanchored) pattern and its length limit."""
    return len(value) <= WINDOW["max_length"] and re.fullmatch(WINDOW["api_pattern"], value) is not None


@pytest.mark.parametrize("value", ["MON:00:00", "TUE:03:30", "SUN:23:30", "SAT:19:00", WINDOW["example"]])
def test_valid_windows_match(value):
    assert re.fullmatch(WINDOW["pattern"], value)
    assert _valid_window(value)


@pytest.mark.parametrize("value, reason", [
    ("sun:03:00", "upper case"),
    ("Sunday:03:00", "three letters"),
    ("SUN:3:00", "leading zero"),
    ("SUN:03:0", "two digits"),
    ("SUN:03:15", "00 or 30"),
    ("SUN:24:00", "00 to 23"),
    ("XYZ:03:00", "not a day"),
    (" SUN:03:00", "spaces"),
    ("SUN 03:00", "DAY:HH:MM form"),
    ("SUN:03:00:00", "DAY:HH:MM form"),
    ("", "DAY:HH:MM form"),
])
def test_invalid_windows_do_not_match_and_say_why(value, reason):
    assert not re.fullmatch(WINDOW["pattern"], value)
    assert not _valid_window(value)
    reasons, suggestions = diagnose(value, WINDOW)
    assert any(reason in r for r in reasons), reasons
    assert suggestions and all(_valid_window(s) for s in suggestions)


def _form(value):
    return next((row["form"] for row in KMS["forms"] if re.fullmatch(row["pattern"], value)), None)


KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("value, form", [
    (f"arn:aws:kms:us-east-1:111122223333:key/{KEY}", "key ARN"),
    (f"arn:aws-cn:kms:cn-north-1:111122223333:key/{KEY}", "key ARN"),
    (f"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/{KEY}", "key ARN"),
    ("arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "multi-region key ARN"),
    ("arn:aws:kms:us-east-1:111122223333:alias/mwaa", "alias ARN"),
    ("alias/mwaa", "alias name"),
    ("mrk-1234abcd12ab34cd56ef1234567890ab", "multi-region key id"),
    (KEY, "key id"),
    (f"key/{KEY}", "key id"),
    ("arn:aws:s3:::airflow-bucket", None),
    (f"arn:aws:kms:us-east-1:111122223333:key/{KEY.upper()}", None),
])
def test_kms_forms(value, form):
    assert _form(value) == form


def test_only_key_arns_are_supported_and_the_api_agrees():
    rows = {row["form"]: row for row in KMS["forms"]}
    assert [name for name, row in rows.items() if row["supported"]] == ["key ARN"]
    assert all(row["problem"] for row in rows.values() if not row["supported"])
    api = re.compile(KMS["api_pattern"])
    assert api.fullmatch(f"arn:aws:kms:us-east-1:111122223333:key/{KEY}")
    assert api.fullmatch("arn:aws:kms:us-east-1:111122223333:alias/mwaa")  # the API takes it; MWAA does not
    assert not api.fullmatch("arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")


def test_references_name_known_forms():
    forms = {row["form"] for row in KMS["forms"]}
    for kind, attrs in KMS["references"].items():
        assert re.fullmatch(r"(data\.)?aws_kms_[a-z_]+", kind), kind
        assert set(attrs.values()) <= forms, kind
    for kind in KMS["multi_region_resources"]:
        for form in KMS["references"][kind].values():
            assert f"multi-region {form}" in forms or form.startswith("multi-region"), (kind, form)
    for kind, attr in KMS["arn_attribute"].items():
        assert KMS["references"][kind][attr] == "key ARN", kind
