"""The wire format: JSON text to values and back, beside the json module alone.

The references are the floor of the job: ``json.loads`` of the same text (what reading costs
before any value is checked or built) and ``json.dumps`` of the same plain data (what writing
costs once the data is there). The check holds both sides to the same answer: the data a value
is read from is the data it writes back.
"""

from __future__ import annotations

import json
from decimal import Decimal

from _harness import Benchmark
from subcommerce import Scenario, Timeline, demo_scenario, from_json, run_scenario, to_data, to_json

SCENARIO = demo_scenario()
TIMELINE = run_scenario(SCENARIO)
SCENARIO_TEXT = to_json(SCENARIO)
TIMELINE_TEXT = to_json(TIMELINE)
TIMELINE_DATA = to_data(TIMELINE)


def check() -> None:
    assert to_data(from_json(SCENARIO_TEXT, Scenario)) == json.loads(SCENARIO_TEXT)
    assert to_data(from_json(TIMELINE_TEXT, Timeline)) == json.loads(TIMELINE_TEXT)
    assert to_json(TIMELINE) == json.dumps(TIMELINE_DATA, ensure_ascii=False, separators=(",", ":"))


def benchmarks(smoke: bool) -> list[Benchmark]:
    return [
        Benchmark(
            "wire: from_json of the demo scenario (checked, strict, tagged)",
            lambda: from_json(SCENARIO_TEXT, Scenario),
            target_us=2_000,
            reference=lambda: json.loads(SCENARIO_TEXT, parse_float=Decimal),
            reference_name="json.loads only",
            check=check,
            note=f"{len(SCENARIO_TEXT):,} characters",
        ),
        Benchmark(
            "wire: from_json of the demo timeline",
            lambda: from_json(TIMELINE_TEXT, Timeline),
            target_us=20_000,
            reference=lambda: json.loads(TIMELINE_TEXT, parse_float=Decimal),
            reference_name="json.loads only",
            note=f"{len(TIMELINE_TEXT):,} characters",
        ),
        Benchmark(
            "wire: to_json of the demo timeline",
            lambda: to_json(TIMELINE),
            target_us=5_000,
            reference=lambda: json.dumps(TIMELINE_DATA, ensure_ascii=False, separators=(",", ":")),
            reference_name="json.dumps of the same plain data",
        ),
    ]
