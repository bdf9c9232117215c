"""The run: one tenant, 5 subscriptions billed monthly, 3 years, 50 changes, beside its floor.

The floor is throwaway hand-written code for exactly this tenant: periods by an integer
``add_months``, amounts in integer minor units, tuples and dicts. It writes the same ledger
entries as subcommerce (entry id, cause, day posted, statement, kind, quantity, unit price,
service period, span, amount, the entry credited) and the same invoice totals, and ``check``
proves them equal, entry for entry, for the annual and the month-to-month variant (on
month-to-month terms the subscriptions renew every month; the ledger is the same).

The memory of a kept timeline is measured as tracemalloc's traced memory that building the
timeline adds and keeping it holds (garbage collected before and after), in KiB. A kept timeline
holds its ledger entries and invoices as rows (``invoices.EntryRows``, ``InvoiceRows``) and builds
the frozen values when they are read: the memory once every entry and invoice has been read is
given too, and the cost of that first read beside the run (the run, then reading everything).
The book writes those rows as it posts (no frozen entry is built per posting and taken apart
again when it freezes); ``python benchmarks/instructions.py`` counts the run's instructions.
"""

from __future__ import annotations

import gc
import tracemalloc
from datetime import date

import attrs

from _harness import Benchmark
from bench_orders import (
    BASE,
    CATALOG,
    CHANGES,
    END,
    MONTH_TO_MONTH,
    PRICES,
    SCENARIO,
    START,
    SUBS,
    three_years,
    three_years_month_to_month,
)
from subcommerce.simulate import Timeline, simulate

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, the day clamped to the month's last."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = _MONTH_DAYS[month]
    if month == 1 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return date(year, month + 1, min(day.day, last))


def _half_even(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient & 1):
        return quotient + 1
    return quotient


