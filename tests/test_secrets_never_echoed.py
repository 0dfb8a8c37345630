"""MWAA702 names the key of a plaintext secret and never prints the secret: not in its
message, and not in the source line the text format shows under other findings."""
import pytest
from conftest import FIXTURES

CASE = FIXTURES / "rules" / "MWAA702" / "literal_secrets"
SECRETS = [
    "BP0q1zK8mYvQ2c7w9XhR5tLs3nDf6gJaEXAMPLE",  # variables.tf default
    "9b2d7e41-6a3c-4f08-b1d5-e0c7a2f84b16",  # Vault secret_id in jsonencode
    "AKCp8nH2QzExampleOnlyNotARealToken",  # terraform.tfvars
    "W4rehouse-Example",  # password inside a connection URI
    "abcd efgh ijkl mnop",  # AWS's Gmail app password example
]


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "jsonl", "sarif", "github", "gitlab", "junit"])
def test_no_format_prints_the_secret(cli, output_format):
    run = cli(".", "--select", "MWAA702", "--format", output_format, "--color", "never", cwd=CASE)
    assert run.exit_code == 1
    assert "MWAA702" in run.stdout
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr
