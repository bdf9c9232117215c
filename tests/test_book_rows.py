"""The book writes rows while it posts (issue 10, session 3), and goes on from a frozen ledger.

A book made from a ledger rebuilds what it needs from the ledger's rows without building its
entries: how many entries each subscription has, and the charges not yet credited. The expected
answers are worked out here from the entries' ids and credits as plain strings.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from subcommerce.catalog import Catalog, DisplayName
from subcommerce.invoices import Book, EntryCause, Ledger, LedgerEntry
from subcommerce.money import Money, currency
from subcommerce.periods import Period
from subcommerce.proration import EXACT, LineKind, explained_line
from subcommerce.subscriptions import InvoiceGroup

USD = currency("USD")
CATALOG = Catalog("rows", DisplayName("Rows", "Rows"))
PERIOD = Period(date(2025, 1, 1), date(2025, 2, 1))
GROUP = InvoiceGroup("order", "o1")
SUBS = ("s1", "s2", "a#b")  # an id may hold '#' itself
KINDS = (LineKind.CHARGE, LineKind.REBILL, LineKind.CREDIT, LineKind.REFUND)


def _ids(sub: str) -> st.SearchStrategy[str]:
    """What the book writes (``<sub>#<n>``) and ids it never writes."""
    return st.one_of(
        st.integers(1, 6).map(lambda n: f"{sub}#{n}"),
        st.sampled_from(
            [f"{sub}#01", f"{sub}#\u00b2", f"{sub}#" + "9" * 30, f"{sub}#", sub, f"{sub}#-1"]
        ),
    )


@st.composite
def _entries(draw: st.DrawFn) -> list[LedgerEntry]:
    entries = []
    for _ in range(draw(st.integers(0, 12))):
        sub = draw(st.sampled_from(SUBS))
        kind = draw(st.sampled_from(KINDS))
        price = Money.of("10.00", "USD")
        line = explained_line(kind, price, draw(st.integers(1, 5)), PERIOD, PERIOD, EXACT)
        credits = None
        if kind in (LineKind.CREDIT, LineKind.REFUND):
            credits = draw(st.one_of(st.none(), _ids(sub), _ids(draw(st.sampled_from(SUBS)))))
        entries.append(
            LedgerEntry(
                draw(_ids(sub)),
                sub,
                "p1",
                GROUP,
                EntryCause.PERIOD,
                PERIOD.start,
                PERIOD,
                line,
                credits,
            )
        )
    return entries


@given(_entries(), st.integers(0, 12))
def test_a_book_from_a_ledger_knows_the_charges_not_yet_credited_and_counts_the_entries(
    entries: list[LedgerEntry], split: int
) -> None:
    opening, posted = entries[:split], entries[split:]
    ledger = Ledger(USD, EXACT, tuple(posted), tuple(opening))
    credited = {e.credits for e in entries if e.credits}
    expected_live: dict[str, list[str]] = {}
    expected_counts: dict[str, int] = {}
    for entry in entries:
        expected_counts[entry.subscription_id] = expected_counts.get(entry.subscription_id, 0) + 1
        if entry.kind in (LineKind.CHARGE, LineKind.REBILL) and entry.id not in credited:
            expected_live.setdefault(entry.subscription_id, []).append(entry.id)
    for source in (ledger, Book(CATALOG, ledger).freeze()):  # a ledger from outside, and rows
        book = Book(CATALOG, source)
        live = {
            sub: [book.posted.id_of(item) for item in items]
            for sub, items in book.posted.live.items()
        }
        assert live == expected_live
        assert book.posted.counts == expected_counts
        assert list(book.posted.entries) == posted  # read back as they were


def test_the_entries_a_book_posts_read_back_while_it_writes_and_once_frozen() -> None:
    price = Money.of("36.00", "USD")
    line = explained_line(LineKind.CHARGE, price, 2, PERIOD, PERIOD, EXACT)
    entry = LedgerEntry("s1#1", "s1", "p1", GROUP, EntryCause.PERIOD, PERIOD.start, PERIOD, line)
    book = Book(CATALOG, Ledger(USD, EXACT, (entry,)))
    assert len(book.posted.entries) == 1
    assert book.posted.entries[0] == entry
    assert book.posted.entries[-1:] == [entry]
    assert book.posted.entries[0] is book.posted.entries[0]  # built once
    fork = book.fork()
    assert list(fork.posted.entries) == [entry]
    assert book.freeze().entries == (entry,)


def test_a_ledger_from_outside_whose_ids_end_in_other_digits_is_frozen_as_it_is() -> None:
    # '²' is a digit to str.isdigit but not to int(): the row store once raised ValueError
    price = Money.of("10.00", "USD")
    line = explained_line(LineKind.CHARGE, price, 1, PERIOD, PERIOD, EXACT)
    odd = [
        LedgerEntry(entry_id, "s1", "p1", GROUP, EntryCause.PERIOD, PERIOD.start, PERIOD, line)
        for entry_id in ("s1#\u00b2", "s1#" + "7" * 5000)
    ]
    frozen = Book(CATALOG, Ledger(USD, EXACT, tuple(odd))).freeze()
    assert frozen.entries == tuple(odd)
    assert frozen.entries[0] is odd[0]  # kept as it is, not taken apart into a row
