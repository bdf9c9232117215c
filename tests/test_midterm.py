"""Issue 12, items 2, 4, 5: mid-term changes, trials bought early, aligned renewals.

Each example names the Microsoft page it comes from; its figures are worked out by hand in the
comments (never by the code under test). Where a page contradicts itself the test says so and
pins the reading subcommerce chose.

Pages:

* TERMS: Partner Center, "Manage term duration and billing frequency"
  (https://learn.microsoft.com/partner-center/customers/billing-frequency-changes).
* ALIGN: Partner Center, "Align new commerce experience subscription end dates" (2023-07-24,
  https://learn.microsoft.com/partner-center/customers/align-subscription-end-dates).
* TRY: "Try or buy a Microsoft 365 for business subscription" (2024-09-05,
  https://learn.microsoft.com/microsoft-365/commerce/try-or-buy-microsoft-365).
* CANCEL: "Cancel your subscription in the Microsoft 365 admin center" (2024-09-10,
  https://learn.microsoft.com/microsoft-365/commerce/subscriptions/cancel-your-subscription).
* SCHEDULE: Partner Center, "Schedule changes for a new commerce subscription"
  (https://learn.microsoft.com/partner-center/developer/create-scheduled-changes).
"""

from __future__ import annotations

import copy
import io
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from strategies_accounts import ADMIN, codes, mca_tenant, mosa_tenant, run
from subcommerce import default_catalog
from subcommerce.alignment import aligned_term, window_start
from subcommerce.billing import (
    BillingAccount,
    BillingAccountType,
    BillingProfile,
    InvoiceSection,
    PaymentMethod,
)
from subcommerce.billing_plans import BILLING_PLAN_DAYS, months_line, next_billing_cycle
from subcommerce.catalog import Addon, AddonKind, Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.cli import main
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    ChangeTerm,
    Command,
    ConvertTrial,
    DeleteSubscription,
    PurchaseSubscription,
    ScheduleProductChange,
    SetRecurringBilling,
    StartTrial,
    apply,
    check,
)
from subcommerce.errors import InvalidCommand, InvalidPeriod, ReasonCode, Refused
from subcommerce.events import (
    BillingFrequencyChanged,
    ProductChanged,
    ScheduledChangeDropped,
    StatusCause,
    StatusChanged,
    TermChanged,
    TrialConverted,
)
from subcommerce.invoices import EntryCause, LedgerEntry
from subcommerce.lifecycle import advance
from subcommerce.messages import line_note, render_note
from subcommerce.money import Money
from subcommerce.orders import Cart, NewSubscription, PlaceOrder, place_order, quote
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.proration import LineKind
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant

Code = ReasonCode
Status = SubscriptionStatus
M, Y = BillingFrequency.MONTHLY, BillingFrequency.ANNUAL

# A small catalog: prices per license per month, as price lists print them.
STANDARD = Plan(
    "standard",
    DisplayName("Standard", "Standard"),
    offers=(
        Offer(Term.P1M, M, Prices.of(USD="36.00")),
        Offer(Term.P1Y, M, Prices.of(USD="30.00")),
        Offer(Term.P1Y, Y, Prices.of(USD="30.00")),
        Offer(Term.P3Y, M, Prices.of(USD="30.00")),
        Offer(Term.P3Y, Y, Prices.of(USD="30.00")),
    ),
)
BASIC = Plan(
    "basic",
    DisplayName("Basic", "Basic"),
    offers=(
        Offer(Term.P1M, M, Prices.of(USD="6.00")),
        Offer(Term.P1Y, M, Prices.of(USD="6.00")),
        Offer(Term.P1Y, Y, Prices.of(USD="6.00")),
    ),
)
STORAGE = Addon(
    "storage",
    DisplayName("Storage", "Stockage"),
    available_on=("basic", "standard"),
    offers=(Offer(Term.P1M, M, Prices.of(USD="1.00")), Offer(Term.P1Y, M, Prices.of(USD="1.00"))),
)
CATALOG = Catalog(
    "mine", DisplayName("Mine", "Le mien"), plans=(STANDARD, BASIC), addons=(STORAGE,)
)


def _play(tenant: Tenant, start: date, until: date, *steps: object) -> Timeline:
    scenario = Scenario(
        name="issue 12", start=start, tenant=tenant, currency="USD", catalog="mine", steps=steps
    )
    return simulate(scenario, until, catalog=CATALOG)


def _buy(
    tenant: Tenant, sid: str, on: date, quantity: int = 10, **fields: object
) -> PurchaseSubscription:
    if not tenant.account or not tenant.account.type.has_profiles:
        fields.setdefault("payment_method", PaymentMethod.CARD)
    fields.setdefault("product_id", "standard")
    return PurchaseSubscription(
        actor=ADMIN,
        as_of=on,
        subscription_id=sid,
        quantity=quantity,
        **fields,  # type: ignore[arg-type]
    )


def _lines(timeline: Timeline, sid: str) -> list[tuple[str, date, str, str]]:
    return [
        (e.cause.value, e.posted_on, str(e.line.span), str(e.amount))
        for e in timeline.ledger.entries
        if e.subscription_id == sid
    ]


