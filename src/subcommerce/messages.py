"""Messages at the edge: a :class:`~subcommerce.errors.Reason` rendered in the reader's language.

A reason is a code and the values it is about; this module turns it into words, late, from
gettext message catalogs (``locales/<lang>/LC_MESSAGES/subcommerce.po``) managed with Babel, with
the plural rules and the number, date and unit formats of CLDR. Adding a language is adding one
catalog file: no code names a language.

How a message is chosen. Each code has one or more *templates* (:data:`TEMPLATES`): the first
whose values are all set on the reason is used. Its gettext context (``msgctxt``) is the code,
``code:variant`` for a variant, with ``|feminine`` added when the sentence agrees with a product
whose French name is feminine (the gender is data in the catalog, ``fr_gender``). A template with
a count is looked up with ``npgettext``, so that the catalog's ``Plural-Forms`` (from CLDR) picks
« 1 licence » / « 2 licences », and « 0 licence » in French but "0 licenses" in English.

Values are formatted for the locale before they go in: dates in CLDR's long format
(« 8 mars 2025 »), counts with the locale's digits, durations and terms as CLDR units
(« 72 heures », « 1 an »), lists with the locale's conjunction (« A, B et C »), statuses, roles,
actions and the like through the catalog (context ``status``, ``role``, ...). Nothing here reads
the environment: the caller names the language.

>>> from subcommerce.errors import Reason, ReasonCode
>>> reason = Reason(ReasonCode.NOT_ENOUGH_LICENSES, subscription="s1", count=1)
>>> render(reason, "en")
'Subscription s1: only 1 license is free; buy more before assigning'
>>> print(render(reason, "fr"))
L'abonnement s1 : il ne reste que 1 licence libre ; achetez-en d'autres avant d'attribuer
"""

from __future__ import annotations

import functools
import io
import re
import string
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from gettext import GNUTranslations
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

import attrs
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.units import format_unit

from subcommerce import formatting
from subcommerce.catalog import Catalog, Gender
from subcommerce.errors import (
    InvalidArgument,
    Reason,
    ReasonCode,
    SubcommerceError,
    UnknownReference,
)
from subcommerce.money import Money
from subcommerce.periods import Period
from subcommerce.proration import LineKind

__all__ = [
    "DOMAIN",
    "LINE_NOTES",
    "TEMPLATES",
    "Template",
    "languages",
    "line_note",
    "render",
    "render_note",
    "template_for",
    "template_messages",
    "translations",
]

#: The gettext domain of subcommerce's catalogs.
DOMAIN: Final = "subcommerce"


@attrs.frozen
class Template:
    """One way a code is said: the values it needs, its English text, and how it varies.

    ``context`` is the gettext ``msgctxt``; ``needs`` the reason's fields that must be set for
    this template to be chosen; ``plural`` and ``count`` (a field: an int, or a list whose length
    counts) make it a plural message; ``gendered`` marks a sentence that agrees with the
    product's gender.
    """

    context: str
    needs: frozenset[str]
    singular: str
    plural: str | None = None
    count: str | None = None
    gendered: bool = False


def _t(
    context: str,
    needs: str,
    singular: str,
    plural: str | None = None,
    *,
    count: str | None = None,
    gendered: bool = False,
) -> Template:
    return Template(context, frozenset(needs.split()), singular, plural, count, gendered)


_C = ReasonCode
_SUB = "Subscription {subscription}"

