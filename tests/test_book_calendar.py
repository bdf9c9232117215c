"""The book's calendar finds what is due as a look at every subscription would (issue 10).

``_Calendar`` keeps, per day, the subscriptions recorded as billed up to it, and a heap of those
days. Whatever is recorded, taken and put back, and in whatever order, what it says is due must
be what a plain reading of ``billed`` says: the expected values below come from ``billed`` and
the tenant alone, one subscription at a time.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import tenants
from subcommerce.invoices import BILLED_STATUSES, _Calendar
from subcommerce.subscriptions import Tenant

_DAY0 = date(2025, 1, 1)


def _due(calendar: _Calendar, tenant: Tenant, day: date) -> list[str]:
    """The ids of ``tenant``'s subscriptions billed only up to ``day`` or before, in order."""
    return [s.id for s in tenant.subscriptions if calendar.billed.get(s.id, date.max) <= day]


def _next(calendar: _Calendar, tenant: Tenant, after: date) -> date | None:
    """The first day after ``after`` a subscription of ``tenant`` billed now is due."""
    days = [
        calendar.billed[s.id]
        for s in tenant.subscriptions
        if s.id in calendar.billed and s.status in BILLED_STATUSES and calendar.billed[s.id] > after
    ]
    return min(days, default=None)


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["record", "record", "bill", "next", "settle", "copy"]),
        st.sampled_from(["s0", "s1", "addon", "gone"]),
        st.sampled_from([0, 3, 5, 10, 20, 40]),  # few days: ids share them, and go stale
    ),
    max_size=40,
)


@given(
    tenants(min_subscriptions=2),
    st.dictionaries(st.sampled_from(["s0", "s1", "gone"]), st.integers(0, 60)),
    _OPS,
)
def test_the_calendar_says_due_what_billed_says_due(
    tenant: Tenant, start: dict[str, int], ops: list[tuple[str, str, int]]
) -> None:
    calendar = _Calendar({sub_id: _DAY0 + timedelta(days=n) for sub_id, n in start.items()})
    for op, sub_id, n in ops:
        day = _DAY0 + timedelta(days=n)
        if op == "record":
            calendar.record(sub_id, day)
        elif op == "bill":  # what Book.bill does: take what is due, put each back further on
            expected = _due(calendar, tenant, day)
            taken = calendar.take_due(tenant, day)
            assert [s.id for s in taken] == expected
            for sub in taken:
                calendar.put_back(sub.id, day + timedelta(days=1 + n % 7))
            calendar.settle()
            assert calendar.quiet == min(calendar.billed.values(), default=None)
        elif op == "next":
            assert calendar.next_billed(tenant, day) == _next(calendar, tenant, day)
        elif op == "settle":
            calendar.settle()
            assert calendar.quiet == min(calendar.billed.values(), default=None)
        else:
            twin = calendar.copy()
            twin.record(sub_id, day)  # a fork's calendar is its own
            assert twin.billed[sub_id] == day
            calendar = calendar if n % 2 else twin


def test_subscriptions_on_one_calendar_share_one_day() -> None:
    day = date(2025, 3, 1)
    calendar = _Calendar({"a": day, "b": day, "c": date(2025, 3, 15)})
    assert calendar.days.count(day) == 1
    assert calendar.buckets[day] == ["a", "b"]
    calendar.record("a", date(2025, 4, 1))  # "a" in day's bucket is stale now
    calendar.settle()
    assert calendar.quiet == day  # "b" is still due on Mar 1
    calendar.record("b", date(2025, 4, 1))
    calendar.settle()
    assert calendar.quiet == date(2025, 3, 15)  # Mar 1's bucket had only stale ids: dropped
    assert day not in calendar.buckets
