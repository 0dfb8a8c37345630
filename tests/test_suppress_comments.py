"""Suppressions count only in real comments (tests/fixtures/suppress/strings_are_not_comments):
the words of a suppression inside an inline startup script (a heredoc), a jsonencode'd policy,
a template string, a tag map in Terraform JSON or a URL in requirements.txt silence nothing,
while `/* */` (one line or several), `//`, `#`, a `"//"` key and a pip comment still do."""
import time

from conftest import FIXTURES

from mwaa_lint import lexer

CASE = FIXTURES / "suppress" / "strings_are_not_comments"
RULES = "MWAA002,MWAA102,MWAA201,MWAA301,MWAA501"


def findings(cli, *args):
    data = cli(".", "--select", RULES, "--format", "json", *args, cwd=CASE).json()
    assert data["diagnostics"] == []
    return sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"]), data


def test_words_in_strings_heredocs_and_urls_suppress_nothing(cli):
    found, data = findings(cli)
    assert found == sorted([
        ("MWAA201", "iam.tf", 25),  # the policy's condition string holds `# mwaa-lint: ignore-file[MWAA2]`
        ("MWAA102", "main.tf", 41),  # the startup script's heredoc holds `# mwaa-lint: ignore-file[MWAA]`
        ("MWAA501", "main.tf", 42),  # a tag's template string holds `// mwaa-lint: ignore-file[MWAA5]`
        ("MWAA501", "legacy.tf.json", 13),  # a "//" key of the tags map is a tag, not a comment
        ("MWAA301", "requirements.txt", 4),  # `#mwaa-lint:` in a URL is its fragment, not a comment
    ])
    # and no MWAA002: the real suppressions below each suppressed something
    assert data["summary"]["suppressed"] == 5


def test_the_findings_keep_their_messages(cli):
    _, data = findings(cli)
    messages = {(f["path"], f["line"]): f["message"] for f in data["findings"]}
    assert messages[("iam.tf", 25)] == ("execution role aws_iam_role.ingest allows `logs:*` (every action of the logs "
                                        "service) in aws_iam_role_policy.ingest; expected specific actions")
    assert messages[("main.tf", 41)] == ("webserver_access_mode is PUBLIC_ONLY, so the Airflow UI is reachable from the "
                                         "internet; expected PRIVATE_ONLY (reach the web server through its VPC endpoint)")


def test_real_comments_still_suppress(cli):
    found, data = findings(cli, "--no-inline-ignores")
    assert data["summary"]["suppressed"] == 0
    assert set(found) - set(findings(cli)[0]) == {
        ("MWAA102", "exceptions.tf", 13),  # `/*` over three lines above the block
        ("MWAA501", "exceptions.tf", 16),  # a `/* */` over two lines above the argument
        ("MWAA201", "exceptions.tf", 32),  # `//` at the end of the line
        ("MWAA102", "legacy.tf.json", 12),  # a "//" key above the property
        ("MWAA301", "requirements.txt", 3),  # a pip comment
    }


def test_text_output_says_what_was_suppressed(cli):
    run = cli(".", "--select", RULES, cwd=CASE)
    assert run.stdout.splitlines()[-1] == "Found 5 problems (1 error, 4 warnings) in 4 files. Not shown: 5 suppressed."


def test_a_suppression_on_code_after_a_block_comment_covers_that_line(cli, tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_mwaa_environment" "this" {\n'
        '  name = "x"\n'
        '  /* mwaa-lint: ignore[MWAA102] reviewed (SEC-9) */ webserver_access_mode = "PUBLIC_ONLY"\n'
        '  tags = { Note = "#{" } # mwaa-lint: ignore[MWAA501] a real comment after a string holding #{\n'
        '  max_workers = 40\n'
        '}\n'
    )
    data = cli(".", "--select", "MWAA102,MWAA501,MWAA002", "--format", "json", cwd=tmp_path).json()
    # the first comment covers its own line; the second stands after code, so it covers line 4 only
    assert [(f["rule_id"], f["line"]) for f in data["findings"]] == [("MWAA002", 4), ("MWAA501", 5)]


def comment_texts(name, text):
    return [c.text for c in lexer.comments(name, text)]


def test_the_lexer_follows_strings_templates_and_heredocs():
    text = (
        'a = "x # not" # one\n'
        'b = "${ "}" } // not" // two\n'
        'c = "$${ " } # not" /* three */\n'
        'd = "esc \\" # not"\n'
        'e = <<-EOT\n  # not\n  EOT\n'
        'f = <<EOT\n# not\nEOTX\nEOT\n'
        'g = "spans\n# not\n" # four\n'
        '# five\n'
    )
    assert comment_texts("x.tf", text) == ["# one", "// two", "/* three */", "# four", "# five"]
    assert comment_texts("requirements.txt", "a#b\n# one\nb # two\n") == ["# one", "# two"]
    assert comment_texts("x.tf.json", '{"//": "one", "a": "//", "b": {"//": "two"}, "c": "\\"//\\": no"}') == [
        "one", "two"]
    assert comment_texts("startup.sh.tftpl", "# not a comment: template text\n") == []


def test_the_lexer_is_linear_on_hostile_text():
    # Each hostile text at two sizes, 8x apart, timed in the same run: a linear lexer takes
    # about 8x as long on the larger, a quadratic one 64x. A ratio of CPU times, not a time
    # limit: the machines are shared and their speed varies, but both sizes see the same one.
    hostile = [
        ("x.tf", lambda n: '"' + '\\"' * n),  # one string that never ends
        ("x.tf", lambda n: '"${' * n),  # templates nested n deep
        ("x.tf", lambda n: "<<EOF\n" + "x\n" * n),  # a heredoc that never ends
        ("x.tf", lambda n: "<<EOF\n" * n),  # heredocs opened in a heredoc
        ("x.tf.json", lambda n: '"' + '\\"' * n),  # escaped quotes, no end
        ("x.tf.json", lambda n: '"//": ' * n),
        ("requirements.txt", lambda n: " #" * n),
        ("x.tf", lambda n: "/*/" * n),
    ]

    def seconds(name: str, text: str) -> float:
        best = float("inf")
        for _ in range(3):  # CPU time, the best of three: other processes inflate one run, not all
            started = time.process_time()
            lexer.comments(name, text + "mwaa-lint:")
            best = min(best, time.process_time() - started)
        return best

    for name, make in hostile:
        small, large = seconds(name, make(25_000)), seconds(name, make(200_000))
        assert large < 24 * max(small, 1e-3), (name, small, large)
