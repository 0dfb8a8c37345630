"""Skipping directories with no aws_mwaa_environment in reach never loses a finding: on every
fixture, and on the benchmark's synthetic monorepo, the findings and diagnostics are the same
with `--scan-all` (parse everything) and without it."""
import importlib.util
import json

import pytest
from conftest import FIXTURES, REPO

TREES = sorted({p.parent for p in FIXTURES.glob("*/*/expected.txt")} | {p.parent for p in FIXTURES.glob("rules/*/*/expected.txt")})


def _report(cli, directory, *args):
    data = cli(".", "--select", "ALL", "--format", "json", "--no-cache", *args, cwd=directory).json()
    findings = sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"])
    diagnostics = sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"])
    return findings, diagnostics, data["stats"]


@pytest.mark.parametrize("directory", TREES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_same_findings_as_a_full_parse(cli, directory):
    fast = _report(cli, directory)
    full = _report(cli, directory, "--scan-all")
    assert fast[:2] == full[:2]


def test_the_monorepo_skips_what_cannot_matter_and_finds_the_same(cli, tmp_path):
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(tmp_path / "tree", irrelevant_scale=1, mwaa_scale=1, seed=7)
    fast = _report(cli, tmp_path / "tree")
    full = _report(cli, tmp_path / "tree", "--scan-all")
    assert fast[0] and fast[:2] == full[:2]
    assert fast[2]["directories_skipped"] > 100
    assert fast[2]["files_parsed"] < full[2]["files_parsed"] / 4
    assert json.dumps(fast[2])  # the stats are plain data for the benchmark


def test_parallel_parsing_falls_back_when_the_pool_breaks(cli, tmp_path, monkeypatch):
    import concurrent.futures

    import mwaa_lint.loader as loader

    class Broken:
        def __init__(self, *args, **kwargs):
            from concurrent.futures.process import BrokenProcessPool

            raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)  # the loader imports it when it needs it
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    data = cli(".", "--select", "MWAA501", "--format", "json", "--no-cache", cwd=FIXTURES / "modules" / "workers_unbounded").json()
    assert data["diagnostics"] == [] and data["findings"]


def test_parallel_parsing_gives_the_same_model(cli, tmp_path, monkeypatch):
    import mwaa_lint.loader as loader

    layout = FIXTURES / "layouts" / "nested_modules"
    serial = _report(cli, layout)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    assert _report(cli, layout)[:2] == serial[:2]
