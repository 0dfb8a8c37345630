"""The rules that read MWAA's own constraints (the `mwaa_constraints` table): MWAA306
constraint-conflict, MWAA307 airflow-core-pinned, and what MWAA301 and MWAA303 learn from the
table. The per-rule fixtures' findings (rule, file, line) are checked by
tests/test_rule_fixtures.py; here, what each message says, and the corners (markers,
pre-releases, MWAA's regular expression) on small files."""
import json

import pytest
from conftest import FIXTURES

from mwaa_lint.knowledge import table, use_tables

RULES = FIXTURES / "rules"
FAILS = "pip fails at every container start and an update is rolled back"
ESSENTIAL = "MWAA's essential constraints, which users cannot override"
NAMES_NONE = "Airflow's constraints, applied because requirements.txt names none"
NAMED = "Airflow's constraints, which requirements.txt names with --constraint"


def _messages(cli, rule: str, cwd) -> list[tuple[str, int, str]]:
    run = cli(".", "--select", rule, "--format", "json", cwd=cwd)
    data = run.json()
    assert data["diagnostics"] == []
    return [(f["path"], f["line"], f["message"]) for f in data["findings"]]


def _conflict(text: str, version: str, pin: str, why: str) -> str:
    return f"`{text}` conflicts with {pin}, which MWAA installs on Airflow {version} ({why}); {FAILS}"


@pytest.mark.parametrize("case, expected", [
    ("no_constraint_line", [
        ("requirements.txt", 8, _conflict("pandas==1.5.3", "2.10.3", "pandas==2.1.4", NAMES_NONE)),
        ("requirements.txt", 12, _conflict('requests==2.28.2 ; python_version >= "3.8"', "2.10.3",
                                           "requests==2.32.3", NAMES_NONE)),
        ("requirements.txt", 17, _conflict("Flask-AppBuilder==4.4.1", "2.10.3", "flask-appbuilder==4.5.2", ESSENTIAL)),
        ("requirements/providers.txt", 1, _conflict("apache-airflow-providers-amazon[aiobotocore]==8.16.0", "2.10.3",
                                                    "apache-airflow-providers-amazon==9.0.0", NAMES_NONE)),
    ]),
    ("commented_constraint", [
        ("main.tf", 9, _conflict("celery[sqs]==5.3.6", "2.9.2", "celery==5.4.0", ESSENTIAL)),
        ("main.tf", 10, _conflict("SQLAlchemy>=2.0", "2.9.2", "sqlalchemy==1.4.52", ESSENTIAL)),
    ]),
    ("matching_url", [
        ("requirements.txt", 4, _conflict("apache-airflow-providers-snowflake==5.8.0", "2.11.0",
                                          "apache-airflow-providers-snowflake==6.3.1", NAMED)),
        ("requirements.txt", 6, _conflict("kombu~=5.4.0", "2.11.0", "kombu==5.5.3", NAMED)),
        ("requirements.txt", 9, _conflict("scikit-learn==1.5.2", "2.11.0", "scikit-learn==1.6.1", NAMED)),
    ]),
    ("other_constraints", [
        ("main.tf", 10, _conflict("SQLAlchemy==2.0.36", "2.11.0", "sqlalchemy==1.4.54", ESSENTIAL)),
        ("main.tf", 11, _conflict("Flask_Caching==2.3.0", "2.11.0", "flask-caching==2.3.1", ESSENTIAL)),
    ]),
    ("equals_form", [
        ("requirements.txt", 3, _conflict(
            "pydantic==1.10.13", "3.0.6", "pydantic==2.11.7",
            "Airflow's constraints, applied because MWAA looks for `-c ` or `--constraint ` (with a space) and "
            "requirements.txt has neither")),
    ]),
    ("two_versions", [
        ("requirements.txt", 1, _conflict("apache-airflow-providers-postgres==5.13.1", "3.0.6",
                                          "apache-airflow-providers-postgres==6.2.3", NAMES_NONE)),
        ("requirements.txt", 2, _conflict("apache-airflow-providers-http>=4.13,<5", "3.0.6",
                                          "apache-airflow-providers-http==5.3.3", NAMES_NONE)),
    ]),
    ("no_data", []),
])
def test_mwaa306_messages(cli, case, expected):
    assert _messages(cli, "MWAA306", RULES / "MWAA306" / case) == expected


def _core(text: str, version: str, wanted: str) -> str:
    return (f"`{text}` excludes Airflow {version}, the environment's airflow_version: MWAA's essential constraints "
            f"pin apache-airflow=={version} and users cannot override them, so {FAILS}; expected `{wanted}` or no "
            "apache-airflow line")


