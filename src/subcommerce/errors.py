"""Errors and reason codes.

Every error subcommerce raises is a :class:`SubcommerceError`. Each subclass is named in the
domain's words and also inherits the builtin exception that fits, so ``except ValueError`` in a
caller that knows nothing of subcommerce still works.

A refusal that a user interface must show is also *data*: a :class:`Reason` is a machine-readable
:class:`ReasonCode` plus the structured values it is about (never words); its message is rendered
at the edge, in the reader's language, from gettext catalogs (:mod:`subcommerce.messages`).
Checks that an admin tool calls to grey out a button return reasons; the matching command raises
:class:`Refused`, which carries the same reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypedDict, Unpack

import attrs

__all__ = [
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
]


class SubcommerceError(Exception):
    """The base of every error subcommerce raises."""


class InexactAmount(SubcommerceError, TypeError):
    """An amount was given as a float (or another inexact type): money is Decimal only."""


class InvalidAmount(SubcommerceError, ValueError):
    """An amount is not a finite number, or has more decimals than an operation allows."""


class DivisionByZero(InvalidAmount, ZeroDivisionError):
    """A division (an amount, a ratio to round) by zero."""


class InvalidArgument(SubcommerceError, TypeError):
    """An argument of the wrong type where a subcommerce value is needed (None, a string, ...)."""


class InvalidChoice(SubcommerceError, ValueError):
    """A value that is none of an enumeration's (a term, a role, a rounding mode, ...)."""


class UnknownCurrency(SubcommerceError, LookupError):
    """A currency code that is not an ISO 4217 code subcommerce knows."""


class CurrencyMismatch(SubcommerceError, ValueError):
    """Two amounts in different currencies were combined."""


class MoneyArithmeticError(SubcommerceError, TypeError):
    """An operation that has no meaning for money, such as Money * Money."""


class ColumnOverflow(SubcommerceError, OverflowError):
    """Columns whose exact arithmetic would not fit in 64-bit integers; names the line."""


class InvalidColumn(SubcommerceError, ValueError):
    """A column of the wrong shape, length or kind for the columnar path; names the column."""


class UnsupportedConvention(SubcommerceError, ValueError):
    """A proration convention that the columnar path cannot reproduce exactly; names it."""


class InvalidFormatSpec(SubcommerceError, ValueError):
    """A format spec a value does not take; the message says which ones it accepts."""


class InvalidQuantity(SubcommerceError, ValueError):
    """A quantity (licenses, units) that is not a positive whole number where one is needed."""


class InvalidDate(SubcommerceError, TypeError):
    """Something that is not a calendar date where a ``datetime.date`` is needed."""


class DateOutOfRange(SubcommerceError, ValueError):
    """A date outside the range subcommerce supports (see ``periods.MIN_DATE``/``MAX_DATE``)."""


class InvalidPeriod(SubcommerceError, ValueError):
    """A period whose end is not after its start, or that does not fit where it is used."""


class DateOutsidePeriod(SubcommerceError, ValueError):
    """A date (a change, a cancellation) that falls outside the period it applies to."""


class UnknownReference(SubcommerceError, LookupError):
    """An id (product, offer, subscription, ...) that names nothing known."""


class InvalidCommand(SubcommerceError, ValueError):
    """A command whose fields contradict each other or the state (not a rule's refusal)."""


class InvalidAccount(SubcommerceError, ValueError):
    """A billing account whose structure is wrong (a role in the wrong scope, a duplicate id)."""


class InvalidTenant(SubcommerceError, ValueError):
    """A tenant whose subscriptions contradict each other (a duplicate id, another organization)."""


class ConversionError(SubcommerceError, ValueError):
    """Plain data (dict, JSON, TOML) that cannot become a subcommerce value; names the path."""


class MissingExtra(SubcommerceError, ModuleNotFoundError):
    """An optional feature needs a package that is not installed; the message names the extra."""


