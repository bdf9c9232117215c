"""The edge: the one private cattrs converter between subcommerce values and plain data.

Plain data is what JSON and TOML hold: dicts, lists, strings, ints, bools. Decimals travel as
strings ("36.00"), never floats; dates as ISO strings ("2025-01-31"); a currency as its code; money
as ``{"amount": "36.00", "currency": "USD"}``. Structuring errors become
:class:`~subcommerce.errors.ConversionError` naming the path of the culprit.

Nothing in the core imports this module; the public face re-exports :func:`to_data` and
:func:`from_data`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_unstructure_fn
from cattrs.strategies import configure_tagged_union
from cattrs.v import format_exception, transform_error

from subcommerce import billing, commands, events, orders, simulate, subscriptions
from subcommerce.catalog import (
    Addon,
    AddonKind,
    Capability,
    Catalog,
    DisplayName,
    LicenseUnit,
    Offer,
    Plan,
    Prices,
)
from subcommerce.errors import CatalogInvalid, ConversionError, SubcommerceError
from subcommerce.money import Currency, Money, to_decimal
from subcommerce.periods import BillingFrequency, Term, check_date

__all__ = [
    "CONVERTER",
    "check_catalog",
    "dump_catalog",
    "dump_scenario",
    "from_data",
    "load_catalog",
    "load_scenario",
    "to_data",
]

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
    # Every enum as its plain value. StrEnum is named too: its members are also str, which
    # cattrs would otherwise pass through as they are (not plain data for a TOML or JSON writer).
    for base in (enum.Enum, enum.StrEnum):
        converter.register_unstructure_hook(base, lambda e: e.value)
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
        messages = transform_error(error, path=cls.__name__, format_exception=_format_exception)
        raise ConversionError("; ".join(messages)) from None
    except SubcommerceError as error:
        raise ConversionError(f"{cls.__name__}: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ConversionError(f"{cls.__name__}: {type(error).__name__}: {error}") from None


# -- catalogs -----------------------------------------------------------------------------------
#
# A catalog's plain form is what a person writes in TOML: prices as a table of currency code to
# amount ({USD = "6.00", EUR = "5.10"}), optional fields left out. Dumping leaves out fields that
# hold their default, so a dumped catalog reads like a hand-written one and loads back equal.


def _structure_prices(value: Any, _: type) -> Prices:
    if isinstance(value, Prices):
        return value
    if not isinstance(value, dict):
        raise ConversionError(f"prices must be a table of currency code to amount, got {value!r}")
    amounts = []
    for code, amount in value.items():
        cur = _structure_currency(code, Currency)
        amounts.append(Money(to_decimal(amount, what=f"the {cur.code} price"), cur))
    return Prices(tuple(amounts))


def _unstructure_prices(value: Prices) -> dict[str, str]:
    return {m.currency.code: str(m.amount) for m in value.amounts}


def _enum_value(value: enum.Enum) -> Any:
    return value.value


def _register_catalog_hooks(converter: cattrs.Converter) -> None:
    converter.register_structure_hook(Prices, _structure_prices)
    converter.register_unstructure_hook(Prices, _unstructure_prices)
    for enum_cls in (AddonKind, LicenseUnit, Term, BillingFrequency):
        converter.register_unstructure_hook(enum_cls, _enum_value)
    for cls in (DisplayName, Capability, Offer, Plan, Addon, Catalog):
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
        )


_register_catalog_hooks(CONVERTER)


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, SubcommerceError):
        return str(exc)
    return format_exception(exc, type_)


def _problems_of(error: ClassValidationError | IterableValidationError) -> list[str]:
    problems = []
    for message in transform_error(error, path="catalog", format_exception=_format_exception):
        text, _, path = message.rpartition(" @ ")
        problems.append(f"{path}: {text}" if text else message)
    return problems


def load_catalog(data: Any) -> Catalog:
    """A :class:`~subcommerce.catalog.Catalog` from plain data (a dict read from TOML or JSON).

    Every fault is reported at once in one :class:`~subcommerce.errors.CatalogInvalid` (a
    ValueError) whose ``problems`` name each culprit's path: first the faults of shape (a wrong
    type, an unknown field, an unknown currency), then, when the shape is right, the faults of
    meaning (duplicate ids, dangling references, missing prices, prerequisite cycles).
    """
    if not isinstance(data, dict):
        raise CatalogInvalid([f"catalog: a catalog is a table (dict), got {type(data).__name__}"])
    try:
        return CONVERTER.structure(data, Catalog)
    except ClassValidationError as error:
        for inner in error.exceptions:
            if isinstance(inner, CatalogInvalid):
                raise CatalogInvalid(inner.problems) from None
        raise CatalogInvalid(_problems_of(error)) from None


def dump_catalog(catalog: Catalog) -> dict[str, Any]:
    """A catalog as plain data that :func:`load_catalog` loads back equal (defaults left out)."""
    data: dict[str, Any] = CONVERTER.unstructure(catalog)
    return data


def check_catalog(data: Any) -> tuple[str, ...]:
    """Every problem of a catalog in plain data, without raising; empty when it loads."""
    try:
        load_catalog(data)
    except CatalogInvalid as error:
        return error.problems
    return ()


# -- scenarios and timelines ----------------------------------------------------------------------
#
# A scenario's plain form is what a person writes: commands and cart lines carry a "type" tag
# (the class name in snake case: "place_order", "change_license_quantity", "new_subscription"),
# a cart is the list of its lines, and fields that hold their default are left out when dumping.
# Events in a timeline carry the same kind of tag ("subscription_purchased", ...).


def _snake(cls: type) -> str:
    name = cls.__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _register_scenario_hooks(converter: cattrs.Converter) -> None:
    terse = [
        billing.RoleAssignment,
        billing.InvoiceSection,
        billing.BillingProfile,
        billing.BillingAccount,
        subscriptions.LicenseBlock,
        subscriptions.ScheduledChange,
        subscriptions.Subscription,
        subscriptions.Tenant,
        orders.NewSubscription,
        orders.AddAddon,
        orders.ChangeLicenses,
        *(member for member in commands.Command.__args__),
    ]
    for cls in terse:
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
        )
    configure_tagged_union(orders.CartLine, converter, tag_generator=_snake, tag_name="type")

    def unstructure_cart(cart: orders.Cart) -> list[Any]:
        return [converter.unstructure(line, unstructure_as=orders.CartLine) for line in cart.lines]

    def structure_cart(value: Any, _: type) -> orders.Cart:
        if isinstance(value, dict) and set(value) == {"lines"}:
            value = value["lines"]
        if not isinstance(value, list | tuple):
            raise ConversionError(f"a cart is a list of lines, got {value!r}")
        lines = converter.structure(value, tuple[orders.CartLine, ...])
        return orders.Cart(lines)

    converter.register_unstructure_hook(orders.Cart, unstructure_cart)
    converter.register_structure_hook(orders.Cart, structure_cart)
    converter.register_unstructure_hook(
        orders.PlaceOrder,
        make_dict_unstructure_fn(orders.PlaceOrder, converter, _cattrs_omit_if_default=True),
    )
    configure_tagged_union(simulate.Step, converter, tag_generator=_snake, tag_name="type")
    configure_tagged_union(events.Event, converter, tag_generator=_snake, tag_name="type")
    converter.register_unstructure_hook(
        simulate.Scenario,
        make_dict_unstructure_fn(simulate.Scenario, converter, _cattrs_omit_if_default=True),
    )


_register_scenario_hooks(CONVERTER)


def load_scenario(data: Any) -> simulate.Scenario:
    """A :class:`~subcommerce.simulate.Scenario` from plain data (a dict read from TOML or JSON).

    Raises :class:`~subcommerce.errors.ConversionError` naming the path of every fault.
    """
    return from_data(data, simulate.Scenario)


def dump_scenario(scenario: simulate.Scenario) -> dict[str, Any]:
    """A scenario as plain data that :func:`load_scenario` loads back equal (defaults left out)."""
    data: dict[str, Any] = CONVERTER.unstructure(scenario)
    return data
