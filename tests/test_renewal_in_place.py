"""A renewal renews the book's own facts of a subscription in place (``_Known.renew``).

The facts a renewal made in a book (``owner``: that book's) are held by no one else: not by a
purchase's hand-off to its order (``Book.handed``: a purchase's value's facts), not by the
seeds of a frozen ledger (a book going on from one starts from that ledger's facts, whose owner
is another book's). So the next renewal of that subscription turns them into its new value's
facts in place, one set per subscription id for the run, instead of making a new set each
month. These examples hold it to a new set made every time (``_Known.renewal``), and show that
a held ledger's facts are never renewed in place.
"""

from __future__ import annotations

import gc
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from held_quotes import played
from subcommerce import to_json
from subcommerce.invoices import Book, _Known, entry_rows
from subcommerce.simulate import resume, simulate
from subcommerce.subscriptions import Tenant
from test_book_handoffs import _month_to_month, renewing

_ORIGINAL = Book._renewals


def _afresh(known: _Known, sub: object, term: object) -> _Known:
    """``renew`` as a new set every time: what the book did before renewals in place."""
    return _Known.renewal(known, sub, term)  # type: ignore[arg-type]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(renewing())
def test_a_run_renewing_its_facts_in_place_writes_what_one_making_new_sets_writes(
    drawn: tuple[object, object],
) -> None:
    scenario, catalog = drawn
    in_place = played(scenario, catalog)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Known, "renew", staticmethod(_afresh))
        afresh = played(scenario, catalog)  # type: ignore[arg-type]
    assert in_place == afresh


def test_the_renewals_of_a_run_after_its_first_are_made_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sets: list[int] = []

    def counted(book: Book, tenant: Tenant, events: tuple[object, ...]) -> None:
        _ORIGINAL(book, tenant, events)  # type: ignore[arg-type]
        sets.append(id(book.facts.latest["s0"]))

    monkeypatch.setattr(Book, "_renewals", counted)
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    simulate(scenario, catalog=catalog)
    # Feb 28 to Jun 30: five renewals; the first makes the book's own set, the others renew it
    assert len(sets) == 5
    assert len(set(sets)) == 1


def test_a_run_going_on_from_a_held_ledger_leaves_that_ledgers_facts_as_they_were() -> None:
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    held = simulate(scenario, catalog=catalog)  # through Jul 1
    seeds = entry_rows(held.ledger).seeds
    assert seeds is not None
    facts = seeds[2][2]
    assert set(facts) == {"s0"}
    before = {sub_id: (known, known.sub, known.first) for sub_id, known in facts.items()}
    assert before["s0"][1] is held.tenant.subscription("s0")
    went_on = to_json(resume(held, date(2025, 10, 1), catalog=catalog))  # three more renewals
    again = to_json(resume(held, date(2025, 10, 1), catalog=catalog))
    assert went_on == again
    after = {sub_id: (known, known.sub, known.first) for sub_id, known in facts.items()}
    assert after == before


def test_a_book_that_renewed_a_held_ledgers_facts_in_place_would_be_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The check above has teeth: facts of any owner renewed in place change the held ledger's.
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    held = simulate(scenario, catalog=catalog)
    facts = entry_rows(held.ledger).seeds[2][2]  # type: ignore[index]
    value = facts["s0"].sub

    def anyones(book: Book, tenant: Tenant, events: tuple[object, ...]) -> None:
        for known in book.facts.latest.values():
            known.owner = book.facts.renewer
        _ORIGINAL(book, tenant, events)  # type: ignore[arg-type]

    monkeypatch.setattr(Book, "_renewals", anyones)
    resume(held, date(2025, 10, 1), catalog=catalog)
    assert facts["s0"].sub is not value


def test_a_run_renewing_in_place_leaves_no_reference_cycle_behind() -> None:
    # Facts that named the book's facts as their owner made a cycle (the facts hold the set,
    # the set its facts): every finished book was then freed by the cyclic collector alone.
    scenario, catalog = _month_to_month(date(2025, 4, 15))
    simulate(scenario, catalog=catalog)  # (whatever a first run sets up, before counting)
    gc.collect()
    gc.disable()
    try:
        simulate(scenario, catalog=catalog)
        assert gc.collect() == 0
    finally:
        gc.enable()
