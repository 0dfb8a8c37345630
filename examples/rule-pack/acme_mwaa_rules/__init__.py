"""ACME's team policies for Amazon MWAA: an mwaa-lint rule pack.

mwaa-lint calls `all_rules()` through the `mwaa_lint.rules` entry point (pyproject.toml).
"""
from .owner_tag import EnvironmentOwnerTag


def all_rules() -> list:
    return [EnvironmentOwnerTag]
