"""Hostile input never crashes mwaa-lint and never passes as checked.

tests/fixtures/bad/<case>/ holds the hostile file(s) and, beside them, good/main.tf: a valid module
whose MWAA501 finding must survive whatever its neighbour does. <case>/expected.txt lists what
`mwaa-lint . --select MWAA501` (run inside the case) must report, exactly:

    # why the case exists
    args good docs                  optional: paths instead of "."
    select MWAA301,MWAA501          optional: rules instead of MWAA501
    exit 2
    bad/main.tf:1:30: error: Unclosed '{': the file ends before it is closed
    MWAA501 good/main.tf:3
    summary 1 file could not be checked; the result is incomplete.

Diagnostic lines are written as the text format prints them; `summary` lines must appear in the
text output. Inputs that cannot be committed (20 MB, a symlink loop, an unreadable file, a path
that does not exist) are made in tmp_path by the tests at the end.
"""
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from mwaa_lint import project
from mwaa_lint.rule_catalog import real

BAD = FIXTURES / "bad"
CASES = sorted(p.parent.name for p in BAD.glob("*/expected.txt"))
VALID = 'resource "aws_mwaa_environment" "ok" {\n  name        = "ok"\n  max_workers = 40\n}\n'
ENV = VALID.replace('"ok"', '"bad"')  # beside a hostile file, so that its module counts as an MWAA module
GOOD = "MWAA501 good/main.tf:3"
# Cases whose right answer needs a change outside the reading and parsing code.
KNOWN_GAPS: dict = {}  # case → why it fails today (run as a strict xfail until fixed)


def read_expected(case_dir: Path) -> dict:
    expected = {"args": ["."], "select": "MWAA501", "exit": None, "lines": [], "summary": []}
    for raw in (case_dir / "expected.txt").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "args":
            expected["args"] = rest.split()
        elif word == "select":
            expected["select"] = rest
        elif word == "exit":
            expected["exit"] = int(rest)
        elif word == "summary":
            expected["summary"].append(rest)
        else:
            expected["lines"].append(line)
    return expected


def as_lines(document: dict) -> list:
    """A JSON report's diagnostics and findings, written as in expected.txt."""
    lines = []
    for d in document["diagnostics"]:
        where = d["path"] or "mwaa-lint"
        if d["line"]:
            where += f":{d['line']}" + (f":{d['column']}" if d["column"] else "")
        lines.append(f"{where}: error: {d['message']}")
    lines += [f"{f['rule_id']} {f['path']}:{f['line']}" for f in document["findings"]]
    return sorted(lines)


def check_case(cli, cwd: Path, args: list, select: str, exit_code: int, lines: list, summary: list = ()):
    base = [*args, "--select", select]
    run = cli(*base, "--format", "json", cwd=cwd)
    for output in (run.stdout, run.stderr):
        assert "Traceback" not in output
    document = json.loads(run.stdout)
    assert (run.exit_code, as_lines(document)) == (exit_code, sorted(lines))
    assert document["summary"]["incomplete"] == (exit_code == 2)

    sarif = cli(*base, "--format", "sarif", cwd=cwd)
    invocation = json.loads(sarif.stdout)["runs"][0]["invocations"][0]
    assert sarif.exit_code == exit_code
    assert invocation["executionSuccessful"] is (exit_code != 2)
    assert len(invocation["toolExecutionNotifications"]) == len(document["diagnostics"])

    text = cli(*base, cwd=cwd)
    assert text.exit_code == exit_code
    shown = text.stdout + text.stderr
    assert "Traceback" not in shown
    # the text report marks a diagnostic --fix can repair `error: [*] ` (a one-line block)
    shown_lines = [line.replace(": error: [*] ", ": error: ", 1) for line in shown.splitlines()]
    for line in lines:
        if ": error: " in line:
            assert line in shown_lines
    for line in summary:
        assert line in shown.splitlines()
    if exit_code == 2:
        assert "the result is incomplete" in shown
    else:
        assert "incomplete" not in shown
    return document


