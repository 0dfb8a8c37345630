"""The fixtures that real Terraform generated for issue 18 (tests/fixtures/downloaded/ and
tests/fixtures/plans/, made by scripts/terraform_fixtures/) are what the product work needs:
manifests whose keys, sources, versions and directories match the configuration beside them (or,
in the stale case, do not match in exactly the recorded ways), a vendored twin with the same
module code, and plans whose actions, replace_paths, unknown and sensitive markers are the ones the
plan rules will read. These tests read files only; Terraform is not needed to run them."""
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES

DOWNLOADED = FIXTURES / "downloaded"
PLANS = FIXTURES / "plans"
SECRET = "fixture-smtp-secret-do-not-print"  # TF_VAR_smtp_password of the create plan (make_plans.py)

# module key -> (source, version) as `terraform init` recorded them for tests/fixtures/downloaded/registry
REGISTRY_MANIFEST = {
    "": ("", None),
    "mwaa": ("registry.terraform.io/aws-ia/mwaa/aws", "0.0.6"),
    "mwaa.execution_role": ("./modules/execution-role", None),
    "mwaa_bucket": ("git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3", None),
    "mwaa_bucket.s3_bucket": ("registry.terraform.io/terraform-aws-modules/s3-bucket/aws", "4.11.0"),
    "vpc": ("registry.terraform.io/terraform-aws-modules/vpc/aws", "5.21.0"),
    "vpc_endpoints": ("registry.terraform.io/terraform-aws-modules/vpc/aws//modules/vpc-endpoints", "5.21.0"),
}
# what the stale manifest recorded before the configuration moved on
STALE_DIFFERENCES = {
    "mwaa": ("registry.terraform.io/aws-ia/mwaa/aws", "0.0.5"),
    "mwaa_bucket": ("git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.2", None),
}
# the vendored twin's module directories, by the manifest key whose downloaded code they copy
VENDORED = {
    "mwaa": "modules/terraform-aws-mwaa",
    "vpc": "modules/terraform-aws-vpc",
    "mwaa_bucket": "modules/terraform-aws-mwaa-bucket",
    "mwaa_bucket.s3_bucket": "modules/terraform-aws-s3-bucket",
}


def manifest(case: str) -> dict[str, dict]:
    data = json.loads((DOWNLOADED / case / ".terraform" / "modules" / "modules.json").read_text())
    return {m["Key"]: m for m in data["Modules"]}


def module_calls(main_tf: Path) -> dict[str, tuple[str, str | None]]:
    """name -> (source, version) of each module block of a root (one argument a line)."""
    calls = {}
    for name, body in re.findall(r'^module "(\w+)" \{\n(.*?)^\}', main_tf.read_text(), re.M | re.S):
        source = re.search(r'^\s*source\s*=\s*"([^"]*)"', body, re.M)
        version = re.search(r'^\s*version\s*=\s*"([^"]*)"', body, re.M)
        calls[name] = (source[1] if source else "", version[1] if version else None)
    return calls


def test_the_downloaded_cases_are_these_four():
    assert sorted(p.name for p in DOWNLOADED.iterdir()) == ["not_downloaded", "registry", "stale", "vendored"]


def test_the_registry_manifest_has_every_key_source_and_version():
    recorded = {key: (m["Source"], m.get("Version")) for key, m in manifest("registry").items()}
    assert recorded == REGISTRY_MANIFEST


@pytest.mark.parametrize("case", ["registry", "stale"])
def test_every_manifest_directory_exists_and_holds_terraform(case):
    root = DOWNLOADED / case
    for key, entry in manifest(case).items():
        directory = root / entry["Dir"]
        assert directory.is_dir(), (key, entry["Dir"])
        assert sorted(directory.glob("*.tf")), (key, entry["Dir"])
    # a nested registry call gets a directory of its own; a nested local one lives in its parent's
    assert manifest(case)["mwaa_bucket.s3_bucket"]["Dir"] == ".terraform/modules/mwaa_bucket.s3_bucket"
    assert manifest(case)["mwaa.execution_role"]["Dir"] == ".terraform/modules/mwaa/modules/execution-role"
    assert manifest(case)["vpc_endpoints"]["Dir"] == ".terraform/modules/vpc_endpoints/modules/vpc-endpoints"


