"""Proration: charges for part of a billing period, credit-and-rebill, refunds, each line explained.

The charge for part of a period is::

    unit price x quantity x days used / days in the actual service period

where the service period is the real billing period (28 to 31 days for a month, 365 or 366 for a
year; never a fixed 30 or 365). The fraction is kept exact (integer arithmetic) and rounded once
per line, through :func:`subcommerce.money.round_ratio`.

A :class:`ProrationConvention` is a value that names how a biller departs from that: the day-count
basis, the rounding mode and the rounding steps (a daily rate rounded to N places first, a
per-license amount rounded before it is multiplied by the quantity). :data:`EXACT` is the default;
the presets below reproduce the arithmetic of Microsoft's published billing examples and say where
each comes from.

>>> from datetime import date
>>> from subcommerce.money import Money
>>> from subcommerce.periods import Period
>>> march = Period(date(2025, 3, 1), date(2025, 4, 1))
>>> line = prorate(Money.of("36.00", "USD"), 5, march, start=date(2025, 3, 15))
>>> str(line.amount), line.days, line.period_days
('98.71 USD', 17, 31)
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from subcommerce._checks import Choice
from subcommerce.errors import (
    CurrencyMismatch,
    DateOutsidePeriod,
    InexactAmount,
    InvalidAmount,
    InvalidArgument,
    InvalidPeriod,
    InvalidQuantity,
    SubcommerceError,
    UnknownReference,
)
from subcommerce.money import (
    EXACT_CONTEXT,
    Currency,
    Money,
    MoneySlots,
    RoundingMode,
    allocate_units,
    money_from_units,
    round_ratio,
    units_of,
)
from subcommerce.periods import (
    MAX_DATE,
    MIN_DATE,
    Period,
    PeriodSlots,
    check_date,
    date_text,
    months_between,
    period_unchecked,
)

__all__ = [
    "EXACT",
    "MAX_QUANTITY",
    "MAX_RATE_PLACES",
    "PC_LEGACY_ANNUAL",
    "PC_LEGACY_DAILY_RATE_2",
    "PC_LEGACY_DAILY_RATE_3",
    "PC_LEGACY_PER_LICENSE",
    "PC_NCE",
    "PC_NCE_SEAT_CHANGE",
    "PRESETS",
    "Adjustment",
    "DayCount",
    "LedgerLayout",
    "LineKind",
    "ProratedLine",
    "ProrationConvention",
    "RebillMethod",
    "check_quantity",
    "credit_and_rebill",
    "prorate",
    "proration_convention",
    "refund_unused",
    "split",
]


class DayCount(Choice):
    """How the days of a period are counted.

    ``ACTUAL``: days used over the actual days of the service period (28-31, 365/366).
    ``THIRTY``: every month of the period counts as 30 days (a year as 360) and days used are
    capped at that count; some engines do this. It does not add up: 31 one-day pieces of a 31-day
    month cost 31/30 of the month, so properties that need additivity hold only for ``ACTUAL``.
    """

    ACTUAL = "actual"
    THIRTY = "30-day months"


class RebillMethod(Choice):
    """How the rebill lines of a mid-period quantity change are rounded.

    ``ALLOCATE`` (default): the net of the change is the exact difference rounded once, and the
    rebill lines are allocated so that credit + rebills equal that net to the cent.
    ``INDEPENDENT``: each line is rounded on its own, as Microsoft's published invoices show them;
    the net is then the sum of independently rounded lines.
    """

    ALLOCATE = "allocate"
    INDEPENDENT = "independent"


class LedgerLayout(Choice):
    """How the ledger writes a quantity change in mid-period (:mod:`subcommerce.layouts`).

    ``LEGACY`` (default): credit the period's charge in full, rebill the old quantity up to the
    change and the new quantity from it (:func:`credit_and_rebill`, rounded by ``rebill``).
    ``NEW_COMMERCE``: refund the remaining days of the old quantity and charge the remaining days
    of the new one, each line prorated and rounded on its own, as new commerce bills a seat change.
    """

    LEGACY = "legacy"
    NEW_COMMERCE = "new-commerce"


#: The most licenses (units) one line, subscription or command may hold: ten million, above the
#: largest organizations' seat counts, so that a typo (an extra digit or three) is refused.
MAX_QUANTITY: Final = 10_000_000
#: The most decimals a convention may round a daily rate to: Microsoft's examples use 2 and 3;
#: 30 is finer than any biller rounds and keeps ``10**places`` a small integer.
MAX_RATE_PLACES: Final = 30


def _check_places(
    instance: ProrationConvention, attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RATE_PLACES
    ):
        raise InvalidQuantity(
            f"daily_rate_places must be None or a whole number from 0 to {MAX_RATE_PLACES}, "
            f"got {value!r}"
        )


def _member_of(kind: type[enum.Enum], attribute: attrs.Attribute[Any], value: object) -> None:
    """Refuse a convention field that is not a member of its enum, listing the members."""
    if not isinstance(value, kind):
        known = ", ".join(str(member.value) for member in kind)
        raise InvalidArgument(
            f"convention {attribute.name} must be a {kind.__name__} ({known}), got {value!r}"
        )


def _day_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _member_of(DayCount, attribute, value)


def _mode(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _member_of(RoundingMode, attribute, value)


def _rebill(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _member_of(RebillMethod, attribute, value)


def _layout(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _member_of(LedgerLayout, attribute, value)


def _text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidArgument(f"convention {attribute.name} must be a string, got {value!r}")


def _flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"convention {attribute.name} must be True or False, got {value!r}")


@attrs.frozen
class ProrationConvention:
    """How a biller prorates: day count, rounding mode and rounding steps, as a value.

    The pipeline, for price P, quantity Q, D days in the period and d days used:

    1. daily rate r = P / D, rounded to ``daily_rate_places`` decimals when that is set;
    2. per-license amount u = r x d, rounded to the currency's minor unit when
       ``round_unit_amount`` is set;
    3. line = u x Q, rounded to the minor unit: the only rounding of the default convention.

    Every step rounds with ``mode``. Under actual days the whole period costs P x Q (rounded
    once) whatever the steps, and no part of a period ever costs more than the whole of it.
    ``layout`` says which lines the ledger writes for a quantity change in mid-period
    (:class:`LedgerLayout`); ``rebill`` rounds the rebills of the legacy layout.
    """

    name: str = attrs.field(validator=_text)
    day_count: DayCount = attrs.field(default=DayCount.ACTUAL, validator=_day_count)
    mode: RoundingMode = attrs.field(default=RoundingMode.HALF_EVEN, validator=_mode)
    daily_rate_places: int | None = attrs.field(default=None, validator=_check_places)
    round_unit_amount: bool = attrs.field(default=False, validator=_flag)
    rebill: RebillMethod = attrs.field(default=RebillMethod.ALLOCATE, validator=_rebill)
    source: str = attrs.field(default="", validator=_text)
    layout: LedgerLayout = attrs.field(default=LedgerLayout.LEGACY, validator=_layout)

    @property
    def rounds_once(self) -> bool:
        """True when the only rounding is the final one of each line."""
        return self.daily_rate_places is None and not self.round_unit_amount


#: The default: exact fraction, actual days, rounded once per line half-even, rebills allocated.
EXACT: Final = ProrationConvention(
    name="exact",
    source="subcommerce default: exact fraction of the actual service period, rounded once",
)

# Microsoft's published Partner Center examples do not round one way. Each preset below
# reproduces one family of them to the cent; the tests pin every figure quoted here.
_PC = "Partner Center (MicrosoftDocs/partner-center-pr), "

#: Legacy annual billing, "add license after anniversary": 211.20 a year, lines 0.58 (1 day),
#: 31.25 (2 licenses, 27 days), 390.00 (2 licenses, 337 days): actual days (365), no rounding
#: before the line, each line rounded half-up on its own.
PC_LEGACY_ANNUAL: Final = ProrationConvention(
    name="pc-legacy-annual",
    mode=RoundingMode.HALF_UP,
    rebill=RebillMethod.INDEPENDENT,
    source=_PC + "common-billing-scenarios-annual.md (2020): price x days / 365, lines half-up",
)

#: Legacy annual billing, "change license quantity": 48.00 a year, daily rate 48/365 rounded to
#: 0.13 first, then 19 x 0.13 = 2.47 and 346 x 0.13 x 2 = 89.96.
PC_LEGACY_DAILY_RATE_2: Final = ProrationConvention(
    name="pc-legacy-daily-rate-2",
    mode=RoundingMode.HALF_UP,
    daily_rate_places=2,
    rebill=RebillMethod.INDEPENDENT,
    source=_PC + "common-billing-scenarios-annual.md (2020): daily rate rounded to 2 decimals",
)

#: Legacy monthly billing: 4.00 a month, daily rate 4/31 = 0.129 or 4/28 = 0.143 (3 decimals,
#: half-up) over the actual days of the charge month, then 19 x 0.129 = 2.45, 12 x 0.143 = 1.72.
PC_LEGACY_DAILY_RATE_3: Final = ProrationConvention(
    name="pc-legacy-daily-rate-3",
    mode=RoundingMode.HALF_UP,
    daily_rate_places=3,
    rebill=RebillMethod.INDEPENDENT,
    source=_PC + "common-billing-scenarios-monthly.md (2020): daily rate rounded to 3 decimals",
)

#: Legacy one-time and select recurring purchases: (4/30) x 29 = 3.87 per license, rounded
#: before the quantity, so two licenses cost 7.74 (not 7.73).
PC_LEGACY_PER_LICENSE: Final = ProrationConvention(
    name="pc-legacy-per-license",
    mode=RoundingMode.HALF_UP,
    round_unit_amount=True,
    rebill=RebillMethod.INDEPENDENT,
    source=_PC
    + "common-billing-scenarios-onetime-recurring.md (2020): per-license amount rounded first",
)

#: New commerce reconciliation files: Subtotal = ROUNDDOWN(EffectiveUnitPrice, 2) x quantity,
#: where the effective unit price is the prorated price per license (actual days of the cycle).
PC_NCE: Final = ProrationConvention(
    name="pc-nce",
    mode=RoundingMode.DOWN,
    round_unit_amount=True,
    rebill=RebillMethod.INDEPENDENT,
    source=_PC
    + "modern-invoice-reconciliation-file: ROUNDDOWN(effective unit price, 2) x quantity",
)

#: New commerce seat changes, as "one-time and select recurring purchases" bill them: the charge
#: stays, the change refunds the remaining days of the old quantity and charges the remaining
#: days of the new one; (4/30) x 29 = 3.87 per license, half-up, so 1 -> 2 licenses on day 2 of a
#: 30-day period writes -3.87 and +7.74 beside the 4.00 charged.
PC_NCE_SEAT_CHANGE: Final = ProrationConvention(
    name="pc-nce-seat-change",
    mode=RoundingMode.HALF_UP,
    round_unit_amount=True,
    rebill=RebillMethod.INDEPENDENT,
    source=_PC
    + "common-billing-scenarios-onetime-recurring.md (2020): refund old, charge new quantity",
    layout=LedgerLayout.NEW_COMMERCE,
)

PRESETS: Final = {
    c.name: c
    for c in (
        EXACT,
        PC_LEGACY_ANNUAL,
        PC_LEGACY_DAILY_RATE_2,
        PC_LEGACY_DAILY_RATE_3,
        PC_LEGACY_PER_LICENSE,
        PC_NCE,
        PC_NCE_SEAT_CHANGE,
    )
}


def proration_convention(value: str | ProrationConvention) -> ProrationConvention:
    """``value`` if it is a convention, or the preset it names (a key of :data:`PRESETS`).

    >>> proration_convention("pc-nce") is PC_NCE
    True
    """
    if isinstance(value, ProrationConvention):
        return value
    if isinstance(value, str):
        preset = PRESETS.get(value)
        if preset is None:
            raise UnknownReference(
                f"unknown convention {value!r}; expected a ProrationConvention or one of "
                f"{', '.join(PRESETS)}"
            )
        return preset
    raise InvalidArgument(
        f"convention must be a ProrationConvention or a preset name, got {value!r}"
    )


class LineKind(Choice):
    """What a prorated line is: a charge, the credit of a charge, a rebill, or a refund."""

    CHARGE = "charge"
    CREDIT = "credit"
    REBILL = "rebill"
    REFUND = "refund"


def _check_line(instance: ProratedLine, attribute: attrs.Attribute[str], value: str) -> None:
    """Invariants of a line built from outside the engine (by hand or from plain data)."""
    if not isinstance(instance.kind, LineKind):
        raise InvalidArgument(f"line kind must be a LineKind, got {instance.kind!r}")
    check_quantity(instance.quantity)
    _check_price(instance.unit_price)
    for name in ("service_period", "span"):
        if not isinstance(getattr(instance, name), Period):
            raise InvalidPeriod(f"line {name} must be a Period, got {getattr(instance, name)!r}")
    if not isinstance(instance.amount, Money):
        raise InexactAmount(f"line amount must be Money, got {instance.amount!r}")
    _check_convention(instance.convention)
    if not isinstance(value, str):
        raise InvalidArgument(f"line note must be a string, got {value!r}")
    if not instance.service_period.contains_period(instance.span):
        raise InvalidPeriod(
            f"line span {instance.span} is outside its period {instance.service_period}"
        )
    if instance.amount.currency != instance.unit_price.currency:
        raise CurrencyMismatch(
            f"line amount {instance.amount} is not in the unit price's currency "
            f"{instance.unit_price.currency.code}"
        )


class LineSlots:
    """The slots of a :class:`ProratedLine`, writable: the engine's fast way to build one.

    A frozen line refuses attribute stores; a LineSlots takes them at the speed of plain slot
    stores (eight setter calls cost three times as much). Fill all eight fields with values
    already checked, then retype it: ``slots.__class__ = ProratedLine``. Never let one out
    unretyped. :func:`explained_line` does exactly this.
    """

    __slots__ = (
        "__weakref__",
        "amount",
        "convention",
        "kind",
        "note",
        "quantity",
        "service_period",
        "span",
        "unit_price",
    )
    kind: LineKind
    quantity: int
    unit_price: Money
    service_period: Period
    span: Period
    amount: Money
    convention: ProrationConvention
    note: str


@attrs.frozen
class ProratedLine(LineSlots):
    """One charge (or credit) for part of a billing period, with everything that explains it.

    ``amount`` is rounded to the currency's minor unit. Everything else that explains it is
    derived from the fields: ``days`` used, ``period_days`` (the denominator), the ``exact`` value
    before rounding, and the intermediate ``daily_rate`` / ``unit_amount`` a convention rounds.
    Credits and refunds have negative amounts and positive quantities.
    """

    kind: LineKind
    quantity: int
    unit_price: Money
    service_period: Period
    span: Period
    amount: Money
    convention: ProrationConvention
    note: str = attrs.field(default="", validator=_check_line)

    @property
    def days(self) -> int:
        """Days of the service period this line covers."""
        return self.span.days

    @property
    def period_days(self) -> int:
        """The denominator: days in the service period under the convention's day count."""
        return _denominator(self.service_period, self.convention)

    @property
    def sign(self) -> int:
        """-1 for a credit or a refund, 1 otherwise."""
        return -1 if self.kind in _NEGATIVE else 1

    @property
    def exact(self) -> Fraction:
        """The exact value before any rounding: price x quantity x days / period days."""
        period_days = self.period_days
        days = _counted_days(self.span, self.service_period, self.convention)
        return Fraction(self.sign * self.quantity * days, period_days) * Fraction(
            self.unit_price.amount
        )

    @property
    def daily_rate(self) -> Decimal | None:
        """The daily rate as the convention rounded it, or None when it is not rounded."""
        return self._steps()[1]

    @property
    def unit_amount(self) -> Decimal | None:
        """The per-license amount as the convention rounded it, or None when it is not rounded."""
        return self._steps()[2]

    def _steps(self) -> tuple[int, Decimal | None, Decimal | None]:
        numerator, denominator = self.unit_price.amount.as_integer_ratio()
        return _units(
            numerator,
            denominator,
            self.quantity,
            _counted_days(self.span, self.service_period, self.convention),
            self.period_days,
            self.unit_price.currency.exponent,
            self.convention,
        )

    def exact_text(self, places: int = 6) -> str:
        """The exact value to ``places`` decimals (0 to 30, truncated), '...' when it goes on."""
        if places.__class__ is not int or not 0 <= places <= _MAX_TEXT_PLACES:
            raise InvalidQuantity(
                f"places must be a whole number from 0 to {_MAX_TEXT_PLACES}, got {places!r}"
            )
        return _decimal_text(self.exact, places)

    def explain(self) -> str:
        """A one-line, human-readable account of how the amount was reached."""
        _, daily_rate, unit_amount = self._steps()
        steps = []
        if daily_rate is not None:
            steps.append(f"daily rate {daily_rate}")
        if unit_amount is not None:
            steps.append(f"per license {unit_amount}")
        detail = f" ({', '.join(steps)})" if steps else ""
        note = f"; {self.note}" if self.note else ""
        product = (
            f"{self.quantity} x {self.unit_price} x {self.days}/{self.period_days} days"
            f" [{self.span} of {self.service_period}]"
        )
        if self.sign < 0:
            product = f"-({product})"
        return (
            f"{self.kind.value}: {product}{detail} = {self.exact_text()} -> {self.amount}"
            f" ({self.convention.name}, {self.convention.mode.value}{note})"
        )


