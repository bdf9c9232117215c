"""The order ids a checkout gives: ``order-<n>``, the numbers worked out as integers.

A checkout's own id is ``order-<n>`` for the first n after the orders already placed (by
default, as many as the orders the tenant's subscriptions came from) that no subscription uses.
Under MOSA every further purchase of the checkout is an order of its own: the lowest number no
subscription and no earlier line of the checkout uses. The engine writes the texts of the first
numbers from a table; the expected ids here come from sets of integers, written out at the end,
on both sides of the table's end.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import ADMIN, mosa_tenant
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import PurchaseSubscription, apply
from subcommerce.orders import Cart, NewSubscription, PlaceOrder, _next_order_id, quote
from subcommerce.periods import BillingFrequency, Term
from subcommerce.subscriptions import Tenant

ON = date(2025, 3, 1)
BASIC = Plan(
    "basic",
    DisplayName("Basic", "Basique"),
    offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="10.00")),),
)
CATALOG = Catalog("ids", DisplayName("Ids", "Ids"), plans=(BASIC,))

#: Numbers on both sides of the engine's table of texts (it holds 0 to 63).
numbers = st.integers(1, 80)


def _checkout(taken: set[int], before: int, purchases: int) -> list[int]:
    """The numbers of a checkout's orders, from the rule: its own (the first free one after the
    ``before`` orders placed), then one per further purchase."""
    number = before + 1
    while number in taken:
        number += 1
    used = [number]
    for _ in range(purchases - 1):
        lowest = 1
        while lowest in taken or lowest in used:
            lowest += 1
        used.append(lowest)
    return used


def _held(numbers: set[int]) -> Tenant:
    """A MOSA tenant with one subscription from each order ``order-<n>``."""
    tenant = mosa_tenant()
    for n in sorted(numbers):
        bought = PurchaseSubscription(
            actor=ADMIN,
            as_of=ON,
            subscription_id=f"held-{n}",
            product_id="basic",
            quantity=1,
            payment_method=PaymentMethod.CARD,
            order_id=f"order-{n}",
        )
        tenant = apply(tenant, bought).tenant
    return tenant


@given(st.sets(numbers, max_size=12), st.none() | st.integers(0, 80))
def test_a_checkout_s_default_id_is_the_first_free_number_after_the_orders_placed(
    taken: set[int], placed: int | None
) -> None:
    texts = {f"order-{n}" for n in taken} | {"order-x", "elsewhere"}  # other ids take no number
    expected = _checkout(taken, len(texts) if placed is None else placed, 1)[0]
    assert _next_order_id(texts, placed) == "order-" + str(expected)


@given(st.sets(numbers, max_size=8), st.integers(1, 5))
def test_each_further_purchase_of_a_mosa_checkout_takes_the_lowest_free_order_number(
    taken: set[int], purchases: int
) -> None:
    lines = tuple(
        NewSubscription(product_id="basic", quantity=1, subscription_id=f"new-{k}")
        for k in range(purchases)
    )
    order = PlaceOrder(actor=ADMIN, as_of=ON, payment_method=PaymentMethod.CARD, cart=Cart(lines))
    review = quote(CATALOG, _held(taken), order, currency="USD")
    assert review.ok, review.reasons
    expected = ["order-" + str(n) for n in _checkout(taken, len(taken), purchases)]
    assert review.order_id == expected[0]
    assert [line.order_id for line in review.lines] == expected


def test_the_numbers_past_the_table_are_written_out() -> None:
    taken = set(range(1, 67))  # order-1 .. order-66: the checkout is order-67
    order = PlaceOrder(
        actor=ADMIN,
        as_of=ON,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            tuple(
                NewSubscription(product_id="basic", quantity=1, subscription_id=f"new-{k}")
                for k in range(2)
            )
        ),
    )
    review = quote(CATALOG, _held(taken), order, currency="USD")
    assert [line.order_id for line in review.lines] == ["order-67", "order-68"]
    assert _next_order_id({"order-63", "order-64"}, 62) == "order-65"
