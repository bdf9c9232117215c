"""A quote on a held ledger places a held subscription where the simulation placed it, and
the book builds its entries from a writable twin.

Issue 10.

``Book.freeze(tenant)`` keeps, beside the facts, the place of each subscription of the tenant it
ends with (its group, key, section, row owner, upfront): what ``Book._placing`` works out from
the subscription's id, order, billing profile, product and invoice section, whether the account
has billing profiles, the policy and the convention. A book going on from those rows takes a
place when the subscription it is asked about agrees with the held value on all of them
(``invoices._agrees``; the policy is checked by identity with the facts, the convention is the
ledger's); otherwise it works the place out as a fresh book does. The expected quote is the one a
book seeded with no places gives.
"""

from __future__ import annotations

import copy
import pickle
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import assert_the_same_without, held, quoted
from strategies_orders import Ids, orders, scenarios
from subcommerce import invoices, lifecycle, to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.errors import DateOutOfRange, SubcommerceError, UnknownReference
from subcommerce.invoices import Book, LedgerEntry, LedgerEntrySlots
from subcommerce.lifecycle import advance, first_transition, next_transition
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.strategies.orders import ADMIN, PLANS, shop
from subcommerce.subscriptions import InvoiceGroup, SubscriptionStatus, Tenant


def _held() -> tuple[Catalog, Timeline]:
    """Two subscriptions, s0 and s1, bought on Jan 31, 2025 (MOSA, order-2), played to Mar 1."""
    return held(PLANS[:2])


def _change_first(on: date) -> PlaceOrder:
    """A license change of s1 (placed before anything else asks for its group), then a purchase."""
    return PlaceOrder(
        actor=ADMIN,
        as_of=on,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                ChangeLicenses(subscription_id="s1", quantity=7),
                NewSubscription(product_id=PLANS[0], quantity=3, subscription_id="new"),
            )
        ),
    )


_SEED_FACTS = Book._seed_facts


def _no_places(book: Book, seeded: object) -> None:
    """The facts seeded as before, but no place: each is worked out as a fresh book does."""
    _SEED_FACTS(book, seeded)  # type: ignore[arg-type]
    book.grouping.seeded = {}


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=4, max_days=90))
def test_a_quote_placing_from_the_held_places_is_the_quote_working_them_out(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    assert_the_same_without(
        lambda patch: patch.setattr(Book, "_seed_facts", _no_places), data, generated, days=400
    )


def test_a_held_subscriptions_change_is_placed_from_the_seed_without_asking_its_group() -> None:
    catalog, timeline = _held()
    asked: list[str] = []
    group_of = Book.group_of

    def watched(book: Book, tenant: Tenant, sub: object) -> InvoiceGroup:
        asked.append(sub.id)  # type: ignore[attr-defined]
        return group_of(book, tenant, sub)  # type: ignore[arg-type]

    order = _change_first(date(2025, 3, 10))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "group_of", watched)
        review = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    assert review.ok
    assert "s1" not in asked
    assert "new" in asked
    changed = review.lines[0]
    assert {e.group for e in changed.first_charge} == {InvoiceGroup("order", "order-2")}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "_seed_facts", _no_places)
        afresh = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    assert to_json(afresh) == to_json(review)


def test_a_seed_of_a_subscription_moved_to_another_order_is_not_taken_and_would_be_caught() -> None:
    catalog, timeline = _held()
    held = timeline.tenant
    moved = held.replace(attrs.evolve(held.subscription("s1"), order_id="elsewhere"))
    order = _change_first(date(2025, 3, 10))
    right = quote(catalog, moved, order, ledger=timeline.ledger)
    # Worked out afresh, s1's change goes on the invoice of the order it is now in.
    assert {e.group for e in right.lines[0].first_charge} == {InvoiceGroup("order", "elsewhere")}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Book, "_seed_facts", _no_places)
        assert quoted(catalog, timeline, order, moved) == to_json(right)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(invoices, "_agrees", lambda tenant, sub, seed: True)  # a careless seed
        careless = quote(catalog, moved, order, ledger=timeline.ledger)
    assert {e.group for e in careless.lines[0].first_charge} == {InvoiceGroup("order", "order-2")}
    assert to_json(careless) != to_json(right)


