"""Tenants and subscriptions: what a tenant holds, in which state, bought through which channel.

A :class:`Subscription` is an immutable snapshot: a product on a term and billing frequency, with
licenses purchased and assigned, a status, the channel it was bought through and whether it
renews. Its current term is computed from an anchor (``add_months(anchor, k * term months)``),
never chained from the previous, clamped end. Its licenses are kept as :class:`LicenseBlock`
values (how many, bought when) because under new commerce each block has its own 7-day window.

A :class:`Tenant` is an organization (one domain namespace), its billing account and its
subscriptions; a subscription bought by the organization joins it (seed 003). Deleted
subscriptions stay in the tenant, so that an id is never reused and never comes back.

The rules that change these values live in :mod:`subcommerce.commands` and
:mod:`subcommerce.lifecycle`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final

import attrs

from subcommerce._checks import Choice, expect, tuple_of
from subcommerce.billing import BillingAccount, BillingAccountType, PaymentMethod
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.errors import (
    InvalidArgument,
    InvalidQuantity,
    InvalidTenant,
    SubcommerceError,
    UnknownReference,
)
from subcommerce.money import Money
from subcommerce.periods import (
    BillingFrequency,
    Period,
    Term,
    add_months,
    check_date,
    period_unchecked,
)

__all__ = [
    "InvoiceGroup",
    "LicenseBlock",
    "PurchaseChannel",
    "ScheduledChange",
    "Subscription",
    "SubscriptionStatus",
    "Tenant",
]


class SubscriptionStatus(Choice):
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
        return self is _ACTIVE or self is _TRIAL


# Bound once: looking members up on the enum class is slow on CPython 3.11, and availability asks
# is_active of every eligible subscription for every add-on.
_ACTIVE: Final = SubscriptionStatus.ACTIVE
_TRIAL: Final = SubscriptionStatus.TRIAL
_TRADITIONAL: Final = AddonKind.TRADITIONAL


class PurchaseChannel(Choice):
    """How a subscription was bought (seed 004 lists the channels that block license changes)."""

    DIRECT = "direct"  # in the admin center, by card, bank account or invoice
    PREPAID_PRODUCT_KEY = "prepaid_product_key"  # a 25-character product key
    VOLUME_LICENSING = "volume_licensing"  # through a partner / Volume Licensing
    CLOUD_SOLUTION_PROVIDER = "cloud_solution_provider"  # through a CSP


def _positive_or_zero(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is int and value >= 0:
        return  # the common case, first
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(f"{attribute.name} must be a whole number >= 0, got {value!r}")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidQuantity(f"{attribute.name} must be a whole number >= 1, got {value!r}")


def _a_date(instance: object, attribute: attrs.Attribute[date], value: date) -> None:
    if type(value) is not date:
        check_date(value, attribute.name)


def _a_date_or_none(
    instance: object, attribute: attrs.Attribute[date | None], value: object
) -> None:
    if value is not None and type(value) is not date:
        check_date(value, attribute.name)


class LicenseBlockSlots:
    """The slots of a :class:`LicenseBlock`, writable (as :class:`SubscriptionSlots`):
    :func:`license_block` fills and retypes one."""

    __slots__ = ("__weakref__", "bought", "quantity")
    quantity: int
    bought: date


@attrs.frozen
class LicenseBlock(LicenseBlockSlots):
    """``quantity`` licenses bought on ``bought``: one purchase, one addition, or one renewal."""

    quantity: int = attrs.field(validator=_positive)
    bought: date = attrs.field(validator=_a_date)


def license_block(quantity: int, bought: date) -> LicenseBlock:
    """``LicenseBlock(quantity, bought)`` for a whole number >= 1 and a date the caller has
    checked (a renewal's or a license change's, once each): the same value, not checked again,
    built by retyping its slots' twin."""
    made = LicenseBlockSlots()
    made.quantity = quantity
    made.bought = bought
    made.__class__ = LicenseBlock
    return made  # type: ignore[return-value]  # retyped: a LicenseBlock now


def _blocks(value: Iterable[LicenseBlock]) -> tuple[LicenseBlock, ...]:
    return tuple_of(value, "license blocks")


@attrs.frozen
class ScheduledChange:
    """Changes that take effect at the next renewal (set while recurring billing is on)."""

    quantity: int | None = None
    term: Term | None = None
    billing_frequency: BillingFrequency | None = None
    #: The product the renewal moves the subscription to (issue 12).
    product_id: str | None = None

    def merged(self, other: ScheduledChange) -> ScheduledChange:
        """This change with every field that ``other`` sets replaced by ``other``'s."""
        return ScheduledChange(
            quantity=self.quantity if other.quantity is None else other.quantity,
            term=self.term if other.term is None else other.term,
            billing_frequency=(
                self.billing_frequency
                if other.billing_frequency is None
                else other.billing_frequency
            ),
            product_id=self.product_id if other.product_id is None else other.product_id,
        )


