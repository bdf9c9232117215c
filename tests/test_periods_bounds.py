"""The calendar's limits: supported dates, month steps, terms; and typed refusals of bad input.

Supported dates run 1900-01-01..2999-12-31; a month step is at most 12,000 months; at most 100
consecutive terms are tiled. Over every supported anchor and every term, no period arithmetic
reaches ``datetime.date``'s year 10000. Each refusal's message is read whole.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subcommerce import (
    BillingFrequency,
    DateOutOfRange,
    InvalidArgument,
    InvalidChoice,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
    Period,
    Term,
    add_months,
    billing_periods,
    check_date,
    days_in_month,
    period_containing,
    period_index,
)
from subcommerce.periods import MAX_DATE, MAX_MONTHS, MAX_TERMS, MIN_DATE, check_boundary

JANUARY = Period(date(2025, 1, 1), date(2025, 2, 1))
# Every term with every frequency it can be billed at (a P1M term cannot be billed annually).
PAIRS = [
    (t, f)
    for t in Term
    for f in BillingFrequency
    if not (t is Term.P1M and f is BillingFrequency.ANNUAL)
]


def message(call: Any, error: type[Exception]) -> str:
    with pytest.raises(error) as caught:
        call()
    return str(caught.value)


def test_the_supported_dates_months_and_terms() -> None:
    assert (date(1900, 1, 1), date(2999, 12, 31)) == (MIN_DATE, MAX_DATE)
    assert (MAX_MONTHS, MAX_TERMS) == (12_000, 100)


def test_a_date_outside_the_supported_range_is_refused_where_it_comes_in() -> None:
    assert check_date(MIN_DATE) == MIN_DATE
    assert check_date(MAX_DATE) == MAX_DATE
    assert message(lambda: check_date(date(3000, 1, 1), "until"), DateOutOfRange) == (
        "until 3000-01-01 is outside the supported dates 1900-01-01 to 2999-12-31"
    )
    assert message(lambda: check_date(date(1899, 12, 31)), DateOutOfRange) == (
        "date 1899-12-31 is outside the supported dates 1900-01-01 to 2999-12-31"
    )
    assert message(lambda: period_containing(date(9999, 12, 31), 1, date(9999, 12, 31)), Exception)


class Day(date):
    """A subclass of date (not a datetime): accepted like a date, range and all."""


def test_a_date_subclass_is_held_to_the_same_range() -> None:
    assert check_date(Day(2025, 1, 1)) == date(2025, 1, 1)
    assert message(lambda: check_date(Day(3000, 1, 1), "start"), DateOutOfRange) == (
        "start 3000-01-01 is outside the supported dates 1900-01-01 to 2999-12-31"
    )


def test_a_datetime_or_a_string_is_not_a_date() -> None:
    assert message(lambda: check_date("2025-01-31", "anchor"), InvalidDate) == (
        "anchor must be a datetime.date, got str '2025-01-31'"
    )
    assert message(lambda: add_months("2025-01-31", 1), InvalidDate) == (  # type: ignore[arg-type]
        "anchor must be a datetime.date, got str '2025-01-31'"
    )
    assert "is a datetime" in message(lambda: add_months(datetime(2025, 1, 31), 1), InvalidDate)


def test_a_period_may_end_past_the_last_supported_date_but_not_near_year_10000() -> None:
    last = Period(date(2999, 12, 1), date(3000, 1, 1))  # the month after a supported start
    assert last.days == 31
    assert check_boundary(date(3999, 12, 31)) == date(3999, 12, 31)
    assert message(lambda: Period(date(2025, 1, 1), date(9999, 12, 31)), DateOutOfRange) == (
        "period end 9999-12-31 is outside what supported dates can reach (0900-01-01 to 3999-12-31)"
    )
    assert message(lambda: Period(date(1, 1, 1), date(2025, 1, 1)), DateOutOfRange) == (
        "period start 0001-01-01 is outside what supported dates can reach "
        "(0900-01-01 to 3999-12-31)"
    )
    assert check_boundary(date(900, 1, 1)) == date(900, 1, 1)
    with pytest.raises(DateOutOfRange):
        check_boundary(date(899, 12, 31))
    with pytest.raises(DateOutOfRange):
        check_boundary(date(4000, 1, 1))


def test_add_months_takes_at_most_12000_months_either_way() -> None:
    assert add_months(MAX_DATE, MAX_MONTHS) == date(3999, 12, 31)
    assert add_months(MIN_DATE, -MAX_MONTHS) == date(900, 1, 1)
    assert message(lambda: add_months(date(2025, 1, 31), 12_001), InvalidPeriod) == (
        "months must be a whole number from -12000 to 12000, got 12001"
    )
    assert message(lambda: add_months(date(2025, 1, 31), -12_001), InvalidPeriod) == (
        "months must be a whole number from -12000 to 12000, got -12001"
    )
    assert message(lambda: add_months(date(2025, 1, 31), 1.0), InvalidPeriod) == (  # type: ignore[arg-type]
        "months must be a whole number from -12000 to 12000, got 1.0"
    )
    assert message(lambda: add_months(date(2025, 1, 31), True), InvalidPeriod) == (
        "months must be a whole number from -12000 to 12000, got True"
    )


def test_add_months_past_year_9999_is_a_typed_error_never_a_value_error() -> None:
    # Only a date built outside the supported range can get there; it is still typed.
    assert message(lambda: add_months(date(9999, 12, 1), 1), DateOutOfRange) == (
        "9999-12-01 + 1 months is outside the supported dates"
    )
    assert message(lambda: add_months(date(1, 1, 31), -1), DateOutOfRange) == (
        "0001-01-31 + -1 months is outside the supported dates"
    )


@given(
    anchor=st.dates(MIN_DATE, MAX_DATE),
    when=st.dates(MIN_DATE, MAX_DATE),
    pair=st.sampled_from(PAIRS),
    terms=st.integers(1, MAX_TERMS),
)
def test_no_period_arithmetic_over_supported_dates_and_any_term_overflows(
    anchor: date, when: date, pair: tuple[Term, BillingFrequency], terms: int
) -> None:
    term, frequency = pair
    step = frequency.months(term)
    period = period_containing(anchor, step, when)
    assert period.start <= when < period.end
    assert period_index(anchor, MAX_MONTHS, when) in (-2, -1, 0, 1)  # 1,100 years apart at most
    assert period_containing(anchor, MAX_MONTHS, when).days > 0
    last = None
    for last in billing_periods(anchor, term, frequency, terms=terms):  # noqa: B007
        pass
    assert last is not None
    assert last.end == add_months(anchor, term.months * terms)


def test_the_last_period_of_the_longest_tiling_from_the_last_date_is_computed() -> None:
    periods = list(billing_periods(MAX_DATE, Term.P3Y, BillingFrequency.ONCE, terms=MAX_TERMS))
    assert (len(periods), periods[-1].end) == (100, date(3299, 12, 31))


def test_billing_periods_refuses_more_terms_than_the_limit() -> None:
    assert message(
        lambda: billing_periods(date(2025, 1, 1), Term.P1Y, BillingFrequency.MONTHLY, terms=101),
        InvalidQuantity,
    ) == ("terms must be a whole number from 1 to 100, got 101")
    assert message(
        lambda: billing_periods(date(2025, 1, 1), Term.P1Y, BillingFrequency.MONTHLY, terms=0),
        InvalidQuantity,
    ) == ("terms must be a whole number from 1 to 100, got 0")
    assert message(
        lambda: billing_periods(date(2025, 1, 1), "P9Y", BillingFrequency.MONTHLY),  # type: ignore[arg-type]
        InvalidPeriod,
    ) == ("unknown term 'P9Y'; expected one of P1M, P1Y, P3Y")
    assert message(
        lambda: billing_periods(date(2025, 1, 1), Term.P1Y, None),  # type: ignore[arg-type]
        InvalidPeriod,
    ) == ("unknown billing frequency None; expected one of monthly, annual, once")


def test_months_per_period_are_from_1_to_12000() -> None:
    for months in (0, 12_001):
        assert message(
            lambda m=months: period_containing(date(2025, 1, 1), m, date(2025, 3, 1)),
            InvalidQuantity,
        ) == (f"months per period must be from 1 to 12000, got {months}")
    assert message(
        lambda: period_index(date(2025, 1, 1), 1.5, date(2025, 3, 1)),  # type: ignore[arg-type]
        InvalidQuantity,
    ) == ("months per period must be an int, got 1.5")
    assert period_index(date(2025, 1, 31), 1, date(2025, 1, 30)) == -1
    assert period_index(date(2025, 1, 31), 12_000, date(2025, 1, 31)) == 0


def test_days_in_month_refuses_a_month_that_is_not_1_to_12() -> None:
    assert [days_in_month(2024, m) for m in (1, 2, 12)] == [31, 29, 31]
    assert days_in_month(1, 2) == 28
    assert days_in_month(9999, 12) == 31
    for month in (0, 13, "2", 2.0, True):
        assert message(lambda m=month: days_in_month(2025, m), InvalidPeriod) == (
            f"month must be a whole number from 1 to 12, got {month!r}"
        )
    for year in (0, 10_000, "2025", None):
        assert message(lambda y=year: days_in_month(y, 1), InvalidPeriod) == (
            f"year must be a whole number from 1 to 9999, got {year!r}"
        )


def test_a_period_compared_with_what_is_not_a_period_is_refused() -> None:
    for other in (None, "2025-01", date(2025, 1, 1)):
        assert message(lambda o=other: JANUARY.overlaps(o), InvalidArgument) == (
            f"expected a Period, got {other!r}"
        )
        assert message(lambda o=other: JANUARY.contains_period(o), InvalidArgument) == (
            f"expected a Period, got {other!r}"
        )
    assert JANUARY.overlaps(Period(date(2025, 1, 31), date(2025, 3, 1)))
    assert not JANUARY.overlaps(Period(date(2025, 2, 1), date(2025, 3, 1)))
    assert not Period(date(2025, 2, 1), date(2025, 3, 1)).overlaps(JANUARY)
    assert JANUARY.contains_period(Period(date(2025, 1, 1), date(2025, 1, 2)))
    assert not JANUARY.contains_period(Period(date(2024, 12, 31), date(2025, 1, 2)))
    assert not JANUARY.contains_period(Period(date(2025, 1, 31), date(2025, 2, 2)))


def test_check_within_names_the_date_and_the_bracket() -> None:
    assert JANUARY.check_within(date(2025, 2, 1), "end", allow_end=True) == date(2025, 2, 1)
    assert message(lambda: JANUARY.check_within(date(2025, 2, 1), "cut"), Exception) == (
        "cut 2025-02-01 is outside [2025-01-01..2025-02-01)"
    )
    assert message(
        lambda: JANUARY.check_within(date(2025, 2, 2), "end", allow_end=True), Exception
    ) == ("end 2025-02-02 is outside [2025-01-01..2025-02-01]")
    assert message(lambda: JANUARY.check_within(date(2024, 12, 31), "start"), Exception) == (
        "start 2024-12-31 is outside [2025-01-01..2025-02-01)"
    )


def test_a_period_end_not_after_its_start_is_refused_with_both_dates() -> None:
    assert message(lambda: Period(date(2025, 2, 1), date(2025, 2, 1)), InvalidPeriod) == (
        "period end 2025-02-01 is not after its start 2025-02-01"
    )
    assert date(2025, 1, 1) in JANUARY
    assert date(2025, 2, 1) not in JANUARY
    assert "x" not in JANUARY
    assert message(lambda: datetime(2025, 1, 2) in JANUARY, InvalidDate).startswith(
        "date datetime.datetime(2025, 1, 2, 0, 0) is a datetime"
    )


def test_terms_and_frequencies_refuse_what_they_are_not() -> None:
    assert message(lambda: Term("P2Y"), InvalidChoice) == (
        "'P2Y' is not a Term; expected one of P1M, P1Y, P3Y"
    )
    assert message(lambda: BillingFrequency.MONTHLY.months("P1Y"), InvalidPeriod) == (  # type: ignore[arg-type]
        "expected a Term such as Term.P1Y, got 'P1Y'"
    )
    assert message(lambda: BillingFrequency.ANNUAL.months(Term.P1M), InvalidPeriod) == (
        "a P1M term cannot be billed annual"
    )
    assert [BillingFrequency.ONCE.months(t) for t in Term] == [1, 12, 36]
    assert [BillingFrequency.MONTHLY.months(t) for t in Term] == [1, 1, 1]
    assert BillingFrequency.ANNUAL.months(Term.P3Y) == 12
    assert Term.P1Y.end(date(2024, 2, 29)) == date(2025, 2, 28)
    assert message(lambda: Term.P1Y.end(date(3000, 1, 1)), DateOutOfRange) == (
        "term start 3000-01-01 is outside the supported dates 1900-01-01 to 2999-12-31"
    )


def test_a_month_step_from_the_anchor_never_chains_even_at_the_range_ends() -> None:
    assert add_months(date(2999, 1, 31), 1) == date(2999, 2, 28)
    assert add_months(date(2999, 1, 31), 11) == date(2999, 12, 31)
    assert add_months(date(1900, 3, 31), -1) == date(1900, 2, 28)  # 1900 is not a leap year
    assert add_months(date(2000, 3, 31), -1) == date(2000, 2, 29)
    assert add_months(date(2025, 1, 28), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 29), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 5, 31), 1) == date(2025, 6, 30)
    assert date(2025, 1, 1) + timedelta(days=0) == add_months(date(2025, 1, 1), 0)


def test_the_first_and_last_supported_dates_are_accepted_whatever_their_class() -> None:
    assert check_date(Day(1900, 1, 1)) == MIN_DATE
    assert check_date(Day(2999, 12, 31)) == MAX_DATE
    assert message(lambda: check_date(Day(1899, 12, 31)), DateOutOfRange).startswith(
        "date 1899-12-31 is outside"
    )
    assert message(lambda: check_boundary("2025-01-01", "period end"), InvalidDate) == (
        "period end must be a datetime.date, got str '2025-01-01'"
    )
    assert check_boundary(Day(2025, 1, 1)) == date(2025, 1, 1)


def test_each_period_function_names_the_argument_that_is_not_a_date() -> None:
    for call in (
        lambda: period_index("2025-01-01", 1, date(2025, 1, 1)),
        lambda: period_containing("2025-01-01", 1, date(2025, 1, 1)),
        lambda: billing_periods("2025-01-01", Term.P1Y, BillingFrequency.MONTHLY),
    ):
        assert message(call, InvalidDate) == "anchor must be a datetime.date, got str '2025-01-01'"
    for call in (
        lambda: period_index(date(2025, 1, 1), 1, None),
        lambda: period_containing(date(2025, 1, 1), 1, None),
    ):
        assert message(call, InvalidDate) == "date must be a datetime.date, got NoneType None"
    assert message(
        lambda: billing_periods(date(2025, 1, 1), Term.P1Y, BillingFrequency.MONTHLY, terms=True),
        InvalidQuantity,
    ) == ("terms must be a whole number from 1 to 100, got True")
    assert message(lambda: JANUARY.check_within("x", "cut"), InvalidDate) == (
        "cut must be a datetime.date, got str 'x'"
    )


def test_a_period_contains_itself_and_its_own_first_day() -> None:
    assert JANUARY.contains_period(JANUARY)
    assert JANUARY.check_within(date(2025, 1, 1), "start") == date(2025, 1, 1)
    assert JANUARY.check_within(date(2025, 1, 31), "start") == date(2025, 1, 31)
