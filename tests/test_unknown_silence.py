"""No finding on an Unknown value. Every registered rule — including ones added later — runs
alone over modules whose inputs are variables without defaults and must say nothing, except
where the rule's point is that nothing bounds the value (listed here, with the exact line)."""
import pytest
from conftest import FIXTURES

from mwaa_lint.registry import load_rules

UNKNOWN_MODULES = [
    FIXTURES / "modules" / "unknown_inputs",
    FIXTURES / "layouts" / "unknown_inputs_everywhere",
    FIXTURES / "layouts" / "unknown_inputs_unbounded",
]

# The rules whose finding *is* "nothing bounds this input", and where they fire.
EXPECTED_ON_UNKNOWN: dict = {
    ("MWAA501", "unknown_inputs_unbounded"): [(
        "main.tf", 15,
        "max_workers comes from var.max_workers, which has no default and no validation bounding it, so any "
        "number of workers can be requested; expected a validation such as `var.max_workers <= 25`",
    )],
    # Absent kms_key is known, not unknown: no environment here writes kms_key, so each uses an
    # AWS owned key, which MWAA603 (off by default, selected here) reports at the resource header.
    **{("MWAA603", directory): [(
        path, line,
        "kms_key is not set, so MWAA encrypts the environment's data with an AWS owned key, which you cannot "
        "audit or revoke; expected a customer managed key ARN if you need that control, decided at creation "
        "(setting kms_key later replaces the environment)",
    )] for directory, path, line in [
        ("unknown_inputs", "main.tf", 9),
        ("unknown_inputs_everywhere", "modules/mwaa/main.tf", 20),
        ("unknown_inputs_unbounded", "main.tf", 6),
    ]},
}


@pytest.mark.parametrize("directory", UNKNOWN_MODULES, ids=lambda p: p.name)
@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_rules_are_silent_on_unknown_inputs(cli, rule, directory):
    data = cli(".", "--select", rule.id, "--format", "json", cwd=directory).json()
    assert data["diagnostics"] == []
    found = [(f["path"], f["line"], f["message"]) for f in data["findings"]]
    assert found == EXPECTED_ON_UNKNOWN.get((rule.id, directory.name), [])
