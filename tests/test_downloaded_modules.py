"""Modules `terraform init` downloaded are followed like local ones, and a module call that could
not be followed is said out loud (issue 18, parts 1 and 2).

The fixtures under tests/fixtures/downloaded/ were made by real `terraform init` against local
stand-ins of the registry and of GitHub (scripts/terraform_fixtures/): `registry` (init done),
`vendored` (the same module code under ./modules/, same line numbers), `stale` (a manifest from
before a version bump and a `?ref=` change), `not_downloaded` (a fresh clone).
tests/fixtures/module_notices/ holds roots whose remote calls cannot matter (no notice)."""
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES

from mwaa_lint.api import Context
from mwaa_lint.engine import RunOptions, load_roots

DOWNLOADED = FIXTURES / "downloaded"
NOTICES = FIXTURES / "module_notices"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

# Every finding of the registry root (run inside it): (rule, path, line, column). The values the
# root passes (airflow_version, webserver_access_mode) are reported at its own lines, as for a
# local module; what the downloaded code itself writes, at its files under .terraform/modules/.
REGISTRY_FINDINGS = [
    ("MWAA302", ".terraform/modules/mwaa/main.tf", 23, 3),  # requirements_s3_path without an object version
    ("MWAA401", ".terraform/modules/mwaa/main.tf", 35, 5),  # DAGProcessing logs: no log group with retention
    ("MWAA401", ".terraform/modules/mwaa/main.tf", 39, 5),  # Scheduler
    ("MWAA401", ".terraform/modules/mwaa/main.tf", 43, 5),  # Task
    ("MWAA401", ".terraform/modules/mwaa/main.tf", 47, 5),  # WebServer
    ("MWAA401", ".terraform/modules/mwaa/main.tf", 51, 5),  # Worker
    # the module's nested local call `execution_role` (manifest key mwaa.execution_role, count = 1)
    ("MWAA202", ".terraform/modules/mwaa/modules/execution-role/main.tf", 70, 18),  # kms:Decrypt on *
    ("MWAA202", ".terraform/modules/mwaa/modules/execution-role/main.tf", 70, 33),  # kms:DescribeKey
    ("MWAA202", ".terraform/modules/mwaa/modules/execution-role/main.tf", 70, 52),  # kms:GenerateDataKey*
    ("MWAA202", ".terraform/modules/mwaa/modules/execution-role/main.tf", 70, 76),  # kms:Encrypt
    ("MWAA305", "main.tf", 67, 3),  # airflow_version = "2.5.1", passed by the root: end of support
    ("MWAA102", "main.tf", 72, 3),  # webserver_access_mode = "PUBLIC_ONLY", passed by the root
]
# where the vendored twin keeps the same code
VENDORED_PATHS = {".terraform/modules/mwaa/": "modules/terraform-aws-mwaa/"}
INIT = "run `terraform init` (`-backend=false` will do), or scan a plan"


def findings(run) -> list:
    return [(f["rule_id"], f["path"], f["line"], f["column"]) for f in run.json()["findings"]]


def vendored_path(path: str) -> str:
    for downloaded, vendored in VENDORED_PATHS.items():
        if path.startswith(downloaded):
            return vendored + path[len(downloaded):]
    return path


# --- following downloaded modules ----------------------------------------------------------------


def test_the_registry_root_is_checked_through_its_downloaded_modules(cli):
    run = cli(".", "--format", "json", cwd=DOWNLOADED / "registry")
    assert run.exit_code == 1
    assert findings(run) == REGISTRY_FINDINGS
    summary = run.json()["summary"]
    # root 4 files + vpc 4 + vpc_endpoints 4 + mwaa 4 + execution_role 4 + mwaa_bucket 1 + s3_bucket 4
    assert (summary["files_checked"], summary["incomplete"], summary["modules_not_followed"]) == (25, False, 0)
    assert run.json()["diagnostics"] == [] and run.json()["notices"] == []
    assert run.stderr == ""


def test_the_registry_root_gives_the_findings_of_its_vendored_twin(cli):
    """The acceptance test of issue 18: same rules, same messages (the module addresses are the
    same, as the calls have the same names), the caller's lines for what the caller passes;
    only the module directories differ."""
    registry = cli(".", "--format", "json", cwd=DOWNLOADED / "registry").json()
    vendored = cli(".", "--format", "json", cwd=DOWNLOADED / "vendored").json()

    def comparable(document, paths=lambda p: p):
        return sorted((f["rule_id"], paths(f["path"]), f["line"], f["column"], f["address"], f["message"])
                      for f in document["findings"])

    assert comparable(registry, vendored_path) == comparable(vendored)
    assert len(registry["findings"]) == 12
    assert registry["summary"]["files_checked"] == vendored["summary"]["files_checked"] == 25


