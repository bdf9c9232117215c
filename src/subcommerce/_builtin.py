"""The embedded catalogs (package data) and reading a catalog from TOML or JSON text.

Two catalogs ship with subcommerce, one file each under ``subcommerce/data/``:

* ``office365-2015``: Office 365 for business as seed 002 gives it, 11 add-ons x 12 plans;
* ``microsoft365``: the current Microsoft 365 business and enterprise plans and add-ons.

:func:`default_catalog` is both of them in one catalog (their ids do not clash). The files are
read through :mod:`importlib.resources`; that is the only input subcommerce takes that a caller
does not hand it, and it is the package's own data.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Final

from subcommerce._checks import expect
from subcommerce._convert import load_catalog
from subcommerce._documents import parse_document
from subcommerce.catalog import Catalog, DisplayName, merge_catalogs
from subcommerce.errors import CatalogInvalid, ConversionError, UnknownReference

__all__ = ["BUILTIN_CATALOGS", "builtin_catalog", "default_catalog", "parse_catalog"]

#: The names of the embedded catalogs, oldest first.
BUILTIN_CATALOGS: Final = ("office365-2015", "microsoft365")


def parse_catalog(text: str | bytes, fmt: str = "toml") -> Catalog:
    """A catalog from TOML or JSON text (or UTF-8 bytes); numbers become Decimals, never floats.

    Raises :class:`~subcommerce.errors.CatalogInvalid` (a ValueError) listing every problem.
    """
    try:
        data = parse_document(text, fmt, "catalog")
    except ConversionError as error:
        raise CatalogInvalid([str(error)]) from None
    return load_catalog(data)


def builtin_text(name: str) -> str:
    """The TOML text of an embedded catalog."""
    if name not in BUILTIN_CATALOGS:
        raise UnknownReference(f"no embedded catalog {name!r}; expected one of {BUILTIN_CATALOGS}")
    return resources.files("subcommerce").joinpath("data", f"{name}.toml").read_text("utf-8")


def builtin_catalog(name: str) -> Catalog:
    """One embedded catalog by name (see :data:`BUILTIN_CATALOGS`); loaded once, immutable."""
    return _builtin(expect(name, str, "catalog name"))


@functools.cache
def _builtin(name: str) -> Catalog:
    return parse_catalog(builtin_text(name))


@functools.cache
def default_catalog() -> Catalog:
    """Every embedded catalog in one: the seed 002 plans and add-ons, and the current ones."""
    return merge_catalogs(
        "default",
        DisplayName(
            "Office 365 (2015-2018, seed 002) and Microsoft 365 (current)",
            "Office 365 (2015-2018, document 002) et Microsoft 365 (actuel)",
        ),
        (builtin_catalog(name) for name in BUILTIN_CATALOGS),
        source="the embedded catalogs " + ", ".join(BUILTIN_CATALOGS),
    )
