"""Subscriptions, tenants and the license quantity rules (issue 4, items 2, 3 and 6)."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import (
    ADMIN,
    D0,
    ORGANIZATION,
    billing_accounts,
    codes,
    commands_on,
    days,
    mca_tenant,
    mosa_tenant,
    purchase,
    run,
    subscriptions,
    tenants,
)
from subcommerce._convert import from_data, to_data
from subcommerce.billing import MICROSOFT, BillingAccount, PaymentMethod
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.commands import (
    AssignLicenses,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    ChangeTerm,
    CompleteCreditCheck,
    SetRecurringBilling,
    StartTrial,
    UnassignLicenses,
    apply,
    check,
)
from subcommerce.errors import (
    InvalidCommand,
    InvalidPeriod,
    InvalidQuantity,
    InvalidTenant,
    ReasonCode,
    Refused,
    UnknownReference,
)
from subcommerce.events import (
    ChangeScheduled,
    LicensesChanged,
    OverAssignmentEnded,
    OverAssignmentStarted,
    Renewed,
)
from subcommerce.lifecycle import advance
from subcommerce.periods import BillingFrequency, Term, add_months
from subcommerce.policy import DEFAULT_POLICY, CancellationWindow, Policy
from subcommerce.subscriptions import (
    LicenseBlock,
    PurchaseChannel,
    ScheduledChange,
    Subscription,
    SubscriptionStatus,
    Tenant,
)

Code = ReasonCode


def _change(quantity: int, on: date = D0, sub: str = "s1", **kw: object) -> ChangeLicenseQuantity:
    return ChangeLicenseQuantity(
        actor=ADMIN,
        as_of=on,
        subscription_id=sub,
        quantity=quantity,
        **kw,  # type: ignore[arg-type]
    )


def _assign(count: int, on: date = D0, sub: str = "s1") -> AssignLicenses:
    return AssignLicenses(actor=ADMIN, as_of=on, subscription_id=sub, count=count)


def _bought(tenant: Tenant, quantity: int = 100, **fields: object) -> Tenant:
    return run(tenant, purchase(tenant, "s1", quantity, **fields))


# -- the data model -------------------------------------------------------------------------------


def test_a_subscription_bought_by_the_organization_joins_it() -> None:
    tenant = _bought(mosa_tenant())
    assert tenant.subscription("s1").organization == ORGANIZATION


def test_a_subscription_of_another_organization_is_refused() -> None:
    other = Subscription("s1", "e3", D0, 5, organization="fabrikam.com")
    with pytest.raises(InvalidTenant, match=r"fabrikam\.com"):
        Tenant(ORGANIZATION, (other,))


def test_a_subscription_id_appears_once_and_is_never_reused() -> None:
    sub = Subscription("s1", "e3", D0, 5)
    with pytest.raises(InvalidTenant, match="'s1' appears twice"):
        Tenant(ORGANIZATION, (sub, sub))
    tenant = _bought(mosa_tenant())
    with pytest.raises(InvalidCommand, match="never reused"):
        check(tenant, purchase(tenant, "s1"))


def test_an_unknown_subscription_names_the_culprit() -> None:
    with pytest.raises(UnknownReference, match="'nope'"):
        check(mosa_tenant(), _change(5, sub="nope"))


def test_license_blocks_add_up_to_the_quantity() -> None:
    with pytest.raises(InvalidQuantity, match="add up to 3, not the quantity 5"):
        Subscription("s1", "e3", D0, 5, blocks=(LicenseBlock(3, D0),))


def test_a_command_refuses_impossible_values_when_built() -> None:
    with pytest.raises(InvalidQuantity, match="quantity must be a whole number >= 1"):
        _change(0)
    with pytest.raises(InvalidCommand, match="actor"):
        ChangeLicenseQuantity(actor="", as_of=D0, subscription_id="s1", quantity=1)
    with pytest.raises(InvalidCommand, match="traditional add-on"):
        purchase(mosa_tenant(), "a1", addon_kind=AddonKind.TRADITIONAL)


def test_the_current_term_is_computed_from_the_anchor() -> None:
    sub = Subscription("s1", "e3", date(2025, 1, 31), 5, Term.P1M, renewals=2)
    assert (sub.current_term.start, sub.current_term.end) == (date(2025, 3, 31), date(2025, 4, 30))
    assert sub.end == date(2025, 4, 30)


def test_a_trial_ends_at_its_trial_end() -> None:
    trial = run(
        mosa_tenant(), StartTrial(actor=ADMIN, as_of=D0, subscription_id="t1", product_id="bp")
    ).subscription("t1")
    assert trial.end == trial.trial_end == date(2025, 3, 31)


# -- the admin sets the total ---------------------------------------------------------------------


def test_the_admin_sets_the_total_not_the_change() -> None:
    tenant = _bought(mosa_tenant(), 100)
    outcome = apply(tenant, _change(105, date(2025, 3, 10)))
    assert outcome.tenant.subscription("s1").quantity == 105
    assert outcome.events == (LicensesChanged("s1", date(2025, 3, 10), 100, 105),)
    assert outcome.events[0].delta == 5


def test_an_unchanged_total_is_refused() -> None:
    tenant = _bought(mosa_tenant(), 100)
    refused = check(tenant, _change(100))
    assert [r.code for r in refused] == [Code.QUANTITY_UNCHANGED]
    assert refused[0].message("fr") == "L'abonnement s1 a déjà 100 licences"


def test_the_total_never_goes_below_the_assigned_licenses() -> None:
    tenant = run(_bought(mosa_tenant(), 100), _assign(80))
    assert codes(tenant, _change(79)) == {Code.BELOW_ASSIGNED}
    assert codes(tenant, _change(80)) == set()


def test_a_pending_credit_check_blocks_license_changes_until_it_completes() -> None:
    tenant = _bought(mosa_tenant(), 10, payment_method=PaymentMethod.INVOICE)
    assert tenant.subscription("s1").credit_check_pending
    assert codes(tenant, _change(12)) == {Code.CREDIT_CHECK_PENDING}
    tenant = run(tenant, CompleteCreditCheck(as_of=D0 + timedelta(days=2), subscription_id="s1"))
    assert codes(tenant, _change(12, D0 + timedelta(days=2))) == set()


def test_a_card_purchase_has_no_credit_check() -> None:
    assert not _bought(mosa_tenant()).subscription("s1").credit_check_pending


def test_only_microsoft_completes_a_credit_check_and_only_a_pending_one() -> None:
    tenant = _bought(mosa_tenant(), 10, payment_method=PaymentMethod.INVOICE)
    by_admin = CompleteCreditCheck(actor=ADMIN, as_of=D0, subscription_id="s1")
    assert codes(tenant, by_admin) == {Code.NOT_AUTHORIZED}
    done = run(tenant, CompleteCreditCheck(as_of=D0, subscription_id="s1"))
    assert codes(done, CompleteCreditCheck(actor=MICROSOFT, as_of=D0, subscription_id="s1")) == {
        Code.NO_CHANGE
    }


@pytest.mark.parametrize(
    ("channel", "code"),
    [
        (PurchaseChannel.PREPAID_PRODUCT_KEY, Code.PREPAID_PRODUCT_KEY),
        (PurchaseChannel.VOLUME_LICENSING, Code.VOLUME_LICENSING),
        (PurchaseChannel.CLOUD_SOLUTION_PROVIDER, Code.CLOUD_SOLUTION_PROVIDER),
    ],
)
def test_licenses_bought_elsewhere_are_changed_there(channel: PurchaseChannel, code: Code) -> None:
    tenant = _bought(mosa_tenant(), 10, channel=channel)
    assert codes(tenant, _change(12)) == {code}
    assert codes(tenant, _change(8)) == {code}


def test_the_cloud_solution_provider_reason_says_to_contact_the_provider() -> None:
    tenant = _bought(mosa_tenant(), 10, channel=PurchaseChannel.CLOUD_SOLUTION_PROVIDER)
    assert "contact the provider" in check(tenant, _change(12))[0].message()


def test_a_trial_must_be_bought_before_its_licenses_change() -> None:
    tenant = run(
        mosa_tenant(), StartTrial(actor=ADMIN, as_of=D0, subscription_id="s1", product_id="bp")
    )
    assert tenant.subscription("s1").quantity == DEFAULT_POLICY.trial.licenses == 25
    assert codes(tenant, _change(30)) == {Code.TRIAL}


def test_licenses_of_a_subscription_that_is_not_active_cannot_change() -> None:
    tenant = _bought(mosa_tenant(), 10)
    tenant = run(
        tenant,
        SetRecurringBilling(actor=ADMIN, as_of=D0, subscription_id="s1", recurring_billing=False),
    )
    later = date(2025, 4, 5)  # the one-month term ended on April 1
    assert codes(tenant, _change(12, later)) == {Code.NOT_ACTIVE}
    assert check(tenant, _change(12, later))[0].status == "expired"


def test_an_end_of_sale_product_gets_no_more_licenses_but_can_lose_some() -> None:
    policy = Policy(end_of_sale=frozenset({"product-s1"}))
    tenant = _bought(mosa_tenant(), 10)
    assert codes(tenant, _change(12), policy) == {Code.END_OF_SALE}
    assert codes(tenant, _change(8), policy) == set()
    assert codes(tenant, purchase(tenant, "s2", product_id="product-s1"), policy) == {
        Code.END_OF_SALE
    }


# -- new commerce: the 7-day window ---------------------------------------------------------------


def test_new_commerce_adds_licenses_at_any_time() -> None:
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    assert codes(tenant, _change(11, date(2025, 11, 30))) == set()


def test_new_commerce_removes_licenses_only_within_7_days_of_buying_them() -> None:
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    assert codes(tenant, _change(9, D0 + timedelta(days=6))) == set()
    assert codes(tenant, _change(9, D0 + timedelta(days=7))) == {Code.OUTSIDE_CANCELLATION_WINDOW}


def test_each_addition_of_licenses_opens_its_own_window() -> None:
    added = date(2025, 5, 10)
    tenant = run(_bought(mca_tenant(), 10, term=Term.P1Y), _change(15, added))
    sub = tenant.subscription("s1")
    assert sub.blocks == (LicenseBlock(10, D0), LicenseBlock(5, added))
    within = added + timedelta(days=6)
    assert codes(tenant, _change(10, within)) == set()
    refused = check(tenant, _change(9, within))
    assert [r.code for r in refused] == [Code.OUTSIDE_CANCELLATION_WINDOW]
    assert (refused[0].count, refused[0].window) == (5, 7)
    assert refused[0].message().endswith("within 7 days of buying them; 5 can be removed now")
    assert codes(tenant, _change(14, added + timedelta(days=7))) == {
        Code.OUTSIDE_CANCELLATION_WINDOW
    }


def test_licenses_removed_come_off_the_newest_block() -> None:
    added = date(2025, 5, 10)
    tenant = run(_bought(mca_tenant(), 10, term=Term.P1Y), _change(15, added), _change(12, added))
    assert tenant.subscription("s1").blocks == (LicenseBlock(10, D0), LicenseBlock(2, added))


def test_each_renewal_opens_a_fresh_window() -> None:
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    renewal = date(2026, 3, 1)
    assert codes(tenant, _change(9, renewal - timedelta(days=1))) == {
        Code.OUTSIDE_CANCELLATION_WINDOW
    }
    assert codes(tenant, _change(9, renewal + timedelta(days=6))) == set()
    renewed = advance(tenant, renewal).tenant.subscription("s1")
    assert renewed.blocks == (LicenseBlock(10, renewal),)


def test_the_window_was_72_hours_for_licenses_bought_before_2022_03_12() -> None:
    window = DEFAULT_POLICY.window
    assert window.closes(date(2022, 3, 11)) == date(2022, 3, 14)
    assert window.closes(date(2022, 3, 12)) == date(2022, 3, 19)
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y, on=date(2022, 3, 1))
    assert codes(tenant, _change(9, date(2022, 3, 3))) == set()
    assert codes(tenant, _change(9, date(2022, 3, 4))) == {Code.OUTSIDE_CANCELLATION_WINDOW}


def test_the_window_length_is_policy() -> None:
    chile = Policy(window=CancellationWindow(days=10))
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    assert codes(tenant, _change(9, D0 + timedelta(days=9)), chile) == set()


def test_licenses_can_be_removed_only_while_recurring_billing_is_on() -> None:
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    off = SetRecurringBilling(actor=ADMIN, as_of=D0, subscription_id="s1", recurring_billing=False)
    tenant = run(tenant, off)
    assert codes(tenant, _change(9, D0 + timedelta(days=1))) == {Code.RECURRING_BILLING_OFF}
    assert codes(tenant, _change(11, D0 + timedelta(days=1))) == set()


def test_mosa_removes_licenses_after_seven_days() -> None:
    tenant = _bought(mosa_tenant(), 10, term=Term.P1Y)
    assert codes(tenant, _change(9, date(2025, 9, 1))) == set()


def test_capacity_shrinks_at_once_even_below_what_is_in_use() -> None:
    tenant = run(_bought(mosa_tenant(), 100, unit=LicenseUnit.CAPACITY), _assign(90))
    outcome = apply(tenant, _change(60, D0))
    sub = outcome.tenant.subscription("s1")
    assert (sub.quantity, sub.assigned) == (60, 60)


# -- assignment -----------------------------------------------------------------------------------


def test_licenses_are_assigned_only_up_to_those_purchased() -> None:
    tenant = run(_bought(mosa_tenant(), 10), _assign(8))
    refused = check(tenant, _assign(3))
    assert [(r.code, r.count) for r in refused] == [(Code.NOT_ENOUGH_LICENSES, 2)]


def test_only_assigned_licenses_can_be_unassigned() -> None:
    tenant = run(_bought(mosa_tenant(), 10), _assign(4))
    unassign = UnassignLicenses(actor=ADMIN, as_of=D0, subscription_id="s1", count=5)
    assert codes(tenant, unassign) == {Code.NOT_ASSIGNED}
    after = run(tenant, attrs.evolve(unassign, count=4))
    assert after.subscription("s1").assigned == 0


# -- changes at the renewal -----------------------------------------------------------------------


def test_a_change_at_renewal_waits_for_the_renewal() -> None:
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    later = date(2025, 9, 1)
    outcome = apply(tenant, _change(6, later, at_renewal=True))
    assert outcome.events == (ChangeScheduled("s1", later, ScheduledChange(quantity=6)),)
    sub = outcome.tenant.subscription("s1")
    assert (sub.quantity, sub.renewal_quantity) == (10, 6)
    renewed = advance(outcome.tenant, date(2026, 3, 1))
    assert renewed.tenant.subscription("s1").quantity == 6
    assert any(isinstance(e, Renewed) and e.quantity_after == 6 for e in renewed.events)


def test_a_scheduled_reduction_below_assigned_gives_users_90_days() -> None:
    tenant = run(_bought(mca_tenant(), 10, term=Term.P1Y), _change(6, D0, at_renewal=True))
    tenant = run(tenant, _assign(9, date(2025, 6, 1)))
    renewal = date(2026, 3, 1)
    outcome = advance(tenant, renewal)
    sub = outcome.tenant.subscription("s1")
    assert (sub.quantity, sub.assigned, sub.over_assigned) == (6, 6, 3)
    until = renewal + timedelta(days=90)
    assert OverAssignmentStarted("s1", renewal, 3, until) in outcome.events
    ended = advance(outcome.tenant, until)
    assert ended.events == (OverAssignmentEnded("s1", until, 3),)
    assert ended.tenant.subscription("s1").over_assigned == 0


def test_buying_licenses_gives_over_assigned_users_their_license_back() -> None:
    tenant = run(_bought(mca_tenant(), 10, term=Term.P1Y), _change(6, D0, at_renewal=True))
    tenant = run(tenant, _assign(9, date(2025, 6, 1)))
    tenant = advance(tenant, date(2026, 3, 1)).tenant
    tenant = run(tenant, _change(10, date(2026, 3, 2)))
    sub = tenant.subscription("s1")
    assert (sub.quantity, sub.assigned, sub.over_assigned) == (10, 9, 0)


def test_a_scheduled_capacity_reduction_shrinks_at_once() -> None:
    tenant = _bought(mca_tenant(), 100, term=Term.P1Y, unit=LicenseUnit.CAPACITY)
    tenant = run(tenant, _assign(90), _change(50, D0, at_renewal=True))
    sub = advance(tenant, date(2026, 3, 1)).tenant.subscription("s1")
    assert (sub.quantity, sub.assigned, sub.over_assigned) == (50, 50, 0)


def test_a_change_at_renewal_needs_recurring_billing_on() -> None:
    tenant = _bought(mca_tenant(), 10, term=Term.P1Y)
    off = SetRecurringBilling(actor=ADMIN, as_of=D0, subscription_id="s1", recurring_billing=False)
    assert codes(run(tenant, off), _change(6, D0, at_renewal=True)) == {Code.RECURRING_BILLING_OFF}


def test_the_billing_frequency_changes_at_the_renewal() -> None:
    tenant = _bought(mosa_tenant(), 10, term=Term.P1Y)
    change = ChangeBillingFrequency(
        actor=ADMIN, as_of=D0, subscription_id="s1", billing_frequency=BillingFrequency.ANNUAL
    )
    tenant = run(tenant, change)
    assert tenant.subscription("s1").billing_frequency is BillingFrequency.MONTHLY
    renewed = advance(tenant, date(2026, 3, 1)).tenant.subscription("s1")
    assert renewed.billing_frequency is BillingFrequency.ANNUAL
    assert codes(tenant, change) == {Code.NO_CHANGE}


def test_a_term_moves_to_a_longer_one_only() -> None:
    tenant = _bought(mosa_tenant(), 10, term=Term.P1Y)
    shorter = ChangeTerm(actor=ADMIN, as_of=D0, subscription_id="s1", term=Term.P1M)
    assert codes(tenant, shorter) == {Code.TERM_NOT_LONGER}
    longer = attrs.evolve(shorter, term=Term.P3Y)
    tenant = run(tenant, longer)
    renewed = advance(tenant, date(2026, 3, 1)).tenant.subscription("s1")
    assert renewed.term is Term.P3Y
    assert renewed.current_term.end == date(2029, 3, 1)


def test_a_billing_frequency_the_term_cannot_have_is_bad_input() -> None:
    tenant = _bought(mosa_tenant(), 10, term=Term.P1M)
    change = ChangeBillingFrequency(
        actor=ADMIN, as_of=D0, subscription_id="s1", billing_frequency=BillingFrequency.ANNUAL
    )
    with pytest.raises(InvalidPeriod):
        check(tenant, change)


def test_a_direct_purchase_needs_a_payment_method() -> None:
    tenant = mosa_tenant()
    assert codes(tenant, purchase(tenant, "s1", payment_method=None)) == {Code.NO_PAYMENT_METHOD}
    no_card = mca_tenant(payment_method=None)
    assert codes(no_card, purchase(no_card, "s1")) == {Code.NO_PAYMENT_METHOD}


# -- commands as data: check and apply agree ------------------------------------------------------


def test_a_refused_command_raises_with_its_reasons_and_changes_nothing() -> None:
    tenant = run(_bought(mosa_tenant(), 10), _assign(10))
    before = copy.deepcopy(tenant)
    with pytest.raises(Refused) as refused:
        apply(tenant, _change(5))
    assert refused.value.codes == (Code.BELOW_ASSIGNED,)
    assert refused.value.reasons == check(tenant, _change(5))
    assert tenant == before


@given(st.data(), tenants(min_subscriptions=1))
def test_check_and_apply_agree(data: st.DataObject, tenant: Tenant) -> None:
    as_of = data.draw(days(min_value=date(2029, 1, 2), max_value=date(2031, 1, 1)))
    command = data.draw(commands_on(tenant, as_of))
    reasons = check(tenant, command)
    if reasons:
        with pytest.raises(Refused) as refused:
            apply(tenant, command)
        assert refused.value.reasons == reasons
    else:
        assert apply(tenant, command).tenant.as_of == as_of


@given(
    st.data(),
    billing_accounts(),
    subscriptions(status=SubscriptionStatus.ACTIVE, channel=PurchaseChannel.DIRECT),
    st.integers(1, 400),
)
def test_an_accepted_license_change_sets_exactly_the_total_asked(
    data: st.DataObject, account: BillingAccount, sub: Subscription, quantity: int
) -> None:
    if account.type.has_profiles:
        profile = account.profiles[0]
        sub = attrs.evolve(
            sub,
            payment_method=None,
            billing_profile_id=profile.id,
            invoice_section_id=profile.default_section.id,
        )
    tenant = Tenant(ORGANIZATION, (sub,), account)
    last_block = max(b.bought for b in sub.license_blocks)
    on = data.draw(st.dates(last_block, sub.current_term.end - timedelta(days=1)))
    command = _change(quantity, on, sub.id)
    reasons = check(tenant, command)
    expected_codes = set()
    if quantity == sub.quantity:
        expected_codes.add(Code.QUANTITY_UNCHANGED)
    elif quantity < sub.assigned and sub.unit is LicenseUnit.PER_USER:
        expected_codes.add(Code.BELOW_ASSIGNED)
    assert expected_codes <= {r.code for r in reasons}
    if reasons:
        return
    after = apply(tenant, command).tenant.subscription(sub.id)
    assert after.quantity == quantity
    assert sum(b.quantity for b in after.license_blocks) == after.quantity
    assert after.assigned <= after.quantity


@given(st.data())
def test_licenses_removed_under_new_commerce_were_bought_within_the_window(
    data: st.DataObject,
) -> None:
    bought = data.draw(days(max_value=date(2029, 1, 1)))
    tenant = _bought(mca_tenant(), data.draw(st.integers(1, 50)), term=Term.P1Y, on=bought)
    steps = data.draw(st.lists(st.tuples(st.integers(0, 10), st.integers(1, 80)), max_size=6))
    on = bought
    for gap, quantity in steps:
        on = on + timedelta(days=gap)
        command = _change(quantity, on)
        if check(tenant, command):
            continue
        before = tenant.subscription("s1")
        tenant = apply(tenant, command).tenant
        removed = before.quantity - quantity
        if removed > 0:
            open_blocks = [
                b
                for b in before.license_blocks
                if b.bought <= on < DEFAULT_POLICY.window.closes(b.bought)
            ]
            assert removed <= sum(b.quantity for b in open_blocks)


@given(subscriptions())
def test_a_snapshot_always_has_a_term_holding_its_anchor_run(sub: Subscription) -> None:
    term = sub.current_term
    assert term.start == add_months(sub.anchor, sub.term.months * sub.renewals)
    assert term.end == add_months(sub.anchor, sub.term.months * (sub.renewals + 1))
    assert sum(b.quantity for b in sub.license_blocks) == sub.quantity
    assert sub.free == sub.quantity - sub.assigned


@given(tenants())
def test_a_tenant_round_trips_through_plain_data(tenant: Tenant) -> None:
    assert from_data(to_data(tenant), Tenant) == tenant