#: Every code's templates, the most specific first. The English text here is the ``msgid``.
TEMPLATES: Final[Mapping[ReasonCode, tuple[Template, ...]]] = MappingProxyType(
    {
        _C.NO_ELIGIBLE_BASE: (
            _t(
                "no_eligible_base:products",
                "product products",
                "{product} cannot be bought on any plan this tenant has; it is sold on {products}",
                gendered=True,
            ),
            _t(
                "no_eligible_base",
                "product",
                "{product} cannot be bought on any plan this tenant has",
                gendered=True,
            ),
        ),
        _C.ELIGIBLE_BASE_NOT_ACTIVE: (
            _t(
                "eligible_base_not_active",
                "product subscriptions",
                "{product} needs an active subscription of a plan it is sold on; "
                "{subscriptions} is not active",
                "{product} needs an active subscription of a plan it is sold on; "
                "{subscriptions} are not active",
                count="subscriptions",
                gendered=True,
            ),
            _t(
                "eligible_base_not_active:bare",
                "product",
                "{product} needs an active subscription of a plan it is sold on",
                gendered=True,
            ),
        ),
        _C.MISSING_CAPABILITY: (
            _t(
                "missing_capability",
                "product capability",
                "{product} requires the capability {capability}",
            ),
        ),
        _C.EXCLUDED_BY_OWNED_ADDON: (
            _t(
                "excluded_by_owned_addon",
                "product products",
                "{product} cannot be combined with {products}, which the tenant already has",
                gendered=True,
            ),
        ),
        _C.INSTANCE_LIMIT_REACHED: (
            _t(
                "instance_limit_reached",
                "product limit",
                "{product}: the tenant already holds as many as allowed ({limit} subscription)",
                "{product}: the tenant already holds as many as allowed ({limit} subscriptions)",
                count="limit",
            ),
        ),
        _C.NOT_OFFERED_IN_CURRENCY: (
            _t(
                "not_offered_in_currency",
                "product currency",
                "{product} has no price in {currency}",
            ),
        ),
        _C.WRONG_PURCHASE_PATH: (
            _t(
                "wrong_purchase_path",
                "product account_type",
                "{product}: wrong purchase path for the account type {account_type} (MOSA: buy it "
                "from a base subscription; MCA: buy it like any other product, without a base "
                "subscription)",
                gendered=True,
            ),
        ),
        _C.NOT_YET_ON_SALE: (
            _t("not_yet_on_sale", "product on", "{product} is not on sale before {on}"),
        ),
        _C.NOT_CONNECTABLE: (
            _t(
                "not_connectable",
                "product subscription",
                "{product} cannot be connected to subscription {subscription}: it is not an "
                "active subscription of a plan {product} can be bought on",
                gendered=True,
            ),
        ),
        _C.NO_MATCHING_OFFER: (
            _t(
                "no_matching_offer:base_term",
                "product term billing_frequency base_term",
                "{product} is not offered on that term and billing frequency ({term}, billed "
                "{billing_frequency}); a traditional add-on runs on its base's term, {base_term}",
                gendered=True,
            ),
            _t(
                "no_matching_offer",
                "product term billing_frequency",
                "{product} is not offered on that term and billing frequency ({term}, billed "
                "{billing_frequency})",
                gendered=True,
            ),
        ),
        _C.NOT_AUTHORIZED: (
            _t("not_authorized", "principal action", "{principal} may not {action}"),
        ),
        _C.CREDIT_CHECK_PENDING: (
            _t(
                "credit_check_pending",
                "subscription",
                _SUB + ": a credit check is pending; licenses cannot be changed until it completes",
            ),
        ),
        _C.PREPAID_PRODUCT_KEY: (
            _t(
                "prepaid_product_key",
                "subscription",
                _SUB + " was prepaid with a product key; its licenses cannot be changed here",
            ),
        ),
        _C.VOLUME_LICENSING: (
            _t(
                "volume_licensing",
                "subscription",
                _SUB + " was bought through Volume Licensing or a partner; change it there",
            ),
        ),
        _C.CLOUD_SOLUTION_PROVIDER: (
            _t(
                "cloud_solution_provider",
                "subscription",
                _SUB + " was bought through a Cloud Solution Provider; contact the provider",
            ),
        ),
        _C.TRIAL: (
            _t(
                "trial",
                "subscription",
                _SUB + " is a trial; buy it before changing its licenses",
            ),
        ),
        _C.NOT_ACTIVE: (
            _t("not_active", "subscription status", _SUB + " is not active ({status})"),
            _t("not_active:bare", "subscription", _SUB + " is not active"),
        ),
        _C.END_OF_SALE: (
            _t(
                "end_of_sale:on",
                "product on",
                "{product} has not been sold since {on}",
                gendered=True,
            ),
            _t("end_of_sale", "product", "{product} is no longer sold", gendered=True),
        ),
        _C.BELOW_ASSIGNED: (
            _t(
                "below_assigned",
                "subscription count",
                _SUB + ": the new total is below the {count} license assigned; unassign some first",
                _SUB + ": the new total is below the {count} licenses assigned; unassign some "
                "first",
                count="count",
            ),
        ),
        _C.OUTSIDE_CANCELLATION_WINDOW: (
            _t(
                "outside_cancellation_window:licenses",
                "subscription window count",
                _SUB + ": licenses can be removed only within {window} of buying them; "
                "{count} can be removed now",
                _SUB + ": licenses can be removed only within {window} of buying them; "
                "{count} can be removed now",
                count="count",
            ),
            _t(
                "outside_cancellation_window",
                "subscription window on",
                _SUB + ": the cancellation window ({window}) closed on {on}; turn off recurring "
                "billing instead",
            ),
        ),
        _C.RECURRING_BILLING_OFF: (
            _t(
                "recurring_billing_off",
                "subscription",
                _SUB + ": recurring billing is off; licenses can be removed only while it is on",
            ),
        ),
        _C.TRADITIONAL_ADDON_REMOVAL: (
            _t(
                "traditional_addon_removal",
                "subscription",
                _SUB + " is a traditional add-on; only support can remove it",
            ),
        ),
        _C.SUBSCRIPTION_DELETED: (
            _t(
                "subscription_deleted",
                "subscription",
                _SUB + " is deleted and cannot come back",
            ),
        ),
        _C.NO_PAYMENT_METHOD: (
            _t(
                "no_payment_method",
                "subscription",
                _SUB + ": no payment method; add one first",
            ),
        ),
        _C.TRIAL_EXTENSION_NOT_ALLOWED: (
            _t(
                "trial_extension_not_allowed:status",
                "subscription status",
                _SUB + " cannot be extended: it is not a trial ({status})",
            ),
            _t(
                "trial_extension_not_allowed:limit",
                "subscription limit",
                _SUB + ": the trial was already extended (at most {limit} extension)",
                _SUB + ": the trial was already extended (at most {limit} extensions)",
                count="limit",
            ),
            _t(
                "trial_extension_not_allowed",
                "subscription window on",
                _SUB + ": a trial can be extended only in its last {window}, from {on}",
            ),
        ),
        _C.QUANTITY_UNCHANGED: (
            _t(
                "quantity_unchanged",
                "subscription count",
                _SUB + " already has {count} license",
                _SUB + " already has {count} licenses",
                count="count",
            ),
        ),
        _C.ADDON_EXCEEDS_BASE: (
            _t(
                "addon_exceeds_base",
                "product count limit subscriptions",
                "{product}: {count} license asked, more than its base subscriptions hold "
                "({limit} left on {subscriptions})",
                "{product}: {count} licenses asked, more than its base subscriptions hold "
                "({limit} left on {subscriptions})",
                count="count",
            ),
        ),
        _C.NOT_ENOUGH_LICENSES: (
            _t(
                "not_enough_licenses",
                "subscription count",
                _SUB + ": only {count} license is free; buy more before assigning",
                _SUB + ": only {count} licenses are free; buy more before assigning",
                count="count",
            ),
        ),
        _C.NOT_ASSIGNED: (
            _t(
                "not_assigned",
                "subscription count",
                _SUB + ": only {count} license is assigned",
                _SUB + ": only {count} licenses are assigned",
                count="count",
            ),
        ),
        _C.TRIAL_ALREADY_USED: (
            _t(
                "trial_already_used",
                "product",
                "{product}: this organization already had a trial of this product",
            ),
        ),
        _C.TRIAL_CANCELLATION: (
            _t(
                "trial_cancellation",
                "subscription",
                _SUB + " is a trial; turn off its recurring billing to end it",
            ),
        ),
        _C.NOT_REACTIVATABLE: (
            _t(
                "not_reactivatable:channel",
                "subscription channel status",
                _SUB + " cannot be reactivated: a subscription bought {channel} cannot come "
                "back once {status}",
            ),
            _t(
                "not_reactivatable",
                "subscription status",
                _SUB + " cannot be reactivated ({status})",
            ),
        ),
        _C.CANCEL_NEEDS_SUPPORT: (
            _t(
                "cancel_needs_support:limit",
                "subscription count limit",
                _SUB + " has {count} license assigned, more than an online cancellation allows "
                "({limit}); call support to cancel it",
                _SUB + " has {count} licenses assigned, more than an online cancellation allows "
                "({limit}); call support to cancel it",
                count="count",
            ),
            _t(
                "cancel_needs_support",
                "subscription count",
                _SUB + " has {count} license assigned; call support to cancel it",
                _SUB + " has {count} licenses assigned; call support to cancel it",
                count="count",
            ),
        ),
        _C.TERM_NOT_LONGER: (
            _t(
                "term_not_longer",
                "subscription term to_term",
                _SUB + ": a term can only move to a longer one ({term} cannot become {to_term})",
            ),
        ),
        _C.MANAGED_WITH_PARENT: (
            _t(
                "managed_with_parent",
                "subscription parent",
                _SUB + " is a traditional add-on; manage it through subscription {parent}",
            ),
        ),
        _C.NO_CHANGE: (
            _t(
                "no_change:recurring_billing",
                "subscription recurring_billing",
                _SUB + ": recurring billing is already {recurring_billing}",
            ),
            _t(
                "no_change:credit_check",
                "subscription credit_check_pending",
                _SUB + ": no credit check is pending",
            ),
            _t(
                "no_change:billing_frequency",
                "subscription billing_frequency",
                _SUB + " already renews billed {billing_frequency}",
            ),
            _t(
                "no_change:term",
                "subscription term",
                _SUB + " already renews for {term}",
            ),
            _t(
                "no_change:payment_method",
                "subscription payment_method",
                _SUB + " already pays by {payment_method}",
            ),
            _t(
                "no_change:profile_payment_method",
                "billing_profile payment_method",
                "Billing profile {billing_profile} already pays by {payment_method}",
            ),
            _t("no_change:role", "principal role", "{principal} already holds the role {role}"),
            _t("no_change", "subscription", _SUB + ": nothing to change"),
        ),
        _C.CANCEL_NEEDS_FEWER_LICENSES: (
            _t(
                "cancel_needs_fewer_licenses",
                "subscription limit",
                _SUB + " has more than {limit} license; reduce them to {limit} or fewer, then "
                "cancel",
                _SUB + " has more than {limit} licenses; reduce them to {limit} or fewer, then "
                "cancel",
                count="limit",
            ),
        ),
        _C.LICENSES_NOT_USABLE_YET: (
            _t(
                "licenses_not_usable_yet:on",
                "subscription on",
                _SUB + ": the licenses cannot be used before the credit check completes, on {on}",
            ),
            _t(
                "licenses_not_usable_yet",
                "subscription",
                _SUB + ": the licenses cannot be used before the credit check completes",
            ),
        ),
        _C.ADDON_SUBSCRIPTION_NOT_CANCELLABLE: (
            _t(
                "addon_subscription_not_cancellable",
                "subscription on",
                _SUB + " is an add-on subscription; before {on} it cannot be cancelled, only its "
                "recurring billing turned off",
            ),
        ),
        _C.ALREADY_REACTIVATED: (
            _t(
                "already_reactivated",
                "subscription successor",
                _SUB + " was already reactivated as subscription {successor}",
            ),
        ),
        _C.PLAN_CHANGE_NOT_ELIGIBLE: (
            _t(
                "plan_change_not_eligible:products",
                "subscription product products",
                _SUB + " cannot change to {product}; its plan changes only to {products}",
            ),
            _t(
                "plan_change_not_eligible",
                "subscription product",
                _SUB + " cannot change to {product}: no change path leads there from its plan",
            ),
        ),
        _C.PARTIAL_PLAN_CHANGE_NOT_ALLOWED: (
            _t(
                "partial_plan_change_not_allowed",
                "subscription account_type",
                _SUB + ": under {account_type} a change of plan moves every license; buy the new "
                "plan and move some users to it instead",
            ),
        ),
        _C.PLAN_CHANGE_QUANTITY: (
            _t(
                "plan_change_quantity",
                "subscription count limit",
                _SUB + " has {limit} license; {count} cannot move to another plan",
                _SUB + " has {limit} licenses; {count} cannot move to another plan",
                count="limit",
            ),
        ),
        _C.PLAN_HELD_TWICE: (
            _t(
                "plan_held_twice",
                "subscription product subscriptions",
                _SUB + ": {product} is also held in {subscriptions}; move every user into one "
                "subscription before changing plan",
            ),
        ),
        _C.LICENSES_OVER_ASSIGNED: (
            _t(
                "licenses_over_assigned",
                "subscription count",
                _SUB + ": {count} user has no valid license; resolve the license conflict before "
                "changing plan",
                _SUB + ": {count} users have no valid license; resolve the license conflict "
                "before changing plan",
                count="count",
            ),
        ),
        _C.BILLING_FREQUENCY_FIXED: (
            _t(
                "billing_frequency_fixed",
                "subscription account_type",
                _SUB + ": under {account_type} the billing frequency is chosen only when buying, "
                "changing plan or renewing",
            ),
        ),
        _C.MIDTERM_FREQUENCY_BLOCKED: (
            _t(
                "midterm_frequency_blocked",
                "subscription term on",
                _SUB + ": from {on} the billing frequency of a term of {term} changes only at the "
                "renewal",
            ),
        ),
        _C.NOT_A_TRIAL: (
            _t(
                "not_a_trial",
                "subscription status",
                _SUB + " is not a trial ({status}); there is no trial to buy",
            ),
        ),
        _C.ALIGNMENT_NOT_AVAILABLE: (
            _t(
                "alignment_not_available",
                "subscription account_type",
                _SUB + ": under {account_type} it cannot take another subscription's renewal date",
            ),
        ),
        _C.ALIGNMENT_OTHER_PROFILE: (
            _t(
                "alignment_other_profile",
                "subscription subscriptions billing_profile",
                _SUB + " cannot take the renewal date of {subscriptions}: it is billed on another "
                "billing profile than {billing_profile}",
            ),
        ),
        _C.ALIGNMENT_TARGET_NOT_ACTIVE: (
            _t(
                "alignment_target_not_active",
                "subscription subscriptions status",
                _SUB + " cannot take the renewal date of {subscriptions}, which is not active "
                "({status})",
            ),
        ),
        _C.ALIGNMENT_TERM_MISMATCH: (
            _t(
                "alignment_term_mismatch",
                "subscription subscriptions term base_term",
                _SUB + ": a term of {term} cannot take the renewal date of {subscriptions}, on a "
                "term of {base_term}",
            ),
        ),
        _C.ALIGNMENT_OUT_OF_REACH: (
            _t(
                "alignment_out_of_reach",
                "subscription subscriptions term on",
                _SUB + ": no renewal date of {subscriptions} falls within a first term of {term} "
                "(the next one is {on})",
            ),
        ),
        _C.PRODUCT_CHANGE_NOT_ALLOWED: (
            _t(
                "product_change_not_allowed",
                "subscription product",
                _SUB + " cannot move to {product} at its renewal: it is not the same kind of "
                "product",
            ),
        ),
    }
)

