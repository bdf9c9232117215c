"""The what-if engine: scenarios played into timelines, resumable, refusals recorded, plain data."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layout_cases import LAYOUTS, in_layout
from scenario_texts import CONTOSO, first_order
from strategies_orders import ADMIN, CATALOG_ID, mosa_tenant, scenarios, shop
from subcommerce._builtin import default_catalog
from subcommerce._convert import dump_scenario, from_data, load_scenario, to_data
from subcommerce._scenario import demo_scenario, parse_scenario, run_scenario, scenario_catalog
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.commands import (
    ChangeLicenseQuantity,
    Reactivate,
    SetRecurringBilling,
    StartTrial,
)
from subcommerce.errors import (
    ConversionError,
    DateOutsidePeriod,
    InvalidCommand,
    ReasonCode,
    UnknownReference,
)
from subcommerce.events import LicensesChanged, SubscriptionPurchased, TrialConverted
from subcommerce.invoices import EntryCause
from subcommerce.money import Money
from subcommerce.orders import Cart, NewSubscription, PlaceOrder
from subcommerce.periods import Period
from subcommerce.proration import LedgerLayout
from subcommerce.simulate import Scenario, Timeline, begin, resume, simulate
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant

SHOP = shop("USD", (3000, 2200, 1000, 20, 300))  # basic: 36.00 a month month to month


def buy(on: date, quantity: int, sub_id: str = "s1") -> PlaceOrder:
    line = NewSubscription(product_id="basic", quantity=quantity, subscription_id=sub_id)
    return PlaceOrder(actor=ADMIN, as_of=on, cart=Cart((line,)), payment_method=PaymentMethod.CARD)


def scenario_of(*steps: Any, tenant: Tenant | None = None, start: date | None = None) -> Scenario:
    return Scenario(
        name="example",
        start=start or steps[0].as_of,
        tenant=tenant or mosa_tenant(),
        currency="USD",
        steps=steps,
        catalog=CATALOG_ID,
    )


# -- the demo -----------------------------------------------------------------------------------


def test_the_demo_scenario_bills_the_small_business_as_worked_out_by_hand() -> None:
    timeline = run_scenario(demo_scenario())
    assert timeline.as_of == date(2025, 4, 30)
    totals = [(i.id, str(i.total)) for i in timeline.invoices]
    assert totals == [
        # 10 x 15.00 for January, then 5 more on Jan 15: 5 x 15 x 17/31 = 41.129... -> 41.13.
        ("order-1/2025-02-01", "191.13 USD"),
        ("order-1/2025-03-01", "225.00 USD"),  # 15 x 15.00
        ("order-3/2025-03-10", "600.00 USD"),  # Teams Phone: 5 x 10.00 x 12 months
        # March, then the change of plan on Mar 17: 15 x 15.00 x 15/31 = 108.870... refunded.
        ("order-1/2025-04-01", "116.13 USD"),
        ("order-4/2025-04-17", "396.00 USD"),  # Premium: 15 x 26.40 from Mar 17
    ]
    assert [(i.id, str(i.total)) for i in timeline.open_invoices] == [
        ("order-4/2025-05-17", "396.00 USD")
    ]
    (refusal,) = timeline.refused
    assert refusal.on == date(2025, 3, 3)
    assert [r.code for r in refusal.reasons] == [ReasonCode.BELOW_ASSIGNED]
    # The 12 users moved with their licenses on the change of plan.
    assert timeline.tenant.subscription("standard").assigned == 0
    assert timeline.tenant.subscription("premium").assigned == 12


def test_the_demo_scenario_is_on_the_default_catalog() -> None:
    scenario = demo_scenario()
    assert scenario.catalog == "default"
    assert scenario_catalog(scenario.catalog) is default_catalog()


# -- examples -----------------------------------------------------------------------------------


def test_a_refused_step_is_recorded_with_its_reasons_and_never_raised() -> None:
    steps = (
        buy(date(2025, 1, 1), 5),
        SetRecurringBilling(
            actor="stranger", as_of=date(2025, 1, 2), subscription_id="s1", recurring_billing=False
        ),
        ChangeLicenseQuantity(
            actor=ADMIN, as_of=date(2025, 1, 3), subscription_id="nope", quantity=2
        ),
    )
    timeline = simulate(scenario_of(*steps), date(2025, 1, 31), catalog=SHOP)
    first, second = timeline.refused
    assert [r.code for r in first.reasons] == [ReasonCode.NOT_AUTHORIZED]
    assert first.messages() == ("stranger may not change or cancel a subscription",)
    assert second.reasons == ()
    assert "nope" in second.error
    assert second.messages() == (second.error,)


def test_recurring_billing_off_stops_the_charges_at_the_term_end() -> None:
    steps = (
        buy(date(2025, 1, 1), 5),
        SetRecurringBilling(
            actor=ADMIN, as_of=date(2025, 1, 2), subscription_id="s1", recurring_billing=False
        ),
    )
    expired = simulate(scenario_of(*steps), date(2025, 2, 15), catalog=SHOP)
    assert expired.tenant.subscription("s1").status is SubscriptionStatus.EXPIRED
    later = resume(expired, date(2025, 12, 31), catalog=SHOP)
    assert [e.posted_on for e in later.ledger.entries] == [date(2025, 1, 1)]


def test_a_reactivated_subscription_is_billed_again_from_the_day_it_comes_back() -> None:
    steps = (
        buy(date(2025, 1, 1), 5),
        SetRecurringBilling(
            actor=ADMIN, as_of=date(2025, 1, 2), subscription_id="s1", recurring_billing=False
        ),
        Reactivate(actor=ADMIN, as_of=date(2025, 2, 10), subscription_id="s1"),
    )
    timeline = simulate(scenario_of(*steps), date(2025, 3, 31), catalog=SHOP)
    charged = [(e.posted_on, e.line.span) for e in timeline.ledger.entries]
    assert charged == [
        (date(2025, 1, 1), Period(date(2025, 1, 1), date(2025, 2, 1))),
        (date(2025, 2, 10), Period(date(2025, 2, 10), date(2025, 3, 10))),
        (date(2025, 3, 10), Period(date(2025, 3, 10), date(2025, 4, 10))),
    ]


def test_a_trial_is_charged_only_from_the_day_it_converts() -> None:
    trial = StartTrial(
        actor=ADMIN,
        as_of=date(2025, 1, 1),
        subscription_id="t1",
        product_id="basic",
        payment_method=PaymentMethod.CARD,
    )
    timeline = simulate(scenario_of(trial), date(2025, 2, 15), catalog=SHOP)
    assert any(isinstance(e, TrialConverted) for e in timeline.events)
    (charge,) = timeline.ledger.entries
    assert charge.posted_on == date(2025, 1, 31)  # 30 days of trial
    assert charge.line.quantity == 25
    assert charge.amount == Money.of("900.00", "USD")  # 25 x 36.00


def test_a_subscription_of_the_starting_tenant_is_billed_from_its_next_period() -> None:
    existing = Subscription("s1", "basic", date(2024, 12, 5), 10, payment_method=PaymentMethod.CARD)
    tenant = Tenant("contoso.com", (existing,), account=mosa_tenant().account)
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 1, 20), subscription_id="s1", quantity=12
    )
    scenario = scenario_of(more, tenant=tenant, start=date(2025, 1, 10))
    timeline = simulate(scenario, date(2025, 2, 10), catalog=SHOP)
    (opening,) = timeline.ledger.opening
    assert opening.line.span == Period(date(2025, 1, 5), date(2025, 2, 5))
    credit = timeline.ledger.entries[0]
    assert credit.credits == opening.id
    assert credit.amount == Money.of("-360.00", "USD")  # the opening charge, 10 x 36.00
    assert timeline.ledger.entries[-1].cause is EntryCause.PERIOD  # Feb 5, 12 x 36.00
    assert timeline.ledger.entries[-1].amount == Money.of("432.00", "USD")


def test_time_only_moves_forward_and_a_timeline_resumes_only_with_its_catalog() -> None:
    timeline = simulate(scenario_of(buy(date(2025, 1, 1), 5)), date(2025, 2, 1), catalog=SHOP)
    with pytest.raises(DateOutsidePeriod):
        resume(timeline, date(2025, 1, 15), catalog=SHOP)
    with pytest.raises(UnknownReference, match="test-shop"):
        resume(timeline, date(2025, 3, 1), catalog=default_catalog())
    assert resume(timeline, date(2025, 2, 1), catalog=SHOP) == timeline


def test_a_scenario_with_steps_out_of_order_or_a_bad_convention_is_refused_when_built() -> None:
    with pytest.raises(InvalidCommand, match="step 1"):
        scenario_of(buy(date(2025, 2, 1), 5), buy(date(2025, 1, 1), 5, "s2"))
    with pytest.raises(InvalidCommand, match="before its start"):
        scenario_of(buy(date(2025, 2, 1), 5), start=date(2025, 3, 1))
    with pytest.raises(UnknownReference, match="convention"):
        attrs.evolve(scenario_of(buy(date(2025, 2, 1), 5)), convention="made-up")
    with pytest.raises(InvalidCommand, match="until"):
        simulate(scenario_of(buy(date(2025, 2, 1), 5)), catalog=SHOP)


def test_the_begin_state_has_played_nothing() -> None:
    timeline = begin(scenario_of(buy(date(2025, 1, 1), 5)), catalog=SHOP)
    assert timeline.as_of == date(2024, 12, 31)
    assert timeline.next_step == 0
    assert not timeline.done
    assert timeline.ledger.entries == ()


def test_a_scenario_reads_from_toml_with_every_step_type_tagged() -> None:
    text = """
