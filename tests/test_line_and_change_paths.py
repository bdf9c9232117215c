"""The line's and the change's short paths give what the long ones give, and refuse alike.

A monthly ``period_containing`` finds its neighbour boundary as a date plus a number of days
from a table of month lengths; a date's text comes from tables (``date_text``); a license change
checks its original once (``layouts.change_quantity`` calls ``credit_and_rebill_checked``), and
``check_original`` reads a line's sign from its minor units. Each is held here against an
independent reference: dateutil's relativedelta, ``date.isoformat``, the public functions the
short path stands for, figures worked out by hand.
"""

from __future__ import annotations

import calendar
import copy
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given
from hypothesis import strategies as st

from subcommerce.errors import InvalidAmount, InvalidArgument, InvalidQuantity
from subcommerce.layouts import change_quantity, refund_and_charge
from subcommerce.money import Money, money_from_units, units_of
from subcommerce.periods import Period, date_text, period_containing
from subcommerce.proration import (
    EXACT,
    PC_NCE_SEAT_CHANGE,
    LineKind,
    ProratedLine,
    ProrationConvention,
    credit_and_rebill,
    prorate,
)

any_day = st.dates(date(1, 1, 1), date(9999, 12, 31))
supported_days = st.dates(date(1900, 1, 1), date(2999, 12, 31))
late_anchors = st.builds(
    lambda year, month, day: date(year, month, min(day, calendar.monthrange(year, month)[1])),
    st.integers(1900, 2999),
    st.integers(1, 12),
    st.integers(28, 31),
)


@given(day=any_day)
@example(day=date(1, 1, 1))
@example(day=date(905, 1, 2))
@example(day=date(999, 12, 31))
@example(day=date(1000, 10, 10))
@example(day=date(9999, 12, 31))
def test_a_dates_text_is_its_isoformat(day: date) -> None:
    assert date_text(day) == day.isoformat()


