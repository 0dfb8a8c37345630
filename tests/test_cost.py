"""`mwaa-lint cost` and the arithmetic under it: figures checked against hand computations
from knowledge/prices.json (us-east-1, 730 hours a month), unknown inputs shown as ranges or
"unknown" and never guessed, and the text, JSON and Markdown reports on a realistic fixture."""
import json
from decimal import Decimal

import pytest
from conftest import FIXTURES

from mwaa_lint import cost
from mwaa_lint.engine import RunOptions, load_roots
from mwaa_lint.knowledge import table, use_tables

FLEET = FIXTURES / "cost" / "fleet"

# Hand computations, per month of 730 hours. The environment hour includes 1 worker, 2
# schedulers and 2 web servers (the table's modelling assumption); each one more is billed.
ENVIRONMENT = {
    "mw1.small": Decimal("357.70"),  # 0.49 x 730
    "mw1.medium": Decimal("540.20"),  # 0.74 x 730
    "mw1.large": Decimal("722.70"),  # 0.99 x 730
}
# MWAA's defaults: 1 to 10 workers, 2 schedulers, 2 web servers
DEFAULT_CEILING = {
    "mw1.small": Decimal("719.05"),  # 357.70 + 9 x 0.055 x 730 (361.35)
    "mw1.medium": Decimal("1262.90"),  # 540.20 + 9 x 0.11 x 730 (722.70)
    "mw1.large": Decimal("2168.10"),  # 722.70 + 9 x 0.22 x 730 (1,445.40)
}
# min_workers 3, schedulers 5, min_webservers 3; max_workers 25, max_webservers 5
BUSY_FLOOR = {
    # 357.70 + 2 x 0.055 x 730 (80.30) + 3 x 0.055 x 730 (120.45) + 1 x 0.028 x 730 (20.44)
    "mw1.small": Decimal("578.89"),
    # 540.20 + 2 x 0.11 x 730 (160.60) + 3 x 0.11 x 730 (240.90) + 1 x 0.055 x 730 (40.15)
    "mw1.medium": Decimal("981.85"),
    # 722.70 + 2 x 0.22 x 730 (321.20) + 3 x 0.22 x 730 (481.80) + 1 x 0.11 x 730 (80.30)
    "mw1.large": Decimal("1606.00"),
}
BUSY_CEILING = {
    # 357.70 + 24 x 0.055 x 730 (963.60) + 3 x 0.055 x 730 (120.45) + 3 x 0.028 x 730 (61.32)
    "mw1.small": Decimal("1503.07"),
    # 540.20 + 24 x 0.11 x 730 (1,927.20) + 3 x 0.11 x 730 (240.90) + 3 x 0.055 x 730 (120.45)
    "mw1.medium": Decimal("2828.75"),
    # 722.70 + 24 x 0.22 x 730 (3,854.40) + 3 x 0.22 x 730 (481.80) + 3 x 0.11 x 730 (240.90)
    "mw1.large": Decimal("5299.80"),
}
BUSY = """
  min_workers    = 3
  max_workers    = 25
  schedulers     = 5
  min_webservers = 3
  max_webservers = 5
"""


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # notes name files relative to the working directory


def _estimates(tmp_path, body: str, extra: str = "", **files):
    (tmp_path / "main.tf").write_text(f'resource "aws_mwaa_environment" "e" {{\n  name = "e"\n{body}}}\n{extra}')
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    contexts, diagnostics = load_roots([str(tmp_path)], RunOptions(environ={}))
    assert diagnostics == []
    return cost.estimates(contexts)


def _one(tmp_path, body: str, extra: str = "", **files):
    found = _estimates(tmp_path, body, extra, **files)
    assert len(found) == 1
    return found[0]


def _exact(value: cost.Money) -> Decimal:
    assert value.exact, value
    return value.low.quantize(Decimal("0.01"))


# --- arithmetic per class ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ENVIRONMENT))
def test_defaults_per_class(tmp_path, name):
    e = _one(tmp_path, f'  environment_class = "{name}"\n')
    assert _exact(e.floor) == ENVIRONMENT[name]  # 1 worker, 2 schedulers, 2 web servers: all included
    assert _exact(e.ceiling) == DEFAULT_CEILING[name]
    assert {n: (c.low, c.source) for n, c in e.counts.items()} == {
        "min_workers": (1, "default"), "max_workers": (10, "default"), "min_webservers": (2, "default"),
        "max_webservers": (2, "default"), "schedulers": (2, "default"),
    }


