"""The billing calendar: terms, billing frequencies and anchored, half-open periods.

* A :class:`Period` is a half-open interval of calendar dates ``[start, end)``: it holds ``start``
  and not ``end``, so consecutive periods share a boundary and never overlap.
* Every boundary is computed from the *anchor* (the day the subscription started) as
  ``anchor + k months``, clamped to the end of the month, exactly as dateutil's ``relativedelta``
  does; it is never chained from the previous, already clamped, boundary. An anchor of Jan 31
  gives Feb 28 (Feb 29 in a leap year), then Mar 31, Apr 30, May 31, ...
* Dates only: a ``datetime`` is refused (a timestamp becomes a date only in a named time zone,
  which is the caller's call), and nothing here reads a clock.
* Supported dates run from :data:`MIN_DATE` (1900-01-01) to :data:`MAX_DATE` (2999-12-31), and a
  month step is at most :data:`MAX_MONTHS` (a thousand years): every boundary computed from a
  supported date stays between the years 900 and 4000, far from ``datetime.date``'s limits, so no
  period arithmetic overflows. A date outside is refused with
  :class:`~subcommerce.errors.DateOutOfRange` where it comes in.

>>> from datetime import date
>>> [str(p) for p in billing_periods(date(2025, 1, 31), Term.P1Y, BillingFrequency.MONTHLY)][:3]
['2025-01-31..2025-02-28', '2025-02-28..2025-03-31', '2025-03-31..2025-04-30']
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, TypeVar

import attrs

from subcommerce._checks import Choice
from subcommerce.errors import (
    DateOutOfRange,
    DateOutsidePeriod,
    InvalidArgument,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
)

__all__ = [
    "MAX_DATE",
    "MAX_MONTHS",
    "MAX_TERMS",
    "MIN_DATE",
    "BillingFrequency",
    "Period",
    "Term",
    "add_months",
    "billing_periods",
    "check_boundary",
    "check_date",
    "days_in_month",
    "period_containing",
    "period_index",
]

_E = TypeVar("_E", bound=enum.Enum)

_DAYS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_LEAP_DAYS: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: timedelta(days=k) for every k two boundaries a month apart can be (28 to 31 days; more is
#: never looked up): adding one to a date costs half a date() call.
_SPANS: Final = tuple(timedelta(days=k) for k in range(32))

#: The first and last dates subcommerce supports: eleven centuries around today's commerce.
MIN_DATE: Final = date(1900, 1, 1)
MAX_DATE: Final = date(2999, 12, 31)
#: The longest month step (``add_months``, months per period): a thousand years.
MAX_MONTHS: Final = 12_000
# What a boundary computed from supported dates can reach (a period's end, a term's, a day
# billed through): a thousand years either side. A Period may hold these; inputs may not.
_EARLIEST: Final = date(900, 1, 1)
_LATEST: Final = date(3999, 12, 31)
#: The most consecutive terms :func:`billing_periods` tiles (100 three-year terms: 300 years).
MAX_TERMS: Final = 100


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    """The number of days of ``month`` (1-12) in ``year``.

    >>> days_in_month(2024, 2), days_in_month(2025, 2), days_in_month(1900, 2)
    (29, 28, 28)
    """
    if month.__class__ is not int or not 1 <= month <= 12:
        raise InvalidPeriod(f"month must be a whole number from 1 to 12, got {month!r}")
    if year.__class__ is not int or not 1 <= year <= 9999:
        raise InvalidPeriod(f"year must be a whole number from 1 to 9999, got {year!r}")
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS[month - 1]


def check_date(value: object, what: str = "date") -> date:
    """``value`` if it is a supported calendar date; a datetime or anything else is refused.

    >>> check_date(date(3000, 1, 1))
    Traceback (most recent call last):
    ...
    subcommerce.errors.DateOutOfRange: date 3000-01-01 is outside the supported dates 1900-01-01 ...
    """
    if type(value) is date:
        if MIN_DATE <= value <= MAX_DATE:
            return value
        raise _out_of_range(value, what)
    if isinstance(value, datetime):
        raise InvalidDate(
            f"{what} {value!r} is a datetime; subcommerce works on calendar dates: convert it "
            f"to a date in the time zone that bills it (e.g. value.astimezone(zone).date())"
        )
    if isinstance(value, date):  # a subclass of date other than datetime
        if MIN_DATE <= value <= MAX_DATE:
            return value
        raise _out_of_range(value, what)
    raise InvalidDate(f"{what} must be a datetime.date, got {type(value).__name__} {value!r}")


#: "00" to "99", and "-MM-DD" at index month * 32 + day: a date's ISO text from two tables.
_TWO_DIGITS: Final = tuple(f"{i:02d}" for i in range(100))
_MONTH_DAY_TEXT: Final = tuple(f"-{i // 32:02d}-{i % 32:02d}" for i in range(13 * 32))


def date_text(day: date) -> str:
    """``day.isoformat()`` (YYYY-MM-DD), from tables: isoformat formats through printf, a call
    per field, and costs a quarter more.

    >>> date_text(date(2026, 2, 28)), date_text(date(905, 1, 2))
    ('2026-02-28', '0905-01-02')
    """
    year = day.year
    month_day = _MONTH_DAY_TEXT[day.month * 32 + day.day]
    return f"{_TWO_DIGITS[year // 100]}{_TWO_DIGITS[year % 100]}{month_day}"


def _out_of_range(value: date, what: str) -> DateOutOfRange:
    return DateOutOfRange(
        f"{what} {value.isoformat()} is outside the supported dates "
        f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"
    )


def add_months(anchor: date, months: int) -> date:
    """``anchor`` plus ``months`` calendar months, clamped to the end of the month.

    Equal to ``anchor + relativedelta(months=months)`` (a property test holds it so), only faster.

    >>> add_months(date(2025, 1, 31), 1), add_months(date(2024, 1, 31), 1)
    (datetime.date(2025, 2, 28), datetime.date(2024, 2, 29))
    >>> add_months(date(2025, 1, 31), 2)
    datetime.date(2025, 3, 31)
    """
    if anchor.__class__ is not date:
        check_date(anchor, "anchor")  # a datetime, or not a date at all, is refused
    if months.__class__ is not int or not -MAX_MONTHS <= months <= MAX_MONTHS:
        raise InvalidPeriod(
            f"months must be a whole number from -{MAX_MONTHS} to {MAX_MONTHS}, got {months!r}"
        )
    # The month step, inline (a call fewer: add_months is called hundreds of times per run).
    total = anchor.year * 12 + anchor.month - 1 + months
    year, month0 = total // 12, total % 12  # two operators: cheaper than a call to divmod
    day = anchor.day
    if day > 28:
        if month0 == 1:
            last = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
        else:
            last = _DAYS[month0]
        if day > last:
            day = last
    try:
        return date(year, month0 + 1, day)
    except ValueError:  # only past datetime.date's years 1-9999, far outside the supported dates
        raise DateOutOfRange(
            f"{anchor.isoformat()} + {months} months is outside the supported dates"
        ) from None


def months_between(anchor: date, when: date) -> int:
    return (when.year - anchor.year) * 12 + when.month - anchor.month


#: A term's length in months, filled once Term exists (read through ``Term.months``).
_TERM_MONTHS: Final[dict[Term, int]] = {}


class Term(Choice):
    """A commitment term, named as in ISO 8601 durations (and Partner Center): P1M, P1Y, P3Y."""

    P1M = "P1M"
    P1Y = "P1Y"
    P3Y = "P3Y"

    if TYPE_CHECKING:

        @property
        def months(self) -> int:
            """How many calendar months the term lasts."""

    else:
        # Read-only (a term's length is not data), and read without a Python call: the
        # property's getter is the table's own __getitem__ (about 440 instructions a read on
        # CPython 3.11, against about 850 through a function).
        months = property(
            _TERM_MONTHS.__getitem__,
            doc="How many calendar months the term lasts (read-only: a term's length is not data).",
        )

    def end(self, start: date) -> date:
        """The first day after a term that starts on ``start``."""
        return add_months(check_date(start, "term start"), self.months)


_TERM_MONTHS.update({Term.P1M: 1, Term.P1Y: 12, Term.P3Y: 36})


class BillingFrequency(Choice):
    """How often a term is billed: every month, every year, or once for the whole term."""

    MONTHLY = "monthly"
    ANNUAL = "annual"
    ONCE = "once"

    def months(self, term: Term) -> int:
        """The length in months of one billing period of ``term``; refuses impossible pairs."""
        if term.__class__ is not Term:
            raise InvalidPeriod(f"expected a Term such as Term.P1Y, got {term!r}")
        months = _PERIOD_MONTHS[self].get(term)  # the pairs that can be billed
        if months is None:
            raise InvalidPeriod(f"a {term.value} term cannot be billed {self.value}")
        return months


_FREQUENCY_MONTHS: Final = {BillingFrequency.MONTHLY: 1, BillingFrequency.ANNUAL: 12}
_ONCE: Final = BillingFrequency.ONCE  # read from the class, a member costs a metaclass call


def _period_months(frequency: BillingFrequency) -> dict[Term, int]:
    """The months of one billing period of each term ``frequency`` can bill: a term whose length
    is a whole number of the frequency's months (ONCE: the whole term)."""
    table = {}
    for term, whole in _TERM_MONTHS.items():
        per = whole if frequency is _ONCE else _FREQUENCY_MONTHS[frequency]
        if whole % per == 0:
            table[term] = per
    return table