class SubscriptionSlots:
    """The slots of a :class:`Subscription`, writable: the engine's way to build one from parts
    it has checked (as ``periods.PeriodSlots``; :func:`rebuilt`, :func:`maker`). Fill every
    field (``current_term`` may stay empty: it is worked out when read), then retype it:
    ``slots.__class__ = Subscription``. Never let one out unretyped."""

    __slots__ = (
        "__weakref__",
        "addon_kind",
        "anchor",
        "assigned",
        "billing_cycle_change",
        "billing_frequency",
        "billing_profile_id",
        "blocks",
        "channel",
        "credit_check_pending",
        "current_term",
        "id",
        "invoice_section_id",
        "order_id",
        "organization",
        "over_assigned",
        "over_assigned_until",
        "parent_id",
        "payment_method",
        "product_id",
        "quantity",
        "reactivated_as",
        "recurring_billing",
        "renewal_aligned_to",
        "renewals",
        "scheduled",
        "start",
        "status",
        "status_since",
        "term",
        "term_anchor",
        "trial_end",
        "trial_extensions",
        "unit",
        "unit_price",
    )
    #: The date the current run of terms is counted from: ``term_anchor``, or ``start`` when
    #: that is None. Derived from those two fields (never compared, converted or pickled) and
    #: set whenever a subscription is made: a plain slot, read often by the book and the
    #: lifecycle (a property cost a call per read).
    anchor: date
    #: The ``current_term`` slot under a second name that no property shadows (the same
    #: descriptor, set below the class): reading it is a plain slot read, where the
    #: descriptor's ``__get__`` cost a call. AttributeError while the term is not worked out.
    _kept_term: Period


#: The slot a subscription's current term is kept in once worked out (the twin's own: the class
#: reads it through its ``current_term`` property). A plain property, not
#: ``functools.cached_property``: attrs gives a slotted class with a cached property a
#: ``__getattr__``, and on CPython 3.11 a class with ``__getattr__`` has none of its attribute
#: reads specialized (each of a subscription's 33 fields cost about 400 instructions to read,
#: against about 40).
_TERM_SLOT: Final = SubscriptionSlots.__dict__["current_term"]
type.__setattr__(SubscriptionSlots, "_kept_term", _TERM_SLOT)
_keep_term: Final = _TERM_SLOT.__set__
_keep_anchor: Final = SubscriptionSlots.__dict__["anchor"].__set__


