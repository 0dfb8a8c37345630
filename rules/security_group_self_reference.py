from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, SecurityGroup, Severity, Unknown, to_number

# TCP ports MWAA's components use between themselves, when the self-reference is narrowed
_PORTS = (443, 5432)


class SecurityGroupSelfReference(Rule):
    """No security group of the environment lets in traffic from itself, or lets anything out.

    ## What it does
    Looks at the security groups in the environment's `security_group_ids` and their rules
    wherever they are written (inline `ingress`/`egress` blocks, dynamic ones too,
    `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule` and `_egress_rule`).
    Reports when no ingress rule of any of them admits the environment's own groups
    (`self = true`, or a rule sourcing one of the groups) on all traffic, or at least on TCP
    443 and 5432, the narrowing AWS documents. Reports too when none of the groups has any
    egress rule. It stays silent when a group is not a resource of the configuration (a
    literal `sg-…` ID, a data source, unknown), and when a rule might exist that cannot be
    seen (a dynamic block over an unknown collection, a rule whose group cannot be resolved,
    the group given to a module mwaa-lint cannot read). Egress narrowed to less than all
    traffic is not judged.

    ## Why is this bad?
    MWAA's scheduler, workers, web server and metadata database reach each other through the
    environment's security group: "must specify a self-referencing inbound rule to itself".
    Without it the environment is stuck creating, or comes up and does not process DAGs.
    Without egress it cannot reach S3, SQS, CloudWatch or its database either — and a group
    Terraform creates has no egress unless the configuration writes one: Terraform removes
    the allow-all egress rule AWS adds to a new group.

    ## Example
    ```hcl
    resource "aws_security_group" "mwaa" {
      name   = "mwaa"
      vpc_id = "vpc-0abc"

      ingress {
        from_port   = 443
        to_port     = 443
        protocol    = "tcp"
        cidr_blocks = ["10.0.0.0/16"]
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

      egress {
        from_port   = 0
        to_port     = 0
        protocol    = "-1"
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

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group (the default egress rule)
    """

    id = "MWAA804"
    slug = "security-group-self-reference"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            argument, groups = env.security_groups()
            if argument is None or not groups:
                continue  # a group whose rules cannot be seen may hold what is needed
            names = ", ".join(group.address for group in groups)
            passed = f" ({argument.passed_to})" if argument.passed_to else ""  # the message names the environment
            related = tuple((group.loc, f"security group {group.address}") for group in dict.fromkeys(groups))
            missing = _self_reference_missing(groups)
            if missing:
                only = "" if len(missing) == len(_PORTS) else f" on TCP {_other(missing)} but not on {_ports(missing)}"
                expected = ("an ingress rule with self = true (all traffic, or TCP 443 and 5432)" if not only
                            else f"the self-referencing rule to cover TCP {_ports(missing)} too")
                yield self.finding(
                    argument.loc,
                    f"no security group of {env.address} ({names}) admits traffic from itself{only}{passed}, "
                    f"so MWAA's components cannot reach each other and the environment does not come up or "
                    f"process DAGs; expected {expected}",
                    address=env.address, related=related,
                )
            if _no_egress(groups):
                yield self.finding(
                    argument.loc,
                    f"no security group of {env.address} ({names}) has an egress rule{passed}: Terraform "
                    "removes the allow-all egress AWS adds to a new group, so the environment cannot reach S3, "
                    "SQS, CloudWatch or its database; expected an egress rule for all traffic (0.0.0.0/0)",
                    address=env.address, related=related,
                )


def _self_reference_missing(groups: list[SecurityGroup]) -> list[int]:
    """The ports of `_PORTS` no self-referencing ingress rule covers ([] also when it cannot be told)."""
    missing = set(_PORTS)
    for group in groups:
        rules, unsure = group.rules("ingress")
        if unsure:
            return []
        for rule in rules:
            admits = rule.self is True or any(other.is_named_by(peer) is True for peer in rule.groups for other in groups)
            maybe = isinstance(rule.self, Unknown) or any(isinstance(peer, Unknown) and not _known_other(peer, groups)
                                                         for peer in rule.groups)
            if not admits:
                if maybe:
                    return []
                continue
            covered = _covers(rule.protocol, rule.from_port, rule.to_port)
            if covered is None:
                return []
            missing -= covered
    return sorted(missing)


def _covers(protocol: Any, from_port: Any, to_port: Any) -> set[int] | None:
    """The ports of `_PORTS` a rule covers (None: cannot tell)."""
    if isinstance(protocol, Unknown) or protocol is None:
        return None
    name = str(protocol).strip().lower()
    if name in ("-1", "all"):
        return set(_PORTS)
    if name not in ("tcp", "6"):
        return set()
    low, high = to_number(from_port), to_number(to_port)
    if isinstance(low, Unknown) or isinstance(high, Unknown) or low is None or high is None:
        return None
    return {port for port in _PORTS if low <= port <= high}


def _known_other(peer: Any, groups: list[SecurityGroup]) -> bool:
    """Is an unknown peer value known to be some group other than the environment's? (A
    reference to another group's id is unknown until apply, but which group it is, is known.)"""
    return all(group.is_named_by(peer) is False for group in groups)


def _no_egress(groups: list[SecurityGroup]) -> bool:
    for group in groups:
        rules, unsure = group.rules("egress")
        if rules or unsure:
            return False
    return True


def _ports(ports: list[int]) -> str:
    return " and ".join(str(port) for port in ports)


def _other(missing: list[int]) -> str:
    return _ports([port for port in _PORTS if port not in missing])