#: Per frequency, the months of one billing period of each term it can bill.
_PERIOD_MONTHS: Final = {frequency: _period_months(frequency) for frequency in BillingFrequency}


def check_boundary(value: object, what: str = "date") -> date:
    """``value`` if it is a date that a boundary computed from supported dates can reach.

    A period's end may lie past :data:`MAX_DATE` (the month after a period that starts on it);
    nothing computed from supported dates comes within 6,000 years of ``datetime.date``'s end.
    """
    day = check_date(value, what) if type(value) is not date else value
    if _EARLIEST <= day <= _LATEST:
        return day
    raise DateOutOfRange(
        f"{what} {day.isoformat()} is outside what supported dates can reach "
        f"({_EARLIEST.isoformat()} to {_LATEST.isoformat()})"
    )


def _check_start(instance: Period, attribute: attrs.Attribute[date], value: date) -> None:
    if not (type(value) is date and _EARLIEST <= value <= _LATEST):  # the common case, inline
        check_boundary(value, "period start")


def _check_end(instance: Period, attribute: attrs.Attribute[date], value: date) -> None:
    if not (type(value) is date and _EARLIEST <= value <= _LATEST):
        check_boundary(value, "period end")
    if value <= instance.start:
        raise InvalidPeriod(
            f"period end {value.isoformat()} is not after its start {instance.start.isoformat()}"
        )