_MAX_TEXT_PLACES: Final = 30
_NEGATIVE: Final = frozenset({LineKind.CREDIT, LineKind.REFUND})
# Enum members bound once: attribute access on an enum class is slow on the hot path.
_CREDIT: Final = LineKind.CREDIT
_REFUND: Final = LineKind.REFUND
_REBILL: Final = LineKind.REBILL
_INDEPENDENT: Final = RebillMethod.INDEPENDENT
CHARGE_KIND: Final = LineKind.CHARGE
_ACTUAL: Final = DayCount.ACTUAL
_THIRTY: Final = DayCount.THIRTY


def _decimal_text(value: Fraction, places: int = 6) -> str:
    """``value`` with ``places`` decimals (truncated) and '...' when it does not stop there."""
    scaled = round_ratio(value.numerator * 10**places, value.denominator, RoundingMode.DOWN)
    whole, fraction = divmod(abs(scaled), 10**places)
    sign = "-" if value < 0 else ""
    text = f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"
    return text if scaled * value.denominator == value.numerator * 10**places else text + "..."


class AdjustmentSlots:
    """The slots of an :class:`Adjustment`, writable (see :class:`LineSlots`): fill all five,
    then ``slots.__class__ = Adjustment``."""

    __slots__ = ("__weakref__", "change_date", "credit", "new_quantity", "old_quantity", "rebills")
    credit: ProratedLine
    rebills: tuple[ProratedLine, ...]
    change_date: date
    old_quantity: int
    new_quantity: int


