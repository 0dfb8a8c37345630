"""Roots whose only problems are deterministic are answered from the caches on a warm run: a
missing local module source, a file that does not parse, a file the gate or the parser refuses
(too large, over the token limit, not a regular file). A warm run gives exactly the cold run's
report and parses nothing; any change to what the root looked at (the missing directory made,
the file fixed, grown, shrunk or replaced) checks it again. Variable files (terraform.tfvars,
--var-file) are parsed through the parse cache. Whatever is planted in the cache in their
place is a miss, never trusted (the codec's checks, cache_codec.py)."""
import json
import os
import shutil

import pytest
from conftest import FIXTURES
from test_cache_poison import FORGERIES

HERE = FIXTURES / "cache_deterministic"

# The cold report of the tree below: the missing source and the parse error are diagnostics
# (exit 2); airflow/ingest (layouts/tfvars_override) still has its findings.
DIAGNOSTICS = [
    ("airflow/reporting/main.tf", 15, 27, "parse-error",
     "Invalid single-argument block definition: a block written on one line may hold only one argument; "
     "put each argument on its own line"),
    ("platform/live/prod/main.tf", 24, 3, "read-error",
     "module source platform/live/prod/../../../account-map/modules/iam-roles is not a directory"),
]
FINDINGS = [("MWAA402", "airflow/ingest/main.tf", 24), ("MWAA402", "airflow/ingest/main.tf", 40),
            ("MWAA501", "airflow/ingest/main.tf", 17)]
ROOTS = 3  # airflow/ingest, airflow/reporting, platform/live/prod (platform/modules/network is only called)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(HERE, root)
    shutil.copytree(FIXTURES / "layouts" / "tfvars_override", root / "airflow" / "ingest")
    return root


def lint(cli, tree, cache, *args, fmt="json"):
    """(exit code, the report without its stats, the stats) of `mwaa-lint . ARGS` in `tree`."""
    cache_args = ["--no-cache"] if cache is None else ["--cache-dir", cache]
    run = cli(".", "--format", "json", *cache_args, *args, cwd=tree)
    report = run.json()
    stats = report.pop("stats")
    return run.exit_code, report, stats


def shown(report) -> tuple:
    return ([(d["path"], d["line"], d["column"], d["kind"], d["message"]) for d in report["diagnostics"]],
            sorted((f["rule_id"], f["path"], f["line"]) for f in report["findings"]))


def test_a_warm_run_answers_every_root_from_the_result_cache(cli, tree, tmp_path):
    cache = tmp_path / "cache"
    code, cold, stats = lint(cli, tree, cache)
    assert (code, shown(cold)) == (2, (DIAGNOSTICS, FINDINGS))
    assert stats["files_parsed"] > 0 and stats["roots_reused"] == 0
    code, warm, stats = lint(cli, tree, cache)
    assert (code, warm) == (2, cold)
    assert (stats["files_parsed"], stats["files_from_cache"], stats["roots_reused"]) == (0, 0, ROOTS)
    # the text report (diagnostics with their source lines, on standard error) is the same too
    text = [cli(".", "--cache-dir", cache, cwd=tree) for _ in range(2)]
    assert text[0].exit_code == text[1].exit_code == 2
    assert (text[0].stdout, text[0].stderr) == (text[1].stdout, text[1].stderr)
    assert "module source platform/live/prod/../../../account-map/modules/iam-roles is not a directory" in text[1].stderr


def test_the_parse_cache_answers_every_file_also_those_that_do_not_parse(cli, tree, tmp_path):
    cache = tmp_path / "cache"
    _, cold, stats = lint(cli, tree, cache)
    parsed = stats["files_parsed"]
    shutil.rmtree(cache / "results")  # no stored results: every root is loaded again, from the parse cache
    code, warm, stats = lint(cli, tree, cache)
    assert (code, warm) == (2, cold)
    # the .tf files, the broken one included, and airflow/ingest's terraform.tfvars and retention.auto.tfvars
    # (platform/live/prod is reported from its text: test_missing_source_from_text.py)
    assert (stats["files_parsed"], stats["files_from_cache"], stats["roots_reused"]) == (0, parsed, 0)
    assert parsed == 3 + 1 + 2  # ingest's .tf, reporting's main.tf, 2 tfvars


