"""`exclude` and `per-path-ignores` are gitignore-style patterns (pathspec), through the CLI:
`**`, anchored, negated and directory patterns, matching files as well as directories; a
pattern that matches nothing is a warning under --statistics; the patterns a repository's
config may hold are bounded so that matching stays fast."""
from conftest import FIXTURES

GLOBS = FIXTURES / "globs"
RESOURCE = '''resource "aws_mwaa_environment" "{name}" {{
  name        = "{name}"
  max_workers = 20
}}
'''


def found(run):
    return [(f["rule_id"], f["path"], f["line"]) for f in run.json()["findings"]]


def test_directory_anchored_negated_and_file_patterns(cli):
    run = cli(".", "--format", "json", "--no-cache", cwd=GLOBS)
    assert run.json()["diagnostics"] == []
    assert found(run) == [
        ("MWAA501", "infra/prod/main.tf", 12),
        # not infra/prod/generated.tf (max_workers = 30): "**/generated.tf" leaves the file out of
        # the report, while its module is checked whole
        ("MWAA501", "legacy/keep/main.tf", 12),  # "legacy/" leaves it out, "!legacy/keep/" takes it back
        # "/infra/sandbox" is anchored to the config's directory: this one is checked
        ("MWAA501", "teams/analytics/infra/sandbox/main.tf", 12),
        # not: infra/dev (per-path-ignores "**/dev/"), infra/sandbox (anchored exclude),
        # legacy/old and teams/analytics/legacy ("legacy/" at any depth)
    ]
    assert run.exit_code == 1


def test_a_pattern_that_matches_nothing_is_a_warning_under_statistics(cli):
    config = GLOBS / ".mwaa-lint.yaml"
    run = cli(".", "--statistics", "--no-cache", "--format", "concise", cwd=GLOBS)
    assert run.stdout.splitlines()[-1] == (
        f"warning: exclude pattern 'archive/' in {config} matches nothing in the scanned tree")
    assert run.stdout.count("matches nothing") == 1  # every other pattern matches something
    assert "matches nothing" not in cli(".", "--no-cache", "--format", "concise", cwd=GLOBS).stdout


def test_a_named_file_in_an_excluded_directory_is_not_checked(cli):
    # pre-commit passes file names: `exclude` holds for them too
    run = cli("teams/analytics/legacy/main.tf", "legacy/keep/main.tf", "--format", "json", "--no-cache", cwd=GLOBS)
    assert found(run) == [("MWAA501", "legacy/keep/main.tf", 12)]


def _workspace(tmp_path, config, *modules):
    (tmp_path / ".mwaa-lint.yaml").write_text("select: [MWAA501]\nrule-options: {MWAA501: {ceiling: 10}}\n" + config)
    for module in modules:
        (tmp_path / module).mkdir(parents=True, exist_ok=True)
        (tmp_path / module / "main.tf").write_text(RESOURCE.format(name=module.replace("/", "-")))
    return tmp_path


def test_the_patterns_the_readme_documented_before_keep_their_meaning(cli, tmp_path):
    work = _workspace(tmp_path, 'exclude: ["legacy/**", "old"]\nper-path-ignores: {"envs/sandbox/**": [MWAA501]}\n',
                      "legacy", "legacy/nested", "old", "envs/sandbox", "envs/prod")
    assert found(cli(".", "--format", "json", "--no-cache", cwd=work)) == [("MWAA501", "envs/prod/main.tf", 3)]


def test_a_name_without_a_slash_matches_at_any_depth_and_star_stays_in_one_name(cli, tmp_path):
    # the two differences from the glob matching of 0.x: "old" is no longer anchored to the
    # config's directory (as in .gitignore; write "/old" for that), and "envs/*.tf"-style
    # wildcards no longer cross a "/"
    work = _workspace(tmp_path, 'exclude: ["old", "envs/*/main.tf"]\n', "old", "teams/old", "envs/prod", "envs/eu/prod")
    assert found(cli(".", "--format", "json", "--no-cache", cwd=work)) == [("MWAA501", "envs/eu/prod/main.tf", 3)]


def test_a_negated_per_path_ignore_turns_its_rules_off_everywhere_else(cli, tmp_path):
    # as ruff's per-file-ignores: "!envs/prod/" ignores MWAA501 in every file outside envs/prod
    work = _workspace(tmp_path, 'per-path-ignores: {"!envs/prod/": [MWAA501]}\n', "envs/prod", "envs/dev", "sandbox")
    assert found(cli(".", "--format", "json", "--no-cache", cwd=work)) == [("MWAA501", "envs/prod/main.tf", 3)]


def _error(cli, tmp_path, config):
    work = _workspace(tmp_path, config, "envs/prod")
    run = cli(".", cwd=work)
    assert (run.exit_code, run.stdout) == (2, "")
    return run.stderr.strip().replace(str(work / ".mwaa-lint.yaml"), "CONFIG")


def test_patterns_are_bounded(cli, tmp_path):
    too_many = "wildcards (*, ** or ?; a pattern without a / starts with an implicit **/), more than 2 ** or " \
               "more than 2 * in one name, which would make matching slow; write simpler patterns"
    assert _error(cli, tmp_path, 'exclude: ["**/a/**/b/**/c"]\n') == (
        f"mwaa-lint: error: CONFIG: exclude: '**/a/**/b/**/c' has more than 3 {too_many}")
    assert _error(cli, tmp_path, 'per-path-ignores: {"*a*a*b": [MWAA501]}\n') == (
        f"mwaa-lint: error: CONFIG: per-path-ignores: '*a*a*b' has more than 3 {too_many}")
    assert _error(cli, tmp_path, 'exclude: ["/a*b*c*d"]\n') == (
        f"mwaa-lint: error: CONFIG: exclude: '/a*b*c*d' has more than 3 {too_many}")
    assert _error(cli, tmp_path, f'exclude: ["{"x" * 201}"]\n') == (
        f"mwaa-lint: error: CONFIG: exclude: '{'x' * 200}' is longer than 200 characters")
    assert _error(cli, tmp_path, "exclude: [" + ", ".join(f'"m{i}/"' for i in range(101)) + "]\n") == (
        "mwaa-lint: error: CONFIG: exclude: more than 100 patterns")
    assert _error(cli, tmp_path, 'exclude: ["# legacy"]\n') == (
        "mwaa-lint: error: CONFIG: exclude: '# legacy' is not a pattern (empty, or a # comment)")


def test_repeated_double_stars_collapse_and_match_a_deep_path(cli, tmp_path):
    # `**/**/…/**/a` is one `**/` (pathspec collapses them), well within the bounds; a path of
    # about 400 characters that does not end in `a` is matched against it and the others at the
    # bounds (the slowest takes milliseconds on a 512-character path, where three `**` took seconds)
    deep = "/".join(["d"] * 199)
    patterns = ", ".join(f'"{p}"' for p in ["**/" * 40 + "a", "**/d/**/d*x", "d*/**/d*x"])
    work = _workspace(tmp_path, f"exclude: [{patterns}]\n", f"{deep}/b", f"{deep}/a")
    assert found(cli(".", "--format", "json", "--no-cache", cwd=work)) == [("MWAA501", f"{deep}/b/main.tf", 3)]
