"""The parse pool parses what the run will need, the modules the roots call included, so the main
process never builds the parser after the pool has (issue 20: "never build the parser twice").
The pool is forced here (PARALLEL_MIN_FILES = 1) on a root that calls a local module without
an environment of its own (tests/fixtures/layouts/vpc_module_subnets: the root holds the
environment and calls ./modules/vpc, which holds none)."""
import subprocess
import sys

from conftest import FIXTURES, REPO

PROBE = """
import sys
import mwaa_lint.loader as loader
loader.PARALLEL_MIN_FILES = 1
parsed_here = []
original = loader.parse_file
loader.parse_file = lambda path, data=None: (parsed_here.append(path.name), original(path, data))[1]
from mwaa_lint.cli import main
try:
    main(["check", sys.argv[1], "--no-cache", "--format", "concise", "--select", "MWAA1"])
except SystemExit as stop:
    print("exit", stop.code)
print("parsed in the main process:", sorted(parsed_here))
print("parser built in the main process:", "hcl2.parser" in sys.modules)
"""


def test_called_modules_are_parsed_in_the_pool(tmp_path):
    run = subprocess.run([sys.executable, "-c", PROBE, str(FIXTURES / "layouts" / "vpc_module_subnets")],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    lines = run.stdout.splitlines()
    assert "parsed in the main process: []" in lines, run.stdout + run.stderr
    assert "parser built in the main process: False" in lines
    assert any(line.startswith("exit ") for line in lines)
