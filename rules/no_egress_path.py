from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, Subnet, Unknown, table


class NoEgressPath(Rule):
    """A subnet of the environment has no way to reach AWS: no route out, no VPC endpoints.

    ## What it does
    Follows `network_configuration.subnet_ids` to each `aws_subnet` and its route table (its
    association, or the VPC's main table). A subnet whose table sends `0.0.0.0/0` nowhere out
    of the VPC — no NAT gateway, transit gateway, peering connection, firewall endpoint,
    network interface or instance — must find in its VPC every interface endpoint MWAA
    needs (`airflow.api`, `airflow.env`, `sqs`, `logs`, `monitoring`, `ecr.api`, `ecr.dkr`,
    and `kms` with a customer managed key), each with private DNS, and the `s3` gateway
    endpoint. Reports each subnet that has neither, at `subnet_ids`, with what is missing.
    It stays silent when a route table, a route, the VPC or an endpoint cannot be seen (a
    subnet or VPC from a data source or an unread module, an unknown destination or
    service). `airflow.ops`, still in the user guide but no longer in the API, is not
    required (the conservative reading).

    ## Why is this bad?
    MWAA's schedulers and workers reach S3, SQS, CloudWatch, ECR and MWAA's own services
    from these subnets. Without a way out, `CreateEnvironment` runs for hours, until the
    provider's two-hour timeout or `CREATE_FAILED`, and says only that the execution role or
    the network may be wrong.

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

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
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

    resource "aws_route_table" "private" {
      vpc_id = aws_vpc.main.id
      route {
        cidr_block     = "0.0.0.0/0"
        nat_gateway_id = "nat-0abc"
      }
    }

    resource "aws_route_table_association" "private" {
      count          = 2
      subnet_id      = aws_subnet.private[count.index].id
      route_table_id = aws_route_table.private.id
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = aws_subnet.private[*].id
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-vpe-create-access.html
    """

    id = "MWAA803"
    slug = "no-egress-path"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        needs = table("required_endpoints")
        for env in context.environments():
            interface = list(needs["interface_endpoints"])
            kms_key = env.get("kms_key")
            if kms_key is not None and kms_key != "":  # with an AWS owned key, kms is UNCERTAIN: not required
                interface += needs["interface_endpoints_with_customer_key"]
            for subnet_ids, subnets in env.subnets():
                # subnets that lack the same things through the same table: one finding
                stuck: dict[tuple[str, tuple[str, ...]], list[Subnet]] = {}
                for subnet in dict.fromkeys(s for s in subnets if s is not None):
                    lacking = _missing(subnet, interface, needs["gateway_endpoints"])
                    if lacking:
                        stuck.setdefault((subnet.egress().table, tuple(lacking)), []).append(subnet)
                for (route_table, missing), group in stuck.items():
                    names = ", ".join(subnet.address for subnet in group)
                    passed = f" ({subnet_ids.passed_to})" if subnet_ids.passed_to else ""
                    yield self.finding(
                        subnet_ids.loc,
                        f"{'subnets' if len(group) > 1 else 'subnet'} {names} of {env.address}{passed} "
                        f"{'have' if len(group) > 1 else 'has'} no way out of the VPC: {route_table} sends 0.0.0.0/0 "
                        f"nowhere out (no NAT gateway, transit gateway, ...), and the VPC lacks the endpoints {', '.join(missing)}, "
                        "so the environment cannot reach S3, SQS, CloudWatch or ECR and never comes up; expected a "
                        "NAT route, or those VPC endpoints",
                        address=env.address,
                        related=tuple((subnet.loc, f"subnet {subnet.address}") for subnet in group),
                    )


def _missing(subnet: Subnet, interface: list[str], gateway: list[str]) -> list[str]:
    """What the subnet lacks to reach AWS ([] when it has a way out, or it cannot be told)."""
    if subnet.egress().out is not False:
        return []  # a route out, or one that cannot be seen
    endpoints = subnet.vpc_endpoints()
    if endpoints is None:
        return []
    if any(not isinstance(e.kind, str) or isinstance(e.kind, Unknown) for e in endpoints):
        return []  # an endpoint whose type cannot be told
    missing = []
    for service in interface:
        found = [e for e in endpoints if e.service == service and e.kind == "Interface"]
        if not found:
            missing.append(service)
        elif not any(e.private_dns is True for e in found):
            if any(e.private_dns is not False for e in found):
                return []  # private DNS unknown
            missing.append(f"{service} (private DNS is off on {found[0].address})")
    for service in gateway:
        if not any(e.service == service for e in endpoints):  # an interface endpoint for S3 serves too
            missing.append(f"{service} (gateway)")
    return missing
