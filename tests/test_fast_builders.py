"""The engine's fast builders give the very values the checked constructors give.

Periods, Money and prorated lines on the hot path are built by filling a writable twin of their
slots (``PeriodSlots``, ``MoneySlots``, ``LineSlots``) and retyping it. These tests hold that the
result is the public type itself, frozen, equal (with the same hash and repr) to the value the
validated constructor builds from the same fields, and that it copies, pickles and weak-refs
like one. The month arithmetic of ``period_containing`` and ``locate`` (now inline) is checked
against dateutil's relativedelta, the independent reference, for every anchor day and step.
"""

from __future__ import annotations

import calendar
import copy
import pickle
import weakref
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given
from hypothesis import strategies as st

from subcommerce.money import (
    Money,
    RoundingMode,
    currency,
    money_from_units,
    money_unchecked,
    round_ratio,
    sum_in_units,
)
from subcommerce.periods import Period, locate, period_containing, period_unchecked
from subcommerce.proration import EXACT, LineKind, ProratedLine, prorate

supported_days = st.dates(date(1900, 1, 1), date(2999, 12, 31))
late_anchors = st.builds(
    lambda year, month, day: date(year, month, min(day, calendar.monthrange(year, month)[1])),
    st.integers(1900, 2999),
    st.integers(1, 12),
    st.integers(25, 31),
)
CODES = ("JPY", "USD", "KWD", "CLF")


def _reference_period(anchor: date, months: int, when: date) -> tuple[int, date, date]:
    """The k with anchor + k n months <= when < anchor + (k + 1) n months, by relativedelta."""
    k = ((when.year - anchor.year) * 12 + when.month - anchor.month) // months + 1
    while anchor + relativedelta(months=k * months) > when:
        k -= 1
    return (
        k,
        anchor + relativedelta(months=k * months),
        anchor + relativedelta(months=(k + 1) * months),
    )


@given(
    anchor=st.one_of(supported_days, late_anchors),
    months=st.sampled_from([1, 2, 3, 5, 6, 7, 12, 24, 36, 120]),
    when=supported_days,
)
@example(anchor=date(2024, 1, 31), months=1, when=date(2026, 3, 15))
@example(anchor=date(2024, 1, 31), months=1, when=date(2026, 2, 28))
@example(anchor=date(2024, 1, 31), months=1, when=date(2026, 2, 27))
@example(anchor=date(2024, 2, 29), months=12, when=date(2025, 2, 28))
@example(anchor=date(2024, 2, 29), months=12, when=date(2028, 2, 28))
@example(anchor=date(2024, 5, 30), months=1, when=date(2025, 2, 28))
@example(anchor=date(2999, 12, 31), months=120, when=date(1900, 1, 1))
def test_the_period_holding_a_day_is_the_one_relativedelta_counts_from_the_anchor(
    anchor: date, months: int, when: date
) -> None:
    """For any anchor (late days above all), step and day, before or after the anchor."""
    k, start, end = _reference_period(anchor, months, when)
    period = period_containing(anchor, months, when)
    assert type(period) is Period
    assert (period.start, period.end) == (start, end)
    assert locate(anchor, months, when) == (k, start, end)


@given(start=supported_days, days=st.integers(1, 4000))
def test_a_period_built_unchecked_is_the_period_the_constructor_builds(
    start: date, days: int
) -> None:
    end = start + timedelta(days=days)
    fast, checked = period_unchecked(start, end), Period(start, end)
    assert type(fast) is Period
    assert fast == checked
    assert hash(fast) == hash(checked)
    assert repr(fast) == repr(checked)
    assert pickle.loads(pickle.dumps(fast)) == checked
    assert copy.deepcopy(fast) == checked
    assert weakref.ref(fast)() is fast
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.start = end  # type: ignore[misc]


