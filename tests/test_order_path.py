"""The cart's order path built from checked parts gives the values the checked path gives.

The orders engine makes each cart line's command with :func:`~subcommerce.commands.prechecked`,
which fills a writable twin of the command's slots and retypes it. The value must be the class's
own in every way a caller can see: equal, the same hash and repr, frozen, picklable and copyable,
of the class itself (never the twin). Expected values come from the checked constructor.
"""

from __future__ import annotations

import copy
import pickle
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import days
from subcommerce.billing import PaymentMethod
from subcommerce.commands import ChangeLicenseQuantity, PurchaseSubscription, prechecked
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Term


def _purchase_fields(quantity: int, on: date, term: Term, price: Money | None) -> dict[str, object]:
    return {
        "actor": "ana",
        "as_of": on,
        "subscription_id": "s9",
        "product_id": "basic",
        "quantity": quantity,
        "term": term,
        "billing_frequency": BillingFrequency.MONTHLY,
        "payment_method": PaymentMethod.CARD,
        "order_id": "order-9",
        "unit_price": price,
    }


@given(
    st.integers(1, 10**6),
    days(max_value=date(2030, 1, 1)),
    st.sampled_from(list(Term)),
    st.none() | st.integers(0, 10**6).map(lambda units: Money.of(Decimal(units).scaleb(-2), "USD")),
)
def test_a_prechecked_purchase_is_the_class_own_value_in_every_way_a_caller_sees(
    quantity: int, on: date, term: Term, price: Money | None
) -> None:
    fields = _purchase_fields(quantity, on, term, price)
    made = prechecked(PurchaseSubscription)(**fields)
    expected = PurchaseSubscription(**fields)  # type: ignore[arg-type]
    assert type(made) is PurchaseSubscription
    assert made == expected
    assert expected == made
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert attrs.asdict(made) == attrs.asdict(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    assert pickle.dumps(made) == pickle.dumps(expected)
    assert copy.copy(made) == expected
    assert copy.deepcopy(made) == expected
    more = quantity + 1
    assert attrs.evolve(made, quantity=more) == attrs.evolve(expected, quantity=more)


def test_a_prechecked_command_stays_frozen() -> None:
    made = prechecked(ChangeLicenseQuantity)(
        actor="ana", as_of=date(2025, 3, 15), subscription_id="s1", quantity=12
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.quantity = 13  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del made.quantity  # type: ignore[misc]
    assert made == ChangeLicenseQuantity(
        actor="ana", as_of=date(2025, 3, 15), subscription_id="s1", quantity=12
    )
    assert made.at_renewal is False  # the class's default, filled in


def test_a_prechecked_command_is_never_its_twin() -> None:
    make = prechecked(ChangeLicenseQuantity)
    made = make(actor="ana", as_of=date(2025, 3, 15), subscription_id="s1", quantity=2)
    assert type(made) is ChangeLicenseQuantity
    assert type(made).__name__ == "ChangeLicenseQuantity"
    assert isinstance(made, ChangeLicenseQuantity)
