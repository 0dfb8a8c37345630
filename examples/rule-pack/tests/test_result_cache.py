"""ACME001 declares `reads_only_the_model = True`, so a run that selects it keeps its results in
mwaa-lint's result cache; the pack's files are part of the cache key, so an edited or upgraded
pack is checked again instead of answered from old results."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import acme_mwaa_rules

ANSWERED = "1 root module answered from the result cache"


def test_a_second_run_is_answered_from_the_result_cache(lint, copy, tmp_path):
    root = copy("untagged")
    args = (".", "--select", "ACME001", "--format", "concise", "--statistics", "--cache-dir", tmp_path / "cache")
    cold, warm = lint(*args, cwd=root), lint(*args, cwd=root)
    assert "0 root modules answered from the result cache" in cold.stdout
    assert ANSWERED in warm.stdout
    assert warm.stdout.splitlines()[0] == cold.stdout.splitlines()[0] == (
        "main.tf:1:1: ACME001 [warning] no tags; expected non-empty owner and cost-center tags")


def _install_copy(site: Path) -> Path:
    """A copy of the pack as pip installs it (its package and its dist-info), which hides the
    installed one when `site` leads sys.path. Returns the copy's rule file."""
    shutil.copytree(Path(acme_mwaa_rules.__file__).parent, site / "acme_mwaa_rules",
                    ignore=shutil.ignore_patterns("__pycache__"))
    info = site / "acme_mwaa_rules-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-mwaa-rules\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[mwaa_lint.rules]\nacme = acme_mwaa_rules:all_rules\n")
    return site / "acme_mwaa_rules" / "owner_tag.py"


def test_an_edited_pack_is_checked_again(copy, tmp_path):
    rule_file = _install_copy(tmp_path / "site")
    root = copy("untagged")
    env = {k: v for k, v in os.environ.items() if k != "MWAA_LINT_NO_RULE_PACKS"}
    env.update(PYTHONPATH=str(tmp_path / "site"), NO_COLOR="1")

    def lint() -> str:
        command = [sys.executable, "-m", "mwaa_lint", ".", "--select", "ACME001", "--format", "concise", "--statistics",
                   "--cache-dir", str(tmp_path / "cache")]
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120).stdout

    assert "no tags; expected" in lint()
    assert ANSWERED in lint()
    rule_file.write_text(rule_file.read_text().replace('"no tags; expected', '"no tags at all; expected'))
    edited = lint()
    assert ANSWERED not in edited and "no tags at all; expected" in edited
