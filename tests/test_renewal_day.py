"""A day of renewals costs the values it makes (session 6 of issue 10): the lifecycle sorts its
events only when they are out of date order, reads a subscription's kept term as a plain slot, and
none of it shows in what it returns."""

from __future__ import annotations

import copy
import pickle
from datetime import date

import attrs
from hypothesis import assume, given

from strategies_accounts import ORGANIZATION, subscriptions
from subcommerce.errors import SubcommerceError
from subcommerce.lifecycle import advance
from subcommerce.periods import Period, Term
from subcommerce.subscriptions import Subscription, SubscriptionSlots, Tenant, rebuilt


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
