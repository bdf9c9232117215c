"""Money: currencies, exact arithmetic, the one rounding function, and allocation."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reference import frac, in_units, reference_round, whole_units
from strategies import (
    amounts,
    currencies,
    money,
    rounding_modes,
    weight_lists,
)
from subcommerce.errors import (
    CurrencyMismatch,
    InexactAmount,
    InvalidAmount,
    MoneyArithmeticError,
    SubcommerceError,
    UnknownCurrency,
)
from subcommerce.money import Currency, Money, RoundingMode, allocate, round_ratio

USD = Currency.of("USD")
JPY = Currency.of("JPY")
KWD = Currency.of("KWD")

#: The decimal module's own rounding constants, used as an independent oracle.
DECIMAL_ROUNDING = {
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_DOWN: decimal.ROUND_HALF_DOWN,
    RoundingMode.DOWN: decimal.ROUND_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
    RoundingMode.FLOOR: decimal.ROUND_FLOOR,
    RoundingMode.CEILING: decimal.ROUND_CEILING,
}
WIDE = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def amounts_of(parts: tuple[Money, ...]) -> list[str]:
    return [str(p.amount) for p in parts]


# -- currencies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "exponent"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("GBP", 2),
        ("CHF", 2),
        ("CAD", 2),
        ("AUD", 2),
        ("BRL", 2),
        ("INR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("KWD", 3),
        ("BHD", 3),
    ],
)
def test_currencies_the_issue_names_have_their_iso_4217_minor_units(
    code: str, exponent: int
) -> None:
    assert Currency.of(code).exponent == exponent


def test_minor_unit_is_one_cent_one_yen_one_fils() -> None:
    assert USD.minor_unit == Decimal("0.01")
    assert JPY.minor_unit == Decimal("1")
    assert KWD.minor_unit == Decimal("0.001")


def test_a_lower_case_code_is_not_a_currency() -> None:
    with pytest.raises(UnknownCurrency, match="'usd'"):
        Currency.of("usd")


def test_a_user_built_currency_must_have_three_capitals_and_an_exponent_of_0_to_4() -> None:
    assert Currency("XTS", 2).minor_unit == Decimal("0.01")
    with pytest.raises(UnknownCurrency, match="'XT'"):
        Currency("XT", 2)
    with pytest.raises(InvalidAmount, match="XTS"):
        Currency("XTS", 5)


# -- building money -----------------------------------------------------------------------------


def test_money_is_built_from_a_string_an_int_or_a_decimal() -> None:
    assert Money.of("36.00", "USD") == Money(Decimal("36.00"), USD)
    assert Money.of(36, "USD") == Money.of(Decimal("36"), USD)
    assert str(Money.of(" 36.00 ", "USD")) == "36.00 USD"


def test_money_keeps_the_decimals_it_was_given() -> None:
    assert str(Money.of("36.00", "USD").amount) == "36.00"
    assert str(Money.of("0.1234", "USD").amount) == "0.1234"


def test_money_refuses_a_float_and_shows_how_to_write_it() -> None:
    with pytest.raises(InexactAmount, match=r"0\.1 is a float") as caught:
        Money.of(0.1, "USD")
    assert isinstance(caught.value, TypeError)
    assert "'0.10'" in str(caught.value)


def test_money_refuses_a_float_passed_to_its_constructor_directly() -> None:
    with pytest.raises(InexactAmount, match="float"):
        Money(0.5, USD)  # type: ignore[arg-type]


def test_money_refuses_a_bool_and_non_numbers() -> None:
    with pytest.raises(InexactAmount, match="bool"):
        Money.of(True, "USD")
    with pytest.raises(InexactAmount, match="list"):
        Money.of([1], "USD")
    with pytest.raises(InvalidAmount, match="'12,50'"):
        Money.of("12,50", "EUR")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_money_refuses_amounts_that_are_not_finite(text: str) -> None:
    with pytest.raises(InvalidAmount, match="finite"):
        Money.of(text, "USD")


def test_zero_has_the_currency_decimals() -> None:
    assert str(Money.zero("USD").amount) == "0.00"
    assert str(Money.zero("JPY").amount) == "0"
    assert str(Money.zero("KWD").amount) == "0.000"


def test_from_minor_units_counts_cents_yen_and_fils() -> None:
    assert Money.from_minor_units(3600, "USD") == Money.of("36.00", "USD")
    assert str(Money.from_minor_units(1234, "JPY").amount) == "1234"
    assert str(Money.from_minor_units(1500, "KWD").amount) == "1.500"
    with pytest.raises(InexactAmount):
        Money.from_minor_units(15.0, "USD")  # type: ignore[arg-type]


# -- arithmetic ---------------------------------------------------------------------------------


def test_a_tenth_plus_two_tenths_is_exactly_three_tenths() -> None:
    assert Money.of("0.10", "USD") + Money.of("0.20", "USD") == Money.of("0.30", "USD")


def test_adding_different_currencies_is_refused_naming_both() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        Money.of("1.00", "USD") + Money.of("1.00", "EUR")
    assert isinstance(caught.value, ValueError)
    assert "USD" in str(caught.value)
    assert "EUR" in str(caught.value)


def test_comparing_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("1.00", "USD") < Money.of("2.00", "EUR")


def test_comparing_money_with_a_bare_number_is_refused() -> None:
    with pytest.raises(MoneyArithmeticError, match="5"):
        _ = Money.of("1.00", "USD") < 5


def test_money_times_money_is_refused() -> None:
    with pytest.raises(MoneyArithmeticError, match=r"2\.00 USD") as caught:
        _ = Money.of("2.00", "USD") * Money.of("3.00", "USD")
    assert isinstance(caught.value, TypeError)


def test_money_times_a_float_is_refused() -> None:
    with pytest.raises(InexactAmount, match="float"):
        _ = Money.of("2.00", "USD") * 1.5


def test_money_times_a_number_is_exact_in_either_order() -> None:
    assert Money.of("36.00", "USD") * 5 == Money.of("180.00", "USD")
    assert 3 * Money.of("0.10", "USD") == Money.of("0.30", "USD")
    assert Money.of("36.00", "USD") * Decimal("0.5") == Money.of("18.00", "USD")


def test_money_divided_by_money_is_a_plain_decimal_ratio() -> None:
    ratio = Money.of("10.00", "USD") / Money.of("4.00", "USD")
    assert type(ratio) is Decimal
    assert ratio == Decimal("2.5")


def test_dividing_by_money_in_another_currency_or_by_zero_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("10.00", "USD") / Money.of("4.00", "EUR")
    with pytest.raises(InvalidAmount, match="zero"):
        _ = Money.of("10.00", "USD") / Money.zero("USD")
    with pytest.raises(InvalidAmount, match="zero"):
        _ = Money.of("10.00", "USD") / 0


def test_a_number_divided_by_money_is_refused() -> None:
    with pytest.raises(MoneyArithmeticError):
        _ = 1 / Money.of("4.00", "USD")


def test_negation_keeps_every_digit_even_beyond_the_default_context() -> None:
    # Amounts from outside are below 10**15; products of them may hold far more digits.
    big = Money.of("123456789012345.5", "USD") * 10**14 * 10**5
    digits = "1234567890123455" + "0" * 18 + ".0"  # 34 digits, past the default 28
    assert big.amount == Decimal(digits)
    assert (-big).amount == Decimal("-" + digits)
    assert abs(-big) == big


@given(a=money(USD, extra_places=3), b=money(USD, extra_places=3), k=st.integers(-1000, 1000))
def test_sums_differences_and_products_are_exact(a: Money, b: Money, k: int) -> None:
    """Addition, subtraction and multiplication by a number lose nothing (compared with
    Fractions); subtraction undoes addition.
    """
    assert frac((a + b).amount) == frac(a.amount) + frac(b.amount)
    assert frac((a - b).amount) == frac(a.amount) - frac(b.amount)
    assert frac((a * k).amount) == frac(a.amount) * k
    assert (a + b) - b == a


@given(a=money(USD, extra_places=2), b=money(USD, extra_places=2))
def test_ordering_follows_the_exact_amounts(a: Money, b: Money) -> None:
    assert (a < b) == (frac(a.amount) < frac(b.amount))
    assert (a <= b) == (frac(a.amount) <= frac(b.amount))
    assert (a == b) == (frac(a.amount) == frac(b.amount))


# -- rounding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "plus", "minus"),
    [
        # 2.5 and -2.5 (a tie), by hand
        (RoundingMode.HALF_EVEN, 2, -2),
        (RoundingMode.HALF_UP, 3, -3),
        (RoundingMode.HALF_DOWN, 2, -2),
        (RoundingMode.DOWN, 2, -2),
        (RoundingMode.UP, 3, -3),
        (RoundingMode.FLOOR, 2, -3),
        (RoundingMode.CEILING, 3, -2),
    ],
)
def test_each_rounding_mode_on_a_tie_of_two_and_a_half(
    mode: RoundingMode, plus: int, minus: int
) -> None:
    assert round_ratio(5, 2, mode) == plus
    assert round_ratio(-5, 2, mode) == minus
    assert round_ratio(5, -2, mode) == minus


def test_jpy_rounds_to_whole_yen() -> None:
    assert str(Money.of("1234.5", "JPY").rounded().amount) == "1234"  # tie to even
    assert str(Money.of("1235.5", "JPY").rounded().amount) == "1236"
    assert str(Money.of("1234.5", "JPY").rounded(RoundingMode.HALF_UP).amount) == "1235"
    assert str(Money.of("1234.9", "JPY").rounded(RoundingMode.DOWN).amount) == "1234"


def test_kwd_rounds_to_three_decimals() -> None:
    assert str(Money.of("1.2345", "KWD").rounded().amount) == "1.234"  # tie to even
    assert str(Money.of("1.2345", "KWD").rounded(RoundingMode.HALF_UP).amount) == "1.235"
    assert str(Money.of("2", "KWD").rounded().amount) == "2.000"
    assert str(Money.of("0.0005", "BHD").rounded(RoundingMode.HALF_UP).amount) == "0.001"


def test_rounding_is_half_even_by_default() -> None:
    assert Money.of("0.125", "USD").rounded() == Money.of("0.12", "USD")
    assert Money.of("0.135", "USD").rounded() == Money.of("0.14", "USD")


def test_rounding_ignores_the_ambient_decimal_context() -> None:
    """A caller's context with 3 digits, truncation and no traps changes nothing."""
    hostile = decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR, traps=[])
    huge = Money.of("123456789012345", "USD") * 10**14 * 10**1 + Money.of("0.125", "USD")
    with decimal.localcontext(hostile):
        assert str(Money.of("12345.675", "USD").rounded().amount) == "12345.68"
        assert str((Money.of("12345.67", "USD") + Money.of("0.01", "USD")).amount) == "12345.68"
        assert str(huge.rounded().amount) == "123456789012345" + "0" * 15 + ".12"
        assert not huge.is_rounded
        assert huge.rounded().is_rounded
    assert huge.rounded().is_rounded


