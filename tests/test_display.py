"""Notebook display: HTML tables with formatted money, short reprs, the invoices chart."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import matplotlib
import pytest

from subcommerce import MissingExtra, UnknownReference, availability, default_catalog
from subcommerce.display import MAX_HTML_ROWS, table_html
from subcommerce.orders import quote
from subcommerce.simulate import simulate
from subcommerce.tables import Column, Table
from test_tables import SCENARIO, whatif

matplotlib.use("Agg")

CATALOG = default_catalog()
RIGHT = '<td style="text-align: right">'  # numbers and money are right-aligned


def three_years():  # type: ignore[no-untyped-def]
    return simulate(SCENARIO, date(2028, 5, 1), catalog=CATALOG)


def test_a_three_year_timeline_reprs_in_one_short_line() -> None:
    text = repr(three_years())
    assert len(text) < 200
    assert text == (
        "<Timeline 'five more on the 15th' 2025-05-01..2028-05-01: 36 invoices, 1 open, "
        "40 entries, 38 events, 0 refused, net 13841.13 USD>"
    )


def test_a_catalog_reprs_as_its_counts_not_its_contents() -> None:
    text = repr(CATALOG)
    assert text.startswith("<Catalog 'default': ")
    assert f"{len(CATALOG.plans)} plans, {len(CATALOG.addons)} add-ons" in text
    assert len(text) < 200


def test_a_ledger_reprs_as_its_size_and_net() -> None:
    assert repr(whatif().ledger) == "<Ledger USD exact: 7 entries, net 1466.13 USD>"


def test_a_timeline_shows_its_invoices_with_money_formatted() -> None:
    html = whatif()._repr_html_()
    assert html.startswith('<div class="subcommerce">')
    assert f"{RIGHT}341.13 USD</td>" in html
    assert "<b>net</b>: 1466.13 USD" in html
    assert "<th>currency</th>" not in html  # the currency is in every amount


def test_an_invoice_shows_its_lines() -> None:
    html = whatif().invoices[0]._repr_html_()
    assert "Invoice order-1/2025-06-01 (issued)" in html
    assert f"{RIGHT}-300.00 USD</td>" in html
    assert f"{RIGHT}205.65 USD</td>" in html
    assert "<th>group_kind</th>" not in html  # a readable subset; the frame has every column


def test_a_quote_availability_and_matrix_show_as_tables() -> None:
    timeline = simulate(SCENARIO, date(2025, 5, 1), catalog=CATALOG)
    review = quote(CATALOG, timeline.tenant, SCENARIO.steps[1], ledger=timeline.ledger)
    assert "<b>total</b>: 41.13 USD" in review._repr_html_()
    assert "Amounts exclude taxes." in review._repr_html_()
    answer = availability(CATALOG, timeline.tenant, date(2025, 5, 2))
    assert f"of {len(answer)}</li>" in answer._repr_html_()
    matrix_html = CATALOG.matrix()._repr_html_()
    assert matrix_html.count("<tr>") == len(CATALOG.matrix().addons) + 1


def test_a_long_table_shows_its_ends_and_says_how_many_rows_it_leaves_out() -> None:
    table = Table("many", (Column("n", "text"),), [{"n": str(i)} for i in range(100)])
    html = table_html(table)
    assert html.count("<tr><td>") == MAX_HTML_ROWS
    assert f"... {100 - MAX_HTML_ROWS} more rows ..." in html
    assert "<td>0</td>" in html
    assert "<td>99</td>" in html
    assert "<td>50</td>" not in html


def test_a_table_selects_columns_by_name() -> None:
    table = Table("t", (Column("a", "text"), Column("b", "int")), [{"a": "x", "b": 1}])
    assert table.select("b").rows() == [{"b": 1}]
    with pytest.raises(UnknownReference, match="no column 'c'; it has a, b"):
        table.select("c")


def test_html_escapes_what_it_shows() -> None:
    table = Table("t", (Column("name", "text"),), [{"name": "<script>"}])
    assert "&lt;script&gt;" in table._repr_html_()


def test_the_chart_stacks_each_invoice_by_subscription_and_is_never_shown() -> None:
    from matplotlib import pyplot

    timeline = whatif()
    figure = timeline.plot()
    assert pyplot.get_fignums() == []  # built without pyplot: nothing to show
    (ax,) = figure.axes
    bars = ax.patches
    invoices = (*timeline.invoices, *timeline.open_invoices)
    assert len(bars) == len(invoices)  # one subscription: one bar per invoice
    heights = [Decimal(str(round(bar.get_height(), 2))) for bar in bars]
    assert heights == [Decimal("341.13"), Decimal("375.0"), Decimal("375.0"), Decimal("375.0")]
    assert bars[-1].get_alpha() == pytest.approx(0.45)  # the open statement, lighter
    assert ax.get_xticklabels()[0].get_text() == "2025-06-01"


def test_without_matplotlib_the_chart_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtra, match=r"subcommerce\[notebook\]"):
        whatif().plot()
