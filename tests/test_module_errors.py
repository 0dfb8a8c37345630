"""Local module calls that cannot be followed: a clear diagnostic at the call, exit 2, no loop,
and the caller is not judged on a partial tree."""
import pytest


@pytest.mark.parametrize(
    "case, path, line, column, message",
    [
        ("cycle", "modules/a/main.tf", 3, 3,
         "module.a.module.again calls a module that is already being evaluated (a cycle); not followed"),
        ("missing_source", "main.tf", 2, 3,
         "module source module_errors/missing_source/modules/mwaa is not a directory"),
        ("broken_child", "modules/mwaa/main.tf", 2, 40,
         "Invalid single-argument block definition: a block written on one line may hold only one argument; "
         "put each argument on its own line"),
    ],
)
def test_a_module_call_that_cannot_be_followed(cli, case, path, line, column, message):
    run = cli(f"module_errors/{case}", "--format", "json")
    assert run.exit_code == 2
    data = run.json()
    assert [(d["path"], d["line"], d["column"], d["message"]) for d in data["diagnostics"]] == [
        (f"module_errors/{case}/{path}", line, column, message)
    ]
    # max_workers = 40 in broken_child would be a finding; a partial tree is not judged
    assert data["findings"] == []
    assert data["summary"]["incomplete"] is True
