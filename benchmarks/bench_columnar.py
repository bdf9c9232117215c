"""Columnar benchmarks: prorated lines with the calendar included, beside the scalar engine.

Each line is a purchase: an anchor (a quarter of them on the 28th to 31st), a billing period of
1, 12 or 36 months, a day within the next three years, a price in cents and a quantity. The job
is the charge from that day to the end of the period holding it: the period first (the
calendar), then the prorated amount. The scalar engine does the same job line by line,
``prorate(price, quantity, period_containing(anchor, months, day), start=day)``, on the same
inputs in its own types (dates, Money); a check compares both on a sample of 10,000 lines,
periods and amounts, before anything is timed.

Issue 13's targets: at least 3 million lines a second on one core (the target column is the
time that rate allows for the batch), and at least 50 times the scalar engine (a ratio of at
most 0.02 in the head-to-head).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from _harness import Benchmark
from subcommerce import (
    EXACT,
    PC_LEGACY_DAILY_RATE_3,
    Money,
    ProratedLine,
    ProrationConvention,
    credit_and_rebill,
    credit_and_rebill_nets,
    period_containing,
    prorate,
    prorate_to_period_end,
)

RATE = 3_000_000  # lines a second, the target
SAMPLE = 10_000


class Lines:
    """``count`` purchase lines as columns, and the same lines as the scalar engine's values."""

    def __init__(self, count: int, *, seed: int = 13) -> None:
        rng = np.random.default_rng(seed)
        first = np.datetime64("2020-01-01", "D").astype(np.int64)
        anchors = first + rng.integers(0, 7 * 365, count)
        # A quarter of the anchors on a late day: the 28th to the 31st clamp in short months.
        late = rng.random(count) < 0.25
        month_starts = anchors.view("datetime64[D]").astype("datetime64[M]")
        next_month = (month_starts + 1).astype("datetime64[D]").view(np.int64)
        anchors = np.where(late, next_month - rng.integers(1, 5, count), anchors)
        self.anchors = anchors.view("datetime64[D]")
        self.months = rng.choice(np.array([1, 1, 1, 12, 36]), count)
        self.start = (anchors + rng.integers(0, 3 * 365, count)).view("datetime64[D]")
        self.price = rng.integers(100, 100_000, count)  # 1.00 to 1,000.00 USD
        self.quantity = rng.integers(1, 500, count)

    def columnar(self) -> np.ndarray:
        lines = prorate_to_period_end(
            self.anchors, self.months, self.start, self.price, self.quantity, currency="USD"
        )
        return lines.amount_units

    def scalar_inputs(
        self, index: np.ndarray | None = None
    ) -> list[tuple[date, int, date, Money, int]]:
        pick = slice(None) if index is None else index
        return [
            (anchor, months, start, Money.from_minor_units(price, "USD"), quantity)
            for anchor, months, start, price, quantity in zip(
                self.anchors[pick].tolist(),
                self.months[pick].tolist(),
                self.start[pick].tolist(),
                self.price[pick].tolist(),
                self.quantity[pick].tolist(),
                strict=True,
            )
        ]


def scalar(
    inputs: list[tuple[date, int, date, Money, int]],
    convention: ProrationConvention = EXACT,
) -> list[ProratedLine]:
    """The scalar engine, line by line: the period holding the day, then the prorated line."""
    return [
        prorate(
            price,
            quantity,
            period_containing(anchor, months, start),
            start=start,
            convention=convention,
        )
        for anchor, months, start, price, quantity in inputs
    ]


def _sample(lines: Lines) -> np.ndarray:
    count = len(lines.price)
    return np.linspace(0, count - 1, min(SAMPLE, count)).astype(np.int64)


def check_sample(lines: Lines, convention: ProrationConvention = EXACT) -> None:
    """Columnar and scalar agree on periods and amounts, on 10,000 lines spread over the batch."""
    index = _sample(lines)
    whole = prorate_to_period_end(
        lines.anchors,
        lines.months,
        lines.start,
        lines.price,
        lines.quantity,
        currency="USD",
        convention=convention,
    )
    for i, line in zip(index.tolist(), scalar(lines.scalar_inputs(index), convention), strict=True):
        assert whole.periods.period(i) == line.service_period, (i, line)
        assert int(whole.amount_units[i]) == line.amount.minor_units(), (i, line)


def check_nets(lines: Lines, nets: np.ndarray) -> None:
    """Each sampled net equals the scalar credit_and_rebill of the full-period charge."""
    index = _sample(lines)
    inputs = lines.scalar_inputs(index)
    for i, (anchor, months, start, price, quantity) in zip(index.tolist(), inputs, strict=True):
        original = prorate(price, quantity, period_containing(anchor, months, start))
        net = credit_and_rebill(original, start, quantity + 5).net
        assert int(nets[i]) == net.minor_units(), (i, net)


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    head_to_head = Lines(1_000 if smoke else 100_000)
    batch = Lines(2_000 if smoke else 1_000_000, seed=31)
    scalar_inputs = head_to_head.scalar_inputs()
    count, big = len(head_to_head.price), len(batch.price)
    change_dates = batch.start
    periods = prorate_to_period_end(
        batch.anchors, batch.months, batch.start, batch.price, batch.quantity, currency="USD"
    ).periods

    def nets() -> np.ndarray:
        return credit_and_rebill_nets(
            batch.price,
            batch.quantity,
            batch.quantity + 5,
            periods.start,
            periods.end,
            change_dates,
            currency="USD",
        )

    def pre_rounded() -> object:
        return prorate_to_period_end(
            batch.anchors,
            batch.months,
            batch.start,
            batch.price,
            batch.quantity,
            currency="USD",
            convention=PC_LEGACY_DAILY_RATE_3,
        )

    return [
        Benchmark(
            f"columnar: {count:,} prorated lines, calendar included",
            head_to_head.columnar,
            target_us=count / RATE * 1e6,
            reference=lambda: scalar(scalar_inputs),
            reference_name="the scalar engine: period_containing + prorate, line by line",
            check=lambda: check_sample(head_to_head),
            note=(
                "same inputs, checked equal on a sample of 10,000 lines; targets: "
                f"{RATE:,} lines/s (the target column) and a ratio of at most 0.02 (50x)"
            ),
        ),
        Benchmark(
            f"columnar: {big:,} prorated lines, calendar included",
            batch.columnar,
            target_us=big / RATE * 1e6,
            check=lambda: check_sample(batch),
            note="checked equal to the scalar engine on a sample of 10,000 lines; no reference",
        ),
        Benchmark(
            f"columnar: {big:,} lines, pc-legacy-daily-rate-3",
            pre_rounded,
            target_us=big / RATE * 1e6,
            check=lambda: check_sample(batch, PC_LEGACY_DAILY_RATE_3),
            note="the daily rate rounded to 3 places first; checked on a sample of 10,000 lines",
        ),
        Benchmark(
            f"columnar: {big:,} credit-and-rebill nets (+5 licenses)",
            nets,
            target_us=big / RATE * 1e6,
            check=lambda: check_nets(batch, nets()),
            note="known periods; checked on a sample of 10,000 lines against credit_and_rebill",
        ),
    ]
