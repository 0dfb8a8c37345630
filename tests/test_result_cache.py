"""The result cache: a warm run with the same settings answers every root without loading or
evaluating anything, and gives exactly the cold run's report; any change to what a root's check
looked at — a file of a called module, a file() it read, its requirements, a new file in a
module directory, its variables, the settings — makes that root be checked again."""
import shutil

import pytest
from conftest import FIXTURES

from mwaa_lint import observations
from mwaa_lint.engine import RunOptions
from mwaa_lint.project import Project, confined_to
from mwaa_lint.result_cache import ResultStore
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.rule_catalog import real

LAYOUTS = FIXTURES / "layouts"


@pytest.fixture
def tree(tmp_path):
    def copy(name):
        target = tmp_path / name
        shutil.copytree(LAYOUTS / name, target)
        return target
    return copy


def check(cli, tree, cache, *args, env=None):
    data = cli(".", "--format", "json", "--cache-dir", cache, *args, cwd=tree, env=env).json()
    found = [(f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]]
    return found, data["diagnostics"], data["stats"]


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_warm_run_reads_and_evaluates_nothing_and_reports_the_same(cli, tree, tmp_path):
    root = tree("requirements_via_module")
    cold = check(cli, root, tmp_path / "cache")
    warm = check(cli, root, tmp_path / "cache")
    assert warm[:2] == cold[:2] and cold[0]
    assert cold[2]["roots_reused"] == 0 and cold[2]["files_parsed"] > 0
    assert warm[2]["roots_reused"] == 1
    assert warm[2]["files_parsed"] == 0 and warm[2]["files_from_cache"] == 0  # no model was even loaded


def test_a_file_read_by_file_in_a_called_module(cli, tree, tmp_path):
    root = tree("policy_from_file")
    before, _, _ = check(cli, root, tmp_path / "cache")
    assert [(rule, path, line) for rule, path, line, _ in before if rule == "MWAA201"] == [
        ("MWAA201", "modules/mwaa/policies/execution.json", 28)]
    edit(root / "modules/mwaa/policies/execution.json", '"logs:*"', '"logs:CreateLogStream"')
    after, _, stats = check(cli, root, tmp_path / "cache")
    assert stats["roots_reused"] == 0
    assert [f for f in after if f[0] == "MWAA201"] == []
    # logs:* narrowed to one action: the role now lacks the others MWAA uses (MWAA805, new)
    assert [(rule, path, line) for rule, path, line, _ in after if rule == "MWAA805"] == [
        ("MWAA805", "modules/mwaa/iam.tf", 3)]
    assert [f for f in after if f[0] != "MWAA805"] == [f for f in before if f[0] != "MWAA201"]


def test_a_requirements_file(cli, tree, tmp_path):
    root = tree("requirements_via_module")
    before, _, _ = check(cli, root, tmp_path / "cache")
    edit(root / "modules/mwaa/requirements.txt", "\nsnowflake-connector-python\n", "\nsnowflake-connector-python==3.12.3\n")
    after, _, stats = check(cli, root, tmp_path / "cache")
    assert stats["roots_reused"] == 0
    assert [(r, p, line) for r, p, line, _ in before if r == "MWAA301"] == [
        ("MWAA301", "modules/mwaa/requirements.txt", 6), ("MWAA301", "modules/mwaa/requirements.txt", 8),
        ("MWAA301", "modules/mwaa/requirements.txt", 9)]
    assert [(r, p, line) for r, p, line, _ in after if r == "MWAA301"] == [
        ("MWAA301", "modules/mwaa/requirements.txt", 6), ("MWAA301", "modules/mwaa/requirements.txt", 9)]


def test_a_new_file_in_a_called_module_directory(cli, tree, tmp_path):
    root = tree("policy_from_file")
    before, _, _ = check(cli, root, tmp_path / "cache")
    (root / "modules/mwaa/extra_policy.tf").write_text(
        'resource "aws_iam_role_policy" "metrics" {\n'
        '  name   = "metrics"\n'
        '  role   = aws_iam_role.execution.id\n'
        '  policy = jsonencode({\n'
        '    Version   = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Action = ["cloudwatch:*"], Resource = "*" }]\n'
        '  })\n'
        '}\n')
    after, _, stats = check(cli, root, tmp_path / "cache")
    assert stats["roots_reused"] == 0
    added = [(r, p, line) for r, p, line, _ in after if (r, p, line, _) not in before]
    assert ("MWAA201", "modules/mwaa/extra_policy.tf", 6) in added


def test_a_variables_file_and_the_environment(cli, tree, tmp_path):
    root = tree("tfvars_override")
    cache = tmp_path / "cache"
    before, _, _ = check(cli, root, cache)
    assert ("MWAA501", "main.tf", 17) in [(r, p, line) for r, p, line, _ in before]
    edit(root / "terraform.tfvars", "max_workers = 50", "max_workers = 5")
    after, _, stats = check(cli, root, cache)
    assert stats["roots_reused"] == 0
    assert ("MWAA501", "main.tf", 17) not in [(r, p, line) for r, p, line, _ in after]
    # TF_VAR_ variables are inputs too
    with_env, _, stats = check(cli, root, cache, env={"TF_VAR_worker_logs_enabled": "true"})
    assert stats["roots_reused"] == 0 and with_env != after
    again, _, stats = check(cli, root, cache, env={"TF_VAR_worker_logs_enabled": "true"})
    assert stats["roots_reused"] == 1 and again == with_env