@pytest.mark.parametrize("name", sorted(ENVIRONMENT))
def test_every_count_written_per_class(tmp_path, name):
    e = _one(tmp_path, f'  environment_class = "{name}"\n{BUSY}')
    assert _exact(e.floor) == BUSY_FLOOR[name]
    assert _exact(e.ceiling) == BUSY_CEILING[name]
    assert all(c.source == "written" for c in e.counts.values())
    assert [(n, c.loc.line) for n, c in e.counts.items()] == [
        ("min_workers", 5), ("max_workers", 6), ("min_webservers", 8), ("max_webservers", 9), ("schedulers", 7)]
    assert sum(e.ceiling_parts.values()) == BUSY_CEILING[name]


def test_the_pure_functions(tmp_path):
    prices = table("prices")["regions"]["us-east-1"]["classes"]["mw1.medium"]
    included = {"workers": 1, "schedulers": 2, "webservers": 2}
    parts = cost.monthly_parts(prices, included, {"workers": 4, "schedulers": 2, "webservers": 2}, 730)
    # 0.74 x 730; 3 x 0.11 x 730; nothing beyond the included schedulers and web servers
    assert parts == {"environment": Decimal("540.20"), "workers": Decimal("240.90"), "schedulers": 0, "webservers": 0}
    assert cost.total(parts) == Decimal("781.10")
    assert cost.show(cost.Money(Decimal("781.1"), Decimal("781.1"))) == "$781.10"
    assert cost.show(cost.Money(Decimal("357.7"), Decimal("2325.05"))) == "$357.70 to $2,325.05"
    assert cost.money(Decimal("1234.565"), "EUR") == "1,234.57 EUR"


def test_the_class_defaults_to_mw1_small(tmp_path):
    e = _one(tmp_path, "")
    assert (e.environment_class, e.class_source) == ("mw1.small", "default")
    assert _exact(e.floor) == Decimal("357.70")


def test_min_above_max_counts_the_minimum_in_the_ceiling(tmp_path):
    # the API rejects it (MWAA502); the ceiling is never below the floor:
    # 357.70 + 11 x 0.055 x 730 (441.65)
    e = _one(tmp_path, "  min_workers = 12\n  max_workers = 5\n")
    assert _exact(e.floor) == _exact(e.ceiling) == Decimal("799.35")


# --- unknown inputs: ranges or "unknown", never a guess ---------------------------------------

@pytest.mark.parametrize("name", ["mw1.micro", "mw1.xlarge", "mw1.2xlarge"])
def test_a_class_with_no_sourced_price_is_unknown(tmp_path, name):
    e = _one(tmp_path, f'  environment_class = "{name}"\n  max_workers = 5\n')
    assert not e.floor.known and not e.ceiling.known
    assert cost.show(e.ceiling) == f"unknown (no sourced price for {name})"
    assert e.ceiling_parts == {}


def test_an_unknown_class_is_unknown(tmp_path):
    e = _one(tmp_path, "  environment_class = var.class\n", 'variable "class" {\n  type = string\n}\n')
    assert e.environment_class is None
    assert cost.show(e.floor) == "unknown (environment_class is unknown: var.class has no value (main.tf:3))"
    assert e.counts["max_workers"].source == "no-default"


def test_a_class_missing_from_the_tables_is_unknown(tmp_path):
    e = _one(tmp_path, '  environment_class = "mw1.huge"\n')
    assert cost.show(e.ceiling) == "unknown (no sourced price for mw1.huge)"


def test_an_unknown_max_workers_makes_the_ceiling_a_range(tmp_path):
    e = _one(tmp_path, "  max_workers = var.max_workers\n", 'variable "max_workers" {\n  type = number\n}\n')
    count = e.counts["max_workers"]
    assert (count.low, count.high, count.source) == (1, 50, "unknown")
    assert "var.max_workers has no value" in count.note and "1 to 50" in count.note
    assert _exact(e.floor) == Decimal("357.70")
    # 357.70 to 357.70 + 49 x 0.055 x 730 (1,967.35): 1 to 50 workers, the most MWAA accepts with a quota increase
    assert (e.ceiling.low, e.ceiling.high) == (Decimal("357.70"), Decimal("2325.05"))
    assert e.ceiling.reason == "max_workers is unknown"
    assert cost.show(e.ceiling) == "$357.70 to $2,325.05"


