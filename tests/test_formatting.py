"""Money, dates and numbers for a locale: CLDR's formats, exact digits, no float, no rounding."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subcommerce.errors import InvalidDate, InvalidFormatSpec, InvalidQuantity, UnknownReference
from subcommerce.formatting import (
    MAX_NUMBER_DIGITS,
    format_amount,
    format_date,
    format_money,
    format_number,
)
from subcommerce.money import Money, RoundingMode

CODES = ("USD", "EUR", "JPY", "KWD", "GBP", "CHF")
NARROW_NBSP, NBSP = "\u202f", "\xa0"


@st.composite
def moneys(draw: st.DrawFn) -> Money:
    code = draw(st.sampled_from(CODES))
    units = draw(st.integers(-(10**15) + 1, 10**15 - 1))  # within Money's bounds
    places = draw(st.integers(0, 12))  # down to 1E-12, which str() once wrote as such
    return Money.of(Decimal(units).scaleb(-places), code)


# -- str(Money): minor units ----------------------------------------------------------------------


def test_str_shows_the_currency_s_minor_units() -> None:
    assert str(Money.of("1234.5", "EUR")) == "1234.50 EUR"
    assert str(Money.of("150", "USD")) == "150.00 USD"
    assert str(Money.of("1235", "JPY")) == "1235 JPY"
    assert str(Money.of("1.5", "KWD")) == "1.500 KWD"
    assert str(Money.of("-0.5", "USD")) == "-0.50 USD"


def test_str_keeps_every_decimal_beyond_the_minor_unit() -> None:
    assert str(Money.of("0.1234", "USD")) == "0.1234 USD"
    assert str(Money.of("1E+3", "USD")) == "1000.00 USD"


def test_str_never_writes_a_tiny_amount_in_scientific_notation() -> None:
    assert str(Money.of("0.0000001", "USD")) == "0.0000001 USD"
    assert str(Money.of("-1.2345E-7", "USD")) == "-0.00000012345 USD"


@given(moneys())
def test_str_reads_back_as_the_same_amount_with_at_least_its_minor_unit_decimals(
    money: Money,
) -> None:
    amount, code = str(money).split(" ")
    assert code == money.currency.code
    assert Decimal(amount) == money.amount
    decimals = len(amount.partition(".")[2])
    assert decimals >= money.currency.exponent


# -- format_money --------------------------------------------------------------------------------


def test_format_money_keeps_every_digit_of_an_amount_wider_than_the_decimal_context() -> None:
    # Amounts that come in are below 10**15, but totals and products grow past Babel's ambient
    # 28-digit context: such an amount overflowed it (InvalidOperation) or lost digits.
    big = Money.of("999999999999999.99", "USD") * 10**7 * 10**7
    assert format_money(big, "en") == "$99,999,999,999,999,999" + ",000" * 4 + ".00"
    wide = Money.of("0.000000000001", "EUR") + Money.of("999999999999999", "EUR") * 10**7
    assert format_amount(wide, "en").replace(",", "") == "9999999999999990000000.000000000001"


def test_format_money_follows_the_locale_as_the_admin_center_does() -> None:
    assert format_money(Money.of("1234.56", "EUR"), "fr") == f"1{NARROW_NBSP}234,56{NBSP}€"
    assert format_money(Money.of("1234.56", "USD"), "en") == "$1,234.56"
    assert format_money(Money.of("1235", "JPY"), "en") == "¥1,235"
    assert format_money(Money.of("1234.56", "JPY"), "ja", rounding=RoundingMode.HALF_EVEN) == (
        "￥1,235"
    )
    assert format_money(Money.of("1234.56", "USD"), "fr_FR") == f"1{NARROW_NBSP}234,56{NBSP}$US"
    assert format_money(Money.of("-150", "USD"), "en") == "-$150.00"


def test_format_money_never_rounds_unless_asked() -> None:
    assert format_money(Money.of("1234.56", "JPY"), "en") == "¥1,234.56"
    assert format_money(Money.of("0.125", "USD"), "en", rounding=RoundingMode.HALF_EVEN) == (
        "$0.12"
    )
    assert format_money(Money.of("0.125", "USD"), "en", rounding=RoundingMode.HALF_UP) == "$0.13"


@given(moneys())
def test_format_money_keeps_every_digit_of_the_decimal(money: Money) -> None:
    """No float on the way: 18 significant digits come out as they went in."""
    text = format_amount(money, "en").replace(",", "")
    assert Decimal(text) == money.amount
    french = format_amount(money, "fr").replace(NARROW_NBSP, "").replace(",", ".")
    assert Decimal(french.replace("\u2212", "-")) == money.amount


@given(moneys(), st.sampled_from(list(RoundingMode)))
def test_format_money_with_rounding_shows_what_money_rounded_holds(
    money: Money, mode: RoundingMode
) -> None:
    shown = format_amount(money, "en", rounding=mode).replace(",", "")
    assert Decimal(shown) == money.rounded(mode).amount


def test_format_money_refuses_what_it_cannot_format() -> None:
    with pytest.raises(UnknownReference, match="'xx_YY_ZZ'"):
        format_money(Money.of("1", "USD"), "xx_YY_ZZ")
    with pytest.raises(UnknownReference, match="Money"):
        format_money(Decimal("1"), "en")  # type: ignore[arg-type]


# -- format(money, spec) -------------------------------------------------------------------------


def test_format_with_no_spec_is_str_and_a_locale_spec_is_that_locale() -> None:
    price = Money.of("1234.5", "EUR")
    assert f"{price}" == "1234.50 EUR"
    assert f"{price:fr}" == format_money(price, "fr")
    assert f"{price:en_US}" == "€1,234.50"
    assert f"{price:de-CH}" == format_money(price, "de_CH")


@pytest.mark.parametrize("spec", [".2f", ">10", "xx", "fr!", "12"])
def test_format_refuses_any_other_spec_saying_what_it_accepts(spec: str) -> None:
    with pytest.raises(InvalidFormatSpec, match="locale identifier such as 'en', 'fr'") as caught:
        format(Money.of("1", "USD"), spec)
    assert isinstance(caught.value, ValueError)
    assert repr(spec) in str(caught.value)


# -- dates and numbers ---------------------------------------------------------------------------


def test_dates_are_written_as_the_locale_writes_them() -> None:
    day = date(2025, 3, 8)
    assert format_date(day, "fr") == "8 mars 2025"
    assert format_date(day, "en") == "March 8, 2025"
    assert format_date(day, "fr", "medium") == "8 mars 2025"
    assert format_date(day, "en", "medium") == "Mar 8, 2025"
    assert format_date(day, "en_GB", "short") == "08/03/2025"


def test_dates_refuse_datetimes_and_unknown_formats() -> None:
    with pytest.raises(InvalidDate):
        format_date(datetime(2025, 3, 8, 12), "fr")
    with pytest.raises(UnknownReference, match="'longest'"):
        format_date(date(2025, 3, 8), "fr", "longest")


def test_numbers_follow_the_locale_and_refuse_floats() -> None:
    assert format_number(1234567, "fr") == f"1{NARROW_NBSP}234{NARROW_NBSP}567"
    assert format_number(Decimal("1234.5678"), "en") == "1,234.5678"
    with pytest.raises(InvalidQuantity, match="float"):
        format_number(0.1, "en")  # type: ignore[arg-type]


LATIN_DIGIT_LOCALES = ("en", "en_IN", "fr", "fr_CH", "de", "de_CH", "es", "it", "ja", "nl", "pl")


def _significant(text: str) -> str:
    return "".join(c for c in text if c.isdigit()).strip("0")


@given(moneys(), st.sampled_from(LATIN_DIGIT_LOCALES))
def test_every_locale_shows_the_significant_digits_of_the_amount_in_order(
    money: Money, locale: str
) -> None:
    """Whatever the grouping (« 1 234 », "1,234", "12,34,567" in India) or the symbol, the
    significant digits shown are the amount's: none lost, none added (no float, no rounding)."""
    assert _significant(format_money(money, locale)) == _significant(f"{money.amount:f}")


