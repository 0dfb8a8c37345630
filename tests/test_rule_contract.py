"""The declared rule contract (mwaa_lint/rule.py): two kinds of rule, each with its hook — a
module rule's `check(context)`, a suppression rule's `check_suppressions(suppressions)` — run by
one guarded loop. A rule of either kind that raises, or yields anything but a Finding or a
Diagnostic, is one internal-error Diagnostic (exit 2), and the other rules still report."""
import pytest
from conftest import FIXTURES

from mwaa_lint import api
from mwaa_lint.registry import load_rules
from mwaa_lint.rule import HOOKS, Rule, Severity
from mwaa_lint.rule_catalog import real

CASE = FIXTURES / "suppress" / "team_exceptions"
RULES = "MWAA001,MWAA002,MWAA102,MWAA201,MWAA301,MWAA501"
VALID = 'resource "aws_mwaa_environment" "ok" {\n  name        = "ok"\n  max_workers = 40\n}\n'


def _rule(rule_id: str):
    return real(next(rule for rule in load_rules() if rule.id == rule_id))


def _run(cli, *args, cwd=CASE):
    run = cli(".", "--select", RULES, "--format", "json", *args, cwd=cwd)
    data = run.json()
    return run.exit_code, sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"]), data["diagnostics"]


def test_a_suppression_rule_that_raises_is_one_internal_error_at_the_suppression(cli, monkeypatch):
    _, clean, _ = _run(cli)

    def check_suppressions(self, suppressions):
        for s in suppressions:
            if s.selectors == ["MWAA1O2"]:
                raise ZeroDivisionError("bug in a suppression rule")
        yield from ()

    monkeypatch.setattr(_rule("MWAA001"), "check_suppressions", check_suppressions)
    exit_code, found, diagnostics = _run(cli)
    assert exit_code == 2
    (diagnostic,) = diagnostics
    assert diagnostic["kind"] == "internal-error"
    assert (diagnostic["path"], diagnostic["line"]) == ("main.tf", 63)  # the suppression it was checking
    assert diagnostic["message"] == ("internal error in rule MWAA001 while checking ignore[MWAA1O2]: "
                                     "ZeroDivisionError: bug in a suppression rule")
    # MWAA002 runs after it, and every module rule's finding is there
    assert found == [f for f in clean if f[0] != "MWAA001"]
    assert ("MWAA002", "legacy.tf", 19) in found


def test_a_suppression_rule_that_raises_before_any_suppression_names_only_the_rule(cli, monkeypatch):
    _, clean, _ = _run(cli)

    def check_suppressions(self, suppressions):
        raise RuntimeError("no suppressions for me")

    monkeypatch.setattr(_rule("MWAA002"), "check_suppressions", check_suppressions)
    exit_code, found, diagnostics = _run(cli)
    assert exit_code == 2
    assert [(d["kind"], d["message"]) for d in diagnostics] == [
        ("internal-error", "internal error in rule MWAA002: RuntimeError: no suppressions for me")]
    assert found == [f for f in clean if f[0] != "MWAA002"]


def test_a_rule_that_yields_neither_a_finding_nor_a_diagnostic_is_an_internal_error(cli, monkeypatch, tmp_path):
    rule_class = _rule("MWAA102")

    def check(self, context):
        for env in context.environments():
            yield self.finding(env.loc, "kept: yielded before the bad item", address=env.address)
            yield (env.loc, "a tuple is no finding")

    monkeypatch.setattr(rule_class, "check", check)
    (tmp_path / "main.tf").write_text(VALID)
    exit_code, found, diagnostics = _run(cli, cwd=tmp_path)
    assert exit_code == 2
    assert found == [("MWAA102", "main.tf", 1), ("MWAA501", "main.tf", 3)]
    (diagnostic,) = diagnostics
    assert diagnostic["kind"] == "internal-error" and (diagnostic["path"], diagnostic["line"]) == ("main.tf", 1)
    assert diagnostic["message"] == ("internal error in rule MWAA102 while checking aws_mwaa_environment.ok: "
                                     "TypeError: yielded tuple, not a Finding or a Diagnostic")


def test_the_base_class_declares_both_hooks_and_the_example_options():
    assert HOOKS == {"module": "check", "suppressions": "check_suppressions"}
    assert Rule.stage == "module" and Rule.example_options == {}
    for hook in HOOKS.values():
        with pytest.raises(NotImplementedError):
            getattr(Rule(), hook)(None)
    assert issubclass(api.Rule, Rule) and api.Rule.check_suppressions is Rule.check_suppressions
    for rule in map(real, load_rules()):  # every built-in rule implements the hook of its kind
        assert getattr(rule, HOOKS[rule.stage]) is not getattr(Rule, HOOKS[rule.stage]), rule.id


def _pack_rule(**attributes):
    body = {"id": "ACME001", "slug": "acme-rule", "severity": Severity.WARNING, "__doc__": _rule("MWAA102").__doc__,
            **attributes}
    return type("AcmeRule", (api.Rule,), body)


def test_a_rule_without_the_hook_of_its_kind_is_refused():
    assert _pack_rule(check=lambda self, context: iter(())).problems() == []
    assert _pack_rule(stage="suppressions", check_suppressions=lambda self, s: iter(())).problems() == []
    assert _pack_rule().problems() == ["a 'module' rule does not implement check()"]
    assert _pack_rule(stage="suppressions", check=lambda self, context: iter(())).problems() == [
        "a 'suppressions' rule does not implement check_suppressions()"]
    assert _pack_rule(stage="suppression", check=lambda self, context: iter(())).problems() == [
        "stage 'suppression' is not one of 'module', 'suppressions'"]


def test_a_finding_a_rule_yields_twice_at_the_same_place_is_reported_once(cli, monkeypatch, tmp_path):
    # (two environments installing one requirements file give the requirement rules the same
    # finding twice): the same place and message is one finding; another message is another
    rule_class = _rule("MWAA102")

    def check(self, context):
        for env in context.environments():
            yield self.finding(env.loc, "the same, twice", address=env.address)
            yield self.finding(env.loc, "the same, twice", address=env.address)
            yield self.finding(env.loc, "another message", address=env.address)

    monkeypatch.setattr(rule_class, "check", check)
    (tmp_path / "main.tf").write_text(VALID)
    run = cli(".", "--select", "MWAA102", "--format", "json", cwd=tmp_path)
    assert sorted((f["rule_id"], f["line"], f["message"]) for f in run.json()["findings"]) == [
        ("MWAA102", 1, "another message"), ("MWAA102", 1, "the same, twice")]
