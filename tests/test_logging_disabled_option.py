"""MWAA402's `log_types` option limits which log types must be on."""
from conftest import FIXTURES

CASE = FIXTURES / "rules" / "MWAA402" / "partly_disabled"


def _lines(cli, *args):
    data = cli(".", "--select", "MWAA402", "--format", "json", *args, cwd=CASE).json()
    assert data["diagnostics"] == []
    return sorted(f["line"] for f in data["findings"])


def test_every_log_type_by_default(cli):
    assert _lines(cli) == [13, 15, 25, 29]


def test_only_the_named_log_types(cli):
    # scheduler_logs is disabled; task_logs is on; the other types are not asked for.
    assert _lines(cli, "--rule-option", "MWAA402.log_types=scheduler_logs,task_logs") == [15]
    assert _lines(cli, "--rule-option", "MWAA402.log_types=task_logs") == []
