"""What an MWAA environment costs a month, from `knowledge/prices.json`.

For each `aws_mwaa_environment` instance, after module and variable resolution:

- the **floor**: the environment running all month with `min_workers` workers, `schedulers`
  schedulers and `min_webservers` web servers — what it costs when idle;
- the **ceiling**: the same with `max_workers` workers and `max_webservers` web servers all month.

An argument that is not set takes MWAA's default for the class (`environment_classes` table).
An input that cannot be known is never guessed: a count with an unknown value becomes the range
of values MWAA accepts, so the figure becomes a range; a figure that depends on something with
no bound, or on a class or Region with no sourced price, is unknown and says why.

Money is `Decimal`, rounded to cents only when shown. Nothing here reads files or the network.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NamedTuple, Optional

from . import model as m
from .knowledge import table
from .listing import CONFIGURATION_SUFFIXES
from .provenance import direct_variable, origin_of
from .redact import escape_undecodable
from .values import Unknown, to_number

CENT = Decimal("0.01")
# Beyond any account's quota, and small enough that a month of them stays within Decimal's 28
# digits: a count above it (`max_workers = 1e300`; 1e400 is infinity) is unknown, not a crash.
MAX_COUNT = 1_000_000
MAX_AMOUNT = Decimal(10) ** 12  # an hourly price or a budget above it is no amount anyone means

# what is counted (the key of `included` in prices.json) → the price of one more of it
KINDS = {"workers": "additional_worker_hour", "schedulers": "additional_scheduler_hour",
         "webservers": "additional_webserver_hour"}
NOUNS = {"workers": ("worker", "workers"), "schedulers": ("scheduler", "schedulers"),
         "webservers": ("web server", "web servers")}


@dataclass(frozen=True)
class Money:
    """A monthly figure: exact (low == high), a range, or unknown (both None, with a reason)."""

    low: Optional[Decimal]
    high: Optional[Decimal]
    reason: str = ""  # why it is unknown, or what makes it a range

    @property
    def known(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def exact(self) -> bool:
        return self.known and self.low == self.high

    @classmethod
    def unknown(cls, reason: str) -> Money:
        return cls(None, None, reason)


@dataclass(frozen=True)
class Count:
    """How many workers, schedulers or web servers an argument asks for, and where that came from."""

    name: str  # the argument: min_workers, max_workers, schedulers, min_webservers, max_webservers
    low: Optional[int]  # None: no bound is known
    high: Optional[int]
    # "written"; "default" (MWAA's default for the class); "unknown" (written, but its value is
    # not known); "no-default" (not set, and MWAA's default for the class is not known)
    source: str
    note: str = ""  # "main.tf:12", "MWAA's default for mw1.small", "var.max_workers has no value; ..."
    loc: Optional[m.Location] = None  # where the value was written (after following var.* to callers)

    @property
    def exact(self) -> bool:
        return self.low is not None and self.low == self.high


@dataclass
class Estimate:
    """The monthly floor and ceiling of one environment instance, with everything they rest on."""

    address: str
    root: Path  # the root module directory it was reached from
    loc: m.Location  # the resource block header
    environment_class: Optional[str]  # None: unknown
    class_source: str  # "written", "default" or "unknown"
    class_note: str
    region: str  # the Region whose prices apply (named in Terraform, or the table's default_region)
    region_note: str  # where it was set, or "assumed: why"
    counts: dict  # argument name → Count
    floor: Money
    ceiling: Money
    # the ceiling's parts (of its lower end when it is a range): "environment" (the class),
    # "workers", "schedulers", "webservers"; {} when the ceiling is unknown
    ceiling_parts: dict = field(default_factory=dict)
    assumptions: list = field(default_factory=list)
    currency: str = "USD"
    prices: Optional[dict] = None  # the class's row of the price table, when it has a price
    included: Optional[dict] = None  # what the environment hour includes, per kind
    hours: int = 730


class Levels(NamedTuple):
    """The counts of a figure that is a range: {kind: n} at its low end and at its high end
    (n is None where no bound is known)."""

    lowest: dict[str, Optional[int]]
    highest: dict[str, Optional[int]]


# --- arithmetic (pure: numbers in, numbers out) -------------------------------------------

def hourly(price: Any) -> Optional[Decimal]:
    """A price from the table as a Decimal (None stays None: no sourced price; so does a price
    that is no finite amount, from a replaced table)."""
    if price is None or isinstance(price, bool):
        return None
    try:
        value = Decimal(str(price))
    except ArithmeticError:
        return None
    return value if value.is_finite() and abs(value) <= MAX_AMOUNT else None


def monthly_parts(prices: dict, included: dict, counts: dict, hours: int) -> dict:
    """{"environment": x, "workers": y, ...} per month for exact counts ({kind: n}).

    A part is None when it needs a price the table does not have. The environment hour covers
    `included[kind]` of each kind; each one beyond is billed at the class's additional price."""
    parts: dict = {"environment": _times(hourly(prices.get("environment_hour")), 1, hours)}
    for kind, field_name in KINDS.items():
        extra = max(0, counts[kind] - included.get(kind, 0))
        parts[kind] = Decimal(0) if extra == 0 else _times(hourly(prices.get(field_name)), extra, hours)
    return parts


