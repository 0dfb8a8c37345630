"""A root that matters only because it calls a local module that is missing is reported from its
text, without parsing it or the modules it calls (mwaa_lint/missing_sources.py): the same
diagnostic, at the same place, with the same exit code as when it is evaluated (`--scan-all`
evaluates every directory, so it is the reference here). Whatever the text does not say plainly
(a call with count or for_each, a source only in a comment, a missing module further down, an
override file, a source outside the project) is left to the evaluator, and gives what it gives."""
import shutil

import pytest
from conftest import FIXTURES

PLATFORM = FIXTURES / "cache_deterministic" / "platform"
PROD = "platform/live/prod/main.tf"
MISSING = "module source platform/live/prod/../../../account-map/modules/iam-roles is not a directory"


@pytest.fixture
def tree(tmp_path):
    """The platform part of a sparse checkout: live/prod calls ../../modules/network (there) and
    ../../../account-map/modules/iam-roles (not checked out); no MWAA anywhere."""
    root = tmp_path / "repo"
    shutil.copytree(PLATFORM, root / "platform")
    return root


def run(cli, tree, *args):
    """(exit code, diagnostics, findings, files parsed) of a run without caches."""
    result = cli(".", "--format", "json", "--no-cache", *args, cwd=tree)
    report = result.json()
    diagnostics = [(d["path"], d["line"], d["column"], d["kind"], d["message"]) for d in report["diagnostics"]]
    findings = sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in report["findings"])
    return result.exit_code, diagnostics, findings, report["stats"]["files_parsed"], report["summary"]


def same_as_evaluated(cli, tree) -> tuple:
    """The report of a run, checked against --scan-all's (diagnostics, findings, exit code and
    summary alike); returns (its diagnostics, its files parsed)."""
    code, diagnostics, findings, parsed, summary = run(cli, tree)
    reference = run(cli, tree, "--scan-all")
    assert (code, diagnostics, findings, summary) == (reference[0], reference[1], reference[2], reference[4])
    return diagnostics, parsed


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_missing_module_is_reported_without_parsing(cli, tree):
    diagnostics, parsed = same_as_evaluated(cli, tree)
    assert diagnostics == [(PROD, 24, 3, "read-error", MISSING)]
    assert parsed == 0  # live/prod's two files and network's three: read, not parsed
    assert run(cli, tree, "--scan-all")[3] == 5


def test_the_fixture_of_the_module_errors_is_reported_the_same(cli):
    code, diagnostics, findings, parsed, summary = run(cli, FIXTURES / "module_errors" / "missing_source")
    assert (code, findings, parsed, summary["incomplete"]) == (2, [], 0, True)
    assert diagnostics == [("main.tf", 2, 3, "read-error", "module source modules/mwaa is not a directory")]


def test_two_missing_modules_in_two_files_in_the_evaluators_order(cli, tree):
    (tree / "platform" / "live" / "prod" / "dns.tf").write_text(
        'module "zones" {\n  source = "../../../dns/modules/zones"\n\n  domain = "prod.acme.example"\n}\n')
    diagnostics, parsed = same_as_evaluated(cli, tree)
    assert [d[:3] for d in diagnostics] == [("platform/live/prod/dns.tf", 2, 3), (PROD, 24, 3)]
    assert parsed == 0


@pytest.mark.parametrize("expansion", ["count = 0", "count = var.enabled ? 1 : 0", "for_each = toset([])"])
def test_a_call_that_creates_nothing_is_left_to_the_evaluator(cli, tree, expansion):
    main = tree / "platform" / "live" / "prod" / "main.tf"
    edit(main, '  source = "../../../account-map/modules/iam-roles"\n',
         f'  source = "../../../account-map/modules/iam-roles"\n  {expansion}\n')
    edit(main, "Role = module.iam_roles.terraform_role_arn", 'Role = "terraform"')
    (tree / "platform" / "live" / "prod" / "flags.tf").write_text('variable "enabled" {\n  type    = bool\n  default = false\n}\n')
    diagnostics, parsed = same_as_evaluated(cli, tree)
    assert diagnostics == [] and parsed > 0


