"""Every registered rule documents itself, and its documented examples are executed:
the bad example must fire the rule, the good one must not (as pylint does)."""
import pytest

from mwaa_lint.engine import RunOptions, run
from mwaa_lint.registry import load_rules

RULES = load_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_metadata_is_well_formed(rule):
    assert rule.problems() == []
    assert rule.summary().endswith(".")
    assert len(rule.summary()) <= 100


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
@pytest.mark.parametrize("heading, should_fire", [("Example", True), ("Use instead", False)])
def test_documented_example(rule, heading, should_fire, tmp_path):
    (tmp_path / "main.tf").write_text(rule.example(heading))
    # A rule about suppressions judges them by what the other rules found.
    rules = RULES if rule.stage == "suppressions" else [rule]
    # A rule that is silent until configured (MWAA504's budget) names the options its Example
    # assumes in `example_options` (declared on the Rule base class); both examples run with them.
    options = {rule.id: dict(rule.example_options)}
    result = run([str(tmp_path)], rules, RunOptions(environ={}, rule_options=options), root=tmp_path)
    assert result.diagnostics == []
    fired = [f for f in result.findings if f.rule_id == rule.id]
    assert bool(fired) == should_fire, [f.message for f in fired]


def test_ids_and_slugs_are_unique():
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.slug for r in RULES}) == len(RULES)
