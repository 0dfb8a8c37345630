"""A root is checked as soon as it is evaluated when no file of the tree names its directory as a
module source (engine._called_by_no_text). That rests on the textual pass seeing every local
module call, escaped sources included; and should it miss one, the report is still the one of
a run that checks every root at the end."""
import shutil

import pytest
from conftest import FIXTURES

from mwaa_lint import engine

ESCAPED = FIXTURES / "modules" / "escaped_source"
SOURCE = '"\\u002e\\u002e/modules/net" # written with escapes, as a generator might'


def _plain_copy(tmp_path):
    """The fixture with its module source written plainly."""
    copy = tmp_path / "plain"
    shutil.copytree(ESCAPED, copy)
    main = copy / "live" / "main.tf"
    text = main.read_text(encoding="utf-8")
    assert SOURCE in text
    main.write_text(text.replace(SOURCE, '"../modules/net"'), encoding="utf-8")
    return copy


def _concise(cli, tree, *args):
    # the fixture's directory is the project (a named module file's callers are looked for in it)
    return cli(*args, "--no-cache", "--format", "concise", "--project-root", ".", cwd=tree).stdout.splitlines()


@pytest.mark.parametrize("named", [[], ["modules/net/main.tf", "live/main.tf"], ["modules/net/main.tf"]],
                         ids=["directory", "both files", "the module's file"])
def test_a_source_written_with_escapes_is_a_call(cli, tmp_path, named):
    """Terraform 1.11.4 validates the fixture: `"\\u002e\\u002e/modules/net"` is `../modules/net`.
    Before, the textual pass did not see the call: the module's directory, named in a commit,
    was skipped as holding no environment, and MWAA104 in it was not reported."""
    escaped = _concise(cli, ESCAPED, *(named or ["."]))
    assert escaped == _concise(cli, _plain_copy(tmp_path), *(named or ["."]))
    assert ("modules/net/main.tf:28:20: MWAA104 [error] security group module.net.aws_security_group.mwaa allows "
            "ingress from 0.0.0.0/0 on tcp port 443; expected a self-referencing rule or specific source ranges "
            "(MWAA needs no ingress from anywhere)") in escaped


@pytest.mark.parametrize("named", [[], ["modules/net/main.tf", "live/main.tf"]], ids=["directory", "both files"])
def test_a_call_the_textual_pass_missed_changes_nothing(cli, monkeypatch, named):
    """As if the textual pass had missed the call: every job is taken for a root and checked early,
    the module too, and the root before the module's named file is added to what it reports.
    The module's outcome is dropped, the root is checked again: the report is the same."""
    expected = _concise(cli, ESCAPED, *(named or ["."]))
    monkeypatch.setattr(engine, "_called_by_no_text", lambda jobs, found: {job.real_text for job in jobs})
    assert _concise(cli, ESCAPED, *(named or ["."])) == expected
