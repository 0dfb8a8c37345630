"""The partial evaluator: what it resolves, and what it must leave Unknown."""
from pathlib import Path
from textwrap import dedent

import pytest

from mwaa_lint.evaluate import Evaluator
from mwaa_lint.model import Module
from mwaa_lint.parse import parse_hcl
from mwaa_lint.project import Project, confined_to
from mwaa_lint.values import JsonDocument, LocatedStr, PartialString, Ref, Unknown


def module(tmp_path: Path, text: str, values=None) -> Evaluator:
    path = tmp_path / "main.tf"
    path.write_text(dedent(text))
    return Evaluator(Module(tmp_path, [parse_hcl(path.read_text(), path)], dict(values or {})))


def local(ev: Evaluator, name: str):
    return ev.value(ev.module.locals()[name].expr)


def test_literals_templates_variables_and_locals(tmp_path):
    ev = module(tmp_path, '''
        variable "name" {
          default = "analytics"
        }
        variable "no_default" {}
        locals {
          a     = "airflow-${var.name}-Task"
          b     = 2 * 3 + 1
          c     = var.no_default
          d     = "x-${var.no_default}-y"
          e     = length([1, 2, 3]) > 2 ? "many" : "few"
          f     = upper(var.name)
          g     = !true || 1 == 1
        }
    ''')
    assert local(ev, "a") == "airflow-analytics-Task"
    assert local(ev, "b") == 7
    assert isinstance(local(ev, "c"), Unknown) and local(ev, "c").origin == "var.no_default"
    d = local(ev, "d")
    assert isinstance(d, PartialString) and d.parts[0] == "x-" and d.parts[2] == "-y"
    assert local(ev, "e") == "many"
    assert local(ev, "f") == "ANALYTICS"
    assert local(ev, "g") is True


def test_tfvars_values_override_defaults(tmp_path):
    ev = module(tmp_path, '''
        variable "workers" {
          default = 5
        }
        locals {
          w = var.workers
        }
    ''', values={"workers": 40})
    assert local(ev, "w") == 40


def test_strings_remember_where_they_were_written(tmp_path):
    ev = module(tmp_path, '''
        locals {
          actions = ["s3:GetObject",
            "logs:*"]
        }
    ''')
    actions = local(ev, "actions")
    assert isinstance(actions[1], LocatedStr)
    assert (actions[1].loc.line, actions[1].loc.column) == (4, 5)


def test_references_to_computed_attributes_point_at_the_resource(tmp_path):
    ev = module(tmp_path, '''
        resource "aws_iam_role" "mwaa" {
          name = "mwaa-exec"
        }
        locals {
          arn  = aws_iam_role.mwaa.arn
          name = aws_iam_role.mwaa.name
        }
    ''')
    arn = local(ev, "arn")
    assert isinstance(arn, Ref)
    assert ev.target(arn).address == "aws_iam_role.mwaa"
    assert local(ev, "name") == "mwaa-exec"  # a configured attribute is its value


def test_count_splat_and_for_expressions(tmp_path):
    ev = module(tmp_path, '''
        locals {
          cidrs = ["10.0.1.0/24", "10.0.2.0/24"]
          splat = aws_subnet.private[*].id
          loop  = [for s in aws_subnet.private : s.cidr_block]
          one   = aws_subnet.private[1].cidr_block
        }
        resource "aws_subnet" "private" {
          count      = length(local.cidrs)
          cidr_block = local.cidrs[count.index]
        }
    ''')
    splat = local(ev, "splat")
    assert [ev.target(s).address for s in splat] == ["aws_subnet.private[0]", "aws_subnet.private[1]"]
    assert local(ev, "loop") == ["10.0.1.0/24", "10.0.2.0/24"]
    assert local(ev, "one") == "10.0.2.0/24"


def test_for_each_instances(tmp_path):
    ev = module(tmp_path, '''
        resource "aws_cloudwatch_log_group" "mwaa" {
          for_each          = toset(["Task", "Worker"])
          name              = "airflow-prod-${each.key}"
          retention_in_days = 30
        }
    ''')
    block = ev.module.resources("aws_cloudwatch_log_group")[0]
    names = [(i.address, ev.attr(i, "name")) for i in ev.instances(block)]
    assert names == [
        ('aws_cloudwatch_log_group.mwaa["Task"]', "airflow-prod-Task"),
        ('aws_cloudwatch_log_group.mwaa["Worker"]', "airflow-prod-Worker"),
    ]