def test_an_unknown_schedulers_stays_within_what_the_class_accepts(tmp_path):
    e = _one(tmp_path, '  environment_class = "mw1.large"\n  schedulers = var.n\n', 'variable "n" {}\n')
    # 2 to 5 schedulers: 722.70 to 722.70 + 3 x 0.22 x 730 (481.80)
    assert (e.floor.low, e.floor.high) == (Decimal("722.70"), Decimal("1204.50"))
    assert e.floor.reason == "schedulers is unknown"


def test_a_value_from_tfvars_counts(tmp_path):
    e = _one(tmp_path, "  max_workers = var.max_workers\n", 'variable "max_workers" {\n  default = 2\n}\n',
             **{"terraform.tfvars": "max_workers = 3\n"})
    assert (e.counts["max_workers"].low, e.counts["max_workers"].note) == (
        3, "main.tf:3, var.max_workers set by terraform.tfvars:1")
    assert _exact(e.ceiling) == Decimal("438.00")  # 357.70 + 2 x 0.055 x 730 (80.30)


def test_a_region_without_prices_is_unknown(tmp_path):
    e = _one(tmp_path, '  region = "eu-west-1"\n')
    assert cost.show(e.floor) == "unknown (no prices for eu-west-1 in the price table, which has us-east-1)"


def test_the_provider_region_is_followed(tmp_path):
    e = _one(tmp_path, "", 'provider "aws" {\n  region = "eu-central-1"\n}\n')
    assert e.region == "eu-central-1" and not e.floor.known
    e = _one(tmp_path, "  provider = aws.virginia\n",
             'provider "aws" {\n  region = "eu-central-1"\n}\n'
             'provider "aws" {\n  alias  = "virginia"\n  region = "us-east-1"\n}\n')
    assert (e.region, e.region_note) == ("us-east-1", 'provider "aws", main.tf:10')
    assert _exact(e.floor) == Decimal("357.70")


def test_an_unset_or_unknown_region_is_an_assumption(tmp_path):
    e = _one(tmp_path, "")
    assert _exact(e.floor) == Decimal("357.70")
    assert any(a.startswith("the Region is not set in Terraform") and a.endswith("us-east-1 prices are used")
               for a in e.assumptions)
    e = _one(tmp_path, "", 'provider "aws" {\n  region = var.region\n}\nvariable "region" {}\n')
    assert any(a.startswith("the Region is unknown") for a in e.assumptions)


def test_an_unknown_for_each_is_priced_per_instance(tmp_path):
    found = _estimates(tmp_path, "  for_each = var.names\n", 'variable "names" {}\n')
    assert [e.address for e in found] == ['aws_mwaa_environment.e[?]']
    assert "the figures are for each instance: how many `for_each`/`count` creates is unknown" in found[0].assumptions


def test_the_assumptions_name_the_modelling_choice_and_the_uncertain_price(tmp_path):
    e = _one(tmp_path, '  environment_class = "mw1.large"\n  max_webservers = 3\n')
    text = "\n".join(e.assumptions)
    assert "730 hours a month" in text
    assert "the environment hour includes 1 worker, 2 schedulers and 2 web servers" in text
    assert "a modelling assumption" in text
    assert "the additional web server price ($0.11/h) is UNCERTAIN" in text
    assert "metadata database storage ($0.10 per GB-month) is not included" in text
    # with no extra web server the uncertain price is not used, so not mentioned
    assert "UNCERTAIN" not in "\n".join(_one(tmp_path, '  environment_class = "mw1.large"\n').assumptions)


def test_parse_budget():
    assert cost.parse_budget(None) is None
    assert cost.parse_budget("none") is None
    assert cost.parse_budget(2000) == Decimal(2000)
    assert cost.parse_budget("$2,000.50") == Decimal("2000.50")
    for bad in ("lots", -1, True):
        with pytest.raises(ValueError, match="MWAA504.budget"):
            cost.parse_budget(bad)


# --- the command ------------------------------------------------------------------------------

