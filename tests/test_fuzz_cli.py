"""Fuzz of the command line, run in-process (``cli.main(argv)``): bad files and bad arguments.

Files are random bytes, random text, and the embedded scenario and catalog (TOML and JSON) with
lines dropped, swapped or given wrong values; argument lists are drawn from the CLI's own words
and wrong ones. Every run must end with a documented exit status (0 done, 2 usage, 3 bad input,
4 refused steps; 1, an internal error, is a bug), never a traceback, within a second; a non-zero
status says why on stderr; the file read is unchanged. The count of runs is printed at the end.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SUMMARY
from subcommerce import dump_scenario, parse_scenario
from subcommerce._builtin import builtin_text
from subcommerce.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main

LIMIT_S = 10.0  # a hang guard: the 1 s figure is measured in long runs, not asserted
RUNS = {"count": 0}
#: FUZZ_EXAMPLES=n runs each fuzz property n times (the profile's count otherwise).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", settings.default.max_examples))
DOCUMENTED = {EXIT_OK, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_REFUSED}

SCENARIO_TOML = (
    resources.files("subcommerce")
    .joinpath("data", "scenarios", "small-business.toml")
    .read_text("utf-8")
)
SCENARIO_JSON = json.dumps(dump_scenario(parse_scenario(SCENARIO_TOML)), indent=1)
CATALOG_TOML = builtin_text("office365-2015")

# Values that replace a right one: wrong types, out of range, huge, inexact, malformed.
WRONG = [
    '"x"',
    "-1",
    "0",
    "12.9",
    "1e999999999",
    '"1e999999999"',
    "true",
    '"false"',
    "[]",
    "{}",
    '""',
    "2025-13-01",
    "1899-12-31",
    "3025-01-01",
    "9999-12-31",
    '"2025-02-30"',
    "10000000000",
    '"P9Y"',
    '"EUR"',
    '"pc-nce"',
    '"' + "x" * 300 + '"',
]


@st.composite
def mutated(draw: st.DrawFn, text: str, json_text: bool = False) -> str:
    """``text`` with a few lines dropped, duplicated or given a wrong value."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "copy", "value", "value", "value"]))
        if action == "drop":
            del lines[index]
        elif action == "copy":
            lines.insert(index, lines[index])
        else:
            wrong = draw(st.sampled_from(WRONG))
            separator = ":" if json_text else "="
            head, sep, _ = lines[index].partition(separator)
            if sep:
                comma = "," if json_text and lines[index].rstrip().endswith(",") else ""
                lines[index] = f"{head}{sep} {wrong}{comma}"
    return "\n".join(lines) + "\n"


FILES = st.one_of(
    st.binary(max_size=200).map(lambda b: ("toml", b)),
    st.text(max_size=200).map(lambda t: ("toml", t.encode("utf-8", "surrogatepass"))),
    mutated(SCENARIO_TOML).map(lambda t: ("toml", t.encode())),
    mutated(SCENARIO_JSON, json_text=True).map(lambda t: ("json", t.encode())),
    mutated(CATALOG_TOML).map(lambda t: ("catalog", t.encode())),
)
WORDS = [
    "demo",
    "simulate",
    "catalog",
    "--json",
    "--proration",
    "--until",
    "2025-02-01",
    "2025-99-01",
    "soon",
    "2124-12-31",
    "--lang",
    "fr",
    "de",
    "--catalog",
    "office365-2015",
    "nope",
    "--file",
    "--version",
    "-x",
    "",
]


