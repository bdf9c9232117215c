"""Catalog.offer and Catalog.price take a term and a billing frequency by member or by value.

A plain string such as ``"P1M"`` used to find nothing (offers were matched by identity), so a
caller passing data straight from JSON or TOML got None, as if the catalog had no such offer.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_catalog import catalogs
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.errors import InvalidPeriod, SubcommerceError
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Term

DAY = date(2025, 3, 1)
CATALOG = Catalog(
    "mine",
    DisplayName("Mine", "Le mien"),
    plans=(
        Plan(
            "basic",
            DisplayName("Basic", "Basique"),
            offers=(
                Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="7.20")),
                Offer(Term.P1Y, BillingFrequency.ANNUAL, Prices.of(USD="6.00")),
            ),
        ),
    ),
)


def test_an_offer_is_found_by_the_values_of_its_term_and_frequency() -> None:
    by_member = CATALOG.offer("basic", Term.P1Y, BillingFrequency.ANNUAL, DAY)
    assert by_member is not None
    assert CATALOG.offer("basic", "P1Y", "annual", DAY) == by_member
    assert CATALOG.offer("basic", "P1Y", BillingFrequency.ANNUAL, DAY) == by_member
    assert CATALOG.offer("basic", Term.P1Y, "annual", DAY) == by_member


def test_a_price_is_found_by_the_values_of_its_term_and_frequency() -> None:
    assert CATALOG.price("basic", "P1M", "monthly", "USD", DAY) == Money.of("7.20", "USD")
    assert CATALOG.price("basic", "P1Y", "annual", "USD", DAY) == Money.of("6.00", "USD")


def test_a_term_and_frequency_the_product_is_not_sold_on_still_finds_nothing() -> None:
    assert CATALOG.offer("basic", "P1Y", "monthly", DAY) is None
    assert CATALOG.price("basic", "P3Y", "once", "USD", DAY) is None


@pytest.mark.parametrize("term", ["P2Y", "p1m", "1 month", "", 12, None, BillingFrequency.MONTHLY])
def test_a_term_that_is_none_of_the_terms_is_refused_and_named(term: object) -> None:
    with pytest.raises(InvalidPeriod, match="unknown term") as raised:
        CATALOG.offer("basic", term, BillingFrequency.MONTHLY, DAY)  # type: ignore[arg-type]
    assert repr(term) in str(raised.value)
    assert isinstance(raised.value, SubcommerceError)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("frequency", ["Monthly", "yearly", 1, None, Term.P1M])
def test_a_frequency_that_is_none_of_the_frequencies_is_refused_and_named(
    frequency: object,
) -> None:
    with pytest.raises(InvalidPeriod, match="unknown billing frequency") as raised:
        CATALOG.price("basic", Term.P1M, frequency, "USD", DAY)  # type: ignore[arg-type]
    assert repr(frequency) in str(raised.value)


@given(catalogs(), st.data())
def test_every_offer_is_the_same_by_member_and_by_value(
    catalog: Catalog, data: st.DataObject
) -> None:
    product = data.draw(st.sampled_from([*catalog.plans, *catalog.addons]))
    term = data.draw(st.sampled_from(Term))
    frequency = data.draw(st.sampled_from(BillingFrequency))
    day = data.draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    by_member = catalog.offer(product.id, term, frequency, day)
    assert catalog.offer(product.id, term.value, frequency.value, day) == by_member
    for code in catalog.currencies:
        assert catalog.price(product.id, term.value, frequency.value, code, day) == catalog.price(
            product.id, term, frequency, code, day
        )
