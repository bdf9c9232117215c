"""The behaviour corpus: the JSON of the demo's and of generated scenarios' timelines, to compare.

    python benchmarks/corpus.py write DIR [--count N]   # write DIR/demo.json, DIR/0000.json, ...
    python benchmarks/corpus.py replay BASE DIR         # play BASE's recorded scenarios into DIR
    python benchmarks/corpus.py --compare DIR_A DIR_B   # byte for byte; exit 1 on any difference

An engine change must not change what the engine answers. This script records the wire format
(``to_json``) of every timeline it plays: the embedded demo scenario, and ``--count`` scenarios
drawn by ``subcommerce.strategies.scenarios`` with Hypothesis derandomized (the same scenarios on
every run of the same strategies), each played whole and, for every fourth, also played in two
stretches (``resume``), which must give the same text. A scenario the engine refuses is recorded
as the error's class and message. Record a baseline with ``main`` on the path
(``PYTHONPATH=../main-tree/src python benchmarks/corpus.py write /tmp/base``), then the branch,
then compare. Not part of the library: it writes files.

``write`` also keeps the scenarios it drew, with their catalogs, as JSON (``DIR/scenarios.jsonl``,
one ``[scenario, catalog]`` a line), and ``replay`` reads them back (``from_json``) and plays those
very scenarios again with the engine on the path. Compare a branch with ``replay``, not with a
second ``write``: Hypothesis seeds its draws with the literals it finds in the source of the
modules under test, so a new number or short text anywhere in ``src/`` draws other scenarios
(and other files) although the engine answers the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

import subcommerce
from subcommerce import from_json, to_json
from subcommerce.catalog import Catalog
from subcommerce.simulate import Scenario, begin, resume, simulate
from subcommerce.strategies import scenarios


def _played(scenario: object, catalog: object, halves: bool) -> str:
    try:
        timeline = simulate(scenario, catalog=catalog)  # type: ignore[arg-type]
        text = to_json(timeline, indent=1)
        if halves:
            start, end = scenario.start, scenario.until  # type: ignore[attr-defined]
            middle = start + timedelta(days=(end - start).days // 2)
            first = resume(begin(scenario, catalog=catalog), middle, catalog=catalog)  # type: ignore[arg-type]
            second = resume(first, end, catalog=catalog)  # type: ignore[arg-type]
            text += "\n--- played in two stretches ---\n" + to_json(second, indent=1)
        return text + "\n"
    except subcommerce.SubcommerceError as error:
        return f"refused: {type(error).__name__}: {error}\n"


_SCENARIOS = "scenarios.jsonl"


def _demo(folder: Path) -> None:
    from subcommerce import demo_scenario, run_scenario

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demo.json").write_text(to_json(run_scenario(demo_scenario()), indent=1) + "\n")


def write(folder: Path, count: int) -> int:
    _demo(folder)
    drawn: list[int] = [0]
    kept: list[str] = []

    @settings(
        derandomize=True,
        database=None,
        max_examples=count,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(scenarios(max_steps=10, max_days=400))
    def record(pair: tuple[object, object]) -> None:
        if drawn[0] >= count:
            return
        scenario, catalog = pair
        index = drawn[0]
        drawn[0] += 1
        kept.append(json.dumps([to_json(scenario), to_json(catalog)]) + "\n")
        text = _played(scenario, catalog, halves=index % 4 == 0)
        (folder / f"{index:04d}.json").write_text(text)

    record()
    (folder / _SCENARIOS).write_text("".join(kept))
    print(f"wrote the demo and {drawn[0]} generated scenarios to {folder}")
    return 0


def replay(base: Path, folder: Path) -> int:
    kept = (base / _SCENARIOS).read_text().splitlines()
    _demo(folder)
    for index, pair in enumerate(kept):
        scenario_text, catalog_text = json.loads(pair)
        scenario = from_json(scenario_text, Scenario)
        catalog = from_json(catalog_text, Catalog)
        text = _played(scenario, catalog, halves=index % 4 == 0)
        (folder / f"{index:04d}.json").write_text(text)
    print(f"replayed the demo and {len(kept)} scenarios of {base} to {folder}")
    return 0


def compare(left: Path, right: Path) -> int:
    names = sorted({p.name for p in left.glob("*.json")} | {p.name for p in right.glob("*.json")})
    differ = [
        name
        for name in names
        if not (left / name).is_file()
        or not (right / name).is_file()
        or (left / name).read_bytes() != (right / name).read_bytes()
    ]
    for name in differ[:20]:
        print(f"differs: {name}")
    print(f"{len(names)} files, {len(names) - len(differ)} byte-identical, {len(differ)} differ")
    return 1 if differ or not names else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare", nargs=2, metavar=("DIR_A", "DIR_B"))
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("command", nargs="*", help="write DIR, or replay BASE DIR")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(Path(args.compare[0]), Path(args.compare[1]))
    if len(args.command) == 2 and args.command[0] == "write":
        return write(Path(args.command[1]), args.count)
    if len(args.command) == 3 and args.command[0] == "replay":
        return replay(Path(args.command[1]), Path(args.command[2]))
    parser.error("expected 'write DIR', 'replay BASE DIR' or '--compare DIR_A DIR_B'")
    return 2


if __name__ == "__main__":
    sys.exit(main())
