"""The command line: ``python -m subcommerce demo`` and its ``--json`` form."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from subcommerce.cli import main
from subcommerce.proration import PRESETS


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == 0
    return out.getvalue()


def refuse_float(number: str) -> Any:
    raise AssertionError(f"a float in the JSON: {number}")


def leaves(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in leaves(value)]
    return [data]


def money_values(data: Any) -> list[Any]:
    """Every {"amount": ..., "currency": ...} object in the data."""
    found = []
    if isinstance(data, dict):
        if set(data) == {"amount", "currency"}:
            found.append(data)
        for value in data.values():
            found.extend(money_values(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(money_values(value))
    return found


# -- text ---------------------------------------------------------------------------------------


def test_demo_prices_5_more_licenses_on_the_15th_at_98_71() -> None:
    # 5 x 36.00 x 17/31 = 98.709677... -> 98.71
    text = run("demo")
    assert "100 licenses at 36.00 USD a month" in text
    assert "17/31" in text
    assert "98.709677..." in text
    assert "Net of the change: 98.71 USD" in text


def test_demo_explains_the_credit_and_both_rebills() -> None:
    # 100 x 36 x 14/31 = 1625.806451...; 105 x 36 x 17/31 = 2072.903225...
    text = run("demo")
    assert "-3600.00" in text
    assert "1625.806451..." in text
    assert "1625.81" in text
    assert "2072.903225..." in text
    assert "2072.90" in text
    assert "credit: -(100 x 36.00 USD x 31/31 days" in text


def test_demo_shows_the_same_change_under_every_preset() -> None:
    text = run("demo")
    for name in PRESETS:
        assert name in text


def test_demo_text_is_the_same_on_every_run() -> None:
    assert run("demo") == run("demo")


def test_an_unknown_command_is_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"], out=io.StringIO())
    assert caught.value.code == 2


# -- JSON ---------------------------------------------------------------------------------------


def test_demo_json_has_no_float_and_every_amount_is_a_decimal_string() -> None:
    data = json.loads(run("demo", "--json"), parse_float=refuse_float)
    assert not any(isinstance(leaf, float) for leaf in leaves(data))
    amounts = money_values(data)
    assert amounts
    for money in amounts:
        assert isinstance(money["amount"], str)
        Decimal(money["amount"])  # a number written as a string
        assert money["currency"] == "USD"
    # The only JSON numbers are whole counts (quantities); booleans and null are not numbers.
    numbers = [leaf for leaf in leaves(data) if type(leaf) is int]
    assert all(n in (5, 100, 105) for n in numbers)


def test_demo_json_gives_the_purchase_the_lines_and_the_net() -> None:
    data = json.loads(run("demo", "--json"), parse_float=refuse_float)
    assert data["purchase"]["amount"] == {"amount": "98.71", "currency": "USD"}
    assert data["net"] == {"amount": "98.71", "currency": "USD"}
    change = data["credit_and_rebill"]
    lines = [change["credit"], *change["rebills"]]
    assert [line["amount"]["amount"] for line in lines] == ["-3600.00", "1625.81", "2072.90"]
    assert [line["kind"] for line in lines] == ["credit", "rebill", "rebill"]
    assert sum(Decimal(line["amount"]["amount"]) for line in lines) == Decimal("98.71")
    assert change["change_date"] == "2025-01-15"


def test_demo_json_is_byte_identical_across_runs() -> None:
    assert run("demo", "--json") == run("demo", "--json")


def test_demo_json_is_byte_identical_in_fresh_interpreters_with_any_hash_seed() -> None:
    """No set or dict ordering, clock or randomness leaks into the output."""
    expected = run("demo", "--json")
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-m", "subcommerce", "demo", "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert result.stdout == expected
