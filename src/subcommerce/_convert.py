"""The edge: the one private cattrs converter between subcommerce values and plain data.

Plain data is what JSON and TOML hold: dicts, lists, strings, ints, bools. Decimals travel as
strings ("36.00"), never floats; dates as ISO strings ("2025-01-31"); a currency as its code; money
as ``{"amount": "36.00", "currency": "USD"}``. Structuring errors become
:class:`~subcommerce.errors.ConversionError` naming the path of the culprit.

Nothing in the core imports this module; the public face re-exports :func:`to_data` and
:func:`from_data`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import transform_error

from subcommerce.errors import ConversionError, SubcommerceError
from subcommerce.money import Currency, Money, to_decimal
from subcommerce.periods import check_date

__all__ = ["CONVERTER", "from_data", "to_data"]

T = TypeVar("T")


def _structure_decimal(value: Any, _: type) -> Decimal:
    return to_decimal(value, what="number")


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date):
        return check_date(value)
    if not isinstance(value, str):
        raise ConversionError(f"a date must be an ISO string such as '2025-01-31', got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConversionError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _structure_currency(value: Any, _: type) -> Currency:
    if isinstance(value, Currency):
        return value
    if isinstance(value, dict):
        return Currency(value.get("code"), value.get("exponent"))  # type: ignore[arg-type]
    return Currency.of(value)


def _structure_money(value: Any, _: type) -> Money:
    if isinstance(value, Money):
        return value
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        raise ConversionError(
            f"money must be {{'amount': '36.00', 'currency': 'USD'}}, got {value!r}"
        )
    return Money.of(value["amount"], _structure_currency(value["currency"], Currency))


def _structure_fraction(value: Any, _: type) -> Fraction:
    if isinstance(value, str):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise ConversionError(f"{value!r} is not a fraction such as '17/31'") from None
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise ConversionError(f"a fraction must be a string such as '17/31', got {value!r}")


def _unstructure_currency(value: Currency) -> Any:
    known = Currency.of(value.code) if _is_known(value.code) else None
    if known == value:
        return value.code
    return {"code": value.code, "exponent": value.exponent}


def _is_known(code: str) -> bool:
    try:
        Currency.of(code)
    except SubcommerceError:
        return False
    return True


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(datetime, _refuse_datetime)
    converter.register_structure_hook(Currency, _structure_currency)
    converter.register_unstructure_hook(Currency, _unstructure_currency)
    converter.register_structure_hook(Money, _structure_money)
    converter.register_unstructure_hook(
        Money, lambda m: {"amount": str(m.amount), "currency": _unstructure_currency(m.currency)}
    )
    converter.register_structure_hook(Fraction, _structure_fraction)
    converter.register_unstructure_hook(Fraction, str)
    return converter


def _refuse_datetime(value: Any, _: type) -> datetime:
    raise ConversionError(f"subcommerce works on calendar dates, not datetimes: {value!r}")


#: The converter. Private to subcommerce: users call :func:`to_data` and :func:`from_data`.
CONVERTER = _make_converter()


def to_data(value: Any) -> Any:
    """``value`` (any subcommerce value) as plain data: dicts, lists, strings, ints, bools."""
    return CONVERTER.unstructure(value)


def from_data(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from plain data; every fault is reported with its path.

    Raises :class:`~subcommerce.errors.ConversionError` (a ValueError).
    """
    try:
        return CONVERTER.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as error:
        messages = transform_error(error, path=cls.__name__)
        raise ConversionError("; ".join(messages)) from None
    except SubcommerceError as error:
        raise ConversionError(f"{cls.__name__}: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ConversionError(f"{cls.__name__}: {type(error).__name__}: {error}") from None
