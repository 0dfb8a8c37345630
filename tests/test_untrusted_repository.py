"""A repository written by an attacker (tests/fixtures/untrusted/README.md): nothing outside it is
printed in any format, nothing outside it is written, every run ends within time and memory
limits, and each case gives exactly the diagnostics and exit code of its expected.txt."""
from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

UNTRUSTED = FIXTURES / "untrusted"
CASES = sorted(p.parent.name for p in (UNTRUSTED / "cases").glob("*/expected.txt"))
# The planted secret, an AWS key id beside it, and /etc/passwd's first lines.
SECRETS = ("FAKE-SECRET-9c1e5b", "AKIAFAKESECRET", "root:x:0:0", "daemon:x:")
REPORTS = ("text", "concise", "jsonl", "sarif", "github", "gitlab", "junit")  # besides json on stdout
MEMORY = 1 << 30  # address space: /dev/zero read whole would pass it within a second
SECONDS = 60
PLANTED_WRITE = Path("/tmp/mwaa-lint-hostile-write.sarif")


def read_expected(case: str) -> dict:
    expected: dict = {"exit": None, "lines": [], "stderr": [], "special": []}
    for raw in (UNTRUSTED / "cases" / case / "expected.txt").read_text().splitlines():
        line = raw.strip()
        word, _, rest = line.partition(" ")
        if not line or line.startswith("#"):
            continue
        if word == "exit":
            expected["exit"] = int(rest)
        elif word == "stderr":
            expected["stderr"].append(rest)
        elif word in ("link", "fifo", "big"):
            expected["special"].append((word, *rest.split()))
        else:
            expected["lines"].append(line)
    return expected


def lay_out(tmp_path: Path, case: str, special: list) -> tuple:
    """(the repository, the directory beside it that stands for the rest of the runner's disk)."""
    outside = tmp_path / "outside"
    shutil.copytree(UNTRUSTED / "outside", outside)
    repo = tmp_path / "repo"
    shutil.copytree(UNTRUSTED / "cases" / case, repo, ignore=shutil.ignore_patterns("expected.txt"))
    (repo / ".git").mkdir()
    for kind, name, *rest in special:  # what git cannot hold, made here
        if kind == "link":
            (repo / name).symlink_to(rest[0])
        elif kind == "fifo":
            os.mkfifo(repo / name)
        else:
            (repo / name).write_bytes(b"SUN:03:00\n" * (int(rest[0]) // 10))
    return repo, outside


def snapshot(directory: Path) -> dict:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


def mwaa_lint(repo: Path, reports: Path, cache: Path) -> tuple:
    """(exit code, stdout, stderr, {format: report text}) of one run in every format, with
    standard input an open pipe no one writes to (a read of /dev/stdin would wait forever)."""
    reports.mkdir()
    args = ["--format", "json", "--cache-dir", str(cache), *(a for f in REPORTS for a in ("--output", f"{f}:{reports / f}"))]
    env = {**os.environ, "NO_COLOR": "1"}
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen([sys.executable, "-m", "mwaa_lint", ".", *args], cwd=repo, stdin=read_end,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_limits)
        os.close(read_end)
        try:
            stdout, stderr = process.communicate(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"mwaa-lint did not finish in {SECONDS} s")
    finally:
        os.close(write_end)
    written = {f: (reports / f).read_text(errors="replace") for f in REPORTS if (reports / f).exists()}
    return process.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace"), written


def as_lines(document: dict) -> list:
    """The JSON report's diagnostics and findings, written as in expected.txt."""
    lines = []
    for d in document["diagnostics"]:
        where = d["path"] or "mwaa-lint"
        if d["line"]:
            where += f":{d['line']}:{d['column']}"
        lines.append(f"{where}: error: {d['message']}")
    lines += [f"{f['rule_id']} {f['path']}:{f['line']}" for f in document["findings"]]
    return sorted(lines)


@pytest.mark.parametrize("case", CASES)
def test_an_untrusted_repository(tmp_path, case):
    expected = read_expected(case)
    repo, outside = lay_out(tmp_path, case, expected["special"])
    before = snapshot(outside)
    PLANTED_WRITE.unlink(missing_ok=True)

    code, stdout, stderr, reports = mwaa_lint(repo, tmp_path / "reports", tmp_path / "cache")

    printed = "\n".join([stdout, stderr, *reports.values()])
    assert [s for s in SECRETS if s in printed] == []
    assert snapshot(outside) == before and not PLANTED_WRITE.exists()
    assert "Traceback" not in stderr
    assert code == expected["exit"], stderr
    names = {"{root}": str(repo.resolve()), "{outside}": str(outside.resolve())}

    def filled(line: str) -> str:
        for placeholder, value in names.items():
            line = line.replace(placeholder, value)
        return line

    for line in expected["stderr"]:
        assert filled(line) in stderr.splitlines()
    if expected["lines"]:
        assert as_lines(json.loads(stdout)) == sorted(map(filled, expected["lines"]))
        assert set(reports) == set(REPORTS)  # the command line's reports are all written


def test_every_case_has_an_expectation():
    # a case is a directory of Terraform; running mwaa-lint inside config_output_outside in this
    # repository (the project) rightly writes its report to cases/outside/, which is no case
    cases = [p for p in (UNTRUSTED / "cases").iterdir() if p.is_dir() and any(p.glob("*.tf"))]
    assert CASES == sorted(p.name for p in cases)
