"""The result cache is only as good as the record of what a check looked at (observations.py). This
test reads the code that runs while a root module is evaluated and checked — the evaluator,
the AWS helpers, every rule — and fails on any file system call that is not marked `# noted`:
the mark says an `observations.note()` of the same path comes just before it. A new rule that reads
a file therefore fails here until it records what it read."""
import ast
from pathlib import Path

from conftest import REPO

# The code a check runs, and the code that is not part of one: the command line and settings,
# discovery and the relevance pass (they decide which jobs there are; job identity is in the
# key), the caches themselves, output, and the recorders (the Loader and source.read_text
# note every read; a bare `read_text()` is source.read_text). Knowledge tables: the built-in
# ones are part of the code stamp, a user's replacement is hashed into the run key.
NOT_DURING_A_CHECK = {
    "__init__.py", "__main__.py", "cli.py", "settings.py", "config.py", "baseline.py", "discover.py", "listing.py", "relevance.py",
    "selection.py",  # file mode: which roots and files a run checks, before any check (the report is in the key)
    "cache.py", "cache_codec.py", "result_cache.py", "observations.py", "paths.py", "loader.py", "source.py", "engine.py", "registry.py",
    "project.py",  # the gate itself: its callers note what they ask of it
    "result.py",  # the Result, made after every check
    "parse.py", "parse_json.py", "json_reader.py",  # they are given text, never a path to read
    "fixing.py",  # --fix and --diff, between checks: the next check reads (and notes) what they made
    "plan.py",  # reads a plan before the checks, as discovery does; a root checked with a plan is never cached
    "rule_catalog.py",  # reads the installed rules' catalog as the rules load (package files, in the code stamp)
}
# Resolving a path (resolve, realpath, paths.real) is not in the list: a check uses it to tell
# whether two paths are one file, and any file it reads through a link is noted by content.
FILE_SYSTEM = {
    "open", "read_text", "read_bytes", "is_file", "is_dir", "exists", "iterdir", "glob", "rglob", "stat", "lstat",
    "is_symlink", "readlink", "samefile", "listdir", "scandir", "walk", "isfile", "isdir", "getsize", "getmtime",
    "expanduser",
}


def _code_of_a_check() -> list:
    package = REPO / "mwaa_lint"
    files = [p for p in package.glob("*.py") if p.name not in NOT_DURING_A_CHECK]
    helpers = [path for name in ("aws", "api", "functions") for path in sorted((package / name).glob("*.py"))]
    return files + helpers + sorted((REPO / "rules").glob("*.py"))


def _unmarked_calls(path: Path) -> list:
    """(line, its text) of each file system call in the file without the `# noted` mark."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, ast.Call):
            continue
        # `path.read_text()` is pathlib's; a bare `read_text(path)` is source.read_text, which notes
        # what it reads itself. Of bare names only open() touches the file system.
        if isinstance(node.func, ast.Attribute):  # observations.read_text() notes what it reads
            recorder = isinstance(node.func.value, ast.Name) and node.func.value.id == "observations"
            touches = node.func.attr in FILE_SYSTEM and not recorder
        else:
            touches = getattr(node.func, "id", "") == "open"
        if touches and "# noted" not in lines[node.lineno - 1]:
            found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


def test_the_scan_covers_the_rules_and_helpers():
    names = {p.name for p in _code_of_a_check()}
    assert {"evaluate.py", "files.py", "modules.py", "requirements.py", "variables.py", "s3_objects.py",
            "unpinned_requirement.py", "constraints_mismatch.py"} <= names
    assert len([p for p in _code_of_a_check() if p.parent.name == "rules"]) >= 28


def test_every_file_system_call_of_a_check_is_noted():
    unmarked = [f"{path.relative_to(REPO)}:{line}: {text}" for path in _code_of_a_check()
                for line, text in _unmarked_calls(path)]
    assert unmarked == []


def test_the_scan_finds_an_unmarked_read(tmp_path):
    rule = tmp_path / "reads_a_file.py"
    rule.write_text("def check(path):\n    if path.exists():  # noted\n        return open(path).read()\n", encoding="utf-8")
    assert _unmarked_calls(rule) == [(3, "return open(path).read()")]
