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


@pytest.mark.parametrize(
    "layout, rule, path, line, address, message",
    [
        ("root_calls_local_module", "MWAA501", "main.tf", 17, "module.mwaa.aws_mwaa_environment.this",
         "max_workers is 40 (passed to module.mwaa for module.mwaa.aws_mwaa_environment.this); "
         "expected max_workers <= 25"),
        ("root_calls_local_module", "MWAA101", "main.tf", 12, "module.mwaa.aws_mwaa_environment.this",
         "subnet aws_subnet.public_b (passed to module.mwaa) is public: it sets map_public_ip_on_launch = true "
         "(network.tf:33); expected a private subnet (MWAA needs two private subnets)"),
        ("nested_modules", "MWAA501", "main.tf", 13, "module.platform.module.airflow.aws_mwaa_environment.this",
         "max_workers is 30 (passed to module.platform for module.platform.module.airflow.aws_mwaa_environment.this); "
         "expected max_workers <= 25"),
        ("module_for_each", "MWAA501", "main.tf", 15, 'module.mwaa["prod"].aws_mwaa_environment.this',
         'max_workers is 40 (passed to module.mwaa["prod"] for module.mwaa["prod"].aws_mwaa_environment.this); '
         "expected max_workers <= 25"),
        ("vpc_module_public_subnets", "MWAA101", "main.tf", 20, "module.airflow.aws_mwaa_environment.this",
         "subnet module.vpc.aws_subnet.public[0] (passed to module.airflow) is public: it sets "
         "map_public_ip_on_launch = true (modules/vpc/main.tf:29); expected a private subnet (MWAA needs two "
         "private subnets)"),
    ],
)
def test_a_value_set_by_a_caller_is_reported_at_the_callers_line(cli, layout, rule, path, line, address, message):
    data = cli(".", "--select", rule, "--format", "json", cwd=FIXTURES / "layouts" / layout).json()
    assert (path, line, address, message) in [(f["path"], f["line"], f["address"], f["message"]) for f in data["findings"]]
