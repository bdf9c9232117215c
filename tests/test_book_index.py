"""A book going on from a frozen ledger reuses what an earlier book rebuilt from the same rows.

The rows of a frozen ledger never change, so the entries per subscription and the charges not
yet credited that a book rebuilds from them are kept with the rows (issue 10, session 4): a
second quote on the same ledger does not rebuild them. What each book then posts and credits is
its own: the expected answers are worked out here from the entries' ids and credits.
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
CATALOG = Catalog("index", DisplayName("Index", "Index"))
PERIOD = Period(date(2025, 1, 1), date(2025, 2, 1))
GROUP = InvoiceGroup("order", "o1")
PRICE = Money.of("10.00", "USD")


@st.composite
def _ledgers(draw: st.DrawFn) -> Ledger:
    """Charges of s1 and s2 numbered as the book numbers them, some credited."""
    entries: list[LedgerEntry] = []
    counts = {"s1": 0, "s2": 0}
    charges: list[str] = []
    for _ in range(draw(st.integers(0, 10))):
        sub = draw(st.sampled_from(("s1", "s2")))
        counts[sub] += 1
        credit = bool(charges) and draw(st.booleans())
        kind = LineKind.CREDIT if credit else LineKind.CHARGE
        credits = draw(st.sampled_from(charges)) if credit else None
        line = explained_line(kind, PRICE, 1, PERIOD, PERIOD, EXACT)
        entry_id = f"{sub}#{counts[sub]}"
        entries.append(
            LedgerEntry(
                entry_id, sub, "p1", GROUP, EntryCause.PERIOD, PERIOD.start, PERIOD, line, credits
            )
        )
        if not credit:
            charges.append(entry_id)
    return Book(CATALOG, Ledger(USD, EXACT, tuple(entries))).freeze()


def _state(book: Book) -> tuple[dict[str, list[str]], dict[str, int]]:
    posted = book.posted
    live = {sub: [posted.id_of(item) for item in items] for sub, items in posted.live.items()}
    return live, dict(posted.counts)


def _expected(ledger: Ledger) -> tuple[dict[str, list[str]], dict[str, int]]:
    credited = {e.credits for e in ledger.entries if e.credits}
    live: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for entry in ledger.entries:
        counts[entry.subscription_id] = counts.get(entry.subscription_id, 0) + 1
        if entry.kind is LineKind.CHARGE and entry.id not in credited:
            live.setdefault(entry.subscription_id, []).append(entry.id)
    return live, counts


@given(_ledgers())
def test_a_second_book_from_a_ledger_knows_what_the_first_knew_whatever_the_first_did(
    ledger: Ledger,
) -> None:
    first = Book(CATALOG, ledger)
    assert _state(first) == _expected(ledger)
    for sub_id in list(first.posted.live):  # the first book credits everything it can
        for item in list(first.posted.live[sub_id]):
            first._credit(sub_id, item)
    first.posted.counts["s1"] = 99
    second = Book(CATALOG, ledger)
    assert _state(second) == _expected(ledger)


def test_the_same_entries_after_an_opening_are_counted_after_it() -> None:
    line = explained_line(LineKind.CHARGE, PRICE, 1, PERIOD, PERIOD, EXACT)
    opening = LedgerEntry("s1#1", "s1", "p1", GROUP, EntryCause.OPENING, PERIOD.start, PERIOD, line)
    charge = LedgerEntry("s1#2", "s1", "p1", GROUP, EntryCause.PERIOD, PERIOD.start, PERIOD, line)
    without = Book(CATALOG, Ledger(USD, EXACT, (charge,))).freeze()
    Book(CATALOG, without)  # keeps what it worked out with the rows
    with_opening = Ledger(USD, EXACT, without.entries, (opening,))
    book = Book(CATALOG, with_opening)
    assert book.posted.counts == {"s1": 2}
    assert [book.posted.id_of(item) for item in book.posted.live["s1"]] == ["s1#1", "s1#2"]
