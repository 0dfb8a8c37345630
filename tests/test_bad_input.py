"""Bad input gets a clear message with a location and exit code 2, and the other modules are
still checked. Each case runs beside a valid module that must still produce its finding."""
import os

import pytest

VALID = 'resource "aws_mwaa_environment" "ok" {\n  name        = "ok"\n  max_workers = 40\n}\n'


def check(cli, tmp_path, name, content):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(VALID)
    (tmp_path / "bad").mkdir()
    # an environment beside the bad file, so that its module is one mwaa-lint reads at all
    (tmp_path / "bad" / "zz_env.tf").write_text(VALID.replace('"ok"', '"bad"'))
    target = tmp_path / "bad" / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    run = cli(".", "--format", "json", "--select", "MWAA501", cwd=tmp_path)
    data = run.json()
    assert ("MWAA501", "good/main.tf", 3) in {(f["rule_id"], f["path"], f["line"]) for f in data["findings"]}
    return run, data


@pytest.mark.parametrize(
    "name, content, line, column, message",
    [
        ("binary.tf", b"\x7fELF\x02\x01\x00\x00\x00", 0, 0, "binary file (contains NUL bytes), not Terraform text; not checked"),
        ("latin1.tf", 'locals {\n  owner = "Jos\xe9"\n}\n'.encode("latin-1"), 2, 15, "invalid UTF-8 byte 0xe9; Terraform requires UTF-8"),
        # after a UTF-8 byte order mark: the byte and the column counted after it, as an editor shows them
        ("latin1_bom.tf", b"\xef\xbb\xbf" + '# caf\xe9\nlocals {}\n'.encode("latin-1"), 1, 6,
         "invalid UTF-8 byte 0xe9; Terraform requires UTF-8"),
        ("unclosed.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n', 1, 30, "Unclosed '{': the file ends before it is closed"),
        ("string.tf", 'locals {\n  a = "no end\n}\n', 2, 7, "Unterminated string: a quoted string must end on the line it starts"),
        ("two_args.tf", 'variable "x" { type = string default = "a" }\n', 1, 30,
         "Invalid single-argument block definition: a block written on one line may hold only one argument; "
         "put each argument on its own line"),
        ("newline.tf", 'locals {\n  a = 1 b = 2\n}\n', 2, 9, "Missing newline after argument: each argument must end with a newline"),
        ("comma.tf", 'locals {\n  a = 1,\n}\n', 2, 8, "Unexpected ',': arguments in a block are separated by newlines, not commas"),
        ("stray.tf", 'locals {\n  a = 1\n}\n}\n', 4, 1, "Unexpected '}'"),
        ("bad.tf.json", '{"resource": {"aws_s3_bucket": {"b": {"bucket": "x",}}}}', 1, 52, None),
        ("utf16.tf", VALID.encode("utf-16"), 1, 1,  # Terraform: "Invalid character encoding"
         "Invalid character encoding: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
         "Terraform reads only UTF-8; not checked"),
    ],
)
def test_invalid_files_are_diagnostics_with_positions(cli, tmp_path, name, content, line, column, message):
    run, data = check(cli, tmp_path, name, content)
    assert run.exit_code == 2
    (diagnostic,) = data["diagnostics"]
    assert (diagnostic["path"], diagnostic["line"], diagnostic["column"]) == (f"bad/{name}", line, column)
    if message:
        assert diagnostic["message"] == message
    else:
        assert diagnostic["message"].startswith("Invalid JSON")


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n\t\n", b"\xef\xbb\xbf" + VALID.encode(), VALID.replace("\n", "\r\n").encode()],
    ids=["empty", "whitespace", "utf8-bom", "crlf"],
)
def test_unusual_but_valid_files_are_read(cli, tmp_path, content):
    run, data = check(cli, tmp_path, "main.tf", content)
    assert data["diagnostics"] == []
    if content.strip(b" \n\t"):
        assert ("MWAA501", "bad/main.tf", 3) in {(f["rule_id"], f["path"], f["line"]) for f in data["findings"]}


def test_symlink_loop_is_reported_once_and_not_followed(cli, tmp_path):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text(VALID)
    os.symlink(tmp_path, tmp_path / "good" / "loop")
    run = cli(".", "--format", "json", cwd=tmp_path)
    data = run.json()
    assert run.exit_code == 2
    assert [d["message"] for d in data["diagnostics"]] == [
        "symbolic link loop: good/loop leads back to a directory it is in; not followed"
    ]
    assert any(f["path"] == "good/main.tf" for f in data["findings"])


def test_directory_without_terraform(cli, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# nothing here")
    run = cli("docs", cwd=tmp_path)
    assert run.exit_code == 2
    assert "docs: error: no Terraform files (.tf, .tf.json, .tofu, .tofu.json) found" in run.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(cli, tmp_path):
    (tmp_path / "main.tf").write_text(VALID)
    (tmp_path / "main.tf").chmod(0)
    run = cli(".", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.json()["diagnostics"][0]["message"].startswith("cannot read file")
