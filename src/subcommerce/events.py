"""Events: what happened to a tenant, as frozen values, in the order it happened.

Commands and the passing of time produce events. They carry what billing needs to price and
invoice the change later: the subscription, the date, the quantities before and after, the term
and frequency, and the refund lines where there is a refund. They are facts; nothing here decides.
"""

from __future__ import annotations

from datetime import date

import attrs

from subcommerce._checks import Choice
from subcommerce.billing import PaymentMethod, Role
from subcommerce.catalog import AddonKind
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.proration import ProratedLine
from subcommerce.subscriptions import InvoiceGroup, ScheduledChange, SubscriptionStatus

__all__ = [
    "BillingFrequencyChanged",
    "ChangeScheduled",
    "CreditCheckCompleted",
    "Event",
    "LicensesAssigned",
    "LicensesChanged",
    "OverAssignmentEnded",
    "OverAssignmentStarted",
    "PaymentMethodSet",
    "PlanChanged",
    "ProductChanged",
    "Reactivated",
    "RecurringBillingChanged",
    "Renewed",
    "RoleGranted",
    "ScheduledChangeDropped",
    "StatusCause",
    "StatusChanged",
    "SubscriptionCancelled",
    "SubscriptionPurchased",
    "TermChanged",
    "TrialConverted",
    "TrialExtended",
]


class StatusCause(Choice):
    """Why a status changed."""

    TERM_ENDED = "term_ended"  # recurring billing off: the term ran out
    TRIAL_ENDED = "trial_ended"  # no conversion: no payment method or recurring billing off
    TRIAL_CONVERTED = "trial_converted"
    GRACE_ENDED = "grace_ended"  # Expired -> Disabled
    DISABLED_ENDED = "disabled_ended"  # Disabled -> Deleted (or Expired -> Deleted, no Disabled)
    CANCELLED = "cancelled"
    CANCELLED_WITH_PARENT = "cancelled_with_parent"
    FOLLOWS_PARENT = "follows_parent"  # a traditional add-on follows its base
    REACTIVATED = "reactivated"
    DELETED = "deleted"  # deleted outright, skipping Expired and Disabled
    PLAN_CHANGED = "plan_changed"  # its licenses moved to a subscription of another plan


class SubscriptionPurchasedSlots:
    """The slots of a :class:`SubscriptionPurchased`, writable: the engine's way to build one
    from checked parts (as ``periods.PeriodSlots``; :func:`purchased` fills and retypes one)."""

    __slots__ = (
        "__weakref__",
        "addon_kind",
        "billing_frequency",
        "invoice_group",
        "on",
        "parent_id",
        "product_id",
        "quantity",
        "subscription_id",
        "term",
        "trial",
        "unit_price",
    )
    subscription_id: str
    on: date
    product_id: str
    quantity: int
    term: Term
    billing_frequency: BillingFrequency
    invoice_group: InvoiceGroup
    unit_price: Money | None
    addon_kind: AddonKind | None
    parent_id: str | None
    trial: bool


@attrs.frozen
class SubscriptionPurchased(SubscriptionPurchasedSlots):
    """A new subscription (or trial): what was bought, on which invoice."""

    subscription_id: str
    on: date
    product_id: str
    quantity: int
    term: Term
    billing_frequency: BillingFrequency
    invoice_group: InvoiceGroup
    unit_price: Money | None = None
    addon_kind: AddonKind | None = None
    parent_id: str | None = None
    trial: bool = False


class LicensesChangedSlots:
    """The slots of a :class:`LicensesChanged`, writable: the engine's way to build one from
    checked parts (as ``periods.PeriodSlots``; :func:`licenses_changed` fills and retypes one)."""

    __slots__ = (
        "__weakref__",
        "after",
        "before",
        "on",
        "subscription_id",
    )
    subscription_id: str
    on: date
    before: int
    after: int


@attrs.frozen
class LicensesChanged(LicensesChangedSlots):
    """The licenses purchased went from ``before`` to ``after`` on ``on`` (billing prorates it)."""

    subscription_id: str
    on: date
    before: int
    after: int

    @property
    def delta(self) -> int:
        """``after - before``: positive for licenses bought, negative for licenses removed."""
        return self.after - self.before


@attrs.frozen
class ChangeScheduled:
    """A change recorded for the next renewal; ``scheduled`` is the whole pending change."""

    subscription_id: str
    on: date
    scheduled: ScheduledChange


