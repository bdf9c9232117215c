"""Proration's limits and refusals, each with the message a user reads.

Quantities are 1 to 10,000,000; a convention rounds a daily rate to 0-30 places and each of its
fields is of its type (a day count is one of the named ones); ``prorate`` and friends take a
ProrationConvention (a preset's name is refused with a hint, or turned into the preset by
:func:`proration_convention`); a line built by hand is checked field by field.
"""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest

from subcommerce import (
    EXACT,
    PC_LEGACY_DAILY_RATE_2,
    PC_LEGACY_PER_LICENSE,
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
        "pc-legacy-per-license, pc-nce, pc-nce-seat-change"
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


# -- every line explains itself, word for word (figures by hand, Microsoft's where quoted) ------


def test_a_daily_rate_line_explains_its_rounded_rate() -> None:
    # 48.00 a year / 365 = 0.1315... -> 0.13; 346 days x 0.13 x 2 = 89.96 (Microsoft's figure)
    year = Period(date(2025, 1, 1), date(2026, 1, 1))
    line = prorate(
        Money.of("48.00", "USD"), 2, year, start=date(2025, 1, 20),
        convention=PC_LEGACY_DAILY_RATE_2,
    )  # fmt: skip
    assert (line.daily_rate, line.unit_amount) == (Decimal("0.13"), None)
    assert line.explain() == (
        "charge: 2 x 48.00 USD x 346/365 days [2025-01-20..2026-01-01 of 2025-01-01..2026-01-01]"
        " (daily rate 0.13) = 91.002739... -> 89.96 USD (pc-legacy-daily-rate-2, half_up)"
    )


def test_a_per_license_line_explains_its_rounded_amount() -> None:
    # (4.00 / 30) x 29 = 3.866... -> 3.87 per license; x 2 = 7.74 (Microsoft's figure)
    month = Period(date(2025, 1, 1), date(2025, 1, 31))
    line = prorate(
        Money.of("4.00", "USD"), 2, month, start=date(2025, 1, 2),
        convention=PC_LEGACY_PER_LICENSE,
    )  # fmt: skip
    assert (line.daily_rate, line.unit_amount) == (None, Decimal("3.87"))
    assert line.explain() == (
        "charge: 2 x 4.00 USD x 29/30 days [2025-01-02..2025-01-31 of 2025-01-01..2025-01-31]"
        " (per license 3.87) = 7.733333... -> 7.74 USD (pc-legacy-per-license, half_up)"
    )


def test_the_rounded_steps_ignore_the_ambient_decimal_context() -> None:
    year = Period(date(2025, 1, 1), date(2026, 1, 1))
    with decimal.localcontext(decimal.Context(prec=1, rounding=decimal.ROUND_FLOOR)):
        line = prorate(
            Money.of("4800.00", "USD"), 2, year, start=date(2025, 1, 20),
            convention=PC_LEGACY_DAILY_RATE_2,
        )  # fmt: skip
        assert line.daily_rate == Decimal("13.15")  # 4800 / 365 = 13.150...
        per_license = prorate(
            Money.of("4000.00", "USD"), 2, Period(date(2025, 1, 1), date(2025, 1, 31)),
            start=date(2025, 1, 2), convention=PC_LEGACY_PER_LICENSE,
        )  # fmt: skip
        assert per_license.unit_amount == Decimal("3866.67")  # 4000 x 29 / 30


def test_a_credit_and_its_rebills_explain_themselves() -> None:
    # 2 -> 3 licenses on Jan 15: net 36.00 x 17/31 = 19.74; 72.00 + 19.74 = 91.74 allocated
    # by 2 x 14 : 3 x 17 days = 32.516... : 59.225... -> 32.52 and 59.22
    adjustment = credit_and_rebill(LINE, date(2025, 1, 15), 3)
    assert adjustment.change_date == date(2025, 1, 15)
    credit, first, second = adjustment.lines
    assert credit.explain() == (
        "credit: -(2 x 36.00 USD x 31/31 days [2025-01-01..2025-02-01 of 2025-01-01..2025-02-01])"
        " = -72.000000 -> -72.00 USD (exact, half_even; credit of the charge for "
        "2025-01-01..2025-02-01)"
    )
    allocated = "allocated so that the change nets to the exact difference rounded once"
    assert (first.note, second.note) == (allocated, allocated)
    assert first.explain() == (
        "rebill: 2 x 36.00 USD x 14/31 days [2025-01-01..2025-01-15 of 2025-01-01..2025-02-01]"
        f" = 32.516129... -> 32.52 USD (exact, half_even; {allocated})"
    )
    assert (second.kind, second.quantity, str(second.amount)) == (LineKind.REBILL, 3, "59.22 USD")
    independent = credit_and_rebill(LINE, date(2025, 1, 15), 3, convention=PC_NCE)
    assert [x.kind for x in independent.rebills] == [LineKind.REBILL, LineKind.REBILL]
    assert independent.rebills[0].note == ""
    assert message(lambda: credit_and_rebill(LINE, date(2025, 1, 15), 0), InvalidQuantity) == (
        "new quantity must be at least 1, got 0"
    )
    assert message(lambda: credit_and_rebill(LINE, "2025-01-15", 3), Exception) == (
        "change date must be a datetime.date, got str '2025-01-15'"
    )


def test_a_refund_explains_what_was_charged_and_used() -> None:
    # used: 2 x 36.00 x 19/31 = 44.129... -> 44.13; refund 72.00 - 44.13 = 27.87
    refund = refund_unused(LINE, date(2025, 1, 20))
    assert (refund.kind, refund.quantity, refund.service_period, refund.convention) == (
        LineKind.REFUND, 2, JANUARY, EXACT,
    )  # fmt: skip
    assert refund.explain() == (
        "refund: -(2 x 36.00 USD x 12/31 days [2025-01-20..2025-02-01 of 2025-01-01..2025-02-01])"
        " = -27.870967... -> -27.87 USD (exact, half_even; 72.00 USD charged minus 44.13 USD used)"
    )
    assert refund.exact_text(2) == "-27.87..."
    # pc-nce: per license 36.00 x 12/31 = 13.935... -> 13.93 (rounded down); x 2 = 27.86
    nce = refund_unused(prorate(PRICE, 2, JANUARY, convention=PC_NCE), date(2025, 1, 20))
    assert str(nce.amount) == "-27.86 USD"
    assert nce.note == "unused days prorated on their own, capped at the 72.00 USD charged"
    assert nce.kind is LineKind.REFUND
    assert message(lambda: refund_unused(LINE, date(2025, 2, 1)), DateOutsidePeriod) == (
        "refund date 2025-02-01 is outside the charged span [2025-01-01..2025-02-01)"
    )
    assert message(lambda: refund_unused(LINE, None), Exception) == (  # type: ignore[arg-type]
        "refund date must be a datetime.date, got NoneType None"
    )


def test_a_zero_credit_is_still_a_credit_and_cannot_be_credited() -> None:
    free = prorate(Money.zero("USD"), 1, JANUARY)
    credit = credit_and_rebill(free, date(2025, 1, 10), 2).credit
    assert (credit.kind, credit.amount.is_negative()) == (LineKind.CREDIT, False)
    assert message(lambda: refund_unused(credit, date(2025, 1, 20)), InvalidAmount) == (
        "only a charge or a rebill can be credited, not a credit"
    )


def test_split_pieces_are_charges_that_say_where_they_come_from() -> None:
    pieces = split(PRICE, 1, JANUARY, [date(2025, 1, 16)])
    assert [p.kind for p in pieces] == [LineKind.CHARGE, LineKind.CHARGE]
    assert pieces[0].note == "share of the full-period 36.00 USD, allocated by days"
    assert message(lambda: split(PRICE, 1, JANUARY, [date(2025, 2, 2)]), DateOutsidePeriod) == (
        "cut 2025-02-02 is outside [2025-01-01..2025-02-01)"
    )


def test_a_span_names_its_start_or_end_when_outside_the_period() -> None:
    assert message(lambda: prorate(PRICE, 1, JANUARY, date(2025, 2, 2)), DateOutsidePeriod) == (
        "start 2025-02-02 is outside [2025-01-01..2025-02-01)"
    )
    assert message(lambda: prorate(PRICE, 1, JANUARY, end=date(2025, 2, 2)), DateOutsidePeriod) == (
        "end 2025-02-02 is outside [2025-01-01..2025-02-01]"
    )
    assert message(lambda: prorate(PRICE, 1, 5), InvalidPeriod) == (  # type: ignore[arg-type]
        "service period must be a Period, got int"
    )


def test_a_line_of_part_of_a_thirty_day_month_counts_its_calendar_days() -> None:
    thirty = ProrationConvention("thirty", day_count=DayCount.THIRTY)
    line = prorate(PRICE, 1, JANUARY, start=date(2025, 1, 20), convention=thirty)
    assert (line.days, line.period_days, line.exact) == (12, 30, Fraction(72, 5))  # 36 x 12/30
    assert line.daily_rate is None
