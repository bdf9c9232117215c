"""Import benchmarks: ``import subcommerce`` in a fresh interpreter, against ``import json``.

Issue 10 bounds ``import subcommerce`` at 3x ``import json`` in a fresh interpreter. A fresh
interpreter costs about 15 ms to start here, several times what either import costs, so the
figures judged are *net of the start*: many runs of ``python -c CODE`` for each snippet below,
alternating round by round (so that a busy moment of the shared machine hits every snippet
alike), the median wall time of each, minus the median of ``python -c pass``. As a second
opinion, ``python -X importtime`` gives the same costs from inside the interpreter (the sum of
the top-level imports' cumulative times, minus those of ``pass``).

Beside the import itself, the cost of the first real use is measured too, since a lazy package
only moves the cost there: ``subcommerce.Money`` (money and its attrs, Decimal) and
``subcommerce.simulate_scenario`` (most of the engine).

Every run gets the same compiled bytecode: the environment here sets PYTHONDONTWRITEBYTECODE,
which would make Python recompile the package's sources (and not the standard library's) on
every start; the runs use a private PYTHONPYCACHEPREFIX, warmed once, so that both sides read
their .pyc as an installed package does.

The harness also times the whole processes (start included) side by side, for reference.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from _harness import Benchmark

SNIPPETS: dict[str, str] = {
    "bare start": "pass",
    "import json": "import json",
    "import subcommerce": "import subcommerce",
    "first use: subcommerce.Money": "import subcommerce; subcommerce.Money",
    "first use: subcommerce.simulate_scenario": "import subcommerce; subcommerce.simulate_scenario",
}
#: What ``import subcommerce`` must leave out of sys.modules (tests/test_public_face.py too).
KEPT_OUT = ("attrs", "attr", "typing", "decimal", "subcommerce.errors", "subcommerce.money")

_PREFIX = tempfile.TemporaryDirectory(prefix="subcommerce-bench-pyc-")
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": _PREFIX.name,
}


def _python(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code], env=ENV, check=True, capture_output=True, text=True
    )


def _wall_us(code: str) -> float:
    start = time.perf_counter()
    _python(code)
    return (time.perf_counter() - start) * 1e6


def _importtime_us(code: str) -> float:
    """The sum of the top-level imports' cumulative times, as ``-X importtime`` reports them."""
    total = 0
    for line in _python(code, "-X", "importtime").stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if name.startswith(" ") and not name.startswith("  ") and cumulative.strip().isdigit():
            total += int(cumulative)
    return float(total)


def measure(rounds: int) -> dict[str, tuple[float, float]]:
    """Per snippet: (median wall time net of the start, median -X importtime net), in us."""
    for code in SNIPPETS.values():  # warm the bytecode cache and the OS's file cache
        _python(code)
    walls: dict[str, list[float]] = {label: [] for label in SNIPPETS}
    inside: dict[str, list[float]] = {label: [] for label in SNIPPETS}
    labels = list(SNIPPETS)
    for i in range(rounds):
        shift = i % len(labels)  # rotate the order, so no snippet always runs first
        for label in labels[shift:] + labels[:shift]:
            walls[label].append(_wall_us(SNIPPETS[label]))
            inside[label].append(_importtime_us(SNIPPETS[label]))
    bare_wall = statistics.median(walls["bare start"])
    bare_inside = statistics.median(inside["bare start"])
    return {
        label: (
            statistics.median(walls[label]) - bare_wall,
            statistics.median(inside[label]) - bare_inside,
        )
        for label in labels
        if label != "bare start"
    } | {"bare start": (bare_wall, bare_inside)}


def _check(extra: dict[str, str], rounds: int) -> None:
    # Only what the import adds counts: a site .pth file may load typing before any of ours.
    before = set(_python("import sys; print(' '.join(sys.modules))").stdout.split())
    loaded = _python("import sys, subcommerce; print(' '.join(sys.modules))").stdout.split()
    leaked = [name for name in KEPT_OUT if name in loaded and name not in before]
    assert not leaked, f"import subcommerce loaded {leaked}"
    figures = measure(rounds)
    json_wall, json_inside = figures["import json"]
    bare_wall, _ = figures["bare start"]
    extra["runs"] = (
        f"{rounds} alternating rounds per snippet; medians; wall = whole process minus the "
        f"bare start ({bare_wall / 1000:.2f} ms)"
    )
    for label, (wall, inside) in figures.items():
        if label in ("bare start", "import json"):
            continue
        extra[label] = (
            f"wall {wall / 1000:.2f} ms ({wall / json_wall:.2f}x import json), "
            f"-X importtime {inside / 1000:.2f} ms ({inside / json_inside:.2f}x)"
        )
    extra["import json"] = (
        f"wall {json_wall / 1000:.2f} ms, -X importtime {json_inside / 1000:.2f} ms"
    )
    wall, _ = figures["import subcommerce"]
    extra["target"] = (
        f"import subcommerce at most 3x import json (net wall): "
        f"{'met' if wall <= 3 * json_wall else 'NOT met'}"
    )


def subject_import() -> object:
    return _python("import subcommerce")


def reference_import() -> object:
    return _python("import json")


def benchmarks(smoke: bool) -> list[Benchmark]:
    extra: dict[str, str] = {}
    rounds = 3 if smoke else 41
    return [
        Benchmark(
            "import: python -c 'import subcommerce', whole process",
            subject_import,
            target_us=150_000,
            reference=reference_import,
            reference_name="python -c 'import json', whole process",
            check=lambda: _check(extra, rounds),
            note=(
                "the harness's times include the interpreter's start; the figures judged "
                "(3x import json) are net of it, below"
            ),
            extra=extra,
        ),
    ]


if __name__ == "__main__":  # python benchmarks/bench_import.py [rounds]
    for label, (wall, inside) in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 41).items():
        print(f"{label:34} wall {wall / 1000:7.2f} ms   -X importtime {inside / 1000:7.2f} ms")
