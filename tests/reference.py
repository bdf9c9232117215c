"""Reference arithmetic for the tests, written from the definitions and not from subcommerce.

Exact values are :class:`fractions.Fraction`; rounding to an integer is spelled out case by case
from what each mode means, so a test can compare subcommerce's one rounding function with it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from subcommerce.money import Money, RoundingMode


def frac(value: Decimal | int) -> Fraction:
    """A Decimal or int as the exact Fraction it stands for."""
    return Fraction(value)


def in_units(amount: Money) -> Fraction:
    """``amount`` counted in minor units of its currency (exact, maybe not whole)."""
    return Fraction(amount.amount) * 10**amount.currency.exponent


def whole_units(amount: Money) -> int:
    """``amount`` in minor units; fails the test if it is not a whole number of them."""
    units = in_units(amount)
    assert units.denominator == 1, f"{amount} is not a whole number of minor units"
    return units.numerator


def reference_round(value: Fraction, mode: RoundingMode) -> int:
    """``value`` rounded to an integer as ``mode`` says."""
    low, high = math.floor(value), math.ceil(value)
    if low == high:
        return low
    positive = value > 0
    if mode is RoundingMode.FLOOR:
        return low
    if mode is RoundingMode.CEILING:
        return high
    if mode is RoundingMode.DOWN:  # toward zero
        return low if positive else high
    if mode is RoundingMode.UP:  # away from zero
        return high if positive else low
    distance = value - low
    if distance < Fraction(1, 2):
        return low
    if distance > Fraction(1, 2):
        return high
    if mode is RoundingMode.HALF_EVEN:
        return low if low % 2 == 0 else high
    if mode is RoundingMode.HALF_UP:  # ties away from zero
        return high if positive else low
    if mode is RoundingMode.HALF_DOWN:  # ties toward zero
        return low if positive else high
    raise AssertionError(f"unknown mode {mode}")


def exact_line(price: Money, quantity: int, days: int, period_days: int) -> Fraction:
    """The exact prorated value ``price x quantity x days / period_days``, in minor units."""
    return in_units(price) * quantity * days / period_days
