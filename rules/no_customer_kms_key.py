from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, table


class NoCustomerKmsKey(Rule):
    """`kms_key` is not set, so MWAA encrypts the environment with an AWS owned key.

    ## What it does
    Reports an environment without `kms_key` (at its resource header), or whose `kms_key`
    is null or "" (the provider then sends no key), where that is written: a module caller's
    argument, a variable default, a conditional that gives null. An unknown value — a
    variable without a default, a switch on an unknown bool — is not reported, and neither
    is any key that is set; a key MWAA cannot take (an alias, a key id, a multi-region key)
    is MWAA604's.

    Off by default: `--select MWAA603` (or `select` in the config) turns it on. Severity:
    informational, so even when selected it never fails a run with the default
    `--fail-on warning`; add `--fail-on info` where a customer managed key is required
    (`--select MWAA603 --fail-on info`).

    ## Why is this bad?
    It is a choice more than a defect, and the AWS owned key is what AWS itself recommends:
    but an AWS owned key lives outside your account, so you cannot set its key policy, see
    its use in your CloudTrail, or disable it to cut off access to the environment's data
    (metadata database, logs, queues). Regulated workloads often require a customer managed
    key. Decide at creation: `kms_key` forces a new environment (UpdateEnvironment cannot
    change it), so adding one later replaces the environment and its metadata database —
    DAG run history, and connections and variables kept there.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_kms_key" "mwaa" {
      description = "MWAA analytics environment"
    }

    resource "aws_mwaa_environment" "this" {
      name    = "analytics"
      kms_key = aws_kms_key.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/custom-keys-certs.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/mwaa_environment
    """

    id = "MWAA603"
    slug = "no-customer-kms-key"
    severity = Severity.INFO
    security_severity = 2.0
    enabled_by_default = False

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        kms = table("environment_arguments")["kms_key"]
        unset = (f"so MWAA encrypts the environment's data with {kms['default']}, which you cannot audit or revoke; "
                 "expected a customer managed key ARN if you need that control, decided at creation (setting "
                 "kms_key later replaces the environment)")
        for env in context.environments():
            kms_key = env.argument("kms_key")
            if not kms_key.written:
                yield self.finding(env.loc, f"kms_key is not set, {unset}", address=env.address)
                continue
            if kms_key.value is not None and kms_key.value != "":
                continue  # a key (MWAA604 judges its form), or unknown
            loc, source = kms_key.where_written()
            what = "null" if kms_key.value is None else '""'
            yield self.finding(loc, f"kms_key is {what}{source}, {unset}", address=env.address)
