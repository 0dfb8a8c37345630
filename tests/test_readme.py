"""The README's rule table is generated from the registry and must not drift."""
import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET

import jsonschema
import yaml
from conftest import FIXTURES, REPO

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


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


def _readme_commands(start: str, end: str) -> list:
    """The `mwaa-lint infra/ ...` command lines between two markers of the README."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index(start): readme.index(end)]
    found = []
    for line in section.splitlines():
        command = re.sub(r"^\s*(- run: |- )?", "", line).split("#")[0].strip()
        if command.startswith("mwaa-lint infra/"):
            found.append(shlex.split(command)[1:])
    return found


def _infra(tmp_path):
    shutil.copytree(REPO / "examples" / "quickstart", tmp_path / "infra")
    return tmp_path


def test_every_ci_recipe_runs_and_writes_what_the_ci_system_reads(cli, tmp_path):
    init = _readme_commands("<!-- init-recipe", "<!-- end init-recipe -->")
    commands = [c for c in _readme_commands("<!-- ci-recipes", "<!-- end ci-recipes -->") if c not in init]
    assert len(commands) == 3  # GitHub Actions, GitLab CI, plain shell
    root = _infra(tmp_path)
    for args in commands:
        run = cli(*args, cwd=root)
        assert run.exit_code == 1, (args, run.stderr)  # the example has findings: the gate fails
        assert run.stdout, args
    github, gitlab, shell = (cli(*args, cwd=root).stdout for args in commands)
    assert github.startswith("::error file=infra/")
    sarif = json.loads((root / "mwaa-lint.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert sarif["runs"][0]["results"]
    assert json.loads((root / "gl-code-quality.json").read_text())[0]["location"]["path"].startswith("infra/")
    assert ET.fromstring((root / "mwaa-lint.xml").read_text()).find("testsuite").get("failures") != "0"
    # and, when some findings have a safe fix, the line `[*] N fixable with the --fix option.`
    assert all(line.startswith(("infra/", "Found ", "[*] ")) for line in shell.splitlines())


def test_the_recipe_after_terraform_init_follows_the_downloaded_modules(cli, tmp_path):
    """On a tree `terraform init` wrote (tests/fixtures/downloaded/registry: registry and git
    modules), the recipe's command gives the findings of the same code vendored locally; on the
    tree before init, it fails on the calls it could not follow."""
    [command] = _readme_commands("<!-- init-recipe", "<!-- end init-recipe -->")
    downloaded = FIXTURES / "downloaded"
    shutil.copytree(downloaded / "registry", tmp_path / "after" / "infra", symlinks=True)
    shutil.copytree(downloaded / "vendored", tmp_path / "vendored" / "infra", symlinks=True)
    shutil.copytree(downloaded / "not_downloaded", tmp_path / "before" / "infra", symlinks=True)
    after = cli(*command, cwd=tmp_path / "after")
    vendored = cli(*command, cwd=tmp_path / "vendored")
    rules = lambda run: sorted(line.split()[1] for line in run.stdout.splitlines() if line.startswith("infra/"))  # noqa: E731
    assert after.exit_code == vendored.exit_code == 1
    assert rules(after) == rules(vendored) and len(rules(after)) == 12
    assert "not followed" not in after.stderr
    before = cli(*command, cwd=tmp_path / "before")
    # the concise report on stdout carries the notices (then standard error does not repeat them)
    assert before.exit_code == 2 and before.stderr == ""
    assert "infra/main.tf:62:1: module-not-followed [notice] module.mwaa (aws-ia/mwaa/aws) was not followed" in before.stdout


def test_the_baseline_recipe(cli, tmp_path):
    write, use = _readme_commands("## Adopting it", "## In CI and pre-commit")
    root = _infra(tmp_path)
    assert cli(*write, cwd=root).exit_code == 0
    assert cli(*use, cwd=root).exit_code == 0


def test_the_pre_commit_recipe_names_hooks_that_exist():
    readme = (REPO / "README.md").read_text()
    hooks = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    named = set(re.findall(r"- id: (mwaa-lint[\w-]*)", readme))
    assert named and named <= hooks


def test_the_quickstart_readme_lists_what_the_run_prints(cli):
    # its table names each finding as "| RULE slug | `file` line N |" (or "lines N and M")
    table = (REPO / "examples/quickstart/README.md").read_text()
    listed = []
    for rule, path, lines in re.findall(r"^\| (MWAA\d{3}) [a-z-]+ \| `([^`]+)` lines? ([\d and,]+) \|", table, re.M):
        listed.extend((rule, path, int(n)) for n in re.findall(r"\d+", lines))
    found = cli("examples/quickstart", "--format", "json", cwd=REPO).json()["findings"]
    assert sorted(listed) == sorted((f["rule_id"], f["path"].removeprefix("examples/quickstart/"), f["line"]) for f in found)
    slugs = {f["rule_id"]: f["slug"] for f in found}
    assert set(re.findall(r"^\| (MWAA\d{3} [a-z-]+) \|", table, re.M)) == {f"{r} {s}" for r, s in slugs.items()}
