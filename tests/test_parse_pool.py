"""The parse workers (parse_pool.py): a cold run with many files starts them before it knows
what it will parse, and takes each file's model as it comes; a warm run starts none. Whatever
the workers do (parse everything, die halfway, never start), the report is the one the run
gives parsing every file itself."""
import os

import pytest
from conftest import FIXTURES, bench_tree

import mwaa_lint.loader as loader
from mwaa_lint import parse_pool

MAIN = os.getpid()


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The benchmark's monorepo: 1,978 files, 116 of them in 10 MWAA stacks."""
    return bench_tree(tmp_path_factory.mktemp("pool") / "tree")


@pytest.fixture
def started(monkeypatch):
    """The parse pools a run starts, as [workers, files given]."""
    pools: list = []
    real_start, real_parse = parse_pool.ParsePool.start.__func__, parse_pool.ParsePool.parse

    def start(cls, workers):
        pool = real_start(cls, workers)
        if pool is not None:
            pool.record = [workers, 0]
            pools.append(pool.record)
        return pool

    def parse(self, function, items, names):
        self.record[1] += len(items)
        return real_parse(self, function, items, names)

    monkeypatch.setattr(parse_pool.ParsePool, "start", classmethod(start))
    monkeypatch.setattr(parse_pool.ParsePool, "parse", parse)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    return pools


def _report(cli, tree, *args):
    data = cli(".", "--format", "json", *args, cwd=tree).json()
    return (sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]),
            sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"]), data["stats"])


def _alone(cli, tree, monkeypatch):
    """The report of a run that parses every file in its own process."""
    with monkeypatch.context() as patch:
        patch.setattr(loader.os, "cpu_count", lambda: 1)
        return _report(cli, tree, "--no-cache")


def test_a_cold_run_parses_in_the_workers_and_a_warm_one_starts_none(cli, tree, tmp_path, started, monkeypatch):
    alone = _alone(cli, tree, monkeypatch)
    assert alone[2]["files_parsed"] == 116
    cold = _report(cli, tree, "--cache-dir", tmp_path / "cache")
    assert started == [[2, 116]]  # the MWAA stacks' files and the modules they call, nothing else
    assert cold == alone
    started.clear()
    warm = _report(cli, tree, "--cache-dir", tmp_path / "cache")
    assert started == []
    assert warm[:2] == alone[:2] and warm[2]["files_parsed"] == 0


def test_a_cold_run_of_few_files_parses_them_itself(cli, started, monkeypatch):
    layout = FIXTURES / "layouts" / "nested_modules"
    _report(cli, layout, "--no-cache")
    assert started == []


def die_on_the_third_stack(item):
    """A worker killed (out of memory, say) while it parses a stack's file."""
    path, _ = item
    if os.getpid() != MAIN and "stack-003" in str(path):
        os._exit(9)
    if os.getpid() == MAIN:
        PARSED_BY_THE_RUN.append(path)
    return ORIGINAL(item)


PARSED_BY_THE_RUN: list = []


ORIGINAL = loader._parse_or_error


def test_workers_that_die_halfway_leave_the_rest_to_the_run(cli, tree, started, monkeypatch):
    alone = _alone(cli, tree, monkeypatch)
    PARSED_BY_THE_RUN.clear()
    monkeypatch.setattr(loader, "_parse_or_error", die_on_the_third_stack)  # the workers are forked with it
    assert _report(cli, tree, "--no-cache") == alone
    assert started == [[2, 116]]
    # what the workers had not given when one died (a chunk of files done by the other worker may
    # be lost with it), the third stack's files among it
    assert any("stack-003" in str(p) for p in PARSED_BY_THE_RUN)


def test_workers_that_cannot_start_leave_the_parsing_to_the_run(cli, tree, monkeypatch):
    import concurrent.futures
    from concurrent.futures.process import BrokenProcessPool

    alone = _alone(cli, tree, monkeypatch)

    class Broken:
        def __init__(self, *args, **kwargs):
            raise BrokenProcessPool("no processes to be had")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Broken)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 2)
    assert _report(cli, tree, "--no-cache") == alone


@pytest.fixture
def sequence(monkeypatch):
    """What the run does to each module directory, in order: ("prepare" | "check", its path
    relative to the tree)."""
    from mwaa_lint import engine

    done: list = []
    real_prepare, real_outcome = engine.prepare, engine.outcome

    def prepare(job, loader, options):
        done.append(("prepare", job.real_text))
        return real_prepare(job, loader, options)

    def outcome(prepared, rules, options):
        done.append(("check", prepared.job.real_text))
        return real_outcome(prepared, rules, options)

    monkeypatch.setattr(engine, "prepare", prepare)
    monkeypatch.setattr(engine, "outcome", outcome)
    return done


def _relative(done, tree):
    top = str(tree.resolve()) + os.sep
    return [(what, path.removeprefix(top)) for what, path in done]


def test_a_root_no_file_calls_is_checked_as_soon_as_it_is_evaluated(cli, tree, sequence, monkeypatch):
    alone = _alone(cli, tree, monkeypatch)
    sequence.clear()
    assert _report(cli, tree, "--no-cache") == alone
    done = _relative(sequence, tree)
    stacks = sorted({path for _, path in done if path.startswith("airflow/") and "/modules/" not in path})
    modules = sorted({path for _, path in done} - set(stacks))
    assert len(stacks) == 10 and modules
    for stack in stacks:  # each stack checked right after it is evaluated, while later ones parse
        assert done[done.index(("prepare", stack)) + 1] == ("check", stack)
    assert not [path for what, path in done if what == "check" and path in modules]  # the stacks' modules: no roots


def test_with_a_module_terraform_downloaded_the_roots_are_checked_once_all_are_evaluated(
        cli, tree, tmp_path, sequence, monkeypatch):
    """A module `terraform init` downloaded is not read as text: it might call a directory of
    the tree, which would then be no root. So nothing is checked before everything is evaluated."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(tree, copy)
    (copy / "airflow" / "stack-001" / ".terraform").mkdir()
    alone = _alone(cli, copy, monkeypatch)
    sequence.clear()
    assert _report(cli, copy, "--no-cache") == alone
    done = _relative(sequence, copy)
    last_prepare = max(i for i, (what, _) in enumerate(done) if what == "prepare")
    assert [what for what, _ in done[last_prepare + 1:]] == ["check"] * 10


def test_a_run_with_a_warm_parse_cache_and_no_results_starts_no_workers(cli, tree, tmp_path, started):
    """A run with a rule pack that may read files keeps no results (result_cache.py), yet its
    listings and parse cache are warm: its files come from the parse cache, no worker is needed."""
    import shutil

    from test_cache_poison import age

    copy = tmp_path / "tree"
    shutil.copytree(tree, copy)
    age(copy)  # listed directories are kept only once they are a few seconds old
    cache = tmp_path / "cache"
    cold = _report(cli, copy, "--cache-dir", cache)
    assert started == [[2, 116]]
    shutil.rmtree(cache / "results")  # as such a run leaves it
    started.clear()
    warm = _report(cli, copy, "--cache-dir", cache)
    assert started == []
    assert warm[:2] == cold[:2] and (warm[2]["files_parsed"], warm[2]["files_from_cache"]) == (0, 116)
