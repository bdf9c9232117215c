"""The fast paths of the lifecycle and the commands give what the plain definitions give.

:func:`~subcommerce.lifecycle.advance` returns at once when nothing is due, brings each family (a
subscription and its traditional add-ons) up to date on its own, and builds changed
subscriptions in one step; :class:`~subcommerce.subscriptions.Subscription` keeps its current
term once computed. None of it may show.
"""

from __future__ import annotations

import pickle
import re
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import ORGANIZATION, days, subscriptions, tenants
from subcommerce.errors import InvalidTenant
from subcommerce.lifecycle import advance, next_transition
from subcommerce.periods import Period, add_months
from subcommerce.subscriptions import Subscription, Tenant, evolved

FIELDS = tuple(a.name for a in attrs.fields(Subscription))


@given(tenants(), days(max_value=date(2030, 1, 1)), st.integers(0, 120))
def test_advancing_day_by_day_is_advancing_at_once(tenant: Tenant, start: date, gap: int) -> None:
    first = advance(tenant, start)
    at_once = advance(first.tenant, start + timedelta(days=gap))
    current, events = first.tenant, []
    for offset in range(1, gap + 1):
        step = advance(current, start + timedelta(days=offset))
        current = step.tenant
        events.extend(step.events)
    assert current == at_once.tenant
    assert tuple(events) == at_once.events


@given(tenants(), days(max_value=date(2030, 1, 1)))
def test_a_day_on_which_nothing_is_due_only_dates_the_tenant(tenant: Tenant, on: date) -> None:
    dated = advance(tenant, on).tenant
    nexts = [n for s in dated if (n := next_transition(s)) is not None]
    later = min(nexts, default=on + timedelta(days=30)) - timedelta(days=1)
    if later < on:
        return
    outcome = advance(dated, later)
    assert outcome.events == ()
    assert outcome.tenant == attrs.evolve(dated, as_of=later)
    assert advance(outcome.tenant, later).tenant == outcome.tenant


@given(subscriptions("s1"), subscriptions("s2"), st.sets(st.sampled_from(FIELDS)))
def test_a_subscription_built_in_one_step_is_the_one_evolve_builds(
    sub: Subscription, other: Subscription, names: set[str]
) -> None:
    changes = {name: getattr(other, name) for name in names}
    try:
        expected = attrs.evolve(sub, **changes)
    except Exception as error:  # the same refusal, e.g. blocks that no longer add up
        with pytest.raises(type(error), match="^" + re.escape(str(error))):
            evolved(sub, **changes)
        return
    built = evolved(sub, **changes)
    assert built == expected
    assert type(built) is Subscription


def test_a_subscription_built_in_one_step_refuses_an_unknown_field() -> None:
    sub = Subscription("s1", "basic", date(2025, 1, 31), 3)
    with pytest.raises(TypeError, match="seats"):
        evolved(sub, seats=4)


@given(subscriptions("s1"))
def test_the_current_term_is_computed_from_the_anchor_and_kept_out_of_sight(
    sub: Subscription,
) -> None:
    months = sub.term.months
    expected = Period(
        add_months(sub.anchor, months * sub.renewals),
        add_months(sub.anchor, months * (sub.renewals + 1)),
    )
    before = (hash(sub), repr(sub), attrs.asdict(sub))
    assert sub.current_term == expected
    assert sub.current_term is sub.current_term  # computed once
    assert (hash(sub), repr(sub), attrs.asdict(sub)) == before
    assert "current_term" not in attrs.asdict(sub)
    copy = pickle.loads(pickle.dumps(sub))
    assert copy == sub
    assert copy.current_term == expected
    assert attrs.evolve(sub, renewals=sub.renewals + 1).current_term.start == expected.end


@given(tenants(min_subscriptions=1), st.data())
def test_replacing_one_subscription_is_rebuilding_the_tenant(
    tenant: Tenant, data: st.DataObject
) -> None:
    old = data.draw(st.sampled_from(tenant.subscriptions))
    new = attrs.evolve(old, quantity=old.quantity + 1, blocks=())
    replaced = tenant.replace(new)
    rebuilt = Tenant(
        tenant.organization,
        tuple(new if s.id == old.id else s for s in tenant),
        tenant.account,
        tenant.as_of,
    )
    assert replaced == rebuilt
    assert tenant.replace(new, new) == rebuilt
    elsewhere = attrs.evolve(new, organization="fabrikam.com")
    with pytest.raises(InvalidTenant, match=re.escape("fabrikam.com")):
        tenant.replace(elsewhere)
    with pytest.raises(InvalidTenant, match=re.escape("fabrikam.com")):
        tenant.replace(new, elsewhere)
    stranger = attrs.evolve(new, id="not-in-the-tenant", organization=ORGANIZATION)
    assert tenant.replace(stranger) == tenant


@given(tenants(min_subscriptions=1), subscriptions("newcomer"), st.data())
def test_adding_a_subscription_is_rebuilding_the_tenant(
    tenant: Tenant, newcomer: Subscription, data: st.DataObject
) -> None:
    newcomer = attrs.evolve(newcomer, organization=data.draw(st.sampled_from([None, "x.com"])))
    joined = attrs.evolve(newcomer, organization=tenant.organization)
    added = tenant.added(newcomer)
    assert added == Tenant(tenant.organization, (*tenant, joined), tenant.account, tenant.as_of)
    taken = data.draw(st.sampled_from(tenant.subscriptions)).id
    with pytest.raises(InvalidTenant, match=re.escape(f"{taken!r} appears twice")):
        tenant.added(attrs.evolve(newcomer, id=taken))
