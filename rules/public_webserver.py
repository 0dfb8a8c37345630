from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table


class PublicWebserver(Rule):
    """The Apache Airflow web server is reachable from the internet (`webserver_access_mode`).

    ## What it does
    Reports an environment whose `webserver_access_mode` is `PUBLIC_ONLY` or
    `PUBLIC_AND_PRIVATE`. When the argument is absent MWAA uses `PRIVATE_ONLY`, and the rule
    is silent; it is also silent when the value comes from an input it cannot resolve.

    ## Why is this bad?
    With public access the Airflow UI and REST API answer on a public endpoint, so the only
    thing between the internet and a UI that can trigger any DAG, read connections and
    variables, and run code with the execution role is an IAM sign-in. A
    private web server is reached through a VPC endpoint, from a VPN, Direct Connect or a
    bastion, which adds the network as a second line of defence.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                  = "analytics"
      webserver_access_mode = "PUBLIC_ONLY"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name                  = "analytics"
      webserver_access_mode = "PRIVATE_ONLY"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-networking.html
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    """

    id = "MWAA102"
    slug = "public-webserver"
    severity = Severity.WARNING
    security_severity = 5.3

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        modes = table("network_configuration")["webserver_access_modes"]["modes"]
        for env in context.environments():
            mode = env.argument("webserver_access_mode")
            if not mode.written or not mode.known or not isinstance(mode.value, str):
                continue  # MWAA's default is PRIVATE_ONLY; an unknown value is not judged
            row = modes.get(mode.value)
            if row is None or not row["public"]:
                continue  # PRIVATE_ONLY, or a value the API rejects (not this rule's business)
            yield self.finding(
                mode.loc,
                f"webserver_access_mode is {mode.value}{mode.passed}, so the Airflow UI is reachable from the internet; "
                "expected PRIVATE_ONLY (reach the web server through its VPC endpoint)",
                address=env.address,
            )