name = "toml"
start = 2025-01-01
until = 2025-02-28
currency = "USD"
catalog = "test-shop"
"""
    text += CONTOSO + first_order("2025-01-01", "card", 100)
    text += """
[[steps]]
type = "change_license_quantity"
as_of = 2025-01-15
actor = "admin@contoso.com"
subscription_id = "s1"
quantity = 105
"""
    scenario = parse_scenario(text)
    timeline = simulate(scenario, catalog=SHOP)
    # 100 x 36.00, then 5 x 36 x 17/31 = 98.709... -> 98.71.
    assert [str(i.total) for i in timeline.invoices] == ["3698.71 USD"]
    assert isinstance(timeline.events[0], SubscriptionPurchased)
    assert any(isinstance(e, LicensesChanged) for e in timeline.events)


def test_a_malformed_scenario_names_the_culprit() -> None:
    data = dump_scenario(scenario_of(buy(date(2025, 1, 1), 5)))
    data["steps"][0]["cart"][0]["quantity"] = 0
    with pytest.raises(ConversionError, match="quantity"):
        load_scenario(data)
    data = dump_scenario(scenario_of(buy(date(2025, 1, 1), 5)))
    data["steps"][0]["type"] = "frobnicate"
    with pytest.raises(ConversionError):
        load_scenario(data)
    with pytest.raises(ConversionError, match="TOML"):
        parse_scenario("name = ")


# -- properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@given(st.data(), scenarios())
def test_simulating_to_d1_then_on_to_d2_equals_simulating_straight_to_d2(
    layout: LedgerLayout, data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    scenario = in_layout(scenario, layout)
    assert scenario.until is not None
    span = (scenario.until - scenario.start).days
    d1 = scenario.start + timedelta(days=data.draw(st.integers(-1, span)))
    straight = simulate(scenario, catalog=catalog)
    first = resume(begin(scenario, catalog=catalog), d1, catalog=catalog)
    assert resume(first, scenario.until, catalog=catalog) == straight


@pytest.mark.parametrize("layout", LAYOUTS)
@given(scenarios())
def test_a_refused_step_changes_no_invoice(
    layout: LedgerLayout, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    scenario = in_layout(scenario, layout)
    timeline = simulate(scenario, catalog=catalog)
    refused = {r.index for r in timeline.refused}
    kept = tuple(step for i, step in enumerate(scenario.steps) if i not in refused)
    without = simulate(attrs.evolve(scenario, steps=kept), catalog=catalog)
    assert without.refused == ()
    assert without.invoices == timeline.invoices
    assert without.open_invoices == timeline.open_invoices
    assert without.ledger == timeline.ledger
    assert without.tenant == timeline.tenant
    assert without.events == timeline.events


@given(scenarios())
def test_scenarios_and_timelines_round_trip_through_the_converter_as_json_without_floats(
    generated: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = generated

    def refuse(number: str) -> Any:
        raise AssertionError(f"a float {number}")

    text = json.dumps(dump_scenario(scenario), sort_keys=True)
    assert load_scenario(json.loads(text, parse_float=refuse)) == scenario
    timeline = simulate(scenario, catalog=catalog)
    text = json.dumps(to_data(timeline), sort_keys=True)
    assert from_data(json.loads(text, parse_float=refuse), Timeline) == timeline
