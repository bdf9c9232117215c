"""The edge: the one private cattrs converter between subcommerce values and plain data.

Plain data is what JSON and TOML hold: dicts, lists, strings, ints, bools. Decimals travel as
strings ("36.00"), never floats; dates as ISO strings ("2025-01-31"); a currency as its code; money
as ``{"amount": "36.00", "currency": "USD"}``. Commands, steps, cart lines and events carry a
``"type"`` tag (the class name in snake case) and are read back by it.

The conversion is strict: nothing is coerced. An int field refuses floats, strings and bools; a
bool refuses strings and ints; a string refuses None, numbers and containers; a sequence refuses
a string; an enum refuses a value it does not have (and lists the ones it has); a date refuses a
datetime; an unknown field is refused. Every refusal is a
:class:`~subcommerce.errors.ConversionError` naming the path of each culprit
(``Scenario.steps[3].cart[0].quantity: 12.9 is not a whole number of licenses``).

Before anything is built the data is measured: at most :data:`MAX_DEPTH` levels of nesting,
:data:`MAX_ITEMS` items and strings of at most :data:`MAX_STRING_LENGTH` characters, so that a
hostile document is one quick problem, not a hang.

Nothing in the core imports this module; the public face re-exports :func:`to_data` and
:func:`from_data`.
"""

from __future__ import annotations

import enum
import functools
import json
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

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
from subcommerce.errors import CatalogInvalid, ConversionError, Reason, SubcommerceError
from subcommerce.money import Currency, Money, to_decimal
from subcommerce.periods import BillingFrequency, Term, check_date
from subcommerce.proration import PRESETS, ProrationConvention, proration_convention

__all__ = [
    "CONVERTER",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_NUMBER_LENGTH",
    "MAX_PROBLEMS",
    "MAX_STRING_LENGTH",
    "TAGGED_UNIONS",
    "check_catalog",
    "check_plain",
    "dump_catalog",
    "dump_scenario",
    "from_data",
    "load_catalog",
    "load_scenario",
    "tag_of",
    "to_data",
    "type_name",
]

T = TypeVar("T")

#: The deepest nesting of lists and tables a document may have. The deepest real document (a
#: timeline: orders, quote lines, their charges, each line's convention) is about 10 levels deep.
MAX_DEPTH: Final = 32
#: The most items (values, list entries and table entries) a document may hold.
MAX_ITEMS: Final = 1_000_000
#: The longest string (an id, a name, a description) a document may hold, in characters.
MAX_STRING_LENGTH: Final = 4096
#: The most faulty items of one list reported: the rest of the list is not read.
MAX_PROBLEMS: Final = 20
#: The longest number a document may write (digits, sign and point): 1e999999999 is refused.
MAX_NUMBER_LENGTH: Final = 64

