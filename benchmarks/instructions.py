"""Instructions per call under callgrind: a stable second opinion on a shared, noisy machine.

    python benchmarks/instructions.py             # the run, month to month, the floor
    python benchmarks/instructions.py growth-100 growth-1000
    python benchmarks/instructions.py cart cart-floor   # the price review of a 10-line cart
    python benchmarks/instructions.py line line-floor change change-floor   # one line, one change

Each job is run under ``valgrind --tool=callgrind`` twice, once warmed up only and once with
``N`` more calls; the difference divided by ``N`` is what one call costs, without the
interpreter's start and the imports. Wall-clock ratios drift with the machine's load; these do
not. Needs valgrind (Debian's package). Not part of the library: it starts processes.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: job -> (module, expression that does one call, calls to count). Enough calls that where the
#: cyclic garbage collector happens to run among them moves the count per call little: with 3
#: runs, month to month moved by up to 0.5 M from one edit to the next with no change in the work.
JOBS = {
    "run": ("bench_orders", "bench_orders.three_years()", 10),
    "run-month-to-month": ("bench_orders", "bench_orders.three_years_month_to_month()", 10),
    "floor": ("bench_run", "bench_run.floor()", 50),
    "cart": ("bench_orders", "bench_orders.ten_line_quote()", 100),
    "cart-floor": ("bench_orders", "bench_orders.floor_ten_line_quote()", 1000),
    "line": ("bench_proration", "bench_proration.explained_line()", 2000),
    "line-floor": ("bench_proration", "bench_proration.floor_line()", 2000),
    "change": ("bench_proration", "bench_proration.change()", 500),
    "change-floor": ("bench_proration", "bench_proration.floor_change()", 500),
    "growth-100": (
        "bench_growth",
        "simulate(bench_growth.scenario(100), catalog=bench_growth.CATALOG)",
        2,
    ),
    "growth-1000": (
        "bench_growth",
        "simulate(bench_growth.scenario(1000), catalog=bench_growth.CATALOG)",
        1,
    ),
}


#: Addresses the same on every run (ids key some memos; their dicts then probe alike).
_NO_RANDOM_ADDRESSES = ["setarch", platform.machine(), "-R"] if shutil.which("setarch") else []


def _collected(module: str, call: str, count: int) -> int:
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import {module}; "
        f"from subcommerce.simulate import simulate; {call}\n"
        f"for _ in range({count}): {call}"
    )
    done = subprocess.run(
        [
            *_NO_RANDOM_ADDRESSES,
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same sets and dicts on every run
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(done.stderr[-2000:])
    return int(found.group(1))


def per_call(job: str) -> float:
    module, call, count = JOBS[job]
    return (_collected(module, call, count) - _collected(module, call, 0)) / count


def main(argv: list[str]) -> int:
    jobs = argv or ["run", "run-month-to-month", "floor"]
    for job in jobs:
        count = per_call(job)
        if count >= 1e6:
            print(f"{job}: {count / 1e6:.2f} million instructions per call", flush=True)
        else:
            print(f"{job}: {count / 1e3:.1f} thousand instructions per call", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