def test_a_var_file_given_on_the_command_line(cli, tree, tmp_path):
    root = tree("tfvars_override")
    cache = tmp_path / "cache"
    plain, _, _ = check(cli, root, cache)
    staged, _, stats = check(cli, root, cache, "--var-file", "staging.tfvars")
    assert stats["roots_reused"] == 0 and staged != plain
    edit(root / "staging.tfvars", "max_workers", "min_workers")
    edited, _, stats = check(cli, root, cache, "--var-file", "staging.tfvars")
    assert stats["roots_reused"] == 0 and edited != staged


def test_other_settings_are_other_results(cli, tree, tmp_path):
    root = tree("tfvars_override")
    cache = tmp_path / "cache"
    everything, _, _ = check(cli, root, cache)
    only, _, stats = check(cli, root, cache, "--select", "MWAA501")
    assert stats["roots_reused"] == 0 and only == [f for f in everything if f[0] == "MWAA501"]
    _, _, stats = check(cli, root, cache, "--select", "MWAA501")
    assert stats["roots_reused"] == 1
    _, _, stats = check(cli, root, cache, "--select", "MWAA501", "--rule-option", "MWAA501.ceiling=10")
    assert stats["roots_reused"] == 0


def test_suppressions_still_apply_to_a_reused_result(cli, tree, tmp_path):
    root = tree("policy_from_file")
    edit(root / "modules/mwaa/main.tf", "resource \"aws_mwaa_environment\"",
         "# mwaa-lint: ignore[MWAA402] web server and worker logs go to Datadog\nresource \"aws_mwaa_environment\"")
    cold, _, _ = check(cli, root, tmp_path / "cache")
    warm, _, stats = check(cli, root, tmp_path / "cache")
    assert stats["roots_reused"] == 1
    assert warm == cold and [f for f in warm if f[0] == "MWAA402"] == []


def test_a_third_party_rule_keeps_no_results(tmp_path):
    class TeamTags(Rule):
        id, slug, severity = "ACME001", "team-tags", Severity.WARNING

    TeamTags.__module__ = "acme_rules"
    assert ResultStore(tmp_path, [TeamTags], RunOptions()).directory is None
    assert ResultStore(tmp_path, [], RunOptions()).directory == tmp_path / "results"


def test_a_third_party_rule_that_reads_only_the_model_keeps_results_when_its_files_are_found(tmp_path):
    class TeamTags(Rule):
        id, slug, severity = "ACME001", "team-tags", Severity.WARNING
        reads_only_the_model = True

    TeamTags.__module__ = "json.team_tags"  # a package whose files can be stamped
    assert ResultStore(tmp_path, [TeamTags], RunOptions()).directory == tmp_path / "results"
    TeamTags.__module__ = "no_such_pack.team_tags"  # nothing to stamp: nothing kept
    assert ResultStore(tmp_path, [TeamTags], RunOptions()).directory is None


@pytest.mark.parametrize("kind", ["read", "file", "directory", "listing", "real"])
def test_every_kind_of_observation_sees_a_change(tmp_path, kind):
    target = tmp_path / "thing"
    if kind in ("directory", "listing"):
        target.mkdir()
    elif kind == "real":
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        target.symlink_to(tmp_path / "a")
    elif kind == "read":
        target.write_text("max_workers = 10\n")
    records = []
    project = Project(str(tmp_path.resolve()), "test")  # reads go through the project's gate
    with confined_to(project), observations.recording(records):
        observations.note(kind, target)
    with confined_to(project):
        assert observations.unchanged(records)
    if kind == "read":
        target.write_text("max_workers = 11\n")
    elif kind == "file":
        target.write_text("now there is one")
    elif kind == "directory":
        target.rmdir()
    elif kind == "listing":
        (target / "new.tf").write_text("")
    else:
        target.unlink()
        target.symlink_to(tmp_path / "b")
    with confined_to(project):
        assert not observations.unchanged(records)


ENVIRONMENT = '''resource "aws_s3_bucket" "source" {
  bucket = "acme-airflow-prod-source"
}

resource "aws_s3_object" "requirements" {
  bucket = aws_s3_bucket.source.id
  key    = "requirements.txt"
  source = "../shared/requirements.txt"
}

resource "aws_mwaa_environment" "this" {
  name                 = "acme-prod"
  airflow_version      = "2.10.3"
  source_bucket_arn    = aws_s3_bucket.source.arn
  requirements_s3_path = aws_s3_object.requirements.key
}
'''


