"""Hypothesis strategies for catalogs and tenants, built as plain data first.

:func:`catalog_data` draws a *valid* catalog as the plain data a person would write (ids,
references, prices as strings, dates as ISO strings), so that the same draw serves the round-trip
property, the fault-injection property (break references in the data, count the problems) and the
availability properties (load it, then draw tenants over it).

Prerequisites stay acyclic by construction: add-on number i may only require a capability that no
add-on numbered i or later grants.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from subcommerce._convert import load_catalog
from subcommerce.catalog import AddonKind, Catalog
from subcommerce.money import Currency
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant

__all__ = [
    "AS_OF",
    "CURRENCY_POOL",
    "STATUSES",
    "TERM_FREQUENCIES",
    "WINDOWS",
    "catalog_and_tenant",
    "catalog_data",
    "catalogs",
    "subscriptions",
    "tenants",
]

AS_OF = date(2025, 6, 15)
CURRENCY_POOL = ("USD", "EUR", "JPY", "KWD")
TERM_FREQUENCIES = (
    ("P1M", "monthly"),
    ("P1M", "once"),
    ("P1Y", "monthly"),
    ("P1Y", "annual"),
    ("P1Y", "once"),
    ("P3Y", "monthly"),
    ("P3Y", "annual"),
    ("P3Y", "once"),
)


def _name(prefix: str, i: int) -> dict[str, str]:
    return {"en": f"{prefix} {i}", "fr": f"{prefix} {i} (fr)"}


def _amount_text(units: int, code: str) -> str:
    exponent = Currency.of(code).exponent
    if exponent == 0:
        return str(units)
    text = str(units).rjust(exponent + 1, "0")
    return f"{text[:-exponent]}.{text[-exponent:]}"


_UNITS = st.integers(min_value=0, max_value=10**6)
_PRICED = st.integers(0, 3)  # mostly priced, now and then explicitly unpriced
_BOOLEANS = st.booleans()


@functools.cache
def _masks(size: int, at_least_one: bool) -> st.SearchStrategy[int]:
    return st.integers(min_value=1 if at_least_one else 0, max_value=2**size - 1)


#: Validity windows an offer may have: none, open at one end, or bounded on both.
WINDOWS: tuple[dict[str, str], ...] = (
    {},
    {"valid_from": "2024-02-29"},
    {"valid_until": "2026-01-01"},
    {"valid_from": "2023-05-31", "valid_until": "2025-12-31"},
)


_PAIRS = st.lists(st.sampled_from(TERM_FREQUENCIES), max_size=2, unique=True)
_WINDOW = st.sampled_from(WINDOWS)


@st.composite
def _offers(draw: st.DrawFn, declared: list[str]) -> list[dict[str, Any]]:
    pairs = draw(_PAIRS)
    offers = []
    for term, frequency in pairs:
        prices: dict[str, str] = {}
        unpriced: list[str] = []
        for code in declared:
            if draw(_PRICED):
                prices[code] = _amount_text(draw(_UNITS), code)
            else:
                unpriced.append(code)
        extra = [c for c in CURRENCY_POOL if c not in declared]
        if len(extra) > 0 and draw(_BOOLEANS):
            code = extra[draw(st.integers(0, len(extra) - 1))]
            prices[code] = _amount_text(draw(_UNITS), code)
        offer: dict[str, Any] = {"term": term, "billing_frequency": frequency}
        if prices:
            offer["prices"] = prices
        if unpriced:
            offer["unpriced"] = unpriced
        offer.update(draw(_WINDOW))
        if draw(_BOOLEANS):
            offer["source"] = "a test"
        offers.append(offer)
    return offers


def _subset(draw: st.DrawFn, items: list[str], min_size: int = 0) -> list[str]:
    """A subset of ``items`` in their order, drawn as one bit mask (cheap, shrinks to few)."""
    if not items:
        return []
    mask = draw(_masks(len(items), bool(min_size)))
    return [item for bit, item in enumerate(items) if mask >> bit & 1]


_SOMETIMES = st.integers(0, 4)
_SALE_STARTS = st.sampled_from(["2024-01-01", "2025-06-15", "2025-06-16", "2026-01-01"])
_ADDON_SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from([k.value for k in AddonKind]),
        "must_connect": st.booleans(),
        "bounded_by_base": st.booleans(),
        "max_instances": st.integers(1, 3),
        "unit": st.sampled_from(["per_user", "capacity"]),
    },
)


@st.composite
def catalog_data(
    draw: st.DrawFn, max_plans: int = 5, max_addons: int = 6, max_capabilities: int = 4
) -> dict[str, Any]:
    """A valid catalog as plain data."""
    declared = draw(st.lists(st.sampled_from(CURRENCY_POOL), max_size=3, unique=True))
    capabilities = [f"cap-{i}" for i in range(draw(st.integers(0, max_capabilities)))]
    plan_ids = [f"plan-{i}" for i in range(draw(st.integers(1, max_plans)))]
    addon_ids = [f"addon-{i}" for i in range(draw(st.integers(0, max_addons)))]

    plans = []
    for i, plan_id in enumerate(plan_ids):
        plan: dict[str, Any] = {"id": plan_id, "name": _name("Plan", i)}
        grants = _subset(draw, capabilities)
        if grants:
            plan["grants"] = grants
        offers = draw(_offers(declared))
        if offers:
            plan["offers"] = offers
        plans.append(plan)

    addon_grants = [_subset(draw, capabilities) for _ in addon_ids]
    addons = []
    for i, addon_id in enumerate(addon_ids):
        later = {cap for grants in addon_grants[i:] for cap in grants}
        addon: dict[str, Any] = {
            "id": addon_id,
            "name": _name("Add-on", i),
            "available_on": _subset(draw, plan_ids, min_size=1),
        }
        requires = _subset(draw, [c for c in capabilities if c not in later])
        if requires:
            addon["requires"] = requires
        excludes = _subset(draw, [a for a in addon_ids if a != addon_id])
        if excludes:
            addon["excludes"] = excludes
        if addon_grants[i]:
            addon["grants"] = addon_grants[i]
        addon.update(draw(_ADDON_SETTINGS))
        offers = draw(_offers(declared))
        if offers:
            addon["offers"] = offers
        if draw(_SOMETIMES) == 0:
            addon["sold_from"] = draw(_SALE_STARTS)
        addons.append(addon)

    data: dict[str, Any] = {
        "id": "generated",
        "name": {"en": "Generated", "fr": "Généré"},
        "plans": plans,
    }
    if declared:
        data["currencies"] = declared
    if capabilities:
        data["capabilities"] = [
            {"id": cap, "name": _name("Capability", i)} for i, cap in enumerate(capabilities)
        ]
    if addons:
        data["addons"] = addons
    return data


def catalogs() -> st.SearchStrategy[Catalog]:
    """Valid catalogs, loaded."""
    return catalog_data().map(load_catalog)


STATUSES = tuple(SubscriptionStatus)
_STATUS = st.sampled_from(STATUSES)
_KINDS = st.sampled_from(list(AddonKind))
_OFFSETS = st.integers(-900, 30)  # days from AS_OF: mostly started, now and then not yet
_QUANTITIES = st.integers(0, 40)


@st.composite
def subscriptions(
    draw: st.DrawFn, catalog: Catalog, sub_id: str, parents: tuple[str, ...] = ()
) -> Subscription:
    """One subscription of a product of ``catalog`` (now and then of an unknown product)."""
    products = [p.id for p in catalog.plans] + [a.id for a in catalog.addons]
    product_id = draw(st.sampled_from([*products, "not-in-catalog"]))
    is_addon = catalog.get(product_id) is not None and not catalog.is_plan(product_id)
    if product_id == "not-in-catalog":
        is_addon = draw(st.booleans())
    start = AS_OF + timedelta(days=draw(_OFFSETS))
    return Subscription(
        sub_id,
        product_id,
        start,
        draw(_QUANTITIES),
        status=draw(_STATUS),
        addon_kind=draw(_KINDS) if is_addon else None,
        parent_id=draw(st.none() | st.sampled_from(parents)) if is_addon and parents else None,
    )


@st.composite
def tenants(draw: st.DrawFn, catalog: Catalog, max_size: int = 10) -> Tenant:
    """A tenant holding subscriptions of ``catalog``'s products in any state."""
    count = draw(st.integers(0, max_size))
    subs: list[Subscription] = []
    for i in range(count):
        parents = tuple(s.id for s in subs if s.addon_kind is None)
        subs.append(draw(subscriptions(catalog, f"s{i}", parents)))
    return Tenant("contoso", tuple(subs))


@st.composite
def catalog_and_tenant(draw: st.DrawFn) -> tuple[Catalog, Tenant]:
    """A valid catalog and a tenant over it."""
    catalog = draw(catalogs())
    return catalog, draw(tenants(catalog))
