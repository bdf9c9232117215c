"""Hypothesis builders for billing accounts, roles, subscriptions, tenants and commands."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import attrs
from hypothesis import strategies as st

from subcommerce.billing import (
    Action,
    BillingAccount,
    BillingAccountType,
    BillingProfile,
    InvoiceSection,
    PaymentMethod,
    Role,
    RoleAssignment,
    RoleScope,
)
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeLicenseQuantity,
    Command,
    Reactivate,
    SetRecurringBilling,
    UnassignLicenses,
)
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Term
from subcommerce.subscriptions import (
    LicenseBlock,
    PurchaseChannel,
    Subscription,
    SubscriptionStatus,
    Tenant,
)

__all__ = [
    "ADMIN",
    "COMMANDS_ON",
    "FIRST_DAY",
    "LAST_DAY",
    "ORGANIZATION",
    "PRINCIPALS",
    "account_types",
    "actions",
    "billing_accounts",
    "commands",
    "commands_on",
    "days",
    "license_blocks",
    "payment_methods",
    "role_assignments",
    "subscriptions",
    "tenants",
    "term_and_frequency",
]

FIRST_DAY = date(2021, 1, 1)
LAST_DAY = date(2030, 12, 31)
ORGANIZATION = "contoso.com"
ADMIN = "admin@contoso.com"

PRINCIPALS = ("ana", "ben", "chloe", "dev")


def days(min_value: date = FIRST_DAY, max_value: date = LAST_DAY) -> st.SearchStrategy[date]:
    """Calendar days, with the month ends and the day the 7-day window began weighted in."""
    return st.one_of(
        st.dates(min_value, max_value),
        st.sampled_from(
            [
                d
                for d in (
                    date(2022, 3, 11),
                    date(2022, 3, 12),
                    date(2024, 1, 31),
                    date(2024, 2, 29),
                )
                if min_value <= d <= max_value
            ]
            or [min_value]
        ),
    )


def account_types() -> st.SearchStrategy[BillingAccountType]:
    return st.sampled_from([BillingAccountType.MOSA, BillingAccountType.MCA])


def payment_methods() -> st.SearchStrategy[PaymentMethod | None]:
    return st.one_of(st.none(), st.sampled_from(PaymentMethod))


@st.composite
def role_assignments(draw: st.DrawFn, account: BillingAccount) -> RoleAssignment:
    """A role that ``account`` can hold, for one of a few principals, in one of its scopes."""
    principal = draw(st.sampled_from(PRINCIPALS))
    roles = [r for r in Role if account.type.has_profiles or r.scope is RoleScope.DIRECTORY]
    role = draw(st.sampled_from(roles))
    profile = section = None
    if role.scope is RoleScope.BILLING_PROFILE:
        profile = draw(st.sampled_from([p.id for p in account.profiles]))
    if role.scope is RoleScope.INVOICE_SECTION:
        section = draw(st.sampled_from([s.id for p in account.profiles for s in p.sections]))
    return RoleAssignment(principal, role, profile, section)


@st.composite
def billing_accounts(
    draw: st.DrawFn, account_type: BillingAccountType | None = None
) -> BillingAccount:
    """A signed-up account with a few more roles granted (MCA: one or two billing profiles)."""
    kind = draw(account_types()) if account_type is None else account_type
    method = draw(payment_methods()) if kind.has_profiles else None
    account = BillingAccount.sign_up(kind, "acct", ADMIN, payment_method=method)
    if kind.has_profiles and draw(st.booleans()):
        second = BillingProfile(
            "acct/profile-2",
            (InvoiceSection("acct/section-2"), InvoiceSection("acct/section-3")),
            payment_method=draw(payment_methods()),
        )
        account = BillingAccount(account.id, kind, account.roles, (*account.profiles, second))
    for assignment in draw(st.lists(role_assignments(account), max_size=6)):
        account = account.grant(assignment)
    return account


def actions() -> st.SearchStrategy[Action]:
    return st.sampled_from(Action)


@st.composite
def term_and_frequency(draw: st.DrawFn) -> tuple[Term, BillingFrequency]:
    term = draw(st.sampled_from(Term))
    frequencies = [f for f in BillingFrequency if _fits(term, f)]
    return term, draw(st.sampled_from(frequencies))


def _fits(term: Term, frequency: BillingFrequency) -> bool:
    try:
        frequency.months(term)
    except ValueError:
        return False
    return True


@st.composite
def license_blocks(
    draw: st.DrawFn, start: date, total: int, max_offset: int = 40
) -> tuple[LicenseBlock, ...]:
    """``total`` licenses split into blocks bought on days from ``start`` on, in date order."""
    if total == 0:
        return ()
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), max_size=3))) if total > 1 else []
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    offsets = sorted(
        draw(st.lists(st.integers(0, max_offset), min_size=len(sizes), max_size=len(sizes)))
    )
    return tuple(
        LicenseBlock(size, start + timedelta(days=offset))
        for size, offset in zip(sizes, offsets, strict=True)
    )


@st.composite
def subscriptions(
    draw: st.DrawFn,
    subscription_id: str = "s1",
    *,
    status: SubscriptionStatus | None = None,
    channel: PurchaseChannel | None = None,
    start: date | None = None,
) -> Subscription:
    """A consistent base-plan subscription snapshot (assigned never above purchased)."""
    first = draw(days(max_value=date(2029, 1, 1))) if start is None else start
    term, frequency = draw(term_and_frequency())
    quantity = draw(st.integers(1, 300))
    return Subscription(
        subscription_id,
        draw(st.sampled_from(["business-basic", "business-premium", "e3", "e5"])),
        first,
        quantity,
        term,
        frequency,
        status=draw(st.sampled_from(SubscriptionStatus)) if status is None else status,
        assigned=draw(st.integers(0, quantity)),
        channel=draw(st.sampled_from(PurchaseChannel)) if channel is None else channel,
        recurring_billing=draw(st.booleans()),
        unit=draw(st.sampled_from(LicenseUnit)),
        blocks=draw(license_blocks(first, quantity, min(40, (term.end(first) - first).days - 1))),
        payment_method=draw(payment_methods()),
        unit_price=Money.of(draw(st.sampled_from(["6.00", "12.50", "36.00", "57.00"])), "USD"),
        organization=ORGANIZATION,
    )


@st.composite
def tenants(
    draw: st.DrawFn, account_type: BillingAccountType | None = None, min_subscriptions: int = 0
) -> Tenant:
    """A tenant with a billing account and up to four subscriptions, some with add-ons."""
    account = draw(billing_accounts(account_type))
    count = draw(st.integers(min_subscriptions, 4))
    subs: list[Subscription] = []
    for index in range(count):
        sub = draw(subscriptions(f"s{index}"))
        if account.type.has_profiles:
            profile = account.profiles[0]
            sub = _on_profile(sub, profile.id, profile.default_section.id)
        subs.append(sub)
    bases = [s for s in subs if s.status.is_active]
    if len(bases) > 0 and draw(st.booleans()):
        parent = draw(st.sampled_from(bases))
        kind = draw(st.sampled_from(AddonKind))
        addon = Subscription(
            "addon",
            "audio-conferencing",
            parent.start,
            draw(st.integers(1, 50)),
            parent.term,
            parent.billing_frequency,
            status=parent.status,
            recurring_billing=parent.recurring_billing,
            addon_kind=kind,
            parent_id=parent.id,
            term_anchor=parent.anchor if kind is AddonKind.TRADITIONAL else None,
            renewals=parent.renewals if kind is AddonKind.TRADITIONAL else 0,
            billing_profile_id=parent.billing_profile_id,
            invoice_section_id=parent.invoice_section_id,
            organization=ORGANIZATION,
        )
        subs.append(addon)
    return Tenant(ORGANIZATION, tuple(subs), account)


def _on_profile(sub: Subscription, profile_id: str, section_id: str) -> Subscription:
    return attrs.evolve(
        sub, payment_method=None, billing_profile_id=profile_id, invoice_section_id=section_id
    )


@st.composite
def commands_on(draw: st.DrawFn, tenant: Tenant, as_of: date) -> Command:
    """A command about one of ``tenant``'s subscriptions, by a random principal or the admin."""
    sub = draw(st.sampled_from(tenant.subscriptions))
    actor = draw(st.sampled_from([ADMIN, *PRINCIPALS]))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return ChangeLicenseQuantity(
            actor=actor,
            as_of=as_of,
            subscription_id=sub.id,
            quantity=draw(st.integers(1, 400)),
            at_renewal=draw(st.booleans()),
        )
    if kind == 1:
        return AssignLicenses(
            actor=actor, as_of=as_of, subscription_id=sub.id, count=draw(st.integers(1, 50))
        )
    if kind == 2:
        return UnassignLicenses(
            actor=actor, as_of=as_of, subscription_id=sub.id, count=draw(st.integers(1, 50))
        )
    if kind == 3:
        return CancelSubscription(actor=actor, as_of=as_of, subscription_id=sub.id)
    if kind == 4:
        return SetRecurringBilling(
            actor=actor, as_of=as_of, subscription_id=sub.id, recurring_billing=draw(st.booleans())
        )
    return Reactivate(actor=actor, as_of=as_of, subscription_id=sub.id)


#: The day :func:`commands` are made on when none is given.
COMMANDS_ON: Final = date(2025, 3, 1)


def commands(as_of: date = COMMANDS_ON) -> st.SearchStrategy[Command]:
    """A command of the accounts layer on a drawn tenant that holds at least one subscription."""
    return tenants(min_subscriptions=1).flatmap(lambda tenant: commands_on(tenant, as_of))
