"""A renewal hands the book's facts on to the new value and lets the renewed one go (session 7 of
issue 10): the book keeps the facts of each subscription's latest value, not one set per month of
a month-to-month run, and a run writes what it wrote when every value's facts were kept."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from held_quotes import played
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.events import Renewed
from subcommerce.invoices import Book, _Known
from subcommerce.orders import Cart, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant
from subcommerce.subscriptions import Tenant
from test_book_handoffs import renewing

_ORIGINAL = Book._renewals


_CATALOG = Catalog(
    "handoffs",
    DisplayName("Handoffs", "Handoffs"),
    plans=tuple(
        Plan(
            plan,
            DisplayName(plan, plan),
            offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD=price)),),
        )
        for plan, price in (("alpha", "10.00"), ("beta", "50.00"))
    ),
)


def _month_to_month() -> tuple[Scenario, Catalog]:
    """Two month-to-month subscriptions bought on Jan 31, 2025, played until Jan 1, 2026:
    eleven renewals each (Feb 28 to Dec 31, by hand)."""
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 1, 31),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(product_id="alpha", quantity=3, subscription_id="s0"),
                NewSubscription(product_id="beta", quantity=7, subscription_id="s1"),
            )
        ),
    )
    scenario = Scenario(
        name="month to month",
        start=date(2025, 1, 31),
        tenant=mosa_tenant(),
        currency="USD",
        steps=(buy,),
        until=date(2026, 1, 1),
        catalog="handoffs",
    )
    return scenario, _CATALOG


def test_the_book_keeps_the_facts_of_each_subscriptions_latest_value_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Counter[str]] = []

    def counted(book: Book, tenant: Tenant, events: tuple[object, ...]) -> None:
        _ORIGINAL(book, tenant, events)  # type: ignore[arg-type]
        held = Counter(known.sub.id for known in book.facts.known.values())
        for event in events:
            if isinstance(event, Renewed):
                sub_id = event.subscription_id
                # the one value held is the tenant's own
                assert book.facts.latest[sub_id].sub is tenant.subscription(sub_id)
        seen.append(held)

    monkeypatch.setattr(Book, "_renewals", counted)
    scenario, catalog = _month_to_month()
    timeline = simulate(scenario, catalog=catalog)
    assert sum(isinstance(e, Renewed) for e in timeline.events) == 22  # 11 each, by hand
    assert len(seen) == 11  # one renewal day a month, both subscriptions on it
    # Every renewal day: one value's facts per subscription, however many months went by.
    assert seen == [Counter({"s0": 1, "s1": 1})] * 11


def _keeping_every_value(book: Book, tenant: Tenant, events: tuple[object, ...]) -> None:
    """``Book._renewals`` with the renewed values' facts put back (as before session 7)."""
    before = {key: (known, known.sub) for key, known in book.facts.known.items()}
    _ORIGINAL(book, tenant, events)  # type: ignore[arg-type]
    for key, (known, sub) in before.items():
        # (a set renewed in place is of the new value now: the old value's put back afresh)
        book.facts.known.setdefault(key, known if known.sub is sub else _Known(sub))


def test_a_book_keeping_every_values_facts_holds_one_set_per_month(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The check above has teeth: the old way keeps every month's value.
    held: list[int] = []

    def counted(book: Book, tenant: Tenant, events: tuple[object, ...]) -> None:
        _keeping_every_value(book, tenant, events)
        held.append(sum(known.sub.id == "s0" for known in book.facts.known.values()))

    monkeypatch.setattr(Book, "_renewals", counted)
    scenario, catalog = _month_to_month()
    simulate(scenario, catalog=catalog)
    assert held == list(range(2, 13))  # the purchase's value, then one more each month


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(renewing())
def test_a_run_letting_renewed_values_go_writes_what_one_keeping_them_writes(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    let_go = played(scenario, catalog)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "_renewals", _keeping_every_value)
        kept = played(scenario, catalog)
    assert let_go == kept
