"""`mwaa-lint --fix` and `--diff` (fixing.py, fixes.py) on realistic trees.

Each case under tests/fixtures/fix/<case>/ holds `input/` (copied to a temporary directory),
`expected/` (the tree after --fix, byte for byte), `expected.diff` (what --diff prints) and
`remaining.txt` (`RULE path:line` of the findings left, as tests/fixtures/modules do).
"""
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from mwaa_lint import api
from mwaa_lint.fixes import Edit, Fix, apply_fixes
from mwaa_lint.project import Project, Refused
from mwaa_lint.registry import load_rules
from mwaa_lint.rule_catalog import real

FIX = FIXTURES / "fix"
CASES = {
    # the owner's skeleton (tests/fixtures/seed): eight pasted one-line blocks, split in one pass
    "seed_skeleton": "Fixed 8 syntax errors (13 remaining).",
    # MWAA302: two paths whose object is in the module get their version line, comments kept
    "s3_object_version": "Fixed 2 findings (5 remaining).",
    # CRLF and a byte order mark kept; two passes: the block is split, then the file parses and
    # MWAA302 (requirements uploaded from an inline heredoc) gets its fix
    "crlf_bom": "Fixed 1 syntax error and 1 finding (4 remaining).",
    # MWAA301 and MWAA306 on Airflow 2.9.2: pins moved or set to what MWAA's constraints install,
    # in the file and the one it includes with -r; names, extras, markers and comments kept; a
    # hash-checked file and a git branch left alone
    "requirements_conflicts": "Fixed 5 findings (9 remaining).",
}


def tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy(case: str, tmp_path: Path) -> Path:
    work = tmp_path / case
    shutil.copytree(FIX / case / "input", work)
    return work


def expected_findings(case: str) -> list:
    out = []
    for raw in (FIX / case / "remaining.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            rule, location = line.split()
            path, number = location.rsplit(":", 1)
            out.append((rule, path, int(number)))
    return sorted(out)


def findings(cli, work: Path) -> list:
    data = cli(".", "--format", "json", cwd=work).json()
    assert data["diagnostics"] == []
    return sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])


def test_the_seed_case_is_the_owners_skeleton():
    assert (FIX / "seed_skeleton" / "input" / "skeleton.tf").read_bytes() == (FIXTURES / "seed" / "skeleton.tf").read_bytes()


@pytest.mark.parametrize("case", CASES)
def test_diff_prints_what_fix_would_change_and_writes_nothing(cli, tmp_path, case):
    work = copy(case, tmp_path)
    before = tree(work)
    run = cli("--diff", ".", cwd=work)
    assert run.exit_code == 1
    # click's test runner reads "\r\n" as "\n": the bytes themselves are compared below
    assert run.stdout == (FIX / case / "expected.diff").read_bytes().decode().replace("\r\n", "\n")
    assert tree(work) == before


def test_the_diff_of_a_crlf_file_shows_its_line_endings(tmp_path):
    work = copy("crlf_bom", tmp_path)
    run = subprocess.run([sys.executable, "-m", "mwaa_lint", "--diff", "."], cwd=work, capture_output=True, timeout=120)
    assert run.returncode == 1
    assert run.stdout == (FIX / "crlf_bom" / "expected.diff").read_bytes()
    assert b"+  requirements_s3_object_version = aws_s3_object.requirements.version_id\r\n" in run.stdout
    assert run.stderr == b"mwaa-lint: would fix 2 problems\n"


@pytest.mark.parametrize("case", CASES)
def test_fix_writes_the_expected_files_then_has_nothing_left_to_do(cli, tmp_path, case):
    work = copy(case, tmp_path)
    run = cli("--fix", ".", cwd=work)
    assert tree(work) == tree(FIX / case / "expected")
    assert CASES[case] in run.stdout
    assert run.exit_code == 1  # findings without a safe fix remain
    assert findings(cli, work) == expected_findings(case)
    # idempotent: a second --fix changes nothing, and --diff has nothing to show
    again = cli("--fix", ".", cwd=work)
    assert f"Fixed 0 findings ({len(expected_findings(case))} remaining)." in again.stdout
    assert tree(work) == tree(FIX / case / "expected")
    nothing = cli("--diff", ".", cwd=work)
    assert (nothing.exit_code, nothing.stdout) == (0, "")
    assert "nothing to fix" in nothing.stderr


