"""A priced quote line, built from its slots, is the value QuoteLine's own constructor builds.

The order engine fills a writable twin of QuoteLine's slots (``QuoteLineSlots``) and retypes it.
These tests hold that every line of a quote is then a QuoteLine itself: frozen, equal (with the
same hash and repr) to ``QuoteLine(...)`` of the same fields, and that it copies, pickles, evolves
and weak-refs like one.
"""

from __future__ import annotations

import copy
import pickle
import weakref
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_orders import Ids, orders, scenarios
from subcommerce.catalog import Catalog
from subcommerce.orders import QuoteLine, QuoteLineSlots, quote
from subcommerce.simulate import Scenario, simulate


def _same_value(line: QuoteLine) -> None:
    assert type(line) is QuoteLine
    fields = {a.name: getattr(line, a.name) for a in attrs.fields(QuoteLine)}
    checked = QuoteLine(**fields)
    assert line == checked
    assert checked == line
    assert hash(line) == hash(checked)
    assert repr(line) == repr(checked)
    assert copy.copy(line) == checked
    assert copy.deepcopy(line) == checked
    assert pickle.loads(pickle.dumps(line)) == checked
    assert attrs.evolve(line, index=line.index) == checked
    assert weakref.ref(line)() is line
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.quantity = 1  # type: ignore[misc]


@given(st.data(), scenarios(max_steps=3, max_days=40))
def test_every_priced_line_of_a_quote_is_the_line_the_constructor_builds(
    data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 40)))
    ids = Ids([s.id for s in timeline.tenant], missing=False, refer_to_new=False)
    cart = data.draw(orders(timeline.tenant, on, ids))
    review = quote(catalog, timeline.tenant, cart, ledger=timeline.ledger)
    for line in review.lines:
        _same_value(line)


def test_a_quote_line_adds_no_slot_of_its_own_to_its_twin() -> None:
    assert QuoteLine.__slots__ == ()  # attrs reused the twin's slots: the same layout
    assert set(QuoteLineSlots.__slots__) == {a.name for a in attrs.fields(QuoteLine)} | {
        "__weakref__"
    }
