from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, elements


class PublicSubnet(Rule):
    """The environment runs in a public subnet.

    ## What it does
    Follows each subnet in `network_configuration.subnet_ids` to its `aws_subnet` and its route
    table — the explicit `aws_route_table_association`, else the VPC's main route table
    (`aws_main_route_table_association`, or the table the VPC was created with: its
    `aws_default_route_table`, or `aws_route` on `aws_vpc.x.main_route_table_id` or
    `default_route_table_id`) — and reports a subnet that sets `map_public_ip_on_launch = true`
    or routes `0.0.0.0/0` or `::/0` to an internet gateway, by an inline `route` block or an
    `aws_route` resource. An association whose `subnet_id` cannot be resolved leaves only the
    subnets with no known association undecided.

    ## Why is this bad?
    MWAA requires private subnets: its workers, schedulers and web server get no public IP and
    reach the internet through a NAT gateway or VPC endpoints. A public subnet puts the
    environment's network interfaces one security-group mistake away from the internet, and
    AWS documents the networking it supports as two private subnets in different AZs.

    ## Example
    ```hcl
    resource "aws_subnet" "a" {
      vpc_id                  = "vpc-0abc"
      cidr_block              = "10.0.1.0/24"
      map_public_ip_on_launch = true
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = [aws_subnet.a.id, "subnet-0def"]
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_subnet" "a" {
      vpc_id     = "vpc-0abc"
      cidr_block = "10.0.1.0/24"
    }

    resource "aws_mwaa_environment" "this" {
      name = "analytics"
      network_configuration {
        security_group_ids = ["sg-0abc"]
        subnet_ids         = [aws_subnet.a.id, "subnet-0def"]
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
    """

    id = "MWAA101"
    slug = "public-subnet"
    severity = Severity.ERROR
    security_severity = 7.5

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            for subnet_ids, subnets in env.subnets():
                passed = f" ({subnet_ids.passed_to})" if subnet_ids.passed_to else ""
                for subnet, (_, loc) in zip(subnets, elements(subnet_ids)):
                    if subnet is None or subnet.type != "aws_subnet":
                        continue
                    exposure = subnet.exposure()
                    if exposure.public:
                        yield self.finding(
                            loc,
                            f"subnet {subnet.address}{passed} is public: {exposure.reason}; "
                            "expected a private subnet (MWAA needs two private subnets)",
                            address=env.address,
                        )
