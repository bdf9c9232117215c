"""Many tenants and tables: simulate_many over one process and two, and to_pandas of a timeline.

* ``simulate_many`` over N three-year tenants keeping only the summary rows, in this process,
  beside the obvious hand-written loop (``simulate`` then pick the totals, one tenant after the
  other): the batch's own overhead. Then on two worker processes beside one: the speed-up
  (target: at least 1.6x, so a ratio of at most 0.625). Memory: the peak RSS of a fresh
  interpreter running the whole batch in one process, for N and for N/10 tenants (flat: the same
  whatever N; target under 200 MB).
* ``timeline.to_pandas()`` of every table of a three-year timeline, beside simulating that
  timeline (target: at most the cost of simulating it, a ratio of at most 1).

N is 10,000 in the full run (a few minutes) and 8 in the smoke run.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from _harness import Benchmark
from subcommerce import default_catalog
from subcommerce.batch import simulate_many
from subcommerce.billing import (
    BillingAccount,
    BillingAccountType,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.orders import AddAddon, Cart, ChangeLicenses, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, simulate
from subcommerce.subscriptions import Tenant

CATALOG = default_catalog()
ADMIN = "admin@contoso.com"
PLANS = ("m365-business-standard", "m365-business-premium")
MEMORY_TARGET_MB = 200


def tenant(i: int) -> Scenario:
    """The i-th small business: a plan and Teams Phone bought in 2025, changed four times."""
    account = BillingAccount(
        f"account-{i}", BillingAccountType.MOSA, (RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),)
    )
    start = date(2025, 1 + i % 12, 1 + i % 28)
    seats = 5 + i % 295
    plan = PLANS[i % len(PLANS)]
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=start,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(product_id=plan, quantity=seats, subscription_id="base"),
                AddAddon(
                    addon_id="teams-phone-standard",
                    quantity=1 + seats // 4,
                    term=Term.P1Y,
                    billing_frequency=BillingFrequency.ANNUAL,
                    base_subscription_id="base",
                    subscription_id="phone",
                ),
            )
        ),
    )
    steps = [buy]
    for k, months in enumerate((5, 11, 19, 29)):
        year, month = divmod(start.month - 1 + months, 12)
        steps.append(
            PlaceOrder(
                actor=ADMIN,
                as_of=date(start.year + year, month + 1, 15),
                cart=Cart((ChangeLicenses(subscription_id="base", quantity=seats + 3 * (k + 1)),)),
            )
        )
    return Scenario(
        name=f"tenant-{i}",
        start=start,
        tenant=Tenant(f"tenant-{i}.example", account=account),
        currency="USD",
        steps=tuple(steps),
        until=date(start.year + 3, start.month, 1),
    )


def _tenants(count: int) -> list[Scenario]:
    return [tenant(i) for i in range(count)]


def _by_hand(scenarios: list[Scenario]) -> list[tuple[str, int, Decimal]]:
    """The obvious loop: simulate each tenant, keep its name, invoice count and net."""
    out = []
    for scenario in scenarios:
        timeline = simulate(scenario, catalog=CATALOG)
        out.append((scenario.name, len(timeline.invoices), timeline.ledger.net.amount))
    return out


def _summary(rows: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(r["scenario"], r["invoices"], r["net"]) for r in rows]


_PEAK = """
import resource, sys
sys.path.insert(0, {here!r})
from bench_batch import CATALOG, tenant
from subcommerce.batch import simulate_many
table = simulate_many((tenant(i) for i in range({count})), catalogs=CATALOG, workers={workers})
assert len(table) == {count}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_mb(count: int, workers: int | None = None) -> tuple[float, float]:
    """The peak RSS, in MB, of a fresh interpreter that runs ``count`` tenants, and of its
    largest worker process (0 without workers)."""
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run(
        [sys.executable, "-c", _PEAK.format(here=here, count=count, workers=workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    parent, child = out.stdout.split()[-2:]
    return int(parent) / 1024, int(child) / 1024  # ru_maxrss is in KiB on Linux


class _Cpu:
    """CPU seconds per run (this process and its finished workers), beside the wall clock.

    On a shared machine the wall-clock speed-up of two workers depends on who else runs; the CPU
    a run takes does not, so ``2 x one-process CPU / two-worker CPU`` is the speed-up two idle
    cores would give a CPU-bound batch (its upper bound: start-up and the last chunk aside).
    """

    def __init__(self, figures: dict[str, str]) -> None:
        self.figures = figures
        self.runs: dict[str, list[float]] = {}

    def measured(self, key: str, fn: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            before = os.times()
            out = fn()
            after = os.times()
            used = (after.user - before.user) + (after.children_user - before.children_user)
            self.runs.setdefault(key, []).append(used)
            self._report()
            return out

        return run

    def _report(self) -> None:
        if len(self.runs) < 2:
            return
        one = statistics.median(self.runs["one process"])
        two = statistics.median(self.runs["two workers"])
        self.figures["CPU per run"] = (
            f"one process {one:.2f} s, two workers {two:.2f} s (parent and workers): "
            f"{2 * one / two:.2f}x on two idle cores"
        )


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    count = 8 if smoke else 10_000
    scenarios = _tenants(count)
    some = scenarios[: max(1, count // 10)]  # the batch's overhead, and the checks' sample
    memory: dict[str, str] = {}
    cpu = _Cpu(memory)

    def agree() -> None:
        got = _summary(simulate_many(some, catalogs=CATALOG).rows())
        if got != _by_hand(some):
            raise AssertionError("simulate_many disagrees with simulating tenant by tenant")

    def agree_and_measure() -> None:
        one = simulate_many(some, catalogs=CATALOG).rows()
        if simulate_many(some, catalogs=CATALOG, workers=2).rows() != one:
            raise AssertionError("two workers disagree with one process")
        (small, _), (full, _) = _peak_mb(len(some)), _peak_mb(count)
        parent, child = _peak_mb(count, workers=2)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        memory["peak RSS, one process"] = (
            f"{full:.0f} MB for {count} tenants, {small:.0f} MB for {len(some)} "
            f"(target under {MEMORY_TARGET_MB} MB)"
        )
        memory["peak RSS, two workers"] = (
            f"{parent:.0f} MB for the parent, {child:.0f} MB for the largest worker "
            f"({count} tenants; this benchmark process, holding them all: {before:.0f} MB)"
        )

    timeline_scenario = tenant(7)
    timeline = simulate(timeline_scenario, catalog=CATALOG)

    def frames() -> object:
        return [timeline.to_pandas(t) for t in ("entries", "invoices", "events", "refusals")]

    def frames_agree() -> None:
        entries = timeline.to_pandas("entries")
        if entries.amount.sum() != timeline.ledger.net.amount:
            raise AssertionError("the entries frame does not add up to the ledger")

    # The targets are relative (a ratio); target_us is a generous absolute bound for the table.
    return [
        Benchmark(
            name=f"simulate_many, {len(some)} tenants x 3 years, one process",
            subject=lambda: simulate_many(some, catalogs=CATALOG),
            reference=lambda: _by_hand(some),
            reference_name="a loop of simulate(), keeping three totals",
            target_us=len(some) * 20_000.0,
            check=agree,
        ),
        Benchmark(
            name=f"simulate_many, {count} tenants x 3 years, two workers",
            subject=cpu.measured(
                "two workers", lambda: simulate_many(scenarios, catalogs=CATALOG, workers=2)
            ),
            reference=cpu.measured(
                "one process", lambda: simulate_many(scenarios, catalogs=CATALOG)
            ),
            reference_name="simulate_many in one process (target ratio <= 0.625: 1.6x)",
            target_us=count * 12_500.0,
            check=agree_and_measure,
            note="two local worker processes (fork); rows identical to one process",
            extra=memory,
        ),
        Benchmark(
            name=f"to_pandas of a 3-year timeline ({len(timeline.ledger.entries)} entries)",
            subject=frames,
            reference=lambda: simulate(timeline_scenario, catalog=CATALOG),
            reference_name="simulating that timeline (target ratio <= 1)",
            target_us=20_000.0,
            check=frames_agree,
            note="all four tables: entries, invoices, events, refusals",
        ),
    ]
