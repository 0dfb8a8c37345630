"""A local module source as Terraform takes it (addrs.parseModuleSourceLocal): one starting with
`./`, `../`, `.\\` or `..\\` is local on every platform, its backslashes made slashes, and it is
cleaned as text before it is joined to the caller's directory, so `../link/../mod` is `../mod`
wherever `link` leads; and a literal in parentheses, or a template of one string, is that
literal. Terraform 1.11.4 (`terraform init -backend=false`) records each call of
tests/fixtures/modules/local_source_forms as `"Source":"../mod","Dir":"../mod"`, and
`terraform validate` passes.

Before, mwaa-lint took `..\\mod` for a remote module not installed, and followed `link` before
its `..`, reaching far/mod; and the textual pass did not see the two wrapped forms, so their
callers were skipped as holding nothing. Either way mod/ was checked alone, and the caller's
max_workers, over the service maximum, went unreported (the first two found by a second read of
the issue-20 work)."""
import os
import shutil

import pytest
from conftest import FIXTURES

CASE = FIXTURES / "modules" / "local_source_forms"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(CASE, root)
    (root / ".git").mkdir()  # the project root
    os.symlink("far/away", root / "link")  # inside the project: nothing here is refused
    return root


def _max_workers(cli, tree, *paths) -> list:
    report = cli(*paths, "--format", "json", "--no-cache", cwd=tree).json()
    assert report["diagnostics"] == [] and report["notices"] == []
    return [(f["path"], f["line"], f["message"]) for f in report["findings"] if f["rule_id"] == "MWAA501"]


PAREN = ("paren/main.tf", 5, "max_workers is 40 (passed to module.orders for module.orders.aws_mwaa_environment.this); "
                             "expected max_workers <= 25")
TEMPLATE = ("template/main.tf", 5, "max_workers is 30 (passed to module.orders for module.orders.aws_mwaa_environment.this); "
                                   "expected max_workers <= 25")
WINDOWS = ("windows/main.tf", 5, "max_workers is 40 (passed to module.airflow for module.airflow.aws_mwaa_environment.this); "
                                 "expected max_workers <= 25")
LINKED = ("linked/main.tf", 6, "max_workers is 30 (passed to module.airflow for module.airflow.aws_mwaa_environment.this); "
                               "expected max_workers <= 25")


def test_every_call_reaches_the_module_terraform_installs(cli, tree):
    assert _max_workers(cli, tree, ".") == [LINKED, PAREN, TEMPLATE, WINDOWS]


@pytest.mark.parametrize("expected", [WINDOWS, LINKED, PAREN, TEMPLATE], ids=lambda finding: finding[0])
def test_naming_only_the_caller_checks_the_module_it_calls(cli, tree, expected):
    """File mode (pre-commit): the textual pass reads the source as the evaluator does."""
    assert _max_workers(cli, tree, expected[0]) == [expected]