#: Said when a reason lacks the values every template of its code needs (a caller's slip).
FALLBACK: Final = _t("fallback", "", "Refused ({code})")

# -- words for enum values, looked up in the catalogs with the field's name as context ----------

#: The English words for the values a reason may hold; the catalog translates each, with the
#: field's name as its context (``msgctxt "status"``).
WORDS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "status": {
            "trial": "trial",
            "active": "active",
            "expired": "expired",
            "disabled": "disabled",
            "deleted": "deleted",
            "suspended": "suspended",
        },
        "channel": {
            "direct": "directly",
            "prepaid_product_key": "with a product key",
            "volume_licensing": "through Volume Licensing",
            "cloud_solution_provider": "through a Cloud Solution Provider",
        },
        "billing_frequency": {
            "monthly": "monthly",
            "annual": "annually",
            "once": "once for the term",
        },
        "payment_method": {
            "card": "card",
            "bank_account": "bank account",
            "invoice": "invoice",
        },
        "action": {
            "buy": "buy",
            "change_subscription": "change or cancel a subscription",
            "change_billing_frequency": "change a billing frequency",
            "assign_licenses": "assign licenses",
            "manage_payment_methods": "manage payment methods",
            "pay_invoices": "pay invoices",
            "view_billing": "view billing",
            "manage_admin_roles": "grant admin roles",
            "manage_billing_roles": "grant billing roles",
            "complete_credit_check": "complete a credit check",
            "support_cancel": "cancel on behalf of support",
        },
        "role": {
            "global_admin": "Global admin",
            "billing_admin": "Billing admin",
            "license_admin": "License admin",
            "user_admin": "User admin",
            "billing_account_owner": "Billing account owner",
            "billing_account_contributor": "Billing account contributor",
            "billing_account_reader": "Billing account reader",
            "billing_profile_owner": "Billing profile owner",
            "billing_profile_contributor": "Billing profile contributor",
            "billing_profile_reader": "Billing profile reader",
            "invoice_manager": "Invoice manager",
            "invoice_section_owner": "Invoice section owner",
            "invoice_section_contributor": "Invoice section contributor",
            "invoice_section_reader": "Invoice section reader",
        },
        "recurring_billing": {"true": "on", "false": "off"},
        # The kind of a prorated line, as a line's note names it (LINE_NOTES).
        "kind": {"charge": "charge", "credit": "credit", "rebill": "rebill", "refund": "refund"},
    }
)

