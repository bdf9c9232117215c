"""Many tenants at once: scenarios simulated in a batch, in one process, over processes or on Dask.

:func:`simulate_many` plays every scenario and keeps only its rows (a timeline is dropped as soon
as its rows are taken, so memory stays flat however many tenants there are). It runs in this
process, over ``workers`` processes of this machine, or on any ``concurrent.futures`` executor;
:func:`simulate_bag` runs a ``dask.bag`` of scenarios on a Dask cluster into a Dask frame. The
results are the same whatever runs them: rows come back in the order the scenarios were given,
and each scenario's rows depend on that scenario alone.

:func:`compare` plays one scenario under several catalogs and conventions: one row per variant.

The tables (``table=``): ``"summary"``, one row per scenario (:data:`SUMMARY_COLUMNS`), or any
table of a timeline (``"invoices"``, ``"entries"``, ``"events"``, ``"refusals"``), each row led by
the scenario's name.

>>> from datetime import date
>>> from subcommerce.billing import BillingAccount, BillingAccountType, PaymentMethod
>>> from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
>>> from subcommerce.orders import Cart, NewSubscription, PlaceOrder
>>> from subcommerce.periods import BillingFrequency, Term
>>> from subcommerce.simulate import Scenario
>>> from subcommerce.subscriptions import Tenant
>>> plan = Plan("standard", DisplayName("Standard", "Standard"), offers=(
...     Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="36.00")),))
>>> catalog = Catalog("mine", DisplayName("Mine", "Le mien"), plans=(plan,))
>>> def tenant(seats):
...     account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "ana")
...     buy = PlaceOrder(actor="ana", as_of=date(2025, 1, 1), payment_method=PaymentMethod.CARD,
...         cart=Cart((NewSubscription(product_id="standard", quantity=seats),)))
...     return Scenario(name=f"{seats} seats", start=date(2025, 1, 1), currency="USD",
...         tenant=Tenant("contoso.com", account=account), catalog="mine", steps=(buy,))
>>> done = []
>>> table = simulate_many([tenant(10), tenant(20)], date(2025, 3, 31), catalogs=catalog,
...                       progress=done.append)
>>> [(row["scenario"], row["invoices"], row["invoiced"]) for row in table.rows()]
[('10 seats', 2, Decimal('720.00')), ('20 seats', 2, Decimal('1440.00'))]
>>> sum(done)
2
>>> cheaper = catalog.with_discount(10, id="ten-off")
>>> [(r["variant"], r["invoiced"]) for r in compare(tenant(10), date(2025, 3, 31),
...     catalogs={"list": catalog, "10% off": cheaper}).rows()]
[('list', Decimal('720.00')), ('10% off', Decimal('648.00'))]
"""

from __future__ import annotations

import concurrent.futures as futures
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Final

import attrs

from subcommerce import tables
from subcommerce._checks import expect, tuple_of
from subcommerce.catalog import Catalog
from subcommerce.errors import InvalidArgument, InvalidCommand, UnknownReference
from subcommerce.money import Money, money_from_units
from subcommerce.periods import check_date
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.simulate import Scenario, Timeline, invoice_units, simulate
from subcommerce.tables import Column, Table

__all__ = [
    "BATCH_TABLES",
    "SUMMARY_COLUMNS",
    "Catalogs",
    "compare",
    "simulate_bag",
    "simulate_many",
    "summary_record",
]

#: One scenario played: how far, how many invoices, what they add up to.
SUMMARY_COLUMNS: Final = (
    Column("scenario", "text"),
    Column("catalog", "text"),
    Column("convention", "text"),
    Column("start", "date"),
    Column("as_of", "date"),
    Column("invoices", "int"),
    Column("open_invoices", "int"),
    Column("entries", "int"),
    Column("events", "int"),
    Column("refused", "int"),
    Column("first_invoice", "money"),
    Column("last_invoice", "money"),
    Column("invoiced", "money"),
    Column("open", "money"),
    Column("net", "money"),
    Column("currency", "text"),
)