@pytest.mark.parametrize("case, expected", [
    ("leftover_pin", [
        ("common.txt", 2, _core("Apache_Airflow[amazon,snowflake]==2.6.3", "2.10.3",
                                "apache-airflow[amazon,snowflake]==2.10.3")),
    ]),
    ("versions", [
        ("main.tf", 13, _core("apache-airflow[celery,amazon]>=2.9,<3.0", "3.0.6", "apache-airflow[celery,amazon]==3.0.6")),
    ]),
])
def test_mwaa307_messages(cli, case, expected):
    assert _messages(cli, "MWAA307", RULES / "MWAA307" / case) == expected


# A small environment: `requirements` is the heredoc's text (its first line is main.tf:5).
def _env(tmp_path, version: str, requirements: str) -> None:
    body = "\n".join(f"    {line}" if line else "" for line in requirements.splitlines())
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_object" "requirements" {\n'
        '  bucket  = "team-airflow-source"\n'
        '  key     = "requirements.txt"\n'
        "  content = <<-EOT\n"
        f"{body}\n"
        "  EOT\n"
        "}\n\n"
        'resource "aws_mwaa_environment" "team" {\n'
        '  name                 = "team"\n'
        f'  airflow_version      = "{version}"\n'
        '  requirements_s3_path = aws_s3_object.requirements.key\n'
        "}\n"
    )


def test_the_2_8_1_fixture_is_silent_only_for_lack_of_data(cli, tmp_path):
    """The no_data fixture's requirements, on 2.9.2 (which has data), do conflict."""
    text = (RULES / "MWAA306" / "no_data" / "main.tf").read_text().replace('"2.8.1"', '"2.9.2"')
    (tmp_path / "main.tf").write_text(text)
    (tmp_path / "variables.tf").write_text((RULES / "MWAA306" / "no_data" / "variables.tf").read_text())
    assert [line for _, line, _ in _messages(cli, "MWAA306", tmp_path)] == [7, 8, 9]


def test_markers_are_judged_on_the_image(cli, tmp_path):
    _env(tmp_path, "3.0.6", "\n".join([
        'pandas==1.5.3 ; python_version < "3.12"',  # 5: not installed on Python 3.12
        'pandas==1.5.3 ; python_full_version == "3.12.10" and sys_platform == "linux"',  # 6: installed
        'pandas==1.5.3 ; platform_machine == "x86_64"',  # 7: the image's CPU is not known
        'pandas==1.5.3 ; extra == "ml"',  # 8: no extra is requested in requirements.txt
        'pandas==1.5.3 ; os_name == "nt"',  # 9: Linux
        'pandas==1.5.3 ; implementation_name == "cpython" and platform_system == "Linux"',  # 10
    ]))
    assert [line for _, line, _ in _messages(cli, "MWAA306", tmp_path)] == [6, 10]


def test_pre_releases_count_as_pip_counts_them(cli, tmp_path):
    """A constraint that pins a pre-release names it, so pip may choose it for `>=2.1`; `<2.2`
    excludes the pre-releases of 2.2 (PEP 440)."""
    mine = json.loads(json.dumps(table("mwaa_constraints")))
    mine["versions"]["2.10.3"]["airflow"]["pandas"] = "2.2.0rc1"
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "constraints.json").write_text(json.dumps(mine))
    (tmp_path / ".mwaa-lint.yaml").write_text("knowledge-tables:\n  mwaa_constraints: ops/constraints.json\n")
    _env(tmp_path, "2.10.3", "pandas>=2.1\npandas<2.2\npandas==2.2.0rc1\npandas!=2.2.0rc1\n")
    try:
        assert _messages(cli, "MWAA306", tmp_path) == [
            ("main.tf", 6, _conflict("pandas<2.2", "2.10.3", "pandas==2.2.0rc1", NAMES_NONE)),
            ("main.tf", 8, _conflict("pandas!=2.2.0rc1", "2.10.3", "pandas==2.2.0rc1", NAMES_NONE)),
        ]
    finally:
        use_tables({})  # the in-process CLI shares this process: put the built-in table back