def test_the_fixed_seed_parses_and_every_rule_checks_it(cli, tmp_path):
    work = copy("seed_skeleton", tmp_path)
    assert cli(".", cwd=work).exit_code == 2  # before: parse errors, nothing checked
    cli("--fix", ".", cwd=work)
    run = cli(".", "--format", "json", cwd=work)
    assert run.exit_code == 1
    data = run.json()
    assert data["diagnostics"] == [] and data["summary"]["incomplete"] is False
    assert {f["rule_id"] for f in data["findings"]} >= {"MWAA201", "MWAA401", "MWAA601"}


def test_a_crlf_file_stays_crlf_with_its_byte_order_mark(tmp_path, cli):
    work = copy("crlf_bom", tmp_path)
    cli("--fix", ".", cwd=work)
    data = (work / "main.tf").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") == 32  # 28 lines, 3 more for the split block, 1 for the version
    assert b"  } # two private subnets\r\n" in data  # the comment after the block stays on its closing line


def test_no_fix_when_the_path_comes_from_a_module_caller(cli, tmp_path):
    work = copy("module_variable", tmp_path)
    before = tree(work)
    run = cli(".", "--format", "concise", cwd=work)
    assert "modules/mwaa/main.tf:32:3: MWAA302 [warning] requirements_s3_path" in run.stdout
    assert "[*]" not in run.stdout
    diff = cli("--diff", ".", cwd=work)
    assert (diff.exit_code, diff.stdout) == (0, "")
    fix = cli("--fix", ".", cwd=work)
    assert "Fixed 0 findings (6 remaining)." in fix.stdout
    assert tree(work) == before
    assert findings(cli, work) == expected_findings("module_variable")


# --- what the report says about fixes -----------------------------------------------------------


def test_text_marks_fixable_findings_and_counts_them(cli, tmp_path):
    work = copy("s3_object_version", tmp_path)
    out = cli(".", cwd=work).stdout
    assert 'main.tf:47:3: MWAA302 [*] [warning] requirements_s3_path is "requirements.txt"' in out
    assert 'main.tf:48:3: MWAA302 [*] [warning] plugins_s3_path is "plugins/plugins.zip"' in out
    assert 'main.tf:49:3: MWAA302 [warning] startup_script_s3_path is "startup.sh"' in out
    assert out.endswith("Found 7 problems (7 warnings) in 1 file.\n[*] 2 fixable with the --fix option.\n")
    concise = cli(".", "--format", "concise", cwd=work).stdout
    assert "main.tf:47:3: MWAA302 [*] [warning]" in concise


def test_a_fixable_parse_error_is_marked(cli, tmp_path):
    work = copy("crlf_bom", tmp_path)
    run = cli(".", cwd=work)
    assert run.exit_code == 2
    assert "main.tf:25:97: error: [*] Invalid single-argument block definition" in run.stderr
    assert run.stdout.endswith("[*] 1 fixable with the --fix option.\n")


def test_json_carries_the_fix(cli, tmp_path):
    work = copy("s3_object_version", tmp_path)
    data = cli(".", "--format", "json", cwd=work).json()
    fixes = {f["line"]: f["fix"] for f in data["findings"] if f["rule_id"] == "MWAA302"}
    assert fixes[49] is None  # startup.sh: no object uploads it
    assert fixes[47] == {
        "description": "add requirements_s3_object_version = aws_s3_object.requirements.version_id",
        "edits": [{
            "path": "main.tf", "line": 47, "column": 3, "end_line": 47, "end_column": 87,
            "expected": 'requirements_s3_path   = "requirements.txt" # uploaded by aws_s3_object.requirements',
            "replacement": 'requirements_s3_path   = "requirements.txt" # uploaded by aws_s3_object.requirements\n'
                           "  requirements_s3_object_version = aws_s3_object.requirements.version_id",
        }],
    }


