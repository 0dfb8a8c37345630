"""Each realistic module under tests/fixtures/modules/ (and the shipped example) declares in
expected.txt exactly which findings it must produce: `RULE path:line`, one per line.
Anything missing is a miss; anything extra is a false positive."""
import pytest
from conftest import FIXTURES, REPO

CASES = sorted(p.parent for p in (FIXTURES / "modules").glob("*/expected.txt")) + [REPO / "examples" / "quickstart"]


def expected_findings(directory):
    out = []
    for raw in (directory / "expected.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            rule, location = line.split()
            path, number = location.rsplit(":", 1)
            out.append((rule, path, int(number)))
    return sorted(out)


def test_there_are_fixture_modules():
    assert len(CASES) >= 10


@pytest.mark.parametrize("directory", CASES, ids=lambda p: p.name)
def test_module_findings_are_exactly_the_expected_ones(cli, directory):
    run = cli(".", "--format", "json", cwd=directory)
    data = run.json()
    assert data["diagnostics"] == []
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])
    assert found == expected_findings(directory)
    assert run.exit_code == (1 if found else 0)


@pytest.mark.parametrize("directory", CASES, ids=lambda p: p.name)
def test_the_same_findings_when_run_from_another_directory(cli, directory):
    # `mwaa-lint infra/` from the repository root: paths built from path.module must still resolve
    relative = directory.relative_to(REPO)
    data = cli(relative, "--format", "json", cwd=REPO).json()
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])
    assert found == [(rule, f"{relative}/{path}", line) for rule, path, line in expected_findings(directory)]
