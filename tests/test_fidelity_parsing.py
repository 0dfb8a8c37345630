"""Reading Terraform as Terraform reads it (issue 14): big generated files are read, UTF-16 and
duplicate .tf.json keys are refused where Terraform refuses them, block comments are read
wherever Terraform takes them, deep module chains are followed and only a real cycle is a cycle.

tests/fixtures/fidelity/parsing/<case>/expected.txt lists what `mwaa-lint .` run inside the
case reports, exactly (`RULE path:line` for findings, the text format's line for diagnostics);
what Terraform 1.11.4 says of each case is in the comments there. The big files are written
into tmp_path by tests/fixtures/fidelity/parsing/generate.py, beside a copy of big_module/.
"""
import importlib.util

import pytest
from conftest import FIXTURES

from mwaa_lint import modules

HERE = FIXTURES / "fidelity" / "parsing"
CASES = sorted(p.parent.name for p in HERE.glob("*/expected.txt"))

_spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def read_expected(case: str) -> tuple:
    exit_code, lines = None, []
    for raw in (HERE / case / "expected.txt").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("exit "):
            exit_code = int(line.split()[1])
        else:
            lines.append(line)
    return exit_code, sorted(lines)


def as_lines(document: dict) -> list:
    lines = [f"{d['path']}:{d['line']}:{d['column']}: error: {d['message']}" for d in document["diagnostics"]]
    lines += [f"{f['rule_id']} {f['path']}:{f['line']}" for f in document["findings"]]
    return sorted(lines)


def test_the_cases_are_there():
    assert CASES == ["encodings", "inline_comments", "json_duplicates", "module_chain", "module_cycle"]


@pytest.mark.parametrize("case", CASES)
def test_case_reports_exactly_what_is_expected(cli, case):
    exit_code, lines = read_expected(case)
    run = cli(".", "--format", "json", cwd=HERE / case)
    document = run.json()
    assert (run.exit_code, as_lines(document)) == (exit_code, lines)
    assert document["summary"]["incomplete"] == (exit_code == 2)


# -- deep module chains ------------------------------------------------------------------------


def test_a_value_passed_down_twenty_modules_is_reported_at_the_root_call(cli):
    run = cli(".", "--format", "json", cwd=HERE / "module_chain")
    (finding,) = run.json()["findings"]
    chain = ".".join(f"module.layer{i:02d}" for i in range(2, 21))
    address = f"module.platform.{chain}.aws_mwaa_environment.this"
    assert (finding["rule_id"], finding["path"], finding["line"], finding["address"], finding["message"]) == (
        "MWAA501", "main.tf", 15, address,
        f"max_workers is 40 (passed to module.platform for {address}); expected max_workers <= 25")


def test_a_chain_deeper_than_the_limit_is_too_deep_not_a_cycle(cli, monkeypatch):
    monkeypatch.setattr(modules, "MAX_DEPTH", 5)  # the real limit, 64, would need 65 directories
    run = cli(".", "--format", "json", "--no-cache", cwd=HERE / "module_chain")  # the limit is not in its key
    document = run.json()
    assert run.exit_code == 2
    address = "module.platform." + ".".join(f"module.layer{i:02d}" for i in range(2, 7))
    assert [(d["path"], d["line"], d["column"], d["message"]) for d in document["diagnostics"]] == [
        ("modules/layer05/main.tf", 2, 3,  # its source
         f"{address} is nested more than 5 module calls deep; its module is not followed"),
    ]
    assert document["findings"] == []  # the tree is partial: not judged


# -- big generated files -----------------------------------------------------------------------


MWAA501_OF_BIG_MODULE = ("MWAA501", "main.tf", 40, "aws_mwaa_environment.this",
                         "max_workers is 40; expected max_workers <= 25")


def check_big_module(cli, directory) -> None:
    run = cli(".", "--format", "json", cwd=directory)
    document = run.json()
    assert document["diagnostics"] == []
    assert run.exit_code == 1
    # max_workers = local.airflow_max_workers, defined after the generated data: only a file read
    # to its end gives 40, and a module with a file not read would give no finding at all
    assert [(f["rule_id"], f["path"], f["line"], f["address"], f["message"]) for f in document["findings"]] == [
        MWAA501_OF_BIG_MODULE
    ]


def test_a_generated_50000_line_locals_file_is_read(cli, tmp_path):
    text = generate.big_locals(50_000)
    assert text.count("\n") == 50_000 and 1_500_000 < len(text.encode()) < 1_700_000
    check_big_module(cli, generate.module(tmp_path / "platform", {"locals.tf": text}))


def test_a_770_kb_single_line_is_read(cli, tmp_path):
    text = generate.single_line(770 * 1024)
    longest = max(text.splitlines(), key=len)
    assert 770 * 1024 <= len(longest) < 780 * 1024
    check_big_module(cli, generate.module(tmp_path / "platform", {"routes.tf": text}))


def test_a_json_file_of_millions_of_values_stops_at_the_budget_with_a_clear_diagnostic(cli, tmp_path, monkeypatch):
    from mwaa_lint import json_reader

    monkeypatch.setattr(json_reader, "MAX_VALUES", 5_000)  # the real budget, 1,000,000, takes seconds to reach
    platform = generate.module(tmp_path / "platform", {"locals.tf": generate.big_locals(200)})
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "env.tf").write_text((platform / "main.tf").read_text().replace("local.airflow_max_workers", "40"))
    (junk / "data.tf.json").write_text('{"locals": {"ids": [' + ", ".join(["1"] * 6_000) + "]}}\n")
    run = cli(".", "--format", "json", "--no-cache", cwd=tmp_path)
    document = run.json()
    assert run.exit_code == 2
    assert [(d["path"], d["line"], d["message"]) for d in document["diagnostics"]] == [
        ("junk/data.tf.json", 0, "file has more than 5,000 JSON values, over the limit for one file; not checked")
    ]
    # the module beside it is still checked
    assert [(f["rule_id"], f["path"], f["line"]) for f in document["findings"]] == [("MWAA501", "platform/main.tf", 40)]