def test_a_var_file_from_the_command_line_goes_through_the_parse_cache(cli, tree, tmp_path):
    ingest, cache = tree / "airflow" / "ingest", tmp_path / "cache"
    _, cold, stats = lint(cli, ingest, cache, "--var-file", "staging.tfvars")
    # staging.tfvars sets max_workers = 100 and enables worker logs (a Worker log group without retention)
    assert shown(cold)[1] == [("MWAA401", "main.tf", 40), ("MWAA402", "main.tf", 24), ("MWAA501", "main.tf", 17)]
    assert "max_workers is 100 (var.max_workers, set by staging.tfvars:3)" in json.dumps(cold)
    assert stats["files_parsed"] == 3 + 3  # the .tf files, terraform.tfvars, retention.auto.tfvars, staging.tfvars
    shutil.rmtree(cache / "results")
    _, warm, stats = lint(cli, ingest, cache, "--var-file", "staging.tfvars")
    assert warm == cold
    assert (stats["files_parsed"], stats["files_from_cache"]) == (0, 6)


def test_a_var_file_that_does_not_parse_is_answered_from_the_caches(cli, tree, tmp_path):
    ingest, cache = tree / "airflow" / "ingest", tmp_path / "cache"
    (ingest / "broken.tfvars").write_text('max_workers = [\n  10,\n')
    code, cold, _ = lint(cli, ingest, cache, "--var-file", "broken.tfvars")
    assert code == 2 and [d["path"] for d in cold["diagnostics"]] == ["broken.tfvars"]
    for drop_results in (False, True):
        if drop_results:
            shutil.rmtree(cache / "results")
        code, warm, stats = lint(cli, ingest, cache, "--var-file", "broken.tfvars")
        assert (code, warm) == (2, cold)
        assert stats["files_parsed"] == 0
    (ingest / "broken.tfvars").write_text("max_workers = 10\n")  # fixed: read and parsed again
    code, fixed, stats = lint(cli, ingest, cache, "--var-file", "broken.tfvars")
    assert (code, fixed["diagnostics"], stats["files_parsed"]) == (1, [], 1)
    assert "MWAA501" not in {f["rule_id"] for f in fixed["findings"]}  # 10 from the var file wins over 50


def test_what_changed_is_examined_again(cli, tree, tmp_path):
    cache = tmp_path / "cache"
    lint(cli, tree, cache)
    # the missing module is checked out: with no environment in reach, its caller is now skipped
    # (and the stored result, which said the source was missing, is not used); the others are answered
    roles = tree / "account-map" / "modules" / "iam-roles"
    roles.mkdir(parents=True)
    (roles / "outputs.tf").write_text('output "terraform_role_arn" {\n  value = "arn:aws:iam::123456789012:role/terraform"\n}\n')
    code, report, stats = lint(cli, tree, cache)
    assert (code, shown(report)) == (2, (DIAGNOSTICS[:1], FINDINGS))
    # skipped: platform/modules/network (as before), platform/live/prod and account-map/modules/iam-roles
    assert (stats["roots_reused"], stats["files_parsed"], stats["directories_skipped"]) == (ROOTS - 1, 0, 3)
    # the broken file is fixed: parsed again, and its environment is judged
    main = tree / "airflow" / "reporting" / "main.tf"
    main.write_text(main.read_text().replace('timeouts { create = "2h", update = "2h" }',
                                             'timeouts {\n    create = "2h"\n    update = "2h"\n  }'))
    code, report, stats = lint(cli, tree, cache)
    assert code == 1 and report["diagnostics"] == []
    assert ("MWAA501", "airflow/reporting/main.tf", 8) in shown(report)[1]
    assert (stats["roots_reused"], stats["files_parsed"]) == (1, 1)  # airflow/ingest answered; main.tf parsed
    # a variables file changed: its root is evaluated again with the new value
    tfvars = tree / "airflow" / "ingest" / "terraform.tfvars"
    tfvars.write_text(tfvars.read_text().replace("max_workers = 50", "max_workers = 10"))
    code, report, stats = lint(cli, tree, cache)
    assert ("MWAA501", "airflow/ingest/main.tf", 17) not in shown(report)[1]
    assert (stats["roots_reused"], stats["files_parsed"]) == (1, 1)  # airflow/reporting answered; terraform.tfvars parsed


@pytest.fixture
def clean(tree):
    """The tree with the parse error fixed and the missing module dropped: one environment per
    airflow root, and the platform root skipped (no environment in reach)."""
    main = tree / "airflow" / "reporting" / "main.tf"
    main.write_text(main.read_text().replace('timeouts { create = "2h", update = "2h" }\n', ""))
    prod = tree / "platform" / "live" / "prod" / "main.tf"
    prod.write_text(prod.read_text().split("# The account map")[0])
    return tree


