"""A pickle of a result names only public things of subcommerce.

A pickle stores each class and function it needs by module and name. A tenant carries its
lifecycle memo (a function of one subscription) into its pickle, so a private function there
would tie every stored tenant to a name the package is free to change.
"""

from __future__ import annotations

import io
import pickle
from datetime import date

from subcommerce.billing import PaymentMethod
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import Term
from subcommerce.simulate import Scenario, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant, shop


class _Recording(pickle.Unpickler):
    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.names: set[tuple[str, str]] = set()

    def find_class(self, module: str, name: str) -> object:
        self.names.add((module, name))
        return super().find_class(module, name)


def _names(value: object) -> set[tuple[str, str]]:
    reader = _Recording(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    assert reader.load() == value
    return reader.names


def _private(names: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {
        (module, name)
        for module, name in names
        if module.startswith("subcommerce")
        and (name.startswith("_") or any(part.startswith("_") for part in module.split(".")))
    }


def test_a_timeline_its_tenant_and_a_quote_pickle_under_public_names_only() -> None:
    catalog = shop()
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 1, 10),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (NewSubscription(product_id="basic", quantity=3, term=Term.P1M, subscription_id="s1"),)
        ),
    )
    timeline = simulate(
        Scenario(
            name="pickled",
            start=date(2025, 1, 10),
            tenant=mosa_tenant(),
            currency="USD",
            steps=(buy,),
            until=date(2025, 3, 20),
            catalog=catalog.id,
        ),
        catalog=catalog,
    )
    assert timeline.tenant.due_memo is not None  # the memo travels with the tenant
    change = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 3, 21),
        payment_method=PaymentMethod.CARD,
        cart=Cart((ChangeLicenses(subscription_id="s1", quantity=5),)),
    )
    review = quote(catalog, timeline.tenant, change, ledger=timeline.ledger)
    assert review.ok
    tenant = _names(timeline.tenant)
    assert ("subcommerce.lifecycle", "next_due") in tenant  # the memo's function, by its name
    assert _private(tenant) == set()
    assert _private(_names(timeline)) == set()
    assert _private(_names(review)) == set()