def test_the_registry_root_calls_match_its_manifest():
    recorded = manifest("registry")
    calls = module_calls(DOWNLOADED / "registry" / "main.tf")
    assert sorted(calls) == ["mwaa", "mwaa_bucket", "vpc", "vpc_endpoints"]
    for name, (source, version) in calls.items():
        assert recorded[name]["Source"] in (source, f"registry.terraform.io/{source}")
        assert recorded[name].get("Version") == version
    # the nested calls are in the downloaded code with the sources the manifest recorded
    nested = module_calls(DOWNLOADED / "registry" / recorded["mwaa_bucket"]["Dir"] / "main.tf")
    assert nested == {"s3_bucket": ("terraform-aws-modules/s3-bucket/aws", "4.11.0")}
    nested = module_calls(DOWNLOADED / "registry" / recorded["mwaa"]["Dir"] / "main.tf")
    assert nested == {"execution_role": ("./modules/execution-role", None)}


def test_the_registry_root_has_count_and_the_findings_the_product_should_follow():
    main_tf = (DOWNLOADED / "registry" / "main.tf").read_text()
    assert re.search(r'module "vpc_endpoints" \{\n  count = var.enable_vpc_endpoints \? 1 : 0\n', main_tf)
    assert '  webserver_access_mode = "PUBLIC_ONLY"\n' in main_tf
    assert '  airflow_version   = "2.5.1"\n' in main_tf  # end of support 2025-12-30
    environment = (DOWNLOADED / "registry" / manifest("registry")["mwaa"]["Dir"] / "main.tf").read_text()
    assert 'resource "aws_mwaa_environment" "mwaa" {' in environment
    assert "webserver_access_mode = var.webserver_access_mode" in environment


def test_the_stale_manifest_differs_from_its_configuration_in_exactly_two_calls():
    stale, fresh = manifest("stale"), manifest("registry")
    assert sorted(stale) == sorted(fresh)
    changed = {k: (stale[k]["Source"], stale[k].get("Version")) for k in stale
               if (stale[k]["Source"], stale[k].get("Version")) != (fresh[k]["Source"], fresh[k].get("Version"))}
    assert changed == STALE_DIFFERENCES
    # the configuration is the registry root's (whose manifest is current), not the old pins
    assert module_calls(DOWNLOADED / "stale" / "main.tf") == module_calls(DOWNLOADED / "registry" / "main.tf")
    said = (DOWNLOADED / "stale" / "terraform-validate.txt").read_text()
    assert re.findall(r"^Error: (.*)$", said, re.M) == ["Module source has changed", "Module version requirements have changed"]
    assert "the\ninstalled version (0.0.5) is no longer acceptable" in said


def test_the_fresh_clone_has_no_terraform_directory_and_terraform_says_so():
    root = DOWNLOADED / "not_downloaded"
    assert not (root / ".terraform").exists()
    assert module_calls(root / "main.tf") == module_calls(DOWNLOADED / "registry" / "main.tf")
    said = (root / "terraform-validate.txt").read_text()
    assert re.findall(r"^Error: (.*)$", said, re.M) == ["Module not installed"] * 4
    assert [int(n) for n in re.findall(r"^  on main.tf line (\d+):", said, re.M)] == [15, 31, 55, 62]
    lines = (root / "main.tf").read_text().splitlines()
    assert [lines[n - 1] for n in (15, 31, 55, 62)] == [f'module "{m}" {{' for m in ("vpc", "vpc_endpoints", "mwaa_bucket", "mwaa")]


