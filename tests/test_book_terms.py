"""A quote's line reads its billing period, price and recurring amount back from the book.

Issue 10.

The book's purchase keeps what it worked out while posting (the subscription value, the day, its
facts, the billing period, the price: ``Book.handed``), and ``Book.terms_of`` hands them to the
order's line when they are of that very value on that day; otherwise it asks, as the line used to
(``period_of``, ``price_of``, ``whole_amount``). The expected quote is the one those three public
look-ups give, asked afresh for every line.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import assert_the_same_without, held, quoted
from strategies_orders import Ids, orders, scenarios
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.events import Renewed
from subcommerce.invoices import Book
from subcommerce.lifecycle import advance
from subcommerce.money import Money
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import Period
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.strategies.orders import ADMIN, PLANS, shop
from subcommerce.subscriptions import Subscription


def _asked(book: Book, sub: Subscription, on: date) -> tuple[Period, Money | None, Money | None]:
    """What a line asked the book before the hand-on: three public look-ups."""
    period = book.period_of(sub, on)
    price = book.price_of(sub, on)
    return period, price, None if price is None else book.whole_amount(sub, price, period)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=4, max_days=90))
def test_a_quote_reading_its_lines_terms_back_is_the_quote_asking_for_them(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    assert_the_same_without(
        lambda patch: patch.setattr(Book, "terms_of", _asked), data, generated, days=40
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=4, max_days=90))
def test_the_terms_read_back_are_those_asked_for_line_by_line(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 40)))
    ids = Ids([s.id for s in timeline.tenant], missing=False)
    order = data.draw(orders(timeline.tenant, on, ids))
    seen: list[tuple[object, object]] = []
    terms_of = Book.terms_of

    def checked(book: Book, sub: Subscription, day: date) -> object:
        got = terms_of(book, sub, day)
        seen.append((got, _asked(book.fork(), sub, day)))
        return got

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "terms_of", checked)
        try:
            quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
        except SubcommerceError:
            return
    for got, expected in seen:
        assert got == expected


def _held() -> tuple[Catalog, Timeline]:
    """Two subscriptions, s0 and s1, bought on Jan 31, 2025 (MOSA), played to Mar 1."""
    return held(PLANS[:2])


def _cart(on: date) -> PlaceOrder:
    return PlaceOrder(
        actor=ADMIN,
        as_of=on,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(product_id=PLANS[0], quantity=3, subscription_id="new"),
                ChangeLicenses(subscription_id="s1", quantity=7),
            )
        ),
    )


def test_a_purchase_line_reads_back_what_its_purchase_posted() -> None:
    catalog, timeline = _held()
    on = date(2025, 3, 10)
    seen: list[bool] = []
    terms_of = Book.terms_of

    def watched(book: Book, sub: Subscription, day: date) -> object:
        handed = book.handed
        seen.append(handed is not None and handed[0] is sub and handed[1] == day)
        return terms_of(book, sub, day)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "terms_of", watched)
        review = quote(catalog, timeline.tenant, _cart(on), ledger=timeline.ledger)
    assert review.ok
    assert seen == [True, False]  # the purchase is read back; the license change asks
    bought, changed = review.lines
    # Bought on Mar 10: its first monthly period is Mar 10 - Apr 10, the whole of it charged.
    assert bought.first_period == Period(date(2025, 3, 10), date(2025, 4, 10))
    assert bought.next_charge_on == date(2025, 4, 10)
    # basic, a month to month term: 6.00 a month, +20 % = 7.20; 3 licenses
    assert bought.unit_price == Money.of("7.20", "USD")
    assert bought.recurring == Money.of("21.60", "USD")
    assert bought.first_charge_total == Money.of("21.60", "USD")
    # s1, bought Jan 31, is billed Feb 28 - Mar 31: 7 licenses a period now.
    assert changed.first_period == Period(date(2025, 2, 28), date(2025, 3, 31))
    # premium: 22.00 +20 % = 26.40 a month; 7 licenses
    assert changed.unit_price == Money.of("26.40", "USD")
    assert changed.recurring == Money.of("184.80", "USD")


def test_a_hand_on_that_ignored_whose_terms_it_holds_would_be_caught() -> None:
    catalog, timeline = _held()
    on = date(2025, 3, 10)
    good = quoted(catalog, timeline, _cart(on))
    terms_of = Book.terms_of

    def careless(book: Book, sub: Subscription, day: date) -> object:
        handed = book.handed
        if handed is not None:  # the last purchase's terms, whoever the line is about
            book.handed = (sub, day, *handed[2:])
        return terms_of(book, sub, day)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "terms_of", careless)
        bad = quoted(catalog, timeline, _cart(on))
    assert bad != good


# -- a quote on a held ledger starts from the facts the simulation found ---------------------------


def _unseeded(book: Book, seeded: object) -> None:
    """A book from a ledger starts from no facts: every price and period is looked up again."""


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=4, max_days=90))
def test_a_quote_starting_from_the_held_facts_is_the_quote_looking_them_up(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    assert_the_same_without(
        lambda patch: patch.setattr(Book, "_seed_facts", _unseeded), data, generated, days=400
    )


def test_a_quote_with_the_simulations_catalog_starts_from_its_facts() -> None:
    catalog, timeline = _held()
    book = Book(catalog, timeline.ledger)
    held = {sub.id: sub for sub in timeline.tenant.subscriptions}
    assert set(book.facts.latest) == set(held)
    for sub_id, known in book.facts.latest.items():
        assert known.sub is held[sub_id]
        assert book.facts.known[id(known.sub)] is known


def test_a_quote_with_another_catalog_looks_its_prices_up_in_that_catalog() -> None:
    _, timeline = _held()
    dearer = shop(prices=(900, 3300, 1000, 20, 300))  # basic 9.00, premium 33.00 a month
    book = Book(dearer, timeline.ledger)
    assert book.facts.latest == {}
    assert book.facts.offers == {}
    # The same catalog rebuilt is another catalog: its facts are looked up again too.
    assert Book(shop(), timeline.ledger).facts.latest == {}
    review = quote(dearer, timeline.tenant, _cart(date(2025, 3, 10)), ledger=timeline.ledger)
    bought, changed = review.lines
    assert bought.unit_price == Money.of("10.80", "USD")  # 9.00 +20 %
    # s1 (premium, month to month) is priced from the catalog the quote is given: 33.00 +20 %
    assert changed.unit_price == Money.of("39.60", "USD")


def test_a_seed_that_ignored_the_catalog_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, timeline = _held()
    dearer = shop(prices=(900, 3300, 1000, 20, 300))
    order = _cart(date(2025, 3, 10))
    right = quoted(dearer, timeline, order)
    seed = Book._seed_facts

    def careless(book: Book, seeded: tuple[object, ...]) -> None:
        held = book.catalog
        book.catalog = seeded[0]()  # type: ignore[operator]  # as if it were the catalog
        seed(book, seeded)  # type: ignore[arg-type]
        book.catalog = held

    monkeypatch.setattr(Book, "_seed_facts", careless)
    assert quoted(dearer, timeline, order) != right
    assert catalog is not dearer  # (the simulation's catalog, alive while its facts are read)


# -- a subscription renewed more than once in one advance -----------------------------------------


def test_a_value_renewed_three_times_in_one_advance_is_handed_its_last_terms_price_day() -> None:
    catalog, timeline = _held()
    book = Book(catalog, timeline.ledger)
    tenant = timeline.tenant
    s0 = tenant.subscription("s0")  # month to month, bought Jan 31, 2025
    book.price_of(s0, s0.current_term.start)  # its facts, as the book found them
    # Three renewals at once (Mar 31, Apr 30, May 31): the events come in order.
    outcome = advance(tenant, date(2025, 6, 1))
    renewed = [e for e in outcome.events if isinstance(e, Renewed) and e.subscription_id == "s0"]
    assert [e.on for e in renewed] == [date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31)]
    book._renewals(outcome.tenant, outcome.events)
    now = outcome.tenant.subscription("s0")
    known = book.facts.latest["s0"]
    assert known.sub is now
    assert known.first == date(2025, 5, 31)  # the last term's first day, not Mar 31's
    assert known.price == Money.of("7.20", "USD")
