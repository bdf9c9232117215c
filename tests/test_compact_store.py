"""A kept ledger's rows read back as the very values they were given (issue 10, memory).

The book freezes its entries into rows (:class:`~subcommerce.invoices.EntryRows`) and a timeline
keeps its invoices as rows (:class:`~subcommerce.invoices.InvoiceRows`); the frozen values are
built when read. The expected values here are the entries handed to the rows (or a ledger and
invoices built the old way, from a tuple of entries), compared field for field, with their types,
Decimal digits and exponents, repr and pickles.
"""

from __future__ import annotations

import pickle
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subcommerce import to_json
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import (
    EntryCause,
    EntryRows,
    Ledger,
    LedgerEntry,
    build_invoices,
    entry_rows,
)
from subcommerce.money import Money, currency, money_from_units
from subcommerce.periods import Period
from subcommerce.proration import EXACT, LineKind, ProratedLine, explained_line
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.strategies import periods, scenarios
from subcommerce.subscriptions import InvoiceGroup, Tenant

USD = currency("USD")
EUR = currency("EUR")
SUBS = ("s1", "s2", "a#b")  # an id may hold '#' itself
GROUPS = (InvoiceGroup("order", "o1"), InvoiceGroup("billing_profile", "p1"))


def _same(given: object, read: object) -> None:
    """Equal, of the same type, field for field (Decimals digit for digit), with equal reprs."""
    assert type(read) is type(given)
    assert read == given
    assert repr(read) == repr(given)
    if isinstance(given, Money):
        assert read.amount.as_tuple() == given.amount.as_tuple()  # type: ignore[attr-defined]
        _same(given.currency, read.currency)  # type: ignore[attr-defined]
    elif attrs.has(type(given)):
        for field in attrs.fields(type(given)):
            _same(getattr(given, field.name), getattr(read, field.name))


def _odd_ids(sub: str) -> st.SearchStrategy[str]:
    """Ids that are not what the book writes (``f"{sub}#{n}"``)."""
    n = st.integers(0, 40)
    return st.one_of(
        n.map(lambda k: f"{sub}#0{k}"),  # a leading zero
        n.map(lambda k: f"{sub}#{k}x"),
        n.map(lambda k: f"{sub}x#{k}"),
        st.just(f"{sub}#-1"),
        st.just(f"{sub}#{2**40}"),  # more than a row's int holds
        st.just(f"{sub}#\u0663"),  # an Arabic-Indic 3: int() reads it, f"{n}" does not write it
        st.just(sub),
    )


#: What a row cannot hold exactly: one of these makes an entry differ from the book's.
ODD = st.sampled_from(["id", "credits", "amount", "quantity", "posted_on", "line", "entry"])


class _Entry(LedgerEntry):
    """Not a LedgerEntry of the book's own class."""


@st.composite
def _entries(draw: st.DrawFn) -> list[LedgerEntry]:
    """Entries as the book writes them (ids counted per subscription, whole minor units of the
    ledger's currency), each possibly changed in one way a row cannot hold."""
    entries: list[LedgerEntry] = []
    counts: dict[str, int] = {}
    for _ in range(draw(st.integers(0, 12))):
        sub = draw(st.sampled_from(SUBS))
        counts[sub] = counts.get(sub, 0) + 1
        odd = draw(st.none() | ODD)
        period: Period = draw(periods(max_days=400))
        span = period if draw(st.booleans()) else attrs.evolve(period)  # equal, not the same
        line = explained_line(
            draw(st.sampled_from(list(LineKind))),
            Money.of("36.00", "USD"),
            draw(st.integers(0, 10**6)),
            period,
            span,
            EXACT,
            draw(st.integers(0, 10**9)),
            draw(st.sampled_from(["", "allocated by days"])),
        )
        if odd == "amount":
            amount = draw(
                st.sampled_from(
                    [
                        money_from_units(2**70, USD),  # more than an int64
                        Money(Decimal("-0.00"), USD),
                        Money(Decimal("36"), USD),
                        Money(Decimal("36.000"), USD),
                        money_from_units(3600, EUR),
                    ]
                )
            )
            object.__setattr__(line, "amount", amount)
        elif odd == "quantity":
            object.__setattr__(line, "quantity", draw(st.sampled_from([2**40, True])))
        elif odd == "line":
            line = ProratedLine  # type: ignore[assignment]  # not a line at all
        mine = [e.id for e in entries if e.subscription_id == sub]
        credits = draw(st.sampled_from([None, *mine]))
        if odd == "credits":
            others = [e.id for e in entries] or ["x#1"]
            credits = draw(_odd_ids(sub) | st.sampled_from([*others, f"{sub}#0"]))
        posted = draw(st.sampled_from([period.start, date(2025, 3, 1)]))
        if odd == "posted_on":
            posted = datetime(2025, 3, 1, 12)
        entry_id = draw(_odd_ids(sub)) if odd == "id" else f"{sub}#{counts[sub]}"
        cls = _Entry if odd == "entry" else LedgerEntry
        entries.append(
            cls(
                entry_id,
                sub,
                draw(st.sampled_from(["p1", "p2"])),
                draw(st.sampled_from(GROUPS)),
                draw(st.sampled_from(list(EntryCause))),
                posted,
                period,
                line,
                credits,
                draw(st.sampled_from([None, "sec1"])),
            )
        )
    return entries


