"""Foundation benchmarks: an explained prorated line, ten years of periods, allocation.

Each is compared in the same process with a plain reference written the obvious way: dateutil's
relativedelta for month steps, fractions.Fraction for the exact value, Decimal.quantize for the
rounding, a tuple for the result.
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


def check_line() -> None:
    line = explained_line()
    ref = reference_line()
    assert line.amount.amount == ref[5], (line, ref)  # type: ignore[attr-defined]
    assert line.exact == ref[4]  # type: ignore[attr-defined]


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


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "proration: one explained prorated line",
            explained_line,
            target_us=3.0,
            reference=reference_line,
            reference_name="relativedelta + Fraction + quantize, tuple result",
            check=check_line,
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
            reference=None,
            note="three explained lines (credit, two allocated rebills); no reference",
        ),
    ]
