"""Policy: the durations, windows and limits that differ by channel, term or date, as one value.

Microsoft documents these numbers per offer, country and channel, and changes them over time
(the cancellation window went from 72 hours to 7 days in March 2022). They are data here, never
literals in the rules: :data:`DEFAULT_POLICY` holds what Microsoft documents for most offers in
most countries, and a caller builds another :class:`Policy` with ``attrs.evolve`` for the rest.

Sources (see docs/rules.md): "What happens to my data and access when my subscription ends?"
(Expired 30 days, Disabled 90 days for all subscription terms of most offers; the Enterprise
table's multi-year terms 90 + 90; Volume Licensing Enterprise Agreement 90 + 60), "Extend your
trial" (one 30-day extension in the last 15 days), Partner Center's new commerce cancellation
policy (7 days since 2022-03-17, applied to subscriptions bought from 2022-03-12; 72 hours
before), "Cancel your subscription" (MOSA: with more than 25 licenses, reduce to 25 or fewer,
then cancel; the 2020 text counted assigned licenses and sent the admin to support), seed 004
(a credit check usually takes two business days), the invoice and dunning pages (when a card is
charged) and seeds 000, 001, 002 (when a customer may cancel an add-on subscription).

Where two documents disagree, the newest is the default and the older one is a named value
(:data:`CANCEL_2020`, :data:`CARD_CHARGE_SEED_004`, :data:`ENTERPRISE_MULTI_YEAR`).

>>> from datetime import date
>>> DEFAULT_POLICY.window.closes(date(2025, 3, 15))
datetime.date(2025, 3, 22)
>>> DEFAULT_POLICY.window.closes(date(2022, 3, 1))
datetime.date(2022, 3, 4)
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import attrs

from subcommerce._checks import Choice
from subcommerce.alignment import ALIGNMENT_ACCOUNTS
from subcommerce.billing import BillingAccountType, PaymentMethod
from subcommerce.billing_plans import PC_BILLING_PLAN_MONTHS, BillingPlanProration
from subcommerce.errors import DateOutOfRange, InvalidArgument, InvalidQuantity
from subcommerce.periods import Term, check_boundary, check_date
from subcommerce.proration import EXACT, ProrationConvention
from subcommerce.subscriptions import PurchaseChannel, Subscription, SubscriptionStatus

__all__ = [
    "ADDON_CANCELLATION_FROM",
    "CANCEL_2020",
    "CANCEL_2024",
    "MAX_POLICY_DAYS",
    "CARD_CHARGE_CURRENT",
    "CARD_CHARGE_SEED_004",
    "DEFAULT_POLICY",
    "ENTERPRISE_MULTI_YEAR",
    "TRIENNIAL_MIDTERM_FREQUENCY_UNTIL",
    "VL_ENTERPRISE_AGREEMENT",
    "CancellationWindow",
    "CardCharge",
    "CardChargeRule",
    "DurationRule",
    "LifecycleDurations",
    "OnlineCancelCount",
    "OnlineCancelRule",
    "Policy",
    "TrialPolicy",
    "add_business_days",
]


#: The most days a policy duration may hold: ten years, so that no date it is added to (up
#: to the supported dates' end) leaves what a date can reach.
MAX_POLICY_DAYS: Final = 3_660


def _days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(
            f"{attribute.name} must be a whole number of days >= 0, got {value!r}"
        )
    if value > MAX_POLICY_DAYS:
        raise InvalidQuantity(f"{attribute.name} {value} is above {MAX_POLICY_DAYS} days")


def _some_days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidQuantity(
            f"{attribute.name} must be a whole number of days >= 1, got {value!r}"
        )
    if value > MAX_POLICY_DAYS:
        raise InvalidQuantity(f"{attribute.name} {value} is above {MAX_POLICY_DAYS} days")


@attrs.frozen
class LifecycleDurations:
    """How long a subscription stays Expired (grace) and then Disabled before it is deleted.

    ``disabled_days`` of 0 skips the Disabled stage (an unconverted trial goes from Expired
    straight to Deleted).
    """

    expired_days: int = attrs.field(validator=_days)
    disabled_days: int = attrs.field(validator=_days)


@attrs.frozen
class DurationRule:
    """Durations for subscriptions of ``channel`` on ``term`` (None matches any)."""

    durations: LifecycleDurations
    channel: PurchaseChannel | None = None
    term: Term | None = None

    def matches(self, subscription: Subscription) -> bool:
        """True when the rule applies to ``subscription``."""
        try:
            return (self.channel is None or self.channel is subscription.channel) and (
                self.term is None or self.term is subscription.term
            )
        except AttributeError:
            raise InvalidArgument(f"expected a Subscription, got {subscription!r}") from None


#: "Lifecycle status durations for Enterprise customers": a multi-year term stays 90 days in
#: Grace, then 90 Inactive. Not in the default policy: for most offers "all subscription terms"
#: get 30 + 90 (the same page, the table above it).
ENTERPRISE_MULTI_YEAR: Final = DurationRule(LifecycleDurations(90, 90), term=Term.P3Y)

#: Volume Licensing Enterprise Agreement: 90 days of grace, then 60 inactive. Not in the default
#: policy, because the Volume Licensing channel also covers Open agreements (30 + 90).
VL_ENTERPRISE_AGREEMENT: Final = DurationRule(
    LifecycleDurations(90, 60), channel=PurchaseChannel.VOLUME_LICENSING
)


@attrs.frozen
class CancellationWindow:
    """New commerce: cancel, or remove licenses, only within ``days`` of buying them.

    The window is the half-open run of calendar days ``[bought, bought + days)``. Blocks bought
    before ``since`` had ``days_before`` instead (72 hours at the launch of new commerce).
    """

    days: int = attrs.field(default=7, validator=_some_days)
    since: date = date(2022, 3, 12)
    days_before: int = attrs.field(default=3, validator=_some_days)

    def length(self, bought: date) -> int:
        """The window's length in days for licenses bought on ``bought``."""
        return self.days if check_date(bought, "purchase date") >= self.since else self.days_before

    def closes(self, bought: date) -> date:
        """The first day outside the window of licenses bought on ``bought``."""
        return bought + timedelta(days=self.length(bought))

    def covers(self, bought: date, on: date) -> bool:
        """True while ``on`` lies in the window of licenses bought on ``bought``."""
        return check_date(bought, "purchase date") <= check_date(on, "date") < self.closes(bought)


