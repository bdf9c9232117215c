"""The billing calendar: month steps from the anchor, half-open periods, terms and frequencies.

dateutil's relativedelta is the reference for month arithmetic throughout.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given
from hypothesis import strategies as st

from strategies import dates, late_days, leap_days, month_ends, term_and_frequency
from subcommerce.errors import (
    DateOutsidePeriod,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
)
from subcommerce.periods import (
    BillingFrequency,
    Period,
    Term,
    add_months,
    billing_periods,
    check_date,
    days_in_month,
    period_containing,
    period_index,
)

MONTHLY = BillingFrequency.MONTHLY
ANNUAL = BillingFrequency.ANNUAL
ONCE = BillingFrequency.ONCE


def boundaries(anchor: date, term: Term, frequency: BillingFrequency, terms: int = 1) -> list[date]:
    """The start of every period and the end of the last one."""
    found = list(billing_periods(anchor, term, frequency, terms=terms))
    return [found[0].start, *(p.end for p in found)]


def contains_feb_29(period: Period) -> bool:
    return any(
        calendar.isleap(y) and date(y, 2, 29) in period
        for y in range(period.start.year, period.end.year + 1)
    )


# -- month steps and anchors (the pitfalls) ------------------------------------------------------


def test_jan_31_anchor_gives_feb_28_then_mar_31_and_apr_30_in_2025_not_mar_28() -> None:
    assert boundaries(date(2025, 1, 31), Term.P1Y, MONTHLY)[:5] == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]


def test_jan_31_anchor_gives_feb_29_in_a_leap_year_then_mar_31() -> None:
    assert boundaries(date(2024, 1, 31), Term.P1Y, MONTHLY)[:4] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


def test_day_31_anchor_bills_every_month_of_the_year_after_the_short_ones() -> None:
    """killbill#127: billing stopped after Feb 28 and Mar 31 for a day-31 anchor."""
    found = list(billing_periods(date(2025, 1, 31), Term.P1Y, MONTHLY))
    assert len(found) == 12
    assert [p.start.month for p in found] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert found[-1].end == date(2026, 1, 31)


def test_day_31_anchor_does_not_drift_to_the_29th_after_february() -> None:
    """polar#10664: 31 -> 29 -> 29 when each month is stepped from the previous clamped date."""
    ends = boundaries(date(2024, 1, 31), Term.P1Y, MONTHLY)
    assert [d.day for d in ends] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31]


def test_day_31_anchor_never_spills_into_the_next_month() -> None:
    """autumn PR #2115: May 31 + 1 month must be Jun 30, not Jul 1."""
    assert add_months(date(2025, 5, 31), 1) == date(2025, 6, 30)
    assert add_months(date(2025, 8, 31), 1) == date(2025, 9, 30)
    assert add_months(date(2025, 1, 31), 3) == date(2025, 4, 30)


def test_a_subscription_bought_on_the_last_day_of_march_renews_on_the_31st_when_there_is_one() -> (
    None
):
    """killbill#2133: an add-on created on the last day of the month was billed on the 30th."""
    ends = boundaries(date(2025, 3, 31), Term.P1Y, MONTHLY)
    assert ends[1:4] == [date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)]


def test_anniversary_on_the_30th_billed_in_advance_on_feb_29_covers_feb_29_to_mar_30() -> None:
    """lago-api PR #1840: it billed Jan 30-Feb 28 instead of Feb 29-Mar 29 (inclusive)."""
    period = period_containing(date(2024, 1, 30), 1, date(2024, 2, 29))
    assert period == Period(date(2024, 2, 29), date(2024, 3, 30))


def test_negative_month_steps_clamp_like_positive_ones() -> None:
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 15), -13) == date(2023, 12, 15)


def test_february_has_29_days_in_2000_and_2024_but_not_in_1900_or_2100() -> None:
    assert [days_in_month(y, 2) for y in (1900, 2000, 2024, 2025, 2100)] == [28, 29, 29, 28, 28]


# -- leap years and annual terms --------------------------------------------------------------


def test_annual_term_starting_mar_1_2023_holds_feb_29_2024_and_has_366_days() -> None:
    (year,) = billing_periods(date(2023, 3, 1), Term.P1Y, ANNUAL)
    assert year == Period(date(2023, 3, 1), date(2024, 3, 1))
    assert date(2024, 2, 29) in year
    assert year.days == 366


