"""Ledger layouts: which lines a quantity change in mid-period writes, under each layout.

A convention's :class:`~subcommerce.proration.LedgerLayout` says how a change is written:

* ``legacy`` (the default): the period's charge is credited in full and rebilled at the old
  quantity up to the change and at the new quantity from it
  (:func:`~subcommerce.proration.credit_and_rebill`: three lines, the rebills rounded by the
  convention's ``rebill`` method);
* ``new-commerce``: the charge stays; the change refunds the remaining days of the old quantity
  and charges the remaining days of the new one (:func:`refund_and_charge`: two lines, each
  prorated and rounded on its own by the convention, the refund never more than the charge).

:func:`change_quantity` picks the one the convention names; the ledger calls it for every license
change. :func:`effective_unit_price` is the prorated price per license that a reconciliation file
prints beside a line, cut off at the cents rather than rounded.

>>> from datetime import date
>>> from subcommerce.money import Money
>>> from subcommerce.periods import Period
>>> from subcommerce.proration import PC_NCE_SEAT_CHANGE, prorate
>>> service = Period(date(2019, 6, 10), date(2019, 7, 10))            # 30 days
>>> bought = prorate(Money.of("4.00", "USD"), 1, service, convention=PC_NCE_SEAT_CHANGE)
>>> [str(line.amount) for line in change_quantity(bought, date(2019, 6, 11), 2).lines]
['-3.87 USD', '7.74 USD']
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from subcommerce.errors import DateOutsidePeriod, InvalidArgument, InvalidQuantity
from subcommerce.money import EXACT_CONTEXT, Money, RoundingMode, money_from_units, round_ratio
from subcommerce.periods import MAX_DATE, MIN_DATE, Period, check_date, period_unchecked
from subcommerce.proration import (
    MAX_QUANTITY,
    PRESETS,
    Adjustment,
    ChangeRow,
    LedgerLayout,
    LineKind,
    ProratedLine,
    ProrationConvention,
    charge_units,
    check_original,
    check_quantity,
    credit_and_rebill_checked,
    credit_and_rebill_rows,
    explained_line,
)

__all__ = [
    "SeatChange",
    "change_quantity",
    "effective_unit_price",
    "refund_and_charge",
]


def _check_line(instance: SeatChange, attribute: attrs.Attribute[int], value: int) -> None:
    """Invariants of a seat change built from outside the engine (by hand or from plain data)."""
    for name, kind in (("refund", LineKind.REFUND), ("charge", LineKind.CHARGE)):
        line = getattr(instance, name)
        if not isinstance(line, ProratedLine) or line.kind is not kind:
            raise InvalidArgument(
                f"a seat change's {name} must be a {kind.value} line, got {line!r}"
            )
    check_date(instance.change_date, "change date")
    check_quantity(instance.old_quantity, "old quantity")
    check_quantity(value, "new quantity")
    refund, charge = instance.refund, instance.charge
    if refund.span != charge.span or refund.span.start != instance.change_date:
        raise DateOutsidePeriod(
            f"a seat change refunds and charges the same days from {instance.change_date}, "
            f"got {refund.span} and {charge.span}"
        )
    if (refund.quantity, charge.quantity) != (instance.old_quantity, value):
        raise InvalidQuantity(
            f"a seat change refunds {instance.old_quantity} and charges {value} licenses, got "
            f"{refund.quantity} and {charge.quantity}"
        )


class SeatChangeSlots:
    """The slots of a :class:`SeatChange`, writable (see
    :class:`~subcommerce.proration.LineSlots`): fill all five, then
    ``slots.__class__ = SeatChange``."""

    __slots__ = ("__weakref__", "change_date", "charge", "new_quantity", "old_quantity", "refund")
    refund: ProratedLine
    charge: ProratedLine
    change_date: date
    old_quantity: int
    new_quantity: int


@attrs.frozen
class SeatChange(SeatChangeSlots):
    """The lines of a mid-period quantity change under the new-commerce layout.

    ``refund``: the remaining days of the old quantity, taken back from the charge they were
    paid by (never more than it). ``charge``: the same days at the new quantity. ``net`` is
    what the change costs (negative for a decrease).
    """

    refund: ProratedLine
    charge: ProratedLine
    change_date: date
    old_quantity: int
    new_quantity: int = attrs.field(validator=_check_line)

    @property
    def lines(self) -> tuple[ProratedLine, ...]:
        """The refund then the charge, in invoice order."""
        return (self.refund, self.charge)

    @property
    def net(self) -> Money:
        """Refund plus charge."""
        return self.refund.amount + self.charge.amount


def _convention(original: ProratedLine, convention: object) -> ProrationConvention:
    if convention is None:
        return original.convention
    if convention.__class__ is not ProrationConvention:
        known = isinstance(convention, str) and convention in PRESETS
        hint = f" such as PRESETS[{convention!r}]" if known else ""
        raise InvalidArgument(
            f"convention must be a ProrationConvention{hint}, got "
            f"{type(convention).__name__} {convention!r}"
        )
    return convention


def refund_and_charge(
    original: ProratedLine,
    change_date: date,
    new_quantity: int,
    *,
    convention: ProrationConvention | None = None,
) -> SeatChange:
    """Refund ``original``'s remaining days at its quantity; charge them at ``new_quantity``.

    For ``original`` charging ``[s, e)``, both lines cover ``[change_date, e)`` of its service
    period. Each is prorated and rounded on its own under the convention (the original's unless
    one is given): the refund is what those days of the old quantity cost, capped at what
    ``original`` charged, so a refund never exceeds its charge; the charge is what ``prorate``
    charges for those days of the new quantity.
    """
    check_original(original, "changed", InvalidArgument)
    if not (new_quantity.__class__ is int and 1 <= new_quantity <= MAX_QUANTITY):
        check_quantity(new_quantity, "new quantity")
    return _seat_change(original, change_date, new_quantity, _convention(original, convention))


def _seat_change(
    original: ProratedLine, change_date: date, new_quantity: int, conv: ProrationConvention
) -> SeatChange:
    """:func:`refund_and_charge` of an ``original`` and a new quantity already checked: the
    lines :func:`_seat_rows` works out, built."""
    price, period, old = original.unit_price, original.service_period, original.quantity
    (_, _, remaining, refund, note), (_, _, _, charged, _) = _seat_rows(
        original.kind, old, price, period, original.span, original.amount.minor_units(),
        original.amount, conv, change_date, new_quantity,
    )  # fmt: skip
    change = SeatChangeSlots()
    change.refund = explained_line(_REFUND, price, old, period, remaining, conv, -refund, note)
    change.charge = explained_line(_CHARGE, price, new_quantity, period, remaining, conv, charged)
    change.change_date = change_date
    change.old_quantity = old
    change.new_quantity = new_quantity
    change.__class__ = SeatChange
    return change  # type: ignore[return-value]  # retyped: a SeatChange now


def _seat_rows(
    kind: LineKind,
    old: int,
    price: Money,
    period: Period,
    span: Period,
    charged: int,
    amount: Money | None,
    conv: ProrationConvention,
    change_date: date,
    new_quantity: int,
) -> tuple[ChangeRow, ...]:
    """The refund and the charge of :func:`_seat_change` as rows (``amount``: the original's
    amount, None when it is ``charged`` minor units of the price's currency)."""
    if not (change_date.__class__ is date and MIN_DATE <= change_date <= MAX_DATE):
        check_date(change_date, "change date")
    first, last = span.start, span.end
    if not first <= change_date < last:
        raise DateOutsidePeriod(
            f"change date {change_date.isoformat()} is outside the charged span [{span})"
        )
    remaining = period_unchecked(change_date, last)
    alone = charge_units(price, old, period, remaining, conv)
    refund = min(alone, charged)
    note = f"remaining days of the {_KIND_VALUES[kind]} for {first}..{last}"
    if refund < alone:
        if amount is None:
            amount = money_from_units(charged, price.currency)
        note += f", capped at the {amount} charged"
    return (
        (_REFUND, old, remaining, -refund, note),
        (
            _CHARGE,
            new_quantity,
            remaining,
            charge_units(price, new_quantity, period, remaining, conv),
            "",
        ),
    )


_REFUND: Final = LineKind.REFUND
_CHARGE: Final = LineKind.CHARGE
_NEW_COMMERCE: Final = LedgerLayout.NEW_COMMERCE
_KIND_VALUES: Final = {kind: kind.value for kind in LineKind}


def change_quantity(
    original: ProratedLine,
    change_date: date,
    new_quantity: int,
    *,
    convention: ProrationConvention | None = None,
) -> Adjustment | SeatChange:
    """The lines of changing ``original``'s quantity on ``change_date``, in the convention's
    layout: :func:`~subcommerce.proration.credit_and_rebill` (legacy) or
    :func:`refund_and_charge` (new commerce). The first line takes back (part of) ``original``;
    the others are new charges.
    """
    check_original(original, "changed", InvalidArgument)  # once, for either layout
    conv = _convention(original, convention)
    if conv.layout is _NEW_COMMERCE:
        if not (new_quantity.__class__ is int and 1 <= new_quantity <= MAX_QUANTITY):
            check_quantity(new_quantity, "new quantity")
        return _seat_change(original, change_date, new_quantity, conv)
    return credit_and_rebill_checked(original, change_date, new_quantity, conv)


def change_rows(
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
    """The lines of :func:`change_quantity` as rows (see
    :data:`~subcommerce.proration.ChangeRow`), for an original that :func:`check_original`
    passes, of ``kind``, charging ``charged`` minor units of its price's currency for ``old``
    licenses at ``price`` over ``span`` of ``period``, under its convention ``conv``: what a
    ledger writes for a license change without building its lines. The same checks, in the
    same order, as :func:`change_quantity`; its lines are these, built. ``notes``: the
    caller's memo of a credit's note, and ``text`` False: a legacy credit's note left as the
    original's kind (:func:`~subcommerce.proration.credit_and_rebill_rows`)."""
    if conv.layout is _NEW_COMMERCE:
        if not (new_quantity.__class__ is int and 1 <= new_quantity <= MAX_QUANTITY):
            check_quantity(new_quantity, "new quantity")
        return _seat_rows(
            kind, old, price, period, span, charged, None, conv, change_date, new_quantity
        )
    return credit_and_rebill_rows(
        kind, old, price, period, span, charged, conv, change_date, new_quantity, notes, text
    )


def effective_unit_price(line: ProratedLine, places: int = 2) -> Decimal:
    """The prorated price per license of ``line``, as a reconciliation file prints it beside
    the line: unit price x days / period days, cut off (not rounded) at ``places`` decimals
    (0 to 30), signed like the line.

    It is shown, not billed: the line's amount comes from the convention, so the printed unit
    price times the quantity need not give the amount (45.22 x 500 = 22,610.00 beside a line of
    22,614.68; see docs/proration.md).
    """
    if not isinstance(line, ProratedLine):
        raise InvalidArgument(f"expected a ProratedLine, got {type(line).__name__}")
    if places.__class__ is not int or not 0 <= places <= 30:
        raise InvalidQuantity(f"places must be a whole number from 0 to 30, got {places!r}")
    exact = line.exact / line.quantity
    units = round_ratio(abs(exact.numerator) * 10**places, exact.denominator, RoundingMode.DOWN)
    return Decimal(line.sign * units).scaleb(-places, EXACT_CONTEXT)
