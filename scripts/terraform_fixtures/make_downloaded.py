#!/usr/bin/env python3
"""Make tests/fixtures/downloaded/: roots whose modules a real `terraform init -backend=false`
downloaded from registry and git sources (served by the local stand-ins in registry_standin.py).

    python scripts/terraform_fixtures/make_downloaded.py

Cases (each in tests/fixtures/downloaded/<case>/):
  registry        the configuration is hand-written here (*.tf); this script replaces its
                  .terraform/modules/ (modules.json and the module directories Terraform wrote).
  vendored        the same root with the same module code copied under ./modules/ and local
                  sources: a linter must find the same problems in both.
  stale           the registry root's configuration, but .terraform/modules/ comes from an init of
                  the previous pins (aws-ia/mwaa/aws 0.0.5, the git module at ?ref=v1.2.2): a
                  version bump merged without `terraform init`. terraform-validate.txt is what
                  Terraform says about it.
  not_downloaded  the registry root's configuration and no .terraform/ at all (a fresh clone);
                  terraform-validate.txt is what Terraform says about it.
Only *.tf and .terraform/modules/ are copied back: no provider binaries, no lock file, no .git
directories of the cloned modules.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from common import FIXTURES, UPSTREAM, base_env, clean_output, copy_module_tree, copy_tf, init, replace_once, run, terraform
from registry_standin import build_github, start_registry

OUT = FIXTURES / "downloaded"
REGISTRY_ROOT = OUT / "registry"

# the registry root's sources -> the vendored twin's
VENDORED_SOURCES = {
    '"terraform-aws-modules/vpc/aws//modules/vpc-endpoints"': '"./modules/terraform-aws-vpc/modules/vpc-endpoints"',
    '"terraform-aws-modules/vpc/aws"': '"./modules/terraform-aws-vpc"',
    '"git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3"': '"./modules/terraform-aws-mwaa-bucket"',
    '"aws-ia/mwaa/aws"': '"./modules/terraform-aws-mwaa"',
}
VENDORED_MODULES = {
    "terraform-aws-vpc": "terraform-aws-modules/terraform-aws-vpc",
    "terraform-aws-mwaa": "aws-ia/terraform-aws-mwaa",
    "terraform-aws-mwaa-bucket": "acme-data-platform/terraform-aws-mwaa-bucket",
    "terraform-aws-s3-bucket": "terraform-aws-modules/terraform-aws-s3-bucket",
}
# the registry root as it was before the last version bump
STALE_EDITS = [
    ('source  = "aws-ia/mwaa/aws"\n  version = "0.0.6"', 'source  = "aws-ia/mwaa/aws"\n  version = "0.0.5"'),
    ("terraform-aws-mwaa-bucket.git?ref=v1.2.3", "terraform-aws-mwaa-bucket.git?ref=v1.2.2"),
]


def vendor(text: str) -> str:
    """A registry/git module call turned into a call of the vendored copy; the version argument
    (not allowed on a local source) becomes a comment, so every line keeps its number."""
    for old, new in VENDORED_SOURCES.items():
        text = re.sub(rf'source  = {re.escape(old)}\n(\s*)version = "([^"]+)"',
                      lambda m, old=old, new=new: f"source  = {new}\n{m[1]}# vendored from {old.strip(chr(34))} {m[2]}", text)
        text = text.replace(f"source = {old}", f"source = {new}")
    if re.search(r'source\s*=\s*"(?!\./)', text) or re.search(r"^\s*version\s*=", text, re.M):
        raise SystemExit("a registry or git source is left in the vendored twin")
    return text


INIT_LINE = "# own git module. `terraform init` downloaded them into .terraform/modules/."


def copy_root(target: Path, comment: str) -> None:
    """The registry root's configuration with the header's last line replaced by comment."""
    copy_tf(REGISTRY_ROOT, target)
    main_tf = target / "main.tf"
    main_tf.write_text(replace_once(main_tf.read_text(encoding="utf-8"), INIT_LINE, comment), encoding="utf-8")


def take_modules(root: Path, case: Path) -> None:
    """Replace case/.terraform/modules with the one terraform init wrote in root."""
    target = case / ".terraform" / "modules"
    if target.exists():
        shutil.rmtree(target)
    copy_module_tree(root / ".terraform" / "modules", target)


def main() -> None:
    terraform()
    with tempfile.TemporaryDirectory(prefix="tf-downloaded-") as tmp_name:
        tmp = Path(tmp_name)
        registry, cli_config = start_registry()
        env = base_env(tmp, cli_config)
        env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "HOME": str(tmp)})
        env["GIT_CONFIG_GLOBAL"] = str(build_github(tmp, {**env, "GIT_CONFIG_GLOBAL": "/dev/null"}))

        # registry: the hand-written root, downloaded
        root = tmp / "registry"
        copy_tf(REGISTRY_ROOT, root)
        init(root, env)
        run([terraform(), "validate", "-no-color"], root, env)
        take_modules(root, REGISTRY_ROOT)

        # vendored: the same code, local sources
        vendored = OUT / "vendored"
        if vendored.exists():
            shutil.rmtree(vendored)
        vendored.mkdir()
        for path in sorted(REGISTRY_ROOT.glob("*.tf")):
            text = path.read_text(encoding="utf-8")
            if path.name == "main.tf":
                text = replace_once(vendor(text), INIT_LINE,
                                    "# own git module. This twin of ../registry has the same module code vendored under ./modules/.")
            (vendored / path.name).write_text(text, encoding="utf-8")
        for name, repo in VENDORED_MODULES.items():
            shutil.copytree(UPSTREAM / repo, vendored / "modules" / name)
        bucket = vendored / "modules" / "terraform-aws-mwaa-bucket" / "main.tf"
        vendored_call = 'source  = "../terraform-aws-s3-bucket"\n  # vendored from terraform-aws-modules/s3-bucket/aws 4.11.0'
        registry_call = 'source  = "terraform-aws-modules/s3-bucket/aws"\n  version = "4.11.0"'
        bucket.write_text(replace_once(bucket.read_text(encoding="utf-8"), registry_call, vendored_call), encoding="utf-8")
        check = tmp / "vendored"
        shutil.copytree(vendored, check)
        init(check, env)
        run([terraform(), "validate", "-no-color"], check, env)

        # stale: init with the previous pins, then the configuration moves on
        stale_init = tmp / "stale"
        copy_tf(REGISTRY_ROOT, stale_init)
        main_tf = stale_init / "main.tf"
        text = main_tf.read_text(encoding="utf-8")
        for new, old in STALE_EDITS:
            text = replace_once(text, new, old)
        main_tf.write_text(text, encoding="utf-8")
        init(stale_init, env)
        copy_tf(REGISTRY_ROOT, stale_init)  # the bump, merged without init
        stale = OUT / "stale"
        if stale.exists():
            shutil.rmtree(stale)
        copy_root(stale, "# own git module. .terraform/modules/ is from before the last version bump (no init since).")
        take_modules(stale_init, stale)
        said = run([terraform(), "validate", "-no-color"], stale_init, env, check=False)
        if said.returncode == 0:
            raise SystemExit("terraform accepted the stale manifest")
        (stale / "terraform-validate.txt").write_text(clean_output(said.stderr + said.stdout, tmp), encoding="utf-8")

        # not_downloaded: a fresh clone
        fresh = OUT / "not_downloaded"
        if fresh.exists():
            shutil.rmtree(fresh)
        copy_root(fresh, "# own git module. A fresh clone: `terraform init` has not run, nothing is downloaded.")
        fresh_check = tmp / "not_downloaded"
        copy_tf(REGISTRY_ROOT, fresh_check)
        said = run([terraform(), "validate", "-no-color"], fresh_check, env, check=False)
        if said.returncode == 0:
            raise SystemExit("terraform validated a root whose modules are not installed")
        (fresh / "terraform-validate.txt").write_text(clean_output(said.stderr + said.stdout, tmp), encoding="utf-8")

        registry.shutdown()
        asked = sorted(set(registry.requests))  # type: ignore[attr-defined]
        print("registry requests:", json.dumps(asked, indent=1))


if __name__ == "__main__":
    main()