#: The notes the engine writes on a prorated line (``proration.py``), by code: the English text,
#: its values as fields (``full``, ``charged``, ``used``: amounts; ``kind``: a line kind; ``span``:
#: a period). A line keeps its note as that English text, which is its wire form too;
#: :func:`line_note` reads a note back as its code and values, so that :func:`render_note` says
#: it in the reader's language (gettext context ``note:<code>``). tests/test_line_notes.py checks
#: that every note the engine writes is one of these, value for value.
LINE_NOTES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "share_of_full_period": "share of the full-period {full}, allocated by days",
        "credit_of": "credit of the {kind} for {span}",
        "rebill_nets_exactly": (
            "allocated so that the change nets to the exact difference rounded once"
        ),
        "refund_capped": "unused days prorated on their own, capped at the {charged} charged",
        "refund_charged_minus_used": "{charged} charged minus {used} used",
        # The new-commerce layout's refund of a seat change (layouts.py).
        "refund_remaining": "remaining days of the {kind} for {span}",
        "refund_remaining_capped": (
            "remaining days of the {kind} for {span}, capped at the {charged} charged"
        ),
        # billing_plans.months_line: the first period after a billing-frequency change (issue 12)
        "months_of_period": "{left} of {total} months ({proration})",
    }
)

#: Terms as CLDR duration units: (unit, value).
_TERMS: Final = MappingProxyType(
    {"P1M": ("duration-month", 1), "P1Y": ("duration-year", 1), "P3Y": ("duration-year", 3)}
)