def _half_even(value: Fraction) -> Decimal:
    """An independent reference: the exact value rounded half-even to the cent."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )


# -- mid-term term changes (TERMS: "Move to a longer term duration mid-term") -------------------


def test_a_longer_term_bought_mid_term_starts_that_day_and_credits_the_unused_days() -> None:
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2025, 3, 1))  # P1M, 10 x 36.00 = 360.00 for March
    longer = ChangeTerm(
        actor=ADMIN, as_of=date(2025, 3, 16), subscription_id="s1", term=Term.P1Y, immediately=True
    )
    timeline = _play(tenant, date(2025, 3, 1), date(2025, 4, 20), buy, longer)
    # Used 1-15 March: 360 x 15/31 = 174.19; credited 360.00 - 174.19 = 185.81.
    # The year from 16 March, billed monthly at 30.00: 300.00 on 16 March and on 16 April.
    assert _lines(timeline, "s1") == [
        ("purchase", date(2025, 3, 1), "2025-03-01..2025-04-01", "360.00 USD"),
        ("term_change", date(2025, 3, 16), "2025-03-16..2025-04-01", "-185.81 USD"),
        ("period", date(2025, 3, 16), "2025-03-16..2025-04-16", "300.00 USD"),
        ("period", date(2025, 4, 16), "2025-04-16..2025-05-16", "300.00 USD"),
    ]
    sub = timeline.tenant.subscription("s1")
    assert (sub.term, str(sub.current_term)) == (Term.P1Y, "2025-03-16..2026-03-16")


def test_a_mid_term_term_change_deletes_the_changes_scheduled_for_the_renewal() -> None:
    # SCHEDULE: "If you make a mid-term (immediate) change before your renewal date, all
    # scheduled changes that were previously scheduled to occur at renewal are deleted."
    tenant = run(mosa_tenant(), _buy(mosa_tenant(), "s1", date(2025, 3, 1), term=Term.P1Y))
    tenant = run(
        tenant,
        ChangeLicenseQuantity(
            actor=ADMIN, as_of=date(2025, 3, 2), subscription_id="s1", quantity=20, at_renewal=True
        ),
    )
    outcome = apply(
        tenant,
        ChangeTerm(
            actor=ADMIN,
            as_of=date(2025, 5, 1),
            subscription_id="s1",
            term=Term.P3Y,
            immediately=True,
            billing_frequency=Y,
        ),
    )
    kinds = [type(e) for e in outcome.events]
    assert kinds == [ScheduledChangeDropped, TermChanged]
    sub = outcome.tenant.subscription("s1")
    assert (sub.scheduled, sub.term, sub.billing_frequency) == (None, Term.P3Y, Y)
    assert str(sub.current_term) == "2025-05-01..2028-05-01"


def test_a_term_moves_mid_term_to_a_longer_one_only() -> None:
    # TERMS: "Customers can't move to a shorter term duration mid-term."
    tenant = run(mosa_tenant(), _buy(mosa_tenant(), "s1", date(2025, 3, 1), term=Term.P1Y))
    shorter = ChangeTerm(
        actor=ADMIN, as_of=date(2025, 4, 1), subscription_id="s1", term=Term.P1M, immediately=True
    )
    same = attrs.evolve(shorter, term=Term.P1Y)
    assert codes(tenant, shorter) == {Code.TERM_NOT_LONGER}
    assert codes(tenant, same) == {Code.NO_CHANGE}
    with pytest.raises(InvalidCommand):
        ChangeTerm(
            actor=ADMIN,
            as_of=date(2025, 4, 1),
            subscription_id="s1",
            term=Term.P3Y,
            billing_frequency=Y,
        )


def test_even_near_the_renewal_an_annual_term_cannot_become_monthly_mid_term() -> None:
    # TERMS: "Let's consider a customer who has a 12-month contract running from January 1,
    # 2023, to January 1, 2024. If an attempt is made to switch this subscription to P1M on
    # December 20, 2023, this change" is not allowed: a term moves only to a longer one.
    tenant = run(mosa_tenant(), _buy(mosa_tenant(), "s1", date(2023, 1, 1), term=Term.P1Y))
    monthly = ChangeTerm(
        actor=ADMIN,
        as_of=date(2023, 12, 20),
        subscription_id="s1",
        term=Term.P1M,
        immediately=True,
    )
    refused = check(tenant, monthly)
    assert [(r.code, r.term, r.to_term) for r in refused] == [(Code.TERM_NOT_LONGER, "P1Y", "P1M")]
    assert codes(tenant, attrs.evolve(monthly, immediately=False)) == {Code.TERM_NOT_LONGER}


def test_traditional_add_ons_move_to_the_new_term_with_their_base() -> None:
    tenant = mosa_tenant()
    tenant = run(
        tenant,
        _buy(tenant, "base", date(2025, 3, 1), term=Term.P1Y),
        _buy(
            tenant,
            "trad",
            date(2025, 3, 1),
            term=Term.P1Y,
            product_id="storage",
            addon_kind=AddonKind.TRADITIONAL,
            parent_id="base",
        ),
    )
    longer = ChangeTerm(
        actor=ADMIN, as_of=date(2025, 6, 1), subscription_id="base", term=Term.P3Y, immediately=True
    )
    after = apply(tenant, longer).tenant
    assert {s.id: (s.term, s.current_term.start) for s in after} == {
        "base": (Term.P3Y, date(2025, 6, 1)),
        "trad": (Term.P3Y, date(2025, 6, 1)),
    }
    assert codes(after, attrs.evolve(longer, subscription_id="trad")) == {
        Code.MANAGED_WITH_PARENT,
        Code.NO_CHANGE,
    }


def test_a_scenario_refuses_a_billing_plan_its_catalog_does_not_offer() -> None:
    # Basic has no three-year offer: the catalog's word, in a scenario (the commands know none).
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2025, 3, 1), product_id="basic")
    longer = ChangeTerm(
        actor=ADMIN, as_of=date(2025, 3, 16), subscription_id="s1", term=Term.P3Y, immediately=True
    )
    timeline = _play(tenant, date(2025, 3, 1), date(2025, 3, 20), buy, longer)
    assert [(r.code, r.product, r.term) for f in timeline.refused for r in f.reasons] == [
        (Code.NO_MATCHING_OFFER, "basic", "P3Y")
    ]
    assert timeline.tenant.subscription("s1").term is Term.P1M
    assert [e.cause for e in timeline.ledger.entries] == [EntryCause.PURCHASE]


# -- billing cycle changes (TERMS: "The changes take effect at your next billing cycle") -------


def test_monthly_to_annual_billing_takes_effect_next_cycle_priced_by_the_months_left() -> None:
    # Partner Center's own worked figures for a billing cycle change could not be read (the
    # stored page gives its rules, not its table); these are worked by hand on its rule:
    # a P1Y term from 1 January billed monthly (10 x 30.00 = 300.00), moved to annual billing on
    # 15 March. March stands; from 1 April the term is billed annually for the 9 months left:
    # 10 x 360.00 x 9/12 = 2,700.00 (pc-billing-plan-months). The renewal bills a whole year.
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2025, 1, 1), term=Term.P1Y)
    annual = ChangeBillingFrequency(
        actor=ADMIN,
        as_of=date(2025, 3, 15),
        subscription_id="s1",
        billing_frequency=Y,
        at_next_cycle=True,
    )
    timeline = _play(tenant, date(2025, 1, 1), date(2026, 1, 2), buy, annual)
    assert _lines(timeline, "s1") == [
        ("purchase", date(2025, 1, 1), "2025-01-01..2025-02-01", "300.00 USD"),
        ("period", date(2025, 2, 1), "2025-02-01..2025-03-01", "300.00 USD"),
        ("period", date(2025, 3, 1), "2025-03-01..2025-04-01", "300.00 USD"),
        ("period", date(2025, 4, 1), "2025-04-01..2026-01-01", "2700.00 USD"),
        ("period", date(2026, 1, 1), "2026-01-01..2027-01-01", "3600.00 USD"),
    ]
    changed = [e for e in timeline.events if isinstance(e, BillingFrequencyChanged)]
    assert [(e.before, e.after, e.effective) for e in changed] == [(M, Y, date(2025, 4, 1))]


def test_the_first_annual_period_priced_by_days_is_the_ledger_convention_instead() -> None:
    # BILLING_PLAN_DAYS: 3,600.00 x 275/365 = 2,712.328... -> 2,712.33 (1 April to 1 January).
    tenant = mosa_tenant()
    policy = Policy(billing_plan_proration=BILLING_PLAN_DAYS)
    scenario = Scenario(
        name="days",
        start=date(2025, 1, 1),
        tenant=tenant,
        currency="USD",
        catalog="mine",
        steps=(
            _buy(tenant, "s1", date(2025, 1, 1), term=Term.P1Y),
            ChangeBillingFrequency(
                actor=ADMIN,
                as_of=date(2025, 3, 15),
                subscription_id="s1",
                billing_frequency=Y,
                at_next_cycle=True,
            ),
        ),
    )
    timeline = simulate(scenario, date(2025, 4, 2), catalog=CATALOG, policy=policy)
    assert _lines(timeline, "s1")[-1] == (
        "period",
        date(2025, 4, 1),
        "2025-04-01..2026-01-01",
        "2712.33 USD",
    )


def test_annual_to_monthly_billing_of_a_three_year_term_starts_at_its_next_anniversary() -> None:
    # Before 1 April 2025 a triennial term may still change its frequency mid-term (TERMS).
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2024, 1, 1), term=Term.P3Y, billing_frequency=Y)
    monthly = ChangeBillingFrequency(
        actor=ADMIN,
        as_of=date(2025, 3, 15),
        subscription_id="s1",
        billing_frequency=M,
        at_next_cycle=True,
    )
    timeline = _play(tenant, date(2024, 1, 1), date(2026, 2, 2), buy, monthly)
    # 2025's year stands (10 x 360.00); from 1 January 2026, 300.00 a month.
    assert _lines(timeline, "s1")[1:] == [
        ("period", date(2025, 1, 1), "2025-01-01..2026-01-01", "3600.00 USD"),
        ("period", date(2026, 1, 1), "2026-01-01..2026-02-01", "300.00 USD"),
        ("period", date(2026, 2, 1), "2026-02-01..2026-03-01", "300.00 USD"),
    ]


def test_a_triennial_term_changes_its_frequency_mid_term_only_before_april_2025() -> None:
    # TERMS: "Midterm billing frequency changes for triennial offers will be blocked starting
    # April 1, 2025."
    tenant = run(
        mosa_tenant(),
        _buy(mosa_tenant(), "s1", date(2024, 1, 1), term=Term.P3Y, billing_frequency=Y),
    )
    change = ChangeBillingFrequency(
        actor=ADMIN,
        as_of=date(2025, 3, 31),
        subscription_id="s1",
        billing_frequency=M,
        at_next_cycle=True,
    )
    assert codes(tenant, change) == set()
    late = attrs.evolve(change, as_of=date(2025, 4, 1))
    refused = check(tenant, late)
    assert [(r.code, r.on) for r in refused] == [(Code.MIDTERM_FREQUENCY_BLOCKED, date(2025, 4, 1))]
    # At the renewal it can still be scheduled.
    assert codes(tenant, attrs.evolve(late, at_next_cycle=False)) == set()


def test_under_an_mca_the_billing_frequency_is_chosen_only_when_buying_or_changing_plan() -> None:
    tenant = mca_tenant()
    tenant = run(tenant, _buy(tenant, "s1", date(2025, 1, 1), term=Term.P1Y))
    mid_term = ChangeBillingFrequency(
        actor=ADMIN,
        as_of=date(2025, 3, 15),
        subscription_id="s1",
        billing_frequency=Y,
        at_next_cycle=True,
    )
    refused = check(tenant, mid_term)
    assert [r.code for r in refused] == [Code.BILLING_FREQUENCY_FIXED]
    assert refused[0].message() == (
        "Subscription s1: under MCA the billing frequency is chosen only when buying, changing "
        "plan or renewing"
    )
    # Renewing may change it, and so may a change of billing plan (a longer term, mid-term).
    assert codes(tenant, attrs.evolve(mid_term, at_next_cycle=False)) == set()
    plan = ChangeTerm(
        actor=ADMIN,
        as_of=date(2025, 3, 15),
        subscription_id="s1",
        term=Term.P3Y,
        immediately=True,
        billing_frequency=Y,
    )
    assert codes(tenant, plan) == set()


def test_the_next_billing_cycle_is_the_end_of_the_running_billing_period() -> None:
    monthly = Subscription("s1", "standard", date(2025, 1, 31), 10, Term.P1Y)
    assert next_billing_cycle(monthly, date(2025, 3, 15)) == date(2025, 3, 31)
    assert next_billing_cycle(monthly, date(2025, 2, 28)) == date(2025, 3, 31)
    annual = attrs.evolve(monthly, billing_frequency=Y)
    assert next_billing_cycle(annual, date(2025, 3, 15)) == date(2026, 1, 31)


def test_a_month_based_line_is_whole_months_of_the_period_rounded_once() -> None:
    year = Period(date(2025, 1, 1), date(2026, 1, 1))
    # 7 x 100.00 x 5/12 = 291.666... -> 291.67 (half-even).
    line = months_line(Money.of("100.00", "USD"), 7, year, date(2025, 8, 1))
    assert (str(line.amount), line.note) == (
        "291.67 USD",
        "5 of 12 months (pc-billing-plan-months)",
    )
    assert months_line(Money.of("100.00", "USD"), 7, year, date(2025, 1, 1)).amount == Money.of(
        "700.00", "USD"
    )


@given(
    monthly=st.decimals("0.01", "999.99", places=2),
    quantity=st.integers(1, 5_000),
    start=st.dates(date(2020, 1, 1), date(2030, 12, 1)),
    months_in=st.integers(0, 11),
)
def test_a_month_based_note_reads_back_as_its_code_and_values_in_every_language(
    monthly: Decimal, quantity: int, start: date, months_in: int
) -> None:
    year = Period(start, start + relativedelta(years=1))
    line = months_line(
        Money.of(monthly * 12, "USD"), quantity, year, start + relativedelta(months=months_in)
    )
    found = line_note(line.note)
    assert found == (
        "months_of_period",
        {"left": 12 - months_in, "total": 12, "proration": "pc-billing-plan-months"},
    )
    assert render_note(line.note, "fr") == f"{12 - months_in} mois sur 12 (pc-billing-plan-months)"


# -- trials bought early (TRY: "Start a paid subscription now" / "Buy paid subscription now") --


def _trial(tenant: Tenant, on: date = date(2025, 3, 1)) -> Tenant:
    method = None if tenant.account and tenant.account.type.has_profiles else PaymentMethod.CARD
    return run(
        tenant,
        StartTrial(
            actor=ADMIN,
            as_of=on,
            subscription_id="t1",
            product_id="standard",
            payment_method=method,
        ),
    )


def test_a_trial_bought_early_starts_its_paid_term_that_day_and_keeps_its_users() -> None:
    # TRY (MCA): "enter the number of licenses that you want, select a subscription length and
    # billing frequency"; the trial's id and assignments stay.
    tenant = mosa_tenant()
    trial = StartTrial(
        actor=ADMIN,
        as_of=date(2025, 3, 1),
        subscription_id="t1",
        product_id="standard",
        payment_method=PaymentMethod.CARD,
    )
    assign = AssignLicenses(actor=ADMIN, as_of=date(2025, 3, 2), subscription_id="t1", count=5)
    buy = ConvertTrial(
        actor=ADMIN, as_of=date(2025, 3, 11), subscription_id="t1", quantity=10, term=Term.P1Y
    )
    timeline = _play(tenant, date(2025, 3, 1), date(2025, 4, 20), trial, assign, buy)
    sub = timeline.tenant.subscription("t1")
    assert (sub.status, sub.quantity, sub.assigned) == (Status.ACTIVE, 10, 5)
    assert (str(sub.current_term), sub.trial_end) == ("2025-03-11..2026-03-11", date(2025, 3, 31))
    # Nothing for the trial; from 11 March, 10 x 30.00 a month.
    assert _lines(timeline, "t1") == [
        ("period", date(2025, 3, 11), "2025-03-11..2025-04-11", "300.00 USD"),
        ("period", date(2025, 4, 11), "2025-04-11..2025-05-11", "300.00 USD"),
    ]
    converted = [e for e in timeline.events if isinstance(e, TrialConverted)]
    assert [(e.on, e.quantity) for e in converted] == [(date(2025, 3, 11), 10)]
    changes = [
        e for e in timeline.events if isinstance(e, StatusChanged) and e.subscription_id == "t1"
    ]
    assert [(e.on, e.cause) for e in changes] == [(date(2025, 3, 11), StatusCause.TRIAL_CONVERTED)]


def test_a_trial_bought_early_keeps_its_own_licenses_term_and_frequency_when_none_are_named() -> (
    None
):
    tenant = _trial(mca_tenant())
    after = apply(tenant, ConvertTrial(actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="t1"))
    sub = after.tenant.subscription("t1")
    assert (sub.quantity, sub.term, sub.billing_frequency) == (25, Term.P1M, M)
    assert str(sub.current_term) == "2025-03-05..2025-04-05"


def test_a_trial_bought_early_is_refused_below_its_assignments_or_when_it_is_no_trial() -> None:
    tenant = run(
        _trial(mosa_tenant()),
        AssignLicenses(actor=ADMIN, as_of=date(2025, 3, 2), subscription_id="t1", count=8),
    )
    few = ConvertTrial(actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="t1", quantity=5)
    assert [(r.code, r.count) for r in check(tenant, few)] == [(Code.BELOW_ASSIGNED, 8)]
    bought = run(tenant, attrs.evolve(few, quantity=8))
    again = check(bought, attrs.evolve(few, quantity=8, as_of=date(2025, 3, 6)))
    assert [(r.code, r.status) for r in again] == [(Code.NOT_A_TRIAL, "active")]
    with pytest.raises(InvalidPeriod):
        check(tenant, attrs.evolve(few, quantity=8, billing_frequency=Y))  # P1M billed annually


def test_a_trial_without_a_payment_method_is_bought_with_one() -> None:
    tenant = run(
        mosa_tenant(),
        StartTrial(
            actor=ADMIN, as_of=date(2025, 3, 1), subscription_id="t1", product_id="standard"
        ),
    )
    buy = ConvertTrial(actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="t1")
    assert codes(tenant, buy) == {Code.NO_PAYMENT_METHOD}
    paid = apply(tenant, attrs.evolve(buy, payment_method=PaymentMethod.CARD)).tenant
    assert paid.subscription("t1").payment_method is PaymentMethod.CARD


# -- cancelling a trial (CANCEL) ----------------------------------------------------------------


def test_a_mosa_trial_is_cancelled_online_and_its_data_goes_30_days_later() -> None:
    # CANCEL (MOSA): "The steps to cancel your trial or paid subscription depend on the number of
    # licenses": 25 or fewer (a trial has 25), cancelled online. Choice: nothing was charged, so
    # the trial takes an unconverted trial's way out (Expired, deleted 30 days later) rather than
    # the paid subscription's Disabled stage.
    tenant = _trial(mosa_tenant())
    outcome = apply(
        tenant, CancelSubscription(actor=ADMIN, as_of=date(2025, 3, 11), subscription_id="t1")
    )
    sub = outcome.tenant.subscription("t1")
    assert (sub.status, sub.recurring_billing) == (Status.EXPIRED, False)
    later = advance(outcome.tenant, date(2025, 4, 10)).tenant.subscription("t1")
    assert later.status is Status.DELETED
    timeline = _play(
        mosa_tenant(),
        date(2025, 3, 1),
        date(2025, 5, 1),
        StartTrial(
            actor=ADMIN,
            as_of=date(2025, 3, 1),
            subscription_id="t1",
            product_id="standard",
            payment_method=PaymentMethod.CARD,
        ),
        CancelSubscription(actor=ADMIN, as_of=date(2025, 3, 11), subscription_id="t1"),
    )
    assert timeline.ledger.entries == ()


def test_an_mca_trial_is_ended_by_turning_off_recurring_billing_not_cancelled() -> None:
    # CANCEL: "To cancel a free trial, turn off recurring billing."
    tenant = _trial(mca_tenant())
    cancel = CancelSubscription(actor=ADMIN, as_of=date(2025, 3, 11), subscription_id="t1")
    assert codes(tenant, cancel) == {Code.TRIAL_CANCELLATION}
    assert codes(
        tenant, DeleteSubscription(actor=ADMIN, as_of=date(2025, 3, 11), subscription_id="t1")
    ) == {Code.TRIAL_CANCELLATION}
    assert (
        codes(
            tenant,
            SetRecurringBilling(
                actor=ADMIN, as_of=date(2025, 3, 11), subscription_id="t1", recurring_billing=False
            ),
        )
        == set()
    )


# -- aligned renewals (ALIGN; TRY: "Select a different renewal date") ---------------------------


def _mca_with(*subs: Subscription) -> Tenant:
    account = mca_tenant().account
    assert account is not None
    profile = account.default_profile
    assert profile is not None
    placed = [
        attrs.evolve(
            s, billing_profile_id=profile.id, invoice_section_id=profile.default_section.id
        )
        for s in subs
    ]
    return Tenant("contoso.com", tuple(placed), account=account)


def _aligned_buy(term: Term, on: date, frequency: BillingFrequency = M) -> PurchaseSubscription:
    return PurchaseSubscription(
        actor=ADMIN,
        as_of=on,
        subscription_id="new",
        product_id="standard",
        quantity=10,
        term=term,
        billing_frequency=frequency,
        align_to="old",
    )


@pytest.mark.parametrize(
    ("old_term", "old_start", "new_term", "first_end", "next_term"),
    [
        # One-year: existing 1y "ending October 1, 2022", new 1y bought July 1, 2022: "prorated
        # to three months, ending October 1, 2022. (The next term is October 2, 2022, to
        # October 1, 2023.)" Page dates are inclusive; subcommerce's ends are the day after.
        (Term.P1Y, date(2021, 10, 2), Term.P1Y, date(2022, 10, 2), "2022-10-02..2023-10-02"),
        (Term.P3Y, date(2019, 10, 2), Term.P1Y, date(2022, 10, 2), "2022-10-02..2023-10-02"),
        # Three-year: existing 1y ending October 1, 2022, new 3y: "prorated to 27 months,
        # ending on October 1, 2024. (The next term is October 2, 2024, to October 1, 2027.)"
        (Term.P1Y, date(2021, 10, 2), Term.P3Y, date(2024, 10, 2), "2024-10-02..2027-10-02"),
        # Existing 3y ending October 1, 2022: "prorated to three months, ending October 1, 2022.
        # (The next term is October 2, 2022, to October 1, 2025 ...)"
        (Term.P3Y, date(2019, 10, 2), Term.P3Y, date(2022, 10, 2), "2022-10-02..2025-10-02"),
    ],
)
def test_a_purchase_takes_the_renewal_date_of_another_subscription_as_partner_center_shows(
    old_term: Term, old_start: date, new_term: Term, first_end: date, next_term: str
) -> None:
    old = Subscription("old", "standard", old_start, 10, old_term)
    tenant = _mca_with(old)
    after = apply(tenant, _aligned_buy(new_term, date(2022, 7, 1))).tenant
    new = after.subscription("new")
    assert (new.start, new.end) == (date(2022, 7, 1), first_end)
    renewed = advance(after, first_end).tenant.subscription("new")
    assert str(renewed.current_term) == next_term


def test_the_monthly_example_of_the_align_page_contradicts_its_own_rule_and_is_refused() -> None:
    # ALIGN: existing monthly "ending April 2, 2022", new monthly bought March 2, 2022, "prorated
    # to 27 days, ending on April 2, 2022". A monthly term bought March 2 ends April 1 (inclusive),
    # so April 2 lies past "within the first term duration" (same page), and March 2 to April 2
    # is 32 days, not 27. subcommerce keeps the rule: a first term never exceeds a full term.
    old = Subscription("old", "standard", date(2022, 3, 3), 10, Term.P1M)  # ends April 2 incl.
    refused = check(_mca_with(old), _aligned_buy(Term.P1M, date(2022, 3, 2)))
    assert [(r.code, r.on) for r in refused] == [(Code.ALIGNMENT_OUT_OF_REACH, date(2022, 4, 3))]
    # Bought a day later, it aligns: 3 March to 3 April (exclusive), a whole month.
    assert codes(_mca_with(old), _aligned_buy(Term.P1M, date(2022, 3, 3))) == set()


def test_an_aligned_first_term_is_charged_its_prorated_share() -> None:
    # ALIGN: "The charges will be prorated for the first short term." 1 July to 2 October 2022 is
    # 93 days of the anchor's year (2 October 2021 to 2 October 2022, 365 days):
    # 10 x 360.00 x 93/365 = 917.260... -> 917.26. Then both renew on 2 October 2022.
    tenant = mca_tenant()
    steps = (
        _buy(tenant, "old", date(2021, 10, 2), term=Term.P1Y, billing_frequency=Y),
        attrs.evolve(_aligned_buy(Term.P1Y, date(2022, 7, 1), Y)),
    )
    timeline = _play(tenant, date(2021, 10, 2), date(2022, 10, 3), *steps)
    assert _lines(timeline, "new") == [
        ("purchase", date(2022, 7, 1), "2022-07-01..2022-10-02", "917.26 USD"),
        ("period", date(2022, 10, 2), "2022-10-02..2023-10-02", "3600.00 USD"),
    ]


def test_an_aligned_purchase_keeps_the_cancellation_window_of_its_purchase_day() -> None:
    # ALIGN: "Setting a coterminous date on purchasing a subscription still enables you to cancel
    # the new subscription as long it complies with the new commerce cancellation policies."
    old = Subscription("old", "standard", date(2021, 10, 2), 10, Term.P1Y)
    tenant = apply(_mca_with(old), _aligned_buy(Term.P1Y, date(2022, 7, 1))).tenant
    new = tenant.subscription("new")
    assert window_start(new) == date(2022, 7, 1) > new.current_term.start
    cancel = CancelSubscription(actor=ADMIN, as_of=date(2022, 7, 7), subscription_id="new")
    assert codes(tenant, cancel) == set()
    assert codes(tenant, attrs.evolve(cancel, as_of=date(2022, 7, 8))) == {
        Code.OUTSIDE_CANCELLATION_WINDOW
    }


def test_alignment_is_refused_under_mosa_on_another_profile_and_to_an_inactive_target() -> None:
    mosa = run(mosa_tenant(), _buy(mosa_tenant(), "old", date(2022, 1, 1), term=Term.P1Y))
    buy = attrs.evolve(_aligned_buy(Term.P1Y, date(2022, 7, 1)), payment_method=PaymentMethod.CARD)
    assert [(r.code, r.account_type) for r in check(mosa, buy)] == [
        (Code.ALIGNMENT_NOT_AVAILABLE, "mosa")
    ]
    old = Subscription("old", "standard", date(2021, 10, 2), 10, Term.P1Y)
    tenant = _mca_with(old)
    assert tenant.account is not None
    second = BillingProfile(
        "contoso/profile-2", (InvoiceSection("contoso/section-2"),), PaymentMethod.CARD
    )
    account = attrs.evolve(tenant.account, profiles=(*tenant.account.profiles, second))
    tenant = attrs.evolve(tenant, account=account)
    elsewhere = attrs.evolve(
        _aligned_buy(Term.P1Y, date(2022, 7, 1)), billing_profile_id="contoso/profile-2"
    )
    assert codes(tenant, elsewhere) == {Code.ALIGNMENT_OTHER_PROFILE}
    expired = _mca_with(attrs.evolve(old, status=Status.EXPIRED, status_since=date(2022, 10, 2)))
    refused = check(expired, _aligned_buy(Term.P1Y, date(2022, 10, 20)))
    assert [(r.code, r.status) for r in refused] == [(Code.ALIGNMENT_TARGET_NOT_ACTIVE, "expired")]


def test_an_annual_or_three_year_term_cannot_take_a_monthly_subscriptions_renewal_date() -> None:
    # ALIGN: "Annual and triannual term subscriptions can't be coterminated with a monthly term
    # subscription." "A monthly term subscription can coterminate with any other subscription."
    monthly = Subscription("old", "standard", date(2022, 6, 10), 10, Term.P1M)
    tenant = _mca_with(monthly)
    assert codes(tenant, _aligned_buy(Term.P1Y, date(2022, 7, 1))) == {Code.ALIGNMENT_TERM_MISMATCH}
    assert codes(tenant, _aligned_buy(Term.P1M, date(2022, 7, 1))) == set()
    yearly = _mca_with(Subscription("old", "standard", date(2022, 1, 10), 10, Term.P1Y))
    assert codes(yearly, _aligned_buy(Term.P1M, date(2022, 7, 1))) == {Code.ALIGNMENT_OUT_OF_REACH}


def test_a_trial_started_with_a_renewal_date_converts_on_day_30_onto_it() -> None:
    # TRY (MCA, "Try a different subscription"): "To match the renewal date with another
    # subscription paid by the billing profile, select Select a different renewal date."
    # The trial of 1 March converts on 31 March onto old's calendar (renewing 2 October 2025):
    # 25 x 30.00 = 750.00 a month; 31 March to 2 April is 2 of the 31 days from 2 March:
    # 750.00 x 2/31 = 48.387... -> 48.39; then whole months from 2 April.
    tenant = mca_tenant()
    steps = (
        _buy(tenant, "old", date(2024, 10, 2), term=Term.P1Y),
        StartTrial(
            actor=ADMIN,
            as_of=date(2025, 3, 1),
            subscription_id="t1",
            product_id="standard",
            term=Term.P1Y,
            align_to="old",
        ),
    )
    timeline = _play(tenant, date(2024, 10, 2), date(2025, 4, 2), *steps)
    assert timeline.refused == ()
    sub = timeline.tenant.subscription("t1")
    assert (sub.status, sub.end) == (Status.ACTIVE, date(2025, 10, 2))
    assert _lines(timeline, "t1") == [
        ("period", date(2025, 3, 31), "2025-03-31..2025-04-02", "48.39 USD"),
        ("period", date(2025, 4, 2), "2025-04-02..2025-05-02", "750.00 USD"),
    ]


def test_a_partner_trial_takes_no_other_renewal_date() -> None:
    # ALIGN (Partner Center, MPA): "Trial subscriptions are also excluded."
    account = BillingAccount.sign_up(
        BillingAccountType.MPA, "contoso", ADMIN, payment_method=PaymentMethod.CARD
    )
    tenant = Tenant("contoso.com", account=account)
    tenant = run(tenant, _buy(tenant, "old", date(2025, 1, 1), term=Term.P1Y))
    trial = StartTrial(
        actor=ADMIN,
        as_of=date(2025, 3, 1),
        subscription_id="t1",
        product_id="standard",
        term=Term.P1Y,
        align_to="old",
    )
    assert [(r.code, r.account_type) for r in check(tenant, trial)] == [
        (Code.ALIGNMENT_NOT_AVAILABLE, "mpa")
    ]
    assert (
        codes(
            tenant,
            attrs.evolve(
                _aligned_buy(Term.P1Y, date(2025, 3, 1)), subscription_id="n", align_to="old"
            ),
        )
        == set()
    )


def test_a_trial_asks_for_a_renewal_date_only_where_alignment_applies() -> None:
    mosa = run(mosa_tenant(), _buy(mosa_tenant(), "old", date(2025, 1, 1), term=Term.P1Y))
    start = StartTrial(
        actor=ADMIN,
        as_of=date(2025, 3, 1),
        subscription_id="t1",
        product_id="standard",
        term=Term.P1Y,
        align_to="old",
        payment_method=PaymentMethod.CARD,
    )
    assert codes(mosa, start) == {Code.ALIGNMENT_NOT_AVAILABLE}
    # If the target is gone by the conversion, the trial converts on its own calendar.
    old = Subscription("old", "standard", date(2024, 10, 2), 10, Term.P1Y)
    tenant = run(_mca_with(old), attrs.evolve(start, payment_method=None))
    tenant = run(
        tenant,
        SetRecurringBilling(
            actor=ADMIN, as_of=date(2025, 3, 2), subscription_id="old", recurring_billing=False
        ),
    )
    gone = attrs.evolve(
        old, status=Status.EXPIRED, status_since=date(2025, 3, 20), recurring_billing=False
    )
    tenant = tenant.replace(gone)
    sub = advance(tenant, date(2025, 3, 31)).tenant.subscription("t1")
    assert (sub.status, str(sub.current_term)) == (Status.ACTIVE, "2025-03-31..2026-03-31")


def test_a_trial_bought_early_may_take_another_subscriptions_renewal_date() -> None:
    # TRY (MCA): "To match the renewal date with another subscription paid by the billing
    # profile, select Select a different renewal date."
    old = Subscription("old", "standard", date(2024, 10, 2), 10, Term.P1Y)
    tenant = _trial(_mca_with(old), date(2025, 3, 1))
    buy = ConvertTrial(
        actor=ADMIN, as_of=date(2025, 3, 10), subscription_id="t1", term=Term.P1Y, align_to="old"
    )
    sub = apply(tenant, buy).tenant.subscription("t1")
    assert (sub.status, sub.end) == (Status.ACTIVE, date(2025, 10, 2))
    with pytest.raises(InvalidCommand):
        check(tenant, attrs.evolve(buy, align_to="t1"))


def test_a_price_review_shows_the_aligned_term_end_and_its_prorated_first_charge() -> None:
    # TRY (MCA checkout): "The Product name section lists the cost, subscription term, number of
    # licenses, and renewal date ... select Select a different renewal date." Business Standard
    # P1Y billed annually (12.50 a month): 10 x 150.00 = 1,500.00 a year; aligned from 10 April
    # 2025 to s1's renewal on 10 January 2026, 275 of 365 days: 1,130.136... -> 1,130.14.
    catalog = default_catalog()
    tenant = mca_tenant()
    line = NewSubscription(
        product_id="m365-business-standard",
        quantity=10,
        term=Term.P1Y,
        billing_frequency=Y,
        subscription_id="s1",
    )
    first = place_order(
        catalog,
        tenant,
        quote(
            catalog,
            tenant,
            PlaceOrder(actor=ADMIN, as_of=date(2025, 1, 10), cart=Cart((line,))),
            currency="USD",
        ),
    )
    aligned = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 4, 10),
        cart=Cart((attrs.evolve(line, subscription_id="s2", align_to="s1"),)),
    )
    review = quote(catalog, first.tenant, aligned, ledger=first.ledger).lines[0]
    assert (review.reasons, review.term_end) == ((), date(2026, 1, 10))
    assert str(review.first_charge_total) == "1130.14 USD"


# -- a product change scheduled for the renewal (SCHEDULE: "even choose to upgrade the SKU") ----


def test_a_product_change_scheduled_for_the_renewal_starts_the_new_products_term() -> None:
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2025, 3, 1), product_id="basic")  # 10 x 6.00
    upgrade = ScheduleProductChange(
        actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="s1", product_id="standard"
    )
    timeline = _play(tenant, date(2025, 3, 1), date(2025, 4, 2), buy, upgrade)
    assert _lines(timeline, "s1") == [
        ("purchase", date(2025, 3, 1), "2025-03-01..2025-04-01", "60.00 USD"),
        ("period", date(2025, 4, 1), "2025-04-01..2025-05-01", "360.00 USD"),
    ]
    moved = [e for e in timeline.events if isinstance(e, ProductChanged)]
    assert [(e.on, e.before, e.after) for e in moved] == [(date(2025, 4, 1), "basic", "standard")]
    assert timeline.tenant.subscription("s1").product_id == "standard"


def test_a_product_change_at_renewal_is_refused_to_another_kind_or_with_recurring_billing_off() -> (
    None
):
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2025, 3, 1), product_id="basic")
    to_addon = ScheduleProductChange(
        actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="s1", product_id="storage"
    )
    timeline = _play(tenant, date(2025, 3, 1), date(2025, 3, 6), buy, to_addon)
    assert [r.code for refusal in timeline.refused for r in refusal.reasons] == [
        Code.PRODUCT_CHANGE_NOT_ALLOWED
    ]
    tenant = run(tenant, buy)
    assert codes(tenant, attrs.evolve(to_addon, product_id="basic")) == {Code.NO_CHANGE}
    off = run(
        tenant,
        SetRecurringBilling(
            actor=ADMIN, as_of=date(2025, 3, 2), subscription_id="s1", recurring_billing=False
        ),
    )
    assert codes(off, attrs.evolve(to_addon, product_id="standard")) == {Code.RECURRING_BILLING_OFF}


def test_a_product_change_at_renewal_follows_the_catalogs_change_paths() -> None:
    # The default catalog's paths: Business Basic changes to Standard, Premium, Office 365 E1, E3
    # and E5, not to Microsoft 365 E5.
    catalog = default_catalog()
    tenant = mosa_tenant()
    buy = _buy(tenant, "s1", date(2025, 3, 1), product_id="m365-business-basic")
    off_path = ScheduleProductChange(
        actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="s1", product_id="m365-e5"
    )
    on_path = attrs.evolve(off_path, product_id="m365-business-standard")
    scenario = Scenario(
        name="paths",
        start=date(2025, 3, 1),
        tenant=tenant,
        currency="USD",
        steps=(buy, off_path, on_path),
    )
    timeline = simulate(scenario, date(2025, 4, 2), catalog=catalog)
    assert [(r.code, r.product) for f in timeline.refused for r in f.reasons] == [
        (Code.PLAN_CHANGE_NOT_ELIGIBLE, "m365-e5")
    ]
    assert timeline.tenant.subscription("s1").product_id == "m365-business-standard"


def test_a_mid_term_change_deletes_a_product_change_scheduled_for_the_renewal() -> None:
    tenant = run(mosa_tenant(), _buy(mosa_tenant(), "s1", date(2025, 3, 1), product_id="basic"))
    tenant = run(
        tenant,
        ScheduleProductChange(
            actor=ADMIN, as_of=date(2025, 3, 5), subscription_id="s1", product_id="standard"
        ),
    )
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 3, 6), subscription_id="s1", quantity=12
    )
    after = apply(tenant, more).tenant
    assert after.subscription("s1").scheduled is None
    assert advance(after, date(2025, 4, 1)).tenant.subscription("s1").product_id == "basic"


# -- properties ---------------------------------------------------------------------------------

DAYS = st.dates(date(2020, 1, 1), date(2027, 12, 31))
TERMS = st.sampled_from([Term.P1M, Term.P1Y, Term.P3Y])


@given(
    start=DAYS,
    old_term=TERMS,
    renewals=st.integers(0, 3),
    new_term=TERMS,
    offset=st.integers(0, 1_200),
    data=st.data(),
)
def test_an_aligned_first_term_ends_exactly_on_a_renewal_date_of_its_target(
    start: date, old_term: Term, renewals: int, new_term: Term, offset: int, data: st.DataObject
) -> None:
    target = Subscription("old", "standard", start, 10, old_term, renewals=renewals)
    term = target.current_term
    on = term.start + timedelta(days=offset % term.days)
    aligned = aligned_term(target, new_term, on)
    months = {Term.P1M: 1, Term.P1Y: 12, Term.P3Y: 36}
    renewal_dates = {start + relativedelta(months=months[old_term] * j) for j in range(1, 50)}
    reach = on + relativedelta(months=months[new_term])
    if aligned is None:
        # None only when no renewal date of the target lies in (on, reach] on the grid.
        assert not any(on < d <= reach and d.day <= 28 and start.day <= 28 for d in renewal_dates)
        return
    new = Subscription(
        "new",
        "standard",
        on,
        10,
        new_term,
        term_anchor=aligned.term_anchor,
        renewals=aligned.renewals,
    )
    assert new.current_term.start <= on < new.current_term.end == aligned.first_end
    assert aligned.first_end in renewal_dates
    assert aligned.first_end <= reach
    # The next term is a whole term from that day, on the target's calendar.
    after = Subscription(
        "new",
        "standard",
        on,
        10,
        new_term,
        term_anchor=aligned.term_anchor,
        renewals=aligned.renewals + 1,
    )
    assert after.current_term.start == aligned.first_end
    # Counted from the anchor, not from the (possibly clamped) first end: 2020-10-29 monthly
    # ends on 2021-02-28, then on 2021-03-29.
    step = months[new_term]
    assert aligned.first_end == aligned.term_anchor + relativedelta(
        months=step * (aligned.renewals + 1)
    )
    assert after.current_term.end == aligned.term_anchor + relativedelta(
        months=step * (aligned.renewals + 2)
    )


@given(
    start=st.dates(date(2022, 1, 1), date(2026, 12, 31)),
    offset=st.integers(1, 364),
    quantity=st.integers(1, 500),
    monthly=st.decimals("0.01", "99.99", places=2),
)
def test_an_aligned_first_charge_is_the_prorated_share_of_the_anchors_year(
    start: date, offset: int, quantity: int, monthly: Decimal
) -> None:
    assume(start.day <= 28)
    plan = Plan("p", DisplayName("P", "P"), offers=(Offer(Term.P1Y, Y, Prices.of(USD=monthly)),))
    catalog = Catalog("mine", DisplayName("Mine", "Le mien"), plans=(plan,))
    tenant = mca_tenant()
    on = start + timedelta(days=offset)
    steps = (
        _buy(tenant, "old", start, term=Term.P1Y, billing_frequency=Y, product_id="p"),
        attrs.evolve(_aligned_buy(Term.P1Y, on, Y), product_id="p", quantity=quantity),
    )
    scenario = Scenario(
        name="share", start=start, tenant=tenant, currency="USD", catalog="mine", steps=steps
    )
    timeline = simulate(scenario, on, catalog=catalog)
    assert timeline.refused == ()
    first = next(e for e in timeline.ledger.entries if e.subscription_id == "new")
    year_end = start + relativedelta(years=1)
    days, year = (year_end - on).days, (year_end - start).days
    # A year billed annually costs 12 months of the list price.
    expected = _half_even(Fraction(monthly) * 12 * quantity * days / year)
    assert first.amount == Money.of(expected, "USD")
    assert str(first.line.span) == f"{on.isoformat()}..{year_end.isoformat()}"


@given(
    bought=st.dates(date(2023, 1, 1), date(2026, 12, 31)),
    used=st.integers(0, 30),
    quantity=st.integers(1, 300),
    new_term=st.sampled_from([Term.P1Y, Term.P3Y]),
)
def test_a_mid_term_term_change_credits_at_most_what_was_charged(
    bought: date, used: int, quantity: int, new_term: Term
) -> None:
    tenant = mosa_tenant()
    month_end = bought + relativedelta(months=1)
    on = min(bought + timedelta(days=used), month_end - timedelta(days=1))
    steps = (
        _buy(tenant, "s1", bought, quantity),
        ChangeTerm(actor=ADMIN, as_of=on, subscription_id="s1", term=new_term, immediately=True),
    )
    timeline = _play(tenant, bought, on, *steps)
    entries = {e.id: e for e in timeline.ledger.entries}
    credits = [e for e in entries.values() if e.cause is EntryCause.TERM_CHANGE]
    assert len(credits) == 1
    credit = credits[0]
    charged = entries[credit.credits or ""]
    assert Money.of(0, "USD") <= -credit.amount <= charged.amount
    # What is kept is the days used (independently: 36.00 x quantity x used / days of the month).
    kept = charged.amount + credit.amount
    month = (month_end - bought).days
    expected = _half_even(Fraction(36) * quantity * (on - bought).days / month)
    assert kept == Money.of(expected, "USD")


def _changes(tenant: Tenant, subs: list[str], on: date) -> st.SearchStrategy[Command]:
    sub = st.sampled_from(subs)
    return st.one_of(
        st.builds(
            ChangeTerm,
            actor=st.just(ADMIN),
            as_of=st.just(on),
            subscription_id=sub,
            term=TERMS,
            immediately=st.just(True),
        ),
        st.builds(
            ChangeBillingFrequency,
            actor=st.just(ADMIN),
            as_of=st.just(on),
            subscription_id=sub,
            billing_frequency=st.sampled_from([M, Y]),
            at_next_cycle=st.just(True),
        ),
        st.builds(
            ConvertTrial,
            actor=st.just(ADMIN),
            as_of=st.just(on),
            subscription_id=sub,
            quantity=st.none() | st.integers(1, 40),
            term=st.none() | TERMS,
            billing_frequency=st.none() | st.just(M),
            align_to=st.none() | sub,
        ),
        st.builds(
            ScheduleProductChange,
            actor=st.just(ADMIN),
            as_of=st.just(on),
            subscription_id=sub,
            product_id=st.sampled_from(["standard", "basic"]),
        ),
        st.builds(CancelSubscription, actor=st.just(ADMIN), as_of=st.just(on), subscription_id=sub),
        st.builds(
            PurchaseSubscription,
            actor=st.just(ADMIN),
            as_of=st.just(on),
            subscription_id=st.just("n"),
            product_id=st.just("standard"),
            quantity=st.integers(1, 30),
            term=TERMS,
            billing_frequency=st.just(M),
            payment_method=st.just(
                None if tenant.account and tenant.account.type.has_profiles else PaymentMethod.CARD
            ),
            align_to=sub,
        ),
    )


@st.composite
def _tenants_and_changes(draw: st.DrawFn) -> tuple[Tenant, Command]:
    mca = draw(st.booleans())
    tenant = mca_tenant() if mca else mosa_tenant()
    start = draw(st.dates(date(2024, 1, 1), date(2025, 12, 31)))
    commands: list[Command] = [
        _buy(tenant, "a", start, draw(st.integers(1, 30)), term=draw(TERMS)),
        _buy(tenant, "b", start + timedelta(days=draw(st.integers(0, 200))), term=draw(TERMS)),
        StartTrial(
            actor=ADMIN,
            as_of=start + timedelta(days=draw(st.integers(0, 40))),
            subscription_id="t",
            product_id="standard",
            payment_method=None if mca else PaymentMethod.CARD,
        ),
    ]
    commands.sort(key=lambda c: c.as_of)
    for command in commands:
        tenant = apply(tenant, command).tenant
    on = commands[-1].as_of + timedelta(days=draw(st.integers(0, 400)))
    change = draw(_changes(tenant, ["a", "b", "t"], on))
    return tenant, change


@given(_tenants_and_changes())
def test_check_and_apply_agree_on_every_new_command_and_a_refused_one_changes_nothing(
    case: tuple[Tenant, Command],
) -> None:
    tenant, command = case
    before = copy.deepcopy(tenant)
    try:
        reasons = check(tenant, command)
    except (InvalidCommand, InvalidPeriod):
        with pytest.raises((InvalidCommand, InvalidPeriod)):
            apply(tenant, command)
        return
    if reasons:
        with pytest.raises(Refused) as refused:
            apply(tenant, command)
        assert refused.value.reasons == reasons
        assert tenant == before
    else:
        assert apply(tenant, command).tenant.as_of == command.as_of


@st.composite
def _timelines(draw: st.DrawFn) -> Scenario:
    mca = draw(st.booleans())
    tenant = mca_tenant() if mca else mosa_tenant()
    start = draw(st.dates(date(2024, 1, 1), date(2025, 6, 30)))
    steps: list[Command] = [
        _buy(tenant, "a", start, draw(st.integers(1, 30)), term=draw(TERMS)),
        StartTrial(
            actor=ADMIN,
            as_of=start,
            subscription_id="t",
            product_id="standard",
            payment_method=None if mca else PaymentMethod.CARD,
        ),
    ]
    day = start
    for _ in range(draw(st.integers(1, 6))):
        day += timedelta(days=draw(st.integers(0, 120)))
        steps.append(draw(_changes(tenant, ["a", "t"], day)))
    return Scenario(
        name="generated",
        start=start,
        tenant=tenant,
        currency="USD",
        catalog="mine",
        steps=tuple(steps),
        until=day + timedelta(days=draw(st.integers(0, 400))),
    )


@given(_timelines())
def test_invoices_add_up_to_the_ledger_over_timelines_with_the_new_commands(
    scenario: Scenario,
) -> None:
    timeline = simulate(scenario, catalog=CATALOG)
    every = (*timeline.invoices, *timeline.open_invoices)
    on_invoices = Counter(e.id for invoice in every for e in invoice.lines)
    assert on_invoices == Counter(e.id for e in timeline.ledger.entries)
    total = sum((i.total.minor_units() for i in every), 0)
    assert total == sum(e.amount.minor_units() for e in timeline.ledger.entries)
    assert total == timeline.ledger.net.minor_units()
    # No credit or refund is ever more than the charge it credits.
    by_id: dict[str, LedgerEntry] = {
        e.id: e for e in (*timeline.ledger.opening, *timeline.ledger.entries)
    }
    for entry in timeline.ledger.entries:
        if entry.line.kind in (LineKind.CREDIT, LineKind.REFUND):
            assert entry.credits is not None
            assert -entry.amount <= by_id[entry.credits].amount


@given(_timelines(), st.integers(0, 5))
def test_a_refused_step_changes_nothing_in_a_timeline(scenario: Scenario, pick: int) -> None:
    timeline = simulate(scenario, catalog=CATALOG)
    assume(timeline.refused)
    refused = timeline.refused[pick % len(timeline.refused)]
    kept = tuple(s for i, s in enumerate(scenario.steps) if i != refused.index)
    without = simulate(attrs.evolve(scenario, steps=kept), catalog=CATALOG)
    assert without.ledger.entries == timeline.ledger.entries
    assert without.tenant == timeline.tenant


TRIAL_FILE = """\
name = "trial bought early"
start = 2025-03-01
until = 2025-04-30
currency = "USD"

