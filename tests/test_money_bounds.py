"""Money's limits and refusals, each with the exact message a user reads.

Amounts from outside have fewer than 15 integer digits and at most 12 decimals; a division by
zero is a DivisionByZero (also a ZeroDivisionError); round_ratio takes two ints and a
RoundingMode; Money adds only Money (``sum`` works through 0); allocate takes a sequence of at
most 100,000 weights. Every message is read whole: it names the culprit.
"""

from __future__ import annotations

import operator
import time
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from subcommerce import (
    Currency,
    DivisionByZero,
    InexactAmount,
    InvalidAmount,
    InvalidArgument,
    InvalidChoice,
    Money,
    MoneyArithmeticError,
    RoundingMode,
    UnknownCurrency,
    allocate,
    round_ratio,
    to_decimal,
)
from subcommerce.money import MAX_DECIMALS, MAX_INTEGER_DIGITS, MAX_PARTS

USD = Currency.of("USD")
TEN = Money.of("10.00", "USD")


def message(call: Any, error: type[Exception]) -> str:
    with pytest.raises(error) as caught:
        call()
    return str(caught.value)


# -- the limits ---------------------------------------------------------------------------------


def test_the_limits_are_15_integer_digits_12_decimals_and_100000_parts() -> None:
    assert (MAX_INTEGER_DIGITS, MAX_DECIMALS, MAX_PARTS) == (15, 12, 100_000)


def test_the_largest_and_finest_amounts_are_accepted() -> None:
    assert Money.of("999999999999999.999999999999", "USD").amount == Decimal(
        "999999999999999.999999999999"
    )
    assert Money.of(-(10**15) + 1, "USD").amount == Decimal(-(10**15) + 1)
    assert Money.from_minor_units(10**17 - 1, "USD").amount == Decimal("999999999999999.99")


def test_an_amount_of_a_billion_digits_is_refused_at_once_not_after_minutes() -> None:
    started = time.perf_counter()
    assert (
        message(lambda: Money.of("1e999999999", "USD"), InvalidAmount)
        == "amount 1E+999999999 is too large: amounts are below 10**15"
    )
    assert (
        message(lambda: Money.of("1e-999999999", "USD"), InvalidAmount)
        == "amount 1E-999999999 has 999999999 decimals; at most 12 are supported"
    )
    assert time.perf_counter() - started < 10  # a hang guard


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1000000000000000", "amount 1000000000000000 is too large: amounts are below 10**15"),
        ("-1E+15", "amount -1E+15 is too large: amounts are below 10**15"),
        (10**15, "amount 1000000000000000 is too large: amounts are below 10**15"),
        (-(10**15), "amount -1000000000000000 is too large: amounts are below 10**15"),
        ("0.1234567890123", "amount 0.1234567890123 has 13 decimals; at most 12 are supported"),
        ("NaN", "amount 'NaN' is not a finite number"),
        ("abc", "amount 'abc' is not a number"),
    ],
)
def test_amounts_past_the_limits_are_refused_with_the_value_in_the_message(
    amount: object, text: str
) -> None:
    assert message(lambda: Money.of(amount, "USD"), InvalidAmount) == text


def test_the_money_constructor_checks_the_same_limits() -> None:
    assert (
        message(lambda: Money(Decimal("1E+15"), USD), InvalidAmount)
        == "Money amount 1E+15 is too large: amounts are below 10**15"
    )
    assert (
        message(lambda: Money(Decimal("1E-13"), USD), InvalidAmount)
        == "Money amount 1E-13 has 13 decimals; at most 12 are supported"
    )
    assert (
        message(lambda: Money(Decimal("Infinity"), USD), InvalidAmount)
        == "Money amount Infinity is not finite"
    )
    assert (
        message(lambda: Money(5, USD), InexactAmount)  # type: ignore[arg-type]
        == "Money amount must be a Decimal, got int"
    )
    assert (
        message(lambda: Money(Decimal(1), "USD"), UnknownCurrency)  # type: ignore[arg-type]
        == "Money currency must be a Currency, got 'USD'"
    )


