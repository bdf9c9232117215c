"""Commands as data: check one ("may I?") or apply it (a new tenant and the events it caused).

Every command is a frozen value that names its actor and its as-of date. Both :func:`check` and
:func:`apply` first bring the tenant up to that date (:func:`~subcommerce.lifecycle.advance`),
then ask the same questions:

* :func:`check` returns the reasons the command would be refused, () when it would go through,
  so an admin tool can grey out a button and show why;
* :func:`apply` raises :class:`~subcommerce.errors.Refused` with those reasons, or returns an
  :class:`~subcommerce.lifecycle.Outcome`: the new tenant and the events (the lifecycle's first,
  then the command's). The tenant passed in is a value and never changes.

Every rule's refusal is a reason; input that cannot be a command at all (an unknown subscription
id, a traditional add-on without a base, a billing frequency its term cannot have) raises the
matching :class:`~subcommerce.errors.SubcommerceError` at once.

>>> from datetime import date
>>> from subcommerce.billing import BillingAccount, BillingAccountType, PaymentMethod
>>> from subcommerce.subscriptions import Tenant
>>> account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "ana")
>>> tenant = Tenant("contoso.com", account=account)
>>> buy = PurchaseSubscription(actor="ana", as_of=date(2025, 3, 1), subscription_id="s1",
...                            product_id="business-basic", quantity=100,
...                            payment_method=PaymentMethod.CARD)
>>> tenant = apply(tenant, buy).tenant
>>> more = ChangeLicenseQuantity(actor="ana", as_of=date(2025, 3, 5), subscription_id="s1",
...                              quantity=105)
>>> apply(tenant, more).events
(LicensesChanged(subscription_id='s1', on=datetime.date(2025, 3, 5), before=100, after=105),)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs

from subcommerce._checks import expect, tuple_of
from subcommerce.alignment import aligned_term, alignment_reasons, window_start
from subcommerce.billing import (
    MICROSOFT,
    Action,
    BillingAccountType,
    BillingProfile,
    PaymentMethod,
    Role,
    RoleAssignment,
    RoleScope,
    authorize,
)
from subcommerce.billing_plans import next_billing_cycle
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.errors import (
    InvalidCommand,
    InvalidQuantity,
    Reason,
    ReasonCode,
    Refused,
    UnknownReference,
)
from subcommerce.events import (
    BillingFrequencyChanged,
    ChangeScheduled,
    CreditCheckCompleted,
    Event,
    LicensesAssigned,
    OverAssignmentEnded,
    PaymentMethodSet,
    PlanChanged,
    Reactivated,
    RecurringBillingChanged,
    RoleGranted,
    ScheduledChangeDropped,
    StatusCause,
    StatusChanged,
    SubscriptionCancelled,
    SubscriptionPurchased,
    TermChanged,
    TrialConverted,
    TrialExtended,
    licenses_changed,
    purchased,
)
from subcommerce.lifecycle import (
    Outcome,
    brought,
    follows_parent,
    outcome,
    set_status,
    trial_end,
)
from subcommerce.money import Money, money_from_units
from subcommerce.periods import (
    BillingFrequency,
    Term,
    add_months,
    check_date,
    period_containing,
    period_unchecked,
)
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.proration import ProratedLine, prorate, refund_unused
from subcommerce.subscriptions import (
    LicenseBlock,
    PurchaseChannel,
    ScheduledChange,
    Subscription,
    SubscriptionStatus,
    Tenant,
    dated,
    evolved,
    license_block,
    maker,
    rebuilder,
    rebuilt,
    same_dates,
)

__all__ = [
    "AssignLicenses",
    "CancelSubscription",
    "ChangeBillingFrequency",
    "ChangeLicenseQuantity",
    "ChangePlan",
    "ChangeTerm",
    "Command",
    "CompleteCreditCheck",
    "ConvertTrial",
    "DeleteSubscription",
    "ExtendTrial",
    "GrantRole",
    "PurchaseSubscription",
    "Reactivate",
    "ScheduleProductChange",
    "SetPaymentMethod",
    "SetRecurringBilling",
    "StartTrial",
    "UnassignLicenses",
    "apply",
    "apply_advanced",
    "check",
    "check_advanced",
]

_C = TypeVar("_C")
# Members bound once: reading them off the enum class is slow on CPython 3.11.
_ACTIVE: Final = SubscriptionStatus.ACTIVE
_ACT_ASSIGN_LICENSES: Final = Action.ASSIGN_LICENSES
_ACT_BUY: Final = Action.BUY
_ACT_CHANGE_BILLING_FREQUENCY: Final = Action.CHANGE_BILLING_FREQUENCY
_ACT_CHANGE_SUBSCRIPTION: Final = Action.CHANGE_SUBSCRIPTION
_ACT_COMPLETE_CREDIT_CHECK: Final = Action.COMPLETE_CREDIT_CHECK
_ACT_MANAGE_ADMIN_ROLES: Final = Action.MANAGE_ADMIN_ROLES
_ACT_MANAGE_BILLING_ROLES: Final = Action.MANAGE_BILLING_ROLES
_ACT_MANAGE_PAYMENT_METHODS: Final = Action.MANAGE_PAYMENT_METHODS
_ACT_SUPPORT_CANCEL: Final = Action.SUPPORT_CANCEL
_CSP: Final = PurchaseChannel.CLOUD_SOLUTION_PROVIDER
_DELETED: Final = SubscriptionStatus.DELETED
_DIRECT: Final = PurchaseChannel.DIRECT
_DISABLED: Final = SubscriptionStatus.DISABLED
_EXPIRED: Final = SubscriptionStatus.EXPIRED
_PER_USER: Final = LicenseUnit.PER_USER
_PREPAID: Final = PurchaseChannel.PREPAID_PRODUCT_KEY
_STANDALONE: Final = AddonKind.STANDALONE
_TRADITIONAL: Final = AddonKind.TRADITIONAL
_TRIAL: Final = SubscriptionStatus.TRIAL
_VOLUME_LICENSING: Final = PurchaseChannel.VOLUME_LICENSING


# -- field validators ---------------------------------------------------------------------------


def check_text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidCommand(f"{attribute.name} must be a non-empty string, got {value!r}")


def _text_or_none(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None:
        check_text(instance, attribute, value)  # type: ignore[arg-type]


def _day(instance: object, attribute: attrs.Attribute[date], value: object) -> None:
    check_date(value, attribute.name)


def check_count(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidQuantity(f"{attribute.name} must be a whole number >= 1, got {value!r}")


def _optional_count(
    instance: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    if value is not None:
        check_count(instance, attribute, value)  # type: ignore[arg-type]


def check_flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidCommand(f"{attribute.name} must be True or False, got {value!r}")


def check_one_of(kind: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise InvalidCommand(f"{attribute.name} must be a {kind.__name__}, got {value!r}")

    return check


def _optional(kind: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    inner = check_one_of(kind)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def _frequency_fits_term(term: Term, frequency: BillingFrequency) -> None:
    frequency.months(term)  # raises InvalidPeriod for a pair that cannot be


# -- commands -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _OnSubscription:
    """What every command on one subscription names: who asks, on which day, for which one."""

    actor: str = attrs.field(validator=check_text)
    as_of: date = attrs.field(validator=_day)
    subscription_id: str = attrs.field(validator=check_text)


@attrs.frozen(kw_only=True)
class PurchaseSubscription(_OnSubscription):
    """Buy a subscription, a standalone add-on or a traditional add-on (on ``parent_id``).

    The command carries what the purchase needs; whether the catalog offers the product to this
    tenant is the orders layer's question. Under MCA the payment method is the billing profile's
    (default profile and section when none is named); under MOSA it is the purchase's own.
    ``order_id`` defaults to ``<subscription_id>/order``. ``align_to``: another active
    subscription on the same billing profile (MCA) whose renewal date the new one takes: its first
    term is prorated to it (:mod:`subcommerce.alignment`).
    """

    product_id: str = attrs.field(validator=check_text)
    quantity: int = attrs.field(validator=check_count)
    term: Term = attrs.field(default=Term.P1M, validator=check_one_of(Term))
    billing_frequency: BillingFrequency = attrs.field(
        default=BillingFrequency.MONTHLY, validator=check_one_of(BillingFrequency)
    )
    unit: LicenseUnit = attrs.field(default=_PER_USER, validator=check_one_of(LicenseUnit))
    addon_kind: AddonKind | None = attrs.field(default=None, validator=_optional(AddonKind))
    parent_id: str | None = attrs.field(default=None, validator=_text_or_none)
    channel: PurchaseChannel = attrs.field(default=_DIRECT, validator=check_one_of(PurchaseChannel))
    payment_method: PaymentMethod | None = attrs.field(
        default=None, validator=_optional(PaymentMethod)
    )
    billing_profile_id: str | None = attrs.field(default=None, validator=_text_or_none)
    invoice_section_id: str | None = attrs.field(default=None, validator=_text_or_none)
    order_id: str | None = attrs.field(default=None, validator=_text_or_none)
    unit_price: Money | None = attrs.field(default=None, validator=_optional(Money))
    align_to: str | None = attrs.field(default=None, validator=_text_or_none)

    def __attrs_post_init__(self) -> None:
        _frequency_fits_term(self.term, self.billing_frequency)
        if self.addon_kind is _TRADITIONAL and self.align_to is not None:
            raise InvalidCommand(
                f"traditional add-on {self.subscription_id!r} runs on its base's term and cannot "
                "align to another subscription"
            )
        if self.addon_kind is _TRADITIONAL and self.parent_id is None:
            raise InvalidCommand(
                f"traditional add-on {self.subscription_id!r} must name its base subscription"
            )
        if self.addon_kind is None and self.parent_id is not None:
            raise InvalidCommand(
                f"{self.subscription_id!r} is not an add-on and cannot have a parent subscription"
            )


@attrs.frozen(kw_only=True)
class StartTrial(_OnSubscription):
    """Start a free trial of ``product_id``: fixed licenses, converts at the end if it can.

    ``term`` and ``billing_frequency`` are what the trial converts to. ``align_to`` (MCA): the
    paid term takes the renewal date of that subscription when the trial converts ("To match the
    renewal date with another subscription paid by the billing profile, select Select a
    different renewal date"); if it is no longer active then, the trial converts on its own.
    """

    product_id: str = attrs.field(validator=check_text)
    term: Term = attrs.field(default=Term.P1M, validator=check_one_of(Term))
    billing_frequency: BillingFrequency = attrs.field(
        default=BillingFrequency.MONTHLY, validator=check_one_of(BillingFrequency)
    )
    unit: LicenseUnit = attrs.field(default=_PER_USER, validator=check_one_of(LicenseUnit))
    payment_method: PaymentMethod | None = attrs.field(
        default=None, validator=_optional(PaymentMethod)
    )
    billing_profile_id: str | None = attrs.field(default=None, validator=_text_or_none)
    invoice_section_id: str | None = attrs.field(default=None, validator=_text_or_none)
    order_id: str | None = attrs.field(default=None, validator=_text_or_none)
    unit_price: Money | None = attrs.field(default=None, validator=_optional(Money))
    align_to: str | None = attrs.field(default=None, validator=_text_or_none)

    def __attrs_post_init__(self) -> None:
        _frequency_fits_term(self.term, self.billing_frequency)


@attrs.frozen(kw_only=True)
class ChangeLicenseQuantity(_OnSubscription):
    """Set the TOTAL number of licenses (have 100, need 5 more: 105), now or at the renewal."""

    quantity: int = attrs.field(validator=check_count)
    at_renewal: bool = attrs.field(default=False, validator=check_flag)


@attrs.frozen(kw_only=True)
class AssignLicenses(_OnSubscription):
    """Assign ``count`` more licenses of the subscription to users."""

    count: int = attrs.field(validator=check_count)


@attrs.frozen(kw_only=True)
class UnassignLicenses(_OnSubscription):
    """Take ``count`` licenses of the subscription back from users."""

    count: int = attrs.field(validator=check_count)


@attrs.frozen(kw_only=True)
class CancelSubscription(_OnSubscription):
    """Cancel: Disabled at once, with a prorated refund; traditional add-ons go with it.

    With ``actor=MICROSOFT`` it is support cancelling for the customer (the only way a
    traditional add-on is removed on its own).
    """


@attrs.frozen(kw_only=True)
class DeleteSubscription(_OnSubscription):
    """Delete a subscription outright: Deleted at once, skipping Expired and Disabled.

    "If you explicitly delete a subscription, it skips the Expired and Disabled statuses"
    (what-if-my-subscription-expires, cancel-your-subscription). An active subscription is deleted
    where it could be cancelled (the same rules, the same refund); an Expired or Disabled one at any
    time. Traditional add-ons go with it.
    """


@attrs.frozen(kw_only=True)
class SetRecurringBilling(_OnSubscription):
    """Turn recurring billing on or off (off: the subscription runs to its end, then expires)."""

    recurring_billing: bool = attrs.field(validator=check_flag)


@attrs.frozen(kw_only=True)
class ExtendTrial(_OnSubscription):
    """Extend a trial once, in its last days."""


@attrs.frozen(kw_only=True)
class CompleteCreditCheck:
    """Microsoft completed the credit check of an invoice-paid subscription."""

    as_of: date = attrs.field(validator=_day)
    subscription_id: str = attrs.field(validator=check_text)
    actor: str = attrs.field(default=MICROSOFT, validator=check_text)


@attrs.frozen(kw_only=True)
class Reactivate(_OnSubscription):
    """Bring an Expired or Disabled subscription back, on a new term from the as-of date.

    Under an MCA (``Policy.reactivation_creates_new``) "we create a new subscription with the same
    commitment term as the previous subscription. The new subscription starts on the day of
    reactivation" (reactivate-your-subscription): it gets ``new_subscription_id`` (by default
    ``<subscription_id>/reactivated``) and the old one goes on to Deleted in its own time.
    """

    new_subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)

    @property
    def successor_id(self) -> str:
        """The id of the new subscription an MCA reactivation creates."""
        return self.new_subscription_id or f"{self.subscription_id}/reactivated"


@attrs.frozen(kw_only=True)
class ChangeBillingFrequency(_OnSubscription):
    """Bill the subscription at another frequency from its next renewal.

    ``at_next_cycle``: from its next billing cycle instead, mid-term (Partner Center's "billing
    cycle changes"); the first period of the new frequency is priced by
    ``Policy.billing_plan_proration`` (by whole months by default). Refused under an MCA, whose
    billing frequency is chosen only when buying, changing plan or renewing. A price locked in at
    purchase (``unit_price``) is restated per period of the new frequency; one that cannot be
    said exactly so (a year's price over 12 months, say) is dropped and the catalog prices it.
    Known gap: the refund that :func:`apply` alone puts on a cancellation between the change and
    the day it takes effect is priced on the new frequency; a ledger (a scenario, an order)
    refunds what was charged.
    """

    billing_frequency: BillingFrequency = attrs.field(validator=check_one_of(BillingFrequency))
    at_next_cycle: bool = attrs.field(default=False, validator=check_flag)


@attrs.frozen(kw_only=True)
class ChangeTerm(_OnSubscription):
    """Move the subscription to a longer term from its next renewal.

    ``immediately``: mid-term instead: the new term starts on the as-of date and the unused part
    of what the old term charged is credited; ``billing_frequency`` (only then) bills the new
    term at another frequency. Traditional add-ons move to the new term with their base.
    """

    term: Term = attrs.field(validator=check_one_of(Term))
    immediately: bool = attrs.field(default=False, validator=check_flag)
    billing_frequency: BillingFrequency | None = attrs.field(
        default=None, validator=_optional(BillingFrequency)
    )

    def __attrs_post_init__(self) -> None:
        if self.billing_frequency is not None:
            if not self.immediately:
                raise InvalidCommand(
                    "a term change at the renewal keeps the billing frequency; schedule the "
                    "frequency with ChangeBillingFrequency"
                )
            _frequency_fits_term(self.term, self.billing_frequency)


@attrs.frozen(kw_only=True)
class ConvertTrial(_OnSubscription):
    """Buy a trial before it ends: the paid term starts on the as-of date, the trial ends then.

    "Start a paid subscription now ... enter the number of licenses that you want, select a
    subscription length and billing frequency" (MCA); "Buy paid subscription now ... choose a
    monthly or annual commitment" (MOSA). None keeps the trial's own: its licenses, the term and
    billing frequency it was to convert to. The trial's data stays (its id, its assignments).
    ``payment_method``: MOSA only (under an MCA the billing profile pays). ``align_to``: take the
    renewal date of another active subscription on the same billing profile.
    """

    quantity: int | None = attrs.field(default=None, validator=_optional_count)
    term: Term | None = attrs.field(default=None, validator=_optional(Term))
    billing_frequency: BillingFrequency | None = attrs.field(
        default=None, validator=_optional(BillingFrequency)
    )
    payment_method: PaymentMethod | None = attrs.field(
        default=None, validator=_optional(PaymentMethod)
    )
    align_to: str | None = attrs.field(default=None, validator=_text_or_none)

    def __attrs_post_init__(self) -> None:
        if self.term is not None and self.billing_frequency is not None:
            _frequency_fits_term(self.term, self.billing_frequency)


@attrs.frozen(kw_only=True)
class ScheduleProductChange(_OnSubscription):
    """Move the subscription to ``product_id`` at its next renewal (beside the quantity, term and
    billing frequency that can be scheduled): the renewal starts the new product's term."""

    product_id: str = attrs.field(validator=check_text)


@attrs.frozen(kw_only=True)
class SetPaymentMethod:
    """Set the payment method of a subscription (MOSA) or of a billing profile (MCA)."""

    actor: str = attrs.field(validator=check_text)
    as_of: date = attrs.field(validator=_day)
    payment_method: PaymentMethod = attrs.field(validator=check_one_of(PaymentMethod))
    subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)
    billing_profile_id: str | None = attrs.field(default=None, validator=_text_or_none)

    def __attrs_post_init__(self) -> None:
        if (self.subscription_id is None) == (self.billing_profile_id is None):
            raise InvalidCommand("name either a subscription (MOSA) or a billing profile (MCA)")


@attrs.frozen(kw_only=True)
class GrantRole:
    """Grant ``role`` to ``principal`` (admin roles: global admin; billing roles: owners)."""

    actor: str = attrs.field(validator=check_text)
    as_of: date = attrs.field(validator=_day)
    principal: str = attrs.field(validator=check_text)
    role: Role = attrs.field(validator=check_one_of(Role))
    billing_profile_id: str | None = attrs.field(default=None, validator=_text_or_none)
    invoice_section_id: str | None = attrs.field(default=None, validator=_text_or_none)

    @property
    def assignment(self) -> RoleAssignment:
        """The role assignment this command grants."""
        return RoleAssignment(
            self.principal, self.role, self.billing_profile_id, self.invoice_section_id
        )


def _subscription_ids(values: Iterable[str]) -> tuple[str, ...]:
    ids = tuple_of(values, "subscription ids")
    for value in ids:
        if not isinstance(value, str) or not value.strip():
            raise InvalidCommand(f"a subscription id must be a non-empty string, got {value!r}")
    return ids


@attrs.frozen(kw_only=True)
class ChangePlan(_OnSubscription):
    """Change a subscription to another plan (issue 12): all its licenses, or ``quantity`` of them.

    A new subscription ``new_subscription_id`` (by default ``<subscription_id>/<product_id>``) of
    ``product_id`` takes the licenses and the users assigned to them; with every license moved
    (``quantity`` None or the whole count) the old one is cancelled, its billing stopped that day
    with a prorated credit. ``term`` and ``billing_frequency``: the new subscription's (by default
    the old one's). Whether the catalog allows the path and which traditional add-ons the new plan
    keeps is the catalog's question (:mod:`subcommerce.plan_changes` fills ``addons_kept`` and
    ``addons_included``); every other traditional add-on of the old subscription is cancelled
    with it. ``unit_price``: the new subscription's price per license and billing period, if
    known (an order sets it). ``align_to`` (MCA): another active subscription on the same billing
    profile whose renewal date the new subscription takes; its first term is prorated to it
    (:mod:`subcommerce.alignment`), and its moved add-ons run on that term with it.
    """

    product_id: str = attrs.field(validator=check_text)
    quantity: int | None = attrs.field(default=None, validator=_optional(int))
    new_subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)
    term: Term | None = attrs.field(default=None, validator=_optional(Term))
    billing_frequency: BillingFrequency | None = attrs.field(
        default=None, validator=_optional(BillingFrequency)
    )
    addons_kept: tuple[str, ...] = attrs.field(default=(), converter=_subscription_ids)
    addons_included: tuple[str, ...] = attrs.field(default=(), converter=_subscription_ids)
    order_id: str | None = attrs.field(default=None, validator=_text_or_none)
    unit_price: Money | None = attrs.field(default=None, validator=_optional(Money))
    align_to: str | None = attrs.field(default=None, validator=_text_or_none)

    def __attrs_post_init__(self) -> None:
        count = self.quantity
        if count is not None and (isinstance(count, bool) or count < 1):
            raise InvalidQuantity(f"quantity must be None or a whole number >= 1, got {count!r}")
        if self.term is not None and self.billing_frequency is not None:
            _frequency_fits_term(self.term, self.billing_frequency)

    @property
    def successor_id(self) -> str:
        """The id of the new subscription."""
        return self.new_subscription_id or f"{self.subscription_id}/{self.product_id}"


