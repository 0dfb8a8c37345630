"""Loading less at start-up changes no output: every output a user sees is the same whether the
built-in rules come from rules/catalog.json (stand-ins) or are imported; the lazy rule API exports
what it exported before; a fresh process evaluates policy documents before anything imported the
AWS helpers; pruning the indexes stays linear in what a planted cache names. (From a second read
of issue 20's work.)"""
import json
import shutil

import mwaa_lint_rules
import pytest
from conftest import FIXTURES

from mwaa_lint import api
from mwaa_lint.registry import load_rules
from mwaa_lint.rule_catalog import StandIn

CASE = FIXTURES / "suppress" / "team_exceptions"


@pytest.fixture(params=["catalog", "imported"])
def mode(request, monkeypatch):
    if request.param == "imported":  # as a development install whose catalog is stale
        monkeypatch.setattr(mwaa_lint_rules, "stand_ins", lambda directory, package: None)
    assert any(issubclass(rule, StandIn) for rule in load_rules()) == (request.param == "catalog")
    return request.param


def _outputs(cli, tmp_path):
    tree = tmp_path / "infra"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(CASE, tree)
    (tree / ".mwaa-lint.yaml").write_text(
        "select: [ALL]\nignore: [MWAA7]\nper-path-ignores:\n  'legacy.tf': [MWAA102, wildcard-action]\n"
        "rule-options:\n  MWAA501:\n    ceiling: 12\n  MWAA202:\n    min_scoped_share: 0.25\n", encoding="utf-8")
    runs = {
        "rules": cli("rules"),
        "rules --markdown": cli("rules", "--markdown"),
        **{f"rule {key}": cli("rule", key) for key in ("MWAA001", "MWAA202", "cost-ceiling-exceeded", "MWAA501")},
        "show-config": cli("check", "infra", "--show-config", cwd=tmp_path),
        "bad option": cli("check", "infra", "--no-cache", "--rule-option", "MWAA501.ceiling=many", cwd=tmp_path),
        "unknown option": cli("check", "infra", "--no-cache", "--rule-option", "MWAA501.nope=1", cwd=tmp_path),
    }
    for fmt in ("text", "json", "sarif", "junit", "gitlab", "github"):
        runs[fmt] = cli("check", "infra", "--no-cache", "-f", fmt, "--statistics", cwd=tmp_path)
    runs["baseline"] = cli("check", "infra", "--no-cache", "--write-baseline", tmp_path / "baseline.json", cwd=tmp_path)
    runs["baseline file"] = (tmp_path / "baseline.json").read_text(encoding="utf-8")
    runs["with baseline"] = cli("check", "infra", "--no-cache", "--baseline", tmp_path / "baseline.json", cwd=tmp_path)
    return {name: run if isinstance(run, str) else (run.exit_code, run.stdout, run.stderr) for name, run in runs.items()}


def test_every_output_is_the_same_from_the_catalog_and_from_the_rules(cli, tmp_path, monkeypatch):
    seen = {}
    for mode in ("catalog", "imported"):
        with monkeypatch.context() as patch:
            if mode == "imported":
                patch.setattr(mwaa_lint_rules, "stand_ins", lambda directory, package: None)
            assert any(issubclass(rule, StandIn) for rule in load_rules()) == (mode == "catalog")
            seen[mode] = _outputs(cli, tmp_path)  # the same paths both times
    catalog, imported = seen["catalog"], seen["imported"]
    sarif = json.loads(catalog["sarif"][1])
    assert sarif["runs"][0]["tool"]["driver"]["rules"]  # the rules' metadata is in it
    assert catalog["bad option"][0] == 2 and "MWAA501.ceiling: expected" in catalog["bad option"][2]
    assert "MWAA001" in catalog["json"][1] and "MWAA002" in catalog["json"][1]  # both suppression rules ran
    for name in catalog:
        assert catalog[name] == imported[name], name


def test_the_rule_api_exports_every_name_it_did(mode):
    namespace: dict = {}
    exec("from mwaa_lint.api import *", namespace)  # noqa: S102 - the star import a rule pack may write
    assert set(api.__all__) <= set(namespace)
    assert set(api.__all__) <= set(dir(api))
    for name in api.__all__:
        assert getattr(api, name) is namespace[name], name


# A pack that hands the built-in rules back with its own (as the registry allows: a rule id given
# twice is an error only when it names two different classes).
REEXPORTING_PACK = '''
from mwaa_lint_rules import all_rules
from mwaa_lint_rules.public_webserver import PublicWebserver


def with_the_built_ins():
    return all_rules()


def one_built_in():
    return [PublicWebserver]
'''


