"""Changes of plan with the catalog: the eligible paths, what happens to add-ons, and why not.

A change of plan (issue 12) moves a subscription's licenses, and the users assigned to them, to a
new subscription of another plan: :class:`~subcommerce.commands.ChangePlan` does it to a tenant;
this module answers the catalog's questions about it.

* **Paths.** A plan lists the plans it may change to (``Plan.changes_to``): "you can only
  automatically change to a plan that has the same data-related services, or to a higher
  version" (Microsoft, *Upgrade or change to a different Microsoft 365 for business plan*). A
  target off the path is refused (PLAN_CHANGE_NOT_ELIGIBLE), and so is one not on sale that day
  or with no offer for the term and billing frequency asked.
* **Add-ons.** The traditional add-ons of the old subscription follow the change: one whose
  capabilities the new plan grants is **dropped** (the new plan includes it: keeping it would bill
  it twice, Kill Bill's killbill#1355); one the new plan cannot carry is **cancelled** with the
  old subscription (killbill#1630 left it behind); one sold on the new plan **moves** to the new
  subscription. Standalone add-on subscriptions are subscriptions of their own and stay as they
  are. Availability is a function of the tenant (:func:`subcommerce.addons.availability`), so it
  is recomputed from the changed tenant: nothing is cached across the change.

>>> from datetime import date
>>> from subcommerce.catalog import Catalog, DisplayName, Plan
>>> from subcommerce.commands import ChangePlan
>>> from subcommerce.subscriptions import Subscription, Tenant
>>> catalog = Catalog("c", DisplayName("C", "C"), plans=(
...     Plan("basic", DisplayName("Basic", "Basic"), changes_to=("standard",)),
...     Plan("standard", DisplayName("Standard", "Standard"))))
>>> tenant = Tenant("contoso", (Subscription("s1", "basic", date(2025, 1, 1), 10),
...     Subscription("s2", "standard", date(2025, 1, 1), 5)))
>>> change_targets(catalog, tenant, "s1")
('standard',)
>>> wrong = ChangePlan(actor="ana", as_of=date(2025, 2, 1), subscription_id="s2",
...     product_id="basic")
>>> [r.code.value for r in prepare_plan_change(catalog, tenant, wrong)[0]]
['plan_change_not_eligible']
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from subcommerce._checks import expect
from subcommerce.catalog import Addon, Catalog, Plan
from subcommerce.commands import ChangePlan
from subcommerce.errors import InvalidCommand, Reason, ReasonCode
from subcommerce.subscriptions import Subscription, Tenant

__all__ = [
    "AddonFate",
    "addon_fates",
    "change_targets",
    "prepare_plan_change",
]


@attrs.frozen
class AddonFate:
    """What a change of plan does to the old subscription's traditional add-ons.

    ``moved``: sold on the new plan, they now belong to the new subscription. ``included``: the
    new plan grants what they grant; they are dropped. ``cancelled``: the new plan cannot carry
    them; they are cancelled with the old subscription.
    """

    moved: tuple[str, ...] = ()
    included: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter((self.moved, self.included, self.cancelled))


def change_targets(catalog: Catalog, tenant: Tenant, subscription_id: str) -> tuple[str, ...]:
    """The plans subscription ``subscription_id`` may change to, as the catalog lists them
    (empty for a product the catalog does not know or an add-on)."""
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    sub = tenant.subscription(subscription_id)
    product = catalog.get(sub.product_id)
    if not isinstance(product, Plan) or sub.is_addon:
        return ()
    return product.changes_to


def addon_fates(catalog: Catalog, tenant: Tenant, subscription_id: str, target: str) -> AddonFate:
    """What changing ``subscription_id`` to plan ``target`` does to its active traditional add-ons.

    An add-on the catalog does not know cannot be shown to fit the new plan, so it is cancelled.
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    plan = catalog.plan(target)
    granted = set(plan.grants)
    moved: list[str] = []
    included: list[str] = []
    cancelled: list[str] = []
    for child in tenant.traditional_addons_of(subscription_id):
        if not child.status.is_active:
            continue
        addon = catalog.get(child.product_id)
        if isinstance(addon, Addon) and addon.grants and set(addon.grants) <= granted:
            included.append(child.id)
        elif isinstance(addon, Addon) and plan.id in addon.available_on:
            moved.append(child.id)
        else:
            cancelled.append(child.id)
    return AddonFate(tuple(moved), tuple(included), tuple(cancelled))


def prepare_plan_change(
    catalog: Catalog, tenant: Tenant, command: ChangePlan
) -> tuple[list[Reason], ChangePlan]:
    """The catalog's reasons to refuse ``command``, and the command with the add-ons the new plan
    keeps and includes filled in (what :func:`subcommerce.commands.apply` needs to know).

    The tenant is taken as it is on the command's day. An unknown subscription, or a target that
    is not a plan of the catalog, raises (it names nothing).
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    if not isinstance(command, ChangePlan):
        raise InvalidCommand(f"not a change of plan: {command!r}")
    sub = tenant.subscription(command.subscription_id)
    plan = catalog.plan(command.product_id)
    reasons = _path_reasons(catalog, tenant, sub, plan)
    reasons += _sale_reasons(catalog, sub, plan, command)
    moved, included, _ = addon_fates(catalog, tenant, sub.id, plan.id)
    return reasons, attrs.evolve(command, addons_kept=moved, addons_included=included)


def _path_reasons(catalog: Catalog, tenant: Tenant, sub: Subscription, plan: Plan) -> list[Reason]:
    if plan.id == sub.product_id:
        return []  # the command says so itself (a plan cannot change to itself)
    targets = change_targets(catalog, tenant, sub.id)
    if plan.id in targets:
        return []
    return [
        Reason(
            ReasonCode.PLAN_CHANGE_NOT_ELIGIBLE,
            subscription=sub.id,
            product=plan.id,
            products=targets,
        )
    ]


def _sale_reasons(
    catalog: Catalog, sub: Subscription, plan: Plan, command: ChangePlan
) -> list[Reason]:
    on = command.as_of
    if plan.sold_from is not None and on < plan.sold_from:
        return [Reason(ReasonCode.NOT_YET_ON_SALE, product=plan.id, on=plan.sold_from)]
    if plan.sold_until is not None and on >= plan.sold_until:
        return [Reason(ReasonCode.END_OF_SALE, product=plan.id, on=plan.sold_until)]
    term = command.term or sub.term
    frequency = command.billing_frequency or sub.billing_frequency
    if plan.offers and catalog.offer(plan.id, term, frequency, on) is None:
        return [
            Reason(
                ReasonCode.NO_MATCHING_OFFER,
                product=plan.id,
                term=term,
                billing_frequency=frequency,
            )
        ]
    return []
