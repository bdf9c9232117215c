"""subcommerce: an I/O-free model of Microsoft 365 for business commerce.

Money is exact (Decimal, ISO 4217 minor units), periods follow the calendar from their anchor,
proration keeps fractions exact and rounds once per line, and nothing reads a clock: every
function takes the as-of date it needs.

``import subcommerce`` loads nothing but the table of names below (not even ``typing`` or
attrs): each public name's module is imported the first time the name is asked for, so that
importing the package costs less than ``import json`` and a service pays only for what it uses.
Every name below is importable as ``from subcommerce import NAME`` or ``subcommerce.NAME``.
"""

from __future__ import annotations

import sys

#: ``typing.TYPE_CHECKING`` without importing typing (about 6 ms); mypy treats a name spelled
#: ``TYPE_CHECKING`` as true.
TYPE_CHECKING = False

__version__ = "0.1.0"

#: The public face, in one table: each module and the names the package takes from it (a pair
#: gives a module's name under another one). ``__all__`` and the loading of every name derive
#: from it; the imports under TYPE_CHECKING show the same names to type checkers and IDEs
#: (tests/test_public_face.py keeps the two equal).
_PUBLIC: dict[str, tuple[str | tuple[str, str], ...]] = {
    "subcommerce.errors": (
        "CatalogInvalid",
        "ColumnOverflow",
        "ConversionError",
        "CurrencyMismatch",
        "DateOutOfRange",
        "DateOutsidePeriod",
        "DivisionByZero",
        "InexactAmount",
        "InvalidAccount",
        "InvalidAmount",
        "InvalidArgument",
        "InvalidChoice",
        "InvalidColumn",
        "InvalidCommand",
        "InvalidDate",
        "InvalidFormatSpec",
        "InvalidPeriod",
        "InvalidQuantity",
        "InvalidTenant",
        "MissingExtra",
        "MoneyArithmeticError",
        "Reason",
        "ReasonCode",
        "ReasonValues",
        "Refused",
        "SubcommerceError",
        "UnknownCurrency",
        "UnknownReference",
        "UnsupportedConvention",
    ),
    "subcommerce.money": (
        "Currency",
        "Money",
        "RoundingMode",
        "allocate",
        "currency",
        "round_ratio",
        "to_decimal",
    ),
    "subcommerce.periods": (
        "BillingFrequency",
        "Period",
        "Term",
        "add_months",
        "billing_periods",
        "check_date",
        "days_in_month",
        "period_containing",
        "period_index",
    ),
    "subcommerce.proration": (
        "EXACT",
        "PC_LEGACY_ANNUAL",
        "PC_LEGACY_DAILY_RATE_2",
        "PC_LEGACY_DAILY_RATE_3",
        "PC_LEGACY_PER_LICENSE",
        "PC_NCE",
        "PC_NCE_SEAT_CHANGE",
        "PRESETS",
        "Adjustment",
        "DayCount",
        "LedgerLayout",
        "LineKind",
        "ProratedLine",
        "ProrationConvention",
        "RebillMethod",
        "check_quantity",
        "credit_and_rebill",
        "prorate",
        "proration_convention",
        "refund_unused",
        "split",
    ),
    "subcommerce._builtin": (
        "BUILTIN_CATALOGS",
        "builtin_catalog",
        "default_catalog",
        "parse_catalog",
    ),
    "subcommerce._convert": (
        "check_catalog",
        "dump_catalog",
        "dump_scenario",
        "from_data",
        "load_catalog",
        "load_scenario",
        "to_data",
    ),
    "subcommerce._documents": (
        "from_json",
        "to_json",
    ),
    "subcommerce._schema": (
        "SCHEMA_KINDS",
        "schema",
    ),
    "subcommerce._scenario": (
        "DEMO_SCENARIO",
        "demo_scenario",
        "parse_scenario",
        "run_scenario",
        "scenario_catalog",
    ),
    "subcommerce.addons": (
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
    ),
    "subcommerce.alignment": (
        "ALIGNMENT_ACCOUNTS",
        "AlignedTerm",
        "aligned_term",
        "alignment_reasons",
    ),
    "subcommerce.billing_plans": (
        "BILLING_PLAN_DAYS",
        "PC_BILLING_PLAN_MONTHS",
        "BillingPlanProration",
        "ProrationBasis",
        "months_line",
        "next_billing_cycle",
    ),
    "subcommerce.billing": (
        "Action",
        "BillingAccount",
        "BillingAccountType",
        "BillingProfile",
        "InvoiceSection",
        "MICROSOFT",
        "PaymentMethod",
        "ROLE_ACTIONS",
        "Role",
        "RoleAssignment",
        "RoleScope",
        "authorize",
    ),
    "subcommerce.catalog": (
        "Addon",
        "AddonKind",
        "Capability",
        "Catalog",
        "DisplayName",
        "Gender",
        "LicenseUnit",
        "Matrix",
        "MatrixCell",
        "Offer",
        "Plan",
        "Prices",
        "merge_catalogs",
    ),
    "subcommerce.columnar": (
        "ChargeColumns",
        "PeriodColumns",
        "check_columnar_convention",
        "credit_and_rebill_nets",
        "periods_containing",
        "prorate_columns",
        "prorate_to_period_end",
        "round_ratios",
    ),
    "subcommerce.formatting": (
        "format_amount",
        "format_date",
        "format_money",
        "format_number",
    ),
    "subcommerce.commands": (
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
        ("apply_command", "apply"),
        ("check_command", "check"),
    ),
    "subcommerce.events": (
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
    ),
    "subcommerce.invoices": (
        "BILLED_STATUSES",
        "EntryCause",
        "Invoice",
        "Ledger",
        "LedgerEntry",
        "PAYMENT_TERMS_DAYS",
        "TAX_NOTE",
        "build_invoices",
        "open_ledger",
        "period_price",
        "statement_period",
    ),
    "subcommerce.layouts": (
        "SeatChange",
        "change_quantity",
        "effective_unit_price",
        "refund_and_charge",
    ),
    "subcommerce.lifecycle": (
        "Outcome",
        "advance",
        "next_transition",
        "status_since",
        "trial_end",
    ),
    "subcommerce.orders": (
        "AddAddon",
        "CARD_CHARGE_DAYS",
        "Cart",
        "CartLine",
        "ChangeLicenses",
        "ChangePlanLine",
        "NewSubscription",
        "PlaceOrder",
        "PlacedOrder",
        "Quote",
        "QuoteChanged",
        "QuoteLine",
        "check_order",
        "place_order",
        "quote",
    ),
    "subcommerce.plan_changes": (
        "AddonFate",
        "addon_fates",
        "change_targets",
        "prepare_plan_change",
    ),
    "subcommerce.policy": (
        "CancellationWindow",
        "ADDON_CANCELLATION_FROM",
        "CANCEL_2020",
        "CANCEL_2024",
        "CARD_CHARGE_CURRENT",
        "CARD_CHARGE_SEED_004",
        "ENTERPRISE_MULTI_YEAR",
        "TRIENNIAL_MIDTERM_FREQUENCY_UNTIL",
        "CardCharge",
        "CardChargeRule",
        "OnlineCancelCount",
        "OnlineCancelRule",
        "add_business_days",
        "DEFAULT_POLICY",
        "DurationRule",
        "LifecycleDurations",
        "Policy",
        "TrialPolicy",
        "VL_ENTERPRISE_AGREEMENT",
    ),
    "subcommerce.simulate": (
        "CreditCheck",
        "Refusal",
        "Scenario",
        "Step",
        "Timeline",
        ("begin_simulation", "begin"),
        ("resume_simulation", "resume"),
        ("simulate_scenario", "simulate"),
    ),
    "subcommerce.subscriptions": (
        "InvoiceGroup",
        "LicenseBlock",
        "PurchaseChannel",
        "ScheduledChange",
        "Subscription",
        "SubscriptionStatus",
        "Tenant",
    ),
    "subcommerce.batch": (
        ("compare_variants", "compare"),
        "simulate_bag",
        "simulate_many",
    ),
}
if TYPE_CHECKING:
    from subcommerce._builtin import BUILTIN_CATALOGS as BUILTIN_CATALOGS
    from subcommerce._builtin import builtin_catalog as builtin_catalog
    from subcommerce._builtin import default_catalog as default_catalog
    from subcommerce._builtin import parse_catalog as parse_catalog
    from subcommerce._convert import check_catalog as check_catalog
    from subcommerce._convert import dump_catalog as dump_catalog
    from subcommerce._convert import dump_scenario as dump_scenario
    from subcommerce._convert import from_data as from_data
    from subcommerce._convert import load_catalog as load_catalog
    from subcommerce._convert import load_scenario as load_scenario
    from subcommerce._convert import to_data as to_data
    from subcommerce._documents import from_json as from_json
    from subcommerce._documents import to_json as to_json
    from subcommerce._scenario import DEMO_SCENARIO as DEMO_SCENARIO
    from subcommerce._scenario import demo_scenario as demo_scenario
    from subcommerce._scenario import parse_scenario as parse_scenario
    from subcommerce._scenario import run_scenario as run_scenario
    from subcommerce._scenario import scenario_catalog as scenario_catalog
    from subcommerce._schema import SCHEMA_KINDS as SCHEMA_KINDS
    from subcommerce._schema import schema as schema
    from subcommerce.addons import ADDON_SUBSCRIPTIONS_FROM as ADDON_SUBSCRIPTIONS_FROM
    from subcommerce.addons import AddonAvailability as AddonAvailability
    from subcommerce.addons import AddonPurchase as AddonPurchase
    from subcommerce.addons import Availability as Availability
    from subcommerce.addons import KindRules as KindRules
    from subcommerce.addons import addon_availability as addon_availability
    from subcommerce.addons import addon_kind_for_purchase as addon_kind_for_purchase
    from subcommerce.addons import availability as availability
    from subcommerce.addons import cancelled_with as cancelled_with
    from subcommerce.addons import check_addon_purchase as check_addon_purchase
    from subcommerce.addons import explain as explain
    from subcommerce.addons import kind_rules as kind_rules
    from subcommerce.addons import purchase_addon as purchase_addon
    from subcommerce.alignment import ALIGNMENT_ACCOUNTS as ALIGNMENT_ACCOUNTS
    from subcommerce.alignment import AlignedTerm as AlignedTerm
    from subcommerce.alignment import aligned_term as aligned_term
    from subcommerce.alignment import alignment_reasons as alignment_reasons
    from subcommerce.batch import compare as _compare_variants
    from subcommerce.batch import simulate_bag as simulate_bag
    from subcommerce.batch import simulate_many as simulate_many
    from subcommerce.billing import MICROSOFT as MICROSOFT
    from subcommerce.billing import ROLE_ACTIONS as ROLE_ACTIONS
    from subcommerce.billing import Action as Action
    from subcommerce.billing import BillingAccount as BillingAccount
    from subcommerce.billing import BillingAccountType as BillingAccountType
    from subcommerce.billing import BillingProfile as BillingProfile
    from subcommerce.billing import InvoiceSection as InvoiceSection
    from subcommerce.billing import PaymentMethod as PaymentMethod
    from subcommerce.billing import Role as Role
    from subcommerce.billing import RoleAssignment as RoleAssignment
    from subcommerce.billing import RoleScope as RoleScope
    from subcommerce.billing import authorize as authorize
    from subcommerce.billing_plans import BILLING_PLAN_DAYS as BILLING_PLAN_DAYS
    from subcommerce.billing_plans import PC_BILLING_PLAN_MONTHS as PC_BILLING_PLAN_MONTHS
    from subcommerce.billing_plans import BillingPlanProration as BillingPlanProration
    from subcommerce.billing_plans import ProrationBasis as ProrationBasis
    from subcommerce.billing_plans import months_line as months_line
    from subcommerce.billing_plans import next_billing_cycle as next_billing_cycle
    from subcommerce.catalog import Addon as Addon
    from subcommerce.catalog import AddonKind as AddonKind
    from subcommerce.catalog import Capability as Capability
    from subcommerce.catalog import Catalog as Catalog
    from subcommerce.catalog import DisplayName as DisplayName
    from subcommerce.catalog import Gender as Gender
    from subcommerce.catalog import LicenseUnit as LicenseUnit
    from subcommerce.catalog import Matrix as Matrix
    from subcommerce.catalog import MatrixCell as MatrixCell
    from subcommerce.catalog import Offer as Offer
    from subcommerce.catalog import Plan as Plan
    from subcommerce.catalog import Prices as Prices
    from subcommerce.catalog import merge_catalogs as merge_catalogs
    from subcommerce.columnar import ChargeColumns as ChargeColumns
    from subcommerce.columnar import PeriodColumns as PeriodColumns
    from subcommerce.columnar import check_columnar_convention as check_columnar_convention
    from subcommerce.columnar import credit_and_rebill_nets as credit_and_rebill_nets
    from subcommerce.columnar import periods_containing as periods_containing
    from subcommerce.columnar import prorate_columns as prorate_columns
    from subcommerce.columnar import prorate_to_period_end as prorate_to_period_end
    from subcommerce.columnar import round_ratios as round_ratios
    from subcommerce.commands import AssignLicenses as AssignLicenses
    from subcommerce.commands import CancelSubscription as CancelSubscription
    from subcommerce.commands import ChangeBillingFrequency as ChangeBillingFrequency
    from subcommerce.commands import ChangeLicenseQuantity as ChangeLicenseQuantity
    from subcommerce.commands import ChangePlan as ChangePlan
    from subcommerce.commands import ChangeTerm as ChangeTerm
    from subcommerce.commands import Command as Command
    from subcommerce.commands import CompleteCreditCheck as CompleteCreditCheck
    from subcommerce.commands import ConvertTrial as ConvertTrial
    from subcommerce.commands import DeleteSubscription as DeleteSubscription
    from subcommerce.commands import ExtendTrial as ExtendTrial
    from subcommerce.commands import GrantRole as GrantRole
    from subcommerce.commands import PurchaseSubscription as PurchaseSubscription
    from subcommerce.commands import Reactivate as Reactivate
    from subcommerce.commands import ScheduleProductChange as ScheduleProductChange
    from subcommerce.commands import SetPaymentMethod as SetPaymentMethod
    from subcommerce.commands import SetRecurringBilling as SetRecurringBilling
    from subcommerce.commands import StartTrial as StartTrial
    from subcommerce.commands import UnassignLicenses as UnassignLicenses
    from subcommerce.commands import apply as _apply_command
    from subcommerce.commands import check as _check_command
    from subcommerce.errors import CatalogInvalid as CatalogInvalid
    from subcommerce.errors import ColumnOverflow as ColumnOverflow
    from subcommerce.errors import ConversionError as ConversionError
    from subcommerce.errors import CurrencyMismatch as CurrencyMismatch
    from subcommerce.errors import DateOutOfRange as DateOutOfRange
    from subcommerce.errors import DateOutsidePeriod as DateOutsidePeriod
    from subcommerce.errors import DivisionByZero as DivisionByZero
    from subcommerce.errors import InexactAmount as InexactAmount
    from subcommerce.errors import InvalidAccount as InvalidAccount
    from subcommerce.errors import InvalidAmount as InvalidAmount
    from subcommerce.errors import InvalidArgument as InvalidArgument
    from subcommerce.errors import InvalidChoice as InvalidChoice
    from subcommerce.errors import InvalidColumn as InvalidColumn
    from subcommerce.errors import InvalidCommand as InvalidCommand
    from subcommerce.errors import InvalidDate as InvalidDate
    from subcommerce.errors import InvalidFormatSpec as InvalidFormatSpec
    from subcommerce.errors import InvalidPeriod as InvalidPeriod
    from subcommerce.errors import InvalidQuantity as InvalidQuantity
    from subcommerce.errors import InvalidTenant as InvalidTenant
    from subcommerce.errors import MissingExtra as MissingExtra
    from subcommerce.errors import MoneyArithmeticError as MoneyArithmeticError
    from subcommerce.errors import Reason as Reason
    from subcommerce.errors import ReasonCode as ReasonCode
    from subcommerce.errors import ReasonValues as ReasonValues
    from subcommerce.errors import Refused as Refused
    from subcommerce.errors import SubcommerceError as SubcommerceError
    from subcommerce.errors import UnknownCurrency as UnknownCurrency
    from subcommerce.errors import UnknownReference as UnknownReference
    from subcommerce.errors import UnsupportedConvention as UnsupportedConvention
    from subcommerce.events import BillingFrequencyChanged as BillingFrequencyChanged
    from subcommerce.events import ChangeScheduled as ChangeScheduled
    from subcommerce.events import CreditCheckCompleted as CreditCheckCompleted
    from subcommerce.events import Event as Event
    from subcommerce.events import LicensesAssigned as LicensesAssigned
    from subcommerce.events import LicensesChanged as LicensesChanged
    from subcommerce.events import OverAssignmentEnded as OverAssignmentEnded
    from subcommerce.events import OverAssignmentStarted as OverAssignmentStarted
    from subcommerce.events import PaymentMethodSet as PaymentMethodSet
    from subcommerce.events import PlanChanged as PlanChanged
    from subcommerce.events import ProductChanged as ProductChanged
    from subcommerce.events import Reactivated as Reactivated
    from subcommerce.events import RecurringBillingChanged as RecurringBillingChanged
    from subcommerce.events import Renewed as Renewed
    from subcommerce.events import RoleGranted as RoleGranted
    from subcommerce.events import ScheduledChangeDropped as ScheduledChangeDropped
    from subcommerce.events import StatusCause as StatusCause
    from subcommerce.events import StatusChanged as StatusChanged
    from subcommerce.events import SubscriptionCancelled as SubscriptionCancelled
    from subcommerce.events import SubscriptionPurchased as SubscriptionPurchased
    from subcommerce.events import TermChanged as TermChanged
    from subcommerce.events import TrialConverted as TrialConverted
    from subcommerce.events import TrialExtended as TrialExtended
    from subcommerce.formatting import format_amount as format_amount
    from subcommerce.formatting import format_date as format_date
    from subcommerce.formatting import format_money as format_money
    from subcommerce.formatting import format_number as format_number
    from subcommerce.invoices import BILLED_STATUSES as BILLED_STATUSES
    from subcommerce.invoices import PAYMENT_TERMS_DAYS as PAYMENT_TERMS_DAYS
    from subcommerce.invoices import TAX_NOTE as TAX_NOTE
    from subcommerce.invoices import EntryCause as EntryCause
    from subcommerce.invoices import Invoice as Invoice
    from subcommerce.invoices import Ledger as Ledger
    from subcommerce.invoices import LedgerEntry as LedgerEntry
    from subcommerce.invoices import build_invoices as build_invoices
    from subcommerce.invoices import open_ledger as open_ledger
    from subcommerce.invoices import period_price as period_price
    from subcommerce.invoices import statement_period as statement_period
    from subcommerce.layouts import SeatChange as SeatChange
    from subcommerce.layouts import change_quantity as change_quantity
    from subcommerce.layouts import effective_unit_price as effective_unit_price
    from subcommerce.layouts import refund_and_charge as refund_and_charge
    from subcommerce.lifecycle import Outcome as Outcome
    from subcommerce.lifecycle import advance as advance
    from subcommerce.lifecycle import next_transition as next_transition
    from subcommerce.lifecycle import status_since as status_since
    from subcommerce.lifecycle import trial_end as trial_end
    from subcommerce.money import Currency as Currency
    from subcommerce.money import Money as Money
    from subcommerce.money import RoundingMode as RoundingMode
    from subcommerce.money import allocate as allocate
    from subcommerce.money import currency as currency
    from subcommerce.money import round_ratio as round_ratio
    from subcommerce.money import to_decimal as to_decimal
    from subcommerce.orders import CARD_CHARGE_DAYS as CARD_CHARGE_DAYS
    from subcommerce.orders import AddAddon as AddAddon
    from subcommerce.orders import Cart as Cart
    from subcommerce.orders import CartLine as CartLine
    from subcommerce.orders import ChangeLicenses as ChangeLicenses
    from subcommerce.orders import ChangePlanLine as ChangePlanLine
    from subcommerce.orders import NewSubscription as NewSubscription
    from subcommerce.orders import PlacedOrder as PlacedOrder
    from subcommerce.orders import PlaceOrder as PlaceOrder
    from subcommerce.orders import Quote as Quote
    from subcommerce.orders import QuoteChanged as QuoteChanged
    from subcommerce.orders import QuoteLine as QuoteLine
    from subcommerce.orders import check_order as check_order
    from subcommerce.orders import place_order as place_order
    from subcommerce.orders import quote as quote
    from subcommerce.periods import BillingFrequency as BillingFrequency
    from subcommerce.periods import Period as Period
    from subcommerce.periods import Term as Term
    from subcommerce.periods import add_months as add_months
    from subcommerce.periods import billing_periods as billing_periods
    from subcommerce.periods import check_date as check_date
    from subcommerce.periods import days_in_month as days_in_month
    from subcommerce.periods import period_containing as period_containing
    from subcommerce.periods import period_index as period_index
    from subcommerce.plan_changes import AddonFate as AddonFate
    from subcommerce.plan_changes import addon_fates as addon_fates
    from subcommerce.plan_changes import change_targets as change_targets
    from subcommerce.plan_changes import prepare_plan_change as prepare_plan_change
    from subcommerce.policy import ADDON_CANCELLATION_FROM as ADDON_CANCELLATION_FROM
    from subcommerce.policy import CANCEL_2020 as CANCEL_2020
    from subcommerce.policy import CANCEL_2024 as CANCEL_2024
    from subcommerce.policy import CARD_CHARGE_CURRENT as CARD_CHARGE_CURRENT
    from subcommerce.policy import CARD_CHARGE_SEED_004 as CARD_CHARGE_SEED_004
    from subcommerce.policy import DEFAULT_POLICY as DEFAULT_POLICY
    from subcommerce.policy import ENTERPRISE_MULTI_YEAR as ENTERPRISE_MULTI_YEAR
    from subcommerce.policy import (
        TRIENNIAL_MIDTERM_FREQUENCY_UNTIL as TRIENNIAL_MIDTERM_FREQUENCY_UNTIL,
    )
    from subcommerce.policy import VL_ENTERPRISE_AGREEMENT as VL_ENTERPRISE_AGREEMENT
    from subcommerce.policy import CancellationWindow as CancellationWindow
    from subcommerce.policy import CardCharge as CardCharge
    from subcommerce.policy import CardChargeRule as CardChargeRule
    from subcommerce.policy import DurationRule as DurationRule
    from subcommerce.policy import LifecycleDurations as LifecycleDurations
    from subcommerce.policy import OnlineCancelCount as OnlineCancelCount
    from subcommerce.policy import OnlineCancelRule as OnlineCancelRule
    from subcommerce.policy import Policy as Policy
    from subcommerce.policy import TrialPolicy as TrialPolicy
    from subcommerce.policy import add_business_days as add_business_days
    from subcommerce.proration import EXACT as EXACT
    from subcommerce.proration import PC_LEGACY_ANNUAL as PC_LEGACY_ANNUAL
    from subcommerce.proration import PC_LEGACY_DAILY_RATE_2 as PC_LEGACY_DAILY_RATE_2
    from subcommerce.proration import PC_LEGACY_DAILY_RATE_3 as PC_LEGACY_DAILY_RATE_3
    from subcommerce.proration import PC_LEGACY_PER_LICENSE as PC_LEGACY_PER_LICENSE
    from subcommerce.proration import PC_NCE as PC_NCE
    from subcommerce.proration import PC_NCE_SEAT_CHANGE as PC_NCE_SEAT_CHANGE
    from subcommerce.proration import PRESETS as PRESETS
    from subcommerce.proration import Adjustment as Adjustment
    from subcommerce.proration import DayCount as DayCount
    from subcommerce.proration import LedgerLayout as LedgerLayout
    from subcommerce.proration import LineKind as LineKind
    from subcommerce.proration import ProratedLine as ProratedLine
    from subcommerce.proration import ProrationConvention as ProrationConvention
    from subcommerce.proration import RebillMethod as RebillMethod
    from subcommerce.proration import check_quantity as check_quantity
    from subcommerce.proration import credit_and_rebill as credit_and_rebill
    from subcommerce.proration import prorate as prorate
    from subcommerce.proration import proration_convention as proration_convention
    from subcommerce.proration import refund_unused as refund_unused
    from subcommerce.proration import split as split
    from subcommerce.simulate import CreditCheck as CreditCheck
    from subcommerce.simulate import Refusal as Refusal
    from subcommerce.simulate import Scenario as Scenario
    from subcommerce.simulate import Step as Step
    from subcommerce.simulate import Timeline as Timeline
    from subcommerce.simulate import begin as _begin_simulation
    from subcommerce.simulate import resume as _resume_simulation
    from subcommerce.simulate import simulate as _simulate_scenario
    from subcommerce.subscriptions import InvoiceGroup as InvoiceGroup
    from subcommerce.subscriptions import LicenseBlock as LicenseBlock
    from subcommerce.subscriptions import PurchaseChannel as PurchaseChannel
    from subcommerce.subscriptions import ScheduledChange as ScheduledChange
    from subcommerce.subscriptions import Subscription as Subscription
    from subcommerce.subscriptions import SubscriptionStatus as SubscriptionStatus
    from subcommerce.subscriptions import Tenant as Tenant

    apply_command = _apply_command
    check_command = _check_command
    begin_simulation = _begin_simulation
    resume_simulation = _resume_simulation
    simulate_scenario = _simulate_scenario
    compare_variants = _compare_variants


#: Where each public name comes from: (module, name there).
_LAZY: dict[str, tuple[str, str]] = {
    (entry if isinstance(entry, str) else entry[0]): (
        module,
        entry if isinstance(entry, str) else entry[1],
    )
    for module, entries in _PUBLIC.items()
    for entry in entries
}

__all__ = sorted(["__version__", *_LAZY])

#: The public modules of the table, reachable as ``subcommerce.money`` and the like once the
#: package is imported, as they were when the package loaded its foundation eagerly.
_MODULES: frozenset[str] = frozenset(
    module.rpartition(".")[2] for module in _PUBLIC if not module.rpartition(".")[2].startswith("_")
)


def __getattr__(name: str) -> object:
    where = _LAZY.get(name)
    if where is None:
        if name in _MODULES:
            __import__(f"subcommerce.{name}")  # which binds it here, as every import does
            return sys.modules[f"subcommerce.{name}"]
        raise AttributeError(f"module 'subcommerce' has no attribute {name!r}")
    module, attribute = where
    __import__(module)
    value = getattr(sys.modules[module], attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