Command = (
    PurchaseSubscription
    | StartTrial
    | ChangeLicenseQuantity
    | AssignLicenses
    | UnassignLicenses
    | CancelSubscription
    | DeleteSubscription
    | SetRecurringBilling
    | ExtendTrial
    | CompleteCreditCheck
    | Reactivate
    | ChangeBillingFrequency
    | ChangeTerm
    | SetPaymentMethod
    | GrantRole
    | ChangePlan
    | ConvertTrial
    | ScheduleProductChange
)


# -- commands built from parts already checked -------------------------------------------------


def _twin(kind: type) -> type:
    """A writable twin of ``kind``'s slots: a class on ``kind``'s own base with the same slots,
    whose stores are plain slot writes (``object``'s own ``__setattr__`` and ``__delattr__``, so
    that CPython specializes them, where a frozen class's setter costs a call per field) and
    whose ``__init__`` takes nothing. Having the same base and slots, it can be retyped to
    ``kind`` once filled (as ``periods.PeriodSlots`` is to ``Period``)."""
    (base,) = kind.__bases__
    own = kind.__dict__.get("__slots__")
    if own is None:
        raise TypeError(f"{kind.__name__} has no slots of its own: build it with the class")
    scope = {
        "__slots__": own,
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__init__": object.__init__,
        "__module__": kind.__module__,
        "__qualname__": f"{kind.__qualname__}Slots",
    }
    return type(f"{kind.__name__}Slots", (base,), scope)


