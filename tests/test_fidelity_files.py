"""Which files make a module, and how they combine, as Terraform and OpenTofu decide
(tests/fixtures/fidelity/files/):

- override files (`override.tf`, `*_override.tf`, `.tf.json` forms) are merged into the base
  configuration by Terraform's rules, after the base files, in lexical order of file name:
  one environment, the override's values win, and a finding caused by an override's value is
  reported in the override file;
- `.tofu` and `.tofu.json` files are configuration, and `x.tofu` is read instead of `x.tf`;
- a name declared twice, or an override of nothing, is Terraform's error: exit 2 at the place
  Terraform names, with its words, and the module is not checked.

Every merged value and every error message here was checked with Terraform 1.11.4
(`terraform plan -refresh=false`, `terraform validate`); expected.txt in each fixture says what.
"""
import pytest
from conftest import FIXTURES
from test_fixture_modules import expected_findings

CASES = FIXTURES / "fidelity" / "files"
WITH_FINDINGS = ["json_override", "locals_retention", "variable_default", "logging_block", "tofu_shadow"]


def _run(cli, case, *args):
    return cli(".", "--format", "json", *args, cwd=CASES / case)


@pytest.mark.parametrize("case", ["platform_pin", *WITH_FINDINGS])
def test_findings_are_exactly_the_expected_ones(cli, case):
    run = _run(cli, case)
    data = run.json()
    assert data["diagnostics"] == []
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])
    assert found == expected_findings(CASES / case)
    assert run.exit_code == (1 if found else 0)


@pytest.mark.parametrize(
    "case, rule, path, line, message",
    [
        # a value written in an override file is reported there
        ("json_override", "MWAA501", "ops_override.tf.json", 7, "max_workers is 40; expected max_workers <= 25"),
        # a nested block in an override replaces the base's block of that type, whole
        ("logging_block", "MWAA402", "override.tf", 4,
         "logging_configuration has no dag_processing_logs, scheduler_logs, webserver_logs or worker_logs block, so "
         "DAGProcessing, Scheduler, WebServer and Worker logs are off (MWAA's default); expected dag_processing_logs, "
         "scheduler_logs, webserver_logs and worker_logs with enabled = true"),
        ("logging_block", "MWAA403", "override.tf", 7,
         'task_logs sends Task logs at log_level "DEBUG", which multiplies the CloudWatch Logs volume billed; expected '
         '"INFO" or higher outside an investigation'),
        # a variable's default replaced by an override
        ("variable_default", "MWAA501", "variables_override.tf", 3,
         "max_workers is 60 (var.max_workers, set by its default); expected max_workers <= 25"),
        # a local replaced by an override file that sorts before the file defining it
        ("locals_retention", "MWAA401", "logs.tf", 5,
         'Task logs go to aws_cloudwatch_log_group.airflow["Task"] ("airflow-data-platform-Task"), which sets '
         "retention_in_days = 0, so they never expire; expected retention_in_days > 0"),
        # main.tofu is read, main.tf (max_workers = var.max_workers, 10) is not
        ("tofu_shadow", "MWAA501", "main.tofu", 10, "max_workers is 40; expected max_workers <= 25"),
    ],
)
def test_a_finding_has_the_expected_message(cli, case, rule, path, line, message):
    data = _run(cli, case, "--select", rule).json()
    # (one line may hold several: a for_each block's instances share it)
    assert (rule, path, line, message) in [(f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]]


def test_an_override_is_not_a_second_environment(cli):
    # one environment, module.mwaa.aws_mwaa_environment.this, with the override's values
    data = cli("cost", ".", "--format", "json", cwd=CASES / "platform_pin").json()
    environments = data["environments"]
    assert [env["address"] for env in environments] == ["module.mwaa.aws_mwaa_environment.this"]
    max_workers = environments[0]["counts"]["max_workers"]
    assert (max_workers["high"], max_workers["path"], max_workers["line"]) == (10, "platform_override.tf", 4)


