"""How AWS resources relate: roles to policies, subnets to route tables, keys to objects.

These helpers follow references between resources for rules; they read the evaluated model
and never talk to AWS.
"""
from __future__ import annotations

from ..evaluate import COMPUTED
from .policy_document import policy_document_data

COMPUTED[("aws_iam_policy_document", "json")] = policy_document_data
# the same document without whitespace: the same statements
COMPUTED[("aws_iam_policy_document", "minified_json")] = policy_document_data
