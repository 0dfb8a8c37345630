"""Local stand-ins for where Terraform downloads modules from, so `terraform init` really
downloads registry and git modules with no network:

- "GitHub": one bare git repository per module under a temporary directory, built from
  upstream/<owner>/<repo>/ with a commit and a tag per version. A global git configuration
  (GIT_CONFIG_GLOBAL) rewrites `https://github.com/` to that directory (`url.<base>.insteadOf`),
  so a source such as `git::https://github.com/acme-data-platform/terraform-aws-mwaa-bucket.git?ref=v1.2.3`
  is cloned from it by the git that Terraform runs.
- The module registry: an HTTP server speaking Terraform's module registry protocol
  (`modules.v1`: `…/versions`, and `…/<version>/download` answering 204 with `X-Terraform-Get`).
  Terraform discovers a host's services at https://<host>/.well-known/terraform.json, which a
  local server cannot answer for registry.terraform.io, so the CLI configuration gives that host's
  services directly with a `host` block (https://developer.hashicorp.com/terraform/cli/config/config-file#host): the
  sources stay `aws-ia/mwaa/aws` and the like. As the public registry does, the download answer
  points at the module's GitHub repository with `?ref=v<version>`, which the git stand-in serves.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import UPSTREAM

# registry address (namespace/name/provider) -> the GitHub repository behind it
REGISTRY = {
    "aws-ia/mwaa/aws": "aws-ia/terraform-aws-mwaa",
    "terraform-aws-modules/vpc/aws": "terraform-aws-modules/terraform-aws-vpc",
    "terraform-aws-modules/s3-bucket/aws": "terraform-aws-modules/terraform-aws-s3-bucket",
}
# GitHub repository -> (directory name under the stand-in, versions tagged, oldest first)
REPOSITORIES = {
    "aws-ia/terraform-aws-mwaa": ("aws-ia/terraform-aws-mwaa", ["0.0.5", "0.0.6"]),
    "terraform-aws-modules/terraform-aws-vpc": ("terraform-aws-modules/terraform-aws-vpc", ["5.21.0"]),
    "terraform-aws-modules/terraform-aws-s3-bucket": ("terraform-aws-modules/terraform-aws-s3-bucket", ["4.11.0"]),
    "acme-data-platform/terraform-aws-mwaa-bucket": ("acme-data-platform/terraform-aws-mwaa-bucket.git", ["1.2.2", "1.2.3"]),
}
GIT_IDENTITY = ["-c", "user.name=Fixture Maker", "-c", "user.email=fixtures@example.com",
                "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]


def git(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, env=env, check=True, capture_output=True)


def build_github(base: Path, env: dict[str, str]) -> Path:
    """Bare repositories under base/github/, one commit and tag v<version> per version (each
    commit adds its CHANGELOG.md line; the module code is the same). Returns the gitconfig path
    to use as GIT_CONFIG_GLOBAL."""
    github = base / "github"
    for repo, (directory, versions) in REPOSITORIES.items():
        work = base / "work" / repo
        shutil.copytree(UPSTREAM / repo, work)
        git(["init", "-q", "-b", "main"], work, env)
        changelog = ""
        for version in versions:
            changelog = f"## v{version}\n\n- Release {version}.\n\n" + changelog
            (work / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
            git(["add", "-A"], work, env)
            git(["commit", "-q", "-m", f"Release v{version}"], work, env)
            git(["tag", f"v{version}"], work, env)
        bare = github / directory
        bare.parent.mkdir(parents=True, exist_ok=True)
        git(["clone", "-q", "--bare", str(work), str(bare)], base, env)
    config = base / "gitconfig"
    config.write_text(f'[url "file://{github}/"]\n\tinsteadOf = https://github.com/\n', encoding="utf-8")
    return config


class RegistryHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _json(self, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        self.server.requests.append(path)  # type: ignore[attr-defined]
        parts = path.removeprefix("/v1/modules/").strip("/").split("/")
        address = "/".join(parts[:3])
        repo = REGISTRY.get(address)
        if path.startswith("/v1/modules/") and repo is not None:
            versions = REPOSITORIES[repo][1]
            if parts[3:] == ["versions"]:
                return self._json({"modules": [{"source": address, "versions": [{"version": v} for v in versions]}]})
            if len(parts) == 5 and parts[3] in versions and parts[4] == "download":
                self.send_response(204)
                self.send_header("X-Terraform-Get", f"git::https://github.com/{repo}?ref=v{parts[3]}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


def start_registry() -> tuple[ThreadingHTTPServer, str]:
    """The registry stand-in on a free local port; returns it and the CLI configuration that
    makes registry.terraform.io's modules.v1 service point at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RegistryHandler)
    server.requests = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/modules/"
    cli_config = f'host "registry.terraform.io" {{\n  services = {{\n    "modules.v1" = "{url}"\n  }}\n}}\n'
    return server, cli_config
