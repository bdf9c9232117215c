"""What the book hands a renewed subscription's new value equals what working it out afresh gives.

A renewal of an unchanged offer keeps its predecessor's months, billing period, price and whole
amount; its new term's price day is worked out once, when the renewal is posted, and the offer
found last is kept when it still holds on that day (``Book._renewals``, ``_Known.renewal``). The
expected facts here are worked out independently: months from the frequency, the price day by
``add_months`` from the anchor, the price by the public ``period_price`` (the catalog looked up
on that day), the whole amount by ``prorate``. The catalogs drawn change their prices on a drawn
day, so that a renewal after it must not keep the old price.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import played
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import (
    CancelSubscription,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    ChangeTerm,
    ScheduleProductChange,
    SetRecurringBilling,
)
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import Book, _Known, _term_price_day, period_price
from subcommerce.orders import Cart, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Term, add_months, period_containing
from subcommerce.proration import prorate
from subcommerce.simulate import Scenario, Step, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant, tenants
from subcommerce.subscriptions import Subscription, Tenant

PLANS = ("alpha", "beta")


def _catalog(change: date, prices: tuple[int, int, int, int]) -> Catalog:
    """Two plans on P1M and P1Y (billed monthly), whose list prices change on ``change``."""
    plans = []
    for n, plan in enumerate(PLANS):
        before, after = prices[2 * n], prices[2 * n + 1]
        offers = []
        for term in (Term.P1M, Term.P1Y):
            offers.append(
                Offer(
                    term,
                    BillingFrequency.MONTHLY,
                    Prices.of(USD=f"{before}.00"),
                    valid_until=change,
                )
            )
            offers.append(
                Offer(
                    term,
                    BillingFrequency.MONTHLY,
                    Prices.of(USD=f"{after}.00"),
                    valid_from=change,
                )
            )
        offers.append(Offer(Term.P1Y, BillingFrequency.ANNUAL, Prices.of(USD=f"{before}.00")))
        plans.append(Plan(plan, DisplayName(plan, plan), offers=tuple(offers)))
    return Catalog("handoffs", DisplayName("Handoffs", "Handoffs"), plans=tuple(plans))


@st.composite
def renewing(draw: st.DrawFn) -> tuple[Scenario, Catalog]:
    """Subscriptions bought on a drawn day (month to month mostly), then license changes,
    scheduled product changes, term and frequency changes, cancellations, over up to 2 years,
    priced by a catalog whose prices change on a drawn day."""
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    change = start + timedelta(days=draw(st.integers(-40, 500)))
    prices = tuple(draw(st.integers(1, 99)) for _ in range(4))
    catalog = _catalog(change, prices)  # type: ignore[arg-type]
    tenant: Tenant = draw(tenants())
    count = draw(st.integers(1, 3))
    ids = [f"s{n}" for n in range(count)]
    lines = tuple(
        NewSubscription(
            product_id=draw(st.sampled_from(PLANS)),
            quantity=draw(st.integers(1, 30)),
            term=draw(st.sampled_from([Term.P1M, Term.P1M, Term.P1Y])),
            subscription_id=sub_id,
        )
        for sub_id in ids
    )
    steps: list[Step] = [
        PlaceOrder(actor=ADMIN, as_of=start, payment_method=PaymentMethod.CARD, cart=Cart(lines))
    ]
    day = start
    for _ in range(draw(st.integers(0, 6))):
        day += timedelta(days=draw(st.integers(0, 90)))
        sub_id = draw(st.sampled_from(ids))
        kind = draw(st.integers(0, 6))
        if kind <= 1:
            steps.append(
                ChangeLicenseQuantity(
                    actor=ADMIN,
                    as_of=day,
                    subscription_id=sub_id,
                    quantity=draw(st.integers(1, 40)),
                )
            )
        elif kind == 2:
            steps.append(
                ScheduleProductChange(
                    actor=ADMIN,
                    as_of=day,
                    subscription_id=sub_id,
                    product_id=draw(st.sampled_from(PLANS)),
                )
            )
        elif kind == 3:
            steps.append(ChangeTerm(actor=ADMIN, as_of=day, subscription_id=sub_id, term=Term.P1Y))
        elif kind == 4:
            steps.append(
                ChangeBillingFrequency(
                    actor=ADMIN,
                    as_of=day,
                    subscription_id=sub_id,
                    billing_frequency=BillingFrequency.ANNUAL,
                )
            )
        elif kind == 5:
            steps.append(
                SetRecurringBilling(
                    actor=ADMIN,
                    as_of=day,
                    subscription_id=sub_id,
                    recurring_billing=draw(st.booleans()),
                )
            )
        else:
            steps.append(CancelSubscription(actor=ADMIN, as_of=day, subscription_id=sub_id))
    scenario = Scenario(
        name="handoffs",
        start=start,
        tenant=tenant,
        currency="USD",
        steps=tuple(steps),
        until=day + timedelta(days=draw(st.integers(0, 500))),
        catalog="handoffs",
    )
    return scenario, catalog


def _afresh_price_day(sub: Subscription) -> date:
    """The first day of the current term, worked out from the anchor."""
    term_start = add_months(sub.anchor, sub.term.months * sub.renewals)
    return max(term_start, sub.start)


def _check_handed(book: Book, known: _Known) -> None:
    """Every fact ``known`` holds equals the one worked out afresh for its value."""
    sub = known.sub
    months = sub.billing_frequency.months(sub.term)
    assert known.first == _afresh_price_day(sub)
    if known.months is not None:
        assert known.months == months
    if known.period is not None:
        assert known.period == period_containing(sub.anchor, months, known.period.start)
    if known.day is not None:
        assert known.day <= known.first  # the day asked about, for a term not begun yet
        assert known.price == period_price(book.catalog, sub, known.day, book.code)
        if known.offer is not None:
            assert known.offer is book.catalog.offer(
                sub.product_id, sub.term, sub.billing_frequency, known.day
            )
    if known.whole is not None and known.price is known.whole[0]:
        period = period_containing(sub.anchor, months, known.first)
        line = prorate(known.whole[0], sub.quantity, period, start=period.start)
        assert book._whole_money(known, known.whole) == line.amount  # (built when first read)
        assert known.whole[1] == line.amount.minor_units()


def _playing_checked(
    scenario: Scenario, catalog: Catalog, patch: pytest.MonkeyPatch
) -> tuple[str, int]:
    """The run's JSON (or its error), and how many renewed values were checked."""
    handed: list[int] = []
    original = Book._renewals

    def checked(book: Book, tenant: Tenant, events: tuple[object, ...]) -> None:
        # the value each set of facts is of (a renewal in place keeps the set, not its value)
        before = {sub_id: known.sub for sub_id, known in book.facts.latest.items()}
        original(book, tenant, events)  # type: ignore[arg-type]
        for sub_id, known in book.facts.latest.items():
            if before.get(sub_id) is not known.sub:
                _check_handed(book, known)
                handed.append(1)

    patch.setattr(Book, "_renewals", checked)
    try:
        played = to_json(simulate(scenario, catalog=catalog))
    except SubcommerceError as error:  # the same refusal either way
        played = f"{type(error).__name__}: {error}"
    return played, len(handed)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(renewing())