def test_a_book_with_another_catalog_or_policy_places_nothing_from_the_seed() -> None:
    catalog, timeline = _held()
    assert set(Book(catalog, timeline.ledger).grouping.seeded) == {"s0", "s1"}
    assert Book(shop(), timeline.ledger).grouping.seeded == {}  # an equal catalog rebuilt
    other = Policy(mca_upfront_invoices=not DEFAULT_POLICY.mca_upfront_invoices)
    assert Book(catalog, timeline.ledger, other).grouping.seeded == {}


# -- entries built from their writable twin ---------------------------------------------------


def test_a_ledger_entry_adds_no_slot_of_its_own_to_its_twin() -> None:
    assert set(LedgerEntrySlots.__slots__) == {a.name for a in attrs.fields(LedgerEntry)} | {
        "__weakref__"
    }
    assert LedgerEntry.__dict__.get("__slots__") == ()
    assert LedgerEntry.__basicsize__ == LedgerEntrySlots.__basicsize__


def _same_entry(made: LedgerEntry) -> None:
    expected = LedgerEntry(**{a.name: getattr(made, a.name) for a in attrs.fields(LedgerEntry)})
    assert type(made) is LedgerEntry
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert pickle.dumps(made) == pickle.dumps(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    assert copy.deepcopy(made) == expected
    assert copy.copy(made) == expected
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.id = "other"  # type: ignore[misc]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=4, max_days=90))
def test_every_entry_the_book_builds_is_the_entry_its_class_builds(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    for entry in timeline.ledger.entries:  # built from the rows when read
        _same_entry(entry)
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 40)))
    ids = Ids([s.id for s in timeline.tenant], missing=False)
    order = data.draw(orders(timeline.tenant, on, ids))
    try:
        review = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    except SubcommerceError:
        return
    for line in review.lines:  # built as they are posted
        for entry in line.first_charge or ():
            _same_entry(entry)


# -- the lifecycle's reads on the cart's path -------------------------------------------------


def test_advance_to_the_tenants_own_day_still_refuses_a_day_outside_the_supported_dates() -> None:
    # A date the tenant took unchecked (a date is not range-checked by Tenant's validator) is
    # still refused when the lifecycle is asked to go to it.
    tenant = Tenant("contoso", as_of=date(1800, 1, 1))
    with pytest.raises(DateOutOfRange):
        advance(tenant, date(1800, 1, 1))
    on = date(2025, 3, 1)
    same = advance(Tenant("contoso", as_of=on), on)
    assert same.tenant.as_of == on
    assert same.events == ()


def test_a_tenant_names_the_culprit_when_it_has_no_subscription_of_that_id() -> None:
    _, timeline = _held()
    tenant = timeline.tenant
    assert tenant.subscription("s1") is tenant.subscriptions[1]
    for missing in ("s9", ["s1"]):
        with pytest.raises(UnknownReference, match="no subscription"):
            tenant.subscription(missing)  # type: ignore[arg-type]


def test_the_lifecycle_memo_gives_each_next_transition_and_survives_a_pickle() -> None:
    _, timeline = _held()
    tenant = timeline.tenant
    assert first_transition(tenant, DEFAULT_POLICY) == date(2025, 3, 31)  # s0's month ends
    memo = tenant.due_memo
    assert memo is not None
    assert memo[0] is DEFAULT_POLICY
    for sub in tenant.subscriptions:
        assert memo[2](sub) == next_transition(sub, DEFAULT_POLICY)
    back = pickle.loads(pickle.dumps(tenant))
    assert back == tenant
    assert back.due_memo is not None
    assert [back.due_memo[2](s) for s in back] == [next_transition(s) for s in tenant]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_steps=4, max_days=400))
def test_an_active_subscriptions_next_transition_is_its_terms_end_and_others_their_steps(
    generated: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    for sub in timeline.tenant:
        due = next_transition(sub)
        if sub.status is SubscriptionStatus.ACTIVE and not (
            sub.over_assigned or sub.credit_check_pending
        ):
            assert due == sub.current_term.end  # the rule: only its term ends
        else:  # the general path: the least of its steps (what advance takes)
            steps = lifecycle._steps(sub, DEFAULT_POLICY)
            assert due == (min(on for on, _ in steps) if steps else None)
