"""Price what-ifs: a catalog changed in one call, validated as any other, compared side by side."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from subcommerce import (
    CatalogInvalid,
    InexactAmount,
    InvalidAmount,
    InvalidCommand,
    InvalidPeriod,
    Money,
    UnknownReference,
    compare_variants,
    default_catalog,
)
from subcommerce.catalog import Addon, DisplayName, Offer, Prices
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import simulate
from test_tables import SCENARIO

CATALOG = default_catalog()
STANDARD = "m365-business-standard"
MAY = date(2025, 5, 1)


def first_invoice(catalog) -> Money:  # type: ignore[no-untyped-def]
    return simulate(SCENARIO, date(2025, 6, 1), catalog=catalog).invoices[0].total


def test_a_changed_price_reprices_the_scenario_worked_out_by_hand() -> None:
    cheaper = CATALOG.with_price(
        STANDARD, Money.of("14.00", "USD"), term=Term.P1M, billing_frequency="monthly"
    )
    assert cheaper.price(STANDARD, Term.P1M, BillingFrequency.MONTHLY, "USD", MAY) == Money.of(
        "14.00", "USD"
    )
    # 20 x 14.00 = 280.00, then 5 x 14.00 x 17/31 = 38.387... -> 38.39.
    assert first_invoice(cheaper) == Money.of("318.39", "USD")
    assert first_invoice(CATALOG) == Money.of("341.13", "USD")  # the original is untouched


def test_a_changed_price_leaves_other_offers_and_currencies_alone() -> None:
    changed = CATALOG.with_price(
        STANDARD, Money.of("11.00", "USD"), term="P1Y", billing_frequency="annual", valid_on=MAY
    )
    assert changed.price(STANDARD, "P1Y", "annual", "USD", MAY) == Money.of("11.00", "USD")
    assert changed.price(STANDARD, "P1M", "monthly", "USD", MAY) == Money.of("15.00", "USD")
    later = date(2026, 7, 2)
    assert changed.price(STANDARD, "P1Y", "annual", "USD", later) == CATALOG.price(
        STANDARD, "P1Y", "annual", "USD", later
    )


def test_a_price_in_an_unpriced_currency_makes_it_priced() -> None:
    day = date(2024, 1, 1)  # this offer lists EUR as unpriced
    assert CATALOG.price(STANDARD, "P1Y", "annual", "EUR", day) is None
    changed = CATALOG.with_price(
        STANDARD, Money.of("11.70", "EUR"), term="P1Y", billing_frequency="annual", valid_on=day
    )
    assert changed.price(STANDARD, "P1Y", "annual", "EUR", day) == Money.of("11.70", "EUR")


def test_a_changed_catalog_is_validated_like_any_catalog() -> None:
    with pytest.raises(CatalogInvalid, match="price is negative"):
        CATALOG.with_price(STANDARD, Money.of("-1.00", "USD"))
    with pytest.raises(UnknownReference, match="no product 'nope'"):
        CATALOG.with_price("nope", Money.of("1.00", "USD"))
    with pytest.raises(UnknownReference, match="no such offer"):
        CATALOG.with_price(STANDARD, Money.of("1.00", "USD"), valid_on=date(1990, 1, 1))
    with pytest.raises(InvalidAmount, match="must be Money"):
        CATALOG.with_price(STANDARD, "14.00")  # type: ignore[arg-type]
    with pytest.raises(InvalidPeriod):
        CATALOG.with_price(STANDARD, Money.of("1.00", "USD"), term="P2M")


def test_a_new_offer_that_overlaps_an_existing_one_is_refused() -> None:
    offer = Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="1.00"))
    with pytest.raises(CatalogInvalid, match="overlaps"):
        CATALOG.with_offer(STANDARD, offer)


def test_a_new_offer_for_a_new_term_can_be_bought() -> None:
    addon = CATALOG.addons[-1]
    three_years = Offer(Term.P3Y, BillingFrequency.ANNUAL, Prices.of(USD="9.00", EUR="8.00"))
    changed = CATALOG.with_offer(addon.id, three_years, id="with-p3y")
    assert changed.id == "with-p3y"
    assert changed.price(addon.id, "P3Y", "annual", "USD", MAY) == Money.of("9.00", "USD")
    assert CATALOG.price(addon.id, "P3Y", "annual", "USD", MAY) is None


def test_a_new_product_joins_the_catalog_and_its_matrix() -> None:
    copilot = Addon(
        "copilot",
        DisplayName("Copilot", "Copilot"),
        available_on=(STANDARD,),
        offers=(
            Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="30.00"), unpriced=("EUR",)),
        ),
    )
    changed = CATALOG.with_product(copilot)
    assert changed.matrix().available_on(STANDARD)[-1] == "copilot"
    with pytest.raises(CatalogInvalid, match="names no plan"):
        CATALOG.with_product(attrs.evolve(copilot, available_on=("nope",)))


def test_a_discount_takes_a_percentage_off_every_list_price_rounded_once() -> None:
    off = CATALOG.with_discount(10)
    assert off.price(STANDARD, "P1M", "monthly", "USD", MAY) == Money.of("13.50", "USD")
    # 20 x 13.50 = 270.00, then 5 x 13.50 x 17/31 = 37.016... -> 37.02.
    assert first_invoice(off) == Money.of("307.02", "USD")
    # 13.13 less 15 % is 11.1605: half-even to the cent, 11.16.
    fifteen = CATALOG.with_discount("15", products=[STANDARD], currency="USD")
    assert fifteen.price(STANDARD, "P1Y", "monthly", "USD", MAY) == Money.of("11.16", "USD")
    assert fifteen.price("m365-business-basic", "P1M", "monthly", "USD", MAY) == CATALOG.price(
        "m365-business-basic", "P1M", "monthly", "USD", MAY
    )


def test_a_discount_is_an_exact_percentage_from_0_to_100() -> None:
    with pytest.raises(InexactAmount):
        CATALOG.with_discount(12.5)
    with pytest.raises(InvalidAmount, match="between 0 and 100"):
        CATALOG.with_discount(101)
    with pytest.raises(UnknownReference):
        CATALOG.with_discount(5, products=["nope"])


@given(st.integers(0, 100), st.integers(0, 99_999))
def test_a_discounted_price_is_within_half_a_cent_of_the_exact_one(
    percent: int, cents: int
) -> None:
    price = Money.from_minor_units(cents, "USD")
    changed = CATALOG.with_price(STANDARD, price, term="P1M", billing_frequency="monthly")
    off = changed.with_discount(percent, products=[STANDARD])
    got = off.price(STANDARD, "P1M", "monthly", "USD", MAY)
    assert got is not None
    exact = Decimal(cents) * (100 - percent) / 10_000  # the test's own arithmetic, in dollars
    assert abs(got.amount - exact) <= Decimal("0.005")
    assert got.amount == got.amount.quantize(Decimal("0.01"))


def test_a_catalog_pickles_as_its_data_and_comes_back_equal() -> None:
    changed = CATALOG.with_discount(10)
    back = pickle.loads(pickle.dumps(changed))
    assert back == changed
    assert back.price(STANDARD, "P1M", "monthly", "USD", MAY) == Money.of("13.50", "USD")


def test_a_comparison_is_one_row_per_catalog_and_convention() -> None:
    table = compare_variants(
        SCENARIO,
        date(2025, 6, 1),
        catalogs={"list": CATALOG, "10% off": CATALOG.with_discount(10, id="off")},
        conventions=["exact", "pc-nce"],
    )
    rows = table.rows()
    assert [(r["variant"], r["catalog"], r["first_invoice"]) for r in rows] == [
        ("list / exact", "default", Decimal("341.13")),
        # pc-nce: 20 x 6.77 + 25 x 8.22 = 135.40 + 205.50 (docs/whatif.md).
        ("list / pc-nce", "default", Decimal("340.90")),
        ("10% off / exact", "off", Decimal("307.02")),
        # 13.50 x 14/31 = 6.096... -> 6.09 x 20 = 121.80; 13.50 x 17/31 -> 7.40 x 25 = 185.00.
        ("10% off / pc-nce", "off", Decimal("306.80")),
    ]
    frame = table.to_pandas()
    assert frame.set_index("variant").loc["list / exact", "first_invoice"] == Decimal("341.13")


def test_a_comparison_needs_a_catalog() -> None:
    with pytest.raises(InvalidCommand, match="needs catalogs"):
        compare_variants(SCENARIO, date(2025, 6, 1))
