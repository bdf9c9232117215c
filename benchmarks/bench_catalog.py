"""Catalog benchmarks: availability for a large tenant, loading the default catalog.

* availability of every add-on of the default catalog for a tenant with 50 subscriptions, 20 of
  them owned add-ons (target 100 us), against a plain dict-and-loop version of the same rules
  over the same data;
* reading, loading and validating the default catalog from its TOML text (target 20 ms), against
  ``tomllib`` reading the same text without building or checking anything.

``import subcommerce`` itself is measured in bench_import.py.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal

from _harness import Benchmark
from subcommerce._builtin import BUILTIN_CATALOGS, builtin_text, default_catalog, parse_catalog
from subcommerce.addons import availability
from subcommerce.catalog import AddonKind, DisplayName, merge_catalogs
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant

AS_OF = date(2026, 6, 15)
CATALOG = default_catalog()
STATUSES = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.TRIAL,
    SubscriptionStatus.EXPIRED,
    SubscriptionStatus.DISABLED,
)


def _big_tenant() -> Tenant:
    """30 base subscriptions over every plan, in mixed states, and 20 owned add-ons."""
    plans = [p.id for p in CATALOG.plans]
    addons = [a.id for a in CATALOG.addons]
    subs = [
        Subscription(
            f"base-{i}",
            plans[(i * 7) % len(plans)],
            date(2025, 1, 1 + i % 28),
            10 + i,
            status=STATUSES[i % len(STATUSES)],
        )
        for i in range(30)
    ]
    subs += [
        Subscription(
            f"addon-{i}",
            addons[(i * 5) % len(addons)],
            date(2025, 2, 1 + i % 28),
            5,
            status=STATUSES[i % len(STATUSES)],
            addon_kind=AddonKind.STANDALONE,
            parent_id=f"base-{i}",
        )
        for i in range(20)
    ]
    return Tenant("contoso", tuple(subs))


TENANT = _big_tenant()


def subject_availability() -> object:
    return availability(CATALOG, TENANT, AS_OF)


# The reference: the same rules over plain dicts and tuples, written the obvious way.
ACTIVE = {"active", "trial"}
PLAIN_PRODUCTS = {
    **{p.id: {"grants": set(p.grants)} for p in CATALOG.plans},
    **{
        a.id: {
            "grants": set(a.grants),
            "available_on": list(a.available_on),
            "requires": list(a.requires),
            "excludes": set(a.excludes),
            "max_instances": a.max_instances,
            "sold_from": a.sold_from,
            "sold_until": a.sold_until,
        }
        for a in CATALOG.addons
    },
}
PLAIN_ADDONS = [a.id for a in CATALOG.addons]
PLAIN_TENANT = [
    (s.id, s.product_id, s.start, s.status.value, s.addon_kind is not None)
    for s in TENANT.subscriptions
]


def reference_availability() -> object:
    started = [s for s in PLAIN_TENANT if s[2] <= AS_OF and s[1] in PLAIN_PRODUCTS]
    granted: set[str] = set()
    for s in started:
        if s[3] in ACTIVE:
            granted |= PLAIN_PRODUCTS[s[1]]["grants"]  # type: ignore[operator]
    held = [s[1] for s in started if s[4] and s[3] != "deleted"]
    result = {}
    for addon_id in PLAIN_ADDONS:
        addon = PLAIN_PRODUCTS[addon_id]
        ok = True
        if addon["sold_from"] is not None and addon["sold_from"] > AS_OF:  # type: ignore[operator]
            ok = False
        if addon["sold_until"] is not None and addon["sold_until"] <= AS_OF:  # type: ignore[operator]
            ok = False
        bases = [
            s[0]
            for s in started
            if not s[4] and s[1] in addon["available_on"] and s[3] in ACTIVE  # type: ignore[operator]
        ]
        if not bases:
            ok = False
        for cap in addon["requires"]:  # type: ignore[attr-defined]
            if cap not in granted:
                ok = False
        for other in PLAIN_ADDONS:
            mutual = other in addon["excludes"] or addon_id in PLAIN_PRODUCTS[other]["excludes"]  # type: ignore[operator]
            if mutual and other in held:
                ok = False
        limit = addon["max_instances"]
        if limit is not None and held.count(addon_id) >= limit:  # type: ignore[operator]
            ok = False
        result[addon_id] = tuple(bases) if ok else None
    return result


def check_availability() -> None:
    ours = subject_availability()
    ref = reference_availability()
    assert isinstance(ref, dict)
    for item in ours:  # type: ignore[attr-defined]
        expected = ref[item.addon_id]
        assert item.available == (expected is not None), item
        if expected is not None:
            # the reference lists bases in tenant order too
            assert item.connectable == expected, (item, expected)
    assert 0 < len(ours.available) < len(CATALOG.addons)  # type: ignore[attr-defined]


TEXTS = [builtin_text(name) for name in BUILTIN_CATALOGS]
NAME = DisplayName("Default", "Par défaut")


def subject_load() -> object:
    return merge_catalogs("default", NAME, [parse_catalog(text) for text in TEXTS])


def reference_load() -> object:
    return [tomllib.loads(text, parse_float=Decimal) for text in TEXTS]


def check_load() -> None:
    catalog = subject_load()
    plain = reference_load()
    assert isinstance(plain, list)
    assert len(catalog.plans) == sum(len(d["plans"]) for d in plain)  # type: ignore[attr-defined]
    assert len(catalog.addons) == sum(len(d["addons"]) for d in plain)  # type: ignore[attr-defined]
    assert catalog.plans == CATALOG.plans  # type: ignore[attr-defined]


def benchmarks(smoke: bool) -> list[Benchmark]:
    return [
        Benchmark(
            "catalog: availability, 50 subscriptions, 20 owned add-ons, default catalog",
            subject_availability,
            target_us=100,
            reference=reference_availability,
            reference_name="dicts and loops, same rules",
            check=check_availability,
            note=(
                f"{len(CATALOG.addons)} add-ons x {len(CATALOG.plans)} plans; the subject also "
                "builds the reasons (codes, subjects, details) of every unavailable add-on"
            ),
        ),
        Benchmark(
            "catalog: load and validate the default catalog from TOML",
            subject_load,
            target_us=20_000,
            reference=reference_load,
            reference_name="tomllib.loads only",
        ),
    ]