def test_the_vendored_twin_differs_only_in_sources_and_keeps_every_line_number():
    registry, vendored = DOWNLOADED / "registry", DOWNLOADED / "vendored"
    assert not (vendored / ".terraform").exists()
    for name in ("main.tf", "variables.tf", "providers.tf", "outputs.tf"):
        ours, theirs = (registry / name).read_text().splitlines(), (vendored / name).read_text().splitlines()
        assert len(ours) == len(theirs), name
        different = [(a, b) for a, b in zip(ours, theirs) if a != b]
        for a, b in different:
            assert a.lstrip().startswith(("source", "version", "# own git module")), (name, a)
            assert b.lstrip().startswith(("source", "# vendored from", "# own git module")), (name, b)
    calls = module_calls(vendored / "main.tf")
    assert all(source.startswith("./modules/") and version is None for source, version in calls.values())
    assert calls["vpc_endpoints"][0] == "./modules/terraform-aws-vpc/modules/vpc-endpoints"


@pytest.mark.parametrize("key", sorted(VENDORED))
def test_the_vendored_module_code_is_the_downloaded_code(key):
    downloaded = DOWNLOADED / "registry" / manifest("registry")[key]["Dir"]
    vendored = DOWNLOADED / "vendored" / VENDORED[key]
    ours = sorted(p.relative_to(downloaded) for p in downloaded.rglob("*.tf"))
    assert ours == sorted(p.relative_to(vendored) for p in vendored.rglob("*.tf"))
    for relative in ours:
        a, b = (downloaded / relative).read_text().splitlines(), (vendored / relative).read_text().splitlines()
        assert len(a) == len(b), relative
        assert [x for x, y in zip(a, b) if x != y] in ([], ['  source  = "terraform-aws-modules/s3-bucket/aws"', '  version = "4.11.0"'])


def test_no_provider_binary_lock_file_state_or_git_directory_was_committed():
    unwanted = [p for base in (DOWNLOADED, PLANS) for p in base.rglob("*")
                if p.name in (".git", "providers", ".terraform.lock.hcl", "terraform.tfstate", "plugin_path")
                or p.name.startswith("terraform-provider-")]
    assert unwanted == []
    sizes = {p: p.stat().st_size for base in (DOWNLOADED, PLANS) for p in base.rglob("*") if p.is_file()}
    assert max(sizes.values()) < 100_000


# --- plans -----------------------------------------------------------------------------------

# case -> (actions, action_reason, replace_paths, airflow_version before, after) of aws_mwaa_environment.this
ENVIRONMENT_CHANGES = {
    "create": (["create"], None, None, None, "2.10.3"),
    "replace_name": (["delete", "create"], "replace_because_cannot_update", [["name"]], "2.10.3", "2.10.3"),
    "replace_kms_key": (["delete", "create"], "replace_because_cannot_update", [["kms_key"]], "2.10.3", "2.10.3"),
    "airflow_major_upgrade": (["delete", "create"], "replace_because_cannot_update", [["airflow_version"]], "2.11.0", "3.0.6"),
    # the provider forces replacement only when the major version grows: 3 to 2 is planned in place
    "airflow_major_downgrade": (["update"], None, None, "3.0.6", "2.11.0"),
    "airflow_minor_downgrade": (["update"], None, None, "2.10.3", "2.9.2"),
    "airflow_downgrade_below_2_11": (["update"], None, None, "3.0.6", "2.10.3"),
    "airflow_downgrade_end_of_support": (["update"], None, None, "2.10.3", "2.6.3"),
    # new subnet CIDRs in the local module: the subnets are replaced, and with them the environment
    "module_replace_subnets": (["delete", "create"], "replace_because_cannot_update",
                               [["network_configuration", 0, "subnet_ids"]], "2.10.3", "2.10.3"),
}
IN_A_MODULE = {"module_replace_subnets": "module.mwaa."}
# create plans made for tests/test_plan_alone_more.py (no prior state)
PLAN_ALONE_CASES = ["module_optional_inputs", "policy_attachments_exclusive", "policy_sources"]


