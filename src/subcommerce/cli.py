"""The command line: the only code in subcommerce that prints or reads files.

``python -m subcommerce demo`` runs the embedded what-if; ``python -m subcommerce catalog`` prints
which add-on can be bought on which plan (``--lang fr``, ``--json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TextIO

from subcommerce._builtin import BUILTIN_CATALOGS, builtin_catalog, default_catalog, parse_catalog
from subcommerce._convert import dump_catalog, to_data
from subcommerce.catalog import Catalog, MatrixCell
from subcommerce.errors import SubcommerceError, UnknownReference
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


_CATALOG_TEXT = {
    "en": {
        "title": "Which add-on can be bought on which plan",
        "legend": "x: can be bought on the plan; i: included in the plan; .: no",
        "addon": "add-on",
        "plans": "Plans:",
        "source": "Source",
        "prices": "List prices for what-ifs, never a quote: see --json or the catalog file.",
    },
    "fr": {
        "title": "Quel module complémentaire peut être acheté sur quel plan",
        "legend": "x : peut être acheté sur le plan ; i : inclus dans le plan ; . : non",
        "addon": "module complémentaire",
        "plans": "Plans :",
        "source": "Source",
        "prices": "Prix catalogue pour des simulations, jamais un devis : voir --json ou "
        "le fichier du catalogue.",
    },
}
_MARKS = {MatrixCell.AVAILABLE: "x", MatrixCell.INCLUDED: "i", MatrixCell.NONE: "."}


def _catalogs(name: str | None, path: str | None) -> list[Catalog]:
    if path is not None:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            raise UnknownReference(f"cannot read the catalog file {path}: {error}") from None
        return [parse_catalog(text, "json" if path.endswith(".json") else "toml")]
    if name is None:
        return [builtin_catalog(n) for n in BUILTIN_CATALOGS]
    if name == "default":
        return [default_catalog()]
    return [builtin_catalog(name)]


def _catalog(out: TextIO, lang: str, as_json: bool, name: str | None, path: str | None) -> int:
    """Print the add-on x plan matrix of each catalog, as tables or as JSON."""
    catalogs = _catalogs(name, path)
    if as_json:
        payload = {"catalogs": [_catalog_json(c, lang) for c in catalogs]}
        out.write(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return 0
    text = _CATALOG_TEXT[lang]
    for number, catalog in enumerate(catalogs):
        if number:
            out.write("\n")
        matrix = catalog.matrix()
        title = catalog.name.get(lang)
        out.write(f"{title}\n{'=' * len(title)}\n{text['title']} ({text['legend']})\n\n")
        codes = [f"P{i + 1}" for i in range(len(matrix.plans))]
        rows = [[text["addon"], *codes]]
        for addon_id, cells in zip(matrix.addons, matrix.cells, strict=True):
            rows.append([catalog.name_of(addon_id, lang), *(_MARKS[c] for c in cells)])
        _table(rows, out)
        out.write(f"\n{text['plans']}\n")
        width = max(len(c) for c in codes)
        for code, plan_id in zip(codes, matrix.plans, strict=True):
            out.write(f"  {code.ljust(width)}  {catalog.name_of(plan_id, lang)}\n")
        out.write(f"\n{text['source']}: {catalog.source}\n{text['prices']}\n")
    return 0


def _catalog_json(catalog: Catalog, lang: str) -> dict[str, object]:
    matrix = catalog.matrix()
    return {
        "id": catalog.id,
        "name": catalog.name.get(lang),
        "plans": [{"id": p, "name": catalog.name_of(p, lang)} for p in matrix.plans],
        "addons": [
            {
                "id": addon_id,
                "name": catalog.name_of(addon_id, lang),
                "available_on": [
                    p for p, c in zip(matrix.plans, cells, strict=True) if c is MatrixCell.AVAILABLE
                ],
                "included_in": [
                    p for p, c in zip(matrix.plans, cells, strict=True) if c is MatrixCell.INCLUDED
                ],
            }
            for addon_id, cells in zip(matrix.addons, matrix.cells, strict=True)
        ],
        "data": dump_catalog(catalog),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m subcommerce",
        description="Microsoft 365 commerce what-ifs: exact proration, catalogs, invoices.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the embedded what-if and explain every line")
    demo.add_argument("--json", action="store_true", help="machine-readable output")
    catalog = sub.add_parser(
        "catalog", help="print which add-on can be bought on which plan (the default catalog)"
    )
    catalog.add_argument("--lang", choices=("en", "fr"), default="en", help="display language")
    catalog.add_argument("--json", action="store_true", help="machine-readable output")
    catalog.add_argument(
        "--catalog",
        dest="catalog_name",
        default=None,
        help="one embedded catalog: " + ", ".join(BUILTIN_CATALOGS) + " (default: all)",
    )
    catalog.add_argument("--file", default=None, help="a catalog of your own (.toml or .json)")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    stream = sys.stdout if out is None else out
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(stream, args.json)
        if args.command == "catalog":
            return _catalog(stream, args.lang, args.json, args.catalog_name, args.file)
    except SubcommerceError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        return 0
    return 1  # pragma: no cover - argparse refuses unknown commands