class OnlineCancelCount(Choice):
    """Which licenses the MOSA online-cancellation limit counts."""

    PURCHASED = "purchased"  # the licenses in the subscription (2024 text)
    ASSIGNED = "assigned"  # the licenses assigned to users (2020 text)


@attrs.frozen
class OnlineCancelRule:
    """MOSA: a subscription is cancelled online only up to ``limit`` licenses (None: no limit).

    ``counts`` says which licenses count; ``reduce_first`` says what the admin does beyond the
    limit: True (2024) "reduce the number of licenses to 25 or fewer and then cancel" (refused
    with ``cancel_needs_fewer_licenses``), False (2020) "call support" (``cancel_needs_support``).
    """

    limit: int | None = 25
    counts: OnlineCancelCount = OnlineCancelCount.PURCHASED
    reduce_first: bool = True

    def counted(self, subscription: Subscription) -> int:
        """The licenses of ``subscription`` the limit is compared with."""
        if not isinstance(subscription, Subscription):  # another value may have a `quantity`
            raise InvalidArgument(f"expected a Subscription, got {subscription!r}")
        if self.counts is OnlineCancelCount.ASSIGNED:
            return subscription.assigned
        return subscription.quantity

    def exceeded(self, subscription: Subscription) -> bool:
        """True when ``subscription`` has more licenses than the limit allows online."""
        return self.limit is not None and self.counted(subscription) > self.limit


