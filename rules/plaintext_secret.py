import json
import re
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, Rule, Severity

# scheme://user:password@host; a password that is just `${NAME}` is expanded by Airflow from
# the environment (e.g. exported by a startup script), so it is not the secret itself.
_URI_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.\-]*)://[^\s/?#@:]*:([^\s/?#@]+)@", re.I)
_ENV_REFERENCE = re.compile(r"\$\{?\w+\}?")
_NOT_A_SECRET = re.compile(r"(?i)true|false|\d*")  # a switch or a number, e.g. an expiry in seconds
# an HTTP header's name (`Authorization`, `X-Api-Key`): what an option named `..._header` holds
_HEADER_NAME = re.compile(r"[A-Za-z]+(-[A-Za-z]+)*")


class PlaintextSecret(Rule):
    """A password, token or key written as a literal in `airflow_configuration_options`.

    ## What it does
    Reports an `airflow_configuration_options` value written in the code or a variable file
    (a literal, a variable default, `terraform.tfvars`) that is a secret:

    - the option's name is made of a word Airflow masks in logs (`password`, `passwd`,
      `secret`, `token`, `access_token`, `api_key`, `apikey`, `authorization`, `passphrase`,
      `private_key`, `keyfile_dict`, `service_account`), or `pass` as in AWS's private
      package index example (`foo.pass`); matched as whole words of the option part, so
      `smtp.smtp_password` matches and `workers.secrets_backend` does not;
    - a JSON value such as `secrets.backend_kwargs` has such a field with a literal value;
    - any value holds a connection URI with a password (`postgresql://user:pass@host/db`).

    Values read from a resource or data source (`aws_secretsmanager_secret_version.x.secret_string`,
    `random_password.x.result`), from a variable without a default, from `TF_VAR_` or `--var`
    are not reported, nor are `<option>_secret` / `<option>_cmd` (they name a secret or a
    command), names ending in `_path` or `_file`, and values that are only `true`, `false` or a
    number. An option (or field) whose name ends in `header` holding a header's name, such as
    `"api.auth_token_header" = "Authorization"`, names where a token goes, not the token: it is
    not reported either. The message names the key and where the value was written, never the value.

    ## Why is this bad?
    The secret is in the repository and its history for everyone who can read it. The
    provider marks the map sensitive, which only hides it from plan output: it is stored in
    plaintext in the Terraform state, returned by `GetEnvironment`, and set as an
    `AIRFLOW__SECTION__KEY` environment variable that every DAG can read. It is an error
    rather than a warning because a committed credential is already disclosed: it has to be
    rotated, not only moved. Keep it in AWS Secrets Manager and let Airflow read it through
    `secrets.backend` (for SMTP, a connection), or pass it in from a secret resource.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"

      airflow_configuration_options = {
        "smtp.smtp_host"     = "email-smtp.eu-west-1.amazonaws.com"
        "smtp.smtp_password" = "BJ8pLq2vN4x6zR0c"
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name = "analytics"

      airflow_configuration_options = {
        "secrets.backend"        = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"
        "secrets.backend_kwargs" = jsonencode({ connections_prefix = "airflow/connections" })
        "smtp.smtp_host"         = "email-smtp.eu-west-1.amazonaws.com"
        "email.email_conn_id"    = "smtp_default"
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/userguide/connections-secrets-manager.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-env-variables.html
    - https://airflow.apache.org/docs/apache-airflow/stable/security/secrets/mask-sensitive-values.html
    """

    id = "MWAA702"
    slug = "plaintext-secret"
    severity = Severity.ERROR
    security_severity = 7.5
    show_source = False  # the flagged line holds the secret: text output must not print it

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        for env in context.environments():
            for option in env.configuration_options():
                if not isinstance(option.value, str) or option.written is None:
                    continue  # not a string known from the code (a resource attribute, an input, unknown)
                what = _secret(option, str(option.value))
                if not what:
                    continue
                loc, written = option.where_written()
                details = [what, f"{option.passed_to} for {env.address}" if option.passed_to else "",
                           f"written at {written}" if written else ""]
                yield self.finding(
                    loc,
                    f'airflow_configuration_options "{option.key}" holds a literal secret '
                    f"({'; '.join(d for d in details if d)}): it is stored in plaintext in the Terraform state, "
                    "returned by GetEnvironment and readable by every DAG as an environment variable; "
                    "expected it in AWS Secrets Manager, read through secrets.backend or a secret resource",
                    address=env.address,
                )


def _secret(option: Any, value: str) -> str:
    """Why a value is a secret (`its name contains "password"`), or "" when it is not one."""
    text = value.strip()
    if not text or _ENV_REFERENCE.fullmatch(text):
        return ""
    fields = _json_secret_fields(text, option)
    if fields is not None:  # a JSON object: judged by its fields, not by the option's name
        if fields:
            names = ", ".join(f'"{name}"' for name in fields)
            return f"JSON field{'s' if len(fields) > 1 else ''} {names} with a literal value"
    else:
        names = option.secret_names()
        if names and not _NOT_A_SECRET.fullmatch(text) and not _names_a_header(option.key, text):
            return f'its name contains "{names[0]}"'
    for match in _URI_PASSWORD.finditer(text):
        if not _ENV_REFERENCE.fullmatch(match.group(2)):
            return f"a {match.group(1)}:// URI with a password in it"
    return ""


def _names_a_header(name: str, value: str) -> bool:
    """Is the value a header's name held by an option or field named for a header (`auth_token_header`)?"""
    return re.split(r"[._\-]", name.lower())[-1] == "header" and _HEADER_NAME.fullmatch(value) is not None


def _json_secret_fields(text: str, option: Any) -> list[str] | None:
    """Secret-named fields with literal values in a JSON object; None if the text is not one."""
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, item in node.items():
                if isinstance(item, str) and item.strip() and not _ENV_REFERENCE.fullmatch(item.strip()):
                    if option.secret_names(str(name)) and name not in found and not _names_a_header(str(name), item.strip()):
                        found.append(name)
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return found