def plan(case: str) -> dict:
    return json.loads((PLANS / case / "plan.json").read_text())


def address(case: str) -> str:
    return IN_A_MODULE.get(case, "") + "aws_mwaa_environment.this"


def environment_change(case: str) -> dict:
    [change] = [rc for rc in plan(case)["resource_changes"] if rc["address"] == address(case)]
    return change


def resources(module: dict) -> list:
    """The resources of a planned_values or prior_state module and of its child modules."""
    return [*module.get("resources", []), *(r for child in module.get("child_modules", []) for r in resources(child))]


def test_the_plan_cases_are_these():
    assert sorted(p.name for p in PLANS.iterdir()) == sorted([*ENVIRONMENT_CHANGES, *PLAN_ALONE_CASES])


@pytest.mark.parametrize("case", sorted(ENVIRONMENT_CHANGES))
def test_the_plan_is_terraform_1_11_json_with_its_configuration_beside_it(case):
    data = plan(case)
    assert data["format_version"] == "1.2"
    assert data["terraform_version"] == "1.11.4"
    assert {"planned_values", "resource_changes", "configuration", "variables"} <= data.keys()
    assert data["complete"] is True and data["errored"] is False
    # every resource of the configuration is in a .tf file beside the plan
    sources = "\n".join(p.read_text() for p in (PLANS / case).rglob("*.tf"))
    declared = [*data["configuration"]["root_module"].get("resources", []),
                *(r for call in data["configuration"]["root_module"].get("module_calls", {}).values()
                  for r in call["module"].get("resources", []))]
    assert declared
    for resource in declared:
        assert f'"{resource["type"]}" "{resource["name"]}"' in sources, resource["address"]
    # the planned environment is the one the resource change describes
    [planned] = [r for r in resources(data["planned_values"]["root_module"]) if r["address"] == address(case)]
    assert planned["values"]["airflow_version"] == environment_change(case)["change"]["after"]["airflow_version"]


@pytest.mark.parametrize("case", sorted(ENVIRONMENT_CHANGES))
def test_the_environment_change_has_the_expected_actions_and_replace_paths(case):
    rc = environment_change(case)
    actions, reason, replace_paths, before, after = ENVIRONMENT_CHANGES[case]
    assert rc["change"]["actions"] == actions
    assert rc.get("action_reason") == reason
    assert rc["change"].get("replace_paths") == replace_paths
    assert (rc["change"]["before"] or {}).get("airflow_version") == before
    assert rc["change"]["after"]["airflow_version"] == after
    assert "after_sensitive" in rc["change"] and "after_unknown" in rc["change"]
    if case != "create":  # the prior state Terraform applied is in the plan
        [prior] = [r for r in resources(plan(case)["prior_state"]["values"]["root_module"]) if r["address"] == address(case)]
        assert prior["values"] == rc["change"]["before"]


def test_only_the_environment_changes_in_the_version_plans():
    for case in ("airflow_major_upgrade", "airflow_major_downgrade", "airflow_minor_downgrade"):
        changing = [rc["address"] for rc in plan(case)["resource_changes"] if rc["change"]["actions"] != ["no-op"]]
        assert changing == ["aws_mwaa_environment.this"], case
        before, after = environment_change(case)["change"]["before"], environment_change(case)["change"]["after"]
        if environment_change(case)["change"]["actions"] == ["update"]:
            assert {k for k in before if before[k] != after[k]} == {"airflow_version"}, case
        else:  # a replacement leaves computed values unknown: compare the known arguments
            known = {k for k, v in after.items() if v is not None and not isinstance(v, (list, dict))}
            assert {k for k in known if before[k] != after[k]} == {"airflow_version"}, case


