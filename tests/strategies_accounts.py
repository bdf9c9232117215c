"""Hypothesis builders for billing accounts, roles, subscriptions, tenants and commands.

The strategies live in the package (:mod:`subcommerce.strategies.accounts`) and are re-exported
here under their old names; the plain builders for example tests below are this suite's own.
"""

from __future__ import annotations

from datetime import date

from subcommerce.billing import (
    BillingAccount,
    BillingAccountType,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.commands import Command, PurchaseSubscription, apply, check
from subcommerce.errors import ReasonCode
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.strategies.accounts import *  # noqa: F403
from subcommerce.strategies.accounts import ADMIN, ORGANIZATION
from subcommerce.subscriptions import Tenant

# -- plain builders for example tests ------------------------------------------------------------

D0 = date(2025, 3, 1)


def mosa_tenant() -> Tenant:
    """A MOSA tenant signed up by ADMIN (a billing admin), made global admin too."""
    account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", ADMIN)
    account = account.grant(RoleAssignment(ADMIN, Role.GLOBAL_ADMIN))
    return Tenant(ORGANIZATION, account=account)


def mca_tenant(payment_method: PaymentMethod | None = PaymentMethod.CARD) -> Tenant:
    """An MCA tenant signed up by ADMIN (billing account owner, and global admin to assign)."""
    account = BillingAccount.sign_up(
        BillingAccountType.MCA, "contoso", ADMIN, payment_method=payment_method
    )
    account = account.grant(RoleAssignment(ADMIN, Role.GLOBAL_ADMIN))
    return Tenant(ORGANIZATION, account=account)


def purchase(
    tenant: Tenant,
    subscription_id: str,
    quantity: int = 10,
    *,
    on: date = D0,
    actor: str = ADMIN,
    **fields: object,
) -> PurchaseSubscription:
    """A purchase command; under MOSA it pays by card unless told otherwise."""
    if tenant.account is not None and not tenant.account.type.has_profiles:
        fields.setdefault("payment_method", PaymentMethod.CARD)
    fields.setdefault("product_id", f"product-{subscription_id}")
    return PurchaseSubscription(
        actor=actor,
        as_of=on,
        subscription_id=subscription_id,
        quantity=quantity,
        **fields,  # type: ignore[arg-type]
    )


def run(tenant: Tenant, *commands: Command, policy: Policy = DEFAULT_POLICY) -> Tenant:
    """``tenant`` after applying ``commands`` in order (each must be accepted)."""
    for command in commands:
        tenant = apply(tenant, command, policy).tenant
    return tenant


def codes(tenant: Tenant, command: Command, policy: Policy = DEFAULT_POLICY) -> set[ReasonCode]:
    """The reason codes ``command`` is refused with (empty when it would go through)."""
    return {r.code for r in check(tenant, command, policy)}