def test_annual_term_starting_mar_1_2024_has_365_days() -> None:
    (year,) = billing_periods(date(2024, 3, 1), Term.P1Y, ANNUAL)
    assert year.days == 365


def test_annual_term_starting_feb_29_2024_ends_on_feb_28_2025() -> None:
    """Feb 29 + 12 months clamps to Feb 28, so this year holds Feb 29 yet has 365 days."""
    (year,) = billing_periods(date(2024, 2, 29), Term.P1Y, ANNUAL)
    assert year == Period(date(2024, 2, 29), date(2025, 2, 28))
    assert year.days == 365
    assert Term.P1Y.end(date(2024, 2, 29)) == date(2025, 2, 28)


def test_annual_periods_from_a_feb_29_anchor_return_to_feb_29_in_each_leap_year() -> None:
    """lago-api PR #6173: yearly periods on Feb 29 overlapped or left gaps; no drift to the 28th."""
    ends = boundaries(date(2024, 2, 29), Term.P1Y, ANNUAL, terms=5)
    assert ends == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]
    # The period from 2027-02-28 to 2028-02-29 has 366 days: it ends on, not holds, Feb 29.
    assert [ends[i + 1] - ends[i] for i in range(5)] == [
        timedelta(d) for d in (365,) * 3 + (366, 365)
    ]


def test_three_year_term_billed_once_is_a_single_period() -> None:
    (whole,) = billing_periods(date(2024, 2, 29), Term.P3Y, ONCE)
    assert whole == Period(date(2024, 2, 29), date(2027, 2, 28))


def test_three_year_term_billed_annually_has_three_periods_and_monthly_thirty_six() -> None:
    assert len(list(billing_periods(date(2025, 1, 31), Term.P3Y, ANNUAL))) == 3
    assert len(list(billing_periods(date(2025, 1, 31), Term.P3Y, MONTHLY))) == 36


def test_one_month_term_cannot_be_billed_annually() -> None:
    with pytest.raises(InvalidPeriod, match="P1M") as caught:
        list(billing_periods(date(2025, 1, 1), Term.P1M, ANNUAL))
    assert isinstance(caught.value, ValueError)


def test_terms_and_frequencies_may_be_given_by_their_values() -> None:
    assert list(billing_periods(date(2025, 1, 31), "P1Y", "annual")) == [  # type: ignore[arg-type]
        Period(date(2025, 1, 31), date(2026, 1, 31))
    ]


def test_an_unknown_billing_frequency_is_refused_at_the_call_naming_it() -> None:
    with pytest.raises(InvalidPeriod, match="'weekly'"):
        billing_periods(date(2025, 1, 1), Term.P1Y, "weekly")  # type: ignore[arg-type]


def test_terms_must_be_a_whole_number_of_at_least_one() -> None:
    with pytest.raises(InvalidQuantity, match="0"):
        list(billing_periods(date(2025, 1, 1), Term.P1Y, MONTHLY, terms=0))


@pytest.mark.parametrize(("term", "months"), [(Term.P1M, 1), (Term.P1Y, 12), (Term.P3Y, 36)])
def test_terms_are_named_as_iso_8601_durations(term: Term, months: int) -> None:
    assert term.months == months
    assert Term(term.value) is term


# -- the Period value ---------------------------------------------------------------------------


def test_a_period_holds_its_start_and_not_its_end() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    assert january.days == 31
    assert date(2025, 1, 1) in january
    assert date(2025, 1, 31) in january
    assert date(2025, 2, 1) not in january
    assert date(2024, 12, 31) not in january
    assert str(january) == "2025-01-01..2025-02-01"


def test_consecutive_periods_touch_but_do_not_overlap() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    february = Period(date(2025, 2, 1), date(2025, 3, 1))
    assert not january.overlaps(february)
    assert january.overlaps(Period(date(2025, 1, 31), date(2025, 2, 2)))
    assert Period(date(2024, 1, 1), date(2026, 1, 1)).contains_period(january)
    assert not january.contains_period(february)


def test_a_period_that_ends_before_it_starts_is_refused_naming_both_dates() -> None:
    with pytest.raises(InvalidPeriod) as caught:
        Period(date(2025, 2, 1), date(2025, 1, 1))
    assert isinstance(caught.value, ValueError)
    assert "2025-01-01" in str(caught.value)
    assert "2025-02-01" in str(caught.value)