class PeriodSlots:
    """The slots of a :class:`Period`, writable: the engine's fast way to build one.

    A frozen Period refuses attribute stores; a PeriodSlots takes them at the speed of a plain
    slot store. Make one by calling the class, ``PeriodSlots()`` (about 20 ns cheaper than
    ``object.__new__(PeriodSlots)``, which slices its argument tuple), fill ``start`` and
    ``end`` with dates already checked (``start < end``), then retype it:
    ``slots.__class__ = Period`` (the same layout, so it is a Period from then on). Never let
    one out unretyped. :func:`period_unchecked` does exactly this.
    """

    __slots__ = ("__weakref__", "end", "start")
    start: date
    end: date


@attrs.frozen(repr=False)
class Period(PeriodSlots):
    """The half-open date interval ``[start, end)``: ``start`` is in it, ``end`` is not.

    >>> p = Period(date(2025, 1, 1), date(2025, 2, 1))
    >>> p.days, date(2025, 1, 31) in p, date(2025, 2, 1) in p
    (31, True, False)
    """

    start: date = attrs.field(validator=_check_start)
    end: date = attrs.field(validator=_check_end)

    @property
    def days(self) -> int:
        """The number of days in the period (``end - start``)."""
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime):  # comparing it with a date would raise a bare TypeError
            check_date(day)
        return isinstance(day, date) and self.start <= day < self.end

    def contains_period(self, other: Period) -> bool:
        """True when ``other`` lies within this period."""
        try:
            return self.start <= other.start and other.end <= self.end
        except (AttributeError, TypeError):
            raise InvalidArgument(f"expected a Period, got {other!r}") from None

    def overlaps(self, other: Period) -> bool:
        """True when the two periods share at least one day."""
        try:
            return self.start < other.end and other.start < self.end
        except (AttributeError, TypeError):
            raise InvalidArgument(f"expected a Period, got {other!r}") from None

    def check_within(self, day: date, what: str, *, allow_end: bool = False) -> date:
        """``day`` if it lies in the period (or is its end, with ``allow_end``); else an error."""
        check_date(day, what)
        if self.start <= day < self.end or (allow_end and day == self.end):
            return day
        closing = "]" if allow_end else ")"
        raise DateOutsidePeriod(f"{what} {day.isoformat()} is outside [{self}{closing}")

    def __str__(self) -> str:
        return f"{date_text(self.start)}..{date_text(self.end)}"

    def __repr__(self) -> str:
        return f"Period({self.start!r}, {self.end!r})"


