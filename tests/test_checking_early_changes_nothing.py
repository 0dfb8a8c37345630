"""Checking roots while files still parse (engine._called_by_no_text) and the parse pool
(parse_pool.py) change no report: a run with them reports exactly what a run without them
reports, and a pool that cannot start all its workers leaves none behind. (From a second read of
issue 20's work.) The reference run switches the early check off (engine._called_by_no_text gives no
job), which is the engine's behaviour before e3882d2."""
import errno
import multiprocessing
import shutil

import pytest
from conftest import FIXTURES

from mwaa_lint import engine, evaluate

NESTED = FIXTURES / "layouts" / "nested_modules"


def _report(cli, cwd, *args):
    data = cli(*args, "--format", "json", cwd=cwd).json()
    return (sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"]),
            sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"]))


def _both(cli, cwd, monkeypatch, *args):
    """(the report with the early check, the report without it)"""
    interleaved = _report(cli, cwd, *args)
    with monkeypatch.context() as patch:
        patch.setattr(engine, "_called_by_no_text", lambda jobs, found: set())
        reference = _report(cli, cwd, *args)
    return interleaved, reference


# Sources Terraform takes (`terraform init` installs each, 1.11.4) that the textual pass's
# `source = "./…"` pattern does not see; mwaa-lint's evaluator follows each.
HIDDEN_SOURCES = ['source = ("../mwaa")', 'source = "\\u002e./mwaa"', 'source = "${"../mwaa"}"']


@pytest.fixture(params=HIDDEN_SOURCES, ids=["parentheses", "escape", "template"])
def hidden_call(tmp_path, request):
    """nested_modules, its platform module calling ../mwaa by a source written so that the
    textual pass sees no call to modules/mwaa, while evaluation follows it. The root's comment
    names the resource, as a root wrapping it might, so that the textual pass keeps the root."""
    tree = tmp_path / "tree"
    shutil.copytree(NESTED, tree)
    platform = tree / "modules" / "platform" / "main.tf"
    text = platform.read_text()
    assert 'source = "../mwaa"' in text
    platform.write_text(text.replace('source = "../mwaa"', request.param))
    main = tree / "main.tf"
    main.write_text("# module.platform builds the aws_mwaa_environment\n" + main.read_text())
    return tree


def test_file_mode_a_root_checked_early_loses_the_named_modules_findings(cli, hidden_call, monkeypatch):
    """pre-commit with the root's file and the module's file changed: the root reports the
    named module's files through _report_through, which grows its `report` after the prepare
    loop; a root checked early was checked with the report before it grew, and its outcome is
    kept (only called modules' outcomes are reset)."""
    args = ("--no-cache", "main.tf", "modules/mwaa/main.tf")
    interleaved, reference = _both(cli, hidden_call, monkeypatch, *args)
    # without the early check the root reports the named module's files (the layout's expected.txt)
    assert {("MWAA201", "modules/mwaa/iam.tf", 33), ("MWAA402", "modules/mwaa/main.tf", 33)} <= set(reference[0])
    assert interleaved == reference


@pytest.fixture
def legacy_call(tmp_path):
    """dynamic_logging's root, also calling a copy of itself in legacy/ with `count = 0` (an
    environment retired): legacy/ is a module the root calls, no root of its own."""
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "layouts" / "dynamic_logging", tree)
    shutil.copytree(FIXTURES / "layouts" / "dynamic_logging", tree / "legacy")
    (tree / "expected.txt").unlink()
    (tree / "legacy" / "expected.txt").unlink()
    (tree / "legacy.tf").write_text('module "legacy" {\n  source = "./legacy"\n  count  = 0\n}\n')
    return tree


def _steps(cli, tree, monkeypatch):
    """(steps the root's evaluation took when prepared, and once checked)"""
    seen = []
    real_outcome = engine.outcome

    def outcome(prepared, rules, options):
        seen.append(prepared.ev.tree[0].steps)
        found = real_outcome(prepared, rules, options)
        seen.append(prepared.ev.tree[0].steps)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(engine, "outcome", outcome)
        patch.setattr(engine, "_called_by_no_text", lambda jobs, found: set())
        _report(cli, tree, "--no-cache", ".")
    return seen


def test_a_root_that_runs_out_of_steps_in_its_check_no_longer_calls_its_count_0_module(cli, legacy_call, monkeypatch):
    """The step budget (evaluate.MAX_STEPS) is the root's tree's, for the whole run. Without the
    early check, the directories a root calls (engine.called_directories, which evaluates the
    `source` of a call with no instance) are asked for before its rules run; with it, after,
    when a check that used up the budget leaves that source Unknown: legacy/ is then a root,
    checked with its own defaults. (The budget is made small so that the rules of this small
    tree use it up: 3 steps to prepare the root, 227 to check it; a large or hostile root spends
    3,000,000 the same way.) The result cache has the same hole without the early check: the
    entry's `called` is asked for after the check (engine._check, store.put), so a warm run
    differs from the cold one."""
    assert _steps(cli, legacy_call, monkeypatch) == [3, 227]
    monkeypatch.setattr(evaluate, "MAX_STEPS", 100)
    interleaved, reference = _both(cli, legacy_call, monkeypatch, "--no-cache", ".")
    assert not [f for f in reference[0] if f[1].startswith("legacy/")]
    assert interleaved == reference


def test_without_the_early_check_a_warm_run_differs_from_the_cold_one_on_the_same_budget(
        cli, legacy_call, monkeypatch, tmp_path):
    """The cache half of the test above, before e3882d2 too: the entry stored for the root
    names the directories it calls as asked for after its check, without legacy/."""
    monkeypatch.setattr(evaluate, "MAX_STEPS", 100)
    monkeypatch.setattr(engine, "_called_by_no_text", lambda jobs, found: set())
    cache = tmp_path / "cache"
    cold = _report(cli, legacy_call, "--cache-dir", cache, ".")
    warm = _report(cli, legacy_call, "--cache-dir", cache, ".")
    assert not [d for d in cold[1] if d[0] == "legacy"]
    assert warm == cold


class Forks:
    """The processes forked while the second fork fails, and `left()`: the workers still alive."""

    def __init__(self):
        self.forked: list = []
        self.before = set(multiprocessing.active_children())

    def left(self) -> list:
        return [process for process in multiprocessing.active_children() if process not in self.before]


@pytest.fixture
def second_fork_fails(monkeypatch):
    """fork() fails for the second worker (EAGAIN: a process limit); what the test made is killed
    at its end, whatever happens."""
    import multiprocessing.context as context

    forks, real_popen = Forks(), context.ForkProcess._Popen

    def popen(process):
        forks.forked.append(process)
        if len(forks.forked) == 2:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        return real_popen(process)

    monkeypatch.setattr(context.ForkProcess, "_Popen", staticmethod(popen))
    yield forks
    for process in forks.left():
        process.kill()
        process.join()


FORKED = pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                            reason="the workers are forked (Linux before 3.14)")


@FORKED
def test_a_pool_whose_second_worker_cannot_be_forked_leaves_no_process(second_fork_fails):
    """ParsePool.start gives None and the run parses its files itself, but the first worker,
    forked already, waited on a queue nobody writes to; multiprocessing's exit handler joined it,
    and the run never ended (`python -c` of this: killed by `timeout 60`, exit 124)."""
    from mwaa_lint import parse_pool

    assert parse_pool.ParsePool.start(2) is None
    assert len(second_fork_fails.forked) == 2
    assert second_fork_fails.left() == []
