"""Inline suppressions through the CLI, on a module whose team wrote down its exceptions
(tests/fixtures/suppress/team_exceptions): the line, the line above, a block header, a
whole file, `#`, `//` and `/* */` comments, slugs, expiry dates, typos and stale comments."""
from conftest import FIXTURES

CASE = FIXTURES / "suppress" / "team_exceptions"
RULES = "MWAA001,MWAA002,MWAA102,MWAA201,MWAA301,MWAA501"


def findings(cli, *args):
    data = cli(".", "--select", RULES, "--format", "json", *args, cwd=CASE).json()
    assert data["diagnostics"] == []
    return sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"]), data


def test_suppressions_hide_exactly_what_they_name(cli):
    found, data = findings(cli)
    assert found == sorted([
        # iam.tf:35 names MWAA201 but expired in 2024: s3:* is reported, and so is the stale comment
        ("MWAA002", "iam.tf", 35),
        ("MWAA201", "iam.tf", 36),
        ("MWAA002", "legacy.tf", 19),  # over an environment that is PRIVATE_ONLY: suppresses nothing
        ("MWAA102", "main.tf", 48),  # the sandbox's block-level comment names MWAA501 only
        ("MWAA001", "main.tf", 63),  # MWAA1O2 is no rule: the finding below it stays
        ("MWAA102", "main.tf", 64),
        ("MWAA001", "main.tf", 65),  # until=2027-13-01 is no date: not applied
        ("MWAA501", "main.tf", 66),
        ("MWAA301", "requirements.txt", 5),  # line 4 carries its own suppression
    ])
    assert data["summary"]["suppressed"] == 7


def test_messages_name_the_problem(cli):
    _, data = findings(cli)
    messages = {(f["path"], f["line"]): f["message"] for f in data["findings"] if f["rule_id"] in ("MWAA001", "MWAA002")}
    assert messages == {
        ("main.tf", 63): "ignore[MWAA1O2] names no installed rule, so it suppresses nothing; "
                         "expected a rule id, slug or prefix from `mwaa-lint rules`",
        ("main.tf", 65): "until=2027-13-01 is not a date, so this suppression is not applied; expected until=YYYY-MM-DD",
        ("iam.tf", 35): "ignore[MWAA201] expired on 2024-01-31 and no longer suppresses anything; "
                        "expected the comment removed, or renewed with a new until= date",
        ("legacy.tf", 19): "ignore[MWAA102] suppressed no finding; expected it removed "
                           "(or moved onto the line or block it excuses)",
    }


def test_unused_suppressions_are_opt_in(cli):
    data = cli(".", "--format", "json", cwd=CASE).json()
    assert "MWAA002" not in {f["rule_id"] for f in data["findings"]}
    assert "MWAA001" in {f["rule_id"] for f in data["findings"]}  # typos are reported by default


def test_a_suppression_is_judged_unused_only_when_its_rules_ran(cli):
    found, _ = findings(cli, "--ignore", "MWAA102")
    assert ("MWAA002", "legacy.tf", 19) not in found  # MWAA102 did not run: cannot tell


def test_no_inline_ignores_shows_everything_for_an_audit(cli):
    found, data = findings(cli, "--no-inline-ignores")
    assert data["summary"]["suppressed"] == 0
    assert not {rule for rule, _, _ in found} & {"MWAA001", "MWAA002"}
    assert {("MWAA102", "main.tf", 29), ("MWAA501", "main.tf", 30), ("MWAA501", "main.tf", 45),
            ("MWAA201", "iam.tf", 30), ("MWAA102", "legacy.tf", 10), ("MWAA501", "legacy.tf", 11),
            ("MWAA301", "requirements.txt", 4)} <= set(found)


def test_text_summary_counts_what_was_suppressed(cli):
    run = cli(".", "--select", RULES, cwd=CASE)
    # ruff's order: the summary, then how many of the findings shown --fix can fix
    assert run.stdout.splitlines()[-2:] == ["Found 9 problems (1 error, 8 warnings) in 3 files. Not shown: 7 suppressed.",
                                            "[*] 1 fixable with the --fix option."]


def test_a_suppression_in_a_module_covers_every_caller(cli, tmp_path):
    (tmp_path / "modules" / "mwaa").mkdir(parents=True)
    (tmp_path / "modules" / "mwaa" / "main.tf").write_text(
        'variable "mode" {\n  type = string\n}\n\n'
        'resource "aws_mwaa_environment" "this" {\n'
        '  name = "x"\n'
        '  webserver_access_mode = var.mode # mwaa-lint: ignore[public-webserver] every caller is reviewed\n'
        '}\n'
    )
    (tmp_path / "main.tf").write_text(
        'module "a" {\n  source = "./modules/mwaa"\n  mode   = "PUBLIC_ONLY"\n}\n'
    )
    data = cli(".", "--select", "MWAA102", "--format", "json", cwd=tmp_path).json()
    # The value is written in main.tf:3, so the finding is there; the module's comment does not cover it.
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("main.tf", 3)]
