import re
from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity

PLUGINS = "/usr/local/airflow/plugins"  # where MWAA unpacks plugins.zip before installing requirements
_CODEARTIFACT = ("codeartifact.api", "codeartifact.repositories")  # the endpoints pip needs for CodeArtifact


class PrivateNetworkPypi(Rule):
    """Requirements need a package index the environment's private network cannot reach.

    ## What it does
    For an environment every subnet of which has no way to the internet (its route table
    sends `0.0.0.0/0` nowhere out of the VPC: private routing, VPC endpoints only), reports
    a requirements.txt that installs packages from an index: from PyPI (no `--index-url`,
    or pypi.org), unless it has `--no-index` with `--find-links /usr/local/airflow/plugins`
    (wheels shipped in plugins.zip), or from AWS CodeArtifact without both the
    `codeartifact.api` and `codeartifact.repositories` endpoints in the VPC. Any other
    private index, and subnets, routes or endpoints that cannot be seen, are not judged.

    ## Why is this bad?
    MWAA installs the requirements on every start of a scheduler, worker and web server.
    Without a route to the index, pip fails each time: an update runs for twenty minutes and
    rolls back, and a new environment never becomes healthy. AWS documents two ways for a
    private network: wheels in plugins.zip installed with `--no-index`, or a private index
    reachable through a VPC endpoint.

    ## Example
    ```hcl
    resource "aws_vpc" "main" {
      cidr_block = "10.0.0.0/16"
    }

    resource "aws_subnet" "private" {
      count      = 2
      vpc_id     = aws_vpc.main.id
      cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
    }

    resource "aws_s3_object" "requirements" {
      bucket  = "acme-airflow"
      key     = "requirements.txt"
      content = "apache-airflow-providers-snowflake==5.8.0\\n"
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      source_bucket_arn    = "arn:aws:s3:::acme-airflow"
      requirements_s3_path = aws_s3_object.requirements.key
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = aws_subnet.private[*].id
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_vpc" "main" {
      cidr_block = "10.0.0.0/16"
    }

    resource "aws_subnet" "private" {
      count      = 2
      vpc_id     = aws_vpc.main.id
      cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
    }

    resource "aws_s3_object" "requirements" {
      bucket  = "acme-airflow"
      key     = "requirements.txt"
      content = "--no-index\\n--find-links /usr/local/airflow/plugins\\napache-airflow-providers-snowflake==5.8.0\\n"
    }

    resource "aws_mwaa_environment" "this" {
      name                 = "analytics"
      source_bucket_arn    = "arn:aws:s3:::acme-airflow"
      requirements_s3_path = aws_s3_object.requirements.key
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = aws_subnet.private[*].id
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/best-practices-dependencies.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/samples-code-artifact.html
    - https://docs.aws.amazon.com/codeartifact/latest/ug/create-vpc-endpoints.html
    """

    id = "MWAA811"
    slug = "private-network-pypi"
    severity = Severity.WARNING

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            files = env.requirements()
            packages = [(file, line) for file in files for line in file.requirements]
            if not packages or any(file.unreadable for file in files) or not _no_internet(env):
                continue
            options = [(name, value.strip()) for file in files for _, name, value in file.options]
            if any(name == "--no-index" for name, _ in options) and any(
                    name in ("-f", "--find-links") and value.rstrip("/").startswith(PLUGINS) for name, value in options):
                continue  # wheels from plugins.zip
            indexes = [value for name, value in options if name in ("-i", "--index-url", "--extra-index-url")]
            reason = _unreachable(env, indexes)
            if reason is None:
                continue
            file, first = packages[0]
            yield self.finding(
                file.locate(first),
                f"{env.address} has no way to the internet (its subnets route nowhere out of the VPC), but its "
                f"requirements {reason}, so pip fails at every start and the environment never becomes healthy; "
                f"expected wheels in plugins.zip with --no-index and --find-links {PLUGINS}, or an index reachable "
                "through a VPC endpoint (CodeArtifact)",
                address=env.address,
                related=tuple((argument.loc, f"subnet_ids of {env.address}") for argument, _ in env.subnets()),
            )


def _no_internet(env: Environment) -> bool:
    """Is every subnet of the environment known to send 0.0.0.0/0 nowhere out of its VPC?"""
    lists = env.subnets()
    subnets = [subnet for _, each in lists for subnet in each]
    return bool(subnets) and all(subnet is not None and subnet.egress().out is False for subnet in subnets)


def _unreachable(env: Environment, indexes: list[str]) -> str | None:
    """How the requirements reach for an index the private network cannot reach, or None
    (reachable, or not judged: a private index of another kind, an unknown URL)."""
    hosts = [_host(url) for url in indexes]
    if not hosts or all(host in ("pypi.org", "pypi.python.org", "files.pythonhosted.org") for host in hosts):
        return "install from PyPI (no --no-index with --find-links, no private index)"
    if any(host is None or ".codeartifact." not in host for host in hosts):
        return None  # another private index, or an unknown one: whether it is reachable is not judged
    lacking = set(_CODEARTIFACT)
    for _, subnets in env.subnets():
        for subnet in subnets:
            endpoints = subnet.vpc_endpoints() if subnet is not None else None
            if endpoints is None:
                return None
            lacking -= {e.service for e in endpoints if e.service in _CODEARTIFACT and e.kind == "Interface"}
    if not lacking:
        return None
    plural = "s" if len(lacking) > 1 else ""
    return f"install from AWS CodeArtifact and the VPC lacks the {' and '.join(sorted(lacking))} endpoint{plural}"


def _host(url: str) -> str | None:
    """The host of an index URL (credentials and port left out); None when it cannot be told."""
    match = re.match(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([^/:?#]+)", url.strip(), re.I)
    if match is None or "$" in match.group(1):
        return None
    return match.group(1).lower()
