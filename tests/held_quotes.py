"""What the tests of the engine's shortcuts share (not a test module).

A scenario played and a quote on a held ledger, each written out as text (its JSON, or the
refusal), a held timeline to quote on, and the property the quote tests all state: a quote on a
generated scenario's ledger is the same with one of the book's shortcuts switched off, so the
shortcut gives what working everything out afresh gives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import strategies as st

from strategies_orders import Ids, orders
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.orders import Cart, NewSubscription, PlaceOrder, quote
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant, shop
from subcommerce.subscriptions import Tenant


def held(plans: tuple[str, ...]) -> tuple[Catalog, Timeline]:
    """Subscriptions s0, s1, ... of ``plans`` (5 licenses each) bought in one order on
    Jan 31, 2025 (MOSA), played to Mar 1."""
    catalog = shop()
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 1, 31),
        cart=Cart(
            tuple(
                NewSubscription(product_id=plan, quantity=5, subscription_id=f"s{n}")
                for n, plan in enumerate(plans)
            )
        ),
        payment_method=PaymentMethod.CARD,
    )
    scenario = Scenario(
        name="held",
        start=date(2025, 1, 31),
        tenant=mosa_tenant(),
        currency="USD",
        steps=(buy,),
        until=date(2025, 3, 1),
        catalog="test-shop",
    )
    return catalog, simulate(scenario, catalog=catalog)


def played(scenario: Scenario, catalog: Catalog) -> str:
    """``scenario`` simulated, as JSON, or the refusal's type and words: the same refusal either
    way is the same answer."""
    try:
        return to_json(simulate(scenario, catalog=catalog))
    except SubcommerceError as error:
        return f"{type(error).__name__}: {error}"


def quoted(
    catalog: Catalog, timeline: Timeline, order: PlaceOrder, tenant: Tenant | None = None
) -> str:
    """The quote on ``timeline``'s ledger (for its tenant, or ``tenant``) as JSON, or the
    refusal's type and words: the same refusal either way is the same answer."""
    try:
        return to_json(quote(catalog, tenant or timeline.tenant, order, ledger=timeline.ledger))
    except SubcommerceError as error:
        return f"{type(error).__name__}: {error}"


def assert_the_same_without(
    switch_off: Callable[[pytest.MonkeyPatch], None],
    data: st.DataObject,
    generated: tuple[Scenario, Catalog],
    days: int,
) -> None:
    """A drawn order, up to ``days`` after the generated scenario's end, is quoted alike with
    the book as it is and with ``switch_off`` applied to it."""
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, days)))
    ids = Ids([s.id for s in timeline.tenant], missing=False)
    order = data.draw(orders(timeline.tenant, on, ids))
    as_it_is = quoted(catalog, timeline, order)
    with pytest.MonkeyPatch.context() as patch:
        switch_off(patch)
        afresh = quoted(catalog, timeline, order)
    assert as_it_is == afresh
