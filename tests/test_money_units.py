"""Money that carries its minor units: the same value as the Money built from its Decimal.

The engine builds amounts from integer minor units (``money_from_units``) and keeps the int beside
the Decimal, so that sums, differences, negations, int multiples and ``minor_units()`` stay in
integers. Seen from outside nothing may differ: the expected values below come from plain Decimal
arithmetic (the reference), never from the code under test.
"""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal, localcontext

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from subcommerce.money import (
    Currency,
    Money,
    RoundingMode,
    currency,
    money_from_units,
    sum_in_units,
    units_of,
)

CODES = ("USD", "JPY", "KWD", "CLF", "EUR")
units = st.integers(min_value=-(10**11), max_value=10**11)  # x 1000 stays below 10**15
factors = st.integers(min_value=-1000, max_value=1000)


def decimal_of(value: int, cur: Currency) -> Decimal:
    """The reference: ``value`` minor units written out with the currency's decimals, as text."""
    sign, digits = ("-" if value < 0 else ""), str(abs(value)).rjust(cur.exponent + 1, "0")
    if cur.exponent == 0:
        return Decimal(sign + digits)
    return Decimal(f"{sign}{digits[: -cur.exponent]}.{digits[-cur.exponent :]}")


def same(ours: Money, amount: Decimal, cur: Currency) -> None:
    """Identical to Money(amount, cur) in every way a caller can see."""
    reference = Money(amount, cur)
    assert ours == reference
    assert hash(ours) == hash(reference)
    assert repr(ours) == repr(reference)
    assert str(ours) == str(reference)
    assert ours.amount.as_tuple() == amount.as_tuple()  # digits, exponent and sign


@given(st.sampled_from(CODES), units)
def test_a_money_from_minor_units_is_the_money_of_its_decimal(code: str, value: int) -> None:
    cur = currency(code)
    ours = money_from_units(value, cur)
    same(ours, decimal_of(value, cur), cur)
    assert units_of(ours) == value


@given(st.sampled_from(CODES), units, units)
def test_sums_and_differences_in_minor_units_equal_decimal_arithmetic(
    code: str, a: int, b: int
) -> None:
    cur = currency(code)
    left, right = money_from_units(a, cur), money_from_units(b, cur)
    with localcontext(prec=60):
        total = decimal_of(a, cur) + decimal_of(b, cur)
        difference = decimal_of(a, cur) - decimal_of(b, cur)
    same(left + right, total, cur)
    same(left - right, difference, cur)
    assert units_of(left + right) == a + b


@example("USD", 0, -1)
@example("USD", -5, 0)
@given(st.sampled_from(CODES), units, factors)
def test_negation_and_int_multiples_equal_decimal_arithmetic(
    code: str, value: int, factor: int
) -> None:
    cur = currency(code)
    ours = money_from_units(value, cur)
    with localcontext(prec=80):
        negated = -decimal_of(value, cur) if value else decimal_of(0, cur)
        product = decimal_of(value, cur) * factor
    same(-ours, negated, cur)
    same(ours * factor, product, cur)  # Decimal signs a zero product: 0.00 x -1 is -0.00


@given(st.sampled_from(CODES), units, st.sampled_from(list(RoundingMode)))
def test_minor_units_of_whole_minor_units_are_those_units_in_every_mode(
    code: str, value: int, mode: RoundingMode
) -> None:
    ours = money_from_units(value, currency(code))
    assert ours.minor_units(mode) == value
    assert ours.is_rounded


@given(st.sampled_from(CODES), units, units)
def test_mixing_carried_units_with_a_decimal_money_gives_the_decimal_sum(
    code: str, a: int, b: int
) -> None:
    cur = currency(code)
    finer = Decimal(str(decimal_of(b, cur)) + ("0" if cur.exponent else ".0"))  # one more decimal
    plain = Money(finer, cur)  # not written in minor units: it carries none
    assert units_of(plain) is None
    with localcontext(prec=60):
        total = decimal_of(a, cur) + finer
    same(money_from_units(a, cur) + plain, total, cur)
    same(plain + money_from_units(a, cur), total, cur)


def test_a_money_written_with_its_currency_decimals_carries_its_minor_units() -> None:
    assert units_of(Money.of("36.00", "USD")) == 3600
    assert units_of(Money.of("-0.05", "USD")) == -5
    assert units_of(Money.of("500", "JPY")) == 500
    for other in ("36", "36.000", "-0.00"):  # their sums keep other exponents, or a signed zero
        assert units_of(Money.of(other, "USD")) is None
    assert str(Money.of("-0.00", "USD") + Money.of("-0.00", "USD")) == "-0.00 USD"


def test_a_money_with_more_decimals_than_its_currency_is_not_taken_for_minor_units() -> None:
    price = Money.of("0.1234", "USD")
    assert units_of(price) is None
    assert price.minor_units() == 12  # rounded half-even from 12.34 cents
    assert str(price + money_from_units(1, currency("USD"))) == "0.1334 USD"


def test_copies_pickles_and_evolved_moneys_are_equal_and_do_their_arithmetic() -> None:
    ours = money_from_units(3600, currency("USD"))
    for other in (copy.copy(ours), copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert other == ours
        assert str(other + ours) == "72.00 USD"
        assert other.minor_units() == 3600
    assert attrs.evolve(ours, amount=Decimal("1.50")) == Money.of("1.50", "USD")


def test_zero_is_zero_minor_units_with_the_currency_decimals() -> None:
    assert repr(Money.zero("USD")) == "Money('0.00', 'USD')"
    assert repr(Money.zero("JPY")) == "Money('0', 'JPY')"
    assert repr(Money.zero(currency("KWD"))) == "Money('0.000', 'KWD')"
    assert units_of(Money.zero("USD")) == 0


@given(st.sampled_from(CODES), st.lists(units, max_size=12))
def test_a_sum_in_minor_units_is_the_sum_of_the_decimals(code: str, values: list[int]) -> None:
    cur = currency(code)
    total = decimal_of(0, cur)
    with localcontext(prec=60):
        for value in values:
            total += decimal_of(value, cur)
    ours = sum_in_units([money_from_units(v, cur) for v in values], cur)
    assert ours is not None
    same(ours, total, cur)


def test_a_sum_in_minor_units_declines_what_carries_none_or_another_currency() -> None:
    usd = currency("USD")
    assert sum_in_units([money_from_units(1, usd), Money.of("0.125", "USD")], usd) is None
    assert sum_in_units([money_from_units(1, currency("EUR"))], usd) is None