@pytest.mark.parametrize(
    "case, diagnostics",
    [
        ("duplicate_addresses", [
            ("main.tf", 1, 1,
             'Duplicate resource "aws_mwaa_environment" configuration: A aws_mwaa_environment resource named "this" was '
             "already declared at environment.tf:3,1-39. Resource names must be unique per type in each module."),
            ("variables.tf", 19, 1,
             'Duplicate variable declaration: A variable named "max_workers" was already declared at '
             "environment.tf:19,1-23. Variable names must be unique within a module."),
        ]),
        ("override_of_nothing", [
            ("override.tf", 2, 1,
             'Missing resource to override: There is no aws_mwaa_environment resource named "main". An override file '
             "can only override a resource block defined in a primary configuration file."),
        ]),
    ],
)
def test_terraform_refuses_the_module(cli, case, diagnostics):
    run = _run(cli, case)
    data = run.json()
    assert run.exit_code == 2
    assert data["findings"] == []  # not checked, least of all as two environments
    assert [(d["path"], d["line"], d["column"], d["message"]) for d in data["diagnostics"]] == diagnostics
    assert {d["kind"] for d in data["diagnostics"]} == {"parse-error"}  # as for a file Terraform rejects


def _module(tmp_path, files: dict):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


BASE = """\
resource "aws_mwaa_environment" "this" {
  name            = "etl"
  airflow_version = "2.10.3"
  max_workers     = 5
  depends_on      = [aws_iam_role.mwaa]
}

resource "aws_iam_role" "mwaa" {
  name = "mwaa"
}

variable "max_workers" {
  default = 5
  validation {
    condition     = var.max_workers <= 25
    error_message = "Too many workers."
  }
}

locals {
  retention = 30
}

output "arn" {
  value = aws_mwaa_environment.this.arn
}

module "network" {
  source = "./network"
}

data "aws_vpc" "main" {
  default = true
}

provider "aws" {
  alias  = "east"
  region = "us-east-1"
}
"""


@pytest.mark.parametrize(
    "override, message",
    [
        ('resource "aws_mwaa_environment" "this" {\n  depends_on = []\n}\n',
         "Unsupported override: The depends_on argument may not be overridden."),
        ('resource "aws_mwaa_environment" "this" {\n  depends_on = [aws_iam_role.mwaa]\n}\n',
         "Unsupported override: The depends_on argument may not be overridden."),
        ('variable "max_workers" {\n  validation {\n    condition     = true\n    error_message = "x"\n  }\n}\n',
         'Can\'t override validation blocks: Override files cannot override "validation" blocks.'),
        ('resource "aws_mwaa_environment" "this" {\n  lifecycle {\n    precondition {\n      condition     = true\n'
         '      error_message = "x"\n    }\n  }\n}\n',
         'Can\'t override precondition blocks: Override files cannot override "precondition" blocks.'),
        ('variable "min_workers" {\n  default = 1\n}\n',
         'Missing base variable declaration to override: There is no variable named "min_workers". An override file '
         "can only override a variable that was already declared in a primary configuration file."),
        ('locals {\n  retention_days = 7\n}\n',
         'Missing base local value definition to override: There is no local value named "retention_days". An '
         "override file can only override a local value that was already defined in a primary configuration file."),
        ('output "name" {\n  value = 1\n}\n',
         'Missing base output definition to override: There is no output named "name". An override file can only '
         "override an output that was already defined in a primary configuration file."),
        ('module "vpc" {\n  source = "./vpc"\n}\n',
         'Missing module call to override: There is no module call named "vpc". An override file can only override a '
         "module call that was defined in a primary configuration file."),
        ('data "aws_vpc" "shared" {\n  default = true\n}\n',
         'Missing data resource to override: There is no aws_vpc data resource named "shared". An override file can '
         "only override a data block defined in a primary configuration file."),
        ('provider "aws" {\n  alias = "west"\n}\n',
         'Missing base provider configuration for override: There is no aws provider configuration with the alias '
         '"west". An override file can only override an aliased provider configuration that was already defined in a '
         "primary configuration file."),
        ('moved {\n  from = aws_iam_role.old\n  to   = aws_iam_role.mwaa\n}\n',
         "Cannot override 'moved' blocks: Records of moved objects can appear only in normal files, not in override "
         "files."),
    ],
)
def test_what_terraform_refuses_in_an_override_file(cli, tmp_path, override, message):
    (tmp_path / "network").mkdir()
    module = _module(tmp_path, {"main.tf": BASE, "network/main.tf": "", "z_override.tf": override})
    run = cli(".", "--format", "json", cwd=module)
    assert run.exit_code == 2
    assert [(d["path"], d["message"]) for d in run.json()["diagnostics"]] == [("z_override.tf", message)]


