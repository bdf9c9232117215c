"""The edges of the batch runner, the tables and the plot: wrong arguments are typed errors.

A batch that may start worker processes checks everything it is given before it makes a pool.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import subcommerce.batch
import subcommerce.tables
from subcommerce import (
    DEFAULT_POLICY,
    InvalidAmount,
    InvalidArgument,
    InvalidChoice,
    InvalidCommand,
    InvalidDate,
    RoundingMode,
    SubcommerceError,
    UnknownReference,
    compare_variants,
    default_catalog,
    demo_scenario,
    run_scenario,
    simulate_many,
)

CATALOG = default_catalog()
SCENARIO = demo_scenario()


class _NoPool:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("a process pool was made for a refused batch")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"table": 3}, InvalidArgument),
        ({"table": "lines"}, UnknownReference),
        ({"until": "2025-01-31"}, InvalidDate),
        ({"until": datetime(2025, 1, 31, 12)}, InvalidDate),
        ({"policy": "pc-nce"}, InvalidArgument),
        ({"chunksize": True}, InvalidCommand),
        ({"workers": 10**6}, InvalidCommand),
        ({"workers": -1}, InvalidCommand),
        ({"workers": 2.0}, InvalidCommand),
        ({"executor": "threads"}, InvalidArgument),
        ({"progress": 3}, InvalidArgument),
        ({"catalogs": None}, InvalidArgument),
        ({"catalogs": "default"}, InvalidArgument),
    ],
)
def test_a_refused_batch_names_the_culprit_before_any_process_pool_is_made(
    monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any], error: type[SubcommerceError]
) -> None:
    monkeypatch.setattr(subcommerce.batch.futures, "ProcessPoolExecutor", _NoPool)
    arguments: dict[str, Any] = {"catalogs": CATALOG, "workers": 2, **kwargs}
    with pytest.raises(error):
        simulate_many([SCENARIO], **arguments)


def test_scenarios_that_are_a_string_or_a_single_scenario_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="scenarios"):
        simulate_many("tenant", catalogs=CATALOG)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="scenarios"):
        simulate_many(SCENARIO, catalogs=CATALOG)  # type: ignore[arg-type]


def test_compare_refuses_what_is_not_a_scenario_a_catalog_or_a_list_of_conventions() -> None:
    with pytest.raises(InvalidArgument, match="scenario"):
        compare_variants("demo", catalog=CATALOG)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="catalog"):
        compare_variants(SCENARIO, catalog="default")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="catalog 'list'"):
        compare_variants(SCENARIO, catalogs={"list": "default"})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgument, match="conventions"):
        compare_variants(SCENARIO, catalog=CATALOG, conventions="pc-nce")
    with pytest.raises(InvalidArgument, match="policy"):
        compare_variants(SCENARIO, catalog=CATALOG, policy=None)  # type: ignore[arg-type]


def test_a_discount_refuses_a_string_of_products_an_unknown_mode_and_a_numeric_id() -> None:
    with pytest.raises(InvalidArgument, match="products"):
        CATALOG.with_discount(10, products="m365-business-standard")
    with pytest.raises(InvalidArgument, match="mode"):
        CATALOG.with_discount(10, mode=2)  # type: ignore[arg-type]
    with pytest.raises(InvalidChoice):
        CATALOG.with_discount(10, mode="sideways")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="id"):
        CATALOG.with_discount(10, id=7)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="currency"):
        CATALOG.with_discount(10, currency=840)  # type: ignore[arg-type]
    assert CATALOG.with_discount(10, mode="half_up") == CATALOG.with_discount(
        10, mode=RoundingMode.HALF_UP
    )


def test_a_timeline_table_refuses_a_table_or_language_that_is_not_a_string() -> None:
    timeline = run_scenario(SCENARIO)
    with pytest.raises(InvalidArgument, match="table"):
        timeline.rows(["invoices"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="lang"):
        timeline.rows("refusals", lang=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="table"):
        timeline.to_pandas(1)  # type: ignore[arg-type]


def test_a_money_scale_is_an_int_a_decimal_column_can_hold() -> None:
    invoices = subcommerce.tables.timeline_table(run_scenario(SCENARIO), "invoices")
    with pytest.raises(InvalidArgument, match="money_scale"):
        invoices.to_pandas(money_scale=True)
    with pytest.raises(InvalidAmount, match="money_scale"):
        invoices.to_pandas(money_scale=77)
    with pytest.raises(InvalidAmount, match="money_scale"):
        invoices.to_pandas(money_scale=-1)


def test_a_plot_refuses_what_is_not_matplotlib_axes() -> None:
    with pytest.raises(InvalidArgument, match="ax"):
        run_scenario(SCENARIO).plot(ax="left")


def test_the_default_policy_is_still_accepted() -> None:
    assert len(simulate_many([SCENARIO], catalogs=CATALOG, policy=DEFAULT_POLICY)) == 1