def test_a_call_that_creates_one_instance_is_reported_by_the_evaluator(cli, tree):
    main = tree / "platform" / "live" / "prod" / "main.tf"
    edit(main, '  source = "../../../account-map/modules/iam-roles"\n',
         '  source = "../../../account-map/modules/iam-roles"\n  count  = 1\n')
    edit(main, "module.iam_roles.terraform_role_arn", "module.iam_roles[0].terraform_role_arn")
    diagnostics, parsed = same_as_evaluated(cli, tree)
    assert diagnostics == [(PROD, 24, 3, "read-error", MISSING)] and parsed > 0


def test_a_source_only_in_a_comment_or_a_heredoc_is_no_call(cli, tree):
    main = tree / "platform" / "live" / "prod" / "main.tf"
    text = main.read_text()
    block = text[text.index('module "iam_roles"'):text.index('resource "aws_security_group"')]
    edit(main, block, "/*\n" + block + "*/\n")
    edit(main, "Role = module.iam_roles.terraform_role_arn", 'Role = "terraform"')
    (tree / "platform" / "live" / "prod" / "notes.tf").write_text(
        'locals {\n  how_to = <<-EOT\n    module "zones" {\n      source = "../../../dns/modules/zones"\n    }\n  EOT\n}\n')
    diagnostics, _ = same_as_evaluated(cli, tree)
    assert diagnostics == []


def test_a_missing_module_further_down_is_reported_where_the_evaluator_reports_it(cli, tree):
    network = tree / "platform" / "modules" / "network"
    (network / "flow_logs.tf").write_text('module "flow_logs" {\n  source = "../../../logging/modules/flow-logs"\n\n'
                                          "  vpc_id = aws_vpc.this.id\n}\n")
    diagnostics, parsed = same_as_evaluated(cli, tree)
    assert diagnostics == [
        ("platform/modules/network/flow_logs.tf", 2, 3, "read-error",
         "module source platform/live/prod/../../modules/network/../../../logging/modules/flow-logs is not a directory"),
        (PROD, 24, 3, "read-error", MISSING),
    ]
    assert parsed > 0


def test_an_override_file_is_left_to_the_evaluator(cli, tree):
    (tree / "platform" / "live" / "prod" / "main_override.tf").write_text(
        'module "iam_roles" {\n  source = "../../modules/network"\n}\n')
    diagnostics, _ = same_as_evaluated(cli, tree)
    assert diagnostics == []  # the override points the call at a module that is there


def test_a_module_outside_the_project_is_left_to_the_evaluator(cli, tree):
    (tree / ".git").mkdir()  # the project root: the repository
    main = tree / "platform" / "live" / "prod" / "main.tf"
    edit(main, "../../../account-map/modules/iam-roles", "../../../../account-map/modules/iam-roles")
    diagnostics, _ = same_as_evaluated(cli, tree)
    assert [d[:4] for d in diagnostics] == [(PROD, 24, 3, "read-error")]
    assert "outside the project root" in diagnostics[0][4]


def test_a_stored_answer_holds_until_a_module_it_reached_changes(cli, tree, tmp_path):
    cache = tmp_path / "cache"

    def lint():
        report = cli(".", "--format", "json", "--cache-dir", cache, cwd=tree).json()
        return report["diagnostics"], report["stats"]

    cold, stats = lint()
    assert stats["files_parsed"] == 0
    warm, stats = lint()
    assert (warm, stats["roots_reused"], stats["files_parsed"]) == (cold, 1, 0)
    # the network module now declares an environment: live/prod is evaluated (its environment is
    # still not judged, as its tree is incomplete), and network is no root of its own
    (tree / "platform" / "modules" / "network" / "airflow.tf").write_text(
        'resource "aws_mwaa_environment" "this" {\n  name        = var.name\n  max_workers = 40\n}\n')
    changed, stats = lint()
    assert (changed, stats["roots_reused"]) == (cold, 0)
    assert stats["files_parsed"] > 0
    assert same_as_evaluated(cli, tree)[0] == [(PROD, 24, 3, "read-error", MISSING)]
