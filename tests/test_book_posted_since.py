"""``Book.posted_count()`` and ``Book.posted_since(start)`` are ``len(posted.entries)`` and
``tuple(posted.entries[start:])``, without the sequence's frames: an order's line reads the
entries its command posted through them.

- For a lazy book (a simulation's, which builds few entries) and a quote's book, on a ledger read
  back and after a cart's lines were posted, every start gives the same entries (the same
  objects) as the sequence's slice.
- A quote on a generated scenario's ledger reads the same with the two switched back to the
  sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import assert_the_same_without, held
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import Book, LedgerEntry
from subcommerce.orders import Cart, ChangeLicenses, PlaceOrder, quote
from subcommerce.simulate import Scenario, simulate
from subcommerce.strategies.orders import ADMIN, scenarios


def _the_slices_agree(book: Book) -> None:
    entries = book.posted.entries
    count = book.posted_count()
    assert count == len(entries)
    for start in range(count + 2):
        since = book.posted_since(start)
        sliced = tuple(entries[start:])
        assert since == sliced
        assert all(a is b for a, b in zip(since, sliced, strict=True))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(scenarios(), st.booleans())
def test_the_entries_posted_since_a_row_are_the_sequences_slice_for_any_book(
    generated: tuple[Scenario, Catalog], lazy: bool
) -> None:
    scenario, catalog = generated
    try:
        timeline = simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return
    book = Book(catalog, timeline.ledger, lazy=lazy)
    _the_slices_agree(book)
    if book.posted_count():
        book.posted.entries[book.posted_count() - 1]  # one built, the others not (if lazy)
        _the_slices_agree(book)


def test_a_carts_lines_read_the_entries_each_posted() -> None:
    catalog, timeline = held(("basic", "premium"))
    order = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 3, 10),
        cart=Cart(
            (
                ChangeLicenses(subscription_id="s0", quantity=8),
                ChangeLicenses(subscription_id="s1", quantity=7),
            )
        ),
    )
    review = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    # Each line's first charge is its own credit and two rebills, by hand: a period of 31 days
    # (Feb 28 to Mar 31), 10 of them at 5 licenses and 21 at the new quantity; basic at 7.20,
    # premium at 26.40 a license a month (5 x 7.20 x 10 / 31 = 11.61, 8 x 7.20 x 21 / 31 =
    # 39.02; 5 x 26.40 x 10 / 31 = 42.58, 7 x 26.40 x 21 / 31 = 125.19).
    assert [[(e.id, str(e.line.amount)) for e in line.first_charge] for line in review.lines] == [
        [("s0#3", "-36.00 USD"), ("s0#4", "11.61 USD"), ("s0#5", "39.02 USD")],
        [("s1#3", "-132.00 USD"), ("s1#4", "42.58 USD"), ("s1#5", "125.19 USD")],
    ]


def _as_the_sequence(patch: pytest.MonkeyPatch) -> None:
    def count(self: Book) -> int:
        return len(self.posted.entries)

    def since(self: Book, start: int) -> tuple[LedgerEntry, ...]:
        entries: Sequence[LedgerEntry] = self.posted.entries
        return tuple(entries[start:])

    patch.setattr(Book, "posted_count", count)
    patch.setattr(Book, "posted_since", since)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=30)
@given(scenarios(), st.data())
def test_a_quote_on_a_held_ledger_reads_the_same_through_the_sequence(
    generated: tuple[Scenario, Catalog], data: st.DataObject
) -> None:
    assert_the_same_without(_as_the_sequence, data, generated, 60)