#: Windows this short or shorter are said in hours, as Microsoft states them ("72 hours").
_HOURS_UP_TO_DAYS: Final = 3


# -- catalogs ------------------------------------------------------------------------------------


def _locales_dir() -> Any:
    return resources.files("subcommerce").joinpath("locales")


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages that have a message catalog, sorted ("en", "fr", ...)."""
    found = []
    for entry in _locales_dir().iterdir():
        messages = entry.joinpath("LC_MESSAGES")
        if (
            messages.joinpath(f"{DOMAIN}.po").is_file()
            or messages.joinpath(f"{DOMAIN}.mo").is_file()
        ):
            found.append(entry.name)
    return tuple(sorted(found))


def _language(lang: str) -> str:
    """The catalog for ``lang``: itself, or its language alone ("fr_CA" -> "fr")."""
    if not isinstance(lang, str):
        raise UnknownReference(f"a language is a string such as 'fr', got {lang!r}")
    known = languages()
    if lang in known:
        return lang
    base = lang.replace("-", "_").split("_")[0]
    if base in known:
        return base
    raise UnknownReference(f"unknown language {lang!r}; expected one of {', '.join(known)}")


@functools.cache
def _translations(language: str) -> GNUTranslations:
    folder = _locales_dir().joinpath(language, "LC_MESSAGES")
    source = folder.joinpath(f"{DOMAIN}.po")
    if not source.is_file():  # a wheel: its build compiled the .po into a .mo, and left it out
        return GNUTranslations(io.BytesIO(folder.joinpath(f"{DOMAIN}.mo").read_bytes()))
    # A source checkout or an editable install: the .po is the catalog, compiled in memory once.
    # A .mo beside it is someone's build output, perhaps older than the .po: never read.
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return GNUTranslations(buffer)


def translations(lang: str) -> GNUTranslations:
    """The gettext translations of ``lang`` (its own catalog, or its language's)."""
    return _translations(_language(lang))


@functools.cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise UnknownReference(f"unknown locale {lang!r}") from None


# -- rendering -----------------------------------------------------------------------------------


def template_for(reason: Reason) -> Template:
    """The template a reason is said with: the first of its code whose values are all set."""
    present = reason.values().keys()
    for template in TEMPLATES[reason.code]:
        if template.needs <= present:
            return template
    return FALLBACK


def _gender(product: str | None, catalog: Catalog | None) -> Gender:
    if product is None or catalog is None:
        return Gender.MASCULINE
    try:
        return catalog.product(product).name.fr_gender
    except UnknownReference:
        return Gender.MASCULINE


def context_of(template: Template, reason: Reason, catalog: Catalog | None = None) -> str:
    """The gettext context of ``template`` said about ``reason`` (with the product's gender)."""
    if template.gendered and _gender(reason.product, catalog) is Gender.FEMININE:
        return template.context + "|feminine"
    return template.context


def _name(some_id: str, language: str, catalog: Catalog | None) -> str:
    if catalog is None:
        return some_id
    # Catalogs give names in English and French; other languages show the English name.
    return catalog.name_of(some_id, "fr" if language == "fr" else "en")


def _word(t: GNUTranslations, field: str, value: str) -> str:
    english = WORDS[field].get(value)
    return value if english is None else t.pgettext(field, english)


def _window(days: int, locale: Locale) -> str:
    if days <= _HOURS_UP_TO_DAYS:
        return format_unit(days * 24, "duration-hour", length="long", locale=locale)
    return format_unit(days, "duration-day", length="long", locale=locale)


def _term(term: str, locale: Locale) -> str:
    unit = _TERMS.get(term)
    if unit is None:
        return term
    return format_unit(unit[1], unit[0], length="long", locale=locale)


def _listed(items: Sequence[str], locale: Locale) -> str:
    return format_list(list(items), locale=locale)


def _values(
    reason: Reason, t: GNUTranslations, language: str, locale: Locale, catalog: Catalog | None
) -> dict[str, str]:
    """Every value of ``reason`` as the reader's language writes it, by field name."""
    out: dict[str, str] = {"code": reason.code.value}
    for name in ("subscription", "parent", "successor", "principal", "billing_profile", "currency"):
        text = getattr(reason, name)
        if text is not None:
            out[name] = text
    for name in ("product", "capability"):
        some_id = getattr(reason, name)
        if some_id is not None:
            out[name] = _name(some_id, language, catalog)
    if reason.products:
        out["products"] = _listed([_name(p, language, catalog) for p in reason.products], locale)
    if reason.subscriptions:
        ids, statuses = reason.subscriptions, reason.statuses
        if len(statuses) == len(ids):
            pairs = zip(ids, statuses, strict=True)
            out["subscriptions"] = _listed(
                [f"{i} ({_word(t, 'status', s)})" for i, s in pairs], locale
            )
        else:
            out["subscriptions"] = _listed(ids, locale)
    for name in ("status", "channel", "billing_frequency", "payment_method", "action", "role"):
        value = getattr(reason, name)
        if value is not None:
            out[name] = _word(t, name, value)
    for name in ("term", "to_term", "base_term"):
        term = getattr(reason, name)
        if term is not None:
            out[name] = _term(term, locale)
    if reason.account_type is not None:
        out["account_type"] = reason.account_type.upper()
    if reason.on is not None:
        out["on"] = format_date(reason.on, "long", locale=locale)
    if reason.window is not None:
        out["window"] = _window(reason.window, locale)
    for name in ("count", "limit"):
        number = getattr(reason, name)
        if number is not None:
            out[name] = format_decimal(Decimal(number), locale=locale)
    if reason.recurring_billing is not None:
        state = "true" if reason.recurring_billing else "false"
        out["recurring_billing"] = _word(t, "recurring_billing", state)
    return out


# -- the notes of prorated lines -----------------------------------------------------------------


def _note_pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts))