def test_the_messages_name_the_module_addresses_and_the_caller(cli):
    data = cli(".", "--format", "json", "--select", "MWAA102,MWAA202", cwd=DOWNLOADED / "registry").json()
    messages = {(f["rule_id"], f["column"]): f["message"] for f in data["findings"]}
    assert messages[("MWAA102", 3)] == (
        "webserver_access_mode is PUBLIC_ONLY (passed to module.mwaa for module.mwaa.aws_mwaa_environment.mwaa), so the "
        "Airflow UI is reachable from the internet; expected PRIVATE_ONLY (reach the web server through its VPC endpoint)")
    assert messages[("MWAA202", 18)] == (
        "execution role module.mwaa.module.execution_role[0].aws_iam_role.this allows `kms:Decrypt` on Resource \"*\" in "
        "module.mwaa.module.execution_role[0].aws_iam_role_policy.execution, which supports resource-level permissions, "
        "so it applies to every resource of its type in the account; expected the ARNs the environment uses")


@pytest.mark.parametrize("case", ["registry", "vendored"])
def test_outputs_of_downloaded_modules_flow_back_into_the_environment(case):
    """module.vpc's private subnets go through the root into module.mwaa's environment; the role
    comes from the nested call mwaa.execution_role (count); the group from module.mwaa's count."""
    contexts, diagnostics = load_roots([str(DOWNLOADED / case)], RunOptions(environ={}))
    assert diagnostics == []
    [environment] = list(Context(contexts[0]).environments())
    assert environment.address == "module.mwaa.aws_mwaa_environment.mwaa"
    assert [[s.address for s in subnets] for _, subnets in environment.subnets()] == [
        ["module.vpc.aws_subnet.private[0]", "module.vpc.aws_subnet.private[1]"]]
    assert environment.execution_role().address == "module.mwaa.module.execution_role[0].aws_iam_role.this"
    assert [g.address for g in environment.security_groups()[1]] == ["module.mwaa.aws_security_group.mwaa[0]"]


def test_the_text_report_of_the_registry_root(cli):
    run = cli(".", "--select", "MWAA305", cwd=DOWNLOADED / "registry")
    assert run.stdout.splitlines()[0] == (
        "main.tf:67:3: MWAA305 [warning] airflow_version is 2.5.1, which reached MWAA end of support on 2025-12-30 "
        "(as of 2026-11-24): MWAA no longer creates environments on it or upgrades to it, and gives no technical "
        "support; expected a supported version such as 2.11.2 (the latest 2.x)")
    assert run.stdout.splitlines()[-1] == "Found 1 problem (1 warning) in 25 files."
    assert run.stderr == ""


def test_the_terraform_directory_is_no_root_of_its_own(cli):
    """`.terraform/` is skipped by discovery: its modules are checked through the root, once."""
    data = cli("downloaded/registry", "--format", "json", "--scan-all").json()
    assert sorted(f["path"] for f in data["findings"]) == sorted(f"downloaded/registry/{p}" for _, p, _, _ in REGISTRY_FINDINGS)


def test_a_count_of_zero_on_a_downloaded_call_is_followed_as_terraform_would(cli):
    """vpc_endpoints has `count = var.enable_vpc_endpoints ? 1 : 0`: off, it creates nothing, its
    module is not read, and nothing is said about it."""
    on = cli(".", "--format", "json", cwd=DOWNLOADED / "registry").json()
    off = cli(".", "--format", "json", "--var", "enable_vpc_endpoints=false", cwd=DOWNLOADED / "registry").json()
    assert findings_of(off) == findings_of(on)
    assert (on["summary"]["files_checked"], off["summary"]["files_checked"]) == (25, 21)
    assert off["notices"] == []


def findings_of(document) -> list:
    return [(f["rule_id"], f["path"], f["line"]) for f in document["findings"]]


# --- a stale manifest ----------------------------------------------------------------------------