def test_numbers_too_long_to_write_or_not_finite_are_refused_as_quantities() -> None:
    # A billion-digit string, or Babel's bare decimal.Overflow, is what these gave before.
    for number in (Decimal("1E+999999999"), Decimal("1E-9999"), Decimal("NaN"), 10**101):
        with pytest.raises(InvalidQuantity) as refused:
            format_number(number, "en")
        assert isinstance(refused.value, ValueError)
    # Past the ambient 28 digits, written whole: 10**30 has 31 digits.
    assert format_number(Decimal("1E+30"), "en") == "1" + ",000" * 10
    assert format_number(Decimal("-1E-30"), "fr") == "-0," + "0" * 29 + "1"
    # A zero is written "0" whatever its exponent.
    assert format_number(Decimal("0E+200"), "en") == format_number(Decimal("0E-200"), "en") == "0"


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: d.adjusted() < MAX_NUMBER_DIGITS and -d.as_tuple().exponent <= MAX_NUMBER_DIGITS  # type: ignore[operator]
    ),
    st.sampled_from(LATIN_DIGIT_LOCALES),
)
def test_a_number_shows_its_significant_digits_in_every_locale(
    number: Decimal, locale: str
) -> None:
    assert _significant(format_number(number, locale)) == _significant(f"{number:f}")
