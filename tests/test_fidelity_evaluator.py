"""Reading Terraform the way Terraform does (issue 14, the evaluator's part): try() and null,
`retention_in_days = null`, `airflow_version = ""`, optional() defaults, `nullable = false`,
template directives (heredoc policies, templatefile() requirements) and validations that do
not bound max_workers.

Each fixture under tests/fixtures/fidelity/evaluator/ is a realistic configuration whose
expected.txt lists every finding (`RULE path:line`, with why); `terraform plan` and
`terraform console` (1.11.4, AWS provider 5.100.0) were the oracle for the values it names.
templates/golden.json is what `terraform console` rendered for every template case in
templates/cases.tf (templates/regenerate.py writes it)."""
import json
import shutil

import pytest
from conftest import FIXTURES
from test_fixture_modules import expected_findings

from mwaa_lint import model as m
from mwaa_lint.evaluate import Evaluator
from mwaa_lint.parse import parse_hcl
from mwaa_lint.project import Project, confined_to
from mwaa_lint.values import Error, Unknown

HERE = FIXTURES / "fidelity" / "evaluator"
CASES = sorted(p.parent for p in HERE.glob("*/expected.txt"))


def test_there_are_the_seven_fixtures():
    assert [p.name for p in CASES] == [
        "heredoc_policy_for", "logging_try_null", "nullable_false", "optional_defaults", "requirements_templatefile",
        "retention_null", "validations_not_bounding",
    ]


@pytest.mark.parametrize("directory", CASES, ids=lambda p: p.name)
def test_findings_are_exactly_the_expected_ones(cli, directory):
    run = cli(".", "--format", "json", cwd=directory)
    data = run.json()
    assert data["diagnostics"] == []
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])
    assert found == expected_findings(directory)
    assert run.exit_code != 2  # every file read, every module checked


def _findings(cli, fixture, rule):
    data = cli(".", "--select", rule, "--format", "json", cwd=HERE / fixture).json()
    return sorted((f["path"], f["line"], f["address"], f["message"]) for f in data["findings"])


def test_try_falls_back_when_the_caller_leaves_the_object_out(cli):
    # module.analytics omits logging_configuration (null): try() gives "DEBUG"; module.reporting
    # passes "WARNING", so only analytics is reported.
    assert _findings(cli, "logging_try_null", "MWAA403") == [
        ("modules/airflow/main.tf", 21, "module.analytics.aws_mwaa_environment.this",
         'dag_processing_logs sends DAGProcessing logs at log_level "DEBUG", which multiplies the CloudWatch Logs '
         'volume billed; expected "INFO" or higher outside an investigation'),
    ]


def test_a_null_retention_never_expires_and_an_empty_version_is_no_version(cli):
    assert _findings(cli, "retention_null", "MWAA401") == [
        ("variables.tf", 10, "aws_mwaa_environment.this",
         'Scheduler logs go to aws_cloudwatch_log_group.airflow["Scheduler"] ("airflow-billing-etl-Scheduler"), which '
         "sets retention_in_days = null, so they never expire; expected retention_in_days > 0"),
        ("variables.tf", 10, "aws_mwaa_environment.this",
         'Task logs go to aws_cloudwatch_log_group.airflow["Task"] ("airflow-billing-etl-Task"), which sets '
         "retention_in_days = null, so they never expire; expected retention_in_days > 0"),
    ]
    [(path, line, _, message)] = _findings(cli, "retention_null", "MWAA304")
    assert (path, line) == ("variables.tf", 4)
    assert message.startswith('airflow_version is "", so a new environment gets the latest version MWAA offers (')


def test_an_omitted_optional_attribute_is_reported_at_its_default(cli):
    assert _findings(cli, "optional_defaults", "MWAA501") == [
        ("modules/mwaa/variables.tf", 10, "module.mwaa.aws_mwaa_environment.this", "max_workers is 40; expected max_workers <= 25"),
    ]
    [(path, line, _, message)] = _findings(cli, "optional_defaults", "MWAA403")
    assert (path, line) == ("modules/mwaa/variables.tf", 21)
    assert message.startswith('task_logs sends Task logs at log_level "DEBUG"')


def test_null_passed_to_a_non_nullable_variable_is_its_default(cli):
    assert _findings(cli, "nullable_false", "MWAA501") == []
    [(path, line, _, message)] = _findings(cli, "nullable_false", "MWAA304")
    assert (path, line) == ("main.tf", 7)
    assert message.startswith("airflow_version is null (passed to module.mwaa for module.mwaa.aws_mwaa_environment.this)")


