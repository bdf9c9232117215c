"""Errors: one base, domain names that also inherit the fitting builtin, messages that name the
culprit, and refusals as data (reason codes with English and French messages).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from subcommerce import errors
from subcommerce.errors import (
    CatalogInvalid,
    CurrencyMismatch,
    DateOutsidePeriod,
    InexactAmount,
    InvalidAmount,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
    MoneyArithmeticError,
    Reason,
    ReasonCode,
    Refused,
    SubcommerceError,
    UnknownCurrency,
    UnknownReference,
)
from subcommerce.money import Money, allocate
from subcommerce.periods import Period, billing_periods, period_containing
from subcommerce.proration import credit_and_rebill, prorate, refund_unused, split

JANUARY = Period(date(2025, 1, 1), date(2025, 2, 1))
PRICE = Money.of("36.00", "USD")
LINE = prorate(PRICE, 2, JANUARY)

ERROR_CLASSES = [
    getattr(errors, name)
    for name in errors.__all__
    if isinstance(getattr(errors, name), type)
    and issubclass(getattr(errors, name), SubcommerceError)
    and getattr(errors, name) is not SubcommerceError
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_error_is_a_subcommerce_error_and_a_builtin_error(cls: type[Exception]) -> None:
    assert issubclass(cls, SubcommerceError)
    builtins = [
        base for base in cls.__mro__ if base.__module__ == "builtins" and base is not object
    ]
    assert any(base not in (Exception, BaseException) for base in builtins), cls


# Each refusal of the foundation: what triggers it, its class, the builtin it must also be, and
# a piece of text that names the culprit.
REFUSALS: list[tuple[str, Callable[[], Any], type[SubcommerceError], type[Exception], str]] = [
    ("float amount", lambda: Money.of(19.99, "USD"), InexactAmount, TypeError, "19.99"),
    ("float factor", lambda: PRICE * 1.5, InexactAmount, TypeError, "1.5"),
    ("float weight", lambda: allocate(PRICE, [1, 0.5]), InexactAmount, TypeError, "0.5"),
    ("not a number", lambda: Money.of("abc", "USD"), InvalidAmount, ValueError, "'abc'"),
    ("unknown currency", lambda: Money.of("1", "XYZ"), UnknownCurrency, LookupError, "'XYZ'"),
    (
        "mixed currencies",
        lambda: PRICE + Money.of("1.00", "EUR"),
        CurrencyMismatch,
        ValueError,
        "EUR",
    ),
    ("money times money", lambda: PRICE * PRICE, MoneyArithmeticError, TypeError, "36.00 USD"),
    (
        "datetime for a date",
        lambda: Period(datetime(2025, 1, 1, 9), date(2025, 2, 1)),
        InvalidDate,
        TypeError,
        "2025, 1, 1, 9",
    ),
    (
        "datetime as a change date",
        lambda: credit_and_rebill(LINE, datetime(2025, 1, 15, 9), 3),
        InvalidDate,
        TypeError,
        "change date",
    ),
    ("zero quantity", lambda: prorate(PRICE, 0, JANUARY), InvalidQuantity, ValueError, "0"),
    ("negative quantity", lambda: prorate(PRICE, -3, JANUARY), InvalidQuantity, ValueError, "-3"),
    (
        "fractional quantity",
        lambda: prorate(PRICE, 2.5, JANUARY),
        InvalidQuantity,
        ValueError,
        "2.5",
    ),
    (
        "zero new quantity",
        lambda: credit_and_rebill(LINE, date(2025, 1, 15), 0),
        InvalidQuantity,
        ValueError,
        "new quantity",
    ),
    (
        "end before start",
        lambda: Period(date(2025, 3, 1), date(2025, 2, 1)),
        InvalidPeriod,
        ValueError,
        "2025-02-01",
    ),
    (
        "span end before its start",
        lambda: prorate(PRICE, 1, JANUARY, date(2025, 1, 20), date(2025, 1, 10)),
        InvalidPeriod,
        ValueError,
        "2025-01-10",
    ),
    (
        "change date after its period",
        lambda: credit_and_rebill(LINE, date(2025, 2, 1), 3),
        DateOutsidePeriod,
        ValueError,
        "2025-02-01",
    ),
    (
        "change date before its period",
        lambda: credit_and_rebill(LINE, date(2024, 12, 31), 3),
        DateOutsidePeriod,
        ValueError,
        "2024-12-31",
    ),
    (
        "refund date outside its period",
        lambda: refund_unused(LINE, date(2025, 3, 1)),
        DateOutsidePeriod,
        ValueError,
        "2025-03-01",
    ),
    (
        "start outside the period",
        lambda: prorate(PRICE, 1, JANUARY, start=date(2025, 2, 5)),
        DateOutsidePeriod,
        ValueError,
        "2025-02-05",
    ),
    (
        "cut outside the period",
        lambda: split(PRICE, 1, JANUARY, [date(2025, 2, 10)]),
        DateOutsidePeriod,
        ValueError,
        "2025-02-10",
    ),
    (
        "negative unit price",
        lambda: prorate(Money.of("-1.00", "USD"), 1, JANUARY),
        InvalidAmount,
        ValueError,
        "-1.00 USD",
    ),
    (
        "months per period",
        lambda: period_containing(date(2025, 1, 1), 0, date(2025, 1, 5)),
        InvalidQuantity,
        ValueError,
        "0",
    ),
    (
        "unknown frequency",
        lambda: billing_periods(date(2025, 1, 1), "P1Y", "fortnightly"),  # type: ignore[arg-type]
        InvalidPeriod,
        ValueError,
        "'fortnightly'",
    ),
]


@pytest.mark.parametrize(
    ("trigger", "error", "builtin", "culprit"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_each_refusal_has_its_domain_error_its_builtin_and_names_the_culprit(
    trigger: Callable[[], Any],
    error: type[SubcommerceError],
    builtin: type[Exception],
    culprit: str,
) -> None:
    with pytest.raises(error) as caught:
        trigger()
    assert isinstance(caught.value, SubcommerceError)
    assert isinstance(caught.value, builtin)
    assert culprit in str(caught.value)


def test_callers_that_know_only_builtins_can_still_catch_refusals() -> None:
    with pytest.raises(ValueError, match="EUR"):
        _ = PRICE + Money.of("1.00", "EUR")
    with pytest.raises(TypeError):
        Money.of(0.1, "USD")
    with pytest.raises(LookupError):
        Money.of("1", "XYZ")


# -- reasons: refusals as data ------------------------------------------------------------------


# Every code's messages, in every language and shape: tests/test_reasons.py.


def test_a_reason_code_is_a_stable_string() -> None:
    assert ReasonCode.TRIAL == "trial"
    assert Reason(ReasonCode.TRIAL, subscription="s1").message() == (
        "Subscription s1 is a trial; buy it before changing its licenses"
    )


def test_an_unknown_language_is_refused_naming_it() -> None:
    with pytest.raises(UnknownReference, match="'xx'") as caught:
        Reason(ReasonCode.TRIAL, subscription="x").message("xx")
    assert isinstance(caught.value, LookupError)


def test_refused_carries_its_reasons_and_joins_their_messages() -> None:
    reasons = [
        Reason(ReasonCode.TRIAL, subscription="basic"),
        Reason(ReasonCode.NOT_ACTIVE, subscription="e3", status="expired"),
    ]
    error = Refused(reasons)
    assert isinstance(error, ValueError)
    assert error.codes == (ReasonCode.TRIAL, ReasonCode.NOT_ACTIVE)
    assert error.reasons == tuple(reasons)
    assert str(error) == (
        "Subscription basic is a trial; buy it before changing its licenses; "
        "Subscription e3 is not active (expired)"
    )
    assert str(Refused([])) == "refused"


def test_catalog_invalid_lists_every_problem() -> None:
    error = CatalogInvalid(["plans[0].id: missing", "addons[2].prices: no USD"])
    assert error.problems == ("plans[0].id: missing", "addons[2].prices: no USD")
    assert str(error).startswith("catalog has 2 problems:")
    assert "- addons[2].prices: no USD" in str(error)
    assert str(CatalogInvalid(["x"])).startswith("catalog has 1 problem:")
