"""The columnar exact path: the pricing a batch repeats, over numpy arrays, exact to the cent.

Three jobs, each the scalar engine's own arithmetic applied to whole columns at once:

* :func:`periods_containing`: for each line, the anchored billing period that holds a day, as
  :func:`subcommerce.periods.period_containing` finds it (every boundary is ``anchor + k months``
  clamped to the end of the month, computed from the anchor, never chained);
* :func:`prorate_columns` and :func:`prorate_to_period_end`: prorated charges, as
  :func:`subcommerce.proration.prorate` computes them (price x quantity x days / days of the
  period, on integers, rounded with the convention's named mode);
* :func:`credit_and_rebill_nets`: what a mid-period quantity change nets, as the ``net`` of
  :func:`subcommerce.proration.credit_and_rebill`.

Dates are ``datetime64[D]`` columns (or anything numpy turns into one: a list of
``datetime.date``, a pandas column of dates); amounts are int64 counts of minor units. Nothing is
ever a float. Every column is checked once, here at the edge: its kind, its shape, its range;
a refusal is a typed :class:`~subcommerce.errors.SubcommerceError` that names the column and the
line. Arithmetic that could leave 64-bit integers is refused
(:class:`~subcommerce.errors.ColumnOverflow`), never wrapped; a convention the columnar path cannot
reproduce exactly is refused (:class:`~subcommerce.errors.UnsupportedConvention`), never
approximated.

numpy is an optional extra: ``pip install "subcommerce[columnar]"``. Without it the module still
imports, and each of its functions raises :class:`~subcommerce.errors.MissingExtra`, which says
which extra to install.

>>> import numpy as np
>>> anchors = np.array(["2025-01-31", "2024-01-31"], dtype="datetime64[D]")
>>> periods = periods_containing(anchors, 1, np.array(["2025-02-15", "2024-02-15"], "M8[D]"))
>>> [str(p) for p in periods]
['2025-01-31..2025-02-28', '2024-01-31..2024-02-29']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import attrs

from subcommerce.errors import (
    ColumnOverflow,
    DateOutsidePeriod,
    InexactAmount,
    InvalidAmount,
    InvalidColumn,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
    MissingExtra,
    SubcommerceError,
    UnknownCurrency,
    UnsupportedConvention,
)
from subcommerce.money import Currency, RoundingMode, currency
from subcommerce.periods import Period, check_date
from subcommerce.proration import EXACT, DayCount, ProrationConvention, RebillMethod

try:
    import numpy as np
except ImportError as error:  # exercised in a subprocess without numpy
    _NUMPY_MISSING: ImportError | None = error
else:
    _NUMPY_MISSING = None

if TYPE_CHECKING:
    from numpy.typing import NDArray

    #: A column of int64 (day numbers, minor units, counts).
    Ints = NDArray[np.int64]

__all__ = [
    "ChargeColumns",
    "PeriodColumns",
    "check_columnar_convention",
    "credit_and_rebill_nets",
    "periods_containing",
    "prorate_columns",
    "prorate_to_period_end",
    "round_ratios",
]

_INT64_MAX: Final = 2**63 - 1
_EPOCH: Final = date(1970, 1, 1).toordinal()  # day number 0 of datetime64[D]
_FIRST_DAY: Final = date.min.toordinal() - _EPOCH  # 0001-01-01, as Python's date allows
_LAST_DAY: Final = date.max.toordinal() - _EPOCH  # 9999-12-31
# A month index is year * 12 + month - 1: January of year 1 is 12, December of 9999 is 119999.
_FIRST_MONTH: Final = 1 * 12
_LAST_MONTH: Final = 9999 * 12 + 11
#: The most decimals a scale 10**n may have and still be an int64.
_MAX_PLACES: Final = 18


def _month_starts() -> Ints:
    """Day numbers of the first day of every month from year 0 to year 10000, by month index.

    Integer civil-day arithmetic (the proleptic Gregorian calendar, as Python's ``date``): days
    before the month in its year, plus 365 a year and the leap days of the years before it.
    """
    index = np.arange(0, 10001 * 12 + 2, dtype=np.int64)
    year, month0 = np.divmod(index, 12)
    # Years counted from March put February, and its leap day, at the end of a year: January
    # and February belong to the year before.
    shifted = year - (month0 < 2)
    era = np.floor_divide(shifted, 400)
    year_of_era = shifted - era * 400
    day_of_year = (153 * ((month0 + 10) % 12) + 2) // 5
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    starts: Ints = era * 146097 + day_of_era - 719468
    return starts


def _require_numpy() -> None:
    """Raise :class:`MissingExtra`, saying which extra to install, when numpy is missing."""
    if _NUMPY_MISSING is not None:
        raise MissingExtra(
            "the columnar path needs numpy, which is not installed; "
            'install the extra: pip install "subcommerce[columnar]"'
        ) from _NUMPY_MISSING


_POWERS: Final[tuple[int, ...]] = tuple(10**e for e in range(_MAX_PLACES + 1))
if _NUMPY_MISSING is None:
    _MONTH_START: Final = _month_starts()
    _MONTH_START.flags.writeable = False
    _MONTH_ZERO: Final = int(_MONTH_START[0])
    _POW10: Final = np.array(_POWERS, dtype=np.int64)


# -- results ------------------------------------------------------------------------------------


def _frozen(array: Ints) -> Ints:
    array.flags.writeable = False
    return array


def _as_dates(days: Ints) -> NDArray[np.datetime64]:
    dates: NDArray[np.datetime64] = _frozen(days).view("datetime64[D]")
    return dates


@attrs.frozen(eq=False, repr=False)
class PeriodColumns:
    """Billing periods as two read-only ``datetime64[D]`` columns: line i is ``[start, end)``.

    >>> import numpy as np
    >>> periods = periods_containing(np.datetime64("2025-01-31"), 1, np.datetime64("2025-03-31"))
    >>> periods.period(0), periods.days.tolist()
    (Period(datetime.date(2025, 3, 31), datetime.date(2025, 4, 30)), [30])
    """

    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]

    @property
    def days(self) -> Ints:
        """The number of days of each period (``end - start``)."""
        return _frozen(self.end.view(np.int64) - self.start.view(np.int64))

    def period(self, index: int) -> Period:
        """Line ``index`` as a :class:`~subcommerce.periods.Period`."""
        return Period(self.start[index].item(), self.end[index].item())

    def __len__(self) -> int:
        return len(self.start)

    def __iter__(self) -> Iterator[Period]:
        for start, end in zip(self.start.tolist(), self.end.tolist(), strict=True):
            yield Period(start, end)

    def __repr__(self) -> str:
        return f"PeriodColumns({len(self)} periods)"


@attrs.frozen(eq=False, repr=False)
class ChargeColumns:
    """Prorated charges, one per line, with the columns that explain them (all read-only).

    ``amount_units`` counts minor units of each line's currency (cents for USD); ``days`` are the
    calendar days charged and ``period_days`` the convention's denominator, as in
    :class:`~subcommerce.proration.ProratedLine`.
    """

    periods: PeriodColumns
    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]
    days: Ints
    period_days: Ints
    amount_units: Ints
    convention: ProrationConvention

    def __len__(self) -> int:
        return len(self.amount_units)

    def __repr__(self) -> str:
        return f"ChargeColumns({len(self)} lines, {self.convention.name})"


# -- the edge: every column checked once --------------------------------------------------------


def _at(what: str, array: NDArray[Any], bad: NDArray[np.bool_]) -> tuple[str, int]:
    """The name of the first bad line (``quantity[17]``, or ``quantity`` for a scalar) and it."""
    if array.ndim == 0:
        return what, 0
    index = int(np.argmax(bad))
    return f"{what}[{index}]", index


def _shape(what: str, array: NDArray[Any]) -> None:
    if array.ndim > 1:
        raise InvalidColumn(f"{what} must be a scalar or a 1-D column, got shape {array.shape}")


def _asarray(value: object, what: str) -> NDArray[Any]:
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        raise InvalidColumn(f"{what} is not a column numpy can read: {error}") from None
    _shape(what, array)
    return array


def _dates(value: object, what: str) -> Ints:
    """A column of calendar dates as int64 day numbers since 1970-01-01, checked."""
    if isinstance(value, date):
        day = check_date(value, what)  # a datetime is refused, as everywhere in subcommerce
        return np.asarray(day.toordinal() - _EPOCH, dtype=np.int64)
    array = _asarray(value, what)
    kind = array.dtype.kind
    if kind == "M":
        nat = np.isnat(array)
        if nat.any():
            name, _ = _at(what, array, nat)
            raise InvalidDate(f"{name} is NaT: every line needs a date")
        days_array = array.astype("datetime64[D]", copy=False)
        if array.dtype != days_array.dtype:
            partial = days_array.astype(array.dtype) != array
            if partial.any():
                name, index = _at(what, array, partial)
                raise InvalidDate(
                    f"{name} {array.reshape(-1)[index]} has a time of day; subcommerce works on "
                    f"calendar dates: convert it to a date in the time zone that bills it"
                )
        days: Ints = days_array.view(np.int64)
    elif kind == "O":
        flat = array.reshape(-1)
        for index, item in enumerate(flat.tolist()):
            check_date(item, what if array.ndim == 0 else f"{what}[{index}]")
        days = np.fromiter(
            (item.toordinal() - _EPOCH for item in flat.tolist()), dtype=np.int64, count=flat.size
        ).reshape(array.shape)
    else:
        raise InvalidDate(
            f"{what} must be dates (datetime64 or datetime.date), got dtype {array.dtype}"
        )
    outside = (days < _FIRST_DAY) | (days > _LAST_DAY)
    if outside.any():
        name, index = _at(what, array, outside)
        raise InvalidDate(f"{name} {array.reshape(-1)[index]} is outside the years 1 to 9999")
    return days


def _integers(
    value: object,
    what: str,
    *,
    minimum: int,
    error: type[SubcommerceError],
    maximum: int = _INT64_MAX,
) -> Ints:
    """A column of whole numbers as int64, each in ``[minimum, maximum]``; floats are refused."""
    array = _asarray(value, what)
    kind = array.dtype.kind
    if kind in "fc" or (kind == "O" and any(isinstance(v, float) for v in array.flat)):
        if error is InvalidAmount:
            raise InexactAmount(
                f"{what} is a float column; give amounts as integer minor units (int64)"
            )
        raise error(f"{what} must be whole numbers, got floats")
    if kind == "b" or (kind == "O" and any(isinstance(v, bool) for v in array.flat)):
        raise error(f"{what} must be whole numbers, not booleans")
    if kind == "u":
        too_big = array > _INT64_MAX
        if too_big.any():
            name, index = _at(what, array, too_big)
            raise ColumnOverflow(f"{name} {array.reshape(-1)[index]} does not fit in int64")
    elif kind == "O":
        items = array.reshape(-1).tolist()
        for index, item in enumerate(items):
            name = what if array.ndim == 0 else f"{what}[{index}]"
            if not isinstance(item, int):
                kind_error = InexactAmount if error is InvalidAmount else error
                raise kind_error(
                    f"{name} must be a whole number (of minor units for money), "
                    f"got {type(item).__name__} {item!r}"
                )
            if not -_INT64_MAX <= item <= _INT64_MAX:
                raise ColumnOverflow(f"{name} {item} does not fit in int64")
    elif kind != "i":
        raise error(f"{what} must be whole numbers, got dtype {array.dtype}")
    numbers: Ints = array.astype(np.int64, copy=False)
    for bad, bound, word in (
        (numbers < minimum, minimum, "below"),
        (numbers > maximum, maximum, "above"),
    ):
        if bad.any():
            name, index = _at(what, numbers, bad)
            raise error(f"{name} is {numbers.reshape(-1)[index]}, {word} {bound}")
    return numbers


def _exponent(item: object, name: str) -> int:
    if not isinstance(item, (str, Currency)):
        raise UnknownCurrency(f"{name} must be a currency code, got {item!r}")
    try:
        return currency(item).exponent
    except UnknownCurrency:
        raise UnknownCurrency(f"{name} {item!r} is not a known currency") from None


def _exponents(value: object, what: str) -> int | Ints:
    """The minor-unit exponent of one currency, or of each line's currency (codes or Currency)."""
    if isinstance(value, (str, Currency)):
        return currency(value).exponent
    array = _asarray(value, what)
    items = array.reshape(-1)
    if array.dtype.kind == "U":  # codes: look each distinct one up once
        codes, inverse = np.unique(items, return_inverse=True)
        found = [
            _exponent(code, f"{what}[{int(np.argmax(inverse == position))}]")
            for position, code in enumerate(codes.tolist())
        ]
        per_line: Ints = np.asarray(found, dtype=np.int64)[inverse]
    elif array.dtype.kind == "O":  # codes or Currency values (custom exponents), line by line
        per_line = np.fromiter(
            (_exponent(item, f"{what}[{i}]") for i, item in enumerate(items.tolist())),
            dtype=np.int64,
            count=items.size,
        )
    else:
        raise UnknownCurrency(f"{what} must be currency codes, got dtype {array.dtype}")
    result: Ints = per_line.reshape(array.shape)
    return result


def _places(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_PLACES:
        raise InvalidAmount(f"price_places must be an int from 0 to {_MAX_PLACES}, got {value!r}")
    return value


def _lines(columns: Mapping[str, NDArray[Any] | int]) -> int:
    """The common length of the 1-D columns (1 when every column is a scalar)."""
    length: int | None = None
    first = ""
    for what, column in columns.items():
        if isinstance(column, int) or column.ndim == 0:
            continue
        if length is None:
            length, first = len(column), what
        elif len(column) != length:
            raise InvalidColumn(
                f"{what} has {len(column)} lines but {first} has {length}; columns must align"
            )
    return 1 if length is None else length


def _broadcast(column: Ints, lines: int) -> Ints:
    return np.broadcast_to(column, (lines,))


def check_columnar_convention(convention: object) -> ProrationConvention:
    """``convention`` if the columnar path reproduces it exactly; :class:`UnsupportedConvention`
    naming it otherwise.

    Supported: every :class:`~subcommerce.proration.ProrationConvention` built from the members of
    its enums (each preset of :data:`~subcommerce.proration.PRESETS`, any day count, rounding mode
    and rebill method, a per-license rounding step) whose daily-rate rounding needs at most 18
    decimals, the most a 64-bit integer scale holds. Refused: anything else (a subclass, a field
    that is not a member of its enum, a daily rate rounded to more than 18 decimals).
    """
    if type(convention) is not ProrationConvention:
        raise UnsupportedConvention(
            f"the columnar path reproduces ProrationConvention values only, "
            f"not {type(convention).__name__} {convention!r}"
        )
    name = convention.name
    for field, kind in (
        ("day_count", DayCount),
        ("mode", RoundingMode),
        ("rebill", RebillMethod),
    ):
        value = getattr(convention, field)
        if not isinstance(value, kind):
            raise UnsupportedConvention(
                f"convention {name!r}: {field} {value!r} is not a {kind.__name__}; the columnar "
                f"path reproduces only the members it knows"
            )
    if not isinstance(convention.round_unit_amount, bool):
        raise UnsupportedConvention(
            f"convention {name!r}: round_unit_amount {convention.round_unit_amount!r} is not a bool"
        )
    places = convention.daily_rate_places
    if places is not None and places > _MAX_PLACES:
        raise UnsupportedConvention(
            f"convention {name!r} rounds the daily rate to {places} decimals; the columnar path "
            f"holds at most {_MAX_PLACES} in 64-bit integers and does not approximate"
        )
    return convention


# -- exact integer arithmetic -------------------------------------------------------------------


def _largest(factor: int | Ints) -> int:
    if isinstance(factor, int):
        return factor
    return int(factor.max()) if factor.size else 0


def _product(*factors: tuple[str, int | Ints]) -> Ints:
    """The exact product of non-negative factors; :class:`ColumnOverflow` if it could wrap.

    The product of the largest factors bounds every line: when it fits, multiply; when it does
    not, check each line exactly and refuse the first that would not fit.
    """
    bound = 1
    for _, factor in factors:
        bound *= _largest(factor)
    result: Ints = np.asarray(factors[0][1], dtype=np.int64)
    if bound <= _INT64_MAX:
        for _, factor in factors[1:]:
            result = result * factor
        return result
    for position, (_, factor) in enumerate(factors[1:], start=1):
        limit = _INT64_MAX // np.maximum(factor, 1)
        bad = np.asarray(result > limit)
        if bad.any():
            names = " x ".join(name for name, _ in factors[: position + 1])
            where = "" if bad.ndim == 0 else f" on line {int(np.argmax(bad))}"
            raise ColumnOverflow(
                f"{names} exceeds 64-bit integers{where}; the columnar path refuses rather "
                f"than wrap (use the scalar engine for such amounts)"
            )
        result = result * factor
    return result


def _round(numerator: Ints, denominator: int | Ints, mode: RoundingMode) -> Ints:
    """``numerator / denominator`` (denominator > 0) rounded with ``mode``, line by line.

    The same decisions as :func:`subcommerce.money.round_ratio`: floor division, then the
    remainder against the rest of the denominator (never ``2 x remainder``, which could wrap).
    """
    quotient, remainder = np.divmod(numerator, denominator)
    if mode is RoundingMode.FLOOR:
        return quotient
    inexact = remainder != 0
    if mode is RoundingMode.CEILING:
        return quotient + inexact  # type: ignore[no-any-return]
    negative = numerator < 0
    if mode is RoundingMode.DOWN:  # toward zero
        return quotient + (inexact & negative)  # type: ignore[no-any-return]
    if mode is RoundingMode.UP:  # away from zero
        return quotient + (inexact & ~negative)  # type: ignore[no-any-return]
    rest = denominator - remainder
    above = remainder > rest
    tie = remainder == rest
    if mode is RoundingMode.HALF_EVEN:
        return quotient + (above | (tie & (quotient & 1 == 1)))  # type: ignore[no-any-return]
    if mode is RoundingMode.HALF_UP:  # ties away from zero
        return quotient + (above | (tie & ~negative))  # type: ignore[no-any-return]
    if mode is RoundingMode.HALF_DOWN:  # ties toward zero
        return quotient + (above | (tie & negative))  # type: ignore[no-any-return]
    raise InvalidAmount(f"unknown rounding mode {mode!r}")


def round_ratios(numerators: object, denominators: object, mode: RoundingMode) -> Ints:
    """Each ``numerators[i] / denominators[i]`` rounded to an integer with ``mode``.

    Line by line the same as :func:`subcommerce.money.round_ratio`, on int64 columns.

    >>> round_ratios([5, 7, -5, -5], 2, RoundingMode.HALF_EVEN).tolist()
    [2, 4, -2, -2]
    >>> round_ratios([5, 7, -5, -5], 2, RoundingMode.HALF_UP).tolist()
    [3, 4, -3, -3]
    """
    _require_numpy()
    if not isinstance(mode, RoundingMode):
        raise InvalidAmount(f"unknown rounding mode {mode!r}")
    num = _integers(numerators, "numerators", minimum=-_INT64_MAX, error=InvalidAmount)
    den = _integers(denominators, "denominators", minimum=-_INT64_MAX, error=InvalidAmount)
    lines = _lines({"numerators": num, "denominators": den})
    zero = den == 0
    if zero.any():
        name, _ = _at("denominators", den, zero)
        raise InvalidAmount(f"{name} is zero")
    flip = den < 0
    num, den = np.where(flip, -num, num), np.where(flip, -den, den)
    return _frozen(_round(_broadcast(num, lines), _broadcast(den, lines), mode))


# -- the calendar -------------------------------------------------------------------------------


def _split(days: Ints) -> tuple[Ints, Ints]:
    """The month index (year * 12 + month - 1) and the day of the month of each day number.

    A month is 146097 / 4800 days on average; seven days ahead of that estimate, the month is
    never early and at most one late over the years 1 to 9999 (a test checks every day), so
    one comparison with the month's first day corrects it.
    """
    month: Ints = ((days - _MONTH_ZERO + 7) * 4800) // 146097
    month -= days < _MONTH_START[month]
    return month, days - _MONTH_START[month] + 1


def _add_months(month: Ints, day: Ints, what: str) -> Ints:
    """Day numbers of day ``day`` of month index ``month``, clamped to the end of the month."""
    outside = (month < _FIRST_MONTH) | (month > _LAST_MONTH)
    if outside.any():
        index = int(np.argmax(outside))
        raise InvalidPeriod(
            f"the period of line {index} would {what} outside the years 1 to 9999 "
            f"(month {int(month[index]) % 12 + 1} of year {int(month[index]) // 12})"
        )
    first = _MONTH_START[month]
    length = _MONTH_START[month + 1] - first
    return first + np.minimum(day, length) - 1  # type: ignore[no-any-return]


def _locate(anchor: Ints, months: int | Ints, when: Ints) -> tuple[Ints, Ints]:
    """Start and end day numbers of the period, counted from ``anchor``, that holds ``when``.

    Period k is ``[anchor + k*n, anchor + (k+1)*n)`` months. With M the calendar months from the
    anchor to ``when``, k = M // n puts the start in ``when``'s month or before it; only a start
    in ``when``'s own month (k*n == M) can fall after ``when`` (a late anchor day clamped or
    not), and then the period is the one before. The same reasoning as the scalar engine.
    """
    anchor_month, anchor_day = _split(anchor)
    when_month, when_day = _split(when)
    elapsed: Ints = when_month - anchor_month
    offset: Ints = elapsed // months * months
    month_length = _MONTH_START[when_month + 1] - _MONTH_START[when_month]
    late = (offset == elapsed) & (np.minimum(anchor_day, month_length) > when_day)
    offset -= late * months
    start_month: Ints = anchor_month + offset
    end_month: Ints = start_month + months
    return (
        _add_months(start_month, anchor_day, "start"),
        _add_months(end_month, anchor_day, "end"),
    )


def _months(value: object, what: str) -> int | Ints:
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= _LAST_MONTH:
            raise InvalidQuantity(f"{what} must be from 1 to {_LAST_MONTH}, got {value}")
        return value
    return _integers(value, what, minimum=1, maximum=_LAST_MONTH, error=InvalidQuantity)


def periods_containing(anchors: object, months_per_period: object, when: object) -> PeriodColumns:
    """For each line, the period counted from its anchor in steps of n months that holds ``when``.

    Line by line equal to :func:`subcommerce.periods.period_containing`. ``anchors`` and ``when``
    are date columns (or one date for every line); ``months_per_period`` is an int or a column.

    >>> import numpy as np
    >>> periods = periods_containing(
    ...     np.datetime64("2024-01-31"), 1, np.array(["2024-02-29", "2024-03-15"], "M8[D]")
    ... )
    >>> [str(p) for p in periods]
    ['2024-02-29..2024-03-31', '2024-02-29..2024-03-31']
    """
    _require_numpy()
    anchor = _dates(anchors, "anchors")
    months = _months(months_per_period, "months_per_period")
    day = _dates(when, "when")
    lines = _lines({"anchors": anchor, "months_per_period": months, "when": day})
    months = months if isinstance(months, int) else _broadcast(months, lines)
    start, end = _locate(_broadcast(anchor, lines), months, _broadcast(day, lines))
    return PeriodColumns(_as_dates(start), _as_dates(end))


# -- proration ----------------------------------------------------------------------------------


@attrs.frozen
class _Prices:
    """Checked price columns: units of 10**-places of the currency, and the currency exponent."""

    units: Ints
    places: int | Ints
    exponent: int | Ints


def _prices(unit_price: object, currency_: object, price_places: object) -> _Prices:
    units = _integers(unit_price, "unit_price", minimum=0, error=InvalidAmount)
    exponent = _exponents(currency_, "currency")
    places = exponent if price_places is None else _places(price_places)
    return _Prices(units, places, exponent)


def _excess(high: int | Ints, low: int | Ints) -> int | Ints:
    """``10 ** max(high - low, 0)``: moves a count from ``low`` to ``high`` decimal places."""
    if isinstance(high, int) and isinstance(low, int):
        return _POWERS[max(high - low, 0)]
    powers: Ints = _POW10[np.maximum(np.asarray(high) - low, 0)]
    return powers


def _period_days(start: Ints, end: Ints, convention: ProrationConvention) -> Ints:
    if convention.day_count is DayCount.ACTUAL:
        return end - start
    months = _split(end)[0] - _split(start)[0]
    return 30 * np.maximum(months, 1)  # type: ignore[no-any-return]


def _counted(
    period_start: Ints,
    period_end: Ints,
    start: Ints,
    end: Ints,
    period_days: Ints,
    convention: ProrationConvention,
) -> Ints:
    """Days of ``[start, end)`` as the convention counts them (30-day months: whole or capped)."""
    days = end - start
    if convention.day_count is DayCount.ACTUAL:
        return days
    whole = (start == period_start) & (end == period_end)
    return np.where(whole, period_days, np.minimum(days, period_days))


def _charge(
    prices: _Prices,
    quantity: Ints,
    days: Ints,
    period_days: Ints,
    convention: ProrationConvention,
) -> Ints:
    """Line amounts in minor units: the scalar engine's pipeline, step for step.

    With price P (in units of 10**-places), quantity Q, d days counted of D, and e the
    currency's exponent: the default rounds P x Q x d x 10**e / (10**places x D) once. A
    convention with steps rounds the daily rate to r places, or the per-license amount to minor
    units, first; the whole period then costs P x Q rounded, and no part of it more than that.
    """
    mode = convention.mode
    price = ("unit_price", prices.units)
    count = ("quantity", quantity)
    counted = ("days", days)
    in_period = ("period days", period_days)
    places, exponent = prices.places, prices.exponent
    up = ("scale", _excess(exponent, places))
    down = ("price scale", _excess(places, exponent))
    rate_places = convention.daily_rate_places
    if rate_places is None and not convention.round_unit_amount:
        return _round(_product(price, count, counted, up), _product(down, in_period), mode)
    whole = _round(_product(price, count, up), down[1], mode)
    if rate_places is None:
        unit = _round(_product(price, counted, up), _product(down, in_period), mode)
        amount = _product(("per-license amount", unit), count)
    else:
        rate = _round(
            _product(price, ("rate scale", _excess(rate_places, places))),
            _product(("rate scale", _excess(places, rate_places)), in_period),
            mode,
        )
        daily = ("daily rate", rate)
        rate_up = ("scale", _excess(exponent, rate_places))
        rate_down = _excess(rate_places, exponent)
        if convention.round_unit_amount:
            unit = _round(_product(daily, counted, rate_up), rate_down, mode)
            amount = _product(("per-license amount", unit), count)
        else:
            amount = _round(_product(daily, counted, count, rate_up), rate_down, mode)
    return np.where(days >= period_days, whole, np.minimum(amount, whole))


def _first(mask: NDArray[np.bool_]) -> int | None:
    """The index of the first True line, or None."""
    return int(np.argmax(mask)) if mask.any() else None


def _iso(days: Ints, index: int) -> str:
    """Line ``index`` of a day-number column as an ISO date."""
    return str(days[index : index + 1].view("datetime64[D]")[0])


def _check_spans(
    period_start: Ints, period_end: Ints, start: Ints, end: Ints, what: tuple[str, str]
) -> None:
    """Each period non-empty, each span ``[start, end)`` non-empty and inside its period."""
    empty = period_end <= period_start
    if (index := _first(empty)) is not None:
        raise InvalidPeriod(
            f"period_end[{index}] {_iso(period_end, index)} is not after "
            f"period_start[{index}] {_iso(period_start, index)}"
        )
    for name, day, bad, closing in (
        (what[0], start, (start < period_start) | (start >= period_end), ")"),
        (what[1], end, (end <= period_start) | (end > period_end), "]"),
    ):
        if (index := _first(bad)) is not None:
            raise DateOutsidePeriod(
                f"{name}[{index}] {_iso(day, index)} is outside [{_iso(period_start, index)}.."
                f"{_iso(period_end, index)}{closing}"
            )
    if (index := _first(end <= start)) is not None:
        raise InvalidPeriod(
            f"{what[1]}[{index}] {_iso(end, index)} is not after {what[0]}[{index}] "
            f"{_iso(start, index)}"
        )


def prorate_columns(
    unit_price: object,
    quantity: object,
    period_start: object,
    period_end: object,
    start: object = None,
    end: object = None,
    *,
    currency: object,
    price_places: int | None = None,
    convention: ProrationConvention = EXACT,
) -> ChargeColumns:
    """For each line, the charge for ``quantity`` units over ``[start, end)`` of its period.

    Line by line equal to :func:`subcommerce.proration.prorate`. ``unit_price`` is an integer
    column of units of ``10**-price_places`` of the currency (by default its minor unit: cents
    for USD); ``currency`` is one code (or :class:`~subcommerce.money.Currency`) for every line,
    or a column of codes. ``start`` and ``end`` default to the period's own.

    >>> import numpy as np
    >>> march = np.datetime64("2025-03-01"), np.datetime64("2025-04-01")
    >>> lines = prorate_columns([3600, 3600], [5, 5], *march,
    ...                         start=np.array(["2025-03-15", "2025-03-01"], "M8[D]"),
    ...                         currency="USD")
    >>> lines.amount_units.tolist(), lines.days.tolist(), lines.period_days.tolist()
    ([9871, 18000], [17, 31], [31, 31])
    """
    _require_numpy()
    conv = check_columnar_convention(convention)
    prices = _prices(unit_price, currency, price_places)
    count = _integers(quantity, "quantity", minimum=1, error=InvalidQuantity)
    first, last = _dates(period_start, "period_start"), _dates(period_end, "period_end")
    begin = first if start is None else _dates(start, "start")
    finish = last if end is None else _dates(end, "end")
    columns = {
        "unit_price": prices.units,
        "quantity": count,
        "period_start": first,
        "period_end": last,
        "start": begin,
        "end": finish,
    }
    if not isinstance(prices.exponent, int):
        columns["currency"] = prices.exponent
    lines = _lines(columns)
    first, last, begin, finish = (
        np.array(_broadcast(column, lines)) for column in (first, last, begin, finish)
    )
    _check_spans(first, last, begin, finish, ("start", "end"))
    prices = _lined(prices, lines)
    period_days = _period_days(first, last, conv)
    counted = _counted(first, last, begin, finish, period_days, conv)
    amount = _charge(prices, _broadcast(count, lines), counted, period_days, conv)
    return ChargeColumns(
        PeriodColumns(_as_dates(first), _as_dates(last)),
        _as_dates(begin),
        _as_dates(finish),
        _frozen(finish - begin),
        _frozen(period_days),
        _frozen(amount),
        conv,
    )


def _lined(prices: _Prices, lines: int) -> _Prices:
    """The price columns broadcast to ``lines`` lines (scalars stay scalars)."""

    def spread(value: int | Ints) -> int | Ints:
        return value if isinstance(value, int) else _broadcast(value, lines)

    return _Prices(_broadcast(prices.units, lines), spread(prices.places), spread(prices.exponent))


def prorate_to_period_end(
    anchors: object,
    months_per_period: object,
    start: object,
    unit_price: object,
    quantity: object,
    *,
    currency: object,
    price_places: int | None = None,
    convention: ProrationConvention = EXACT,
) -> ChargeColumns:
    """For each line, the charge from ``start`` to the end of the anchored period holding it.

    The calendar included: line by line equal to ``prorate(price, quantity, period_containing(
    anchor, months_per_period, start), start=start)``. Licenses bought on ``start`` cost their
    share of the period they were bought in.

    >>> import numpy as np
    >>> lines = prorate_to_period_end(np.datetime64("2025-01-31"), 1,
    ...                               np.array(["2025-02-14", "2025-03-31"], "M8[D]"),
    ...                               3600, 5, currency="USD")
    >>> [str(p) for p in lines.periods], lines.amount_units.tolist()
    (['2025-01-31..2025-02-28', '2025-03-31..2025-04-30'], [9000, 18000])
    """
    _require_numpy()
    conv = check_columnar_convention(convention)
    anchor = _dates(anchors, "anchors")
    months = _months(months_per_period, "months_per_period")
    begin = _dates(start, "start")
    prices = _prices(unit_price, currency, price_places)
    count = _integers(quantity, "quantity", minimum=1, error=InvalidQuantity)
    columns: dict[str, NDArray[Any] | int] = {
        "anchors": anchor,
        "months_per_period": months,
        "start": begin,
        "unit_price": prices.units,
        "quantity": count,
    }
    if not isinstance(prices.exponent, int):
        columns["currency"] = prices.exponent
    lines = _lines(columns)
    months = months if isinstance(months, int) else _broadcast(months, lines)
    begin = _broadcast(begin, lines)
    first, last = _locate(_broadcast(anchor, lines), months, begin)
    days = last - begin
    if conv.day_count is DayCount.ACTUAL:
        period_days, counted = last - first, days
    else:  # the period spans exactly months_per_period calendar months
        period_days = np.broadcast_to(30 * np.asarray(months, dtype=np.int64), (lines,))
        counted = np.where(begin == first, period_days, np.minimum(days, period_days))
    amount = _charge(_lined(prices, lines), _broadcast(count, lines), counted, period_days, conv)
    return ChargeColumns(
        PeriodColumns(_as_dates(first), _as_dates(last)),
        _as_dates(np.array(begin)),
        _as_dates(last),
        _frozen(days),
        _frozen(np.array(period_days)),
        _frozen(amount),
        conv,
    )


def credit_and_rebill_nets(
    unit_price: object,
    quantity: object,
    new_quantity: object,
    period_start: object,
    period_end: object,
    change_date: object,
    span_start: object = None,
    span_end: object = None,
    *,
    currency: object,
    price_places: int | None = None,
    convention: ProrationConvention = EXACT,
    charged: object = None,
) -> Ints:
    """For each line, what changing ``quantity`` to ``new_quantity`` on ``change_date`` nets.

    Line by line equal to ``credit_and_rebill(original, change_date, new_quantity,
    convention=convention).net``, in minor units: negative for a decrease. The original charge
    for ``[span_start, span_end)`` is ``charged`` (its amount in minor units: an allocated piece
    of a split, or a charge under another convention), by default ``prorate(price, quantity,
    period, span_start, span_end, convention=convention)``. With allocated rebills (the default)
    the net is the exact difference rounded once, a decrease never crediting more than was
    charged; with independent rebills, the rebill lines rounded on their own less the charge.
    Like the scalar ``credit_and_rebill``, these are the nets of credit and rebill whatever the
    convention's ``layout``: a change in the new-commerce layout (a refund and a charge rounded
    on their own) is :func:`subcommerce.layouts.change_quantity`'s, which has no columnar form.

    >>> import numpy as np
    >>> january = np.datetime64("2025-01-01"), np.datetime64("2025-02-01")
    >>> credit_and_rebill_nets(3600, 100, [105, 95], *january, np.datetime64("2025-01-15"),
    ...                        currency="USD").tolist()
    [9871, -9871]
    """
    _require_numpy()
    conv = check_columnar_convention(convention)
    prices = _prices(unit_price, currency, price_places)
    old = _integers(quantity, "quantity", minimum=1, error=InvalidQuantity)
    new = _integers(new_quantity, "new_quantity", minimum=1, error=InvalidQuantity)
    first, last = _dates(period_start, "period_start"), _dates(period_end, "period_end")
    change = _dates(change_date, "change_date")
    begin = first if span_start is None else _dates(span_start, "span_start")
    finish = last if span_end is None else _dates(span_end, "span_end")
    columns: dict[str, NDArray[Any] | int] = {
        "unit_price": prices.units,
        "quantity": old,
        "new_quantity": new,
        "period_start": first,
        "period_end": last,
        "change_date": change,
        "span_start": begin,
        "span_end": finish,
    }
    given: Ints | None = None
    if charged is not None:  # only a charge can be credited: never a negative amount
        given = columns["charged"] = _integers(charged, "charged", minimum=0, error=InvalidAmount)
    if not isinstance(prices.exponent, int):
        columns["currency"] = prices.exponent
    lines = _lines(columns)
    first, last, begin, finish, change = (
        _broadcast(column, lines) for column in (first, last, begin, finish, change)
    )
    _check_spans(first, last, begin, finish, ("span_start", "span_end"))
    outside = (change < begin) | (change >= finish)
    if (index := _first(outside)) is not None:
        raise DateOutsidePeriod(
            f"change_date[{index}] {_iso(change, index)} is outside the charged span "
            f"[{_iso(begin, index)}..{_iso(finish, index)})"
        )
    prices = _lined(prices, lines)
    old, new = _broadcast(old, lines), _broadcast(new, lines)
    period_days = _period_days(first, last, conv)
    if given is None:
        original = _charge(
            prices, old, _counted(first, last, begin, finish, period_days, conv), period_days, conv
        )
    else:
        original = _broadcast(given, lines)
    if conv.rebill is RebillMethod.ALLOCATE:
        delta = new - old
        up = _excess(prices.exponent, prices.places)
        down = _excess(prices.places, prices.exponent)
        net = _round(
            _product(
                ("quantity change", np.abs(delta)),
                ("unit_price", prices.units),
                ("days", finish - change),
                ("scale", up),
            ),
            _product(("price scale", down), ("period days", period_days)),
            conv.mode,
        )
        return _frozen(np.where(delta < 0, -np.minimum(net, original), net))
    before = _charge(
        prices, old, _counted(first, last, begin, change, period_days, conv), period_days, conv
    )
    before = np.where(change > begin, before, 0)
    after = _charge(
        prices, new, _counted(first, last, change, finish, period_days, conv), period_days, conv
    )
    if _largest(before) + _largest(after) > _INT64_MAX:
        raise ColumnOverflow("the rebill lines add up beyond 64-bit integers")
    return _frozen(before + after - original)
