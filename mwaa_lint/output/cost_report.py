"""`mwaa-lint cost` reports: text for a terminal, JSON for scripts, a Markdown table for a pull
request. Each takes the estimates of `mwaa_lint.cost` and the MWAA504 budget (or None)."""
from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..cost import Count, Estimate, Money, common_assumptions, money, show, show_total, sum_figures
from ..knowledge import table
from ..redact import escape_undecodable
from .text import clean

ROWS = (("workers", "min_workers", "max_workers"), ("schedulers", "schedulers", "schedulers"),
        ("web servers", "min_webservers", "max_webservers"))
MEANING = ("Floor: the environment with min_workers workers, its schedulers and min_webservers web servers, "
           "all month. Ceiling: with max_workers workers and max_webservers web servers, all month.")


def render(found: list, output_format: str, budget: Optional[Decimal] = None) -> str:
    return {"text": render_text, "json": render_json, "markdown": render_markdown}[output_format](found, budget)


# --- text -----------------------------------------------------------------------------------

def render_text(found: list, budget: Optional[Decimal] = None) -> str:
    prices = table("prices")
    currency = prices["currency"]
    shared = common_assumptions(found)
    roots = {e.root.resolve() for e in found}
    out = [f"mwaa-lint cost: {_plural(len(found), 'environment')}, per month "
           f"({prices['hours_per_month']} hours), on-demand prices in {currency}", ""]
    for e in found:
        where = f" (from {_rel(e.root)})" if len(roots) > 1 else ""
        out.append(clean(f"{e.address}{where}  {_rel(e.loc.path)}:{e.loc.line}"))
        out.append(clean(f"  class {e.environment_class or 'unknown'} ({e.class_note}); "
                         f"Region {e.region or 'unknown'} ({e.region_note})"))
        rows = [("", "floor", "ceiling", "")]
        for label, low_name, high_name in ROWS:
            low, high = e.counts[low_name], e.counts[high_name]
            rows.append((label, _count(low), _ceiling_count(e, low_name, high_name), _sources(low, high)))
        rows.append(("per month", _cell(e.floor, currency), _cell(e.ceiling, currency), ""))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for label, floor, ceiling, note in rows:
            line = f"  {label:<{widths[0]}}  {floor:>{widths[1]}}  {ceiling:>{widths[2]}}  {note}"
            out.append(clean(line.rstrip()))
        for name, value in (("floor", e.floor), ("ceiling", e.ceiling)):
            if not value.exact and value.reason:
                out.append(clean(f"  {name}: {show(value, currency)}" if not value.known else f"  {name}: {value.reason}"))
        if budget is not None:
            out.append(f"  budget {money(budget, currency)} (MWAA504): {_verdict(e.ceiling, budget, currency)}")
        out.extend(clean(f"  assumes: {a}") for a in e.assumptions if a not in shared)
        out.append("")
    if len(found) > 1:
        out.append(f"total: floor {show_total([e.floor for e in found], currency)}, "
                   f"ceiling {show_total([e.ceiling for e in found], currency)}")
        out.append("")
    if not found:
        out.extend(["No aws_mwaa_environment found.", ""])
    out.append(MEANING)
    if shared:
        out.append("Assumptions:")
        out.extend(clean(f"  - {a}") for a in shared)
    return "\n".join(out) + "\n"


# --- markdown -------------------------------------------------------------------------------

def render_markdown(found: list, budget: Optional[Decimal] = None) -> str:
    prices = table("prices")
    currency = prices["currency"]
    shared = common_assumptions(found)
    roots = {e.root.resolve() for e in found}
    header = ["Environment", "Class", "Workers", "Schedulers", "Web servers", "Floor / month", "Ceiling / month"]
    if budget is not None:
        header.append(f"Budget {money(budget, currency)}")
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for e in found:
        where = f" in `{_rel(e.root)}`" if len(roots) > 1 else ""
        cells = [
            f"`{e.address}`{where} (`{_rel(e.loc.path)}:{e.loc.line}`)",
            e.environment_class or "unknown",
            *(_span(e, low, high, short=True) for _, low, high in ROWS),
            show(e.floor, currency),
            show(e.ceiling, currency),
        ]
        if budget is not None:
            cells.append(_verdict(e.ceiling, budget, currency))
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    if len(found) > 1:
        cells = ["**Total**", "", "", "", "", show_total([e.floor for e in found], currency),
                 show_total([e.ceiling for e in found], currency)]
        out.append("| " + " | ".join(_md(c) for c in cells + ([""] if budget is not None else [])) + " |")
    out.extend(["", f"Per month ({prices['hours_per_month']} hours), on-demand prices in {currency}. "
                    f"{MEANING}"])
    extra = [f"`{e.address}`: {a}" for e in found
             for a in [*(f"{c.name}: {c.note}" for c in e.counts.values() if c.source == "unknown"),
                       *(a for a in e.assumptions if a not in shared)]]
    if shared or extra:
        out.extend(["", "Assumptions:", *(f"- {_md(a)}" for a in shared + extra)])
    out.extend(["", "<sub>Generated by `mwaa-lint cost`.</sub>"])
    return "\n".join(out) + "\n"