#: "Cancel your subscription" (ms.date 2024-09-10): "More than 25 licenses: Reduce the number of
#: licenses to 25 or fewer and then use the steps later in this article to cancel."
CANCEL_2024: Final = OnlineCancelRule()
#: The 2020 text of the same page: "If you have more than 25 licenses assigned to users, call
#: support to cancel your subscription."
CANCEL_2020: Final = OnlineCancelRule(25, counts=OnlineCancelCount.ASSIGNED, reduce_first=False)


class CardChargeRule(Choice):
    """When a card (or a legacy bank account) is charged for what an invoice carries."""

    DUE_DATE = "due_date"  # on the invoice's due date
    DAY_AFTER_INVOICE = "day_after_invoice"  # the day after the invoice date
    DAYS_AFTER_ORDER = "days_after_order"  # within some days of the order (seed 004)


# Bound once: reading members off the enum class is slow on CPython 3.11.
_DUE_DATE: Final = CardChargeRule.DUE_DATE
_DAY_AFTER_INVOICE: Final = CardChargeRule.DAY_AFTER_INVOICE


@attrs.frozen
class CardCharge:
    """When a card is charged, per agreement: MCA (and MPA), MOSA."""

    mca: CardChargeRule = CardChargeRule.DUE_DATE
    mosa: CardChargeRule = CardChargeRule.DAY_AFTER_INVOICE
    days: int = attrs.field(default=2, validator=_days)  # for DAYS_AFTER_ORDER

    def charged_on(
        self,
        account_type: BillingAccountType | None,
        ordered: date,
        invoice_date: date,
        due_date: date,
    ) -> date:
        """The day the card is charged for a charge ordered on ``ordered`` that goes on the
        invoice dated ``invoice_date``, due ``due_date``."""
        try:
            mca = account_type is not None and account_type.has_profiles
            rule = self.mca if mca else self.mosa
            if rule is _DUE_DATE:
                day = due_date
            elif rule is _DAY_AFTER_INVOICE:
                day = invoice_date + timedelta(days=1)
            else:
                day = ordered + timedelta(days=self.days)
        except (AttributeError, TypeError):
            raise InvalidArgument(
                f"charged_on needs an account type and three dates, got {account_type!r}, "
                f"{ordered!r}, {invoice_date!r}, {due_date!r}"
            ) from None
        except OverflowError:  # a day after datetime.date's last one
            which, after = (
                ("invoice date", invoice_date)
                if rule is _DAY_AFTER_INVOICE
                else ("order date", ordered)
            )
            raise DateOutOfRange(
                f"the day a card is charged ({rule.value}) from the {which} {after.isoformat()} "
                f"would fall after {date.max.isoformat()}"
            ) from None
        if type(day) is not date:
            check_boundary(day, "the day a card is charged")
        return day


#: Today's pages: MCA, "we charge the credit card on file on the due date mentioned on the
#: invoice" (billing and dunning policies, 2025); MOSA, "we charge your card the day after the
#: Invoice Date" (understand your MOSA invoice, 2024).
CARD_CHARGE_CURRENT: Final = CardCharge()
#: Seed 004 (an older Office 365 article): "the charges ... will appear on your payment method
#: within 2 days", for both agreements.
CARD_CHARGE_SEED_004: Final = CardCharge(
    CardChargeRule.DAYS_AFTER_ORDER, CardChargeRule.DAYS_AFTER_ORDER, 2
)

#: Seeds 000 and 001 (the 2021 articles) let a customer cancel an add-on subscription like any
#: other; seed 002 (the 2016 Office 365 article) did not ("you can't remove an add-on or an add-on
#: subscription yourself", only turn its auto-renew off). The first document that allows it is
#: dated 2021-04-02: a cancellation before that day follows seed 002.
ADDON_CANCELLATION_FROM: Final = date(2021, 4, 2)


#: "Midterm billing frequency changes for triennial offers will be blocked starting April 1,
#: 2025" (Partner Center, Manage term duration and billing frequency): from that day a three-year
#: term changes its billing frequency only at the renewal.
TRIENNIAL_MIDTERM_FREQUENCY_UNTIL: Final = date(2025, 4, 1)


