"""Many tenants: simulate_many in this process, over processes, on an executor and on Dask."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import attrs
import dask.bag
import distributed
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tqdm import tqdm

from strategies_orders import scenarios
from subcommerce import (
    BillingAccount,
    BillingAccountType,
    InvalidCommand,
    MissingExtra,
    PaymentMethod,
    Role,
    RoleAssignment,
    Tenant,
    UnknownReference,
    default_catalog,
    simulate_bag,
    simulate_many,
)
from subcommerce.catalog import Catalog
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder
from subcommerce.simulate import Scenario, simulate

CATALOG = default_catalog()
ANA = "ana@contoso.com"


def tenant(i: int) -> Scenario:
    """The i-th synthetic tenant: Business Standard bought on a day of 2025, changed a year on."""
    account = BillingAccount(
        f"account-{i}", BillingAccountType.MOSA, (RoleAssignment(ANA, Role.GLOBAL_ADMIN),)
    )
    start = date(2025, 1 + i % 12, 1 + i % 28)
    buy = PlaceOrder(
        actor=ANA,
        as_of=start,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(
                    product_id="m365-business-standard", quantity=1 + i % 50, subscription_id="s"
                ),
            )
        ),
    )
    change = PlaceOrder(
        actor=ANA,
        as_of=date(2026, start.month, 15),
        cart=Cart((ChangeLicenses(subscription_id="s", quantity=2 + i % 40),)),
    )
    return Scenario(
        name=f"tenant-{i}",
        start=start,
        tenant=Tenant(f"tenant-{i}.example", account=account),
        currency="USD",
        steps=(buy, change),
        until=date(2027, 12, 31),
    )


def test_a_summary_row_per_tenant_worked_out_by_hand() -> None:
    one = attrs.evolve(tenant(0), steps=tenant(0).steps[:1], until=date(2025, 3, 31))
    (row,) = simulate_many([one], catalogs=CATALOG).rows()
    # One seat of Business Standard (15.00 a month) from Jan 1: invoices Feb 1 and Mar 1,
    # Mar 1's charge open until Apr 1.
    assert row == {
        "scenario": "tenant-0",
        "catalog": "default",
        "convention": "exact",
        "start": date(2025, 1, 1),
        "as_of": date(2025, 3, 31),
        "invoices": 2,
        "open_invoices": 1,
        "entries": 3,
        "events": 3,  # bought, renewed Feb 1, renewed Mar 1
        "refused": 0,
        "first_invoice": Decimal("15.00"),
        "last_invoice": Decimal("15.00"),
        "invoiced": Decimal("30.00"),
        "open": Decimal("15.00"),
        "net": Decimal("45.00"),
        "currency": "USD",
    }


def test_a_batch_gives_what_each_simulation_gives_alone_in_the_order_given() -> None:
    batch = [tenant(i) for i in range(5)]
    rows = simulate_many(batch, catalogs=CATALOG, table="invoices").rows()
    expected = []
    for scenario in batch:
        timeline = simulate(scenario, catalog=CATALOG)
        expected.extend({"scenario": scenario.name, **r} for r in timeline.rows("invoices"))
    assert rows == expected


def test_progress_counts_every_scenario_and_tqdm_works_with_it() -> None:
    out = io.StringIO()
    with tqdm(total=7, file=out) as bar:
        simulate_many(
            (tenant(i) for i in range(7)), catalogs=CATALOG, chunksize=3, progress=bar.update
        )
        assert bar.n == 7
    calls: list[int] = []
    simulate_many(
        [tenant(i) for i in range(7)], catalogs=CATALOG, chunksize=3, progress=calls.append
    )
    assert calls == [3, 3, 1]


def test_scenarios_are_read_lazily() -> None:
    pulled: list[int] = []

    def lazily() -> Iterator[Scenario]:
        for i in range(40):
            pulled.append(i)
            yield tenant(i)

    seen: list[int] = []
    simulate_many(
        lazily(), catalogs=CATALOG, chunksize=4, progress=lambda n: seen.append(len(pulled))
    )
    assert seen[0] == 4  # the first chunk ran before the rest was read


def test_two_worker_processes_give_the_rows_one_process_gives() -> None:
    batch = [tenant(i) for i in range(6)]
    alone = simulate_many(batch, catalogs=CATALOG, table="entries").rows()
    assert (
        simulate_many(batch, catalogs=CATALOG, table="entries", workers=2, chunksize=2).rows()
        == alone
    )


def test_any_executor_gives_the_same_rows() -> None:
    batch = [tenant(i) for i in range(6)]
    alone = simulate_many(batch, catalogs=CATALOG).rows()
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert simulate_many(batch, catalogs=CATALOG, executor=pool, chunksize=1).rows() == alone


def test_a_scenario_on_a_catalog_not_given_is_named() -> None:
    stray = attrs.evolve(tenant(0), catalog="elsewhere")
    with pytest.raises(UnknownReference, match=r"tenant-0.*'elsewhere'"):
        simulate_many([stray], catalogs=[CATALOG])


def test_a_batch_refuses_what_is_not_a_scenario_or_a_table() -> None:
    with pytest.raises(InvalidCommand, match="not a scenario"):
        simulate_many(["tenant"], catalogs=CATALOG)  # type: ignore[list-item]
    with pytest.raises(UnknownReference, match="summary, entries"):
        simulate_many([], catalogs=CATALOG, table="lines")
    with pytest.raises(InvalidCommand, match="chunksize"):
        simulate_many([], catalogs=CATALOG, chunksize=0)
    with pytest.raises(InvalidCommand, match="not a catalog"):
        simulate_many([], catalogs=["default"])  # type: ignore[list-item]


def test_an_empty_batch_is_an_empty_table_with_its_columns() -> None:
    frame = simulate_many([], catalogs=CATALOG).to_pandas()
    assert len(frame) == 0
    assert str(frame.net.dtype) == "decimal128(38, 2)[pyarrow]"


@settings(max_examples=25)
@given(st.lists(scenarios(max_steps=4, max_days=200), min_size=1, max_size=5), st.randoms())
def test_results_do_not_depend_on_the_order_or_the_chunks(
    drawn: list[tuple[Scenario, Catalog]], random: object
) -> None:
    catalog = drawn[0][1]
    batch = [attrs.evolve(s, name=f"s{i}") for i, (s, _) in enumerate(drawn)]
    straight = simulate_many(batch, catalogs=catalog, table="invoices", chunksize=5).rows()
    shuffled = list(batch)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=2) as pool:
        other = simulate_many(
            shuffled, catalogs=catalog, table="invoices", chunksize=1, executor=pool
        ).rows()
    by_name = {s.name: [r for r in other if r["scenario"] == s.name] for s in batch}
    assert [r for s in batch for r in by_name[s.name]] == straight


def test_a_bag_on_a_local_dask_cluster_gives_the_frame_of_one_process() -> None:
    batch = [tenant(i) for i in range(8)]
    expected = simulate_many(batch, catalogs=CATALOG).to_pandas()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        lazy = simulate_bag(dask.bag.from_sequence(batch, npartitions=3), catalogs=CATALOG)
        frame = lazy.compute().reset_index(drop=True)
    assert list(frame.columns) == list(expected.columns)
    assert frame.dtypes.to_dict() == expected.dtypes.to_dict()
    assert frame.equals(expected)
    assert frame.net.sum() == expected.net.sum()


def test_without_dask_the_bag_path_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(MissingExtra, match=r"subcommerce\[dask\]"):
        simulate_bag([], catalogs=CATALOG)
