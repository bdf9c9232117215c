"""Shared Hypothesis strategies for the foundation: currencies, money, dates, periods, conventions.

Other areas keep their own strategy modules (``strategies_catalog.py`` and so on); this one only
knows about :mod:`subcommerce.money`, :mod:`subcommerce.periods` and :mod:`subcommerce.proration`.

The calendar strategies lean on the dates that break billing engines: month ends, the 29th to
31st, Feb 29 of leap years and the century years around them (1900 and 2100 are not leap years,
2000 is). Lengths of months come from :mod:`calendar` and month steps from dateutil, never from
the code under test.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st

from subcommerce.money import Currency, Money, RoundingMode
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.proration import (
    PRESETS,
    DayCount,
    LedgerLayout,
    ProrationConvention,
    RebillMethod,
)

__all__ = [
    "CURRENCY_CODES",
    "MAX_YEAR",
    "MIN_YEAR",
    "PRESET_CONVENTIONS",
    "amounts",
    "billing_periods_of_a_month_or_year",
    "conventions",
    "currencies",
    "custom_currencies",
    "cut_dates",
    "dates",
    "exact_weights",
    "generated_conventions",
    "known_currencies",
    "late_days",
    "leap_days",
    "money",
    "month_ends",
    "month_length",
    "periods",
    "preset_conventions",
    "quantities",
    "round_once_conventions",
    "rounding_modes",
    "sub_periods",
    "term_and_frequency",
    "terms",
    "unit_prices",
    "weight_lists",
]

MIN_YEAR = 1900
MAX_YEAR = 2200

#: Currencies with every minor-unit exponent subcommerce knows (0, 2, 3 and 4 decimals).
CURRENCY_CODES = ("USD", "EUR", "GBP", "CHF", "BRL", "JPY", "KRW", "KWD", "BHD", "CLF")


# -- money --------------------------------------------------------------------------------------


def known_currencies() -> st.SearchStrategy[Currency]:
    """A currency from the ISO 4217 table, including JPY/KRW (0) and KWD/BHD (3 decimals)."""
    return st.sampled_from([Currency.of(code) for code in CURRENCY_CODES])


def custom_currencies() -> st.SearchStrategy[Currency]:
    """A user-built currency: any three upper-case letters with an exponent of 0 to 4."""
    letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
    return st.builds(Currency, code=letters, exponent=st.integers(0, 4))


def currencies() -> st.SearchStrategy[Currency]:
    """Mostly known currencies, sometimes a user-built one."""
    return st.one_of(known_currencies(), custom_currencies())


@st.composite
def amounts(
    draw: st.DrawFn,
    exponent: int,
    *,
    extra_places: int = 0,
    min_units: int = -(10**12),
    max_units: int = 10**12,
) -> Decimal:
    """A Decimal with ``exponent`` decimals, or up to ``extra_places`` more (a unit price).

    ``min_units``/``max_units`` bound the amount in units of the finest place drawn.
    """
    places = exponent + draw(st.integers(0, extra_places))
    units = draw(st.integers(min_units, max_units))
    return Decimal(units).scaleb(-places)


@st.composite
def money(
    draw: st.DrawFn,
    currency: Currency | None = None,
    *,
    extra_places: int = 0,
    min_units: int = -(10**12),
    max_units: int = 10**12,
) -> Money:
    """Money in ``currency`` (or a drawn one) with minor-unit decimals, or more if allowed."""
    cur = draw(known_currencies()) if currency is None else currency
    amount = draw(
        amounts(cur.exponent, extra_places=extra_places, min_units=min_units, max_units=max_units)
    )
    return Money(amount, cur)


@st.composite
def unit_prices(draw: st.DrawFn, currency: Currency | None = None) -> Money:
    """A non-negative price per license per period: usually whole minor units, sometimes finer.

    Small prices (a cent or two a year) are frequent, since that is where pre-rounded daily rates
    go wrong.
    """
    cur = draw(known_currencies()) if currency is None else currency
    extra = draw(st.sampled_from([0, 0, 0, 2]))
    limit = draw(st.sampled_from([10, 10_000, 10_000_000]))
    units = draw(st.integers(0, limit * 10**extra))
    return Money(Decimal(units).scaleb(-(cur.exponent + extra)), cur)


def exact_weights() -> st.SearchStrategy[int | Decimal | Fraction]:
    """One non-negative weight, as an int, a Decimal or a Fraction."""
    return st.one_of(
        st.integers(0, 1000),
        st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-3)),
        st.fractions(min_value=0, max_value=1000, max_denominator=97),
    )


@st.composite
def weight_lists(draw: st.DrawFn, max_size: int = 40) -> list[int | Decimal | Fraction]:
    """Non-negative weights with a positive sum (one of them is forced positive)."""
    weights = draw(st.lists(exact_weights(), min_size=1, max_size=max_size))
    index = draw(st.integers(0, len(weights) - 1))
    weights[index] = draw(st.integers(1, 1000))
    return weights


def rounding_modes() -> st.SearchStrategy[RoundingMode]:
    return st.sampled_from(list(RoundingMode))


# -- calendar -----------------------------------------------------------------------------------


def month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@st.composite
def month_ends(draw: st.DrawFn, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> date:
    """The last day of a month (Jan 31, Feb 28 or 29, Apr 30, ...)."""
    year = draw(st.integers(min_year, max_year))
    month = draw(st.integers(1, 12))
    return date(year, month, month_length(year, month))


@st.composite
def late_days(draw: st.DrawFn, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> date:
    """A 28th, 29th, 30th or 31st: the days a month step may have to clamp."""
    year = draw(st.integers(min_year, max_year))
    month = draw(st.integers(1, 12))
    return date(year, month, draw(st.integers(28, month_length(year, month))))


@st.composite
def leap_days(draw: st.DrawFn, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> date:
    """Feb 29 of a leap year (2000 is one; 1900 and 2100 are not)."""
    years = [y for y in range(min_year, max_year + 1) if calendar.isleap(y)]
    return date(draw(st.sampled_from(years)), 2, 29)


def dates(min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> st.SearchStrategy[date]:
    """Calendar dates from 1900 to 2200, about half of them month ends, late days or Feb 29."""
    return st.one_of(
        st.dates(date(min_year, 1, 1), date(max_year, 12, 31)),
        month_ends(min_year, max_year),
        late_days(min_year, max_year),
        leap_days(min_year, max_year),
    )


def terms() -> st.SearchStrategy[Term]:
    return st.sampled_from(list(Term))


@st.composite
def term_and_frequency(draw: st.DrawFn) -> tuple[Term, BillingFrequency]:
    """A term with a billing frequency that can bill it (no annual billing of a one-month term)."""
    term = draw(terms())
    choices = [BillingFrequency.MONTHLY, BillingFrequency.ONCE]
    if term.months % 12 == 0:
        choices.append(BillingFrequency.ANNUAL)
    return term, draw(st.sampled_from(choices))


@st.composite
def periods(draw: st.DrawFn, max_days: int = 1200) -> Period:
    """A non-empty half-open period: usually 1, 3 or 12 calendar months from a drawn start, or any
    length from 1 to ``max_days`` days.
    """
    start = draw(dates(MIN_YEAR, MAX_YEAR - 4))
    if draw(st.booleans()):
        months = draw(st.sampled_from([1, 1, 1, 3, 12, 12, 36]))
        end = start + relativedelta(months=months)
    else:
        end = date.fromordinal(start.toordinal() + draw(st.integers(1, max_days)))
    return Period(start, end)


@st.composite
def billing_periods_of_a_month_or_year(draw: st.DrawFn) -> Period:
    """A real service period: one month (28 to 31 days) or one year (365 or 366 days)."""
    start = draw(dates(MIN_YEAR, MAX_YEAR - 2))
    months = draw(st.sampled_from([1, 1, 12]))
    return Period(start, start + relativedelta(months=months))


@st.composite
def sub_periods(draw: st.DrawFn, period: Period) -> Period:
    """A non-empty span ``[a, b)`` inside ``period``."""
    a = draw(st.integers(0, period.days - 1))
    b = draw(st.integers(a + 1, period.days))
    first = period.start.toordinal()
    return Period(date.fromordinal(first + a), date.fromordinal(first + b))


@st.composite
def cut_dates(draw: st.DrawFn, period: Period, max_cuts: int = 40) -> list[date]:
    """Dates strictly inside ``period`` (and sometimes its start) at which to cut it: a partition.

    Sometimes every day is a cut (one-day pieces).
    """
    first = period.start.toordinal()
    if period.days <= 62 and draw(st.integers(0, 9)) == 0:
        return [date.fromordinal(first + i) for i in range(period.days)]
    offsets = draw(
        st.lists(st.integers(0, period.days - 1), max_size=min(max_cuts, period.days), unique=True)
    )
    return [date.fromordinal(first + i) for i in offsets]


def quantities(max_value: int = 100_000) -> st.SearchStrategy[int]:
    """License counts: mostly small, sometimes large."""
    return st.one_of(st.integers(1, 25), st.integers(1, max_value))


# -- proration conventions ----------------------------------------------------------------------

PRESET_CONVENTIONS = tuple(PRESETS.values())


def preset_conventions() -> st.SearchStrategy[ProrationConvention]:
    return st.sampled_from(PRESET_CONVENTIONS)


def generated_conventions(
    day_counts: tuple[DayCount, ...] = tuple(DayCount),
) -> st.SearchStrategy[ProrationConvention]:
    """Any combination of day count, mode, pre-rounding steps, rebill method and layout."""
    return st.builds(
        ProrationConvention,
        name=st.just("generated"),
        day_count=st.sampled_from(day_counts),
        mode=rounding_modes(),
        daily_rate_places=st.one_of(st.none(), st.integers(0, 6)),
        round_unit_amount=st.booleans(),
        rebill=st.sampled_from(list(RebillMethod)),
        source=st.just("a generated convention"),
        layout=st.sampled_from(list(LedgerLayout)),
    )


def conventions(
    day_counts: tuple[DayCount, ...] = tuple(DayCount),
) -> st.SearchStrategy[ProrationConvention]:
    """A preset (about half the time) or a generated convention."""
    return st.one_of(preset_conventions(), generated_conventions(day_counts))


def round_once_conventions() -> st.SearchStrategy[ProrationConvention]:
    """Conventions that keep the fraction exact and round once per line, with allocated rebills:
    :data:`~subcommerce.proration.EXACT` and its variants with another rounding mode.
    """
    return st.builds(
        ProrationConvention,
        name=st.just("exact-variant"),
        day_count=st.just(DayCount.ACTUAL),
        mode=rounding_modes(),
        rebill=st.just(RebillMethod.ALLOCATE),
    )