def total(parts: dict) -> Optional[Decimal]:
    values = list(parts.values())
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _times(price: Optional[Decimal], count: int, hours: int) -> Optional[Decimal]:
    return None if price is None else price * count * hours


def figure(prices: dict, included: dict, low_counts: dict, high_counts: dict, hours: int) -> Money:
    """The monthly cost between the lowest and the highest counts (cost grows with each count)."""
    if any(v is None for v in (*low_counts.values(), *high_counts.values())):
        unbounded = sorted({k for d in (low_counts, high_counts) for k, v in d.items() if v is None})
        return Money.unknown(f"the number of {' and '.join(NOUNS[k][1] for k in unbounded)} is unknown and unbounded")
    low = total(monthly_parts(prices, included, low_counts, hours))
    high = total(monthly_parts(prices, included, high_counts, hours))
    if low is None or high is None:
        return Money.unknown("no sourced price for a part of it")
    return Money(low, high)


def parse_budget(raw: Any) -> Optional[Decimal]:
    """The MWAA504 `budget` option as a Decimal (None for no budget: None, "" or "none");
    ValueError when it is no amount."""
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "none")):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").lstrip("$").strip())
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > MAX_AMOUNT or isinstance(raw, bool):
        raise ValueError(f"MWAA504.budget: expected an amount per month in the price table's currency "
                         f"({table('prices')['currency']}), found {raw!r}")
    return value


def money(amount: Decimal, currency: str = "USD") -> str:
    """`$2,325.05` (or `2,325.05 EUR` for another currency)."""
    text = f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def show(value: Money, currency: str = "USD") -> str:
    """`$357.70`, `$357.70 to $1,967.35`, or `unknown (why)`."""
    low, high = value.low, value.high
    if low is None or high is None:  # not value.known
        return f"unknown ({value.reason})" if value.reason else "unknown"
    if low == high:  # value.exact
        return money(low, currency)
    return f"{money(low, currency)} to {money(high, currency)}"


# --- reading an environment -------------------------------------------------------------