_NOTE_PATTERNS: Final = tuple((code, _note_pattern(t)) for code, t in LINE_NOTES.items())


def _money_text(text: str) -> Money:
    amount, _, code = text.rpartition(" ")
    return Money.of(amount, code)


def _period_text(text: str) -> Period:
    start, _, end = text.partition("..")
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def _months_count(text: str) -> int:
    """A number of months a note counts: the digits of 0 to 1,200 (a term is 36 at most)."""
    if not text.isascii() or not text.isdigit() or int(text) > 1_200:
        raise ValueError(f"not a count of months: {text!r}")
    return int(text)


_NOTE_VALUES: Final[Mapping[str, Callable[[str], object]]] = MappingProxyType(
    {
        "full": _money_text,
        "charged": _money_text,
        "used": _money_text,
        "kind": LineKind,
        "span": _period_text,
        "left": _months_count,
        "total": _months_count,
        "proration": str,
    }
)


def line_note(note: str) -> tuple[str, dict[str, object]] | None:
    """The code (of :data:`LINE_NOTES`) and the values of a note the engine wrote on a line.

    None for any other text (a note a caller wrote itself through ``explained_line``).

    >>> code, values = line_note("1625.81 USD charged minus 1000.00 USD used")
    >>> code, values["charged"], values["used"]
    ('refund_charged_minus_used', Money('1625.81', 'USD'), Money('1000.00', 'USD'))
    >>> line_note("my own words") is None
    True
    """
    if not isinstance(note, str):
        raise InvalidArgument(f"a line's note is a string, got {note!r}")
    for code, pattern in _NOTE_PATTERNS:
        found = pattern.fullmatch(note)
        if found is None:
            continue
        try:
            values = {k: _NOTE_VALUES[k](v) for k, v in found.groupdict().items()}
        except (ValueError, SubcommerceError):  # the shape of ours, but not values we write
            continue
        if LINE_NOTES[code].format(**values) == note:  # read back exactly, or not ours
            return code, values
    return None


