"""Hypothesis builders for carts, orders and what-if scenarios, and a small priced catalog.

The strategies live in the package (:mod:`subcommerce.strategies.orders`) and are re-exported
here under their old names; :func:`minor_units` is this suite's own arithmetic.
"""

from __future__ import annotations

from subcommerce.money import Money
from subcommerce.strategies.orders import *  # noqa: F403


def minor_units(money: Money) -> int:
    """An amount in minor units, exactly (the test's own arithmetic, not the library's)."""
    scaled = money.amount.scaleb(money.currency.exponent)
    assert scaled == scaled.to_integral_value(), money
    return int(scaled)