#: The tables a batch can keep.
BATCH_TABLES: Final = ("summary", *tables.TIMELINE_TABLES)

#: The catalogs a batch prices with: one, several (by their ids), or a mapping id -> catalog.
Catalogs = Catalog | Iterable[Catalog] | Mapping[str, Catalog]

_SCENARIO: Final = Column("scenario", "text")

#: The most worker processes :func:`simulate_many` starts on this machine.
MAX_WORKERS: Final = 256


def summary_record(timeline: Timeline) -> dict[str, object]:
    """One timeline as a :data:`SUMMARY_COLUMNS` record."""
    code = timeline.ledger.currency
    units = invoice_units(timeline)
    if units is None:
        invoices, still_open = timeline.invoices, timeline.open_invoices
        totals = [i.total for i in invoices]
        invoiced = Money.total(totals, code)
        open_total = Money.total((i.total for i in still_open), code)
        count, open_count = len(invoices), len(still_open)
        first = totals[0].amount if totals else None
        last = totals[-1].amount if totals else None
    else:  # the invoices' totals from the rows the timeline keeps, no invoice built
        issued, open_units = units
        invoiced = money_from_units(sum(issued), code)
        open_total = money_from_units(sum(open_units), code)
        count, open_count = len(issued), len(open_units)
        first = money_from_units(issued[0], code).amount if count else None
        last = money_from_units(issued[-1], code).amount if count else None
    return {
        "scenario": timeline.scenario.name,
        "catalog": timeline.catalog_id,
        "convention": timeline.scenario.convention.name,
        "start": timeline.scenario.start,
        "as_of": timeline.as_of,
        "invoices": count,
        "open_invoices": open_count,
        "entries": len(timeline.ledger),  # without building the entries
        "events": len(timeline.events),
        "refused": len(timeline.refused),
        "first_invoice": first,
        "last_invoice": last,
        "invoiced": invoiced.amount,
        "open": open_total.amount,
        "net": timeline.ledger.net.amount,
        "currency": code.code,
    }


def _columns(table: str) -> tuple[Column, ...]:
    expect(table, str, "table")
    if table == "summary":
        return SUMMARY_COLUMNS
    if table not in tables.TIMELINE_TABLES:
        raise UnknownReference(
            f"a batch has no table {table!r}; expected one of {', '.join(BATCH_TABLES)}"
        )
    return (_SCENARIO, *tables.timeline_columns(table))


def _records(timeline: Timeline, table: str) -> list[dict[str, object]]:
    if table == "summary":
        return [summary_record(timeline)]
    name = timeline.scenario.name
    return [{"scenario": name, **row} for row in tables.timeline_table(timeline, table).rows()]


def _catalog_index(catalogs: Catalogs) -> dict[str, Catalog]:
    if isinstance(catalogs, Catalog):
        return {catalogs.id: catalogs}
    if isinstance(catalogs, Mapping):
        items = list(catalogs.values())
    else:
        items = list(tuple_of(catalogs, "catalogs"))
    index: dict[str, Catalog] = {}
    for catalog in items:
        if not isinstance(catalog, Catalog):
            raise InvalidCommand(f"not a catalog: {catalog!r}")
        index[catalog.id] = catalog
    return index


@attrs.frozen
class _Job:
    """What every scenario of a batch shares; sent once to each worker process."""

    catalogs: Mapping[str, Catalog]
    until: date | None
    policy: Policy
    table: str

    def run(self, scenarios: Sequence[Scenario]) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for scenario in scenarios:
            if not isinstance(scenario, Scenario):
                raise InvalidCommand(f"not a scenario: {scenario!r}")
            catalog = self.catalogs.get(scenario.catalog)
            if catalog is None:
                raise UnknownReference(
                    f"scenario {scenario.name!r} is priced with catalog {scenario.catalog!r}, "
                    f"which is not among {', '.join(self.catalogs) or 'no catalogs'}"
                )
            timeline = simulate(scenario, self.until, catalog=catalog, policy=self.policy)
            out.extend(_records(timeline, self.table))
        return out


