"""The built-in rules from their catalog (mwaa_lint/rule_catalog.py): the committed catalog
describes the rules exactly, a stand-in behaves as its rule, a catalog that no longer matches
the files is not used, and a warm run imports no rule it does not run."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from conftest import FIXTURES, REPO
from mwaa_lint_rules import imported_rules

from mwaa_lint.api import Rule as ApiRule
from mwaa_lint.registry import load_rules
from mwaa_lint.rule_catalog import CATALOG, FIELDS, StandIn, describe, real, stand_ins, write

RULES = REPO / "rules"


def test_the_committed_catalog_is_what_the_script_writes():
    # if this fails: python scripts/rule_catalog.py (after adding or editing a rule)
    assert (RULES / CATALOG).read_text(encoding="utf-8") == write(imported_rules(), RULES)


def test_the_built_in_rules_load_as_stand_ins_with_their_rules_metadata():
    loaded = load_rules()
    classes = {rule.id: rule for rule in imported_rules()}
    assert [rule.id for rule in loaded] == sorted(classes)
    for rule in loaded:
        assert issubclass(rule, StandIn), rule.id
        assert real(rule) is classes[rule.id]
        assert issubclass(real(rule), ApiRule)
        assert describe(rule) == describe(classes[rule.id])
        assert (rule.doc(), rule.summary(), rule.section("What it does")) == (
            classes[rule.id].doc(), classes[rule.id].summary(), classes[rule.id].section("What it does"))
        assert rule.__module__ == classes[rule.id].__module__


def test_making_a_stand_in_makes_the_rule_with_its_options():
    ceiling = next(rule for rule in load_rules() if rule.id == "MWAA501")
    made = ceiling({"ceiling": 12})
    assert type(made) is real(ceiling)
    assert made.opts == {"ceiling": 12}
    assert real(real(ceiling)) is real(ceiling)  # a class is its own rule


def test_a_rule_option_is_checked_by_the_rule_itself(cli):
    run = cli("rules/public_webserver", "--rule-option", "MWAA501.ceiling=many")
    assert run.exit_code == 2
    assert "MWAA501.ceiling: expected" in run.stderr


@pytest.fixture
def rules_copy(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_copy_matches(rules_copy):
    assert [rule.id for rule in stand_ins(rules_copy, "mwaa_lint_rules")] == [r.id for r in imported_rules()]


@pytest.mark.parametrize("change", ["edited", "added", "removed", "catalog not json", "catalog missing",
                                    "catalog of another shape"])
def test_a_catalog_that_does_not_match_the_files_is_not_used(rules_copy, change):
    if change == "edited":
        path = rules_copy / "public_webserver.py"
        path.write_text(path.read_text(encoding="utf-8").replace("security_severity = 5.3", "security_severity = 9.9"),
                        encoding="utf-8")
    elif change == "added":
        (rules_copy / "new_rule.py").write_text("", encoding="utf-8")
    elif change == "removed":
        (rules_copy / "public_webserver.py").unlink()
    elif change == "catalog not json":
        (rules_copy / CATALOG).write_bytes(b"\xff{")
    elif change == "catalog missing":
        (rules_copy / CATALOG).unlink()
    else:
        catalog = json.loads((rules_copy / CATALOG).read_text(encoding="utf-8"))
        catalog["rules"][0].pop("severity")
        (rules_copy / CATALOG).write_text(json.dumps(catalog), encoding="utf-8")
    assert stand_ins(rules_copy, "mwaa_lint_rules") is None


def test_every_field_a_rule_declares_is_in_the_catalog():
    declared = {name for name, value in vars(ApiRule.__mro__[1]).items()
                if not name.startswith("_") and not callable(value) and not isinstance(value, classmethod)}
    assert declared - set(FIELDS) == {"option_types"}  # callables: asked of the rule itself (real())


# A run under this driver writes the rule modules and the engine modules it imported to a file.
DRIVER = textwrap.dedent("""
    import atexit, sys
    from mwaa_lint.cli import main
    def imported():
        with open(sys.argv[1], "w") as out:
            out.write("\\n".join(sorted(m for m in sys.modules if m.startswith(("mwaa_lint_rules", "mwaa_lint.")))))
    atexit.register(imported)
    main(sys.argv[2:])
""")


def test_a_warm_run_imports_only_the_rules_it_runs(tmp_path):
    tree = tmp_path / "infra"
    shutil.copytree(FIXTURES / "suppress" / "team_exceptions", tree)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "MWAA_LINT_NO_RULE_PACKS": "1", "GIT_CEILING_DIRECTORIES": str(tmp_path)}

    def run(name):
        listing = tmp_path / name
        done = subprocess.run([sys.executable, str(driver), str(listing), "check", "infra", "-f", "json",
                               "--cache-dir", str(tmp_path / "cache")],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        return done, set(listing.read_text(encoding="utf-8").split("\n"))

    cold, cold_modules = run("cold.txt")
    warm, warm_modules = run("warm.txt")
    assert cold.returncode == warm.returncode == 1, cold.stderr
    cold_report, warm_report = json.loads(cold.stdout), json.loads(warm.stdout)
    assert warm_report["findings"] == cold_report["findings"]
    assert "MWAA001" in {f["rule_id"] for f in cold_report["findings"]}  # the typo'd suppression
    assert (warm_report["stats"]["files_parsed"], warm_report["stats"]["roots_reused"]) == (0, 1)
    assert {"mwaa_lint.check", "mwaa_lint.evaluate", "mwaa_lint.api.mwaa", "mwaa_lint_rules.public_webserver"} <= cold_modules
    # warm: every root from the result cache; of the rules, only the suppression rule that runs
    assert {m for m in warm_modules if m.startswith("mwaa_lint_rules.")} == {"mwaa_lint_rules.invalid_suppression"}
    # nor the evaluating half, nor the model (its outcomes are decoded without it: cache_codec's groups)
    assert warm_modules & {"mwaa_lint.check", "mwaa_lint.prepare", "mwaa_lint.evaluate", "mwaa_lint.api.mwaa",
                                    "mwaa_lint.api.terraform", "mwaa_lint.aws", "mwaa_lint.model", "mwaa_lint.parse",
                                    "mwaa_lint.json_reader"} == set()


def test_a_subclass_of_a_stand_in_is_made_as_itself():
    ceiling = next(rule for rule in load_rules() if rule.id == "MWAA501")

    class Stricter(ceiling):  # a pack's rule built on what load_rules() gave it
        id, slug = "ACME501", "stricter-workers"

    made = Stricter({"ceiling": 3})
    assert type(made) is Stricter and made.opts == {"ceiling": 3}
