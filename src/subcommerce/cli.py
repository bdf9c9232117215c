"""The command line: the only code in subcommerce that prints or reads files.

``python -m subcommerce demo`` runs the embedded what-if.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TextIO

from subcommerce._convert import to_data
from subcommerce.errors import SubcommerceError
from subcommerce.money import Money
from subcommerce.periods import Period
from subcommerce.proration import PRESETS, ProratedLine, credit_and_rebill, prorate

__all__ = ["main"]


def _table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Print rows as a plain-text table; the first row is the header; numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = [all(_is_number(row[i]) for row in rows[1:]) for i in range(len(widths))]

    def fmt(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        ]
        return "  ".join(cells).rstrip()

    out.write(fmt(rows[0]) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows[1:]:
        out.write(fmt(row) + "\n")


def _is_number(text: str) -> bool:
    return text.replace("-", "").replace(".", "").replace("/", "").replace(" ", "").isdigit()


def _line_row(line: ProratedLine) -> list[str]:
    return [
        line.kind.value,
        str(line.quantity),
        str(line.unit_price.amount),
        str(line.span),
        f"{line.days}/{line.period_days}",
        _exact(line),
        str(line.amount.amount),
    ]


def _exact(line: ProratedLine) -> str:
    """The exact value to six decimals, truncated, with '...' when it goes on."""
    return line.exact_text()


HEADER = ["line", "qty", "unit price", "span", "days", "exact", "amount"]


def _demo(out: TextIO, as_json: bool) -> int:
    """100 licenses at 36.00 USD a month; 5 more bought on the 15th of a 31-day period."""
    price = Money.of("36.00", "USD")
    period = Period(date(2025, 1, 1), date(2025, 2, 1))
    change = date(2025, 1, 15)
    original = prorate(price, 100, period)
    purchase = prorate(price, 5, period, start=change)
    adjustment = credit_and_rebill(original, change, 105)
    if as_json:
        payload = {
            "original": to_data(original),
            "purchase": to_data(purchase),
            "credit_and_rebill": to_data(adjustment),
            "net": to_data(adjustment.net),
        }
        out.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        return 0
    out.write(
        "What-if: 100 licenses at 36.00 USD a month, billing period "
        f"{period} ({period.days} days);\n5 more bought on {change.isoformat()}. "
        "Amounts in USD, taxes excluded; list prices for a what-if, not a quote.\n\n"
    )
    out.write("The prorated charge for the 5 new licenses (exact, then rounded once):\n")
    _table([HEADER, _line_row(purchase)], out)
    out.write(f"  {purchase.explain()}\n\n")
    out.write("As Microsoft bills the change: credit the period, rebill old and new quantities:\n")
    _table([HEADER, *(_line_row(line) for line in adjustment.lines)], out)
    for line in adjustment.lines:
        out.write(f"  {line.explain()}\n")
    out.write(
        f"\nNet of the change: {adjustment.net}  (= the prorated charge {purchase.amount})\n\n"
    )
    out.write("The same change under each proration convention:\n")
    rows = [["convention", "net", "lines", "source"]]
    for convention in PRESETS.values():
        adj = credit_and_rebill(original, change, 105, convention=convention)
        rows.append(
            [
                convention.name,
                str(adj.net.amount),
                " ".join(str(x.amount.amount) for x in adj.lines),
                convention.source[:60] + ("..." if len(convention.source) > 60 else ""),
            ]
        )
    _table(rows, out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m subcommerce",
        description="Microsoft 365 commerce what-ifs: exact proration, catalogs, invoices.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the embedded what-if and explain every line")
    demo.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    stream = sys.stdout if out is None else out
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(stream, args.json)
    except SubcommerceError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    return 1  # pragma: no cover - argparse refuses unknown commands