@pytest.mark.parametrize(
    "override, expected",
    [
        # a default provider configuration may override one that is not written (it is added)
        ('provider "aws" {\n  region = "eu-west-1"\n}\n', []),
        # an aliased one overrides its base
        ('provider "aws" {\n  alias  = "east"\n  region = "us-east-2"\n}\n', []),
        # the base's validation stays when the default is overridden: a default of 60 is then
        # Terraform's own error at plan time, but the value is still 60
        ('variable "max_workers" {\n  default = 60\n}\n', []),
        ('resource "aws_mwaa_environment" "this" {\n  max_workers = 30\n}\n',
         [("MWAA501", "z_override.tf", 2, "max_workers is 30; expected max_workers <= 25")]),
        # count = 0 in an override: Terraform creates no environment
        ('resource "aws_mwaa_environment" "this" {\n  count       = 0\n  max_workers = 30\n}\n', []),
    ],
)
def test_what_an_override_merges(cli, tmp_path, override, expected):
    (tmp_path / "network").mkdir()
    module = _module(tmp_path, {"main.tf": BASE, "network/main.tf": "", "z_override.tf": override})
    data = cli(".", "--format", "json", "--select", "MWAA501", cwd=module).json()
    assert data["diagnostics"] == []
    assert [(f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]] == expected


def test_duplicates_in_a_called_module_stop_the_call(cli, tmp_path):
    (tmp_path / "modules" / "mwaa").mkdir(parents=True)
    module = _module(tmp_path, {
        "main.tf": 'module "mwaa" {\n  source = "./modules/mwaa"\n}\n',
        "modules/mwaa/main.tf": 'resource "aws_mwaa_environment" "this" {\n  name        = "a"\n  max_workers = 50\n}\n',
        "modules/mwaa/copy.tf": 'resource "aws_mwaa_environment" "this" {\n  name        = "b"\n  max_workers = 60\n}\n',
    })
    run = cli(".", "--format", "json", cwd=module)
    assert run.exit_code == 2
    assert run.json()["findings"] == []
    assert [(d["path"], d["line"], d["message"]) for d in run.json()["diagnostics"]] == [
        ("modules/mwaa/main.tf", 1,
         'Duplicate resource "aws_mwaa_environment" configuration: A aws_mwaa_environment resource named "this" was '
         "already declared at copy.tf:1,1-39. Resource names must be unique per type in each module."),
    ]


def test_duplicate_locals_and_json_ranges_are_terraforms(cli, tmp_path):
    module = _module(tmp_path, {
        "main.tf.json": '{\n  "resource": {\n    "aws_mwaa_environment": {\n      "this": {\n        "name": "a"\n'
                        '      }\n    }\n  },\n  "locals": {"retention": 30}\n}\n',
        "other.tf": 'resource "aws_mwaa_environment" "this" {\n  name = "b"\n}\n\nlocals {\n  retention = {\n'
                    '    days = 7\n  }\n}\n',
    })
    run = cli(".", "--format", "json", cwd=module)
    assert run.exit_code == 2
    # `terraform validate` 1.11.4 names these very ranges
    assert [(d["path"], d["line"], d["column"], d["message"]) for d in run.json()["diagnostics"]] == [
        ("other.tf", 1, 1,
         'Duplicate resource "aws_mwaa_environment" configuration: A aws_mwaa_environment resource named "this" was '
         "already declared at main.tf.json:4,15-16. Resource names must be unique per type in each module."),
        ("other.tf", 6, 3,
         'Duplicate local value definition: A local value named "retention" was already defined at '
         "main.tf.json:9,14-29. Local value names must be unique within a module."),
    ]