def test_a_renewed_value_is_handed_the_facts_working_them_out_afresh_gives(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    with pytest.MonkeyPatch.context() as patch:
        _playing_checked(scenario, catalog, patch)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(renewing())
def test_a_run_that_hands_renewals_their_facts_writes_what_one_working_them_out_writes(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    handed = played(scenario, catalog)
    with pytest.MonkeyPatch.context() as patch:
        # a renewed value starts from nothing: every fact worked out when it is billed
        patch.setattr(_Known, "renewal", staticmethod(lambda prior, sub, term=None: _Known(sub)))
        patch.setattr(_Known, "renew", staticmethod(lambda known, sub, term: _Known(sub)))
        patch.setattr(_Known, "inherited", staticmethod(lambda prior, sub: _Known(sub)))
        afresh = played(scenario, catalog)
    assert handed == afresh


def _month_to_month(change: date) -> tuple[Scenario, Catalog]:
    """One month-to-month subscription of 3 licenses bought on Jan 31, 2025, until Jul 1; the
    list price goes from 10.00 to 12.00 on ``change``."""
    catalog = _catalog(change, (10, 12, 50, 50))
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 1, 31),
        payment_method=PaymentMethod.CARD,
        cart=Cart((NewSubscription(product_id="alpha", quantity=3, subscription_id="s0"),)),
    )
    scenario = Scenario(
        name="price change",
        start=date(2025, 1, 31),
        tenant=mosa_tenant(),
        currency="USD",
        steps=(buy,),
        until=date(2025, 7, 1),
        catalog="handoffs",
    )
    return scenario, catalog


