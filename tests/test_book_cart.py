"""The book's side of a purchase and of a cart's price review: its shortcuts give what working
everything out afresh gives.

- A license change's credit note is kept per span (``Book.facts.notes``, handed to
  :func:`~subcommerce.proration.credit_and_rebill_rows`): the charges of one billing period
  mostly share their span, and the note is a function of the original's kind and its span.
  With or without the memo every row is the same; a memo that ignored the kind would not be.
- A lazy book (a simulation's) builds a purchase's entry as it posts it, since the order reads
  it at once: the timeline reads the same as when it was built from its row on that read.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import played
from subcommerce import invoices as invoices_module
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import Book, Ledger
from subcommerce.money import Money, currency
from subcommerce.periods import (
    BillingFrequency,
    Period,
    Term,
    add_months,
    locate,
    period_containing,
)
from subcommerce.proration import (
    PRESETS,
    LineKind,
    ProrationConvention,
    credit_and_rebill_rows,
    prorate,
)
from subcommerce.simulate import Scenario, simulate
from subcommerce.strategies.orders import scenarios, shop
from subcommerce.subscriptions import Subscription

_SERVICE = Period(date(2025, 1, 31), date(2025, 2, 28))
#: Spans of the service period: two of them equal in value but not the same object, so that a
#: memo keyed by value (or by a span it no longer holds) would be tested too.
_SPANS = (
    _SERVICE,
    Period(date(2025, 1, 31), date(2025, 2, 28)),
    Period(date(2025, 2, 10), date(2025, 2, 28)),
    Period(date(2025, 2, 1), date(2025, 2, 28)),
)

_Call = tuple[LineKind, Period, int, int, int, int, str]
_calls = st.lists(
    st.tuples(
        st.sampled_from([LineKind.CHARGE, LineKind.REBILL]),
        st.sampled_from(_SPANS),
        st.integers(0, 99_999),  # price in cents
        st.integers(1, 50),  # old quantity
        st.integers(1, 60),  # new quantity
        st.integers(0, 30),  # the change day, as days into the span (wrapped)
        st.sampled_from(sorted(PRESETS)),
    ),
    min_size=1,
    max_size=12,
)


def _rows(
    calls: list[_Call], notes: dict[int, tuple[Period, LineKind, str]] | None
) -> list[object]:
    """The rows of each change in turn, one memo for all of them (or none)."""
    out: list[object] = []
    for kind, span, cents, old, new, day, convention in calls:
        conv: ProrationConvention = PRESETS[convention]
        price = Money.of(f"{cents // 100}.{cents % 100:02d}", "USD")
        charged = prorate(price, old, _SERVICE, start=span.start, convention=conv)
        on = span.start + timedelta(days=day % (span.end - span.start).days)
        units = charged.amount.minor_units()
        out.append(
            credit_and_rebill_rows(kind, old, price, _SERVICE, span, units, conv, on, new, notes)
        )
    return out


@given(_calls)
def test_a_change_written_with_the_note_memo_is_the_change_written_without_it(
    calls: list[_Call],
) -> None:
    assert _rows(calls, {}) == _rows(calls, None)


class _KindBlind(dict[int, tuple[Period, LineKind, str]]):
    """A broken memo: it answers for the span whatever kind it was asked with."""

    def get(self, key: int, default: object = None) -> tuple[Period, LineKind, str] | None:  # type: ignore[override]
        found = super().get(key)
        if found is None:
            return None
        span, _, note = found
        return (span, _ASKED[0], note)


_ASKED = [LineKind.CHARGE]


def test_a_note_memo_that_ignored_the_kind_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[_Call] = [
        (LineKind.CHARGE, _SERVICE, 1234, 10, 12, 5, "exact"),
        (LineKind.REBILL, _SERVICE, 1234, 10, 12, 5, "exact"),
    ]
    right = _rows(calls, None)
    assert right[0] != right[1]  # the same span, another kind: another note
    _ASKED[0] = LineKind.REBILL  # the second call asks for a rebill's note: served the charge's
    assert _rows(calls, _KindBlind()) != right


def test_the_credit_note_names_the_kind_and_the_span() -> None:
    ((credit, *_),) = _rows([(LineKind.REBILL, _SPANS[2], 1000, 3, 4, 2, "exact")], {})  # type: ignore[misc]
    assert credit[4] == "credit of the rebill for 2025-02-10..2025-02-28"  # type: ignore[index]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_steps=6, max_days=200))
def test_a_timeline_reads_the_same_when_a_lazy_book_builds_purchases_from_their_rows(
    generated: tuple[Scenario, Catalog],
) -> None:
    as_it_is = played(*generated)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(invoices_module, "_PURCHASE", object())  # no cause is it: built on read
        from_rows = played(*generated)
    assert as_it_is == from_rows


# -- a purchase's first billing period ----------------------------------------------------------
# Book._period_of takes the period of a subscription's own anchor day as [anchor, anchor + n
# months) at once (a purchase asks for it): what locate gives for k = 0.

_ANCHORS = st.one_of(
    st.dates(date(2000, 1, 1), date(2090, 12, 31)),
    st.builds(  # late days of the month, where add_months clamps
        lambda year, month, day: date(year, month, min(day, _LAST[month - 1])),
        st.integers(2000, 2090),
        st.integers(1, 12),
        st.integers(28, 31),
    ),
)
_LAST = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@given(_ANCHORS, st.sampled_from([1, 3, 6, 12, 36]))
def test_the_period_of_an_anchor_day_is_the_first_one_counted_from_it(
    anchor: date, months: int
) -> None:
    assert locate(anchor, months, anchor) == (0, anchor, add_months(anchor, months))
    period = period_containing(anchor, months, anchor)
    assert (period.start, period.end) == (anchor, add_months(anchor, months))


@pytest.mark.parametrize(
    ("bought", "end"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # clamped to February's end
        (date(2024, 1, 31), date(2024, 2, 29)),  # a leap year
        (date(2025, 3, 15), date(2025, 4, 15)),
    ],
)
def test_a_book_gives_a_purchase_the_month_from_its_day(bought: date, end: date) -> None:
    sub = Subscription("s1", "m365-business-basic", bought, 5, Term.P1M, BillingFrequency.MONTHLY)
    book = Book(shop(), Ledger(currency("USD")))
    assert book.period_of(sub, bought) == Period(bought, end)
    # and a later day of the same subscription: its own month, from the anchor
    assert book.period_of(sub, end) == Period(end, add_months(bought, 2))


# -- the calendar's quiet day -------------------------------------------------------------------
# _Calendar.next_billed, finding the heap's first day current, notes it as the day before which
# no period is due (``quiet``): what settle works out, so that bill returns at once before it.


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_steps=6, max_days=200), st.integers(0, 60))
def test_the_quiet_day_next_billed_notes_is_the_one_settle_finds(
    generated: tuple[Scenario, Catalog], later: int
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    book = Book(catalog, timeline.ledger)
    calendar = book.calendar
    after = scenario.until + timedelta(days=later)
    calendar.quiet = None
    found = calendar.next_billed(timeline.tenant, after)
    noted = calendar.quiet
    twin = calendar.copy()
    twin.settle()
    if noted is not None:
        assert noted == twin.quiet == found
    # and a book that does not know it bills nothing up to the day before it
    if noted is not None:
        unaware = Book(catalog, timeline.ledger)
        assert unaware.calendar.quiet is None
        unaware.bill(timeline.tenant, noted - timedelta(days=1))
        assert len(unaware.posted.entries) == len(timeline.ledger.entries)
