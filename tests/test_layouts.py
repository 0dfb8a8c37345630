"""Real-world layouts (tests/fixtures/layouts/): root + local modules, nested modules,
for_each over environments and modules, VPC modules, policies from file() and templatefile(),
policy-document sources and overrides, every attachment form, tfvars, .tf.json, dynamic
blocks, remote modules, unknown inputs, count. Each expected.txt lists every finding of every
rule, `RULE path:line`; run as `mwaa-lint .` inside the layout."""
import pytest
from conftest import FIXTURES
from test_fixture_modules import expected_findings

LAYOUTS = sorted(p.parent for p in (FIXTURES / "layouts").glob("*/expected.txt"))


def test_there_are_at_least_fifteen_layouts():
    assert len(LAYOUTS) >= 15


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda p: p.name)
def test_layout_findings_are_exactly_the_expected_ones(cli, layout):
    data = cli(".", "--format", "json", cwd=layout).json()
    assert data["diagnostics"] == []
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])
    assert found == expected_findings(layout)