STALE_NOTICES = [
    # Terraform: "Module source has changed", at the source line (terraform-validate.txt)
    "main.tf:56:3: notice: module.mwaa_bucket (git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git"
    "?ref=v1.2.3) was not followed: its source address was changed since it was installed "
    "(.terraform/modules/modules.json records git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git"
    f"?ref=v1.2.2); nothing is read from the stale download; {INIT}",
    # Terraform: "the installed version (0.0.5) is no longer acceptable", at the source line
    "main.tf:63:3: notice: module.mwaa (aws-ia/mwaa/aws) was not followed: its version requirements have changed since "
    "it was installed, and the installed version (0.0.5) is no longer acceptable; nothing is read from the stale "
    f"download; {INIT}",
]


def test_a_stale_download_is_not_read_and_the_run_says_so(cli):
    run = cli(".", cwd=DOWNLOADED / "stale")
    assert run.exit_code == 0
    assert run.stderr.splitlines() == STALE_NOTICES
    # .terraform/modules/mwaa holds the old module, environment and all: none of it is read. The
    # VPC modules still match their calls and are read: root 4 files + vpc 4 + vpc_endpoints 4.
    assert run.stdout == (
        "No aws_mwaa_environment found in 12 files; 2 module calls not followed: module.mwaa_bucket "
        "(git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3), module.mwaa "
        "(aws-ia/mwaa/aws) — run `terraform init`, or scan a plan.\n")


def test_terraform_says_the_same_two_calls_are_stale():
    said = (DOWNLOADED / "stale" / "terraform-validate.txt").read_text()
    assert [line for line in said.splitlines() if line.startswith("  on ")] == [
        '  on main.tf line 56, in module "mwaa_bucket":', '  on main.tf line 63, in module "mwaa":']
    assert [n.split(":")[1] for n in STALE_NOTICES] == ["56", "63"]


def test_stale_notices_in_json(cli):
    data = cli(".", "--format", "json", cwd=DOWNLOADED / "stale").json()
    assert data["findings"] == [] and data["diagnostics"] == []
    assert data["summary"]["modules_not_followed"] == 2 and data["summary"]["incomplete"] is False
    assert [(n["kind"], n["path"], n["line"], n["column"]) for n in data["notices"]] == [
        ("module-not-followed", "main.tf", 56, 3), ("module-not-followed", "main.tf", 63, 3)]
    assert [n["message"] for n in data["notices"]] == [s.split(": notice: ", 1)[1] for s in STALE_NOTICES]


# --- not downloaded: honest silence --------------------------------------------------------------

NOT_DOWNLOADED = [
    ("main.tf:15:1", "module.vpc (terraform-aws-modules/vpc/aws)"),
    ("main.tf:31:1", "module.vpc_endpoints (terraform-aws-modules/vpc/aws//modules/vpc-endpoints)"),
    ("main.tf:55:1", "module.mwaa_bucket (git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3)"),
    ("main.tf:62:1", "module.mwaa (aws-ia/mwaa/aws)"),
]


def test_a_fresh_clone_says_which_module_calls_it_could_not_follow(cli):
    run = cli(".", cwd=DOWNLOADED / "not_downloaded")
    assert run.exit_code == 0
    # one notice per call, at the `module` line, as `terraform validate` says "Module not installed"
    assert run.stderr.splitlines() == [
        f"{where}: notice: {call} was not followed: it is not installed (no .terraform/modules/modules.json); {INIT}"
        for where, call in NOT_DOWNLOADED]
    assert run.stdout == (
        "No aws_mwaa_environment found in 4 files; 4 module calls not followed: module.vpc (terraform-aws-modules/vpc/aws), "
        "module.vpc_endpoints (terraform-aws-modules/vpc/aws//modules/vpc-endpoints), module.mwaa_bucket "
        "(git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3), module.mwaa "
        "(aws-ia/mwaa/aws) — run `terraform init`, or scan a plan.\n")
    assert "0 files" not in run.stdout


def test_terraform_says_the_same_four_calls_are_not_installed():
    said = (DOWNLOADED / "not_downloaded" / "terraform-validate.txt").read_text()
    lines = [line.split(" line ")[1].rstrip(":") for line in said.splitlines() if line.startswith("  on main.tf line")]
    assert lines == [where.split(":")[1] for where, _ in NOT_DOWNLOADED]


