"""What a renewal, a license change and a purchase cost is what they change: the values the engine
reads on the way stay plain (session 5 of issue 10), and none of it shows.

A subscription keeps its current term in a slot behind a plain property (not attrs' cached
property, whose ``__getattr__`` made every read of every field of a subscription slow); the term
is worked out when first read, kept, and a term that cannot be worked out is refused on every read.
"""

from __future__ import annotations

import copy
import pickle
import re
from datetime import date, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import ORGANIZATION, days, subscriptions, tenants
from subcommerce import from_json, lifecycle, to_json
from subcommerce.errors import DateOutOfRange, InvalidDate, InvalidPeriod
from subcommerce.events import Renewed
from subcommerce.lifecycle import advance, first_transition
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.policy import DEFAULT_POLICY
from subcommerce.subscriptions import (
    LicenseBlock,
    Subscription,
    SubscriptionSlots,
    Tenant,
    evolved,
    maker,
    rebuilt,
)


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


def _forget(tenant: Tenant) -> Tenant:
    """An equal tenant that holds no lifecycle memo."""
    return Tenant(tenant.organization, tenant.subscriptions, tenant.account, tenant.as_of)


def test_a_month_to_month_renewal_is_the_same_calendar_one_term_on() -> None:
    sub = Subscription("s1", "p", date(2025, 1, 31), 7, Term.P1M, assigned=5, organization="o")
    after = advance(Tenant("o", (sub,)), date(2025, 2, 28))
    (renewed,) = after.tenant.subscriptions
    # By hand: Jan 31 + 1 month is Feb 28, + 2 months is Mar 31; the licenses a fresh block.
    assert renewed == attrs.evolve(sub, renewals=1, blocks=(LicenseBlock(7, date(2025, 2, 28)),))
    assert renewed.current_term == Period(date(2025, 2, 28), date(2025, 3, 31))
    assert after.events == (
        Renewed(
            "s1",
            date(2025, 2, 28),
            Period(date(2025, 2, 28), date(2025, 3, 31)),
            7,
            7,
            Term.P1M,
            BillingFrequency.MONTHLY,
        ),
    )
    (event,) = after.events
    assert type(event) is Renewed
    assert hash(event) == hash(attrs.evolve(event))  # the checked constructor's value
    assert pickle.loads(pickle.dumps(event)) == event
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.on = date(2025, 1, 1)  # type: ignore[misc]
    # The tenant comes back knowing its next day: the end of the new term.
    assert after.tenant.due_memo is not None
    assert after.tenant.due_memo[1] == date(2025, 3, 31)


@given(tenants(), days(max_value=date(2030, 1, 1)), st.integers(0, 800))
def test_the_memo_a_renewal_day_leaves_is_the_one_the_lifecycle_works_out(
    tenant: Tenant, start: date, gap: int
) -> None:
    first = advance(tenant, start).tenant
    after = advance(first, start + timedelta(days=gap)).tenant
    memo = after.due_memo
    if memo is not None:
        assert memo[0] is DEFAULT_POLICY
        assert memo[1] == first_transition(_forget(after), DEFAULT_POLICY)


@given(tenants(), days(max_value=date(2030, 1, 1)), st.integers(0, 800))
def test_subscriptions_on_their_own_advance_as_the_families_of_the_general_path_do(
    tenant: Tenant, start: date, gap: int
) -> None:
    # The general path takes every subscription as a family without add-ons when _families
    # hands it a list of its own instead of the marker of "every one on its own".
    on = start + timedelta(days=gap)
    lean = advance(tenant, start)
    lean = advance(lean.tenant, on)
    with pytest.MonkeyPatch.context() as patch:
        alone = lifecycle._families
        patch.setattr(
            lifecycle,
            "_families",
            lambda subs: [(i, ()) for i in range(len(subs))] if alone(subs) == [] else alone(subs),
        )
        general = advance(tenant, start)
        general = advance(general.tenant, on)
    assert lean.tenant == general.tenant
    assert lean.events == general.events
    for made, expected in zip(lean.tenant, general.tenant, strict=True):
        assert made.current_term == expected.current_term


def test_a_tenant_of_month_to_month_subscriptions_renews_each_once_a_month() -> None:
    subs = tuple(
        Subscription(f"s{n}", "p", date(2025, 1, 31), n + 1, Term.P1M, organization=ORGANIZATION)
        for n in range(3)
    )
    tenant = Tenant(ORGANIZATION, subs)
    after = advance(tenant, date(2025, 5, 30))
    # By hand: Feb 28, Mar 31, Apr 30 (each of the three, in tenant order on each day).
    assert [(e.on, e.subscription_id) for e in after.events] == [
        (day, f"s{n}")
        for day in (date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30))
        for n in range(3)
    ]
    assert [s.renewals for s in after.tenant] == [3, 3, 3]
    assert after.tenant.due_memo is not None
    assert after.tenant.due_memo[1] == date(2025, 5, 31)


def _anchor_by_definition(sub: Subscription) -> date:
    return sub.start if sub.term_anchor is None else sub.term_anchor


