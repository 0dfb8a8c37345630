"""A warm run does not list a directory again while it is unchanged, nor look again at what
its configuration files say while each of them is unchanged (listing.py, relevance.py): that is
what keeps a warm run on a large monorepo flat. Whatever changes is seen: a file added or
removed (the directory's time changes), a file edited in place (its own time changes, not the
directory's), a symbolic link pointed elsewhere (a directory holding one is listed every time),
and a directory changed in the last seconds, which a coarse file system clock could not tell
from a change made just after it was listed. Every run's report is the report of a run without
a cache."""
import os
import shutil
import time

import pytest
from conftest import FIXTURES
from test_cache_poison import age

from mwaa_lint import listing

ENVIRONMENT = '''
resource "aws_mwaa_environment" "analytics" {
  name                  = "analytics"
  airflow_version       = "2.10.3"
  environment_class     = "mw1.small"
  dag_s3_path           = "dags/"
  execution_role_arn    = "arn:aws:iam::123456789012:role/analytics-mwaa"
  source_bucket_arn     = "arn:aws:s3:::acme-analytics-airflow"
  webserver_access_mode = "PRIVATE_ONLY"
  max_workers           = 50

  network_configuration {
    security_group_ids = ["sg-0123456789abcdef0"]
    subnet_ids         = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }
}
'''
VPC = '''resource "aws_vpc" "analytics" {
  cidr_block = "10.40.0.0/16"

  tags = {
    Name = "analytics"
  }
}
'''


@pytest.fixture
def tree(tmp_path):
    """The pre-commit fixture's monorepo and a directory of network code with no MWAA in it,
    dated an hour back (as a checkout is, but for the files someone is editing)."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "precommit_module", root)
    (root / "analytics").mkdir()
    (root / "analytics" / "network.tf").write_text(VPC)
    age(root)
    return root


@pytest.fixture
def listed(monkeypatch):
    """The directories a run lists (reads the entries of), in order."""
    seen: list = []
    real_entries = listing._entries

    def entries(directory):
        seen.append(os.path.basename(directory))
        return real_entries(directory)

    monkeypatch.setattr(listing, "_entries", entries)
    return seen


@pytest.fixture
def scanned(monkeypatch):
    """Every directory anything lists in the test (os.scandir), resolved: the walk, the textual
    pass, the evaluator, and Python's imports."""
    seen: list = []
    real_scandir = os.scandir

    def scandir(path="."):
        if not isinstance(path, int):  # shutil.rmtree lists by descriptor
            seen.append(os.path.realpath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return seen


def report(cli, tree, *args):
    data = cli(".", "--format", "json", *args, cwd=tree).json()
    return (sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]),
            sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"]), data["stats"])


def uncached(cli, tree):
    return report(cli, tree, "--no-cache")[:2]


def test_a_warm_run_lists_no_directory(cli, tree, tmp_path, listed):
    cache = tmp_path / "cache"
    cold = report(cli, tree, "--cache-dir", cache)
    assert "analytics" in listed and "modules" in listed
    listed.clear()
    warm = report(cli, tree, "--cache-dir", cache)
    assert listed == []
    assert warm[:2] == cold[:2] == uncached(cli, tree)
    assert warm[2]["files_parsed"] == 0 and warm[2]["directories_skipped"] == cold[2]["directories_skipped"] == 1


def test_an_environment_written_into_a_file_in_place_is_seen(cli, tree, tmp_path, listed):
    cache = tmp_path / "cache"
    before = report(cli, tree, "--cache-dir", cache)
    assert not [f for f in before[0] if f[1].startswith("analytics/")]
    directory_time = os.stat(tree / "analytics").st_mtime_ns
    with open(tree / "analytics" / "network.tf", "a", encoding="utf-8") as handle:  # as an editor saving in place does
        handle.write(ENVIRONMENT)
    assert os.stat(tree / "analytics").st_mtime_ns == directory_time  # so its listing is still the one kept
    listed.clear()
    after = report(cli, tree, "--cache-dir", cache)
    assert "analytics" not in listed
    assert after[:2] == uncached(cli, tree)
    assert ("MWAA501", "analytics/network.tf", 17, "max_workers is 50; expected max_workers <= 25") in after[0]
    assert after[2]["directories_skipped"] == 0