@attrs.frozen
class ScheduledChangeDropped:
    """Pending renewal changes dropped (recurring billing turned off, or cancellation)."""

    subscription_id: str
    on: date
    dropped: ScheduledChange


@attrs.frozen
class LicensesAssigned:
    """Licenses assigned went from ``before`` to ``after`` (both ways: assign and unassign)."""

    subscription_id: str
    on: date
    before: int
    after: int


@attrs.frozen
class OverAssignmentStarted:
    """A renewal lowered the quantity below the assigned count: ``users`` keep access until."""

    subscription_id: str
    on: date
    users: int
    until: date


@attrs.frozen
class OverAssignmentEnded:
    """The grace of over-assigned users ended (``unlicensed`` lost their license; 0 if absorbed)."""

    subscription_id: str
    on: date
    unlicensed: int


@attrs.frozen
class CreditCheckCompleted:
    """The credit check of an invoice-paid subscription completed; licenses can change."""

    subscription_id: str
    on: date


@attrs.frozen
class RecurringBillingChanged:
    """Recurring billing turned on or off."""

    subscription_id: str
    on: date
    recurring_billing: bool


@attrs.frozen
class TrialExtended:
    """A trial got its extension; ``trial_end`` is the new first day after the trial."""

    subscription_id: str
    on: date
    trial_end: date


@attrs.frozen
class TrialConverted:
    """A trial became a paid subscription at its end; billing starts with ``term_period``."""

    subscription_id: str
    on: date
    quantity: int
    term_period: Period
    billing_frequency: BillingFrequency


class RenewedSlots:
    """The slots of a :class:`Renewed`, writable: the engine's way to build one from checked parts
    (as ``periods.PeriodSlots``; :func:`renewed` fills and retypes one)."""

    __slots__ = (
        "__weakref__",
        "billing_frequency",
        "on",
        "quantity_after",
        "quantity_before",
        "subscription_id",
        "term",
        "term_period",
    )
    subscription_id: str
    on: date
    term_period: Period
    quantity_before: int
    quantity_after: int
    term: Term
    billing_frequency: BillingFrequency


@attrs.frozen
class Renewed(RenewedSlots):
    """A new term began, with the scheduled changes applied."""

    subscription_id: str
    on: date
    term_period: Period
    quantity_before: int
    quantity_after: int
    term: Term
    billing_frequency: BillingFrequency


@attrs.frozen
class StatusChanged:
    """The status went from ``before`` to ``after`` on ``on``."""

    subscription_id: str
    on: date
    before: SubscriptionStatus
    after: SubscriptionStatus
    cause: StatusCause


@attrs.frozen
class SubscriptionCancelled:
    """A cancellation; ``refund`` holds the prorated refund lines (empty without a price).

    ``with_parent`` names the base whose cancellation took this traditional add-on along.
    """

    subscription_id: str
    on: date
    quantity: int
    refund: tuple[ProratedLine, ...] = ()
    with_parent: str | None = None


@attrs.frozen
class Reactivated:
    """An Expired or Disabled subscription is active again, on a new term from ``on``.

    ``as_new``: under an MCA, the id of the new subscription that reactivation created (the
    term and quantity are the new one's); None when the subscription itself came back.
    """

    subscription_id: str
    on: date
    term_period: Period
    quantity: int
    as_new: str | None = None


@attrs.frozen
class PlanChanged:
    """``quantity`` licenses of ``subscription_id`` moved to ``new_subscription_id``, a new
    subscription of ``to_product`` (issue 12): all of them (``full``: the old one is cancelled)
    or some (a partial change: the old one keeps the rest).

    ``assigned``: the assigned licenses that moved with them. ``addons_moved``: the traditional
    add-ons that now belong to the new subscription; ``addons_cancelled``: those the new plan does
    not allow, cancelled with the change; ``addons_dropped``: those the new plan includes.
    ``addons_rebased``: the new subscription starts a term of its own, and the moved add-ons
    (which run on their base's term) start it with it. The ledger credits the unused days of
    what leaves the old subscription and charges the new one from ``on`` (entries of cause
    ``plan_change``).
    """

    subscription_id: str
    on: date
    new_subscription_id: str
    from_product: str
    to_product: str
    quantity: int
    assigned: int
    full: bool
    term: Term
    billing_frequency: BillingFrequency
    invoice_group: InvoiceGroup
    unit_price: Money | None = None
    addons_moved: tuple[str, ...] = ()
    addons_cancelled: tuple[str, ...] = ()
    addons_dropped: tuple[str, ...] = ()
    addons_rebased: bool = False


