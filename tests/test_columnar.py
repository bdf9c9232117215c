"""The columnar exact path: equal to the scalar engine line by line, or refused.

Expected values in the examples come from the documents (Partner Center's billing scenarios, the
calendar) or by hand; the properties hold the columnar path equal, line by line, to the scalar
engine (``period_containing``, ``prorate``, ``credit_and_rebill``), an independent
implementation, for every convention it supports.
"""

from __future__ import annotations

import calendar
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from reference import reference_round, whole_units
from strategies import (
    conventions,
    cut_dates,
    dates,
    known_currencies,
    periods,
    quantities,
    round_once_conventions,
    rounding_modes,
    sub_periods,
)
from subcommerce.columnar import (
    check_columnar_convention,
    credit_and_rebill_nets,
    periods_containing,
    prorate_columns,
    prorate_to_period_end,
    round_ratios,
)
from subcommerce.errors import (
    ColumnOverflow,
    DateOutsidePeriod,
    InexactAmount,
    InvalidAmount,
    InvalidArgument,
    InvalidColumn,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
    SubcommerceError,
    UnknownCurrency,
    UnsupportedConvention,
)
from subcommerce.money import Currency, Money, RoundingMode, round_ratio
from subcommerce.periods import Period, period_containing
from subcommerce.proration import (
    EXACT,
    MAX_QUANTITY,
    MAX_RATE_PLACES,
    PC_LEGACY_ANNUAL,
    PC_LEGACY_DAILY_RATE_2,
    PC_LEGACY_DAILY_RATE_3,
    PC_LEGACY_PER_LICENSE,
    PC_NCE,
    PRESETS,
    DayCount,
    ProratedLine,
    ProrationConvention,
    RebillMethod,
    credit_and_rebill,
    prorate,
    split,
)


