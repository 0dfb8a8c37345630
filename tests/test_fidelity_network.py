"""Issue 14, network part: routes on a VPC's main table, results independent of file order,
log groups that may come from modules mwaa-lint cannot read, fileset() uploads, modules no one
instantiates, placeholder defaults of reusable modules, and one finding per defect when a
module repository is scanned from its root. Fixtures: tests/fixtures/fidelity/network/."""
import re
import shutil

import pytest
from conftest import FIXTURES
from test_fixture_modules import expected_findings

HERE = FIXTURES / "fidelity" / "network"
CASES = sorted(p.parent for p in HERE.glob("**/expected.txt"))


def _findings(cli, directory, *args):
    data = cli(".", "--format", "json", *args, cwd=directory).json()
    assert data["diagnostics"] == []
    return data["findings"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: str(p.relative_to(HERE)))
def test_findings_are_exactly_the_expected_ones(cli, case):
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in _findings(cli, case))
    assert found == expected_findings(case)


def test_a_route_on_the_main_route_table_makes_implicitly_associated_subnets_public(cli):
    messages = [f["message"] for f in _findings(cli, HERE / "main_route_table", "--select", "MWAA101")]
    assert messages == [
        f'subnet aws_subnet.mwaa["{key}"] is public: its VPC\'s main route table aws_vpc.main.main_route_table_id '
        "routes 0.0.0.0/0 to internet gateway aws_internet_gateway.main (network.tf:18); expected a private "
        "subnet (MWAA needs two private subnets)"
        for key in ("a", "b")
    ]


def test_a_route_on_the_default_route_table_id_is_on_the_main_table(cli):
    messages = [f["message"] for f in _findings(cli, HERE / "default_route_table", "--select", "MWAA101")]
    assert messages == [
        f"subnet aws_subnet.mwaa[{index}] is public: its VPC's main route table aws_vpc.main.main_route_table_id "
        "routes ::/0 to internet gateway aws_internet_gateway.main (main.tf:20); expected a private subnet "
        "(MWAA needs two private subnets)"
        for index in (0, 1)
    ]


def _as_seen(findings):
    """The findings, with the `(file.tf:line)` a message names written as `(…)`: the reordered
    copy moves the route those messages point at."""
    return sorted((f["rule_id"], f["path"], f["line"], f["column"], re.sub(r"\(\S+\.tf:\d+\)", "(…)", f["message"]))
                  for f in findings)