def test_a_file_over_the_token_limit_is_not_parsed_again(cli, clean, tmp_path, monkeypatch):
    import mwaa_lint.parse

    monkeypatch.setattr(mwaa_lint.parse, "MAX_TOKENS", 1000)  # the real limit takes seconds to reach
    cache = tmp_path / "cache"  # of this test alone: the limit is not in the parse cache's key
    lookup = clean / "airflow" / "reporting" / "subnets.tf"
    lookup.write_text("locals {\n  subnet_by_az = {\n" + "".join(f'    az{i} = "subnet-{i:017x}"\n' for i in range(400))
                      + "  }\n}\n")
    code, cold, _ = lint(cli, clean, cache)
    refused = ("airflow/reporting/subnets.tf", 0, 0, "parse-error",
               "file has more than 1,000 tokens, over the limit for one file; not checked")
    assert (code, shown(cold)[0]) == (2, [refused])
    code, warm, stats = lint(cli, clean, cache)
    assert (code, warm, stats["files_parsed"], stats["roots_reused"]) == (2, cold, 0, 2)
    shutil.rmtree(cache / "results")
    code, warm, stats = lint(cli, clean, cache)
    assert (code, warm, stats["files_parsed"]) == (2, cold, 0)  # its diagnostics, from the parse cache
    with lookup.open("a") as handle:  # changed, still too large: examined again
        handle.write("# regenerated\n")
    code, again, stats = lint(cli, clean, cache)
    assert (code, again, stats["files_parsed"]) == (2, cold, 1)
    lookup.write_text('locals {\n  subnet_by_az = { a = "subnet-0123456789abcdef0" }\n}\n')
    code, report, stats = lint(cli, clean, cache)
    assert (code, report["diagnostics"], stats["files_parsed"]) == (1, [], 1)


def test_a_file_the_gate_refuses_is_remembered_until_it_changes(cli, clean, tmp_path):
    cache = tmp_path / "cache"
    huge = clean / "airflow" / "reporting" / "zones.tf"
    with huge.open("w") as handle:  # over the 10 MB every read of the project is bounded by
        handle.write("# generated\n" * (1024 * 1024))
    code, cold, _ = lint(cli, clean, cache)
    assert (code, shown(cold)[0]) == (2, [("airflow/reporting/zones.tf", 0, 0, "read-error",
                                          "file is 12.0 MB, over the 10 MB limit; not checked")])
    code, warm, stats = lint(cli, clean, cache)
    assert (code, warm, stats["files_parsed"], stats["roots_reused"]) == (2, cold, 0, 2)
    huge.write_text("# generated\n")
    code, report, stats = lint(cli, clean, cache)
    assert (code, report["diagnostics"], stats["files_parsed"], stats["roots_reused"]) == (1, [], 1, 1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_that_is_not_a_regular_file_is_remembered_without_opening_it(cli, clean, tmp_path):
    cache = tmp_path / "cache"
    main = clean / "airflow" / "reporting" / "main.tf"
    main.write_text(main.read_text().replace(
        '  dag_s3_path        = "dags/"\n',
        '  dag_s3_path        = "dags/"\n\n  airflow_configuration_options = jsondecode(file("${path.module}/options.json"))\n'))
    options = clean / "airflow" / "reporting" / "options.json"
    os.mkfifo(options)  # opened blocking, a FIFO with no writer would hang the run
    code, cold, _ = lint(cli, clean, cache)
    assert (code, shown(cold)[0]) == (2, [("airflow/reporting/main.tf", 9, 46, "not-read",
                                          "airflow/reporting/options.json is a FIFO, not a regular file; not read")])
    code, warm, stats = lint(cli, clean, cache)
    assert (code, warm, stats["files_parsed"], stats["roots_reused"]) == (2, cold, 0, 2)
    options.unlink()
    options.write_text('{"core.default_task_retries": "3"}\n')
    code, report, stats = lint(cli, clean, cache)
    assert (code, report["diagnostics"], stats["roots_reused"]) == (1, [], 1)


# --- A planted cache --------------------------------------------------------------------------


def _entries(cache, kind: str) -> list:
    """The entries of one kind: "result", or "unparsed" (a parse cache entry of diagnostics),
    "model" (one of a parsed file)."""
    found = []
    for path in sorted(cache.rglob("*.json")):
        if path.parent == cache:
            continue
        if path.parent.parent.name == "results":
            if kind == "result":
                found.append(path)
            continue
        value = json.loads(path.read_bytes())["value"]
        is_unparsed = len(value) == 1 and isinstance(value[0], list)  # Unparsed: [diagnostics]
        if kind == ("unparsed" if is_unparsed else "model"):
            found.append(path)
    return found


@pytest.fixture
def filled(cli, tree, tmp_path):
    """(the cache a clean run filled, that run's exit code and report)."""
    cache = tmp_path / "genuine"
    code, report, _ = lint(cli, tree, cache)
    assert _entries(cache, "unparsed") and _entries(cache, "result") and _entries(cache, "model")
    return cache, code, report


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_entries_of_diagnostics_are_misses(cli, tree, filled, tmp_path, forgery):
    genuine, code, expected = filled
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache)
    for entry in [*_entries(cache, "unparsed"), *_entries(cache, "result")]:
        entry.write_bytes(FORGERIES[forgery](json.loads(entry.read_bytes())))
    got_code, report, stats = lint(cli, tree, cache)
    assert (got_code, report) == (code, expected)
    assert (stats["roots_reused"], stats["files_parsed"]) == (0, 1)  # the broken file parsed again, the rest from the cache
    assert lint(cli, tree, cache)[2]["roots_reused"] == ROOTS  # rewritten by the run before