def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with stdout and stderr captured; fails past the time limit."""
    RUNS["count"] += 1
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv, out=out)
    elapsed = time.perf_counter() - started
    assert elapsed < LIMIT_S, f"{argv} took {elapsed:.2f} s"
    return code, out.getvalue(), err.getvalue()


def check(code: int, err: str) -> None:
    assert code in DOCUMENTED, (code, err)
    assert "Traceback" not in err
    if code in (EXIT_USAGE, EXIT_BAD_INPUT):
        assert err.strip(), "a refusal says why on stderr"
    if code == EXIT_BAD_INPUT:
        first, *rest = err.strip().splitlines()
        assert first.startswith(("error: ", "erreur : "))  # said in the reader's language
        assert all(re.match(r"- ", line) for line in rest), "one line, or a list of problems"


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    SUMMARY.append(f"CLI fuzz: {RUNS['count']} runs of the command line")


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(file=FILES, extra=st.lists(st.sampled_from(WORDS), max_size=3))
def test_a_bad_file_ends_with_a_documented_status_and_no_traceback(
    tmp_path: Path, file: tuple[str, bytes], extra: list[str]
) -> None:
    kind, content = file
    path = tmp_path / ("file.json" if kind == "json" else "file.toml")
    path.write_bytes(content)
    argv = ["catalog", "--file", str(path)] if kind == "catalog" else ["simulate", str(path)]
    code, _, err = run([*argv, *extra])
    check(code, err)
    assert path.read_bytes() == content, "the file read is unchanged"


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(words=st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=5))
def test_bad_arguments_end_with_a_documented_status_and_no_traceback(
    tmp_path: Path, words: list[str]
) -> None:
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO_TOML, encoding="utf-8")
    argv = [str(path) if w == "FILE" else w for w in words]
    code, _, err = run(argv)
    check(code, err)


# -- every exit status, by example ------------------------------------------------------------


def test_version_prints_the_version_and_exits_0() -> None:
    code, out, _ = run(["--version"])
    assert (code, out.strip()) == (EXIT_OK, "subcommerce 0.1.0")


def test_an_unknown_option_is_a_usage_error_with_status_2() -> None:
    code, _, err = run(["catalog", "--colour"])
    assert code == EXIT_USAGE == 2
    assert "unrecognized arguments: --colour" in err


def test_a_file_that_is_not_utf8_is_bad_input_with_status_3(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    code, _, err = run(["simulate", str(path)])
    assert code == EXIT_BAD_INPUT == 3
    assert err == "error: scenario: not UTF-8 text (byte 0xe9 at offset 11)\n"


def test_a_catalog_with_faults_lists_every_problem_with_status_3(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(CATALOG_TOML.replace('id = "o365-2015-e1"', 'id = "o365-2015-e9"', 1))
    code, _, err = run(["catalog", "--file", str(path)])
    assert code == 3
    first, *problems = err.strip().splitlines()
    assert first.startswith("error: catalog has ")
    assert problems
    assert all(p.startswith("- ") for p in problems)


def test_a_scenario_with_a_refused_step_exits_4_after_printing_its_timeline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "demo.toml"
    path.write_text(SCENARIO_TOML, encoding="utf-8")  # its last step is refused
    code, out, err = run(["simulate", str(path)])
    assert (code, err) == (EXIT_REFUSED, "")
    assert code == 4
    assert "Refused, and why (nothing changed):" in out


def test_a_scenario_that_runs_through_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "fine.toml"
    path.write_text(SCENARIO_TOML, encoding="utf-8")
    code, _, _ = run(["simulate", str(path), "--until", "2025-02-01"])  # before the refusal
    assert code == EXIT_OK


def test_the_demo_exits_0_although_its_scenario_shows_a_refusal() -> None:
    assert run(["demo"])[0] == EXIT_OK


def test_an_internal_error_is_one_line_with_status_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> int:
        raise KeyError("boom")

    monkeypatch.setattr("subcommerce.cli._demo", broken)
    code, _, err = run(["demo"])
    assert code == 1
    assert err.startswith("internal error: KeyError: 'boom' (a bug in subcommerce 0.1.0")
    assert err.count("\n") == 1


def test_a_path_with_a_nul_byte_is_bad_input_with_status_3() -> None:
    # Found by the argument fuzz: open() refuses such a path with a ValueError, not an OSError.
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["simulate", "a\x00b.toml"], out=io.StringIO()) == EXIT_BAD_INPUT
    assert err.getvalue().count("\n") == 1
    assert "not a valid path" in err.getvalue()
