"""Errors and reason codes.

Every error subcommerce raises is a :class:`SubcommerceError`. Each subclass is named in the
domain's words and also inherits the builtin exception that fits, so ``except ValueError`` in a
caller that knows nothing of subcommerce still works.

A refusal that a user interface must show is also *data*: a :class:`Reason` is a machine-readable
:class:`ReasonCode` plus the subject it is about, and renders a message in English or French.
Checks that an admin tool calls to grey out a button return reasons; the matching command raises
:class:`Refused`, which carries the same reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

__all__ = [
    "CatalogInvalid",
    "ColumnOverflow",
    "ConversionError",
    "CurrencyMismatch",
    "DateOutsidePeriod",
    "InexactAmount",
    "InvalidAccount",
    "InvalidAmount",
    "InvalidColumn",
    "InvalidCommand",
    "InvalidDate",
    "InvalidPeriod",
    "InvalidQuantity",
    "InvalidTenant",
    "MissingExtra",
    "MoneyArithmeticError",
    "Reason",
    "ReasonCode",
    "Refused",
    "SubcommerceError",
    "UnknownCurrency",
    "UnknownReference",
    "UnsupportedConvention",
]

LANGUAGES = ("en", "fr")


class SubcommerceError(Exception):
    """The base of every error subcommerce raises."""


class InexactAmount(SubcommerceError, TypeError):
    """An amount was given as a float (or another inexact type): money is Decimal only."""


class InvalidAmount(SubcommerceError, ValueError):
    """An amount is not a finite number, or has more decimals than an operation allows."""


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


class InvalidQuantity(SubcommerceError, ValueError):
    """A quantity (licenses, units) that is not a positive whole number where one is needed."""


class InvalidDate(SubcommerceError, TypeError):
    """Something that is not a calendar date where a ``datetime.date`` is needed."""


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


_MESSAGES: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.NO_ELIGIBLE_BASE: (
        "{subject} cannot be bought on any plan this tenant has",
        "{subject} ne peut être acheté sur aucun des plans de ce client",
    ),
    ReasonCode.ELIGIBLE_BASE_NOT_ACTIVE: (
        "{subject} needs an active eligible subscription; {detail} is not active",
        "{subject} nécessite un abonnement éligible actif ; {detail} n'est pas actif",
    ),
    ReasonCode.MISSING_CAPABILITY: (
        "{subject} requires the capability {detail}",
        "{subject} nécessite la fonctionnalité {detail}",
    ),
    ReasonCode.EXCLUDED_BY_OWNED_ADDON: (
        "{subject} cannot be combined with {detail}, which the tenant already has",
        "{subject} ne peut pas être combiné avec {detail}, que le client possède déjà",
    ),
    ReasonCode.INSTANCE_LIMIT_REACHED: (
        "{subject}: the tenant already holds the most instances allowed ({detail})",
        "{subject} : le client détient déjà le nombre maximal d'instances ({detail})",
    ),
    ReasonCode.NOT_OFFERED_IN_CURRENCY: (
        "{subject} has no price in {detail}",
        "{subject} n'a pas de prix en {detail}",
    ),
    ReasonCode.WRONG_PURCHASE_PATH: (
        "{subject}: wrong purchase path for a {detail} billing account (MOSA: buy it from a base "
        "subscription; MCA: buy it like any other product, without a base subscription)",
        "{subject} : mauvais parcours d'achat pour un compte de facturation {detail} (MOSA : "
        "achetez-le depuis un abonnement de base ; MCA : achetez-le comme tout autre produit, "
        "sans abonnement de base)",
    ),
    ReasonCode.NOT_YET_ON_SALE: (
        "{subject} is not on sale before {detail}",
        "{subject} n'est pas en vente avant le {detail}",
    ),
    ReasonCode.NOT_CONNECTABLE: (
        "{subject} cannot be connected to {detail}: not an active subscription of a plan it "
        "can be bought on",
        "{subject} ne peut pas être connecté à {detail} : ce n'est pas un abonnement actif d'un "
        "plan sur lequel il peut être acheté",
    ),
    ReasonCode.NO_MATCHING_OFFER: (
        "{subject} is not offered on that term and billing frequency ({detail})",
        "{subject} n'est pas proposé pour cet engagement et cette fréquence de facturation "
        "({detail})",
    ),
    ReasonCode.NOT_AUTHORIZED: (
        "{subject} may not {detail}",
        "{subject} n'est pas autorisé à {detail}",
    ),
    ReasonCode.CREDIT_CHECK_PENDING: (
        "{subject}: a credit check is pending; licenses cannot be changed until it completes",
        "{subject} : une vérification de solvabilité est en cours ; "
        "les licences ne peuvent pas être modifiées avant sa fin",
    ),
    ReasonCode.PREPAID_PRODUCT_KEY: (
        "{subject} was prepaid with a product key; its licenses cannot be changed here",
        "{subject} a été prépayé avec une clé de produit ; ses licences ne peuvent pas être "
        "modifiées ici",
    ),
    ReasonCode.VOLUME_LICENSING: (
        "{subject} was bought through Volume Licensing or a partner; change it there",
        "{subject} a été acheté via les licences en volume ou un partenaire ; modifiez-le là-bas",
    ),
    ReasonCode.CLOUD_SOLUTION_PROVIDER: (
        "{subject} was bought through a Cloud Solution Provider; contact the provider",
        "{subject} a été acheté auprès d'un fournisseur de solutions cloud ; "
        "contactez ce fournisseur",
    ),
    ReasonCode.TRIAL: (
        "{subject} is a trial; buy it before changing its licenses",
        "{subject} est une version d'évaluation ; achetez-la avant de modifier ses licences",
    ),
    ReasonCode.NOT_ACTIVE: (
        "{subject} is not active ({detail})",
        "{subject} n'est pas actif ({detail})",
    ),
    ReasonCode.END_OF_SALE: (
        "{subject} is no longer sold",
        "{subject} n'est plus commercialisé",
    ),
    ReasonCode.BELOW_ASSIGNED: (
        "{subject}: the new total is below the {detail} licenses assigned; unassign first",
        "{subject} : le nouveau total est inférieur aux {detail} licences attribuées ; "
        "retirez d'abord des attributions",
    ),
    ReasonCode.OUTSIDE_CANCELLATION_WINDOW: (
        "{subject}: {detail}",
        "{subject} : {detail}",
    ),
    ReasonCode.RECURRING_BILLING_OFF: (
        "{subject}: recurring billing is off; licenses can be removed only while it is on",
        "{subject} : la facturation périodique est désactivée ; les licences ne peuvent être "
        "supprimées que lorsqu'elle est activée",
    ),
    ReasonCode.TRADITIONAL_ADDON_REMOVAL: (
        "{subject} is a traditional add-on; only support can remove it",
        "{subject} est un module complémentaire traditionnel ; seul le support peut le supprimer",
    ),
    ReasonCode.SUBSCRIPTION_DELETED: (
        "{subject} is deleted and cannot come back",
        "{subject} est supprimé et ne peut pas être réactivé",
    ),
    ReasonCode.NO_PAYMENT_METHOD: (
        "{subject}: no payment method",
        "{subject} : aucun mode de paiement",
    ),
    ReasonCode.TRIAL_EXTENSION_NOT_ALLOWED: (
        "{subject}: {detail}",
        "{subject} : {detail}",
    ),
    ReasonCode.QUANTITY_UNCHANGED: (
        "{subject} already has {detail} licenses",
        "{subject} a déjà {detail} licences",
    ),
    ReasonCode.ADDON_EXCEEDS_BASE: (
        "{subject}: more licenses than its base subscriptions hold ({detail})",
        "{subject} : plus de licences que ses abonnements de base n'en comptent ({detail})",
    ),
    ReasonCode.NOT_ENOUGH_LICENSES: (
        "{subject}: only {detail} licenses are free; buy more before assigning",
        "{subject} : seules {detail} licences sont libres ; achetez-en avant de les attribuer",
    ),
    ReasonCode.NOT_ASSIGNED: (
        "{subject}: only {detail} licenses are assigned",
        "{subject} : seules {detail} licences sont attribuées",
    ),
    ReasonCode.TRIAL_ALREADY_USED: (
        "{subject}: this organization already had a trial of this product",
        "{subject} : cette organisation a déjà eu une version d'évaluation de ce produit",
    ),
    ReasonCode.TRIAL_CANCELLATION: (
        "{subject} is a trial; turn off its recurring billing to end it",
        "{subject} est une version d'évaluation ; désactivez sa facturation périodique "
        "pour y mettre fin",
    ),
    ReasonCode.NOT_REACTIVATABLE: (
        "{subject} cannot be reactivated ({detail})",
        "{subject} ne peut pas être réactivé ({detail})",
    ),
    ReasonCode.CANCEL_NEEDS_SUPPORT: (
        "{subject} has {detail} licenses assigned; call support to cancel it",
        "{subject} a {detail} licences attribuées ; appelez le support pour l'annuler",
    ),
    ReasonCode.TERM_NOT_LONGER: (
        "{subject}: a term can only move to a longer one ({detail})",
        "{subject} : un engagement ne peut passer qu'à une durée plus longue ({detail})",
    ),
    ReasonCode.MANAGED_WITH_PARENT: (
        "{subject} is a traditional add-on; manage it through {detail}",
        "{subject} est un module complémentaire traditionnel ; gérez-le depuis {detail}",
    ),
    ReasonCode.NO_CHANGE: (
        "{subject}: {detail}",
        "{subject} : {detail}",
    ),
    ReasonCode.CANCEL_NEEDS_FEWER_LICENSES: (
        "{subject} has more than {detail} licenses; reduce them to {detail} or fewer, then cancel",
        "{subject} a plus de {detail} licences ; réduisez-les à {detail} ou moins, puis annulez",
    ),
    ReasonCode.LICENSES_NOT_USABLE_YET: (
        "{subject}: the licenses cannot be used before the credit check completes ({detail})",
        "{subject} : les licences ne sont pas utilisables avant la fin de la vérification de "
        "solvabilité ({detail})",
    ),
    ReasonCode.ADDON_SUBSCRIPTION_NOT_CANCELLABLE: (
        "{subject} is an add-on subscription; before {detail} it cannot be cancelled, only its "
        "recurring billing turned off",
        "{subject} est un abonnement complémentaire ; avant le {detail}, il ne peut pas être "
        "annulé, seul son renouvellement automatique peut être désactivé",
    ),
    ReasonCode.ALREADY_REACTIVATED: (
        "{subject} was already reactivated as {detail}",
        "{subject} a déjà été réactivé sous la forme de {detail}",
    ),
}


@attrs.frozen
class Reason:
    """Why something is refused or unavailable: a code, what it is about, and a detail.

    >>> r = Reason(ReasonCode.TRIAL, subject="Business Basic (trial)")
    >>> r.message()
    'Business Basic (trial) is a trial; buy it before changing its licenses'
    >>> r.message("fr").startswith("Business Basic (trial) est une version d'évaluation")
    True
    """

    code: ReasonCode
    subject: str = ""
    detail: str = ""

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("en" or "fr")."""
        if lang not in LANGUAGES:
            raise UnknownReference(f"unknown language {lang!r}; expected one of {LANGUAGES}")
        template = _MESSAGES[self.code][LANGUAGES.index(lang)]
        return template.format(subject=self.subject, detail=self.detail)


class Refused(SubcommerceError, ValueError):
    """A command that the rules refuse; ``reasons`` says why. Nothing was changed."""

    def __init__(self, reasons: Iterable[Reason]) -> None:
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        super().__init__("; ".join(r.message() for r in self.reasons) or "refused")

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)
