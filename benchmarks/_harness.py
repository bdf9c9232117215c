"""A small benchmark harness: medians, side by side with a simple reference, in one process.

Each ``benchmarks/bench_*.py`` module defines ``benchmarks() -> list[Benchmark]``. A benchmark
times a ``subject`` (subcommerce doing the job) and, when there is one, a ``reference`` (a plain,
hand-written implementation of the same job) in the same process, and reports both medians and
their ratio. Targets are reported, never asserted in unit tests: machines here are shared.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Benchmark:
    """One measured job.

    ``target_us`` is the issue's bound on the subject's median, in microseconds per call.
    ``check`` (optional) runs once before timing and should raise if subject and reference
    disagree, so that a fast wrong answer never passes as a result.
    """

    name: str
    subject: Callable[[], object]
    target_us: float
    reference: Callable[[], object] | None = None
    reference_name: str = ""
    check: Callable[[], None] | None = None
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """Medians in microseconds per call."""

    benchmark: Benchmark
    subject_us: float
    reference_us: float | None

    @property
    def ratio(self) -> float | None:
        """subject / reference: below 1 means subcommerce is faster than the reference."""
        if self.reference_us is None or self.reference_us == 0:
            return None
        return self.subject_us / self.reference_us

    @property
    def meets_target(self) -> bool:
        return self.subject_us <= self.benchmark.target_us


def median_us(fn: Callable[[], object], *, repeat: int, min_time: float) -> float:
    """The median time of one call of ``fn``, in microseconds, over ``repeat`` rounds.

    Each round runs ``fn`` enough times to last about ``min_time`` seconds (calibrated once).
    """
    fn()  # warm up caches and imports
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or number >= 1 << 20:
            break
        number *= 2
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds) * 1e6


def run(benchmark: Benchmark, *, repeat: int, min_time: float) -> Result:
    """Check, then time subject and reference alternately-free, in the same process."""
    if benchmark.check is not None:
        benchmark.check()
    subject = median_us(benchmark.subject, repeat=repeat, min_time=min_time)
    reference = None
    if benchmark.reference is not None:
        reference = median_us(benchmark.reference, repeat=repeat, min_time=min_time)
    return Result(benchmark, subject, reference)
