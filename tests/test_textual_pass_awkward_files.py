"""The textual pass (relevance.py) reads every file of a tree with nothing kept, a directory at
a time (FactsIndex.each, through the gate's Project.reader). Over a large tree with the awkward
files a real one has, it keeps every directory whose files it cannot settle, so the report is
the one a run parsing every module gives (--scan-all): the same findings and diagnostics."""
import os

import pytest
from conftest import FIXTURES, bench_tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The benchmark's monorepo, with the awkward files a real one has: a binary file, a
    UTF-16 one, a link to a file outside the project, and an environment in a .tf.json file."""
    root = bench_tree(tmp_path_factory.mktemp("awkward") / "tree")
    (root / "platform" / "odd").mkdir(parents=True)
    (root / "platform" / "odd" / "blob.tf").write_bytes(b"\x00\x01\x02binary\x00")
    (root / "platform" / "odd" / "wide.tf").write_bytes('variable "x" {}\n'.encode("utf-16"))
    (root.parent / "secret.tf").write_text('resource "aws_mwaa_environment" "x" {}\n')
    os.symlink("../../../secret.tf", root / "platform" / "odd" / "outside.tf")
    (root / "airflow" / "json-stack").mkdir()
    (root / "airflow" / "json-stack" / "main.tf.json").write_bytes(
        (FIXTURES / "layouts" / "tf_json_layout" / "main.tf.json").read_bytes())
    return root


def _report(cli, tree, *flags):
    data = cli(".", "--format", "json", "--no-cache", *flags, cwd=tree).json()
    return (sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]),
            sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"]))


def test_the_textual_pass_keeps_what_it_cannot_settle(cli, tree):
    skipping = _report(cli, tree)
    assert skipping == _report(cli, tree, "--scan-all")
    assert "airflow/json-stack/main.tf.json" in {path for _, path, _, _ in skipping[0]}
    diagnostics = {path: message for path, _, message in skipping[1]}
    # the link is reported where it leads, as every path of a report is (links resolved)
    assert set(diagnostics) == {"platform/odd/blob.tf", "platform/odd/wide.tf", "../secret.tf"}
    assert "binary file" in diagnostics["platform/odd/blob.tf"]
    assert "UTF-16" in diagnostics["platform/odd/wide.tf"]
    assert "outside the project" in diagnostics["../secret.tf"]
