"""A run with nothing kept reads a large tree's files in worker processes (read_ahead.py). The
report is the one the run gives reading them itself: the same findings, diagnostics and
statistics, also when a file is refused by the gate, is not text, or is a link leading out of
the project; and a pool that cannot start leaves the reading to the run."""
import importlib.util
import os

import pytest
from conftest import FIXTURES, REPO

from mwaa_lint import read_ahead


def _bench_tree(path):
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(path, irrelevant_scale=1, mwaa_scale=1, seed=11)
    return path


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The benchmark's monorepo, with the awkward files a real one has: a binary file, a
    UTF-16 one, a link to a file outside the project, and an environment in a .tf.json file."""
    root = _bench_tree(tmp_path_factory.mktemp("ahead") / "tree")
    (root / "platform" / "odd").mkdir(parents=True)
    (root / "platform" / "odd" / "blob.tf").write_bytes(b"\x00\x01\x02binary\x00")
    (root / "platform" / "odd" / "wide.tf").write_bytes('variable "x" {}\n'.encode("utf-16"))
    (root.parent / "secret.tf").write_text('resource "aws_mwaa_environment" "x" {}\n')
    os.symlink("../../../secret.tf", root / "platform" / "odd" / "outside.tf")
    (root / "airflow" / "json-stack").mkdir()
    (root / "airflow" / "json-stack" / "main.tf.json").write_bytes(
        (FIXTURES / "layouts" / "tf_json_layout" / "main.tf.json").read_bytes())
    return root


def _report(cli, tree):
    data = cli(".", "--format", "json", "--no-cache", "--statistics", cwd=tree).json()
    return (sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]),
            sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"]), data["stats"])


@pytest.fixture
def pools(monkeypatch):
    """The worker pools a run starts (read_ahead's, and the loader's), as (workers, tasks)."""
    import concurrent.futures

    started = []
    real = concurrent.futures.ProcessPoolExecutor

    class Spy(real):
        def __init__(self, max_workers=None, **kwargs):
            super().__init__(max_workers=max_workers, **kwargs)
            self.record = [max_workers, 0]
            started.append(self.record)

        def map(self, fn, *iterables, **kwargs):
            items = list(iterables[0])
            self.record[1] += len(items)
            return super().map(fn, items, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    monkeypatch.setattr(read_ahead.os, "cpu_count", lambda: 2)
    return started


def test_read_in_workers_the_report_is_the_same(cli, tree, pools, monkeypatch):
    monkeypatch.setattr(read_ahead, "MIN_FILES", 10**9)
    alone = _report(cli, tree)
    assert pools == [[2, pools[0][1]]]  # the loader's pool only: read_ahead kept out
    pools.clear()
    monkeypatch.setattr(read_ahead, "MIN_FILES", 100)
    ahead = _report(cli, tree)
    assert len(pools) == 2 and pools[0][1] >= 8  # the files read in 2 workers, in chunks, then the parse
    assert ahead == alone
    assert ("airflow/json-stack/main.tf.json" in {f[1] for f in ahead[0]})
    assert {d[0] for d in ahead[1]} >= {"platform/odd/blob.tf", "platform/odd/wide.tf"}


def test_a_pool_that_cannot_start_leaves_the_reading_to_the_run(cli, tree, monkeypatch):
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setattr(read_ahead, "MIN_FILES", 10**9)
    alone = _report(cli, tree)

    class Broken:
        def __init__(self, *args, **kwargs):
            raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)
    monkeypatch.setattr(read_ahead, "MIN_FILES", 100)
    monkeypatch.setattr(read_ahead.os, "cpu_count", lambda: 2)
    assert _report(cli, tree) == alone
