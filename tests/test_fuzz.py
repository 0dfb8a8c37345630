"""Fuzzing: damaged copies of the valid fixtures never crash mwaa-lint, never hang it, and never
break its machine-readable output.

test_damaged_fixtures_never_crash copies one fixture module, damages one of its files (deletes,
duplicates or inserts bytes and HCL tokens, truncates, swaps lines) and runs the CLI with
--format json and sarif. test_odd_values_never_crash_a_rule builds random valid expressions
(functions, operators, references, odd literals) and feeds them to every argument the rules read,
so that a rule meets values nobody wrote a fixture for; a rule that raises is a bug.

CI runs a small fixed set (derandomized, so every run sees the same inputs). A longer, random run:

    MWAA_LINT_FUZZ_EXAMPLES=3000 python -m pytest tests/test_fuzz.py -q

A failure prints the smallest damage that reproduces it; fix it and add the input to
tests/fixtures/bad/ (odd_values/ holds the ones found so far: `file()` without arguments, and a
policy document's `.json` used as a string, each made a rule raise).
"""
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LONG_RUN = int(os.environ.get("MWAA_LINT_FUZZ_EXAMPLES", "0"))
SECONDS_PER_CASE = 10

MODULES = sorted(
    d for pattern in ("modules/*", "layouts/*") for d in FIXTURES.glob(pattern) if d.is_dir()
)
FILES = sorted(
    (module, path.relative_to(module))
    for module in MODULES
    for path in module.rglob("*")
    if path.is_file() and path.name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json", ".txt", ".json", ".tpl"))
)
TOKENS = [
    b"{", b"}", b"[", b"]", b"(", b")", b'"', b"${", b"%{", b"<<EOF\n", b"<<-EOT\n", b"EOF\n", b"=", b",",
    b":", b"?", b".", b"*", b"...", b"=>", b"\\", b"#", b"//", b"/*", b"*/", b"\n", b"\r\n", b"\t",
    b"for x in ", b"if ", b"var.", b"local.", b"module.", b"each.value", b"count.index", b"null",
    b"-1", b"1e999", b"9" * 400, b"\x00", b"\xff", b"\xef\xbb\xbf", "é".encode(), b"jsonencode(", b"file(",
]

position = st.floats(min_value=0, max_value=1)
mutation = st.one_of(
    st.tuples(st.just("delete"), position, st.integers(1, 64)),
    st.tuples(st.just("duplicate"), position, st.integers(1, 256)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("token"), position, st.sampled_from(TOKENS)),
    st.tuples(st.just("truncate"), position, st.just(0)),
    st.tuples(st.just("swap_lines"), position, position),
)