def test_an_empty_period_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match="2025-01-01"):
        Period(date(2025, 1, 1), date(2025, 1, 1))


def test_a_datetime_is_refused_where_a_date_is_needed_and_the_zone_is_mentioned() -> None:
    with pytest.raises(InvalidDate) as caught:
        Period(datetime(2025, 1, 1, 23, 30), date(2025, 2, 1))
    assert isinstance(caught.value, TypeError)
    assert "datetime" in str(caught.value)
    assert "time zone" in str(caught.value)


def test_asking_whether_a_datetime_is_in_a_period_is_refused() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    with pytest.raises(InvalidDate, match="datetime"):
        _ = datetime(2025, 1, 5, 12) in january
    assert "2025-01-05" not in january  # not a date at all: simply not in it


def test_a_string_is_not_a_date() -> None:
    with pytest.raises(InvalidDate, match="'2025-01-01'"):
        check_date("2025-01-01")


def test_check_within_refuses_a_date_outside_the_period_naming_it() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    assert january.check_within(date(2025, 1, 31), "change date") == date(2025, 1, 31)
    assert january.check_within(date(2025, 2, 1), "end", allow_end=True) == date(2025, 2, 1)
    with pytest.raises(DateOutsidePeriod) as caught:
        january.check_within(date(2025, 2, 1), "change date")
    assert isinstance(caught.value, ValueError)
    assert "change date 2025-02-01" in str(caught.value)


def test_anchors_and_dates_given_as_datetimes_are_refused_by_the_period_functions() -> None:
    with pytest.raises(InvalidDate):
        billing_periods(datetime(2025, 1, 1), Term.P1Y, MONTHLY)  # at the call, not later
    with pytest.raises(InvalidDate):
        period_containing(date(2025, 1, 1), 1, datetime(2025, 3, 1))


def test_months_per_period_must_be_at_least_one() -> None:
    with pytest.raises(InvalidQuantity, match="0"):
        period_containing(date(2025, 1, 1), 0, date(2025, 3, 1))


def test_period_containing_a_date_before_the_anchor_counts_backwards() -> None:
    anchor = date(2025, 1, 31)
    assert period_index(anchor, 1, date(2024, 12, 31)) == -1
    assert period_containing(anchor, 1, date(2024, 12, 31)) == Period(
        date(2024, 12, 31), date(2025, 1, 31)
    )
    assert period_containing(anchor, 1, date(2024, 12, 30)) == Period(
        date(2024, 11, 30), date(2024, 12, 31)
    )
    assert period_index(anchor, 1, date(2024, 11, 29)) == -3


# -- properties ---------------------------------------------------------------------------------


@given(anchor=dates(), months=st.integers(-1200, 1200))
@example(anchor=date(2025, 1, 31), months=1)
@example(anchor=date(2024, 1, 31), months=1)
@example(anchor=date(2024, 2, 29), months=12)
@example(anchor=date(2024, 2, 29), months=-12)
@example(anchor=date(2024, 3, 31), months=-1)
@example(anchor=date(1900, 1, 31), months=1)
@example(anchor=date(2000, 1, 31), months=1)
def test_add_months_equals_relativedelta_for_every_date_and_month_count(
    anchor: date, months: int
) -> None:
    """Property (d): every date from 1900 to 2200, every step of up to 100 years either way."""
    assert add_months(anchor, months) == anchor + relativedelta(months=months)