def test_there_is_a_corpus():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(cli, case, request):
    if case in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[case], strict=True))
    expected = read_expected(BAD / case)
    assert GOOD in expected["lines"], "every case keeps a valid module beside the hostile one"
    check_case(cli, BAD / case, expected["args"], expected["select"], expected["exit"], expected["lines"],
               expected["summary"])


# -- inputs made at test time --------------------------------------------------------------


def make_case(tmp_path: Path, env: bool = False) -> Path:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(VALID)
    (tmp_path / "bad").mkdir()
    if env:
        (tmp_path / "bad" / "env.tf").write_text(ENV)
    return tmp_path


def test_a_file_over_the_size_limit_is_not_read(cli, tmp_path):
    case = make_case(tmp_path, env=True)
    with open(case / "bad" / "main.tf", "wb") as out:  # 20 MB of comments: valid, but too big to read
        out.write(b"# generated\n" * (20 * 1024 * 1024 // 12 + 1))
    check_case(cli, case, ["."], "MWAA501", 2,
               ["bad/main.tf: error: file is 20.0 MB, over the 10 MB limit; not checked", GOOD],
               ["2 files could not be checked (a module is checked only when all of its files parse); "
                "the result is incomplete."])


def test_an_hcl_file_over_its_size_limit_is_not_parsed(cli, tmp_path):
    case = make_case(tmp_path, env=True)
    (case / "bad" / "main.tf").write_text('locals {\n  a = "' + "x" * 3 * 1024 * 1024 + '"\n}\n')
    check_case(cli, case, ["."], "MWAA501", 2,
               ["bad/main.tf: error: file is 3.0 MB, over the 2 MB limit for HCL files; not checked", GOOD])


def test_a_file_over_the_token_limit_is_not_parsed(cli, tmp_path, monkeypatch):
    import mwaa_lint.parse

    monkeypatch.setattr(mwaa_lint.parse, "MAX_TOKENS", 1000)  # the real limit takes seconds to reach
    case = make_case(tmp_path, env=True)
    (case / "bad" / "main.tf").write_text("locals {\n  a = [" + "1, " * 600 + "]\n}\n")
    check_case(cli, case, ["."], "MWAA501", 2,
               ["bad/main.tf: error: file has more than 1,000 tokens, over the limit for one file; not checked", GOOD])


def test_a_symlink_loop_is_reported_once_and_not_followed(cli, tmp_path):
    case = make_case(tmp_path, env=True)
    os.symlink(case, case / "bad" / "loop")
    check_case(cli, case, ["."], "MWAA501", 2,
               [".: error: symbolic link loop: bad/loop leads back to a directory it is in; not followed",
                "MWAA501 bad/env.tf:3", GOOD])


def test_an_unreadable_file_is_a_diagnostic(cli, tmp_path, monkeypatch):
    case = make_case(tmp_path)
    secret = case / "bad" / "main.tf"
    secret.write_text(VALID)
    if os.geteuid() == 0:  # root reads any file: make this one fail as it would for a user
        real = project.read_regular

        def read_regular(path, limit, **options):
            if Path(path).name == "main.tf" and Path(path).parent.name == "bad":
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, limit, **options)

        monkeypatch.setattr(project, "read_regular", read_regular)
    else:
        secret.chmod(0)
    check_case(cli, case, ["."], "MWAA501", 2,
               ["bad/main.tf: error: cannot read file: Permission denied", GOOD])


def test_a_broken_symlink_in_a_module_is_a_diagnostic(cli, tmp_path):
    case = make_case(tmp_path)
    (case / "bad" / "main.tf").write_text(VALID)
    os.symlink(case / "gone.tf", case / "bad" / "variables.tf")
    check_case(cli, case, ["."], "MWAA501", 2,
               ["gone.tf: error: broken symbolic link variables.tf; not checked", GOOD])


def test_a_path_that_does_not_exist(cli, tmp_path):
    case = make_case(tmp_path)
    shutil.rmtree(case / "bad")
    check_case(cli, case, ["good", "missing.tf", "missing"], "MWAA501", 2,
               ["missing.tf: error: no such file or directory", "missing: error: no such file or directory", GOOD])


# -- honesty: a half-parsed tree never passes ------------------------------------------------


def test_a_half_parsed_module_never_exits_0_even_with_exit_zero(cli, tmp_path):
    """The first file of the module parses and has no findings; the second does not parse. What
    was read must not be reported as a clean pass, whatever --exit-zero and --fail-on say."""
    (tmp_path / "main.tf").write_text('locals {\n  a = 1\n}\n')
    (tmp_path / "zz.tf").write_text('resource "aws_mwaa_environment" "e" {\n  max_workers = [\n')
    for extra in ([], ["--exit-zero"], ["--fail-on", "error"], ["--exit-zero", "--select", "MWAA501"]):
        for output_format in ("text", "json", "sarif"):
            run = cli(".", "--format", output_format, *extra, cwd=tmp_path)
            assert run.exit_code == 2, (extra, output_format)
    run = cli(".", "--exit-zero", cwd=tmp_path)
    assert "2 files could not be checked" in run.stdout + run.stderr


# -- a rule that raises ------------------------------------------------------------------------


def broken_rule(monkeypatch, rule_id: str):
    from mwaa_lint.registry import load_rules

    rule_class = real(next(r for r in load_rules() if r.id == rule_id))

    def check(self, context):
        for env in context.environments():
            raise ZeroDivisionError(f"bug while checking {env.address}")
        yield from ()

    monkeypatch.setattr(rule_class, "check", check)


def test_a_rule_that_raises_is_an_internal_error_and_the_others_still_report(cli, tmp_path, monkeypatch):
    broken_rule(monkeypatch, "MWAA102")
    (tmp_path / "main.tf").write_text(VALID)
    run = cli(".", "--select", "MWAA102,MWAA501", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 2
    document = run.json()
    assert [(f["rule_id"], f["path"], f["line"]) for f in document["findings"]] == [("MWAA501", "main.tf", 3)]
    (diagnostic,) = document["diagnostics"]
    assert diagnostic["kind"] == "internal-error"
    assert "MWAA102" in diagnostic["message"]
    assert "ZeroDivisionError" in diagnostic["message"]
    run = cli(".", "--select", "MWAA102,MWAA501", "--exit-zero", cwd=tmp_path)
    assert run.exit_code == 2 and "Traceback" not in run.stdout + run.stderr


def test_a_rule_that_raises_names_the_resource(cli, tmp_path, monkeypatch):
    broken_rule(monkeypatch, "MWAA102")
    (tmp_path / "main.tf").write_text(VALID)
    (diagnostic,) = cli(".", "--select", "MWAA102", "--format", "json", cwd=tmp_path).json()["diagnostics"]
    # the message without the exception text, which here happens to contain the address
    assert "aws_mwaa_environment.ok" in diagnostic["message"].split("ZeroDivisionError")[0]
    assert (diagnostic["path"], diagnostic["line"]) == ("main.tf", 1)


def test_an_evaluation_that_runs_out_of_steps_is_incomplete(cli, tmp_path, monkeypatch):
    import mwaa_lint.evaluate

    monkeypatch.setattr(mwaa_lint.evaluate, "MAX_STEPS", 1000)  # the real budget takes seconds to spend
    (tmp_path / "main.tf").write_text(
        "locals {\n  square = [for a in range(100) : [for b in range(100) : a + b]]\n}\n\n"
        'resource "aws_mwaa_environment" "e" {\n  name        = "e"\n  max_workers = length(local.square)\n}\n')
    run = cli(".", "--select", "MWAA501", "--format", "json", cwd=tmp_path)
    assert "Traceback" not in run.stdout + run.stderr
    assert run.exit_code == 2  # values past the budget were Unknown: the check was not complete
