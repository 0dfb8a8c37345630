"""The `mwaa_constraints` knowledge table: built by scripts/build_constraints_table.py from the
copies of MWAA's image files in tests/fixtures/mwaa-images (so a clean clone can rebuild it),
consistent with the `airflow_versions` table, and replaceable through `knowledge-tables`."""
import importlib.util
import json
import re
import shutil

import pytest
from conftest import FIXTURES, REPO

from mwaa_lint.knowledge import table

IMAGES = FIXTURES / "mwaa-images"
COMMITTED = REPO / "mwaa_lint" / "knowledge" / "mwaa_constraints.json"


def _script():
    spec = importlib.util.spec_from_file_location("build_constraints_table", REPO / "scripts" / "build_constraints_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_table_is_what_the_script_builds_from_the_copies():
    script = _script()
    assert COMMITTED.read_text(encoding="utf-8") == script.render(script.build(IMAGES))
    assert script.main(["--check"]) == 0


def test_the_table_keeps_its_source_and_attribution():
    data = table("mwaa_constraints")
    assert data["repository"] == "https://github.com/aws/amazon-mwaa-docker-images"
    assert data["commit"] == "9d2bebb5c7858e27a1c6afb20b7827840217e3a0"
    assert data["source_date"] == "2026-08-20"
    assert data["licence"].startswith("Apache-2.0 ")
    assert data["licence"].endswith("NOTICE: Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.")
    assert data["constraint_regex"] == "-c |--constraint "
    notice = (IMAGES / "NOTICE").read_text()
    assert "Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved." in notice
    assert "9d2bebb5c7858e27a1c6afb20b7827840217e3a0" in (IMAGES / "SOURCE.md").read_text()


# The Python of MWAA's image per Airflow version (SOURCE.md, from each image's Dockerfile.base).
PYTHON = {"2.9.2": "3.11.9", "2.10.1": "3.11.9", "2.10.3": "3.11.9", "2.11.0": "3.12.10", "2.11.2": "3.12.10",
          "3.0.6": "3.12.10", "3.2.1": "3.12.13", "3.3.1": "3.12.13"}


def test_every_copied_version_is_in_the_table_with_its_python():
    versions = table("mwaa_constraints")["versions"]
    assert sorted(p.name for p in IMAGES.iterdir() if p.is_dir()) == sorted(PYTHON)
    assert {v: row["python"] for v, row in versions.items()} == PYTHON
    for version, row in versions.items():
        minor = ".".join(PYTHON[version].split(".")[:2])
        assert row["constraints_url"] == ("https://raw.githubusercontent.com/apache/airflow/"
                                          f"constraints-{version}/constraints-{minor}.txt")
        assert row["essential"]["apache-airflow"] == version


def test_the_two_tables_agree_on_python():
    """MWAA303 takes the Python from the image where the constraints table has it, and from the
    user guide's table otherwise: both must say the same."""
    guide = {row["version"]: row["python"] for row in table("airflow_versions")["versions"]}
    for version, full in PYTHON.items():
        assert guide[version] == ".".join(full.split(".")[:2]), version
    assert guide["2.11.0"] == guide["2.11.2"] == "3.12"


def test_only_2_7_2_and_2_8_1_are_supported_without_data(cli):
    versions = table("mwaa_constraints")["versions"]
    supported = {row["version"] for row in table("airflow_versions")["versions"] if row["status"] == "supported"}
    assert sorted(supported - set(versions)) == ["2.7.2", "2.8.1"]
    for rule in ("MWAA306", "MWAA307"):
        text = " ".join(cli("rule", rule).stdout.split())
        assert "2.7.2 and 2.8.1" in text, rule


def test_names_are_pep503_and_pins_are_versions():
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    for row in table("mwaa_constraints")["versions"].values():
        for pins in (row["essential"], row["airflow"]):
            assert all(canonicalize_name(name) == name for name in pins)
            assert all(Version(version) for version in pins.values())
    assert table("mwaa_constraints")["versions"]["2.10.3"]["airflow"]["pandas"] == "2.1.4"
    assert table("mwaa_constraints")["versions"]["2.10.3"]["essential"]["sqlalchemy"] == "1.4.54"


def test_essential_pins_agree_with_airflow_pins():
    """Apart from Airflow itself and the packages only MWAA adds, each essential pin is the same
    package's pin in Airflow's constraints (so which file a message names is the only difference)."""
    only_essential = {"apache-airflow", "fluent-logger", "flask-bcrypt", "flask-caching"}
    for version, row in table("mwaa_constraints")["versions"].items():
        for name, pinned in row["essential"].items():
            if name not in row["airflow"]:
                assert name in only_essential, (version, name)
            else:
                assert row["airflow"][name] == pinned, (version, name)


def _append(path, text):
    path.write_text(path.read_text() + text)


@pytest.mark.parametrize("edit, message", [
    (lambda d: _append(d / "2.9.2" / "etc" / "airflow_constraints.txt", "pandas>=2\n"),
     "not a `name==version` pin: 'pandas>=2'"),
    (lambda d: _append(d / "2.9.2" / "etc" / "mwaa_essential_constraints.txt", "Celery==5.4.0\n"),
     "celery is pinned twice"),
    (lambda d: (d / "SOURCE.md").write_text((d / "SOURCE.md").read_text().replace("| 2.11.0 | 3.12.10 |", "| 2.11.0 | 3.11.9 |")),
     "SOURCE.md: Python 3.11.9 for Airflow 2.11.0, but"),
])
def test_the_script_refuses_what_it_cannot_read(tmp_path, edit, message):
    copy = tmp_path / "mwaa-images"
    shutil.copytree(IMAGES, copy)
    script = _script()
    script.build(copy)  # the copy builds
    edit(copy)
    with pytest.raises(script.BuildError, match=re.escape(message)):
        script.build(copy)


def test_a_user_table_replaces_the_built_in_one(cli, tmp_path):
    mine = json.loads(json.dumps(table("mwaa_constraints")))
    mine["versions"]["2.10.3"]["airflow"]["pandas"] = "1.5.3"  # e.g. a copy built from a newer image
    (tmp_path / "constraints.json").write_text(json.dumps(mine))
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_object" "r" {\n  bucket  = "b"\n  key     = "requirements.txt"\n  content = "pandas==1.5.3\\n"\n}\n'
        'resource "aws_mwaa_environment" "e" {\n  name                 = "e"\n  airflow_version      = "2.10.3"\n'
        "  requirements_s3_path = aws_s3_object.r.key\n}\n")
    assert [f["line"] for f in cli(".", "--select", "MWAA306", "--format", "json", cwd=tmp_path).json()["findings"]] == [4]
    (tmp_path / ".mwaa-lint.yaml").write_text("knowledge-tables:\n  mwaa_constraints: constraints.json\n")
    try:
        assert cli(".", "--select", "MWAA306", "--format", "json", cwd=tmp_path).json()["findings"] == []
        mine["versions"]["2.10.3"] = {"python": "3.11.9", "pins": {"pandas": "2.1.4"}}  # a row in another form
        (tmp_path / "constraints.json").write_text(json.dumps(mine))
        run = cli(".", "--select", "MWAA301,MWAA306,MWAA307", "--format", "json", cwd=tmp_path)
        assert (run.exit_code, run.json()["findings"], run.json()["diagnostics"]) == (0, [], [])
        (tmp_path / "constraints.json").write_text(json.dumps({"versions": {}}))
        run = cli(".", cwd=tmp_path)
        assert run.exit_code == 2
        assert "constraints.json lacks the keys commit, constraint_regex, licence" in run.stderr
    finally:
        from mwaa_lint.knowledge import use_tables

        use_tables({})  # the in-process CLI shares this process: put the built-in table back