# --- json -----------------------------------------------------------------------------------

def render_json(found: list, budget: Optional[Decimal] = None) -> str:
    prices = table("prices")
    data = {
        "currency": prices["currency"],
        "hours_per_month": prices["hours_per_month"],
        "prices_checked": prices["checked"],
        "budget": _number(budget),
        "environments": [_estimate(e, budget) for e in found],
        "total": {"floor": _money(sum_figures([e.floor for e in found], prices['currency'])),
                  "ceiling": _money(sum_figures([e.ceiling for e in found], prices['currency']))},
        "assumptions": common_assumptions(found),
    }
    return json.dumps(data, indent=2) + "\n"


def _estimate(e: Estimate, budget: Optional[Decimal]) -> dict:
    return {
        "address": e.address,
        "root": _rel(e.root),
        "path": _rel(e.loc.path),
        "line": e.loc.line,
        "environment_class": {"value": e.environment_class, "source": e.class_source, "note": e.class_note},
        "region": {"value": e.region or None, "note": e.region_note},
        "counts": {name: _count_json(c) for name, c in e.counts.items()},
        "floor": _money(e.floor),
        "ceiling": _money(e.ceiling),
        "ceiling_parts": {k: _number(v) for k, v in e.ceiling_parts.items()},
        "over_budget": _over_budget(e.ceiling, budget),
        "assumptions": e.assumptions,
    }


def _over_budget(ceiling: Money, budget: Optional[Decimal]) -> Optional[bool]:
    """Whether the (lowest) ceiling exceeds the budget; None without a budget or a known ceiling."""
    if budget is None or ceiling.low is None or ceiling.high is None:  # not ceiling.known
        return None
    return ceiling.low > budget


def _count_json(c: Count) -> dict:
    out = {"low": c.low, "high": c.high, "source": c.source, "note": c.note}
    if c.loc is not None:
        out.update(path=_rel(c.loc.path), line=c.loc.line)
    return out


def _money(value: Money) -> dict:
    return {"low": _number(value.low), "high": _number(value.high), "exact": value.exact,
            "reason": value.reason or None}


def _number(value: Optional[Decimal]):
    return None if value is None else float(value.quantize(Decimal("0.01")))


# --- shared ---------------------------------------------------------------------------------

def _count(c: Count, short: bool = False) -> str:
    if c.exact:
        return str(c.low)
    if short or (c.low is None and c.high is None):
        return "?"
    return f"{'?' if c.low is None else c.low}..{'?' if c.high is None else c.high}"


def _ceiling_count(e: Estimate, low_name: str, high_name: str, short: bool = False) -> str:
    """What the ceiling counts: the maximum, or the minimum when that is larger (MWAA502)."""
    low, high = e.counts[low_name], e.counts[high_name]
    if low_name == high_name or None in (low.low, low.high, high.low, high.high):
        return _count(high, short)
    return _count(Count(high_name, max(low.low, high.low), max(low.high, high.high), high.source), short)


def _span(e: Estimate, low_name: str, high_name: str, short: bool = False) -> str:
    floor, ceiling = _count(e.counts[low_name], short), _ceiling_count(e, low_name, high_name, short)
    return floor if floor == ceiling else f"{floor} to {ceiling}"


def _sources(low: Count, high: Count) -> str:
    if low.name == high.name:
        return f"{low.name}: {low.note}"
    if low.note == high.note:
        return f"{low.name}, {high.name}: {low.note}"
    return f"{low.name}: {low.note}; {high.name}: {high.note}"


def _cell(value: Money, currency: str) -> str:
    if not value.known:
        return "unknown"
    return show(value, currency)


def _verdict(ceiling: Money, budget: Decimal, currency: str) -> str:
    low, high = ceiling.low, ceiling.high
    if low is None or high is None:  # not ceiling.known
        return "unknown"
    if low > budget:
        return f"ceiling exceeds it by {money(low - budget, currency)}" + ("" if ceiling.exact else " or more")
    if high > budget:
        return "the ceiling may exceed it"
    return "within"


def _md(text: str) -> str:
    return clean(str(text)).replace("|", "\\|")


def _rel(path: Path) -> str:
    try:
        return escape_undecodable(Path(os.path.relpath(Path(path).resolve(), Path.cwd().resolve())).as_posix())
    except ValueError:
        return Path(path).as_posix()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
