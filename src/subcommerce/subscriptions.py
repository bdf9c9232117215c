"""Tenants and subscriptions: what a tenant holds, in which state, bought through which channel.

The accounts-and-lifecycle issue adds the license quantity rules and the lifecycle over time;
this module starts with the shared data model.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date

import attrs

from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.errors import InvalidQuantity, UnknownReference
from subcommerce.periods import BillingFrequency, Term, check_date

__all__ = [
    "PurchaseChannel",
    "Subscription",
    "SubscriptionStatus",
    "Tenant",
]


class SubscriptionStatus(enum.StrEnum):
    """Where a subscription is in its life.

    Active -> Expired (users keep access) -> Disabled (admins only) -> Deleted (final). A trial is
    a subscription on trial; Suspended exists for partner channels (still billed).
    """

    TRIAL = "trial"
    ACTIVE = "active"
    EXPIRED = "expired"
    DISABLED = "disabled"
    DELETED = "deleted"
    SUSPENDED = "suspended"

    @property
    def is_active(self) -> bool:
        """True for a subscription whose services can be used and built on (trial or active)."""
        return self in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL)


class PurchaseChannel(enum.StrEnum):
    """How a subscription was bought (seed 004 lists the channels that block license changes)."""

    DIRECT = "direct"  # in the admin center, by card, bank account or invoice
    PREPAID_PRODUCT_KEY = "prepaid_product_key"  # a 25-character product key
    VOLUME_LICENSING = "volume_licensing"  # through a partner / Volume Licensing
    CLOUD_SOLUTION_PROVIDER = "cloud_solution_provider"  # through a CSP


def _positive_or_zero(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(f"{attribute.name} must be a whole number >= 0, got {value!r}")


def _check_start(instance: object, attribute: attrs.Attribute[date], value: date) -> None:
    check_date(value, attribute.name)


@attrs.frozen
class Subscription:
    """One subscription of a tenant: a product on a term and billing frequency, with licenses.

    Entities compare by value here (they are immutable snapshots); use ``id`` to follow one
    subscription through time. ``parent_id`` names the base subscription of an add-on that is
    connected to one; ``addon_kind`` is None for a base plan.
    """

    id: str
    product_id: str
    start: date = attrs.field(validator=_check_start)
    quantity: int = attrs.field(validator=_positive_or_zero)
    term: Term = Term.P1M
    billing_frequency: BillingFrequency = BillingFrequency.MONTHLY
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    assigned: int = attrs.field(default=0, validator=_positive_or_zero)
    channel: PurchaseChannel = PurchaseChannel.DIRECT
    recurring_billing: bool = True
    unit: LicenseUnit = LicenseUnit.PER_USER
    addon_kind: AddonKind | None = None
    parent_id: str | None = None

    @property
    def is_addon(self) -> bool:
        """True for an add-on (traditional or standalone)."""
        return self.addon_kind is not None


@attrs.frozen
class Tenant:
    """An organization (one domain namespace) and the subscriptions it holds."""

    organization: str
    subscriptions: tuple[Subscription, ...] = ()

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for subscription in self.subscriptions:
            if subscription.id in seen:
                raise InvalidQuantity(f"subscription id {subscription.id!r} appears twice")
            seen.add(subscription.id)

    def subscription(self, subscription_id: str) -> Subscription:
        """The subscription with ``subscription_id``; UnknownReference if there is none."""
        for subscription in self.subscriptions:
            if subscription.id == subscription_id:
                return subscription
        raise UnknownReference(
            f"tenant {self.organization!r} has no subscription {subscription_id!r}"
        )

    def __iter__(self) -> Iterator[Subscription]:
        return iter(self.subscriptions)
