"""Words at the edge: a reason said in French, money formatted for a locale.

The references are the floor: the same Babel calls (CLDR's date, unit, list and currency
formats) put into a French sentence written by hand, with no catalog lookup, no template choice
and no check of the values. The difference is what the message catalogs cost. The targets are
this module's own (no issue sets one): a reason must cost less to say than a page takes to draw.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency
from babel.units import format_unit

from _harness import Benchmark
from subcommerce import Money, Reason, ReasonCode, default_catalog, format_money
from subcommerce.messages import render

CATALOG = default_catalog()
CLOSED = date(2025, 3, 8)
WINDOW = Reason(ReasonCode.OUTSIDE_CANCELLATION_WINDOW, subscription="s1", window=7, on=CLOSED)
FEMININE = Reason(
    ReasonCode.NO_ELIGIBLE_BASE,
    product="audio-conferencing",
    products=("m365-e3", "m365-e5", "o365-e3"),
)
PRICE = Money.of("1234.56", "EUR")


def said_window() -> object:
    return render(WINDOW, "fr")


def reference_window() -> object:
    window = format_unit(7, "duration-day", length="long", locale="fr")
    day = format_date(CLOSED, "long", locale="fr")
    return (
        f"L'abonnement s1 : le délai d'annulation ({window}) a pris fin le {day} ; "
        "désactivez plutôt la facturation périodique"
    )


def said_feminine() -> object:
    return render(FEMININE, "fr", CATALOG)


def reference_feminine() -> object:
    name = CATALOG.name_of("audio-conferencing", "fr")
    plans = format_list([CATALOG.name_of(p, "fr") for p in FEMININE.products], locale="fr")
    return (
        f"{name} ne peut être achetée sur aucun des plans de ce client ; "
        f"elle est vendue sur {plans}"
    )


def formatted() -> object:
    return format_money(PRICE, "fr")


def reference_formatted() -> object:
    return format_currency(Decimal("1234.56"), "EUR", locale="fr")


def _same(ours: object, reference: object) -> None:
    assert ours == reference, (ours, reference)


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "messages: a refused cancellation said in French (window, date)",
            said_window,
            target_us=40.0,
            reference=reference_window,
            reference_name="the same Babel calls in a hand-written French f-string",
            check=lambda: _same(said_window(), reference_window()),
        ),
        Benchmark(
            "messages: a feminine add-on's availability, catalog names, in French",
            said_feminine,
            target_us=20.0,
            reference=reference_feminine,
            reference_name="catalog names and format_list in a hand-written f-string",
            check=lambda: _same(said_feminine(), reference_feminine()),
        ),
        Benchmark(
            "money: format_money in French",
            formatted,
            target_us=25.0,
            reference=reference_formatted,
            reference_name="babel.numbers.format_currency on the Decimal",
            check=lambda: _same(formatted(), reference_formatted()),
        ),
    ]
