"""The book's billing period on a subscription's anchor day (a purchase's first day) takes the
end of the term the purchase's command worked out when the term is one billing period (a P1M
term billed monthly, a P1Y term billed annually): the same period ``locate`` gives (k = 0),
under month-end anchors, a moved term anchor and later terms (whose start is not the anchor).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from subcommerce.invoices import Book, Ledger
from subcommerce.money import currency
from subcommerce.periods import BillingFrequency, Period, Term, add_months, locate
from subcommerce.strategies.orders import shop
from subcommerce.subscriptions import Subscription

_MONTH_ENDS = st.builds(
    lambda year, month, day: date(year, month, 1) + timedelta(days=day),
    st.integers(2023, 2029),
    st.integers(1, 12),
    st.integers(26, 31),  # from the 27th to a few days into the next month
)
_DAYS = _MONTH_ENDS | st.dates(date(2023, 1, 1), date(2029, 12, 31))
_PAIRS = [
    (Term.P1M, BillingFrequency.MONTHLY),
    (Term.P1Y, BillingFrequency.MONTHLY),
    (Term.P1Y, BillingFrequency.ANNUAL),
    (Term.P3Y, BillingFrequency.MONTHLY),
    (Term.P3Y, BillingFrequency.ANNUAL),
    (Term.P1M, BillingFrequency.ONCE),
    (Term.P1Y, BillingFrequency.ONCE),
]


def _general(sub: Subscription, on: date) -> Period:
    """The first period counted from the anchor, worked out by ``locate`` (k = 0)."""
    months = sub.billing_frequency.months(sub.term)
    k, start, end = locate(sub.anchor, months, on)
    assert k == 0
    return Period(start, end)


@given(
    _DAYS,
    st.sampled_from(_PAIRS),
    st.none() | st.integers(0, 400),
    st.integers(0, 3),
    st.booleans(),
)
def test_the_period_of_an_anchor_day_is_locates_first_period(
    start: date,
    pair: tuple[Term, BillingFrequency],
    moved: int | None,
    renewals: int,
    term_known: bool,
) -> None:
    term, frequency = pair
    anchor = None if moved is None else start + timedelta(days=moved)
    sub = Subscription(
        "s1",
        "m365-business-basic",
        start,
        5,
        term,
        frequency,
        term_anchor=anchor,
        renewals=renewals,
    )
    if term_known:  # as after the purchase's command (the term kept on the value)
        sub.current_term  # noqa: B018
    book = Book(shop(), Ledger(currency("USD")))
    assert book.period_of(sub, sub.anchor) == _general(sub, sub.anchor)


def test_a_monthly_purchase_on_a_month_end_bills_the_month_to_the_clamped_day() -> None:
    # By hand: Jan 31 + 1 month is Feb 28 (2025) or Feb 29 (2024); a year from Feb 29 is Feb 28.
    for bought, term, frequency, end in [
        (date(2025, 1, 31), Term.P1M, BillingFrequency.MONTHLY, date(2025, 2, 28)),
        (date(2024, 1, 31), Term.P1M, BillingFrequency.MONTHLY, date(2024, 2, 29)),
        (date(2024, 2, 29), Term.P1Y, BillingFrequency.ANNUAL, date(2025, 2, 28)),
        (date(2025, 3, 31), Term.P1Y, BillingFrequency.MONTHLY, date(2025, 4, 30)),
    ]:
        sub = Subscription("s1", "m365-business-basic", bought, 5, term, frequency)
        sub.current_term  # noqa: B018
        book = Book(shop(), Ledger(currency("USD")))
        assert book.period_of(sub, bought) == Period(bought, end)


def test_a_renewed_term_whose_anchor_day_comes_back_is_billed_from_the_anchor() -> None:
    # The second P1M term of a subscription anchored on Jan 31 is Feb 28 to Mar 31: on the
    # anchor day itself the first period is still Jan 31 to Feb 28 (not the current term).
    sub = Subscription(
        "s1",
        "m365-business-basic",
        date(2025, 1, 31),
        5,
        Term.P1M,
        BillingFrequency.MONTHLY,
        renewals=1,
    )
    assert sub.current_term == Period(date(2025, 2, 28), date(2025, 3, 31))
    book = Book(shop(), Ledger(currency("USD")))
    assert book.period_of(sub, date(2025, 1, 31)) == Period(date(2025, 1, 31), date(2025, 2, 28))
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