@pytest.mark.parametrize("first_lines, fires", [
    ([], True),  # no constraints line: MWAA adds Airflow's
    (["# pip install -c constraints.txt is how we test locally"], False),  # MWAA's regex matches a comment
    (["--constraint https://example.com/our-constraints.txt"], False),  # the user's own constraints
    (['-c "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"'], True),
    (["-c https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.12.txt"], False),
    (["--constraint=https://example.com/our-constraints.txt"], True),  # no space: MWAA adds Airflow's too
    (["-chttps://example.com/our-constraints.txt"], True),
])
def test_when_airflow_constraints_apply(cli, tmp_path, first_lines, fires):
    _env(tmp_path, "2.10.3", "\n".join([*first_lines, "numpy==2.1.0", "celery==5.3.0"]))
    found = [(line - 5 - len(first_lines), message.split(" (")[1].split(")")[0])
             for _, line, message in _messages(cli, "MWAA306", tmp_path)]
    assert [f for f in found if f[0] == 1] == [(1, "MWAA's essential constraints, which users cannot override")]
    assert bool([f for f in found if f[0] == 0]) == fires


def test_a_constraint_line_in_an_included_file_does_not_stop_mwaa(cli, tmp_path):
    """MWAA tests only the requirements.txt it downloads; a -r file's -c adds to its constraints."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_object" "requirements" {\n  bucket = "b"\n  key    = "requirements.txt"\n'
        '  source = "${path.module}/requirements.txt"\n}\n\n'
        'resource "aws_mwaa_environment" "e" {\n  name                 = "e"\n  airflow_version      = "2.10.3"\n'
        "  requirements_s3_path = aws_s3_object.requirements.key\n}\n")
    (tmp_path / "requirements.txt").write_text("-r base.txt\nnumpy==2.1.0\n")
    (tmp_path / "base.txt").write_text("-c https://example.com/our-constraints.txt\n")
    assert _messages(cli, "MWAA306", tmp_path) == [
        ("requirements.txt", 2, _conflict(
            "numpy==2.1.0", "2.10.3", "numpy==1.26.4", "Airflow's constraints, applied because requirements.txt itself "
            "names none; MWAA does not look into the files it includes"))]


def test_urls_and_airflow_itself_are_not_mwaa306s(cli, tmp_path):
    _env(tmp_path, "2.11.0", "\n".join([
        "apache-airflow==2.6.3",
        "pandas @ https://files.example.com/pandas-1.5.3-cp312-cp312-manylinux_2_17_x86_64.whl",
        "git+https://github.com/example/celery.git@v5.2.7#egg=celery",
    ]))
    assert _messages(cli, "MWAA306", tmp_path) == []
    assert [line for _, line, _ in _messages(cli, "MWAA307", tmp_path)] == [5]


@pytest.mark.parametrize("version, text, fires", [
    ("2.9.2", "apache-airflow==2.9.2", False),
    ("2.9.2", "apache-airflow==2.9.*", False),
    ("2.10.3", "apache-airflow~=2.10.0", False),
    ("2.10.3", "apache-airflow!=2.10.3", True),
    ("2.11.0", "apache-airflow[amazon]==2.11.2", True),
    ("3.0.6", "apache-airflow>=2.10", False),
    ("3.0.6", "apache-airflow==3.0.6 ; python_version < '3.12'", False),  # not installed on 3.12
    ("2.8.1", "apache-airflow==2.6.3", False),  # no data for 2.8.1
    ("2.7.2", "apache-airflow==2.6.3", False),
])
def test_mwaa307_reads_the_specifier(cli, tmp_path, version, text, fires):
    _env(tmp_path, version, text)
    assert bool(_messages(cli, "MWAA307", tmp_path)) == fires


UNPINNED = "expected `==<version>` so every scheduler and worker installs the same build"


def test_mwaa301_names_the_pin_mwaa_installs(cli, tmp_path):
    _env(tmp_path, "2.10.3", "\n".join([
        "pandas",  # 5
        "numpy>=1.20",  # 6: the range admits 1.26.4
        "celery[sqs]",  # 7: an essential pin
        "requests>=3",  # 8: excludes the pin: MWAA306's, the general advice here
        "xgboost>=2.0",  # 9: in no constraint
        "boto3 ; platform_machine == 'aarch64'",  # 10: cannot tell if it is installed
    ]))
    assert _messages(cli, "MWAA301", tmp_path) == [
        ("main.tf", 5, "`pandas` is not pinned: no version specifier; pin pandas==2.1.4, the version MWAA installs "
                       f"for Airflow 2.10.3 ({NAMES_NONE})"),
        ("main.tf", 6, "`numpy>=1.20` is not pinned: range '>=1.20' is not an exact pin; pin numpy==1.26.4, the "
                       f"version MWAA installs for Airflow 2.10.3 ({NAMES_NONE})"),
        ("main.tf", 7, "`celery[sqs]` is not pinned: no version specifier; pin celery==5.4.0, the version MWAA "
                       f"installs for Airflow 2.10.3 ({ESSENTIAL})"),
        ("main.tf", 8, f"`requests>=3` is not pinned: range '>=3' is not an exact pin; {UNPINNED}"),
        ("main.tf", 9, f"`xgboost>=2.0` is not pinned: range '>=2.0' is not an exact pin; {UNPINNED}"),
        ("main.tf", 10, f"`boto3 ; platform_machine == 'aarch64'` is not pinned: no version specifier; {UNPINNED}"),
    ]


def test_mwaa301_keeps_its_advice_without_data(cli, tmp_path):
    _env(tmp_path, "2.8.1", "pandas")
    assert _messages(cli, "MWAA301", tmp_path) == [
        ("main.tf", 5, f"`pandas` is not pinned: no version specifier; {UNPINNED}")]


@pytest.mark.parametrize("version, url_python, expected", [
    ("2.11.2", "3.11", "Python 3.11 but MWAA runs Airflow 2.11.2 on Python 3.12"),
    ("3.3.1", "3.11", "Python 3.11 but MWAA runs Airflow 3.3.1 on Python 3.12"),
    ("2.9.2", "3.12", "Python 3.12 but MWAA runs Airflow 2.9.2 on Python 3.11"),
    ("2.10.1", "3.11", None),
    ("2.11.0", "3.12", None),
])
def test_mwaa303_takes_the_python_of_the_image(cli, tmp_path, version, url_python, expected):
    url = f"https://raw.githubusercontent.com/apache/airflow/constraints-{version}/constraints-{url_python}.txt"
    _env(tmp_path, version, f'--constraint "{url}"\nboto3==1.35.36')
    found = _messages(cli, "MWAA303", tmp_path)
    if expected is None:
        assert found == []
    else:
        right = f"https://raw.githubusercontent.com/apache/airflow/constraints-{version}/constraints-3.1"
        assert [(line, message.split("; expected")[0]) for _, line, message in found] == [
            (5, f"--constraint names {expected}")]
        assert right in found[0][2]


def test_the_rule_api_answers_which_version_mwaa_installs_and_why(tmp_path):
    """`env.mwaa_constraints()`, as a rule (or a fix) asks it."""
    from mwaa_lint.api import Context, Rule, Severity
    from mwaa_lint.engine import RunOptions, run

    answers: dict = {}

    class Ask(Rule):
        """Records what the API says.

        ## What it does
        Nothing a user sees.
        """

        id, slug, severity = "MWAA999", "ask", Severity.INFO

        def check(self, context: Context):
            for env in context.environments():
                constraints = env.mwaa_constraints()
                answers[env.get("name")] = constraints and (
                    constraints.airflow_version, constraints.python, constraints.airflow_constraints_apply,
                    [(p.name, p.version, p.source, p.why) if p else None
                     for p in map(constraints.pin, ["pandas", "celery", "apache-airflow", "xgboost"])])
            return iter(())

    _env(tmp_path, "2.11.0", "# --constraint turned off on purpose\npandas")
    (tmp_path / "more.tf").write_text(
        'resource "aws_mwaa_environment" "old" {\n  name            = "old"\n  airflow_version = "2.8.1"\n}\n'
        'resource "aws_mwaa_environment" "bare" {\n  name            = "bare"\n  airflow_version = "3.0.6"\n}\n'
        'resource "aws_s3_object" "fresh" {\n  bucket  = "b"\n  key     = "fresh/requirements.txt"\n'
        '  content = "pandas\\n"\n}\n'
        'resource "aws_mwaa_environment" "fresh" {\n  name                 = "fresh"\n  airflow_version      = "2.9.2"\n'
        '  requirements_s3_path = aws_s3_object.fresh.key\n}\n')
    result = run([str(tmp_path)], [Ask], RunOptions(environ={}), root=tmp_path)
    assert result.diagnostics == []
    assert answers == {
        "team": ("2.11.0", "3.12.10", False, [
            None, ("celery", "5.5.2", "essential", ESSENTIAL), ("apache-airflow", "2.11.0", "essential", ESSENTIAL),
            None]),
        "old": None,
        # no requirements file: MWAA's test has nothing to read, so only the essential pins are known
        "bare": ("3.0.6", "3.12.10", False, [
            None, ("celery", "5.5.2", "essential", ESSENTIAL), ("apache-airflow", "3.0.6", "essential", ESSENTIAL),
            None]),
        "fresh": ("2.9.2", "3.11.9", True, [
            ("pandas", "2.1.4", "airflow", NAMES_NONE), ("celery", "5.4.0", "essential", ESSENTIAL),
            ("apache-airflow", "2.9.2", "essential", ESSENTIAL), None]),
    }