@given(subscriptions("s1"), st.one_of(st.none(), days(max_value=date(2029, 1, 1))))
def test_every_way_of_making_a_subscription_gives_it_its_anchor(
    sub: Subscription, anchor: date | None
) -> None:
    moved = attrs.evolve(sub, term_anchor=anchor)
    made = [
        sub,
        moved,
        evolved(sub, term_anchor=anchor),
        rebuilt(sub, term_anchor=anchor),
        rebuilt(sub, start=sub.start + timedelta(days=1)),
        rebuilt(sub, quantity=sub.quantity),  # the anchor carried over
        maker("id", "product_id", "start", "quantity", "term_anchor")(
            sub.id, sub.product_id, sub.start, sub.quantity, anchor
        ),
        copy.copy(moved),
        copy.deepcopy(moved),
        pickle.loads(pickle.dumps(moved)),
        from_json(to_json(moved), Subscription),
    ]
    for value in made:
        assert value.anchor == _anchor_by_definition(value)
    assert moved.anchor == (sub.start if anchor is None else anchor)


def test_the_anchor_is_no_field_and_shows_nowhere() -> None:
    sub = Subscription("s1", "p", date(2025, 1, 5), 3, term_anchor=date(2025, 2, 1))
    assert sub.anchor == date(2025, 2, 1)
    assert "anchor" not in attrs.asdict(sub)
    assert re.search(r"\banchor=", repr(sub)) is None  # term_anchor= only
    assert sub == Subscription("s1", "p", date(2025, 1, 5), 3, term_anchor=date(2025, 2, 1))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        sub.anchor = date(2025, 1, 1)  # type: ignore[misc]


def test_subscriptions_on_one_calendar_renew_to_one_term_and_others_to_their_own() -> None:
    start = date(2025, 1, 31)
    subs = (
        Subscription("a", "p", start, 1, Term.P1M, organization=ORGANIZATION),
        Subscription("b", "p", start, 2, Term.P1M, organization=ORGANIZATION),
        # Its anchor's 24th month is the others' too, but it renews on Jan 31, 2026 (by hand).
        Subscription("c", "p", start, 3, Term.P1Y, renewals=0, organization=ORGANIZATION),
        Subscription("d", "p", date(2025, 1, 30), 4, Term.P1M, organization=ORGANIZATION),
    )
    after = advance(Tenant(ORGANIZATION, subs), date(2025, 2, 28)).tenant
    a, b, c, d = after.subscriptions
    assert a.current_term == b.current_term == Period(date(2025, 2, 28), date(2025, 3, 31))
    assert d.current_term == Period(date(2025, 2, 28), date(2025, 3, 30))
    assert c.current_term == Period(start, date(2026, 1, 31))  # not renewed yet
    later = advance(after, date(2026, 1, 31)).tenant
    assert later.subscription("c").current_term == Period(date(2026, 1, 31), date(2027, 1, 31))
    assert later.subscription("a").current_term == Period(date(2026, 1, 31), date(2026, 2, 28))


@pytest.mark.parametrize(
    ("as_of", "error"),
    [
        (datetime(2025, 3, 1, 12, 0), InvalidDate),
        (date(3000, 1, 1), DateOutOfRange),
        (date(1899, 12, 31), DateOutOfRange),
        ("2025-03-01", InvalidDate),
    ],
)
def test_advance_refuses_what_is_no_supported_date_and_names_it(
    as_of: object, error: type[Exception]
) -> None:
    tenant = Tenant(ORGANIZATION, (Subscription("s1", "p", date(2025, 1, 31), 1),))
    with pytest.raises(error, match="as-of date"):
        advance(tenant, as_of)  # type: ignore[arg-type]


@attrs.frozen
class _Annotated(Subscription):
    """A subclass of the caller's own, with a field of its own (attrs makes its __setstate__)."""

    note: str = ""


def test_a_subclass_made_by_attrs_keeps_its_anchor_through_copies_and_pickles() -> None:
    sub = _Annotated("s1", "p", date(2025, 1, 5), 3, term_anchor=date(2025, 2, 1), note="x")
    for other in (copy.copy(sub), copy.deepcopy(sub), pickle.loads(pickle.dumps(sub))):
        assert other == sub
        assert other.anchor == date(2025, 2, 1)
        assert other.note == "x"


@attrs.frozen
class _Checked(Subscription):
    """A subclass with a post-init of its own that does not call Subscription's."""

    def __attrs_post_init__(self) -> None:
        if self.quantity > 1_000:
            raise ValueError("too many")


def test_a_subclass_with_its_own_post_init_still_has_its_anchor() -> None:
    sub = _Checked("s1", "p", date(2025, 1, 5), 3, term_anchor=date(2025, 2, 1))
    assert sub.anchor == date(2025, 2, 1)
    assert pickle.loads(pickle.dumps(sub)).anchor == date(2025, 2, 1)
    with pytest.raises(ValueError, match="too many"):
        _Checked("s1", "p", date(2025, 1, 5), 1_001)


@attrs.frozen
class _CheckedAfterTheBase(Subscription):
    """A subclass whose post-init calls Subscription's through super() first."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.quantity > 100:
            raise ValueError("too many")


def test_a_subclass_whose_post_init_calls_super_is_built_and_checked() -> None:
    # attrs remakes a slotted class and repairs super()'s class cell only in the class's own
    # functions: a wrapped post-init broke every construction with a TypeError.
    sub = _CheckedAfterTheBase("s1", "p", date(2025, 1, 31), 5)
    assert (sub.anchor, sub.end) == (date(2025, 1, 31), date(2025, 2, 28))
    assert copy.deepcopy(sub).anchor == date(2025, 1, 31)
    assert attrs.evolve(sub, term_anchor=date(2025, 3, 31)).anchor == date(2025, 3, 31)
    with pytest.raises(ValueError, match="too many"):
        _CheckedAfterTheBase("s1", "p", date(2025, 1, 31), 500)
