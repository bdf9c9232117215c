"""Add-ons: their two kinds, what a tenant may buy (with the reasons for the rest), purchase paths.

**Kinds** (seeds 000, 001, 002). A *traditional* add-on is tied to one base subscription: it is
shown inside it, cancelled with it, its quantity is changed from it, and only support can remove
it. A *standalone add-on subscription* is a subscription of its own, with its own expiration
date, managed like any other and removed by cancelling it or turning off its recurring billing.
Seed 002: an add-on bought before 2015-12-01 is traditional; from that day on, it is an add-on
subscription shown on its own (:func:`addon_kind_for_purchase`).

**Availability** is a pure function of the catalog, the tenant (its subscriptions and their
status) and the as-of date: for every add-on of the catalog, either available with the base
subscriptions it can be connected to, or unavailable with at least one :class:`Reason`. The
admin center lists "only the add-ons available, based on your active subscriptions and the other
add-ons you already have" (seeds 000, 001); :func:`availability` is that list, with the why-not of
the others, so that a tool can grey out a button without catching an exception.

The rules, in the order their reasons are given:

1. the add-on is on sale on the as-of date (``sold_from`` / ``sold_until``);
2. the tenant holds a subscription of a plan it can be bought on (NO_ELIGIBLE_BASE), and at least
   one of those is active or a trial (ELIGIBLE_BASE_NOT_ACTIVE);
3. every capability it requires is granted by an active subscription, base plan or add-on
   (MISSING_CAPABILITY);
4. the tenant holds no add-on it excludes, in either direction (EXCLUDED_BY_OWNED_ADDON);
5. the tenant holds fewer subscriptions of it than its ``max_instances`` (INSTANCE_LIMIT_REACHED);
6. with a currency: it has an offer valid on the as-of date priced in it (NOT_OFFERED_IN_CURRENCY).

Only subscriptions that have started by the as-of date count. Base subscriptions are those whose
``addon_kind`` is None; owned add-ons are the others. An owned add-on counts against exclusions and
limits until it is deleted (an expired or disabled one can still be reactivated); it grants its
capabilities only while active. Subscriptions of products the catalog does not know are ignored.

**Purchase paths** (seed 001). In a MOSA billing account an add-on is bought from a base
subscription (the request names it, and the add-on is connected to it when it must be); in an
MCA account it is bought like any other product, on Products & services, without a base
subscription. :func:`check_addon_purchase` returns the reasons a request is refused;
:func:`purchase_addon` returns the new subscription or raises :class:`~subcommerce.errors.Refused`.
MPA (partner) accounts are treated like MCA: an ASSUMPTION, no source describes that path.

>>> from datetime import date
>>> from subcommerce.catalog import Addon, Catalog, DisplayName, Plan
>>> from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant
>>> catalog = Catalog("c", DisplayName("C", "C"),
...     plans=(Plan("e3", DisplayName("E3", "E3")),),
...     addons=(Addon("lockbox", DisplayName("Lockbox", "Référentiel"), available_on=("e3",)),))
>>> tenant = Tenant("contoso", (Subscription("s1", "e3", date(2025, 1, 1), 10),))
>>> availability(catalog, tenant, date(2025, 6, 1)).get("lockbox").connectable
('s1',)
>>> expired = Tenant("contoso", (Subscription("s1", "e3", date(2025, 1, 1), 10,
...     status=SubscriptionStatus.EXPIRED),))
>>> item = availability(catalog, expired, date(2025, 6, 1)).get("lockbox")
>>> item.available, item.codes
(False, (<ReasonCode.ELIGIBLE_BASE_NOT_ACTIVE: 'eligible_base_not_active'>,))
>>> print(explain(item.reasons[0], catalog, "fr"))
Référentiel nécessite un abonnement actif à un plan sur lequel il est vendu ;
s1 (expiré) n'est pas actif
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Final

import attrs

from subcommerce import display, tables
from subcommerce._checks import expect
from subcommerce.billing import BillingAccountType
from subcommerce.catalog import Addon, AddonKind, Catalog, LicenseUnit
from subcommerce.errors import (
    InvalidCommand,
    InvalidQuantity,
    Reason,
    ReasonCode,
    Refused,
    UnknownReference,
)
from subcommerce.money import Currency, currency
from subcommerce.periods import BillingFrequency, Term, check_date
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant

__all__ = [
    "ADDON_SUBSCRIPTIONS_FROM",
    "AddonAvailability",
    "AddonPurchase",
    "Availability",
    "KindRules",
    "addon_availability",
    "addon_kind_for_purchase",
    "availability",
    "cancelled_with",
    "check_addon_purchase",
    "explain",
    "kind_rules",
    "purchase_addon",
]

#: Seed 002: add-ons bought from this day on are add-on subscriptions shown on their own; those
#: bought before it show inside the subscription they were bought for (traditional).
ADDON_SUBSCRIPTIONS_FROM: Final = date(2015, 12, 1)


# -- kinds ---------------------------------------------------------------------------------------


def addon_kind_for_purchase(
    purchased: date, declared: AddonKind = AddonKind.STANDALONE
) -> AddonKind:
    """The kind of an add-on bought on ``purchased`` (seed 002).

    Before 2015-12-01 every add-on was traditional; from that day on, an add-on is the kind its
    catalog declares (an add-on subscription of its own unless declared traditional).

    >>> addon_kind_for_purchase(date(2015, 11, 30)), addon_kind_for_purchase(date(2015, 12, 1))
    (<AddonKind.TRADITIONAL: 'traditional'>, <AddonKind.STANDALONE: 'standalone'>)
    """
    if check_date(purchased, "purchase date") < ADDON_SUBSCRIPTIONS_FROM:
        return AddonKind.TRADITIONAL
    return declared


@attrs.frozen
class KindRules:
    """What a kind of add-on means for the customer (seeds 000, 001, 002)."""

    kind: AddonKind
    shown_inside_parent: bool  # listed in its subscription's details, not as a subscription
    cancelled_with_parent: bool  # cancelling the base subscription cancels the add-on
    own_expiration_date: bool
    quantity_changed_on_parent: bool  # its quantity is changed from the parent subscription
    customer_can_remove: bool  # False: only support can remove it
    removed_by: tuple[str, ...]  # how the customer ends it


_RULES: Final = {
    AddonKind.TRADITIONAL: KindRules(
        AddonKind.TRADITIONAL,
        shown_inside_parent=True,
        cancelled_with_parent=True,
        own_expiration_date=False,
        quantity_changed_on_parent=True,
        customer_can_remove=False,
        removed_by=("contacting support", "cancelling its base subscription"),
    ),
    AddonKind.STANDALONE: KindRules(
        AddonKind.STANDALONE,
        shown_inside_parent=False,
        cancelled_with_parent=False,
        own_expiration_date=True,
        quantity_changed_on_parent=False,
        customer_can_remove=True,
        removed_by=("cancelling it", "turning off its recurring billing"),
    ),
}


def kind_rules(kind: AddonKind) -> KindRules:
    """The rules of a kind of add-on.

    >>> kind_rules(AddonKind.TRADITIONAL).customer_can_remove
    False
    """
    expect(kind, str, "add-on kind")
    return _RULES[AddonKind(kind)]


def cancelled_with(tenant: Tenant, subscription_id: str) -> tuple[str, ...]:
    """The add-ons that cancelling ``subscription_id`` cancels too: its traditional add-ons.

    Standalone add-ons outlive their base. The search follows chains (an add-on of an add-on).
    """
    expect(tenant, Tenant, "tenant")
    expect(subscription_id, str, "subscription id")
    tenant.subscription(subscription_id)  # UnknownReference for an id the tenant lacks
    doomed: list[str] = []
    parents = [subscription_id]
    while parents:
        parent = parents.pop(0)
        for sub in tenant.subscriptions:
            if (
                sub.parent_id == parent
                and sub.addon_kind is AddonKind.TRADITIONAL
                and sub.id not in doomed
                and sub.id != subscription_id
            ):
                doomed.append(sub.id)
                parents.append(sub.id)
    return tuple(doomed)


# -- availability --------------------------------------------------------------------------------


@attrs.frozen
class AddonAvailability:
    """Whether one add-on can be bought, on which subscriptions, and if not, why not.

    ``connectable``: the active subscriptions of eligible plans, in the tenant's order (empty when
    the add-on is unavailable). ``kind``: the kind a purchase on the as-of date creates in a MOSA
    account.
    """

    addon_id: str
    kind: AddonKind
    connectable: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()

    @property
    def available(self) -> bool:
        """True when nothing stands in the way."""
        return not self.reasons

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)


@attrs.frozen
class Availability:
    """The availability of every add-on of a catalog for one tenant on one date."""

    as_of: date
    items: tuple[AddonAvailability, ...]

    def get(self, addon_id: str) -> AddonAvailability:
        """The availability of ``addon_id``; UnknownReference if the catalog has no such add-on."""
        for item in self.items:
            if item.addon_id == addon_id:
                return item
        raise UnknownReference(f"no add-on {addon_id!r} in this availability")

    @property
    def available(self) -> tuple[str, ...]:
        """The add-ons that can be bought: the admin center's list."""
        return tuple(item.addon_id for item in self.items if not item.reasons)

    @property
    def unavailable(self) -> tuple[str, ...]:
        """The add-ons that cannot be bought."""
        return tuple(item.addon_id for item in self.items if item.reasons)

    def __iter__(self) -> Iterator[AddonAvailability]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def rows(self) -> list[dict[str, object]]:
        """One plain record per add-on (see :mod:`subcommerce.tables`)."""
        return tables.availability_table(self).rows()

    def to_pandas(self) -> Any:
        """One row per add-on (``subcommerce[notebook]``)."""
        return tables.availability_table(self).to_pandas()

    def _repr_html_(self) -> str:
        return display.availability_html(self)


