"""Every registered rule documents itself, and its documented examples are executed:
the bad example must fire the rule, the good one must not (as pylint does)."""
import pytest

from mwaa_lint.engine import RunOptions, run
from mwaa_lint.registry import load_rules
from mwaa_lint.rule_catalog import real

RULES = [real(rule) for rule in load_rules()]  # the classes, as written


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_metadata_is_well_formed(rule):
    assert rule.problems() == []
    assert rule.summary().endswith(".")
    assert len(rule.summary()) <= 100


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
@pytest.mark.parametrize("heading, should_fire", [("Example", True), ("Use instead", False)])
def test_documented_example(rule, heading, should_fire, tmp_path):
    (tmp_path / "main.tf").write_text(rule.example(heading))
    # A rule that judges plans (MWAA812) documents, beside the configuration, the plan made from
    # it (a ```json block): the check is of that plan, with the configuration beside it.
    scanned = str(tmp_path)
    if rule.example_plan(heading):
        (tmp_path / "plan.json").write_text(rule.example_plan(heading))
        scanned = str(tmp_path / "plan.json")
    # A rule about suppressions judges them by what the other rules found.
    rules = RULES if rule.stage == "suppressions" else [rule]
    # A rule that is silent until configured (MWAA504's budget) names the options its Example
    # assumes in `example_options` (declared on the Rule base class); both examples run with them.
    options = {rule.id: dict(rule.example_options)}
    result = run([scanned], rules, RunOptions(environ={}, rule_options=options), root=tmp_path)
    assert result.diagnostics == []
    fired = [f for f in result.findings if f.rule_id == rule.id]
    assert bool(fired) == should_fire, [f.message for f in fired]


PLAN_RULES = [rule for rule in RULES if rule.example_plan("Example")]


def test_the_plan_rules_are_these():
    assert [rule.id for rule in PLAN_RULES] == ["MWAA812", "MWAA813"]


@pytest.mark.parametrize("rule", PLAN_RULES, ids=lambda r: r.id)
def test_a_plan_rule_is_silent_on_its_example_without_the_plan(rule, tmp_path):
    """What the Example shows is in the plan, not the configuration: the same .tf alone is silent."""
    (tmp_path / "main.tf").write_text(rule.example("Example"))
    result = run([str(tmp_path)], [rule], RunOptions(environ={}), root=tmp_path)
    assert result.diagnostics == [] and result.findings == []


def test_ids_and_slugs_are_unique():
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.slug for r in RULES}) == len(RULES)
