"""The networking and IAM tables (MWAA102-104, MWAA202-203) are well formed: dated, sourced,
every row citing a source key, and consistent with what the rules assume of them."""
import datetime
import re

import pytest
from mwaa_lint_rules.wildcard_resource import scoping

from mwaa_lint.knowledge import table

TABLES = ["iam_unscoped_actions", "admin_policies", "network_configuration"]


@pytest.mark.parametrize("name", TABLES)
def test_table_is_dated_and_sourced(name):
    data = table(name)
    assert data["title"]
    assert datetime.date.fromisoformat(data["checked"])
    assert data["sources"]
    for key, source in data["sources"].items():
        assert re.fullmatch(r"[A-Z][A-Z0-9-]*", key), key
        assert "http" in source or "botocore" in source, key


def test_iam_action_rows():
    data = table("iam_unscoped_actions")
    services = data["services"]
    assert len(services) > 400
    for prefix, row in services.items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix), prefix
        assert row["source"] in data["sources"], prefix
        for kind in ("unscoped", "scoped"):
            names = row[kind]
            assert names == sorted(names) and len(names) == len(set(names)), (prefix, kind)
            assert all(re.fullmatch(r"[A-Za-z0-9-]+", n) for n in names), (prefix, kind)
        assert not {n.lower() for n in row["unscoped"]} & {n.lower() for n in row["scoped"]}, prefix
        assert row["unscoped"] or row["scoped"], prefix
    # A few facts the rule's documentation and fixtures rely on.
    assert "GetObject" in services["s3"]["scoped"]
    assert "PassRole" in services["iam"]["scoped"]
    assert "GetAuthorizationToken" in services["ecr"]["unscoped"]
    assert "GetCallerIdentity" in services["sts"]["unscoped"]


def test_aws_documented_mwaa_policy_is_silent():
    """Every action AWS's sample execution-role policy grants on "*" must be one MWAA202 accepts."""
    data = table("iam_unscoped_actions")
    mwaa = data["mwaa_policy_on_star"]
    assert mwaa["source"] in data["sources"]
    for action in mwaa["actions"]:
        service, name = action.split(":")
        assert name in data["services"][service]["unscoped"], action
        assert scoping(action) is None, action
        assert scoping(action.lower()) is None, action


@pytest.mark.parametrize("action, expected", [
    ("s3:GetObject", ["s3:GetObject"]),
    ("S3:getobject", ["S3:getobject"]),
    ("iam:PassRole", ["iam:PassRole"]),
    ("s3:ListAllMyBuckets", None),
    ("s3:*", None),
    ("*", None),
    ("*:*", None),
    ("nosuchservice:GetThing", None),
    ("s3:GetObjectFooBar", None),
    ("sts:GetCaller*", None),
])
def test_scoping(action, expected):
    found = scoping(action)
    assert (found[0] if found else None) == expected


def test_admin_policy_rows():
    data = table("admin_policies")
    pattern = re.compile(data["arn_pattern"])
    assert data["arn_pattern_source"] in data["sources"]
    assert data["data_source_by_name_source"] in data["sources"]
    names = [row["name"] for row in data["policies"]]
    assert set(names) == {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"}
    for row in data["policies"]:
        assert row["source"] in data["sources"], row
        assert row["path"] == "/" and row["grants"], row
        for partition in ("aws", "aws-cn", "aws-us-gov", "aws-iso-b"):
            match = pattern.fullmatch(f"arn:{partition}:iam::aws:policy/{row['name']}")
            assert match and match.group("name") == row["name"], (partition, row)
    assert not pattern.fullmatch("arn:aws:iam::111122223333:policy/AdministratorAccess")
    assert pattern.fullmatch("arn:aws:iam::aws:policy/job-function/DataScientist") is None


def test_network_configuration_rows():
    data = table("network_configuration")
    sources = data["sources"]
    subnets = data["subnets"]
    assert subnets["count"] == 2 and subnets["source"] in sources
    assert subnets["distinct_zones_source"] in sources
    modes = data["webserver_access_modes"]
    assert modes["default_source"] in sources
    assert modes["modes"][modes["default"]]["public"] is False
    for name, row in modes["modes"].items():
        assert re.fullmatch(r"[A-Z_]+", name), name
        assert isinstance(row["public"], bool) and row["source"] in sources, name