@given(units=st.integers(-(10**15) + 1, 10**15 - 1), code=st.sampled_from(CODES))
@example(units=0, code="USD")
@example(units=-1, code="JPY")
def test_money_from_units_is_the_decimal_scaled_by_the_minor_unit(units: int, code: str) -> None:
    """Digits and exponent, not just the value: the wire format prints them."""
    cur = currency(code)
    fast = money_from_units(units, cur)
    expected = Decimal(units).scaleb(-cur.exponent)
    assert type(fast) is Money
    assert fast.amount.as_tuple() == expected.as_tuple()
    assert fast == Money(expected, cur)
    assert hash(fast) == hash(Money(expected, cur))
    assert repr(fast) == repr(Money(expected, cur))
    assert str(fast) == str(Money(expected, cur))
    assert fast.minor_units() == units
    assert pickle.loads(pickle.dumps(fast)) == fast
    assert weakref.ref(fast)() is fast
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.amount = Decimal(1)  # type: ignore[misc]


@given(
    a=st.integers(-(10**15), 10**15),
    b=st.integers(-(10**15), 10**15),
    code=st.sampled_from(CODES),
    copied=st.booleans(),
)
def test_sums_and_differences_equal_the_decimal_sums_with_or_without_units(
    a: int, b: int, code: str, copied: bool
) -> None:
    """A copied Money keeps no units: the Decimal path gives the same digits."""
    cur = currency(code)
    left, right = money_from_units(a, cur), money_from_units(b, cur)
    if copied:
        right = copy.copy(right)
    da, db = Decimal(a).scaleb(-cur.exponent), Decimal(b).scaleb(-cur.exponent)
    assert (left + right).amount.as_tuple() == (da + db).as_tuple()
    assert (left - right).amount.as_tuple() == (da - db).as_tuple()
    assert type(left + right) is Money
    total = sum_in_units([left, right], cur)
    if copied:
        assert total is None
    else:
        assert total is not None
        assert total.amount.as_tuple() == (da + db).as_tuple()


def test_a_sum_with_an_equal_currency_object_is_in_the_first_currency() -> None:
    twin = attrs.evolve(currency("USD"))
    assert twin is not currency("USD")
    total = money_from_units(150, currency("USD")) + money_from_units(50, twin)
    assert total == Money.of("2.00", "USD")
    assert total.currency is currency("USD")


def test_money_unchecked_keeps_the_decimal_it_is_given() -> None:
    amount = Decimal("0.1234")
    money = money_unchecked(amount, currency("USD"))
    assert type(money) is Money
    assert money.amount is amount
    assert money == Money.of("0.1234", "USD")


@given(
    numerator=st.integers(-(10**30), 10**30),
    denominator=st.integers(-(10**12), 10**12).filter(bool),
    mode=st.sampled_from(list(RoundingMode)),
)
def test_round_ratio_rounds_as_decimal_quantize_does(
    numerator: int, denominator: int, mode: RoundingMode
) -> None:
    """The reference: Decimal's own rounding of the exact quotient (computed with enough digits
    that it is exact to well past the first decimal, then rounded by the named mode)."""
    from decimal import Context

    exact = Fraction(numerator, denominator)
    context = Context(prec=200)
    quotient = context.divide(Decimal(exact.numerator), Decimal(exact.denominator))
    rounding = {
        RoundingMode.HALF_EVEN: "ROUND_HALF_EVEN",
        RoundingMode.HALF_UP: "ROUND_HALF_UP",
        RoundingMode.HALF_DOWN: "ROUND_HALF_DOWN",
        RoundingMode.DOWN: "ROUND_DOWN",
        RoundingMode.UP: "ROUND_UP",
        RoundingMode.FLOOR: "ROUND_FLOOR",
        RoundingMode.CEILING: "ROUND_CEILING",
    }[mode]
    expected = int(quotient.quantize(Decimal(1), rounding=rounding, context=context))
    assert round_ratio(numerator, denominator, mode) == expected


