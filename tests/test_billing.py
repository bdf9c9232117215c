"""Billing accounts, roles and the one authorization check (issue 4, item 1)."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import (
    ADMIN,
    D0,
    PRINCIPALS,
    actions,
    billing_accounts,
    codes,
    mca_tenant,
    mosa_tenant,
    purchase,
    role_assignments,
    run,
)
from subcommerce.billing import (
    MICROSOFT,
    ROLE_ACTIONS,
    Action,
    BillingAccount,
    BillingAccountType,
    BillingProfile,
    InvoiceSection,
    PaymentMethod,
    Role,
    RoleAssignment,
    RoleScope,
    authorize,
)
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    CompleteCreditCheck,
    GrantRole,
    SetPaymentMethod,
    SetRecurringBilling,
    apply,
    check,
)
from subcommerce.errors import (
    InvalidAccount,
    InvalidCommand,
    InvalidPeriod,
    ReasonCode,
    UnknownReference,
)
from subcommerce.periods import BillingFrequency, Term
from subcommerce.subscriptions import InvoiceGroup

MOSA, MCA = BillingAccountType.MOSA, BillingAccountType.MCA


def _mosa_with(principal: str, role: Role) -> BillingAccount:
    account = BillingAccount.sign_up(MOSA, "contoso", "founder")
    return account.grant(RoleAssignment(principal, role))


def _may(account: BillingAccount, principal: str, action: Action, **scope: str | None) -> bool:
    return authorize(account, principal, action, **scope) == ()


# -- accounts -------------------------------------------------------------------------------------


def test_whoever_signs_up_a_mosa_account_is_billing_admin() -> None:
    account = BillingAccount.sign_up(MOSA, "contoso", "ana")
    assert account.roles == (RoleAssignment("ana", Role.BILLING_ADMIN),)
    assert account.profiles == ()


def test_whoever_signs_up_an_mca_account_is_billing_account_owner() -> None:
    account = BillingAccount.sign_up(MCA, "fabrikam", "ana", payment_method=PaymentMethod.CARD)
    assert account.roles == (RoleAssignment("ana", Role.BILLING_ACCOUNT_OWNER),)


def test_mca_account_is_billing_profiles_holding_invoice_sections() -> None:
    account = BillingAccount.sign_up(MCA, "fabrikam", "ana", payment_method=PaymentMethod.CARD)
    profile = account.default_profile
    assert profile is not None
    assert profile.payment_method is PaymentMethod.CARD
    assert profile.default_section == InvoiceSection("fabrikam/section-1")
    assert account.section_profile("fabrikam/section-1") == profile


def test_mca_account_needs_a_billing_profile_and_mosa_has_none() -> None:
    with pytest.raises(InvalidAccount, match="needs a billing profile"):
        BillingAccount("fabrikam", MCA)
    profile = BillingProfile("p", (InvoiceSection("s"),))
    with pytest.raises(InvalidAccount, match="bills through its subscriptions"):
        BillingAccount("contoso", MOSA, (), (profile,))


def test_a_billing_profile_needs_an_invoice_section() -> None:
    with pytest.raises(InvalidAccount, match="at least one invoice section"):
        BillingProfile("p", ())


def test_a_mosa_account_pays_through_its_subscriptions_not_the_account() -> None:
    with pytest.raises(InvalidAccount, match="subscriptions do"):
        BillingAccount.sign_up(MOSA, "contoso", "ana", payment_method=PaymentMethod.CARD)


def test_duplicate_profile_or_section_ids_are_refused() -> None:
    one = BillingProfile("p", (InvoiceSection("s"),))
    two = BillingProfile("q", (InvoiceSection("s"),))
    with pytest.raises(InvalidAccount, match="duplicate invoice section"):
        BillingAccount("fabrikam", MCA, (), (one, two))


def test_unknown_profile_or_section_names_the_culprit() -> None:
    account = BillingAccount.sign_up(MCA, "fabrikam", "ana")
    with pytest.raises(UnknownReference, match="'nope'"):
        account.profile("nope")
    with pytest.raises(UnknownReference, match="'nowhere'"):
        account.section_profile("nowhere")


def test_mosa_account_cannot_hold_mca_billing_roles() -> None:
    account = BillingAccount.sign_up(MOSA, "contoso", "ana")
    with pytest.raises(InvalidAccount, match="billing role of MCA accounts"):
        account.grant(RoleAssignment("ben", Role.BILLING_ACCOUNT_READER))


def test_profile_and_section_roles_name_their_scope() -> None:
    with pytest.raises(InvalidAccount, match="needs billing profile id"):
        RoleAssignment("ben", Role.INVOICE_MANAGER)
    with pytest.raises(InvalidAccount, match="takes no billing profile id"):
        RoleAssignment("ben", Role.GLOBAL_ADMIN, "p")
    with pytest.raises(InvalidAccount, match="needs invoice section id"):
        RoleAssignment("ben", Role.INVOICE_SECTION_OWNER)


def test_no_customer_role_can_be_granted_to_microsoft() -> None:
    with pytest.raises(InvalidAccount, match="stands for Microsoft"):
        RoleAssignment(MICROSOFT, Role.GLOBAL_ADMIN)


# -- MOSA roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.GLOBAL_ADMIN, Role.BILLING_ADMIN])
def test_mosa_global_admin_and_billing_admin_buy_change_and_cancel(role: Role) -> None:
    account = _mosa_with("ben", role)
    for action in (Action.BUY, Action.CHANGE_SUBSCRIPTION, Action.MANAGE_PAYMENT_METHODS):
        assert _may(account, "ben", action), action


def test_changing_billing_frequency_needs_global_admin_in_mosa() -> None:
    assert _may(_mosa_with("ben", Role.GLOBAL_ADMIN), "ben", Action.CHANGE_BILLING_FREQUENCY)
    refused = authorize(
        _mosa_with("ben", Role.BILLING_ADMIN), "ben", Action.CHANGE_BILLING_FREQUENCY
    )
    assert [r.code for r in refused] == [ReasonCode.NOT_AUTHORIZED]
    assert refused[0].message() == "ben may not change a billing frequency"


@pytest.mark.parametrize("role", [Role.LICENSE_ADMIN, Role.USER_ADMIN])
def test_license_and_user_admins_assign_licenses_but_cannot_buy(role: Role) -> None:
    account = _mosa_with("ben", role)
    assert _may(account, "ben", Action.ASSIGN_LICENSES)
    assert not _may(account, "ben", Action.BUY)
    assert not _may(account, "ben", Action.CHANGE_SUBSCRIPTION)


def test_billing_admin_buys_but_cannot_assign_licenses() -> None:
    account = _mosa_with("ben", Role.BILLING_ADMIN)
    assert _may(account, "ben", Action.BUY)
    assert not _may(account, "ben", Action.ASSIGN_LICENSES)


def test_a_principal_without_a_role_may_do_nothing() -> None:
    account = BillingAccount.sign_up(MOSA, "contoso", "ana")
    assert all(not _may(account, "stranger", action) for action in Action)


def test_a_tenant_without_billing_account_authorizes_nobody() -> None:
    assert [r.code for r in authorize(None, "ana", Action.BUY)] == [ReasonCode.NOT_AUTHORIZED]


# -- MCA roles ------------------------------------------------------------------------------------


def _mca() -> BillingAccount:
    account = BillingAccount.sign_up(MCA, "fab", "owner", payment_method=PaymentMethod.CARD)
    second = BillingProfile("fab/profile-2", (InvoiceSection("fab/section-2"),))
    return BillingAccount(account.id, MCA, account.roles, (*account.profiles, second))


def test_mca_billing_account_owner_contributor_reader() -> None:
    account = _mca()
    account = account.grant(RoleAssignment("con", Role.BILLING_ACCOUNT_CONTRIBUTOR))
    account = account.grant(RoleAssignment("rea", Role.BILLING_ACCOUNT_READER))
    assert _may(account, "owner", Action.MANAGE_BILLING_ROLES)
    assert _may(account, "con", Action.BUY)
    assert not _may(account, "con", Action.MANAGE_BILLING_ROLES)
    assert _may(account, "rea", Action.VIEW_BILLING)
    assert not _may(account, "rea", Action.BUY)


def test_invoice_manager_pays_invoices_and_nothing_else() -> None:
    account = _mca().grant(RoleAssignment("pay", Role.INVOICE_MANAGER, "fab/profile-1"))
    allowed = {a for a in Action if _may(account, "pay", a, billing_profile_id="fab/profile-1")}
    assert allowed == {Action.PAY_INVOICES, Action.VIEW_BILLING}


def test_billing_profile_roles_reach_only_their_profile() -> None:
    account = _mca().grant(RoleAssignment("po", Role.BILLING_PROFILE_OWNER, "fab/profile-2"))
    assert _may(account, "po", Action.BUY, billing_profile_id="fab/profile-2")
    assert not _may(account, "po", Action.BUY, billing_profile_id="fab/profile-1")


def test_invoice_section_roles_reach_only_their_section() -> None:
    account = _mca().grant(
        RoleAssignment("so", Role.INVOICE_SECTION_CONTRIBUTOR, invoice_section_id="fab/section-2")
    )
    inside = {"billing_profile_id": "fab/profile-2", "invoice_section_id": "fab/section-2"}
    outside = {"billing_profile_id": "fab/profile-1", "invoice_section_id": "fab/section-1"}
    assert _may(account, "so", Action.BUY, **inside)
    assert not _may(account, "so", Action.BUY, **outside)
    assert not _may(account, "so", Action.MANAGE_PAYMENT_METHODS, **inside)


def test_admin_roles_carry_no_billing_rights_under_mca() -> None:
    account = _mca().grant(RoleAssignment("ga", Role.GLOBAL_ADMIN))
    assert not _may(account, "ga", Action.BUY)
    assert _may(account, "ga", Action.ASSIGN_LICENSES)
    assert _may(account, "ga", Action.MANAGE_ADMIN_ROLES)


def test_only_global_admin_grants_admin_roles() -> None:
    tenant = mosa_tenant()
    grant = GrantRole(actor=ADMIN, as_of=D0, principal="lic", role=Role.LICENSE_ADMIN)
    after = apply(tenant, grant).tenant
    assert after.account is not None
    assert RoleAssignment("lic", Role.LICENSE_ADMIN) in after.account.roles
    by_license_admin = attrs.evolve(grant, actor="lic", principal="other")
    assert codes(after, by_license_admin) == {ReasonCode.NOT_AUTHORIZED}


def test_only_owners_grant_billing_roles() -> None:
    tenant = mca_tenant()
    assert tenant.account is not None
    profile = tenant.account.profiles[0].id
    grant = GrantRole(
        actor=ADMIN,
        as_of=D0,
        principal="con",
        role=Role.BILLING_PROFILE_CONTRIBUTOR,
        billing_profile_id=profile,
    )
    tenant = run(tenant, grant)
    by_contributor = GrantRole(
        actor="con",
        as_of=D0,
        principal="x",
        role=Role.BILLING_PROFILE_READER,
        billing_profile_id=profile,
    )
    assert codes(tenant, by_contributor) == {ReasonCode.NOT_AUTHORIZED}
    assert codes(tenant, grant) == {ReasonCode.NO_CHANGE}


def test_granting_a_role_the_account_type_cannot_hold_is_bad_input() -> None:
    grant = GrantRole(actor=ADMIN, as_of=D0, principal="x", role=Role.BILLING_ACCOUNT_READER)
    with pytest.raises(InvalidAccount):
        check(mosa_tenant(), grant)


def test_microsoft_alone_completes_credit_checks_and_cancels_for_support() -> None:
    account = _mosa_with("ben", Role.GLOBAL_ADMIN)
    for action in (Action.COMPLETE_CREDIT_CHECK, Action.SUPPORT_CANCEL):
        assert _may(account, MICROSOFT, action)
        assert not _may(account, "ben", action)
    assert not _may(account, MICROSOFT, Action.BUY)


# -- every command goes through the check ---------------------------------------------------------


def test_every_subscription_command_goes_through_authorization() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"))
    stranger = "stranger"
    commands = [
        purchase(tenant, "s2", actor=stranger),
        ChangeLicenseQuantity(actor=stranger, as_of=D0, subscription_id="s1", quantity=11),
        AssignLicenses(actor=stranger, as_of=D0, subscription_id="s1", count=1),
        CancelSubscription(actor=stranger, as_of=D0, subscription_id="s1"),
        SetRecurringBilling(
            actor=stranger, as_of=D0, subscription_id="s1", recurring_billing=False
        ),
        ChangeBillingFrequency(
            actor=stranger,
            as_of=D0,
            subscription_id="s1",
            billing_frequency=BillingFrequency.ONCE,
        ),
        SetPaymentMethod(
            actor=stranger,
            as_of=D0,
            subscription_id="s1",
            payment_method=PaymentMethod.BANK_ACCOUNT,
        ),
        CompleteCreditCheck(actor=stranger, as_of=D0, subscription_id="s1"),
    ]
    for command in commands:
        assert ReasonCode.NOT_AUTHORIZED in codes(tenant, command), command


def test_license_admin_assigns_but_cannot_add_licenses_through_commands() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"))
    tenant = run(tenant, GrantRole(actor=ADMIN, as_of=D0, principal="lic", role=Role.LICENSE_ADMIN))
    assign = AssignLicenses(actor="lic", as_of=D0, subscription_id="s1", count=3)
    assert codes(tenant, assign) == set()
    more = ChangeLicenseQuantity(actor="lic", as_of=D0, subscription_id="s1", quantity=12)
    assert codes(tenant, more) == {ReasonCode.NOT_AUTHORIZED}


def test_mca_subscription_rights_follow_its_billing_profile() -> None:
    tenant = mca_tenant()
    assert tenant.account is not None
    second = BillingProfile(
        "contoso/profile-2", (InvoiceSection("contoso/section-2"),), PaymentMethod.CARD
    )
    account = BillingAccount(
        tenant.account.id, MCA, tenant.account.roles, (*tenant.account.profiles, second)
    )
    account = account.grant(RoleAssignment("po", Role.BILLING_PROFILE_OWNER, second.id))
    tenant = attrs.evolve(tenant, account=account)
    tenant = run(
        tenant,
        purchase(tenant, "on-1"),
        purchase(tenant, "on-2", billing_profile_id=second.id),
    )
    on_their_profile = ChangeLicenseQuantity(
        actor="po", as_of=D0, subscription_id="on-2", quantity=12
    )
    assert codes(tenant, on_their_profile) == set()
    elsewhere = attrs.evolve(on_their_profile, subscription_id="on-1")
    assert codes(tenant, elsewhere) == {ReasonCode.NOT_AUTHORIZED}


# -- invoices and payment methods -----------------------------------------------------------------


def test_mosa_bills_an_invoice_per_order() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1"), purchase(mosa_tenant(), "s2"))
    groups = {tenant.invoice_group(s) for s in tenant}
    assert groups == {InvoiceGroup("order", "s1/order"), InvoiceGroup("order", "s2/order")}


def test_mca_bills_an_invoice_per_billing_profile() -> None:
    tenant = mca_tenant()
    tenant = run(tenant, purchase(tenant, "s1"), purchase(tenant, "s2"))
    groups = {tenant.invoice_group(s) for s in tenant}
    assert groups == {InvoiceGroup("billing_profile", "contoso/profile-1")}


def test_mca_purchase_lands_on_the_default_profile_and_section() -> None:
    tenant = mca_tenant()
    sub = run(tenant, purchase(tenant, "s1")).subscription("s1")
    assert (sub.billing_profile_id, sub.invoice_section_id) == (
        "contoso/profile-1",
        "contoso/section-1",
    )


def test_under_mca_the_payment_method_belongs_to_the_billing_profile() -> None:
    tenant = mca_tenant(payment_method=PaymentMethod.INVOICE)
    with pytest.raises(InvalidCommand, match="belongs to the billing profile"):
        check(tenant, purchase(tenant, "s1", payment_method=PaymentMethod.CARD))
    after = run(tenant, purchase(tenant, "s1"))
    assert after.payment_method_of(after.subscription("s1")) is PaymentMethod.INVOICE
    switch = SetPaymentMethod(
        actor=ADMIN,
        as_of=D0,
        billing_profile_id="contoso/profile-1",
        payment_method=PaymentMethod.CARD,
    )
    after = run(after, switch)
    assert after.payment_method_of(after.subscription("s1")) is PaymentMethod.CARD


def test_a_mosa_purchase_names_no_billing_profile() -> None:
    tenant = mosa_tenant()
    with pytest.raises(InvalidCommand, match="no billing profile"):
        check(tenant, purchase(tenant, "s1", billing_profile_id="p"))


def test_set_payment_method_names_a_subscription_or_a_profile() -> None:
    with pytest.raises(InvalidCommand, match="either a subscription"):
        SetPaymentMethod(actor=ADMIN, as_of=D0, payment_method=PaymentMethod.CARD)


# -- properties -----------------------------------------------------------------------------------


@given(billing_accounts(), actions())
def test_microsoft_may_do_exactly_what_microsoft_alone_does(
    account: BillingAccount, action: Action
) -> None:
    microsoft_only = {Action.COMPLETE_CREDIT_CHECK, Action.SUPPORT_CANCEL}
    assert _may(account, MICROSOFT, action) == (action in microsoft_only)
    if action in microsoft_only:
        assert not any(_may(account, p, action) for p in (ADMIN, *PRINCIPALS))


@given(st.data(), billing_accounts(), actions())
def test_granting_a_role_never_takes_a_right_away(
    data: st.DataObject, account: BillingAccount, action: Action
) -> None:
    scope = {}
    if account.type.has_profiles:
        profile = data.draw(st.sampled_from(account.profiles))
        section = data.draw(st.sampled_from(profile.sections))
        scope = {"billing_profile_id": profile.id, "invoice_section_id": section.id}
    before = {p: _may(account, p, action, **scope) for p in (ADMIN, *PRINCIPALS)}
    granted = account.grant(data.draw(role_assignments(account)))
    after = {p: _may(granted, p, action, **scope) for p in (ADMIN, *PRINCIPALS)}
    assert all(after[p] or not before[p] for p in before)


@given(billing_accounts(), actions())
def test_account_wide_rights_match_the_role_table(account: BillingAccount, action: Action) -> None:
    # A plain restatement of the table for a target outside any profile: admin roles count in a
    # MOSA account (and for license assignment and admin roles under an MCA), billing account
    # roles count everywhere, profile and section roles never reach it.
    mca = account.type.has_profiles
    for principal in (ADMIN, *PRINCIPALS):
        expected = False
        for assignment in account.roles_of(principal):
            if action not in ROLE_ACTIONS[assignment.role]:
                continue
            if assignment.role.scope is RoleScope.BILLING_ACCOUNT:
                expected = True
            if assignment.role.scope is RoleScope.DIRECTORY and (
                not mca or action in (Action.ASSIGN_LICENSES, Action.MANAGE_ADMIN_ROLES)
            ):
                expected = True
        assert _may(account, principal, action) == expected, (principal, action)


@given(billing_accounts())
def test_refusals_name_the_principal_and_render_in_both_languages(account: BillingAccount) -> None:
    for action in Action:
        for reason in authorize(account, "stranger", action):
            assert reason.subject == "stranger"
            assert "stranger" in reason.message("en")
            assert "stranger" in reason.message("fr")


def test_a_subscription_term_and_frequency_are_checked_when_the_purchase_is_built() -> None:
    with pytest.raises(InvalidPeriod, match="P1M term cannot be billed annual"):
        purchase(mosa_tenant(), "s1", term=Term.P1M, billing_frequency=BillingFrequency.ANNUAL)
