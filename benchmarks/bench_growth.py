"""Growth: one tenant with 100 and with 1,000 subscriptions, one year, one license change each.

The work grows with the number of subscriptions (twelve charges and one change each), so the time
should too: the growth exponent ``log(t(1000) / t(100)) / log(10)`` is reported beside the
issue's bound (1.15). The subject is a whole simulation (rules, ledger, invoices); the floor
computes the same invoiced total the obvious way (months by relativedelta, Fraction, quantize).
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from _harness import Benchmark
from subcommerce.billing import (
    BillingAccount,
    BillingAccountType,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import ChangeLicenseQuantity
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Step, Timeline, simulate
from subcommerce.subscriptions import Subscription, Tenant

ADMIN = "admin@contoso.com"
START = date(2025, 1, 1)
END = date(2025, 12, 31)
PRICES = ("36.00", "12.50", "22.00", "7.33", "57.00")
PLANS = tuple(f"plan-{n}" for n in range(len(PRICES)))
CENT = Decimal("0.01")
CATALOG = Catalog(
    "growth",
    DisplayName("Growth", "Croissance"),
    plans=tuple(
        Plan(
            plan,
            DisplayName(plan, plan),
            offers=(Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD=price)),),
        )
        for plan, price in zip(PLANS, PRICES, strict=True)
    ),
)
ACCOUNT = BillingAccount(
    "contoso", BillingAccountType.MOSA, (RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),)
)


def _start(i: int) -> date:
    return date(2024, 12, 1 + i % 28)  # anchors spread over the month: a charge most days


def _quantity(i: int) -> int:
    return 10 + i % 7


def _change(i: int, count: int) -> tuple[date, int]:
    return START + timedelta(days=3 + (i * 355) // count), _quantity(i) + (3 if i % 3 else -2)


def scenario(count: int) -> Scenario:
    """``count`` annual subscriptions billed monthly, then one license change on each."""
    subs = tuple(
        Subscription(
            f"s{i}",
            PLANS[i % 5],
            _start(i),
            _quantity(i),
            term=Term.P1Y,
            payment_method=PaymentMethod.CARD,
        )
        for i in range(count)
    )
    steps: list[Step] = []
    for i in range(count):
        day, quantity = _change(i, count)
        steps.append(
            ChangeLicenseQuantity(
                actor=ADMIN, as_of=day, subscription_id=f"s{i}", quantity=quantity
            )
        )
    return Scenario(
        name=f"growth {count}",
        start=START,
        tenant=Tenant("contoso.com", subs, account=ACCOUNT),
        currency="USD",
        steps=tuple(steps),
        until=END,
        catalog="growth",
    )


def invoiced(timeline: Timeline) -> Decimal:
    return sum((i.total.amount for i in (*timeline.invoices, *timeline.open_invoices)), Decimal())


def reference(count: int) -> Decimal:
    """The invoiced total the obvious way: every period started after START, each change's net."""
    total = Decimal()
    for i in range(count):
        price = Decimal(PRICES[i % 5])
        quantity = _quantity(i)
        day, after = _change(i, count)
        anchor = _start(i)
        k = 0
        while True:
            start, end = anchor + relativedelta(months=k), anchor + relativedelta(months=k + 1)
            if start > END:
                break
            if start > START:  # the period running on START is the opening (billed before)
                total += price * (quantity if start <= day else after)
            if start <= day < end:
                exact = Fraction(price) * (after - quantity) * (end - day).days
                exact /= (end - start).days
                total += (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                    CENT, rounding=ROUND_HALF_EVEN
                )
            k += 1
    return total


def _best(fn: object, rounds: int) -> float:
    best = math.inf
    for _ in range(rounds):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def exponent(small: int, large: int, rounds: int) -> tuple[float, float, float]:
    """The fastest of ``rounds`` whole simulations at each size, and the growth exponent."""
    a, b = scenario(small), scenario(large)
    t_small = _best(lambda: simulate(a, catalog=CATALOG), rounds)
    t_large = _best(lambda: simulate(b, catalog=CATALOG), rounds)
    return t_small, t_large, math.log(t_large / t_small) / math.log(large / small)


def _note(smoke: bool) -> str:
    small, large, rounds = (20, 200, 1) if smoke else (100, 1000, 3)
    t_small, t_large, k = exponent(small, large, rounds)
    return (
        f"{small} subscriptions: {t_small * 1e3:.1f} ms, {large}: {t_large * 1e3:.1f} ms, "
        f"growth exponent {k:.2f} (target at most 1.15)"
    )


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    count = 20 if smoke else 100
    subject = scenario(count)

    def check() -> None:
        timeline = simulate(subject, catalog=CATALOG)
        assert timeline.refused == (), timeline.refused
        assert invoiced(timeline) == reference(count), (invoiced(timeline), reference(count))

    return [
        Benchmark(
            f"growth: one tenant, {count} annual subscriptions, a year, one change each",
            lambda: simulate(subject, catalog=CATALOG),
            target_us=1e9,
            reference=lambda: reference(count),
            reference_name="months by relativedelta, Fraction, quantize, one running total",
            check=check,
            note=_note(smoke),
        )
    ]


if __name__ == "__main__":
    small, large, k = exponent(100, 1000, 3)
    print(f"100: {small * 1e3:.1f} ms, 1000: {large * 1e3:.1f} ms, growth exponent {k:.2f}")