@given(
    day=st.integers(1, 30),
    quantity=st.integers(1, 10_000),
    cents=st.integers(0, 10**7),
)
def test_a_charge_prorated_on_the_fast_path_is_the_line_the_checked_constructor_builds(
    day: int, quantity: int, cents: int
) -> None:
    """The amount by hand: cents x quantity x days left / 31, half-even, as a Fraction."""
    period = Period(date(2025, 1, 1), date(2025, 2, 1))
    start = date(2025, 1, 1) + timedelta(days=day)
    price = Money.from_minor_units(cents, "USD")
    line = prorate(price, quantity, period, start=start)
    exact = Fraction(cents * quantity * (31 - day), 31)
    whole, rest = divmod(exact.numerator, exact.denominator)
    if 2 * rest > exact.denominator or (2 * rest == exact.denominator and whole % 2):
        whole += 1
    checked = ProratedLine(
        LineKind.CHARGE,
        quantity,
        price,
        period,
        Period(start, period.end),
        Money.from_minor_units(whole, "USD"),
        EXACT,
    )
    assert type(line) is ProratedLine
    assert type(line.span) is Period
    assert line == checked
    assert hash(line) == hash(checked)
    assert repr(line) == repr(checked)
    assert line.amount.amount.as_tuple() == checked.amount.amount.as_tuple()
    assert pickle.loads(pickle.dumps(line)) == checked
    assert weakref.ref(line)() is line
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.quantity = 1  # type: ignore[misc]


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    """The reference, written plainly with Fractions: floor of each exact share, then one more
    unit to the largest remainders, ties to the earlier part; a negative total mirrored."""
    if total < 0:
        return [-part for part in _largest_remainder(-total, weights)]
    shares = [Fraction(total * w, sum(weights)) for w in weights]
    parts = [s.numerator // s.denominator for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@given(
    total=st.integers(-(10**12), 10**12),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(any),
)
@example(total=1, weights=[1, 1])
@example(total=3, weights=[1, 1, 1, 1])
@example(total=-1, weights=[1, 1])
@example(total=7, weights=[0, 3])
def test_allocate_units_hands_out_the_leftover_by_largest_remainder_ties_to_the_earlier(
    total: int, weights: list[int]
) -> None:
    """Two weights (a change's rebills) take their own path; both agree with the reference."""
    from subcommerce.money import allocate_units

    parts = allocate_units(total, weights)
    assert parts == _largest_remainder(total, weights)
    assert sum(parts) == total


@given(
    cents=st.integers(0, 10**6),
    old=st.integers(1, 500),
    new=st.integers(1, 500),
    day=st.integers(0, 30),
)
@example(cents=3600, old=100, new=105, day=15)
@example(cents=3600, old=100, new=1, day=0)
def test_a_change_credits_the_charge_and_allocates_the_rebills_as_integers_say(
    cents: int, old: int, new: int, day: int
) -> None:
    """The reference in plain integers: the net is |delta| x price x days left / 31 rounded
    half-even (a decrease capped at the charge), split by quantity x days, largest remainder.
    Every line the change builds is also one the checked constructor accepts."""
    from subcommerce.proration import Adjustment, credit_and_rebill

    period = Period(date(2025, 1, 1), date(2025, 2, 1))
    on = date(2025, 1, 1) + timedelta(days=day)
    price = Money.from_minor_units(cents, "USD")
    original = prorate(price, old, period)
    change = credit_and_rebill(original, on, new)
    assert type(change) is Adjustment
    charged = cents * old
    left = 31 - day
    net = round_ratio(abs(new - old) * cents * left, 31, RoundingMode.HALF_EVEN)
    net = -min(net, charged) if new < old else net
    weights = [old * day, new * left] if day else [new * left]
    rebills = _largest_remainder(charged + net, weights)
    assert [line.amount.minor_units() for line in change.lines] == [-charged, *rebills]
    assert change.net.minor_units() == net
    for line in change.lines:
        rebuilt = ProratedLine(
            line.kind,
            line.quantity,
            line.unit_price,
            line.service_period,
            line.span,
            line.amount,
            line.convention,
            line.note,
        )
        assert rebuilt == line
        assert repr(rebuilt) == repr(line)
    assert Adjustment(change.credit, change.rebills, on, old, new) == change