def test_unknown_count_gives_one_instance_with_an_unknown_key(tmp_path):
    ev = module(tmp_path, '''
        variable "n" {}
        resource "aws_subnet" "s" {
          count      = var.n
          cidr_block = "10.0.0.0/24"
        }
    ''')
    (instance,) = ev.instances(ev.module.resources("aws_subnet")[0])
    assert isinstance(instance.key, Unknown)
    assert ev.attr(instance, "cidr_block") == "10.0.0.0/24"


def test_jsonencode_keeps_the_structure_and_its_locations(tmp_path):
    ev = module(tmp_path, '''
        locals {
          doc = jsonencode({
            Statement = [{ Effect = "Allow", Action = "logs:*", Resource = aws_s3_bucket.b.arn }]
          })
        }
        resource "aws_s3_bucket" "b" {
          bucket = "b"
        }
    ''')
    doc = ev.eval(ev.module.locals()["doc"].expr)
    assert isinstance(doc, JsonDocument)
    action = doc.data["Statement"][0]["Action"]
    assert action == "logs:*" and action.loc.line == 4
    assert isinstance(doc.text(), Unknown)  # the bucket ARN is not known before apply


@pytest.mark.parametrize("expr", ["local.loop_a", 'lookup({}, var.x, "d")', "unknownfn(1)", "module.vpc.ids"])
def test_what_cannot_be_known_is_unknown(tmp_path, expr):
    ev = module(tmp_path, f'''
        variable "x" {{}}
        locals {{
          loop_a = local.loop_b
          loop_b = local.loop_a
          probe  = {expr}
        }}
    ''')
    assert isinstance(local(ev, "probe"), Unknown)


def test_file_reads_relative_to_the_module(tmp_path):
    (tmp_path / "policy.json").write_text('{"Statement": []}')
    ev = module(tmp_path, '''
        locals {
          p = jsondecode(file("${path.module}/policy.json"))
          missing = file("nope.json")
        }
    ''')
    with confined_to(Project(str(tmp_path.resolve()), "test")):
        assert local(ev, "p") == {"Statement": []}
        assert isinstance(local(ev, "missing"), Unknown)


def test_file_reads_nothing_without_a_project(tmp_path):
    (tmp_path / "policy.json").write_text('{"Statement": []}')
    ev = module(tmp_path, 'locals {\n  p = file("${path.module}/policy.json")\n}\n')
    assert isinstance(local(ev, "p"), Unknown)  # outside a run nothing is read on a repository's behalf


@pytest.mark.parametrize(
    "call, expected",
    [
        ('format("%s:%02d:00", "SUN", 4)', "SUN:04:00"),
        ('format("%-5s|", "ab")', "ab   |"),
        ('format("%5d|%-4d|", 42, 7)', "   42|7   |"),
        ('format("%.2f", 3.14159)', "3.14"),
        ('format("%+d %x %X %o %b", 5, 255, 255, 8, 5)', "+5 ff FF 10 101"),
        ('format("%t/%q/%v", true, "a", 12)', 'true/"a"/12'),
        ('format("%.3s", "abcdef")', "abc"),
        ('format("100%%")', "100%"),
    ],
)
def test_format_follows_terraform(tmp_path, call, expected):
    ev = module(tmp_path, f"locals {{\n  x = {call}\n}}\n")
    assert local(ev, "x") == expected


@pytest.mark.parametrize("call", ['format("%d", "x")', 'format("%d", 1.5)', 'format("%t", "yes")', 'format("%s")',
                                  'format("%y", 1)'])
def test_format_that_terraform_rejects_is_unknown(tmp_path, call):
    ev = module(tmp_path, f"locals {{\n  x = {call}\n}}\n")
    assert isinstance(local(ev, "x"), Unknown)


def test_every_expression_of_the_model_has_an_evaluation():
    import inspect

    from mwaa_lint import model
    from mwaa_lint.evaluate import _EVALUATE

    kinds = {c for _, c in inspect.getmembers(model, inspect.isclass) if issubclass(c, model.Expr) and c is not model.Expr}
    assert set(_EVALUATE) == kinds
