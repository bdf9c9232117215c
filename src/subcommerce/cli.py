"""The command line: the only code in subcommerce that prints or reads files.

``python -m subcommerce demo`` runs the embedded scenario (a small business buying licenses
mid-period and an add-on, one request refused) and prints its invoices; ``demo --proration``
prints the proration what-if (5 licenses bought on the 15th, explained line by line).
``python -m subcommerce simulate FILE`` runs a scenario of your own (TOML or JSON, see
docs/scenarios.md). ``python -m subcommerce catalog`` prints which add-on can be bought on which
plan (``--lang fr``, ``--json``). ``--json`` output is byte-identical for the same input.
``python -m subcommerce schema KIND`` prints the JSON Schema of a kind of document (docs/wire.md).
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
from subcommerce._scenario import demo_scenario, parse_scenario, scenario_catalog
from subcommerce._schema import SCHEMA_KINDS, schema
from subcommerce.addons import explain
from subcommerce.catalog import Catalog, MatrixCell
from subcommerce.commands import ChangeLicenseQuantity
from subcommerce.errors import InvalidDate, SubcommerceError, UnknownReference
from subcommerce.invoices import TAX_NOTE, Invoice, LedgerEntry
from subcommerce.money import Money
from subcommerce.orders import AddAddon, ChangeLicenses, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Period
from subcommerce.proration import PRESETS, ProratedLine, credit_and_rebill, prorate
from subcommerce.simulate import Scenario, Step, Timeline, simulate

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


def _proration_demo(out: TextIO, as_json: bool) -> int:
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


# -- scenarios ------------------------------------------------------------------------------------


def _scenario_from_file(path: str) -> Scenario:
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError as error:
        raise UnknownReference(f"cannot read the scenario file {path}: {error}") from None
    return parse_scenario(text, "json" if path.endswith(".json") else "toml")


def _until(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(f"--until {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _run_scenario(scenario: Scenario, until: str | None, out: TextIO, as_json: bool) -> int:
    catalog = scenario_catalog(scenario.catalog)
    timeline = simulate(scenario, _until(until), catalog=catalog)
    if as_json:
        payload = {"timeline": to_data(timeline)}
        out.write(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return 0
    _timeline_text(timeline, catalog, out)
    return 0


_BILLED = {
    BillingFrequency.MONTHLY: "monthly",
    BillingFrequency.ANNUAL: "annually",
    BillingFrequency.ONCE: "once for the term",
}


def _step_text(step: Step, catalog: Catalog) -> str:
    if isinstance(step, PlaceOrder):
        parts = []
        for line in step.cart.lines:
            if isinstance(line, NewSubscription):
                parts.append(
                    f"buy {line.quantity} x {catalog.name_of(line.product_id)} "
                    f"({line.term.value}, billed {_BILLED[line.billing_frequency]})"
                )
            elif isinstance(line, AddAddon):
                base = f" from {line.base_subscription_id}" if line.base_subscription_id else ""
                parts.append(
                    f"add {line.quantity} x {catalog.name_of(line.addon_id)} "
                    f"({line.term.value}, billed {_BILLED[line.billing_frequency]}){base}"
                )
            elif isinstance(line, ChangeLicenses):
                parts.append(f"{line.subscription_id}: total of {line.quantity} licenses")
        return "order: " + "; ".join(parts)
    name = "".join(f" {c.lower()}" if c.isupper() else c for c in type(step).__name__).strip()
    if isinstance(step, ChangeLicenseQuantity):
        return f"{name}: {step.subscription_id} to a total of {step.quantity} licenses"
    target = getattr(step, "subscription_id", None)
    return f"{name}: {target}" if target else name


def _amount(money: Money | None) -> str:
    return "-" if money is None else str(money.amount)


def _day(day: date | None) -> str:
    return "-" if day is None else day.isoformat()


def _entry_row(entry: LedgerEntry) -> list[str]:
    line = entry.line
    return [
        entry.id,
        f"{entry.cause.value.replace('_', ' ')} {line.kind.value}",
        str(line.quantity),
        str(line.unit_price.amount),
        str(line.span),
        f"{line.days}/{line.period_days}",
        str(line.amount.amount),
    ]


_INVOICE_HEADER = ["entry", "line", "qty", "unit price", "service", "days", "amount"]


def _invoice_text(invoice: Invoice, out: TextIO) -> None:
    group = "order" if invoice.group.kind == "order" else "billing profile"
    state = "Invoice" if invoice.issued else "Open statement"
    out.write(
        f"{state} {invoice.id}: {invoice.account_type.name} {group} {invoice.group.id}, "
        f"billing period {invoice.period}\n"
    )
    method = invoice.payment_method.value if invoice.payment_method else "none on file"
    dated = "dated" if invoice.issued else "to be dated"
    out.write(
        f"{dated} {invoice.issued_on.isoformat()}, due {invoice.due_on.isoformat()}, "
        f"payment method: {method}\n"
    )
    _table([_INVOICE_HEADER, *(_entry_row(e) for e in invoice.lines)], out)
    out.write(f"total {invoice.total}\n\n")


def _timeline_text(timeline: Timeline, catalog: Catalog, out: TextIO) -> None:
    scenario = timeline.scenario
    account = timeline.tenant.account
    kind = f"{account.type.name} billing account {account.id}" if account else "no billing account"
    out.write(
        f"What-if {scenario.name!r}: {scenario.description}\n"
        if scenario.description
        else f"What-if {scenario.name!r}\n"
    )
    out.write(
        f"{timeline.tenant.organization}, {kind}; catalog {catalog.id}; "
        f"{scenario.start.isoformat()} to {timeline.as_of.isoformat()}.\n"
        f"Amounts in {scenario.currency.code}. {TAX_NOTE} "
        "List prices for a what-if, never a quote from Microsoft.\n"
        "Periods are [start..end): the end day is the next period's first.\n\n"
    )
    refused = {r.index: r for r in timeline.refused}
    rows = [["date", "step", "outcome"]]
    for index, step in enumerate(scenario.steps[: timeline.next_step]):
        outcome = "refused" if index in refused else "done"
        rows.append([step.as_of.isoformat(), _step_text(step, catalog), outcome])
    out.write("Steps\n")
    _table(rows, out)
    if timeline.refused:
        out.write("\nRefused, and why (nothing changed):\n")
        for refusal in timeline.refused:
            messages = (
                [explain(r, catalog) for r in refusal.reasons]
                if refusal.reasons
                else [refusal.error]
            )
            for message in messages:
                out.write(f"  {refusal.on.isoformat()}  step {refusal.index + 1}: {message}\n")
    if timeline.orders:
        out.write("\nPrice reviews of the orders placed (first charge prorated to the day):\n")
        reviews = [
            ["order", "subscription", "licenses", "first charge", "then per period", "term ends",
             "on invoice", "charged by", "usable from"]
        ]  # fmt: skip
        for review in timeline.orders:
            for line in review.lines:
                reviews.append(
                    [
                        review.order_id,
                        line.subscription_id,
                        f"{line.quantity_before}->{line.quantity}"
                        if line.quantity_before
                        else str(line.quantity),
                        _amount(line.first_charge_total),
                        _amount(line.recurring),
                        _day(line.term_end),
                        _day(line.statement_date),
                        _day(line.charge_by),
                        _day(line.usable_from) if line.usable_from else "after credit check",
                    ]
                )
        _table(reviews, out)
    out.write("\nSubscriptions\n")
    subs = [["id", "product", "licenses", "assigned", "status", "term", "billed", "ends"]]
    for sub in timeline.tenant.subscriptions:
        subs.append(
            [
                sub.id,
                catalog.name_of(sub.product_id),
                str(sub.quantity),
                str(sub.assigned),
                sub.status.value,
                sub.term.value,
                _BILLED[sub.billing_frequency],
                sub.current_term.end.isoformat(),
            ]
        )
    _table(subs, out)
    out.write("\n")
    for invoice in timeline.invoices:
        _invoice_text(invoice, out)
    if timeline.open_invoices:
        out.write(f"Statements still open on {timeline.as_of.isoformat()} (so far):\n\n")
        for invoice in timeline.open_invoices:
            _invoice_text(invoice, out)
    ledger = timeline.ledger
    out.write(
        f"Ledger: charges {ledger.charges}, credits {ledger.credits}, refunds {ledger.refunds}; "
        f"net {ledger.net}, what the invoices and open statements above add up to.\n"
    )
    if ledger.unpriced:
        out.write(f"Not priced in {ledger.currency.code}: {', '.join(ledger.unpriced)}\n")
    if timeline.ledger.entries:
        out.write("\nEvery line explained:\n")
        for entry in timeline.ledger.entries:
            out.write(f"  {entry.explain()}\n")


def _demo(out: TextIO, as_json: bool, proration: bool) -> int:
    if proration:
        return _proration_demo(out, as_json)
    return _run_scenario(demo_scenario(), None, out, as_json)


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
            with open(path, "rb") as handle:
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
    demo = sub.add_parser(
        "demo", help="run the embedded scenario: a small business's orders and invoices"
    )
    demo.add_argument("--json", action="store_true", help="machine-readable output")
    demo.add_argument(
        "--proration",
        action="store_true",
        help="the proration what-if instead: 5 licenses bought on the 15th, line by line",
    )
    simulate_ = sub.add_parser(
        "simulate", help="simulate a scenario file (TOML or JSON) and print its invoices"
    )
    simulate_.add_argument("file", help="the scenario (.toml, or .json); see docs/scenarios.md")
    simulate_.add_argument("--until", default=None, help="simulate to this day (YYYY-MM-DD)")
    simulate_.add_argument("--json", action="store_true", help="machine-readable output")
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
    schema_ = sub.add_parser("schema", help="print the JSON Schema of a kind of document")
    schema_.add_argument("kind", choices=tuple(SCHEMA_KINDS), help="the kind of document")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    stream = sys.stdout if out is None else out
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(stream, args.json, args.proration)
        if args.command == "simulate":
            return _run_scenario(_scenario_from_file(args.file), args.until, stream, args.json)
        if args.command == "catalog":
            return _catalog(stream, args.lang, args.json, args.catalog_name, args.file)
        if args.command == "schema":
            stream.write(json.dumps(schema(args.kind), indent=2, ensure_ascii=False) + "\n")
            return 0
    except SubcommerceError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        return 0
    return 1  # pragma: no cover - argparse refuses unknown commands
