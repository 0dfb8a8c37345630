from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Rule, Severity, endpoint_service

DATABASE, WEBSERVER = "database_vpc_endpoint_service", "webserver_vpc_endpoint_service"


class CustomerEndpointsMissing(Rule):
    """`endpoint_management = "CUSTOMER"`, but nothing creates the environment's VPC endpoints.

    ## What it does
    With `endpoint_management = "CUSTOMER"`, reports an environment for which no
    `aws_vpc_endpoint` uses its `database_vpc_endpoint_service` (and, with a private web
    server, the default, its `webserver_vpc_endpoint_service`). It stays silent when the
    attribute is used anywhere else in the module (an output another stack reads, a module
    argument, a local: the endpoints may be made there), when some endpoint's `service_name`
    is unknown or a `com.amazonaws.vpce.…` name written out, and when `endpoint_management`
    or `webserver_access_mode` is unknown. With `webserver_access_mode = "PUBLIC_ONLY"` only
    the database endpoint is required: AWS creates the web server endpoint only for a private
    web server, and does not say otherwise for customer-managed endpoints (the conservative
    reading).

    ## Why is this bad?
    MWAA does not create the endpoints itself in this mode: the environment "will remain in
    `PENDING` status until you create the VPC endpoints", and after 72 hours it becomes
    `CREATE_FAILED`. Current AWS providers accept `PENDING` as created, so `terraform apply`
    succeeds and nothing says the environment will never run.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                  = "analytics"
      endpoint_management   = "CUSTOMER"
      webserver_access_mode = "PUBLIC_ONLY"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                  = "analytics"
      endpoint_management   = "CUSTOMER"
      webserver_access_mode = "PUBLIC_ONLY"
    }

    resource "aws_vpc_endpoint" "database" {
      vpc_id            = var.vpc_id
      service_name      = aws_mwaa_environment.this.database_vpc_endpoint_service
      vpc_endpoint_type = "Interface"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-endpoint-management.html
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html (EndpointManagement)
    """

    id = "MWAA808"
    slug = "customer-endpoints-missing"
    severity = Severity.WARNING

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            management = env.argument("endpoint_management")
            if management.value != "CUSTOMER":
                continue  # MWAA's own endpoints (the default), or unknown
            covered = _covered(context, env)
            if covered is None:
                continue  # some endpoint's service cannot be told: it may be this environment's
            # not missing either when read anywhere but an endpoint: whatever reads it may make the endpoint
            missing = [name for name in _needed(env) if name not in covered
                       and all(where.startswith("aws_vpc_endpoint.") for _, where in env.mentions(name))]
            if missing:
                each = "for each, " if len(missing) > 1 else ""
                yield self.finding(
                    management.loc,
                    f'endpoint_management is "CUSTOMER"{management.for_which} but no aws_vpc_endpoint uses the '
                    f"{' or '.join(missing)} of {env.address}, so the environment stays PENDING and fails after "
                    f"72 hours; expected an Interface aws_vpc_endpoint {each}with that service_name",
                    address=env.address,
                )


def _covered(context: Context, env: Environment) -> set[str] | None:
    """The environment's endpoint services some `aws_vpc_endpoint` uses; None when an
    endpoint's service is unknown, or a private service name written out."""
    covered = set()
    for endpoint in context.resources("aws_vpc_endpoint"):
        service = endpoint.get("service_name")
        reference = context.reference(service)
        if reference is not None and reference[0].type == "aws_mwaa_environment":
            if reference[0] == env:
                covered.add(reference[1])
        elif not endpoint_service(service):  # an AWS service's endpoint (com.amazonaws.<region>.sqs) is not it
            return None
    return covered


def _needed(env: Environment) -> list[str]:
    """The endpoints the customer creates: the database's always, the web server's when it is
    private (MWAA's default, and only when that is known)."""
    access = env.argument("webserver_access_mode").value
    if access is None or access == "PRIVATE_ONLY":
        return [DATABASE, WEBSERVER]
    return [DATABASE]
