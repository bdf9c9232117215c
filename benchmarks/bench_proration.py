"""Foundation benchmarks: an explained prorated line, ten years of periods, allocation.

Each is compared in the same process with a plain reference written the obvious way: dateutil's
relativedelta for month steps, fractions.Fraction for the exact value, Decimal.quantize for the
rounding, a tuple for the result.

The explained line is judged against issue 10's floor instead: the month step as integer
arithmetic on the anchor (no relativedelta), the day fraction as two ints, half-even rounding of
integer minor units by divmod, and a tuple of the figures the explained line carries. It is the
least Python can do for the same answer.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from _harness import Benchmark
from subcommerce import (
    BillingFrequency,
    Money,
    Term,
    allocate,
    billing_periods,
    change_quantity,
    credit_and_rebill,
    period_containing,
    prorate,
)

PRICE = Money.of("36.00", "USD")
ANCHOR = date(2024, 1, 31)
AS_OF = date(2026, 3, 15)
CENT = Decimal("0.01")


def explained_line() -> object:
    """Period lookup + exact fraction + rounding + frozen, explained result."""
    period = period_containing(ANCHOR, 1, AS_OF)
    return prorate(PRICE, 5, period, start=AS_OF)


def reference_line() -> object:
    """The obvious way: relativedelta steps from the anchor, Fraction, quantize, a tuple."""
    k = (AS_OF.year - ANCHOR.year) * 12 + AS_OF.month - ANCHOR.month
    start = ANCHOR + relativedelta(months=k)
    if start > AS_OF:
        k -= 1
        start = ANCHOR + relativedelta(months=k)
    end = ANCHOR + relativedelta(months=k + 1)
    days, period_days = (end - AS_OF).days, (end - start).days
    exact = Fraction(Decimal("36.00")) * 5 * days / period_days
    amount = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        CENT, rounding=ROUND_HALF_EVEN
    )
    return (start, end, days, period_days, exact, amount)


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _floor_add_months(anchor: date, months: int) -> date:
    """anchor + months calendar months, clamped to the month's end, in plain integers."""
    year, month0 = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
    day = anchor.day
    if day > 28:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        last = 29 if month0 == 1 and leap else _DAYS[month0]
        if day > last:
            day = last
    return date(year, month0 + 1, day)


def floor_line(
    anchor: date = ANCHOR, when: date = AS_OF, price_units: int = 3600, quantity: int = 5
) -> tuple[date, date, date, date, int, int, int, int, int]:
    """Issue 10's floor: add_months + integer arithmetic + a tuple.

    The period holding ``when`` counted from ``anchor``, the exact fraction as integers
    (price x quantity x days / period days, in minor units), rounded half-even by divmod, and a
    tuple of what the explained line carries: period start and end, span start and end,
    quantity, unit price, days, period days and the amount (minor units).
    """
    k = (when.year - anchor.year) * 12 + when.month - anchor.month
    start = _floor_add_months(anchor, k)
    if start > when:
        end, start = start, _floor_add_months(anchor, k - 1)
    else:
        end = _floor_add_months(anchor, k + 1)
    days, period_days = (end - when).days, (end - start).days
    units, remainder = divmod(price_units * quantity * days, period_days)
    if 2 * remainder > period_days or (2 * remainder == period_days and units % 2):
        units += 1
    return (start, end, when, end, quantity, price_units, days, period_days, units)


def check_line() -> None:
    line = explained_line()
    ref = reference_line()
    assert line.amount.amount == ref[5], (line, ref)  # type: ignore[attr-defined]
    assert line.exact == ref[4]  # type: ignore[attr-defined]
    floor = floor_line()
    ours = (
        line.service_period.start,  # type: ignore[attr-defined]
        line.service_period.end,  # type: ignore[attr-defined]
        line.span.start,  # type: ignore[attr-defined]
        line.span.end,  # type: ignore[attr-defined]
        line.quantity,  # type: ignore[attr-defined]
        line.unit_price.minor_units(),  # type: ignore[attr-defined]
        line.days,  # type: ignore[attr-defined]
        line.period_days,  # type: ignore[attr-defined]
        line.amount.minor_units(),  # type: ignore[attr-defined]
    )
    assert ours == floor, (ours, floor)
    # The floor agrees with the relativedelta reference on every anchor day and day of a year.
    for anchor in (date(2024, 1, d) for d in (1, 15, 28, 29, 30, 31)):
        for offset in range(0, 800, 7):
            when = date(2024, 3, 1) + relativedelta(days=offset)
            k = (when.year - anchor.year) * 12 + when.month - anchor.month
            for m in (k - 1, k, k + 1):
                assert _floor_add_months(anchor, m) == anchor + relativedelta(months=m)


def ten_years() -> object:
    return list(billing_periods(ANCHOR, Term.P1Y, BillingFrequency.MONTHLY, terms=10))


def reference_ten_years() -> object:
    return [
        (ANCHOR + relativedelta(months=k), ANCHOR + relativedelta(months=k + 1)) for k in range(120)
    ]


def check_ten_years() -> None:
    ours = [(p.start, p.end) for p in ten_years()]  # type: ignore[attr-defined]
    assert ours == reference_ten_years()


THIRTY_SIX = Money.of("36.00", "USD")


def allocate_31() -> object:
    return allocate(THIRTY_SIX, [1] * 31)