def estimate(env, root: Optional[Path] = None) -> Estimate:
    """The Estimate of one environment (a `mwaa_lint.context.Environment`)."""
    prices_table = table("prices")
    classes = table("environment_classes")
    hours = int(prices_table["hours_per_month"])
    currency = prices_table["currency"]
    name, class_source, class_note = _class(env, classes)
    row = classes["classes"].get(name) if name else None
    counts = _counts(env, name, row, classes)
    region, region_note, region_prices, region_assumption = _region(env, prices_table)
    assumptions = [f"{hours} hours a month, every hour: an environment is billed while it exists and cannot be stopped"]
    if region_prices is not None:
        assumptions.append(f"on-demand {region} prices in {currency} from the price table checked "
                           f"{prices_table['checked']}")
    if region_assumption:
        assumptions.append(region_assumption)
    if isinstance(env.instance.key, Unknown):
        assumptions.append("the figures are for each instance: how many `for_each`/`count` creates is unknown")

    prices = region_prices["classes"].get(name) if name and region_prices else None
    included = prices_table["included"].get(name) if name else None
    if not name:
        floor = ceiling = Money.unknown(f"environment_class is unknown: {class_note}")
    elif region_prices is None:
        floor = ceiling = Money.unknown(f"no prices for {region} in the price table, which has "
                                        f"{', '.join(sorted(prices_table['regions']))}")
    elif prices is None or included is None or hourly(prices.get("environment_hour")) is None:
        where = f" in {region}" if region != prices_table["default_region"] else ""
        floor = ceiling = Money.unknown(f"no sourced price for {name}{where}")
    else:
        floor, ceiling = _floor_and_ceiling(counts, prices, included, hours)
    priced = floor.known or ceiling.known
    parts = _ceiling_parts(counts, prices, included, hours) if priced else {}
    if priced:
        assert prices is not None and included is not None  # a figure is made only from both (above)
        assumptions.append(included_assumption(prices_table["included"]))
        for kind, field_name in KINDS.items():
            used = max((c.high or 0) for c in counts.values() if c.name.endswith(kind)) > included.get(kind, 0)
            if field_name in prices.get("uncertain", []) and used and prices.get(field_name) is not None:
                assumptions.append(f"the additional {NOUNS[kind][0]} price ({_price(prices[field_name], currency)}/h) "
                                   "is UNCERTAIN: it comes from one third-party source")
    storage = (region_prices or {}).get("metadata_storage_gb_month")
    if storage is not None:
        assumptions.append(f"metadata database storage ({_price(storage, currency)} per GB-month) is not included: "
                           "its size is not in Terraform")
    return Estimate(
        address=env.address, root=root or env.ev.tree[0].module.directory, loc=env.block.loc,
        environment_class=name, class_source=class_source, class_note=class_note,
        region=region, region_note=region_note, counts=counts, floor=floor, ceiling=ceiling,
        ceiling_parts=parts, assumptions=assumptions, currency=currency,
        prices=prices if priced else None, included=included if priced else None, hours=hours,
    )


def _floor_and_ceiling(counts: dict, prices: dict, included: dict, hours: int) -> tuple[Money, Money]:
    """(floor, ceiling)."""
    low, high = _levels(counts, "min"), _levels(counts, "max")
    floor_names = ("min_workers", "schedulers", "min_webservers")
    floor_unknown = [c.name for c in counts.values() if not c.exact and c.name in floor_names]
    ceiling_unknown = [c.name for c in counts.values() if not c.exact]
    return (_explained(figure(prices, included, low.lowest, low.highest, hours), _are_unknown(floor_unknown)),
            _explained(figure(prices, included, high.lowest, high.highest, hours), _are_unknown(ceiling_unknown)))


def _are_unknown(names: list) -> str:
    return f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} unknown"


def _explained(value: Money, reason: str) -> Money:
    """A range says what makes it one."""
    return Money(value.low, value.high, reason) if value.known and not value.exact else value


def _levels(counts: dict, side: str) -> Levels:
    """({kind: lowest}, {kind: highest}) for the floor ("min") or the ceiling ("max").

    The ceiling never has fewer than the minimum (MWAA rejects min > max; MWAA502 reports it)."""
    def pick(kind: str, bound: str) -> Optional[int]:
        if kind == "schedulers":
            return getattr(counts["schedulers"], bound)
        low_side = getattr(counts[f"min_{kind}"], bound)
        if side == "min":
            return low_side
        high_side = getattr(counts[f"max_{kind}"], bound)
        return None if high_side is None or low_side is None else max(low_side, high_side)

    return Levels({kind: pick(kind, "low") for kind in KINDS}, {kind: pick(kind, "high") for kind in KINDS})


def _ceiling_parts(counts: dict, prices: Optional[dict], included: Optional[dict], hours: int) -> dict:
    """The (lowest) ceiling split by what drives it ({} when it is unknown)."""
    if prices is None or included is None:
        return {}
    low = ceiling_counts(counts).lowest
    if any(v is None for v in low.values()):
        return {}
    parts = monthly_parts(prices, included, low, hours)
    return {} if any(v is None for v in parts.values()) else parts


def ceiling_counts(counts: dict) -> Levels:
    """({kind: lowest}, {kind: highest}) count of the ceiling."""
    return _levels(counts, "max")


def _class(env, classes: dict) -> tuple[Optional[str], str, str]:
    """(class name or None, source, note)."""
    attribute = env.attribute("environment_class")
    value = env.eval(attribute.expr) if attribute is not None else None
    if value is None:
        return classes["default_class"], "default", "not set, the provider's default"
    if isinstance(value, Unknown) or not isinstance(value, str):
        return None, "unknown", _unknown_note(env, attribute)
    return str(value).strip(), "written", _where(env, attribute, getattr(value, "loc", None))


