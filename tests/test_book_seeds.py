"""A book going on from a held ledger starts from what the book that froze it found (issue 10).

A timeline's ledger keeps the first starts of its tenant's invoice groups and the statement each
MOSA anchor found last (``Book.freeze(tenant)``); a quote on that ledger seeds its fresh book
with them, and works each line's first starts out from the tenant seen before it (one
subscription added or replaced) instead of walking the tenant again. The expected quote comes
from the same engine with both switched off: every anchor and statement worked out afresh.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import held, quoted
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import Book, _WorkRows
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.strategies import scenarios
from subcommerce.strategies.orders import ADMIN, PLANS, shop
from subcommerce.subscriptions import Tenant


def _unseeded(patch: pytest.MonkeyPatch) -> None:
    """A book from a ledger seeds nothing, and walks the tenant for every new tenant value."""
    patch.setattr(_WorkRows, "source_seeds", lambda self: None)
    patch.setattr(Book, "_first_starts", _walked)


def _walked(book: Book, tenant: Tenant) -> dict[tuple[str, str], date]:
    """``Book._first_starts`` without the tenant seen last: every tenant value walked."""
    return book._walked_starts(tenant)


@st.composite
def carts(draw: st.DrawFn, timeline: Timeline) -> PlaceOrder:
    """Purchases of the shop's plans and license changes of the tenant's subscriptions."""
    held = [sub.id for sub in timeline.tenant.subscriptions]
    lines: list[NewSubscription | ChangeLicenses] = []
    for n in range(draw(st.integers(1, 6))):
        if held and draw(st.booleans()):
            sub_id = draw(st.sampled_from(held))
            lines.append(ChangeLicenses(subscription_id=sub_id, quantity=draw(st.integers(1, 50))))
        else:
            lines.append(
                NewSubscription(
                    product_id=draw(st.sampled_from(PLANS)),
                    quantity=draw(st.integers(1, 20)),
                    term=draw(st.sampled_from([Term.P1M, Term.P1Y])),
                    subscription_id=f"quoted-{n}",
                )
            )
    on = timeline.as_of + timedelta(days=draw(st.integers(0, 60)))
    method = draw(st.sampled_from([PaymentMethod.CARD, None]))
    return PlaceOrder(actor=ADMIN, as_of=on, payment_method=method, cart=Cart(tuple(lines)))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_a_quote_on_a_held_ledger_is_the_same_seeded_or_worked_out_afresh(
    drawn: tuple[Scenario, Catalog], data: st.DataObject
) -> None:
    scenario, catalog = drawn
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    order = data.draw(carts(timeline))
    seeded = quoted(catalog, timeline, order)
    with pytest.MonkeyPatch.context() as patch:
        _unseeded(patch)
        afresh = quoted(catalog, timeline, order)
    assert seeded == afresh


def _held() -> tuple[Catalog, Timeline]:
    """Three subscriptions bought in one order on Jan 31, 2025 (MOSA), played to Mar 1."""
    return held((*PLANS, PLANS[0]))


def test_a_timeline_keeps_the_first_starts_of_the_tenant_it_ends_with() -> None:
    _, timeline = _held()
    assert timeline.refused == ()
    book = Book(shop(), timeline.ledger)
    seeds = book.posted.rows.source_seeds()
    assert seeds is not None
    (subs, profiles, starts), statements, _ = seeds
    assert subs is timeline.tenant.subscriptions
    assert profiles is False
    # one order: one group, whose statements are counted from its first day
    assert set(starts.values()) == {date(2025, 1, 31)}
    assert statements[date(2025, 1, 31)].start == date(2025, 2, 28)


def test_a_quote_on_a_held_ledger_walks_no_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, timeline = _held()
    order = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 3, 15),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(product_id=PLANS[1], quantity=2, subscription_id="new"),
                ChangeLicenses(subscription_id="s0", quantity=7),
                ChangeLicenses(subscription_id="s1", quantity=3),
                NewSubscription(
                    product_id=PLANS[0],
                    quantity=1,
                    subscription_id="newer",
                    term=Term.P1Y,
                    billing_frequency=BillingFrequency.MONTHLY,
                ),
            )
        ),
    )
    walks: list[int] = []
    walk = Book._walked_starts

    def counted(book: Book, tenant: Tenant) -> dict[tuple[str, str], date]:
        walks.append(len(tenant.subscriptions))
        return walk(book, tenant)

    monkeypatch.setattr(Book, "_walked_starts", counted)
    seeded = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    assert walks == []
    assert all(line.reasons == () for line in seeded.lines)
    monkeypatch.undo()
    with pytest.MonkeyPatch.context() as patch:
        _unseeded(patch)
        patch.setattr(Book, "_walked_starts", counted)
        afresh = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    assert walks  # worked out afresh, the tenant is walked: the count has teeth
    assert to_json(afresh) == to_json(seeded)