def damage(data: bytes, mutations: list) -> bytes:
    for kind, where, arg in mutations:
        at = int(where * len(data))
        if kind == "delete":
            data = data[:at] + data[at + arg :]
        elif kind == "duplicate":
            data = data[:at] + data[at : at + arg] + data[at:]
        elif kind in ("insert", "token"):
            data = data[:at] + arg + data[at:]
        elif kind == "truncate":
            data = data[:at]
        else:
            lines = data.split(b"\n")
            i, j = int(where * (len(lines) - 1)), int(arg * (len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
    return data


def check_run(cli, work: Path) -> list:
    """Run json and sarif over `work`; the invariants every run keeps. Returns the diagnostics."""
    for output_format in ("json", "sarif"):
        started = time.monotonic()
        run = cli(".", "--format", output_format, cwd=work)  # a crash raises here
        elapsed = time.monotonic() - started
        assert run.exit_code in (0, 1, 2), run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert elapsed < SECONDS_PER_CASE, f"{elapsed:.1f} s"
        document = json.loads(run.stdout)
        incomplete = run.exit_code == 2  # and only then: nothing is quietly left out
        if output_format == "json":
            assert bool(document["diagnostics"]) == document["summary"]["incomplete"] == incomplete
            diagnostics = document["diagnostics"]
        else:
            invocation = document["runs"][0]["invocations"][0]
            assert invocation["executionSuccessful"] is not incomplete
            # errors there are the diagnostics; notes are the notices (a module call not
            # followed), which leave a run complete (exit 0 or 1 unless --strict-modules)
            errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
            notes = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "note"]
            assert bool(errors) == incomplete
            assert len(errors) + len(notes) == len(invocation["toolExecutionNotifications"])
    assert [d["message"] for d in diagnostics if d["kind"] == "internal-error"] == []
    return diagnostics


FUZZ_SETTINGS = settings(
    max_examples=LONG_RUN or 60,
    derandomize=not LONG_RUN,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_there_is_something_to_fuzz():
    assert len(MODULES) >= 20 and len(FILES) >= 40


@FUZZ_SETTINGS
@given(target=st.sampled_from(FILES), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_damaged_fixtures_never_crash(cli, target, mutations):
    module, relative = target
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / module.name
        shutil.copytree(module, work, symlinks=True)
        path = work / relative
        path.write_bytes(damage(path.read_bytes(), mutations))
        check_run(cli, work)


# -- random valid expressions in every argument the rules read ------------------------------

FUNCTIONS = [
    "concat", "flatten", "tolist", "toset", "values", "keys", "element", "slice", "merge", "lookup", "length",
    "coalesce", "jsonencode", "jsondecode", "tostring", "tomap", "one", "compact", "format", "join", "split",
    "lower", "upper", "trimspace", "trimprefix", "replace", "substr", "contains", "distinct", "sort", "reverse",
    "range", "zipmap", "max", "min", "abs", "ceil", "floor", "tonumber", "tobool", "sum", "coalescelist",
    "formatlist", "regex", "base64encode", "file", "fileexists", "abspath", "basename", "dirname", "try", "can",
    "templatefile", "cidrsubnet", "unknownfn",
]
ATOMS = st.sampled_from([
    "0", "1", "-1", "40", "2.5", "1e308", "9" * 310, "true", "false", "null", '""', '"*"', '"s3:*"', '"x"',
    '"%s %d %q"', '"2.10.3"', '"mw1.small"', '"PUBLIC_ONLY"', '"DEBUG"', '"MON:03:30"', '"0.0.0.0/0"',
    '"arn:aws:s3:::b"', '"requirements.txt"', '"main.tf"', '"/etc/passwd"', '"(a+)+$"', '"$${x}"',
    "var.x", "var.missing", "local.v", "local.missing", "each.key", "count.index", "path.module", "self",
    "aws_iam_role.r", "aws_iam_role.r.arn", "aws_subnet.s[*].id", "aws_mwaa_environment.e", "module.m",
    "data.aws_iam_policy_document.d.json", "[]", "{}", "[[]]", '{ "Statement" = [] }',
])


def _call(args):
    return st.tuples(st.sampled_from(FUNCTIONS), args).map(lambda t: f"{t[0]}({', '.join(t[1])})")


def _binary(pair):
    op = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"])
    return st.tuples(pair, op).map(lambda t: f"({t[0][0]} {t[1]} {t[0][1]})")


def _extend(children):
    return st.one_of(
        _call(st.lists(children, max_size=3)),
        _binary(st.tuples(children, children)),
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(["Effect", "Action", "Resource", "a", "b"]), children), max_size=3).map(
            lambda items: "{ " + ", ".join(f"{k} = {v}" for k, v in items) + " }"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        children.map(lambda c: f'"pre-${{{c}}}-post"'),
        children.map(lambda c: f"[for k, v in {c} : v]"),
        children.map(lambda c: f"{{ for k, v in {c} : k => v }}"),
        st.tuples(children, st.sampled_from(["[0]", '["a"]', ".arn", ".id", "[*].id"])).map(lambda t: f"({t[0]}){t[1]}"),
        children.map(lambda c: f"!({c})"),  # not `!!x`: python-hcl2 rejects it, Terraform does not
        children.map(lambda c: f"-({c})"),
    )


EXPRESSIONS = st.recursive(ATOMS, _extend, max_leaves=12)
ODD_MODULE = """
variable "x" {{
  default = {v0}
}}

locals {{
  v = {v1}
}}

resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = {v2}
}}

resource "aws_iam_role_policy" "p" {{
  role   = aws_iam_role.r.id
  policy = {v3}
}}

data "aws_iam_policy_document" "d" {{
  statement {{
    actions   = {v4}
    resources = {v5}
  }}
}}

resource "aws_subnet" "s" {{
  count                   = 2
  map_public_ip_on_launch = {v6}
  availability_zone       = {v7}
}}

resource "aws_security_group" "g" {{
  ingress {{
    cidr_blocks = {v8}
  }}
}}

resource "aws_s3_bucket" "b" {{
  bucket = {v9}
}}

resource "aws_s3_object" "o" {{
  bucket = aws_s3_bucket.b.id
  key    = {v10}
  source = {v11}
}}

resource "aws_cloudwatch_log_group" "l" {{
  name              = {v12}
  retention_in_days = {v13}
}}

resource "aws_mwaa_environment" "e" {{
  name                            = {v14}
  airflow_version                 = {v15}
  environment_class               = {v16}
  execution_role_arn              = aws_iam_role.r.arn
  source_bucket_arn               = aws_s3_bucket.b.arn
  requirements_s3_path            = aws_s3_object.o.key
  max_workers                     = {v17}
  min_workers                     = {v18}
  schedulers                      = {v19}
  webserver_access_mode           = {v20}
  kms_key                         = {v21}
  weekly_maintenance_window_start = {v22}
  airflow_configuration_options   = {v23}

  network_configuration {{
    subnet_ids         = {v24}
    security_group_ids = [aws_security_group.g.id]
  }}

  logging_configuration {{
    task_logs {{
      enabled   = {v25}
      log_level = {v26}
    }}
  }}
}}
"""


@FUZZ_SETTINGS
@given(values=st.lists(EXPRESSIONS, min_size=27, max_size=27))
def test_odd_values_never_crash_a_rule(cli, values):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "main.tf").write_text(ODD_MODULE.format(**{f"v{i}": v for i, v in enumerate(values)}))
        (work / "requirements.txt").write_text("apache-airflow==2.10.3\nboto3\n")
        diagnostics = check_run(cli, work)
        # every generated expression is valid HCL; only limits may stop the parse
        assert [d for d in diagnostics if "nested deeper" not in d["message"]] == []