#: The most business days counted at once: ten years of them (a loop runs once per day).
_MAX_BUSINESS_DAYS: Final = 2_610


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day (Monday to Friday) after ``start``; ``start`` if 0.

    >>> add_business_days(date(2025, 1, 10), 2)  # a Friday: Monday, then Tuesday
    datetime.date(2025, 1, 14)
    """
    day = check_date(start, "start")
    if days.__class__ is not int or not 0 <= days <= _MAX_BUSINESS_DAYS:
        raise InvalidQuantity(
            f"business days must be a whole number from 0 to {_MAX_BUSINESS_DAYS}, got {days!r}"
        )
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@attrs.frozen
class TrialPolicy:
    """Trials: length, fixed license count, the one extension and what happens at the end."""

    days: int = attrs.field(default=30, validator=_some_days)
    licenses: int = attrs.field(default=25, validator=_some_days)
    extension_days: int = attrs.field(default=30, validator=_some_days)
    max_extensions: int = attrs.field(default=1, validator=_days)
    #: An extension may be asked for only this many days before the trial ends, or fewer.
    extension_within_days: int = attrs.field(default=15, validator=_some_days)
    #: An unconverted trial stays Expired 30 days, then its data is deleted (no Disabled stage).
    durations: LifecycleDurations = LifecycleDurations(30, 0)


@attrs.frozen
class Policy:
    """Every number and list the lifecycle and license rules depend on.

    * ``default_durations`` and ``duration_rules`` (first match wins): how long Expired and
      Disabled last, by channel and term;
    * ``window`` and ``window_accounts``: the new-commerce window for cancelling and removing
      licenses, and the account types it applies to (MCA, MPA); a MOSA subscription may remove
      licenses and be cancelled at any time (with a prorated credit);
    * ``online_cancel``: how many licenses a MOSA subscription may have to be cancelled online,
      and what the admin does beyond (:data:`CANCEL_2024`, the default; :data:`CANCEL_2020`);
    * ``credit_check_business_days``: a pending credit check completes on its own this many
      business days after the purchase (None: only ``CompleteCreditCheck`` completes it);
      ``credit_check_blocks_assignment``: while it is pending, the new licenses cannot be used;
    * ``card_charge``: when a card is charged (:data:`CARD_CHARGE_CURRENT`, the default;
      :data:`CARD_CHARGE_SEED_004`);
    * ``addon_cancellation_from``: from this day a customer cancels an add-on subscription like any
      other; before it, only its recurring billing can be turned off (None: always);
    * ``reactivation_creates_new``: the account types whose reactivation creates a new
      subscription (MCA) instead of bringing the old one back;
    * ``mca_upfront_invoices``: an MCA bills purchases, renewals and recurring charges upfront on
      a one-day invoice dated the next day, changes on the monthly invoice (understand your MCA
      invoice, 2024); False: the older in-arrears billing, everything on the monthly invoice;
    * ``trial``: trial length, licenses and extension;
    * ``over_assignment_days``: how long users keep a license that a renewal took away (per-user
      products; capacity shrinks at once);
    * ``credit_check_methods``: payment methods whose purchases wait for a credit check;
    * ``not_reactivatable``: (channel, status) pairs that cannot be reactivated (new commerce
      through a CSP: an Expired subscription cannot come back);
    * ``end_of_sale``: product ids no longer sold (no purchase, no added licenses);
    * ``proration``: the convention that prices refunds;
    * ``billing_plan_proration``: how the first period after a billing-frequency change is
      priced (:data:`~subcommerce.billing_plans.PC_BILLING_PLAN_MONTHS`: by whole months);
    * ``frequency_fixed_accounts``: the account types whose billing frequency is chosen only when
      buying, changing plan or renewing (MCA): a billing cycle change mid-term is refused;
    * ``triennial_midterm_frequency_until``: from this day a three-year term changes its billing
      frequency only at its renewal (None: never blocked);
    * ``trial_cancellation_accounts``: the account types whose trials can be cancelled (MOSA: "the
      steps to cancel your trial or paid subscription"); elsewhere recurring billing is turned off;
    * ``alignment_accounts``: the account types whose purchases may take another subscription's
      renewal date (those billed per billing profile); ``trial_alignment_accounts``: those whose
      trials may (MCA: the admin center's trial checkout; Partner Center's coterminosity says
      "Trial subscriptions are also excluded").
    """

    default_durations: LifecycleDurations = LifecycleDurations(30, 90)
    duration_rules: tuple[DurationRule, ...] = ()
    window: CancellationWindow = CancellationWindow()
    window_accounts: frozenset[BillingAccountType] = frozenset(
        {BillingAccountType.MCA, BillingAccountType.MPA}
    )
    online_cancel: OnlineCancelRule = CANCEL_2024
    trial: TrialPolicy = TrialPolicy()
    over_assignment_days: int = attrs.field(default=90, validator=_days)
    credit_check_methods: frozenset[PaymentMethod] = frozenset({PaymentMethod.INVOICE})
    not_reactivatable: frozenset[tuple[PurchaseChannel, SubscriptionStatus]] = frozenset(
        {(PurchaseChannel.CLOUD_SOLUTION_PROVIDER, SubscriptionStatus.EXPIRED)}
    )
    end_of_sale: frozenset[str] = frozenset()
    proration: ProrationConvention = EXACT
    credit_check_business_days: int | None = 2
    credit_check_blocks_assignment: bool = True
    card_charge: CardCharge = CARD_CHARGE_CURRENT
    addon_cancellation_from: date | None = ADDON_CANCELLATION_FROM
    reactivation_creates_new: frozenset[BillingAccountType] = frozenset({BillingAccountType.MCA})
    mca_upfront_invoices: bool = True
    billing_plan_proration: BillingPlanProration = PC_BILLING_PLAN_MONTHS
    frequency_fixed_accounts: frozenset[BillingAccountType] = frozenset({BillingAccountType.MCA})
    triennial_midterm_frequency_until: date | None = TRIENNIAL_MIDTERM_FREQUENCY_UNTIL
    trial_cancellation_accounts: frozenset[BillingAccountType] = frozenset(
        {BillingAccountType.MOSA}
    )
    alignment_accounts: frozenset[BillingAccountType] = ALIGNMENT_ACCOUNTS
    trial_alignment_accounts: frozenset[BillingAccountType] = frozenset({BillingAccountType.MCA})

    def __attrs_post_init__(self) -> None:
        days = self.credit_check_business_days
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            raise InvalidQuantity(
                f"credit_check_business_days must be None or a whole number >= 0, got {days!r}"
            )

    def credit_check_completes(self, subscription: Subscription) -> date | None:
        """The day a pending credit check of ``subscription`` completes on its own (None: never;
        a ``CompleteCreditCheck`` completes it)."""
        try:
            pending = subscription.credit_check_pending
        except AttributeError:
            raise InvalidArgument(f"expected a Subscription, got {subscription!r}") from None
        if not pending or self.credit_check_business_days is None:
            return None
        return add_business_days(subscription.start, self.credit_check_business_days)

    def durations_for(self, subscription: Subscription) -> LifecycleDurations:
        """How long ``subscription`` stays Expired, then Disabled."""
        try:
            trial = subscription.is_unconverted_trial
        except AttributeError:
            raise InvalidArgument(f"expected a Subscription, got {subscription!r}") from None
        if trial:
            return self.trial.durations
        for rule in self.duration_rules:
            if rule.matches(subscription):
                return rule.durations
        return self.default_durations

    def window_applies(self, account_type: BillingAccountType | None) -> bool:
        """True when the new-commerce window governs cancellations and license removals."""
        try:
            return account_type in self.window_accounts
        except TypeError:
            raise InvalidArgument(f"expected a BillingAccountType, got {account_type!r}") from None


#: What Microsoft documents for most offers in most countries.
DEFAULT_POLICY: Final = Policy()