_SHOWN: Final = 60
# Fields whose whole numbers count licenses (for the message of a refused 12.9).
_LICENSE_FIELDS: Final = frozenset(
    {"quantity", "count", "quantity_before", "quantity_after", "before", "after", "licenses"}
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(E[+-][0-9]+)?", re.ASCII)
_FRACTION = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?", re.ASCII)
_CODE = re.compile(r"[A-Z]{3}", re.ASCII)


def _show(value: Any) -> str:
    """A short, safe picture of a culprit for a message (long values are cut)."""
    if type(value) is int and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > _SHOWN:
        kind = type(value).__name__
        return f"a {kind} of {len(value):,} {'characters' if isinstance(value, str) else 'items'}"
    try:
        text = repr(value)
    except ValueError:  # e.g. a Decimal or int too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


class _Refusal(ConversionError):
    """A leaf refusal; ``what`` says what the value is not, for the message."""

    def __init__(self, value: Any, what: str, *, licenses: bool = False) -> None:
        self.value = value
        self.what = what
        self.licenses = licenses
        super().__init__(f"{_show(value)} {what}")

    def at(self, field: str | None) -> str:
        if self.licenses and field in _LICENSE_FIELDS:
            return f"{_show(self.value)} {self.what} of licenses"
        return str(self)


# -- the measure of plain data --------------------------------------------------------------------


def _path_text(root: str, parts: list[str | int]) -> str:
    return root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def check_plain(data: Any, root: str) -> None:
    """Refuse, in one problem, plain data too deep, too large, or holding over-long strings.

    Walks without recursion (a document nested 100,000 deep is measured, not recursed into)
    and stops at the first fault.
    """
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(data, 0, ())]
    items = 0
    while stack:
        value, depth, path = stack.pop()
        items += 1
        if items > MAX_ITEMS:
            raise ConversionError(f"{root}: the document holds more than {MAX_ITEMS:,} items")
        if isinstance(value, str):
            _check_string(value, root, path)
        elif isinstance(value, dict | list | tuple):
            if depth >= MAX_DEPTH:
                where = _path_text(root, list(path[:6])) + ("..." if len(path) > 6 else "")
                raise ConversionError(
                    f"{where}: the document is nested deeper than {MAX_DEPTH} levels"
                )
            if len(value) > MAX_ITEMS:
                raise ConversionError(
                    f"{_path_text(root, list(path))}: {_show(value)}, more than {MAX_ITEMS:,}"
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise ConversionError(
                            f"{_path_text(root, list(path))}: a key must be a string, "
                            f"got {_show(key)}"
                        )
                    _check_string(key, root, path)
                    stack.append((item, depth + 1, (*path, key)))
            else:
                stack.extend((item, depth + 1, (*path, i)) for i, item in enumerate(value))


def _check_string(value: str, root: str, path: tuple[str | int, ...]) -> None:
    if len(value) > MAX_STRING_LENGTH:
        raise ConversionError(
            f"{_path_text(root, list(path))}: a string of {len(value):,} characters, "
            f"longer than the {MAX_STRING_LENGTH:,} allowed"
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ConversionError(
                f"{_path_text(root, list(path))}: {_show(value)} is not valid Unicode "
                f"(a lone surrogate)"
            ) from None


# -- strict leaves ------------------------------------------------------------------------------


def _structure_int(value: Any, _: type) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise _Refusal(value, "is a bool, not a whole number")
    if isinstance(value, float | Decimal | Fraction | str):
        raise _Refusal(value, "is not a whole number", licenses=True)
    raise _Refusal(value, "is not a whole number")


def _structure_bool(value: Any, _: type) -> bool:
    if type(value) is bool:
        return value
    raise _Refusal(value, "is not a bool (true or false)")


def _structure_str(value: Any, _: type) -> str:
    if type(value) is str:
        if len(value) > MAX_STRING_LENGTH:
            raise _Refusal(value, f"is longer than {MAX_STRING_LENGTH:,} characters")
        return value
    if value is None:
        raise _Refusal(value, "where a string is needed")
    raise _Refusal(value, "is not a string")


def _structure_decimal(value: Any, _: type) -> Decimal:
    given = value
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(value):
            raise _Refusal(value, "is not a decimal number such as '36.00'")
        number = Decimal(value)
        if str(number) != value:  # '007', '1e5', '+1': one number, written one way
            raise _Refusal(value, f"is not written as subcommerce writes it: {str(number)!r}")
        value = number
    elif type(value) is int and value.bit_length() > MAX_NUMBER_LENGTH * 3:
        raise _Refusal(value, f"has more than {MAX_NUMBER_LENGTH} digits")
    result = to_decimal(value, what="number")
    digits, exponent = result.as_tuple()[1:]
    if len(digits) > MAX_NUMBER_LENGTH or abs(int(exponent)) > MAX_NUMBER_LENGTH:
        raise _Refusal(given, f"has more than {MAX_NUMBER_LENGTH} digits or places")
    return result


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date):
        return check_date(value)
    if not isinstance(value, str):
        raise _Refusal(value, "is not an ISO date such as '2025-01-31'")
    if not _DATE.fullmatch(value):
        raise _Refusal(value, "is not an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Refusal(value, "is not a date of the calendar") from None


def _refuse_datetime(value: Any, _: type) -> datetime:
    raise ConversionError(f"subcommerce works on calendar dates, not datetimes: {_show(value)}")


def _structure_code(value: Any, _: type) -> str:
    code = _structure_str(value, str)
    if not _CODE.fullmatch(code):
        raise _Refusal(code, "is not a currency code of three capital letters")
    return code


def _structure_currency(value: Any, _: type) -> Currency:
    if isinstance(value, Currency):
        return value
    if isinstance(value, dict):
        if set(value) != {"code", "exponent"}:
            raise _Refusal(value, "is not a currency {'code': 'XTS', 'exponent': 2}")
        code = _field(Currency, "code", _structure_code, value["code"], str)
        exponent = _field(Currency, "exponent", _structure_int, value["exponent"], int)
        return Currency(code, exponent)
    if type(value) is not str:
        raise _Refusal(value, "is not a currency code such as 'USD'")
    return Currency.of(value)


def _field(cls: type, name: str, build: Callable[[Any, type], T], value: Any, kind: type) -> T:
    """``build(value)``, a fault of which is reported at ``cls``'s field ``name``."""
    try:
        return build(value, kind)
    except SubcommerceError as error:
        error.add_note(AttributeValidationNote(f"structuring {name}", name, kind))
        raise ClassValidationError(f"while structuring {cls.__name__}", [error], cls) from None


def _structure_money(value: Any, _: type) -> Money:
    if isinstance(value, Money):
        return value
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        raise _Refusal(value, "is not money such as {'amount': '36.00', 'currency': 'USD'}")
    amount = _field(Money, "amount", _structure_decimal, value["amount"], Decimal)
    currency = _field(Money, "currency", _structure_currency, value["currency"], Currency)
    return Money.of(amount, currency)


def _structure_fraction(value: Any, _: type) -> Fraction:
    if isinstance(value, str) and len(value) <= MAX_NUMBER_LENGTH and _FRACTION.fullmatch(value):
        fraction = Fraction(value)
        if str(fraction) == value:
            return fraction
    if type(value) is int:
        return Fraction(value)
    raise _Refusal(value, "is not a fraction in lowest terms such as '17/31'")


@functools.cache
def _enum_table(cls: type[enum.Enum]) -> tuple[dict[Any, enum.Enum], frozenset[type], str]:
    by_value = {member.value: member for member in cls}
    allowed = ", ".join(repr(v) for v in by_value)
    return by_value, frozenset(type(v) for v in by_value), allowed


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    if type(value) is cls:
        return value
    by_value, kinds, allowed = _enum_table(cls)
    if type(value) in kinds and value in by_value:
        return by_value[value]
    raise _Refusal(value, f"is not one of {allowed}")


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


# -- strict collections -------------------------------------------------------------------------


def _is_collection(type_: Any) -> bool:
    origin = typing.get_origin(type_)
    return origin in (tuple, frozenset, list, set) and bool(typing.get_args(type_))


def _items(value: Any, type_: Any) -> list[Any] | tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, frozenset | set) and typing.get_origin(type_) in (frozenset, set):
        return sorted(value, key=repr)
    raise _Refusal(value, "is not a list")


def _collection_hook(converter: cattrs.Converter, type_: Any) -> Callable[[Any, type], Any]:
    origin = typing.get_origin(type_)
    args = typing.get_args(type_)
    homogeneous = origin is not tuple or (len(args) == 2 and args[1] is Ellipsis)

    def structure(value: Any, _: type) -> Any:
        items = _items(value, type_)
        if homogeneous:
            kinds = [args[0]] * len(items)
        elif len(items) != len(args):
            raise _Refusal(value, f"is not a list of exactly {len(args)} items")
        else:
            kinds = list(args)
        out: list[Any] = []
        errors: list[Exception] = []
        for index, (item, kind) in enumerate(zip(items, kinds, strict=True)):
            if len(errors) == MAX_PROBLEMS:  # enough to fix first; the rest is not read
                more = ConversionError(f"more faulty items not read after {MAX_PROBLEMS}")
                more.add_note(IterableValidationNote(f"@ index {index}", index, kind))
                errors.append(more)
                break
            try:
                out.append(converter.structure(item, kind))
            except Exception as error:  # gathered, each reported with its path
                error.add_note(IterableValidationNote(f"@ index {index}", index, kind))
                errors.append(error)
        if errors:
            raise IterableValidationError(f"while structuring {type_!r}", errors, type_)
        return (frozenset if origin in (frozenset, set) else tuple)(out)

    return structure


# -- classes and tagged unions ---------------------------------------------------------------------

#: The unions read by their ``"type"`` tag: each one's name and its members.
TAGGED_UNIONS: Final[dict[Any, str]] = {
    simulate.Step: "Step",
    commands.Command: "Command",
    orders.CartLine: "CartLine",
    events.Event: "Event",
}


def _snake(cls: type) -> str:
    name = cls.__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _members(union: Any) -> tuple[type, ...]:
    return tuple(typing.get_args(union))


_TAGGED: Final[dict[type, str]] = {
    member: _snake(member) for union in TAGGED_UNIONS for member in _members(union)
}


def tag_of(cls: type) -> str | None:
    """The ``"type"`` tag that ``cls`` carries in plain data, or None if it carries none."""
    return _TAGGED.get(cls)


def type_name(cls: Any) -> str:
    """A readable name for a class or a union (the root of a path in a message)."""
    if cls in TAGGED_UNIONS:
        return TAGGED_UNIONS[cls]
    return getattr(cls, "__name__", None) or str(cls)


def _class_hook(converter: cattrs.Converter, cls: type) -> Callable[[Any, type], Any]:
    generated: Callable[[Any, type], Any] = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=True
    )
    tag = _TAGGED.get(cls)

    def structure(value: Any, _: type) -> Any:
        if type(value) is cls:
            return value
        if not isinstance(value, dict):
            raise _Refusal(value, f"is not a table of the fields of {cls.__name__}")
        if tag is not None and "type" in value:
            if value["type"] != tag:
                raise _Refusal(value["type"], f"is not the type tag of {cls.__name__} ({tag!r})")
            value = {k: v for k, v in value.items() if k != "type"}
        return generated(value, cls)

    return structure


