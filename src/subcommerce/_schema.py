"""The published wire format: a JSON Schema (draft 2020-12) for each kind of document.

The schemas are derived, by one generator, from the attrs classes and from the choices the
converter (:mod:`subcommerce._convert`) makes: amounts are decimal strings, dates ISO strings,
a currency its code (or ``{"code", "exponent"}`` for one built by hand), money
``{"amount", "currency"}``, prices a table of currency code to amount, a cart the list of its
lines, and every member of a tagged union (a command, a step, a cart line, an event) carries its
``"type"`` tag. Fields that have a default may be left out; unknown fields are refused.

A schema says what a document's shape must be; the converter also refuses what a schema cannot
say (a period that ends before it starts, a dangling reference, a float where a JSON number is
read as an exact decimal). A document that the converter loads always validates.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import inspect
import types
import typing
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from subcommerce._convert import (
    MAX_NUMBER_LENGTH,
    MAX_STRING_LENGTH,
    TAGGED_UNIONS,
    tag_of,
    type_name,
)
from subcommerce.catalog import Catalog, Prices
from subcommerce.errors import UnknownReference
from subcommerce.invoices import Ledger
from subcommerce.money import Currency, Money
from subcommerce.orders import Cart, CartLine, Quote
from subcommerce.proration import PRESETS, ProrationConvention
from subcommerce.simulate import Scenario, Step, Timeline
from subcommerce.subscriptions import Tenant

__all__ = ["SCHEMA_KINDS", "schema"]

_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_ID: Final = "https://subcommerce.invalid/schema/{kind}.json"

#: The kinds of document that have a schema, and the value each one is.
SCHEMA_KINDS: Final[dict[str, Any]] = {
    "catalog": Catalog,
    "scenario": Scenario,
    "tenant": Tenant,
    "command": Step,
    "quote": Quote,
    "ledger": Ledger,
    "timeline": Timeline,
}

_DECIMAL_TEXT: Final = {
    "type": "string",
    "pattern": r"^-?[0-9]+(\.[0-9]+)?(E[+-][0-9]+)?$",
    "maxLength": MAX_NUMBER_LENGTH,
}
_LEAVES: Final[dict[Any, dict[str, Any]]] = {
    str: {"type": "string", "maxLength": MAX_STRING_LENGTH},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    # Written as a string; a JSON or TOML number is read too, as an exact decimal.
    Decimal: {"anyOf": [_DECIMAL_TEXT, {"type": "number"}]},
    date: {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    Fraction: {"type": "string", "pattern": r"^-?[0-9]+(/[1-9][0-9]*)?$"},
    type(None): {"type": "null"},
}


class _Generator:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}"}

    def of(self, type_: Any) -> dict[str, Any]:
        if type_ in _LEAVES:
            return dict(_LEAVES[type_])
        if type_ in TAGGED_UNIONS:
            return self.union(type_)
        if type_ in _SPECIAL:
            name = type_.__name__
            if name not in self.defs:
                self.defs[name] = {}  # placed first: a special may refer back to itself
                self.defs[name] = _SPECIAL[type_](self)
            return self.ref(name)
        if isinstance(type_, type) and issubclass(type_, enum.Enum):
            name = type_.__name__
            self.defs.setdefault(name, {"enum": [m.value for m in type_]})
            return self.ref(name)
        if isinstance(type_, type) and attrs.has(type_):
            return self.cls(type_)
        if type_ is Any:
            return {}
        origin, args = typing.get_origin(type_), typing.get_args(type_)
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (dict, collections.abc.Mapping):
            return {"type": "object", "additionalProperties": self.of(args[1])}
        if origin in (typing.Union, types.UnionType):
            return {"anyOf": [self.of(arg) for arg in args]}
        if origin in (tuple, frozenset, list, set):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                items = [self.of(arg) for arg in args]
                return {
                    "type": "array",
                    "prefixItems": items,
                    "items": False,
                    "minItems": len(items),
                }
            array: dict[str, Any] = {"type": "array", "items": self.of(args[0])}
            if origin in (frozenset, set):
                array["uniqueItems"] = True
            return array
        raise TypeError(f"no schema for {type_!r}")  # pragma: no cover - a new kind of field

    def union(self, union: Any) -> dict[str, Any]:
        name = type_name(union)
        if name not in self.defs:
            self.defs[name] = {}
            members = typing.get_args(union)
            self.defs[name] = {
                "description": f"One of {len(members)} kinds, told apart by the 'type' tag.",
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"enum": [tag_of(m) for m in members]}},
                "oneOf": [self.of(member) for member in members],
            }
        return self.ref(name)

    def cls(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name in self.defs:
            return self.ref(name)
        self.defs[name] = {}
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required = []
        tag = tag_of(cls)
        if tag is not None:
            properties["type"] = {"const": tag}
        for field in attrs.fields(cls):
            if not field.init:
                continue
            properties[field.alias] = self.of(hints[field.name])
            if field.default is attrs.NOTHING:
                required.append(field.alias)
        body: dict[str, Any] = {"title": name}
        doc = inspect.getdoc(cls)
        if doc:
            body["description"] = doc.split("\n\n", 1)[0].replace("\n", " ")
        body |= {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
        self.defs[name] = body
        return self.ref(name)


def _currency(gen: _Generator) -> dict[str, Any]:
    return {
        "description": "An ISO 4217 code, or a currency built by hand with its exponent.",
        "anyOf": [
            {"type": "string", "pattern": "^[A-Z]{3}$"},
            {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "exponent": {"type": "integer", "minimum": 0},
                },
                "required": ["code", "exponent"],
                "additionalProperties": False,
            },
        ],
    }


def _money(gen: _Generator) -> dict[str, Any]:
    return {
        "description": "An exact amount in a currency; the amount is a decimal string.",
        "type": "object",
        "properties": {"amount": gen.of(Decimal), "currency": gen.of(Currency)},
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }


def _prices(gen: _Generator) -> dict[str, Any]:
    return {
        "description": 'A table of currency code to amount, such as {"USD": "6.00"}.',
        "type": "object",
        "propertyNames": {"pattern": "^[A-Z]{3}$"},
        "additionalProperties": gen.of(Decimal),
    }


def _cart(gen: _Generator) -> dict[str, Any]:
    lines = {"type": "array", "items": gen.of(CartLine)}
    return {
        "description": 'The lines of a cart (a table {"lines": [...]} is read too).',
        "anyOf": [
            lines,
            {
                "type": "object",
                "properties": {"lines": lines},
                "required": ["lines"],
                "additionalProperties": False,
            },
        ],
    }


def _convention(gen: _Generator) -> dict[str, Any]:
    fields = _Generator()  # the table of a convention's own fields, in a generator of its own
    fields.cls(ProrationConvention)
    table = fields.defs.pop("ProrationConvention")
    gen.defs.update(fields.defs)  # its enums (DayCount, RoundingMode, RebillMethod)
    gen.defs["ProrationConventionFields"] = table
    return {
        "description": "A proration convention: a preset's name, or a table of its fields.",
        "anyOf": [{"enum": list(PRESETS)}, gen.ref("ProrationConventionFields")],
    }


_SPECIAL: Final[dict[type, Any]] = {
    ProrationConvention: _convention,
    Currency: _currency,
    Money: _money,
    Prices: _prices,
    Cart: _cart,
}


@functools.cache
def _schema(kind: str) -> dict[str, Any]:
    gen = _Generator()
    root = gen.of(SCHEMA_KINDS[kind])
    return {
        "$schema": _DIALECT,
        "$id": _ID.format(kind=kind),
        "title": f"subcommerce {kind}",
        **root,
        "$defs": dict(sorted(gen.defs.items())),
    }


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a kind of document, as plain data (a fresh copy).

    ``kind`` is one of :data:`SCHEMA_KINDS`: ``catalog``, ``scenario``, ``tenant``,
    ``command``, ``quote``, ``ledger``, ``timeline``.

    >>> schema("command")["$defs"]["Step"]["required"]
    ['type']
    """
    if not isinstance(kind, str) or kind not in SCHEMA_KINDS:
        raise UnknownReference(
            f"no schema for {kind!r}; expected one of {', '.join(map(repr, SCHEMA_KINDS))}"
        )
    import copy

    return copy.deepcopy(_schema(kind))
