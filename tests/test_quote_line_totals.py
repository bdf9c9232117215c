"""A quote line's first-charge total is added up from the book's rows: ``Book.posted_units(start)``
is the sum of the minor units of the entries posted from row ``start`` on (None when one of them
is kept as it is), and ``money.units_total`` makes of it the Money ``sum_in_units`` makes of the
entries' amounts (the last amount itself when it is the sum).

- For any book on a generated ledger, the units are those of the entries' amounts, added up.
- A quote on a generated scenario's ledger is the same Money (value, minor units, and whether it
  is the last entry's amount) with the rows' sum switched off.
- By hand: a held cart's totals, and a change whose rebill is kept as an entry (a row cannot
  hold it), whose total the rows do not know.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import held
from strategies_orders import Ids, orders
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import Book
from subcommerce.money import Money, currency, sum_in_units, units_of, units_total
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant, scenarios

_USD = currency("USD")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(scenarios(), st.booleans())
def test_the_rows_units_are_those_of_the_entries_amounts_added_up(
    generated: tuple[Scenario, Catalog], lazy: bool
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    book = Book(catalog, timeline.ledger, lazy=lazy)
    entries = tuple(book.posted.entries)
    for start in range(len(entries) + 1):
        units = book.posted_units(start)
        if units is not None:
            amounts = [units_of(e.line.amount) for e in entries[start:]]
            assert None not in amounts
            assert units == sum(a for a in amounts if a is not None)


def _totals(quoted: object) -> list[tuple[Money, int | None, bool]]:
    lines = getattr(quoted, "lines", ())
    return [
        (
            line.first_charge_total,
            units_of(line.first_charge_total),
            bool(line.first_charge)
            and line.first_charge_total is line.first_charge[-1].line.amount,
        )
        for line in lines
        if line.first_charge_total is not None
    ]


def _summed_by_entries(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(Book, "posted_units", lambda self, start: None)


def _quoted(catalog: Catalog, timeline: Timeline, order: PlaceOrder) -> object:
    """The quote as JSON with its lines' totals (value, minor units, the last amount or not),
    or the refusal's type and words."""
    try:
        review = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    except SubcommerceError as error:
        return f"{type(error).__name__}: {error}"
    return to_json(review), _totals(review)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(scenarios(), st.data())
def test_a_quote_on_a_held_ledger_totals_the_same_summed_by_entries(
    generated: tuple[Scenario, Catalog], data: st.DataObject
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 60)))
    ids = Ids([s.id for s in timeline.tenant], missing=False)
    order = data.draw(orders(timeline.tenant, on, ids))
    as_it_is = _quoted(catalog, timeline, order)
    with pytest.MonkeyPatch.context() as patch:
        _summed_by_entries(patch)
        assert _quoted(catalog, timeline, order) == as_it_is


def test_a_held_carts_totals_are_the_sum_of_each_lines_entries() -> None:
    catalog, timeline = held(("basic", "premium"))
    order = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 3, 10),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                ChangeLicenses(subscription_id="s0", quantity=8),
                NewSubscription(product_id="basic", quantity=2, subscription_id="new"),
                ChangeLicenses(subscription_id="s1", quantity=7),
            )
        ),
    )
    review = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    # By hand (test_book_posted_since): -36.00 + 11.61 + 39.02 and -132.00 + 42.58 + 125.19;
    # the purchase, 2 x 7.20 for the month from Mar 10, is its one entry's amount itself.
    assert [str(line.first_charge_total) for line in review.lines] == [
        "14.63 USD",
        "14.40 USD",
        "35.77 USD",
    ]
    totals = _totals(review)
    assert [kept for _, _, kept in totals] == [False, True, False]
    with pytest.MonkeyPatch.context() as patch:
        _summed_by_entries(patch)
        assert _totals(quote(catalog, timeline.tenant, order, ledger=timeline.ledger)) == totals


_DEAR = Catalog(
    "dear",
    DisplayName("Dear", "Dear"),
    plans=(
        Plan(
            "alpha",
            DisplayName("alpha", "alpha"),
            # so dear that 9,000,000 licenses for three weeks are more than a row holds (2**63)
            offers=(Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="1000000000000.00")),),
        ),
    ),
)


def test_a_change_whose_rebill_a_row_cannot_hold_is_summed_from_its_entries() -> None:
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 1, 1),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (NewSubscription(product_id="alpha", quantity=10, term=Term.P1Y, subscription_id="s0"),)
        ),
    )
    scenario = Scenario(
        name="dear",
        start=date(2025, 1, 1),
        tenant=mosa_tenant(),
        currency="USD",
        steps=(buy,),
        until=date(2025, 1, 5),
        catalog="dear",
    )
    timeline = simulate(scenario, catalog=_DEAR)
    order = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 1, 10),
        cart=Cart((ChangeLicenses(subscription_id="s0", quantity=9_000_000),)),
    )
    review = quote(_DEAR, timeline.tenant, order, ledger=timeline.ledger)
    (line,) = review.lines
    # By hand, January's 31 days at 10**12 a license a month: the credit of 10 licenses' month,
    # the rebill of 9 days at 10 (90 x 10**12 / 31 = 2,903,225,806,451.61) and of 22 days at
    # 9,000,000 (198 x 10**18 / 31 = 6,387,096,774,193,548,387.10: more cents than a row holds).
    assert [str(e.line.amount) for e in line.first_charge] == [
        "-10000000000000.00 USD",
        "2903225806451.61 USD",
        "6387096774193548387.10 USD",
    ]
    assert str(line.first_charge_total) == "6387089677419354838.71 USD"


def test_a_sum_in_units_is_the_last_amount_when_that_is_the_sum() -> None:
    one = Money.of("14.40", "USD")
    zero = Money.of("0.00", "USD")
    assert sum_in_units([zero, one], _USD) is one
    assert units_total(1440, one, _USD) is one
    two = sum_in_units([one, one], _USD)
    assert two == Money.of("28.80", "USD")
    assert units_total(2880, one, _USD) == two
    assert units_of(units_total(2880, one, _USD)) == 2880
    assert units_total(0, None, _USD) == Money.of("0.00", "USD")