@given(
    numerator=st.integers(-(10**30), 10**30),
    denominator=st.integers(1, 10**12) | st.integers(-(10**6), -1),
    mode=rounding_modes(),
)
@example(numerator=5, denominator=2, mode=RoundingMode.HALF_EVEN)
@example(numerator=-7, denominator=2, mode=RoundingMode.HALF_UP)
def test_round_ratio_matches_the_definition_of_each_mode(
    numerator: int, denominator: int, mode: RoundingMode
) -> None:
    assert round_ratio(numerator, denominator, mode) == reference_round(
        Fraction(numerator, denominator), mode
    )


@given(data=st.data(), cur=currencies(), mode=rounding_modes())
def test_rounded_agrees_with_decimal_quantize_for_every_mode(
    data: st.DataObject, cur: Currency, mode: RoundingMode
) -> None:
    """Money.rounded(mode) equals the decimal module's quantize with the same rounding rule, is
    a whole number of minor units, and rounding again changes nothing.
    """
    value = Money(data.draw(amounts(cur.exponent, extra_places=4)), cur)
    result = value.rounded(mode)
    expected = value.amount.quantize(
        Decimal(1).scaleb(-cur.exponent), rounding=DECIMAL_ROUNDING[mode], context=WIDE
    )
    assert result.amount == expected
    assert result.is_rounded
    assert result.rounded(mode) == result
    assert abs(in_units(result) - in_units(value)) < 1


