"""The command side of a run takes its common case without a second engine.

- ``simulate`` goes on from the book it began with instead of freezing it into begin's ledger
  and reading that back: the timeline is the one ``resume(begin(s), until)`` gives, by value,
  as JSON and through a pickle (and as pickle bytes when no opening was read back).
- A license change is applied in one look (``commands.applied``, the handler's ``both``): its
  rules and its change of the subscription looked up once. It refuses with the reasons its
  rules give on their own, and otherwise changes what its change gives on its own; a shortcut
  that skipped a rule is caught.
- The engine's loops read a command's tenant and events without an Outcome
  (``orders.step_applied``); ``apply_step`` is the same pair in one.
"""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import days, tenants
from strategies_orders import ADMIN, CATALOG_ID, mosa_tenant, scenarios, shop
from subcommerce import commands, to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.commands import ChangeLicenseQuantity, Command, applied, apply_advanced
from subcommerce.errors import Refused
from subcommerce.lifecycle import Outcome, advance
from subcommerce.policy import DEFAULT_POLICY
from subcommerce.simulate import Scenario, Timeline, begin, resume, simulate
from subcommerce.strategies.accounts import PRINCIPALS
from subcommerce.subscriptions import Subscription, Tenant

SHOP = shop("USD", (3000, 2200, 1000, 20, 300))  # basic: 36.00 a month month to month


def _same_timeline(straight: Timeline, stepwise: Timeline) -> None:
    assert straight == stepwise
    assert to_json(straight) == to_json(stepwise)
    assert pickle.loads(pickle.dumps(straight)) == stepwise


@given(scenarios())
def test_simulating_a_scenario_gives_the_timeline_resuming_its_begun_timeline_gives(
    generated: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = generated
    assert scenario.until is not None
    straight = simulate(scenario, catalog=catalog)
    stepwise = resume(begin(scenario, catalog=catalog), scenario.until, catalog=catalog)
    _same_timeline(straight, stepwise)
    # from an empty tenant (no opening), even the pickles are the same bytes
    assert pickle.dumps(straight) == pickle.dumps(stepwise)


def test_a_starting_tenants_opening_goes_on_in_the_book_simulate_began_as_read_back() -> None:
    existing = Subscription("s1", "basic", date(2024, 12, 5), 10, payment_method=PaymentMethod.CARD)
    tenant = Tenant("contoso.com", (existing,), account=mosa_tenant().account)
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 1, 20), subscription_id="s1", quantity=12
    )
    scenario = Scenario(
        name="opening",
        start=date(2025, 1, 10),
        tenant=tenant,
        currency="USD",
        steps=(more,),
        until=date(2025, 3, 10),
        catalog=CATALOG_ID,
    )
    straight = simulate(scenario, catalog=SHOP)
    assert len(straight.ledger.opening) == 1  # the running period, billed before the start
    assert straight.ledger.entries[0].credits == straight.ledger.opening[0].id
    stepwise = resume(begin(scenario, catalog=SHOP), date(2025, 3, 10), catalog=SHOP)
    # Equal values and text; the rebills' service periods may be the opening's own objects
    # or equal ones worked out again, so the pickles' sharing (not their values) may differ.
    _same_timeline(straight, stepwise)


# -- a license change in one look ---------------------------------------------------------------


def _rules_then_change(advanced: Outcome, command: Command) -> tuple[Any, ...]:
    """The general path, spelled out: the command's rules on their own, then (when they say
    nothing) its change on its own."""
    handler = commands._HANDLER_OF[type(command)]
    reasons = handler.reasons(advanced.tenant, command, DEFAULT_POLICY)
    if reasons:
        return ("refused", tuple(reasons))
    after, events = handler.run(advanced.tenant, command, DEFAULT_POLICY)
    return ("applied", after, (*advanced.events, *events))


def _in_one_look(advanced: Outcome, command: Command) -> tuple[Any, ...]:
    try:
        after, events = applied(advanced, command, DEFAULT_POLICY)
    except Refused as refused:
        return ("refused", refused.reasons)
    outcome = apply_advanced(advanced, command, DEFAULT_POLICY)
    assert (outcome.tenant, outcome.events) == (after, events)
    return ("applied", after, events)


@st.composite
def _license_changes(draw: st.DrawFn) -> tuple[Outcome, ChangeLicenseQuantity]:
    tenant = draw(tenants(min_subscriptions=1))
    sub = draw(st.sampled_from(tenant.subscriptions))
    on = draw(days(min_value=tenant.as_of or sub.start))
    command = ChangeLicenseQuantity(
        actor=draw(st.sampled_from((ADMIN, *PRINCIPALS))),
        as_of=on,
        subscription_id=sub.id,
        quantity=draw(st.integers(1, sub.quantity + 5)),
        at_renewal=draw(st.booleans()),
    )
    return advance(tenant, on), command


@given(_license_changes())
def test_a_license_change_in_one_look_refuses_as_its_rules_and_changes_as_its_change(
    drawn: tuple[Outcome, ChangeLicenseQuantity],
) -> None:
    advanced, command = drawn
    assert _in_one_look(advanced, command) == _rules_then_change(advanced, command)


def test_a_one_look_shortcut_that_skipped_a_rule_would_be_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tenant = mosa_tenant()
    existing = Subscription("s1", "basic", date(2025, 1, 5), 10, payment_method=PaymentMethod.CARD)
    tenant = Tenant(tenant.organization, (existing,), account=tenant.account)
    unchanged = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 2, 1), subscription_id="s1", quantity=10
    )
    advanced = advance(tenant, unchanged.as_of)
    assert _in_one_look(advanced, unchanged) == _rules_then_change(advanced, unchanged)
    assert _in_one_look(advanced, unchanged)[0] == "refused"  # the quantity is unchanged

    def no_rules(tenant: Tenant, cmd: ChangeLicenseQuantity, policy: object) -> Any:
        return commands._quantity_changed(tenant, tenant.subscription(cmd.subscription_id), cmd)

    handler = commands._HANDLER_OF[ChangeLicenseQuantity]
    broken = commands._Handler(handler.reasons, handler.run, no_rules)
    monkeypatch.setitem(commands._HANDLER_OF, ChangeLicenseQuantity, broken)
    assert _in_one_look(advanced, unchanged) != _rules_then_change(advanced, unchanged)