def test_minor_units_past_the_limit_are_refused() -> None:
    assert (
        message(lambda: Money.from_minor_units(10**17, "USD"), InvalidAmount)
        == "100000000000000000 minor units of USD is too large: amounts are below 10**15"
    )
    assert (
        message(lambda: Money.from_minor_units(-(10**15), "JPY"), InvalidAmount)
        == "-1000000000000000 minor units of JPY is too large: amounts are below 10**15"
    )
    assert Money.from_minor_units(-(10**15) + 1, "JPY").amount == Decimal(-(10**15) + 1)
    assert (
        message(lambda: Money.from_minor_units(True, "USD"), InexactAmount)
        == "minor units must be an int, got True"
    )


def test_a_factor_or_divisor_is_held_to_the_same_limits() -> None:
    assert (
        message(lambda: TEN * "1e16", InvalidAmount)
        == "factor 1E+16 is too large: amounts are below 10**15"
    )
    assert (
        message(lambda: TEN / Decimal("1e-13"), InvalidAmount)
        == "divisor 1E-13 has 13 decimals; at most 12 are supported"
    )


def test_to_decimal_names_what_it_checks() -> None:
    assert (
        message(lambda: to_decimal(True, what="price"), InexactAmount)
        == "price must be a Decimal, an int or a numeric string, not a bool"
    )
    assert (
        message(lambda: to_decimal([1]), InexactAmount)
        == "amount must be a Decimal, an int or a numeric string, not list"
    )


def test_a_currency_exponent_outside_0_to_4_is_refused() -> None:
    assert (
        message(lambda: Currency("XTS", 5), InvalidAmount)
        == "minor-unit exponent 5 of XTS is not 0 to 4"
    )
    assert message(lambda: Currency("XTS", True), InvalidAmount) == (
        "minor-unit exponent True of XTS is not 0 to 4"
    )
    assert message(lambda: Currency("xts", 2), UnknownCurrency) == (
        "currency code 'xts' is not three upper-case letters"
    )


def test_the_currencies_carry_their_iso_4217_exponents() -> None:
    assert [Currency.of(c).exponent for c in ("JPY", "KWD", "CLF", "USD", "XOF", "TND")] == [
        0,
        3,
        4,
        2,
        0,
        3,
    ]


# -- division and rounding ----------------------------------------------------------------------


def test_a_division_by_zero_is_a_division_by_zero_error() -> None:
    for call in (lambda: TEN / 0, lambda: TEN / Money.zero("USD")):
        with pytest.raises(DivisionByZero) as caught:
            call()
        assert isinstance(caught.value, ZeroDivisionError)
        assert isinstance(caught.value, InvalidAmount)
        assert str(caught.value) == "cannot divide 10.00 USD by zero"


def test_round_ratio_refuses_a_zero_denominator_and_what_is_not_an_int() -> None:
    assert (
        message(lambda: round_ratio(7, 0, RoundingMode.DOWN), DivisionByZero)
        == "cannot round 7/0: the denominator is zero"
    )
    assert (
        message(lambda: round_ratio(7.0, 2, RoundingMode.DOWN), InvalidArgument)  # type: ignore[arg-type]
        == "round_ratio needs two ints, got 7.0 and 2"
    )
    assert (
        message(lambda: round_ratio("7", 2, RoundingMode.DOWN), InvalidArgument)  # type: ignore[arg-type]
        == "round_ratio needs two ints, got '7' and 2"
    )
    assert (
        message(lambda: round_ratio(Fraction(7, 2), 2, RoundingMode.UP), InvalidArgument)  # type: ignore[arg-type]
        == "round_ratio needs two ints, got Fraction(7, 2) and 2"
    )
    assert (
        message(lambda: round_ratio(4, 2, "down"), InvalidArgument)  # type: ignore[arg-type]
        == "rounding mode must be a RoundingMode, got 'down'"
    )