def _charges(scenario: Scenario, catalog: Catalog) -> list[tuple[str, Decimal]]:
    timeline = simulate(scenario, catalog=catalog)
    return [(e.posted_on.isoformat(), e.amount.amount) for e in timeline.ledger.entries]


def test_the_facts_of_every_renewed_value_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    _, checked = _playing_checked(scenario, catalog, monkeypatch)
    assert checked == 5  # Feb 28 to Jun 30: the check has teeth


def test_a_renewal_after_a_price_change_is_charged_the_new_price() -> None:
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    # Jan 31 (purchase), Feb 28, Mar 31 at 3 x 10.00; the term from Apr 30 renews after the
    # change: 3 x 12.00 on Apr 30, May 31 and Jun 30 (a month-end anchor)
    assert _charges(scenario, catalog) == [
        ("2025-01-31", Decimal("30.00")),
        ("2025-02-28", Decimal("30.00")),
        ("2025-03-31", Decimal("30.00")),
        ("2025-04-30", Decimal("36.00")),
        ("2025-05-31", Decimal("36.00")),
        ("2025-06-30", Decimal("36.00")),
    ]


def test_a_hand_on_that_kept_the_old_price_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def stale(prior: _Known, sub: Subscription, term: object = None) -> _Known:  # no window
        known = _Known.inherited(prior, sub)
        known.first = _term_price_day(sub)
        if known.day is not None:
            known.day = known.first
        return known

    monkeypatch.setattr(_Known, "renewal", staticmethod(stale))
    monkeypatch.setattr(_Known, "renew", staticmethod(stale))  # (a new set: never in place)
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    assert ("2025-04-30", Decimal("30.00")) in _charges(scenario, catalog)


def test_a_renewal_in_place_that_kept_the_old_price_would_be_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renewed: list[date] = []

    def stale(known: _Known, sub: Subscription, term: object) -> _Known:  # no window, in place
        known.sub, known.first = sub, _term_price_day(sub)
        if known.day is not None:
            known.day = known.first
        renewed.append(known.first)
        return known

    monkeypatch.setattr(_Known, "renew", staticmethod(stale))
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    assert ("2025-04-30", Decimal("30.00")) in _charges(scenario, catalog)
    # Feb 28 made the book's own set (the purchase's is handed to its order): then in place
    assert renewed == [date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)]


@given(
    st.integers(0, 1_200),
    st.sampled_from([Term.P1M, Term.P1Y, Term.P3Y]),
    st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    st.integers(0, 40),
)
def test_the_price_day_is_the_current_terms_first_day_worked_out_from_the_anchor(
    renewals: int, term: Term, anchor: date, late: int
) -> None:
    start = anchor + timedelta(days=late)  # bought after the anchor it is counted from
    sub = Subscription("s", "alpha", start, 1, term=term, term_anchor=anchor, renewals=renewals)
    try:
        expected = _afresh_price_day(sub)
    except SubcommerceError:
        return  # the term's own start is past what add_months takes
    # also when the term's end is past it (the current term cannot be worked out)
    assert _term_price_day(sub) == expected
