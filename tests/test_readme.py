"""The README's rule table is generated from the registry and must not drift."""
import re

from conftest import REPO


def test_rule_table_matches_the_registry(cli):
    readme = (REPO / "README.md").read_text()
    table = re.search(r"<!-- rules-table:.*?-->\n(.*?)<!-- end rules-table -->", readme, re.S).group(1)
    assert table == cli("rules", "--markdown").stdout


def test_first_lines_are_the_two_setup_commands():
    lines = (REPO / "README.md").read_text().splitlines()
    commands = lines[lines.index("```sh") + 1 : lines.index("```sh") + 3]
    assert commands[0].endswith("mwaa-lint examples/quickstart")
    assert commands[1].endswith("python -m pytest")
    assert (REPO / "examples" / "quickstart").is_dir()