def _union_hook(converter: cattrs.Converter, union: Any) -> Callable[[Any, type], Any]:
    by_tag = {_snake(member): member for member in _members(union)}
    expected = ", ".join(repr(tag) for tag in by_tag)

    def structure(value: Any, _: type) -> Any:
        if type(value) in by_tag.values():
            return value
        if not isinstance(value, dict):
            raise _Refusal(value, f"is not a table with a 'type' tag (one of {expected})")
        if "type" not in value:
            raise ConversionError(f"the 'type' tag is missing (expected one of {expected})")
        tag = value["type"]
        member = by_tag.get(tag) if type(tag) is str else None
        if member is None:
            raise _Refusal(tag, f"is not a type tag here (expected one of {expected})")
        return converter.structure(value, member)

    return structure


def _is_plain_union(type_: Any) -> bool:
    """A union of members that plain data tells apart by shape (None, a string, a table)."""
    if typing.get_origin(type_) not in (typing.Union, types.UnionType):
        return False
    if type_ in TAGGED_UNIONS:
        return False
    members = [m for m in typing.get_args(type_) if m is not type(None)]
    return len(members) > 1


def _plain_union_hook(converter: cattrs.Converter, union: Any) -> Callable[[Any, type], Any]:
    members = typing.get_args(union)
    leaves = [m for m in members if m in (str, int, bool)]
    others = [m for m in members if m not in leaves and m is not type(None)]
    names = ", ".join(type_name(m) for m in members)

    def structure(value: Any, _: type) -> Any:
        if value is None and type(None) in members:
            return None
        if type(value) in leaves:  # a plain leaf of a type the union names: itself
            return value
        for member in others:
            if attrs.has(member) and isinstance(value, dict | member):
                return converter.structure(value, member)
        for member in others:
            if not attrs.has(member):
                try:
                    return converter.structure(value, member)
                except SubcommerceError:
                    continue
        if len(others) == 0 and len(leaves) == 1:
            return converter.structure(value, leaves[0])  # its own message
        raise _Refusal(value, f"is none of {names}")

    return structure


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(str, _structure_str)
    # StrEnum and IntEnum are named: their members are also str and int, and the enum hook must
    # come before the str and int hooks in their method resolution order.
    for base in (enum.Enum, enum.StrEnum, enum.IntEnum):
        converter.register_structure_hook(base, _structure_enum)
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
    converter.register_structure_hook_factory(
        _is_collection, lambda t: _collection_hook(converter, t)
    )
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and attrs.has(t), lambda t: _class_hook(converter, t)
    )
    converter.register_structure_hook_factory(
        _is_plain_union, lambda t: _plain_union_hook(converter, t)
    )
    for union in TAGGED_UNIONS:
        converter.register_structure_hook(union, _union_hook(converter, union))
    # Every enum as its plain value. StrEnum is named too: its members are also str, which
    # cattrs would otherwise pass through as they are (not plain data for a TOML or JSON writer).
    for base in (enum.Enum, enum.StrEnum):
        converter.register_unstructure_hook(base, lambda e: e.value)
    return converter