def test_strict_modules_closes_the_gate(cli):
    run = cli(".", "--strict-modules", cwd=DOWNLOADED / "not_downloaded")
    assert run.exit_code == 2
    assert len(run.stderr.splitlines()) == 4
    # nothing to follow: strict changes nothing
    assert cli(".", "--strict-modules", "--format", "json", cwd=DOWNLOADED / "registry").exit_code == 1
    assert cli(".", "--strict-modules", cwd=DOWNLOADED / "vendored").exit_code == 1
    # --exit-zero is about findings; a module not followed under --strict-modules still exits 2
    assert cli(".", "--strict-modules", "--exit-zero", cwd=DOWNLOADED / "stale").exit_code == 2


def test_strict_modules_from_the_configuration(cli, tmp_path):
    import shutil

    root = tmp_path / "clone"
    shutil.copytree(DOWNLOADED / "not_downloaded", root)
    (root / ".mwaa-lint.yaml").write_text("strict-modules: true\n")
    assert cli(".", cwd=root).exit_code == 2
    assert "strict-modules: true" in cli(".", "--show-config", cwd=root).stdout
    (root / ".mwaa-lint.yaml").write_text("strict-modules: yes please\n")
    run = cli(".", cwd=root)
    assert run.exit_code == 2
    assert "strict-modules: expected true or false, found 'yes please'" in run.stderr
    (root / ".mwaa-lint.yaml").write_text("strict-modules: false\n")
    assert cli(".", cwd=root).exit_code == 0


def test_notices_in_json_and_sarif(cli):
    data = cli(".", "--format", "json", cwd=DOWNLOADED / "not_downloaded").json()
    assert data["summary"]["modules_not_followed"] == 4
    assert [(n["path"], n["line"], n["message"].split(" was not")[0]) for n in data["notices"]] == [
        ("main.tf", int(where.split(":")[1]), call) for where, call in NOT_DOWNLOADED]
    sarif = cli(".", "--format", "sarif", cwd=DOWNLOADED / "not_downloaded").json()
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    [invocation] = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [("note", "module-not-followed")] * 4
    assert [n["message"]["text"] for n in notes] == [n["message"] for n in data["notices"]]
    assert [n["locations"][0]["physicalLocation"]["region"]["startLine"] for n in notes] == [15, 31, 55, 62]
    assert sarif["runs"][0]["results"] == []


def test_notices_go_to_stderr_whatever_the_format(cli):
    run = cli(".", "--format", "json", cwd=DOWNLOADED / "not_downloaded")
    assert len(run.stderr.splitlines()) == 4 and json.loads(run.stdout)["notices"]


# --- which calls get a notice --------------------------------------------------------------------


def test_a_root_with_its_environment_hears_of_the_calls_whose_outputs_it_uses(cli):
    """layouts/remote_module_unknown: the environment's subnets come from module.vpc and its role
    from module.mwaa_role; both are unknown to every rule, so the run says why."""
    run = cli(".", "--format", "json", cwd=FIXTURES / "layouts" / "remote_module_unknown")
    assert [(n["path"], n["line"], n["message"].split(" was not")[0]) for n in run.json()["notices"]] == [
        ("iam.tf", 2, "module.mwaa_role (git::https://github.com/acme-data/terraform-aws-mwaa-execution-role.git?ref=v2.3.1)"),
        ("network.tf", 1, "module.vpc (terraform-aws-modules/vpc/aws)"),
    ]
    assert run.exit_code == 1  # its findings; the notices change nothing


def test_a_tagging_module_and_an_unused_module_get_no_notice(cli):
    """A module whose outputs only go into tags, or nowhere, cannot hide a value of the
    environment written beside it: saying so would be noise."""
    run = cli(".", "--format", "json", cwd=NOTICES / "tagging_module")
    assert run.json()["notices"] == [] and run.stderr == ""
    assert run.json()["summary"]["files_checked"] == 2


@pytest.mark.parametrize("scan_all", [False, True])
def test_a_stack_with_nothing_of_mwaa_gets_no_notice(cli, scan_all):
    run = cli(".", *(["--scan-all"] if scan_all else []), cwd=NOTICES / "vpc_stack")
    assert run.exit_code == 0 and run.stderr == ""
    # skipped unread by default; read with --scan-all: either way no environment, said so
    assert run.stdout == ("No aws_mwaa_environment found in 1 file.\n" if scan_all
                          else "No aws_mwaa_environment found in the scanned paths.\n")


def test_the_notices_do_not_depend_on_scan_all(cli):
    for case in ("stale", "not_downloaded", "registry"):
        default = cli(".", "--format", "json", cwd=DOWNLOADED / case).json()
        everything = cli(".", "--format", "json", "--scan-all", cwd=DOWNLOADED / case).json()
        assert (default["notices"], default["findings"]) == (everything["notices"], everything["findings"]), case