@given(start=supported_days, days=st.integers(1, 1200))
def test_a_period_reads_as_its_two_iso_dates(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    assert str(Period(start, end)) == f"{start.isoformat()}..{end.isoformat()}"


@given(anchor=st.one_of(supported_days, late_anchors), when=supported_days)
@example(anchor=date(2024, 1, 31), when=date(2024, 2, 29))  # leap February, clamped
@example(anchor=date(2024, 1, 31), when=date(2100, 2, 28))  # 2100 is not a leap year
@example(anchor=date(2024, 1, 31), when=date(2000, 2, 29))  # 2000 is
@example(anchor=date(2024, 1, 31), when=date(1900, 3, 1))  # 1900 is not
@example(anchor=date(2024, 3, 31), when=date(2025, 1, 30))  # the period before is December's
@example(anchor=date(2024, 3, 31), when=date(2025, 12, 31))  # the next one ends in January
@example(anchor=date(2024, 1, 15), when=date(2025, 1, 14))
@example(anchor=date(2999, 12, 31), when=date(2999, 12, 31))
@example(anchor=date(1900, 1, 31), when=date(1900, 1, 1))
def test_a_monthly_period_is_the_month_relativedelta_counts_from_the_anchor(
    anchor: date, when: date
) -> None:
    """Months counted by relativedelta from the anchor, never chained: [anchor + k, anchor +
    k + 1 months) holds when, for every anchor day (29 to 31 above all) and day of the year."""
    k = (when.year - anchor.year) * 12 + when.month - anchor.month
    if anchor + relativedelta(months=k) > when:
        k -= 1
    period = period_containing(anchor, 1, when)
    assert type(period) is Period
    assert period.start == anchor + relativedelta(months=k)
    assert period.end == anchor + relativedelta(months=k + 1)
    assert when in period


PRICE = Money.of("36.00", "USD")
SPAN = Period(date(2026, 2, 28), date(2026, 3, 31))  # 31 days


def test_a_change_on_the_first_day_rebills_the_whole_span_at_the_new_quantity() -> None:
    """By hand: 100 x 36.00 for the 31 days is 3600.00, credited; 105 licenses from the first
    day cost 105 x 36.00 = 3780.00, one rebill of the whole span; the change nets 180.00."""
    original = prorate(PRICE, 100, SPAN)
    change = credit_and_rebill(original, SPAN.start, 105)
    assert [str(line.amount) for line in change.lines] == ["-3600.00 USD", "3780.00 USD"]
    assert change.rebills[0].span == SPAN
    assert change.net == Money.of("180.00", "USD")
    assert change.credit.note == "credit of the charge for 2026-02-28..2026-03-31"


@given(
    cents=st.integers(0, 10**6),
    old=st.integers(1, 300),
    new=st.integers(1, 300),
    day=st.integers(0, 30),
    layout=st.sampled_from([EXACT, PC_NCE_SEAT_CHANGE]),
)
def test_change_quantity_writes_what_its_layouts_function_writes(
    cents: int, old: int, new: int, day: int, layout: ProrationConvention
) -> None:
    original = prorate(Money.from_minor_units(cents, "USD"), old, SPAN, convention=layout)
    on = SPAN.start + timedelta(days=day)
    if layout is EXACT:
        expected: object = credit_and_rebill(original, on, new)
    else:
        expected = refund_and_charge(original, on, new)
    assert change_quantity(original, on, new) == expected


def test_an_original_whose_money_lost_its_units_is_changed_as_before() -> None:
    """A copied Money keeps its fields, not its minor units: the long way reads its Decimal."""
    original = prorate(PRICE, 100, SPAN)
    copied = copy.copy(original.amount)
    assert units_of(copied) is None
    assert units_of(original.amount) == 360000
    line = ProratedLine(
        original.kind,
        original.quantity,
        original.unit_price,
        original.service_period,
        original.span,
        copied,
        original.convention,
    )
    on = date(2026, 3, 15)
    assert credit_and_rebill(line, on, 105) == credit_and_rebill(original, on, 105)
    assert change_quantity(line, on, 105) == change_quantity(original, on, 105)


def _negative_charge() -> ProratedLine:
    return ProratedLine(
        LineKind.CHARGE, 1, PRICE, SPAN, SPAN, money_from_units(-100, PRICE.currency), EXACT
    )


def test_a_charge_below_zero_is_refused_by_either_way_in_with_its_own_words() -> None:
    with pytest.raises(InvalidAmount, match="only a charge or a rebill can be credited"):
        credit_and_rebill(_negative_charge(), date(2026, 3, 15), 2)
    with pytest.raises(InvalidArgument, match="only a charge or a rebill can be changed"):
        change_quantity(_negative_charge(), date(2026, 3, 15), 2)


def test_a_change_refuses_in_the_order_it_always_has() -> None:
    """credit_and_rebill names a bad new quantity before a bad convention; change_quantity
    names the convention first (it picks the layout from it); both name the original first."""
    original = prorate(PRICE, 100, SPAN)
    on = date(2026, 3, 15)
    with pytest.raises(InvalidQuantity):
        credit_and_rebill(original, on, 0, convention="exact")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="convention"):
        change_quantity(original, on, 0, convention="exact")  # type: ignore[arg-type]
    with pytest.raises(InvalidQuantity):
        change_quantity(original, on, 0)
    with pytest.raises(InvalidAmount, match="expected the original ProratedLine"):
        credit_and_rebill("a line", on, 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="expected the original ProratedLine"):
        change_quantity("a line", on, 0)  # type: ignore[arg-type]


@given(cents=st.integers(0, 10**6), quantity=st.integers(1, 1000), day=st.integers(1, 30))
def test_a_convention_equal_to_the_default_prorates_as_the_default_does(
    cents: int, quantity: int, day: int
) -> None:
    """The default convention is taken with one identity test; an equal one built anew goes
    the long way and must give the same line."""
    same = ProrationConvention(name=EXACT.name, source=EXACT.source)
    assert same == EXACT
    assert same is not EXACT
    price = Money.from_minor_units(cents, "USD")
    start = SPAN.start + timedelta(days=day)
    assert prorate(price, quantity, SPAN, start=start, convention=same) == prorate(
        price, quantity, SPAN, start=start
    )
