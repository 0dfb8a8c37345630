import ipaddress
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Resource, Rule, Severity, Unknown, elements, same_value

_GROUP_TYPES = ("aws_security_group", "aws_default_security_group")


class OpenSecurityGroup(Rule):
    """A security group of the environment allows ingress from anywhere (0.0.0.0/0 or ::/0).

    ## What it does
    Follows each group in `network_configuration.security_group_ids` — an `aws_security_group`
    (or `aws_default_security_group`) resource, or a literal `sg-…` ID — and reports every
    ingress rule that admits `0.0.0.0/0` or `::/0`: inline `ingress` blocks (dynamic ones
    too), `aws_security_group_rule` with `type = "ingress"`, and
    `aws_vpc_security_group_ingress_rule` with `cidr_ipv4` / `cidr_ipv6`. It reports at the
    CIDR and is silent on rules whose group or CIDR it cannot resolve.

    ## Why is this bad?
    The environment's security group guards the web server and metadata database VPC
    endpoints and the workers' network interfaces. MWAA needs only a self-referencing rule
    (optionally narrowed to TCP 443 and 5432); an ingress rule from anywhere lets every network
    that can route to the VPC — peered VPCs, VPNs, and the internet where a path exists — reach
    them.

    ## Example
    ```hcl
    resource "aws_security_group" "mwaa" {
      name   = "mwaa"
      vpc_id = "vpc-0abc"

      ingress {
        from_port   = 443
        to_port     = 443
        protocol    = "tcp"
        cidr_blocks = ["0.0.0.0/0"]
      }
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = [aws_security_group.mwaa.id]
        subnet_ids         = ["subnet-0a", "subnet-0b"]
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_security_group" "mwaa" {
      name   = "mwaa"
      vpc_id = "vpc-0abc"

      ingress {
        from_port = 0
        to_port   = 0
        protocol  = "-1"
        self      = true
      }
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = [aws_security_group.mwaa.id]
        subnet_ids         = ["subnet-0a", "subnet-0b"]
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
    """

    id = "MWAA104"
    slug = "open-security-group"
    severity = Severity.ERROR
    security_severity = 7.5

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        groups = {group for kind in _GROUP_TYPES for group in context.resources(kind)}
        for env in context.environments():
            for network in env.blocks("network_configuration"):
                values = network.get("security_group_ids")
                for value in values if isinstance(values, list) else []:
                    group = context.target(value)
                    if group is not None:
                        if group not in groups:
                            continue  # another kind of resource, or a data source
                        yield from self._inline(group)
                        yield from self._rules(context, group.address, group)
                    elif isinstance(value, str):
                        yield from self._rules(context, str(value), value)

    def _inline(self, group: Resource) -> Iterator[Finding]:
        for block in group.blocks("ingress"):
            yield from self._open(block, ("cidr_blocks", "ipv6_cidr_blocks"), ("protocol", "from_port", "to_port"),
                                  group.address, group.address)

    def _rules(self, context: Context, name: str, group: Resource | str) -> Iterator[Finding]:
        """Standalone ingress rules of `group`: a resource, or a literal `sg-…` ID."""
        for rule in context.resources("aws_security_group_rule"):
            if rule.get("type") != "ingress" or not _belongs(rule.get("security_group_id"), group):
                continue
            yield from self._open(rule, ("cidr_blocks", "ipv6_cidr_blocks"), ("protocol", "from_port", "to_port"),
                                  rule.address, name)
        for rule in context.resources("aws_vpc_security_group_ingress_rule"):
            if not _belongs(rule.get("security_group_id"), group):
                continue
            yield from self._open(rule, ("cidr_ipv4", "cidr_ipv6"), ("ip_protocol", "from_port", "to_port"),
                                  rule.address, name)

    def _open(self, rule: Any, cidr_names: tuple[str, ...], port_names: tuple[str, ...], address: str, group: str) -> Iterator[Finding]:
        """Each CIDR from anywhere in an ingress rule (an inline `ingress` block or a resource)."""
        for cidr_name in cidr_names:
            for cidr, loc in elements(rule.argument(cidr_name)):
                if not _anywhere(cidr):
                    continue
                where = "" if address == group else f" ({address})"
                yield self.finding(
                    loc,
                    f"security group {group}{where} allows ingress from {cidr}{_traffic(rule, port_names)}; "
                    "expected a self-referencing rule or specific source ranges (MWAA needs no ingress from anywhere)",
                    address=address,
                )


def _belongs(value: Any, group: Resource | str) -> bool:
    if isinstance(group, str):
        return same_value(value, group) is True
    return group.is_named_by(value) is True


def _anywhere(cidr: Any) -> bool:
    if not isinstance(cidr, str) or isinstance(cidr, Unknown):
        return False
    try:
        return ipaddress.ip_network(str(cidr).strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _traffic(rule: Any, names: tuple[str, ...]) -> str:
    protocol, low, high = (rule.argument(name).value for name in names)
    if isinstance(protocol, str) and str(protocol).lower() in ("-1", "all"):
        return " on all protocols and ports"
    if isinstance(protocol, str) and isinstance(low, (int, str)) and isinstance(high, (int, str)):
        ports = f"port {low}" if str(low) == str(high) else f"ports {low}-{high}"
        return f" on {protocol} {ports}"
    return ""
