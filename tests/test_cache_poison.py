"""A cache directory from an untrusted source (CI restores one on a pull request from a fork)
never runs code, never hangs, never crashes a run: whatever was planted in it, each run exits
as a run with --no-cache does, with the same findings. Entries are JSON read back into a closed
set of classes (mwaa_lint/cache_codec.py); anything else in their place is a miss.

The first part plants caches and runs the command line in a subprocess, under a time and memory
limit; the second tests the codec itself: every class it holds comes back equal, every kind of
bad input is refused."""
import dataclasses
import datetime
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import time
import typing
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

from mwaa_lint import cache_codec as codec
from mwaa_lint import model as m
from mwaa_lint import observations
from mwaa_lint.cache import Unparsed
from mwaa_lint.diagnostic import Diagnostic
from mwaa_lint.fixes import Edit, Fix
from mwaa_lint.parse import parse_hcl
from mwaa_lint.parse_json import parse_tf_json
from mwaa_lint.relevance import COLUMNS
from mwaa_lint.requirements import ParsedRequirements, _parse
from mwaa_lint.result_cache import Entry, Outcome
from mwaa_lint.rule import Finding, Severity
from mwaa_lint.suppress import Suppression

TIME_LIMIT = 60  # seconds a poisoned run may take (a clean one takes about one)
MEMORY_LIMIT = 2 << 30  # bytes of address space


class Payload:
    """Unpickling this creates the file `marker`: what a planted pickle entry would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Roots with a local module and requirements files, suppressions (with dates), a JSON
    syntax module, and a directory without MWAA that the relevance pass skips."""
    root = tmp_path_factory.mktemp("poison") / "tree"
    shutil.copytree(FIXTURES / "layouts" / "requirements_via_module", root / "stack")
    shutil.copytree(FIXTURES / "suppress" / "team_exceptions", root / "team")
    shutil.copytree(FIXTURES / "layouts" / "tf_json_layout", root / "json")
    (root / "platform" / "vpc").mkdir(parents=True)
    (root / "platform" / "vpc" / "main.tf").write_text('resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    age(root)  # so that the directories' listings are kept too (listing.py), and planted over below
    return root


def age(root: Path, seconds: int = 3600) -> None:
    """Date everything under `root` (and it) `seconds` back: a directory changed in the last
    seconds is listed again on every run rather than kept (listing.RECENT_NS)."""
    when = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when), follow_symlinks=False)


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def lint(tree: Path, *args) -> tuple:
    """(exit code, report, stderr) of `mwaa-lint . --format json ARGS` in a subprocess with
    a time and memory limit."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TF_VAR_", "MWAA_LINT_")) or k == "MWAA_LINT_NO_RULE_PACKS"}  # see conftest.py
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "mwaa_lint", ".", "--format", "json", *map(str, args)], cwd=tree,
                         env=env, capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=_limits)
    assert time.monotonic() - started < TIME_LIMIT
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout), run.stderr


@pytest.fixture(scope="module")
def expected(tree) -> tuple:
    code, report, _ = lint(tree, "--no-cache")
    assert report["findings"] and code == 1
    return code, report["findings"], report["diagnostics"]


@pytest.fixture(scope="module")
def genuine(tree, tmp_path_factory, expected) -> Path:
    """A cache a clean run filled: its entries' names are the ones to plant under."""
    cache = tmp_path_factory.mktemp("genuine") / "cache"
    code, report, _ = lint(tree, "--cache-dir", cache)
    assert (code, report["findings"], report["diagnostics"]) == expected
    return cache


def entries(cache: Path) -> list:
    found = sorted(p for p in cache.rglob("*.json") if p.is_file())
    kinds = {"index" if p.parent == cache else "result" if p.parent.parent.name == "results" else "parse" for p in found}
    assert kinds == {"index", "result", "parse"}, kinds  # each kind of entry is there to poison
    assert {"relevance-index.json", "directory-listings.json"} <= {p.name for p in found}
    return found


def poisoned(genuine: Path, tmp_path: Path, plant) -> Path:
    """A copy of the genuine cache with `plant(entry)` applied to each of its entries."""
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache, symlinks=True)
    for entry in entries(cache):
        plant(entry)
    return cache


def check_clean_run(tree: Path, cache: Path, expected: tuple) -> dict:
    code, report, _ = lint(tree, "--cache-dir", cache)
    assert (code, report["findings"], report["diagnostics"]) == expected
    assert not list(cache.rglob(".tmp-*"))
    return report["stats"]