def test_terraform_init_after_a_cached_run_is_seen(cli, tmp_path):
    """The result cache keeps what a check looked at: the manifest that was not there, then the
    manifest and the downloaded files. `terraform init` between two runs changes the answer."""
    import shutil

    root = tmp_path / "clone"
    shutil.copytree(DOWNLOADED / "not_downloaded", root)
    (root / ".git").mkdir()
    cache = ("--cache-dir", str(tmp_path / "cache"))
    first = cli(".", "--format", "json", *cache, cwd=root).json()
    assert (len(first["notices"]), first["findings"]) == (4, [])
    again = cli(".", "--format", "json", "--statistics", *cache, cwd=root)
    assert again.json()["stats"]["roots_reused"] == 1 and len(again.json()["notices"]) == 4
    shutil.copytree(DOWNLOADED / "registry" / ".terraform", root / ".terraform")  # what init writes
    after = cli(".", "--format", "json", *cache, cwd=root).json()
    assert after["stats"]["roots_reused"] == 0
    assert (after["notices"], findings_of(after)) == ([], [(r, p, n) for r, p, n, _ in REGISTRY_FINDINGS])
    # a stale manifest afterwards (the version pin moved on) is seen too
    (root / "main.tf").write_text((root / "main.tf").read_text().replace('version = "0.0.6"', 'version = "0.0.7"'))
    stale = cli(".", "--format", "json", *cache, cwd=root).json()
    assert [n["line"] for n in stale["notices"]] == [63] and stale["findings"] == []


def test_a_token_in_a_module_source_is_masked_in_every_notice(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(
        'module "mwaa" {\n  source = "git::https://x-access-token:ghp_FAKE123@github.com/acme/mwaa.git?ref=v1"\n}\n')
    run = cli(".", "--format", "json", cwd=tmp_path)
    shown = "git::https://x-access-token:****@github.com/acme/mwaa.git?ref=v1"
    assert run.stderr == (f"main.tf:1:1: notice: module.mwaa ({shown}) was not followed: it is not installed "
                          f"(no .terraform/modules/modules.json); {INIT}\n")
    assert "ghp_FAKE123" not in run.stdout and shown in run.json()["notices"][0]["message"]
    sarif = cli(".", "--format", "sarif", cwd=tmp_path).stdout
    assert "ghp_FAKE123" not in sarif and shown in sarif


def test_a_root_that_names_nothing_of_mwaa_is_kept_for_its_downloaded_environment(cli, tmp_path):
    """The textual pre-pass (relevance.py) skips directories with no environment in reach. A
    root whose only call is a company module with a neutral name, whose download holds the
    environment, is kept: the same findings with and without --scan-all. (The manifest is the
    registry root's, its `mwaa` entries renamed to the call's key.)"""
    import shutil

    root = tmp_path / "platform"
    (root / ".terraform" / "modules").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copytree(DOWNLOADED / "registry" / ".terraform" / "modules" / "mwaa", root / ".terraform" / "modules" / "platform")
    manifest = json.loads((DOWNLOADED / "registry" / ".terraform" / "modules" / "modules.json").read_text())
    entries = []
    for entry in manifest["Modules"]:
        if entry["Key"] in ("", "mwaa", "mwaa.execution_role"):
            entries.append({**entry, "Key": entry["Key"].replace("mwaa", "platform"),
                            "Dir": entry["Dir"].replace("modules/mwaa", "modules/platform"),
                            "Source": entry["Source"].replace("aws-ia/mwaa/aws", "acme/platform/aws")})
    (root / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": entries}))
    (root / "main.tf").write_text(
        'module "platform" {\n'
        '  source  = "acme/platform/aws"\n'
        '  version = "0.0.6"\n'
        "\n"
        '  name               = "analytics"\n'
        '  vpc_id             = "vpc-0a1b2c3d"\n'
        '  private_subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]\n'
        '  source_bucket_arn  = "arn:aws:s3:::acme-analytics-dags"\n'
        "}\n")
    default = cli(".", "--format", "json", cwd=root).json()
    everything = cli(".", "--format", "json", "--scan-all", cwd=root).json()
    assert findings_of(default) == findings_of(everything)
    assert ("MWAA401", ".terraform/modules/platform/main.tf", 35) in findings_of(default)
    assert default["stats"]["directories_skipped"] == 0 and default["notices"] == []
