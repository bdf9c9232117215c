"""A timeline's invoices are its ledger's entries grouped by invoice group and statement.

The reference here groups the entries the obvious way (a dict keyed by the group's kind and id
and the statement's days, ordered by the statement's end, the group, then the statement's
start), independently of the rows the engine groups; the engine's invoices must match it
invoice for invoice, line for line, total for total, whatever the order of the entries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from strategies_orders import minor_units, scenarios
from subcommerce.catalog import Catalog
from subcommerce.invoices import Invoice, Ledger, LedgerEntry, build_invoices
from subcommerce.simulate import Scenario, simulate
from subcommerce.subscriptions import Tenant

Key = tuple[date, str, str, date]


def _reference(
    entries: tuple[LedgerEntry, ...], until: date
) -> tuple[list[tuple[Key, list[str], int]], list[tuple[Key, list[str], int]]]:
    """(issued, open): per invoice its key, its entries' ids in ledger order, its minor units."""
    grouped: dict[Key, list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        key = (entry.statement.end, entry.group.kind, entry.group.id, entry.statement.start)
        grouped[key].append(entry)
    done = [
        (key, [e.id for e in grouped[key]], sum(minor_units(e.amount) for e in grouped[key]))
        for key in sorted(grouped)
    ]
    return [i for i in done if i[0][0] <= until], [i for i in done if i[0][0] > until]


def _seen(invoices: tuple[Invoice, ...]) -> list[tuple[Key, list[str], int]]:
    return [
        (
            (i.period.end, i.group.kind, i.group.id, i.period.start),
            [e.id for e in i.lines],
            minor_units(i.total),
        )
        for i in invoices
    ]


def _check(ledger: Ledger, tenant: Tenant, until: date) -> None:
    issued, still_open = build_invoices(ledger, tenant, until)
    want_issued, want_open = _reference(tuple(ledger.entries), until)
    assert _seen(issued) == want_issued
    assert _seen(still_open) == want_open
    assert all(i.issued for i in issued)
    assert not any(i.issued for i in still_open)


@given(scenarios())
def test_a_timelines_invoices_are_its_entries_grouped_by_group_and_statement(
    generated: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)
    want_issued, want_open = _reference(tuple(timeline.ledger.entries), timeline.as_of)
    assert _seen(timeline.invoices) == want_issued
    assert _seen(timeline.open_invoices) == want_open
    _check(timeline.ledger, timeline.tenant, timeline.as_of)


@given(scenarios(), st.randoms(use_true_random=False), st.integers(-60, 400))
def test_the_grouping_holds_for_entries_in_any_order_and_any_day(
    generated: tuple[Scenario, Catalog], shuffler: object, days: int
) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)
    entries = list(timeline.ledger.entries)
    shuffler.shuffle(entries)  # type: ignore[attr-defined]
    # a ledger from outside: its entries kept as they are, made into invoices in another order
    ledger = Ledger(timeline.ledger.currency, entries=tuple(entries))
    until = date.fromordinal(timeline.as_of.toordinal() + days)
    _check(ledger, timeline.tenant, until)
    _check(timeline.ledger, timeline.tenant, until)
