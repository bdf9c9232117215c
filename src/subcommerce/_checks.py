"""Checks of what a public function is given, shared by the modules: each raises a typed error.

``expect`` refuses a value of the wrong type with :class:`~subcommerce.errors.InvalidArgument`
(a TypeError) naming what was expected and what came; ``tuple_of`` turns an iterable into a
tuple and refuses strings and non-iterables (a string is not a list of ids: ``"Old"`` must not
become ``("O", "l", "d")``); :class:`Choice` is the base of every public enum, whose lookup
by an unknown value raises :class:`~subcommerce.errors.InvalidChoice` with the values allowed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, TypeVar

from subcommerce.errors import InvalidArgument, InvalidChoice

__all__ = ["Choice", "expect", "tuple_of"]

T = TypeVar("T")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def expect(value: object, kind: type[T], what: str) -> T:
    """``value`` if it is a ``kind``; otherwise an InvalidArgument naming ``what``."""
    if isinstance(value, kind):
        return value
    raise InvalidArgument(
        f"{what} must be a {kind.__name__}, got {type(value).__name__} {_shown(value)}"
    )


def tuple_of(value: Iterable[T], what: str) -> tuple[T, ...]:
    """``value`` as a tuple; a string, bytes or anything not iterable is refused."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidArgument(
            f"{what} must be a sequence, got {type(value).__name__} {_shown(value)}"
        )
    return tuple(value)


class Choice(enum.StrEnum):
    """A StrEnum whose lookup by an unknown value is an InvalidChoice (a ValueError).

    Its members are constants shared by the whole process: a public attribute cannot be set on
    one or deleted from one (an AttributeError, as for a frozen value). A plain enum member has
    a ``__dict__``, so ``BillingFrequency.MONTHLY.months = 1`` would hide the method from every
    caller. Names with an underscore stay the enum machinery's own (``_name_``, ``_value_``).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        raise AttributeError(
            f"{type(self).__name__}.{self.name} is a constant: {name!r} cannot be set"
        )

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            super().__delattr__(name)
            return
        raise AttributeError(
            f"{type(self).__name__}.{self.name} is a constant: {name!r} cannot be deleted"
        )

    @classmethod
    def _missing_(cls, value: object) -> Any:
        known = ", ".join(str(member.value) for member in cls)
        raise InvalidChoice(f"{_shown(value)} is not a {cls.__name__}; expected one of {known}")