def test_text_report(cli):
    run = cli("cost", ".", cwd=FLEET)
    assert run.exit_code == 0, run.stderr
    out = run.stdout
    assert out.startswith("mwaa-lint cost: 5 environments, per month (730 hours), on-demand prices in USD\n")
    assert ('aws_mwaa_environment.team["etl"]  main.tf:34\n'
            '  class mw1.small (main.tf:9); Region us-east-1 (provider "aws", main.tf:2)\n') in out
    assert "  workers            2        5  min_workers: main.tf:44; max_workers: main.tf:45\n" in out
    assert "  per month    $397.85  $518.30\n" in out
    assert "  per month    $620.50  $1,343.20\n" in out  # reporting: 3 schedulers
    assert "  per month    $803.00  $4,015.00\n" in out  # ml: 3 to 5 web servers
    assert "  floor: unknown (no sourced price for mw1.xlarge)\n" in out
    assert "  per month    $540.20  $540.20 to $4,474.90\n" in out  # module.analytics: max_workers unknown
    assert "total: floor $2,361.55 + 1 unknown, ceiling $6,416.70 to $10,351.40 + 1 unknown\n" in out
    assert "Assumptions:\n  - 730 hours a month" in out


def test_json_report(cli):
    run = cli("cost", ".", "--format", "json", cwd=FLEET)
    assert run.exit_code == 0
    data = run.json()
    assert (data["currency"], data["hours_per_month"], data["prices_checked"], data["budget"]) == (
        "USD", 730, "2026-12-01", None)
    by_address = {e["address"]: e for e in data["environments"]}
    assert list(by_address) == [
        'aws_mwaa_environment.team["etl"]', 'aws_mwaa_environment.team["reporting"]',
        'aws_mwaa_environment.team["ml"]', 'aws_mwaa_environment.team["archive"]',
        "module.analytics.aws_mwaa_environment.this",
    ]
    ml = by_address['aws_mwaa_environment.team["ml"]']
    assert (ml["path"], ml["line"], ml["environment_class"]["value"]) == ("main.tf", 34, "mw1.large")
    assert ml["floor"] == {"low": 803.0, "high": 803.0, "exact": True, "reason": None}
    assert ml["ceiling_parts"] == {"environment": 722.7, "workers": 3051.4, "schedulers": 0.0, "webservers": 240.9}
    assert ml["counts"]["max_webservers"] == {"low": 5, "high": 5, "source": "written", "note": "main.tf:48",
                                              "path": "main.tf", "line": 48}
    assert by_address['aws_mwaa_environment.team["archive"]']["ceiling"] == {
        "low": None, "high": None, "exact": False, "reason": "no sourced price for mw1.xlarge"}
    analytics = by_address["module.analytics.aws_mwaa_environment.this"]
    assert (analytics["path"], analytics["root"]) == ("modules/mwaa/main.tf", ".")
    assert analytics["environment_class"]["note"] == "main.tf:60, passed to module.analytics"
    assert analytics["counts"]["max_workers"]["source"] == "unknown"
    assert analytics["ceiling"] == {"low": 540.2, "high": 4474.9, "exact": False, "reason": "max_workers is unknown"}
    assert data["total"]["floor"]["low"] is None
    assert "on-demand us-east-1 prices in USD from the price table checked 2026-12-01" in data["assumptions"]


def test_markdown_report(cli):
    run = cli("cost", ".", "-f", "markdown", cwd=FLEET)
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[:9] == [
        "| Environment | Class | Workers | Schedulers | Web servers | Floor / month | Ceiling / month |",
        "|---|---|---|---|---|---|---|",
        '| `aws_mwaa_environment.team["etl"]` (`main.tf:34`) | mw1.small | 2 to 5 | 2 | 2 | $397.85 | $518.30 |',
        '| `aws_mwaa_environment.team["reporting"]` (`main.tf:34`) | mw1.medium | 1 to 10 | 3 | 2 | $620.50 | $1,343.20 |',
        '| `aws_mwaa_environment.team["ml"]` (`main.tf:34`) | mw1.large | 1 to 20 | 2 | 3 to 5 | $803.00 | $4,015.00 |',
        '| `aws_mwaa_environment.team["archive"]` (`main.tf:34`) | mw1.xlarge | 1 to 2 | 2 | 2 '
        "| unknown (no sourced price for mw1.xlarge) | unknown (no sourced price for mw1.xlarge) |",
        "| `module.analytics.aws_mwaa_environment.this` (`modules/mwaa/main.tf:30`) | mw1.medium | 1 to ? | 2 | 2 "
        "| $540.20 | $540.20 to $4,474.90 |",
        "| **Total** |  |  |  |  | $2,361.55 + 1 unknown | $6,416.70 to $10,351.40 + 1 unknown |",
        "",
    ]
    assert ("- `module.analytics.aws_mwaa_environment.this`: max_workers: var.analytics_max_workers has no value "
            "(main.tf:61); counted as anything MWAA accepts, 1 to 50") in lines
    assert "Assumptions:" in lines