def _pack(tmp_path, monkeypatch, value):
    import sys

    site = tmp_path / "site"
    site.mkdir()
    (site / "reexporting_rules.py").write_text(REEXPORTING_PACK, encoding="utf-8")
    info = site / "reexporting_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: reexporting_rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[mwaa_lint.rules]\nreexport = {value}\n")
    monkeypatch.delenv("MWAA_LINT_NO_RULE_PACKS", raising=False)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "reexporting_rules", raising=False)


@pytest.mark.parametrize("value", ["reexporting_rules:with_the_built_ins", "reexporting_rules:one_built_in"])
def test_a_pack_that_hands_back_built_in_rules_still_loads(tmp_path, monkeypatch, value, mode, request):
    # 34cf384: every built-in rule loaded once, the pack's copies being the same classes.
    # With the catalog, all_rules() makes new stand-ins at each call, and a pack importing a rule
    # class gets the class, not the stand-in: "rule id MWAA… is defined twice" (RegistryError).
    _pack(tmp_path, monkeypatch, value)
    rules = load_rules()
    assert [rule.id for rule in rules] == sorted({rule.id for rule in rules})
    assert "MWAA102" in {rule.id for rule in rules}


# A policy document passed into a module whose own module call's `count` reads it: that count is
# evaluated while the root is prepared, which caches var.policy.
POLICY_ROOT = {
    "main.tf": '''data "aws_iam_policy_document" "mwaa" {
  statement {
    actions   = ["logs:*"]
    resources = ["*"]
  }
}

module "env" {
  source = "./env"
  policy = data.aws_iam_policy_document.mwaa.json
}
''',
    "env/main.tf": '''variable "policy" {
  type = string
}

resource "aws_iam_role" "mwaa" {
  name               = "mwaa-exec"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "mwaa" {
  role   = aws_iam_role.mwaa.id
  policy = var.policy
}

module "alarms" {
  source = "./alarms"
  count  = var.policy != "" ? 1 : 0
}

resource "aws_mwaa_environment" "this" {
  name               = "analytics"
  execution_role_arn = aws_iam_role.mwaa.arn
}
''',
    "env/alarms/main.tf": 'resource "aws_cloudwatch_metric_alarm" "errors" {\n  alarm_name = "mwaa-errors"\n}\n',
}


def test_a_fresh_process_computes_policy_documents_while_preparing_a_root(tmp_path):
    # mwaa_lint.aws registers what `data "aws_iam_policy_document"` computes (evaluate.COMPUTED).
    # 34cf384 imported it with the engine (engine → check → api → aws); now only check.py's import
    # does, after every root is prepared: a value evaluated while preparing (a module call's
    # count) caches var.policy as unknown, and MWAA201 misses the wildcard, in a fresh process
    # (the CLI; in this test process mwaa_lint.aws is long imported, so run a new one).
    import os
    import subprocess
    import sys

    for name, text in POLICY_ROOT.items():
        (tmp_path / "infra" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "infra" / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "MWAA_LINT_NO_RULE_PACKS": "1", "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "mwaa_lint", "check", "infra", "--no-cache", "--select", "MWAA201",
                           "-f", "concise"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[0] == (
        "infra/main.tf:3:18: MWAA201 [error] execution role module.env.aws_iam_role.mwaa allows `logs:*` (every "
        "action of the logs service) in module.env.aws_iam_role_policy.mwaa; expected specific actions"), done.stdout
    assert done.returncode == 1


class _Counted(set):
    """The gone directories, counting each look; and a path counting the prefixes it is compared with."""
    looks = 0

    def __contains__(self, item):
        _Counted.looks += 1
        return super().__contains__(item)


class _Path(str):
    def startswith(self, prefix, *args):  # type: ignore[override]
        _Counted.looks += len(prefix) if isinstance(prefix, tuple) else 1
        return super().startswith(prefix, *args)


def test_pruning_looks_at_a_paths_ancestors_not_at_every_gone_directory():
    # A restored cache is the pull request's: its listings entry for the project root may name
    # a million subdirectories that do not exist (all "gone"), and its indexes a million paths;
    # pruning them must stay linear, not a million times a million prefix comparisons.
    from mwaa_lint.listing import Listings

    listings = Listings(None)
    listings.gone_directories = _Counted(f"/work/project/planted{i}" for i in range(10_000))
    listings.gone_files = {"/work/project/old.tf"}
    gone = listings.gone()
    path = _Path("/work/project/modules/network/main.tf")
    _Counted.looks = 0
    assert not gone(path)
    assert _Counted.looks <= path.count("/")  # one look per ancestor
    assert [gone(p) for p in ("/work/project/planted7", "/work/project/planted7/x/main.tf", "/work/project/planted70x",
                              "/work/project/old.tf", "/work/project/new.tf", "/work/project")] == [
        True, True, False, True, False, False]