def days(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[D]")


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def spans(periods_: object) -> list[str]:
    return [str(p) for p in periods_]  # type: ignore[attr-defined]


# -- the calendar, as the documents state it ----------------------------------------------------


def test_a_jan_31_anchor_bills_feb_28_then_mar_31_then_apr_30_never_drifting() -> None:
    when = days("2025-02-10", "2025-03-05", "2025-04-15", "2025-05-01")
    assert spans(periods_containing(day("2025-01-31"), 1, when)) == [
        "2025-01-31..2025-02-28",
        "2025-02-28..2025-03-31",
        "2025-03-31..2025-04-30",
        "2025-04-30..2025-05-31",
    ]


def test_a_jan_31_anchor_bills_feb_29_in_a_leap_year() -> None:
    periods_ = periods_containing(day("2024-01-31"), 1, days("2024-02-29", "2024-03-30"))
    assert spans(periods_) == ["2024-02-29..2024-03-31", "2024-02-29..2024-03-31"]
    assert periods_.days.tolist() == [31, 31]


def test_the_day_before_a_late_anchor_day_belongs_to_the_previous_period() -> None:
    # Anchor on the 30th: Mar 29 is still in the period that started on Feb 28.
    assert spans(periods_containing(day("2025-01-30"), 1, days("2025-03-29", "2025-03-30"))) == [
        "2025-02-28..2025-03-30",
        "2025-03-30..2025-04-30",
    ]


def test_annual_periods_from_feb_29_end_on_feb_28_and_come_back_to_feb_29_in_leap_years() -> None:
    when = days("2024-03-01", "2025-03-01", "2028-02-28", "2028-02-29")
    assert spans(periods_containing(day("2024-02-29"), 12, when)) == [
        "2024-02-29..2025-02-28",
        "2025-02-28..2026-02-28",
        "2027-02-28..2028-02-29",
        "2028-02-29..2029-02-28",
    ]


def test_dates_before_the_anchor_lie_in_periods_counted_backwards_from_it() -> None:
    assert spans(periods_containing(day("2025-03-31"), 1, days("2025-03-30", "2024-12-31"))) == [
        "2025-02-28..2025-03-31",
        "2024-12-31..2025-01-31",
    ]


def test_every_anchor_and_months_per_period_may_differ_from_line_to_line() -> None:
    periods_ = periods_containing(
        days("2025-01-31", "2025-01-31", "2023-05-31"), [1, 3, 36], day("2025-06-15")
    )
    assert spans(periods_) == [
        "2025-05-31..2025-06-30",
        "2025-04-30..2025-07-31",
        "2023-05-31..2026-05-31",
    ]


def test_every_day_from_year_1_to_9999_starts_its_own_monthly_period() -> None:
    every_day = np.arange(date(1, 1, 1), date(9999, 12, 1), dtype="datetime64[D]")
    periods_ = periods_containing(every_day, 1, every_day)
    assert bool((periods_.start == every_day).all())


def test_every_month_end_from_year_1_to_9999_steps_to_the_next_month_end_or_its_own_day() -> None:
    ends, expected = [], []
    for year in range(1, 9999):
        for month in range(1, 13):
            ends.append(date(year, month, calendar.monthrange(year, month)[1]))
            following = (year + month // 12, month % 12 + 1)
            last = calendar.monthrange(*following)[1]
            expected.append(date(*following, min(ends[-1].day, last)))
    anchors = np.array(ends, dtype="datetime64[D]")
    assert periods_containing(anchors, 1, anchors).end.tolist() == expected


# -- proration, from the documents --------------------------------------------------------------


def test_5_licenses_from_the_15th_of_a_31_day_month_cost_17_31_of_the_month() -> None:
    # 5 x 36.00 x 17/31 = 98.709677... -> 98.71; the whole month 180.00.
    lines = prorate_columns(
        3600, 5, day("2025-03-01"), day("2025-04-01"), days("2025-03-15", "2025-03-01"),
        currency="USD",
    )  # fmt: skip
    assert lines.amount_units.tolist() == [9871, 18000]
    assert (lines.days.tolist(), lines.period_days.tolist()) == ([17, 31], [31, 31])


def test_the_same_17_days_of_a_30_day_june_cost_17_30_of_the_month() -> None:
    lines = prorate_to_period_end(day("2025-01-01"), 1, day("2025-06-14"), 3600, 5, currency="USD")
    assert lines.amount_units.tolist() == [10200]  # 5 x 36.00 x 17/30 = 102.00


def test_licenses_bought_on_feb_14_of_a_jan_31_anchor_cost_their_share_of_a_28_day_month() -> None:
    # 5 x 36.00 x 14/28 = 90.00 (Feb 14 to Feb 28); bought on the anchor day: the whole month.
    lines = prorate_to_period_end(
        day("2025-01-31"), 1, days("2025-02-14", "2025-03-31"), 3600, 5, currency="USD"
    )
    assert spans(lines.periods) == ["2025-01-31..2025-02-28", "2025-03-31..2025-04-30"]
    assert lines.amount_units.tolist() == [9000, 18000]


def test_zero_and_three_decimal_currencies_round_to_their_own_minor_units() -> None:
    # 1000 JPY x 17/31 = 548.387... -> 548 JPY; 1.000 KWD x 17/31 = 0.548387... -> 0.548 KWD.
    lines = prorate_columns(
        [1000, 1000], 1, day("2025-01-01"), day("2025-02-01"), day("2025-01-15"),
        currency=["JPY", "KWD"], price_places=None,
    )  # fmt: skip
    assert lines.amount_units.tolist() == [548, 548]
    assert prorate_columns(
        [1000], 1, day("2025-01-01"), day("2025-02-01"), day("2025-01-15"), currency="KWD",
        price_places=0,
    ).amount_units.tolist() == [548387]  # fmt: skip


def test_a_unit_price_finer_than_the_minor_unit_is_given_with_its_places() -> None:
    # 0.1234 USD x 1000 licenses x 10/31 = 39.806451... -> 39.81
    lines = prorate_columns(
        1234, 1000, day("2025-01-01"), day("2025-02-01"), end=day("2025-01-11"),
        currency="USD", price_places=4,
    )  # fmt: skip
    assert lines.amount_units.tolist() == [3981]


def test_pc_legacy_annual_reproduces_the_211_20_add_a_license_invoice_lines() -> None:
    """211.20 a year from 2017-02-11: 0.58 (1 day), 31.25 (2 licenses, 27 days), 390.00 (2
    licenses, 337 days), each over the 365 days of the year, half-up."""
    lines = prorate_columns(
        21120, [1, 2, 2], day("2017-02-11"), day("2018-02-11"),
        days("2017-02-11", "2017-02-12", "2017-03-11"),
        days("2017-02-12", "2017-03-11", "2018-02-11"),
        currency="USD", convention=PC_LEGACY_ANNUAL,
    )  # fmt: skip
    assert lines.amount_units.tolist() == [58, 3125, 39000]


def test_pc_legacy_daily_rate_2_reproduces_19_and_346_days_at_0_13_a_day() -> None:
    """48.00 a year from 2018-01-13, 1 -> 2 licenses on 2018-02-01: 19 x 0.13 = 2.47,
    346 x 0.13 x 2 = 89.96, net 2.47 + 89.96 - 48.00 = 44.43; 318 days from Mar 1 = 41.34."""
    year = day("2018-01-13"), day("2019-01-13")
    conv = PC_LEGACY_DAILY_RATE_2
    lines = prorate_columns(
        4800, [1, 2, 1], *year, days("2018-01-13", "2018-02-01", "2018-03-01"),
        days("2018-02-01", "2019-01-13", "2019-01-13"), currency="USD", convention=conv,
    )  # fmt: skip
    assert lines.amount_units.tolist() == [247, 8996, 4134]
    nets = credit_and_rebill_nets(4800, 1, 2, *year, day("2018-02-01"), currency="USD",
                                  convention=conv)  # fmt: skip
    assert nets.tolist() == [247 + 8996 - 4800]


def test_pc_legacy_daily_rate_3_uses_4_31_or_4_28_of_the_actual_month() -> None:
    """4.00 a month from 2018-01-13: 19 days of the 31-day period at 0.129 = 2.45; 12 days of
    the 28-day period from 2018-02-13 at 0.143 = 1.72."""
    lines = prorate_to_period_end(
        day("2018-01-13"), 1, days("2018-01-13", "2018-03-01"), 400, 1, currency="USD",
        convention=PC_LEGACY_DAILY_RATE_3,
    )  # fmt: skip
    assert lines.amount_units.tolist() == [400, 172]
    first = prorate_columns(400, 1, day("2018-01-13"), day("2018-02-13"), end=day("2018-02-01"),
                            currency="USD", convention=PC_LEGACY_DAILY_RATE_3)  # fmt: skip
    assert first.amount_units.tolist() == [245]


def test_pc_legacy_per_license_rounds_4_30_x_29_to_3_87_before_the_quantity() -> None:
    """(4/30) x 29 = 3.87 per license, so 2 licenses cost 7.74, where rounding once gives 7.73."""
    service = day("2019-06-10"), day("2019-07-10")
    start = day("2019-06-11")
    rounded_first = prorate_columns(400, 2, *service, start, currency="USD",
                                    convention=PC_LEGACY_PER_LICENSE)  # fmt: skip
    once = prorate_columns(400, 2, *service, start, currency="USD")
    assert (rounded_first.amount_units.tolist(), once.amount_units.tolist()) == ([774], [773])


def test_pc_nce_truncates_the_per_license_price_to_cents_before_the_quantity() -> None:
    # 12.50 x 17/30 = 7.0833... per license, truncated to 7.08, x 10 = 70.80.
    lines = prorate_columns(1250, 10, day("2025-06-01"), day("2025-07-01"), day("2025-06-14"),
                            currency="USD", convention=PC_NCE)  # fmt: skip
    assert lines.amount_units.tolist() == [7080]


def test_5_more_licenses_on_the_15th_of_january_net_98_71_and_5_fewer_net_minus_98_71() -> None:
    # 5 x 36.00 x 17/31 = 98.709677... rounded once, either way.
    nets = credit_and_rebill_nets(
        3600, 100, [105, 95, 100], day("2025-01-01"), day("2025-02-01"), day("2025-01-15"),
        currency="USD",
    )  # fmt: skip
    assert nets.tolist() == [9871, -9871, 0]


def test_results_are_read_only_columns() -> None:
    lines = prorate_to_period_end(day("2025-01-31"), 1, day("2025-02-14"), 3600, 5, currency="USD")
    for column in (lines.amount_units, lines.days, lines.period_days, lines.periods.start):
        with pytest.raises(ValueError, match="read-only"):
            column[0] = 0


def test_a_pandas_style_nanosecond_column_of_midnights_is_a_date_column() -> None:
    midnights = np.array(["2025-02-14T00:00", "2025-03-31T00:00"], dtype="datetime64[ns]")
    lines = prorate_to_period_end(day("2025-01-31"), 1, midnights, 3600, 5, currency="USD")
    assert lines.amount_units.tolist() == [9000, 18000]


def test_a_list_of_python_dates_is_a_date_column() -> None:
    periods_ = periods_containing([date(2025, 1, 31)], 1, [date(2025, 2, 14)])
    assert periods_.period(0) == Period(date(2025, 1, 31), date(2025, 2, 28))


def test_a_column_of_currencies_may_hold_custom_currencies_with_their_own_exponent() -> None:
    # 100 units of a 4-decimal currency x 17/31 = 54.838... -> 55; 100 JPY x 17/31 -> 55 JPY.
    lines = prorate_columns(
        100, 1, day("2025-01-01"), day("2025-02-01"), day("2025-01-15"),
        currency=np.array([Currency("XAA", 4), "JPY"], dtype=object), price_places=0,
    )  # fmt: skip
    assert lines.amount_units.tolist() == [548_387, 55]


def test_empty_columns_give_empty_results() -> None:
    none = np.array([], dtype="datetime64[D]")
    nothing = np.array([], dtype=np.int64)
    assert len(periods_containing(none, 1, none)) == 0
    assert (
        prorate_to_period_end(none, 1, none, nothing, nothing, currency="USD").amount_units.size
        == 0
    )
    assert (
        credit_and_rebill_nets(nothing, nothing, nothing, none, none, none, currency="USD").size
        == 0
    )


def test_the_columns_of_a_pandas_frame_are_columns() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "anchor": pd.to_datetime(["2025-01-31", "2024-01-31"]),
            "bought": pd.to_datetime(["2025-02-14", "2024-02-15"]),
            "price_cents": [3600, 3600],
            "seats": [5, 5],
        }
    )
    lines = prorate_to_period_end(
        frame["anchor"], 1, frame["bought"], frame["price_cents"], frame["seats"], currency="USD"
    )
    # 5 x 36.00 x 14/28 = 90.00; 5 x 36.00 x 14/29 = 86.896... -> 86.90
    assert lines.amount_units.tolist() == [9000, 8690]


