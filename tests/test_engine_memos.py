"""The book's memos by value give what working everything out afresh gives (issue 10, item 3).

A subscription's new value (after a renewal or a license change) takes over the facts its last
value shares with it (months, billing period, price, whole amount); the book holds one value per
equal period and amount it posts. The expected answers here come from the same engine with those
memos switched off: every fact worked out again, every value built anew.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from held_quotes import played
from subcommerce import to_json
from subcommerce.billing import (
    BillingAccount,
    BillingAccountType,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import ChangeLicenseQuantity
from subcommerce.invoices import Book, _Facts, _Known
from subcommerce.orders import Cart, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Term, period_unchecked
from subcommerce.simulate import Scenario, simulate
from subcommerce.strategies import scenarios
from subcommerce.subscriptions import Tenant


def _switch_off(patch: pytest.MonkeyPatch) -> None:
    """No facts inherited, no value shared: everything worked out and built afresh."""
    patch.setattr(_Known, "inherited", staticmethod(lambda prior, sub: _Known(sub)))
    patch.setattr(Book, "_share", lambda self, line: None)
    patch.setattr(_Facts, "period", lambda self, start, end: period_unchecked(start, end))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_run_with_the_memos_by_value_writes_what_a_run_without_them_writes(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    with_memos = played(scenario, catalog)
    with pytest.MonkeyPatch.context() as patch:
        _switch_off(patch)
        without = played(scenario, catalog)
    assert with_memos == without


ADMIN = "admin@contoso.com"


def _three_years() -> tuple[Scenario, Catalog]:
    """Two subscriptions billed monthly from a month's end, three years, 20 license changes."""
    catalog = Catalog(
        "memo",
        DisplayName("Memo", "Memo"),
        plans=tuple(
            Plan(
                plan,
                DisplayName(plan, plan),
                offers=(Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD=price)),),
            )
            for plan, price in (("a", "36.00"), ("b", "7.33"))
        ),
    )
    account = BillingAccount(
        "contoso", BillingAccountType.MOSA, (RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),)
    )
    start = date(2025, 1, 31)
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=start,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(product_id="a", quantity=10, subscription_id="s0", term=Term.P1Y),
                NewSubscription(product_id="b", quantity=4, subscription_id="s1", term=Term.P1Y),
            )
        ),
    )
    changes = tuple(
        ChangeLicenseQuantity(
            actor=ADMIN,
            as_of=start + timedelta(days=9 + 50 * k),
            subscription_id=f"s{k % 2}",
            quantity=12 + k,
        )
        for k in range(20)
    )
    scenario = Scenario(
        name="memo",
        start=start,
        tenant=Tenant("contoso.com", account=account),
        currency="USD",
        steps=(buy, *changes),
        until=date(2028, 1, 30),
        catalog="memo",
    )
    return scenario, catalog


def test_a_kept_timeline_holds_each_equal_amount_and_period_once() -> None:
    scenario, catalog = _three_years()
    timeline = simulate(scenario, catalog=catalog)
    assert timeline.refused == ()
    entries = timeline.ledger.entries
    amounts = [e.line.amount for e in entries]
    periods = [p for e in entries for p in (e.statement, e.line.service_period, e.line.span)]
    assert len(amounts) > len(set(amounts)) + 40  # amounts repeat: the check has teeth
    assert len({id(a) for a in amounts}) == len(set(amounts))
    assert len({id(p) for p in periods}) == len(set(periods))
    totals = [i.total for i in (*timeline.invoices, *timeline.open_invoices)]
    assert len({id(t) for t in totals}) == len(set(totals))


def test_three_years_without_the_memos_give_the_same_timeline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario, catalog = _three_years()
    kept = simulate(scenario, catalog=catalog)
    _switch_off(monkeypatch)
    afresh = simulate(scenario, catalog=catalog)
    # switched off indeed (the kept ledger's rows share equal amounts whatever the book did;
    # they keep the book's periods as they are)
    periods = [e.line.service_period for e in afresh.ledger.entries]
    assert len({id(p) for p in periods}) > len(set(periods))
    assert afresh == kept
    assert to_json(afresh) == to_json(kept)