def period_unchecked(start: date, end: date) -> Period:
    """A Period from boundaries already known to be dates with start < end (skips validation)."""
    period = PeriodSlots()
    period.start = start
    period.end = end
    period.__class__ = Period
    return period  # type: ignore[return-value]  # retyped: a Period now


def locate(anchor: date, months_per_period: int, when: date) -> tuple[int, date, date]:
    """k, start and end of the period ``[anchor + k*n, anchor + (k+1)*n)`` holding ``when``.

    With M the calendar months from anchor to ``when``, k = M // n puts the start in ``when``'s
    month or before it and the end in a later month; only a start in ``when``'s own month can
    still be after ``when`` (a late anchor day), and then the period is the one before. The
    anchor's month count and day are read once for both boundaries.
    """
    n = months_per_period
    base = anchor.year * 12 + anchor.month - 1
    day = anchor.day
    k = (when.year * 12 + when.month - 1 - base) // n
    total = base + k * n
    if day <= 28:  # no month is shorter: no clamping
        start = date(total // 12, total % 12 + 1, day)
        if start > when:
            total -= n
            return k - 1, date(total // 12, total % 12 + 1, day), start
        total += n
        return k, start, date(total // 12, total % 12 + 1, day)
    start = _clamped(total, day)
    if start > when:
        return k - 1, _clamped(total - n, day), start
    return k, start, _clamped(total + n, day)


def _check_months(months_per_period: int) -> None:
    if isinstance(months_per_period, bool) or not isinstance(months_per_period, int):
        raise InvalidQuantity(f"months per period must be an int, got {months_per_period!r}")
    if not 1 <= months_per_period <= MAX_MONTHS:
        raise InvalidQuantity(
            f"months per period must be from 1 to {MAX_MONTHS}, got {months_per_period}"
        )


def period_index(anchor: date, months_per_period: int, when: date) -> int:
    """The index k of the period ``[anchor + k*n, anchor + (k+1)*n)`` (n months) holding ``when``.

    May be negative for a date before the anchor.
    """
    check_date(anchor, "anchor")
    check_date(when)
    _check_months(months_per_period)
    return locate(anchor, months_per_period, when)[0]


def period_containing(anchor: date, months_per_period: int, when: date) -> Period:
    """The period, counted from ``anchor`` in steps of ``months_per_period``, that holds ``when``.

    >>> str(period_containing(date(2024, 1, 31), 1, date(2024, 3, 15)))
    '2024-02-29..2024-03-31'
    """
    if not (anchor.__class__ is date and MIN_DATE <= anchor <= MAX_DATE):  # common case inline
        check_date(anchor, "anchor")
    if not (when.__class__ is date and MIN_DATE <= when <= MAX_DATE):
        check_date(when)
    n = months_per_period
    if not (n.__class__ is int and 1 <= n <= MAX_MONTHS):
        _check_months(n)
    day = anchor.day
    if n == 1:  # monthly, the common case: the boundary in when's month, then its neighbour
        # The neighbour is a whole number of days away (month lengths, from a table), and a
        # date plus a timedelta costs half a date() call. February is in when's year.
        year, month = when.year, when.month
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        lengths = _LEAP_DAYS if leap else _DAYS
        if day <= 28:  # no month is shorter: no clamping
            start = date(year, month, day)
            if start > when:  # the boundary falls after when: the period before
                end = start
                start = end - _SPANS[lengths[month - 2]]  # index -1: December
            else:
                end = start + _SPANS[lengths[month - 1]]
        else:  # a late anchor day: each boundary clamped to its month's last day
            length = lengths[month - 1]
            here = day if day <= length else length
            start = date(year, month, here)
            if start > when:
                end = start
                length = lengths[month - 2]
                start = end - _SPANS[length - (day if day <= length else length) + here]
            else:
                following = lengths[month % 12]  # index 0: January
                end = start + _SPANS[length - here + (day if day <= following else following)]
    else:
        # locate(), inline (without its k): the anchor's month count and day are read once,
        # and a day no month is shorter than is not clamped. Checked dates and months keep
        # every boundary within datetime.date's years (see MAX_MONTHS).
        base = anchor.year * 12 + anchor.month - 1
        total = base + (when.year * 12 + when.month - 1 - base) // n * n
        if day <= 28:
            start = date(total // 12, total % 12 + 1, day)
            if start > when:  # the boundary in when's month falls after it: the period before
                end = start
                total -= n
                start = date(total // 12, total % 12 + 1, day)
            else:
                total += n
                end = date(total // 12, total % 12 + 1, day)
        else:
            start = _clamped(total, day)
            if start > when:
                start, end = _clamped(total - n, day), start
            else:
                end = _clamped(total + n, day)
    period = PeriodSlots()
    period.start = start
    period.end = end
    period.__class__ = Period
    return period  # type: ignore[return-value]  # retyped: a Period now


def _clamped(total: int, day: int) -> date:
    """The date of ``day`` (29 to 31) in month ``total`` (year * 12 + month - 1), clamped to
    the month's last day."""
    year, month0 = total // 12, total % 12
    if month0 == 1:
        last = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    else:
        last = _DAYS[month0]
    return date(year, month0 + 1, day if day <= last else last)


def billing_periods(
    anchor: date, term: Term, frequency: BillingFrequency, *, terms: int = 1
) -> Iterator[Period]:
    """The billing periods that tile ``terms`` consecutive terms from ``anchor``, in order.

    They are contiguous (each starts where the previous ends), never overlap, and every boundary is
    ``anchor + k * months``. The arguments are checked at the call, not at the first period.
    """
    check_date(anchor, "anchor")
    if isinstance(terms, bool) or not isinstance(terms, int) or not 1 <= terms <= MAX_TERMS:
        raise InvalidQuantity(f"terms must be a whole number from 1 to {MAX_TERMS}, got {terms!r}")
    term = enum_member(Term, term, "term")
    frequency = enum_member(BillingFrequency, frequency, "billing frequency")
    step = frequency.months(term)
    return _tile(anchor, step, term.months // step * terms)


def enum_member(kind: type[_E], value: object, what: str) -> _E:
    """``value`` as a member of the enum ``kind`` (its value is accepted too)."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        known = ", ".join(member.value for member in kind)
        raise InvalidPeriod(f"unknown {what} {value!r}; expected one of {known}") from None


def _tile(anchor: date, step: int, count: int) -> Iterator[Period]:
    start = anchor
    for k in range(1, count + 1):
        end = add_months(anchor, k * step)
        period = PeriodSlots()
        period.start = start
        period.end = end
        period.__class__ = Period
        yield period  # type: ignore[misc]  # retyped: a Period now
        start = end
