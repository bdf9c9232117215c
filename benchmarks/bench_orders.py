"""Orders, ledger and invoices: three years of one tenant, and the price review of a 10-line cart.

Each is compared in the same process with a plain reference written the obvious way: a loop over
the months with a dict of quantities, fractions.Fraction for the prorated change, Decimal.quantize
for the rounding, and a dict of invoice totals. The references compute the totals only; the
subject also checks every rule, keeps every entry explained and linked, and builds the invoices.
"""

from __future__ import annotations

import time
from collections import defaultdict
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
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Step, Timeline, simulate
from subcommerce.subscriptions import Tenant

ADMIN = "admin@contoso.com"
START = date(2025, 1, 31)  # a month-end anchor: Feb 28, Mar 31, Apr 30, ...
END = date(2028, 1, 30)  # three years
PRICES = ("36.00", "12.50", "22.00", "7.33", "57.00")
PLANS = tuple(f"plan-{n}" for n in range(len(PRICES)))
CENT = Decimal("0.01")

CATALOG = Catalog(
    "bench",
    DisplayName("Bench", "Banc"),
    plans=tuple(
        Plan(
            plan,
            DisplayName(plan, plan),
            offers=tuple(
                Offer(term, BillingFrequency.MONTHLY, Prices.of(USD=price))
                for term in (Term.P1M, Term.P1Y)
            ),
        )
        for plan, price in zip(PLANS, PRICES, strict=True)
    ),
)
ACCOUNT = BillingAccount(
    "contoso", BillingAccountType.MOSA, (RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),)
)
TENANT = Tenant("contoso.com", account=ACCOUNT)
BASE = (10, 25, 40, 5, 100)


def _changes() -> list[tuple[date, int, int]]:
    """50 license changes (day, subscription index, new total), up and down, over three years."""
    changes = []
    quantities = list(BASE)
    for k in range(50):
        day = START + relativedelta(days=7 + 21 * k)
        sub = k % 5
        quantity = quantities[sub] + (3 if k % 3 else -2)
        quantities[sub] = quantity
        changes.append((day, sub, quantity))
    return changes


CHANGES = _changes()
SUBS = tuple(f"s{n}" for n in range(5))


def _scenario(term: Term) -> Scenario:
    """Five subscriptions on ``term`` billed monthly (P1Y: an annual commitment paid monthly,
    three renewals; P1M: month to month, a renewal every month), then the 50 changes."""
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=START,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            tuple(
                NewSubscription(product_id=plan, quantity=quantity, subscription_id=sub, term=term)
                for plan, quantity, sub in zip(PLANS, BASE, SUBS, strict=True)
            )
        ),
    )
    steps: list[Step] = [buy]
    steps += [
        ChangeLicenseQuantity(actor=ADMIN, as_of=day, subscription_id=SUBS[i], quantity=q)
        for day, i, q in CHANGES
    ]
    return Scenario(
        name="bench",
        start=START,
        tenant=TENANT,
        currency="USD",
        steps=tuple(steps),
        until=END,
        catalog="bench",
    )


SCENARIO = _scenario(Term.P1Y)
MONTH_TO_MONTH = _scenario(Term.P1M)


def three_years() -> Timeline:
    """Five subscriptions, 50 changes, 36 monthly invoices: rules, ledger, invoices."""
    return simulate(SCENARIO, catalog=CATALOG)


def three_years_month_to_month() -> Timeline:
    """The same on month-to-month terms: the lifecycle renews every subscription every month."""
    return simulate(MONTH_TO_MONTH, catalog=CATALOG)


def reference_three_years() -> dict[date, Decimal]:
    """The same invoice totals the obvious way: months from the anchor, Fraction, quantize."""
    prices = [Decimal(p) for p in PRICES]
    quantities = list(BASE)
    totals: dict[date, Decimal] = defaultdict(Decimal)
    changes = iter(CHANGES)
    pending = next(changes, None)
    k = 0
    while True:
        start, end = START + relativedelta(months=k), START + relativedelta(months=k + 1)
        if start > END:
            break
        invoice = end  # MOSA: an order per subscription, all from START: the same statements
        for i, price in enumerate(prices):
            totals[invoice] += price * quantities[i]
        while pending is not None and pending[0] < end:
            day, i, quantity = pending
            exact = Fraction(prices[i]) * (quantity - quantities[i]) * (end - day).days
            exact /= (end - start).days
            net = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                CENT, rounding=ROUND_HALF_EVEN
            )
            totals[invoice] += net
            quantities[i] = quantity
            pending = next(changes, None)
        k += 1
    return dict(totals)


