"""The lifecycle over time, trials, reactivation and the add-on lifecycle (issue 4, items 4, 5)."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import (
    ADMIN,
    D0,
    codes,
    days,
    mca_tenant,
    mosa_tenant,
    purchase,
    run,
    tenants,
)
from subcommerce.billing import MICROSOFT, PaymentMethod
from subcommerce.catalog import AddonKind
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeLicenseQuantity,
    ExtendTrial,
    Reactivate,
    SetPaymentMethod,
    SetRecurringBilling,
    StartTrial,
    apply,
    check,
)
from subcommerce.errors import DateOutsidePeriod, InvalidCommand, ReasonCode
from subcommerce.events import (
    Renewed,
    ScheduledChangeDropped,
    StatusCause,
    StatusChanged,
    SubscriptionCancelled,
    TrialConverted,
)
from subcommerce.lifecycle import advance, next_transition
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.policy import (
    CANCEL_2020,
    DEFAULT_POLICY,
    ENTERPRISE_MULTI_YEAR,
    VL_ENTERPRISE_AGREEMENT,
    LifecycleDurations,
    Policy,
)
from subcommerce.proration import prorate
from subcommerce.subscriptions import (
    PurchaseChannel,
    ScheduledChange,
    Subscription,
    SubscriptionStatus,
    Tenant,
)

Code = ReasonCode
Status = SubscriptionStatus
PRICE = Money.of("36.00", "USD")


def _statuses(tenant: Tenant, on: date) -> dict[str, Status]:
    return {s.id: s.status for s in advance(tenant, on).tenant}


def _rb(on: bool, when: date = D0, sub: str = "s1") -> SetRecurringBilling:
    return SetRecurringBilling(actor=ADMIN, as_of=when, subscription_id=sub, recurring_billing=on)


def _cancel(when: date = D0, sub: str = "s1", actor: str = ADMIN) -> CancelSubscription:
    return CancelSubscription(actor=actor, as_of=when, subscription_id=sub)


def _trial(tenant: Tenant, **fields: object) -> Tenant:
    start = StartTrial(
        actor=ADMIN,
        as_of=D0,
        subscription_id="t1",
        product_id="business-premium",
        **fields,  # type: ignore[arg-type]
    )
    return run(tenant, start)


def _with_addons(tenant: Tenant, term: Term = Term.P1Y) -> Tenant:
    return run(
        tenant,
        purchase(tenant, "base", 10, term=term, unit_price=PRICE),
        purchase(
            tenant,
            "trad",
            10,
            term=term,
            addon_kind=AddonKind.TRADITIONAL,
            parent_id="base",
            unit_price=Money.of("4.00", "USD"),
        ),
        purchase(tenant, "alone", 10, term=Term.P1M, addon_kind=AddonKind.STANDALONE),
        purchase(
            tenant,
            "linked",
            5,
            term=Term.P1M,
            addon_kind=AddonKind.STANDALONE,
            parent_id="base",
        ),
    )


# -- renewal and the road to deletion -------------------------------------------------------------


def test_recurring_billing_on_renews_at_the_end_of_the_term() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", term=Term.P1Y))
    outcome = advance(tenant, date(2026, 3, 1))
    sub = outcome.tenant.subscription("s1")
    assert sub.status is Status.ACTIVE
    assert sub.current_term == Period(date(2026, 3, 1), date(2027, 3, 1))
    assert [type(e) for e in outcome.events] == [Renewed]


def test_monthly_renewals_follow_the_anchor_and_never_drift() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", on=date(2025, 1, 31)))
    outcome = advance(tenant, date(2025, 5, 1))
    renewals = [e.on for e in outcome.events if isinstance(e, Renewed)]
    assert renewals == [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]


def test_recurring_billing_off_runs_to_the_end_of_the_term_then_expires() -> None:
    tenant = run(
        mosa_tenant(), purchase(mosa_tenant(), "s1", term=Term.P1Y), _rb(False, date(2025, 6, 1))
    )
    assert _statuses(tenant, date(2026, 2, 28)) == {"s1": Status.ACTIVE}
    assert _statuses(tenant, date(2026, 3, 1)) == {"s1": Status.EXPIRED}


def test_expired_lasts_30_days_then_disabled_90_days_then_deleted() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"), _rb(False))
    end = date(2025, 4, 1)
    assert _statuses(tenant, end + timedelta(days=29)) == {"s1": Status.EXPIRED}
    assert _statuses(tenant, end + timedelta(days=30)) == {"s1": Status.DISABLED}
    assert _statuses(tenant, end + timedelta(days=119)) == {"s1": Status.DISABLED}
    assert _statuses(tenant, end + timedelta(days=120)) == {"s1": Status.DELETED}


def test_every_subscription_term_of_most_offers_gets_30_days_expired_then_90_disabled() -> None:
    # "For most offers ... All subscription terms | 30 days | 90 days" (expires), a P3Y term too.
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", term=Term.P3Y), _rb(False))
    end = date(2028, 3, 1)
    assert _statuses(tenant, end + timedelta(days=29)) == {"s1": Status.EXPIRED}
    assert _statuses(tenant, end + timedelta(days=30)) == {"s1": Status.DISABLED}
    assert _statuses(tenant, end + timedelta(days=119)) == {"s1": Status.DISABLED}
    assert _statuses(tenant, end + timedelta(days=120)) == {"s1": Status.DELETED}


def test_enterprise_multi_year_terms_get_90_days_of_grace_under_the_enterprise_policy() -> None:
    policy = Policy(duration_rules=(ENTERPRISE_MULTI_YEAR,))
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", term=Term.P3Y), _rb(False))
    end = date(2028, 3, 1)

    def status(on: date) -> Status:
        return advance(tenant, on, policy).tenant.subscription("s1").status

    assert status(end + timedelta(days=89)) is Status.EXPIRED
    assert status(end + timedelta(days=90)) is Status.DISABLED
    assert status(end + timedelta(days=179)) is Status.DISABLED
    assert status(end + timedelta(days=180)) is Status.DELETED


def test_lifecycle_durations_by_channel_are_policy() -> None:
    policy = Policy(duration_rules=(VL_ENTERPRISE_AGREEMENT, *DEFAULT_POLICY.duration_rules))
    sub = Subscription(
        "s1", "e3", D0, 10, channel=PurchaseChannel.VOLUME_LICENSING, recurring_billing=False
    )
    tenant = Tenant("contoso.com", (sub,))
    end = date(2025, 4, 1)
    assert advance(tenant, end + timedelta(days=89), policy).tenant.subscription("s1").status is (
        Status.EXPIRED
    )
    gone = advance(tenant, end + timedelta(days=150), policy).tenant.subscription("s1")
    assert gone.status is Status.DELETED
    assert policy.durations_for(sub) == LifecycleDurations(90, 60)


def test_a_deleted_subscription_stays_in_the_tenant_and_never_changes_again() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"), _rb(False))
    gone = advance(tenant, date(2026, 1, 1)).tenant
    assert gone.subscription("s1").status is Status.DELETED
    assert next_transition(gone.subscription("s1")) is None
    assert advance(gone, date(2030, 1, 1)).events == ()


def test_time_only_moves_forward() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", on=date(2025, 3, 10)))
    with pytest.raises(DateOutsidePeriod, match="time only moves forward"):
        advance(tenant, date(2025, 3, 9))


# -- cancellation ---------------------------------------------------------------------------------


def test_cancelling_within_the_window_goes_straight_to_disabled_with_a_prorated_refund() -> None:
    tenant = mca_tenant()
    tenant = run(tenant, purchase(tenant, "s1", 10, term=Term.P1Y, unit_price=PRICE))
    on = D0 + timedelta(days=4)
    outcome = apply(tenant, _cancel(on))
    sub = outcome.tenant.subscription("s1")
    assert (sub.status, sub.status_since, sub.recurring_billing) == (Status.DISABLED, on, False)
    cancelled = next(e for e in outcome.events if isinstance(e, SubscriptionCancelled))
    (refund,) = cancelled.refund
    march = Period(date(2025, 3, 1), date(2025, 4, 1))
    charge = prorate(PRICE, 10, march)
    used = prorate(PRICE, 10, march, end=on)
    assert refund.amount == -(charge.amount - used.amount)
    assert refund.span == Period(on, date(2025, 4, 1))


def test_cancelling_on_the_purchase_day_refunds_everything() -> None:
    tenant = mca_tenant()
    tenant = run(tenant, purchase(tenant, "s1", 10, unit_price=PRICE))
    cancelled = next(
        e for e in apply(tenant, _cancel(D0)).events if isinstance(e, SubscriptionCancelled)
    )
    assert cancelled.refund[0].amount == -(PRICE * 10)


def test_a_cancelled_subscription_is_deleted_90_days_later() -> None:
    tenant = mca_tenant()
    on = D0 + timedelta(days=2)
    tenant = run(tenant, purchase(tenant, "s1"), _cancel(on))
    assert _statuses(tenant, on + timedelta(days=89)) == {"s1": Status.DISABLED}
    assert _statuses(tenant, on + timedelta(days=90)) == {"s1": Status.DELETED}


def test_cancelling_after_the_window_is_refused_turn_off_recurring_billing() -> None:
    tenant = mca_tenant()
    tenant = run(tenant, purchase(tenant, "s1", term=Term.P1Y))
    refused = check(tenant, _cancel(D0 + timedelta(days=7)))
    assert [r.code for r in refused] == [Code.OUTSIDE_CANCELLATION_WINDOW]
    assert "turn off recurring billing" in refused[0].message()


def test_cancelling_after_a_renewal_uses_the_renewal_window() -> None:
    tenant = mca_tenant()
    tenant = run(tenant, purchase(tenant, "s1", term=Term.P1M))
    assert codes(tenant, _cancel(date(2025, 4, 3))) == set()


def test_mosa_cancels_at_any_time_with_a_prorated_credit() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", 10, term=Term.P1Y, unit_price=PRICE))
    outcome = apply(tenant, _cancel(date(2025, 9, 15)))
    cancelled = next(e for e in outcome.events if isinstance(e, SubscriptionCancelled))
    assert cancelled.refund[0].span == Period(date(2025, 9, 15), date(2025, 10, 1))
    assert outcome.tenant.subscription("s1").status is Status.DISABLED


def test_mosa_with_more_than_25_licenses_reduces_to_25_or_fewer_and_then_cancels() -> None:
    # "More than 25 licenses: Reduce the number of licenses to 25 or fewer and then ... cancel"
    # (cancel-your-subscription, 2024): the licenses in the subscription count, assigned or not.
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", 26))
    assert codes(tenant, _cancel()) == {Code.CANCEL_NEEDS_FEWER_LICENSES}
    (reason,) = check(tenant, _cancel())
    assert reason.message() == (
        "Subscription s1 has more than 25 licenses; reduce them to 25 or fewer, then cancel"
    )
    assert codes(tenant, _cancel(actor=MICROSOFT)) == set()
    fewer = ChangeLicenseQuantity(actor=ADMIN, as_of=D0, subscription_id="s1", quantity=25)
    assert codes(run(tenant, fewer), _cancel()) == set()


def test_the_2020_cancellation_rule_counts_assigned_licenses_and_sends_to_support() -> None:
    # The 2020 text: "If you have more than 25 licenses assigned to users, call support".
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", 40))
    policy = attrs.evolve(DEFAULT_POLICY, online_cancel=CANCEL_2020)
    assign = AssignLicenses(actor=ADMIN, as_of=D0, subscription_id="s1", count=25)
    assert {r.code for r in check(run(tenant, assign), _cancel(), policy)} == set()
    crowded = run(tenant, attrs.evolve(assign, count=26))
    assert {r.code for r in check(crowded, _cancel(), policy)} == {Code.CANCEL_NEEDS_SUPPORT}
    assert check(crowded, _cancel(actor=MICROSOFT), policy) == ()


def test_only_an_active_subscription_can_be_cancelled() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"), _rb(False))
    assert codes(tenant, _cancel(date(2025, 4, 2))) == {Code.NOT_ACTIVE}
    assert codes(tenant, _cancel(date(2026, 4, 2))) == {Code.SUBSCRIPTION_DELETED}


# -- recurring billing ----------------------------------------------------------------------------


def test_recurring_billing_can_be_changed_only_while_active() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"), _rb(False))
    assert codes(tenant, _rb(True, date(2025, 4, 2))) == {Code.NOT_ACTIVE}
    assert codes(tenant, _rb(True, date(2025, 3, 31))) == set()


def test_setting_recurring_billing_to_what_it_is_is_refused() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"))
    assert codes(tenant, _rb(True)) == {Code.NO_CHANGE}


def test_turning_off_recurring_billing_cancels_scheduled_changes() -> None:
    tenant = mca_tenant()
    tenant = run(
        tenant,
        purchase(tenant, "s1", 10, term=Term.P1Y),
        ChangeLicenseQuantity(
            actor=ADMIN, as_of=D0, subscription_id="s1", quantity=20, at_renewal=True
        ),
    )
    outcome = apply(tenant, _rb(False, date(2025, 5, 1)))
    assert ScheduledChangeDropped("s1", date(2025, 5, 1), ScheduledChange(quantity=20)) in (
        outcome.events
    )
    assert outcome.tenant.subscription("s1").scheduled is None


def test_turning_off_recurring_billing_does_not_cancel() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", term=Term.P1Y), _rb(False))
    assert tenant.subscription("s1").status is Status.ACTIVE


# -- trials ---------------------------------------------------------------------------------------


def test_a_trial_has_25_licenses_for_30_days() -> None:
    trial = _trial(mosa_tenant(), payment_method=PaymentMethod.CARD).subscription("t1")
    assert (trial.status, trial.quantity, trial.trial_end) == (
        Status.TRIAL,
        25,
        D0 + timedelta(days=30),
    )


def test_a_trial_converts_to_paid_at_its_end_when_a_payment_method_exists() -> None:
    tenant = _trial(mosa_tenant(), payment_method=PaymentMethod.CARD)
    end = D0 + timedelta(days=30)
    outcome = advance(tenant, end)
    sub = outcome.tenant.subscription("t1")
    assert sub.status is Status.ACTIVE
    assert sub.current_term == Period(end, date(2025, 4, 30))
    assert TrialConverted("t1", end, 25, sub.current_term, BillingFrequency.MONTHLY) in (
        outcome.events
    )


def test_a_trial_without_a_payment_method_expires_and_is_deleted_30_days_later() -> None:
    tenant = _trial(mosa_tenant())
    end = D0 + timedelta(days=30)
    assert _statuses(tenant, end) == {"t1": Status.EXPIRED}
    assert _statuses(tenant, end + timedelta(days=29)) == {"t1": Status.EXPIRED}
    assert _statuses(tenant, end + timedelta(days=30)) == {"t1": Status.DELETED}


def test_adding_a_payment_method_during_a_trial_lets_it_convert() -> None:
    tenant = _trial(mosa_tenant())
    pay = SetPaymentMethod(
        actor=ADMIN,
        as_of=D0 + timedelta(days=3),
        subscription_id="t1",
        payment_method=PaymentMethod.CARD,
    )
    assert _statuses(run(tenant, pay), D0 + timedelta(days=30)) == {"t1": Status.ACTIVE}


def test_a_trial_is_cancelled_by_turning_off_recurring_billing() -> None:
    # MCA: "To cancel a free trial, turn off recurring billing" (cancel-your-subscription); only
    # MOSA's steps "cancel your trial or paid subscription" (issue 12: tests/test_midterm.py).
    tenant = _trial(mca_tenant())
    assert codes(tenant, _cancel(sub="t1")) == {Code.TRIAL_CANCELLATION}
    tenant = run(tenant, _rb(False, sub="t1"))
    assert _statuses(tenant, D0 + timedelta(days=30)) == {"t1": Status.EXPIRED}


def test_a_trial_extends_only_within_its_last_15_days() -> None:
    tenant = _trial(mosa_tenant())
    extend = ExtendTrial(actor=ADMIN, as_of=D0 + timedelta(days=14), subscription_id="t1")
    refused = check(tenant, extend)
    assert [r.code for r in refused] == [Code.TRIAL_EXTENSION_NOT_ALLOWED]
    assert (refused[0].on, refused[0].window) == (date(2025, 3, 16), 15)
    assert refused[0].message().endswith("only in its last 15 days, from March 16, 2025")
    extended = run(tenant, attrs.evolve(extend, as_of=D0 + timedelta(days=15)))
    assert extended.subscription("t1").trial_end == D0 + timedelta(days=60)


def test_a_trial_extends_once() -> None:
    extend = ExtendTrial(actor=ADMIN, as_of=D0 + timedelta(days=20), subscription_id="t1")
    tenant = run(_trial(mosa_tenant()), extend)
    again = attrs.evolve(extend, as_of=D0 + timedelta(days=50))
    assert [(r.code, r.limit) for r in check(tenant, again)] == [
        (Code.TRIAL_EXTENSION_NOT_ALLOWED, 1)
    ]


def test_only_a_trial_can_be_extended() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"))
    extend = ExtendTrial(actor=ADMIN, as_of=D0, subscription_id="s1")
    assert codes(tenant, extend) == {Code.TRIAL_EXTENSION_NOT_ALLOWED}


def test_one_trial_per_product_per_organization() -> None:
    tenant = advance(_trial(mosa_tenant()), date(2025, 6, 1)).tenant  # expired, then deleted
    again = StartTrial(
        actor=ADMIN, as_of=date(2025, 6, 1), subscription_id="t2", product_id="business-premium"
    )
    assert codes(tenant, again) == {Code.TRIAL_ALREADY_USED}


# -- reactivation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("days_after_end", [0, 29, 30, 119])
def test_reactivation_from_expired_or_disabled_starts_a_new_term(days_after_end: int) -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", term=Term.P1Y), _rb(False))
    on = date(2026, 3, 1) + timedelta(days=days_after_end)
    outcome = apply(tenant, Reactivate(actor=ADMIN, as_of=on, subscription_id="s1"))
    sub = outcome.tenant.subscription("s1")
    assert (sub.status, sub.recurring_billing) == (Status.ACTIVE, True)
    assert sub.current_term == Period(on, on.replace(year=on.year + 1))


def test_reactivation_never_after_deleted() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"), _rb(False))
    late = Reactivate(
        actor=ADMIN, as_of=date(2025, 4, 1) + timedelta(days=120), subscription_id="s1"
    )
    assert codes(tenant, late) == {Code.SUBSCRIPTION_DELETED}


def test_an_active_subscription_is_not_reactivated() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"))
    assert codes(tenant, Reactivate(actor=ADMIN, as_of=D0, subscription_id="s1")) == {
        Code.NOT_REACTIVATABLE
    }


def test_an_expired_cloud_solution_provider_subscription_cannot_be_reactivated() -> None:
    sub = Subscription(
        "s1",
        "e3",
        D0,
        10,
        channel=PurchaseChannel.CLOUD_SOLUTION_PROVIDER,
        recurring_billing=False,
    )
    tenant = Tenant("contoso.com", (sub,), mosa_tenant().account)
    reasons = codes(tenant, Reactivate(actor=ADMIN, as_of=date(2025, 4, 2), subscription_id="s1"))
    assert reasons == {Code.NOT_REACTIVATABLE, Code.CLOUD_SOLUTION_PROVIDER}


# -- add-ons ---------------------------------------------------------------------------------------


def test_cancelling_a_base_cancels_its_traditional_addons_in_the_same_step() -> None:
    tenant = _with_addons(mca_tenant())
    on = D0 + timedelta(days=3)
    outcome = apply(tenant, _cancel(on, "base"))
    assert outcome.tenant.subscription("trad").status is Status.DISABLED
    trad_cancel = next(
        e
        for e in outcome.events
        if isinstance(e, SubscriptionCancelled) and e.subscription_id == "trad"
    )
    assert trad_cancel.with_parent == "base"
    assert trad_cancel.refund  # priced, so refunded like its base
    assert StatusChanged(
        "trad", on, Status.ACTIVE, Status.DISABLED, StatusCause.CANCELLED_WITH_PARENT
    ) in (outcome.events)


def test_standalone_addons_keep_their_own_expiry_when_the_base_goes() -> None:
    tenant = _with_addons(mca_tenant())
    after = run(tenant, _cancel(D0 + timedelta(days=3), "base"))
    assert after.subscription("alone").status is Status.ACTIVE
    assert after.subscription("linked").status is Status.ACTIVE
    assert _statuses(after, date(2025, 7, 1))["linked"] is Status.ACTIVE  # it renews on its own


def test_the_customer_cannot_remove_a_traditional_addon() -> None:
    tenant = _with_addons(mosa_tenant())
    assert codes(tenant, _cancel(sub="trad")) == {Code.TRADITIONAL_ADDON_REMOVAL}
    assert codes(tenant, _rb(False, sub="trad")) == {Code.TRADITIONAL_ADDON_REMOVAL}
    message = check(tenant, _cancel(sub="trad"))[0].message()
    assert message == "Subscription trad is a traditional add-on; only support can remove it"


def test_support_can_remove_a_traditional_addon() -> None:
    tenant = _with_addons(mosa_tenant())
    after = run(tenant, _cancel(sub="trad", actor=MICROSOFT))
    assert after.subscription("trad").status is Status.DISABLED
    assert after.subscription("base").status is Status.ACTIVE


def test_a_traditional_addon_removed_by_support_stays_disabled_when_its_base_expires() -> None:
    # Found by the stateful machine: the add-on followed its base back from Disabled to Expired.
    tenant = run(
        _with_addons(mosa_tenant()), _cancel(sub="trad", actor=MICROSOFT), _rb(False, sub="base")
    )
    base_expired = _statuses(tenant, date(2026, 3, 1))
    assert base_expired["base"] is Status.EXPIRED
    assert base_expired["trad"] is Status.DISABLED
    # It still goes on to Deleted with its base at the end of the road.
    assert _statuses(tenant, date(2027, 1, 1))["trad"] is Status.DELETED


def test_a_standalone_addon_is_removed_by_cancelling_it() -> None:
    tenant = _with_addons(mosa_tenant())
    after = run(tenant, _cancel(sub="alone"))
    assert after.subscription("alone").status is Status.DISABLED


def test_a_standalone_addon_is_removed_by_turning_off_its_recurring_billing() -> None:
    tenant = run(_with_addons(mosa_tenant()), _rb(False, sub="alone"))
    assert _statuses(tenant, date(2025, 4, 1))["alone"] is Status.EXPIRED


def test_a_traditional_addon_renews_expires_and_is_deleted_with_its_base() -> None:
    tenant = _with_addons(mosa_tenant())
    renewed = advance(tenant, date(2026, 3, 1))
    trad = renewed.tenant.subscription("trad")
    assert trad.current_term == renewed.tenant.subscription("base").current_term
    assert {e.subscription_id for e in renewed.events if isinstance(e, Renewed)} >= {"base", "trad"}
    stopping = run(renewed.tenant, _rb(False, date(2026, 3, 2), "base"))
    assert not stopping.subscription("trad").recurring_billing
    for on, status in [
        (date(2027, 3, 1), Status.EXPIRED),
        (date(2027, 3, 31), Status.DISABLED),
        (date(2027, 6, 29), Status.DELETED),
    ]:
        assert _statuses(stopping, on)["trad"] is status


def test_the_recurring_billing_of_a_traditional_addon_follows_its_base() -> None:
    tenant = run(_with_addons(mosa_tenant()), _rb(False, sub="base"))
    assert codes(tenant, _rb(True, sub="trad")) == {Code.MANAGED_WITH_PARENT}


def test_a_traditional_addon_needs_an_active_paid_base() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "base"), _rb(False, sub="base"))
    addon = purchase(
        tenant,
        "trad",
        addon_kind=AddonKind.TRADITIONAL,
        parent_id="base",
        on=date(2025, 4, 2),
    )
    assert codes(tenant, addon) == {Code.NOT_ACTIVE}
    trial = _trial(mosa_tenant())
    on_trial = purchase(trial, "trad", addon_kind=AddonKind.TRADITIONAL, parent_id="t1")
    assert codes(trial, on_trial) == {Code.TRIAL}


def test_a_traditional_addon_runs_on_its_base_term() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "base", term=Term.P1Y))
    wrong = purchase(
        tenant, "trad", term=Term.P1M, addon_kind=AddonKind.TRADITIONAL, parent_id="base"
    )
    with pytest.raises(InvalidCommand, match="runs on its base's term"):
        check(tenant, wrong)


def test_reactivating_a_base_brings_back_its_traditional_addons() -> None:
    tenant = run(_with_addons(mosa_tenant()), _rb(False, sub="base"))
    on = date(2026, 3, 10)
    after = run(tenant, Reactivate(actor=ADMIN, as_of=on, subscription_id="base"))
    trad = after.subscription("trad")
    assert (trad.status, trad.current_term.start) == (Status.ACTIVE, on)
    assert codes(tenant, Reactivate(actor=ADMIN, as_of=on, subscription_id="trad")) == {
        Code.MANAGED_WITH_PARENT
    }


# -- properties -----------------------------------------------------------------------------------

_EDGES = {
    Status.TRIAL: {Status.ACTIVE, Status.EXPIRED},
    Status.ACTIVE: {Status.EXPIRED},
    Status.EXPIRED: {Status.DISABLED, Status.DELETED},
    Status.DISABLED: {Status.DELETED},
    # "If the subscription is still suspended by the term's end, the subscription moves to the
    # expired state" (Partner Center, subscription lifecycle states).
    Status.SUSPENDED: {Status.EXPIRED},
    Status.DELETED: set(),
}


@given(tenants(), days(max_value=date(2030, 1, 1)), st.integers(0, 2000), st.integers(0, 2000))
def test_advancing_in_two_steps_is_advancing_in_one(
    tenant: Tenant, first: date, gap1: int, gap2: int
) -> None:
    middle = first + timedelta(days=gap1)
    last = middle + timedelta(days=gap2)
    at_first = advance(tenant, first)
    once = advance(at_first.tenant, last)
    twice_a = advance(at_first.tenant, middle)
    twice_b = advance(twice_a.tenant, last)
    assert twice_b.tenant == once.tenant
    assert twice_a.events + twice_b.events == once.events


@given(tenants(), days(max_value=date(2030, 1, 1)), st.integers(0, 2500))
def test_time_moves_statuses_only_along_the_lifecycle(
    tenant: Tenant, start: date, gap: int
) -> None:
    outcome = advance(tenant, start + timedelta(days=gap))
    dates = [e.on for e in outcome.events]
    assert dates == sorted(dates)
    for event in outcome.events:
        if isinstance(event, StatusChanged):
            assert event.after in _EDGES[event.before], event
    before = {s.id: s.status for s in tenant}
    for sub in outcome.tenant:
        if before[sub.id] is Status.DELETED:
            assert sub.status is Status.DELETED
        assert sub.assigned <= sub.quantity


@given(tenants(), days(min_value=date(2025, 1, 1), max_value=date(2032, 1, 1)))
def test_no_traditional_addon_outlives_its_base(tenant: Tenant, on: date) -> None:
    after = advance(tenant, on).tenant
    for sub in after:
        if sub.is_traditional_addon and sub.parent_id is not None and after.has(sub.parent_id):
            parent = after.subscription(sub.parent_id)
            if sub.status.is_active:
                assert parent.status.is_active


@given(tenants(), days(max_value=date(2030, 1, 1)), st.integers(1, 400))
def test_next_transition_is_the_first_day_anything_happens(
    tenant: Tenant, start: date, gap: int
) -> None:
    at_start = advance(tenant, start)
    later = advance(at_start.tenant, start + timedelta(days=gap))
    nexts = [
        n
        for s in at_start.tenant
        if not (s.is_traditional_addon and s.parent_id and at_start.tenant.has(s.parent_id))
        and (n := next_transition(s)) is not None
    ]
    if later.events:
        assert min(e.on for e in later.events) == min(nexts)
    else:
        assert all(n > start + timedelta(days=gap) for n in nexts)