@attrs.frozen
class Subscription(SubscriptionSlots):
    """One subscription of a tenant: a product on a term and billing frequency, with licenses.

    Entities compare by value here (they are immutable snapshots); use ``id`` to follow one
    subscription through time. ``parent_id`` names the base subscription of an add-on that is
    connected to one; ``addon_kind`` is None for a base plan.

    Fields beyond the first ones all have defaults, so a snapshot can be written briefly:

    * ``term_anchor`` and ``renewals``: the current term is
      ``[add_months(anchor, n * renewals), add_months(anchor, n * (renewals + 1)))`` for an
      ``n``-month term; the anchor is ``start`` unless a trial conversion, a reactivation or a
      term change moved it.
    * ``blocks``: the licenses as blocks bought on a date; empty means one block of ``quantity``
      bought at the start of the current term. When given, they add up to ``quantity``.
    * ``status_since``: the day the status began (for Expired and Disabled, whose length counts
      from it); None means "at the end of the current term" (or the trial).
    * ``trial_end``: the first day after the trial (set for a subscription that began as one).
    * ``over_assigned`` / ``over_assigned_until``: users who lost their license when the quantity
      fell below the assigned count at a renewal, and the day their grace ends.
    * ``unit_price``: the price per license per billing period locked in at purchase, if known;
      it prices refunds.
    * ``reactivated_as``: the new subscription an MCA reactivation of this one created.
    * ``renewal_aligned_to``: a trial whose paid term is to take the renewal date of that
      subscription when it converts (MCA, "Select a different renewal date"; issue 12).
    * ``billing_cycle_change``: the day a billing cycle change took effect (issue 12): the
      period of the new frequency that starts inside one of its periods on that day is priced by
      ``Policy.billing_plan_proration``.
    """

    id: str
    product_id: str
    start: date = attrs.field(validator=_a_date)
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
    organization: str | None = None
    term_anchor: date | None = attrs.field(default=None, validator=_a_date_or_none)
    renewals: int = attrs.field(default=0, validator=_positive_or_zero)
    blocks: tuple[LicenseBlock, ...] = attrs.field(default=(), converter=_blocks)
    scheduled: ScheduledChange | None = None
    status_since: date | None = attrs.field(default=None, validator=_a_date_or_none)
    trial_end: date | None = attrs.field(default=None, validator=_a_date_or_none)
    trial_extensions: int = attrs.field(default=0, validator=_positive_or_zero)
    credit_check_pending: bool = False
    payment_method: PaymentMethod | None = None
    billing_profile_id: str | None = None
    invoice_section_id: str | None = None
    order_id: str | None = None
    unit_price: Money | None = None
    over_assigned: int = attrs.field(default=0, validator=_positive_or_zero)
    over_assigned_until: date | None = attrs.field(default=None, validator=_a_date_or_none)
    reactivated_as: str | None = None
    billing_cycle_change: date | None = attrs.field(default=None, validator=_a_date_or_none)
    renewal_aligned_to: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass works its anchor out when read (a property over the two fields), so that its
        # own __attrs_post_init__ or __setstate__ (attrs makes one) need not set the slot. None of
        # them is wrapped: attrs remakes a slotted class, and repairs the class cell that super()
        # reads only in the functions it finds in the class's own dict, not in a wrapper.
        super().__init_subclass__(**kwargs)
        type.__setattr__(cls, "anchor", _WORKED_OUT_ANCHOR)

    def __attrs_post_init__(self) -> None:
        _keep_anchor(self, _anchor_of(self))
        total = 0
        for block in self.blocks:
            total += block.quantity
        if self.blocks and total != self.quantity:
            raise InvalidQuantity(
                f"subscription {self.id!r}: license blocks add up to "
                f"{total}, not the quantity {self.quantity}"
            )
        if self.assigned > self.quantity:
            raise InvalidQuantity(
                f"subscription {self.id!r}: {self.assigned} licenses assigned, more than the "
                f"{self.quantity} purchased"
            )
        if self.parent_id is not None and self.parent_id == self.id:
            raise InvalidTenant(f"subscription {self.id!r} cannot be its own parent")
        if self.over_assigned and self.over_assigned_until is None:
            raise InvalidQuantity(
                f"subscription {self.id!r}: over_assigned users need over_assigned_until"
            )

    @property
    def is_addon(self) -> bool:
        """True for an add-on (traditional or standalone)."""
        return self.addon_kind is not None

    @property
    def is_traditional_addon(self) -> bool:
        """True for a traditional add-on: tied to its parent, cancelled with it."""
        return self.addon_kind is _TRADITIONAL

    @property
    def is_unconverted_trial(self) -> bool:
        """True for a subscription that began as a trial and was never paid for."""
        return self.trial_end is not None and self.term_anchor is None

    @property
    def current_term(self) -> Period:
        """The current term, computed from the anchor (once: a subscription never changes)."""
        try:
            return self._kept_term
        except AttributeError:  # not worked out yet
            pass
        anchor = self.anchor
        months = self.term.months
        first = months * self.renewals
        # Both boundaries come from the anchor, the end a whole term (>= 1 month) after the start.
        term = period_unchecked(add_months(anchor, first), add_months(anchor, first + months))
        _keep_term(self, term)
        return term

    @property
    def end(self) -> date:
        """The first day after the current trial or term (when it renews, converts or expires)."""
        if self.status is _TRIAL and self.trial_end is not None:
            return self.trial_end
        return self.current_term.end

    @property
    def license_blocks(self) -> tuple[LicenseBlock, ...]:
        """The licenses as blocks; one block bought at the current term's start if none given."""
        if self.blocks or self.quantity == 0:
            return self.blocks
        bought = self.start if self.status is _TRIAL else self.current_term.start
        return (LicenseBlock(self.quantity, bought),)

    @property
    def free(self) -> int:
        """Licenses purchased and not assigned."""
        return max(self.quantity - self.assigned, 0)

    @property
    def renewal_quantity(self) -> int:
        """The quantity the next renewal will bring (a scheduled change, or today's)."""
        if self.scheduled is not None and self.scheduled.quantity is not None:
            return self.scheduled.quantity
        return self.quantity