def test_a_statement_a_template_for_generates_is_checked_at_its_line(cli):
    assert _findings(cli, "heredoc_policy_for", "MWAA201") == [
        ("main.tf", 56, "aws_iam_role_policy.buckets",
         "execution role aws_iam_role.mwaa allows `s3:*` (every action of the s3 service) in aws_iam_role_policy.buckets; "
         "expected specific actions"),
    ]


def test_requirements_rendered_by_templatefile_are_checked_rendered(cli):
    assert _findings(cli, "requirements_templatefile", "MWAA301") == [
        ("main.tf", 16, "aws_mwaa_environment.this",
         "`dbt-core` is not pinned: no version specifier; expected `==<version>` so every scheduler and worker installs "
         "the same build"),
    ]


def test_validations_that_do_not_bound_leave_max_workers_unbounded(cli):
    found = _findings(cli, "validations_not_bounding", "MWAA501")
    assert [(path, line, address) for path, line, address, _ in found] == [
        ("main.tf", 19, 'aws_mwaa_environment.team["finance"]'),
        ("main.tf", 19, 'aws_mwaa_environment.team["marketing"]'),
        ("main.tf", 19, 'aws_mwaa_environment.team["ops"]'),
    ]
    assert found[0][3] == (
        "max_workers takes the value of var.finance_max_workers, which has no default and no validation bounding it, "
        "so any number of workers can be requested; expected a validation such as `var.finance_max_workers <= 25`"
    )


def test_a_validation_that_bounds_is_still_a_bound(cli, tmp_path):
    # the same layout with finance's validation made a ceiling: finance is no longer reported
    shutil.copytree(HERE / "validations_not_bounding", tmp_path / "layout")
    variables = tmp_path / "layout" / "variables.tf"
    variables.write_text(variables.read_text().replace(
        'can(regex("^[0-9]+$", var.finance_max_workers))', "var.finance_max_workers <= 20"))
    data = cli(".", "--select", "MWAA501", "--format", "json", cwd=tmp_path / "layout").json()
    assert sorted(f["address"] for f in data["findings"]) == [
        'aws_mwaa_environment.team["marketing"]', 'aws_mwaa_environment.team["ops"]',
    ]


def test_a_growing_expression_names_what_it_gives(cli, tmp_path):
    (tmp_path / "main.tf").write_text((HERE / "validations_not_bounding" / "main.tf").read_text().replace(
        "max(var.ops_burst_workers, 1)", "var.ops_burst_workers * 2"))
    shutil.copy(HERE / "validations_not_bounding" / "variables.tf", tmp_path)
    data = cli(".", "--select", "MWAA501", "--format", "json", cwd=tmp_path).json()
    messages = {f["address"]: f["message"] for f in data["findings"]}
    assert messages['aws_mwaa_environment.team["ops"]'] == (
        "max_workers grows with var.ops_burst_workers (var.ops_burst_workers = 26 gives max_workers = 52), which has no "
        "default and no validation bounding it, so any number of workers can be requested; expected a validation such "
        "as `var.ops_burst_workers <= 25`"
    )


# -- templates, against terraform console ---------------------------------------------------

GOLDEN = json.loads((HERE / "templates" / "golden.json").read_text())


def _templates():
    directory = (HERE / "templates").resolve()
    path = directory / "cases.tf"
    parsed = parse_hcl(path.read_text(), path)
    return directory, Evaluator(m.Module(directory, [parsed])), parsed.blocks[-1].attributes


def test_the_template_table_covers_every_case_and_says_which_terraform():
    _, _, cases = _templates()
    assert GOLDEN["terraform_version"] == "1.11.4"
    assert sorted(GOLDEN["cases"]) == sorted(cases)
    assert len(cases) >= 20


@pytest.mark.parametrize("name", sorted(GOLDEN["cases"]))
def test_templates_render_as_terraform_renders_them(name):
    directory, ev, cases = _templates()
    with confined_to(Project(str(directory), "test")):
        assert ev.value(cases[name].expr) == GOLDEN["cases"][name]