def _maker(kind: type) -> Callable[..., Any]:
    """A function taking ``kind``'s fields by keyword (with their defaults) that fills them into
    a twin of ``kind`` and retypes it, without ``kind``'s validators or ``__attrs_post_init__``:
    see :func:`prechecked`."""
    fields = attrs.fields(kind)
    # Only a class whose value is its fields as given: a converter or a default factory would be
    # skipped here and the value differ from the class's own (ChangePlan's lists become tuples).
    # Its post-init checks are the caller's to have made, as every validator's.
    if any(f.converter is not None or isinstance(f.default, attrs.Factory) for f in fields):  # type: ignore[arg-type]
        raise TypeError(f"{kind.__name__} converts its fields: build it with the class")
    scope: dict[str, Any] = {"twin": _twin(kind), "kind": kind}
    params = []
    for field in fields:
        if field.default is attrs.NOTHING:
            params.append(field.name)
        else:
            scope[f"default_{field.name}"] = field.default
            params.append(f"{field.name}=default_{field.name}")
    body = "".join(f"    made.{f.name} = {f.name}\n" for f in fields)
    source = (
        f"def make(*, {', '.join(params)}):\n    made = twin()\n{body}"
        "    made.__class__ = kind\n    return made\n"
    )
    exec(source, scope)  # generated from the class's own field names, nothing from outside
    make: Callable[..., Any] = scope["make"]
    return make


_MAKERS: Final[dict[type, Callable[..., Any]]] = {}


def prechecked(kind: type[_C]) -> Callable[..., _C]:
    """A maker of ``kind`` (a command class) for fields every one of which the caller has
    already checked as the class would (the orders engine, from the lines of a checked cart): the
    same value as ``kind(**fields)``, built without checking it again. Anything from outside goes
    through the class itself."""
    make = _MAKERS.get(kind)
    if make is None:
        make = _MAKERS[kind] = _maker(kind)
    return make


# -- the two entry points -----------------------------------------------------------------------


def check(tenant: Tenant, command: Command, policy: Policy = DEFAULT_POLICY) -> tuple[Reason, ...]:
    """Why ``command`` would be refused on ``tenant`` at its as-of date; () if it would go through.

    The tenant is first brought up to the command's date, exactly as :func:`apply` does, so the
    answer is the one :func:`apply` would give.
    """
    expect(tenant, Tenant, "tenant")
    _handler(command)  # InvalidCommand for anything but a command
    expect(policy, Policy, "policy")
    return check_advanced(brought(tenant, command.as_of, policy)[0], command, policy)


def apply(tenant: Tenant, command: Command, policy: Policy = DEFAULT_POLICY) -> Outcome:
    """The tenant after ``command``, and what happened; :class:`Refused` if a rule says no."""
    expect(tenant, Tenant, "tenant")
    _handler(command)  # InvalidCommand for anything but a command
    expect(policy, Policy, "policy")
    current, held = brought(tenant, command.as_of, policy)  # the change's copy takes the date
    return outcome(*applied_on(current, held, command, policy))


def check_advanced(
    current: Tenant, command: Command, policy: Policy = DEFAULT_POLICY
) -> tuple[Reason, ...]:
    """:func:`check` on a tenant already brought up to the command's date by the lifecycle."""
    return tuple(_handler(command).reasons(current, command, policy))


def apply_advanced(advanced: Outcome, command: Command, policy: Policy = DEFAULT_POLICY) -> Outcome:
    """:func:`apply` after the lifecycle: ``advanced`` is the tenant on the command's date and the
    events that bringing it there caused (callers that know a faster way to get there, such as
    the ledger when nothing is due, use this)."""
    after, events = applied(advanced, command, policy)
    return outcome(after, events)


def applied(
    advanced: Outcome, command: Command, policy: Policy = DEFAULT_POLICY
) -> tuple[Tenant, tuple[Event, ...]]:
    """:func:`apply_advanced`'s tenant and events, without the Outcome that holds them (for the
    engine's own loops, which read both at once): :class:`Refused` if a rule says no."""
    return applied_on(advanced.tenant, advanced.events, command, policy)


def applied_on(
    tenant: Tenant, held: tuple[Event, ...], command: Command, policy: Policy = DEFAULT_POLICY
) -> tuple[Tenant, tuple[Event, ...]]:
    """:func:`applied` of ``Outcome(tenant, held)``, for ``tenant`` and ``held`` as
    :func:`~subcommerce.lifecycle.brought` gives them: the tenant on the command's day but
    perhaps not dated to it yet (nothing was due). No rule reads the tenant's date and every
    change keeps it, so the tenant after the change is dated then, in the copy the change makes
    (a license change, :func:`~subcommerce.subscriptions.same_dates`) or in one more: the same
    tenant and events as :func:`applied` of the dated tenant."""
    handler = _HANDLER_OF.get(type(command)) or _handler(command)  # one look, no call
    both = handler.both
    if both is not None:  # the reasons, then the change, from what both look up (once)
        after, events = both(tenant, command, policy)
    else:
        reasons = handler.reasons(tenant, command, policy)
        if reasons:
            raise Refused(reasons)
        after, events = handler.run(tenant, command, policy)
    on = command.as_of
    if after.as_of != on:
        after = dated(after, on)
    return after, (held + tuple(events) if held else tuple(events))


_Reasons = Callable[[Tenant, Any, Policy], list[Reason]]
_Run = Callable[[Tenant, Any, Policy], tuple[Tenant, list[Event]]]


@attrs.frozen
class _Handler:
    """A command's rules (``reasons``) and its change (``run``, once they said yes); ``both``:
    the two in one, for a command whose rules and change look up the same things (refusing
    with the reasons ``reasons`` gives, or changing what ``run`` changes)."""

    reasons: _Reasons
    run: _Run
    both: _Run | None = None


def _handler(command: object) -> _Handler:
    handler = _HANDLER_OF.get(type(command))
    if handler is None:
        raise InvalidCommand(f"not a command: {command!r}")
    return handler


# -- shared questions ---------------------------------------------------------------------------


def _authorize(
    tenant: Tenant, actor: str, action: Action, sub: Subscription | None = None
) -> list[Reason]:
    if sub is None:
        return [*authorize(tenant.account, actor, action)]
    return [
        *authorize(
            tenant.account,
            actor,
            action,
            billing_profile_id=sub.billing_profile_id,
            invoice_section_id=sub.invoice_section_id,
        )
    ]


def _status(sub: Subscription, *allowed: SubscriptionStatus) -> list[Reason]:
    """Reasons the status forbids the change: deleted, a trial, or otherwise not allowed."""
    if sub.status in allowed:
        return []
    if sub.status is _DELETED:
        return [Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=sub.id)]
    if sub.status is _TRIAL:
        return [Reason(ReasonCode.TRIAL, subscription=sub.id)]
    return [Reason(ReasonCode.NOT_ACTIVE, subscription=sub.id, status=sub.status)]


_CHANNEL_CODES = {
    _PREPAID: ReasonCode.PREPAID_PRODUCT_KEY,
    _VOLUME_LICENSING: ReasonCode.VOLUME_LICENSING,
    _CSP: ReasonCode.CLOUD_SOLUTION_PROVIDER,
}


def _channel(sub: Subscription, *, prepaid: bool = False) -> list[Reason]:
    """Subscriptions bought through a partner, VL or a CSP are managed there (prepaid: licenses)."""
    if sub.channel is _DIRECT:
        return []
    if sub.channel is _PREPAID and not prepaid:
        return []
    return [Reason(_CHANNEL_CODES[sub.channel], subscription=sub.id)]


def _end_of_sale(product_id: str, policy: Policy) -> list[Reason]:
    if product_id in policy.end_of_sale:
        return [Reason(ReasonCode.END_OF_SALE, product=product_id)]
    return []


def _window_open_blocks(sub: Subscription, on: date, policy: Policy) -> int:
    return sum(b.quantity for b in sub.license_blocks if policy.window.covers(b.bought, on))


def _closed_window(sub: Subscription, on: date, policy: Policy) -> int:
    """The window, in days, of the newest licenses that can no longer be removed on ``on``:
    the real one of their block (72 hours before 2022-03-12, 7 days since)."""
    for block in reversed(sub.license_blocks):
        if not policy.window.covers(block.bought, on):
            return policy.window.length(block.bought)
    return policy.window.days  # pragma: no cover - a refusal means some block is closed


def _refund(sub: Subscription, on: date, policy: Policy) -> tuple[ProratedLine, ...]:
    """The prorated refund of the billing period holding ``on``, from ``on`` (none unpriced)."""
    if sub.unit_price is None or sub.quantity == 0:
        return ()
    months = sub.billing_frequency.months(sub.term)
    period = period_containing(sub.anchor, months, on)
    charge = prorate(sub.unit_price, sub.quantity, period, convention=policy.proration)
    return (refund_unused(charge, on),)


# -- purchases ----------------------------------------------------------------------------------


def _placement(
    tenant: Tenant,
    payment_method: PaymentMethod | None,
    profile_id: str | None,
    section_id: str | None,
) -> tuple[str | None, str | None, PaymentMethod | None]:
    """Billing profile, invoice section and payment method of a new subscription."""
    account = tenant.account
    if account is None or not account.type.has_profiles:
        if profile_id is not None or section_id is not None:
            raise InvalidCommand("a MOSA purchase has no billing profile or invoice section")
        return None, None, payment_method
    if payment_method is not None:
        raise InvalidCommand(
            "under an MCA the payment method belongs to the billing profile; set it there"
        )
    profile: BillingProfile | None
    if section_id is not None:
        profile = account.section_profile(section_id)
        if profile_id is not None and profile_id != profile.id:
            raise InvalidCommand(
                f"invoice section {section_id!r} belongs to billing profile {profile.id!r}, "
                f"not {profile_id!r}"
            )
    else:
        profile = account.profile(profile_id) if profile_id is not None else account.default_profile
        if profile is None:  # pragma: no cover - an MCA account always has a profile
            raise InvalidCommand(f"account {account.id!r} has no billing profile")
        section_id = profile.default_section.id
    return profile.id, section_id, profile.payment_method


def _new_id(tenant: Tenant, subscription_id: str) -> None:
    if tenant.has(subscription_id):
        raise InvalidCommand(
            f"tenant {tenant.organization!r} already has (or had) a subscription "
            f"{subscription_id!r}; ids are never reused"
        )


def _parent(tenant: Tenant, command: PurchaseSubscription) -> Subscription | None:
    if command.parent_id is None:
        return None
    parent = tenant.subscription(command.parent_id)
    if parent.is_traditional_addon:
        raise InvalidCommand(
            f"{command.parent_id!r} is a traditional add-on and cannot carry add-ons"
        )
    if command.addon_kind is _TRADITIONAL and command.term is not parent.term:
        raise InvalidCommand(
            f"traditional add-on {command.subscription_id!r} runs on its base's term "
            f"({parent.term.value}), not {command.term.value}"
        )
    return parent