def test_a_var_gives_the_unknown_max_workers(cli):
    data = cli("cost", ".", "-f", "json", "--var", "analytics_max_workers=6", cwd=FLEET).json()
    analytics = data["environments"][-1]
    # 540.20 + 5 x 0.11 x 730 (401.50)
    assert analytics["ceiling"] == {"low": 941.7, "high": 941.7, "exact": True, "reason": None}


def test_the_budget_is_shown(cli, tmp_path):
    (tmp_path / ".mwaa-lint.yaml").write_text("rule-options: {MWAA504: {budget: 1000}}\n")
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  max_workers = 25\n}\n')
    # 357.70 + 24 x 0.055 x 730 (963.60) = 1,321.30
    run = cli("cost", ".", cwd=tmp_path)
    assert "  budget $1,000.00 (MWAA504): ceiling exceeds it by $321.30\n" in run.stdout
    data = cli("cost", ".", "-f", "json", cwd=tmp_path).json()
    assert (data["budget"], data["environments"][0]["over_budget"]) == (1000.0, True)
    assert "| Budget $1,000.00 |" in cli("cost", ".", "-f", "markdown", cwd=tmp_path).stdout.splitlines()[0]


def test_a_bad_budget_is_an_error(cli, tmp_path):
    (tmp_path / ".mwaa-lint.yaml").write_text("rule-options: {MWAA504: {budget: lots}}\n")
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {}\n')
    run = cli("cost", ".", cwd=tmp_path)
    assert run.exit_code == 2
    assert "MWAA504.budget: expected an amount per month" in run.stderr


