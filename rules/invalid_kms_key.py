from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity, kms_key_problem, table


class InvalidKmsKey(Rule):
    """`kms_key` is not the ARN of a single-Region KMS key, so the provider or the MWAA API rejects it.

    ## What it does
    Reports an environment whose `kms_key` is known not to be a key ARN MWAA accepts: an
    alias name or alias ARN, a multi-region key (`mrk-…`), a bare key id, or anything else
    that is not a KMS key ARN (an S3 bucket ARN, say). It also knows what a reference
    holds before it has a value: `aws_kms_key.x.id` and `key_id` are key ids,
    `aws_kms_alias.x.arn` and `name` are the alias, and `aws_kms_replica_key` or an
    `aws_kms_key` with `multi_region = true` is a multi-region key. The value is reported
    where it is written (a module caller's argument, a variable default, a local), and the
    message names the attribute to use instead, such as `aws_kms_key.x.arn` or
    `aws_kms_alias.x.target_key_arn`. Key ARNs and unknown values are not reported, nor is
    a missing, null or "" `kms_key` (an AWS owned key: MWAA603).

    ## Why is this bad?
    The apply fails. The provider requires an ARN (`verify.ValidARN`): a literal alias
    name or key id fails `terraform validate`, and a reference such as `aws_kms_key.x.id`
    fails once its value is known — at plan if the key exists, otherwise during the apply,
    after the resources created before it. An alias ARN or a multi-region key passes the
    provider's check but not MWAA: "AWS KMS aliases and multi-region keys are not
    supported by Amazon MWAA" (the API's key pattern rejects an `mrk-` key outright). And
    because `kms_key` forces a new environment, correcting it after an environment exists
    replaces that environment.

    ## Example
    ```hcl
    resource "aws_kms_key" "mwaa" {
      description = "MWAA analytics environment"
    }

    resource "aws_kms_alias" "mwaa" {
      name          = "alias/mwaa-analytics"
      target_key_id = aws_kms_key.mwaa.key_id
    }

    resource "aws_mwaa_environment" "this" {
      name    = "analytics"
      kms_key = aws_kms_alias.mwaa.arn
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_kms_key" "mwaa" {
      description = "MWAA analytics environment"
    }

    resource "aws_kms_alias" "mwaa" {
      name          = "alias/mwaa-analytics"
      target_key_id = aws_kms_key.mwaa.key_id
    }

    resource "aws_mwaa_environment" "this" {
      name    = "analytics"
      kms_key = aws_kms_alias.mwaa.target_key_arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/custom-keys-certs.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-s3-bucket.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/mwaa_environment
    """

    id = "MWAA604"
    slug = "invalid-kms-key"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        kms = table("environment_arguments")["kms_key"]
        for env in context.environments():
            kms_key = env.argument("kms_key")
            found = kms_key_problem(kms_key, kms)  # None for a key ARN, an unknown value, or no key (MWAA603)
            if found is None:
                continue
            loc, source = kms_key.where_written()
            if found.form:
                what = f"{'an' if found.form[0] in 'aeiou' else 'a'} {found.form}: {found.problem}"
            else:
                what = f"which {found.problem}"
            yield self.finding(loc, f"kms_key is {found.shown}{source}, {what}; expected {found.expected}",
                               address=env.address)
