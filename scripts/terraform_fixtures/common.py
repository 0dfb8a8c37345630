"""Shared by the fixture generators: find Terraform 1.11.4 and the AWS provider mirror, run
Terraform in a temporary directory with a private CLI configuration (nothing from ~/.terraformrc,
no checkpoint calls, no prompts), and copy only chosen outputs into tests/fixtures/."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURES = REPO / "tests" / "fixtures"
UPSTREAM = HERE / "upstream"
TERRAFORM_VERSION = "1.11.4"
AWS_PROVIDER_VERSION = "5.100.0"
MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins", str(Path.home() / ".terraform.d" / "plugins"))


def terraform() -> str:
    """The terraform on PATH, which must be 1.11.4 (the fixtures record its behaviour)."""
    path = shutil.which("terraform")
    if path is None:
        sys.exit("terraform is not on PATH")
    version = json.loads(subprocess.run([path, "version", "-json"], capture_output=True, text=True, check=True,
                                        env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull}).stdout)["terraform_version"]
    if version != TERRAFORM_VERSION:
        sys.exit(f"terraform {version} found, the fixtures are made with {TERRAFORM_VERSION}")
    return path


def plugin_dir() -> str:
    """The directory to pass as -plugin-dir: the part of the provider binary's path before
    registry.terraform.io/ (TF_FIXTURES_PLUGIN_DIR overrides the search)."""
    candidates = [os.environ["TF_FIXTURES_PLUGIN_DIR"]] if os.environ.get("TF_FIXTURES_PLUGIN_DIR") else MIRROR_CANDIDATES
    for root in candidates:
        provider = Path(root) / "registry.terraform.io" / "hashicorp" / "aws" / AWS_PROVIDER_VERSION
        if any(provider.glob("*/terraform-provider-aws_v*")):
            return root
    sys.exit(f"no AWS provider {AWS_PROVIDER_VERSION} mirror in {candidates}; set TF_FIXTURES_PLUGIN_DIR "
             "(the part of the provider's path before registry.terraform.io/)")


def base_env(workdir: Path, cli_config: str = "") -> dict[str, str]:
    """An environment with a private, empty-but-for-cli_config CLI configuration and no AWS
    settings from the caller's shell."""
    rc = workdir / "terraformrc"
    rc.write_text(cli_config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env.update({"TF_CLI_CONFIG_FILE": str(rc), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"})
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command, echo it, and stop with its output when it fails (unless check is False)."""
    print("+", " ".join(args), f"(in {cwd.name})", file=sys.stderr)
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def init(root: Path, env: dict[str, str]) -> None:
    run([terraform(), "init", "-backend=false", f"-plugin-dir={plugin_dir()}", "-input=false", "-no-color"], root, env)


def copy_tf(source: Path, target: Path, names: Iterable[str] = ("*.tf", "*.tfvars")) -> None:
    """Copy a root's configuration files (not recursive)."""
    target.mkdir(parents=True, exist_ok=True)
    for pattern in names:
        for path in sorted(source.glob(pattern)):
            shutil.copy2(path, target / path.name)


def copy_module_tree(source: Path, target: Path) -> None:
    """Copy a module directory as Terraform left it, without the version-control metadata that
    git clones leave behind (a .git directory cannot be committed inside this repository)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".git"), symlinks=False)


def replace_once(text: str, old: str, new: str) -> str:
    """text with old replaced by new, exactly once (so an edit never silently misses)."""
    count = text.count(old)
    if count != 1:
        sys.exit(f"expected exactly one {old!r}, found {count}")
    return text.replace(old, new)


def clean_output(text: str, *paths: Path) -> str:
    """Terraform's output with temporary paths replaced by placeholders and ANSI codes removed."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for path in paths:
        text = text.replace(str(path), "<tmp>")
    return text
