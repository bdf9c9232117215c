r"""Money, dates and numbers as a reader of a given locale writes them (CLDR data, through Babel).

The caller names the locale ("fr", "fr_FR", "en_US", "ja"); nothing here reads the environment.
Amounts are formatted from their Decimal value, never through a float, and are never rounded
here: an amount shows at least its currency's minor-unit decimals (ISO 4217, as
:class:`~subcommerce.money.Currency` holds them) and every decimal it carries beyond them. To
show an amount rounded to minor units, pass ``rounding`` (a
:class:`~subcommerce.money.RoundingMode`): the rounding is :meth:`Money.rounded
<subcommerce.money.Money.rounded>`, the one place subcommerce rounds.

>>> from datetime import date
>>> from subcommerce.money import Money, RoundingMode
>>> format_money(Money.of("1234.56", "EUR"), "fr")  # CLDR's spaces: narrow no-break, no-break
'1\u202f234,56\xa0€'
>>> format_money(Money.of("1234.56", "USD"), "en")
'$1,234.56'
>>> format_money(Money.of("1234.5", "EUR"), "en")
'€1,234.50'
>>> format_money(Money.of("1234.56", "JPY"), "en", rounding=RoundingMode.HALF_EVEN)
'¥1,235'
>>> format_money(Money.of("0.1234", "USD"), "en")  # a unit price keeps its decimals
'$0.1234'
>>> format_date(date(2025, 3, 8), "fr"), format_date(date(2025, 3, 8), "en")
('8 mars 2025', 'March 8, 2025')
>>> format_number(1234567, "fr"), format_number(1234567, "en")
('1\u202f234\u202f567', '1,234,567')
"""

from __future__ import annotations

import contextlib
import copy
import decimal
import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from babel import Locale, UnknownLocaleError
from babel import dates as _dates
from babel.numbers import NumberPattern

from subcommerce.errors import InvalidDate, InvalidQuantity, UnknownReference
from subcommerce.money import Money, RoundingMode

__all__ = ["format_amount", "format_date", "format_money", "format_number", "parse_locale"]


@functools.cache
def _parse(identifier: str) -> Locale:
    return Locale.parse(identifier.replace("-", "_"))


def parse_locale(locale: str | Locale) -> Locale:
    """A Babel locale from an identifier ("fr", "fr_FR", "en-US"); UnknownReference otherwise."""
    if isinstance(locale, Locale):
        return locale
    if not isinstance(locale, str) or not locale:
        raise UnknownReference(f"a locale is an identifier such as 'fr' or 'en_US', got {locale!r}")
    try:
        return _parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise UnknownReference(
            f"unknown locale {locale!r}; expected an identifier such as 'fr' or 'en_US'"
        ) from None


def _check_money(money: object) -> Money:
    if not isinstance(money, Money):
        raise UnknownReference(f"format_money needs Money, got {money!r}")
    return money


def _with_minor_units(pattern: NumberPattern, exponent: int) -> NumberPattern:
    fixed = copy.copy(pattern)
    fixed.frac_prec = (exponent, exponent)
    return fixed


def _amount_of(money: Money, rounding: RoundingMode | None) -> Decimal:
    if rounding is None:
        return money.amount
    return money.rounded(RoundingMode(rounding)).amount


def _exact_for(amount: Decimal) -> contextlib.AbstractContextManager[decimal.Context]:
    """A Decimal context wide enough that Babel's padding and grouping of ``amount`` neither
    rounds a digit away nor overflows (the ambient context holds 28 digits)."""
    exponent = amount.as_tuple().exponent
    scale = abs(exponent) if isinstance(exponent, int) else 0
    return decimal.localcontext(prec=amount.adjusted() + scale + 32)


def format_money(
    money: Money, locale: str | Locale, *, rounding: RoundingMode | None = None
) -> str:
    """``money`` with its currency, as ``locale`` writes it: « 1 234,56 € », "$1,234.56"."""
    amount = _amount_of(_check_money(money), rounding)
    where = parse_locale(locale)
    pattern = _with_minor_units(where.currency_formats["standard"], money.currency.exponent)
    with _exact_for(amount):
        text: str = pattern.apply(
            amount,
            where,
            currency=money.currency.code,
            currency_digits=False,
            decimal_quantization=False,
        )
    return text


def format_amount(
    money: Money, locale: str | Locale, *, rounding: RoundingMode | None = None
) -> str:
    """``money``'s amount alone, as ``locale`` writes numbers, with its minor-unit decimals
    (« 1 234,50 »): for tables whose header names the currency."""
    amount = _amount_of(_check_money(money), rounding)
    where = parse_locale(locale)
    pattern = _with_minor_units(where.decimal_formats[None], money.currency.exponent)
    with _exact_for(amount):
        text: str = pattern.apply(amount, where, decimal_quantization=False)
    return text


def format_number(number: int | Decimal, locale: str | Locale) -> str:
    """A whole number or a Decimal as ``locale`` writes it (« 1 234 567 »); never a float."""
    if isinstance(number, bool) or not isinstance(number, int | Decimal):
        raise InvalidQuantity(
            f"format_number takes an int or a Decimal, never a float, got {number!r}"
        )
    if isinstance(number, Decimal):
        _check_writable(number)
    elif not -_NUMBER_LIMIT < number < _NUMBER_LIMIT:
        raise InvalidQuantity(
            f"format_number writes numbers of at most {MAX_NUMBER_DIGITS} digits, "
            f"got an int of {number.bit_length()} bits"
        )
    where = parse_locale(locale)
    with _exact_for(Decimal(number)):
        text: str = where.decimal_formats[None].apply(number, where, decimal_quantization=False)
    return text


#: The most digits :func:`format_number` writes before the point, and the most after it: a
#: quantity, a count or an exact share is far shorter; a longer number (``1E+999999999``) would
#: make a string of that many digits, so it is refused rather than written.
MAX_NUMBER_DIGITS: Final = 100
_NUMBER_LIMIT: Final = 10**MAX_NUMBER_DIGITS


def _check_writable(number: Decimal) -> None:
    if not number.is_finite():
        raise InvalidQuantity(f"format_number writes finite numbers, got {number}")
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if number.is_zero():  # 0E+200 and 0E-200 are written "0", whatever their exponent
        return
    if number.adjusted() >= MAX_NUMBER_DIGITS or -exponent > MAX_NUMBER_DIGITS:
        raise InvalidQuantity(
            f"format_number writes numbers of at most {MAX_NUMBER_DIGITS} digits before and "
            f"after the point, got {number}"
        )


def format_date(day: date, locale: str | Locale, format: str = "long") -> str:
    """A calendar date as ``locale`` writes it: « 8 mars 2025 » ("long"), « 8 mars 2025 » /
    "Mar 8, 2025" ("medium"), "3/8/25" ("short")."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise InvalidDate(f"format_date takes a date, got {day!r}")
    if format not in ("short", "medium", "long", "full"):
        raise UnknownReference(
            f"unknown date format {format!r}; expected 'short', 'medium', 'long' or 'full'"
        )
    return _dates.format_date(day, format, locale=parse_locale(locale))
