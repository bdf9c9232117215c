"""Quote lines and subscriptions built from their slots are the values their constructors build.

The order engine fills a writable twin of QuoteLine's slots (``QuoteLineSlots``) and retypes it;
the commands and the lifecycle build subscriptions the same way (``SubscriptionSlots``, through
``rebuilt``, ``rebuilder`` and ``maker``). These tests hold that the result is the
public type itself: frozen, equal (with the same hash and repr) to the value of the checked
constructor from the same fields, and that it copies, pickles, evolves and weak-refs like one
(``tests/test_prechecked_values.py`` holds the builders' values against ``evolve`` and the class).
"""

from __future__ import annotations

import copy
import pickle
import weakref
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import subscriptions, tenants
from strategies_orders import Ids, orders, scenarios
from subcommerce import events
from subcommerce.catalog import Catalog
from subcommerce.lifecycle import Outcome, outcome
from subcommerce.orders import QuoteLine, QuoteLineSlots, quote
from subcommerce.simulate import Scenario, simulate
from subcommerce.subscriptions import (
    InvoiceGroup,
    LicenseBlock,
    Subscription,
    SubscriptionSlots,
    Tenant,
    TenantSlots,
    dated,
    maker,
    rebuilder,
)


def _same_value(line: QuoteLine) -> None:
    assert type(line) is QuoteLine
    fields = {a.name: getattr(line, a.name) for a in attrs.fields(QuoteLine)}
    checked = QuoteLine(**fields)
    assert line == checked
    assert checked == line
    assert hash(line) == hash(checked)
    assert repr(line) == repr(checked)
    assert copy.copy(line) == checked
    assert copy.deepcopy(line) == checked
    assert pickle.loads(pickle.dumps(line)) == checked
    assert attrs.evolve(line, index=line.index) == checked
    assert weakref.ref(line)() is line
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.quantity = 1  # type: ignore[misc]


@given(st.data(), scenarios(max_steps=3, max_days=40))
def test_every_priced_line_of_a_quote_is_the_line_the_constructor_builds(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 40)))
    ids = Ids([s.id for s in timeline.tenant], missing=False, refer_to_new=False)
    cart = data.draw(orders(timeline.tenant, on, ids))
    review = quote(catalog, timeline.tenant, cart, ledger=timeline.ledger)
    for line in review.lines:
        _same_value(line)


def test_a_quote_line_adds_no_slot_of_its_own_to_its_twin() -> None:
    assert QuoteLine.__slots__ == ()  # attrs reused the twin's slots: the same layout
    assert set(QuoteLineSlots.__slots__) == {a.name for a in attrs.fields(QuoteLine)} | {
        "__weakref__"
    }


def test_a_subscription_adds_no_slot_of_its_own_to_its_twin() -> None:
    assert Subscription.__slots__ == ()
    assert set(SubscriptionSlots.__slots__) == {a.name for a in attrs.fields(Subscription)} | {
        "anchor",
        "current_term",
        "__weakref__",
    }


def _same_subscription(made: Subscription, expected: Subscription) -> None:
    assert type(made) is Subscription
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert made.current_term == expected.current_term
    assert copy.copy(made) == expected
    assert copy.deepcopy(made) == expected
    assert pickle.loads(pickle.dumps(made)) == expected
    assert weakref.ref(made)() is made
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.quantity = 1  # type: ignore[misc]


@given(subscriptions("s1"), st.integers(1, 500), st.booleans())
def test_a_subscription_rebuilt_from_its_twin_is_frozen_and_the_value_evolve_builds(
    sub: Subscription, quantity: int, term_known: bool
) -> None:
    if term_known:
        _ = sub.current_term
    block = (LicenseBlock(quantity, sub.start),)
    made = rebuilder("quantity", "blocks", "assigned")(sub, quantity, block, 0)
    _same_subscription(made, attrs.evolve(sub, quantity=quantity, blocks=block, assigned=0))


@given(subscriptions("s1"))
def test_a_subscription_made_from_its_twin_is_frozen_and_the_value_the_class_builds(
    sub: Subscription,
) -> None:
    names = ("id", "product_id", "start", "quantity", "term", "blocks", "payment_method")
    values = tuple(getattr(sub, name) for name in names)
    expected = Subscription(**dict(zip(names, values, strict=True)))  # type: ignore[arg-type]
    _same_subscription(maker(*names)(*values), expected)


def _same_event(made: object, expected: object) -> None:
    assert type(made) is type(expected)
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert copy.deepcopy(made) == expected
    assert pickle.loads(pickle.dumps(made)) == expected
    assert weakref.ref(made)() is made
    assert type(made).__slots__ == ()  # attrs reused the twin's slots
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.on = None  # type: ignore[attr-defined]


@given(subscriptions("s1"), st.integers(0, 500), st.integers(0, 500))
def test_events_built_from_their_twins_are_the_events_their_classes_build(
    sub: Subscription, before: int, after: int
) -> None:
    on, period = sub.start, sub.current_term
    _same_event(
        events.renewed(sub.id, on, period, before, after, sub.term, sub.billing_frequency),
        events.Renewed(sub.id, on, period, before, after, sub.term, sub.billing_frequency),
    )
    _same_event(
        events.licenses_changed(sub.id, on, before, after),
        events.LicensesChanged(sub.id, on, before, after),
    )
    group = InvoiceGroup("order", sub.order_id or sub.id)
    fields = (
        sub.id,
        on,
        sub.product_id,
        after,
        sub.term,
        sub.billing_frequency,
        group,
        sub.unit_price,
        sub.addon_kind,
        sub.parent_id,
    )
    _same_event(events.purchased(*fields), events.SubscriptionPurchased(*fields))


@given(tenants(), st.booleans())
def test_an_outcome_built_from_its_twin_is_the_outcome_its_class_builds(
    tenant: Tenant, with_event: bool
) -> None:
    happened = (events.CreditCheckCompleted("s1", date(2025, 1, 1)),) if with_event else ()
    made = outcome(tenant, happened)
    expected = Outcome(tenant, happened)
    assert type(made) is Outcome
    assert made == expected
    assert repr(made) == repr(expected)
    assert Outcome.__slots__ == ()
    assert weakref.ref(made)() is made
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.events = ()  # type: ignore[misc]


@given(tenants(), subscriptions("newcomer"))
def test_a_tenant_built_from_its_twin_is_frozen_and_the_value_its_class_builds(
    tenant: Tenant, newcomer: Subscription
) -> None:
    assert Tenant.__slots__ == ()
    assert set(TenantSlots.__slots__) == {a.name for a in attrs.fields(Tenant)} | {"__weakref__"}
    for made, expected in (
        (dated(tenant, date(2031, 1, 1)), attrs.evolve(tenant, as_of=date(2031, 1, 1))),
        (
            tenant.added(newcomer),
            attrs.evolve(tenant, subscriptions=(*tenant.subscriptions, newcomer)),
        ),
    ):
        assert type(made) is Tenant
        assert made == expected
        assert hash(made) == hash(expected)
        assert repr(made) == repr(expected)
        assert pickle.loads(pickle.dumps(made)) == expected
        assert copy.deepcopy(made) == expected
        assert weakref.ref(made)() is made
        assert [made.position(s.id) for s in made] == list(range(len(expected.subscriptions)))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.as_of = None  # type: ignore[misc]
