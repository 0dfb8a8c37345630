"""No finding on an Unknown value. Every registered rule — including ones added later — runs
alone over modules whose inputs are variables without defaults and must say nothing, except
where the rule's point is that nothing bounds the value (listed here, with the exact line)."""
import pytest
from conftest import FIXTURES

from mwaa_lint.registry import load_rules

UNKNOWN_MODULES = [FIXTURES / "modules" / "unknown_inputs", FIXTURES / "layouts" / "unknown_inputs_everywhere"]

# The rules whose finding *is* "this input is unbounded / unset", and where they fire.
EXPECTED_ON_UNKNOWN: dict = {}


@pytest.mark.parametrize("directory", UNKNOWN_MODULES, ids=lambda p: p.name)
@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_rules_are_silent_on_unknown_inputs(cli, rule, directory):
    if not directory.is_dir():
        pytest.skip(f"{directory.name} not present")
    data = cli(".", "--select", rule.id, "--format", "json", cwd=directory).json()
    assert data["diagnostics"] == []
    found = [(f["path"], f["line"], f["message"]) for f in data["findings"]]
    assert found == EXPECTED_ON_UNKNOWN.get((rule.id, directory.name), [])
