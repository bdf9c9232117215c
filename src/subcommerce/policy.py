"""Policy: the durations, windows and limits that differ by channel, term or date, as one value.

Microsoft documents these numbers per offer, country and channel, and changes them over time
(the cancellation window went from 72 hours to 7 days in March 2022). They are data here, never
literals in the rules: :data:`DEFAULT_POLICY` holds what Microsoft documents for most offers in
most countries, and a caller builds another :class:`Policy` with ``attrs.evolve`` for the rest.

Sources (see docs/rules.md): "What happens to my data and access when my subscription ends?"
(Expired 30 days, Disabled 90 days; enterprise multi-year terms 90 + 90; Volume Licensing
Enterprise Agreement 90 + 60), "Extend your trial" (one 30-day extension in the last 15 days),
Partner Center's new commerce cancellation policy (7 days since 2022-03-17, applied to
subscriptions bought from 2022-03-12; 72 hours before), "Cancel your subscription" (online
cancellation with at most 25 licenses assigned under MOSA).

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

from subcommerce.billing import BillingAccountType, PaymentMethod
from subcommerce.errors import InvalidQuantity
from subcommerce.periods import Term, check_date
from subcommerce.proration import EXACT, ProrationConvention
from subcommerce.subscriptions import PurchaseChannel, Subscription, SubscriptionStatus

__all__ = [
    "DEFAULT_POLICY",
    "VL_ENTERPRISE_AGREEMENT",
    "CancellationWindow",
    "DurationRule",
    "LifecycleDurations",
    "Policy",
    "TrialPolicy",
]


def _days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(
            f"{attribute.name} must be a whole number of days >= 0, got {value!r}"
        )


def _some_days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidQuantity(
            f"{attribute.name} must be a whole number of days >= 1, got {value!r}"
        )


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
        return (self.channel is None or self.channel is subscription.channel) and (
            self.term is None or self.term is subscription.term
        )


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
        return bought <= check_date(on, "date") < self.closes(bought)


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
    * ``online_cancel_max_assigned``: a MOSA customer cancels online only up to this many assigned
      licenses; beyond, support does it;
    * ``trial``: trial length, licenses and extension;
    * ``over_assignment_days``: how long users keep a license that a renewal took away (per-user
      products; capacity shrinks at once);
    * ``credit_check_methods``: payment methods whose purchases wait for a credit check;
    * ``not_reactivatable``: (channel, status) pairs that cannot be reactivated (new commerce
      through a CSP: an Expired subscription cannot come back);
    * ``end_of_sale``: product ids no longer sold (no purchase, no added licenses);
    * ``proration``: the convention that prices refunds.
    """

    default_durations: LifecycleDurations = LifecycleDurations(30, 90)
    duration_rules: tuple[DurationRule, ...] = (
        DurationRule(LifecycleDurations(90, 90), term=Term.P3Y),
    )
    window: CancellationWindow = CancellationWindow()
    window_accounts: frozenset[BillingAccountType] = frozenset(
        {BillingAccountType.MCA, BillingAccountType.MPA}
    )
    online_cancel_max_assigned: int | None = 25
    trial: TrialPolicy = TrialPolicy()
    over_assignment_days: int = attrs.field(default=90, validator=_days)
    credit_check_methods: frozenset[PaymentMethod] = frozenset({PaymentMethod.INVOICE})
    not_reactivatable: frozenset[tuple[PurchaseChannel, SubscriptionStatus]] = frozenset(
        {(PurchaseChannel.CLOUD_SOLUTION_PROVIDER, SubscriptionStatus.EXPIRED)}
    )
    end_of_sale: frozenset[str] = frozenset()
    proration: ProrationConvention = EXACT

    def durations_for(self, subscription: Subscription) -> LifecycleDurations:
        """How long ``subscription`` stays Expired, then Disabled."""
        if subscription.is_unconverted_trial:
            return self.trial.durations
        for rule in self.duration_rules:
            if rule.matches(subscription):
                return rule.durations
        return self.default_durations

    def window_applies(self, account_type: BillingAccountType | None) -> bool:
        """True when the new-commerce window governs cancellations and license removals."""
        return account_type in self.window_accounts


#: What Microsoft documents for most offers in most countries.
DEFAULT_POLICY: Final = Policy()