@attrs.frozen
class TermChanged:
    """A longer term bought mid-term: it starts on ``on`` (``term_period``, billed at
    ``billing_frequency``); the unused part of what the old term charged is credited."""

    subscription_id: str
    on: date
    before: Term
    after: Term
    term_period: Period
    billing_frequency: BillingFrequency


@attrs.frozen
class BillingFrequencyChanged:
    """The billing frequency changed from ``before`` to ``after``, effective at the next billing
    cycle (``effective``); what is charged until then stands."""

    subscription_id: str
    on: date
    before: BillingFrequency
    after: BillingFrequency
    effective: date


@attrs.frozen
class ProductChanged:
    """The renewal moved the subscription to another product (a change scheduled for it)."""

    subscription_id: str
    on: date
    before: str
    after: str


@attrs.frozen
class PaymentMethodSet:
    """A payment method set on a subscription (MOSA) or a billing profile (MCA)."""

    on: date
    payment_method: PaymentMethod
    subscription_id: str | None = None
    billing_profile_id: str | None = None


@attrs.frozen
class RoleGranted:
    """A role granted to a principal."""

    on: date
    principal: str
    role: Role
    billing_profile_id: str | None = None
    invoice_section_id: str | None = None


Event = (
    SubscriptionPurchased
    | LicensesChanged
    | ChangeScheduled
    | ScheduledChangeDropped
    | LicensesAssigned
    | OverAssignmentStarted
    | OverAssignmentEnded
    | CreditCheckCompleted
    | RecurringBillingChanged
    | TrialExtended
    | TrialConverted
    | Renewed
    | StatusChanged
    | SubscriptionCancelled
    | Reactivated
    | PaymentMethodSet
    | RoleGranted
    | PlanChanged
    | TermChanged
    | BillingFrequencyChanged
    | ProductChanged
)


# -- built from checked parts -------------------------------------------------------------------


def renewed(
    subscription_id: str,
    on: date,
    term_period: Period,
    quantity_before: int,
    quantity_after: int,
    term: Term,
    billing_frequency: BillingFrequency,
) -> Renewed:
    """``Renewed(...)`` of these fields (the lifecycle's, once per renewal): the same value,
    built by retyping its slots' twin."""
    made = RenewedSlots()
    made.subscription_id = subscription_id
    made.on = on
    made.term_period = term_period
    made.quantity_before = quantity_before
    made.quantity_after = quantity_after
    made.term = term
    made.billing_frequency = billing_frequency
    made.__class__ = Renewed
    return made  # type: ignore[return-value]  # retyped: a Renewed now


def licenses_changed(subscription_id: str, on: date, before: int, after: int) -> LicensesChanged:
    """``LicensesChanged(...)`` of these fields (a license change's): the same value, built by
    retyping its slots' twin."""
    made = LicensesChangedSlots()
    made.subscription_id = subscription_id
    made.on = on
    made.before = before
    made.after = after
    made.__class__ = LicensesChanged
    return made  # type: ignore[return-value]  # retyped: a LicensesChanged now


def purchased(
    subscription_id: str,
    on: date,
    product_id: str,
    quantity: int,
    term: Term,
    billing_frequency: BillingFrequency,
    invoice_group: InvoiceGroup,
    unit_price: Money | None,
    addon_kind: AddonKind | None,
    parent_id: str | None,
) -> SubscriptionPurchased:
    """``SubscriptionPurchased(...)`` of a paid purchase (``trial`` False): the same value,
    built by retyping its slots' twin."""
    made = SubscriptionPurchasedSlots()
    made.subscription_id = subscription_id
    made.on = on
    made.product_id = product_id
    made.quantity = quantity
    made.term = term
    made.billing_frequency = billing_frequency
    made.invoice_group = invoice_group
    made.unit_price = unit_price
    made.addon_kind = addon_kind
    made.parent_id = parent_id
    made.trial = False
    made.__class__ = SubscriptionPurchased
    return made  # type: ignore[return-value]  # retyped: a SubscriptionPurchased now
