"""A simulation writes a license change's credit note when its line is read, not when it posts.

A legacy credit's note (``credit of the <kind> for <start>..<end>``) is a function of the kind
of the charge taken back and of its span alone. A simulation's book (lazy: it reads few of its
entries) leaves it in the credit's row as that kind (``credit_and_rebill_rows(..., text=False)``)
and its row writes the text when the line is built (``proration.credit_note``); a quote's book
asks for the text at once. So a timeline, a resumed one and a quote must read the same as with
the text written at once, and the notes must be the ones written here by hand; a note written
from the wrong kind is caught by the same comparison.

A license change's new value takes over its last value's facts in one step
(``_Known.inherited``): the months, the period, the price day, the price and the offer when the
two share what they depend on, the whole period's amount only for the same quantity.
"""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any, cast

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import assert_the_same_without, played
from subcommerce import invoices as invoices_module
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import ChangeLicenseQuantity
from subcommerce.invoices import EntryRows, Ledger, _Known
from subcommerce.layouts import change_rows
from subcommerce.money import Money
from subcommerce.orders import Cart, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.proration import LineKind
from subcommerce.simulate import Scenario, Step, begin, resume, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant, scenarios
from subcommerce.subscriptions import Subscription
from test_book_change_rows import changing

_CATALOG = Catalog(
    "notes",
    DisplayName("Notes", "Notes"),
    plans=(
        Plan(
            "alpha",
            DisplayName("alpha", "alpha"),
            offers=(Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="10.00")),),
        ),
    ),
)


def _scenario(convention: str = "exact") -> Scenario:
    """5 licenses of alpha (P1Y, billed monthly) bought Jan 1, 2025; 8 from Jan 10, 6 from Jan 20,
    9 from Mar 1 (a period's first day), played to Apr 1."""
    changes = ((date(2025, 1, 10), 8), (date(2025, 1, 20), 6), (date(2025, 3, 1), 9))
    steps: list[Step] = [
        PlaceOrder(
            actor=ADMIN,
            as_of=date(2025, 1, 1),
            payment_method=PaymentMethod.CARD,
            cart=Cart(
                (
                    NewSubscription(
                        product_id="alpha", quantity=5, term=Term.P1Y, subscription_id="s0"
                    ),
                )
            ),
        )
    ]
    steps += [
        ChangeLicenseQuantity(actor=ADMIN, as_of=day, subscription_id="s0", quantity=quantity)
        for day, quantity in changes
    ]
    return Scenario(
        name="notes",
        start=date(2025, 1, 1),
        tenant=mosa_tenant(),
        currency="USD",
        steps=tuple(steps),
        until=date(2025, 4, 1),
        catalog="notes",
        convention=convention,
    )


#: The credits of _scenario, by hand: the charge of January taken back on Jan 10, the rebill
#: of Jan 10..Feb 1 on Jan 20, the charge of March on Mar 1.
_CREDITS = [
    "credit of the charge for 2025-01-01..2025-02-01",
    "credit of the rebill for 2025-01-10..2025-02-01",
    "credit of the charge for 2025-03-01..2025-04-01",
]


def _credit_notes(entries: Any) -> list[str]:
    return [entry.line.note for entry in entries if entry.line.kind is LineKind.CREDIT]


def test_a_simulated_credit_reads_the_note_written_by_hand() -> None:
    timeline = simulate(_scenario(), catalog=_CATALOG)
    assert _credit_notes(timeline.ledger) == _CREDITS


def test_the_credits_of_one_span_and_kind_share_one_note_as_when_written_at_once() -> None:
    two = NewSubscription(product_id="alpha", quantity=4, term=Term.P1Y, subscription_id="s1")
    bought = cast(PlaceOrder, _scenario().steps[0])
    both = attrs.evolve(bought, cart=Cart((*bought.cart.lines, two)))
    also = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 1, 10), subscription_id="s1", quantity=2
    )
    scenario = attrs.evolve(_scenario(), steps=(both, *_scenario().steps[1:2], also))
    credits = [
        entry.line.note
        for entry in simulate(scenario, catalog=_CATALOG).ledger
        if entry.line.kind is LineKind.CREDIT
    ]
    assert credits == [_CREDITS[0]] * 2
    assert credits[0] is credits[1]  # one text (a pickle holds it once, as before)
    ledger = simulate(scenario, catalog=_CATALOG).ledger
    pickled = pickle.dumps(ledger)
    assert pickled.count(_CREDITS[0].encode()) == 1
    assert pickle.loads(pickled) == ledger


def test_a_run_resumed_between_the_changes_reads_the_same_notes() -> None:
    first = resume(begin(_scenario(), catalog=_CATALOG), date(2025, 1, 15), catalog=_CATALOG)
    resumed = resume(first, date(2025, 4, 1), catalog=_CATALOG)
    assert _credit_notes(first.ledger) == _CREDITS[:1]
    assert _credit_notes(resumed.ledger) == _CREDITS
    assert to_json(resumed) == to_json(simulate(_scenario(), catalog=_CATALOG))