def test_sarif_carries_the_fix_and_stays_valid(cli, tmp_path):
    import jsonschema
    from test_output_formats import SCHEMA_COPY, assert_valid

    work = copy("s3_object_version", tmp_path)
    doc = json.loads(cli(".", "--format", "sarif", cwd=work).stdout)
    assert_valid(jsonschema.Draft4Validator(json.loads(SCHEMA_COPY.read_text(encoding="utf-8"))), doc)
    fixed = [r for r in doc["runs"][0]["results"] if "fixes" in r]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in fixed] == [47, 48]
    assert fixed[1]["fixes"] == [{
        "description": {"text": "add plugins_s3_object_version = aws_s3_object.plugins.version_id"},
        "artifactChanges": [{
            "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
            "replacements": [{
                "deletedRegion": {"startLine": 48, "startColumn": 3, "endLine": 48, "endColumn": 49},
                "insertedContent": {"text": 'plugins_s3_path        = "plugins/plugins.zip"\n'
                                            "  plugins_s3_object_version = aws_s3_object.plugins.version_id"},
            }],
        }],
    }]


def test_rules_marks_the_fixable_rules(cli):
    lines = {line.split()[0]: line for line in cli("rules").stdout.splitlines()}
    fixable = sorted(rule for rule, line in lines.items() if rule.startswith("MWAA") and "[*]" in line.split()[:4])
    assert fixable == ["MWAA301", "MWAA302", "MWAA306"]
    assert lines["MWAA302"].split()[:4] == ["MWAA302", "s3-object-version-missing", "warning", "[*]"]
    markdown = cli("rules", "--markdown").stdout.splitlines()
    assert markdown[0] == "| ID | slug | severity | fix | summary |"
    assert any(line.startswith("| MWAA302 | s3-object-version-missing | warning | [*] |") for line in markdown)


# --- the result cache never answers with what was true before a fix ------------------------------


def test_no_stale_results_after_diff_or_fix(cli, tmp_path):
    # the suite's runs share a cache directory (conftest): results are stored and reused here
    work = copy("s3_object_version", tmp_path)
    first = findings(cli, work)
    assert cli("--diff", ".", cwd=work).exit_code == 1  # checks the fixed text in memory only
    assert findings(cli, work) == first  # the disk did not change, nor do the findings
    assert ("MWAA302", "main.tf", 47) in first
    cli("--fix", ".", cwd=work)
    assert findings(cli, work) == expected_findings("s3_object_version")


# --- nothing outside the project is written -----------------------------------------------------