@given(_entries(), st.randoms(use_true_random=False))
def test_rows_read_back_the_entries_they_were_given_field_for_field(
    entries: list[LedgerEntry], order: Any
) -> None:
    rows = EntryRows(entries, USD)
    assert len(rows) == len(entries)
    places = list(range(len(entries)))
    order.shuffle(places)  # read one by one, in any order
    for at in places:
        _same(entries[at], rows.entry(at))
        assert rows.entry(at) is rows.entry(at)  # built once
    read = rows.all()
    assert len(read) == len(entries)
    for given_entry, read_entry in zip(entries, read, strict=True):
        _same(given_entry, read_entry)
        assert hash(read_entry) == hash(given_entry)
        _same(given_entry, pickle.loads(pickle.dumps(read_entry)))


def test_an_entry_a_row_cannot_hold_exactly_is_kept_as_it_is() -> None:
    period = Period(date(2025, 1, 1), date(2025, 2, 1))
    line = explained_line(LineKind.CHARGE, Money.of("36.00", "USD"), 2, period, period, EXACT)
    fits = LedgerEntry(
        "s1#1", "s1", "p1", GROUPS[0], EntryCause.PURCHASE, period.start, period, line
    )
    odd = attrs.evolve(fits, id="s1#01")
    rows = EntryRows([fits, odd], USD)
    assert 0 not in rows.kept  # a row
    assert rows.kept == {1: odd}  # the very value
    assert rows.entry(0) == fits
    assert rows.entry(0) is not fits
    assert rows.entry(1) is odd
    assert rows.total(frozenset({LineKind.CHARGE})) == Money.of("144.00", "USD")


def _played(scenario: Scenario, catalog: Catalog) -> Timeline | None:
    try:
        return simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(scenarios())
def test_a_kept_timeline_reads_as_the_ledger_and_invoices_built_from_its_entries(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    timeline = _played(scenario, catalog)
    if timeline is None:
        return
    ledger = timeline.ledger
    # Read from the rows, before anything is built
    assert entry_rows(ledger) is entry_rows(ledger)  # the ledger's own rows, not made again
    totals = (ledger.charges, ledger.credits, ledger.refunds, ledger.net)
    count, text = len(ledger), repr(ledger)
    summary = repr(timeline)
    # The old way: a ledger holding a tuple of the entries, invoices built from it
    plain = Ledger(
        ledger.currency,
        ledger.convention,
        tuple(ledger.entries),
        ledger.opening,
        ledger.billed_through,
        ledger.unpriced,
    )
    for mine, theirs in zip(
        totals, (plain.charges, plain.credits, plain.refunds, plain.net), strict=True
    ):
        _same(theirs, mine)
    assert (count, text) == (len(plain), repr(plain))
    assert plain == ledger
    assert hash(plain) == hash(ledger)
    assert pickle.loads(pickle.dumps(ledger)) == ledger
    issued, still_open = build_invoices(plain, timeline.tenant, timeline.as_of)
    assert len(issued) == len(timeline.invoices)
    assert len(still_open) == len(timeline.open_invoices)
    mine_all = (*timeline.invoices, *timeline.open_invoices)
    for theirs, mine in zip((*issued, *still_open), mine_all, strict=True):
        _same(theirs, mine)
        assert hash(theirs) == hash(mine)
    again = attrs.evolve(timeline, ledger=plain, invoices=issued, open_invoices=still_open)
    assert again == timeline
    assert repr(again) == summary
    assert to_json(again) == to_json(timeline)
    assert pickle.loads(pickle.dumps(timeline)) == timeline


def test_a_ledger_from_outside_keeps_its_own_entries_on_its_invoices() -> None:
    period = Period(date(2025, 1, 1), date(2025, 2, 1))
    line = explained_line(LineKind.CHARGE, Money.of("36.00", "USD"), 2, period, period, EXACT)
    entry = LedgerEntry(
        "s1#1", "s1", "p1", GROUPS[0], EntryCause.PURCHASE, period.start, period, line
    )
    ledger = Ledger("USD", entries=(entry,))
    issued, _ = build_invoices(ledger, Tenant("contoso.com"), date(2025, 3, 1))
    assert issued[0].lines[0] is entry
    assert issued[0].total == Money.of("72.00", "USD")