def check_three_years() -> None:
    for timeline in (three_years(), three_years_month_to_month()):
        assert timeline.refused == (), timeline.refused
        every = (*timeline.invoices, *timeline.open_invoices)
        by_day: dict[date, Decimal] = defaultdict(Decimal)
        for invoice in every:
            by_day[invoice.issued_on] += invoice.total.amount
        assert dict(by_day) == reference_three_years()
        assert len(every) == 36 * len(SUBS)  # monthly, 3 years, one order per subscription


# -- a 10-line cart -----------------------------------------------------------------------------

_HELD = simulate(
    Scenario(
        name="held",
        start=START,
        tenant=TENANT,
        currency="USD",
        steps=(SCENARIO.steps[0],),
        until=date(2025, 3, 1),
        catalog="bench",
    ),
    catalog=CATALOG,
)
ON = date(2025, 3, 15)
CART = PlaceOrder(
    actor=ADMIN,
    as_of=ON,
    payment_method=PaymentMethod.CARD,
    cart=Cart(
        (
            *(
                NewSubscription(product_id=plan, quantity=3 + n, subscription_id=f"new-{n}")
                for n, plan in enumerate(PLANS)
            ),
            *(
                ChangeLicenses(subscription_id=sub, quantity=BASE[n] + 2)
                for n, sub in enumerate(SUBS)
            ),
        )
    ),
)


def ten_line_quote() -> object:
    """Checks and prices 5 purchases and 5 license changes (credit and rebill) on one ledger."""
    return quote(CATALOG, _HELD.tenant, CART, ledger=_HELD.ledger)


def reference_ten_line_quote() -> object:
    """A dict of prices, the period by relativedelta, Fraction and quantize per line."""
    prices = {plan: Decimal(p) for plan, p in zip(PLANS, PRICES, strict=True)}
    k = (ON.year - START.year) * 12 + ON.month - START.month
    start = START + relativedelta(months=k)
    if start > ON:
        k -= 1
        start = START + relativedelta(months=k)
    end = START + relativedelta(months=k + 1)
    lines = []
    for n, plan in enumerate(PLANS):
        lines.append(prices[plan] * (3 + n))
    for plan in PLANS:
        exact = Fraction(prices[plan]) * 2 * (end - ON).days / (end - start).days
        lines.append(
            (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                CENT, rounding=ROUND_HALF_EVEN
            )
        )
    return lines, sum(lines, Decimal(0))


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _add_months(anchor: date, months: int) -> date:
    year, month0 = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
    day = anchor.day
    if day > 28:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        last = 29 if month0 == 1 and leap else _DAYS[month0]
        if day > last:
            day = last
    return date(year, month0 + 1, day)


def _period(anchor: date, when: date) -> tuple[date, date]:
    k = (when.year - anchor.year) * 12 + when.month - anchor.month
    start = _add_months(anchor, k)
    if start > when:
        return _add_months(anchor, k - 1), start
    return start, _add_months(anchor, k + 1)


def _half_even(numerator: int, denominator: int) -> int:
    units, remainder = divmod(numerator, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and units % 2):
        units += 1
    return units


# What the floor knows of the held tenant, as plain data: per subscription its plan, quantity,
# anchor, term months and the charge of the period running on the order's day (minor units).
FLOOR_PRICES = {plan: int(Decimal(p) * 100) for plan, p in zip(PLANS, PRICES, strict=True)}
FLOOR_HELD = {
    sub: (plan, quantity, START, 12, FLOOR_PRICES[plan] * quantity)
    for sub, plan, quantity in zip(SUBS, PLANS, BASE, strict=True)
}
FLOOR_CART = (
    *(("new", plan, 3 + n, f"new-{n}") for n, plan in enumerate(PLANS)),
    *(("change", sub, BASE[n] + 2, sub) for n, sub in enumerate(SUBS)),
)


