"""A person at a terminal (issue 19, item 7): progress on standard error, long messages wrapped.

The CLI runs in a subprocess whose standard error or output is a pseudo-terminal (`pty`),
as a terminal would give it; the other stream is a file. Progress waits a second before it
shows (a quick run stays quiet): the subprocess sets that threshold to 0, no test waits.
"""
from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from mwaa_lint.output.progress import Progress
from tests.conftest import FIXTURES, REPO

LAYOUT = FIXTURES / "layouts" / "root_calls_local_module"  # two module directories, one root
NO_WAIT = ("import sys, mwaa_lint.output.progress as p; p.AFTER = 0.0; "
           "from mwaa_lint.cli import main; sys.argv[0] = 'mwaa-lint'; main()")


def _run(args: list, terminal: str, tmp_path: Path, columns: int = 80, env: dict | None = None) -> tuple[str, str]:
    """(what the terminal showed, what the other stream got) of `mwaa-lint ARGS` in LAYOUT, with
    `terminal` ("stdout" or "stderr") a pseudo-terminal `columns` wide."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items()
               if k not in ("CI", "GITHUB_WORKSPACE", "CI_PROJECT_DIR", "COLUMNS", "LINES", "FORCE_COLOR")}
    environ.update(PYTHONPATH=str(REPO), GIT_CEILING_DIRECTORIES=str(REPO), **(env or {}))
    other = tmp_path / "other-stream"
    with open(other, "wb") as file:
        streams = {"stdout": slave, "stderr": file} if terminal == "stdout" else {"stdout": file, "stderr": slave}
        process = subprocess.Popen([sys.executable, "-c", NO_WAIT, *args], cwd=LAYOUT, env=environ,
                                   stdin=subprocess.DEVNULL, **streams)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        process.wait(timeout=120)
    os.close(master)
    # the terminal turns "\n" into "\r\n" on its way out (onlcr)
    return shown.decode().replace("\r\n", "\n"), other.read_text()


def test_progress_on_a_terminal_is_rewritten_in_place_and_cleared(tmp_path):
    shown, report = _run([".", "--no-cache"], "stderr", tmp_path)
    # two modules read (the root and modules/mwaa), one root checked; each update returns to the
    # start of the line, and the last one is blanked out before the report is printed
    assert shown == ("\rreading modules 1/2\rreading modules 2/2\rchecking modules 1/1"
                     "\r" + " " * len("checking modules 1/1") + "\r")
    assert "\r" not in report and "modules" not in report  # standard output has the report only
    assert report.startswith("main.tf:12:5: MWAA101 [error] subnet aws_subnet.public_b")


def test_no_progress_when_standard_error_is_a_pipe(tmp_path):
    report, errors = _run([".", "--no-cache"], "stdout", tmp_path)
    assert errors == ""  # nothing on standard error: no progress, no diagnostics
    assert "modules" not in report


def test_no_progress_in_ci_even_on_a_terminal(tmp_path):
    shown, _ = _run([".", "--no-cache"], "stderr", tmp_path, env={"CI": "true"})
    assert shown == ""


def test_progress_waits_a_second():
    now = [100.0]
    stream = io.StringIO()
    progress = Progress(stream, clock=lambda: now[0])  # the default threshold: one second
    progress("reading modules", 1, 3)
    now[0] = 100.9
    progress("reading modules", 2, 3)
    assert stream.getvalue() == ""  # a run that ends here showed nothing
    now[0] = 101.0
    progress("reading modules", 3, 3)
    progress.clear()
    assert stream.getvalue() == "\rreading modules 3/3\r" + " " * 19 + "\r"


MWAA101 = ("subnet aws_subnet.public_b (passed to module.mwaa) is public: it sets map_public_ip_on_launch = true "
           "(network.tf:33); expected a private subnet (MWAA needs two private subnets)")


def test_long_messages_wrap_at_words_to_the_terminal_width(tmp_path):
    shown, _ = _run([".", "--no-cache", "--color", "never"], "stdout", tmp_path, columns=72)
    lines = shown.split("\n")
    assert lines[:5] == [
        "main.tf:12:5: MWAA101 [error] subnet aws_subnet.public_b (passed to",
        "    module.mwaa) is public: it sets map_public_ip_on_launch = true",
        "    (network.tf:33); expected a private subnet (MWAA needs two private",
        "    subnets)",
        "    aws_subnet.public_b.id,",  # the source line, as it is in the file
    ]
    assert all(len(line) <= 72 for line in lines)
    # what wrapped is the message, word for word
    assert " ".join(line.strip() for line in lines[:4]).split(" ", 3)[3] == MWAA101


def test_wrapped_lines_count_the_visible_columns_not_the_colour_codes(tmp_path):
    shown, _ = _run([".", "--no-cache", "--color", "always"], "stdout", tmp_path, columns=72)
    first = shown.split("\n")[0]
    assert first == "\033[1mmain.tf:12:5:\033[0m MWAA101 \033[31m[error]\033[0m subnet aws_subnet.public_b (passed to"


def test_a_pipe_keeps_one_line_per_finding(tmp_path):
    # standard error is the terminal here; the report goes to a file, as `mwaa-lint . | grep` would
    _, report = _run([".", "--no-cache"], "stderr", tmp_path, columns=72)
    assert report.split("\n")[0] == f"main.tf:12:5: MWAA101 [error] {MWAA101}"
    _, concise = _run([".", "--no-cache", "--format", "concise"], "stderr", tmp_path, columns=72)
    assert concise.split("\n")[0] == f"main.tf:12:5: MWAA101 [error] {MWAA101}"


def test_concise_never_wraps_even_on_a_terminal(tmp_path):
    shown, _ = _run([".", "--no-cache", "--format", "concise", "--color", "never"], "stdout", tmp_path, columns=72)
    assert shown.split("\n")[0] == f"main.tf:12:5: MWAA101 [error] {MWAA101}"