def test_tofu_files_are_found_in_a_tree_and_named_alone(cli, tmp_path):
    (tmp_path / "infra").mkdir()
    _module(tmp_path / "infra", {
        "main.tofu": 'resource "aws_mwaa_environment" "this" {\n  name        = "a"\n  max_workers = 40\n}\n',
        ".#main.tf": "not configuration: an editor's lock file",  # hidden: Terraform and OpenTofu skip it
    })
    data = cli(".", "--format", "json", "--select", "MWAA501", cwd=tmp_path).json()
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("infra/main.tofu", 3)]
    data = cli("infra/main.tofu", "--format", "json", "--select", "MWAA501", cwd=tmp_path).json()
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("infra/main.tofu", 3)]


def test_a_tofu_module_called_from_a_root(cli, tmp_path):
    (tmp_path / "modules" / "mwaa").mkdir(parents=True)
    module = _module(tmp_path, {
        "main.tf": 'module "mwaa" {\n  source      = "./modules/mwaa"\n  max_workers = 40\n}\n',
        "modules/mwaa/main.tofu": 'variable "max_workers" {}\n\nresource "aws_mwaa_environment" "this" {\n'
                                  '  name        = "a"\n  max_workers = var.max_workers\n}\n',
        # Terraform's twin of main.tofu: OpenTofu does not read it
        "modules/mwaa/main.tf": 'variable "max_workers" {}\n\nresource "aws_mwaa_environment" "this" {\n'
                                '  name        = "a"\n  max_workers = 5\n}\n',
    })
    data = cli(".", "--format", "json", "--select", "MWAA501", cwd=module).json()
    assert data["diagnostics"] == []
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("main.tf", 3)]


@pytest.mark.parametrize("case", ["platform_pin", "tofu_shadow", "duplicate_addresses"])
def test_skipping_irrelevant_directories_changes_nothing(cli, case):
    def report(*args):
        data = _run(cli, case, "--select", "ALL", "--no-cache", *args).json()
        return (sorted((f["rule_id"], f["path"], f["line"], f["message"]) for f in data["findings"]),
                sorted((d["path"], d["line"], d["message"]) for d in data["diagnostics"]))

    assert report() == report("--scan-all")


def test_suppressions_in_a_tofu_file_are_read_as_hcl_comments(cli, tmp_path):
    module = _module(tmp_path, {
        "main.tofu": 'resource "aws_mwaa_environment" "this" {\n  name        = "a"\n'
                     '  max_workers = 40 // mwaa-lint: ignore[MWAA501] sized for the quarter-end backfill\n'
                     '  # mwaa-lint: ignore[MWAA304] pinned by the platform override\n}\n',
        "pin_override.tofu": 'resource "aws_mwaa_environment" "this" {\n'
                             '  /* mwaa-lint: ignore[MWAA305] upgrade planned */ airflow_version = "2.4.3"\n}\n',
    })
    data = cli(".", "--format", "json", "--select", "MWAA501,MWAA305,MWAA002", cwd=module).json()
    assert data["diagnostics"] == []
    assert data["findings"] == []
    assert data["summary"]["suppressed"] == 2
    data = cli(".", "--format", "json", "--select", "MWAA501,MWAA305", "--no-inline-ignores", cwd=module).json()
    assert sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"]) == [
        ("MWAA305", "pin_override.tofu", 2), ("MWAA501", "main.tofu", 3)]


def test_a_provider_override_sets_the_region_the_cost_is_priced_in(cli, tmp_path):
    module = _module(tmp_path, {
        "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n\nresource "aws_mwaa_environment" "this" {\n'
                   '  name              = "a"\n  environment_class = "mw1.small"\n  max_workers       = 3\n}\n',
        # CI prices every environment in the Region of the price table
        "ci_override.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n',
    })
    data = cli("cost", ".", "--format", "json", cwd=module).json()
    [environment] = data["environments"]
    assert environment["region"] == {"value": "us-east-1", "note": 'provider "aws", ci_override.tf:2'}