# -- allocation ---------------------------------------------------------------------------------


def test_thirds_of_100_add_up_to_100() -> None:
    parts = allocate(Money.of("100.00", "USD"), [1, 1, 1])
    assert amounts_of(parts) == ["33.34", "33.33", "33.33"]


def test_thirds_of_minus_100_add_up_to_minus_100() -> None:
    parts = allocate(Money.of("-100.00", "USD"), [1, 1, 1])
    assert amounts_of(parts) == ["-33.34", "-33.33", "-33.33"]


def test_31_equal_parts_of_36_dollars_add_up_to_36() -> None:
    # 3600 cents / 31 = 116 cents, 4 cents left over: the first four parts get 117.
    parts = allocate(Money.of("36.00", "USD"), [1] * 31)
    assert amounts_of(parts) == ["1.17"] * 4 + ["1.16"] * 27
    assert Money.total(parts, "USD") == Money.of("36.00", "USD")


def test_allocating_yen_and_dinars_uses_whole_minor_units() -> None:
    assert amounts_of(allocate(Money.of("100", "JPY"), [1, 1, 1])) == ["34", "33", "33"]
    assert amounts_of(allocate(Money.of("1.000", "KWD"), [1, 1, 1])) == ["0.334", "0.333", "0.333"]


def test_allocation_follows_the_weights_and_gives_nothing_to_a_zero_weight() -> None:
    # 10.00 by 1:0:3 -> 2.50, 0, 7.50 exactly; by 1/3 : 2/3 -> 3.33..., 6.66... -> 3.33, 6.67.
    assert amounts_of(allocate(Money.of("10.00", "USD"), [1, 0, 3])) == ["2.50", "0.00", "7.50"]
    halves = allocate(Money.of("10.00", "USD"), [Fraction(1, 3), Fraction(2, 3)])
    assert amounts_of(halves) == ["3.33", "6.67"]
    assert amounts_of(allocate(Money.of("1.00", "USD"), [Decimal("0.5"), Decimal("1.5")])) == [
        "0.25",
        "0.75",
    ]


