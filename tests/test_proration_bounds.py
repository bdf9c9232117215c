"""Proration's limits and refusals, each with the message a user reads.

Quantities are 1 to 10,000,000; a convention rounds a daily rate to 0-30 places and each of its
fields is of its type (a day count is one of the named ones); ``prorate`` and friends take a
ProrationConvention (a preset's name is refused with a hint, or turned into the preset by
:func:`proration_convention`); a line built by hand is checked field by field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from subcommerce import (
    EXACT,
    PC_LEGACY_DAILY_RATE_2,
    PC_NCE,
    PRESETS,
    CurrencyMismatch,
    DateOutsidePeriod,
    DayCount,
    InexactAmount,
    InvalidAmount,
    InvalidArgument,
    InvalidPeriod,
    InvalidQuantity,
    LineKind,
    Money,
    Period,
    ProratedLine,
    ProrationConvention,
    RebillMethod,
    RoundingMode,
    UnknownReference,
    check_quantity,
    credit_and_rebill,
    prorate,
    proration_convention,
    refund_unused,
    split,
)
from subcommerce.proration import MAX_QUANTITY, MAX_RATE_PLACES

JANUARY = Period(date(2025, 1, 1), date(2025, 2, 1))
PRICE = Money.of("36.00", "USD")
LINE = prorate(PRICE, 2, JANUARY)


def message(call: Any, error: type[Exception]) -> str:
    with pytest.raises(error) as caught:
        call()
    return str(caught.value)


def test_the_limits_are_ten_million_licenses_and_thirty_places() -> None:
    assert (MAX_QUANTITY, MAX_RATE_PLACES) == (10_000_000, 30)


def test_a_quantity_is_a_whole_number_from_1_to_ten_million() -> None:
    assert check_quantity(1) == 1
    assert check_quantity(MAX_QUANTITY) == MAX_QUANTITY
    assert message(lambda: check_quantity(MAX_QUANTITY + 1), InvalidQuantity) == (
        "quantity 10000001 is above the most supported, 10000000"
    )
    assert message(lambda: check_quantity(0, "licenses"), InvalidQuantity) == (
        "licenses must be at least 1, got 0"
    )
    assert message(lambda: check_quantity(12.9), InvalidQuantity) == (
        "quantity must be a whole number, got 12.9"
    )
    assert message(lambda: check_quantity(True), InvalidQuantity) == (
        "quantity must be a whole number, got True"
    )
    assert prorate(PRICE, MAX_QUANTITY, JANUARY).amount == Money.of("360000000.00", "USD")


def test_a_convention_rounds_a_daily_rate_to_0_to_30_places() -> None:
    assert ProrationConvention("p0", daily_rate_places=0).daily_rate_places == 0
    assert ProrationConvention("p30", daily_rate_places=30).daily_rate_places == 30
    for places in (31, -1, 10**9, 2.0, True):
        assert message(
            lambda p=places: ProrationConvention("x", daily_rate_places=p), InvalidQuantity
        ) == (f"daily_rate_places must be None or a whole number from 0 to 30, got {places!r}")


def test_each_field_of_a_convention_is_of_its_type() -> None:
    assert message(lambda: ProrationConvention("x", day_count="exact"), InvalidArgument) == (
        "convention day_count must be a DayCount (actual, 30-day months), got 'exact'"
    )
    assert message(lambda: ProrationConvention("x", mode="half_up"), InvalidArgument) == (
        "convention mode must be a RoundingMode (half_even, half_up, half_down, down, up, "
        "floor, ceiling), got 'half_up'"
    )
    assert message(lambda: ProrationConvention("x", rebill=None), InvalidArgument) == (
        "convention rebill must be a RebillMethod (allocate, independent), got None"
    )
    assert message(lambda: ProrationConvention(None), InvalidArgument) == (
        "convention name must be a string, got None"
    )
    assert message(lambda: ProrationConvention("x", source=1), InvalidArgument) == (
        "convention source must be a string, got 1"
    )
    assert message(lambda: ProrationConvention("x", round_unit_amount="no"), InvalidArgument) == (
        "convention round_unit_amount must be True or False, got 'no'"
    )
    mine = ProrationConvention(
        "mine", DayCount.THIRTY, RoundingMode.UP, 3, True, RebillMethod.INDEPENDENT, "me"
    )
    assert (mine.day_count, mine.round_unit_amount, mine.source) == (DayCount.THIRTY, True, "me")
    assert not mine.rounds_once
    assert EXACT.rounds_once


def test_prorate_refuses_a_preset_name_with_a_hint_and_anything_else() -> None:
    assert message(lambda: prorate(PRICE, 1, JANUARY, convention="exact"), InvalidArgument) == (
        "convention must be a ProrationConvention such as PRESETS['exact'], got str 'exact'"
    )
    assert message(lambda: split(PRICE, 1, JANUARY, [], convention=None), InvalidArgument) == (
        "convention must be a ProrationConvention, got None"
    )
    assert message(
        lambda: credit_and_rebill(LINE, date(2025, 1, 15), 3, convention=1), InvalidArgument
    ) == ("convention must be a ProrationConvention, got 1")
    assert message(
        lambda: refund_unused(LINE, date(2025, 1, 15), convention="pc-nce"), InvalidArgument
    ) == ("convention must be a ProrationConvention such as PRESETS['pc-nce'], got str 'pc-nce'")
    assert prorate(PRICE, 1, JANUARY, convention=PRESETS["exact"]).amount == PRICE


def test_proration_convention_turns_a_preset_name_into_the_preset() -> None:
    assert proration_convention("pc-nce") is PC_NCE
    assert proration_convention(PC_LEGACY_DAILY_RATE_2) is PC_LEGACY_DAILY_RATE_2
    assert message(lambda: proration_convention("made-up"), UnknownReference) == (
        "unknown convention 'made-up'; expected a ProrationConvention or one of exact, "
        "pc-legacy-annual, pc-legacy-daily-rate-2, pc-legacy-daily-rate-3, "
        "pc-legacy-per-license, pc-nce"
    )
    assert message(lambda: proration_convention(3), InvalidArgument) == (  # type: ignore[arg-type]
        "convention must be a ProrationConvention or a preset name, got 3"
    )


def test_split_refuses_cuts_that_are_not_a_sequence_of_dates() -> None:
    assert message(lambda: split(PRICE, 1, JANUARY, None), InvalidArgument) == (  # type: ignore[arg-type]
        "cuts must be a sequence of dates, got None"
    )
    assert message(lambda: split(PRICE, 1, JANUARY, "2025-01-15"), InvalidArgument) == (  # type: ignore[arg-type]
        "cuts must be a sequence of dates, got '2025-01-15'"
    )
    assert message(lambda: split(PRICE, 1, "January", []), InvalidPeriod) == (  # type: ignore[arg-type]
        "service period must be a Period, got str"
    )
    # 3600 cents by 15:16 days: 1741.9... and 1858.0...; the leftover cent to the first
    pieces = split(PRICE, 1, JANUARY, iter([date(2025, 1, 1), date(2025, 1, 16)]))
    assert [str(p.amount.amount) for p in pieces] == ["17.42", "18.58"]


def test_prorate_names_what_is_wrong_with_its_inputs() -> None:
    assert message(lambda: prorate(36, 1, JANUARY), InexactAmount) == (  # type: ignore[arg-type]
        "unit price must be Money, got int"
    )
    assert message(lambda: prorate(-PRICE, 1, JANUARY), InvalidAmount) == (
        "unit price -36.00 USD is negative"
    )
    assert message(lambda: prorate(PRICE, 1, None), InvalidPeriod) == (  # type: ignore[arg-type]
        "service period must be a Period, got NoneType"
    )
    assert message(
        lambda: prorate(PRICE, 1, JANUARY, date(2025, 1, 20), date(2025, 1, 20)), InvalidPeriod
    ) == ("end 2025-01-20 is not after start 2025-01-20")
    assert prorate(PRICE, 1, JANUARY, end=date(2025, 2, 1)).amount == PRICE
    assert prorate(PRICE, 1, JANUARY, start=date(2025, 1, 1)).span is JANUARY


def test_credits_and_refunds_name_the_date_and_the_span() -> None:
    assert message(lambda: credit_and_rebill(LINE, date(2025, 2, 1), 3), DateOutsidePeriod) == (
        "change date 2025-02-01 is outside the charged span [2025-01-01..2025-02-01)"
    )
    assert message(lambda: refund_unused(LINE, date(2024, 12, 31)), DateOutsidePeriod) == (
        "refund date 2024-12-31 is outside the charged span [2025-01-01..2025-02-01)"
    )
    assert message(lambda: refund_unused(PRICE, date(2025, 1, 2)), InvalidAmount) == (  # type: ignore[arg-type]
        "expected the original ProratedLine, got Money"
    )
    credit = credit_and_rebill(LINE, date(2025, 1, 15), 3).credit
    assert message(lambda: refund_unused(credit, date(2025, 1, 20)), InvalidAmount) == (
        "only a charge or a rebill can be credited, not a credit"
    )
    assert credit.note == "credit of the charge for 2025-01-01..2025-02-01"


def test_exact_text_takes_0_to_30_places() -> None:
    assert LINE.exact_text(0) == "72"
    assert prorate(PRICE, 1, JANUARY, start=date(2025, 1, 2)).exact_text(0) == "34..."
    assert LINE.exact_text(30).startswith("72.000")
    for places in (31, -1, 10**6, 2.0):
        assert message(lambda p=places: LINE.exact_text(p), InvalidQuantity) == (
            f"places must be a whole number from 0 to 30, got {places!r}"
        )


def test_a_line_built_by_hand_is_checked_field_by_field() -> None:
    fields = attrs.asdict(LINE, recurse=False)
    for name, bad, error, text in [
        ("kind", "charge", InvalidArgument, "line kind must be a LineKind, got 'charge'"),
        ("service_period", None, InvalidPeriod, "line service_period must be a Period, got None"),
        ("span", "x", InvalidPeriod, "line span must be a Period, got 'x'"),
        ("amount", 72, InexactAmount, "line amount must be Money, got 72"),
        ("convention", "exact", InvalidArgument, "convention must be a ProrationConvention"),
        ("note", None, InvalidArgument, "line note must be a string, got None"),
        ("quantity", 0, InvalidQuantity, "quantity must be at least 1, got 0"),
        ("unit_price", None, InexactAmount, "unit price must be Money, got NoneType"),
    ]:
        assert message(lambda n=name, b=bad: ProratedLine(**{**fields, n: b}), error).startswith(
            text
        )
    outside = Period(date(2025, 1, 20), date(2025, 2, 5))
    assert message(lambda: ProratedLine(**{**fields, "span": outside}), InvalidPeriod) == (
        "line span 2025-01-20..2025-02-05 is outside its period 2025-01-01..2025-02-01"
    )
    euros = Money.of("72.00", "EUR")
    assert message(lambda: ProratedLine(**{**fields, "amount": euros}), CurrencyMismatch) == (
        "line amount 72.00 EUR is not in the unit price's currency USD"
    )
    assert ProratedLine(**fields) == LINE
    assert ProratedLine(**{**fields, "kind": LineKind.REBILL}).kind is LineKind.REBILL
