"""The lifecycle over time: a pure function of (tenant, as-of date).

:func:`advance` brings every subscription of a tenant up to a date and says what happened on the
way, in date order:

* at the end of a term, a subscription with recurring billing on renews (the changes scheduled
  for the renewal apply, and its licenses get a fresh cancellation window); with recurring
  billing off it goes to **Expired** (users keep access);
* Expired lasts 30 days, then **Disabled** (admins only) 90 days, then **Deleted**, for good;
  the durations depend on channel and term and come from the :class:`~subcommerce.policy.Policy`;
* a trial ends after 30 days (60 with its extension): with recurring billing on and a payment
  method it converts to a paid subscription on the same day; otherwise it expires, and its data is
  deleted 30 days later;
* users left without a license when a renewal lowered the quantity below the assigned count keep
  access for 90 days (per-user products); capacity shrinks at once;
* a traditional add-on follows its base: it renews, expires, is disabled and deleted with it;
* a Suspended subscription (partner channels) is left as it is: its partner moves it on.

>>> from datetime import date
>>> from subcommerce.periods import Term
>>> from subcommerce.subscriptions import Subscription, Tenant
>>> basic = Subscription("s1", "business-basic", date(2025, 1, 31), 10, Term.P1M,
...                      recurring_billing=False)
>>> after = advance(Tenant("contoso.com", (basic,)), date(2025, 7, 1))
>>> [(e.on.isoformat(), e.after.value) for e in after.events]
[('2025-02-28', 'expired'), ('2025-03-30', 'disabled'), ('2025-06-28', 'deleted')]
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

import attrs

from subcommerce.catalog import LicenseUnit
from subcommerce.errors import DateOutsidePeriod
from subcommerce.events import (
    Event,
    OverAssignmentEnded,
    OverAssignmentStarted,
    Renewed,
    StatusCause,
    StatusChanged,
    TrialConverted,
)
from subcommerce.periods import check_date
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.subscriptions import (
    LicenseBlock,
    ScheduledChange,
    Subscription,
    SubscriptionStatus,
    Tenant,
)

__all__ = ["Outcome", "advance", "next_transition", "status_since", "trial_end"]

_Status = SubscriptionStatus


@attrs.frozen
class Outcome:
    """The tenant after a command or the passing of time, and the events that got it there."""

    tenant: Tenant
    events: tuple[Event, ...] = ()


class _Step(enum.IntEnum):
    # Same-day steps run in this order.
    OVER_ASSIGNMENT_END = 0
    TRIAL_END = 1
    TERM_END = 2
    GRACE_END = 3
    DISABLED_END = 4


def trial_end(subscription: Subscription, policy: Policy = DEFAULT_POLICY) -> date:
    """The first day after ``subscription``'s trial (its start + the trial length if not set)."""
    if subscription.trial_end is not None:
        return subscription.trial_end
    return subscription.start + timedelta(days=policy.trial.days)


def status_since(subscription: Subscription, policy: Policy = DEFAULT_POLICY) -> date:
    """The day the current status began.

    Taken from ``status_since`` when the snapshot has it; otherwise the status is taken to have
    followed the normal course from the end of the current term (or of the trial).
    """
    if subscription.status_since is not None:
        return subscription.status_since
    if subscription.is_unconverted_trial or subscription.status is _Status.TRIAL:
        end = trial_end(subscription, policy)
    else:
        end = subscription.current_term.end
    if subscription.status is _Status.DISABLED:
        return end + timedelta(days=policy.durations_for(subscription).expired_days)
    if subscription.status in (_Status.EXPIRED, _Status.DELETED):
        return end
    return subscription.anchor


def _steps(subscription: Subscription, policy: Policy) -> list[tuple[date, _Step]]:
    status = subscription.status
    steps: list[tuple[date, _Step]] = []
    if status is _Status.DELETED:
        return steps
    if subscription.over_assigned and subscription.over_assigned_until is not None:
        steps.append((subscription.over_assigned_until, _Step.OVER_ASSIGNMENT_END))
    if status is _Status.TRIAL:
        steps.append((trial_end(subscription, policy), _Step.TRIAL_END))
    elif status is _Status.ACTIVE:
        steps.append((subscription.current_term.end, _Step.TERM_END))
    elif status is _Status.EXPIRED:
        days = policy.durations_for(subscription).expired_days
        steps.append((status_since(subscription, policy) + timedelta(days=days), _Step.GRACE_END))
    elif status is _Status.DISABLED:
        days = policy.durations_for(subscription).disabled_days
        steps.append(
            (status_since(subscription, policy) + timedelta(days=days), _Step.DISABLED_END)
        )
    return steps


