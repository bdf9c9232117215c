"""Notebook display: HTML tables, short summaries and the invoices chart.

Jupyter shows a value through its ``_repr_html_``; the values of subcommerce that an analyst looks
at (invoices, timelines, quotes, availability, the matrix, any :class:`~subcommerce.tables.Table`)
render here, from their tables, with money formatted by :func:`money_text`, the one place amounts
become words. Nothing here prints or shows anything: it returns strings and figures.

>>> from subcommerce.money import Money
>>> money_text(Money.of("1466.13", "USD"))
'1466.13 USD'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from subcommerce import tables
from subcommerce._checks import expect
from subcommerce.money import Money
from subcommerce.tables import Table, require

if TYPE_CHECKING:
    from subcommerce.addons import Availability
    from subcommerce.catalog import Matrix
    from subcommerce.invoices import Invoice
    from subcommerce.orders import Quote
    from subcommerce.simulate import Timeline

__all__ = [
    "MAX_HTML_ROWS",
    "availability_html",
    "invoice_html",
    "matrix_html",
    "money_text",
    "plot_timeline",
    "quote_html",
    "summary_html",
    "table_html",
    "timeline_html",
]

#: A table longer than this shows its first and last rows and says how many it leaves out.
MAX_HTML_ROWS: Final = 30


# The columns a notebook shows by default; rows() and to_pandas() keep them all.
_LINE_VIEW: Final = (
    "entry_id", "cause", "kind", "quantity", "unit_price", "span_start", "span_end", "days",
    "period_days", "amount", "currency",
)  # fmt: skip
_INVOICE_VIEW: Final = (
    "invoice_id", "period_start", "period_end", "issued_on", "due_on", "issued", "lines",
    "charges", "credits", "refunds", "total", "currency",
)  # fmt: skip
_QUOTE_VIEW: Final = (
    "subscription_id", "product_id", "ok", "codes", "term", "billing_frequency",
    "quantity_before", "quantity", "unit_price", "first_charge", "recurring", "currency",
    "next_charge_on", "usable_from", "charge_by",
)  # fmt: skip


def money_text(money: Money) -> str:
    """An amount as people read it. The one place to switch to locale formatting."""
    return str(money)


def _cell(value: object, record: Mapping[str, object], kind: str) -> str:
    if value is None:
        return ""
    if kind == "money" and isinstance(value, Decimal):
        code = record.get("currency")
        if isinstance(code, str):
            return money_text(Money.of(value, code))
    if kind == "bool":
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def table_html(table: Table, *, max_rows: int = MAX_HTML_ROWS) -> str:
    """``table`` as an HTML table; money cells with their currency, long tables elided."""
    shown = [c for c in table.columns if not (c.name == "currency" and _has_money(table))]
    head = "".join(f"<th>{html.escape(c.name)}</th>" for c in shown)
    records = list(table.records)
    elided = 0
    if len(records) > max_rows:
        tail = max_rows // 5
        elided = len(records) - max_rows
        records = [*records[: max_rows - tail], *records[-tail:]] if tail else records[:max_rows]
    body = []
    for number, record in enumerate(records):
        if elided and number == max_rows - max_rows // 5:
            body.append(f'<tr><td colspan="{len(shown)}">... {elided} more rows ...</td></tr>')
        cells = "".join(
            f"<td{_RIGHT if c.kind in _NUMBERS else ''}>"
            f"{html.escape(_cell(record.get(c.name), record, c.kind))}</td>"
            for c in shown
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="subcommerce {html.escape(table.name)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


_NUMBERS: Final = frozenset({"money", "int"})
_RIGHT: Final = ' style="text-align: right"'


def _has_money(table: Table) -> bool:
    return any(c.kind == "money" for c in table.columns)


def summary_html(title: str, facts: Iterable[tuple[str, str]], *tables: Table) -> str:
    """A heading, a few facts (name: value) and tables: how a result shows in a notebook."""
    items = "".join(
        f"<li><b>{html.escape(name)}</b>: {html.escape(value)}</li>" for name, value in facts
    )
    return (
        f'<div class="subcommerce"><p><b>{html.escape(title)}</b></p><ul>{items}</ul>'
        + "".join(table_html(t) for t in tables)
        + "</div>"
    )


def invoice_html(invoice: Invoice) -> str:
    """An invoice: its dates and total, then its lines."""
    state = "issued" if invoice.issued else "open statement"
    facts = [
        ("period", str(invoice.period)),
        ("issued on", invoice.issued_on.isoformat()),
        ("due on", invoice.due_on.isoformat()),
        ("total", money_text(invoice.total)),
    ]
    lines = tables.entries_table((invoice,)).select(*_LINE_VIEW)
    return summary_html(f"Invoice {invoice.id} ({state})", facts, lines)


def timeline_html(timeline: Timeline) -> str:
    """A timeline: what it simulated, its net, its invoices, then any refused steps."""
    facts = [
        ("from", timeline.scenario.start.isoformat()),
        ("through", timeline.as_of.isoformat()),
        ("invoices", f"{len(timeline.invoices)} issued, {len(timeline.open_invoices)} open"),
        ("ledger entries", str(len(timeline.ledger.entries))),
        ("net", money_text(timeline.ledger.net)),
    ]
    shown = [tables.timeline_table(timeline, "invoices").select(*_INVOICE_VIEW)]
    if timeline.refused:
        shown.append(tables.timeline_table(timeline, "refusals"))
    return summary_html(f"Timeline {timeline.scenario.name!r}", facts, *shown)


def quote_html(quote: Quote) -> str:
    """A price review: its lines, its total and what it says about taxes."""
    facts = [("total", money_text(quote.total)), ("note", quote.note)]
    if not quote.ok:
        facts.append(("refused", ", ".join(r.code.value for r in quote.reasons)))
    lines = tables.quote_table(quote).select(*_QUOTE_VIEW)
    return summary_html(f"Price review {quote.order_id}", facts, lines)


def availability_html(availability: Availability) -> str:
    """Which add-on can be bought, where it connects, and why not the rest."""
    facts = [
        ("as of", availability.as_of.isoformat()),
        ("available", f"{len(availability.available)} of {len(availability)}"),
    ]
    return summary_html("Add-on availability", facts, tables.availability_table(availability))


def matrix_html(matrix: Matrix) -> str:
    """The add-on x plan matrix, one row per add-on."""
    facts = [("add-ons", str(len(matrix.addons))), ("plans", str(len(matrix.plans)))]
    return summary_html("Add-on x plan matrix", facts, tables.matrix_table(matrix))


def plot_timeline(timeline: Timeline, *, ax: Any = None) -> Any:
    """A bar chart of the invoices over time, stacked by subscription; returns the figure.

    One bar per invoice date; open statements are drawn lighter. The figure is built without
    pyplot, so nothing is shown and no global state changes; ``ax`` draws on an existing
    matplotlib axes instead.
    """
    figure_module, axes_module = require("timeline.plot()", "matplotlib.figure", "matplotlib.axes")
    if ax is not None:
        expect(ax, axes_module.Axes, "ax")
    if ax is None:
        figure = figure_module.Figure(figsize=(8, 4), layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.figure
    # One bar per invoice date (a MOSA account gets one invoice per order on the same day),
    # stacked by subscription; amounts are added exactly, then become bar heights.
    totals: dict[date, dict[str, Decimal]] = {}
    open_days: set[date] = set()
    subscriptions: list[str] = []
    for invoice in (*timeline.invoices, *timeline.open_invoices):
        sums = totals.setdefault(invoice.issued_on, {})
        if not invoice.issued:
            open_days.add(invoice.issued_on)
        for entry in invoice.lines:
            if entry.subscription_id not in subscriptions:
                subscriptions.append(entry.subscription_id)
            sums[entry.subscription_id] = sums.get(entry.subscription_id, Decimal(0)) + (
                entry.amount.amount
            )
    days = sorted(totals)
    labels = [day.isoformat() for day in days]
    positions = list(range(len(days)))
    below = [Decimal(0)] * len(days)
    for subscription in subscriptions:
        heights = [totals[day].get(subscription, Decimal(0)) for day in days]
        # The exact amounts go to matplotlib as they are; it turns them into drawing coordinates.
        bars = ax.bar(positions, heights, bottom=below, label=subscription)
        for patch, day in zip(bars, days, strict=True):
            if day in open_days:
                patch.set_alpha(0.45)
        below = [b + h for b, h in zip(below, heights, strict=True)]
    step = max(1, -(-len(positions) // 12))  # at most a dozen dates under the bars
    ax.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
    ax.set_ylabel(f"invoice total ({timeline.scenario.currency.code})")
    ax.set_title(f"{timeline.scenario.name}: invoices by subscription")
    if subscriptions:
        ax.legend(
            title="subscription", fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0)
        )
    return figure
