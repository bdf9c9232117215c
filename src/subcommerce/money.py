"""Exact money: ISO 4217 currencies, Decimal amounts, one rounding function, and allocation.

Rules this module enforces:

* amounts are :class:`~decimal.Decimal` (or ``int``, or a numeric string at the edges); a float
  is refused with :class:`~subcommerce.errors.InexactAmount`;
* amounts in different currencies never mix (:class:`~subcommerce.errors.CurrencyMismatch`);
* ``Money * Money`` is refused; ``Money / Money`` is a plain Decimal ratio;
* every rounding in subcommerce goes through :func:`round_ratio`, which rounds an exact
  integer ratio with a named :class:`RoundingMode`; nothing depends on the ambient Decimal context;
* :func:`allocate` splits an amount into parts that add back up to it exactly;
* an amount from outside (a string, an int, a Decimal) has fewer than :data:`MAX_INTEGER_DIGITS`
  integer digits and at most :data:`MAX_DECIMALS` decimals, so that no input (``"1e999999999"``)
  makes rounding or allocation slow: it is refused at construction with
  :class:`~subcommerce.errors.InvalidAmount`.

>>> price = Money.of("36.00", "USD")
>>> price * 5
Money('180.00', 'USD')
>>> [str(p) for p in allocate(Money.of("100.00", "USD"), [1, 1, 1])]
['33.34 USD', '33.33 USD', '33.33 USD']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import attrs

from subcommerce._checks import Choice
from subcommerce.errors import (
    CurrencyMismatch,
    DivisionByZero,
    InexactAmount,
    InvalidAmount,
    InvalidArgument,
    InvalidFormatSpec,
    MoneyArithmeticError,
    UnknownCurrency,
    UnknownReference,
)

__all__ = [
    "MAX_DECIMALS",
    "MAX_INTEGER_DIGITS",
    "MAX_PARTS",
    "Currency",
    "Money",
    "RoundingMode",
    "allocate",
    "currency",
    "round_ratio",
    "to_decimal",
]

#: What may stand for an exact number: ints, Decimals and Fractions (never floats).
Exact = int | Decimal | Fraction

#: An amount from outside has at most this many digits before the decimal point: below 10**15,
#: a thousand trillion, far above any invoice, price or factor, and small enough that every
#: product of proration (price x quantity x days x 10**4) stays an int of a few dozen digits.
MAX_INTEGER_DIGITS: Final = 15
#: ... and at most this many decimals: unit prices carry 2 to 4, a convention's daily rate at
#: most 12 (``ProrationConvention.daily_rate_places``); 10**12 bounds every denominator.
MAX_DECIMALS: Final = 12
#: :func:`allocate` splits into at most this many parts (a part per day of a three-year term
#: is about 1,100); a larger split is refused rather than left to take seconds.
MAX_PARTS: Final = 100_000
_LIMIT: Final = 10**MAX_INTEGER_DIGITS


class RoundingMode(Choice):
    """How an exact value is brought to a number of decimals.

    ``HALF_EVEN`` (banker's rounding) is the default everywhere; ``HALF_UP`` is what most invoices
    print; ``DOWN`` truncates toward zero.
    """

    HALF_EVEN = "half_even"
    HALF_UP = "half_up"
    HALF_DOWN = "half_down"
    DOWN = "down"
    UP = "up"
    FLOOR = "floor"
    CEILING = "ceiling"


# The modes as module constants: an enum member read from its class costs a metaclass look-up,
# about 0.2 us, and round_ratio compares up to six of them on every call.
_FLOOR: Final = RoundingMode.FLOOR
_CEILING: Final = RoundingMode.CEILING
_DOWN: Final = RoundingMode.DOWN
_UP: Final = RoundingMode.UP
_HALF_EVEN: Final = RoundingMode.HALF_EVEN
_HALF_UP: Final = RoundingMode.HALF_UP


def round_ratio(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Round the exact ratio ``numerator / denominator`` to an integer with ``mode``.

    This is the one place where subcommerce rounds. Callers scale the ratio so that the integer is
    a count of the unit they want (minor units of a currency, or 10**-n for n decimal places).

    >>> round_ratio(5, 2, RoundingMode.HALF_EVEN), round_ratio(7, 2, RoundingMode.HALF_EVEN)
    (2, 4)
    >>> round_ratio(-5, 2, RoundingMode.HALF_UP), round_ratio(-5, 2, RoundingMode.DOWN)
    (-3, -2)
    """
    if mode.__class__ is not RoundingMode:
        raise InvalidArgument(f"rounding mode must be a RoundingMode, got {mode!r}")
    try:
        if denominator < 0:
            numerator, denominator = -numerator, -denominator
        quotient = numerator // denominator  # floor: 0 <= remainder < denominator
        remainder = numerator - quotient * denominator  # cheaper than a call to divmod
    except ZeroDivisionError:
        raise DivisionByZero(f"cannot round {numerator!r}/0: the denominator is zero") from None
    except (TypeError, ArithmeticError):  # a str, None; a Decimal NaN
        raise InvalidArgument(
            f"round_ratio needs two ints, got {numerator!r} and {denominator!r}"
        ) from None
    if remainder.__class__ is not int:  # a float, Decimal or Fraction went in
        raise InvalidArgument(f"round_ratio needs two ints, got {numerator!r} and {denominator!r}")
    if remainder == 0:
        return quotient
    # The exact value lies strictly between quotient (floor) and quotient + 1 (ceiling).
    if mode is _HALF_EVEN:  # the default, first
        twice = 2 * remainder
        if twice < denominator:
            return quotient
        if twice > denominator:
            return quotient + 1
        return quotient if quotient % 2 == 0 else quotient + 1  # a tie: to the even one
    if mode is _FLOOR:
        return quotient
    if mode is _CEILING:
        return quotient + 1
    negative = quotient < 0  # the exact value is not whole: below 0 exactly when its floor is
    if mode is _DOWN:  # toward zero
        return quotient + 1 if negative else quotient
    if mode is _UP:  # away from zero
        return quotient if negative else quotient + 1
    twice = 2 * remainder
    if twice < denominator:
        return quotient
    if twice > denominator:
        return quotient + 1
    # An exact tie between floor and ceiling.
    if mode is _HALF_UP:  # away from zero
        return quotient if negative else quotient + 1
    # HALF_DOWN, the last of the modes (checked above): toward zero.
    return quotient + 1 if negative else quotient


def to_decimal(value: object, *, what: str = "amount") -> Decimal:
    """``value`` as a finite Decimal: accepts Decimal, int and numeric strings; refuses floats.

    >>> to_decimal("36.00"), to_decimal(5)
    (Decimal('36.00'), Decimal('5'))
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise InexactAmount(f"{what} must be a Decimal, an int or a numeric string, not a bool")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except ArithmeticError:
            raise InvalidAmount(f"{what} {value!r} is not a number") from None
    elif isinstance(value, float):
        raise InexactAmount(
            f"{what} {value!r} is a float; give money as a Decimal or a string such as "
            f"'{value:.2f}' so that no binary rounding creeps in"
        )
    else:
        raise InexactAmount(
            f"{what} must be a Decimal, an int or a numeric string, not {type(value).__name__}"
        )
    if not result.is_finite():
        raise InvalidAmount(f"{what} {value!r} is not a finite number")
    _check_bounds(result, what)
    return result


def _check_bounds(value: Decimal, what: str) -> None:
    """Refuse a finite Decimal with too many integer digits or decimals (see the limits)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        raise InvalidAmount(
            f"{what} {value} has {-exponent} decimals; at most {MAX_DECIMALS} are supported"
        )
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidAmount(
            f"{what} {value} is too large: amounts are below 10**{MAX_INTEGER_DIGITS}"
        )


# ISO 4217 minor units (exponents) of the currencies subcommerce knows. Currencies not listed have
# two decimals in ISO 4217 unless a user builds them with an explicit exponent.
_ISO_4217: Final[Mapping[str, int]] = MappingProxyType(
    {
        code: exponent
        for exponent, codes in (
            (0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"),
            (3, "BHD IQD JOD KWD LYD OMR TND"),
            (4, "CLF UYW"),
            (
                2,
                "AED ARS AUD BDT BGN BOB BRL BYN CAD CHF CNY COP CRC CZK DKK DOP DZD EGP EUR GBP "
                "GEL GHS GTQ HKD HNL HUF IDR ILS INR JMD KES KZT LBP LKR MAD MDL MKD MXN MYR NGN "
                "NIO NOK NPR NZD PAB PEN PHP PKR PLN QAR RON RSD RUB SAR SEK SGD THB TRY TTD TWD "
                "TZS UAH USD UYU UZS VES ZAR ZMW",
            ),
        )
        for code in codes.split()
    }
)


def _check_code(instance: Currency, attribute: attrs.Attribute[str], value: str) -> None:
    if not (isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper()):
        raise UnknownCurrency(f"currency code {value!r} is not three upper-case letters")


def _check_exponent(instance: Currency, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        raise InvalidAmount(f"minor-unit exponent {value!r} of {instance.code} is not 0 to 4")


@attrs.frozen(repr=False)
class Currency:
    """A currency: its ISO 4217 code and the number of decimals of its minor unit.

    >>> Currency.of("JPY").exponent, Currency.of("KWD").exponent
    (0, 3)
    """

    code: str = attrs.field(validator=_check_code)
    exponent: int = attrs.field(validator=_check_exponent)

    @classmethod
    def of(cls, code: str) -> Currency:
        """The ISO 4217 currency ``code`` (e.g. "USD"); unknown codes are refused."""
        try:
            return _KNOWN[code]
        except (KeyError, TypeError):
            raise UnknownCurrency(f"unknown currency code {code!r}") from None

    @property
    def minor_unit(self) -> Decimal:
        """The smallest amount of this currency, e.g. Decimal('0.01') for USD."""
        return _MINOR_UNITS[self.exponent]

    def __repr__(self) -> str:
        return f"Currency({self.code!r}, {self.exponent})"

    def __str__(self) -> str:
        return self.code


_KNOWN: Final[Mapping[str, Currency]] = MappingProxyType(
    {code: Currency(code, exponent) for code, exponent in _ISO_4217.items()}
)
_MINOR_UNITS: Final = tuple(Decimal(1).scaleb(-e) for e in range(5))
# Sums, differences and products of Decimals are exact in this context, whatever the ambient one.
EXACT_CONTEXT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
# Quotients are not always finite decimals: Money / Money and Money / number keep 34 significant
# digits (IEEE decimal128), rounded half-even. Prices and charges never go through this path.
_QUOTIENT: Final = Context(prec=34)


_SCALES: Final[tuple[int, ...]] = tuple(10**e for e in range(5))


def currency(code: str | Currency) -> Currency:
    """A Currency from its code, or the Currency itself.

    >>> currency("EUR")
    Currency('EUR', 2)
    """
    if isinstance(code, Currency):
        return code
    return Currency.of(code)


def _check_amount(instance: Money, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if type(value) is not Decimal:
        to_decimal(value)  # raises the right error for floats and other types
        raise InexactAmount(f"Money amount must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise InvalidAmount(f"Money amount {value} is not finite")
    _check_bounds(value, "Money amount")


def _check_currency(instance: Money, attribute: attrs.Attribute[Currency], value: Any) -> None:
    if not isinstance(value, Currency):
        raise UnknownCurrency(f"Money currency must be a Currency, got {value!r}")


class MoneySlots:
    """The slots of a :class:`Money`, writable: the engine's fast way to build one.

    ``_units`` holds the whole minor units a Money was built from (see :func:`money_from_units`),
    None for a Money built from a Decimal: sums, differences, negations and int multiples of two
    such Money, and :meth:`Money.minor_units`, stay in integers instead of going through Decimal
    and back.

    A frozen Money refuses attribute stores; a MoneySlots takes them at the speed of a plain
    slot store. Fill ``amount`` (a finite Decimal), ``currency`` and ``_units`` (the amount in
    minor units, or None), then retype it: ``slots.__class__ = Money``. Never let one out
    unretyped. :func:`money_from_units` and :func:`money_unchecked` do exactly this.
    """

    __slots__ = ("__weakref__", "_units", "amount", "currency")
    amount: Decimal
    currency: Currency
    _units: int | None


@attrs.frozen(repr=False, order=False)
class Money(MoneySlots):
    """An exact amount of one currency.

    The amount may carry more decimals than the currency's minor unit (a unit price such as
    0.1234 USD, or a value before rounding); :meth:`rounded` brings it to minor units.

    >>> Money.of("0.10", "USD") + Money.of("0.20", "USD") == Money.of("0.30", "USD")
    True
    >>> Money.of("10", "USD") / Money.of("4", "USD")
    Decimal('2.5')
    """

    amount: Decimal = attrs.field(validator=_check_amount)
    currency: Currency = attrs.field(validator=_check_currency)

    def __attrs_post_init__(self) -> None:
        # Built from a Decimal (at the edge: a price, a parsed amount): it carries its minor
        # units when it is written with exactly the currency's decimals (36.00 USD, not 36 or
        # 36.000, whose sums keep other exponents), and is not a negative zero.
        amount, exponent = self.amount, self.currency.exponent
        sign, _, places = amount.as_tuple()
        if places == -exponent and not (sign and not amount):
            _set_units(self, int(amount.scaleb(exponent, EXACT_CONTEXT)))
        else:
            _set_units(self, None)

    @classmethod
    def of(cls, amount: object, currency_code: str | Currency) -> Money:
        """The one convenient way in: ``Money.of("36.00", "USD")``; floats are refused."""
        return cls(to_decimal(amount), currency(currency_code))

    @classmethod
    def zero(cls, currency_code: str | Currency) -> Money:
        """Zero in the currency, with its minor-unit decimals (0.00 USD, 0 JPY)."""
        cur = currency_code if currency_code.__class__ is Currency else currency(currency_code)
        return _from_units(0, cur)

    @classmethod
    def from_minor_units(cls, units: int, currency_code: str | Currency) -> Money:
        """``units`` minor units (cents for USD): ``from_minor_units(3600, "USD")`` is 36.00 USD."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise InexactAmount(f"minor units must be an int, got {units!r}")
        cur = currency(currency_code)
        if abs(units) >= _SCALES[cur.exponent] * _LIMIT:
            raise InvalidAmount(
                f"{units} minor units of {cur.code} is too large: amounts are below "
                f"10**{MAX_INTEGER_DIGITS}"
            )
        return money_from_units(units, cur)

    # -- rounding ---------------------------------------------------------------------------

    def rounded(self, mode: RoundingMode = RoundingMode.HALF_EVEN) -> Money:
        """This amount rounded to the currency's minor unit with ``mode``."""
        return money_from_units(self.minor_units(mode), self.currency)

    def minor_units(self, mode: RoundingMode = RoundingMode.HALF_EVEN) -> int:
        """This amount as a whole number of minor units, rounded with ``mode``."""
        if mode.__class__ is RoundingMode:
            units = units_of(self)
            if units is not None:  # already whole minor units: every mode gives them back
                return units
        numerator, denominator = self.amount.as_integer_ratio()
        return round_ratio(numerator * _SCALES[self.currency.exponent], denominator, mode)

    @property
    def is_rounded(self) -> bool:
        """True when the amount has no more decimals than the currency's minor unit."""
        if units_of(self) is not None:
            return True
        # Exact and context-free: quantize would fail (or give NaN) past the ambient precision.
        return _SCALES[self.currency.exponent] % self.amount.as_integer_ratio()[1] == 0

    # -- arithmetic -------------------------------------------------------------------------

    def _same(self, other: Money, verb: str) -> None:
        if self.currency is not other.currency and self.currency != other.currency:
            raise CurrencyMismatch(
                f"cannot {verb} {self.currency.code} and {other.currency.code} amounts "
                f"({self} and {other})"
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise MoneyArithmeticError(f"cannot add {other!r} to money ({self}); add Money")
        cur = self.currency
        if other.currency is not cur:
            self._same(other, "add")
        try:
            mine, theirs = self._units, other._units
        except AttributeError:  # a copy or an unpickled Money: no units kept
            mine = theirs = None
        money = MoneySlots()
        if mine is not None and theirs is not None:  # whole minor units: integers all the way
            total = mine + theirs
            money.amount = _multiply(total, _MINOR_UNITS[cur.exponent])
            money._units = total
        else:
            money.amount = EXACT_CONTEXT.add(self.amount, other.amount)
            money._units = None
        money.currency = cur
        money.__class__ = Money
        return money  # type: ignore[return-value]  # retyped: a Money now

    def __radd__(self, other: object) -> Money:
        # ``sum(amounts)`` starts from the int 0: 0 + money is the money (as py-moneyed does).
        if other.__class__ is int and other == 0:
            return self
        raise MoneyArithmeticError(f"cannot add money ({self}) to {other!r}; add Money")

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise MoneyArithmeticError(f"cannot subtract {other!r} from money ({self})")
        cur = self.currency
        if other.currency is not cur:
            self._same(other, "subtract")
        try:
            mine, theirs = self._units, other._units
        except AttributeError:  # a copy or an unpickled Money: no units kept
            mine = theirs = None
        money = MoneySlots()
        if mine is not None and theirs is not None:  # whole minor units: integers all the way
            total = mine - theirs
            money.amount = _multiply(total, _MINOR_UNITS[cur.exponent])
            money._units = total
        else:
            money.amount = EXACT_CONTEXT.subtract(self.amount, other.amount)
            money._units = None
        money.currency = cur
        money.__class__ = Money
        return money  # type: ignore[return-value]  # retyped: a Money now

    def __rsub__(self, other: object) -> Money:
        raise MoneyArithmeticError(f"cannot subtract money ({self}) from {other!r}")

    def __neg__(self) -> Money:
        try:
            units = self._units
        except AttributeError:  # a copy or an unpickled Money: no units kept
            units = None
        cur = self.currency
        money = MoneySlots()
        if units is not None:
            money.amount = _multiply(-units, _MINOR_UNITS[cur.exponent])
            money._units = -units
        else:
            money.amount = EXACT_CONTEXT.minus(self.amount)
            money._units = None
        money.currency = cur
        money.__class__ = Money
        return money  # type: ignore[return-value]  # retyped: a Money now

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return money_unchecked(EXACT_CONTEXT.abs(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        if factor.__class__ is int and factor:
            try:
                units = self._units
            except AttributeError:  # a copy or an unpickled Money: no units kept
                units = None
            if units:  # no zero on either side: Decimal signs zeros (-1.00 x 0, 0.00 x -1: -0.00)
                product = units * factor
                cur = self.currency
                money = MoneySlots()
                money.amount = _multiply(product, _MINOR_UNITS[cur.exponent])
                money.currency = cur
                money._units = product
                money.__class__ = Money
                return money  # type: ignore[return-value]  # retyped: a Money now
        if factor.__class__ is int and -_LIMIT < factor < _LIMIT:  # what to_decimal would give
            return money_unchecked(
                EXACT_CONTEXT.multiply(self.amount, Decimal(factor)), self.currency
            )
        if isinstance(factor, Money):
            raise MoneyArithmeticError(f"cannot multiply money by money ({self} * {factor})")
        return money_unchecked(
            EXACT_CONTEXT.multiply(self.amount, to_decimal(factor, what="factor")), self.currency
        )

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Any:
        if isinstance(divisor, Money):
            self._same(divisor, "divide")
            if not divisor.amount:
                raise DivisionByZero(f"cannot divide {self} by zero")
            return _QUOTIENT.divide(self.amount, divisor.amount)
        value = to_decimal(divisor, what="divisor")
        if not value:
            raise DivisionByZero(f"cannot divide {self} by zero")
        return money_unchecked(_QUOTIENT.divide(self.amount, value), self.currency)

    def __rtruediv__(self, other: object) -> Money:
        raise MoneyArithmeticError(f"cannot divide {other!r} by money ({self})")

    def _cmp(self, other: object) -> Decimal:
        if not isinstance(other, Money):
            raise MoneyArithmeticError(f"cannot compare money ({self}) with {other!r}")
        self._same(other, "compare")
        return EXACT_CONTEXT.subtract(self.amount, other.amount)

    def __lt__(self, other: object) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: object) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._cmp(other) >= 0

    def is_zero(self) -> bool:
        """True for an amount of zero."""
        return not self.amount

    def is_negative(self) -> bool:
        """True for an amount below zero."""
        return self.amount < 0

    def allocate(self, weights: Sequence[Exact]) -> tuple[Money, ...]:
        """Split this amount by ``weights``; see :func:`allocate`."""
        return allocate(self, weights)

    @staticmethod
    def total(amounts: Iterable[Money], currency_code: str | Currency) -> Money:
        """The sum of ``amounts`` (zero in ``currency_code`` when there are none).

        ``sum(amounts)`` works too, but gives the int 0 for no amounts: prefer this.
        """
        result = Money.zero(currency_code)
        try:
            items = iter(amounts)
        except TypeError:
            raise InvalidArgument(
                f"Money.total needs an iterable of Money, got {type(amounts).__name__}"
            ) from None
        for amount in items:
            result = result + amount
        return result

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"

    def __str__(self) -> str:
        """The amount with at least its currency's minor-unit decimals: ``1234.50 EUR``."""
        amount = self.amount
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -self.currency.exponent:
            amount = amount.quantize(_MINOR_UNITS[self.currency.exponent], context=EXACT_CONTEXT)
        return f"{amount:f} {self.currency.code}"

    def __format__(self, spec: str) -> str:
        """``format(money, "")`` is ``str(money)``; ``format(money, "fr")`` (any locale
        identifier) is :func:`subcommerce.formatting.format_money` in that locale; any other
        spec raises :class:`~subcommerce.errors.InvalidFormatSpec`."""
        if spec == "":
            return str(self)
        from subcommerce.formatting import format_money  # Babel, at the edge; loaded on use

        try:
            return format_money(self, spec)
        except UnknownReference:
            raise InvalidFormatSpec(
                f"Money does not take the format spec {spec!r}: use '' ({self}) or a locale "
                "identifier such as 'en', 'fr' or 'fr_CH' (CLDR's format for that locale)"
            ) from None


_set_units = MoneySlots.__dict__["_units"].__set__
# Decimal(units) x 10**-exponent: exact in this context, the same digits and exponent as
# Decimal(units).scaleb(-exponent), in one call.
_multiply: Final = EXACT_CONTEXT.multiply


def units_of(money: Money) -> int | None:
    """The whole minor units a Money was built from (:func:`money_from_units`), else None.

    None says nothing about the amount: a Money built from a Decimal may be whole minor units
    too; ask :meth:`Money.minor_units` for the number.
    """
    try:
        return money._units  # a slot read (the slot's own __get__ costs a call through a wrapper)
    except AttributeError:  # a copy or an unpickled Money: attrs restores the fields only
        return None


def sum_in_units(amounts: Iterable[Money], cur: Currency) -> Money | None:
    """The sum of ``amounts`` in ``cur`` as an integer sum of their minor units, or None when
    one of them carries none or is in another currency (then sum their Decimals instead).

    The same Money as adding their Decimals to ``Money.zero(cur)``: every one of them has exactly
    the currency's decimals, and so has that sum.
    """
    total = 0
    money = None
    try:
        for money in amounts:
            units = money._units
            if units is None or money.currency is not cur:
                return None
            total += units
    except AttributeError:  # a copy or an unpickled Money, or not a Money at all
        return None
    return units_total(total, money, cur)


def units_total(total: int, last: Money | None, cur: Currency) -> Money:
    """:func:`sum_in_units` of amounts of ``cur`` that each carry their minor units, adding up
    to ``total``, the last of them ``last`` (None: no amounts): ``last`` itself when it is the
    sum (a single one, the others zero: a Money holding its minor units is those units and its
    currency, field for field), otherwise a new Money of ``total`` units."""
    if last.__class__ is Money and getattr(last, "_units", None) == total:
        return last
    return money_from_units(total, cur)


def money_unchecked(amount: Decimal, cur: Currency) -> Money:
    """Build Money from an amount already known to be a finite Decimal (skips validation)."""
    money = MoneySlots()
    money.amount = amount
    money.currency = cur
    money._units = None
    money.__class__ = Money
    return money  # type: ignore[return-value]  # retyped: a Money now


def money_from_units(units: int, cur: Currency) -> Money:
    """``units`` minor units of ``cur``, for callers that have already validated both.

    The Money keeps ``units`` beside its Decimal amount (``Decimal(units).scaleb(-exponent)``),
    so that arithmetic with other such Money stays in integers.
    """
    money = MoneySlots()
    money.amount = _multiply(units, _MINOR_UNITS[cur.exponent])
    money.currency = cur
    money._units = units
    money.__class__ = Money
    return money  # type: ignore[return-value]  # retyped: a Money now


_from_units = money_from_units


def _integer_weights(weights: Sequence[Exact]) -> list[int]:
    """The weights scaled to integers with the same proportions."""
    if all(type(weight) is int and weight >= 0 for weight in weights):
        return list(weights)  # type: ignore[arg-type]  # all plain non-negative ints
    ratios: list[tuple[int, int]] = []
    for index, weight in enumerate(weights):
        if isinstance(weight, bool) or not isinstance(weight, (int, Decimal, Fraction)):
            raise InexactAmount(
                f"weight #{index} {weight!r} must be an int, Decimal or Fraction (not a float)"
            )
        if isinstance(weight, Decimal):
            if not weight.is_finite():
                raise InvalidAmount(f"weight #{index} {weight} is not finite")
            _check_bounds(weight, f"weight #{index}")
        if weight < 0:
            raise InvalidAmount(f"weight #{index} {weight} is negative")
        ratios.append(weight.as_integer_ratio())
    common = math.lcm(*(denominator for _, denominator in ratios))
    return [numerator * (common // denominator) for numerator, denominator in ratios]


def allocate_units(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` integer units by non-negative integer ``weights`` (largest remainder).

    The parts add up to ``total`` exactly; each is within one unit of its exact share
    ``total * w / sum(w)``. Leftover units go to the largest remainders, ties to the earlier
    part, so the result is deterministic. A negative total is split as its opposite, negated.
    """
    if total < 0:
        return [-part for part in allocate_units(-total, weights)]
    if len(weights) == 2:  # a change's two rebills: at most one unit is left over
        first, second = weights
        weight_sum = first + second
        if weight_sum <= 0:
            raise InvalidAmount("weights must have a positive sum")
        head_share, tail_share = total * first, total * second
        head, tail = head_share // weight_sum, tail_share // weight_sum
        head_rest, tail_rest = head_share - head * weight_sum, tail_share - tail * weight_sum
        if head + tail < total:  # no divmod: a call costs more than the two products
            if tail_rest > head_rest:
                tail += 1
            else:  # ties to the earlier part
                head += 1
        return [head, tail]
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise InvalidAmount("weights must have a positive sum")
    products = [total * weight for weight in weights]
    parts = [product // weight_sum for product in products]
    leftover = total - sum(parts)
    if leftover:
        remainders = [product % weight_sum for product in products]
        if leftover == 1:  # the first of the largest remainders
            parts[remainders.index(max(remainders))] += 1
        else:  # the largest remainders; a stable sort, even reversed, keeps ties in order
            order = sorted(range(len(remainders)), key=remainders.__getitem__, reverse=True)
            for index in order[:leftover]:
                parts[index] += 1
    return parts


def allocate(total: Money, weights: Sequence[Exact]) -> tuple[Money, ...]:
    """Split ``total`` into parts proportional to ``weights`` that add up to it exactly.

    ``total`` must already be in minor units (round it first). Each part is within one minor
    unit of its exact share; leftover minor units go to the parts with the largest remainders,
    ties to the earlier part.

    >>> [str(p) for p in allocate(Money.of("36.00", "USD"), [1] * 31)][:3]
    ['1.17 USD', '1.17 USD', '1.17 USD']
    >>> sum(p.amount for p in allocate(Money.of("36.00", "USD"), [1] * 31))
    Decimal('36.00')
    """
    if not isinstance(total, Money):
        raise InexactAmount(f"allocate needs a Money total, got {type(total).__name__}")
    if not isinstance(weights, Sequence) or isinstance(weights, str | bytes):
        raise InvalidArgument(
            f"allocate needs a sequence of weights such as [1, 1, 1], got {weights!r}"
        )
    if not weights:
        raise InvalidAmount("allocate needs at least one weight")
    if len(weights) > MAX_PARTS:
        raise InvalidAmount(f"allocate splits into at most {MAX_PARTS} parts, not {len(weights)}")
    if not total.is_rounded:
        raise InvalidAmount(
            f"cannot allocate {total}: it has more decimals than {total.currency.code} "
            f"allows; round it first"
        )
    units = allocate_units(total.minor_units(), _integer_weights(weights))
    cur = total.currency
    return tuple(money_from_units(u, cur) for u in units)
