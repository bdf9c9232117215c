"""The charge a license change takes back is found by its span, a kept entry's as a row's.

``Book._live_item`` walks a subscription's charges not yet credited and reads each one's span
from the rows' references, where an entry kept as it is (one a row cannot hold) keeps its span
too (``invoices._kept_refs``). So a change finds a kept rebill when it holds the day, and passes
over kept charges that have ended, the same as over rows. The credits here are worked out by
hand from the dates.
"""

from __future__ import annotations

from datetime import date

from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import ChangeLicenseQuantity
from subcommerce.invoices import Book, Ledger, LedgerEntry
from subcommerce.orders import Cart, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.proration import LineKind
from subcommerce.simulate import Scenario, Step, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant

_CATALOG = Catalog(
    "live",
    DisplayName("Live", "Live"),
    plans=(
        Plan(
            "alpha",
            DisplayName("alpha", "alpha"),
            # so dear that 9,000,000 licenses for three weeks are more than a row holds (2**63)
            offers=(Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="1000000000000.00")),),
        ),
    ),
)


def _scenario() -> Scenario:
    """10 licenses bought Jan 1, 2025; 9,000,000 from Jan 10 (the rebill of Jan 10..Feb 1 is
    kept as an entry), 12 from Jan 20 (it takes that kept rebill back), 5 from Mar 5 (the walk
    passes over the kept charges, ended by then); played to Apr 1."""
    steps: list[Step] = [
        PlaceOrder(
            actor=ADMIN,
            as_of=date(2025, 1, 1),
            payment_method=PaymentMethod.CARD,
            cart=Cart(
                (
                    NewSubscription(
                        product_id="alpha", quantity=10, term=Term.P1Y, subscription_id="s0"
                    ),
                )
            ),
        )
    ]
    changes = ((date(2025, 1, 10), 9_000_000), (date(2025, 1, 20), 12), (date(2025, 3, 5), 5))
    steps += [
        ChangeLicenseQuantity(actor=ADMIN, as_of=day, subscription_id="s0", quantity=quantity)
        for day, quantity in changes
    ]
    return Scenario(
        name="live",
        start=date(2025, 1, 1),
        tenant=mosa_tenant(),
        currency="USD",
        steps=tuple(steps),
        until=date(2025, 4, 1),
        catalog="live",
    )


def _credits(entries: tuple[LedgerEntry, ...]) -> list[tuple[str, str | None]]:
    return [(e.id, e.credits) for e in entries if e.line.kind is LineKind.CREDIT]


def test_a_change_takes_back_the_kept_rebill_that_holds_its_day() -> None:
    timeline = simulate(_scenario(), catalog=_CATALOG)
    assert timeline.refused == ()
    entries = tuple(timeline.ledger.entries)
    kept = entries[3]  # s0#4: the rebill of Jan 10..Feb 1 for 9,000,000 licenses
    assert (kept.id, kept.line.kind, kept.line.span) == (
        "s0#4",
        LineKind.REBILL,
        Period(date(2025, 1, 10), date(2025, 2, 1)),
    )
    assert kept.amount.minor_units() >= 2**63  # more than a row holds: kept as it is
    # Jan 10 credits the January charge (#1), Jan 20 the kept rebill (#4), Mar 5 the March
    # charge (#9, after the rebills #6 and #7 and February's charge #8)
    assert _credits(entries) == [("s0#2", "s0#1"), ("s0#5", "s0#4"), ("s0#10", "s0#9")]


def test_a_book_on_a_ledger_from_outside_finds_a_kept_charge_by_its_span() -> None:
    timeline = simulate(_scenario(), catalog=_CATALOG)
    entries = tuple(timeline.ledger.entries)
    # the ledger up to the kept rebill, as a ledger from outside: every entry given as a value
    given = Ledger("USD", timeline.ledger.convention, entries[:4])
    book = Book(_CATALOG, given, lazy=True)
    assert book.live_at("s0", date(2025, 1, 15)) == entries[3]  # the kept rebill
    assert book.live_at("s0", date(2025, 1, 5)) == entries[2]  # the rebill of Jan 1..10
    assert book.live_at("s0", date(2025, 2, 1)) is None  # nothing charged from Feb 1 yet
    # without the rebill of Jan 1..10: the kept one holds Jan 10..Feb 1 only (its span, not
    # its service period)
    alone = Book(_CATALOG, Ledger("USD", given.convention, (*entries[:2], entries[3])))
    assert alone.live_at("s0", date(2025, 1, 5)) is None
    assert alone.live_at("s0", date(2025, 1, 31)) == entries[3]
