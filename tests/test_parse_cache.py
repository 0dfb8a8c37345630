"""The parse cache: a warm run gives exactly the cold run's findings without parsing, an edit
is parsed again, and corrupt or unwritable cache directories never break a run. (A warm run
with the same settings is answered by the result cache before the parse cache is asked:
tests/test_result_cache.py.)"""
import json
import shutil
import subprocess
import sys

from conftest import FIXTURES

LAYOUT = FIXTURES / "layouts" / "nested_modules"


def report(cli, cwd, *args):
    data = cli(".", "--format", "json", *args, cwd=cwd).json()
    return sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]), data["stats"]


def test_warm_run_is_answered_from_the_cache(cli, tmp_path):
    cache = tmp_path / "cache"
    cold, cold_stats = report(cli, LAYOUT, "--cache-dir", cache)
    # other settings: no stored result fits, so each file's model comes from the parse cache
    warm, warm_stats = report(cli, LAYOUT, "--cache-dir", cache, "--ignore", "MWAA701")
    assert warm == [f for f in cold if f[0] != "MWAA701"]
    assert cold_stats["files_parsed"] > 0 and cold_stats["files_from_cache"] == 0
    assert warm_stats["files_parsed"] == 0 and warm_stats["files_from_cache"] == cold_stats["files_parsed"]
    assert warm_stats["roots_reused"] == 0


def test_an_edited_file_is_parsed_again(cli, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "modules" / "workers_unbounded", tree)
    cache = tmp_path / "cache"
    before, _ = report(cli, tree, "--cache-dir", cache, "--select", "MWAA501")
    main = tree / "main.tf"
    main.write_text(main.read_text().replace("max_workers", "min_workers"))
    after, stats = report(cli, tree, "--cache-dir", cache, "--select", "MWAA501")
    assert stats["files_parsed"] == 1
    assert after != before


def test_the_cache_is_the_same_from_another_working_directory(cli, tmp_path):
    cache = tmp_path / "cache"
    here, _ = report(cli, LAYOUT, "--cache-dir", cache)
    data = cli(LAYOUT.name, "--format", "json", "--cache-dir", cache, cwd=LAYOUT.parent).json()
    assert data["stats"]["files_parsed"] == 0
    assert sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"]) == sorted(
        (rule, f"{LAYOUT.name}/{path}", line) for rule, path, line, _ in here)


def test_corrupt_entries_are_parsed_again(cli, tmp_path):
    cache = tmp_path / "cache"
    cold, cold_stats = report(cli, LAYOUT, "--cache-dir", cache)
    entries = [entry for entry in cache.rglob("*.json") if entry.parent != cache]  # not the relevance index
    assert entries
    for i, entry in enumerate(entries):  # parse cache and result cache entries alike
        entry.write_bytes(b"" if i % 2 else b"\x80\x05garbage")
    again, stats = report(cli, LAYOUT, "--cache-dir", cache)
    assert again == cold and stats["files_parsed"] == cold_stats["files_parsed"] and stats["roots_reused"] == 0


def test_an_unwritable_cache_directory_is_no_error(cli, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    run = cli(".", "--format", "json", "--cache-dir", blocker / "cache", cwd=LAYOUT)
    assert run.json()["diagnostics"] == [] and run.json()["findings"]


def test_no_cache_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("MWAA_LINT_CACHE_DIR", str(tmp_path / "cache"))
    cli(".", "--no-cache", cwd=LAYOUT)
    assert not (tmp_path / "cache").exists()


def test_concurrent_runs_share_one_cache(tmp_path):
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "mwaa_lint", str(LAYOUT), "--format", "json", "--cache-dir", str(cache)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert {run.returncode for run in runs} == {1}
    findings = [json.dumps(json.loads(out)["findings"]) for out, _ in outputs]
    assert len(set(findings)) == 1  # every run reported the same
    assert not list(cache.rglob(".tmp-*"))  # no half-written entry left behind