MODES = tuple(RoundingMode)  # half_even, half_up, half_down, down, up, floor, ceiling


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        # the table of docs/money.md, mode by mode: 2.5, -2.5, 2.4, -2.4, 2.6, -2.6, 3.5, 2, ...
        (5, 2, (2, 3, 2, 2, 3, 2, 3)),
        (-5, 2, (-2, -3, -2, -2, -3, -3, -2)),
        (12, 5, (2, 2, 2, 2, 3, 2, 3)),
        (-12, 5, (-2, -2, -2, -2, -3, -3, -2)),
        (13, 5, (3, 3, 3, 2, 3, 2, 3)),
        (-13, 5, (-3, -3, -3, -2, -3, -3, -2)),
        (7, 2, (4, 4, 3, 3, 4, 3, 4)),
        (4, 2, (2, 2, 2, 2, 2, 2, 2)),
        (5, -2, (-2, -3, -2, -2, -3, -3, -2)),
        (0, -3, (0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_round_ratio_rounds_each_mode_as_its_table_says(
    numerator: int, denominator: int, expected: tuple[int, ...]
) -> None:
    assert [m.value for m in MODES] == [
        "half_even", "half_up", "half_down", "down", "up", "floor", "ceiling"
    ]  # fmt: skip
    assert tuple(round_ratio(numerator, denominator, m) for m in MODES) == expected


def test_an_unknown_rounding_mode_lists_the_modes() -> None:
    assert message(lambda: RoundingMode("bankers"), InvalidChoice) == (
        "'bankers' is not a RoundingMode; expected one of half_even, half_up, half_down, down, "
        "up, floor, ceiling"
    )


# -- arithmetic ---------------------------------------------------------------------------------


def test_money_adds_and_subtracts_only_money_with_a_message_that_shows_both() -> None:
    assert message(lambda: TEN + 1, MoneyArithmeticError) == (
        "cannot add 1 to money (10.00 USD); add Money"
    )
    assert message(lambda: Decimal(1) + TEN, MoneyArithmeticError) == (
        "cannot add money (10.00 USD) to Decimal('1'); add Money"
    )
    assert message(lambda: TEN - 1, MoneyArithmeticError) == (
        "cannot subtract 1 from money (10.00 USD)"
    )
    assert message(lambda: 1 - TEN, MoneyArithmeticError) == (
        "cannot subtract money (10.00 USD) from 1"
    )
    assert message(lambda: 1 / TEN, MoneyArithmeticError) == "cannot divide 1 by money (10.00 USD)"
    assert message(lambda: TEN < 1, MoneyArithmeticError) == (
        "cannot compare money (10.00 USD) with 1"
    )


def test_sum_of_money_works_and_starts_from_zero() -> None:
    assert sum([TEN, TEN, Money.of("0.01", "USD")]) == Money.of("20.01", "USD")
    assert sum([], TEN) == TEN
    assert 0 + TEN is TEN
    assert message(lambda: 0.0 + TEN, MoneyArithmeticError) == (
        "cannot add money (10.00 USD) to 0.0; add Money"
    )
    assert message(lambda: 1 + TEN, MoneyArithmeticError) == (
        "cannot add money (10.00 USD) to 1; add Money"
    )


def test_mixing_currencies_names_the_verb_and_both_amounts() -> None:
    eur = Money.of("1.00", "EUR")
    for call, verb in (
        (lambda: TEN + eur, "add"),
        (lambda: TEN - eur, "subtract"),
        (lambda: TEN / eur, "divide"),
        (lambda: operator.lt(TEN, eur), "compare"),
    ):
        assert message(call, Exception) == (
            f"cannot {verb} USD and EUR amounts (10.00 USD and 1.00 EUR)"
        )


def test_comparisons_order_amounts_of_one_currency() -> None:
    one, two = Money.of("1", "USD"), Money.of("2", "USD")
    assert (one < two, one <= two, one > two, one >= two) == (True, True, False, False)
    assert (one < one, one <= one, one > one, one >= one) == (False, True, False, True)
    assert (two > one, two >= one) == (True, True)


def test_is_zero_and_is_negative_tell_the_sign() -> None:
    assert (Money.zero("USD").is_zero(), TEN.is_zero(), (-TEN).is_zero()) == (True, False, False)
    assert (Money.zero("USD").is_negative(), TEN.is_negative(), (-TEN).is_negative()) == (
        False,
        False,
        True,
    )


def test_total_adds_an_iterable_and_refuses_anything_else() -> None:
    assert Money.total(iter([TEN, TEN]), "USD") == Money.of("20.00", "USD")
    assert str(Money.total([], "KWD")) == "0.000 KWD"
    assert message(lambda: Money.total(5, "USD"), InvalidArgument) == (  # type: ignore[arg-type]
        "Money.total needs an iterable of Money, got int"
    )


# -- allocation ---------------------------------------------------------------------------------


def test_allocate_needs_a_sequence_of_at_most_100000_weights() -> None:
    assert message(lambda: allocate(TEN, 5), InvalidArgument) == (  # type: ignore[arg-type]
        "allocate needs a sequence of weights such as [1, 1, 1], got 5"
    )
    assert message(lambda: allocate(TEN, "111"), InvalidArgument) == (  # type: ignore[arg-type]
        "allocate needs a sequence of weights such as [1, 1, 1], got '111'"
    )
    assert message(lambda: allocate(TEN, []), InvalidAmount) == "allocate needs at least one weight"
    assert message(lambda: allocate(TEN, [1] * 100_001), InvalidAmount) == (
        "allocate splits into at most 100000 parts, not 100001"
    )
    assert len(allocate(TEN, [1] * 1000)) == 1000
    assert message(lambda: allocate(5, [1]), InexactAmount) == (  # type: ignore[arg-type]
        "allocate needs a Money total, got int"
    )


def test_allocate_refuses_bad_weights_by_position() -> None:
    assert message(lambda: allocate(TEN, [1, Decimal("1e999999999")]), InvalidAmount) == (
        "weight #1 1E+999999999 is too large: amounts are below 10**15"
    )
    assert message(lambda: allocate(TEN, [1, Decimal("NaN")]), InvalidAmount) == (
        "weight #1 NaN is not finite"
    )
    assert message(lambda: allocate(TEN, [Fraction(-1, 2), 1]), InvalidAmount) == (
        "weight #0 -1/2 is negative"
    )
    assert message(lambda: allocate(TEN, [1, True]), InexactAmount) == (
        "weight #1 True must be an int, Decimal or Fraction (not a float)"
    )
    assert message(lambda: allocate(TEN, [0, 0]), InvalidAmount) == (
        "weights must have a positive sum"
    )
    assert message(lambda: allocate(Money.of("1.005", "USD"), [1]), InvalidAmount) == (
        "cannot allocate 1.005 USD: it has more decimals than USD allows; round it first"
    )


def test_allocate_with_exact_weights_splits_like_the_integers() -> None:
    assert [str(p.amount) for p in allocate(TEN, [Decimal("0.5"), Fraction(1, 4), 0])] == [
        "6.67",
        "3.33",
        "0.00",
    ]
    # 3.333... and 6.666...: the leftover cent goes to the larger remainder
    assert [str(p.amount) for p in TEN.allocate([1, 2])] == ["3.33", "6.67"]
    assert [str(p.amount) for p in allocate(-TEN, [1, 2])] == ["-3.33", "-6.67"]


def test_money_divided_by_a_number_keeps_its_currency_and_34_digits() -> None:
    assert (TEN / 4).amount == Decimal("2.5")
    assert (TEN / Decimal("0.5")).amount == Decimal("20")
    third = Money.of("1", "EUR") / 3
    assert third.currency.code == "EUR"
    assert str(third.amount) == "0." + "3" * 34


def test_allocate_takes_exactly_the_most_parts() -> None:
    parts = allocate(Money.of("1000.00", "USD"), [1] * MAX_PARTS)
    assert len(parts) == MAX_PARTS
    assert sum(p.amount for p in parts) == Decimal("1000.00")
