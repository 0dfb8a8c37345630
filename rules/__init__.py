"""mwaa-lint's built-in rules, one module per rule, loaded through the `mwaa_lint.rules`
entry point exactly like a third-party rule pack."""
from .log_retention_missing import LogRetentionMissing
from .public_subnet import PublicSubnet
from .unbounded_max_workers import UnboundedMaxWorkers
from .unpinned_requirement import UnpinnedRequirement
from .wildcard_action import WildcardAction


def all_rules() -> list:
    return [PublicSubnet, WildcardAction, UnpinnedRequirement, LogRetentionMissing, UnboundedMaxWorkers]