_WORKER_JOB: list[_Job] = []  # the job of this worker process, set by its initializer


def _start_worker(job: _Job) -> None:
    _WORKER_JOB[:] = [job]


def _run_in_worker(scenarios: Sequence[Scenario]) -> list[dict[str, object]]:
    return _WORKER_JOB[0].run(scenarios)


def _run_with(job: _Job, scenarios: Sequence[Scenario]) -> list[dict[str, object]]:
    return job.run(scenarios)


def _chunks(scenarios: Iterable[Scenario], size: int) -> Iterator[list[Scenario]]:
    chunk: list[Scenario] = []
    for scenario in scenarios:
        chunk.append(scenario)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_order(
    submit: Callable[[list[Scenario]], futures.Future[list[dict[str, object]]]],
    chunks: Iterator[list[Scenario]],
    window: int,
) -> Iterator[tuple[int, list[dict[str, object]]]]:
    """Results chunk by chunk, in submission order, with at most ``window`` chunks in flight."""
    pending: deque[tuple[int, futures.Future[list[dict[str, object]]]]] = deque()
    for chunk in chunks:
        pending.append((len(chunk), submit(chunk)))
        if len(pending) >= window:
            size, future = pending.popleft()
            yield size, future.result()
    while pending:
        size, future = pending.popleft()
        yield size, future.result()


def simulate_many(
    scenarios: Iterable[Scenario],
    until: date | None = None,
    *,
    catalogs: Catalogs,
    policy: Policy = DEFAULT_POLICY,
    table: str = "summary",
    workers: int | None = None,
    executor: futures.Executor | None = None,
    chunksize: int = 32,
    progress: Callable[[int], object] | None = None,
) -> Table:
    """Every scenario simulated through ``until`` (or its own), keeping only ``table``'s rows.

    ``catalogs``: the catalog(s) the scenarios name. ``workers``: run over that many processes
    of this machine (None or 1: in this process); ``executor``: or on this executor instead (its
    jobs get the catalogs with every chunk). ``chunksize``: scenarios per job. ``progress``:
    called with the number of scenarios just finished (``tqdm(total=n).update`` fits). Scenarios
    are read lazily, so a generator of a million tenants is fine; rows come back in its order.
    """
    # Everything is checked here, before any executor or process is started.
    columns = _columns(table)  # an unknown table raises the error that names the tables
    if isinstance(scenarios, str | bytes | Mapping) or not isinstance(scenarios, Iterable):
        raise InvalidArgument(f"scenarios must be an iterable of scenarios, got {scenarios!r:.80}")
    if until is not None:
        check_date(until, "until")
    expect(policy, Policy, "policy")
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise InvalidCommand(f"chunksize must be a positive int, got {chunksize!r:.80}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)):
        raise InvalidCommand(f"workers must be an int, got {workers!r:.80}")
    if workers is not None and not 0 <= workers <= MAX_WORKERS:
        raise InvalidCommand(f"workers must be from 0 to {MAX_WORKERS}, got {workers!r:.80}")
    if executor is not None:
        expect(executor, futures.Executor, "executor")
    if progress is not None and not callable(progress):
        raise InvalidArgument(f"progress must be callable, got {progress!r:.80}")
    job = _Job(_catalog_index(catalogs), until, policy, table)
    chunks = _chunks(scenarios, chunksize)
    records: list[dict[str, object]] = []

    def keep(done: int, rows: list[dict[str, object]]) -> None:
        records.extend(rows)
        if progress is not None:
            progress(done)

    if executor is not None:
        for done, rows in _in_order(lambda c: executor.submit(_run_with, job, c), chunks, 4):
            keep(done, rows)
    elif workers is None or workers <= 1:
        for chunk in chunks:
            keep(len(chunk), job.run(chunk))
    else:
        with futures.ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(job,)
        ) as pool:
            for done, rows in _in_order(
                lambda c: pool.submit(_run_in_worker, c), chunks, 2 * workers
            ):
                keep(done, rows)
    return Table(table, columns, records)


