import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from mwaa_lint.api import Context, Diagnostic, Finding, PartialString, Rule, Severity, Unknown, table


class InvalidConfigOption(Rule):
    """An `airflow_configuration_options` entry the MWAA API rejects, or that MWAA overrides.

    ## What it does
    Checks every key and value of `airflow_configuration_options` whose key is known:

    - a key that breaks the API's pattern `[a-z]+([a-z0-9._]*[a-z0-9_]+)?` or is longer than
      64 characters (upper case, a dash, a space, a trailing dot);
    - a value that is empty, longer than 65,536 characters, or not printable ASCII (the API's
      pattern `[ -~]+`: no newline, tab or non-ASCII character). The known parts of a value
      that is otherwise unknown count too: a heredoc always ends in a newline;
    - a key MWAA sets itself and does not let you override (`core.executor`,
      `celery.broker_url`, `webserver.secret_key` on Airflow 2, ...). The list depends on the
      major version of `airflow_version`; when the version is unknown or not set, only the
      keys MWAA blocks on every version are reported.

    The first two are errors: `CreateEnvironment` and `UpdateEnvironment` reject the request,
    so `terraform apply` fails. The third is a warning: the API accepts it and the environment
    works, but with MWAA's value, so the line is dead configuration that says something
    untrue about the environment (nothing breaks, so it does not deserve an error).
    Unknown keys and values are not reported.

    ## Why is this bad?
    Terraform does not validate the map, so a bad key or value is found by the API only when
    `terraform apply` runs, after the plan was approved. A blocked key is worse in a quieter
    way: MWAA replaces it when the containers start, so whoever reads the code believes the
    environment runs with a setting it does not have.

    ## Example
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name            = "analytics"
      airflow_version = "2.10.3"

      airflow_configuration_options = {
        "Core.Parallelism" = "64"
        "core.executor"    = "LocalExecutor"
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_mwaa_environment" "this" {
      name            = "analytics"
      airflow_version = "2.10.3"

      airflow_configuration_options = {
        "core.parallelism"        = "64"
        "celery.worker_autoscale" = "10,10"
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
    - https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-env-variables.html
    - https://github.com/aws/amazon-mwaa-docker-images (images/airflow/<version>/python/mwaa/config/airflow.py)
    """

    id = "MWAA701"
    slug = "invalid-config-option"
    severity = Severity.ERROR  # the blocked-key findings are downgraded to WARNING (see above)

    def check(self, context: Context) -> Iterator[Finding | Diagnostic]:
        data = table("airflow_config_options")
        key_shape, value_shape = data["key"], data["value"]
        for env in context.environments():
            for option in env.configuration_options():
                key = option.key
                problem = _bad_key(key, key_shape)
                if problem:
                    yield self.finding(
                        option.loc,
                        f'airflow_configuration_options key "{key}" {problem}; the API will reject '
                        f"CreateEnvironment/UpdateEnvironment (expected lower-case section.option matching "
                        f"{key_shape['pattern']}, at most {key_shape['max_length']} characters){_hint(key, key_shape)}",
                        address=env.address,
                    )
                    continue
                problem = _bad_value(option, value_shape)
                if problem:
                    yield self.finding(
                        option.loc,
                        f'the value of airflow_configuration_options "{key}" {problem}; the API will reject '
                        f"CreateEnvironment/UpdateEnvironment (expected 1 to {value_shape['max_length']:,} "
                        "printable ASCII characters; build JSON with jsonencode())",
                        address=env.address,
                    )
                if option.blocked_on:
                    forced = f" (it sets {option.forced})" if option.forced else ""
                    finding = self.finding(
                        option.loc,
                        f'airflow_configuration_options "{key}" is set by MWAA itself on {option.blocked_on}{forced} and '
                        "cannot be overridden, so this setting has no effect; expected it removed",
                        address=env.address,
                    )
                    yield dataclasses.replace(finding, severity=Severity.WARNING)


def _bad_key(key: str, shape: dict[str, Any]) -> str:
    """What is wrong with a key, or "" when the API accepts it."""
    if not shape["min_length"] <= len(key) <= shape["max_length"]:
        return f"is {len(key)} characters long"
    if not re.fullmatch(shape["pattern"], key):
        return "does not match the API's key pattern"
    return ""


def _hint(key: str, shape: dict[str, Any]) -> str:
    """`; did you mean "core.default_timezone"?` when snake case would fix the key."""
    fixed = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key.strip(" .")).lower().replace("-", "_")
    if fixed != key and len(fixed) <= shape["max_length"] and re.fullmatch(shape["pattern"], fixed):
        return f'; did you mean "{fixed}"?'
    return ""


def _bad_value(option: Any, shape: dict[str, Any]) -> str:
    """What is wrong with a value, or "". Never quotes the value: it may be a secret."""
    value = option.value
    if isinstance(value, PartialString):
        # the known parts are in the final value whatever the unknown ones turn out to be
        known = (part for part in value.parts if isinstance(part, str))
        return next((p for p in (_bad_characters(part, shape) for part in known) if p), "")
    if value is None or isinstance(value, (Unknown, list, dict)):
        return ""  # unknown, or a type error Terraform reports itself
    text = option.text
    if not isinstance(text, str):
        return ""
    if len(text) < shape["min_length"]:
        return "is empty"
    if len(text) > shape["max_length"]:
        return f"is {len(text):,} characters long"
    return _bad_characters(text, shape)


def _bad_characters(text: str, shape: dict[str, Any]) -> str:
    char = next((c for c in text if not re.fullmatch(shape["pattern"], c)), None)
    if char is None:
        return ""
    name = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab"}.get(char, f"the character U+{ord(char):04X}")
    return f"contains {name}, which is not printable ASCII"