def test_a_path_with_dot_dot_through_a_symlinked_root(cli, tmp_path):
    # envs/prod is a link to stacks/prod: "../shared" from there is stacks/shared, as the system
    # resolves it, not envs/shared as the text of the path would say
    (tmp_path / "stacks/prod").mkdir(parents=True)
    (tmp_path / "stacks/shared").mkdir()
    (tmp_path / "stacks/prod/main.tf").write_text(ENVIRONMENT)
    (tmp_path / "stacks/shared/requirements.txt").write_text("requests>=2\n")
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs/prod").symlink_to("../stacks/prod")
    (tmp_path / ".git").mkdir()  # a repository: the project root, which holds both
    cache = tmp_path / "cache"
    before = cli("envs/prod", "--select", "MWAA301", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert [(f["rule_id"], f["path"], f["line"]) for f in before["findings"]] == [
        ("MWAA301", "stacks/shared/requirements.txt", 1)]
    again = cli("envs/prod", "--select", "MWAA301", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert again["stats"]["roots_reused"] == 1 and again["findings"] == before["findings"]
    (tmp_path / "stacks/shared/requirements.txt").write_text("requests==2.32.3\n")
    after = cli("envs/prod", "--select", "MWAA301", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert after["findings"] == [] and after["stats"]["roots_reused"] == 0


def test_a_module_file_that_is_a_link_to_a_file_made_later(cli, tmp_path):
    (tmp_path / "modules/mwaa").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('module "mwaa" {\n  source = "./modules/mwaa"\n}\n')
    (tmp_path / "modules/mwaa/main.tf").write_text('variable "name" {\n  default = "acme"\n}\n')
    (tmp_path / "modules/mwaa/generated.tf").symlink_to(tmp_path / "build/generated.tf")  # not built yet
    cache = tmp_path / "cache"
    before = cli(".", "--select", "MWAA304", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert before["findings"] == []
    (tmp_path / "build").mkdir()
    (tmp_path / "build/generated.tf").write_text('resource "aws_mwaa_environment" "this" {\n  name = "acme"\n}\n')
    after = cli(".", "--select", "MWAA304", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert [f["rule_id"] for f in after["findings"]] == ["MWAA304"] and after["stats"]["roots_reused"] == 0


def test_two_roots_sharing_a_module_one_of_them_edited(cli, tmp_path):
    (tmp_path / "modules/mwaa").mkdir(parents=True)
    (tmp_path / "modules/mwaa/main.tf").write_text('resource "aws_mwaa_environment" "this" {\n  name = "acme"\n}\n')
    for name in ("etl", "ml"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text('module "mwaa" {\n  source = "../modules/mwaa"\n}\n')
    cache = tmp_path / "cache"
    cold = cli("etl", "ml", "--select", "MWAA304", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    (tmp_path / "ml/main.tf").write_text((tmp_path / "ml/main.tf").read_text() + "# owned by the ML platform team\n")
    mixed = cli("etl", "ml", "--select", "MWAA304", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert mixed["stats"]["roots_reused"] == 1
    assert [(f["rule_id"], f["path"], f["line"]) for f in mixed["findings"]] == [
        (f["rule_id"], f["path"], f["line"]) for f in cold["findings"]] == [("MWAA304", "modules/mwaa/main.tf", 1)]


def test_a_rule_that_crashed_is_run_again_next_time(cli, tree, tmp_path, monkeypatch):
    from mwaa_lint.registry import load_rules

    root = tree("tfvars_override")
    rule_class = real(next(r for r in load_rules() if r.id == "MWAA501"))
    original = rule_class.check

    def out_of_memory(self, context):
        raise MemoryError()

    monkeypatch.setattr(rule_class, "check", out_of_memory)
    _, crashed, _ = check(cli, root, tmp_path / "cache", "--select", "MWAA501")
    assert [d["kind"] for d in crashed] == ["internal-error"]
    monkeypatch.setattr(rule_class, "check", original)
    found, diagnostics, stats = check(cli, root, tmp_path / "cache", "--select", "MWAA501")
    assert diagnostics == [] and [f[:3] for f in found] == [("MWAA501", "main.tf", 17)] and stats["roots_reused"] == 0


def test_a_wider_project_root_checks_again(cli, tmp_path):
    # The same upload outside the scanned directory: refused under the default root (no git,
    # no config: the scanned directory), read under a --project-root that holds it. A result
    # kept under the first root must not answer the second run.
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra/main.tf").write_text(ENVIRONMENT)  # uploads ../shared/requirements.txt
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/requirements.txt").write_text("requests>=2\n")
    cache = tmp_path / "cache"
    narrow = cli("infra", "--select", "MWAA301", "--format", "json", "--cache-dir", cache, cwd=tmp_path).json()
    assert [d["message"] for d in narrow["diagnostics"]] == [
        f"shared/requirements.txt is outside the project root {(tmp_path / 'infra').resolve()}; not read"]
    wide = cli("infra", "--select", "MWAA301", "--format", "json", "--cache-dir", cache, "--project-root", tmp_path,
               cwd=tmp_path).json()
    assert wide["diagnostics"] == []
    assert [(f["rule_id"], f["path"], f["line"]) for f in wide["findings"]] == [("MWAA301", "shared/requirements.txt", 1)]
