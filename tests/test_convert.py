"""The converter at the edge: values to plain data and back, exactly, with no float anywhere."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import (
    billing_periods_of_a_month_or_year,
    conventions,
    currencies,
    money,
    periods,
    quantities,
    sub_periods,
    unit_prices,
)
from subcommerce._convert import from_data, to_data
from subcommerce.errors import ConversionError
from subcommerce.money import Currency, Money
from subcommerce.periods import Period
from subcommerce.proration import (
    Adjustment,
    ProratedLine,
    ProrationConvention,
    credit_and_rebill,
    prorate,
    refund_unused,
)

PLAIN_LEAVES = (str, int, bool, type(None))


def assert_plain(data: Any, path: str = "$") -> None:
    """``data`` holds only dicts with string keys, lists, and exactly str/int/bool/None leaves."""
    if type(data) is dict:
        for key, value in data.items():
            assert type(key) is str, f"{path}: key {key!r}"
            assert_plain(value, f"{path}.{key}")
    elif type(data) is list:
        for index, value in enumerate(data):
            assert_plain(value, f"{path}[{index}]")
    else:
        assert type(data) in PLAIN_LEAVES, f"{path}: {type(data).__name__} {data!r}"


def no_floats(text: str) -> Any:
    def refuse(number: str) -> Any:
        raise AssertionError(f"a float {number} in {text}")

    return json.loads(text, parse_float=refuse)


def round_trip(value: Any, cls: type) -> Any:
    """To plain data, through JSON text, and back; checks the plain data on the way."""
    data = to_data(value)
    assert_plain(data)
    text = json.dumps(data, sort_keys=True)
    back = from_data(no_floats(text), cls)
    assert back == value
    assert to_data(back) == data  # same digits, not only an equal value
    return back


# -- examples -----------------------------------------------------------------------------------


def test_money_becomes_an_amount_string_and_a_currency_code() -> None:
    assert to_data(Money.of("36.00", "USD")) == {"amount": "36.00", "currency": "USD"}
    assert to_data(Money.of("5", "JPY")) == {"amount": "5", "currency": "JPY"}
    assert to_data(Money.of("1.500", "KWD")) == {"amount": "1.500", "currency": "KWD"}


def test_a_known_currency_is_its_code_and_a_user_built_one_carries_its_exponent() -> None:
    assert to_data(Currency.of("JPY")) == "JPY"
    assert to_data(Currency("XTS", 3)) == {"code": "XTS", "exponent": 3}
    assert from_data({"code": "XTS", "exponent": 3}, Currency) == Currency("XTS", 3)


def test_a_period_becomes_two_iso_dates() -> None:
    period = Period(date(2024, 2, 29), date(2025, 2, 28))
    assert to_data(period) == {"start": "2024-02-29", "end": "2025-02-28"}


def test_trailing_zeros_survive_the_round_trip() -> None:
    back = from_data({"amount": "36.00", "currency": "USD"}, Money)
    assert str(back.amount) == "36.00"


def test_a_line_and_an_adjustment_carry_their_kind_and_convention_as_plain_strings() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    line = prorate(Money.of("36.00", "USD"), 100, january)
    data = to_data(credit_and_rebill(line, date(2025, 1, 15), 105))
    assert data["credit"]["kind"] == "credit"
    assert type(data["credit"]["kind"]) is str
    assert data["credit"]["amount"] == {"amount": "-3600.00", "currency": "USD"}
    assert data["rebills"][1]["convention"]["mode"] == "half_even"
    assert data["change_date"] == "2025-01-15"


def test_a_float_amount_is_refused_naming_it() -> None:
    with pytest.raises(ConversionError, match=r"1\.5 is a float") as caught:
        from_data({"amount": 1.5, "currency": "USD"}, Money)
    assert isinstance(caught.value, ValueError)


def test_a_float_deep_inside_a_line_is_refused_with_its_path() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    data = to_data(prorate(Money.of("36.00", "USD"), 1, january))
    data["unit_price"]["amount"] = 36.0
    with pytest.raises(ConversionError, match=r"ProratedLine\.unit_price\.amount: .*float"):
        from_data(data, ProratedLine)


def test_an_unknown_currency_code_is_refused_naming_it() -> None:
    with pytest.raises(ConversionError, match="'XYZ'"):
        from_data({"amount": "1.00", "currency": "XYZ"}, Money)


def test_a_period_that_ends_before_it_starts_is_refused_naming_both_dates() -> None:
    with pytest.raises(ConversionError) as caught:
        from_data({"start": "2025-02-01", "end": "2025-01-01"}, Period)
    assert "2025-01-01" in str(caught.value)
    assert "2025-02-01" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "culprit"),
    [
        ({"start": "2025-13-01", "end": "2025-02-01"}, "'2025-13-01'"),
        ({"start": 20250101, "end": "2025-02-01"}, "20250101"),
        ({"start": "2025-01-01"}, "Period.end"),
        ({"start": "2025-01-01", "end": "2025-02-01", "days": 31}, "days"),
    ],
)
def test_bad_period_data_is_refused_naming_the_culprit(data: Any, culprit: str) -> None:
    with pytest.raises(ConversionError) as caught:
        from_data(data, Period)
    assert culprit in str(caught.value)


def test_a_datetime_is_not_a_date_even_in_plain_data() -> None:
    with pytest.raises(ConversionError, match="datetime"):
        from_data(datetime(2025, 1, 1, 12), date)
    with pytest.raises(ConversionError, match="datetime"):
        from_data(datetime(2025, 1, 1, 12), datetime)


def test_money_data_must_have_exactly_an_amount_and_a_currency() -> None:
    with pytest.raises(ConversionError, match="amount"):
        from_data({"amount": "1.00"}, Money)
    with pytest.raises(ConversionError, match="amount"):
        from_data("1.00 USD", Money)


def test_a_line_whose_span_is_outside_its_period_is_refused() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    data = to_data(prorate(Money.of("36.00", "USD"), 1, january))
    data["span"] = {"start": "2025-01-15", "end": "2025-02-15"}
    with pytest.raises(ConversionError, match=r"2025-01-15\.\.2025-02-15"):
        from_data(data, ProratedLine)


# -- property (e) -------------------------------------------------------------------------------


@given(value=money(extra_places=4))
def test_money_round_trips_exactly_as_strings(value: Money) -> None:
    """Property (e): any amount in any currency, with its own number of decimals."""
    back = round_trip(value, Money)
    assert str(back.amount) == str(value.amount)
    assert isinstance(to_data(value)["amount"], str)


@given(value=currencies())
def test_currencies_round_trip_exactly(value: Currency) -> None:
    """Property (e): ISO currencies and user-built ones with any exponent."""
    back = round_trip(value, Currency)
    assert back.exponent == value.exponent


@given(value=periods())
def test_periods_round_trip_exactly_as_iso_dates(value: Period) -> None:
    """Property (e), any period from 1900 to 2200, month ends and Feb 29 included."""
    round_trip(value, Period)
    assert to_data(value)["start"] == value.start.isoformat()


@given(value=conventions())
def test_conventions_round_trip_exactly(value: ProrationConvention) -> None:
    round_trip(value, ProrationConvention)


@given(
    price=unit_prices(),
    quantity=quantities(),
    new_quantity=quantities(),
    period=billing_periods_of_a_month_or_year(),
    convention=conventions(),
    data=st.data(),
)
def test_lines_and_adjustments_round_trip_exactly(
    price: Money,
    quantity: int,
    new_quantity: int,
    period: Period,
    convention: ProrationConvention,
    data: st.DataObject,
) -> None:
    """Property (e): prorated lines (charges, credits, rebills, refunds) and adjustments, under
    every convention, come back equal, and so does everything they explain (exact value, daily
    rate, per-license amount).
    """
    span = data.draw(sub_periods(period))
    line = prorate(price, quantity, period, span.start, span.end, convention=convention)
    back = round_trip(line, ProratedLine)
    assert (back.exact, back.daily_rate, back.unit_amount) == (
        line.exact,
        line.daily_rate,
        line.unit_amount,
    )
    change = date.fromordinal(
        data.draw(st.integers(span.start.toordinal(), span.end.toordinal() - 1))
    )
    round_trip(credit_and_rebill(line, change, new_quantity), Adjustment)
    round_trip(refund_unused(line, change), ProratedLine)


def test_decimals_are_strings_in_the_data_never_floats() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    line = prorate(Money.of("0.1", "USD"), 3, january)
    text = json.dumps(to_data(line))
    assert '"0.1"' in text
    no_floats(text)
    assert isinstance(from_data({"amount": "0.1", "currency": "USD"}, Money).amount, Decimal)