def test_results_do_not_depend_on_file_names_or_order(cli, tmp_path):
    """The association with an unknown subnet_id is read first (a_…) or last (z_…), and the
    blocks of network.tf are in the opposite order: the findings are the same."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(HERE / "unknown_association", first)
    shutil.copytree(HERE / "unknown_association", second)
    (second / "a_shared_services.tf").rename(second / "z_shared_services.tf")
    blocks = (second / "network.tf").read_text().split("\n\n")
    (second / "network.tf").unlink()
    (second / "0_network.tf").write_text("\n\n".join(reversed(blocks)) + "\n")
    seen_first = _as_seen(_findings(cli, first))
    seen_second = _as_seen(_findings(cli, second))
    assert [f[:3] for f in seen_first] == [("MWAA101", "main.tf", 28), ("MWAA402", "main.tf", 31)]
    assert seen_first == seen_second


def test_a_module_repository_is_checked_through_its_examples_only(cli):
    found = [(f["rule_id"], f["path"], f["line"], f["address"], f["message"])
             for f in _findings(cli, HERE / "module_repo", "--select", "MWAA401,MWAA403")]
    webserver = ("WebServer logs are enabled but no aws_cloudwatch_log_group \"airflow-orders-{}-WebServer\" sets "
                 "retention_in_days, so MWAA creates it with no expiry; expected that log group with retention_in_days > 0")
    assert found == [
        ("MWAA403", "main.tf", 27, "module.mwaa.aws_mwaa_environment.this",
         'dag_processing_logs sends DAGProcessing logs at log_level "DEBUG", which multiplies the CloudWatch Logs '
         'volume billed; expected "INFO" or higher outside an investigation'),
        ("MWAA401", "main.tf", 37, "module.mwaa.aws_mwaa_environment.this", webserver.format("complete")),
        ("MWAA401", "main.tf", 37, "module.mwaa.aws_mwaa_environment.this", webserver.format("minimal")),
    ]


def test_files_named_in_a_called_module_are_reported_through_its_caller(cli):
    """pre-commit names the changed files: the module's main.tf and examples/complete/main.tf.
    The module is checked through the roots of the project that call it (both examples, the
    minimal one found by its `source = "../.."`), never alone, and its findings are reported."""
    data = cli("main.tf", "examples/complete/main.tf", "--format", "json", cwd=HERE / "module_repo").json()
    assert data["diagnostics"] == []
    assert sorted((f["rule_id"], f["path"], f["line"], f["address"]) for f in data["findings"]) == [
        ("MWAA401", "main.tf", 37, "module.mwaa.aws_mwaa_environment.this"),  # airflow-orders-complete-WebServer
        ("MWAA401", "main.tf", 37, "module.mwaa.aws_mwaa_environment.this"),  # airflow-orders-minimal-WebServer
        ("MWAA403", "main.tf", 27, "module.mwaa.aws_mwaa_environment.this"),
    ]


def test_a_module_named_alone_is_checked_through_the_examples_that_call_it(cli):
    """Its callers are found in the project (selection.py), so it is not checked with its defaults."""
    data = cli("main.tf", "--format", "json", "--select", "MWAA401", cwd=HERE / "module_repo").json()
    assert [(f["path"], f["line"], f["message"].split('"')[1]) for f in data["findings"]] == [
        ("main.tf", 37, "airflow-orders-complete-WebServer"), ("main.tf", 37, "airflow-orders-minimal-WebServer")]


def test_a_module_with_no_caller_in_the_project_is_checked_alone(cli, tmp_path):
    """With no caller in the project (a copy without its examples), the module is its own root."""
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        shutil.copy(HERE / "module_repo" / name, tmp_path / name)
    data = cli("main.tf", "--format", "json", "--select", "MWAA401", cwd=tmp_path).json()
    assert [(f["path"], f["line"], f["address"]) for f in data["findings"]] == [("main.tf", 37, "aws_mwaa_environment.this")]


def test_log_groups_an_unread_module_may_create_are_not_reported_missing(cli):
    found = [(f["line"], f["address"], f["message"]) for f in
             _findings(cli, HERE / "log_groups_from_modules", "--select", "MWAA401")]
    assert found == [(119, "aws_mwaa_environment.audit",
                      'Task logs are enabled but no aws_cloudwatch_log_group "airflow-audit-Task" sets retention_in_days, '
                      "so MWAA creates it with no expiry; expected that log group with retention_in_days > 0")]


def test_requirements_uploaded_by_a_fileset_for_each_are_checked(cli):
    found = [(f["rule_id"], f["path"], f["line"], f["address"], f["message"]) for f in
             _findings(cli, HERE / "fileset_uploads", "--select", "MWAA301")]
    assert found == [("MWAA301", "mwaa/requirements.txt", 3, "aws_mwaa_environment.orders",
                      "`pandas` is not pinned: no version specifier; pin pandas==2.1.4, the version MWAA installs for "
                      "Airflow 2.10.3 (Airflow's constraints, which requirements.txt names with --constraint)")]


def test_fileset_lists_what_terraform_lists(cli, tmp_path):
    """fileset()'s answers for the patterns Terraform 1.11.4's console was asked (see the values
    below: `echo 'jsonencode(fileset("mwaa", "**"))' | terraform console` in this tree)."""
    from mwaa_lint.functions import call_function
    from mwaa_lint.project import Project, confined_to

    for name in ("mwaa/requirements.txt", "mwaa/plugins.zip", "mwaa/.env", "mwaa/dags/a.py", "mwaa/dags/sub/b.py",
                 "mwaa/.hidden/x"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    terraform = {
        (str(tmp_path), "mwaa/*"): ["mwaa/.env", "mwaa/plugins.zip", "mwaa/requirements.txt"],
        (f"{tmp_path}/mwaa", "*"): [".env", "plugins.zip", "requirements.txt"],
        ("mwaa/", "**"): [".env", ".hidden/x", "dags/a.py", "dags/sub/b.py", "plugins.zip", "requirements.txt"],
        ("mwaa", "dags/**"): ["dags/a.py", "dags/sub/b.py"],
        ("mwaa", "**/*.py"): ["dags/a.py", "dags/sub/b.py"],
        ("mwaa", "{dags,x}/*"): ["dags/a.py"],
        ("mwaa", "./*"): [".env", "plugins.zip", "requirements.txt"],
        ("mwaa", "[a-r]*"): ["plugins.zip", "requirements.txt"],
        ("nope", "*"): [],
        ("mwaa", "dags"): [],
        ("mwaa", "*.{txt,zip}"): ["plugins.zip", "requirements.txt"],
    }
    with confined_to(Project(str(tmp_path), "test")):
        assert {case: call_function("fileset", list(case), tmp_path) for case in terraform} == terraform
        outside = call_function("fileset", [str(tmp_path.parent), "*"], tmp_path)
    assert type(outside).__name__ == "Unknown"


def test_a_placeholder_default_is_not_a_deployed_value(cli):
    found = [(f["rule_id"], f["path"], f["line"], f["message"]) for f in _findings(cli, HERE / "reusable_module")]
    assert found == [
        # "" is no version (the provider sends none): an optional argument left unset, judged as unset
        ("MWAA304", "variables.tf", 31, 'airflow_version is "", so a new environment gets the latest version MWAA '
         "offers (3.3.1 as of 2026-11-24); expected an explicit airflow_version"),
        ("MWAA102", "variables.tf", 55, "webserver_access_mode is PUBLIC_ONLY, so the Airflow UI is reachable from the "
         "internet; expected PRIVATE_ONLY (reach the web server through its VPC endpoint)"),
        ("MWAA501", "variables.tf", 61, "max_workers is 100 (var.max_workers, set by its default); expected max_workers <= 25"),
    ]


def test_an_optional_argument_left_empty_by_default_is_judged_as_unset(cli):
    found = [(f["rule_id"], f["path"], f["line"]) for f in _findings(cli, HERE / "reusable_module", "--select", "MWAA603")]
    assert found == [("MWAA603", "main.tf", 7)]


@pytest.mark.parametrize("subnets, expected", [
    # the caller omits subnet_ids: the module's [] is what it deploys
    ("", ("MWAA103", "modules/mwaa/main.tf", 17)),
    # the caller passes one subnet
    ('subnet_ids = ["subnet-0a1b2c3d4e5f60718"]', ("MWAA103", "main.tf", 8)),
])
def test_a_callers_value_is_judged_even_when_it_is_empty(cli, tmp_path, subnets, expected):
    shutil.copytree(HERE / "reusable_module", tmp_path / "modules" / "mwaa", ignore=shutil.ignore_patterns("expected.txt"))
    (tmp_path / "main.tf").write_text(
        'module "mwaa" {\n'
        '  source             = "./modules/mwaa"\n'
        '  name               = "claims"\n'
        '  execution_role_arn = "arn:aws:iam::123456789012:role/claims-mwaa"\n'
        '  source_bucket_arn  = "arn:aws:s3:::claims-dags"\n'
        '  security_group_ids = ["sg-0a1b2c3d4e5f60718"]\n'
        '  max_workers        = 10\n'
        f"  {subnets}\n"
        "}\n")
    found = [(f["rule_id"], f["path"], f["line"]) for f in _findings(cli, tmp_path, "--select", "MWAA103")]
    assert found == [expected]