def compare(
    scenario: Scenario,
    until: date | None = None,
    *,
    catalogs: Mapping[str, Catalog] | None = None,
    conventions: Iterable[str] | None = None,
    catalog: Catalog | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Table:
    """``scenario`` under each catalog (by label) and each convention: one summary row each.

    ``catalogs``: label -> catalog (each variant is priced with it, whatever catalog the
    scenario names); or ``catalog``: one catalog for every convention. ``conventions``: preset
    names (the scenario's own by default). Rows are led by a ``variant`` column.
    """
    expect(scenario, Scenario, "scenario")
    if until is not None:
        check_date(until, "until")
    expect(policy, Policy, "policy")
    if catalogs is None:
        if catalog is None:
            raise InvalidCommand("compare needs catalogs (label -> catalog) or a catalog")
        catalogs = {expect(catalog, Catalog, "catalog").id: catalog}
    if not isinstance(catalogs, Mapping):
        raise InvalidArgument(f"catalogs must be a mapping label -> catalog, got {catalogs!r:.80}")
    for label, priced in catalogs.items():
        expect(label, str, "a catalog label")
        expect(priced, Catalog, f"catalog {label!r}")
    wanted = (scenario.convention,) if conventions is None else tuple_of(conventions, "conventions")
    several = len(wanted) > 1
    records = []
    for label, priced in catalogs.items():
        for convention in wanted:
            variant = attrs.evolve(scenario, catalog=priced.id, convention=convention)
            timeline = simulate(variant, until, catalog=priced, policy=policy)
            name = f"{label} / {variant.convention.name}" if several else label
            records.append({"variant": name, **summary_record(timeline)})
    return Table("comparison", (Column("variant", "text"), *SUMMARY_COLUMNS), records)


def _frame_of(
    scenarios: Sequence[Scenario], job: _Job, columns: tuple[Column, ...], scale: int
) -> Any:
    return Table(job.table, columns, job.run(list(scenarios))).to_pandas(money_scale=scale)


def simulate_bag(
    bag: Any,
    until: date | None = None,
    *,
    catalogs: Catalogs,
    policy: Policy = DEFAULT_POLICY,
    table: str = "summary",
    money_scale: int | None = None,
) -> Any:
    """A ``dask.bag`` of scenarios -> a lazy ``dask.dataframe`` of their rows, one partition each.

    Needs ``subcommerce[dask]``. Every partition is built with the same exact dtypes; its money
    columns get ``money_scale`` decimals (by default the most minor-unit decimals among the
    catalogs' currencies, 2 for USD). ``.compute()`` gives the frame ``simulate_many`` would
    give, in the bag's order.
    """
    dask, dd, db = tables.require("simulate_bag()", "dask", "dask.dataframe", "dask.bag")
    expect(bag, db.Bag, "bag")
    columns = _columns(table)
    if until is not None:
        check_date(until, "until")
    expect(policy, Policy, "policy")
    if money_scale is not None:
        tables.check_scale(money_scale)
    index = _catalog_index(catalogs)
    if money_scale is None:
        exponents = [c.exponent for catalog in index.values() for c in catalog.currencies]
        money_scale = max(exponents, default=2)
    job = dask.delayed(_Job(index, until, policy, table), pure=True)
    meta = Table(table, columns, []).to_pandas(money_scale=money_scale)
    parts = [
        dask.delayed(_frame_of, pure=True)(part, job, columns, money_scale)
        for part in bag.to_delayed()
    ]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)
