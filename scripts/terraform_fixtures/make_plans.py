#!/usr/bin/env python3
"""Make tests/fixtures/plans/: plan JSON that real Terraform wrote (`terraform plan
-refresh=false -out=p && terraform show -json p`), beside the configuration it was planned from.

    pip install 'moto[server]'     # the local AWS stand-in the prior state is applied against
    python scripts/terraform_fixtures/make_plans.py [CASE ...]

Each case is a configuration template under plan_configs/ plus text edits:
  setup   edits made before `terraform apply` (the environment as it exists)
  change  edits made after it (the pull request the plan is for)
A case without setup or change is a create plan: no apply, no stand-ins. For the others the prior
state comes from a real `terraform apply` against moto's server (EC2, IAM) and mwaa_standin.py
(moto has no MWAA); the provider reaches them through AWS_ENDPOINT_URL_<SERVICE>. The plan
itself runs with no endpoints set: -refresh=false reads nothing from AWS.

tests/fixtures/plans/<case>/ receives the configuration after the change (*.tf, *.tfvars,
modules/) and plan.json exactly as `terraform show -json` printed it. The state, the plan file,
the lock file and the provider stay in the temporary directory.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from common import FIXTURES, HERE, base_env, replace_once, run, terraform
from common import init as terraform_init

OUT = FIXTURES / "plans"
TEMPLATES = HERE / "plan_configs"
# the sensitive variable of the create case, as CI would pass it; tests check where it appears
SMTP_PASSWORD = "fixture-smtp-secret-do-not-print"

Edit = tuple[str, str, str]  # file, old text, new text (each old text must occur exactly once)

KMS_KEY = '''resource "aws_kms_key" "mwaa" {
  description         = "MWAA environment ${var.environment_name}"
  enable_key_rotation = true
  tags                = local.tags
}

resource "aws_mwaa_environment" "this" {'''


@dataclass
class Case:
    name: str
    template: str
    why: str
    setup: list[Edit] = field(default_factory=list)
    change: list[Edit] = field(default_factory=list)


CASES = [
    Case("create", "create", "a new environment: PUBLIC_ONLY from tfvars, ARNs known only after apply, a sensitive "
         "SMTP password in airflow_configuration_options, subnets and security group from module.network"),
    Case("replace_name", "existing", "renaming the environment: name is ForceNew, so it is deleted and created",
         change=[("terraform.tfvars", 'environment_name  = "analytics"', 'environment_name  = "data-analytics"')]),
    Case("replace_kms_key", "existing", "adding a customer managed key to an existing environment: kms_key is ForceNew",
         change=[("main.tf", 'resource "aws_mwaa_environment" "this" {', KMS_KEY),
                 ("main.tf", "  execution_role_arn = aws_iam_role.execution.arn\n",
                  "  execution_role_arn = aws_iam_role.execution.arn\n  kms_key            = aws_kms_key.mwaa.arn\n")]),
    Case("airflow_major_upgrade", "existing", "2.11.0 to 3.0.6: the provider forces replacement when the major version grows",
         setup=[("terraform.tfvars", '"2.10.3"', '"2.11.0"')],
         change=[("terraform.tfvars", '"2.11.0"', '"3.0.6"')]),
    Case("airflow_major_downgrade", "existing", "3.0.6 to 2.11.0: planned as an in-place update, which MWAA rejects",
         setup=[("terraform.tfvars", '"2.10.3"', '"3.0.6"')],
         change=[("terraform.tfvars", '"3.0.6"', '"2.11.0"')]),
    Case("airflow_minor_downgrade", "existing", "2.10.3 to 2.9.2: an in-place update MWAA allows",
         change=[("terraform.tfvars", '"2.10.3"', '"2.9.2"')]),
    Case("airflow_downgrade_below_2_11", "existing", "3.0.6 to 2.10.3: an in-place update; MWAA downgrades a 3.x "
         "environment only to 2.11.x, so it rejects this one",
         setup=[("terraform.tfvars", '"2.10.3"', '"3.0.6"')],
         change=[("terraform.tfvars", '"3.0.6"', '"2.10.3"')]),
    Case("module_replace_subnets", "existing_module", "new subnet CIDRs in a local module: the subnets are replaced, so "
         "the environment's subnet_ids (ForceNew) change and module.mwaa.aws_mwaa_environment.this is replaced too",
         change=[("modules/mwaa/main.tf", "cidrsubnet(var.vpc_cidr, 8, count.index + 1)",
                  "cidrsubnet(var.vpc_cidr, 8, count.index + 11)")]),
    Case("airflow_downgrade_end_of_support", "existing", "2.10.3 to 2.6.3: an in-place update to a version past its "
         "end of support, which MWAA no longer upgrades or downgrades to",
         change=[("terraform.tfvars", '"2.10.3"', '"2.6.3"')]),
    Case("policy_sources", "policy_sources", "a new environment whose execution policy merges source documents: one "
         "is known only after apply (it names the bucket's ARN), the other is JSON the plan knows with `cloudwatch:*`"),
    Case("module_optional_inputs", "module_optional_inputs", "two environments from a wrapper module whose optional "
         "inputs default to null: one leaves requirements_s3_object_version out (null; the provider computes it), the "
         "other passes the uploaded object's version_id"),
    Case("policy_attachments_exclusive", "policy_attachments_exclusive", "a new environment whose role's attachments "
         "list a policy of the configuration (its ARN known only after apply) beside an AWS managed policy's ARN"),
]


def edit(root: Path, edits: list[Edit]) -> None:
    for name, old, new in edits:
        path = root / name
        path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def apply_prior_state(root: Path, env: dict[str, str]) -> None:
    """terraform apply against moto (EC2, IAM, STS) and the MWAA stand-in."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        sys.exit("moto is not installed: pip install 'moto[server]'")
    import mwaa_standin

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    mwaa, mwaa_url = mwaa_standin.start()
    try:
        host, port = moto.get_host_and_port()
        aws = f"http://{host}:{port}"
        urllib.request.urlopen(urllib.request.Request(f"{aws}/moto-api/reset", method="POST")).close()  # moto's state is per process
        apply_env = {**env, "AWS_ENDPOINT_URL_EC2": aws, "AWS_ENDPOINT_URL_IAM": aws, "AWS_ENDPOINT_URL_STS": aws,
                     # The SDK prefixes MWAA's control-plane host with "api.", which 127.0.0.1 cannot
                     # take: the endpoint gets a name only the stand-in answers for, reached as a proxy
                     # (Go's HTTP client never proxies loopback addresses, so moto is reached directly).
                     "AWS_ENDPOINT_URL_MWAA": "http://mwaa.standin.invalid", "HTTP_PROXY": mwaa_url}
        run([terraform(), "apply", "-auto-approve", "-input=false", "-no-color"], root, apply_env)
    finally:
        mwaa.shutdown()
        moto.stop()


def make(case: Case, tmp: Path) -> None:
    root = tmp / case.name
    shutil.copytree(TEMPLATES / case.template, root)
    env = base_env(tmp)
    env["TF_VAR_smtp_password"] = SMTP_PASSWORD
    terraform_init(root, env)
    if case.setup or case.change:
        edit(root, case.setup)
        apply_prior_state(root, env)
        edit(root, case.change)
    run([terraform(), "plan", "-refresh=false", "-input=false", "-no-color", "-out=p"], root, env)
    shown = run([terraform(), "show", "-json", "p"], root, env).stdout

    out = OUT / case.name
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(root, out, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "p", "terraformrc"))
    (out / "plan.json").write_text(shown, encoding="utf-8")
    print(f"{case.name}: {case.why}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", choices=[[]] + [c.name for c in CASES], help="default: every case")
    wanted = set(parser.parse_args().cases)
    terraform()
    with tempfile.TemporaryDirectory(prefix="tf-plans-") as tmp:
        for case in CASES:
            if not wanted or case.name in wanted:
                make(case, Path(tmp))


if __name__ == "__main__":
    main()
