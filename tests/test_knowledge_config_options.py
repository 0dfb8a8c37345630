"""The airflow_configuration_options table (MWAA701, MWAA702) is well formed: dated, sourced, every
row citing a source key, every listed key one the API would accept; and the helpers built on it
match names and versions the way the rules' documentation says."""
import datetime
import re

import pytest

from mwaa_lint.aws import config_options
from mwaa_lint.engine import RunOptions, run
from mwaa_lint.knowledge import table
from mwaa_lint.registry import load_rules

DATA = table("airflow_config_options")
SOURCES = DATA["sources"]


def test_table_is_dated_and_sourced():
    assert DATA["title"]
    checked = datetime.date.fromisoformat(DATA["checked"])
    assert datetime.date.fromisoformat(DATA["source_date"]) <= checked
    for key, source in SOURCES.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9-]*", key), key
        assert "http" in source or "botocore" in source, key
    assert DATA["notes"] and all(isinstance(n, str) and n for n in DATA["notes"])
    assert any("UNCERTAIN" in n for n in DATA["notes"])


def test_api_shapes():
    key, value = DATA["key"], DATA["value"]
    assert key["source"] in SOURCES and value["source"] in SOURCES
    # botocore 1.43.11 ConfigKey / ConfigValue, as the fact sheet gives them
    assert (key["pattern"], key["min_length"], key["max_length"]) == ("[a-z]+([a-z0-9._]*[a-z0-9_]+)?", 1, 64)
    assert (value["pattern"], value["min_length"], value["max_length"]) == ("[ -~]+", 1, 65536)
    assert re.fullmatch(key["pattern"], "core.dag_run_conf_overrides_params")
    assert not re.fullmatch(key["pattern"], "Core.Parallelism")
    assert not re.fullmatch(key["pattern"], "scheduler.min-file-process-interval")
    assert not re.fullmatch(value["pattern"], "two\nlines")
    assert re.fullmatch(value["pattern"], '{"connections_prefix": "airflow/connections"} ~')


@pytest.mark.parametrize("major", sorted(DATA["blocked"]))
def test_blocked_rows(major):
    row = DATA["blocked"][major]
    assert re.fullmatch(r"\d+", major)
    assert row["source"] in SOURCES
    versions = [v["version"] for v in table("airflow_versions")["versions"]]
    assert row["image"] in versions and row["image"].split(".")[0] == major
    keys = row["keys"]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for key in keys:
        assert re.fullmatch(DATA["key"]["pattern"], key) and len(key) <= DATA["key"]["max_length"], key
        assert "." in key, key  # section.option, as MWAA applies it (AIRFLOW__SECTION__OPTION)
    assert set(row["forced"]) <= set(keys)
    for forced in row["forced"].values():
        assert re.fullmatch(DATA["value"]["pattern"], forced), forced


def test_blocked_lists_follow_the_fact_sheet():
    three, two = (set(DATA["blocked"][m]["keys"]) for m in ("3", "2"))
    only_three = {"api.secret_key", "api_auth.jwt_secret", "api_auth.jwt_algorithm",
                  "execution_api.jwt_expiration_time", "fab.config_file", "core.execution_api_server_url"}
    only_two = {"webserver.secret_key", "webserver.config_file", "webserver.cookie_secure", "api.auth_backends"}
    assert three - two == only_three
    assert two - three == only_two


def test_blocked_keys_by_version():
    common = set(DATA["blocked"]["3"]["keys"]) & set(DATA["blocked"]["2"]["keys"])
    assert set(config_options.blocked_keys("3.0.6")[0]) == set(DATA["blocked"]["3"]["keys"])
    assert set(config_options.blocked_keys("2.10.3")[0]) == set(DATA["blocked"]["2"]["keys"])
    assert config_options.blocked_keys("1.10.12") == ({}, "")  # no data for Airflow 1
    keys, label = config_options.blocked_keys(None)  # not set, or unknown: blocked everywhere only
    assert set(keys) == common and "every" in label
    assert config_options.blocked_keys("2.11.0")[0]["webserver.cookie_secure"] == "True"


def test_sensitive_names():
    names = DATA["sensitive_names"]
    assert names["source"] in SOURCES
    # Airflow's DEFAULT_SENSITIVE_FIELDS as the fact sheet lists them
    assert set(names["names"]) == {"access_token", "api_key", "apikey", "authorization", "passphrase", "passwd",
                                   "password", "private_key", "secret", "token", "keyfile_dict", "service_account"}
    for row in DATA["extra_sensitive_names"]:
        assert row["source"] in SOURCES and re.fullmatch(r"[a-z_]+", row["name"]), row
    assert DATA["reference_suffixes"]["source"] in SOURCES
    assert DATA["not_secret_suffixes"]["derived"] is True


@pytest.mark.parametrize("name, option, expected", [
    ("smtp_password", True, ["password"]),
    ("pass", True, ["pass"]),
    ("api_key", True, ["api_key"]),
    ("secret_key", True, ["secret"]),
    ("jwt_secret", True, []),  # <option>_secret names a secret; a miss, never a false alarm
    ("smtp_password_secret", True, []),
    ("smtp_password_cmd", True, []),
    ("secrets_backend", True, []),  # "secrets" is not the word "secret"
    ("backend_kwargs", True, []),
    ("smtp_user", True, []),
    ("bypass_cache", True, []),
    ("secret_id", False, ["secret"]),  # a JSON field: no _secret convention there
    ("client_secret", False, ["secret"]),
    ("token_path", False, []),
    ("gcp_keyfile_dict", False, ["keyfile_dict"]),
])
def test_secret_names(name, option, expected):
    assert config_options.secret_names(name, option=option) == expected


MWAA702 = [r for r in load_rules() if r.id == "MWAA702"]

SMTP_FROM_VARIABLE = """
variable "smtp_password" {
  type      = string
  sensitive = true
}

resource "aws_mwaa_environment" "this" {
  name = "analytics"
  airflow_configuration_options = {
    "smtp.smtp_password" = var.smtp_password
  }
}
"""


def _lines(tmp_path, environ, files=None):
    (tmp_path / "main.tf").write_text(SMTP_FROM_VARIABLE)
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    result = run([str(tmp_path)], MWAA702, RunOptions(environ=environ), root=tmp_path)
    assert result.diagnostics == []
    return [(f.path.name, f.line, f.message) for f in result.findings]


def test_a_secret_from_the_environment_is_not_a_literal(tmp_path):
    assert _lines(tmp_path, {"TF_VAR_smtp_password": "from-the-pipeline"}) == []


def test_a_secret_from_tfvars_json_is_reported_with_its_file(tmp_path):
    found = _lines(tmp_path, {}, {"terraform.tfvars.json": '{"smtp_password": "in-the-repository"}'})
    assert [(name, line) for name, line, _ in found] == [("main.tf", 10)]
    assert "written at terraform.tfvars.json" in found[0][2]
    assert "in-the-repository" not in found[0][2]