def test_a_forged_entry_reads_as_a_miss_and_the_file_is_parsed(cli, tree, filled, tmp_path):
    genuine, code, expected = filled
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache)
    shutil.rmtree(cache / "results")
    unparsed = _entries(cache, "unparsed")
    assert len(unparsed) == 1  # airflow/reporting/main.tf
    for forged in ([], [["Diagnostic", 0, 1, 1, "x", "parse-error", None]], [[None, 1, 1, "x", "parse-error", None, 0]],
                   [[None, True, 1, "x", "parse-error", None]], "not a list"):
        document = json.loads(unparsed[0].read_bytes())
        document["value"] = [forged]
        unparsed[0].write_bytes(json.dumps(document).encode())
        got_code, report, stats = lint(cli, tree, cache)
        assert (got_code, report) == (code, expected)
        assert stats["files_parsed"] == 1  # the broken file, parsed again: the planted entry was not used
        shutil.rmtree(cache / "results")
        shutil.copy(genuine / unparsed[0].relative_to(cache), unparsed[0])


def test_models_and_diagnostics_under_each_others_names_are_misses(cli, tree, filled, tmp_path):
    genuine, code, expected = filled
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache)
    shutil.rmtree(cache / "results")
    (unparsed,), models = _entries(cache, "unparsed"), _entries(cache, "model")
    planted_model, planted_error = unparsed.read_bytes(), models[0].read_bytes()
    for model in models:
        model.write_bytes(planted_model)  # a file's model entry holding the broken file's diagnostics
    unparsed.write_bytes(planted_error)  # and the other way round
    got_code, report, stats = lint(cli, tree, cache)
    assert (got_code, report) == (code, expected)
    assert stats["files_from_cache"] == 0 and stats["files_parsed"] > len(models)


def test_a_stored_result_whose_records_no_longer_hold_is_a_miss(cli, tree, filled, tmp_path):
    genuine, code, expected = filled
    cache = tmp_path / "cache"
    shutil.copytree(genuine, cache)
    for entry in _entries(cache, "result"):
        document = json.loads(entry.read_bytes())
        records = document["value"][0]
        for record in records:
            if record[0] in ("read", "directory"):  # a digest of other bytes; a directory said to be there
                record[2] = "0" * 64 if record[0] == "read" else str(record[2] != "True")
        entry.write_bytes(json.dumps(document).encode())
    got_code, report, stats = lint(cli, tree, cache)
    assert (got_code, report) == (code, expected)
    assert stats["roots_reused"] == 0


@pytest.mark.parametrize("where, summary", [
    ("platform", "2 files could not be checked (a module is checked only when every local module it calls is "
                 "there); the result is incomplete."),
    (".", "3 files could not be checked (a module is checked only when all of its files parse and every local "
          "module it calls is there); the result is incomplete."),
])
def test_the_summary_says_what_a_module_lacked(cli, tree, where, summary):
    run = cli(where, "--no-cache", cwd=tree)
    assert run.exit_code == 2
    assert summary in run.stdout.splitlines()