class _TenantView:
    """What availability needs to know about a tenant on a date, computed once."""

    __slots__ = ("bases", "capabilities", "held", "position")

    def __init__(self, catalog: Catalog, tenant: Tenant, as_of: date) -> None:
        bases: dict[str, list[Subscription]] = {}
        capabilities: set[str] = set()
        held: dict[str, list[Subscription]] = {}
        position: dict[str, int] = {}
        deleted = SubscriptionStatus.DELETED
        for index, sub in enumerate(tenant.subscriptions):
            if sub.start > as_of:
                continue
            product = catalog.get(sub.product_id)
            if product is None:
                continue
            position[sub.id] = index
            if sub.status.is_active:
                capabilities.update(product.grants)
            if sub.addon_kind is None:
                bases.setdefault(sub.product_id, []).append(sub)
            elif sub.status is not deleted:
                held.setdefault(sub.product_id, []).append(sub)
        self.bases = bases
        self.capabilities = capabilities
        self.held = held
        self.position = position

    def eligible(self, addon: Addon) -> list[Subscription]:
        found: list[Subscription] = []
        lists = 0
        for plan_id in addon.available_on:
            subs = self.bases.get(plan_id)
            if subs:
                found.extend(subs)
                lists += 1
        if lists > 1:
            found.sort(key=lambda s: self.position[s.id])
        return found