def test_a_parse_error_exits_2_and_the_rest_is_still_priced(cli, tmp_path):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text('resource "aws_mwaa_environment" "e" {}\n')
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n')
    run = cli("cost", "good", "bad", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith("bad/main.tf:")
    assert "aws_mwaa_environment.e  good/main.tf:1" in run.stdout


def test_no_environment(cli, tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    run = cli("cost", ".", cwd=tmp_path)
    assert run.exit_code == 0
    assert "No aws_mwaa_environment found." in run.stdout
    assert cli("cost", ".", "-f", "json", cwd=tmp_path).json()["environments"] == []


def test_a_user_price_table(cli, tmp_path):
    """`knowledge-tables: {prices: ...}` supplies negotiated prices or other Regions."""
    prices = json.loads(json.dumps(table("prices")))
    prices["regions"]["eu-west-1"] = {
        "source": "IC", "metadata_storage_gb_month": 0.1,
        "classes": {name: {**row, "environment_hour": 0.5 if row["environment_hour"] else None}
                    for name, row in prices["regions"]["us-east-1"]["classes"].items()},
    }
    (tmp_path / "prices.json").write_text(json.dumps(prices))
    (tmp_path / "main.tf").write_text('resource "aws_mwaa_environment" "e" {\n  region = "eu-west-1"\n}\n')
    assert cli("cost", ".", "-f", "json", cwd=tmp_path).json()["environments"][0]["floor"]["low"] is None
    (tmp_path / ".mwaa-lint.yaml").write_text("knowledge-tables:\n  prices: prices.json\n")
    try:
        data = cli("cost", ".", "-f", "json", cwd=tmp_path).json()
        assert data["environments"][0]["floor"]["low"] == 365.0  # 0.50 x 730
    finally:
        use_tables({})  # the in-process CLI shares this process: put the built-in table back


def test_the_shipped_example(cli):
    run = cli("cost", "examples/quickstart", cwd=FIXTURES.parents[1])
    assert run.exit_code == 0
    # mw1.small, max_workers = 50: 357.70 + 49 x 0.055 x 730 (1,967.35)
    assert "  per month    $357.70  $2,325.05\n" in run.stdout


# --- MWAA504 messages ---------------------------------------------------------------------------

def _mwaa504(cli, tmp_path, body: str, budget):
    (tmp_path / ".mwaa-lint.yaml").write_text(f"rule-options: {{MWAA504: {{budget: {budget}}}}}\n")
    (tmp_path / "main.tf").write_text(f'resource "aws_mwaa_environment" "e" {{\n  name = "e"\n{body}}}\n')
    data = cli(".", "--select", "MWAA504", "-f", "json", cwd=tmp_path).json()
    assert data["diagnostics"] == []
    return [(f["line"], f["message"]) for f in data["findings"]]


def test_mwaa504_names_max_workers(cli, tmp_path):
    assert _mwaa504(cli, tmp_path, '  environment_class = "mw1.medium"\n  max_workers = 25\n', 2000) == [(
        4, "monthly ceiling $2,467.40 exceeds the budget $2,000.00; max_workers = 25 accounts for $1,927.20 of it; "
           "expected max_workers <= 19 to stay within the budget")]


def test_mwaa504_names_the_class_when_the_environment_alone_is_over(cli, tmp_path):
    assert _mwaa504(cli, tmp_path, '  environment_class = "mw1.large"\n  max_workers = 2\n', 500) == [(
        3, "monthly ceiling $883.30 exceeds the budget $500.00; environment_class = mw1.large accounts for $722.70 of "
           "it; expected a smaller environment_class or a larger budget")]


def test_mwaa504_names_schedulers_or_web_servers_when_they_drive_it(cli, tmp_path):
    # mw1.large: 722.70 + 1 x 160.60 (workers) + 3 x 160.60 (schedulers, 481.80) = 1,365.10;
    # 2 schedulers: 883.30, 3: 1,043.90
    found = _mwaa504(cli, tmp_path, '  environment_class = "mw1.large"\n  max_workers = 2\n  schedulers = 5\n', 1000)
    assert found == [(5, "monthly ceiling $1,365.10 exceeds the budget $1,000.00; schedulers = 5 accounts for "
                         "$481.80 of it; expected schedulers <= 2 to stay within the budget")]
    # mw1.large: 722.70 + 3 x 0.11 x 730 (web servers, 240.90) = 963.60; 4 web servers: 722.70 + 2 x 80.30 = 883.30
    found = _mwaa504(cli, tmp_path, '  environment_class = "mw1.large"\n  max_workers = 1\n  max_webservers = 5\n', 900)
    assert found == [(5, "monthly ceiling $963.60 exceeds the budget $900.00; max_webservers = 5 accounts for "
                         "$240.90 of it; expected max_webservers <= 4 to stay within the budget")]


def test_mwaa504_is_silent_within_or_without_a_budget(cli, tmp_path):
    # mw1.large, 1 worker, 3 web servers: 722.70 + 1 x 0.11 x 730 (80.30) = 803.00
    body = '  environment_class = "mw1.large"\n  max_workers = 1\n  max_webservers = 3\n'
    assert _mwaa504(cli, tmp_path, body, 803) == []  # exactly the budget: within it
    assert [line for line, _ in _mwaa504(cli, tmp_path, body, 802)] == [5]
    assert _mwaa504(cli, tmp_path, "  max_workers = 10\n", "none") == []
    assert _mwaa504(cli, tmp_path, '  environment_class = "mw1.2xlarge"\n', 1) == []  # no sourced price


def test_the_readme_shows_real_output(cli):
    """The "What will it cost?" section of the README is pasted from real runs: keep it so."""
    readme = (FIXTURES.parents[1] / "README.md").read_text()
    section = readme[readme.index("## What will it cost?"): readme.index("## Suppressing a finding")]
    root = FIXTURES.parents[1]
    text = cli("cost", "examples/quickstart", cwd=root).stdout
    assert f"$ mwaa-lint cost examples/quickstart\n{text}```" in section
    assert cli("cost", "examples/quickstart", "--format", "markdown", cwd=root).stdout in section
    budget = cli("examples/quickstart", "--select", "MWAA504", "--rule-option", "MWAA504.budget=1000",
                 "--format", "concise", cwd=root).stdout
    assert f"--format concise\n{budget}```" in section