#: The converter. Private to subcommerce: users call :func:`to_data` and :func:`from_data`.
CONVERTER = _make_converter()


# -- writing: total, plain ----------------------------------------------------------------------


_LEAF_TYPES: Final = frozenset({str, int, bool, type(None)})


class _Unwritable(Exception):
    """Something in unstructured data that is not plain data (found again with its path)."""


def _plain(value: Any) -> Any:
    """The unstructured ``value`` as exactly plain data; anything else raises _Unwritable."""
    kind = type(value)
    if kind in _LEAF_TYPES:
        return value
    if kind is dict:
        for key in value:
            if type(key) is not str:
                raise _Unwritable
        return {key: _plain(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is frozenset or kind is set:
        items = [_plain(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    raise _Unwritable


def _culprit(value: Any, path: str) -> str:
    """Where in unstructured data the first thing that is not plain data is, and what it is."""
    kind = type(value)
    if kind in _LEAF_TYPES:
        return ""
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"{path}: cannot write the key {_show(key)} as plain data"
            if found := _culprit(item, f"{path}.{key}"):
                return found
        return ""
    if kind in (list, tuple, frozenset, set):
        for index, item in enumerate(value):
            if found := _culprit(item, f"{path}[{index}]"):
                return found
        return ""
    return (
        f"{path}: cannot write {_show(value)} ({kind.__name__}) as plain data; "
        f"to_data writes subcommerce values"
    )


def to_data(value: Any) -> Any:
    """``value`` (any subcommerce value) as plain data: dicts, lists, strings, ints, bools.

    Total: a value it cannot write is refused with a
    :class:`~subcommerce.errors.ConversionError`, never returned as it is.

    >>> to_data(Money.of("36.00", "USD"))
    {'amount': '36.00', 'currency': 'USD'}
    """
    try:
        unstructured = CONVERTER.unstructure(value)
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise ConversionError(f"cannot write {_show(value)} as plain data: {error}") from None
    try:
        return _plain(unstructured)
    except _Unwritable:
        raise ConversionError(_culprit(unstructured, type(value).__name__)) from None


# -- reading: every fault with its path ---------------------------------------------------------


def _problems(error: BaseException, path: str, field: str | None = None) -> list[str]:
    if isinstance(error, ForbiddenExtraKeysError):
        allowed = ", ".join(repr(a.alias) for a in attrs.fields(error.cl) if a.init)
        extra = ", ".join(repr(k) for k in sorted(error.extra_fields))
        return [f"{path}: unknown field {extra} (expected one of {allowed})"]
    if isinstance(error, ClassValidationError | IterableValidationError):
        problems = []
        for inner in error.exceptions:
            notes = getattr(inner, "__notes__", [])
            where, name = path, None
            for note in notes:
                if isinstance(note, AttributeValidationNote):
                    where, name = f"{path}.{note.name}", note.name
                elif isinstance(note, IterableValidationNote):
                    where = f"{path}[{note.index}]"
            if isinstance(inner, KeyError) and name is not None:
                problems.append(f"{where}: a required field is missing")
            else:
                problems.extend(_problems(inner, where, name))
        return problems
    if isinstance(error, _Refusal):
        return [f"{path}: {error.at(field)}"]
    if isinstance(error, CatalogInvalid):
        return [p if p.startswith(path) else f"{path}: {p}" for p in error.problems]
    if isinstance(error, SubcommerceError):
        return [f"{path}: {error}"]
    return [f"{path}: {type(error).__name__}: {error}"]


_NOT_TARGETS: Final = (object, dict, list, tuple, set, frozenset, type(None), Any)


def _check_target(cls: Any) -> None:
    """Refuse a ``cls`` that names no kind of subcommerce value (``None``, ``5``, ``"Money"``)."""
    try:
        if cls in TAGGED_UNIONS or typing.get_origin(cls) is not None:
            return
    except TypeError:  # unhashable: a list or a dict is no class
        pass
    if isinstance(cls, type) and cls not in _NOT_TARGETS:
        return
    raise ConversionError(
        f"from_data builds a subcommerce value; {_show(cls)} is not a class of one "
        f"(give a class such as Money or Scenario, or a union such as Step)"
    )


def _structure(data: Any, cls: Any) -> Any:
    _check_target(cls)
    root = type_name(cls)
    check_plain(data, root)
    try:
        return CONVERTER.structure(data, cls)
    except StructureHandlerNotFoundError:
        raise ConversionError(f"from_data cannot build a {root}: no such value") from None
    except (ClassValidationError, IterableValidationError, SubcommerceError) as error:
        raise ConversionError("; ".join(_problems(error, root))) from None
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        raise ConversionError(f"{root}: {type(error).__name__}: {error}") from None
    except RecursionError:
        raise ConversionError(f"{root}: the document is nested too deep") from None


@typing.overload
def from_data(data: Any, cls: type[T]) -> T: ...


@typing.overload
def from_data(data: Any, cls: Any) -> Any: ...  # a union such as Step


def from_data(data: Any, cls: Any) -> Any:
    """Build a ``cls`` from plain data; every fault is reported with its path.

    ``cls`` may also be a tagged union (``Step``, ``Command``, ``CartLine``, ``Event``): the
    data's ``"type"`` tag says which member it is.

    Raises :class:`~subcommerce.errors.ConversionError` (a ValueError).

    >>> from_data({"amount": "36.00", "currency": "USD"}, Money)
    Money('36.00', 'USD')
    >>> from subcommerce.periods import Period
    >>> from_data({"start": "2025-01-01", "end": 12.9}, Period)
    Traceback (most recent call last):
    ...
    subcommerce.errors.ConversionError: Period.end: 12.9 is not an ISO date such as '2025-01-31'
    """
    return _structure(data, cls)


# -- catalogs -----------------------------------------------------------------------------------
#
# A catalog's plain form is what a person writes in TOML: prices as a table of currency code to
# amount ({USD = "6.00", EUR = "5.10"}), optional fields left out. Dumping leaves out fields that
# hold their default, so a dumped catalog reads like a hand-written one and loads back equal.


def _structure_prices(value: Any, _: type) -> Prices:
    if isinstance(value, Prices):
        return value
    if not isinstance(value, dict):
        raise _Refusal(value, "is not a table of currency code to amount")
    amounts = []
    for code, amount in value.items():
        cur = _structure_currency(code, Currency)
        try:
            number = _structure_decimal(amount, Decimal)
        except _Refusal as refusal:
            raise _Refusal(amount, f"({cur.code} price) {refusal.what}") from None
        amounts.append(Money(to_decimal(number, what=f"the {cur.code} price"), cur))
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

# A reason's plain form holds its code and the values it is about, not the fields it leaves empty.
CONVERTER.register_unstructure_hook(
    Reason, make_dict_unstructure_fn(Reason, CONVERTER, _cattrs_omit_if_default=True)
)


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
        check_plain(data, "catalog")
    except ConversionError as error:
        raise CatalogInvalid([str(error)]) from None
    try:
        return CONVERTER.structure(data, Catalog)
    except CatalogInvalid as error:
        raise CatalogInvalid(error.problems) from None
    except (ClassValidationError, IterableValidationError, SubcommerceError) as error:
        if isinstance(error, ClassValidationError):
            for inner in error.exceptions:
                if isinstance(inner, CatalogInvalid) and not getattr(inner, "__notes__", None):
                    raise CatalogInvalid(inner.problems) from None
        raise CatalogInvalid(_problems(error, "catalog")) from None
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        raise CatalogInvalid([f"catalog: {type(error).__name__}: {error}"]) from None


def dump_catalog(catalog: Catalog) -> dict[str, Any]:
    """A catalog as plain data that :func:`load_catalog` loads back equal (defaults left out)."""
    data: dict[str, Any] = to_data(catalog)
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


def _register_scenario_hooks(converter: cattrs.Converter) -> None:
    def unstructure_cart(cart: orders.Cart) -> list[Any]:
        return [converter.unstructure(line) for line in cart.lines]

    def structure_cart(value: Any, _: type) -> orders.Cart:
        if isinstance(value, orders.Cart):
            return value
        if isinstance(value, dict) and set(value) == {"lines"}:
            value = value["lines"]
        if not isinstance(value, list | tuple):
            raise _Refusal(value, "is not a cart (a list of lines)")
        lines = converter.structure(value, tuple[orders.CartLine, ...])
        return orders.Cart(lines)

    converter.register_unstructure_hook(orders.Cart, unstructure_cart)
    converter.register_structure_hook(orders.Cart, structure_cart)

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
        orders.PlaceOrder,
        *_members(commands.Command),
    ]
    for cls in terse:
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True)
        )
    # A convention writes its layout only when it is not the default (legacy): what was written
    # before there were layouts is written the same.
    converter.register_unstructure_hook(
        ProrationConvention,
        make_dict_unstructure_fn(
            ProrationConvention, converter, layout=override(omit_if_default=True)
        ),
    )
    # A convention is a preset's name or a table of its fields; a scenario writes a preset by name.
    convention_fields = make_dict_structure_fn(ProrationConvention, converter)

    def structure_convention(value: Any, _: type) -> ProrationConvention:
        if isinstance(value, str):
            return proration_convention(value)
        return convention_fields(value, ProrationConvention)

    def unstructure_convention(value: ProrationConvention) -> Any:
        return value.name if PRESETS.get(value.name) == value else converter.unstructure(value)

    converter.register_structure_hook(ProrationConvention, structure_convention)
    converter.register_unstructure_hook(
        simulate.Scenario,
        make_dict_unstructure_fn(
            simulate.Scenario,
            converter,
            _cattrs_omit_if_default=True,
            convention=override(unstruct_hook=unstructure_convention),
        ),
    )
    # Every member of a tagged union writes its tag first, whether it is written on its own or
    # as a member of its union.
    for member, tag in _TAGGED.items():
        fields = converter.get_unstructure_hook(member)
        converter.register_unstructure_hook(member, _tagged_writer(tag, fields))
    for union in TAGGED_UNIONS:
        converter.register_unstructure_hook(union, converter.unstructure)


def _tagged_writer(tag: str, fields: Callable[[Any], Any]) -> Callable[[Any], dict[str, Any]]:
    def unstructure(value: Any) -> dict[str, Any]:
        return {"type": tag, **fields(value)}

    return unstructure


_register_scenario_hooks(CONVERTER)


def load_scenario(data: Any) -> simulate.Scenario:
    """A :class:`~subcommerce.simulate.Scenario` from plain data (a dict read from TOML or JSON).

    Raises :class:`~subcommerce.errors.ConversionError` naming the path of every fault.
    """
    return from_data(data, simulate.Scenario)


def dump_scenario(scenario: simulate.Scenario) -> dict[str, Any]:
    """A scenario as plain data that :func:`load_scenario` loads back equal (defaults left out)."""
    data: dict[str, Any] = to_data(scenario)
    return data