def _check_currency(value: str | Currency | None) -> Currency | None:
    return None if value is None else currency(value)


def availability(
    catalog: Catalog,
    tenant: Tenant,
    as_of: date,
    *,
    currency: str | Currency | None = None,
) -> Availability:
    """The availability of every add-on of ``catalog`` for ``tenant`` on ``as_of``.

    With ``currency``, an add-on with no offer priced in it on ``as_of`` is unavailable.
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    check_date(as_of, "as-of date")
    cur = _check_currency(currency)
    view = _TenantView(catalog, tenant, as_of)
    return Availability(
        as_of,
        tuple(_addon_availability(catalog, addon, view, as_of, cur) for addon in catalog.addons),
    )


def addon_availability(
    catalog: Catalog,
    tenant: Tenant,
    addon_id: str,
    as_of: date,
    *,
    currency: str | Currency | None = None,
) -> AddonAvailability:
    """The availability of one add-on; UnknownReference if the catalog has no such add-on."""
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    expect(addon_id, str, "add-on id")
    check_date(as_of, "as-of date")
    addon = catalog.addon(addon_id)
    cur = _check_currency(currency)
    return _addon_availability(catalog, addon, _TenantView(catalog, tenant, as_of), as_of, cur)


def _addon_availability(
    catalog: Catalog,
    addon: Addon,
    view: _TenantView,
    as_of: date,
    cur: Currency | None,
) -> AddonAvailability:
    reasons: list[Reason] = []
    subject = addon.id
    if addon.sold_from is not None and as_of < addon.sold_from:
        reasons.append(Reason(ReasonCode.NOT_YET_ON_SALE, product=subject, on=addon.sold_from))
    if addon.sold_until is not None and as_of >= addon.sold_until:
        reasons.append(Reason(ReasonCode.END_OF_SALE, product=subject, on=addon.sold_until))
    eligible = view.eligible(addon)
    active = tuple(s.id for s in eligible if s.status.is_active)
    if not eligible:
        reasons.append(
            Reason(ReasonCode.NO_ELIGIBLE_BASE, product=subject, products=addon.available_on)
        )
    elif not active:
        reasons.append(
            Reason(
                ReasonCode.ELIGIBLE_BASE_NOT_ACTIVE,
                product=subject,
                subscriptions=[s.id for s in eligible],
                statuses=[s.status for s in eligible],
            )
        )
    for capability in addon.requires:
        if capability not in view.capabilities:
            reasons.append(
                Reason(ReasonCode.MISSING_CAPABILITY, product=subject, capability=capability)
            )
    if view.held:
        for other in sorted(catalog.exclusions(addon.id)):
            if other in view.held:
                reasons.append(
                    Reason(ReasonCode.EXCLUDED_BY_OWNED_ADDON, product=subject, products=(other,))
                )
        limit = addon.max_instances
        if limit is not None and len(view.held.get(addon.id, ())) >= limit:
            reasons.append(Reason(ReasonCode.INSTANCE_LIMIT_REACHED, product=subject, limit=limit))
    if cur is not None and not any(
        offer.is_valid_on(as_of) and offer.prices.get(cur) is not None for offer in addon.offers
    ):
        reasons.append(
            Reason(ReasonCode.NOT_OFFERED_IN_CURRENCY, product=subject, currency=cur.code)
        )
    kind = addon_kind_for_purchase(as_of, addon.kind)
    if reasons:
        return AddonAvailability(addon.id, kind, (), tuple(reasons))
    return AddonAvailability(addon.id, kind, active, ())


def explain(reason: Reason, catalog: Catalog, lang: str = "en") -> str:
    """The reason's message in ``lang``, with the catalog's display names instead of ids (and
    the French agreement their gender asks for): ``reason.message(lang, catalog)``."""
    expect(reason, Reason, "reason")
    expect(catalog, Catalog, "catalog")
    return reason.message(lang, catalog)


# -- purchase paths --------------------------------------------------------------------------


def _check_quantity(instance: AddonPurchase, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidQuantity(f"an add-on purchase needs a quantity of at least 1, got {value!r}")


def _check_term(
    instance: AddonPurchase,
    attribute: attrs.Attribute[BillingFrequency],
    value: BillingFrequency,
) -> None:
    expect(instance.term, Term, "term")
    expect(value, BillingFrequency, "billing frequency")
    value.months(instance.term)  # InvalidPeriod for P1M billed annually


@attrs.frozen
class AddonPurchase:
    """A request to buy an add-on.

    ``base_subscription_id``: in a MOSA account, the base subscription it is bought from (and
    connected to when it must be); None in an MCA account, where it is bought like any product.
    ``currency``: when given, the offer must have a price in it.
    """

    addon_id: str
    quantity: int = attrs.field(validator=_check_quantity)
    term: Term = Term.P1M
    billing_frequency: BillingFrequency = attrs.field(
        default=BillingFrequency.MONTHLY, validator=_check_term
    )
    base_subscription_id: str | None = None
    currency: Currency | None = attrs.field(default=None, converter=_check_currency)


def check_addon_purchase(
    catalog: Catalog,
    tenant: Tenant,
    request: AddonPurchase,
    as_of: date,
    account_type: BillingAccountType,
) -> tuple[Reason, ...]:
    """Every reason ``request`` is refused on ``as_of``; empty when it may go ahead.

    The add-on must be available (see :func:`availability`); the request must have the shape of
    the account's purchase path; the term and billing frequency must match an offer of the
    add-on on ``as_of`` when the catalog has offers for it; and a per-user add-on bounded by its
    base may not hold more licenses than its base subscription(s).
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    check_date(as_of, "as-of date")
    addon = catalog.addon(request.addon_id)
    account = BillingAccountType(account_type)
    view = _TenantView(catalog, tenant, as_of)
    item = _addon_availability(catalog, addon, view, as_of, request.currency)
    reasons = list(item.reasons)
    subject = addon.id
    active = [s for s in view.eligible(addon) if s.status.is_active]
    base: Subscription | None = None
    if account is BillingAccountType.MOSA:
        if request.base_subscription_id is None:
            reasons.append(
                Reason(ReasonCode.WRONG_PURCHASE_PATH, product=subject, account_type=account)
            )
        else:
            base = next((s for s in active if s.id == request.base_subscription_id), None)
            if base is None:
                reasons.append(
                    Reason(
                        ReasonCode.NOT_CONNECTABLE,
                        product=subject,
                        subscription=request.base_subscription_id,
                    )
                )
    elif request.base_subscription_id is not None:
        reasons.append(
            Reason(ReasonCode.WRONG_PURCHASE_PATH, product=subject, account_type=account)
        )
    if addon.offers:
        offer = catalog.offer(addon.id, request.term, request.billing_frequency, as_of)
        if offer is None:
            reasons.append(
                Reason(
                    ReasonCode.NO_MATCHING_OFFER,
                    product=subject,
                    term=request.term,
                    billing_frequency=request.billing_frequency,
                )
            )
        elif (
            request.currency is not None
            and offer.price(request.currency) is None
            and ReasonCode.NOT_OFFERED_IN_CURRENCY not in item.codes
        ):
            reasons.append(
                Reason(
                    ReasonCode.NOT_OFFERED_IN_CURRENCY,
                    product=subject,
                    currency=request.currency.code,
                )
            )
    if addon.unit is LicenseUnit.PER_USER and addon.bounded_by_base and active:
        reasons.extend(_quantity_bound(addon, request, view, active, base))
    return tuple(reasons)