# -- refusals: typed, naming the culprit, never a wrapped or approximated value -----------------


def test_a_float_price_column_is_refused_as_inexact() -> None:
    with pytest.raises(InexactAmount, match="unit_price"):
        prorate_columns([36.0], 1, day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_a_quantity_below_1_is_refused_naming_its_line() -> None:
    with pytest.raises(InvalidQuantity, match=r"quantity\[1\] is 0"):
        prorate_columns(3600, [5, 0], day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_a_negative_price_is_refused_naming_its_line() -> None:
    with pytest.raises(InvalidAmount, match=r"unit_price\[2\] is -1"):
        prorate_columns([1, 2, -1], 1, day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_a_decimal_in_a_price_column_is_refused_as_inexact_asking_for_minor_units() -> None:
    with pytest.raises(InexactAmount, match=r"unit_price\[0\].*minor units"):
        prorate_columns([Decimal("36.00")], 1, day("2025-01-01"), day("2025-02-01"),
                        currency="USD")  # fmt: skip


def test_boolean_quantities_are_refused() -> None:
    with pytest.raises(InvalidQuantity, match="booleans"):
        prorate_columns(3600, [True], day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_a_time_of_day_is_refused_as_not_a_calendar_date() -> None:
    noon = np.array(["2025-02-14T12:00"], dtype="datetime64[s]")
    with pytest.raises(InvalidDate, match=r"start\[0\].*time of day"):
        prorate_to_period_end(day("2025-01-31"), 1, noon, 3600, 5, currency="USD")


def test_a_datetime_among_python_dates_is_refused() -> None:
    with pytest.raises(InvalidDate, match=r"when\[1\].*datetime"):
        periods_containing(date(2025, 1, 31), 1, [date(2025, 2, 1), datetime(2025, 2, 2)])


def test_a_missing_date_is_refused() -> None:
    with pytest.raises(InvalidDate, match=r"anchors\[1\] is NaT"):
        periods_containing(days("2025-01-31", "NaT"), 1, day("2025-02-01"))


def test_a_date_beyond_year_9999_is_refused() -> None:
    with pytest.raises(InvalidDate, match="years 1 to 9999"):
        periods_containing(days("10000-01-01"), 1, day("2025-02-01"))


def test_a_period_that_would_end_after_year_9999_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match="line 0 would end outside the years 1 to 9999"):
        periods_containing(day("9999-12-15"), 1, day("9999-12-20"))


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(InvalidColumn, match="quantity has 3 lines but unit_price has 2"):
        prorate_columns([1, 2], [1, 2, 3], day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_a_two_dimensional_column_is_refused() -> None:
    with pytest.raises(InvalidColumn, match="1-D"):
        prorate_columns([[1]], 1, day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_an_unknown_currency_code_is_refused_naming_its_line() -> None:
    with pytest.raises(UnknownCurrency, match=r"currency\[1\] 'XYZ'"):
        prorate_columns(1, 1, day("2025-01-01"), day("2025-02-01"), currency=["USD", "XYZ"])


def test_a_span_outside_its_period_is_refused() -> None:
    with pytest.raises(DateOutsidePeriod, match=r"start\[0\] 2025-02-01 is outside"):
        prorate_columns(1, 1, day("2025-01-01"), day("2025-02-01"), day("2025-02-01"),
                        currency="USD")  # fmt: skip


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match=r"end\[0\] 2025-01-10 is not after start\[0\]"):
        prorate_columns(1, 1, day("2025-01-01"), day("2025-02-01"), day("2025-01-20"),
                        day("2025-01-10"), currency="USD")  # fmt: skip


def test_a_change_date_outside_the_charged_span_is_refused() -> None:
    with pytest.raises(DateOutsidePeriod, match=r"change_date\[0\] 2025-02-01"):
        credit_and_rebill_nets(1, 1, 2, day("2025-01-01"), day("2025-02-01"), day("2025-02-01"),
                               currency="USD")  # fmt: skip


def test_zero_months_per_period_is_refused() -> None:
    with pytest.raises(InvalidQuantity, match="months_per_period"):
        periods_containing(day("2025-01-31"), 0, day("2025-02-01"))


def test_amounts_that_would_overflow_64_bit_integers_are_refused_naming_the_line() -> None:
    with pytest.raises(ColumnOverflow, match="on line 1"):
        prorate_columns([1, 10**15], [1, 10**6], day("2025-01-01"), day("2025-02-01"),
                        currency="USD")  # fmt: skip


def test_python_ints_beyond_64_bits_are_refused() -> None:
    with pytest.raises(ColumnOverflow, match="does not fit in int64"):
        prorate_columns([2**70], 1, day("2025-01-01"), day("2025-02-01"), currency="USD")


def test_a_convention_subclass_is_refused_rather_than_guessed() -> None:
    class Custom(ProrationConvention):
        pass

    with pytest.raises(UnsupportedConvention, match="Custom"):
        check_columnar_convention(Custom("custom"))


def test_a_convention_with_a_mode_that_is_not_a_rounding_mode_cannot_even_be_built() -> None:
    with pytest.raises(InvalidArgument, match=r"mode must be a RoundingMode"):
        ProrationConvention("odd-mode", mode="banker's")  # type: ignore[arg-type]


def test_a_daily_rate_rounded_beyond_18_decimals_is_refused_by_name() -> None:
    fine = ProrationConvention("very-fine", daily_rate_places=19)
    with pytest.raises(UnsupportedConvention, match=r"'very-fine'.*19 decimals"):
        prorate_columns(1, 1, day("2025-01-01"), day("2025-02-01"), currency="USD",
                        convention=fine)  # fmt: skip


def test_every_preset_is_supported() -> None:
    assert [check_columnar_convention(c) for c in PRESETS.values()] == list(PRESETS.values())


def _run_without_numpy(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where ``import numpy`` fails."""
    prelude = "import sys\nsys.modules['numpy'] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_numpy_every_columnar_call_says_which_extra_to_install() -> None:
    result = _run_without_numpy(
        """
        from datetime import date
        from subcommerce import *  # every lazy name resolves, numpy or not
        from subcommerce.errors import MissingExtra
        calls = {
            "periods_containing": lambda: periods_containing(
                date(2025, 1, 31), 1, date(2025, 2, 1)),
            "prorate_columns": lambda: prorate_columns(1, 1, date(2025, 1, 1), date(2025, 2, 1),
                                                       currency="USD"),
            "prorate_to_period_end": lambda: prorate_to_period_end(
                date(2025, 1, 31), 1, date(2025, 2, 1), 1, 1, currency="USD"),
            "credit_and_rebill_nets": lambda: credit_and_rebill_nets(
                1, 1, 2, date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 2), currency="USD"),
            "round_ratios": lambda: round_ratios([1], [2], RoundingMode.HALF_EVEN),
        }
        for name, call in calls.items():
            try:
                call()
            except MissingExtra as error:
                assert isinstance(error, ImportError)
                print(name, error)
            else:
                raise AssertionError(name + " ran without numpy")
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all('pip install "subcommerce[columnar]"' in line for line in lines), lines


def test_importing_subcommerce_does_not_import_numpy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys, subcommerce; print('numpy' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


# -- properties: line by line, the scalar engine ------------------------------------------------

MONTHS = st.one_of(st.sampled_from([1, 3, 12, 36]), st.integers(1, 40))


@st.composite
def calendar_lines(draw: st.DrawFn) -> list[tuple[date, int, date]]:
    """Lines of (anchor, months per period, day): month ends, Feb 29 and day-31 anchors often."""
    line = st.tuples(dates(1900, 2200), MONTHS, dates(1900, 2200))
    return draw(st.lists(line, min_size=1, max_size=20))


JAN_31_LINES = [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 1, 31), 1, date(2025, 3, 30)),
]


@given(calendar_lines())
@example(JAN_31_LINES)
@example([(date(2024, 2, 29), 12, date(2100, 2, 28)), (date(2000, 3, 31), 3, date(1900, 6, 30))])
def test_periods_containing_equals_period_containing_line_by_line(
    lines: list[tuple[date, int, date]],
) -> None:
    anchors, months, when = zip(*lines, strict=True)
    got = periods_containing(list(anchors), list(months), list(when))
    assert list(got) == [period_containing(*line) for line in lines]


@st.composite
def prices(draw: st.DrawFn, lines: int) -> tuple[Currency, int, list[int]]:
    """One currency (0, 2, 3 or 4 decimals), a number of price decimals (its own, or 2 more) and
    integer prices at those decimals: zero, tiny and large ones."""
    cur = draw(known_currencies())
    places = cur.exponent + draw(st.sampled_from([0, 0, 2]))
    limit = draw(st.sampled_from([10, 10_000, 10_000_000]))
    units = draw(st.lists(st.integers(0, limit), min_size=lines, max_size=lines))
    return cur, places, units


def money(units: int, places: int, cur: Currency) -> Money:
    return Money(Decimal(units).scaleb(-places), cur)


#: A batch: lines of (anchor, months, start), the currency, price decimals, prices, quantities.
Batch = tuple[list[tuple[date, int, date]], Currency, int, list[int], list[int]]


@st.composite
def calendar_batches(draw: st.DrawFn) -> Batch:
    lines = draw(calendar_lines())
    cur, places, units = draw(prices(len(lines)))
    counts = draw(st.lists(quantities(), min_size=len(lines), max_size=len(lines)))
    return lines, cur, places, units, counts


USD = Currency.of("USD")
JAN_31_BATCH: Batch = (JAN_31_LINES, USD, 2, [3600, 3600], [5, 5])
TINY_PRICES_BATCH: Batch = (
    [(date(2023, 5, 31), 12, date(2024, 2, 29)), (date(2024, 2, 29), 36, date(2024, 3, 1))],
    Currency.of("KWD"),
    5,
    [1, 7],
    [1, 99_999],
)


@given(calendar_batches(), conventions())
@example(JAN_31_BATCH, EXACT)
@example(JAN_31_BATCH, PC_LEGACY_DAILY_RATE_3)
@example(TINY_PRICES_BATCH, PC_LEGACY_DAILY_RATE_2)
@example(TINY_PRICES_BATCH, PC_NCE)
def test_prorate_to_period_end_equals_the_scalar_engine_line_by_line(
    batch: Batch, convention: ProrationConvention
) -> None:
    lines, cur, places, units, counts = batch
    anchors, months, starts = zip(*lines, strict=True)
    got = prorate_to_period_end(
        np.array(anchors, dtype="datetime64[D]"),
        np.array(months),
        np.array(starts, dtype="datetime64[D]"),
        np.array(units),
        np.array(counts),
        currency=cur,
        price_places=places,
        convention=convention,
    )
    for i, (anchor, n, start) in enumerate(lines):
        period = period_containing(anchor, n, start)
        price = money(units[i], places, cur)
        line = prorate(price, counts[i], period, start=start, convention=convention)
        assert got.periods.period(i) == period
        assert (int(got.days[i]), int(got.period_days[i])) == (line.days, line.period_days)
        assert Money.from_minor_units(int(got.amount_units[i]), cur) == line.amount, line.explain()


@st.composite
def span_lines(draw: st.DrawFn) -> tuple[Period, Period, Currency, int, int, int]:
    """A period, a span of it, a currency of its own, price decimals, a price and a quantity."""
    period = draw(periods())
    span = draw(sub_periods(period))
    cur, places, (units,) = draw(prices(1))
    return period, span, cur, places, units, draw(quantities())


@given(st.lists(span_lines(), min_size=1, max_size=15), conventions())
def test_prorate_columns_equals_prorate_line_by_line_with_a_currency_per_line(
    lines: list[tuple[Period, Period, Currency, int, int, int]],
    convention: ProrationConvention,
) -> None:
    # One places for the batch: each line's price is rescaled to the finest places drawn.
    places = max(line[3] for line in lines)
    rescaled = [units * 10 ** (places - p) for _, _, _, p, units, _ in lines]
    # Rescaling can take a price to 10**13 minor units; lines whose products leave int64 are
    # refused by name, which the huge-line properties below pin down. Here every product fits:
    # price x quantity x days, times the daily rate's extra decimals, with a tenfold margin.
    extra = max(0, (convention.daily_rate_places or 0) - places)
    largest = max(rescaled) * max(count for *_, count in lines) * 366 * 10 ** (extra + 1)
    assume(largest <= 2**63 - 1)
    got = prorate_columns(
        rescaled,
        [count for *_, count in lines],
        [period.start for period, *_ in lines],
        [period.end for period, *_ in lines],
        [span.start for _, span, *_ in lines],
        [span.end for _, span, *_ in lines],
        currency=[cur.code for _, _, cur, *_ in lines],
        price_places=places,
        convention=convention,
    )
    for i, (period, span, cur, p, units, count) in enumerate(lines):
        line = prorate(money(units, p, cur), count, period, span.start, span.end,
                       convention=convention)  # fmt: skip
        assert (int(got.days[i]), int(got.period_days[i])) == (line.days, line.period_days)
        assert Money.from_minor_units(int(got.amount_units[i]), cur) == line.amount, line.explain()


@st.composite
def changes(draw: st.DrawFn) -> tuple[Period, Period, date, int, int, int]:
    """A charged span of a period, a change date inside it, a price and the old and new counts."""
    period = draw(periods())
    span = draw(sub_periods(period))
    change = span.start + timedelta(days=draw(st.integers(0, span.days - 1)))
    return (
        period,
        span,
        change,
        draw(st.integers(0, 10_000_000)),
        draw(quantities()),
        draw(quantities()),
    )


@given(st.lists(changes(), min_size=1, max_size=15), known_currencies(), conventions())
@example(
    [(Period(date(2025, 1, 1), date(2025, 2, 1)),) * 2 + (date(2025, 1, 1), 3600, 100, 105)],
    USD,
    PC_LEGACY_PER_LICENSE,
)
def test_credit_and_rebill_nets_equal_the_scalar_adjustment_net_line_by_line(
    lines: list[tuple[Period, Period, date, int, int, int]],
    cur: Currency,
    convention: ProrationConvention,
) -> None:
    got = credit_and_rebill_nets(
        [line[3] for line in lines],
        [line[4] for line in lines],
        [line[5] for line in lines],
        [period.start for period, *_ in lines],
        [period.end for period, *_ in lines],
        [line[2] for line in lines],
        [span.start for _, span, *_ in lines],
        [span.end for _, span, *_ in lines],
        currency=cur,
        convention=convention,
    )
    for i, (period, span, change, units, old, new) in enumerate(lines):
        original = prorate(money(units, cur.exponent, cur), old, period, span.start, span.end,
                           convention=convention)  # fmt: skip
        net = credit_and_rebill(original, change, new).net
        assert Money.from_minor_units(int(got[i]), cur) == net


@st.composite
def originals(draw: st.DrawFn) -> tuple[ProratedLine, date, int]:
    """An original line (an allocated piece of a split, or a charge under any convention), a
    change date inside its span and a new quantity."""
    period = draw(periods())
    cur = draw(known_currencies())
    price = money(draw(st.integers(0, 10_000_000)), cur.exponent, cur)
    count, convention = draw(quantities()), draw(conventions())
    if draw(st.booleans()):
        original = draw(st.sampled_from(split(price, count, period, draw(cut_dates(period)))))
    else:
        span = draw(sub_periods(period))
        original = prorate(price, count, period, span.start, span.end, convention=convention)
    change = original.span.start + timedelta(days=draw(st.integers(0, original.span.days - 1)))
    return original, change, draw(quantities())


@given(st.lists(originals(), min_size=1, max_size=10), conventions())
def test_nets_of_any_original_line_given_as_charged_equal_credit_and_rebill_line_by_line(
    lines: list[tuple[ProratedLine, date, int]], convention: ProrationConvention
) -> None:
    got = credit_and_rebill_nets(
        [whole_units(line.unit_price) for line, _, _ in lines],
        [line.quantity for line, _, _ in lines],
        [new for *_, new in lines],
        [line.service_period.start for line, _, _ in lines],
        [line.service_period.end for line, _, _ in lines],
        [change for _, change, _ in lines],
        [line.span.start for line, _, _ in lines],
        [line.span.end for line, _, _ in lines],
        currency=[line.unit_price.currency.code for line, _, _ in lines],
        convention=convention,
        charged=[whole_units(line.amount) for line, _, _ in lines],
    )
    for i, (line, change, new) in enumerate(lines):
        net = credit_and_rebill(line, change, new, convention=convention).net
        assert int(got[i]) == whole_units(net), line.explain()


def test_a_negative_charged_amount_is_refused_since_only_a_charge_can_be_credited() -> None:
    with pytest.raises(InvalidAmount, match=r"charged\[0\] is -1"):
        credit_and_rebill_nets(1, 1, 2, day("2025-01-01"), day("2025-02-01"), day("2025-01-02"),
                               currency="USD", charged=[-1])  # fmt: skip


INT64 = st.integers(-(2**63) + 1, 2**63 - 1)


@given(
    st.lists(st.tuples(INT64, INT64.filter(bool)), min_size=1, max_size=30),
    rounding_modes(),
)
@example([(5, 2), (-5, 2), (7, 2), (-7, -2), (1, 3), (2, 3), (-(2**63) + 1, 2**63 - 1)],
         RoundingMode.HALF_EVEN)  # fmt: skip
def test_round_ratios_equal_round_ratio_and_the_reference_in_every_mode(
    ratios: list[tuple[int, int]], mode: RoundingMode
) -> None:
    numerators, denominators = zip(*ratios, strict=True)
    got = round_ratios(list(numerators), list(denominators), mode).tolist()
    assert got == [round_ratio(n, d, mode) for n, d in ratios]
    assert got == [reference_round(Fraction(n, d), mode) for n, d in ratios]


# Prices and quantities up to subcommerce's limits (below 10**15 dollars, 10 million licenses):
# 17 days of them still leave int64 far behind.
HUGE = st.lists(
    st.tuples(st.integers(0, 10**17 - 1), st.integers(1, MAX_QUANTITY)), min_size=1, max_size=5
)
JANUARY = Period(date(2025, 1, 1), date(2025, 2, 1))


def _huge(lines: list[tuple[int, int]], convention: ProrationConvention) -> list[int] | None:
    """The 17-day charges of ``lines`` (price in cents, quantity), or None when refused."""
    try:
        got = prorate_columns(
            [p for p, _ in lines], [q for _, q in lines], JANUARY.start, JANUARY.end,
            date(2025, 1, 15), currency="USD", convention=convention,
        )  # fmt: skip
    except ColumnOverflow:
        return None
    return [int(units) for units in got.amount_units]


def _scalar(lines: list[tuple[int, int]], convention: ProrationConvention) -> list[int]:
    start = date(2025, 1, 15)
    return [
        prorate(
            money(p, 2, USD), q, JANUARY, start=start, convention=convention
        ).amount.minor_units()
        for p, q in lines
    ]


LAST_FIT = (2**63 - 1) // 170  # 17 days x 10 licenses x this price in cents fits in int64


@given(HUGE, round_once_conventions())
@example([(LAST_FIT, 10)], EXACT)
@example([(10**9, 1000), (LAST_FIT + 1, 10)], EXACT)
@example([(LAST_FIT // 100, 1000)], PC_LEGACY_ANNUAL)
def test_rounding_once_huge_lines_are_refused_exactly_when_price_x_quantity_x_days_leaves_int64(
    lines: list[tuple[int, int]], convention: ProrationConvention
) -> None:
    got = _huge(lines, convention)
    overflows = any(p * q * 17 > 2**63 - 1 for p, q in lines)
    assert (got is None) == overflows
    if got is not None:
        assert got == _scalar(lines, convention)


@given(HUGE, conventions())
def test_huge_lines_are_priced_exactly_or_refused_never_wrapped_under_every_convention(
    lines: list[tuple[int, int]], convention: ProrationConvention
) -> None:
    got = _huge(lines, convention)
    if got is not None:
        assert got == _scalar(lines, convention)


@given(
    st.builds(
        ProrationConvention,
        name=st.text(min_size=1, max_size=12),
        day_count=st.sampled_from(list(DayCount)),
        daily_rate_places=st.integers(19, MAX_RATE_PLACES),
        round_unit_amount=st.booleans(),
        rebill=st.sampled_from(list(RebillMethod)),
    )
)
def test_conventions_beyond_64_bit_scales_are_refused_by_name_never_approximated(
    convention: ProrationConvention,
) -> None:
    with pytest.raises(UnsupportedConvention) as refused:
        prorate_to_period_end(date(2025, 1, 31), 1, date(2025, 2, 14), 3600, 5, currency="USD",
                              convention=convention)  # fmt: skip
    assert repr(convention.name) in str(refused.value)


# -- fuzz: whatever comes in, a value or a typed refusal, never a stray exception ---------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    st.just(Currency("XAA", 4)),
    st.sampled_from(["USD", "JPY", "KWD", "XYZ", "NaT", "2025-01-31"]),
)
COLUMNS = st.one_of(
    JUNK,
    st.lists(JUNK, max_size=4),
    st.lists(st.lists(st.integers(0, 9), max_size=2), max_size=3),
    st.sampled_from(
        [
            days("2025-01-31", "2024-02-29"),
            np.array(["2025-01-31T06:00"], dtype="datetime64[m]"),
            np.array([1, 2], dtype=np.uint64),
            np.array([2**64 - 1], dtype=np.uint64),
            np.array([1.5, 2.0]),
            np.array([True]),
            np.array(["USD", "EUR"]),
            np.zeros((2, 2), dtype=np.int64),
            np.array([], dtype=np.int64),
        ]
    ),
)
VALID = {
    "anchors": day("2025-01-31"),
    "months_per_period": 1,
    "start": day("2025-02-14"),
    "unit_price": 3600,
    "quantity": 5,
    "currency": "USD",
    "price_places": None,
    "convention": EXACT,
}


@given(st.sampled_from(sorted(VALID)), COLUMNS)
def test_any_junk_in_any_column_gives_a_value_or_a_typed_refusal(name: str, junk: object) -> None:
    arguments = {**VALID, name: junk}
    try:
        lines = prorate_to_period_end(
            arguments.pop("anchors"),
            arguments.pop("months_per_period"),
            arguments.pop("start"),
            arguments.pop("unit_price"),
            arguments.pop("quantity"),
            **arguments,  # type: ignore[arg-type]
        )
    except SubcommerceError:
        return
    assert lines.amount_units.dtype == np.int64