@pytest.mark.parametrize("text, line, column, message", [
    ('x = "%{ if true }a"\n', 1, 6, "Unexpected end of template: the if directive is missing its corresponding endif directive"),
    ('x = "a%{ endfor }"\n', 1, 7, "Unexpected endfor directive: no for directive is open here"),
    ("x = <<EOT\n%{ for a in b }\n%{ endif }\nEOT\n", 3, 1, "Unexpected endif directive: no if directive is open here"),
    ("x = <<EOT\n  %{ while true }\nEOT\n", 2, 3, "Invalid template directive: expected if, else, endif, for or endfor"),
])
def test_unbalanced_directives_are_syntax_errors_with_a_location(tmp_path, text, line, column, message):
    from mwaa_lint.diagnostic import InputError

    with pytest.raises(InputError) as raised:
        parse_hcl(text, tmp_path / "main.tf")
    found = raised.value.diagnostic
    assert (found.line, found.column, found.message) == (line, column, message)


# -- try(), can() and errors ----------------------------------------------------------------


def _locals(tmp_path, text):
    path = tmp_path / "main.tf"
    parsed = parse_hcl(text, path)
    ev = Evaluator(m.Module(tmp_path, [parsed]))
    return {name: ev.value(a.expr) for b in parsed.blocks if b.type == "locals" for name, a in b.attributes.items()}


def test_try_and_can_tell_an_error_from_an_unknown(tmp_path):
    # each value as `terraform console` 1.11.4 gives it
    values = _locals(tmp_path, '''
variable "cfg" {
  type    = any
  default = null
}
variable "unset" {}
locals {
  null_traversal  = try(var.cfg.x.y, "DEBUG")
  can_null        = can(var.cfg.x)
  guarded         = var.cfg == null ? "d" : var.cfg.x
  missing_key     = try({ a = 1 }.b, "fb")
  out_of_range    = try([1][3], "fb")
  missing_index   = try({ a = 1 }["b"], "fb")
  through_call    = try(lower(var.cfg.x), "fb")
  through_string  = try("${var.cfg.x}", "fb")
  second_fallback = try(var.cfg.a, var.cfg.b, "third")
  unknown         = try(var.unset.x, "fb")
  can_unknown     = can(var.unset.x)
  bare_error      = var.cfg.x
}
''')
    assert {k: v for k, v in values.items() if not isinstance(v, Unknown)} == {
        "null_traversal": "DEBUG", "can_null": False, "guarded": "d", "missing_key": "fb", "out_of_range": "fb",
        "missing_index": "fb", "through_call": "fb", "through_string": "fb", "second_fallback": "third",
    }
    # an unknown input could still succeed: try() stays unknown, as Terraform's does until apply
    assert type(values["unknown"]) is Unknown and type(values["can_unknown"]) is Unknown
    assert isinstance(values["bare_error"], Error)  # outside try() an error is unknown to the rules


def test_optional_defaults_fill_nested_objects_lists_and_maps(tmp_path):
    # `terraform console` with `obj = { b = { d = 3 }, l = [{ e = null }, {}] }` in a tfvars file
    path = tmp_path / "main.tf"
    parsed = parse_hcl('''
variable "obj" {
  type = object({
    a = optional(number, 10)
    b = optional(object({ c = optional(string, "x"), d = optional(number) }), {})
    l = optional(list(object({ e = optional(number, 5) })), [{}])
    m = optional(map(object({ f = optional(bool, true) })))
  })
  default = {}
}
''', path)
    module = m.Module(tmp_path, [parsed])
    expr = m.GetAttr(parsed.blocks[0].loc, m.Name(parsed.blocks[0].loc, "var"), "obj")
    assert Evaluator(module).value(expr) == {"a": 10, "b": {"c": "x", "d": None}, "l": [{"e": 5}], "m": None}
    module.variable_values = {"obj": {"b": {"d": 3}, "l": [{"e": None}, {}], "m": {"k": {}}, "a": None}}
    assert Evaluator(module).value(expr) == {
        "a": 10, "b": {"c": "x", "d": 3}, "l": [{"e": 5}, {"e": 5}], "m": {"k": {"f": True}},
    }


def test_an_empty_airflow_version_is_compared_with_nothing(cli, tmp_path):
    # airflow_version = "" is no version: MWAA304 says so, and the --constraint line naming
    # 2.10.3 is not "another version than airflow_version" (MWAA303 stays silent)
    shutil.copytree(HERE / "requirements_templatefile", tmp_path / "layout")
    main = tmp_path / "layout" / "main.tf"
    main.write_text(main.read_text().replace(
        "airflow_version                = local.airflow_version", 'airflow_version                = ""'))
    data = cli(".", "--select", "MWAA303,MWAA304", "--format", "json", cwd=tmp_path / "layout").json()
    assert [(f["rule_id"], f["line"]) for f in data["findings"]] == [("MWAA304", 26)]