def next_transition(subscription: Subscription, policy: Policy = DEFAULT_POLICY) -> date | None:
    """The next day on which time alone changes ``subscription`` (None if it never will).

    A traditional add-on whose base is in the tenant changes with its base instead.
    """
    steps = _steps(subscription, policy)
    return min(steps)[0] if steps else None


def advance(tenant: Tenant, as_of: date, policy: Policy = DEFAULT_POLICY) -> Outcome:
    """``tenant`` brought up to ``as_of`` (inclusive), with what happened on the way.

    Time only moves forward: ``as_of`` before the tenant's own ``as_of`` is refused.
    """
    check_date(as_of, "as-of date")
    if tenant.as_of is not None and as_of < tenant.as_of:
        raise DateOutsidePeriod(
            f"as-of date {as_of.isoformat()} is before the tenant's {tenant.as_of.isoformat()}; "
            "time only moves forward"
        )
    events: list[Event] = []
    current = tenant
    for subscription in tenant.subscriptions:
        if follows_parent(current, subscription):
            continue  # moved along with its base
        while True:
            due = [s for s in _family_steps(current, subscription.id, policy) if s[0] <= as_of]
            if not due:
                break
            on, step, target = min(due)
            current, happened = _take(current, current.subscription(target), on, step, policy)
            events.extend(happened)
    events.sort(key=lambda e: e.on)  # stable: same-day events keep their order
    return Outcome(attrs.evolve(current, as_of=as_of), tuple(events))


def _family_steps(
    tenant: Tenant, subscription_id: str, policy: Policy
) -> list[tuple[date, _Step, str]]:
    """The steps of a subscription, and the over-assignment ends of its traditional add-ons."""
    sub = tenant.subscription(subscription_id)
    steps = [(on, step, sub.id) for on, step in _steps(sub, policy)]
    for child in tenant.traditional_addons_of(sub.id):
        steps.extend(
            (on, step, child.id)
            for on, step in _steps(child, policy)
            if step is _Step.OVER_ASSIGNMENT_END
        )
    return steps


def follows_parent(tenant: Tenant, subscription: Subscription) -> bool:
    """True for a traditional add-on whose base is in ``tenant`` (it lives and dies with it)."""
    return (
        subscription.is_traditional_addon
        and subscription.parent_id is not None
        and tenant.has(subscription.parent_id)
    )


def _take(
    tenant: Tenant, sub: Subscription, on: date, step: _Step, policy: Policy
) -> tuple[Tenant, list[Event]]:
    if step is _Step.OVER_ASSIGNMENT_END:
        ended = attrs.evolve(sub, over_assigned=0, over_assigned_until=None)
        return tenant.replace(ended), [OverAssignmentEnded(sub.id, on, sub.over_assigned)]
    if step is _Step.TRIAL_END:
        return _end_trial(tenant, sub, on)
    if step is _Step.TERM_END:
        if sub.recurring_billing:
            return _renew(tenant, sub, on, policy)
        return set_status(tenant, sub, _Status.EXPIRED, on, StatusCause.TERM_ENDED)
    if step is _Step.GRACE_END:
        if policy.durations_for(sub).disabled_days == 0:
            return set_status(tenant, sub, _Status.DELETED, on, StatusCause.DISABLED_ENDED)
        return set_status(tenant, sub, _Status.DISABLED, on, StatusCause.GRACE_ENDED)
    return set_status(tenant, sub, _Status.DELETED, on, StatusCause.DISABLED_ENDED)


def set_status(
    tenant: Tenant,
    sub: Subscription,
    status: SubscriptionStatus,
    on: date,
    cause: StatusCause,
    *,
    child_cause: StatusCause = StatusCause.FOLLOWS_PARENT,
) -> tuple[Tenant, list[Event]]:
    """``sub`` moved to ``status`` on ``on``, its traditional add-ons with it.

    Leaving the active states drops any scheduled change; Deleted also ends over-assignment.
    """
    changed = _with_status(sub, status, on)
    events: list[Event] = [StatusChanged(sub.id, on, sub.status, status, cause)]
    tenant = tenant.replace(changed)
    for child in tenant.traditional_addons_of(sub.id):
        if child.status is _Status.DELETED or child.status is status:
            continue
        follower = attrs.evolve(
            _with_status(child, status, on), recurring_billing=changed.recurring_billing
        )
        tenant = tenant.replace(follower)
        events.append(StatusChanged(child.id, on, child.status, status, child_cause))
    return tenant, events