def _counts(env, name: Optional[str], row: Optional[dict], classes: dict) -> dict:
    counts = {}
    for kind in ("workers", "webservers"):
        limits = row[kind] if row else {}
        # an unknown value is anything MWAA accepts: workers up to the most a quota increase allows
        most = classes["workers"]["quota_max"] if kind == "workers" else limits.get("max")
        for side in ("min", "max"):
            counts[f"{side}_{kind}"] = _count(env, f"{side}_{kind}", name, limits.get(f"default_{side}"),
                                              limits.get("min"), most)
    scheduler_limits = row["schedulers"] if row else {}
    counts["schedulers"] = _count(env, "schedulers", name, scheduler_limits.get("default"), scheduler_limits.get("min"),
                                  scheduler_limits.get("max") or classes["schedulers"]["api_max"])
    return counts


def _count(env, argument: str, class_name: Optional[str], default, least, most) -> Count:
    attribute = env.attribute(argument)
    raw = env.eval(attribute.expr) if attribute is not None else None
    if raw is None:  # not set, or null: MWAA applies its default
        if class_name is None:
            return Count(argument, None, None, "no-default", "not set, and the class (which gives its default) is unknown")
        if default is None:
            return Count(argument, None, None, "no-default", f"not set, and no source gives MWAA's default for {class_name}")
        return Count(argument, default, default, "default", f"not set, MWAA's default for {class_name}")
    value = to_number(raw)
    if isinstance(value, Unknown) or not (math.isfinite(value) and abs(value) <= MAX_COUNT):
        note = _unknown_note(env, attribute) if isinstance(value, Unknown) else _absurd_note(env, attribute, value)
        if least is None or most is None:
            return Count(argument, least, most, "unknown", f"{note}; no bound is known")
        return Count(argument, least, most, "unknown", f"{note}; counted as anything MWAA accepts, {least} to {most}")
    number = int(value)
    origin = origin_of(env.ev, attribute.expr, env.instance)
    return Count(argument, number, number, "written", _where(env, attribute), origin.loc or attribute.loc)


def _where(env, attribute: m.Attribute, literal: Optional[m.Location] = None) -> str:
    """`main.tf:12`, `main.tf:5, passed to module.mwaa` or `main.tf:9, var.x set by prod.tfvars:2`.

    `literal` is where a string value was written, when it is known (a `for_each` map entry)."""
    origin = origin_of(env.ev, attribute.expr, env.instance)
    loc = origin.loc or attribute.loc
    if literal is not None and literal.path.name.endswith(CONFIGURATION_SUFFIXES):
        loc = literal
    text = f"{_rel(loc.path)}:{loc.line}"
    notes = [origin.passed_to()] if origin.calls else []
    name = direct_variable(origin.expr)
    sources = origin.ev.module.variable_sources
    if name is not None and origin.ev.caller is None and name in sources:
        notes.append(f"var.{name} set by {sources[name]}")
    return ", ".join([text, *notes])


def _unknown_note(env, attribute: m.Attribute) -> str:
    origin = origin_of(env.ev, attribute.expr, env.instance)
    name = direct_variable(origin.expr)
    loc = origin.loc or attribute.loc
    if name is not None:
        return f"var.{name} has no value ({_rel(loc.path)}:{loc.line})"
    return f"not known before apply ({_rel(loc.path)}:{loc.line})"


def _absurd_note(env, attribute: m.Attribute, value: float) -> str:
    origin = origin_of(env.ev, attribute.expr, env.instance)
    loc = origin.loc or attribute.loc
    return f"{value:g} is no count MWAA accepts ({_rel(loc.path)}:{loc.line})"


def _region(env, prices_table: dict) -> tuple[str, str, Optional[dict], str]:
    """(Region, where it was set or why it is assumed, its prices or None, assumption or "")."""
    regions = prices_table["regions"]
    fallback = prices_table["default_region"]
    value, where = region_of(env)
    if isinstance(value, str) and not isinstance(value, Unknown):
        value = value.strip()
        return value, where, regions.get(value), ""
    if isinstance(value, Unknown):
        why = f"the Region is unknown ({where})"
    else:
        why = "the Region is not set in Terraform (the provider reads AWS_REGION or the profile)"
    return fallback, f"assumed: {why}", regions.get(fallback), f"{why}: {fallback} prices are used"


