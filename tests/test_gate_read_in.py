"""Project.reader: the gate's read for the textual pass over every file of a tree. It reads a
file of a directory without resolving the file's path, and must refuse exactly what read_bytes
refuses: a link leading outside the project, a FIFO, a file over the limit, anything when no
root is set; a link inside the project is read where it leads."""
import os

import pytest

from mwaa_lint.project import Project, Refused

TEXT = b'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "repo"
    (root / "network").mkdir(parents=True)
    (root / "network" / "main.tf").write_bytes(TEXT)
    (tmp_path / "secret.tf").write_bytes(b"outside the project\n")
    os.symlink("../../secret.tf", root / "network" / "secret.tf")
    os.symlink("main.tf", root / "network" / "alias.tf")
    os.mkfifo(root / "network" / "pipe.tf")
    (root / "network" / "big.tf").write_bytes(b"#" * 2000)
    return root


def test_a_regular_file_comes_with_its_status(tree):
    data, status = Project(str(tree), "test").reader(str(tree / "network"))("main.tf")
    assert data == TEXT and status.st_size == len(TEXT)
    assert status.st_mtime_ns == os.stat(tree / "network" / "main.tf").st_mtime_ns


def test_a_link_inside_the_project_is_read_where_it_leads(tree):
    data, _ = Project(str(tree), "test").reader(str(tree / "network"))("alias.tf")
    assert data == TEXT


@pytest.mark.parametrize("name, reason", [
    ("secret.tf", "leads outside the project root"),
    ("pipe.tf", "is a FIFO, not a regular file; not read"),
    ("big.tf", "over the 1000 bytes limit; not read"),
])
def test_refused_as_read_bytes_refuses(tree, name, reason):
    project = Project(str(tree), "test")
    with pytest.raises(Refused) as refused:
        project.reader(str(tree / "network"), limit=1000)(name)
    assert reason in refused.value.reason
    with pytest.raises(Refused) as same:
        project.read_bytes(tree / "network" / name, limit=1000, quiet=True)
    assert same.value.reason == refused.value.reason


def test_nothing_is_read_without_a_root(tree):
    with pytest.raises(Refused, match="no project root is set"):
        Project("", "test").reader(str(tree / "network"))("main.tf")


def test_a_directory_outside_the_project_is_refused(tree, tmp_path):
    with pytest.raises(Refused, match="is outside the project root"):
        Project(str(tree), "test").reader(str(tmp_path))("secret.tf")


def test_a_missing_file_is_the_os_error(tree):
    with pytest.raises(FileNotFoundError):
        Project(str(tree), "test").reader(str(tree / "network"))("absent.tf")
