"""A day of renewals costs the values it makes (session 6 of issue 10): the lifecycle sorts its
events only when they are out of date order, reads a subscription's kept term as a plain slot, and
none of it shows in what it returns."""

from __future__ import annotations

import copy
import pickle
from datetime import date

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from strategies_accounts import ORGANIZATION, subscriptions, tenants
from subcommerce.errors import InvalidArgument, SubcommerceError
from subcommerce.lifecycle import advance, first_transition
from subcommerce.periods import Period, Term
from subcommerce.policy import DEFAULT_POLICY
from subcommerce.subscriptions import (
    InvoiceGroup,
    Subscription,
    SubscriptionSlots,
    Tenant,
    positions,
    rebuilt,
)


def test_renewals_of_several_subscriptions_come_out_in_date_order() -> None:
    subs = (
        # Renews on Feb 1 and Mar 1 (by hand), before the next one's first renewal on Feb 15 ...
        Subscription("early", "p", date(2025, 1, 1), 1, Term.P1M, organization=ORGANIZATION),
        Subscription("late", "p", date(2025, 1, 15), 2, Term.P1M, organization=ORGANIZATION),
    )
    after = advance(Tenant(ORGANIZATION, subs), date(2025, 3, 10))
    # ... so the events of the tenant order are sorted by day, one subscription's after another's.
    assert [(e.on, e.subscription_id) for e in after.events] == [
        (date(2025, 2, 1), "early"),
        (date(2025, 2, 15), "late"),
        (date(2025, 3, 1), "early"),
    ]


def test_same_day_renewals_keep_the_tenant_order() -> None:
    subs = tuple(
        Subscription(f"s{n}", "p", date(2025, 1, 31), n + 1, Term.P1M, organization=ORGANIZATION)
        for n in (2, 0, 1)
    )
    after = advance(Tenant(ORGANIZATION, subs), date(2025, 2, 28))
    assert [e.subscription_id for e in after.events] == ["s2", "s0", "s1"]


def test_the_kept_term_is_the_current_terms_own_slot() -> None:
    sub = Subscription("s1", "p", date(2025, 1, 31), 3, Term.P1M, renewals=2)
    slot = SubscriptionSlots.__dict__["current_term"]
    assert SubscriptionSlots.__dict__["_kept_term"] is slot  # one slot, two names
    assert "_kept_term" not in attrs.fields_dict(Subscription)
    assert Subscription.__slots__ == ()
    term = sub.current_term
    assert term == Period(date(2025, 3, 31), date(2025, 4, 30))  # by hand: Jan 31 + 2, + 3
    assert slot.__get__(sub) is term


@given(subscriptions("s1"))
def test_a_change_that_keeps_the_term_hands_on_the_term_read_first(sub: Subscription) -> None:
    try:
        term = sub.current_term
    except SubcommerceError:  # a term past the supported dates: nothing to hand on
        assume(False)
    changed = rebuilt(sub, quantity=sub.quantity)  # no field the term comes from
    assert SubscriptionSlots.__dict__["current_term"].__get__(changed) is term
    for other in (changed, copy.copy(changed), pickle.loads(pickle.dumps(changed))):
        assert other == sub
        assert other.current_term == term


def _group_by_definition(tenant: Tenant, sub: Subscription) -> InvoiceGroup:
    """Seed 003's rule written out: a billing profile's invoice under an agreement that bills by
    profile, otherwise the order's (a subscription without an order is its own)."""
    account = tenant.account
    if sub.billing_profile_id is not None and account is not None and account.type.has_profiles:
        return InvoiceGroup("billing_profile", sub.billing_profile_id)
    return InvoiceGroup("order", sub.order_id if sub.order_id else sub.id)


@given(tenants(), st.one_of(st.none(), st.just("o-7")), st.one_of(st.none(), st.just("p-9")))
def test_an_invoice_group_is_the_value_its_constructor_gives(
    tenant: Tenant, order: str | None, profile: str | None
) -> None:
    for sub in tenant:
        for drawn in (sub, attrs.evolve(sub, order_id=order, billing_profile_id=profile)):
            made = tenant.invoice_group(drawn)
            expected = _group_by_definition(tenant, drawn)
            assert type(made) is InvoiceGroup
            assert (made, hash(made), repr(made)) == (expected, hash(expected), repr(expected))
            assert pickle.dumps(made) == pickle.dumps(expected)
            assert copy.deepcopy(made) == expected
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                made.id = "x"  # type: ignore[misc]


def test_a_tenant_refuses_to_add_what_is_no_subscription() -> None:
    tenant = Tenant(ORGANIZATION)
    with pytest.raises(InvalidArgument, match="subscription"):
        tenant.added("s1")  # type: ignore[arg-type]


@given(tenants(), subscriptions("new"))
def test_a_subscription_added_leaves_the_memo_the_lifecycle_works_out(
    tenant: Tenant, newcomer: Subscription
) -> None:
    first_transition(tenant, DEFAULT_POLICY)  # the tenant holds its memo
    if tenant.has("new"):
        return
    joined = tenant.added(newcomer)
    assert joined.subscriptions == (*tenant.subscriptions, newcomer)
    memo = joined.due_memo
    fresh = Tenant(joined.organization, joined.subscriptions, joined.account, joined.as_of)
    try:
        expected = first_transition(fresh, DEFAULT_POLICY)
    except SubcommerceError:  # a term past the supported dates: no memo is kept
        assert memo is None
        return
    if memo is not None:  # none is kept when the newcomer's day cannot be worked out
        assert memo[1] == expected


@given(tenants())
def test_the_positions_of_a_tenant_are_where_its_subscriptions_sit(tenant: Tenant) -> None:
    found = positions(tenant)
    assert dict(found) == {sub.id: n for n, sub in enumerate(tenant.subscriptions)}
    for sub_id, at in found.items():
        assert tenant.position(sub_id) == at
        assert tenant.subscriptions[at].id == sub_id
    assert positions(advance(tenant, date(2031, 1, 1)).tenant) == found  # ids never move