def test_a_symlink_to_a_file_outside_the_project_is_not_written(cli, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(FIX / "seed_skeleton" / "input" / "skeleton.tf", outside / "skeleton.tf")
    before = (outside / "skeleton.tf").read_bytes()
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()  # the project root
    (project / "skeleton.tf").symlink_to(outside / "skeleton.tf")
    run = cli("--fix", ".", cwd=project)
    assert (outside / "skeleton.tf").read_bytes() == before
    assert run.exit_code == 2
    assert f"skeleton.tf: error: file leads outside the project root {project} (through a symbolic link); not checked" in run.stderr
    assert "Fixed 0 findings (0 remaining)." in run.stdout


def test_the_gate_writes_only_regular_files_inside_the_root(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "outside.tf"
    outside.write_text("a = 1\n")
    (root / "link.tf").symlink_to(outside)
    os.mkfifo(root / "fifo.tf")
    (root / "dir.tf").mkdir()
    project = Project(str(root), "test")
    for name, reason in [
        ("link.tf", f"leads outside the project root {root} (through a symbolic link); not written"),
        ("fifo.tf", "is a FIFO, not a regular file; not written"),
        ("dir.tf", "is a directory, not a regular file; not written"),
    ]:
        with pytest.raises(Refused) as refused:
            project.write_bytes(root / name, b"a = 2\n")
        assert refused.value.reason == reason
    with pytest.raises(Refused):
        project.write_bytes(outside, b"a = 2\n")
    assert outside.read_text() == "a = 1\n"
    # a link inside the project to a file inside it: the file is written, the link stays a link
    (root / "main.tf").write_text("a = 1\n")
    (root / "main.tf").chmod(0o640)
    (root / "alias.tf").symlink_to(root / "main.tf")
    project.write_bytes(root / "alias.tf", b"a = 3\n")
    assert (root / "alias.tf").is_symlink() and (root / "main.tf").read_bytes() == b"a = 3\n"
    assert stat.S_IMODE((root / "main.tf").stat().st_mode) == 0o640
    assert sorted(p.name for p in root.iterdir()) == ["alias.tf", "dir.tf", "fifo.tf", "link.tf", "main.tf"]  # no temporary left
    with pytest.raises(Refused) as refused:
        project.write_bytes(root / "main.tf", b"x" * 11, limit=10)
    assert refused.value.reason == "would be over the 10 bytes limit; not written"


def test_a_read_only_file_is_not_fixed(cli, tmp_path, monkeypatch):
    work = copy("s3_object_version", tmp_path)
    (work / "main.tf").chmod(0o444)
    if os.geteuid() == 0:  # root may write any file: the system says so for the others
        access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
            False if mode == os.W_OK and str(path).endswith("main.tf") else access(path, mode, **kw)))
    before = tree(work)
    run = cli("--fix", ".", cwd=work)
    assert "mwaa-lint: main.tf is read-only; not written" in run.stderr
    assert "Fixed 0 findings (7 remaining)." in run.stdout
    assert tree(work) == before


# --- applying edits ------------------------------------------------------------------------------

PATH = Path("main.tf")


def _fix(line, column, end_line, end_column, replacement, expected):
    return Fix("test", (Edit(PATH, line, column, end_line, end_column, replacement, expected),))


def test_an_edit_whose_text_changed_is_skipped():
    stale = _fix(1, 5, 1, 6, "2", "9")
    outcome = apply_fixes(b"a = 1\n", [stale])
    assert (outcome.data, outcome.applied, outcome.skipped) == (b"a = 1\n", [], [(stale, "the text it replaces has changed")])


def test_of_overlapping_fixes_the_first_is_applied_and_the_other_waits():
    first, second, apart = _fix(1, 1, 1, 6, "b = 2", "a = 1"), _fix(1, 5, 1, 6, "3", "1"), _fix(2, 5, 2, 6, "4", "1")
    outcome = apply_fixes(b"a = 1\r\nc = 1\r\n", [first, second, apart])
    assert outcome.data == b"b = 2\r\nc = 4\r\n"
    assert outcome.applied == [first, apart]
    assert outcome.skipped == [(second, "it overlaps another fix; left for the next pass")]


def test_a_new_line_is_written_with_the_files_line_ending():
    outcome = apply_fixes(b"\xef\xbb\xbfa = 1\r\nb = 2", [_fix(1, 1, 1, 6, "a = 1\n  c = 3", "a = 1")])
    assert outcome.data == b"\xef\xbb\xbfa = 1\r\n  c = 3\r\nb = 2"


def test_the_same_edits_twice_are_applied_once():
    # one module instantiated twice: both instances' findings offer the same edit
    one, twin = _fix(1, 5, 1, 6, "2", "1"), _fix(1, 5, 1, 6, "2", "1")
    outcome = apply_fixes(b"a = 1\n", [one, twin])
    assert (outcome.data, outcome.applied) == (b"a = 2\n", [one, twin])


# --- requirements fixes (MWAA301, MWAA306) --------------------------------------------------------