def _quantity_bound(
    addon: Addon,
    request: AddonPurchase,
    view: _TenantView,
    active: list[Subscription],
    base: Subscription | None,
) -> list[Reason]:
    owned = view.held.get(addon.id, [])
    if base is not None:
        room = base.quantity - sum(s.quantity for s in owned if s.parent_id == base.id)
        where = [base.id]
    else:
        room = sum(s.quantity for s in active) - sum(s.quantity for s in owned)
        where = [s.id for s in active]
    if request.quantity <= room:
        return []
    return [
        Reason(
            ReasonCode.ADDON_EXCEEDS_BASE,
            product=addon.id,
            count=request.quantity,
            limit=max(room, 0),
            subscriptions=where,
        )
    ]


def purchase_addon(
    catalog: Catalog,
    tenant: Tenant,
    request: AddonPurchase,
    as_of: date,
    account_type: BillingAccountType,
    subscription_id: str,
) -> Subscription:
    """The add-on subscription ``request`` creates on ``as_of``, or :class:`Refused` with reasons.

    In a MOSA account the new subscription is connected to (``parent_id``) its base when it is
    traditional or must be connected; its kind follows :func:`addon_kind_for_purchase`. In an MCA
    account it is a standalone subscription with no parent. ``subscription_id`` is the new id
    (subcommerce makes up no ids).
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    reasons = check_addon_purchase(catalog, tenant, request, as_of, account_type)
    if reasons:
        raise Refused(reasons)
    if any(s.id == subscription_id for s in tenant.subscriptions):
        raise InvalidCommand(f"the tenant already has a subscription {subscription_id!r}")
    addon = catalog.addon(request.addon_id)
    parent: str | None = None
    if BillingAccountType(account_type) is BillingAccountType.MOSA:
        kind = addon_kind_for_purchase(as_of, addon.kind)
        if kind is AddonKind.TRADITIONAL or addon.must_connect:
            parent = request.base_subscription_id
    else:
        kind = AddonKind.STANDALONE
    return Subscription(
        subscription_id,
        addon.id,
        as_of,
        request.quantity,
        term=request.term,
        billing_frequency=request.billing_frequency,
        status=SubscriptionStatus.ACTIVE,
        unit=addon.unit,
        addon_kind=kind,
        parent_id=parent,
    )