def reference_allocate_31() -> object:
    """Largest remainder written plainly with Fractions: exact shares, floor, hand out the rest."""
    total, weights = 3600, [1] * 31
    shares = [Fraction(total * w, sum(weights)) for w in weights]
    parts = [s.numerator // s.denominator for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) / 100 for p in parts]


def check_allocate() -> None:
    ours = [m.amount for m in allocate_31()]  # type: ignore[attr-defined]
    assert sum(ours) == Decimal("36.00")
    assert ours == reference_allocate_31()


ORIGINAL = prorate(PRICE, 100, period_containing(ANCHOR, 1, AS_OF))


def change() -> object:
    return credit_and_rebill(ORIGINAL, AS_OF, 105)


def change_quantity_legacy() -> object:
    """The ledger's way in: the layout's dispatch, then credit-and-rebill."""
    return change_quantity(ORIGINAL, AS_OF, 105)


FLOOR_ORIGINAL = (ORIGINAL.service_period.start, ORIGINAL.service_period.end, 100, 3600, 360000)


def floor_change(
    original: tuple[date, date, int, int, int] = FLOOR_ORIGINAL,
    on: date = AS_OF,
    quantity: int = 105,
) -> tuple[tuple[str, int, date, date, date, date, int], ...]:
    """Issue 10's floor for a change: the same three lines as tuples, in integers.

    The original charge of the whole period (start, end, old quantity, unit price and charge in
    minor units) is credited in full; the old quantity is rebilled to the change and the new one
    from it, allocated by largest remainder (weights: quantity x days) so that the change nets
    to the exact difference rounded half-even once, a decrease never crediting more than the
    charge. Each line: kind, quantity, span start and end, period start and end, minor units.
    """
    start, end, old, price_units, charged = original
    period_days, before, after = (end - start).days, (on - start).days, (end - on).days
    delta = quantity - old
    net, remainder = divmod(abs(delta) * price_units * after, period_days)
    if 2 * remainder > period_days or (2 * remainder == period_days and net % 2):
        net += 1
    net = -min(net, charged) if delta < 0 else net
    total = charged + net
    weights = (old * before, quantity * after)
    weight_sum = weights[0] + weights[1]
    shares = [divmod(total * w, weight_sum) for w in weights]
    parts = [share for share, _ in shares]
    leftover = total - parts[0] - parts[1]
    for _, i in sorted((-r, i) for i, (_, r) in enumerate(shares))[:leftover]:
        parts[i] += 1
    return (
        ("credit", old, start, end, start, end, -charged),
        ("rebill", old, start, on, start, end, parts[0]),
        ("rebill", quantity, on, end, start, end, parts[1]),
    )


def _as_tuples(lines: object) -> tuple[tuple[str, int, date, date, date, date, int], ...]:
    return tuple(
        (
            line.kind.value,
            line.quantity,
            line.span.start,
            line.span.end,
            line.service_period.start,
            line.service_period.end,
            line.amount.minor_units(),
        )
        for line in lines  # type: ignore[attr-defined]
    )


def check_change() -> None:
    ours = change()
    assert _as_tuples(ours.lines) == floor_change(), (ours, floor_change())  # type: ignore[attr-defined]
    assert change_quantity_legacy() == ours
    # By hand: 36.00 x 100 for Feb 28..Mar 31 (31 days) credited; 5 more licenses from Mar 15
    # (16 days) net 5 x 3600 x 16 / 31 = 9290.32... cents, rounded once to 92.90.
    assert ours.net == Money.of("92.90", "USD")  # type: ignore[attr-defined]
    # The floor's allocation agrees with the plain Fraction reference on other changes too.
    for on, quantity in ((date(2026, 3, 1), 1), (date(2026, 3, 30), 7), (AS_OF, 99)):
        floor = floor_change(FLOOR_ORIGINAL, on, quantity)
        ref = credit_and_rebill(ORIGINAL, on, quantity)
        assert _as_tuples(ref.lines) == floor
        total = sum(line[6] for line in floor[1:])
        exact = Fraction(3600 * (100 * (on - ORIGINAL.span.start).days), 31) + Fraction(
            3600 * quantity * (ORIGINAL.span.end - on).days, 31
        )
        assert abs(floor[1][6] + floor[2][6] - exact) <= 1, (total, exact)


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "proration: one explained prorated line",
            explained_line,
            target_us=3.0,
            reference=floor_line,
            reference_name="issue 10's floor: add_months + integer arithmetic + a tuple (1.8x)",
            check=check_line,
        ),
        Benchmark(
            "proration: the same line, beside the obvious reference",
            explained_line,
            target_us=3.0,
            reference=reference_line,
            reference_name="relativedelta + Fraction + quantize, tuple result",
        ),
        Benchmark(
            "periods: ten years of monthly periods",
            ten_years,
            target_us=100.0,
            reference=reference_ten_years,
            reference_name="relativedelta from the anchor, tuples",
            check=check_ten_years,
        ),
        Benchmark(
            "money: 36.00 allocated over 31 days",
            allocate_31,
            target_us=50.0,
            reference=reference_allocate_31,
            reference_name="largest remainder with Fractions, plain Python",
            check=check_allocate,
        ),
        Benchmark(
            "proration: credit-and-rebill of a change",
            change,
            target_us=15.0,
            reference=floor_change,
            reference_name="issue 10's floor: the three lines as tuples of ints, largest remainder",
            check=check_change,
        ),
        Benchmark(
            "proration: the same change through layouts.change_quantity (the ledger's call)",
            change_quantity_legacy,
            target_us=15.0,
            reference=floor_change,
            reference_name="issue 10's floor: the three lines as tuples of ints, largest remainder",
        ),
    ]
