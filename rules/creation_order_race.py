from collections.abc import Iterator

from mwaa_lint.api import Context, Diagnostic, Environment, Finding, Resource, Rule, Severity

# what CreateEnvironment checks at once, and the resources that set it up
_ROLE_POLICIES = ("aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
_BUCKET_SETUP = ("aws_s3_bucket_public_access_block", "aws_s3_bucket_versioning")


class CreationOrderRace(Rule):
    """The environment is not created after its role's policies or its bucket's settings.

    ## What it does
    Off by default. Reports an environment that Terraform may create at the same time as
    the policies of its execution role (`aws_iam_role_policy`,
    `aws_iam_role_policy_attachment`, `aws_iam_policy_attachment`) or its source bucket's
    `aws_s3_bucket_public_access_block` and `aws_s3_bucket_versioning`: nothing in the
    environment refers to them, directly or through a chain of references, locals, module
    variables and outputs, or `depends_on` (a module mwaa-lint cannot read waits for what its
    call is given). An execution role or bucket that is not a resource of the configuration is
    not judged.

    ## Why is this bad?
    `CreateEnvironment` checks at once that the role can read the bucket and that the bucket
    blocks public access. Terraform orders the environment only after what it references:
    `aws_iam_role.x.arn` waits for the role, not its policies. On a first apply the checks can
    run before the policy or the public access block exists and fail ("Provided role does not
    have sufficient permissions for s3 location", "Unable to check PublicAccessBlock
    configuration"). The AWS provider retries for two minutes, which usually hides it, so this
    is advice, not a gate.

    ## Example
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name               = "analytics-mwaa"
      assume_role_policy = data.aws_iam_policy_document.assume.json
    }

    resource "aws_iam_role_policy" "mwaa" {
      role   = aws_iam_role.mwaa.id
      policy = data.aws_iam_policy_document.mwaa.json
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_iam_role" "mwaa" {
      name               = "analytics-mwaa"
      assume_role_policy = data.aws_iam_policy_document.assume.json
    }

    resource "aws_iam_role_policy" "mwaa" {
      role   = aws_iam_role.mwaa.id
      policy = data.aws_iam_policy_document.mwaa.json
    }

    resource "aws_mwaa_environment" "this" {
      name               = "analytics"
      execution_role_arn = aws_iam_role.mwaa.arn
      depends_on         = [aws_iam_role_policy.mwaa]
    }
    ```

    ## References
    - https://github.com/aws-samples/amazon-mwaa-examples/pull/9
    - https://github.com/hashicorp/terraform-provider-aws/pull/27031 (the provider's retry)
    """

    id = "MWAA809"
    slug = "creation-order-race"
    severity = Severity.INFO
    enabled_by_default = False

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            racing = [each for each in _setup(context, env) if not env.waits_for(each)]
            if not racing:
                continue
            names = ", ".join(each.address for each in racing)
            yield self.finding(
                env.loc,
                f"{env.address} is not created after {names}, so on a first apply CreateEnvironment may run "
                "before them and fail its permission or public access checks (the AWS provider retries for 2 "
                f"minutes); expected {names} in its depends_on",
                address=env.address,
                related=tuple((each.loc, f"{each.address}, created in parallel") for each in racing),
            )


def _setup(context: Context, env: Environment) -> list[Resource]:
    """The resources that set up the role and bucket CreateEnvironment checks, in file order."""
    found: list[Resource] = []
    role = env.execution_role()
    if role is not None:
        attached = {resource for resource, _ in role.attachments()}
        found.extend(policy for kind in _ROLE_POLICIES for policy in context.resources(kind)
                     if policy in attached or role.is_named_by(policy.get("role")) is True)
    bucket = env.source_bucket()
    if bucket is not None:
        found.extend(setup for kind in _BUCKET_SETUP for setup in bucket.configurations(kind).resources)
    return sorted(dict.fromkeys(found), key=lambda each: (str(each.loc.path), each.loc.line))