def test_a_file_added_and_removed_is_seen(cli, tree, tmp_path, listed):
    cache = tmp_path / "cache"
    report(cli, tree, "--cache-dir", cache)
    (tree / "analytics" / "mwaa.tf").write_text(ENVIRONMENT)
    age(tree / "analytics")  # the directory's time moves, but not to within the last seconds
    os.utime(tree / "analytics", ns=(time.time_ns() - 600 * 10**9,) * 2)
    listed.clear()
    added = report(cli, tree, "--cache-dir", cache)
    assert listed == ["analytics"]
    assert added[:2] == uncached(cli, tree)
    assert [f[:3] for f in added[0] if f[1].startswith("analytics/")] == [
        ("MWAA401", "analytics/mwaa.tf", 2), ("MWAA402", "analytics/mwaa.tf", 2), ("MWAA501", "analytics/mwaa.tf", 10)]
    (tree / "analytics" / "mwaa.tf").unlink()
    os.utime(tree / "analytics", ns=(time.time_ns() - 300 * 10**9,) * 2)
    removed = report(cli, tree, "--cache-dir", cache)
    assert removed[:2] == uncached(cli, tree)
    assert not [f for f in removed[0] if f[1].startswith("analytics/")]


def test_a_directory_changed_in_the_last_seconds_is_listed_every_time(cli, tree, tmp_path, listed):
    cache = tmp_path / "cache"
    (tree / "analytics" / "outputs.tf").write_text('output "vpc_id" {\n  value = aws_vpc.analytics.id\n}\n')
    report(cli, tree, "--cache-dir", cache)
    listed.clear()
    warm = report(cli, tree, "--cache-dir", cache)
    assert listed == ["analytics"]  # the others were kept
    assert warm[:2] == uncached(cli, tree)


def test_a_directory_holding_a_link_is_listed_every_time(cli, tree, tmp_path, listed):
    """`modules` in analytics/ is a link; pointing it elsewhere changes what the directory's
    Terraform calls, and nothing about analytics/ itself."""
    (tree / "shared" / "quiet").mkdir(parents=True)
    (tree / "shared" / "quiet" / "main.tf").write_text(VPC.replace("analytics", "shared"))
    (tree / "shared" / "mwaa").mkdir()
    (tree / "shared" / "mwaa" / "main.tf").write_text(ENVIRONMENT)
    os.symlink("../shared/quiet", tree / "analytics" / "modules")
    (tree / "analytics" / "main.tf").write_text('module "platform" {\n  source = "./modules"\n}\n')
    age(tree)
    cache = tmp_path / "cache"
    first = report(cli, tree, "--cache-dir", cache)
    assert first[:2] == uncached(cli, tree)
    assert first[2]["directories_skipped"] == 2  # analytics/ and shared/quiet: no environment in reach
    directory_time = os.stat(tree / "analytics").st_mtime_ns
    os.unlink(tree / "analytics" / "modules")
    os.symlink("../shared/mwaa", tree / "analytics" / "modules")
    os.utime(tree / "analytics", ns=(directory_time, directory_time))  # as if the directory were unchanged
    listed.clear()
    second = report(cli, tree, "--cache-dir", cache)
    assert listed == ["analytics"]
    assert second[:2] == uncached(cli, tree)
    assert second[2]["directories_skipped"] == 1  # shared/quiet; analytics/ now calls an environment


@pytest.mark.parametrize("planted", [("..",), ("../../outside",), (".git",), ("",)])
def test_a_planted_listing_cannot_take_the_walk_elsewhere(cli, tree, tmp_path, listed, planted):
    """A well-formed index (a cache restored on a pull request) whose entry for analytics/
    names a subdirectory that is no name of its own: the entry is not used, and nothing
    outside the project is listed."""
    from mwaa_lint import cache_codec

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(ENVIRONMENT)
    (tree / ".git").mkdir()
    (tree / ".git" / "main.tf").write_text(ENVIRONMENT)
    age(tree)
    cache = tmp_path / "cache"
    clean = report(cli, tree, "--cache-dir", cache)
    index = cache / "directory-listings.json"
    directories, *columns = cache_codec.load(cache, (index.name,), listing.COLUMNS, listing._KEY)
    at = directories.index(str((tree / "analytics").resolve()))
    mtime, others, configuration, var_files, subdirectories, *_ = columns  # listing.COLUMNS
    subdirectories = list(subdirectories)
    subdirectories[at] = planted
    columns[4] = tuple(subdirectories)
    assert cache_codec.save(cache, (index.name,), (directories, *columns), listing.COLUMNS, listing._KEY)
    listed.clear()
    planted_run = report(cli, tree, "--cache-dir", cache)
    assert listed == ["analytics"]  # listed again, as it is: the planted entry was a miss
    assert planted_run[:2] == clean[:2] == uncached(cli, tree)
    assert not [f for f in planted_run[0] if "outside" in f[1] or ".git" in f[1]]