def _buying(
    tenant: Tenant, cmd: PurchaseSubscription | StartTrial, policy: Policy
) -> tuple[list[Reason], PaymentMethod | None]:
    """What every purchase, trial or paid, must pass: where it is billed, who may buy there, and
    whether the product is still sold; and the payment method it will use."""
    profile, section, method = _placement(
        tenant, cmd.payment_method, cmd.billing_profile_id, cmd.invoice_section_id
    )
    reasons = [
        *authorize(
            tenant.account,
            cmd.actor,
            _ACT_BUY,
            billing_profile_id=profile,
            invoice_section_id=section,
        )
    ]
    reasons += _end_of_sale(cmd.product_id, policy)
    return reasons, method


def _purchase_reasons(tenant: Tenant, cmd: PurchaseSubscription, policy: Policy) -> list[Reason]:
    _new_id(tenant, cmd.subscription_id)
    parent = _parent(tenant, cmd)
    reasons, method = _buying(tenant, cmd, policy)
    if cmd.channel is _DIRECT and method is None:
        reasons.append(Reason(ReasonCode.NO_PAYMENT_METHOD, subscription=cmd.subscription_id))
    if parent is not None:
        reasons += _status(parent, _ACTIVE)
    if cmd.align_to is not None:
        profile = _placement(
            tenant, cmd.payment_method, cmd.billing_profile_id, cmd.invoice_section_id
        )[0]
        reasons += alignment_reasons(
            tenant,
            cmd.subscription_id,
            cmd.align_to,
            cmd.term,
            profile,
            cmd.as_of,
            policy.alignment_accounts,
        )
    return reasons


def _aligned(tenant: Tenant, target_id: str | None, term: Term, on: date) -> tuple[date, int]:
    """The term anchor and renewals of a subscription of ``term`` from ``on``, aligned to
    ``target_id`` when it is given (its reasons are checked first)."""
    if target_id is None:
        return on, 0
    aligned = aligned_term(tenant.subscription(target_id), term, on)
    if aligned is None:  # pragma: no cover - alignment_reasons refuses it first
        raise InvalidCommand(f"no renewal date of {target_id!r} to align to")
    return aligned.term_anchor, aligned.renewals


#: A purchase's subscription, built from these fields of the checked command (in this order).
_MAKE_PURCHASED: Final = maker(
    "id",
    "product_id",
    "start",
    "quantity",
    "term",
    "billing_frequency",
    "channel",
    "unit",
    "addon_kind",
    "parent_id",
    "term_anchor",
    "renewals",
    "blocks",
    "status_since",
    "credit_check_pending",
    "payment_method",
    "billing_profile_id",
    "invoice_section_id",
    "order_id",
    "unit_price",
    "organization",
)


def _purchase(
    tenant: Tenant, cmd: PurchaseSubscription, policy: Policy
) -> tuple[Tenant, list[Event]]:
    parent = _parent(tenant, cmd)
    profile, section, method = _placement(
        tenant, cmd.payment_method, cmd.billing_profile_id, cmd.invoice_section_id
    )
    # Every field comes from the checked command or the tenant: built without a second check.
    term_now = None
    if cmd.align_to is None:
        anchor = (
            parent.current_term.start
            if parent is not None and cmd.addon_kind is _TRADITIONAL
            else None
        )
        renewals = 0
        if anchor is None:  # its first term, from the purchase day: worked out once, here
            term_now = period_unchecked(cmd.as_of, add_months(cmd.as_of, cmd.term.months))
    else:
        aligned, renewals = _aligned(tenant, cmd.align_to, cmd.term, cmd.as_of)
        anchor = (
            parent.current_term.start
            if parent is not None and cmd.addon_kind is _TRADITIONAL
            else aligned
        )
    sub = _MAKE_PURCHASED(
        cmd.subscription_id,
        cmd.product_id,
        cmd.as_of,
        cmd.quantity,
        cmd.term,
        cmd.billing_frequency,
        cmd.channel,
        cmd.unit,
        cmd.addon_kind,
        cmd.parent_id,
        anchor,
        renewals,
        (license_block(cmd.quantity, cmd.as_of),),  # the command checked both
        cmd.as_of,
        cmd.channel is _DIRECT and method in policy.credit_check_methods,
        cmd.payment_method,
        profile,
        section,
        cmd.order_id or f"{cmd.subscription_id}/order",
        cmd.unit_price,
        tenant.organization,
        term_now,
    )
    tenant = tenant.added(sub)
    event = purchased(
        sub.id,
        cmd.as_of,
        sub.product_id,
        sub.quantity,
        sub.term,
        sub.billing_frequency,
        tenant.invoice_group(sub),
        sub.unit_price,
        sub.addon_kind,
        sub.parent_id,
    )
    return tenant, [event]


def _trial_reasons(tenant: Tenant, cmd: StartTrial, policy: Policy) -> list[Reason]:
    _new_id(tenant, cmd.subscription_id)
    reasons, _ = _buying(tenant, cmd, policy)
    if any(s.product_id == cmd.product_id and s.trial_end is not None for s in tenant):
        reasons.append(Reason(ReasonCode.TRIAL_ALREADY_USED, product=cmd.product_id))
    if cmd.align_to is not None:
        profile = _placement(
            tenant, cmd.payment_method, cmd.billing_profile_id, cmd.invoice_section_id
        )[0]
        reasons += alignment_reasons(
            tenant,
            cmd.subscription_id,
            cmd.align_to,
            cmd.term,
            profile,
            cmd.as_of + timedelta(days=policy.trial.days),
            policy.trial_alignment_accounts,
        )
    return reasons


def _start_trial(tenant: Tenant, cmd: StartTrial, policy: Policy) -> tuple[Tenant, list[Event]]:
    profile, section, _ = _placement(
        tenant, cmd.payment_method, cmd.billing_profile_id, cmd.invoice_section_id
    )
    licenses = policy.trial.licenses
    sub = Subscription(
        id=cmd.subscription_id,
        product_id=cmd.product_id,
        start=cmd.as_of,
        quantity=licenses,
        term=cmd.term,
        billing_frequency=cmd.billing_frequency,
        status=_TRIAL,
        unit=cmd.unit,
        blocks=(LicenseBlock(licenses, cmd.as_of),),
        status_since=cmd.as_of,
        trial_end=cmd.as_of + timedelta(days=policy.trial.days),
        payment_method=cmd.payment_method,
        billing_profile_id=profile,
        invoice_section_id=section,
        order_id=cmd.order_id or f"{cmd.subscription_id}/order",
        unit_price=cmd.unit_price,
        organization=tenant.organization,
        renewal_aligned_to=cmd.align_to,
    )
    tenant = tenant.added(sub)
    event = SubscriptionPurchased(
        subscription_id=sub.id,
        on=cmd.as_of,
        product_id=sub.product_id,
        quantity=licenses,
        term=sub.term,
        billing_frequency=sub.billing_frequency,
        invoice_group=tenant.invoice_group(sub),
        unit_price=sub.unit_price,
        trial=True,
    )
    return tenant, [event]


# -- licenses -----------------------------------------------------------------------------------


def _quantity_reasons(tenant: Tenant, cmd: ChangeLicenseQuantity, policy: Policy) -> list[Reason]:
    return _quantity_reasons_of(tenant, tenant.subscription(cmd.subscription_id), cmd, policy)


def _change_quantity(
    tenant: Tenant, cmd: ChangeLicenseQuantity, policy: Policy
) -> tuple[Tenant, list[Event]]:
    return _quantity_changed(tenant, tenant.subscription(cmd.subscription_id), cmd)


def _apply_quantity(
    tenant: Tenant, cmd: ChangeLicenseQuantity, policy: Policy
) -> tuple[Tenant, list[Event]]:
    """:func:`_quantity_reasons`, then :func:`_change_quantity`, of the subscription looked up
    once."""
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _quantity_reasons_of(tenant, sub, cmd, policy)
    if reasons:
        raise Refused(reasons)
    return _quantity_changed(tenant, sub, cmd)


def _quantity_reasons_of(
    tenant: Tenant, sub: Subscription, cmd: ChangeLicenseQuantity, policy: Policy
) -> list[Reason]:
    reasons = _authorize(tenant, cmd.actor, _ACT_CHANGE_SUBSCRIPTION, sub)
    if sub.status is not _ACTIVE:  # the common case asks no more
        reasons += _status(sub, _ACTIVE)
    if sub.channel is not _DIRECT:
        reasons += _channel(sub, prepaid=True)
    if sub.credit_check_pending:
        reasons.append(Reason(ReasonCode.CREDIT_CHECK_PENDING, subscription=sub.id))
    new = cmd.quantity
    target = sub.renewal_quantity if cmd.at_renewal else sub.quantity
    if new == target:
        reasons.append(Reason(ReasonCode.QUANTITY_UNCHANGED, subscription=sub.id, count=new))
        return reasons
    if new > sub.quantity:
        reasons += _end_of_sale(sub.product_id, policy)
    per_user = sub.unit is _PER_USER
    if cmd.at_renewal:
        if not sub.recurring_billing:
            reasons.append(Reason(ReasonCode.RECURRING_BILLING_OFF, subscription=sub.id))
        if per_user and new < sub.assigned:
            reasons.append(
                Reason(ReasonCode.BELOW_ASSIGNED, subscription=sub.id, count=sub.assigned)
            )
        return reasons
    if new < sub.quantity:
        if per_user and new < sub.assigned:
            reasons.append(
                Reason(ReasonCode.BELOW_ASSIGNED, subscription=sub.id, count=sub.assigned)
            )
        if not sub.recurring_billing:
            reasons.append(Reason(ReasonCode.RECURRING_BILLING_OFF, subscription=sub.id))
        if policy.window_applies(tenant.account_type):
            removable = _window_open_blocks(sub, cmd.as_of, policy)
            if sub.quantity - new > removable:
                reasons.append(
                    Reason(
                        ReasonCode.OUTSIDE_CANCELLATION_WINDOW,
                        subscription=sub.id,
                        window=_closed_window(sub, cmd.as_of, policy),
                        count=removable,
                    )
                )
    return reasons


def _remove_newest(blocks: tuple[LicenseBlock, ...], count: int) -> tuple[LicenseBlock, ...]:
    kept = list(blocks)
    while count:
        last = kept.pop()
        if last.quantity > count:
            kept.append(license_block(last.quantity - count, last.bought))
            count = 0
        else:
            count -= last.quantity
    return tuple(kept)


#: A license change's subscription: more licenses (a new block), or fewer (and fewer assigned).
_REBUILD_ADDED: Final = rebuilder("quantity", "blocks")
_REBUILD_REMOVED: Final = rebuilder("quantity", "blocks", "assigned")


