"""subcommerce: an I/O-free model of Microsoft 365 for business commerce.

Money is exact (Decimal, ISO 4217 minor units), periods follow the calendar from their anchor,
proration keeps fractions exact and rounds once per line, and nothing reads a clock: every
function takes the as-of date it needs.

The foundation (errors, money, periods, proration) is imported with the package; the rest
(catalogs, add-ons, accounts, subscriptions, commands, orders, and the converter at the edge) is
imported on first use, so that ``import subcommerce`` stays fast for a service that only prices.
Every name below is importable as ``from subcommerce import NAME`` either way.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from subcommerce.errors import (
    CatalogInvalid,
    ConversionError,
    CurrencyMismatch,
    DateOutsidePeriod,
    InexactAmount,
    InvalidAccount,
    InvalidAmount,
    InvalidCommand,
    InvalidDate,
    InvalidPeriod,
    InvalidQuantity,
    InvalidTenant,
    MoneyArithmeticError,
    Reason,
    ReasonCode,
    Refused,
    SubcommerceError,
    UnknownCurrency,
    UnknownReference,
)
from subcommerce.money import (
    Currency,
    Money,
    RoundingMode,
    allocate,
    currency,
    round_ratio,
    to_decimal,
)
from subcommerce.periods import (
    BillingFrequency,
    Period,
    Term,
    add_months,
    billing_periods,
    check_date,
    days_in_month,
    period_containing,
    period_index,
)
from subcommerce.proration import (
    EXACT,
    PC_LEGACY_ANNUAL,
    PC_LEGACY_DAILY_RATE_2,
    PC_LEGACY_DAILY_RATE_3,
    PC_LEGACY_PER_LICENSE,
    PC_NCE,
    PRESETS,
    Adjustment,
    DayCount,
    LineKind,
    ProratedLine,
    ProrationConvention,
    RebillMethod,
    check_quantity,
    credit_and_rebill,
    prorate,
    refund_unused,
    split,
)

if TYPE_CHECKING:
    from subcommerce._builtin import (
        BUILTIN_CATALOGS,
        builtin_catalog,
        default_catalog,
        parse_catalog,
    )
    from subcommerce._convert import (
        check_catalog,
        dump_catalog,
        from_data,
        load_catalog,
        to_data,
    )
    from subcommerce.addons import (
        ADDON_SUBSCRIPTIONS_FROM,
        AddonAvailability,
        AddonPurchase,
        Availability,
        KindRules,
        addon_availability,
        addon_kind_for_purchase,
        availability,
        cancelled_with,
        check_addon_purchase,
        explain,
        kind_rules,
        purchase_addon,
    )
    from subcommerce.billing import (
        BillingAccountType,
    )
    from subcommerce.catalog import (
        Addon,
        AddonKind,
        Capability,
        Catalog,
        DisplayName,
        LicenseUnit,
        Matrix,
        MatrixCell,
        Offer,
        Plan,
        Prices,
        merge_catalogs,
    )
    from subcommerce.subscriptions import (
        Subscription,
        SubscriptionStatus,
        Tenant,
    )

__version__ = "0.1.0"

# Names imported on first use, and the module each comes from.
_LAZY: dict[str, str] = {
    "BUILTIN_CATALOGS": "subcommerce._builtin",
    "builtin_catalog": "subcommerce._builtin",
    "default_catalog": "subcommerce._builtin",
    "parse_catalog": "subcommerce._builtin",
    "check_catalog": "subcommerce._convert",
    "dump_catalog": "subcommerce._convert",
    "from_data": "subcommerce._convert",
    "load_catalog": "subcommerce._convert",
    "to_data": "subcommerce._convert",
    "ADDON_SUBSCRIPTIONS_FROM": "subcommerce.addons",
    "AddonAvailability": "subcommerce.addons",
    "AddonPurchase": "subcommerce.addons",
    "Availability": "subcommerce.addons",
    "KindRules": "subcommerce.addons",
    "addon_availability": "subcommerce.addons",
    "addon_kind_for_purchase": "subcommerce.addons",
    "availability": "subcommerce.addons",
    "cancelled_with": "subcommerce.addons",
    "check_addon_purchase": "subcommerce.addons",
    "explain": "subcommerce.addons",
    "kind_rules": "subcommerce.addons",
    "purchase_addon": "subcommerce.addons",
    "BillingAccountType": "subcommerce.billing",
    "Addon": "subcommerce.catalog",
    "AddonKind": "subcommerce.catalog",
    "Capability": "subcommerce.catalog",
    "Catalog": "subcommerce.catalog",
    "DisplayName": "subcommerce.catalog",
    "LicenseUnit": "subcommerce.catalog",
    "Matrix": "subcommerce.catalog",
    "MatrixCell": "subcommerce.catalog",
    "Offer": "subcommerce.catalog",
    "Plan": "subcommerce.catalog",
    "Prices": "subcommerce.catalog",
    "merge_catalogs": "subcommerce.catalog",
    "Subscription": "subcommerce.subscriptions",
    "SubscriptionStatus": "subcommerce.subscriptions",
    "Tenant": "subcommerce.subscriptions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'subcommerce' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ADDON_SUBSCRIPTIONS_FROM",
    "Addon",
    "AddonAvailability",
    "AddonKind",
    "AddonPurchase",
    "Adjustment",
    "Availability",
    "BUILTIN_CATALOGS",
    "BillingAccountType",
    "BillingFrequency",
    "Capability",
    "Catalog",
    "CatalogInvalid",
    "ConversionError",
    "Currency",
    "CurrencyMismatch",
    "DateOutsidePeriod",
    "DayCount",
    "DisplayName",
    "EXACT",
    "InexactAmount",
    "InvalidAccount",
    "InvalidAmount",
    "InvalidCommand",
    "InvalidDate",
    "InvalidPeriod",
    "InvalidQuantity",
    "InvalidTenant",
    "KindRules",
    "LicenseUnit",
    "LineKind",
    "Matrix",
    "MatrixCell",
    "Money",
    "MoneyArithmeticError",
    "Offer",
    "PC_LEGACY_ANNUAL",
    "PC_LEGACY_DAILY_RATE_2",
    "PC_LEGACY_DAILY_RATE_3",
    "PC_LEGACY_PER_LICENSE",
    "PC_NCE",
    "PRESETS",
    "Period",
    "Plan",
    "Prices",
    "ProratedLine",
    "ProrationConvention",
    "Reason",
    "ReasonCode",
    "RebillMethod",
    "Refused",
    "RoundingMode",
    "SubcommerceError",
    "Subscription",
    "SubscriptionStatus",
    "Tenant",
    "Term",
    "UnknownCurrency",
    "UnknownReference",
    "__version__",
    "add_months",
    "addon_availability",
    "addon_kind_for_purchase",
    "allocate",
    "availability",
    "billing_periods",
    "builtin_catalog",
    "cancelled_with",
    "check_addon_purchase",
    "check_catalog",
    "check_date",
    "check_quantity",
    "credit_and_rebill",
    "currency",
    "days_in_month",
    "default_catalog",
    "dump_catalog",
    "explain",
    "from_data",
    "kind_rules",
    "load_catalog",
    "merge_catalogs",
    "parse_catalog",
    "period_containing",
    "period_index",
    "prorate",
    "purchase_addon",
    "refund_unused",
    "round_ratio",
    "split",
    "to_data",
    "to_decimal",
]