def region_of(env) -> tuple[Any, str]:
    """(the environment's Region: str, Unknown or None when Terraform does not say, where it came from).

    The resource's own `region` (provider 6.x), else its provider's `region`: the `provider`
    argument's alias, else the default `aws` provider of its module or of the modules calling it.
    A module given its providers by `providers = {...}` is not followed: Unknown."""
    attribute = env.attribute("region")
    if attribute is not None:
        value = env.eval(attribute.expr)
        if value is not None:
            return value, f"region, {_rel(attribute.loc.path)}:{attribute.loc.line}"
    alias = _alias(env.block.attr("provider"))
    ev = env.ev
    while ev is not None:
        for block in ev.module.blocks("provider"):
            if block.labels != ["aws"]:
                continue
            named = block.attr("alias")
            block_alias = ev.value(named.expr) if named is not None else None
            if block_alias != alias:
                continue
            region = block.attr("region")
            if region is None:
                return None, ""
            return ev.value(region.expr), f'provider "aws", {_rel(region.loc.path)}:{region.loc.line}'
        caller = ev.caller
        if caller is None:
            return None, ""
        if caller.block.attr("providers") is not None:
            return Unknown(), f"{caller.address} is given its providers by `providers`"
        ev = caller.ev
    return None, ""


def _alias(attribute: Optional[m.Attribute]) -> Optional[str]:
    """`provider = aws.west` → "west"; None for the default provider."""
    if attribute is None:
        return None
    expr = attribute.expr
    if isinstance(expr, m.GetAttr) and isinstance(expr.obj, m.Name) and expr.obj.name == "aws":
        return expr.name
    return None


def _rel(path: Path) -> str:
    try:
        return escape_undecodable(Path(os.path.relpath(Path(path).resolve(), Path.cwd().resolve())).as_posix())
    except ValueError:  # another drive on Windows
        return Path(path).as_posix()


def _price(value: Any, currency: str) -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    if "." in text and len(text.split(".")[1]) < 2:
        text = f"{Decimal(str(value)):.2f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- a whole run --------------------------------------------------------------------------

def estimates(contexts: list) -> list:
    """Every environment of the loaded roots, in the order Terraform files list them."""
    out = []
    for context in contexts:
        for env in context.environments():
            out.append(estimate(env, context.module.directory))
    return out


def common_assumptions(found: list) -> list:
    """The assumptions shared by every estimate with a figure (printed once), in the first one's order.

    An estimate without any figure makes fewer assumptions; it does not keep the others from
    being shared."""
    priced = [e for e in found if e.floor.known or e.ceiling.known] or found
    if not priced:
        return []
    shared = set(priced[0].assumptions).intersection(*(set(e.assumptions) for e in priced[1:]))
    return [a for a in priced[0].assumptions if a in shared]


def sum_figures(values: list, currency: str = "USD") -> Money:
    """The sum of several figures; unknown when one is, saying what the others add up to."""
    if not values:
        return Money(Decimal(0), Decimal(0))
    known = [v for v in values if v.known]
    added = Money(sum((v.low for v in known), Decimal(0)), sum((v.high for v in known), Decimal(0)))
    if len(known) < len(values):
        missing = len(values) - len(known)
        others = f"; the others add up to {show(added, currency)}" if known else ""
        return Money.unknown(f"{_plural(missing, 'environment has', 'environments have')} no figure{others}")
    return added


def included_assumption(included: dict) -> str:
    """What the price table assumes the environment hour includes, in one sentence."""
    def phrase(row: dict) -> str:
        counts = [_plural(row.get(kind, 0), *NOUNS[kind]) for kind in KINDS]
        return f"{', '.join(counts[:-1])} and {counts[-1]}"

    groups: dict = {}
    for name, row in included.items():
        groups.setdefault(phrase(row), []).append(name)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    text = ordered[0][0] + "".join(f" ({', '.join(names)}: {words})" for words, names in ordered[1:])
    return (f"the environment hour includes {text}, a modelling assumption (the source says only \"the base "
            "scheduler, web server and 1 worker\"); each one more is billed at the class's additional hourly price")


def show_total(values: list, currency: str = "USD") -> str:
    """`$2,361.55`, or `$2,361.55 + 1 unknown` when some figures are unknown."""
    known = [v for v in values if v.known]
    if len(known) == len(values):
        return show(sum_figures(values, currency), currency)
    unknown = f"{len(values) - len(known)} unknown"
    return f"{show(sum_figures(known, currency), currency)} + {unknown}" if known else unknown
