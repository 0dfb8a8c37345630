"""Terraform's functions and operators, as `terraform console` (Terraform 1.11.4) computes them.

tests/fixtures/fidelity/functions/golden.json holds, for every expression in cases.txt beside it,
Terraform's `jsonencode(expression)` (or that Terraform rejects it, or does not know it);
scripts/function_golden.py made it. Here each expression goes through mwaa-lint's parser and
Evaluator, wrapped in the same `jsonencode(...)`, and must give Terraform's exact text, or
Unknown. Unknown is allowed (a function the evaluator does not implement, a precision it cannot
promise) and counted; a concrete value Terraform would not give is a failure: rules believe it.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from mwaa_lint.evaluate import Evaluator
from mwaa_lint.model import Module
from mwaa_lint.parse import parse_expression
from mwaa_lint.values import Unknown, contains_unknown

HERE = Path(__file__).parent / "fixtures" / "fidelity" / "functions"
TABLE = json.loads((HERE / "golden.json").read_text(encoding="utf-8"))
CASES = TABLE["cases"]
# Cases that must match Terraform exactly, at least: the evaluator may not quietly slide back to
# Unknown (measured when the table was made; raise it as the evaluator learns more).
MIN_EXACT = 675


def evaluate(expr: str, directory: Path):
    """mwaa-lint's `jsonencode(expr)`: the JSON text, or Unknown (also when it cannot parse it)."""
    try:
        parsed = parse_expression(f"jsonencode({expr})", directory / "cases.tf", 1, 1)
    except Exception:  # noqa: BLE001 - a syntax the parser does not take is not a wrong value
        return Unknown()
    value = Evaluator(Module(directory, [])).value(parsed)
    return Unknown() if contains_unknown(value) else value


def outcome(case: dict, value) -> str:
    """'exact', 'unknown' (mwaa-lint does not say), or 'wrong' (a value Terraform would not give)."""
    if isinstance(value, Unknown):
        return "unknown"
    if "json" in case and value == case["json"]:
        return "exact"
    return "wrong"


def describe(case: dict) -> str:
    if "json" in case:
        return case["json"]
    return "an error: " + case["error"] if "error" in case else "unknown to Terraform too"


def test_the_table_is_terraforms_and_broad():
    assert TABLE["terraform_version"] == "1.11.4"
    assert len(CASES) >= 500
    assert all(("json" in c) + ("error" in c) + ("unknown" in c) == 1 for c in CASES)
    # Terraform rejects a good share: the evaluator is tested on what it must not make up, too
    assert sum("error" in c for c in CASES) >= 50


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cases")


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['expr'][:40]}" for i, c in enumerate(CASES)])
def test_never_a_value_terraform_would_not_give(case, directory):
    value = evaluate(case["expr"], directory)
    assert outcome(case, value) != "wrong", f"{case['expr']}: mwaa-lint gives {value!r}, Terraform {describe(case)}"


def test_how_many_match_exactly(directory):
    counts = Counter(("json" in c, outcome(c, evaluate(c["expr"], directory))) for c in CASES)
    print(f"{len(CASES)} cases: Terraform gives a value for {sum('json' in c for c in CASES)}: "
          f"{counts[True, 'exact']} exact, {counts[True, 'unknown']} Unknown to mwaa-lint; "
          f"Terraform rejects or does not know {sum('json' not in c for c in CASES)}: "
          f"{counts[False, 'unknown']} Unknown to mwaa-lint")
    counts = Counter(outcome for _, outcome in counts.elements())
    assert counts["wrong"] == 0
    assert counts["exact"] >= MIN_EXACT
