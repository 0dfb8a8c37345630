"""parse_tf_json: Terraform JSON syntax gives the same model as the equivalent HCL, with real positions."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from mwaa_lint import model as m
from mwaa_lint.diagnostic import InputError
from mwaa_lint.parse import parse_hcl
from mwaa_lint.parse_json import parse_tf_json

FIXTURES = Path(__file__).parent / "fixtures" / "json_syntax"
JSON_PATH = FIXTURES / "json" / "main.tf.json"
HCL_PATH = FIXTURES / "hcl" / "main.tf"


@pytest.fixture(scope="module")
def json_file() -> m.File:
    return parse_tf_json(JSON_PATH.read_text(), JSON_PATH)


@pytest.fixture(scope="module")
def hcl_file() -> m.File:
    return parse_hcl(HCL_PATH.read_text(), HCL_PATH)


def find(file: m.File, type_: str, *labels: str) -> m.Block:
    return next(b for b in file.blocks if b.type == type_ and b.labels == list(labels))


def loc(node) -> tuple:
    return (node.loc.line, node.loc.column, node.loc.end_line, node.loc.end_column)


# --- structure: JSON and HCL agree ---------------------------------------------------------


def shape(expr):
    """An expression without positions. `"${x}"` counts as `x`: Terraform treats them alike."""
    if isinstance(expr, m.Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], m.Expr):
        return shape(expr.parts[0])
    if isinstance(expr, m.Expr):
        return (type(expr).__name__,) + tuple(shape(getattr(expr, f.name)) for f in fields(expr) if f.name != "loc")
    if isinstance(expr, (list, tuple)):
        return tuple(shape(item) for item in expr)
    return expr


def block_shape(block: m.Block):
    attributes = {name: shape(a.expr) for name, a in block.attributes.items()}
    if block.type == "variable":
        attributes.pop("type", None)  # JSON keeps the type as text; checked on its own below
    return (block.type, block.labels, attributes, [block_shape(b) for b in block.blocks])


def test_same_blocks_in_same_order(json_file, hcl_file):
    assert [(b.type, b.labels) for b in json_file.blocks] == [(b.type, b.labels) for b in hcl_file.blocks]


@pytest.mark.parametrize(
    "type_, labels",
    [
        ("terraform", []),
        ("variable", ["environment_name"]),
        ("locals", []),
        ("data", ["aws_iam_policy_document", "assume"]),
        ("data", ["aws_iam_policy_document", "extra"]),
        ("resource", ["aws_iam_role", "mwaa"]),
        ("resource", ["aws_iam_role_policy", "mwaa"]),
        ("resource", ["aws_mwaa_environment", "this"]),
    ],
)
def test_block_structure_matches_hcl(json_file, hcl_file, type_, labels):
    assert block_shape(find(json_file, type_, *labels)) == block_shape(find(hcl_file, type_, *labels))


def test_mwaa_environment_nested_blocks(json_file):
    env = find(json_file, "resource", "aws_mwaa_environment", "this")
    assert [b.type for b in env.blocks] == ["network_configuration", "logging_configuration"]
    logging = env.children("logging_configuration")[0]
    assert [b.type for b in logging.blocks] == ["dag_processing_logs", "task_logs"]
    assert logging.blocks[0].attr("log_level").expr.value == "WARNING"
    assert env.attr("max_workers").expr == m.Literal(env.attr("max_workers").expr.loc, 10)
    assert "//" not in env.attributes
    assert "tags" in env.attributes and not env.children("tags")  # tags is an argument, not a block


def test_policy_is_template_with_jsonencode_call(json_file):
    policy = find(json_file, "resource", "aws_iam_role_policy", "mwaa").attr("policy").expr
    assert isinstance(policy, m.Template)
    (call,) = policy.parts
    assert isinstance(call, m.Call) and call.name == "jsonencode"
    (document,) = call.args
    keys = [key.value for key, _ in document.items]
    assert keys == ["Version", "Statement"]
    assert document.items[0][1] == m.Literal(document.items[0][1].loc, "2012-10-17")


def test_variable_default_type_and_validation(json_file):
    variable = find(json_file, "variable", "environment_name")
    assert variable.attr("type").expr.value == "string"
    assert isinstance(variable.attr("type").expr, m.Literal)
    assert variable.attr("default").expr.value == "analytics"
    (validation,) = variable.children("validation")
    condition = validation.attr("condition").expr
    assert isinstance(condition, m.Template) and isinstance(condition.parts[0], m.BinaryOp)


def test_locals_are_attributes(json_file):
    local = find(json_file, "locals")
    assert set(local.attributes) == {"bucket_arn", "common_tags", "subnet_ids"}
    assert local.blocks == []
    tags = local.attr("common_tags").expr
    assert [(k.value, v.value) for k, v in tags.items] == [("Team", "data"), ("Cost-Center", 42)]
    bucket = local.attr("bucket_arn").expr
    assert bucket.parts[0] == "arn:aws:s3:::" and bucket.parts[2] == "-dags"


def test_statement_array_gives_two_blocks(json_file):
    document = find(json_file, "data", "aws_iam_policy_document", "assume")
    first, second = document.children("statement")
    assert first.children("principals")[0].attr("type").expr.value == "Service"
    assert second.attr("effect").expr.value == "Deny"
    assert second.children("condition")[0].attr("variable").expr.value == "aws:SecureTransport"
    # each array element's block points at the shared key and spans its own object
    assert first.loc == second.loc
    assert (first.end_loc.line, first.end_loc.end_line) == (35, 41)
    assert (second.end_loc.line, second.end_loc.end_line) == (42, 54)


def test_dynamic_block(json_file):
    document = find(json_file, "data", "aws_iam_policy_document", "extra")
    (dynamic,) = document.blocks
    assert (dynamic.type, dynamic.labels) == ("dynamic", ["statement"])
    assert shape(dynamic.attr("for_each").expr) == ("GetAttr", ("Name", "var"), "extra_statements")
    (content,) = dynamic.children("content")
    assert set(content.attributes) == {"actions", "resources"}


# --- exact positions in the JSON file -----------------------------------------------------


def test_block_positions(json_file):
    env = find(json_file, "resource", "aws_mwaa_environment", "this")
    assert loc(env) == (84, 7, 84, 13)  # the `"this"` key
    assert (env.end_loc.line, env.end_loc.column, env.end_loc.end_line, env.end_loc.end_column) == (84, 15, 115, 8)
    network = env.children("network_configuration")[0]
    assert loc(network) == (99, 9, 99, 32)
    assert (network.end_loc.line, network.end_loc.column) == (99, 34)
    assert (network.end_loc.end_line, network.end_loc.end_column) == (102, 10)


def test_attribute_positions(json_file):
    env = find(json_file, "resource", "aws_mwaa_environment", "this")
    max_workers = env.attr("max_workers")
    assert loc(max_workers) == (89, 9, 89, 26)
    assert loc(max_workers.expr) == (89, 24, 89, 26)
    role = env.attr("execution_role_arn").expr
    assert loc(role) == (92, 31, 92, 57)  # the string, quotes included
    assert loc(role.parts[0]) == (92, 34, 92, 55)  # aws_iam_role.mwaa.arn inside ${}
    (dependency,) = env.attr("depends_on").expr.items
    assert shape(dependency) == ("GetAttr", ("Name", "aws_iam_role_policy"), "mwaa")
    assert loc(dependency) == (114, 25, 114, 49)


def test_positions_after_escapes_point_at_the_raw_text(json_file):
    policy = find(json_file, "resource", "aws_iam_role_policy", "mwaa").attr("policy").expr
    line = JSON_PATH.read_text().splitlines()[79]
    version = policy.parts[0].args[0].items[0][1]
    assert line[version.loc.column - 1 : version.loc.end_column - 1] == '\\"2012-10-17\\"'
    reference = policy.parts[0].args[0].items[1][1].items[0].items[2][1].items[0]
    assert line[reference.loc.column - 1 : reference.loc.end_column - 1] == "local.bucket_arn"


# --- small cases ----------------------------------------------------------------------------


def parse(text: str) -> m.File:
    return parse_tf_json(text, Path("x.tf.json"))


def test_scalars_and_escapes():
    file = parse('{"locals": {"a": 1.5, "b": -2, "c": null, "d": false, "e": "tab\\there \\u00e9 \\ud83d\\ude00"}}')
    local = file.blocks[0]
    assert [local.attr(n).expr.value for n in "abcde"] == [1.5, -2, None, False, "tab\there \u00e9 \U0001f600"]


def test_escaped_interpolation_is_literal():
    expr = parse('{"locals": {"a": "$${not} ${var.x}"}}').blocks[0].attr("a").expr
    assert expr.parts[0] == "${not} " and isinstance(expr.parts[1], m.GetAttr)


def test_duplicate_argument_is_an_error_at_the_second_key():
    # Terraform: "Duplicate attribute definition" (it was: the last one wins, silently)
    with pytest.raises(InputError) as caught:
        parse('{"locals": {"a": 1, "a": 2}}')
    found = caught.value.diagnostic
    assert (found.line, found.column, found.message) == (
        1, 21, 'Duplicate attribute definition: the argument "a" was already set at line 1, column 13')


def test_unknown_object_key_is_an_attribute_map():
    local = parse('{"resource": {"aws_s3_bucket": {"b": {"tags": {"rule": "x"}}}}}').blocks[0]
    assert isinstance(local.attr("tags").expr, m.ObjectExpr) and local.blocks == []


def test_terraform_required_providers_is_a_block():
    terraform = parse('{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}}}').blocks[0]
    (providers,) = terraform.blocks
    assert providers.type == "required_providers" and isinstance(providers.attr("aws").expr, m.ObjectExpr)


def test_provider_array_gives_one_block_per_alias():
    file = parse('{"provider": {"aws": [{"region": "us-east-1"}, {"alias": "west", "region": "us-west-2"}]}}')
    assert [(b.type, b.labels) for b in file.blocks] == [("provider", ["aws"]), ("provider", ["aws"])]


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, column, reason",
    [
        ('{\n  "locals": {\n    "a": 1,\n  }\n}', 3, 11, "trailing comma before '}'"),
        ('{\n  "locals": {\n    "a": 1\n    "b": 2\n  }\n}', 4, 5, "expected ',' or '}' after an object member"),
        ('{\n  "locals": {\n    "a": tru\n  }\n}', 3, 10, "expected a value, found 't'"),
        ('{\n  "locals": {\n    "a": "abc\n  }\n}', 3, 10, "unterminated string"),
        ('{\n  "locals": {\n    "a": [1, 2\n', 3, 10, "unclosed '['"),
        ('{\n  "locals": {\n    "a": "\\q"\n  }\n}', 3, 11, "invalid escape '\\q'"),
        ('{\n  "locals": {\n    "a": 01\n  }\n}', 3, 10, "invalid number"),
        ('{\n  "locals": {\n    a: 1\n  }\n}', 3, 5, "expected a string object key"),
        ('{"locals": {}} x', 1, 16, "unexpected 'x' after the end of the top-level value"),
        ("", 1, 1, "the file is empty"),
    ],
)
def test_invalid_json_position_and_message(text, line, column, reason):
    with pytest.raises(InputError) as caught:
        parse(text)
    diagnostic = caught.value.diagnostic
    assert (diagnostic.line, diagnostic.column) == (line, column)
    assert diagnostic.message.startswith("Invalid JSON: " + reason)


def test_deep_nesting_is_a_clean_error():
    text = '{"locals": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    with pytest.raises(InputError) as caught:
        parse(text)
    assert "nested deeper than" in caught.value.diagnostic.message
    assert caught.value.diagnostic.line == 1


def test_bad_interpolation_error_points_into_the_string():
    with pytest.raises(InputError) as caught:
        parse('{\n  "locals": {\n    "a": "\\"x\\" ${var.}"\n  }\n}')
    assert caught.value.diagnostic.line == 3


def test_top_level_must_be_an_object():
    with pytest.raises(InputError) as caught:
        parse("[1]")
    assert caught.value.diagnostic.message.startswith("Incorrect JSON value type")


def test_unknown_top_level_key():
    with pytest.raises(InputError) as caught:
        parse('{\n  "resources": {}\n}')
    diagnostic = caught.value.diagnostic
    assert (diagnostic.line, diagnostic.column) == (2, 3) and "Unsupported block type" in diagnostic.message
