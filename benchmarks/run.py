"""Run every benchmark in benchmarks/bench_*.py and print medians, references and ratios.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --smoke    # a quick run for CI: everything runs, nothing is judged
    python benchmarks/run.py -k proration

The smoke run proves the benchmarks still work and that subject and reference agree; its times
are too short to judge against targets on a shared machine, so it never fails on a target.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import Result, run  # noqa: E402


def _fmt(us: float | None) -> str:
    if us is None:
        return "-"
    if us >= 1_000_000:
        return f"{us / 1e6:.2f} s"
    if us >= 1000:
        return f"{us / 1000:.2f} ms"
    return f"{us:.2f} us"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="quick run for CI")
    parser.add_argument("-k", default="", help="only benchmarks whose name contains this")
    args = parser.parse_args(argv)
    repeat, min_time = (3, 0.005) if args.smoke else (15, 0.2)
    results: list[Result] = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        for benchmark in module.benchmarks(smoke=args.smoke):
            if args.k and args.k not in benchmark.name:
                continue
            results.append(run(benchmark, repeat=repeat, min_time=min_time))
    header = ("benchmark", "subcommerce", "reference", "ratio", "target", "ok", "reference is")
    rows = [header]
    for r in results:
        ratio = r.ratio
        rows.append(
            (
                r.benchmark.name,
                _fmt(r.subject_us),
                _fmt(r.reference_us),
                "-" if ratio is None else f"{ratio:.2f}x" if ratio >= 0.1 else f"{ratio:.4f}x",
                _fmt(r.benchmark.target_us),
                "yes" if r.meets_target else "NO",
                r.benchmark.reference_name,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for r in results:
        if r.benchmark.note:
            print(f"\n{r.benchmark.name}: {r.benchmark.note}")
        for key, value in r.benchmark.extra.items():  # figures a check measured on the way
            print(f"  {key}: {value}")
    if args.smoke:
        print("\nsmoke run: every benchmark ran and agreed with its reference; times not judged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