@pytest.mark.parametrize("case", ["requirements_local", "requirements_inline"])
def test_a_requirement_is_pinned_in_the_file_that_holds_it(cli, tmp_path, case):
    """MWAA301's fix on Airflow 2.10.3 (slack provider 8.9.1, pandas 2.1.4): in a requirements.txt
    (CRLF kept), or on the real, indented line of a `<<-EOT` heredoc in the .tf file."""
    work = copy(case, tmp_path)
    run = cli("--fix", ".", "--select", "MWAA301", cwd=work)
    assert "Fixed 2 findings (0 remaining)." in run.stdout
    assert tree(work) == tree(FIX / case / "expected")
    again = cli("--fix", ".", "--select", "MWAA301", cwd=work)
    assert "Fixed 0 findings (0 remaining)." in again.stdout
    assert tree(work) == tree(FIX / case / "expected")


def test_requirements_fixes_are_marked_and_described(cli, tmp_path):
    work = copy("requirements_conflicts", tmp_path)
    data = cli(".", "--select", "MWAA301,MWAA306", "--format", "json", cwd=work).json()
    assert [(f["rule_id"], f["path"], f["line"], f["fix"] and f["fix"]["description"]) for f in data["findings"]] == [
        ("MWAA301", "airflow/providers.txt", 1, "pin apache-airflow-providers-snowflake==5.5.1"),
        ("MWAA301", "airflow/providers.txt", 2, None),
        ("MWAA306", "airflow/reporting-requirements.txt", 2, None),
        ("MWAA306", "airflow/requirements.txt", 4, "pin pyarrow==14.0.2"),
        ("MWAA301", "airflow/requirements.txt", 5, "pin flask-caching==2.3.0"),
        ("MWAA306", "airflow/requirements.txt", 6, "pin celery==5.4.0"),
        ("MWAA301", "airflow/requirements.txt", 7, "pin requests==2.31.0"),
    ]


# --- the pre-commit hook -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_fix_hook_fixes_the_changed_files_and_fails_the_commit(tmp_path):
    from test_precommit import pre_commit

    root = tmp_path / "infra"
    shutil.copytree(FIX / "s3_object_version" / "input", root)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    proc = pre_commit(root, "try-repo", str(REPO), "mwaa-lint-fix", "--files", "main.tf")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # the findings of the passed file's module: MWAA303 on its requirements.txt is among them
    assert "Fixed 2 findings (5 remaining)." in proc.stdout
    assert "requirements.txt:1:1: MWAA303" in proc.stdout
    assert "files were modified by this hook" in proc.stdout
    assert (root / "main.tf").read_bytes() == (FIX / "s3_object_version" / "expected" / "main.tf").read_bytes()


# --- belt and braces: a fix that breaks the file, or never settles, changes nothing ---------------


def _rule_with_fix(monkeypatch, text):
    """MWAA501 (max_workers) given a fix that adds `text` after max_workers, as a buggy rule would."""
    rule = real(next(r for r in load_rules() if r.id == "MWAA501"))

    def check(self, context):
        for env in context.environments():
            argument = env.argument("max_workers")
            yield self.finding(argument.loc, "buggy", address=env.address,
                               fix=api.Fix("buggy", (argument.insert_after(text),)))

    monkeypatch.setattr(rule, "check", check)


def test_a_fix_that_would_break_the_file_is_not_applied(cli, tmp_path, monkeypatch):
    _rule_with_fix(monkeypatch, "max_workers = {")
    work = copy("s3_object_version", tmp_path)
    before = tree(work)
    run = cli("--fix", ".", "--select", "MWAA501", "--no-cache", "--rule-option", "MWAA501.ceiling=1", cwd=work)
    assert run.stderr == "mwaa-lint: main.tf: a fix was not applied (buggy): the file would not parse after it: Unexpected '{'\n"
    assert "Fixed 0 findings (1 remaining)." in run.stdout
    assert tree(work) == before


