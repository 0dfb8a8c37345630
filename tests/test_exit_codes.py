"""Exit codes keep their promise: 0 clean, 1 findings, 2 anything else, 130 interrupted.

Whatever goes wrong outside the findings ends in one line `mwaa-lint: error: ...` and exit 2,
never a traceback nor exit 1 (which CI reads as findings): a report path whose directory does
not exist yet (created), a directory, a full disk, a crash; a reader that stops early (`| head`)
changes nothing; Ctrl-C is one line and 130; `cost` survives absurd numbers; a file name that is
not UTF-8 is escaped in every format."""
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mwaa_lint.cli import FORMATS

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
PUBLIC = 'resource "aws_mwaa_environment" "this" {\n  name = "x"\n  webserver_access_mode = "PUBLIC_ONLY"\n}\n'
MESSAGE = ("webserver_access_mode is PUBLIC_ONLY, so the Airflow UI is reachable from the internet; "
           "expected PRIVATE_ONLY (reach the web server through its VPC endpoint)")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "main.tf").write_text(PUBLIC)
    return tmp_path


def check(cli, project, *args):
    return cli(".", "--select", "MWAA102", *args, cwd=project)


def mwaa_lint(*args, cwd, stdout=subprocess.PIPE):
    """mwaa-lint in a process of its own, for what only a real process shows (pipes, encodings)."""
    return subprocess.run([sys.executable, "-m", "mwaa_lint", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120)


# --- report files ---------------------------------------------------------------------------

def test_report_directories_given_on_the_command_line_are_created(cli, project):
    run = check(cli, project, "-o", "reports/x.sarif", "--format", "sarif", "--output", "json:reports/deep/er/x.json")
    assert run.exit_code == 1  # the finding decides the exit code, not the new directories
    assert run.stderr.splitlines() == ["mwaa-lint: 1 findings written to reports/x.sarif (sarif)",
                                       "mwaa-lint: 1 findings written to reports/deep/er/x.json (json)"]
    assert json.loads((project / "reports/x.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "MWAA102"
    assert json.loads((project / "reports/deep/er/x.json").read_text())["findings"][0]["message"] == MESSAGE


@pytest.mark.parametrize("destination, reason", [
    ("reports", "cannot write reports: Is a directory"),  # made a directory below
    ("main.tf/x.sarif", "cannot write main.tf/x.sarif: main.tf is not a directory"),
    ("/dev/full", "cannot write /dev/full: No space left on device"),
])
@pytest.mark.parametrize("option", ["-o", "--output"])
def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(cli, project, destination, reason, option):
    if destination.startswith("/") and not Path(destination).exists():
        pytest.skip(f"no {destination} here")
    (project / "reports").mkdir()
    args = ["-o", destination, "--format", "sarif"] if option == "-o" else ["--output", f"sarif:{destination}"]
    run = check(cli, project, *args, "--exit-zero")
    assert run.exit_code == 2
    assert run.stderr == f"mwaa-lint: error: {reason}\n"


def test_an_unwritable_place_is_one_line_and_exit_2(cli, project):
    # the kernel refuses /proc/version even to root; the reason is the system's own words
    run = check(cli, project, "--output", "sarif:/proc/version")
    assert run.exit_code == 2
    assert run.stderr.startswith("mwaa-lint: error: cannot write /proc/version: ") and run.stderr.count("\n") == 1
    if os.geteuid() != 0:  # root writes anywhere else
        (project / "locked").mkdir(mode=0o500)
        run = check(cli, project, "-o", "locked/x.sarif")
        assert (run.exit_code, run.stderr) == (2, "mwaa-lint: error: cannot write locked/x.sarif: Permission denied\n")


def test_a_baseline_that_cannot_be_written_is_one_line_and_exit_2(cli, project):
    run = check(cli, project, "--write-baseline", "/dev/full")
    assert (run.exit_code, run.stderr) == (2, "mwaa-lint: error: cannot write /dev/full: No space left on device\n")


# --- broken pipes -----------------------------------------------------------------------------

def closed_pipe_run(*args, cwd):
    """Run with standard output a pipe whose reader is gone before anything is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return mwaa_lint(*args, cwd=cwd, stdout=write_end)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args, code", [
    ((".", "--select", "MWAA102"), 1),  # the verdict stands: the reader stopped, the findings did not go away
    ((".", "--select", "MWAA102", "--format", "json"), 1),
    ((".", "--select", "MWAA102", "--statistics"), 1),  # statistics follow a text report on standard output
    ((".", "--select", "MWAA102", "--exit-zero"), 0),
    (("rules",), 0),
    (("rule", "MWAA102"), 0),
    (("cost", "."), 0),
])
def test_a_reader_that_stops_early_changes_nothing(project, args, code):
    proc = closed_pipe_run(*args, cwd=project)
    assert (proc.returncode, proc.stderr.decode()) == (code, "")


def test_other_reports_are_still_written_after_the_pipe_breaks(project):
    proc = closed_pipe_run(".", "--select", "MWAA102", "--output", "text:-", "--output", "json:out/report.json", cwd=project)
    assert proc.returncode == 1
    assert proc.stderr.decode() == "mwaa-lint: 1 findings written to out/report.json (json)\n"
    assert json.loads((project / "out/report.json").read_text())["summary"]["findings"] == 1


# --- interruptions and crashes ------------------------------------------------------------------

def test_ctrl_c_is_one_line_and_exit_130(project):
    # SIGINT while the check runs, as Ctrl-C sends it
    code = ("import os, signal, sys\n"
            "import mwaa_lint.engine as engine\n"
            "def run(*args, **kwargs):\n"
            "    os.kill(os.getpid(), signal.SIGINT)\n"
            "    signal.pause()\n"
            "engine.run = run\n"
            "from mwaa_lint.cli import main\n"
            "main(['.'], prog_name='mwaa-lint')\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 130
    assert proc.stderr.strip() == "mwaa-lint: interrupted"  # and a newline closing the terminal's ^C


def test_a_keyboard_interrupt_anywhere_is_exit_130(cli, project, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("mwaa_lint.engine.run", interrupted)
    run = check(cli, project)
    assert (run.exit_code, run.stderr) == (130, "mwaa-lint: interrupted\n")


def test_an_internal_error_is_one_line_and_exit_2(cli, project, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("the engine fell over\nwith a second line")

    monkeypatch.setattr("mwaa_lint.engine.run", crash)
    run = check(cli, project)
    assert run.exit_code == 2
    assert run.stderr == ("mwaa-lint: error: internal error (RuntimeError: the engine fell over); "
                          "please report it, with the traceback MWAA_LINT_DEBUG=1 prints\n")
    debug = cli(".", cwd=project, env={"MWAA_LINT_DEBUG": "1"})
    assert debug.exit_code == 2
    assert "Traceback (most recent call last)" in debug.stderr and 'raise RuntimeError("the engine fell over' in debug.stderr
    assert debug.stderr.splitlines()[-1].startswith("mwaa-lint: error: internal error (RuntimeError")


def test_a_system_error_is_one_line_and_exit_2(cli, project, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "/home/ci/.cache/mwaa-lint/results/ab12")

    monkeypatch.setattr("mwaa_lint.engine.run", full)
    run = check(cli, project)
    assert (run.exit_code, run.stderr) == (
        2, "mwaa-lint: error: /home/ci/.cache/mwaa-lint/results/ab12: No space left on device\n")


# --- cost and absurd numbers --------------------------------------------------------------------

@pytest.mark.parametrize("written, shown", [("1e400", "inf"), ("1e300", "1e+300"), ('"nan"', "nan"), ("2000000", "2e+06")])
def test_cost_treats_an_absurd_count_as_unknown(cli, tmp_path, written, shown):
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "this" {\n  name = "x"\n'
                                      f'  environment_class = "mw1.small"\n  max_workers = {written}\n}}\n')
    run = cli("cost", ".", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (0, "")
    assert (f"  workers            1                 1..50  min_workers: not set, MWAA's default for mw1.small; "
            f"max_workers: {shown} is no count MWAA accepts (main.tf:4); counted as anything MWAA accepts, 1 to 50"
            ) in run.stdout.splitlines()
    assert "  per month    $357.70  $357.70 to $2,325.05" in run.stdout.splitlines()
    data = cli("cost", ".", "-f", "json", cwd=tmp_path).json()
    assert data["environments"][0]["counts"]["max_workers"]["source"] == "unknown"
    assert data["environments"][0]["ceiling"] == {"low": 357.7, "high": 2325.05, "exact": False,
                                                  "reason": "max_workers is unknown"}


def test_cost_refuses_an_absurd_budget_in_one_line(cli, tmp_path):
    (tmp_path / "main.tf").write_text(PUBLIC)
    (tmp_path / ".mwaa-lint.yaml").write_text("rule-options: {MWAA504: {budget: 1e400}}\n")
    run = cli("cost", ".", cwd=tmp_path)
    assert (run.exit_code, run.stderr) == (  # checked with the config, so the error says where it was set
        2, f"mwaa-lint: error: Invalid value for {tmp_path / '.mwaa-lint.yaml'}: rule-options: MWAA504.budget: "
           "expected an amount per month in the price table's currency (USD), found inf\n")


# --- file names that are not UTF-8 ----------------------------------------------------------------

@pytest.fixture
def odd_name(tmp_path):
    """A module whose only file is named b"bad\\xff.tf" (Linux allows any byte but / and NUL)."""
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.tf"), "wb") as f:
        f.write(PUBLIC.encode())
    return tmp_path


def path_in(output_format: str, stdout: str) -> str:
    """Where each format puts the finding's path."""
    if output_format in ("text", "concise"):
        return stdout.split(":")[0]
    if output_format in ("json", "jsonl", "json-lines"):
        document = json.loads(stdout.splitlines()[0]) if output_format != "json" else json.loads(stdout)["findings"][0]
        return document["path"]
    if output_format == "sarif":
        return json.loads(stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    if output_format == "github":
        return stdout.split("file=")[1].split(",")[0]
    if output_format == "gitlab":
        return json.loads(stdout)[0]["location"]["path"]
    return stdout.split('file="')[1].split('"')[0]  # junit


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_file_name_that_is_not_utf8_is_escaped_in_every_format(cli, odd_name, output_format):
    for extra in ((), ("--exit-zero",)):
        run = cli(".", "--select", "MWAA102", "--format", output_format, *extra, cwd=odd_name)
        assert (run.exit_code, run.stderr) == (0 if extra else 1, "")
        # a backslash escape where a person reads it; percent-encoding in SARIF's URI (RFC 3986)
        assert path_in(output_format, run.stdout) == ("bad%FF.tf" if output_format == "sarif" else "bad\\xff.tf")


def test_sarif_with_an_odd_file_name_is_valid(cli, odd_name):
    if not SCHEMA.exists():
        pytest.skip(f"no SARIF schema at {SCHEMA}")
    validator = jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    document = json.loads(cli(".", "--select", "MWAA102", "--format", "sarif", cwd=odd_name).stdout)
    assert not list(validator.iter_errors(document))


def test_odd_file_names_in_a_real_process(odd_name):
    for output_format in ("text", "sarif", "gitlab"):
        proc = mwaa_lint(".", "--select", "MWAA102", "--format", output_format, cwd=odd_name)
        assert (proc.returncode, proc.stderr) == (1, b"")
        assert (b"bad%FF.tf" if output_format == "sarif" else b"bad\\\\xff.tf" if output_format == "gitlab"
                else b"bad\\xff.tf") in proc.stdout
