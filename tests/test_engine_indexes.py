"""The engine's indexes answer what a search over the tenant answers (issue 10, item 2).

A tenant finds its subscriptions by id through the positions it keeps, and the lifecycle keeps on
the tenant the first day time changes anything (``first_transition``), carried over when one
subscription is replaced. Expected values here are the plain searches, written out.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import days, subscriptions, tenants
from subcommerce.errors import UnknownReference
from subcommerce.lifecycle import advance, first_transition, next_transition
from subcommerce.policy import DEFAULT_POLICY
from subcommerce.subscriptions import Subscription, Tenant


def _searched(tenant: Tenant, subscription_id: str) -> Subscription | None:
    return next((s for s in tenant.subscriptions if s.id == subscription_id), None)


def _soonest(tenant: Tenant) -> date | None:
    dues = [d for s in tenant.subscriptions if (d := next_transition(s)) is not None]
    return min(dues, default=None)


def _check(tenant: Tenant) -> None:
    for sub in tenant.subscriptions:
        assert tenant.subscription(sub.id) is _searched(tenant, sub.id)
        assert tenant.has(sub.id)
        assert tenant.position(sub.id) == tenant.subscriptions.index(sub)
    assert not tenant.has("no-such-subscription")
    with pytest.raises(UnknownReference, match="no-such-subscription"):
        tenant.subscription("no-such-subscription")
    assert first_transition(tenant, DEFAULT_POLICY) == _soonest(tenant)


@given(
    tenants(min_subscriptions=1),
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 3), st.booleans()), max_size=12),
)
def test_replacing_one_subscription_after_another_keeps_every_index_right(
    tenant: Tenant, changes: list[tuple[int, int, bool]]
) -> None:
    first_transition(tenant, DEFAULT_POLICY)  # the memo is carried from here on
    _check(tenant)
    for which, renewals, recurring in changes:
        old = tenant.subscriptions[which % len(tenant.subscriptions)]
        # Another renewal count moves the term's end, and with it the day the lifecycle is due.
        new = attrs.evolve(old, renewals=renewals, recurring_billing=recurring)
        tenant = tenant.replace(new)
        _check(tenant)


@given(tenants(), subscriptions("newcomer"), days(max_value=date(2030, 1, 1)))
def test_a_tenant_grown_or_advanced_finds_the_same_subscriptions(
    tenant: Tenant, newcomer: Subscription, on: date
) -> None:
    first_transition(tenant, DEFAULT_POLICY)
    grown = tenant.added(newcomer)
    _check(grown)
    assert grown.subscription("newcomer") == attrs.evolve(
        newcomer, organization=tenant.organization
    )
    _check(advance(grown, on).tenant)


@given(tenants(), days(max_value=date(2030, 1, 1)))
def test_the_indexes_are_never_compared_nor_shown(tenant: Tenant, on: date) -> None:
    fresh = Tenant(tenant.organization, tenant.subscriptions, tenant.account, tenant.as_of)
    first_transition(tenant, DEFAULT_POLICY)
    assert tenant == fresh
    assert hash(tenant) == hash(fresh)
    assert repr(tenant) == repr(fresh)
    assert "_positions" not in repr(tenant)
    assert "due_memo" not in repr(tenant)
    assert advance(tenant, on) == advance(fresh, on)