def test_a_breaking_fix_does_not_hold_back_the_good_ones_in_its_file(cli, tmp_path, monkeypatch):
    _rule_with_fix(monkeypatch, "max_workers = {")
    work = copy("s3_object_version", tmp_path)
    run = cli("--fix", ".", "--select", "MWAA501,MWAA302", "--no-cache", "--rule-option", "MWAA501.ceiling=1", cwd=work)
    assert "a fix was not applied (buggy)" in run.stderr
    assert "Fixed 2 findings (2 remaining)." in run.stdout  # MWAA302 twice; MWAA501 and startup.sh's MWAA302 left
    assert (work / "main.tf").read_bytes() == (FIX / "s3_object_version" / "expected" / "main.tf").read_bytes()


def test_a_fix_that_never_settles_changes_nothing(cli, tmp_path, monkeypatch):
    _rule_with_fix(monkeypatch, "# one more line, every pass")
    work = copy("s3_object_version", tmp_path)
    before = tree(work)
    run = cli("--fix", ".", "--select", "MWAA501", "--no-cache", "--rule-option", "MWAA501.ceiling=1", cwd=work)
    assert run.exit_code == 2
    assert ("mwaa-lint: the fixes did not settle after 10 passes (a fix that is not idempotent); no file is changed"
            in run.stderr)
    assert "Fixed 0 findings (1 remaining)." in run.stdout
    assert tree(work) == before
    diff = cli("--diff", ".", "--select", "MWAA501", "--no-cache", "--rule-option", "MWAA501.ceiling=1", cwd=work)
    assert (diff.exit_code, diff.stdout) == (2, "")


def test_after_fix_the_quickstart_has_only_findings_without_a_safe_fix(cli, tmp_path):
    work = tmp_path / "quickstart"
    shutil.copytree(REPO / "examples" / "quickstart", work)
    cli("--fix", ".", cwd=work)
    data = cli(".", "--format", "json", cwd=work).json()
    assert data["diagnostics"] == [] and data["findings"]
    assert [f["rule_id"] for f in data["findings"] if f["fix"] is not None] == []
    assert cli("--diff", ".", cwd=work).stdout == ""


# --- which one-line blocks are split -------------------------------------------------------------


@pytest.mark.parametrize("line, lines", [
    ('  principals { type="Service", identifiers=["airflow.amazonaws.com"] }',
     ["  principals {", '    type        = "Service"', '    identifiers = ["airflow.amazonaws.com"]', "  }"]),
    ('variable "x"   { type = string default = "a" }  # from the wiki',
     ['variable "x" {', "  type    = string", '  default = "a"', "}  # from the wiki"]),
    ('locals { a = var.b ? "c}" : "d", e = length(var.f) > 0 }',
     ["locals {", '  a = var.b ? "c}" : "d"', "  e = length(var.f) > 0", "}"]),
    ("\tx { a = { b = 1, c = 2 } d = [1, 2] }", ["\tx {", "\t\ta = { b = 1, c = 2 }", "\t\td = [1, 2]", "\t}"]),
])
def test_a_one_line_block_is_split_as_terraform_fmt_lays_it_out(line, lines):
    from mwaa_lint.one_line_blocks import split_fix

    fix = split_fix(line, PATH, 7)
    assert fix.edits == (Edit(PATH, 7, 1, 7, len(line) + 1, "\n".join(lines), line),)


@pytest.mark.parametrize("line", [
    'dynamic "x" { for_each = [1] content {} }',  # a nested block
    "x { a = 1 /* why */ b = 2 }",  # a comment inside
    "x { a = 1 2 b = 3 }",  # not one expression
    "x { a = b = 1 }",
    "x { a = 1, b = 2 } y = 3",  # something follows the block
    "x { a = <<EOT",  # a heredoc
    "x = { a = 1, b = 2 }",  # an object, not a block
])
def test_no_split_where_it_is_not_unambiguous(line):
    from mwaa_lint.one_line_blocks import split_fix

    assert split_fix(line, PATH, 1) is None
