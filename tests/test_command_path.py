"""A license change's path through the commands is what it changes (issue 10, session 5): the
authorization asked of every command, the license block it adds, the tenant it swaps one
subscription in. Each is checked here against its plain definition.
"""

from __future__ import annotations

import copy
import pickle
import weakref
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import (
    ORGANIZATION,
    actions,
    billing_accounts,
    days,
    mca_tenant,
    mosa_tenant,
    purchase,
    run,
    subscriptions,
    tenants,
)
from subcommerce.billing import (
    MICROSOFT,
    ROLE_ACTIONS,
    Action,
    BillingAccount,
    BillingAccountType,
    Role,
    RoleAssignment,
    RoleScope,
    authorize,
)
from subcommerce.errors import Reason, ReasonCode
from subcommerce.periods import BillingFrequency, Period, Term, add_months
from subcommerce.strategies.accounts import ADMIN, PRINCIPALS
from subcommerce.subscriptions import (
    LicenseBlock,
    LicenseBlockSlots,
    Subscription,
    SubscriptionSlots,
    Tenant,
    license_block,
    same_dates,
)

_MICROSOFT_ONLY = {Action.COMPLETE_CREDIT_CHECK, Action.SUPPORT_CANCEL}
_UNDER_MCA = {Action.ASSIGN_LICENSES, Action.MANAGE_ADMIN_ROLES}


def _authorized_by_definition(
    account: BillingAccount,
    principal: str,
    action: Action,
    profile: str | None,
    section: str | None,
) -> bool:
    """The rule as the docstrings state it, written out on its own: Microsoft alone does its
    own actions; otherwise one of the principal's roles allows the action and reaches the
    target (a directory role reaches everything, but under MCA allows only the admin center's
    actions)."""
    if principal == MICROSOFT or action in _MICROSOFT_ONLY:
        return principal == MICROSOFT and action in _MICROSOFT_ONLY
    for assignment in account.roles_of(principal):
        allowed = set(ROLE_ACTIONS[assignment.role])
        if assignment.role.scope is RoleScope.DIRECTORY and account.type.has_profiles:
            allowed &= _UNDER_MCA
        if action in allowed and assignment.covers(profile, section):
            return True
    return False


@given(billing_accounts(), st.sampled_from((*PRINCIPALS, ADMIN, MICROSOFT)), actions(), st.data())
def test_authorize_answers_what_the_roles_allow(
    account: BillingAccount, principal: str, action: Action, data: st.DataObject
) -> None:
    profiles = [None, *(p.id for p in account.profiles)]
    sections = [None, *(s.id for p in account.profiles for s in p.sections)]
    profile = data.draw(st.sampled_from(profiles))
    section = data.draw(st.sampled_from(sections))
    reasons = authorize(
        account, principal, action, billing_profile_id=profile, invoice_section_id=section
    )
    if _authorized_by_definition(account, principal, action, profile, section):
        assert reasons == ()
    else:
        assert reasons == (Reason(ReasonCode.NOT_AUTHORIZED, principal=principal, action=action),)


def test_a_global_admin_under_mca_may_assign_licenses_but_not_buy() -> None:
    # Under MCA the directory roles keep only the admin center's actions; under MOSA a global
    # admin buys.
    owner = RoleAssignment("admin@fabrikam.com", Role.GLOBAL_ADMIN)
    mca = BillingAccount.sign_up(BillingAccountType.MCA, "fabrikam", "owner@fabrikam.com")
    mca = mca.grant(owner)
    mosa = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "owner@contoso.com")
    mosa = mosa.grant(owner)
    assert authorize(mosa, "admin@fabrikam.com", Action.BUY) == ()
    assert authorize(mca, "admin@fabrikam.com", Action.ASSIGN_LICENSES) == ()
    (reason,) = authorize(mca, "admin@fabrikam.com", Action.BUY)
    assert reason.code is ReasonCode.NOT_AUTHORIZED


@given(st.integers(1, 10_000), st.dates(date(1900, 1, 1), date(2999, 12, 31)))
def test_a_license_block_built_from_its_twin_is_the_block_the_class_builds(
    quantity: int, bought: date
) -> None:
    made = license_block(quantity, bought)
    expected = LicenseBlock(quantity, bought)
    assert type(made) is LicenseBlock
    assert made == expected
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert copy.deepcopy(made) == expected
    assert pickle.loads(pickle.dumps(made)) == expected
    assert weakref.ref(made)() is made
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.quantity = 1  # type: ignore[misc]


def test_a_license_block_adds_no_slot_of_its_own_to_its_twin() -> None:
    assert LicenseBlock.__slots__ == ()
    assert set(LicenseBlockSlots.__slots__) == {a.name for a in attrs.fields(LicenseBlock)} | {
        "__weakref__"
    }


@given(tenants(min_subscriptions=1), st.data())
def test_a_tenant_with_one_subscription_swapped_is_the_tenant_evolve_builds(
    tenant: Tenant, data: st.DataObject
) -> None:
    old = data.draw(st.sampled_from(tenant.subscriptions))
    changed = attrs.evolve(old, assigned=0)
    made = same_dates(tenant, changed)
    expected = attrs.evolve(
        tenant,
        subscriptions=tuple(changed if s.id == old.id else s for s in tenant.subscriptions),
    )
    assert made == expected
    assert made.due_memo is tenant.due_memo
    for sub in expected:
        assert made.subscription(sub.id) is (changed if sub.id == old.id else sub)
    assert tenant.replace(changed) == expected


@given(subscriptions("s1"))
def test_a_subscription_swapped_into_a_tenant_of_another_organization_is_refused(
    sub: Subscription,
) -> None:
    tenant = Tenant(ORGANIZATION, (sub,))
    with pytest.raises(ValueError, match="belongs to organization"):
        same_dates(tenant, attrs.evolve(sub, organization="other.example"))


_TERM_SLOT = SubscriptionSlots.__dict__["current_term"]


@given(
    st.sampled_from(
        [
            (Term.P1M, BillingFrequency.MONTHLY),
            (Term.P1Y, BillingFrequency.MONTHLY),
            (Term.P1Y, BillingFrequency.ANNUAL),
            (Term.P3Y, BillingFrequency.ANNUAL),
        ]
    ),
    days(max_value=date(2999, 12, 31)),
    st.booleans(),
)
def test_a_purchase_keeps_the_first_term_the_subscription_would_work_out(
    plan: tuple[Term, BillingFrequency], on: date, mca: bool
) -> None:
    term, frequency = plan
    tenant = mca_tenant() if mca else mosa_tenant()
    bought = run(tenant, purchase(tenant, "s1", on=on, term=term, billing_frequency=frequency))
    sub = bought.subscription("s1")
    kept = _TERM_SLOT.__get__(sub)  # the purchase gave it: nothing is worked out on reading
    assert kept == Period(on, add_months(on, term.months))  # by the definition: one term on
    fresh = Subscription(**attrs.asdict(sub, recurse=False))
    assert fresh == sub
    assert fresh.current_term == kept


def test_a_purchase_on_a_month_end_keeps_the_clamped_end() -> None:
    tenant = mosa_tenant()
    bought = run(tenant, purchase(tenant, "s1", on=date(2025, 1, 31), term=Term.P1M))
    assert bought.subscription("s1").current_term == Period(date(2025, 1, 31), date(2025, 2, 28))
