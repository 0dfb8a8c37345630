"""Rule packs come through the `mwaa_lint.rules` entry point group: read from the installed
distributions' metadata as importlib.metadata reads it, third-party packs included."""
import importlib.metadata
import sys
import textwrap
import zipfile

import pytest

from mwaa_lint.registry import RegistryError, entry_points, load_rules

PACK = textwrap.dedent('''
    from mwaa_lint.rule import Rule, Severity


    class TeamTags(Rule):
        """Environments carry the team tag.

        ## What it does
        Reports an environment without a `team` tag.

        ## Why is this bad?
        Nobody knows whom to page.

        ## Example
        ```hcl
        resource "aws_mwaa_environment" "x" {}
        ```

        ## Use instead
        ```hcl
        resource "aws_mwaa_environment" "x" {
          tags = { team = "data" }
        }
        ```
        """

        id = "ACME001"
        slug = "team-tags"
        severity = Severity.WARNING

        def check(self, context):
            return iter(())


    def rules():
        return [TeamTags]
''')


def _install(site, distribution: str, value: str, module_text: str = PACK, module: str = "acme_rules") -> None:
    """A distribution as pip leaves it in site-packages: its module and its dist-info."""
    site.mkdir(exist_ok=True)
    (site / f"{module}.py").write_text(module_text)
    info = site / f"{distribution}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"# generated\n[console_scripts]\nacme = acme_rules:main\n\n"
                                           f"[mwaa_lint.rules]\nacme = {value}\n")


@pytest.fixture
def site(tmp_path, monkeypatch):
    # Packs load here. The fake distributions take the name of examples/rule-pack's
    # (acme_mwaa_rules), so they hide it where it is installed: first on sys.path wins.
    monkeypatch.delenv("MWAA_LINT_NO_RULE_PACKS", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    yield tmp_path / "site"
    for name in [m for m in sys.modules if m.startswith(("acme_rules", "broken_rules"))]:
        del sys.modules[name]


def _pairs(eps) -> list:
    return sorted((ep.name, ep.value) for ep in eps)


@pytest.mark.parametrize("group", ["mwaa_lint.rules", "console_scripts", "pytest11"])
def test_the_same_entry_points_as_importlib_metadata(group):
    assert _pairs(entry_points(group)) == _pairs(importlib.metadata.entry_points(group=group))


def test_a_third_party_pack_is_loaded_beside_the_built_in_rules(site):
    _install(site, "acme_mwaa_rules", "acme_rules:rules")
    assert _pairs(entry_points("mwaa_lint.rules")) == [("acme", "acme_rules:rules"), ("builtin", "mwaa_lint_rules:all_rules")]
    ids = [rule.id for rule in load_rules()]
    assert "ACME001" in ids and "MWAA201" in ids and ids == sorted(ids)


def test_the_first_distribution_of_a_name_on_sys_path_wins(site, tmp_path, monkeypatch):
    _install(site, "acme_mwaa_rules", "acme_rules:rules")
    later = tmp_path / "later"
    _install(later, "Acme.MWAA_Rules", "acme_rules_old:rules", module="acme_rules_old")  # the same name, normalized
    monkeypatch.setattr(sys, "path", [str(site), str(later), *sys.path])
    assert [ep.value for ep in entry_points("mwaa_lint.rules") if ep.name == "acme"] == ["acme_rules:rules"]
    assert _pairs(entry_points("mwaa_lint.rules")) == _pairs(importlib.metadata.entry_points(group="mwaa_lint.rules"))


def test_a_pack_that_fails_to_import_is_named(site):
    _install(site, "broken_pack", "broken_rules:rules", module_text="raise ImportError('no module named acme_sdk')",
             module="broken_rules")
    with pytest.raises(RegistryError, match=r"rule pack 'acme' \(broken_rules:rules\) failed to load: no module named acme_sdk"):
        load_rules()


def test_a_zip_on_sys_path_is_read_through_importlib_metadata(site, tmp_path, monkeypatch):
    _install(site, "acme_mwaa_rules", "acme_rules:rules")
    archive = tmp_path / "app.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("zipped_rules-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped_rules\nVersion: 1.0\n")
        handle.writestr("zipped_rules-1.0.dist-info/entry_points.txt", "[mwaa_lint.rules]\nzipped = zipped_rules:rules\n")
    monkeypatch.syspath_prepend(str(archive))
    assert _pairs(entry_points("mwaa_lint.rules")) == [("acme", "acme_rules:rules"), ("builtin", "mwaa_lint_rules:all_rules"),
                                                       ("zipped", "zipped_rules:rules")]


def test_a_third_party_rule_with_bad_metadata_is_refused(site):
    _install(site, "acme_mwaa_rules", "acme_rules:rules", module_text=PACK.replace('id = "ACME001"', 'id = "acme1"'))
    with pytest.raises(RegistryError, match=r"rule acme1 from 'acme': id 'acme1' is not a prefix followed by three digits"):
        load_rules()


def test_with_no_rule_packs_only_the_built_in_rules_load(site, monkeypatch):
    _install(site, "broken_pack", "broken_rules:rules", module_text="raise ImportError('no module named acme_sdk')",
             module="broken_rules")
    monkeypatch.setenv("MWAA_LINT_NO_RULE_PACKS", "1")
    rules = load_rules()  # the broken pack is not even imported
    assert rules and all(rule.__module__.startswith("mwaa_lint_rules.") for rule in rules)