def test_the_kms_key_replacement_has_a_key_that_is_known_only_after_apply():
    rc = environment_change("replace_kms_key")["change"]
    assert rc["before"]["kms_key"] == "" and rc["after_unknown"]["kms_key"] is True and "kms_key" not in rc["after"]
    created = [r["address"] for r in plan("replace_kms_key")["resource_changes"] if r["change"]["actions"] == ["create"]]
    assert created == ["aws_kms_key.mwaa"]


def test_the_create_plan_has_a_tfvars_value_unknowns_and_a_module_call():
    data = plan("create")
    rc = environment_change("create")["change"]
    assert data["variables"]["webserver_access_mode"] == {"value": "PUBLIC_ONLY"}
    assert 'webserver_access_mode = "PUBLIC_ONLY"' in (PLANS / "create" / "terraform.tfvars").read_text()
    assert rc["after"]["webserver_access_mode"] == "PUBLIC_ONLY"
    for unknown in ("execution_role_arn", "source_bucket_arn", "arn"):
        assert rc["after_unknown"][unknown] is True and unknown not in rc["after"], unknown
    assert rc["after_unknown"]["network_configuration"] == [{"security_group_ids": True, "subnet_ids": True}]
    calls = data["configuration"]["root_module"]["module_calls"]
    assert list(calls) == ["network"] and calls["network"]["source"] == "./modules/network"
    assert (PLANS / "create" / "modules" / "network" / "main.tf").is_file()
    addresses = {rc["address"] for rc in data["resource_changes"]}
    assert {"module.network.aws_security_group.mwaa", "module.network.aws_subnet.private[0]"} <= addresses
    expressions = data["configuration"]["root_module"]["resources"]
    [environment] = [r for r in expressions if r["address"] == "aws_mwaa_environment.this"]
    assert environment["expressions"]["webserver_access_mode"] == {"references": ["var.webserver_access_mode"]}


def sensitive_paths(marks, path=()):
    """Every path a Terraform sensitivity mark (after_sensitive, sensitive_values) covers."""
    if marks is True:
        yield path
    elif isinstance(marks, dict):
        for key, value in marks.items():
            yield from sensitive_paths(value, (*path, key))
    elif isinstance(marks, list):
        for index, value in enumerate(marks):
            yield from sensitive_paths(value, (*path, index))


def secret_paths(value, path=()):
    if value == SECRET:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from secret_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from secret_paths(item, (*path, index))


def test_the_sensitive_variable_appears_only_where_terraform_marks_it_sensitive():
    """Terraform's JSON keeps sensitive values in plain text and marks them; a reader that honours
    the marks (the variable's `sensitive` in configuration, after_sensitive, sensitive_values)
    never needs to print one. The value is nowhere in the configuration files."""
    data = plan("create")
    found = sorted(secret_paths(data))
    assert found == [
        ("planned_values", "root_module", "resources", 2, "values", "airflow_configuration_options", "smtp.smtp_password"),
        ("resource_changes", 2, "change", "after", "airflow_configuration_options", "smtp.smtp_password"),
        ("variables", "smtp_password", "value"),
    ]
    assert data["configuration"]["root_module"]["variables"]["smtp_password"]["sensitive"] is True
    planned = data["planned_values"]["root_module"]["resources"][2]
    change = data["resource_changes"][2]
    assert planned["address"] == change["address"] == "aws_mwaa_environment.this"
    covered = {("planned_values", "root_module", "resources", 2, "values", *p) for p in sensitive_paths(planned["sensitive_values"])}
    covered |= {("resource_changes", 2, "change", "after", *p) for p in sensitive_paths(change["change"]["after_sensitive"])}
    for path in found[:2]:
        assert any(path[:len(c)] == c for c in covered), path
    for path in (PLANS / "create").rglob("*"):
        if path.is_file() and path.name != "plan.json":
            assert SECRET not in path.read_text(), path
    for case in ENVIRONMENT_CHANGES:
        if case != "create":
            assert SECRET not in (PLANS / case / "plan.json").read_text()
