"""paths.real: within a run, the same answers as Path.resolve(), each path worked out once."""
import os
from pathlib import Path

import pytest

from mwaa_lint.paths import real, real_below, resolving_once


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "b" / "main.tf").write_text("")
    os.symlink(tmp_path / "a" / "b", tmp_path / "link")  # absolute target
    os.symlink("../..", tmp_path / "a" / "b" / "c" / "up")  # relative target, back up the tree
    os.symlink("missing", tmp_path / "dangling")
    monkeypatch.chdir(tmp_path / "a")
    return tmp_path


CASES = ["", ".", "..", "b/../..", "b/c/up/b", "b/c/up/b/c/up/b/main.tf", "../link/c", "../link/c/../..",
         "../link/../x", "../nope/../a", "../dangling", "../dangling/x", "../a//b//", "/", "/.."]


@pytest.mark.parametrize("case", CASES)
def test_same_as_resolve(tree, case):
    expected = Path(case).resolve()
    with resolving_once():
        assert real(case) == expected
        assert real(case) == expected  # and again, remembered
        assert real(Path(case)) == expected


def test_remembered_only_inside_a_run(tree):
    with resolving_once():
        assert real("b") == tree / "a" / "b"
        (tree / "a" / "b").rename(tree / "a" / "moved")
        os.symlink(tree / "a" / "moved", tree / "a" / "b")
        assert real("b") == tree / "a" / "b"  # the tree is taken as unchanged during a run
    assert real("b") == tree / "a" / "moved"  # outside a run: resolved afresh


def test_a_link_loop_resolves_without_raising(tree):
    os.symlink("loop2", tree / "loop1")
    os.symlink("loop1", tree / "loop2")
    with resolving_once():
        assert real(tree / "loop1" / "x") == tree / "loop1" / "x"  # as os.path.realpath leaves it


# module sources, relative to a module directory (resolved), as relevance.py resolves them
SOURCES = ["../b", "./c", "c/up/b", "./c/../c/up", "../../link/c", "../../link/c/../..", "../../dangling/x",
           "../nope/../b", "../../a//b//", "..", "../../../../../../..", "c/up/../..", "/abs/olute"]


@pytest.mark.parametrize("source", SOURCES)
def test_below_a_module_directory_same_as_realpath(tree, source):
    directories = [str(tree / "a" / "b"), str(tree / "a" / "b" / "c"), str(tree / "a"), "/"]
    with resolving_once():
        for directory in directories * 2:  # and again, remembered
            assert real_below(directory, source) == os.path.realpath(os.path.join(directory, source)), directory
    for directory in directories:  # outside a run
        assert real_below(directory, source) == os.path.realpath(os.path.join(directory, source))
