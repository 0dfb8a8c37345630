from mwaa_lint.knowledge import table
from mwaa_lint.provenance import setting
from mwaa_lint.rule import Rule, Severity
from mwaa_lint.values import Unknown


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

    def check(self, context):
        modes = table("network_configuration")["webserver_access_modes"]["modes"]
        for env in context.environments():
            attribute = env.attribute("webserver_access_mode")
            if attribute is None:
                continue  # MWAA's default is PRIVATE_ONLY
            value = env.eval(attribute.expr)
            if isinstance(value, Unknown) or not isinstance(value, str):
                continue
            mode = modes.get(str(value))
            if mode is None or not mode["public"]:
                continue  # PRIVATE_ONLY, or a value the API rejects (not this rule's business)
            origin = setting(env.ev, attribute.expr, env.instance)
            passed = f" ({origin.passed_to()} for {env.address})" if origin.calls else ""
            yield self.finding(
                origin.loc or attribute.loc,
                f"webserver_access_mode is {value}{passed}, so the Airflow UI is reachable from the internet; "
                "expected PRIVATE_ONLY (reach the web server through its VPC endpoint)",
                address=env.address,
            )
