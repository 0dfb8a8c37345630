from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, PartialString, Resource, Rule, Severity, Unknown

# What CloudWatch Logs must be allowed on the key (MWAA-FACTS-COMEUP §d: kms:Encrypt*,
# kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*), one action of each
_LOGS_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey")
_EXPECTED = ("expected a key policy statement that allows the service logs.<region>.amazonaws.com kms:Encrypt*, "
             "kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* (with the condition ArnLike "
             "kms:EncryptionContext:aws:logs:arn)")


class KmsKeyPolicy(Rule):
    """The environment's customer managed key does not let CloudWatch Logs use it.

    ## What it does
    Follows `kms_key` to its `aws_kms_key` and reads the key policy, from the key's `policy`
    or an `aws_kms_key_policy` for it, in any form. Reports when no Allow statement lets the
    CloudWatch Logs service (`logs.<region>.amazonaws.com`, the region written out or not)
    perform the key actions it needs (encrypt, decrypt, re-encrypt, generate data keys,
    describe), or a Deny takes one back, and when the key has no policy at all (KMS then
    gives it a default policy that trusts only the account). It says nothing about a key the
    configuration does not show, a policy or a principal that is unknown, a `NotPrincipal`,
    or a statement open to `*`. Whether the execution role may use the key (`kms:Decrypt`,
    `kms:DescribeKey`, `kms:GenerateDataKey*`, `kms:Encrypt`) is the other half of a working
    key; MWAA805 reports it with the role's other missing permissions.

    ## Why is this bad?
    With a customer managed key, MWAA encrypts its CloudWatch log groups with it, and
    CloudWatch Logs may use a key only when the key policy allows its service principal.
    Without that, creating the log groups fails ("The specified KMS key does not exist or is
    not allowed to be used with Arn 'arn:aws:logs:…'") and so does the environment, after a
    long wait. AWS's MWAA guide says to add this statement to the key policy.

    ## Example
    ```hcl
    resource "aws_kms_key" "mwaa" {
      description = "MWAA analytics"
    }

    resource "aws_mwaa_environment" "this" {
      name    = "analytics"
      kms_key = aws_kms_key.mwaa.arn
    }
    ```

    ## Use instead
    ```hcl
    data "aws_iam_policy_document" "mwaa_key" {
      statement {
        actions   = ["kms:*"]
        resources = ["*"]
        principals {
          type        = "AWS"
          identifiers = ["arn:aws:iam::111122223333:root"]
        }
      }

      statement {
        actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        resources = ["*"]
        principals {
          type        = "Service"
          identifiers = ["logs.us-east-1.amazonaws.com"]
        }
        condition {
          test     = "ArnLike"
          variable = "kms:EncryptionContext:aws:logs:arn"
          values   = ["arn:aws:logs:us-east-1:111122223333:*"]
        }
      }
    }

    resource "aws_kms_key" "mwaa" {
      description = "MWAA analytics"
      policy      = data.aws_iam_policy_document.mwaa_key.json
    }

    resource "aws_mwaa_environment" "this" {
      name    = "analytics"
      kms_key = aws_kms_key.mwaa.arn
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html (the key policy for CloudWatch Logs)
    - https://docs.aws.amazon.com/mwaa/latest/userguide/custom-keys-certs.html
    - https://github.com/hashicorp/terraform-provider-aws/issues/8042
    """

    id = "MWAA806"
    slug = "kms-key-policy"
    severity = Severity.ERROR

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        keys: set[Resource] = set()  # a key several environments share is reported once
        for env in context.environments():
            kms_key = env.argument("kms_key")
            key = context.target(kms_key.value)
            if key is None or key.type != "aws_kms_key" or key in keys:
                continue
            keys.add(key)
            related = ((kms_key.loc, f"kms_key of {env.address}"),)
            policies = _policies(context, key)
            if policies is None:
                continue  # a key policy resource whose key cannot be told may be this key's
            if not policies:
                yield self.finding(
                    key.loc,
                    f"{key.address}, the customer managed key of {env.address}, has no key policy, so KMS gives it "
                    "the default one, which trusts only the account: CloudWatch Logs cannot use the key and MWAA "
                    f"cannot create its log groups; {_EXPECTED}",
                    address=key.address, related=related,
                )
                continue
            for holder, name in policies:
                missing = _missing(holder, name)
                if missing:
                    yield self.finding(
                        holder.argument(name).loc,
                        f"the key policy of {key.address}, the customer managed key of {env.address}, does not allow "
                        f"CloudWatch Logs (logs.<region>.amazonaws.com) {', '.join(missing)}, so MWAA cannot create "
                        f"or write its log groups and the environment does not come up; {_EXPECTED}",
                        address=key.address, related=related,
                    )


def _policies(context: Context, key: Resource) -> list[tuple[Resource, str]] | None:
    """(resource, argument) holding the key's policy: its own `policy`, or each
    `aws_kms_key_policy` for it; None when such a resource's key cannot be told."""
    found = [(key, "policy")] if key.argument("policy").written else []
    for resource in context.resources("aws_kms_key_policy"):
        named = key.is_named_by(resource.get("key_id"))
        if named is None:
            return None
        if named:
            found.append((resource, "policy"))
    return found


def _missing(holder: Resource, name: str) -> list[str]:
    """The actions of `_LOGS_ACTIONS` the policy does not let the logs service perform ([] also
    when it cannot be told)."""
    missing = []
    for action in _LOGS_ACTIONS:
        grants = holder.policy_grants(name, action)
        if grants is None:
            return []
        if any(_everyone(kind, value) for kind, value, _ in grants.allowed):
            continue  # open to `*` (narrowed by conditions this rule does not read)
        allowed = any(kind == "Service" and _logs(value) for kind, value, _ in grants.allowed)
        denied = any(kind == "Service" and _logs(value) or _everyone(kind, value) for kind, value, _ in grants.denied)
        if allowed and not denied:
            continue
        # an unknown statement, or a principal whose kind, or whose service, is unknown, may allow it
        maybe = any(kind == "?" or (kind == "Service" and isinstance(value, Unknown)) for kind, value, _ in grants.allowed)
        if not grants.statements_known or maybe:
            return []
        missing.append(action)
    return missing


def _logs(value: Any) -> bool:
    """Is this the CloudWatch Logs service principal (`logs.us-east-1.amazonaws.com`, also with
    the region unknown: `"logs.${data.aws_region.current.name}.amazonaws.com"`)?"""
    if isinstance(value, PartialString):
        first, last = value.parts[0], value.parts[-1]
        return isinstance(first, str) and first.startswith("logs.") and isinstance(last, str) and ".amazonaws.com" in last
    if isinstance(value, str) and not isinstance(value, Unknown):
        text = value.strip().lower()
        return text.startswith("logs.") and (text.endswith(".amazonaws.com") or text.endswith(".amazonaws.com.cn"))
    return False


def _everyone(kind: str, value: Any) -> bool:
    return kind == "*" or (isinstance(value, str) and not isinstance(value, Unknown) and value.strip() == "*")