def test_a_simulated_credit_row_holds_the_kind_until_its_line_is_read() -> None:
    timeline = simulate(_scenario(), catalog=_CATALOG)
    rows = invoices_module._ledger_entries(timeline.ledger, Ledger)  # the rows, as kept
    assert rows.__class__ is EntryRows
    notes = rows.refs[6 :: invoices_module._REFS]
    kinds = rows.refs[2 :: invoices_module._REFS]
    held = [note for note, kind in zip(notes, kinds, strict=True) if kind is LineKind.CREDIT]
    # not written yet: the kind of the charge each credit takes back (a LineKind is a str)
    assert held == [LineKind.CHARGE, LineKind.REBILL, LineKind.CHARGE]
    assert all(note.__class__ is LineKind for note in held)
    assert _credit_notes(timeline.ledger) == _CREDITS  # written when read


def _texts_at_once(patch: pytest.MonkeyPatch) -> None:
    """Every credit's note written as its change posts (as a quote's book does)."""

    def written(*args: Any) -> Any:
        return change_rows(*args[:10], True)

    patch.setattr(invoices_module, "change_rows", written)


def _the_same_with_texts_at_once(scenario: Scenario, catalog: Catalog) -> None:
    as_it_is = played(scenario, catalog)
    with pytest.MonkeyPatch.context() as patch:
        _texts_at_once(patch)
        at_once = played(scenario, catalog)
    assert as_it_is == at_once


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changing())
def test_a_timeline_of_license_changes_reads_the_same_with_the_notes_written_at_once(
    generated: tuple[Scenario, Catalog],
) -> None:
    _the_same_with_texts_at_once(*generated)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_steps=8, max_days=300))
def test_a_generated_timeline_reads_the_same_with_the_notes_written_at_once(
    generated: tuple[Scenario, Catalog],
) -> None:
    _the_same_with_texts_at_once(*generated)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=5, max_days=200))
def test_a_quote_on_a_held_ledger_reads_the_same_with_the_notes_written_at_once(
    data: st.DataObject, generated: tuple[Scenario, object]
) -> None:
    assert_the_same_without(_texts_at_once, data, generated, 200)  # type: ignore[arg-type]


@pytest.mark.parametrize("convention", ["exact", "pc-legacy-annual", "pc-legacy-per-license"])
def test_every_legacy_convention_writes_the_notes_alike_either_way(convention: str) -> None:
    _the_same_with_texts_at_once(_scenario(convention), _CATALOG)


def test_a_note_written_from_the_wrong_kind_would_be_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = played(_scenario(), _CATALOG)
    real = invoices_module.credit_note
    monkeypatch.setattr(
        invoices_module, "credit_note", lambda kind, span: real(LineKind.CHARGE, span)
    )
    assert played(_scenario(), _CATALOG) != right


# -- a new value's facts in one step -------------------------------------------------------------


def _known(sub: Subscription) -> _Known:
    known = _Known(sub)
    known.months = 1
    known.period = Period(date(2025, 1, 1), date(2025, 2, 1))
    known.first = date(2025, 1, 1)
    known.day = date(2025, 1, 1)
    known.price = Money.of("10.00", "USD")
    known.whole = (known.price, 5000, None, 5000)
    known.due, known.due_known = date(2026, 1, 1), True
    return known


def _bought() -> Subscription:
    return simulate(_scenario(), catalog=_CATALOG).tenant.subscriptions[0]


def test_a_license_changes_new_value_keeps_all_but_the_whole_amount_and_the_transition() -> None:
    old = _bought()
    prior = _known(old)
    new = _evolved(old, quantity=8, blocks=())
    known = _Known.inherited(prior, new)
    assert known.sub is new
    assert (known.months, known.period, known.first) == (1, prior.period, date(2025, 1, 1))
    assert (known.day, known.price, known.offer) == (date(2025, 1, 1), prior.price, None)
    assert known.whole is None  # 8 licenses: the whole period is worked out again
    assert (known.due, known.due_known) == (None, False)  # the transition: asked again


def test_a_new_value_of_the_same_quantity_keeps_the_whole_amount() -> None:
    old = _bought()
    prior = _known(old)
    known = _Known.inherited(prior, _evolved(old, invoice_section_id=old.invoice_section_id))
    assert known.whole is prior.whole


def test_a_new_value_on_another_term_starts_from_nothing() -> None:
    old = _bought()
    prior = _known(old)
    known = _Known.inherited(prior, _evolved(old, term=Term.P1M))
    fields = (known.months, known.period, known.first, known.day, known.price, known.offer)
    assert fields == (None,) * 6
    assert known.whole is None


def test_a_new_value_of_another_price_keeps_the_months_and_the_period_only() -> None:
    old = _bought()
    prior = _known(old)
    known = _Known.inherited(prior, _evolved(old, unit_price=Money.of("12.00", "USD")))
    assert (known.months, known.period) == (1, prior.period)
    assert (known.day, known.price, known.offer, known.whole) == (None,) * 4


def _evolved(sub: Subscription, **changes: Any) -> Subscription:
    return attrs.evolve(sub, **changes)
