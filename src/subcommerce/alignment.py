"""Aligned renewals: a first term that ends on another subscription's renewal date.

Under a Microsoft Customer Agreement a purchase may "match the renewal date with another
subscription paid by the billing profile" ("Select a different renewal date", *Try or buy a
Microsoft 365 for business subscription*); Partner Center calls it coterminosity (*Align new
commerce experience subscription end dates*, 2023-07-24): "The first term after setting up
coterminosity can be shorter than the full term to align the renew date with an existing
subscription ... The charges will be prorated for the first short term."

:func:`aligned_term` works out that first term: it ends on the latest renewal date of the target
(its current term's end, or a later anniversary it will renew on) that falls within one full term
of the purchase day, and the terms after it are full terms from that date. It is expressed the way
every subscription's terms are (an anchor and the number of terms since it), so the lifecycle, the
ledger and the cancellation window need nothing new: the first billing period is the one of the
anchor's grid that holds the purchase day, charged from that day.

:func:`alignment_reasons` says why an alignment does not apply (MOSA, another billing profile, an
inactive target, an annual or three-year term on a monthly target, no renewal date within reach).
Commands call both; a change of plan can too (the hook for issue 12's ``change-plan`` work).

>>> from subcommerce.periods import Term
>>> from subcommerce.subscriptions import Subscription
>>> target = Subscription("s1", "m365-e3", date(2021, 10, 2), 10, Term.P1Y)
>>> aligned = aligned_term(target, Term.P1Y, date(2022, 7, 1))
>>> aligned.first_end.isoformat(), aligned.term_anchor.isoformat(), aligned.renewals
('2022-10-02', '2021-10-02', 0)
"""

from __future__ import annotations

from datetime import date
from typing import Final

import attrs

from subcommerce._checks import expect
from subcommerce.billing import BillingAccountType
from subcommerce.errors import InvalidCommand, Reason, ReasonCode
from subcommerce.periods import Term, add_months, check_date
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant

__all__ = [
    "ALIGNMENT_ACCOUNTS",
    "AlignedTerm",
    "aligned_term",
    "alignment_reasons",
    "window_start",
]

#: The agreements whose subscriptions may share a renewal date: those billed per billing profile
#: (MCA in the admin center, MPA through Partner Center's coterminosity).
ALIGNMENT_ACCOUNTS: Final = frozenset({BillingAccountType.MCA, BillingAccountType.MPA})

#: The most renewal dates of a target looked at: a three-year term holds 36 monthly ones.
_MOST_DATES: Final = 40


@attrs.frozen
class AlignedTerm:
    """The terms of a subscription aligned to another's renewal date.

    Its current term is ``[add_months(term_anchor, n * renewals), first_end)`` for an ``n``-month
    term: a full term of the anchor's grid, of which the subscription holds the part from its
    purchase day. ``first_end`` is the target's renewal date, the new subscription's first.
    """

    term_anchor: date
    renewals: int
    first_end: date


def _renewal_dates(target: Subscription, after: date, until: date) -> list[tuple[int, date]]:
    """The target's renewal dates in ``(after, until]``, with their index from its anchor."""
    months = target.term.months
    found = []
    index = target.renewals + 1
    for _ in range(_MOST_DATES):
        day = add_months(target.anchor, months * index)
        if day > until:
            break
        if day > after:
            found.append((index, day))
        index += 1
    return found


def aligned_term(target: Subscription, term: Term, on: date) -> AlignedTerm | None:
    """The first term of a ``term`` subscription bought on ``on`` that ends on a renewal date of
    ``target``; None when no renewal date of the target falls within one full term of ``on``.

    The latest such date is taken (a three-year purchase aligned to a one-year subscription runs
    to the anniversary before its third year ends: Partner Center's example, 27 months). Every
    date is computed from the target's anchor, so the two subscriptions renew on the very same
    day, month ends included.
    """
    expect(target, Subscription, "target subscription")
    expect(term, Term, "term")
    check_date(on, "purchase date")
    n = term.months
    m = target.term.months
    for index, day in reversed(_renewal_dates(target, on, add_months(on, n))):
        if (m * index) % n == 0:
            anchor, renewals = target.anchor, m * index // n - 1
        else:
            anchor, renewals = add_months(target.anchor, m * index - n), 0
            if add_months(anchor, n) != day:
                continue  # a month end the grid cannot reach from there (a 29 February)
        if add_months(anchor, n * renewals) <= on:
            return AlignedTerm(anchor, renewals, day)
    return None


def alignment_reasons(
    tenant: Tenant,
    subscription_id: str,
    target_id: str,
    term: Term,
    billing_profile_id: str | None,
    on: date,
    accounts: frozenset[BillingAccountType] = ALIGNMENT_ACCOUNTS,
) -> list[Reason]:
    """Why subscription ``subscription_id`` (new, or a trial converting) on ``term``, billed on
    ``billing_profile_id``, cannot take the renewal date of ``target_id`` on ``on``.

    Raises :class:`~subcommerce.errors.UnknownReference` for a target the tenant does not hold and
    :class:`~subcommerce.errors.InvalidCommand` for a subscription aligned to itself.
    """
    expect(tenant, Tenant, "tenant")
    expect(subscription_id, str, "subscription id")
    expect(target_id, str, "target subscription id")
    expect(term, Term, "term")
    if billing_profile_id is not None:
        expect(billing_profile_id, str, "billing profile id")
    check_date(on, "purchase date")
    expect(accounts, frozenset, "account types")
    if target_id == subscription_id:
        raise InvalidCommand(f"subscription {subscription_id!r} cannot align to itself")
    target = tenant.subscription(target_id)
    account_type = tenant.account_type
    if account_type not in accounts:
        kind = "mosa" if account_type is None else account_type.value
        return [
            Reason(ReasonCode.ALIGNMENT_NOT_AVAILABLE, subscription=subscription_id,
                   account_type=kind)
        ]  # fmt: skip
    targets = (target_id,)
    reasons = []
    if target.status is not SubscriptionStatus.ACTIVE:
        reasons.append(
            Reason(
                ReasonCode.ALIGNMENT_TARGET_NOT_ACTIVE,
                status=target.status,
                subscription=subscription_id,
                subscriptions=targets,
            )
        )
    if target.billing_profile_id != billing_profile_id:
        reasons.append(
            Reason(
                ReasonCode.ALIGNMENT_OTHER_PROFILE,
                billing_profile=str(billing_profile_id),
                subscription=subscription_id,
                subscriptions=targets,
            )
        )
    if term.months > target.term.months == 1:
        # "Annual and triannual term subscriptions can't be coterminated with a monthly term
        # subscription."
        reasons.append(
            Reason(
                ReasonCode.ALIGNMENT_TERM_MISMATCH,
                term=term,
                base_term=target.term,
                subscription=subscription_id,
                subscriptions=targets,
            )
        )
    elif not reasons and aligned_term(target, term, on) is None:
        reasons.append(
            Reason(
                ReasonCode.ALIGNMENT_OUT_OF_REACH,
                term=term,
                on=target.end,
                subscription=subscription_id,
                subscriptions=targets,
            )
        )
    return reasons


def window_start(subscription: Subscription) -> date:
    """The day the cancellation window of the subscription's current term opened: the term's
    first day, or the purchase day of a first term that began before it (an aligned one).

    A traditional add-on keeps its base's term start, as before.
    """
    start = subscription.current_term.start
    if subscription.start > start and not subscription.is_traditional_addon:
        return subscription.start
    return start