def floor() -> tuple[list[tuple[object, ...]], dict[tuple[str, date], int]]:
    """Entries as tuples and invoice totals in cents, keyed by (subscription, issued on)."""
    prices = [int(p.replace(".", "")) for p in PRICES]  # the literals have two places
    quantities = list(BASE)
    counts = [0] * len(SUBS)
    charged: list[tuple[str, int, date, date, int]] = [("", 0, START, START, 0)] * len(SUBS)
    entries: list[tuple[object, ...]] = []
    totals: dict[tuple[str, date], int] = {}
    changes = CHANGES
    at = 0
    k = 0
    start = START
    while start <= END:
        end = add_months(START, k + 1)
        days = (end - start).days
        cause = "purchase" if k == 0 else "period"
        for i, sub in enumerate(SUBS):
            counts[i] += 1
            eid = f"{sub}#{counts[i]}"
            amount = prices[i] * quantities[i]
            entries.append(
                (
                    eid,
                    sub,
                    cause,
                    start,
                    start,
                    end,
                    "charge",
                    quantities[i],
                    prices[i],
                    start,
                    end,
                    start,
                    end,
                    amount,
                    None,
                )
            )
            charged[i] = (eid, quantities[i], start, end, amount)
            totals[(sub, end)] = totals.get((sub, end), 0) + amount
        while at < len(changes) and changes[at][0] < end:
            day, i, new = changes[at]
            at += 1
            sub, price = SUBS[i], prices[i]
            eid, old, s, e, original = charged[i]
            counts[i] += 1
            credit_id = f"{sub}#{counts[i]}"
            entries.append(
                (
                    credit_id,
                    sub,
                    "license_change",
                    day,
                    start,
                    end,
                    "credit",
                    old,
                    price,
                    start,
                    end,
                    s,
                    e,
                    -original,
                    eid,
                )
            )
            delta = new - old
            net = _half_even(abs(delta) * price * (e - day).days, days)
            net = -min(net, original) if delta < 0 else net
            total = original + net
            pieces = [(old, s, day), (new, day, e)] if day > s else [(new, day, e)]
            weights = [q * (b - a).days for q, a, b in pieces]
            weight_sum = sum(weights)
            shares = [total * w // weight_sum for w in weights]
            left = total - sum(shares)
            order = sorted(
                range(len(pieces)), key=lambda n: (-(total * weights[n] % weight_sum), n)
            )
            for n in order[:left]:
                shares[n] += 1
            for (q, a, b), share in zip(pieces, shares, strict=True):
                counts[i] += 1
                entries.append(
                    (
                        f"{sub}#{counts[i]}",
                        sub,
                        "license_change",
                        day,
                        start,
                        end,
                        "rebill",
                        q,
                        price,
                        start,
                        end,
                        a,
                        b,
                        share,
                        None,
                    )
                )
            charged[i] = (f"{sub}#{counts[i]}", new, day, e, shares[-1])
            quantities[i] = new
            totals[(sub, end)] += net
        k += 1
        start = end
    return entries, totals


def _entries(timeline: Timeline) -> list[tuple[object, ...]]:
    rows = []
    for e in timeline.ledger.entries:
        line = e.line
        rows.append(
            (
                e.id,
                e.subscription_id,
                e.cause.value,
                e.posted_on,
                e.statement.start,
                e.statement.end,
                line.kind.value,
                line.quantity,
                line.unit_price.minor_units(),
                line.service_period.start,
                line.service_period.end,
                line.span.start,
                line.span.end,
                line.amount.minor_units(),
                e.credits,
            )
        )
    return rows


def _totals(timeline: Timeline) -> dict[tuple[str, date], int]:
    totals: dict[tuple[str, date], int] = {}
    for invoice in (*timeline.invoices, *timeline.open_invoices):
        sub = invoice.lines[0].subscription_id
        key = (sub, invoice.issued_on)
        totals[key] = totals.get(key, 0) + invoice.total.minor_units()
    return totals


def check() -> None:
    expected_entries, expected_totals = floor()
    for timeline in (three_years(), three_years_month_to_month()):
        assert timeline.refused == (), timeline.refused
        assert _entries(timeline) == expected_entries
        assert _totals(timeline) == expected_totals
        assert len(timeline.invoices) + len(timeline.open_invoices) == 36 * len(SUBS)


def kept_kib(build: object = three_years) -> float:
    """KiB that building a timeline adds to traced memory and keeping it holds."""
    build()  # type: ignore[operator]  # warm: imports, the catalog's memos
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()  # type: ignore[operator]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) / 1024


def read_all(timeline: Timeline) -> Timeline:
    """``timeline`` with every ledger entry and invoice built (read once)."""
    for entry in timeline.ledger.entries:
        entry.line  # noqa: B018 - reading is the point
    for invoice in (*timeline.invoices, *timeline.open_invoices):
        invoice.lines  # noqa: B018
    return timeline


def three_years_read() -> Timeline:
    """The run, then every entry and invoice of its timeline read once."""
    return read_all(three_years())


#: The run without its 50 license changes (the purchase and three years of billing), on each term:
#: beside the full run, the difference divided by 50 is what one change costs in a run; month to
#: month beside annual, what its 165 more renewals cost (the ledgers are the same).
_NO_CHANGES = attrs.evolve(SCENARIO, steps=SCENARIO.steps[:1])
_NO_CHANGES_MONTHLY = attrs.evolve(MONTH_TO_MONTH, steps=MONTH_TO_MONTH.steps[:1])


def without_changes() -> Timeline:
    """The purchase and three years of billing, annual terms: no license change."""
    return simulate(_NO_CHANGES, catalog=CATALOG)


def without_changes_month_to_month() -> Timeline:
    """The same on month-to-month terms: 180 renewals where the annual terms have 15."""
    return simulate(_NO_CHANGES_MONTHLY, catalog=CATALOG)


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    memory = {
        "kept 3-year timeline (tracemalloc, target at most 100 KiB)": f"{kept_kib():.0f} KiB",
        "the same, month to month": f"{kept_kib(three_years_month_to_month):.0f} KiB",
        "the 3-year timeline once every entry and invoice has been read": (
            f"{kept_kib(three_years_read):.0f} KiB"
        ),
    }
    name = "add_months, integer minor units, tuples and dicts: the same entries and totals"
    return [
        Benchmark(
            "run: one tenant, 5 annual subscriptions billed monthly, 3 years, 50 changes",
            three_years,
            target_us=1e9,
            reference=floor,
            reference_name=name,
            check=check,
            note="target: at most 8x the floor",
            extra=memory,
        ),
        Benchmark(
            "run: the same on month-to-month terms (a renewal every month)",
            three_years_month_to_month,
            target_us=1e9,
            reference=floor,
            reference_name=name,
            note="target: at most 8x the floor",
        ),
        Benchmark(
            "run, what its 50 license changes add: the run beside the same without them",
            three_years,
            target_us=1e9,
            reference=without_changes,
            reference_name="the purchase and 3 years of billing (the difference / 50: one change)",
            note="where the run's time goes: each change is a command, a day and its lines",
        ),
        Benchmark(
            "run, what renewing every month adds: month to month beside annual, no changes",
            without_changes_month_to_month,
            target_us=1e9,
            reference=without_changes,
            reference_name="the same on annual terms (the difference / 165: one renewal)",
            note="the ledgers are the same; month to month renews 165 times more",
        ),
        Benchmark(
            "run, then read every entry and invoice of the kept timeline once",
            three_years_read,
            target_us=1e9,
            reference=three_years,
            reference_name="the run alone (the ratio less 1: what the first read costs)",
            note="the frozen entries and invoices are built on the first read",
        ),
    ]
