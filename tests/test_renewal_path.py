"""What a renewal, a license change and a purchase cost is what they change: the values the engine
reads on the way stay plain (session 5 of issue 10), and none of it shows.

A subscription keeps its current term in a slot behind a plain property (not attrs' cached
property, whose ``__getattr__`` made every read of every field of a subscription slow); the term
is worked out when first read, kept, and a term that cannot be worked out is refused on every read.
"""

from __future__ import annotations

import copy
import pickle
from datetime import date

import attrs
import pytest
from hypothesis import given

from strategies_accounts import subscriptions
from subcommerce.errors import InvalidPeriod
from subcommerce.periods import Period, Term
from subcommerce.subscriptions import Subscription, SubscriptionSlots


def test_a_subscription_has_no_getattr_hook_so_reading_its_fields_stays_cheap() -> None:
    # attrs adds a __getattr__ to a slotted class with a functools.cached_property; CPython then
    # specializes none of the class's attribute reads.
    assert not any("__getattr__" in klass.__dict__ for klass in Subscription.__mro__)
    assert Subscription.__slots__ == ()  # the term's slot is the twin's own


def test_the_current_term_is_worked_out_on_first_read_and_kept() -> None:
    sub = Subscription("s1", "p", date(2025, 1, 31), 3, Term.P1M, renewals=1)
    with pytest.raises(AttributeError):
        SubscriptionSlots.__dict__["current_term"].__get__(sub)  # nothing kept before a read
    term = sub.current_term
    assert term == Period(date(2025, 2, 28), date(2025, 3, 31))  # by hand: Jan 31 + 1, + 2 months
    assert sub.current_term is term
    assert SubscriptionSlots.__dict__["current_term"].__get__(sub) is term


def test_a_term_past_the_supported_dates_is_refused_on_every_read() -> None:
    far = Subscription("b", "p", date(2025, 1, 1), 1, term=Term.P3Y, renewals=400)
    for _ in range(2):
        with pytest.raises(InvalidPeriod):
            _ = far.current_term
    assert far == copy.copy(far)  # the value itself is fine: only its term is out of reach


@given(subscriptions("s1"))
def test_a_kept_term_travels_with_no_copy_and_changes_no_comparison(sub: Subscription) -> None:
    before = (hash(sub), repr(sub), attrs.asdict(sub))
    term = sub.current_term
    assert (hash(sub), repr(sub), attrs.asdict(sub)) == before
    for other in (copy.copy(sub), copy.deepcopy(sub), pickle.loads(pickle.dumps(sub))):
        assert other == sub
        assert other.current_term == term