def test_nothing_outside_the_project_is_listed(cli, tree, tmp_path, scanned):
    """A module call out of the project (`source = "../../../outside"`) is reported, and the
    directory it names is neither listed nor read, by the walk, the textual pass or the
    evaluator."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(ENVIRONMENT)
    (tree / "analytics" / "main.tf").write_text('module "shared" {\n  source = "../../outside"\n}\n')
    (tree / ".git").mkdir()  # the project root is the repository's
    for args in (["--no-cache"], ["--cache-dir", tmp_path / "cache"], ["--cache-dir", tmp_path / "cache"]):
        found = report(cli, tree, *args)
        assert ("analytics/main.tf", 2, f"module source analytics/../../outside is outside the project root "
                f"{tree.resolve()}; not followed") in found[1]
    assert str((tree / "analytics").resolve()) in scanned  # the spy saw the walk
    assert not [path for path in scanned if path.startswith(str(outside.resolve()))]


@pytest.mark.parametrize("target", ["outside", "inside"])
def test_a_directory_replaced_by_a_link_is_followed_as_a_link(cli, tree, tmp_path, scanned, target):
    """analytics/ becomes a link (to a directory outside the project, or to a module inside
    it), and the project root's time is put back: the kept listing of the root still says
    analytics/ is a directory. The walk sees the link for what it is."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(ENVIRONMENT)
    cache = tmp_path / "cache"
    report(cli, tree, "--cache-dir", cache)
    root_time = os.stat(tree).st_mtime_ns
    shutil.rmtree(tree / "analytics")
    os.symlink("../outside" if target == "outside" else "platform/modules/mwaa", tree / "analytics")
    os.utime(tree, ns=(root_time, root_time))
    scanned.clear()
    warm = report(cli, tree, "--cache-dir", cache)
    assert warm[:2] == uncached(cli, tree)
    assert not [path for path in scanned if path.startswith(str(outside.resolve()))]
    if target == "outside":
        assert ("../outside", 0, f"symbolic link analytics leads outside the project root {tree.resolve()}; "
                "not followed") in warm[1]


@pytest.mark.parametrize("name", ["a\0b", "\ud800.tf"])
def test_a_planted_name_no_file_system_has_is_a_miss(cli, tree, tmp_path, name):
    from mwaa_lint import cache_codec

    cache = tmp_path / "cache"
    clean = report(cli, tree, "--cache-dir", cache)
    index = cache / "directory-listings.json"
    directories, *columns = cache_codec.load(cache, (index.name,), listing.COLUMNS, listing._KEY)
    at = directories.index(str((tree / "analytics").resolve()))
    for column in (2, 4):  # its configuration files, then its subdirectories
        planted = [list(each) for each in columns[column]]
        planted[at] = [*planted[at], name]
        changed = list(columns)
        changed[column] = tuple(tuple(each) for each in planted)
        assert cache_codec.save(cache, (index.name,), (directories, *changed), listing.COLUMNS, listing._KEY)
        assert report(cli, tree, "--cache-dir", cache)[:2] == clean[:2]


def _kept(cache):
    """(the directories the listings index keeps, the files the per-file index keeps)."""
    from mwaa_lint import cache_codec, relevance

    directories = cache_codec.load(cache, ("directory-listings.json",), listing.COLUMNS, listing._KEY)[0]
    files = cache_codec.load(cache, ("relevance-index.json",), relevance.COLUMNS, relevance._KEY)[0]
    return set(directories), set(files)


def test_what_is_deleted_leaves_the_indexes(cli, tree, tmp_path):
    """A directory and a file deleted since the last run: once their parent is listed again,
    neither index keeps an entry for them or anything below them (the indexes would otherwise
    grow with every file ever deleted)."""
    (tree / "analytics" / "legacy").mkdir()
    (tree / "analytics" / "legacy" / "old").mkdir()
    (tree / "analytics" / "legacy" / "old" / "vpc.tf").write_text(VPC.replace("analytics", "old"))
    (tree / "analytics" / "outputs.tf").write_text('output "vpc_id" {\n  value = aws_vpc.analytics.id\n}\n')
    age(tree)
    cache = tmp_path / "cache"
    report(cli, tree, "--cache-dir", cache)
    analytics = str((tree / "analytics").resolve())
    legacy, old, outputs = analytics + "/legacy", analytics + "/legacy/old", analytics + "/outputs.tf"
    directories, files = _kept(cache)
    assert {analytics, legacy, old} <= directories
    assert {outputs, old + "/vpc.tf", analytics + "/network.tf"} <= files
    shutil.rmtree(tree / "analytics" / "legacy")
    (tree / "analytics" / "outputs.tf").unlink()
    os.utime(tree / "analytics", ns=(time.time_ns() - 600 * 10**9,) * 2)
    after = report(cli, tree, "--cache-dir", cache)
    assert after[:2] == uncached(cli, tree)
    directories, files = _kept(cache)
    assert analytics in directories and not {legacy, old} & directories
    assert analytics + "/network.tf" in files and not {outputs, old + "/vpc.tf"} & files
