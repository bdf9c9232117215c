"""The command line: ``demo`` (the scenario, and ``--proration``), ``simulate FILE``, ``--json``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from subcommerce._convert import from_data
from subcommerce.cli import main
from subcommerce.proration import PRESETS
from subcommerce.simulate import Timeline


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


def test_demo_proration_prices_5_more_licenses_on_the_15th_at_98_71() -> None:
    # 5 x 36.00 x 17/31 = 98.709677... -> 98.71
    text = run("demo", "--proration")
    assert "100 licenses at 36.00 USD a month" in text
    assert "17/31" in text
    assert "98.709677..." in text
    assert "Net of the change: 98.71 USD" in text


def test_demo_explains_the_credit_and_both_rebills() -> None:
    # 100 x 36 x 14/31 = 1625.806451...; 105 x 36 x 17/31 = 2072.903225...
    text = run("demo", "--proration")
    assert "-3600.00" in text
    assert "1625.806451..." in text
    assert "1625.81" in text
    assert "2072.903225..." in text
    assert "2072.90" in text
    assert "credit: -(100 x 36.00 USD x 31/31 days" in text


def test_demo_shows_the_same_change_under_every_preset() -> None:
    text = run("demo", "--proration")
    for name in PRESETS:
        assert name in text


def test_demo_text_is_the_same_on_every_run() -> None:
    assert run("demo", "--proration") == run("demo", "--proration")


def test_an_unknown_command_is_refused_by_the_parser_with_exit_status_2() -> None:
    assert main(["frobnicate"], out=io.StringIO()) == 2


# -- JSON ---------------------------------------------------------------------------------------


def test_demo_json_has_no_float_and_every_amount_is_a_decimal_string() -> None:
    data = json.loads(run("demo", "--proration", "--json"), parse_float=refuse_float)
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
    data = json.loads(run("demo", "--proration", "--json"), parse_float=refuse_float)
    assert data["purchase"]["amount"] == {"amount": "98.71", "currency": "USD"}
    assert data["net"] == {"amount": "98.71", "currency": "USD"}
    change = data["credit_and_rebill"]
    lines = [change["credit"], *change["rebills"]]
    assert [line["amount"]["amount"] for line in lines] == ["-3600.00", "1625.81", "2072.90"]
    assert [line["kind"] for line in lines] == ["credit", "rebill", "rebill"]
    assert sum(Decimal(line["amount"]["amount"]) for line in lines) == Decimal("98.71")
    assert change["change_date"] == "2025-01-15"


def test_demo_json_is_byte_identical_across_runs() -> None:
    assert run("demo", "--proration", "--json") == run("demo", "--proration", "--json")


@pytest.mark.parametrize(
    "argv", [("demo", "--json"), ("demo", "--proration", "--json")], ids=["scenario", "proration"]
)
def test_demo_json_is_byte_identical_in_fresh_interpreters_with_any_hash_seed(
    argv: tuple[str, ...],
) -> None:
    """No set or dict ordering, clock or randomness leaks into the output."""
    expected = run(*argv)
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-m", "subcommerce", *argv],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert result.stdout == expected


# -- the demo scenario and simulate -----------------------------------------------------------


def test_demo_runs_the_small_business_scenario_and_prints_its_invoices() -> None:
    text = run("demo")
    assert "What-if 'small-business'" in text
    assert "Amounts exclude taxes" in text
    # The mid-period purchase: 5 x 15.00 x 17/31 = 41.129... -> 41.13 on the first invoice.
    assert "41.13" in text
    assert "Invoice order-1/2025-02-01" in text
    assert "total 191.13 USD" in text
    assert "17/31" in text
    assert "Invoice order-3/2025-03-10" in text  # the add-on's own order under MOSA
    assert "total 600.00 USD" in text
    # The change of plan on Mar 17: 15 x 15.00 x 15/31 = 108.870... -> 108.87 refunded, and
    # Business Premium's own month from Mar 17: 15 x 26.40 = 396.00 (docs/scenarios.md).
    assert "plan change refund" in text
    assert "-108.87" in text
    assert "Invoice order-4/2025-04-17" in text
    assert "Open statement order-4/2025-05-17" in text


def test_demo_shows_the_refused_request_with_its_reason() -> None:
    text = run("demo")
    assert "refused" in text
    assert "the new total is below the 12 licenses assigned; unassign some first" in text


def test_demo_text_of_the_scenario_is_the_same_on_every_run() -> None:
    assert run("demo") == run("demo")


def test_demo_json_is_the_timeline_as_plain_data_and_loads_back() -> None:
    data = json.loads(run("demo", "--json"), parse_float=refuse_float)
    timeline = from_data(data["timeline"], Timeline)
    assert str(timeline.invoices[0].total) == "191.13 USD"
    for money in money_values(data):
        assert isinstance(money["amount"], str)
        Decimal(money["amount"])


SCENARIO = """
name = "mine"
start = 2025-01-01
until = 2025-03-31
currency = "USD"

[tenant]
organization = "fabrikam.com"
[tenant.account]
id = "fabrikam"
type = "mosa"
roles = [{ principal = "kim@fabrikam.com", role = "global_admin" }]

[[steps]]
type = "place_order"
as_of = 2025-01-10
actor = "kim@fabrikam.com"
payment_method = "card"
[[steps.cart]]
type = "new_subscription"
product_id = "m365-business-premium"
quantity = 3
"""


def test_simulate_prints_the_invoices_of_a_scenario_file(tmp_path: Any) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    text = run("simulate", str(path))
    # Business Premium month to month: 26.40 x 3 = 79.20 per month from Jan 10.
    assert "Invoice order-1/2025-02-10" in text
    assert "total 79.20 USD" in text
    short = run("simulate", str(path), "--until", "2025-02-09")
    assert "Invoice order-1/2025-02-10" not in short
    assert "Open statement order-1/2025-02-10" in short


def test_simulate_json_is_byte_identical_for_the_same_input(tmp_path: Any) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    first = run("simulate", str(path), "--json")
    assert first == run("simulate", str(path), "--json")
    assert json.loads(first, parse_float=refuse_float)["timeline"]["as_of"] == "2025-03-31"


def test_simulate_reports_a_bad_file_on_stderr_with_exit_status_3(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SCENARIO.replace("quantity = 3", "quantity = 0"), encoding="utf-8")
    assert main(["simulate", str(path)], out=io.StringIO()) == 3
    assert "quantity" in capsys.readouterr().err
    assert main(["simulate", str(tmp_path / "missing.toml")], out=io.StringIO()) == 3
    assert main(["simulate", str(path), "--until", "soon"], out=io.StringIO()) == 3