def render_note(note: str, lang: str = "en") -> str:
    """A prorated line's note in ``lang``: the engine's notes translated, with their amounts and
    periods as the locale writes them; any other note as it was written.

    >>> render_note("25.00 USD charged minus 10.00 USD used", "fr")
    '25,00\\xa0$US facturés moins 10,00\\xa0$US utilisés'
    >>> render_note("my own words", "fr")
    'my own words'
    """
    found = line_note(note)
    language = _language(lang)
    if found is None:
        return note
    code, values = found
    t = _translations(language)
    locale = _locale(lang)
    said: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, Money):
            said[name] = formatting.format_money(value, locale)
        elif isinstance(value, Period):
            said[name] = (
                f"{formatting.format_date(value.start, locale, 'medium')} – "
                f"{formatting.format_date(value.end, locale, 'medium')}"
            )
        elif isinstance(value, int):
            said[name] = format_decimal(value, locale=locale)
        elif name in WORDS:
            said[name] = _word(t, name, str(value))
        else:
            said[name] = str(value)  # a name, such as a convention's
    return t.pgettext(f"note:{code}", LINE_NOTES[code]).format(**said)


def template_messages() -> tuple[tuple[str, str, str | None], ...]:
    """Every (context, msgid, plural msgid) the reasons are said with: what a catalog translates.

    Gendered templates come twice, once with the ``|feminine`` context. The words of
    :data:`WORDS` come with their field as context. ``tools/messages.py`` writes these (and the
    command line's strings) to the ``.pot`` template that ``pybabel update`` merges into every
    catalog.
    """
    out: list[tuple[str, str, str | None]] = []
    for template in (*(t for ts in TEMPLATES.values() for t in ts), FALLBACK):
        out.append((template.context, template.singular, template.plural))
        if template.gendered:
            out.append((template.context + "|feminine", template.singular, template.plural))
    for field, words in WORDS.items():
        for english in words.values():
            out.append((field, english, None))
    for code, english in LINE_NOTES.items():
        out.append((f"note:{code}", english, None))
    return tuple(dict.fromkeys(out))


def _count_of(reason: Reason, field: str) -> int:
    value = getattr(reason, field)
    if isinstance(value, tuple):
        return len(value)
    return int(value)


def render(reason: Reason, lang: str = "en", catalog: Catalog | None = None) -> str:
    """``reason`` in ``lang``: its code's template, translated, with its values formatted.

    ``catalog`` (a :class:`~subcommerce.catalog.Catalog`) gives products their display names and
    French gender; without it, products are shown by id.
    """
    if not isinstance(reason, Reason):
        raise UnknownReference(f"not a reason: {reason!r}")
    language = _language(lang)  # the catalog: "fr" for "fr_CA"
    t = _translations(language)
    locale = _locale(lang)  # the formats: Canadian French for "fr_CA"
    template = template_for(reason)
    context = context_of(template, reason, catalog)
    if template.plural is not None and template.count is not None:
        text = t.npgettext(
            context, template.singular, template.plural, _count_of(reason, template.count)
        )
    else:
        text = t.pgettext(context, template.singular)
    return text.format_map(_values(reason, t, language, locale, catalog))