class CatalogInvalid(SubcommerceError, ValueError):
    """A catalog with faults; ``problems`` lists every one of them, each with its path."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        head = f"catalog has {count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ":\n" + "\n".join(f"- {p}" for p in self.problems))


class ReasonCode(enum.StrEnum):
    """Machine-readable reason codes for refusals and unavailability."""

    # Add-on availability (issue: catalog and availability).
    NO_ELIGIBLE_BASE = "no_eligible_base"
    ELIGIBLE_BASE_NOT_ACTIVE = "eligible_base_not_active"
    MISSING_CAPABILITY = "missing_capability"
    EXCLUDED_BY_OWNED_ADDON = "excluded_by_owned_addon"
    INSTANCE_LIMIT_REACHED = "instance_limit_reached"
    NOT_OFFERED_IN_CURRENCY = "not_offered_in_currency"
    WRONG_PURCHASE_PATH = "wrong_purchase_path"
    NOT_YET_ON_SALE = "not_yet_on_sale"
    NOT_CONNECTABLE = "not_connectable"
    NO_MATCHING_OFFER = "no_matching_offer"
    # License quantity and subscription rules (issue: accounts and lifecycle).
    NOT_AUTHORIZED = "not_authorized"
    CREDIT_CHECK_PENDING = "credit_check_pending"
    PREPAID_PRODUCT_KEY = "prepaid_product_key"
    VOLUME_LICENSING = "volume_licensing"
    CLOUD_SOLUTION_PROVIDER = "cloud_solution_provider"
    TRIAL = "trial"
    NOT_ACTIVE = "not_active"
    END_OF_SALE = "end_of_sale"
    BELOW_ASSIGNED = "below_assigned"
    OUTSIDE_CANCELLATION_WINDOW = "outside_cancellation_window"
    RECURRING_BILLING_OFF = "recurring_billing_off"
    TRADITIONAL_ADDON_REMOVAL = "traditional_addon_removal"
    SUBSCRIPTION_DELETED = "subscription_deleted"
    NO_PAYMENT_METHOD = "no_payment_method"
    TRIAL_EXTENSION_NOT_ALLOWED = "trial_extension_not_allowed"
    QUANTITY_UNCHANGED = "quantity_unchanged"
    ADDON_EXCEEDS_BASE = "addon_exceeds_base"
    # Accounts and lifecycle (issue 4), continued.
    NOT_ENOUGH_LICENSES = "not_enough_licenses"
    NOT_ASSIGNED = "not_assigned"
    TRIAL_ALREADY_USED = "trial_already_used"
    TRIAL_CANCELLATION = "trial_cancellation"
    NOT_REACTIVATABLE = "not_reactivatable"
    CANCEL_NEEDS_SUPPORT = "cancel_needs_support"
    TERM_NOT_LONGER = "term_not_longer"
    MANAGED_WITH_PARENT = "managed_with_parent"
    NO_CHANGE = "no_change"
    # What Microsoft's documents say, sentence by sentence (issue 11).
    CANCEL_NEEDS_FEWER_LICENSES = "cancel_needs_fewer_licenses"
    LICENSES_NOT_USABLE_YET = "licenses_not_usable_yet"
    ADDON_SUBSCRIPTION_NOT_CANCELLABLE = "addon_subscription_not_cancellable"
    ALREADY_REACTIVATED = "already_reactivated"
    # Change of plan (issue 12, item 1).
    PLAN_CHANGE_NOT_ELIGIBLE = "plan_change_not_eligible"
    PARTIAL_PLAN_CHANGE_NOT_ALLOWED = "partial_plan_change_not_allowed"
    PLAN_CHANGE_QUANTITY = "plan_change_quantity"
    PLAN_HELD_TWICE = "plan_held_twice"
    LICENSES_OVER_ASSIGNED = "licenses_over_assigned"
    # Mid-term changes, trials bought early and aligned renewals (issue 12).
    BILLING_FREQUENCY_FIXED = "billing_frequency_fixed"
    MIDTERM_FREQUENCY_BLOCKED = "midterm_frequency_blocked"
    NOT_A_TRIAL = "not_a_trial"
    ALIGNMENT_NOT_AVAILABLE = "alignment_not_available"
    ALIGNMENT_OTHER_PROFILE = "alignment_other_profile"
    ALIGNMENT_TARGET_NOT_ACTIVE = "alignment_target_not_active"
    ALIGNMENT_TERM_MISMATCH = "alignment_term_mismatch"
    ALIGNMENT_OUT_OF_REACH = "alignment_out_of_reach"
    PRODUCT_CHANGE_NOT_ALLOWED = "product_change_not_allowed"


def _text(name: str, value: object) -> str:
    """An id or an enum value as a plain string (a StrEnum member becomes its value)."""
    if type(value) is str:
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, str):
        return str(value)
    raise InvalidCommand(f"a reason's {name} must be a string, got {value!r}")


def _texts(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidCommand(f"a reason's {name} must be a list of strings, got {value!r}")
    return tuple(_text(name, v) for v in value)


def _whole(name: str, value: object) -> int:
    if type(value) is not int:
        raise InvalidCommand(f"a reason's {name} must be a whole number, got {value!r}")
    return value


def _day(name: str, value: object) -> date:
    if type(value) is not date:
        raise InvalidDate(f"a reason's {name} must be a date, got {value!r}")
    return value


def _flag(name: str, value: object) -> bool:
    if type(value) is not bool:
        raise InvalidCommand(f"a reason's {name} must be True or False, got {value!r}")
    return value


def _reason_code(code: str) -> ReasonCode:
    try:
        return ReasonCode(code)
    except ValueError:
        raise UnknownReference(f"unknown reason code {code!r}") from None


class ReasonValues(TypedDict, total=False):
    """The values a :class:`Reason` may hold, by field (see :class:`Reason`)."""

    subscription: str | None
    product: str | None
    principal: str | None
    action: str | None
    role: str | None
    status: str | None
    channel: str | None
    account_type: str | None
    term: str | None
    to_term: str | None
    base_term: str | None
    billing_frequency: str | None
    payment_method: str | None
    billing_profile: str | None
    currency: str | None
    capability: str | None
    parent: str | None
    successor: str | None
    on: date | None
    window: int | None
    count: int | None
    limit: int | None
    subscriptions: Iterable[str]
    statuses: Iterable[str]
    products: Iterable[str]
    recurring_billing: bool | None
    credit_check_pending: bool | None


_CHECKS: dict[str, Callable[[str, object], object]] = {
    **dict.fromkeys(
        [
            "subscription",
            "product",
            "principal",
            "action",
            "role",
            "status",
            "channel",
            "account_type",
            "term",
            "to_term",
            "base_term",
            "billing_frequency",
            "payment_method",
            "billing_profile",
            "currency",
            "capability",
            "parent",
            "successor",
        ],
        _text,
    ),
    "on": _day,
    **dict.fromkeys(("window", "count", "limit"), _whole),
    **dict.fromkeys(("subscriptions", "statuses", "products"), _texts),
    **dict.fromkeys(("recurring_billing", "credit_check_pending"), _flag),
}


_TEXTS: frozenset[str] = frozenset(name for name, check in _CHECKS.items() if check is _text)


@attrs.frozen(init=False, repr=False, slots=False)
class Reason:
    """Why something is refused or unavailable: a code and the values it is about, as data.

    A reason holds no words. Each field is a value a message may name, None (or empty) when the
    reason is not about it; docs/reasons.md lists, for every code, the fields it sets. Ids
    (``subscription``, ``product``, ...) are ids, not names: the message shows a product's
    display name (and agrees with its French gender) when a catalog is given. Enum members
    (statuses, terms, roles, actions, ...) are kept as their plain string values.

    Messages are rendered at the edge, in the reader's language, by
    :func:`subcommerce.messages.render`; :meth:`message` is a shortcut to it.

    >>> from datetime import date
    >>> r = Reason(ReasonCode.BELOW_ASSIGNED, subscription="s1", count=12)
    >>> r.message()
    'Subscription s1: the new total is below the 12 licenses assigned; unassign some first'
    >>> print(r.message("fr"))  # doctest: +NORMALIZE_WHITESPACE
    L'abonnement s1 : le nouveau total est inférieur aux 12 licences attribuées ;
    retirez d'abord des attributions
    """

    code: ReasonCode
    #: The subscription the reason is about (its id).
    subscription: str | None = None
    #: The product (plan or add-on) it is about, by id.
    product: str | None = None
    #: The person (principal) it is about.
    principal: str | None = None
    #: The action asked for (a :class:`subcommerce.billing.Action` value).
    action: str | None = None
    #: A billing role (a :class:`subcommerce.billing.Role` value).
    role: str | None = None
    #: A subscription status (a :class:`subcommerce.subscriptions.SubscriptionStatus` value).
    status: str | None = None
    #: A purchase channel (a :class:`subcommerce.subscriptions.PurchaseChannel` value).
    channel: str | None = None
    #: A billing account type ("mosa", "mca", "mpa").
    account_type: str | None = None
    #: A term ("P1M", "P1Y", "P3Y"): the one asked for, or the current one.
    term: str | None = None
    #: The term a change asks to move to (TERM_NOT_LONGER).
    to_term: str | None = None
    #: The term of the base subscription (a traditional add-on runs on it).
    base_term: str | None = None
    #: A billing frequency ("monthly", "annual", "once").
    billing_frequency: str | None = None
    #: A payment method (a :class:`subcommerce.billing.PaymentMethod` value).
    payment_method: str | None = None
    #: A billing profile (its id).
    billing_profile: str | None = None
    #: An ISO 4217 currency code.
    currency: str | None = None
    #: A capability (its id in the catalog).
    capability: str | None = None
    #: The base (parent) subscription of a traditional add-on.
    parent: str | None = None
    #: The subscription a reactivation created in place of this one (MCA).
    successor: str | None = None
    #: The day the reason is about: a window's closing day, a sale's first or last day, ...
    on: date | None = None
    #: A length in days: the cancellation window of the licenses concerned, a trial's last days.
    window: int | None = None
    #: The count the reason is about (licenses assigned, free, asked for, ...).
    count: int | None = None
    #: A limit or what is left (the most instances allowed, licenses left on the base).
    limit: int | None = None
    #: Several subscriptions (ids), e.g. the eligible bases.
    subscriptions: tuple[str, ...] = ()
    #: The statuses of ``subscriptions``, in the same order.
    statuses: tuple[str, ...] = ()
    #: Other products (ids), e.g. the plans an add-on is bought on, an excluding add-on.
    products: tuple[str, ...] = ()
    #: A recurring-billing state (on: True).
    recurring_billing: bool | None = None
    #: A credit-check state (pending: True).
    credit_check_pending: bool | None = None

    def __init__(self, code: ReasonCode | str, **values: Unpack[ReasonValues]) -> None:
        # Written by hand, and only the values given are stored (the others are the class's
        # defaults): a reason is built on every refusal, and 26 converters cost more than the
        # check that raises it. Values are checked and enum members kept as plain strings.
        fields = self.__dict__
        fields["code"] = code if type(code) is ReasonCode else _reason_code(code)
        for name, value in values.items():
            if type(value) is str and name in _TEXTS:  # the common case: an id
                fields[name] = value
                continue
            check = _CHECKS.get(name)
            if check is None:
                raise InvalidCommand(f"a reason has no value {name!r}; see Reason's fields")
            if value is not None:
                checked = check(name, value)
                if checked != ():  # an empty list is a value not given
                    fields[name] = checked

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in self.values().items())
        return f"Reason(ReasonCode.{self.code.name}{', ' if values else ''}{values})"

    @property
    def subject(self) -> str:
        """The id of what the reason is mainly about: subscription, product, principal or
        billing profile (the first that is set), or ""."""
        for value in (self.subscription, self.product, self.principal, self.billing_profile):
            if value is not None:
                return value
        return ""

    def values(self) -> dict[str, object]:
        """The fields that are set (not None, not empty), by name, code excluded."""
        given = self.__dict__
        return {name: given[name] for name in _CHECKS if name in given}

    def message(self, lang: str = "en", catalog: Any = None) -> str:
        """The message in ``lang`` (a language with a message catalog: "en", "fr", ...).

        With ``catalog`` (a :class:`subcommerce.catalog.Catalog`), products and capabilities are
        shown by their display names, with the grammatical gender the catalog declares.
        """
        from subcommerce.messages import render  # the renderer sits at the edge (Babel)

        return render(self, lang, catalog)


# The values a reason was not given are read from the class: None, or () for the lists.
for _field in attrs.fields(Reason)[1:]:
    setattr(Reason, _field.name, _field.default)
del _field
if tuple(_CHECKS) != tuple(f.name for f in attrs.fields(Reason)[1:]):  # pragma: no cover
    raise RuntimeError("Reason's fields and the checks of its values are out of step")


class Refused(SubcommerceError, ValueError):
    """A command that the rules refuse; ``reasons`` says why. Nothing was changed."""

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        super().__init__(self.reasons)  # args: what pickle passes back to __init__

    def __str__(self) -> str:
        # Rendered when read, in English: the reasons are the data, words come at the edge.
        return "; ".join(r.message() for r in self.reasons) or "refused"

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)