[tenant]
organization = "contoso.com"

[tenant.account]
id = "contoso"
type = "mosa"
roles = [{ principal = "ana", role = "global_admin" }]

[[steps]]
type = "start_trial"
as_of = 2025-03-01
actor = "ana"
subscription_id = "t1"
product_id = "m365-business-premium"
payment_method = "card"

[[steps]]
type = "convert_trial"
as_of = 2025-03-11
actor = "ana"
subscription_id = "t1"
quantity = 10

[[steps]]
type = "cancel_subscription"
as_of = 2025-03-12
actor = "ana"
subscription_id = "t1"
"""


def test_the_command_line_plays_a_trial_bought_early_and_then_cancelled(tmp_path: Path) -> None:
    path = tmp_path / "trial.toml"
    path.write_text(TRIAL_FILE, encoding="utf-8")
    out = io.StringIO()
    assert main(["simulate", str(path)], out=out) == 0
    text = out.getvalue()
    # 10 x 26.40 = 264.00 from Mar 11; cancelled Mar 12 within the window: 30/31 refunded.
    assert "2025-03-11  buy trial now: t1" in text
    assert "total 8.52 USD" in text
    french = io.StringIO()
    assert main(["simulate", str(path), "--lang", "fr"], out=french) == 0
    assert "achat immédiat de l'évaluation : t1" in french.getvalue()


def test_the_policy_defaults_keep_todays_behaviour_and_name_their_sources() -> None:
    assert DEFAULT_POLICY.billing_plan_proration.name == "pc-billing-plan-months"
    assert "billing-frequency-changes" in DEFAULT_POLICY.billing_plan_proration.source
    assert DEFAULT_POLICY.frequency_fixed_accounts == {BillingAccountType.MCA}
    assert DEFAULT_POLICY.trial_cancellation_accounts == {BillingAccountType.MOSA}
    assert isinstance(BillingAccount, type)