def _quantity_changed(
    tenant: Tenant, sub: Subscription, cmd: ChangeLicenseQuantity
) -> tuple[Tenant, list[Event]]:
    new = cmd.quantity
    if cmd.at_renewal:
        pending = sub.scheduled or ScheduledChange()
        scheduled = attrs.evolve(pending, quantity=None if new == sub.quantity else new)
        kept = None if scheduled == ScheduledChange() else scheduled
        changed = rebuilt(sub, scheduled=kept)
        return tenant.replace(changed), [
            ChangeScheduled(sub.id, cmd.as_of, kept or ScheduledChange())
        ]
    events: list[Event] = []
    on = cmd.as_of
    if sub.scheduled is not None:
        # "If you make a mid-term (immediate) change before your renewal date, all scheduled
        # changes that were previously scheduled to occur at renewal are deleted."
        events.append(ScheduledChangeDropped(sub.id, on, sub.scheduled))
        sub = rebuilt(sub, scheduled=None)
    quantity = sub.quantity
    events.append(licenses_changed(sub.id, on, quantity, new))
    held = sub.blocks or sub.license_blocks  # the property only when no blocks are kept
    if new > quantity:
        blocks = (*held, license_block(new - quantity, on))
        # Users who lost their license at a renewal get the new free licenses first.
        over = sub.over_assigned
        absorbed = over and min(over, max(new - sub.assigned, 0))
        if not absorbed:  # no over-assignment ends: the lifecycle sees it on the same days
            return same_dates(tenant, _REBUILD_ADDED(sub, new, blocks), on), events
        left = over - absorbed
        changed = rebuilt(
            sub,
            quantity=new,
            blocks=blocks,
            assigned=sub.assigned + absorbed,
            over_assigned=left,
            over_assigned_until=sub.over_assigned_until if left else None,
        )
        events.append(LicensesAssigned(sub.id, on, sub.assigned, changed.assigned))
        if not left:
            events.append(OverAssignmentEnded(sub.id, on, 0))
        return tenant.replace(changed), events
    blocks = _remove_newest(held, quantity - new)
    assigned = min(sub.assigned, new)  # capacity shrinks at once; per-user never gets here
    if assigned != sub.assigned:
        events.append(LicensesAssigned(sub.id, on, sub.assigned, assigned))
    # No over-assignment ends: the lifecycle sees the subscription on the same days.
    return same_dates(tenant, _REBUILD_REMOVED(sub, new, blocks, assigned), on), events


