""".terraform/modules/modules.json is written by whoever controls the repository: a pull request can
plant one. It is read through the project's gate, bounded, every field checked; a `Dir` that leads
outside the project (by `..`, an absolute path or a link) or anywhere but below
.terraform/modules/ is refused with a `not-read` error (exit 2) and its call is not followed;
what lies outside is never read. Each case starts from a copy of the manifest real
`terraform init` wrote for tests/fixtures/downloaded/registry."""
import json
import os
import shutil

import pytest
from conftest import FIXTURES

REGISTRY = FIXTURES / "downloaded" / "registry"
MANIFEST = ".terraform/modules/modules.json"
INIT = "run `terraform init` (`-backend=false` will do), or scan a plan"
CALLS = {  # the root's module calls: (line of the block, the name and source its notice gives)
    "vpc": (15, "module.vpc (terraform-aws-modules/vpc/aws)"),
    "vpc_endpoints": (31, "module.vpc_endpoints (terraform-aws-modules/vpc/aws//modules/vpc-endpoints)"),
    "mwaa_bucket": (55, "module.mwaa_bucket (git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3)"),
    "mwaa": (62, "module.mwaa (aws-ia/mwaa/aws)"),
}


@pytest.fixture
def root(tmp_path):
    """A copy of the registry root as its own repository, and beside it, outside the project, a
    module whose only file does not parse: were it ever read, a parse error would say so."""
    copy = tmp_path / "repo"
    shutil.copytree(REGISTRY, copy)
    (copy / ".git").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "main.tf").write_text('resource "aws_mwaa_environment" "planted" {\n')
    return copy


def edit_manifest(root, change):
    path = root / MANIFEST
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))


def set_dir(key, value):
    def change(document):
        for entry in document["Modules"]:
            if entry["Key"] == key:
                entry["Dir"] = value
    return change


def refused_notice(name):
    line, call = CALLS[name]
    return f"main.tf:{line}:1: notice: {call} was not followed: {MANIFEST} was refused for it (see the error about it); {INIT}"


def check(cli, root):
    run = cli(".", cwd=root)
    assert "outside/main.tf" not in run.stderr + run.stdout  # never parsed
    assert "planted" not in run.stderr + run.stdout
    return run


@pytest.mark.parametrize("directory, why", [
    ("../outside", 'has Dir "../outside", which climbs out with `..`'),
    (".terraform/modules/../../../outside", 'has Dir ".terraform/modules/../../../outside", which climbs out with `..`'),
    ("/etc", 'has Dir "/etc", not a relative path'),
    ("C:/Windows", 'has Dir "C:/Windows", not a relative path'),
    ("..\\outside", 'has Dir "..\\\\outside", not a relative path'),
    (".", 'has Dir ".", not a directory below .terraform/modules'),
    ("modules/terraform-aws-mwaa", 'has Dir "modules/terraform-aws-mwaa", not a directory below .terraform/modules'),
    (".terraform/modules", 'has Dir ".terraform/modules", not a directory below .terraform/modules'),
])
def test_a_dir_that_leads_out_is_refused(cli, root, directory, why):
    edit_manifest(root, set_dir("mwaa", directory))
    run = check(cli, root)
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"{MANIFEST}: error: entry \"mwaa\" {why}; that module is not followed", "", refused_notice("mwaa")]
    # the rest of the root is still checked: the VPC and bucket modules are followed
    assert run.stdout.splitlines()[0] == (
        f"No aws_mwaa_environment found in 17 files; 1 module call not followed: {CALLS['mwaa'][1]} — run "
        "`terraform init`, or scan a plan.")


def test_a_link_out_of_the_project_is_refused(cli, root):
    downloaded = root / ".terraform" / "modules" / "mwaa"
    shutil.rmtree(downloaded)
    downloaded.symlink_to(root.parent / "outside")
    run = check(cli, root)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == (
        f'{MANIFEST}: error: entry "mwaa" has Dir ".terraform/modules/mwaa", which leads outside the project root '
        f"{os.path.realpath(root)} (through a symbolic link); that module is not followed")
    assert refused_notice("mwaa") in run.stderr.splitlines()
    # the nested entry below it leads out through the same link
    assert 'entry "mwaa.execution_role" has Dir ".terraform/modules/mwaa/modules/execution-role", which leads outside' in run.stderr


def test_a_manifest_that_is_a_link_out_is_not_read(cli, root):
    (root.parent / "outside" / "modules.json").write_text((root / MANIFEST).read_text())
    (root / MANIFEST).unlink()
    (root / MANIFEST).symlink_to(root.parent / "outside" / "modules.json")
    run = check(cli, root)
    assert run.exit_code == 2
    # reports show paths with links resolved (Result.relpath), as for any refused read
    assert run.stderr.splitlines()[0] == (
        f"../outside/modules.json: error: leads outside the project root {os.path.realpath(root)} (through a symbolic "
        "link); not read")
    assert [line for line in run.stderr.splitlines() if "notice:" in line] == [refused_notice(name) for name in CALLS]


