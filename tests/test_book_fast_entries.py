"""The book's entries built slot by slot are the entries ``LedgerEntry(...)`` builds (issue 10).

A book that builds each entry as it posts it (a quote's) fills a LedgerEntry's slots directly;
the value must be the checked constructor's: fields, equality, hash, repr, pickling, copying.
"""

from __future__ import annotations

import copy
import pickle
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from subcommerce.invoices import EntryCause, LedgerEntry, _made_entry
from subcommerce.money import Money
from subcommerce.periods import Period
from subcommerce.proration import CHARGE_KIND, EXACT, explained_line
from subcommerce.subscriptions import InvoiceGroup


@given(
    st.text(min_size=1, max_size=8),
    st.integers(1, 999),
    st.sampled_from(list(EntryCause)),
    st.sampled_from(["order", "billing_profile"]),
    st.one_of(st.none(), st.text(min_size=1, max_size=6)),
    st.one_of(st.none(), st.text(min_size=1, max_size=6)),
    st.integers(1, 50),
    st.integers(0, 9_999),
)
def test_an_entry_built_slot_by_slot_is_the_constructors_entry(
    sub_id: str,
    n: int,
    cause: EntryCause,
    kind: str,
    credits: str | None,
    section: str | None,
    quantity: int,
    cents: int,
) -> None:
    period = Period(date(2025, 1, 31), date(2025, 2, 28))
    line = explained_line(
        CHARGE_KIND, Money.of(f"{cents / 100:.2f}", "USD"), quantity, period, period, EXACT
    )
    fields = (
        f"{sub_id}#{n}", sub_id, "plan", InvoiceGroup(kind, "g"), cause, date(2025, 2, 1),
        period, line, credits, section,
    )  # fmt: skip
    made, checked = _made_entry(*fields), LedgerEntry(*fields)
    assert type(made) is LedgerEntry
    assert made == checked
    assert hash(made) == hash(checked)
    assert repr(made) == repr(checked)
    assert pickle.loads(pickle.dumps(made)) == checked
    assert copy.copy(made) == checked
    assert [getattr(made, a.name) for a in LedgerEntry.__attrs_attrs__] == list(fields)