def _with_anchor(setstate: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """``setstate`` (the ``__setstate__`` attrs made: a copy, an unpickled value), then the
    derived ``anchor``."""

    def setstate_with_anchor(self: Subscription, state: Any) -> None:
        setstate(self, state)
        _keep_anchor(self, _anchor_of(self))

    return setstate_with_anchor


type.__setattr__(Subscription, "__setstate__", _with_anchor(Subscription.__dict__["__setstate__"]))


def _anchor_of(sub: Subscription) -> date:
    """The date ``sub``'s run of terms is counted from (``Subscription.anchor``)."""
    return sub.start if sub.term_anchor is None else sub.term_anchor


#: A subclass's ``anchor``: worked out when read (see ``Subscription.__init_subclass__``).
_WORKED_OUT_ANCHOR: Final = property(_anchor_of)


class InvoiceGroupSlots:
    """The slots of an :class:`InvoiceGroup`, writable (as :class:`SubscriptionSlots`):
    :meth:`Tenant.invoice_group` fills and retypes one."""

    __slots__ = ("__weakref__", "id", "kind")
    kind: str
    id: str


@attrs.frozen
class InvoiceGroup(InvoiceGroupSlots):
    """The invoice a subscription is billed on: its order (MOSA) or its billing profile (MCA)."""

    kind: str  # "order" or "billing_profile"
    id: str


#: The lifecycle's memo on a tenant: (policy, first due day or None, due day of one subscription).
DueMemo = tuple[object, date | None, Callable[["Subscription"], date | None]]


def _subscriptions(value: Iterable[Subscription]) -> tuple[Subscription, ...]:
    return tuple_of(value, "subscriptions")


class TenantSlots:
    """The slots of a :class:`Tenant`, writable: the engine's way to build one from parts it has
    checked (as ``periods.PeriodSlots``; :func:`dated` and the tenant's own rebuilders). Fill
    every field, then retype it: ``slots.__class__ = Tenant``. Never let one out unretyped."""

    __slots__ = (
        "__weakref__",
        "_positions",
        "account",
        "as_of",
        "due_memo",
        "organization",
        "subscriptions",
    )
    organization: str
    subscriptions: tuple[Subscription, ...]
    account: BillingAccount | None
    as_of: date | None
    _positions: Mapping[str, int]
    due_memo: DueMemo | None


@attrs.frozen
class Tenant(TenantSlots):
    """An organization (one domain namespace), its billing account and the subscriptions it holds.

    ``as_of`` is the date the lifecycle was last brought up to (None before any command).
    """

    organization: str
    subscriptions: tuple[Subscription, ...] = attrs.field(default=(), converter=_subscriptions)
    account: BillingAccount | None = None
    as_of: date | None = attrs.field(default=None, validator=_a_date_or_none)
    #: The position of each subscription by id: derived from ``subscriptions``, never compared.
    _positions: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False, hash=False)
    #: A memo of the lifecycle (:mod:`subcommerce.lifecycle`), once worked out: its policy, a
    #: day on or before which time first changes a subscription (None: never), and the function
    #: giving that day for one subscription (to keep the memo when one is replaced). Never
    #: compared.
    due_memo: DueMemo | None = attrs.field(
        init=False, default=None, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        positions: dict[str, int] = {}
        for position, subscription in enumerate(self.subscriptions):
            if type(subscription) is not Subscription:
                expect(subscription, Subscription, "a subscription of the tenant")
            if subscription.id in positions:
                raise InvalidTenant(f"subscription id {subscription.id!r} appears twice")
            positions[subscription.id] = position
            if subscription.organization not in (None, self.organization):
                raise InvalidTenant(
                    f"subscription {subscription.id!r} belongs to organization "
                    f"{subscription.organization!r}, not {self.organization!r}"
                )
        object.__setattr__(self, "_positions", positions)

    def subscription(self, subscription_id: str) -> Subscription:
        """The subscription with ``subscription_id``; UnknownReference if there is none."""
        try:  # position(subscription_id), without the call
            return self.subscriptions[self._positions[subscription_id]]
        except (KeyError, TypeError):  # none, or not hashable (so no subscription's id)
            pass
        raise UnknownReference(
            f"tenant {self.organization!r} has no subscription {subscription_id!r}"
        )

    def position(self, subscription_id: str) -> int | None:
        """Where the subscription with ``subscription_id`` sits in ``subscriptions`` (or None)."""
        try:
            return self._positions.get(subscription_id)
        except TypeError:  # not hashable, so no subscription's id
            return None

    def has(self, subscription_id: str) -> bool:
        """True when the tenant holds (or held) a subscription with that id."""
        return self.position(subscription_id) is not None

    def traditional_addons_of(self, subscription_id: str) -> tuple[Subscription, ...]:
        """The traditional add-ons tied to ``subscription_id``."""
        return tuple(
            s
            for s in self.subscriptions
            if s.is_traditional_addon and s.parent_id == subscription_id
        )

    def replace(self, *changed: Subscription) -> Tenant:
        """This tenant with the subscriptions of the same ids replaced (others kept in order)."""
        try:
            if len(changed) == 1 and type(self) is Tenant:
                return _replaced_one(self, changed[0])
            by_id = {s.id: s for s in changed}
        except AttributeError:
            raise InvalidArgument(f"expected Subscriptions, got {changed!r}") from None
        for s in changed:
            expect(s, Subscription, "subscription")
        return attrs.evolve(
            self, subscriptions=tuple(by_id.get(s.id, s) for s in self.subscriptions)
        )

    def added(self, subscription: Subscription) -> Tenant:
        """This tenant with ``subscription`` added at the end (it joins the organization)."""
        joined = subscription
        if subscription.__class__ is not Subscription:  # the common case costs one comparison
            joined = expect(subscription, Subscription, "subscription")
        if subscription.organization != self.organization:
            joined = evolved(subscription, organization=self.organization)
        # Only the newcomer can break the tenant's checks, and only by its id.
        if joined.id in self._positions:
            raise InvalidTenant(f"subscription id {joined.id!r} appears twice")
        positions = {**self._positions, joined.id: len(self.subscriptions)}
        memo = _kept_memo(_due_with, self.due_memo, joined)
        if type(self) is Tenant and _DATED_FAST:
            return _holding(self, (*self.subscriptions, joined), positions, memo)
        return _unchecked(
            self, subscriptions=(*self.subscriptions, joined), _positions=positions, due_memo=memo
        )

    @property
    def account_type(self) -> BillingAccountType | None:
        """The billing account's agreement, if the tenant has an account."""
        return None if self.account is None else self.account.type

    def payment_method_of(self, subscription: Subscription) -> PaymentMethod | None:
        """How ``subscription`` pays: its own method (MOSA) or its billing profile's (MCA)."""
        if subscription.__class__ is not Subscription:  # one comparison on the hot path
            expect(subscription, Subscription, "subscription")
        method = subscription.payment_method
        if method is not None:
            return method
        if self.account is None or subscription.billing_profile_id is None:
            return None
        for profile in self.account.profiles:
            if profile.id == subscription.billing_profile_id:
                return profile.payment_method
        return None

    def invoice_group(self, subscription: Subscription) -> InvoiceGroup:
        """The invoice ``subscription`` is billed on: one per order (MOSA), per profile (MCA)."""
        if type(subscription) is not Subscription:
            expect(subscription, Subscription, "subscription")
        profile_id = subscription.billing_profile_id
        made = InvoiceGroupSlots()  # InvoiceGroup(kind, id) of two strings, retyped
        if profile_id is not None and (self.account is not None and self.account.type.has_profiles):
            made.kind = "billing_profile"
            made.id = profile_id
        else:
            made.kind = "order"
            made.id = subscription.order_id or subscription.id
        made.__class__ = InvoiceGroup
        return made  # type: ignore[return-value]  # retyped: an InvoiceGroup now

    def __iter__(self) -> Iterator[Subscription]:
        return iter(self.subscriptions)


# -- fast paths: the same values as attrs.evolve, for what the commands and lifecycle do often --


def evolved(subscription: Subscription, /, **changes: Any) -> Subscription:
    """``attrs.evolve(subscription, **changes)``: the same value, built and checked by the same
    ``__init__``, without evolve's per-call look-up of the 29 fields (several times slower)."""
    if type(subscription) is not Subscription:
        return attrs.evolve(subscription, **changes)
    values = list(_subscription_values(subscription))
    for name, value in changes.items():
        index = _SUBSCRIPTION_INDEX.get(name)
        if index is None:
            raise TypeError(f"Subscription has no field {name!r}")
        values[index] = value
    return Subscription(*values)


_SUBSCRIPTION_FIELDS: Final = tuple(a.name for a in attrs.fields(Subscription))
_SUBSCRIPTION_INDEX: Final = MappingProxyType(
    {name: index for index, name in enumerate(_SUBSCRIPTION_FIELDS)}
)
#: Every field of a subscription, in ``__init__`` order, as one tuple.
_subscription_values: Final = operator.attrgetter(*_SUBSCRIPTION_FIELDS)
_TENANT_FIELDS: Final = tuple(a.name for a in attrs.fields(Tenant))


#: The fields the current term is computed from: a change to none of them keeps it.
_TERM_FIELDS: Final = frozenset({"start", "term", "term_anchor", "renewals"})
#: The fields ``anchor`` comes from, and the generated line that sets it from the new value's.
_ANCHOR_FIELDS: Final = frozenset({"start", "term_anchor"})
_ANCHOR_LINE: Final = (
    "    made.anchor = made.start if made.term_anchor is None else made.term_anchor"
)


def rebuilt(
    subscription: Subscription, /, current_term: Period | None = None, **changes: Any
) -> Subscription:
    """``evolved(subscription, **changes)`` for changes the caller has checked keep it valid
    (the fields' types, the blocks adding up to the quantity, no more assigned than purchased,
    over-assigned users with their grace's end): the same value, not checked again. The current
    term, once worked out, is kept when none of the fields it comes from changes; a caller that
    knows the new one (a renewal: the next term of the same calendar) gives it as
    ``current_term``, the value :attr:`Subscription.current_term` would work out.

    Only the commands and the lifecycle use it, for changes they have already checked; anything
    that comes from outside goes through :func:`evolved` or the class itself.
    """
    if type(subscription) is not Subscription:
        return attrs.evolve(subscription, **changes)
    names = tuple(changes)
    make = _REBUILDERS.get(names)
    if make is None:
        make = _REBUILDERS[names] = _rebuilder(names)
    return make(subscription, *changes.values(), current_term)


def rebuilder(*names: str) -> Callable[..., Subscription]:
    """The function :func:`rebuilt` uses for changes of ``names``, for a caller that makes the
    same change often (a renewal): ``rebuilder(*names)(sub, *values, current_term)`` is
    ``rebuilt(sub, current_term=current_term, **dict(zip(names, values)))``."""
    make = _REBUILDERS.get(names)
    if make is None:
        make = _REBUILDERS[names] = _rebuilder(names)
    return make


#: A rebuilder per set of changed fields (in the order a caller names them): the call sites are
#: few and fixed, so this stays small.
_REBUILDERS: Final[dict[tuple[str, ...], Callable[..., Subscription]]] = {}


def _rebuilder(names: tuple[str, ...]) -> Callable[..., Subscription]:
    """A function of a subscription and new values of ``names`` that builds the subscription
    with those fields changed, the others read straight off it (see :func:`rebuilt`); when no
    field the current term comes from is among ``names``, a worked-out term is carried over."""
    _check_names(names)
    scope: dict[str, Any] = {
        "cls": Subscription,
        "slots": SubscriptionSlots,
    }
    lines = ["    made = slots()"]  # plain slot stores, then retyped (see SubscriptionSlots)
    for name in _SUBSCRIPTION_FIELDS:
        value = f"new_{name}" if name in names else f"sub.{name}"
        lines.append(f"    made.{name} = {value}")
    lines.append(
        _ANCHOR_LINE if _ANCHOR_FIELDS.intersection(names) else "    made.anchor = sub.anchor"
    )
    lines += ["    if current_term is not None:", "        made.current_term = current_term"]
    if _TERM_FIELDS.isdisjoint(names):
        lines += [
            "    else:",
            "        try:",
            "            made.current_term = sub._kept_term",
            "        except AttributeError:",  # not worked out yet: the new one works it out
            "            pass",
        ]
    lines += ["    made.__class__ = cls", "    return made"]
    params = "".join(f", new_{name}" for name in names)
    source = f"def rebuild(sub{params}, current_term=None):\n" + "\n".join(lines) + "\n"
    exec(source, scope)  # generated from the class's own field names, nothing from outside
    rebuild: Callable[..., Subscription] = scope["rebuild"]
    return rebuild


def _check_names(names: tuple[str, ...]) -> None:
    """Refuse a builder for names that are not Subscription's fields, or that repeat one."""
    for name in names:
        if name not in _SUBSCRIPTION_INDEX:
            raise TypeError(f"Subscription has no field {name!r}")
    if len(set(names)) != len(names):
        raise TypeError(f"a field is named twice in {names!r}")


#: The fields without a default (a builder must be given them).
_REQUIRED: Final = frozenset(
    a.name for a in attrs.fields(Subscription) if a.default is attrs.NOTHING
)

#: Every field's default, in ``__init__`` order (the first four have none).
_DEFAULTS: Final = tuple(
    None if a.default is attrs.NOTHING else a.default for a in attrs.fields(Subscription)
)


def maker(*names: str) -> Callable[..., Subscription]:
    """A function of the values of ``names`` (positional, in that order) that builds
    ``Subscription(**dict(zip(names, values)))`` for values the caller has checked make a valid
    subscription (as :func:`rebuilt`): a purchase of the commands, from a command already
    checked. One is made per set of names and kept. A caller that knows the new subscription's
    current term gives it last (``current_term``, the value the subscription would work out)."""
    make = _MAKERS.get(names)
    if make is None:
        make = _MAKERS[names] = _maker(names)
    return make


#: A maker per set of given fields, as :data:`_REBUILDERS`.
_MAKERS: Final[dict[tuple[str, ...], Callable[..., Subscription]]] = {}


def _maker(names: tuple[str, ...]) -> Callable[..., Subscription]:
    """A function of the values of ``names`` that builds a subscription of them, every other
    field at its default (see :func:`maker`)."""
    _check_names(names)
    missing = [name for name in _SUBSCRIPTION_FIELDS if name in _REQUIRED and name not in names]
    if missing:
        raise TypeError(f"a Subscription needs {', '.join(missing)}")
    scope: dict[str, Any] = {"cls": Subscription, "slots": SubscriptionSlots}
    lines = ["    made = slots()"]  # plain slot stores, then retyped (see SubscriptionSlots)
    for name, default in zip(_SUBSCRIPTION_FIELDS, _DEFAULTS, strict=True):
        scope[f"default_{name}"] = default
        value = f"new_{name}" if name in names else f"default_{name}"
        lines.append(f"    made.{name} = {value}")
    lines.append(_ANCHOR_LINE)
    lines += ["    if current_term is not None:", "        made.current_term = current_term"]
    lines += ["    made.__class__ = cls", "    return made"]
    params = "".join(f"new_{name}, " for name in names)
    source = f"def make({params}current_term=None):\n" + "\n".join(lines) + "\n"
    exec(source, scope)  # generated from the class's own field names, nothing from outside
    make: Callable[..., Subscription] = scope["make"]
    return make


def restated(
    tenant: Tenant,
    subscriptions: tuple[Subscription, ...],
    as_of: date,
    memo: DueMemo | None = None,
) -> Tenant:
    """``attrs.evolve(tenant, subscriptions=subscriptions, as_of=as_of)`` when ``subscriptions``
    are the tenant's own, changed in place (the same ids in the same places, of the same
    organization) and ``as_of`` is a checked date: the lifecycle after a day's steps. The
    lifecycle memo is ``memo`` (the lifecycle's, of these subscriptions), or worked out again
    when asked."""
    if type(tenant) is not Tenant:
        return attrs.evolve(tenant, subscriptions=subscriptions, as_of=as_of)
    if not _DATED_FAST:  # pragma: no cover - Tenant gained a field: the general way
        return _unchecked(
            tenant,
            subscriptions=subscriptions,
            as_of=as_of,
            _positions=tenant._positions,
            due_memo=memo,
        )
    made = TenantSlots()
    made.organization = tenant.organization
    made.subscriptions = subscriptions
    made.account = tenant.account
    made.as_of = as_of
    made._positions = tenant._positions
    made.due_memo = memo
    made.__class__ = Tenant
    return made  # type: ignore[return-value]  # retyped: a Tenant now


def _unchecked(tenant: Tenant, **changes: Any) -> Tenant:
    """``attrs.evolve(tenant, **changes)`` without checking the tenant again: only for changes
    that the caller has checked keep it valid. New subscriptions come with their positions
    (``_positions``) and the lifecycle memo (``due_memo``); the date alone keeps both."""
    if type(tenant) is not Tenant:
        changes.pop("_positions", None)
        changes.pop("due_memo", None)
        return attrs.evolve(tenant, **changes)
    if "subscriptions" in changes and "_positions" not in changes:
        changes["_positions"] = {s.id: i for i, s in enumerate(changes["subscriptions"])}
        changes["due_memo"] = None
    if not _DATED_FAST:  # pragma: no cover - Tenant gained a field: the general way
        new = object.__new__(Tenant)
        for name in _TENANT_FIELDS:
            value = changes[name] if name in changes else getattr(tenant, name)
            object.__setattr__(new, name, value)
        return new
    get = changes.get
    made = TenantSlots()
    made.organization = get("organization", tenant.organization)
    made.subscriptions = get("subscriptions", tenant.subscriptions)
    made.account = get("account", tenant.account)
    made.as_of = get("as_of", tenant.as_of)
    made._positions = get("_positions", tenant._positions)
    made.due_memo = get("due_memo", tenant.due_memo)
    made.__class__ = Tenant
    return made  # type: ignore[return-value]  # retyped: a Tenant now


#: :func:`dated` sets these fields one by one (should Tenant gain one, it takes the general way).
_DATED_FAST: Final = _TENANT_FIELDS == (
    "organization",
    "subscriptions",
    "account",
    "as_of",
    "_positions",
    "due_memo",
)


def dated(tenant: Tenant, as_of: date) -> Tenant:
    """``attrs.evolve(tenant, as_of=as_of)`` for an ``as_of`` the caller has checked already
    (the lifecycle dates the tenant on every command): the same subscriptions, positions and
    lifecycle memo, set slot by slot."""
    if type(tenant) is not Tenant or not _DATED_FAST:
        return _unchecked(tenant, as_of=as_of)
    made = TenantSlots()
    made.organization = tenant.organization
    made.subscriptions = tenant.subscriptions
    made.account = tenant.account
    made.as_of = as_of
    made._positions = tenant._positions
    made.due_memo = tenant.due_memo
    made.__class__ = Tenant
    return made  # type: ignore[return-value]  # retyped: a Tenant now


def _holding(
    tenant: Tenant,
    subscriptions: tuple[Subscription, ...],
    positions: Mapping[str, int],
    memo: DueMemo | None,
) -> Tenant:
    """A Tenant (never a subclass: the caller checks) of the same organization, account and date
    holding ``subscriptions`` at ``positions``, with the lifecycle memo ``memo``: checked by the
    caller, set slot by slot."""
    made = TenantSlots()
    made.organization = tenant.organization
    made.subscriptions = subscriptions
    made.account = tenant.account
    made.as_of = tenant.as_of
    made._positions = positions
    made.due_memo = memo
    made.__class__ = Tenant
    return made  # type: ignore[return-value]  # retyped: a Tenant now


def positions(tenant: Tenant) -> Mapping[str, int]:
    """Where each subscription of ``tenant`` sits in ``tenant.subscriptions``, by id: the
    mapping :meth:`Tenant.position` reads, for an engine module that looks up many ids of one
    tenant value (the book, per due subscription and renewal) with a dict read each instead of
    a method call. The tenant's own: read it, never change it."""
    return tenant._positions


def same_dates(tenant: Tenant, changed: Subscription, as_of: date | None = None) -> Tenant:
    """``tenant.replace(changed)`` for a ``changed`` the lifecycle sees on the same days as the
    subscription it replaces (a license change that starts or ends no over-assignment: status,
    terms, trial, credit check and over-assignment as they were): the lifecycle memo is kept.
    ``as_of``: the copy's date (a checked one: the command's, for a tenant nothing was due on
    since its own date, so that the change's copy takes the date the lifecycle would have
    given it in a copy of its own); None keeps the tenant's."""
    if tenant.__class__ is not Tenant or changed.__class__ is not Subscription:
        replaced = tenant.replace(changed)
        return replaced if as_of is None else _unchecked(replaced, as_of=as_of)
    return _replaced_one(tenant, changed, True, as_of)  # keep_memo, passed by position


def _replaced_one(
    tenant: Tenant, changed: Subscription, keep_memo: bool = False, as_of: date | None = None
) -> Tenant:
    """``tenant.replace(changed)``: only ``changed`` is new, so only it is checked (its id is
    the one it replaces); dated ``as_of`` when given (see :func:`same_dates`)."""
    subscriptions = tenant.subscriptions
    index = tenant._positions.get(changed.id)
    if index is None:
        same = attrs.evolve(tenant)
        return same if as_of is None else _unchecked(same, as_of=as_of)
    organization = changed.organization
    if organization is not None and organization != tenant.organization:
        raise InvalidTenant(
            f"subscription {changed.id!r} belongs to organization "
            f"{organization!r}, not {tenant.organization!r}"
        )
    memo = (
        tenant.due_memo
        if keep_memo
        else _kept_memo(_due_after, tenant.due_memo, subscriptions[index], changed)
    )
    # The same ids in the same places: the positions are the tenant's own.
    work = list(subscriptions)
    work[index] = changed
    if _DATED_FAST:  # a Tenant: replace and same_dates take the general way for any other
        made = TenantSlots()  # _holding, inline (once per license change)
        made.organization = tenant.organization
        made.subscriptions = tuple(work)
        made.account = tenant.account
        made.as_of = tenant.as_of if as_of is None else as_of
        made._positions = tenant._positions
        made.due_memo = memo
        made.__class__ = Tenant
        return made  # type: ignore[return-value]  # retyped: a Tenant now
    changed_ones = tuple(work)
    return _unchecked(  # pragma: no cover - Tenant gained a field
        tenant,
        subscriptions=changed_ones,
        _positions=tenant._positions,
        due_memo=memo,
        as_of=tenant.as_of if as_of is None else as_of,
    )


def _kept_memo(
    update: Callable[..., DueMemo | None], memo: DueMemo | None, *subscriptions: Subscription
) -> DueMemo | None:
    """``update(memo, *subscriptions)``, or no memo when a subscription's next day cannot be
    worked out (a term past the supported dates): adding or replacing it then succeeds whether
    or not the tenant held a memo, and the lifecycle raises when it is asked, as it did."""
    if memo is None:
        return None
    try:
        return update(memo, *subscriptions)
    except SubcommerceError:
        return None


def _due_with(memo: DueMemo | None, newcomer: Subscription) -> DueMemo | None:
    """The lifecycle memo once ``newcomer`` joined: the sooner of the memo's day and its own."""
    if memo is None:
        return None
    policy, due, due_of = memo
    now = due_of(newcomer)
    if now is None or (due is not None and now >= due):
        return memo
    return (policy, now, due_of)


def _due_after(memo: DueMemo | None, before: Subscription, after: Subscription) -> DueMemo | None:
    """The lifecycle memo once ``before`` became ``after``.

    When ``before`` was due later than the memo's day, the new day is the sooner of that day and
    ``after``'s. When ``before`` was due first, the others are due on that day or later, so the
    new day is ``after``'s if it is due on that day or sooner (a license change, which moves no
    date); otherwise the memo is forgotten (the lifecycle works it out again when asked).
    """
    if memo is None:
        return None
    policy, due, due_of = memo
    if due is not None:
        was = due_of(before)
        if was is not None and was <= due:
            now = due_of(after)
            if now is not None and now <= due:
                return memo if now == due else (policy, now, due_of)
            return None
    now = due_of(after)
    if now is None or (due is not None and now >= due):
        return memo
    return (policy, now, due_of)
