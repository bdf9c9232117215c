"""The ledger's charges are the proration of their span, however the ledger reaches them.

The ledger builder takes shortcuts on its hot path (a whole period's amount worked out once per
subscription and price, the next period found from the last one, days on which nothing is due
skipped); these properties hold it to :func:`subcommerce.proration.prorate` under every
convention, including 30-day months.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from strategies_orders import ADMIN, OFFERED, mosa_tenant, shop, starts
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.invoices import EntryCause, Ledger
from subcommerce.money import RoundingMode
from subcommerce.orders import (
    Cart,
    ChangeLicenses,
    NewSubscription,
    PlaceOrder,
    Quote,
    place_order,
    quote,
)
from subcommerce.periods import BillingFrequency, Term, period_containing
from subcommerce.proration import PRESETS, DayCount, LineKind, ProrationConvention, prorate
from subcommerce.subscriptions import Tenant

THIRTY_DAY = tuple(
    ProrationConvention(
        name=f"thirty-{mode.value}-{places}-{per_license}",
        day_count=DayCount.THIRTY,
        mode=mode,
        daily_rate_places=places,
        round_unit_amount=per_license,
    )
    for mode in (RoundingMode.HALF_EVEN, RoundingMode.HALF_UP, RoundingMode.DOWN)
    for places, per_license in ((None, False), (2, False), (None, True))
)
CONVENTIONS = (*PRESETS.values(), *THIRTY_DAY)


def _buy(
    catalog: Catalog,
    on: date,
    quantity: int,
    term: Term,
    frequency: BillingFrequency,
    convention: ProrationConvention,
) -> tuple[Tenant, Ledger]:
    order = PlaceOrder(
        actor=ADMIN,
        as_of=on,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(
                    product_id="basic",
                    quantity=quantity,
                    term=term,
                    billing_frequency=frequency,
                    subscription_id="s1",
                ),
            )
        ),
    )
    review = quote(catalog, mosa_tenant(), order, currency="USD", convention=convention)
    placed = place_order(catalog, mosa_tenant(), review)
    return placed.tenant, placed.ledger


def _check_recurring(review: Quote) -> None:
    for line in review.lines:
        assert line.unit_price is not None
        assert line.first_period is not None
        whole = prorate(
            line.unit_price, line.quantity, line.first_period, convention=review.convention
        )
        assert line.recurring == whole.amount
        assert str(line.recurring) == str(whole.amount)  # the same decimals, not only the value


@given(
    price=st.integers(0, 9_999),
    start=starts(),
    quantity=st.integers(1, 40),
    more=st.integers(1, 20),
    days=st.integers(0, 800),
    pair=st.sampled_from(OFFERED),
    convention=st.sampled_from(CONVENTIONS),
)
@example(
    price=3600,
    start=date(2025, 1, 31),
    quantity=10,
    more=3,
    days=400,
    pair=(Term.P1Y, BillingFrequency.MONTHLY),
    convention=THIRTY_DAY[0],
)
@example(
    price=1,
    start=date(2024, 2, 29),
    quantity=7,
    more=1,
    days=731,
    pair=(Term.P1M, BillingFrequency.MONTHLY),
    convention=PRESETS["pc-legacy-daily-rate-3"],
)
def test_every_charge_the_ledger_posts_is_the_proration_of_its_span_under_every_convention(
    price: int,
    start: date,
    quantity: int,
    more: int,
    days: int,
    pair: tuple[Term, BillingFrequency],
    convention: ProrationConvention,
) -> None:
    catalog = shop("USD", (price, 2200, 1000, 20, 300))
    term, frequency = pair
    tenant, ledger = _buy(catalog, start, quantity, term, frequency, convention)
    later = start + timedelta(days=days)
    change = PlaceOrder(
        actor=ADMIN,
        as_of=later,
        cart=Cart((ChangeLicenses(subscription_id="s1", quantity=quantity + more),)),
    )
    review = quote(catalog, tenant, change, ledger=ledger)
    assert review.ok, review.reasons
    _check_recurring(review)
    after = place_order(catalog, tenant, review, ledger=ledger).ledger
    charges = [e for e in after.entries if e.kind is LineKind.CHARGE]
    assert charges, "the purchase is charged"
    for entry in charges:
        line = entry.line
        expected = prorate(
            line.unit_price,
            line.quantity,
            line.service_period,
            start=line.span.start,
            end=line.span.end,
            convention=convention,
        )
        assert line == expected, entry.explain()
        assert str(line.amount) == str(expected.amount)
        sub = tenant.subscription("s1")
        months = frequency.months(term)
        assert line.service_period == period_containing(sub.anchor, months, entry.posted_on)
    # Every period from the purchase to the change is charged once, none skipped. (Under the
    # new-commerce layout the change charges its remaining days again, beside their refund.)
    periods = [e for e in charges if e.cause is not EntryCause.LICENSE_CHANGE]
    spans = sorted((e.line.span for e in periods), key=lambda p: p.start)
    for first, second in itertools.pairwise(spans):
        assert first.end == second.start
    assert spans[0].start == start
    assert spans[-1].end > later