def test_allocate_refuses_an_amount_finer_than_the_minor_unit() -> None:
    with pytest.raises(InvalidAmount, match=r"100\.005 USD"):
        allocate(Money.of("100.005", "USD"), [1, 1])


@pytest.mark.parametrize(
    ("weights", "error", "culprit"),
    [
        ([], InvalidAmount, "at least one weight"),
        ([1, -1], InvalidAmount, "#1 -1"),
        ([0, 0], InvalidAmount, "positive sum"),
        ([1, 0.5], InexactAmount, "#1 0.5"),
        ([True], InexactAmount, "#0 True"),
        ([Decimal("NaN")], InvalidAmount, "#0 NaN"),
    ],
)
def test_allocate_refuses_bad_weights_naming_the_culprit(
    weights: list[object], error: type[SubcommerceError], culprit: str
) -> None:
    with pytest.raises(error) as caught:
        allocate(Money.of("1.00", "USD"), weights)  # type: ignore[arg-type]
    assert culprit in str(caught.value)


@given(total=money(min_units=0, max_units=10**9), weights=weight_lists())
@example(total=Money.of("100.00", "USD"), weights=[1, 1, 1])
@example(total=Money.of("36.00", "USD"), weights=[1] * 31)
@example(total=Money.of("100", "JPY"), weights=[Fraction(1, 3), Fraction(1, 3), 0])
def test_allocated_parts_add_up_and_each_is_within_one_minor_unit_of_its_exact_share(
    total: Money, weights: list[int | Decimal | Fraction]
) -> None:
    """Property (a), any currency and any non-negative weights with a positive sum.

    The exact share of part i is total x w_i / sum(w), computed here with Fractions. Parts add up
    to the total exactly, each differs from its share by less than one minor unit, and the
    leftover units go to the largest remainders, an exact tie to the earlier part.
    """
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert all(p.currency == total.currency for p in parts)
    units = [whole_units(p) for p in parts]
    assert sum(units) == whole_units(total)
    weight_sum = sum(Fraction(w) for w in weights)
    shares = [in_units(total) * Fraction(w) / weight_sum for w in weights]
    assert all(abs(u - s) < 1 for u, s in zip(units, shares, strict=True))
    # Largest remainder, ties to the earlier part: whenever part j got a leftover unit and part
    # i did not, j's remainder is larger, or equal with j before i.
    got_one = [u > s for u, s in zip(units, shares, strict=True)]
    remainders = [s - math.floor(s) for s in shares]
    for i, skipped in enumerate(got_one):
        for j, bumped in enumerate(got_one):
            if bumped and not skipped:
                assert remainders[j] > remainders[i] or (remainders[j] == remainders[i] and j < i)
    # The same input gives the same output.
    assert allocate(total, list(weights)) == parts


@given(total=money(USD, min_units=-(10**9), max_units=10**9), weights=weight_lists(12))
def test_allocating_a_negative_amount_mirrors_allocating_its_opposite(
    total: Money, weights: list[int | Decimal | Fraction]
) -> None:
    assert allocate(-total, weights) == tuple(-p for p in allocate(total, weights))


@given(
    total=money(USD, min_units=0, max_units=10**9),
    weights=st.lists(st.integers(1, 1000), min_size=1, max_size=20),
    scale=st.integers(2, 10**6) | st.fractions(min_value=Fraction(1, 1000), max_value=1000),
)
def test_scaling_every_weight_by_the_same_factor_changes_nothing(
    total: Money, weights: list[int], scale: int | Fraction
) -> None:
    """Only the proportions of the weights matter, whatever their type."""
    scaled = [Fraction(w) * scale for w in weights]
    assert allocate(total, scaled) == allocate(total, weights)