def _assign_reasons(tenant: Tenant, cmd: AssignLicenses, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _authorize(tenant, cmd.actor, _ACT_ASSIGN_LICENSES, sub)
    # Expired: "Admins can access the admin center"; only Disabled adds "but can't assign
    # licenses to users" (what-if-my-subscription-expires).
    reasons += _status(sub, _ACTIVE, _TRIAL, _EXPIRED)
    if sub.credit_check_pending and policy.credit_check_blocks_assignment:
        # Seed 004: paying by invoice, "you may have to wait for the credit check before the new
        # licenses are available and usable".
        completes = policy.credit_check_completes(sub)
        reasons.append(
            Reason(ReasonCode.LICENSES_NOT_USABLE_YET, subscription=sub.id, on=completes)
        )
    if cmd.count > sub.free:
        reasons.append(Reason(ReasonCode.NOT_ENOUGH_LICENSES, subscription=sub.id, count=sub.free))
    return reasons


def _assign(tenant: Tenant, cmd: AssignLicenses, policy: Policy) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    changed = evolved(sub, assigned=sub.assigned + cmd.count)
    return tenant.replace(changed), [
        LicensesAssigned(sub.id, cmd.as_of, sub.assigned, changed.assigned)
    ]


def _unassign_reasons(tenant: Tenant, cmd: UnassignLicenses, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _authorize(tenant, cmd.actor, _ACT_ASSIGN_LICENSES, sub)
    if sub.status is _DELETED:
        reasons.append(Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=sub.id))
    if cmd.count > sub.assigned:
        reasons.append(Reason(ReasonCode.NOT_ASSIGNED, subscription=sub.id, count=sub.assigned))
    return reasons


def _unassign(tenant: Tenant, cmd: UnassignLicenses, policy: Policy) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    changed = evolved(sub, assigned=sub.assigned - cmd.count)
    return tenant.replace(changed), [
        LicensesAssigned(sub.id, cmd.as_of, sub.assigned, changed.assigned)
    ]


# -- cancellation and recurring billing ---------------------------------------------------------


def _in_window(sub: Subscription, on: date, policy: Policy) -> bool:
    return policy.window.covers(window_start(sub), on)


def _cancel_reasons(
    tenant: Tenant, cmd: CancelSubscription | DeleteSubscription, policy: Policy
) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    support = cmd.actor == MICROSOFT
    action = _ACT_SUPPORT_CANCEL if support else _ACT_CHANGE_SUBSCRIPTION
    reasons = _authorize(tenant, cmd.actor, action, sub)
    if sub.status is _TRIAL:
        if not _trial_cancellable(tenant, policy):
            reasons.append(Reason(ReasonCode.TRIAL_CANCELLATION, subscription=sub.id))
    else:
        reasons += _status(sub, _ACTIVE)
    if support:
        return reasons
    if sub.is_traditional_addon:
        reasons.append(Reason(ReasonCode.TRADITIONAL_ADDON_REMOVAL, subscription=sub.id))
    elif (
        sub.addon_kind is _STANDALONE
        and policy.addon_cancellation_from is not None
        and cmd.as_of < policy.addon_cancellation_from
    ):
        reasons.append(
            Reason(
                ReasonCode.ADDON_SUBSCRIPTION_NOT_CANCELLABLE,
                subscription=sub.id,
                on=policy.addon_cancellation_from,
            )
        )
    reasons += _channel(sub)
    if policy.window_applies(tenant.account_type):
        if sub.status is _ACTIVE and not _in_window(sub, cmd.as_of, policy):
            start = window_start(sub)
            reasons.append(
                Reason(
                    ReasonCode.OUTSIDE_CANCELLATION_WINDOW,
                    subscription=sub.id,
                    window=policy.window.length(start),
                    on=policy.window.closes(start),
                )
            )
    elif policy.online_cancel.exceeded(sub):
        rule = policy.online_cancel
        if rule.reduce_first:
            reasons.append(
                Reason(
                    ReasonCode.CANCEL_NEEDS_FEWER_LICENSES, subscription=sub.id, limit=rule.limit
                )
            )
        else:
            reasons.append(
                Reason(
                    ReasonCode.CANCEL_NEEDS_SUPPORT,
                    subscription=sub.id,
                    count=rule.counted(sub),
                    limit=rule.limit,
                )
            )
    return reasons


def _cancel(
    tenant: Tenant,
    cmd: CancelSubscription | DeleteSubscription,
    policy: Policy,
    status: SubscriptionStatus = _DISABLED,
    cause: StatusCause = StatusCause.CANCELLED,
) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    on = cmd.as_of
    refunds = not policy.window_applies(tenant.account_type) or _in_window(sub, on, policy)
    if sub.status is _TRIAL:
        # Nothing was charged; a cancelled trial takes an unconverted trial's way out: Expired,
        # its data deleted after the trial's grace (docs/rules.md, issue 12).
        refunds = False
        if status is _DISABLED:
            status = _EXPIRED
    children = [c for c in tenant.traditional_addons_of(sub.id) if c.status.is_active]
    events: list[Event] = []
    for s in (sub, *children):
        if s.scheduled is not None:
            events.append(ScheduledChangeDropped(s.id, on, s.scheduled))
    events.append(
        SubscriptionCancelled(sub.id, on, sub.quantity, _refund(sub, on, policy) if refunds else ())
    )
    for child in children:
        refund = _refund(child, on, policy) if refunds else ()
        events.append(SubscriptionCancelled(child.id, on, child.quantity, refund, sub.id))
    stopped = evolved(sub, recurring_billing=False)
    tenant, changed = set_status(
        tenant.replace(stopped),
        stopped,
        status,
        on,
        cause,
        child_cause=StatusCause.CANCELLED_WITH_PARENT,
    )
    return tenant, events + changed


def _delete_reasons(tenant: Tenant, cmd: DeleteSubscription, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    if sub.status is _ACTIVE or sub.status is _TRIAL:
        return _cancel_reasons(tenant, cmd, policy)
    support = cmd.actor == MICROSOFT
    action = _ACT_SUPPORT_CANCEL if support else _ACT_CHANGE_SUBSCRIPTION
    reasons = _authorize(tenant, cmd.actor, action, sub)
    reasons += _status(sub, _EXPIRED, _DISABLED)
    if support or sub.status is _DELETED:
        return reasons
    if sub.is_traditional_addon:
        reasons.append(Reason(ReasonCode.TRADITIONAL_ADDON_REMOVAL, subscription=sub.id))
    return reasons + _channel(sub)


def _delete(tenant: Tenant, cmd: DeleteSubscription, policy: Policy) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    if sub.status is _ACTIVE:
        return _cancel(tenant, cmd, policy, _DELETED, StatusCause.DELETED)
    return set_status(
        tenant, sub, _DELETED, cmd.as_of, StatusCause.DELETED,
        child_cause=StatusCause.CANCELLED_WITH_PARENT,
    )  # fmt: skip


def _recurring_reasons(tenant: Tenant, cmd: SetRecurringBilling, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _authorize(tenant, cmd.actor, _ACT_CHANGE_SUBSCRIPTION, sub)
    reasons += _status(sub, _ACTIVE, _TRIAL)
    reasons += _channel(sub)
    if sub.is_traditional_addon:
        if cmd.recurring_billing:
            reasons.append(
                Reason(ReasonCode.MANAGED_WITH_PARENT, subscription=sub.id, parent=sub.parent_id)
            )
        else:
            reasons.append(Reason(ReasonCode.TRADITIONAL_ADDON_REMOVAL, subscription=sub.id))
    if sub.recurring_billing is cmd.recurring_billing:
        reasons.append(
            Reason(
                ReasonCode.NO_CHANGE, subscription=sub.id, recurring_billing=cmd.recurring_billing
            )
        )
    return reasons


def _set_recurring(
    tenant: Tenant, cmd: SetRecurringBilling, policy: Policy
) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    events: list[Event] = []
    followers = [c for c in tenant.traditional_addons_of(sub.id) if c.status is not _DELETED]
    for s in (sub, *followers):
        if not cmd.recurring_billing and s.scheduled is not None:
            events.append(ScheduledChangeDropped(s.id, cmd.as_of, s.scheduled))
            changed = evolved(s, recurring_billing=cmd.recurring_billing, scheduled=None)
        else:
            changed = evolved(s, recurring_billing=cmd.recurring_billing)
        if s.recurring_billing is not cmd.recurring_billing:
            events.append(RecurringBillingChanged(s.id, cmd.as_of, cmd.recurring_billing))
        tenant = tenant.replace(changed)
    return tenant, events


# -- trials, credit checks, reactivation --------------------------------------------------------


def _extend_reasons(tenant: Tenant, cmd: ExtendTrial, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _authorize(tenant, cmd.actor, _ACT_CHANGE_SUBSCRIPTION, sub)
    if sub.status is _DELETED:
        return [*reasons, Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=sub.id)]
    code = ReasonCode.TRIAL_EXTENSION_NOT_ALLOWED
    if sub.status is not _TRIAL:
        return [*reasons, Reason(code, subscription=sub.id, status=sub.status)]
    if sub.trial_extensions >= policy.trial.max_extensions:
        reasons.append(Reason(code, subscription=sub.id, limit=policy.trial.max_extensions))
    end = trial_end(sub, policy)
    opens = end - timedelta(days=policy.trial.extension_within_days)
    if cmd.as_of < opens:
        reasons.append(
            Reason(
                code,
                subscription=sub.id,
                window=policy.trial.extension_within_days,
                on=opens,
            )
        )
    return reasons


def _extend(tenant: Tenant, cmd: ExtendTrial, policy: Policy) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    end = trial_end(sub, policy) + timedelta(days=policy.trial.extension_days)
    changed = evolved(sub, trial_end=end, trial_extensions=sub.trial_extensions + 1)
    return tenant.replace(changed), [TrialExtended(sub.id, cmd.as_of, end)]


def _credit_reasons(tenant: Tenant, cmd: CompleteCreditCheck, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _authorize(tenant, cmd.actor, _ACT_COMPLETE_CREDIT_CHECK, sub)
    if sub.status is _DELETED:
        reasons.append(Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=sub.id))
    if not sub.credit_check_pending:
        reasons.append(
            Reason(ReasonCode.NO_CHANGE, subscription=sub.id, credit_check_pending=False)
        )
    return reasons


def _complete_credit(
    tenant: Tenant, cmd: CompleteCreditCheck, policy: Policy
) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    changed = evolved(sub, credit_check_pending=False)
    return tenant.replace(changed), [CreditCheckCompleted(sub.id, cmd.as_of)]


def _reactivate_reasons(tenant: Tenant, cmd: Reactivate, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _authorize(tenant, cmd.actor, _ACT_CHANGE_SUBSCRIPTION, sub)
    if sub.status is _DELETED:
        return [*reasons, Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=sub.id)]
    if sub.status not in (_EXPIRED, _DISABLED):
        reasons.append(Reason(ReasonCode.NOT_REACTIVATABLE, subscription=sub.id, status=sub.status))
    elif (sub.channel, sub.status) in policy.not_reactivatable:
        reasons.append(
            Reason(
                ReasonCode.NOT_REACTIVATABLE,
                subscription=sub.id,
                channel=sub.channel,
                status=sub.status,
            )
        )
    reasons += _channel(sub)
    if follows_parent(tenant, sub):
        reasons.append(
            Reason(ReasonCode.MANAGED_WITH_PARENT, subscription=sub.id, parent=sub.parent_id)
        )
    reasons += _end_of_sale(sub.product_id, policy)
    if sub.channel is _DIRECT and tenant.payment_method_of(sub) is None:
        reasons.append(Reason(ReasonCode.NO_PAYMENT_METHOD, subscription=sub.id))
    if _creates_new(tenant, policy):
        if sub.reactivated_as is not None:
            reasons.append(
                Reason(
                    ReasonCode.ALREADY_REACTIVATED,
                    subscription=sub.id,
                    successor=sub.reactivated_as,
                )
            )
        else:
            _new_id(tenant, cmd.successor_id)
    return reasons


def _creates_new(tenant: Tenant, policy: Policy) -> bool:
    """True when a reactivation in ``tenant`` creates a new subscription (MCA)."""
    return tenant.account_type in policy.reactivation_creates_new


def _restart(sub: Subscription, on: date, anchor: date, term: Term) -> Subscription:
    return evolved(
        sub,
        status=_ACTIVE,
        status_since=on,
        recurring_billing=True,
        term=term,
        term_anchor=anchor,
        renewals=0,
        blocks=(LicenseBlock(sub.quantity, on),) if sub.quantity else (),
        scheduled=None,
    )


def _reactivate(tenant: Tenant, cmd: Reactivate, policy: Policy) -> tuple[Tenant, list[Event]]:
    if _creates_new(tenant, policy):
        return _reactivate_as_new(tenant, cmd)
    sub = tenant.subscription(cmd.subscription_id)
    on = cmd.as_of
    back = _restart(sub, on, on, sub.term)
    events: list[Event] = [
        StatusChanged(sub.id, on, sub.status, _ACTIVE, StatusCause.REACTIVATED),
        Reactivated(sub.id, on, back.current_term, back.quantity),
    ]
    tenant = tenant.replace(back)
    for child in tenant.traditional_addons_of(sub.id):
        if child.status not in (_EXPIRED, _DISABLED):
            continue
        child_back = _restart(child, on, on, back.term)
        tenant = tenant.replace(child_back)
        events.append(
            StatusChanged(child.id, on, child.status, _ACTIVE, StatusCause.FOLLOWS_PARENT)
        )
        events.append(Reactivated(child.id, on, child_back.current_term, child_back.quantity))
    return tenant, events


def _reactivate_as_new(tenant: Tenant, cmd: Reactivate) -> tuple[Tenant, list[Event]]:
    """MCA: a new subscription with the old one's commitment term, from the day of reactivation
    (its traditional add-ons come back as new ones on it too); the old ones keep their status."""
    sub = tenant.subscription(cmd.subscription_id)
    on = cmd.as_of
    new_id = cmd.successor_id
    events: list[Event] = []
    for old, sid, parent in (
        (sub, new_id, None),
        *(
            (c, f"{new_id}/{c.id}", new_id)
            for c in tenant.traditional_addons_of(sub.id)
            if c.status in (_EXPIRED, _DISABLED)
        ),
    ):
        new = evolved(
            _restart(old, on, on, sub.term),
            id=sid,
            start=on,
            term_anchor=None,
            parent_id=parent if parent is not None else old.parent_id,
            assigned=0,
            over_assigned=0,
            over_assigned_until=None,
            trial_end=None,
            trial_extensions=0,
            credit_check_pending=False,
            order_id=f"{sid}/order",
        )
        tenant = tenant.replace(evolved(old, reactivated_as=sid)).added(new)
        events.append(
            SubscriptionPurchased(
                subscription_id=sid,
                on=on,
                product_id=new.product_id,
                quantity=new.quantity,
                term=new.term,
                billing_frequency=new.billing_frequency,
                invoice_group=tenant.invoice_group(new),
                unit_price=new.unit_price,
                addon_kind=new.addon_kind,
                parent_id=new.parent_id,
            )
        )
        events.append(Reactivated(old.id, on, new.current_term, new.quantity, sid))
    return tenant, events


# -- changes at renewal -------------------------------------------------------------------------


def _renewal_change_reasons(
    tenant: Tenant, sub: Subscription, actor: str, action: Action
) -> list[Reason]:
    reasons = _authorize(tenant, actor, action, sub)
    reasons += _status(sub, _ACTIVE)
    reasons += _channel(sub)
    if not sub.recurring_billing and sub.status is _ACTIVE:
        reasons.append(Reason(ReasonCode.RECURRING_BILLING_OFF, subscription=sub.id))
    return reasons


def _frequency_reasons(tenant: Tenant, cmd: ChangeBillingFrequency, policy: Policy) -> list[Reason]:
    if cmd.at_next_cycle:
        return _cycle_reasons(tenant, cmd, policy)
    sub = tenant.subscription(cmd.subscription_id)
    pending = sub.scheduled or ScheduledChange()
    _frequency_fits_term(pending.term or sub.term, cmd.billing_frequency)
    reasons = _renewal_change_reasons(tenant, sub, cmd.actor, _ACT_CHANGE_BILLING_FREQUENCY)
    if cmd.billing_frequency is (pending.billing_frequency or sub.billing_frequency):
        reasons.append(
            Reason(
                ReasonCode.NO_CHANGE,
                subscription=sub.id,
                billing_frequency=cmd.billing_frequency,
            )
        )
    return reasons


def _schedule(
    tenant: Tenant, sub: Subscription, change: ScheduledChange, on: date
) -> tuple[Tenant, list[Event]]:
    merged = (sub.scheduled or ScheduledChange()).merged(change)
    # A field scheduled back to today's value is no change at all.
    if merged.term is sub.term:
        merged = attrs.evolve(merged, term=None)
    if merged.billing_frequency is sub.billing_frequency:
        merged = attrs.evolve(merged, billing_frequency=None)
    if merged.product_id == sub.product_id:
        merged = attrs.evolve(merged, product_id=None)
    kept = None if merged == ScheduledChange() else merged
    return tenant.replace(evolved(sub, scheduled=kept)), [ChangeScheduled(sub.id, on, merged)]


def _change_frequency(
    tenant: Tenant, cmd: ChangeBillingFrequency, policy: Policy
) -> tuple[Tenant, list[Event]]:
    if cmd.at_next_cycle:
        return _change_cycle(tenant, cmd, policy)
    sub = tenant.subscription(cmd.subscription_id)
    return _schedule(
        tenant, sub, ScheduledChange(billing_frequency=cmd.billing_frequency), cmd.as_of
    )


def _term_reasons(tenant: Tenant, cmd: ChangeTerm, policy: Policy) -> list[Reason]:
    if cmd.immediately:
        return _term_now_reasons(tenant, cmd, policy)
    sub = tenant.subscription(cmd.subscription_id)
    pending = sub.scheduled or ScheduledChange()
    _frequency_fits_term(cmd.term, pending.billing_frequency or sub.billing_frequency)
    reasons = _renewal_change_reasons(tenant, sub, cmd.actor, _ACT_CHANGE_SUBSCRIPTION)
    if follows_parent(tenant, sub):
        reasons.append(
            Reason(ReasonCode.MANAGED_WITH_PARENT, subscription=sub.id, parent=sub.parent_id)
        )
    if cmd.term is (pending.term or sub.term):
        reasons.append(Reason(ReasonCode.NO_CHANGE, subscription=sub.id, term=cmd.term))
    elif cmd.term.months < sub.term.months:
        reasons.append(
            Reason(
                ReasonCode.TERM_NOT_LONGER,
                subscription=sub.id,
                term=sub.term,
                to_term=cmd.term,
            )
        )
    return reasons


def _change_term(tenant: Tenant, cmd: ChangeTerm, policy: Policy) -> tuple[Tenant, list[Event]]:
    if cmd.immediately:
        return _change_term_now(tenant, cmd, policy)
    sub = tenant.subscription(cmd.subscription_id)
    return _schedule(tenant, sub, ScheduledChange(term=cmd.term), cmd.as_of)


# -- change of plan -----------------------------------------------------------------------------


def _partial_change_allowed(tenant: Tenant) -> bool:
    """True when a change of plan may move some of the licenses only: MCA (and MPA) accounts,
    where "you can ... move some users to a new plan by entering the number of licenses"
    (upgrade-to-different-plan); a MOSA change moves every user."""
    account = tenant.account
    return account is not None and account.type.has_profiles


def _keeps_term_end(tenant: Tenant, sub: Subscription, term: Term) -> bool:
    """True when the new subscription of a change of plan keeps the old one's term end: under
    MCA and new commerce, on the same term (the new subscription takes the old one's "term,
    billing frequency and end-date"); otherwise its term starts on the day of the change."""
    return _partial_change_allowed(tenant) and term is sub.term


def _follow(addon: Subscription, base: Subscription, kept_end: bool) -> Subscription:
    """A traditional add-on moved to the new subscription of a change of plan: it runs on its
    base's term, so it starts the new term with it unless the term end is kept."""
    if kept_end:
        return evolved(addon, parent_id=base.id)
    return evolved(
        addon,
        parent_id=base.id,
        term=base.term,
        term_anchor=base.anchor,  # the base's term grid (an aligned base's too)
        renewals=base.renewals,
        blocks=addon.license_blocks,
    )


def _plan_change_parts(
    tenant: Tenant, cmd: ChangePlan
) -> tuple[Subscription, Term, BillingFrequency, int]:
    sub = tenant.subscription(cmd.subscription_id)
    if sub.is_addon:
        raise InvalidCommand(f"{sub.id!r} is an add-on; only a plan's subscription changes plan")
    _new_id(tenant, cmd.successor_id)
    term = cmd.term or sub.term
    frequency = cmd.billing_frequency or sub.billing_frequency
    _frequency_fits_term(term, frequency)
    moved = sub.quantity if cmd.quantity is None else cmd.quantity
    # addons_kept / addons_included name the old subscription's own traditional add-ons, each
    # once (plan_changes.prepare_plan_change fills them); anything else is refused, not ignored.
    children = {child.id for child in tenant.traditional_addons_of(sub.id)}
    for name in ("addons_kept", "addons_included"):
        strangers = [i for i in getattr(cmd, name) if i not in children]
        if strangers:
            raise InvalidCommand(
                f"{name} names {', '.join(map(repr, strangers))}, not a traditional add-on "
                f"of {sub.id!r}"
            )
    both = sorted(set(cmd.addons_kept) & set(cmd.addons_included))
    if both:
        raise InvalidCommand(
            f"{', '.join(map(repr, both))} cannot be both kept and included by the new plan"
        )
    if cmd.align_to == sub.id and moved >= sub.quantity:
        raise InvalidCommand(
            f"a full change of plan cancels {sub.id!r}: it cannot take {sub.id!r}'s renewal date "
            "(a partial change can)"
        )
    return sub, term, frequency, moved


def _plan_change_reasons(tenant: Tenant, cmd: ChangePlan, policy: Policy) -> list[Reason]:
    sub, _, _, moved = _plan_change_parts(tenant, cmd)
    reasons = _authorize(tenant, cmd.actor, _ACT_CHANGE_SUBSCRIPTION, sub)
    if not reasons:
        reasons = _authorize(tenant, cmd.actor, _ACT_BUY, sub)
    reasons += _status(sub, _ACTIVE)
    reasons += _channel(sub, prepaid=True)
    if sub.credit_check_pending:
        reasons.append(Reason(ReasonCode.CREDIT_CHECK_PENDING, subscription=sub.id))
    if sub.over_assigned:
        reasons.append(
            Reason(ReasonCode.LICENSES_OVER_ASSIGNED, subscription=sub.id, count=sub.over_assigned)
        )
    if cmd.product_id == sub.product_id:
        reasons.append(
            Reason(ReasonCode.PLAN_CHANGE_NOT_ELIGIBLE, subscription=sub.id, product=cmd.product_id)
        )
    if moved > sub.quantity or sub.quantity == 0:
        reasons.append(
            Reason(
                ReasonCode.PLAN_CHANGE_QUANTITY,
                subscription=sub.id,
                count=moved,
                limit=sub.quantity,
            )
        )
    elif moved < sub.quantity and not _partial_change_allowed(tenant):
        reasons.append(
            Reason(
                ReasonCode.PARTIAL_PLAN_CHANGE_NOT_ALLOWED,
                subscription=sub.id,
                account_type=tenant.account_type or "mosa",
            )
        )
    if not _partial_change_allowed(tenant):
        twins = [
            s.id
            for s in tenant
            if s.id != sub.id
            and s.product_id == sub.product_id
            and not s.is_addon
            and s.status.is_active
        ]
        if twins:
            reasons.append(
                Reason(
                    ReasonCode.PLAN_HELD_TWICE,
                    subscription=sub.id,
                    product=sub.product_id,
                    subscriptions=twins,
                )
            )
    reasons += _end_of_sale(cmd.product_id, policy)
    if cmd.align_to is not None:
        reasons += alignment_reasons(
            tenant,
            cmd.successor_id,
            cmd.align_to,
            cmd.term or sub.term,
            sub.billing_profile_id,
            cmd.as_of,
            policy.alignment_accounts,
        )
    return reasons


def _change_plan(tenant: Tenant, cmd: ChangePlan, policy: Policy) -> tuple[Tenant, list[Event]]:
    sub, term, frequency, moved = _plan_change_parts(tenant, cmd)
    on = cmd.as_of
    full = moved == sub.quantity
    events: list[Event] = []
    if sub.scheduled is not None:
        # A mid-term change drops the changes scheduled for the renewal.
        events.append(ScheduledChangeDropped(sub.id, on, sub.scheduled))
    assigned = min(sub.assigned, moved)
    new_id = cmd.successor_id
    # Aligned to another subscription's renewal date, or keeping the old term's end, or anew.
    kept_end = cmd.align_to is None and _keeps_term_end(tenant, sub, term)
    anchor, renewals = _aligned(tenant, cmd.align_to, term, on)
    new = Subscription(
        id=new_id,
        product_id=cmd.product_id,
        start=on,
        quantity=moved,
        term=term,
        billing_frequency=frequency,
        assigned=assigned,
        channel=sub.channel,
        unit=sub.unit,
        term_anchor=(
            sub.current_term.start if kept_end else anchor if cmd.align_to is not None else None
        ),
        renewals=renewals,
        blocks=(LicenseBlock(moved, on),),
        status_since=on,
        payment_method=sub.payment_method,
        billing_profile_id=sub.billing_profile_id,
        invoice_section_id=sub.invoice_section_id,
        order_id=cmd.order_id or f"{new_id}/order",
        unit_price=cmd.unit_price,
        organization=tenant.organization,
    )
    moved_addons: list[str] = []
    cancelled: list[str] = []
    dropped: list[str] = []
    if full:
        for child in tenant.traditional_addons_of(sub.id):
            if not child.status.is_active:
                continue
            if child.id in cmd.addons_included:
                dropped.append(child.id)
            elif child.id in cmd.addons_kept:
                moved_addons.append(child.id)
            else:
                cancelled.append(child.id)
    tenant = tenant.added(new)
    tenant = tenant.replace(*(_follow(tenant.subscription(c), new, kept_end) for c in moved_addons))
    if full:
        old = evolved(sub, recurring_billing=False, scheduled=None, assigned=0)
    else:
        old = evolved(
            sub,
            quantity=sub.quantity - moved,
            blocks=_remove_newest(sub.license_blocks, moved),
            assigned=sub.assigned - assigned,
            scheduled=None,
        )
    tenant = tenant.replace(old)
    events.append(
        PlanChanged(
            subscription_id=sub.id,
            on=on,
            new_subscription_id=new_id,
            from_product=sub.product_id,
            to_product=cmd.product_id,
            quantity=moved,
            assigned=assigned,
            full=full,
            term=term,
            billing_frequency=frequency,
            invoice_group=tenant.invoice_group(new),
            unit_price=cmd.unit_price,
            addons_moved=tuple(moved_addons),
            addons_cancelled=tuple(cancelled),
            addons_dropped=tuple(dropped),
            addons_rebased=bool(moved_addons) and not kept_end,
        )
    )
    if full:
        tenant, changed = set_status(
            tenant,
            old,
            _DISABLED,
            on,
            StatusCause.PLAN_CHANGED,
            child_cause=StatusCause.CANCELLED_WITH_PARENT,
        )
        events += changed
    return tenant, events


def _product_reasons(tenant: Tenant, cmd: ScheduleProductChange, policy: Policy) -> list[Reason]:
    """The commands' half of a product change at renewal; the catalog's half (is it a product
    this one may move to?) is :func:`subcommerce.billing_plans.product_change_reasons`."""
    sub = tenant.subscription(cmd.subscription_id)
    reasons = _renewal_change_reasons(tenant, sub, cmd.actor, _ACT_CHANGE_SUBSCRIPTION)
    if follows_parent(tenant, sub):
        reasons.append(
            Reason(ReasonCode.MANAGED_WITH_PARENT, subscription=sub.id, parent=sub.parent_id)
        )
    pending = (sub.scheduled or ScheduledChange()).product_id or sub.product_id
    if cmd.product_id == pending:
        reasons.append(Reason(ReasonCode.NO_CHANGE, subscription=sub.id, product=cmd.product_id))
    return reasons + _end_of_sale(cmd.product_id, policy)


def _change_product(
    tenant: Tenant, cmd: ScheduleProductChange, policy: Policy
) -> tuple[Tenant, list[Event]]:
    sub = tenant.subscription(cmd.subscription_id)
    return _schedule(tenant, sub, ScheduledChange(product_id=cmd.product_id), cmd.as_of)


# -- mid-term changes of the billing plan (issue 12) -------------------------------------------


def _mid_term_common(tenant: Tenant, sub: Subscription, actor: str, action: Action) -> list[Reason]:
    reasons = _authorize(tenant, actor, action, sub)
    reasons += _status(sub, _ACTIVE)
    reasons += _channel(sub)
    if follows_parent(tenant, sub):
        reasons.append(
            Reason(ReasonCode.MANAGED_WITH_PARENT, subscription=sub.id, parent=sub.parent_id)
        )
    return reasons


def _term_now_reasons(tenant: Tenant, cmd: ChangeTerm, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    frequency = cmd.billing_frequency or sub.billing_frequency
    _frequency_fits_term(cmd.term, frequency)
    reasons = _mid_term_common(tenant, sub, cmd.actor, _ACT_CHANGE_SUBSCRIPTION)
    if frequency is not sub.billing_frequency:
        for reason in _authorize(tenant, cmd.actor, _ACT_CHANGE_BILLING_FREQUENCY, sub):
            if reason not in reasons:
                reasons.append(reason)
    if cmd.term is sub.term:
        reasons.append(Reason(ReasonCode.NO_CHANGE, subscription=sub.id, term=cmd.term))
    elif cmd.term.months < sub.term.months:
        reasons.append(
            Reason(
                ReasonCode.TERM_NOT_LONGER,
                subscription=sub.id,
                term=sub.term,
                to_term=cmd.term,
            )
        )
    return reasons


def _rescaled(price: Money | None, before: int, after: int) -> Money | None:
    """A locked price per billing period of ``before`` months, per period of ``after`` months
    (None when it cannot be said exactly in decimals: the catalog prices it then)."""
    if price is None or before == after:
        return price
    numerator, denominator = price.amount.as_integer_ratio()
    numerator, denominator = numerator * after, denominator * before
    exponent = price.currency.exponent
    scaled, rest = divmod(numerator * 10**exponent, denominator)
    return None if rest else money_from_units(scaled, price.currency)


def _restarted(
    sub: Subscription, on: date, term: Term, frequency: BillingFrequency
) -> Subscription:
    """``sub`` on a new ``term`` from ``on``: a fresh term (and license window), nothing pending."""
    before = sub.billing_frequency.months(sub.term)
    return evolved(
        sub,
        term=term,
        billing_frequency=frequency,
        term_anchor=on,
        renewals=0,
        blocks=(LicenseBlock(sub.quantity, on),) if sub.quantity else (),
        scheduled=None,
        billing_cycle_change=None,
        unit_price=_rescaled(sub.unit_price, before, frequency.months(term)),
    )


def _change_term_now(tenant: Tenant, cmd: ChangeTerm, policy: Policy) -> tuple[Tenant, list[Event]]:
    """ "Move to a longer term duration mid-term": the new term from today; the book credits what
    the old term charged for the days after today, then bills the new term."""
    sub = tenant.subscription(cmd.subscription_id)
    on = cmd.as_of
    frequency = cmd.billing_frequency or sub.billing_frequency
    events: list[Event] = []
    followers = [c for c in tenant.traditional_addons_of(sub.id) if c.status is _ACTIVE]
    for s, billed in ((sub, frequency), *((c, c.billing_frequency) for c in followers)):
        if s.scheduled is not None:
            # "If you make a mid-term (immediate) change before your renewal date, all scheduled
            # changes that were previously scheduled to occur at renewal are deleted."
            events.append(ScheduledChangeDropped(s.id, on, s.scheduled))
        changed = _restarted(s, on, cmd.term, billed)
        events.append(TermChanged(s.id, on, s.term, cmd.term, changed.current_term, billed))
        tenant = tenant.replace(changed)
    return tenant, events


def _cycle_reasons(tenant: Tenant, cmd: ChangeBillingFrequency, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    _frequency_fits_term(sub.term, cmd.billing_frequency)
    reasons = _mid_term_common(tenant, sub, cmd.actor, _ACT_CHANGE_BILLING_FREQUENCY)
    account_type = tenant.account_type
    if account_type is not None and account_type in policy.frequency_fixed_accounts:
        reasons.append(
            Reason(
                ReasonCode.BILLING_FREQUENCY_FIXED,
                subscription=sub.id,
                account_type=account_type.value,
            )
        )
    until = policy.triennial_midterm_frequency_until
    if sub.term is Term.P3Y and until is not None and cmd.as_of >= until:
        reasons.append(
            Reason(ReasonCode.MIDTERM_FREQUENCY_BLOCKED, subscription=sub.id, term=sub.term,
                   on=until)
        )  # fmt: skip
    if cmd.billing_frequency is sub.billing_frequency:
        reasons.append(
            Reason(
                ReasonCode.NO_CHANGE, subscription=sub.id, billing_frequency=cmd.billing_frequency
            )
        )
    return reasons


def _change_cycle(
    tenant: Tenant, cmd: ChangeBillingFrequency, policy: Policy
) -> tuple[Tenant, list[Event]]:
    """ "The changes take effect at your next billing cycle": what is charged until then stands,
    and the book bills the new frequency from that day."""
    sub = tenant.subscription(cmd.subscription_id)
    on = cmd.as_of
    effective = next_billing_cycle(sub, on)
    events: list[Event] = []
    if sub.scheduled is not None:
        events.append(ScheduledChangeDropped(sub.id, on, sub.scheduled))
    before = sub.billing_frequency.months(sub.term)
    changed = evolved(
        sub,
        billing_frequency=cmd.billing_frequency,
        scheduled=None,
        billing_cycle_change=effective,
        unit_price=_rescaled(sub.unit_price, before, cmd.billing_frequency.months(sub.term)),
    )
    events.append(
        BillingFrequencyChanged(sub.id, on, sub.billing_frequency, cmd.billing_frequency, effective)
    )
    return tenant.replace(changed), events


# -- trials bought early (issue 12) ------------------------------------------------------------


def _trial_cancellable(tenant: Tenant, policy: Policy) -> bool:
    """True where a trial may be cancelled (MOSA: "cancel your trial or paid subscription")."""
    account_type = tenant.account_type
    kind = BillingAccountType.MOSA if account_type is None else account_type
    return kind in policy.trial_cancellation_accounts


def _conversion(sub: Subscription, cmd: ConvertTrial) -> tuple[int, Term, BillingFrequency]:
    """The licenses, term and billing frequency a trial converts to (the trial's own if not
    named; the trial's frequency must fit a term named alone)."""
    term = cmd.term or sub.term
    frequency = cmd.billing_frequency or sub.billing_frequency
    _frequency_fits_term(term, frequency)
    return cmd.quantity or sub.quantity, term, frequency


def _convert_reasons(tenant: Tenant, cmd: ConvertTrial, policy: Policy) -> list[Reason]:
    sub = tenant.subscription(cmd.subscription_id)
    account = tenant.account
    if cmd.payment_method is not None and account is not None and account.type.has_profiles:
        raise InvalidCommand(
            "under an MCA the payment method belongs to the billing profile; set it there"
        )
    reasons = list(
        authorize(
            account,
            cmd.actor,
            _ACT_BUY,
            billing_profile_id=sub.billing_profile_id,
            invoice_section_id=sub.invoice_section_id,
        )
    )
    if sub.status is _DELETED:
        return [*reasons, Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=sub.id)]
    if sub.status is not _TRIAL:
        return [*reasons, Reason(ReasonCode.NOT_A_TRIAL, subscription=sub.id, status=sub.status)]
    quantity, term, _ = _conversion(sub, cmd)
    reasons += _end_of_sale(sub.product_id, policy)
    if cmd.payment_method is None and tenant.payment_method_of(sub) is None:
        reasons.append(Reason(ReasonCode.NO_PAYMENT_METHOD, subscription=sub.id))
    if sub.unit is _PER_USER and quantity < sub.assigned:
        reasons.append(Reason(ReasonCode.BELOW_ASSIGNED, subscription=sub.id, count=sub.assigned))
    if cmd.align_to is not None:
        reasons += alignment_reasons(
            tenant,
            sub.id,
            cmd.align_to,
            term,
            sub.billing_profile_id,
            cmd.as_of,
            policy.trial_alignment_accounts,
        )
    return reasons


def _convert(tenant: Tenant, cmd: ConvertTrial, policy: Policy) -> tuple[Tenant, list[Event]]:
    """The trial becomes the paid subscription today: same id, same users, a new paid term."""
    sub = tenant.subscription(cmd.subscription_id)
    on = cmd.as_of
    quantity, term, frequency = _conversion(sub, cmd)
    anchor, renewals = _aligned(tenant, cmd.align_to, term, on)
    paid = evolved(
        sub,
        status=_ACTIVE,
        status_since=on,
        quantity=quantity,
        term=term,
        billing_frequency=frequency,
        term_anchor=anchor,
        renewals=renewals,
        blocks=(LicenseBlock(quantity, on),),
        recurring_billing=True,
        scheduled=None,
        payment_method=cmd.payment_method or sub.payment_method,
    )
    events: list[Event] = [
        StatusChanged(sub.id, on, sub.status, _ACTIVE, StatusCause.TRIAL_CONVERTED),
        TrialConverted(sub.id, on, quantity, paid.current_term, frequency),
    ]
    return tenant.replace(paid), events


# -- payment methods and roles ------------------------------------------------------------------


def _payment_target(tenant: Tenant, cmd: SetPaymentMethod) -> Subscription | BillingProfile:
    """The subscription (MOSA) or the billing profile (MCA) whose payment method changes."""
    account = tenant.account
    mca = account is not None and account.type.has_profiles
    if cmd.subscription_id is not None:
        if mca:
            raise InvalidCommand("under an MCA the payment method belongs to the billing profile")
        return tenant.subscription(cmd.subscription_id)
    if account is None or not mca:
        raise InvalidCommand("a MOSA account has no billing profiles; name the subscription")
    return account.profile(str(cmd.billing_profile_id))


def _payment_reasons(tenant: Tenant, cmd: SetPaymentMethod, policy: Policy) -> list[Reason]:
    target = _payment_target(tenant, cmd)
    if isinstance(target, BillingProfile):
        reasons = list(
            authorize(
                tenant.account,
                cmd.actor,
                _ACT_MANAGE_PAYMENT_METHODS,
                billing_profile_id=target.id,
            )
        )
        unchanged = Reason(
            ReasonCode.NO_CHANGE, billing_profile=target.id, payment_method=cmd.payment_method
        )
    else:
        reasons = _authorize(tenant, cmd.actor, _ACT_MANAGE_PAYMENT_METHODS, target)
        if target.status is _DELETED:
            reasons.append(Reason(ReasonCode.SUBSCRIPTION_DELETED, subscription=target.id))
        unchanged = Reason(
            ReasonCode.NO_CHANGE, subscription=target.id, payment_method=cmd.payment_method
        )
    if target.payment_method is cmd.payment_method:
        reasons.append(unchanged)
    return reasons


def _set_payment(
    tenant: Tenant, cmd: SetPaymentMethod, policy: Policy
) -> tuple[Tenant, list[Event]]:
    target = _payment_target(tenant, cmd)
    event = PaymentMethodSet(
        cmd.as_of, cmd.payment_method, cmd.subscription_id, cmd.billing_profile_id
    )
    if isinstance(target, Subscription):
        return tenant.replace(evolved(target, payment_method=cmd.payment_method)), [event]
    if tenant.account is None:  # pragma: no cover - _payment_target refuses it first
        raise InvalidCommand(f"tenant {tenant.organization!r} has no billing account")
    changed = attrs.evolve(target, payment_method=cmd.payment_method)
    return attrs.evolve(tenant, account=tenant.account.with_profile(changed)), [event]


def _grant_reasons(tenant: Tenant, cmd: GrantRole, policy: Policy) -> list[Reason]:
    if tenant.account is None:
        raise InvalidCommand(f"tenant {tenant.organization!r} has no billing account")
    assignment = cmd.assignment
    tenant.account.grant(assignment)  # raises for a role the account type cannot hold
    if assignment.role.scope is RoleScope.DIRECTORY:
        reasons = list(authorize(tenant.account, cmd.actor, _ACT_MANAGE_ADMIN_ROLES))
    elif (
        assignment.role.scope is RoleScope.BILLING_ACCOUNT
        and cmd.principal == cmd.actor
        and _is_global_admin(tenant, cmd.actor)
    ):
        # "If you're a Global Administrator, you can assign yourself a Billing account role"
        # (manage-billing-accounts).
        reasons = []
    else:
        profile = cmd.billing_profile_id
        if cmd.invoice_section_id is not None:
            profile = tenant.account.section_profile(cmd.invoice_section_id).id
        reasons = list(
            authorize(
                tenant.account,
                cmd.actor,
                _ACT_MANAGE_BILLING_ROLES,
                billing_profile_id=profile,
                invoice_section_id=cmd.invoice_section_id,
            )
        )
    if assignment in tenant.account.roles:
        reasons.append(Reason(ReasonCode.NO_CHANGE, principal=cmd.principal, role=cmd.role))
    return reasons


def _is_global_admin(tenant: Tenant, principal: str) -> bool:
    account = tenant.account
    return account is not None and any(
        a.role is Role.GLOBAL_ADMIN for a in account.roles_of(principal)
    )


def _grant(tenant: Tenant, cmd: GrantRole, policy: Policy) -> tuple[Tenant, list[Event]]:
    if tenant.account is None:  # pragma: no cover - _grant_reasons refuses it first
        raise UnknownReference(f"tenant {tenant.organization!r} has no billing account")
    account = tenant.account.grant(cmd.assignment)
    event = RoleGranted(
        cmd.as_of, cmd.principal, cmd.role, cmd.billing_profile_id, cmd.invoice_section_id
    )
    return attrs.evolve(tenant, account=account), [event]


_HANDLERS: Final[Mapping[type, _Handler]] = MappingProxyType(
    {
        PurchaseSubscription: _Handler(_purchase_reasons, _purchase),
        StartTrial: _Handler(_trial_reasons, _start_trial),
        ChangeLicenseQuantity: _Handler(_quantity_reasons, _change_quantity, _apply_quantity),
        AssignLicenses: _Handler(_assign_reasons, _assign),
        UnassignLicenses: _Handler(_unassign_reasons, _unassign),
        CancelSubscription: _Handler(_cancel_reasons, _cancel),
        DeleteSubscription: _Handler(_delete_reasons, _delete),
        SetRecurringBilling: _Handler(_recurring_reasons, _set_recurring),
        ExtendTrial: _Handler(_extend_reasons, _extend),
        CompleteCreditCheck: _Handler(_credit_reasons, _complete_credit),
        Reactivate: _Handler(_reactivate_reasons, _reactivate),
        ChangeBillingFrequency: _Handler(_frequency_reasons, _change_frequency),
        ChangeTerm: _Handler(_term_reasons, _change_term),
        SetPaymentMethod: _Handler(_payment_reasons, _set_payment),
        GrantRole: _Handler(_grant_reasons, _grant),
        ChangePlan: _Handler(_plan_change_reasons, _change_plan),
        ConvertTrial: _Handler(_convert_reasons, _convert),
        ScheduleProductChange: _Handler(_product_reasons, _change_product),
    }
)
#: The same, as a plain dict: a look-up per command, without the proxy's indirection.
_HANDLER_OF: Final[dict[type, _Handler]] = dict(_HANDLERS)