@given(anchor=dates(), plan=term_and_frequency(), terms=st.integers(1, 3))
@example(anchor=date(2025, 1, 31), plan=(Term.P1Y, MONTHLY), terms=1)
@example(anchor=date(2024, 2, 29), plan=(Term.P1Y, ANNUAL), terms=3)
@example(anchor=date(2023, 3, 1), plan=(Term.P1Y, ANNUAL), terms=1)
@example(anchor=date(2025, 8, 31), plan=(Term.P3Y, MONTHLY), terms=1)
def test_periods_from_any_anchor_tile_the_term_and_every_boundary_is_anchor_plus_k_months(
    anchor: date, plan: tuple[Term, BillingFrequency], terms: int
) -> None:
    """Property (d), every anchor, term and frequency.

    The periods are contiguous and non-empty (so they neither overlap nor leave a gap), the first
    starts at the anchor, the last ends at the end of the last term, and boundary k is
    anchor + relativedelta(months=k x step), never a step from the previous, clamped, boundary.
    """
    term, frequency = plan
    step = {MONTHLY: 1, ANNUAL: 12, ONCE: term.months}[frequency]
    found = list(billing_periods(anchor, term, frequency, terms=terms))
    assert len(found) == term.months * terms // step
    assert found[0].start == anchor
    assert found[-1].end == anchor + relativedelta(months=term.months * terms)
    for k, period in enumerate(found):
        assert period.start == anchor + relativedelta(months=k * step)
        assert period.end == anchor + relativedelta(months=(k + 1) * step)
        assert period.start < period.end
    for earlier, later in itertools.pairwise(found):
        assert earlier.end == later.start
        assert not earlier.overlaps(later)
    assert sum(p.days for p in found) == (found[-1].end - anchor).days


@given(anchor=dates(), months=st.sampled_from([1, 1, 3, 6, 12, 36]), when=dates())
@example(anchor=date(2024, 1, 30), months=1, when=date(2024, 2, 29))
@example(anchor=date(2025, 1, 31), months=1, when=date(2025, 2, 28))
@example(anchor=date(2025, 1, 31), months=1, when=date(2025, 2, 27))
@example(anchor=date(2024, 8, 31), months=3, when=date(2025, 2, 28))
@example(anchor=date(2024, 2, 29), months=12, when=date(2025, 2, 28))
@example(anchor=date(2024, 2, 29), months=12, when=date(2028, 2, 28))
def test_period_containing_holds_the_date_and_its_boundaries_are_anchor_plus_k_steps(
    anchor: date, months: int, when: date
) -> None:
    """Property (d): for any anchor, step of n months and date (before or after the anchor), the
    period holds the date and is [anchor + k n months, anchor + (k + 1) n months).
    """
    period = period_containing(anchor, months, when)
    k = period_index(anchor, months, when)
    assert when in period
    assert period.start == anchor + relativedelta(months=k * months)
    assert period.end == anchor + relativedelta(months=(k + 1) * months)


@given(anchor=st.one_of(dates(), month_ends(), late_days()), k=st.integers(0, 2000))
def test_every_monthly_period_starts_on_its_boundary_and_lasts_28_to_31_days(
    anchor: date, k: int
) -> None:
    """Never a fixed 30 days: the k-th monthly period from any anchor lasts a calendar month."""
    start = anchor + relativedelta(months=k)
    period = period_containing(anchor, 1, start)
    assert period.start == start
    assert 28 <= period.days <= 31


@given(
    anchor=st.one_of(dates(), month_ends()).filter(lambda d: (d.month, d.day) != (2, 29)),
    k=st.integers(0, 150),
)
def test_an_annual_period_has_366_days_exactly_when_it_holds_a_feb_29(anchor: date, k: int) -> None:
    """For every anchor except Feb 29. From a Feb 29 anchor, the year steps clamp to Feb 28 in
    common years, so the period starting 2024-02-29 holds Feb 29 with 365 days and the one from
    2027-02-28 to 2028-02-29 has 366 days without holding it (see the example tests above).
    """
    period = period_containing(anchor, 12, anchor + relativedelta(months=12 * k))
    assert period.days in (365, 366)
    assert (period.days == 366) == contains_feb_29(period)


@given(start=leap_days(), k=st.integers(0, 50))
def test_annual_periods_from_feb_29_stay_on_the_last_day_of_february(start: date, k: int) -> None:
    boundary = add_months(start, 12 * k)
    assert boundary.month == 2
    assert boundary.day == calendar.monthrange(boundary.year, 2)[1]


@given(start=dates(), plan=term_and_frequency())
def test_term_end_is_the_start_plus_the_term_in_months(
    start: date, plan: tuple[Term, BillingFrequency]
) -> None:
    term, _ = plan
    assert term.end(start) == start + relativedelta(months=term.months)


def test_a_terms_length_cannot_be_overwritten() -> None:
    with pytest.raises(AttributeError):
        Term.P1M.months = 2  # type: ignore[misc]
    assert Term.P1M.months == 1
