"""The edge for text: TOML and JSON documents to plain data and back, bounded and strict.

A document is text (``str``) or UTF-8 bytes of at most :data:`MAX_TEXT_LENGTH` characters. Bytes
that are not UTF-8, text too long, a JSON number that is not finite (``NaN``, ``Infinity``), a
key given twice, an int too long to read, or nesting deeper than the parser can follow are each
one :class:`~subcommerce.errors.ConversionError`, quickly; what parses is then measured and built
by the converter (:mod:`subcommerce._convert`), which refuses the rest.

JSON text is written in the declared order of each value's fields (a tagged value's ``"type"``
first), with no spaces, and non-ASCII characters as they are: the same value always gives the
same text.
"""

from __future__ import annotations

import json
import typing
from decimal import Decimal
from typing import Any, Final, TypeVar

from subcommerce._convert import MAX_DEPTH, from_data, to_data, type_name
from subcommerce.errors import ConversionError, InvalidArgument, UnknownReference

__all__ = ["FORMATS", "MAX_TEXT_LENGTH", "decode", "from_json", "parse_document", "to_json"]

T = TypeVar("T")

#: The longest document read, in characters (8 MiB): a year's timeline is well under 1 MiB.
MAX_TEXT_LENGTH: Final = 8 * 1024 * 1024
#: The formats a document may be written in.
FORMATS: Final = ("toml", "json")


def decode(source: str | bytes, what: str) -> str:
    """``source`` as text: bytes must be UTF-8 (a leading byte-order mark is dropped)."""
    if isinstance(source, bytes | bytearray):
        if len(source) > 4 * MAX_TEXT_LENGTH:
            raise ConversionError(f"{what}: {len(source):,} bytes, more than a document may hold")
        try:
            text = bytes(source).decode("utf-8")
        except UnicodeDecodeError as error:
            bad = source[error.start : error.start + 1].hex()
            raise ConversionError(
                f"{what}: not UTF-8 text (byte 0x{bad} at offset {error.start})"
            ) from None
    elif isinstance(source, str):
        text = source
    else:
        raise ConversionError(
            f"{what}: a document is text or UTF-8 bytes, not {type(source).__name__}"
        )
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_TEXT_LENGTH:
        raise ConversionError(
            f"{what}: {len(text):,} characters, more than the {MAX_TEXT_LENGTH:,} allowed"
        )
    return text


def _refuse_constant(name: str) -> Any:
    raise ConversionError(f"{name} is not a number subcommerce reads (not finite)")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise ConversionError(f"the key {key!r} is given twice")
        table[key] = value
    return table


def _check_toml_keys(text: str, what: str) -> None:
    """Refuse dotted keys deeper than a document may nest, before the parser sees them.

    The parser takes time and memory that grow with the square of a dotted key's length
    (``a.a.a...`` 100,000 long would need gigabytes).
    """
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count(".") > MAX_DEPTH and line.partition("=")[0].count(".") > MAX_DEPTH:
            raise ConversionError(
                f"{what}: line {number}: a key nested deeper than {MAX_DEPTH} levels"
            )


def parse_document(source: str | bytes, fmt: str, what: str) -> Any:
    """The plain data of a TOML or JSON document; numbers with a point become Decimals.

    ``what`` names the document in messages ("catalog", "scenario", "Tenant").
    """
    if fmt not in FORMATS:
        raise UnknownReference(f"unknown format {fmt!r}; expected 'toml' or 'json'")
    text = decode(source, what)
    if fmt == "toml":
        _check_toml_keys(text, what)
    try:
        if fmt == "toml":
            import tomllib

            return tomllib.loads(text, parse_float=Decimal)
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_refuse_duplicates,
        )
    except ConversionError as error:
        raise ConversionError(f"{what}: not valid JSON: {error}") from None
    except RecursionError:
        raise ConversionError(f"{what}: the document is nested too deep to read") from None
    except ValueError as error:  # TOMLDecodeError, JSONDecodeError, an int too long to read
        name = "TOML" if fmt == "toml" else "JSON"
        raise ConversionError(f"{what}: not valid {name}: {error}") from None


def to_json(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text: :func:`~subcommerce.to_data`, written deterministically.

    Fields come in their declared order (a tag first), amounts as strings; ``indent`` pretty-
    prints. The same value always gives the same text.

    >>> from subcommerce import Money
    >>> to_json(Money.of("36.00", "USD"))
    '{"amount":"36.00","currency":"USD"}'
    """
    if indent is not None and (indent.__class__ is not int or not 0 <= indent <= 16):
        raise InvalidArgument(f"indent must be None or a whole number from 0 to 16, got {indent!r}")
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(to_data(value), ensure_ascii=False, indent=indent, separators=separators)


@typing.overload
def from_json(text: str | bytes, cls: type[T]) -> T: ...


@typing.overload
def from_json(text: str | bytes, cls: Any) -> Any: ...  # a union such as Step


def from_json(text: str | bytes, cls: Any) -> Any:
    """A ``cls`` from JSON text (or UTF-8 bytes): :func:`~subcommerce.from_data` of the parse.

    Raises :class:`~subcommerce.errors.ConversionError` (a ValueError) naming every culprit.

    >>> from subcommerce import Money
    >>> from_json('{"amount": "36.00", "currency": "USD"}', Money)
    Money('36.00', 'USD')
    """
    try:
        name = type_name(cls)
    except TypeError:  # a list or a dict names no class: from_data says so
        name = "document"
    return from_data(parse_document(text, "json", name), cls)