@attrs.frozen
class Adjustment(AdjustmentSlots):
    """The lines of a mid-period quantity change: the credit of the original charge, the rebills.

    ``net`` is what the change costs (negative for a decrease).
    """

    credit: ProratedLine
    rebills: tuple[ProratedLine, ...]
    change_date: date
    old_quantity: int
    new_quantity: int

    @property
    def lines(self) -> tuple[ProratedLine, ...]:
        """The credit then the rebills, in invoice order."""
        return (self.credit, *self.rebills)

    @property
    def net(self) -> Money:
        """Credit plus rebills."""
        total = self.credit.amount
        for line in self.rebills:
            total = total + line.amount
        return total


# -- the engine ---------------------------------------------------------------------------------


def check_quantity(quantity: object, what: str = "quantity") -> int:
    """``quantity`` if it is a whole number of at least 1; a clear error otherwise."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity(f"{what} must be a whole number, got {quantity!r}")
    if quantity < 1:
        raise InvalidQuantity(f"{what} must be at least 1, got {quantity}")
    if quantity > MAX_QUANTITY:
        raise InvalidQuantity(f"{what} {quantity} is above the most supported, {MAX_QUANTITY}")
    return quantity


def _check_convention(convention: object) -> ProrationConvention:
    if convention.__class__ is not ProrationConvention:
        raise InvalidArgument(
            f"convention must be a ProrationConvention such as PRESETS[{convention!r}], "
            f"got {type(convention).__name__} {convention!r}"
            if isinstance(convention, str) and convention in PRESETS
            else f"convention must be a ProrationConvention, got {convention!r}"
        )
    return convention


def _check_price(unit_price: object) -> Money:
    if not isinstance(unit_price, Money):
        raise InexactAmount(f"unit price must be Money, got {type(unit_price).__name__}")
    if unit_price.amount < 0:
        raise InvalidAmount(f"unit price {unit_price} is negative")
    return unit_price


def _denominator(period: Period, convention: ProrationConvention) -> int:
    if convention.day_count is _ACTUAL:
        return period.days
    return 30 * max(months_between(period.start, period.end), 1)


_SCALE: Final[tuple[int, ...]] = tuple(10**e for e in range(8))


def _counted_days(span: Period, period: Period, convention: ProrationConvention) -> int:
    """The days of ``span`` as the convention counts them.

    Under 30-day months the whole period counts as all of its 30 x n days (a whole February is a
    whole month), and a part of it as its calendar days, capped at that count.
    """
    days = span.days
    if convention.day_count is _THIRTY:
        period_days = _denominator(period, convention)
        if span.start == period.start and span.end == period.end:
            return period_days
        return min(days, period_days)
    return days


def _units(
    price_num: int,
    price_den: int,
    quantity: int,
    days: int,
    period_days: int,
    exponent: int,
    convention: ProrationConvention,
) -> tuple[int, Decimal | None, Decimal | None]:
    """The line amount in minor units, and the rounded daily rate / per-license amount if any."""
    mode = convention.mode
    scale = _SCALE[exponent]
    if convention.daily_rate_places is None and not convention.round_unit_amount:
        amount = round_ratio(price_num * quantity * days * scale, price_den * period_days, mode)
        return amount, None, None
    # The whole period costs the unit price, as Microsoft bills it (48.00 for a year at 48.00,
    # not 365 x a daily rate rounded to 0.13 = 47.45); no part of it costs more than that.
    whole = round_ratio(price_num * quantity * scale, price_den, mode)
    if days >= period_days:
        return whole, None, None
    daily_rate: Decimal | None = None
    rate_num, rate_den = price_num, price_den * period_days
    if convention.daily_rate_places is not None:
        places = convention.daily_rate_places
        rate_units = round_ratio(rate_num * 10**places, rate_den, mode)
        rate_num, rate_den = rate_units, 10**places
        daily_rate = Decimal(rate_units).scaleb(-places, EXACT_CONTEXT)
    unit_amount: Decimal | None = None
    unit_num, unit_den = rate_num * days, rate_den
    if convention.round_unit_amount:
        unit_units = round_ratio(unit_num * scale, unit_den, mode)
        unit_num, unit_den = unit_units, scale
        unit_amount = Decimal(unit_units).scaleb(-exponent, EXACT_CONTEXT)
    amount = round_ratio(unit_num * quantity * scale, unit_den, mode)
    return min(amount, whole), daily_rate, unit_amount


_MINOR: Final = tuple(Currency("XXX", e).minor_unit for e in range(5))  # 1, 0.1, ... 0.0001
# Decimal(units) x 10**-exponent, exact: the same Decimal as money_from_units gives.
_multiply: Final = EXACT_CONTEXT.multiply


def charge_units(
    unit_price: Money,
    quantity: int,
    period: Period,
    span: Period,
    convention: ProrationConvention,
) -> int:
    """The charge, in minor units, that :func:`explained_line` computes for ``span`` of
    ``period`` (inputs already validated), without building the line."""
    price_units = units_of(unit_price)
    if (
        price_units is not None
        and convention.day_count is _ACTUAL
        and convention.daily_rate_places is None
        and not convention.round_unit_amount
    ):
        return round_ratio(
            price_units * quantity * (span.end - span.start).days,
            (period.end - period.start).days,
            convention.mode,
        )
    price_num, price_den = unit_price.amount.as_integer_ratio()
    return _units(
        price_num,
        price_den,
        quantity,
        _counted_days(span, period, convention),
        _denominator(period, convention),
        unit_price.currency.exponent,
        convention,
    )[0]


def explained_line(
    kind: LineKind,
    unit_price: Money,
    quantity: int,
    period: Period,
    span: Period,
    convention: ProrationConvention,
    amount_units: int | None = None,
    note: str = "",
) -> ProratedLine:
    """A line for ``span`` of ``period`` from already validated inputs (skips the validators).

    ``amount_units`` (the magnitude, in minor units) overrides the computed amount; credits and
    refunds are made negative here.
    """
    cur = unit_price.currency
    if amount_units is None:
        price_units = units_of(unit_price)
        if (
            price_units is not None
            and convention.day_count is _ACTUAL
            and convention.daily_rate_places is None
            and not convention.round_unit_amount
        ):
            # The default on a price in minor units: units x quantity x days / actual days,
            # rounded once (the scale of the minor unit cancels out).
            amount_units = round_ratio(
                price_units * quantity * (span.end - span.start).days,
                (period.end - period.start).days,
                convention.mode,
            )
        else:
            price_num, price_den = unit_price.amount.as_integer_ratio()
            amount_units = _units(
                price_num,
                price_den,
                quantity,
                _counted_days(span, period, convention),
                _denominator(period, convention),
                cur.exponent,
                convention,
            )[0]
    if kind is _CREDIT or kind is _REFUND:
        amount_units = -amount_units
    money = MoneySlots()  # money_from_units(amount_units, cur), inline
    money.amount = _multiply(amount_units, _MINOR[cur.exponent])
    money.currency = cur
    money._units = amount_units
    money.__class__ = Money
    line = LineSlots()
    line.kind = kind
    line.quantity = quantity
    line.unit_price = unit_price
    line.service_period = period
    line.span = span
    line.amount = money  # type: ignore[assignment]  # retyped: a Money now
    line.convention = convention
    line.note = note
    line.__class__ = ProratedLine
    return line  # type: ignore[return-value]  # retyped: a ProratedLine now


def _span(period: Period, start: date | None, end: date | None) -> Period:
    if not isinstance(period, Period):
        raise InvalidPeriod(f"service period must be a Period, got {type(period).__name__}")
    first = period.start if start is None else period.check_within(start, "start")
    last = period.end if end is None else period.check_within(end, "end", allow_end=True)
    if last <= first:
        raise InvalidPeriod(f"end {last.isoformat()} is not after start {first.isoformat()}")
    if first == period.start and last == period.end:
        return period
    return period_unchecked(first, last)


def prorate(
    unit_price: Money,
    quantity: int,
    period: Period,
    start: date | None = None,
    end: date | None = None,
    *,
    convention: ProrationConvention = EXACT,
) -> ProratedLine:
    """The charge for ``quantity`` units at ``unit_price`` per period, over ``[start, end)``.

    ``period`` is the actual service (billing) period the unit price is for; ``start`` and ``end``
    default to its ends.
    """
    if unit_price.__class__ is Money:
        try:
            price_units = unit_price._units
        except AttributeError:  # a copy or an unpickled Money: no units kept
            price_units = None
        if price_units is None:
            if unit_price.amount < 0:
                _check_price(unit_price)
        elif price_units < 0:
            _check_price(unit_price)
    else:
        _check_price(unit_price)
        price_units = units_of(unit_price)
    if not (quantity.__class__ is int and 1 <= quantity <= MAX_QUANTITY):
        check_quantity(quantity)
    if convention.__class__ is not ProrationConvention:  # one comparison on the common path
        _check_convention(convention)
    if (
        end is None
        and start.__class__ is date  # not None, not a datetime
        and period.__class__ is Period
        and period.start < start < period.end
        and MIN_DATE <= start <= MAX_DATE
    ):  # the common case, a charge from a day inside the period to its end, inline
        if price_units is not None and (
            convention is EXACT
            or (
                convention.day_count is _ACTUAL
                and convention.daily_rate_places is None
                and not convention.round_unit_amount
            )
        ):  # ... under the default rounding, on a price in minor units: explained_line, inline
            # (measured: calling explained_line here costs one line 24.0 k instructions against
            # 22.1 k inline, 1.55x issue 10's floor against 1.42x; wall 1.72x against 1.6x)
            period_end = period.end
            amount_units = round_ratio(
                price_units * quantity * (period_end - start).days,
                (period_end - period.start).days,
                convention.mode,
            )
            cur = unit_price.currency
            span = PeriodSlots()
            span.start = start
            span.end = period_end
            span.__class__ = Period
            money = MoneySlots()
            money.amount = _multiply(amount_units, _MINOR[cur.exponent])
            money.currency = cur
            money._units = amount_units
            money.__class__ = Money
            line = LineSlots()
            line.kind = CHARGE_KIND
            line.quantity = quantity
            line.unit_price = unit_price
            line.service_period = period
            line.span = span  # type: ignore[assignment]  # retyped: a Period now
            line.amount = money  # type: ignore[assignment]  # retyped: a Money now
            line.convention = convention
            line.note = ""
            line.__class__ = ProratedLine
            return line  # type: ignore[return-value]  # retyped: a ProratedLine now
        span = period_unchecked(start, period.end)
    else:
        span = _span(period, start, end)
    return explained_line(CHARGE_KIND, unit_price, quantity, period, span, convention)


def split(
    unit_price: Money,
    quantity: int,
    period: Period,
    cuts: Sequence[date],
    *,
    convention: ProrationConvention = EXACT,
) -> tuple[ProratedLine, ...]:
    """The full-period charge split at ``cuts`` into pieces that add up to it exactly.

    Each piece gets its share of the full charge by days (allocated: within one minor unit of
    its exact share), so no cent is lost or invented however finely the period is cut.
    """
    _check_price(unit_price)
    check_quantity(quantity)
    _check_convention(convention)
    if not isinstance(period, Period):
        raise InvalidPeriod(f"service period must be a Period, got {type(period).__name__}")
    if not isinstance(cuts, Iterable) or isinstance(cuts, str | bytes):
        raise InvalidArgument(f"cuts must be a sequence of dates, got {cuts!r}")
    boundaries = [period.start]
    for cut in sorted({period.check_within(c, "cut") for c in cuts}):
        if cut != period.start:
            boundaries.append(cut)
    boundaries.append(period.end)
    spans = [Period(a, b) for a, b in itertools.pairwise(boundaries)]
    full = explained_line(CHARGE_KIND, unit_price, quantity, period, period, convention)
    shares = allocate_units(full.amount.minor_units(), [s.days for s in spans])
    note = f"share of the full-period {full.amount}, allocated by days"
    return tuple(
        explained_line(CHARGE_KIND, unit_price, quantity, period, s, convention, u, note)
        for s, u in zip(spans, shares, strict=True)
    )


def check_original(
    original: object, done: str = "credited", error: type[SubcommerceError] = InvalidAmount
) -> ProratedLine:
    """``original`` if it is a charge or a rebill (what a change may credit, refund or change);
    ``error`` naming what it is otherwise, with ``done`` saying what was to be done to it."""
    if original.__class__ is ProratedLine:  # the common case: its sign from its minor units
        kind = original.kind
        if kind is CHARGE_KIND or kind is _REBILL:
            units = units_of(original.amount)
            if units is not None and units >= 0:
                return original
    if not isinstance(original, ProratedLine):
        raise error(f"expected the original ProratedLine, got {type(original).__name__}")
    kind = original.kind
    if (kind is not CHARGE_KIND and kind is not _REBILL) or original.amount.amount < 0:
        raise error(f"only a charge or a rebill can be {done}, not a {kind}")
    return original


def credit_and_rebill(
    original: ProratedLine,
    change_date: date,
    new_quantity: int,
    *,
    convention: ProrationConvention | None = None,
) -> Adjustment:
    """Credit ``original`` and rebill old quantity to ``change_date``, new quantity from it.

    As Microsoft bills a mid-period quantity change: the original charge for ``[s, e)`` is
    credited in full; the old quantity is rebilled for ``[s, change_date)`` and the new one for
    ``[change_date, e)``. With :attr:`RebillMethod.ALLOCATE` the net is the exact difference
    ``(new - old) x price x (e - change_date) / days in period`` rounded once, and the rebills
    are allocated to match it; with ``INDEPENDENT`` each line is rounded on its own.
    """
    check_original(original)
    if convention is not None:  # the new quantity is refused first, then the convention
        if not (new_quantity.__class__ is int and 1 <= new_quantity <= MAX_QUANTITY):
            check_quantity(new_quantity, "new quantity")
        _check_convention(convention)
    return credit_and_rebill_checked(original, change_date, new_quantity, convention)


def credit_and_rebill_checked(
    original: ProratedLine,
    change_date: date,
    new_quantity: int,
    convention: ProrationConvention | None,
) -> Adjustment:
    """:func:`credit_and_rebill` of an ``original`` that :func:`check_original` has passed,
    under ``convention`` (checked) or the original's own (None): what
    :func:`subcommerce.layouts.change_quantity` calls once it has checked both with its own
    words, so that a license change checks its original once. The lines are
    :func:`credit_and_rebill_rows` built (the credit under the original's convention)."""
    conv = original.convention if convention is None else convention
    price, period, old = original.unit_price, original.service_period, original.quantity
    charged = units_of(original.amount)  # it is rounded: every line the engine builds is
    if charged is None:
        charged = original.amount.minor_units()
    rows = credit_and_rebill_rows(
        original.kind, old, price, period, original.span, charged, conv, change_date, new_quantity
    )
    kind, quantity, span, units, note = rows[0]
    credit = explained_line(kind, price, quantity, period, span, original.convention, -units, note)
    rebills = tuple(
        [
            explained_line(kind, price, quantity, period, span, conv, units, note)
            for kind, quantity, span, units, note in rows[1:]
        ]
    )
    adjustment = AdjustmentSlots()
    adjustment.credit = credit
    adjustment.rebills = rebills
    adjustment.change_date = change_date
    adjustment.old_quantity = old
    adjustment.new_quantity = new_quantity
    adjustment.__class__ = Adjustment
    return adjustment  # type: ignore[return-value]  # retyped: an Adjustment now


#: One line of a license change as the layouts work it out, without the line: its kind,
#: quantity, span, amount in minor units (below zero for a credit or a refund: as a ledger's
#: row holds it) and note. The unit price and the service period are the original's; the
#: convention the change's (the original's, for a credit). A note whose class is LineKind (a
#: str) is a credit's note not written yet (``text=False``): ``credit_note(kind, span)``.
ChangeRow = tuple[LineKind, int, Period, int, str]


def credit_note(kind: LineKind, span: Period) -> str:
    """The note of the credit of an original of ``kind`` charged over ``span`` (what
    :func:`credit_and_rebill` writes on its credit line)."""
    first, last = date_text(span.start), date_text(span.end)
    return f"credit of the {_KIND_VALUES[kind]} for {first}..{last}"


def credit_and_rebill_rows(
    kind: LineKind,
    old: int,
    price: Money,
    period: Period,
    span: Period,
    charged: int,
    conv: ProrationConvention,
    change_date: date,
    new_quantity: int,
    notes: dict[int, tuple[Period, LineKind, str]] | None = None,
    text: bool = True,
) -> tuple[ChangeRow, ...]:
    """The lines of :func:`credit_and_rebill_checked` as rows, of an original of ``kind``
    charging ``charged`` minor units (not below zero) for ``old`` licenses at ``price`` over
    ``span`` of ``period``, under ``conv`` (all checked): what a ledger writes without
    building the lines, and what the lines are built from. The checks of the new quantity
    and of the change date are made here, in that order.

    ``notes``: a memo of the credit's note, the caller's (by the span's identity, with the
    span and the kind it was written for): the originals of one billing period mostly share
    their span, and the note is a function of the kind and the span alone. ``text`` False:
    the credit's note is left as ``kind`` (:func:`credit_note` of it and the credit's span,
    written by a ledger's row when its line is built: a simulation reads few of them)."""
    if not (new_quantity.__class__ is int and 1 <= new_quantity <= MAX_QUANTITY):
        check_quantity(new_quantity, "new quantity")
    if not (change_date.__class__ is date and MIN_DATE <= change_date <= MAX_DATE):
        check_date(change_date, "change date")
    first, last = span.start, span.end
    if not first <= change_date < last:
        raise DateOutsidePeriod(
            f"change date {change_date.isoformat()} is outside the charged span [{span})"
        )
    note: str = kind  # (a LineKind is a str: the note not written yet)
    if text:
        held = None if notes is None else notes.get(id(span))
        if held is not None and held[0] is span and held[1] is kind:
            note = held[2]
        else:
            note = credit_note(kind, span)
            if notes is not None:
                notes[id(span)] = (span, kind, note)
    credit = (_CREDIT, old, span, -charged, note)
    slots = PeriodSlots()  # period_unchecked(change_date, last), inline
    slots.start = change_date
    slots.end = last
    slots.__class__ = Period
    after: Period = slots  # type: ignore[assignment]  # retyped: a Period now
    before: Period | None = None
    if change_date > first:
        slots = PeriodSlots()  # period_unchecked(first, change_date), inline
        slots.start = first
        slots.end = change_date
        slots.__class__ = Period
        before = slots  # type: ignore[assignment]  # retyped: a Period now
    if conv.rebill is _INDEPENDENT:
        tail = (
            _REBILL,
            new_quantity,
            after,
            charge_units(price, new_quantity, period, after, conv),
            "",
        )
        if before is None:
            return (credit, tail)
        return (
            credit,
            (_REBILL, old, before, charge_units(price, old, period, before, conv), ""),
            tail,
        )
    # The net is the exact difference, rounded once (symmetrically for a decrease): on a
    # price in minor units, units x |delta| x days left / period days (the scale cancels).
    remaining = (last - change_date).days
    delta = new_quantity - old
    period_days = (
        (period.end - period.start).days
        if conv.day_count is _ACTUAL
        else _denominator(period, conv)
    )
    price_units = units_of(price)
    if price_units is not None:
        net = round_ratio(abs(delta) * price_units * remaining, period_days, conv.mode)
    else:
        price_num, price_den = price.amount.as_integer_ratio()
        scale = _SCALE[price.currency.exponent]
        net = round_ratio(
            abs(delta) * price_num * remaining * scale, price_den * period_days, conv.mode
        )
    # A decrease never credits more than the original line charged (it may itself be an
    # allocated piece a minor unit below its exact share).
    total = charged + (-min(net, charged) if delta < 0 else net)
    if before is None:  # one rebill, of the whole span: it takes the whole total
        return (credit, (_REBILL, new_quantity, after, total, _ALLOCATED))
    head, tail_units = allocate_units(
        total, [old * (change_date - first).days, new_quantity * remaining]
    )
    return (
        credit,
        (_REBILL, old, before, head, _ALLOCATED),
        (_REBILL, new_quantity, after, tail_units, _ALLOCATED),
    )


_ALLOCATED: Final = "allocated so that the change nets to the exact difference rounded once"
_KIND_VALUES: Final = {kind: kind.value for kind in LineKind}


def refund_unused(
    original: ProratedLine,
    from_date: date,
    *,
    convention: ProrationConvention | None = None,
) -> ProratedLine:
    """The refund of ``original`` for ``[from_date, end)``; never more than was charged.

    With :attr:`RebillMethod.ALLOCATE` the refund is the charge minus the days used (prorated
    with the convention), so refund + used = charge exactly. With ``INDEPENDENT`` it is the
    unused days prorated on their own, as Microsoft's published cancel fees are (remaining days
    x daily rate), capped at the charge.
    """
    check_original(original)
    conv = original.convention if convention is None else _check_convention(convention)
    span = original.span
    check_date(from_date, "refund date")
    if not span.start <= from_date < span.end:
        raise DateOutsidePeriod(
            f"refund date {from_date.isoformat()} is outside the charged span [{span})"
        )
    price, quantity, period = original.unit_price, original.quantity, original.service_period
    charged = original.amount.minor_units()
    unused = period_unchecked(from_date, span.end)
    if conv.rebill is _INDEPENDENT:
        alone = explained_line(
            CHARGE_KIND, price, quantity, period, unused, conv
        ).amount.minor_units()
        refund = min(alone, charged)
        note = f"unused days prorated on their own, capped at the {original.amount} charged"
    else:
        used = 0
        if from_date > span.start:
            used_span = period_unchecked(span.start, from_date)
            used_line = explained_line(CHARGE_KIND, price, quantity, period, used_span, conv)
            used = min(used_line.amount.minor_units(), charged)
        refund = charged - used
        used_money = money_from_units(used, price.currency)
        note = f"{original.amount} charged minus {used_money} used"
    return explained_line(_REFUND, price, quantity, period, unused, conv, refund, note)