def test_the_pickle_payload_is_live(tmp_path):
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(Payload(marker)))
    assert marker.exists()  # so its absence below means it was never unpickled


def test_pickle_payloads_never_run(tree, genuine, expected, tmp_path):
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(Payload(marker), protocol=pickle.HIGHEST_PROTOCOL)

    def plant(entry: Path):  # under the new name and the name the pickle caches used
        entry.write_bytes(payload)
        entry.with_suffix(".pickle").write_bytes(payload)

    cache = poisoned(genuine, tmp_path, plant)
    (cache / "relevance-index.pickle").write_bytes(payload)
    check_clean_run(tree, cache, expected)
    assert not marker.exists()
    check_clean_run(tree, cache, expected)  # the entries written over them serve the next run
    assert not marker.exists()


def _rewrite(change):
    def plant(entry: Path):
        document = json.loads(entry.read_bytes())
        entry.write_bytes(change(document))
    return plant


def _first(value, want):
    """The first list in `value` (depth first) with an item for which `want(item)` holds, and its index."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            for i, item in enumerate(current):
                if want(item):
                    return current, i
            stack.extend(reversed(current))
        elif isinstance(current, dict):
            stack.extend(reversed(list(current.values())))
    return None, None


def _bool_for_int(document):
    found, i = _first(document["value"], lambda item: type(item) is int)
    if found is not None:
        found[i] = bool(found[i] % 2)
    else:
        document["value"] = True
    return json.dumps(document).encode()


def _unknown_tags(document):
    text = json.dumps(document)
    for name in ("Literal", "Template", "Name", "GetAttr", "Finding", "Location"):
        text = text.replace(f'["{name}"', '["os.system"')
    return text.replace('"value": [', '"value": ["Bound", ', 1).encode()


def _with(**changes):
    def change(document):
        document.update(changes)
        return json.dumps(document).encode()
    return change


FORGERIES = {
    "a bool where an int is declared": _bool_for_int,
    "unknown class tags": _unknown_tags,
    "another format version": _with(version=2),
    "the version as a bool": _with(version=True),
    "a key other than its name": _with(key="0" * 64),
    "no path table": _with(paths=[]),
    "paths that are not strings": lambda d: json.dumps({**d, "paths": [1] * max(1, len(d["paths"]))}).encode(),
    "a field too many": lambda d: json.dumps({**d, "value": [*d["value"], 0]}).encode(),
    "a field too few": lambda d: json.dumps({**d, "value": d["value"][:-1]}).encode(),
    "a field more at the top": _with(extra=1),
    "NaN": lambda d: json.dumps(d).replace('"version": 1', '"version": NaN').encode(),
    "bytes that are not UTF-8": lambda d: json.dumps(d).encode().replace(b'"key"', b'"k\xffey"'),
    "deep nesting": lambda d: json.dumps({**d, "value": 0}).encode().replace(b'"value": 0', b'"value": ' + b"[" * 200_000 + b"]" * 200_000),
    "a huge integer": lambda d: json.dumps(d).encode().replace(b'"version": 1', b'"version": 1' + b"0" * 100_000),
    "an object where an array is": _with(value={"path": "x"}),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_entries_are_misses(tree, genuine, expected, tmp_path, forgery):
    cache = poisoned(genuine, tmp_path, _rewrite(FORGERIES[forgery]))
    stats = check_clean_run(tree, cache, expected)
    assert stats["roots_reused"] == 0 and stats["files_from_cache"] == 0


def test_entries_under_each_others_names_are_misses(tree, genuine, expected, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache)
    for kind in ([p for p in entries(cache) if p.parent.parent.name == "results"],
                 [p for p in entries(cache) if p.parent != cache and p.parent.parent.name != "results"]):
        contents = [p.read_bytes() for p in kind]
        for path, content in zip(kind, contents[1:] + contents[:1]):  # each holds its neighbour's entry
            path.write_bytes(content)
    stats = check_clean_run(tree, cache, expected)
    assert stats["roots_reused"] == 0 and stats["files_from_cache"] == 0


def test_an_observation_outside_the_project_is_a_miss(tree, genuine, expected, tmp_path):
    # A result entry is used only while what it observed still holds: an entry asking about a
    # directory outside the project would tell whoever planted it whether its guess was right.
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "id_rsa").write_text("a secret")
    record = ["listing", str(outside), observations.observe("listing", str(outside))]  # a right guess

    def plant(entry: Path):
        document = json.loads(entry.read_bytes())
        if entry.parent.parent.name == "results":
            document["value"][0].append(record)
        entry.write_bytes(json.dumps(document).encode())

    cache = poisoned(genuine, tmp_path, plant)
    assert check_clean_run(tree, cache, expected)["roots_reused"] == 0
    assert check_clean_run(tree, cache, expected)["roots_reused"] > 0  # rewritten without it


def test_truncated_entries_are_misses(tree, genuine, expected, tmp_path):
    cache = poisoned(genuine, tmp_path, lambda entry: entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2]))
    stats = check_clean_run(tree, cache, expected)
    assert stats["roots_reused"] == 0 and stats["files_from_cache"] == 0


def _replace(make):
    def plant(entry: Path):
        entry.unlink()
        make(entry)
    return plant


def _huge(entry: Path):
    with open(entry, "wb") as handle:  # sparse: one byte over the limit costs no disk
        handle.truncate(codec.MAX_ENTRY_BYTES + 1)


def _link_to_a_copy(entry: Path):
    """The genuine entry, moved out of the cache directory, and a link to it in its place."""
    outside = next(p for p in entry.parents if p.name == "cache").parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    target = outside / f"{len(list(outside.iterdir()))}-{entry.name}"
    shutil.move(entry, target)
    entry.symlink_to(target)


@pytest.mark.parametrize("plant", [
    _replace(os.mkfifo), _replace(lambda entry: entry.symlink_to("/dev/zero")), _replace(Path.mkdir), _huge, _link_to_a_copy,
], ids=["fifo", "link-to-dev-zero", "directory", "huge-file", "link-to-a-genuine-entry"])
def test_what_is_not_a_regular_file_or_too_large_is_a_miss(tree, genuine, expected, tmp_path, plant):
    cache = poisoned(genuine, tmp_path, plant)
    stats = check_clean_run(tree, cache, expected)
    assert stats["roots_reused"] == 0 and stats["files_from_cache"] == 0


def test_a_linked_directory_in_the_cache_is_neither_read_nor_written(tree, genuine, expected, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache)
    outside = tmp_path / "elsewhere"
    shutil.move(cache / "results", outside)  # genuine entries, which would answer every root
    (cache / "results").symlink_to(outside)
    for directory in [p for p in cache.iterdir() if p.is_dir() and not p.is_symlink()][:1]:
        shutil.move(directory, tmp_path / "elsewhere-parse")
        directory.symlink_to(tmp_path / "elsewhere-parse")
    before = sorted((p, p.stat().st_mtime_ns) for p in [*outside.rglob("*"), *(tmp_path / "elsewhere-parse").rglob("*")])
    stats = check_clean_run(tree, cache, expected)
    assert stats["roots_reused"] == 0
    after = sorted((p, p.stat().st_mtime_ns) for p in [*outside.rglob("*"), *(tmp_path / "elsewhere-parse").rglob("*")])
    assert after == before


# --- The codec --------------------------------------------------------------------------------

EVERY_EXPRESSION = '''
locals {
  number   = 1
  float    = 1.5
  infinite = 1e400
  large    = 123456789012345678901234567890
  nothing  = null
  text     = "a ${var.a} b%{ if var.x }c%{ else }d%{ endif }%{ for k, v in var.m }${k}%{ endfor }"
  heredoc  = <<EOT
hello ${var.b}
EOT
  tuple    = [1, "two", true]
  object   = { a = 1, "b" = false }
  index    = var.list[0]
  splat    = var.list[*].id
  call     = merge(var.a, var.b...)
  binary   = 1 + 2 * 3
  unary    = !true
  cond     = var.x ? 1 : -1
  for_list = [for v in var.l : upper(v) if v != ""]
  for_map  = { for k, v in var.m : k => v... }
}

resource "aws_mwaa_environment" "this" {
  name = "x" # mwaa-lint: ignore[MWAA501] until=2030-01-01
  dynamic "logging" {
    for_each = var.levels
    content {
      level = logging.value
    }
  }
  network_configuration {
    subnet_ids = ["a", "b"]
  }
}
'''

REQUIREMENTS = """\
-r other.txt
-c constraints.txt
--index-url https://example.com/simple
apache-airflow-providers-amazon==8.0.0
requests>=2 ; python_version >= "3.8"
git+https://github.com/org/repo@main#egg=thing
not a requirement!!
"""


def samples() -> list:
    """(spec, value): a value of every class the codec holds, with every kind of field."""
    here = Path("/work/stack/main.tf")
    odd = Path("/work/stack/caf\udce9.tf")  # a name with a byte that is not UTF-8
    model = parse_hcl(EVERY_EXPRESSION, here)
    loc = m.Location(here, 3, 5, 3, 30)
    suppression = Suppression(here, 23, 16, ["MWAA501"], "", datetime.date(2030, 1, 1), first=23, last=23)
    used = Suppression(odd, 1, 1, ["MWAA1O2", "wildcard-action"], "typo", None, bad_until="2027-13-01",
                       file_level=True, used=True)
    finding = Finding("MWAA201", "wildcard-action", Severity.ERROR, "logs:* \u2014 too wide", here, 3, 5, 3, 30,
                      "aws_iam_role_policy.this", related=((loc, "source_bucket_arn of aws_mwaa_environment.this"),),
                      fix=Fix("add a line", (Edit(here, 3, 5, 3, 30, 'x = "logs:*"\n  y = 1', 'x = "logs:*"'),)))
    outcome = Outcome([finding], [Diagnostic(None, 0, 0, "no project"), Diagnostic(odd, 2, 1, "bad", kind="read-error")],
                      3, {odd}, {here: ([suppression, used], True), odd: ([], False)})
    literal = m.Literal(loc, float("-inf"))
    return [
        (m.File, model),
        (m.File, parse_tf_json('{"resource": {"aws_s3_bucket": {"b": {"bucket": "x-${var.y}", "n": [1, 2.5, null]}}}}', odd)),
        (m.File, m.File(odd, "\udce9", [], {"a": m.Attribute("a", literal, loc)})),
        (ParsedRequirements, _parse(REQUIREMENTS)),
        (Entry, Entry([("read", "/work/stack/main.tf", "ab" * 32), ("listing", "/work", "a:True")], {here.parent}, outcome)),
        (Entry, Entry([], set(), None)),
        (COLUMNS, (("/a.tf", "/b.tf"), (1, 2), (10**18, 3), (True, False), ((), ("./modules/mwaa", "../x")))),
        (Any, {"a": [1, (2, 3.5), {here}], 4: datetime.date(2024, 2, 29), None: float("inf"), "loc": loc, "": [finding]}),
        (list, [1, "x", None, [True]]),
        (Unparsed, Unparsed([Diagnostic(here, 4, 27, "Invalid single-argument block definition",
                                        fix=Fix("split it", (Edit(here, 4, 1, 4, 44, "a\nb", "a, b"),))),
                             Diagnostic(odd, 0, 0, "file has more than 500,000 tokens; not checked")])),
    ]


def _classes_in(value, found: set) -> set:
    if dataclasses.is_dataclass(value):
        found.add(type(value))
        for f in dataclasses.fields(value):
            _classes_in(getattr(value, f.name), found)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            _classes_in(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _classes_in(key, found)
            _classes_in(item, found)
    return found


def allow_list() -> dict:
    codec._codec(ParsedRequirements)  # both groups taken in
    return codec._layouts


def test_the_samples_hold_every_allow_listed_class():
    found: set = set()
    for _, value in samples():
        _classes_in(value, found)
    assert set(allow_list()) <= found


@pytest.mark.parametrize("index", range(len(samples())))
def test_every_class_comes_back_equal(index):
    spec, value = samples()[index]
    data = codec.dumps(value, spec, "the key")
    back = codec.loads(data, spec, "the key")
    assert back == value
    assert codec.dumps(back, spec, "the key") == data  # fields that do not compare (Finding.related, Suppression.used) too
    data.decode("ascii")


def test_the_allow_list_follows_the_classes_declarations():
    for cls, layout in allow_list().items():
        declared = typing.get_type_hints(cls)
        assert layout.names == tuple(f.name for f in dataclasses.fields(cls)), cls
        for name, listed in zip(layout.names, layout.types):
            wanted = declared[name]
            if wanted is Any or wanted in (list, dict, set, tuple):  # made precise by the codec
                assert wanted is Any or typing.get_origin(listed) is wanted, (cls, name, listed)
            else:
                assert listed == wanted, (cls, name, listed, wanted)


def test_a_class_that_is_not_allow_listed_is_not_written():
    bound = m.Bound(m.Location(Path("/x"), 1, 1, 1, 2), m.Name(m.Location(Path("/x"), 1, 1, 1, 2), "x"), {"each": 1})
    with pytest.raises(codec.Invalid):
        codec.dumps(m.Attribute("a", bound, bound.loc), m.Attribute, "k")


@pytest.mark.parametrize("spec, value", [
    (m.Location, m.Location("/x.tf", 1, 1, 1, 2)),  # a str where a Path is declared
    (Entry, Entry((), set(), None)),  # a tuple where a list is declared
    (Any, float("nan")),
    (COLUMNS, ((), (), ())),
    (dict[str, int], {1: 2}),  # json.dumps would have made the key "1"
    (Any, object()),
], ids=["str-for-path", "tuple-for-list", "nan", "short-tuple", "int-key", "object"])
def test_values_the_caches_do_not_hold_are_refused(spec, value, tmp_path):
    with pytest.raises(codec.Invalid):
        codec.dumps(value, spec, "k")
    assert codec.save(tmp_path, ("entry.json",), value, spec, "k")  # not kept; the cache itself is fine
    assert not (tmp_path / "entry.json").exists()


GOOD = codec.dumps(samples()[4][1], Entry, "k")


def _document(**changes) -> bytes:
    document = json.loads(GOOD)
    document.update(changes)
    return json.dumps(document).encode()


def _value(change) -> bytes:
    document = json.loads(GOOD)
    change(document["value"])
    return json.dumps(document).encode()


def _deep(depth: int) -> bytes:
    return _document(value=0).replace(b'"value": 0', b'"value": ' + b"[" * depth + b"]" * depth)


BAD = {
    "empty": b"",
    "truncated": GOOD[: len(GOOD) // 2],
    "not UTF-8": GOOD.replace(b'"key"', b'"k\xffey"'),
    "UTF-16": GOOD.decode().encode("utf-16"),
    "NaN": GOOD.replace(b'"version":1', b'"version":NaN'),
    "Infinity": GOOD.replace(b'"version":1', b'"version":-Infinity'),
    "not an object": b"[1, 2, 3]",
    "another format": _document(format="pickle"),
    "another version": _document(version=2),
    "version as a bool": _document(version=True),
    "version as a float": _document(version=1.0),
    "another key": _document(key="k2"),
    "key missing": json.dumps({k: v for k, v in json.loads(GOOD).items() if k != "key"}).encode(),
    "a field more at the top": _document(more=1),
    "paths not strings": _document(paths=[1]),
    "path index out of range": _document(paths=[]),
    "a field too many": _value(lambda v: v.append(None)),
    "a field too few": _value(lambda v: v.pop()),
    "a bool for an int": _value(lambda v: v[2].__setitem__(2, True)),  # Outcome.checked
    "a float for an int": _value(lambda v: v[2].__setitem__(2, 3.0)),
    "a str for a list": _value(lambda v: v.__setitem__(0, "records")),
    "an object for a list": _value(lambda v: v.__setitem__(0, {})),
    "a record of two": _value(lambda v: v[0][0].pop()),
    "unknown severity": _value(lambda v: v[2][0][0].__setitem__(2, "FATAL")),
    "a bool for a path": _value(lambda v: v[2][0][0].__setitem__(4, True)),
    "a negative path index": _value(lambda v: v[2][0][0].__setitem__(4, -1)),
    "a dict of odd length": _value(lambda v: v[2][4].pop()),
    "a date that is none": _value(lambda v: v[2][4][1][0][0].__setitem__(5, "2030-02-30")),
    "a date of another form": _value(lambda v: v[2][4][1][0][0].__setitem__(5, 20300101)),
    "deep nesting": _deep(100_000),
    "a huge integer": GOOD.replace(b'"version":1', b'"version":' + b"1" * 5000),
}


@pytest.mark.parametrize("bad", BAD)
def test_bad_entries_are_refused(bad):
    assert codec.loads(GOOD, Entry, "k") is not None  # each case differs from this one only in its flaw
    assert codec.loads(BAD[bad], Entry, "k") is None


def test_an_entry_of_too_many_arrays_is_refused(monkeypatch):
    containers = GOOD.count(b"[") + GOOD.count(b"{")
    monkeypatch.setattr(codec, "MAX_CONTAINERS", containers)
    assert codec.loads(GOOD, Entry, "k") is not None
    monkeypatch.setattr(codec, "MAX_CONTAINERS", containers - 1)
    assert codec.loads(GOOD, Entry, "k") is None


@pytest.mark.parametrize("data, spec", [
    (["Literal", [0, 1, 1, 1, 2], "x"], m.Expr),  # the one case that is good
    (["Bound", [0, 1, 1, 1, 2], ["Name", [0, 1, 1, 1, 2], "x"], {}], m.Expr),  # not allow-listed
    (["os.system", "touch /tmp/x"], m.Expr),
    (["Location", 0, 1, 1, 1, 2], m.Expr),  # a class, but no expression
    (["Literal", [0, 1, 1, 1, 2], ["float", "nan"]], m.Expr),
    (["Literal", [0, 1, 1, 1, 2], ["list"]], m.Expr),  # a value no literal has
    (["Literal", [0, 1, 1, 1, 2]], m.Expr),  # a field too few
    (["Literal", [0, 1, 1, 1, 2], "x", "y"], m.Expr),  # a field too many
    (["Template", [0, 1, 1, 1, 2], ["a"], 1], m.Expr),  # an int for a bool
    (["Literal", [1, 1, 1, 1, 2], "x"], m.Expr),  # a path index past the table
    (["set", ["list"]], Any),  # unhashable
    (["dict", "a"], Any),
    (["Path"], Any),
], ids=["good", "bound", "dotted-name", "not-an-expression", "nan", "list-literal", "too-few", "too-many", "int-for-bool",
        "past-the-paths", "unhashable", "odd-dict", "path-without-index"])
def test_values_that_are_not_what_is_declared_are_refused(data, spec):
    document = {"format": codec.FORMAT, "version": codec.VERSION, "key": "k", "paths": ["/x.tf"], "value": data}
    found = codec.loads(json.dumps(document).encode(), spec, "k")
    assert (found is not None) == (data == ["Literal", [0, 1, 1, 1, 2], "x"])


def test_reading_only_regular_files_below_the_cache_directory(tmp_path):
    cache = tmp_path / "cache"
    (cache / "ab").mkdir(parents=True)
    (cache / "ab" / "good.json").write_bytes(b"{}")
    assert codec.read(cache, ("ab", "good.json")) == b"{}"
    os.mkfifo(cache / "ab" / "fifo.json")
    (cache / "ab" / "zero.json").symlink_to("/dev/zero")
    (cache / "ab" / "link.json").symlink_to(cache / "ab" / "good.json")
    (cache / "ab" / "dir.json").mkdir()
    with open(cache / "ab" / "huge.json", "wb") as handle:
        handle.truncate(codec.MAX_ENTRY_BYTES + 1)
    (cache / "cd").symlink_to(cache / "ab")
    for parts in [("ab", "fifo.json"), ("ab", "zero.json"), ("ab", "link.json"), ("ab", "dir.json"),
                  ("ab", "huge.json"), ("cd", "good.json"), ("ab", "absent.json"), ("absent", "x.json")]:
        assert codec.read(cache, parts) is None, parts


def test_writing_never_follows_a_link_below_the_cache_directory(tmp_path):
    cache, outside = tmp_path / "cache", tmp_path / "outside"
    outside.mkdir()
    cache.mkdir()
    (cache / "ab").symlink_to(outside)
    assert not codec.write(cache, ("ab", "entry.json"), b"{}")
    assert list(outside.iterdir()) == [] and not list(cache.rglob(".tmp-*"))
    (cache / "cd").mkdir()
    (cache / "cd" / "entry.json").symlink_to(outside / "target")
    assert codec.write(cache, ("cd", "entry.json"), b"{}")  # the link is replaced, not written through
    assert not (outside / "target").exists() and (cache / "cd" / "entry.json").read_bytes() == b"{}"
    assert codec.write(cache, ("new", "deeper", "entry.json"), b"[]")
    assert codec.read(cache, ("new", "deeper", "entry.json")) == b"[]"


def test_a_saved_value_loads_under_its_key_only(tmp_path):
    spec, value = samples()[4]
    assert codec.save(tmp_path, ("ab", "k.json"), value, spec, "k")
    assert codec.load(tmp_path, ("ab", "k.json"), spec, "k") == value
    assert codec.load(tmp_path, ("ab", "k.json"), spec, "other") is None
    assert codec.load(tmp_path, ("ab", "k.json"), m.File, "k") is None  # another type under that name