def floor_ten_line_quote() -> object:
    """Issue 10's floor for the price review: plain dicts and tuples, integer arithmetic.

    Per line the entries the order posts, as tuples (kind, quantity, span, period, minor units):
    a purchase's charge for its first whole month; a change's credit of the running period's
    charge and its two rebills (old quantity to the day, new from it), allocated by largest
    remainder so that the change nets to the exact difference rounded half-even once. Per line
    also the first period, the term end, the statement date and the card's charge day (MOSA: the
    day after the invoice date); then the line totals and the order total.
    """
    on = ON
    lines = []
    for kind, key, quantity, sub in FLOOR_CART:
        if kind == "new":
            end = _add_months(on, 1)
            amount = FLOOR_PRICES[key] * quantity
            entries = (("charge", quantity, on, end, on, end, amount),)
            lines.append((sub, entries, amount, on, end, end, end, end + timedelta(days=1)))
            continue
        plan, old, anchor, term_months, charged = FLOOR_HELD[key]
        start, end = _period(anchor, on)
        period_days, before, after = (end - start).days, (on - start).days, (end - on).days
        delta = quantity - old
        net = _half_even(abs(delta) * FLOOR_PRICES[plan] * after, period_days)
        net = -min(net, charged) if delta < 0 else net
        total = charged + net
        weights = (old * before, quantity * after)
        shares = [divmod(total * w, sum(weights)) for w in weights]
        parts = [share for share, _ in shares]
        leftover = total - sum(parts)
        for _, i in sorted((-r, i) for i, (_, r) in enumerate(shares))[:leftover]:
            parts[i] += 1
        entries = (
            ("credit", old, start, end, start, end, -charged),
            ("rebill", old, start, on, start, end, parts[0]),
            ("rebill", quantity, on, end, start, end, parts[1]),
        )
        term_end = _add_months(anchor, term_months)
        line_total = parts[0] + parts[1] - charged
        lines.append((sub, entries, line_total, start, end, term_end, end, end + timedelta(days=1)))
    return lines, sum(line[2] for line in lines)


def check_quote() -> None:
    review = quote(CATALOG, _HELD.tenant, CART, ledger=_HELD.ledger)
    assert review.ok, review.reasons
    lines, total = reference_ten_line_quote()  # type: ignore[misc]
    assert [line.first_charge_total.amount for line in review.lines] == lines  # type: ignore[union-attr]
    assert review.total.amount == total
    floor_lines, floor_total = floor_ten_line_quote()  # type: ignore[misc]
    ours = [
        (
            line.subscription_id,
            tuple(
                (
                    e.kind.value,
                    e.line.quantity,
                    e.line.span.start,
                    e.line.span.end,
                    e.line.service_period.start,
                    e.line.service_period.end,
                    e.amount.minor_units(),
                )
                for e in line.first_charge
            ),
            line.first_charge_total.minor_units(),  # type: ignore[union-attr]
            line.first_period.start,  # type: ignore[union-attr]
            line.first_period.end,  # type: ignore[union-attr]
            line.term_end,
            line.statement_date,
            line.charge_by,
        )
        for line in review.lines
    ]
    assert ours == floor_lines, (ours, floor_lines)
    assert review.total.minor_units() == floor_total


def _batch_note(smoke: bool) -> str:
    """The 10,000-tenant target, extrapolated from a few timed tenants (never run in full here)."""
    count = 5 if smoke else 40
    started = time.perf_counter()
    for _ in range(count):
        three_years()
    per_tenant = (time.perf_counter() - started) / count
    return (
        f"10,000 such tenants on one core, extrapolated from {count} in a row: "
        f"{per_tenant * 10_000:.0f} s (target 60 s); run `python benchmarks/bench_orders.py "
        f"--batch 10000` for a real batch"
    )


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "orders: one tenant, 5 annual subscriptions billed monthly, 3 years, 50 changes",
            three_years,
            target_us=5000.0,
            reference=reference_three_years,
            reference_name="months by relativedelta, Fraction, quantize, dict of invoice totals",
            check=check_three_years,
            note=_batch_note(smoke),
        ),
        Benchmark(
            "orders: the same, month-to-month terms (36 renewals each)",
            three_years_month_to_month,
            target_us=5000.0,
            reference=reference_three_years,
            reference_name="months by relativedelta, Fraction, quantize, dict of invoice totals",
            check=check_three_years,
        ),
        Benchmark(
            "orders: the price review of a 10-line cart",
            ten_line_quote,
            target_us=200.0,
            reference=floor_ten_line_quote,
            reference_name="issue 10's floor: dicts, integer months and arithmetic, tuples (8x)",
            check=check_quote,
        ),
        Benchmark(
            "orders: the same cart, beside the obvious reference",
            ten_line_quote,
            target_us=200.0,
            reference=reference_ten_line_quote,
            reference_name="dict of prices, relativedelta, Fraction, quantize per line",
        ),
    ]


def _batch(count: int) -> None:
    started = time.perf_counter()
    for _ in range(count):
        three_years()
    elapsed = time.perf_counter() - started
    print(f"{count} tenants x 3 years, 5 subscriptions, 50 changes: {elapsed:.1f} s on one core")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="run a batch of the three-year tenant")
    parser.add_argument("--batch", type=int, default=100, help="how many tenants")
    _batch(parser.parse_args().batch)