def _with_status(sub: Subscription, status: SubscriptionStatus, on: date) -> Subscription:
    changed = attrs.evolve(sub, status=status, status_since=on)
    if not status.is_active:
        changed = attrs.evolve(changed, scheduled=None)
    if status is _Status.DELETED:
        changed = attrs.evolve(
            changed, recurring_billing=False, over_assigned=0, over_assigned_until=None
        )
    return changed


def _end_trial(tenant: Tenant, sub: Subscription, on: date) -> tuple[Tenant, list[Event]]:
    if not (sub.recurring_billing and tenant.payment_method_of(sub) is not None):
        return set_status(tenant, sub, _Status.EXPIRED, on, StatusCause.TRIAL_ENDED)
    paid = attrs.evolve(
        sub,
        status=_Status.ACTIVE,
        status_since=on,
        term_anchor=on,
        renewals=0,
        blocks=(LicenseBlock(sub.quantity, on),) if sub.quantity else (),
    )
    events: list[Event] = [
        StatusChanged(sub.id, on, sub.status, _Status.ACTIVE, StatusCause.TRIAL_CONVERTED),
        TrialConverted(sub.id, on, sub.quantity, paid.current_term, paid.billing_frequency),
    ]
    return tenant.replace(paid), events


def _renew(
    tenant: Tenant, sub: Subscription, on: date, policy: Policy
) -> tuple[Tenant, list[Event]]:
    renewed, events = renew_one(sub, on, policy)
    tenant = tenant.replace(renewed)
    for child in tenant.traditional_addons_of(sub.id):
        if child.status is _Status.DELETED:
            continue
        child_renewed, child_events = renew_one(
            attrs.evolve(child, term=renewed.term), on, policy, anchor=renewed.current_term.start
        )
        tenant = tenant.replace(child_renewed)
        events.extend(child_events)
    return tenant, events


def renew_one(
    sub: Subscription, on: date, policy: Policy, *, anchor: date | None = None
) -> tuple[Subscription, list[Event]]:
    """``sub`` renewed on ``on``: scheduled changes applied, one fresh block of licenses.

    ``anchor`` co-terms a traditional add-on with its base's new term.
    """
    change = sub.scheduled or ScheduledChange()
    term = change.term or sub.term
    frequency = change.billing_frequency or sub.billing_frequency
    if anchor is not None:
        moved = attrs.evolve(sub, term=term, term_anchor=anchor, renewals=0)
    elif term is not sub.term:
        moved = attrs.evolve(sub, term=term, term_anchor=on, renewals=0)
    else:
        moved = attrs.evolve(sub, renewals=sub.renewals + 1)
    quantity = sub.quantity if change.quantity is None else change.quantity
    moved, events = reduce_at_renewal(moved, quantity, on, policy)
    moved = attrs.evolve(
        moved,
        billing_frequency=frequency,
        scheduled=None,
        blocks=(LicenseBlock(quantity, on),) if quantity else (),
    )
    renewed: list[Event] = [
        Renewed(sub.id, on, moved.current_term, sub.quantity, quantity, term, frequency)
    ]
    return moved, renewed + events


def reduce_at_renewal(
    sub: Subscription, quantity: int, on: date, policy: Policy
) -> tuple[Subscription, list[Event]]:
    """``sub`` with ``quantity`` licenses; assigned users beyond it keep access for a grace.

    Per-user products: the users beyond the new quantity lose their license but keep access for
    ``policy.over_assignment_days``. Capacity (storage) shrinks at once.
    """
    if quantity >= sub.assigned:
        return attrs.evolve(sub, quantity=quantity, blocks=()), []
    if sub.unit is LicenseUnit.CAPACITY:
        return attrs.evolve(sub, quantity=quantity, assigned=quantity, blocks=()), []
    excess = sub.assigned - quantity
    until = on + timedelta(days=policy.over_assignment_days)
    reduced = attrs.evolve(
        sub,
        quantity=quantity,
        assigned=quantity,
        blocks=(),
        over_assigned=sub.over_assigned + excess,
        over_assigned_until=until,
    )
    return reduced, [OverAssignmentStarted(sub.id, on, reduced.over_assigned, until)]
