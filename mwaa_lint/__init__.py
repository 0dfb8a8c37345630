"""mwaa-lint: a linter and policy checker for Terraform that configures Amazon MWAA."""

__version__ = "0.1.0"