WHOLE = [
    ("{", "is not JSON (JSONDecodeError); not read"),
    ("[" * 100_000 + "]" * 100_000, "is not JSON (RecursionError); not read"),
    ("\udcff", "is not JSON (UnicodeDecodeError); not read"),
    ('{"Modules": {"mwaa": ".terraform/modules/mwaa"}}', 'is not a module manifest (no "Modules" list); not read'),
    ('[{"Key": "mwaa"}]', 'is not a module manifest (no "Modules" list); not read'),
    ('{"Modules": [' + ",".join(['{"Key": "k", "Source": "s", "Dir": ".terraform/modules/k"}'] * 10_001) + "]}",
     "has 10001 entries, over the limit of 10000; not read"),
    (" " * (1024 * 1024) + "{}", "is 1.0 MB, over the 1 MB limit; not read"),
]


@pytest.mark.parametrize("text, why", WHOLE, ids=["truncated", "deep", "not-utf8", "map", "list", "many", "huge"])
def test_a_manifest_that_is_no_manifest_is_refused_whole(cli, root, text, why):
    (root / MANIFEST).write_bytes(text.encode("utf-8", "surrogateescape"))
    run = check(cli, root)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == f"{MANIFEST}: error: {why}"
    assert [line for line in run.stderr.splitlines() if "notice:" in line] == [refused_notice(name) for name in CALLS]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_manifest_that_is_a_fifo_is_not_opened_for_long(cli, root):
    (root / MANIFEST).unlink()
    os.mkfifo(root / MANIFEST)
    run = check(cli, root)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == f"{MANIFEST}: error: is a FIFO, not a regular file; not read"


@pytest.mark.parametrize("change, why", [
    (lambda d: d["Modules"][1].update(Key=5), "entry 2 has Key 5, not a string"),
    (lambda d: d["Modules"][1].update(Dir=None), 'entry "mwaa" has Dir null, not a string'),
    (lambda d: d["Modules"][1].update(Source=["aws-ia/mwaa/aws"]), 'entry "mwaa" has Source list, not a string'),
    (lambda d: d["Modules"][1].update(Version=6), 'entry "mwaa" has Version 6, not a string'),
    (lambda d: d["Modules"].__setitem__(1, "mwaa"), "entry 2 is str, not an object"),
])
def test_an_entry_of_the_wrong_shape_is_refused(cli, root, change, why):
    edit_manifest(root, change)
    run = check(cli, root)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == f"{MANIFEST}: error: {why}; that module is not followed"
    # entry 2 is module.mwaa's: not followed, whether or not its key could be read
    notices = [line for line in run.stderr.splitlines() if "notice:" in line]
    assert [line.split(" was not followed")[0] for line in notices] == [f"main.tf:62:1: notice: {CALLS['mwaa'][1]}"]


def test_a_second_entry_for_a_refused_key_does_not_bring_it_back(cli, root):
    def change(document):
        good = dict(document["Modules"][1])
        document["Modules"][1]["Dir"] = "../outside"
        document["Modules"].append(good)

    edit_manifest(root, change)
    run = check(cli, root)
    assert run.exit_code == 2
    assert refused_notice("mwaa") in run.stderr.splitlines()


# --- not hostile: a manifest that does not cover the call ----------------------------------------


def test_a_missing_download_directory_is_said_and_not_read(cli, root):
    shutil.rmtree(root / ".terraform" / "modules" / "vpc")
    run = cli(".", "--format", "json", cwd=root)
    data = run.json()
    assert data["diagnostics"] == []
    assert [n["message"] for n in data["notices"]] == [
        f"{CALLS['vpc'][1]} was not followed: the directory .terraform/modules/vpc that {MANIFEST} records for it is "
        f"missing; {INIT}"]
    assert run.exit_code == 1  # the environment is still checked: its findings, less what needs the VPC
    assert len(data["findings"]) == 12


def test_a_call_added_since_the_last_init_is_said(cli, root):
    edit_manifest(root, lambda d: d.update(Modules=[m for m in d["Modules"] if m["Key"] != "vpc"]))
    data = cli(".", "--format", "json", cwd=root).json()
    assert data["diagnostics"] == []
    assert [n["message"] for n in data["notices"]] == [
        f"{CALLS['vpc'][1]} was not followed: it is not installed ({MANIFEST} has no entry for it); {INIT}"]


def test_a_call_whose_outputs_nothing_reads_is_not_mentioned_beside_the_environment(cli, root):
    """vpc_endpoints only creates endpoints; the environment (followed) reads none of its outputs."""
    edit_manifest(root, lambda d: d.update(Modules=[m for m in d["Modules"] if m["Key"] != "vpc_endpoints"]))
    run = cli(".", "--format", "json", cwd=root)
    assert run.json()["notices"] == [] and run.stderr == ""
    assert run.exit_code == 1 and len(run.json()["findings"]) == 12
