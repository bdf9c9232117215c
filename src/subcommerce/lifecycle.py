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
* a Suspended subscription (partner channels) that is still suspended at the end of its term
  moves to **Expired** (Partner Center, "Subscription lifecycle states"), whatever its recurring
  billing says; until then its partner moves it on;
* a pending credit check completes on its own ``Policy.credit_check_business_days`` business days
  after the purchase (seed 004: "usually two business days").

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
import functools
import operator
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Final

import attrs

from subcommerce._checks import expect
from subcommerce.alignment import aligned_term
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.errors import DateOutsidePeriod
from subcommerce.events import (
    CreditCheckCompleted,
    Event,
    OverAssignmentEnded,
    OverAssignmentStarted,
    ProductChanged,
    Renewed,
    RenewedSlots,
    StatusCause,
    StatusChanged,
    TrialConverted,
)
from subcommerce.events import renewed as renewed_event
from subcommerce.periods import (
    MAX_DATE,
    MIN_DATE,
    Period,
    Term,
    add_months,
    check_date,
    period_unchecked,
)
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.subscriptions import (
    LicenseBlock,
    ScheduledChange,
    Subscription,
    SubscriptionStatus,
    Tenant,
    dated,
    evolved,
    license_block,
    rebuilder,
    rebuilt,
    restated,
)

__all__ = ["Outcome", "advance", "next_transition", "status_since", "trial_end"]

_Status = SubscriptionStatus
_TRADITIONAL = AddonKind.TRADITIONAL


class OutcomeSlots:
    """The slots of an :class:`Outcome`, writable (as ``periods.PeriodSlots``): :func:`outcome`
    fills and retypes one."""

    __slots__ = ("__weakref__", "events", "tenant")
    tenant: Tenant
    events: tuple[Event, ...]


@attrs.frozen
class Outcome(OutcomeSlots):
    """The tenant after a command or the passing of time, and the events that got it there."""

    tenant: Tenant
    events: tuple[Event, ...] = ()


def outcome(tenant: Tenant, events: tuple[Event, ...] = ()) -> Outcome:
    """``Outcome(tenant, events)`` for a checked tenant and a tuple of events (the lifecycle's
    and the commands', once per command): the same value, built by retyping its slots' twin."""
    made = OutcomeSlots()
    made.tenant = tenant
    made.events = events
    made.__class__ = Outcome
    return made  # type: ignore[return-value]  # retyped: an Outcome now


class _Step(enum.IntEnum):
    # Same-day steps run in this order.
    CREDIT_CHECK_END = 0
    OVER_ASSIGNMENT_END = 1
    TRIAL_END = 2
    TERM_END = 3
    GRACE_END = 4
    DISABLED_END = 5


# Members bound once: reading them off the enum class is slow on CPython 3.11.
_TRIAL: Final = SubscriptionStatus.TRIAL
_ACTIVE: Final = SubscriptionStatus.ACTIVE
_EXPIRED: Final = SubscriptionStatus.EXPIRED
_DISABLED: Final = SubscriptionStatus.DISABLED
_DELETED: Final = SubscriptionStatus.DELETED
_SUSPENDED: Final = SubscriptionStatus.SUSPENDED
_CREDIT_CHECK_END: Final = _Step.CREDIT_CHECK_END
_OVER_ASSIGNMENT_END: Final = _Step.OVER_ASSIGNMENT_END
_TRIAL_END: Final = _Step.TRIAL_END
_TERM_END: Final = _Step.TERM_END
_GRACE_END: Final = _Step.GRACE_END
_DISABLED_END: Final = _Step.DISABLED_END
_ON: Final = operator.attrgetter("on")  # the day of an event
#: Each term's length in months (``Term.months``, read once: the property costs a call per read).
_TERM_MONTHS: Final[dict[Term, int]] = {term: term.months for term in Term}


def trial_end(subscription: Subscription, policy: Policy = DEFAULT_POLICY) -> date:
    """The first day after ``subscription``'s trial (its start + the trial length if not set)."""
    if subscription.__class__ is not Subscription:  # the common case costs one comparison
        expect(subscription, Subscription, "subscription")
    if policy.__class__ is not Policy:  # the common case costs one comparison
        expect(policy, Policy, "policy")
    if subscription.trial_end is not None:
        return subscription.trial_end
    return subscription.start + timedelta(days=policy.trial.days)


def status_since(subscription: Subscription, policy: Policy = DEFAULT_POLICY) -> date:
    """The day the current status began.

    Taken from ``status_since`` when the snapshot has it; otherwise the status is taken to have
    followed the normal course from the end of the current term (or of the trial).
    """
    if subscription.__class__ is not Subscription:  # the common case costs one comparison
        expect(subscription, Subscription, "subscription")
    if policy.__class__ is not Policy:  # the common case costs one comparison
        expect(policy, Policy, "policy")
    if subscription.status_since is not None:
        return subscription.status_since
    if subscription.is_unconverted_trial or subscription.status is _TRIAL:
        end = trial_end(subscription, policy)
    else:
        end = subscription.current_term.end
    if subscription.status is _DISABLED:
        return end + timedelta(days=policy.durations_for(subscription).expired_days)
    if subscription.status in (_EXPIRED, _DELETED):
        return end
    return subscription.anchor


def _status_step(subscription: Subscription, policy: Policy) -> tuple[date, _Step] | None:
    """The step that ends the current status (term, trial, grace, disabled), if one does."""
    status = subscription.status
    if status is _ACTIVE or status is _SUSPENDED:
        return subscription.current_term.end, _TERM_END
    if status is _TRIAL:
        return trial_end(subscription, policy), _TRIAL_END
    if status is _EXPIRED:
        days = policy.durations_for(subscription).expired_days
        return status_since(subscription, policy) + timedelta(days=days), _GRACE_END
    if status is _DISABLED:
        days = policy.durations_for(subscription).disabled_days
        return status_since(subscription, policy) + timedelta(days=days), _DISABLED_END
    return None  # Deleted is final


def _own_steps(subscription: Subscription, policy: Policy) -> list[tuple[date, _Step]]:
    """The steps of a subscription that are its own even when it follows its base: the end of
    its users' over-assignment and the completion of its credit check."""
    steps: list[tuple[date, _Step]] = []
    if subscription.over_assigned and subscription.over_assigned_until is not None:
        steps.append((subscription.over_assigned_until, _OVER_ASSIGNMENT_END))
    if subscription.credit_check_pending:
        completes = policy.credit_check_completes(subscription)
        if completes is not None:
            steps.append((completes, _CREDIT_CHECK_END))
    return steps


def _steps(subscription: Subscription, policy: Policy) -> list[tuple[date, _Step]]:
    if subscription.status is _DELETED:
        return []
    steps = _own_steps(subscription, policy)
    step = _status_step(subscription, policy)
    if step is not None:
        steps.append(step)
    return steps


def next_transition(subscription: Subscription, policy: Policy = DEFAULT_POLICY) -> date | None:
    """The next day on which time alone changes ``subscription`` (None if it never will).

    A traditional add-on whose base is in the tenant changes with its base instead.
    """
    return next_due(policy, subscription)


def _due_of(policy: Policy) -> Callable[[Subscription], date | None]:
    """``next_transition(sub, policy)`` as a function of ``sub`` alone (the lifecycle memo's due
    day of one subscription, pickled with the tenant): :func:`next_due` with ``policy`` bound
    first, so a call passes positional arguments only (a partial with ``policy=`` builds a
    dict of keywords on every call)."""
    return functools.partial(next_due, policy)


def next_due(policy: Policy, subscription: Subscription) -> date | None:
    """:func:`next_transition`, the policy first.

    Public within the package, not in ``__all__``: a tenant's pickle names it (its lifecycle
    memo holds a partial of it), so the name is kept as a public one, and pickles do not depend
    on a private name."""
    if subscription.__class__ is not Subscription:  # the common case costs one comparison
        expect(subscription, Subscription, "subscription")
    if policy.__class__ is not Policy:  # the common case costs one comparison
        expect(policy, Policy, "policy")
    status = subscription.status
    over, pending = subscription.over_assigned, subscription.credit_check_pending
    if status is _ACTIVE and not over and not pending:  # the common case: its term's end
        return subscription.current_term.end
    if status is _DELETED:
        return None
    step = _status_step(subscription, policy)
    due = None if step is None else step[0]
    if over or pending:
        for on, _ in _own_steps(subscription, policy):
            if due is None or on < due:
                due = on
    return due


#: A subscription that moves on its own (its position in the tenant) and the positions of the
#: traditional add-ons that move with it.
_Family = tuple[int, tuple[int, ...]]


def _families(subscriptions: tuple[Subscription, ...]) -> list[_Family]:
    """Every subscription that moves on its own, in tenant order, with its traditional add-ons.

    A traditional add-on whose base is in the tenant follows it (:func:`follows_parent`) and has
    no family of its own; only its over-assignment ends are its own steps, taken in its base's
    family.
    """
    for sub in subscriptions:  # the common case first: no add-on names a parent
        if sub.addon_kind is _TRADITIONAL and sub.parent_id is not None:
            break
    else:
        return _ALONE  # every subscription on its own: advance takes _advance_alone
    addons: dict[str, list[int]] = {}
    for position, sub in enumerate(subscriptions):
        if sub.addon_kind is _TRADITIONAL and sub.parent_id is not None:
            addons.setdefault(sub.parent_id, []).append(position)
    present = {sub.id for sub in subscriptions}
    return [
        (position, tuple(addons.get(sub.id, ())))
        for position, sub in enumerate(subscriptions)
        if not (
            sub.addon_kind is _TRADITIONAL
            and sub.parent_id is not None
            and sub.parent_id in present
        )
    ]


def _family_steps(
    subscriptions: list[Subscription] | tuple[Subscription, ...], family: _Family, policy: Policy
) -> list[tuple[date, _Step, str, int]]:
    """The steps of a subscription, and the over-assignment ends of its traditional add-ons.

    Each step is (day, step, subscription id, position): the earliest is the one to take first
    (same day: in :class:`_Step` order, then by id).
    """
    position, addons = family
    sub = subscriptions[position]
    steps = [(on, step, sub.id, position) for on, step in _steps(sub, policy)]
    for child_position in addons:
        child = subscriptions[child_position]
        if child.status is not _DELETED:
            for on, step in _own_steps(child, policy):
                steps.append((on, step, child.id, child_position))
    return steps


def _first_due(
    subscriptions: tuple[Subscription, ...], families: list[_Family], as_of: date, policy: Policy
) -> int | None:
    """The index of the first family with a step on or before ``as_of`` (None if none has).

    The same steps as :func:`_family_steps`, only the earliest day of each, quickly.
    """
    for index, (position, addons) in enumerate(families):
        sub = subscriptions[position]
        if sub.status is _ACTIVE and not sub.over_assigned and not sub.credit_check_pending:
            due: date | None = sub.current_term.end  # the common case, spelled out
        else:
            due = next_due(policy, sub)
        if due is not None and due <= as_of:
            return index
        for child_position in addons:
            child = subscriptions[child_position]
            if child.status is _DELETED or not (child.over_assigned or child.credit_check_pending):
                continue
            if any(on <= as_of for on, _ in _own_steps(child, policy)):
                return index
    return None


def advance(tenant: Tenant, as_of: date, policy: Policy = DEFAULT_POLICY) -> Outcome:
    """``tenant`` brought up to ``as_of`` (inclusive), with what happened on the way.

    Time only moves forward: ``as_of`` before the tenant's own ``as_of`` is refused.
    """
    if tenant.__class__ is not Tenant:  # the common case costs one comparison
        expect(tenant, Tenant, "tenant")
    if policy.__class__ is not Policy:  # the common case costs one comparison
        expect(policy, Policy, "policy")
    if as_of.__class__ is not date or not MIN_DATE <= as_of <= MAX_DATE:  # one test, mostly
        check_date(as_of, "as-of date")
    held = tenant.as_of
    if held is not None and as_of < held:
        raise DateOutsidePeriod(
            f"as-of date {as_of.isoformat()} is before the tenant's {held.isoformat()}; "
            "time only moves forward"
        )
    memo = tenant.due_memo
    soonest = (
        memo[1] if memo is not None and memo[0] is policy else first_transition(tenant, policy)
    )
    if soonest is None or soonest > as_of:  # most days: nothing happens, only the date moves
        return outcome(tenant if held == as_of else dated(tenant, as_of))
    subscriptions = tenant.subscriptions
    families = _families(subscriptions)
    if families is _ALONE:
        return _advance_alone(tenant, as_of, policy)
    first = _first_due(subscriptions, families, as_of, policy)
    if first is None:
        return outcome(tenant if tenant.as_of == as_of else dated(tenant, as_of))
    # A family's steps change only its own subscriptions: each is brought up to ``as_of`` on its
    # own, in tenant order.
    work = list(subscriptions)
    events: list[Event] = []
    for family in families[first:]:
        position, addons = family
        while True:
            sub = work[position]
            if (
                not addons
                and sub.status is _ACTIVE
                and not sub.over_assigned
                and not sub.credit_check_pending
            ):
                # The common case, spelled out: an active subscription on its own has one step,
                # the end of its term (what _family_steps gives it).
                on = sub.current_term.end
                if on > as_of:
                    break
                events.extend(_take(tenant, work, position, addons, on, _TERM_END, policy))
                continue
            due = [s for s in _family_steps(work, family, policy) if s[0] <= as_of]
            if not due:
                break
            on, step, _, position = min(due)
            events.extend(_take(tenant, work, position, family[1], on, step, policy))
    events.sort(key=_ON)  # stable: same-day events keep their order
    return outcome(restated(tenant, tuple(work), as_of), tuple(events))


#: What :func:`_families` returns when no subscription follows another (no traditional add-on
#: names a parent): every subscription is a family of its own.
_ALONE: Final[list[_Family]] = []
#: Before any day (the day of "no renewal taken yet").
_NO_DAY: Final = date.min


def _advance_alone(tenant: Tenant, as_of: date, policy: Policy) -> Outcome:
    """:func:`advance` of a tenant none of whose subscriptions has a traditional add-on, where
    something is due by ``as_of``: each subscription brought up to ``as_of`` on its own, in
    tenant order, the steps of each taken as :func:`advance`'s families take them.

    It costs what it changes: a subscription not due is looked at once, and a renewal of an
    active subscription with nothing scheduled (the common case) makes one subscription value
    and one event, written out here (what :func:`_renewed`'s general case gives it: the same
    calendar one term on, a fresh block of the same licenses, nothing scheduled). On the way it
    learns every subscription's next day, so the tenant it returns holds the lifecycle memo
    :func:`first_transition` would work out.
    """
    subscriptions = tenant.subscriptions
    work: list[Subscription] | None = None
    events: list[Event] = []
    soonest: date | None = None
    terms: _Terms | None = None  # the renewals' next terms, shared by those on one calendar
    # The events come in date order while the renewals do (each subscription's own are): then
    # they need no sort. Any other step's events are sorted as advance sorts them.
    last = _NO_DAY  # the day of the last renewal taken, while in order
    ordered = True
    for position, sub in enumerate(subscriptions):
        while True:
            if sub.status is _ACTIVE and not sub.over_assigned and not sub.credit_check_pending:
                # An active subscription on its own has one step, the end of its term.
                end = sub.current_term.end
                if end > as_of:
                    due: date | None = end
                    break
                if work is None:
                    work = list(subscriptions)
                quantity = sub.quantity
                if (
                    sub.recurring_billing
                    and sub.scheduled is None
                    and quantity.__class__ is int
                    and quantity > 0
                    and quantity >= sub.assigned
                ):
                    if terms is None:
                        terms = {}
                    # Renewed, it is active as before with nothing scheduled, over-assigned or
                    # pending: its next step is the end of the term it has just begun.
                    if end < last:
                        ordered = False
                    # Each renewal: the same calendar one term on (it starts where the current
                    # one ends), a fresh block of the same licenses; the term, frequency,
                    # quantity and anchor stay, so they are read once. Subscriptions bought
                    # together renew together: their next term is worked out once a day.
                    term, frequency = sub.term, sub.billing_frequency
                    anchor = sub.anchor
                    term_months = _TERM_MONTHS[term]  # term.months, without the property's call
                    sub_id = sub.id
                    renewals = sub.renewals
                    while end <= as_of:
                        last = end
                        renewals += 1
                        months = term_months * (renewals + 1)
                        key = (end, anchor, months)
                        next_term = terms.get(key)
                        if next_term is None:
                            next_term = terms[key] = period_unchecked(
                                end, add_months(anchor, months)
                            )
                        # its term, anchor, frequency and quantity stay, nothing is scheduled
                        sub = _RENEWED(sub, renewals, (license_block(quantity, end),), next_term)
                        event = RenewedSlots()  # events.renewed, inline (once per renewal)
                        event.subscription_id = sub_id
                        event.on = end
                        event.term_period = next_term
                        event.quantity_before = quantity
                        event.quantity_after = quantity
                        event.term = term
                        event.billing_frequency = frequency
                        event.__class__ = Renewed
                        events.append(event)  # type: ignore[arg-type]  # retyped: a Renewed
                        end = next_term.end
                    work[position] = sub
                    due = end
                    break
                events.extend(_take(tenant, work, position, (), end, _TERM_END, policy))
                ordered = False
                sub = work[position]
                continue
            steps = _family_steps(subscriptions if work is None else work, (position, ()), policy)
            due = None
            for step in steps:  # next_transition(sub): the least of its steps
                if due is None or step[0] < due:
                    due = step[0]
            if due is None or due > as_of:
                break
            if work is None:
                work = list(subscriptions)
            on, step_now, _, _ = min(s for s in steps if s[0] <= as_of)
            events.extend(_take(tenant, work, position, (), on, step_now, policy))
            ordered = False
            sub = work[position]
        if due is not None and (soonest is None or due < soonest):
            soonest = due
    if work is None:  # nothing was due after all
        return outcome(tenant if tenant.as_of == as_of else dated(tenant, as_of))
    if not ordered:
        events.sort(key=_ON)  # stable: same-day events keep their order
    memo = tenant.due_memo
    due_of: Callable[[Subscription], date | None] = (
        memo[2] if memo is not None and memo[0] is policy else _due_of(policy)
    )
    return outcome(restated(tenant, tuple(work), as_of, (policy, soonest, due_of)), tuple(events))


def brought(
    tenant: Tenant, as_of: date, policy: Policy = DEFAULT_POLICY
) -> tuple[Tenant, tuple[Event, ...]]:
    """:func:`advance`'s tenant and events, without the Outcome, for a caller whose next step
    copies the tenant anyway (a command: :func:`subcommerce.commands.applied_on`): when nothing
    is due by ``as_of`` (a day the lifecycle memo proves quiet), the tenant comes back as it is,
    its own date not moved, and that copy takes the date; otherwise :func:`advance`'s own.

    Public within the package, not in ``__all__``. The same checks as :func:`advance`: anything
    but the common case (a Tenant and a Policy with the memo of that policy, a date in range
    and not before the tenant's) goes to it."""
    if tenant.__class__ is Tenant and policy.__class__ is Policy and as_of.__class__ is date:
        memo = tenant.due_memo
        if memo is not None and memo[0] is policy:
            soonest, held = memo[1], tenant.as_of
            if (
                (soonest is None or soonest > as_of)
                and (held is None or held <= as_of)
                and MIN_DATE <= as_of <= MAX_DATE
            ):
                return tenant, ()
    after = advance(tenant, as_of, policy)
    return after.tenant, after.events


def first_transition(tenant: Tenant, policy: Policy) -> date | None:
    """The first :func:`next_transition` of any of the tenant's subscriptions (None: never).

    No step of :func:`advance` comes sooner (a subscription's steps are those
    :func:`next_transition` looks at), so before that day time changes nothing. Worked out once
    per tenant value and policy, kept on the tenant (``Tenant.due_memo``), which keeps it when one
    subscription is replaced: a command costs what it changes, not the tenant's size.
    """
    memo = tenant.due_memo
    if memo is not None and memo[0] is policy:
        return memo[1]
    soonest: date | None = None
    for sub in tenant.subscriptions:
        due = next_due(policy, sub)
        if due is not None and (soonest is None or due < soonest):
            soonest = due
    due_of = _due_of(policy)
    object.__setattr__(tenant, "due_memo", (policy, soonest, due_of))
    return soonest


def follows_parent(tenant: Tenant, subscription: Subscription) -> bool:
    """True for a traditional add-on whose base is in ``tenant`` (it lives and dies with it)."""
    return (
        subscription.is_traditional_addon
        and subscription.parent_id is not None
        and tenant.has(subscription.parent_id)
    )


def _take(
    tenant: Tenant,
    work: list[Subscription],
    position: int,
    addons: tuple[int, ...],
    on: date,
    step: _Step,
    policy: Policy,
) -> list[Event]:
    """Take ``step`` for ``work[position]``, changing ``work`` in place (``addons``: the
    positions of its traditional add-ons); ``tenant`` is the tenant ``work`` was copied from."""
    sub = work[position]
    if step is _CREDIT_CHECK_END:
        work[position] = rebuilt(sub, credit_check_pending=False)
        return [CreditCheckCompleted(sub.id, on)]
    if step is _OVER_ASSIGNMENT_END:
        work[position] = rebuilt(sub, over_assigned=0, over_assigned_until=None)
        return [OverAssignmentEnded(sub.id, on, sub.over_assigned)]
    if step is _TRIAL_END:
        return _end_trial(tenant, work, position, addons, on)
    if step is _TERM_END:
        if sub.status is _SUSPENDED:
            return _set_status(work, position, addons, sub, _EXPIRED, on, StatusCause.TERM_ENDED)
        if sub.recurring_billing:
            return _renew(work, position, addons, on, policy)
        return _set_status(work, position, addons, sub, _EXPIRED, on, StatusCause.TERM_ENDED)
    if step is _GRACE_END and policy.durations_for(sub).disabled_days != 0:
        return _set_status(work, position, addons, sub, _DISABLED, on, StatusCause.GRACE_ENDED)
    return _set_status(work, position, addons, sub, _DELETED, on, StatusCause.DISABLED_ENDED)


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
    work = list(tenant.subscriptions)
    position = next((i for i, s in enumerate(work) if s.id == sub.id), None)
    addons = tuple(
        i for i, s in enumerate(work) if s.addon_kind is _TRADITIONAL and s.parent_id == sub.id
    )
    events = _set_status(work, position, addons, sub, status, on, cause, child_cause)
    return attrs.evolve(tenant, subscriptions=tuple(work)), events


def _set_status(
    work: list[Subscription],
    position: int | None,
    addons: tuple[int, ...],
    sub: Subscription,
    status: SubscriptionStatus,
    on: date,
    cause: StatusCause,
    child_cause: StatusCause = StatusCause.FOLLOWS_PARENT,
) -> list[Event]:
    """:func:`set_status` on ``work``, in place: ``sub`` goes to ``position`` (if any), and the
    traditional add-ons at ``addons`` follow it."""
    changed = _with_status(sub, status, on)
    events: list[Event] = [StatusChanged(sub.id, on, sub.status, status, cause)]
    if position is not None:
        work[position] = changed
    depth = _DEPTH.get(status, 0)
    for child_position in addons:
        child = work[child_position]
        if child.status is _DELETED or child.status is status:
            continue
        if depth and _DEPTH.get(child.status, 0) >= depth:
            # A traditional add-on follows its base forward only: one already as far along the
            # way out (cancelled to Disabled, say) does not move back to Expired with it.
            continue
        work[child_position] = _with_status(child, status, on, changed.recurring_billing)
        events.append(StatusChanged(child.id, on, child.status, status, child_cause))
    return events


#: How far along the way out each status is: a traditional add-on that follows its base into
#: Expired, Disabled or Deleted never moves back along that way.
_DEPTH: Final[dict[SubscriptionStatus, int]] = {
    _EXPIRED: 1,
    _DISABLED: 2,
    _DELETED: 3,
}


def _with_status(
    sub: Subscription,
    status: SubscriptionStatus,
    on: date,
    recurring_billing: bool | None = None,
) -> Subscription:
    """``sub`` in ``status`` since ``on`` (with ``recurring_billing``, when given, last)."""
    changes: dict[str, Any] = {"status": status, "status_since": on}
    if not status.is_active:
        changes["scheduled"] = None
    if status is _DELETED:
        changes["recurring_billing"] = False
        changes["over_assigned"] = 0
        changes["over_assigned_until"] = None
    if recurring_billing is not None:
        changes["recurring_billing"] = recurring_billing
    return rebuilt(sub, **changes)


def _end_trial(
    tenant: Tenant, work: list[Subscription], position: int, addons: tuple[int, ...], on: date
) -> list[Event]:
    sub = work[position]
    if not (sub.recurring_billing and tenant.payment_method_of(sub) is not None):
        return _set_status(work, position, addons, sub, _EXPIRED, on, StatusCause.TRIAL_ENDED)
    anchor, renewals = on, 0
    if sub.renewal_aligned_to is not None:
        anchor, renewals = _aligned_start(tenant, work, sub, on)
    paid = rebuilt(
        sub,
        status=_ACTIVE,
        status_since=on,
        term_anchor=anchor,
        renewals=renewals,
        blocks=(LicenseBlock(sub.quantity, on),) if sub.quantity else (),
    )
    work[position] = paid
    return [
        StatusChanged(sub.id, on, sub.status, _ACTIVE, StatusCause.TRIAL_CONVERTED),
        TrialConverted(sub.id, on, sub.quantity, paid.current_term, paid.billing_frequency),
    ]


def _aligned_start(
    tenant: Tenant, work: list[Subscription], sub: Subscription, on: date
) -> tuple[date, int]:
    """The anchor and renewals of a trial converting on ``on`` to the renewal date it asked for
    (its own calendar from ``on`` if the target is no longer active or renews out of reach)."""
    position = tenant.position(str(sub.renewal_aligned_to))
    if position is not None:
        target = work[position]
        aligned = aligned_term(target, sub.term, on)
        if target.status is _ACTIVE and aligned is not None:
            return aligned.term_anchor, aligned.renewals
    return on, 0


def _renew(
    work: list[Subscription], position: int, addons: tuple[int, ...], on: date, policy: Policy
) -> list[Event]:
    renewed, events = _renewed(work[position], on, policy)
    work[position] = renewed
    anchor: date | None = None
    for child_position in addons:
        child = work[child_position]
        if child.status is _DELETED:
            continue
        if anchor is None:
            anchor = renewed.current_term.start
        child_renewed, child_events = _renewed(child, on, policy, anchor, renewed.term)
        work[child_position] = child_renewed
        events.extend(child_events)
    return events


#: The next terms worked out on one day, by (start, anchor, months from the anchor to the end):
#: subscriptions bought together renew together, on one calendar.
_Terms = dict[tuple[date, date, int], Period]


_NO_CHANGE: Final = ScheduledChange()
#: A common renewal's new subscription (:func:`_advance_alone`): the same as :data:`_RENEWAL`
#: of its own term, term anchor, frequency and quantity with nothing scheduled.
_RENEWED: Final = rebuilder("renewals", "blocks")
#: A renewal's new subscription, from the renewed one (:func:`rebuilt` for these fields).
_RENEWAL: Final = rebuilder(
    "term", "term_anchor", "renewals", "billing_frequency", "scheduled", "blocks", "quantity"
)


def _renewed(
    sub: Subscription,
    on: date,
    policy: Policy,
    anchor: date | None = None,
    term_now: Term | None = None,
) -> tuple[Subscription, list[Event]]:
    """A renewal of ``sub`` on ``term_now`` when given (a traditional add-on renews
    on its base's term), built in one step."""
    current = sub.term if term_now is None else term_now
    change = sub.scheduled or _NO_CHANGE
    term = change.term or current
    frequency = change.billing_frequency or sub.billing_frequency
    term_anchor: date | None = anchor
    renewals = 0
    next_term: Period | None = None
    if anchor is None:
        if term is not current:
            term_anchor = on
        else:
            term_anchor, renewals = sub.term_anchor, sub.renewals + 1
            # The same calendar, one term on: it starts where the current one ends.
            start = sub.current_term.end
            next_term = period_unchecked(
                start, add_months(sub.anchor, term.months * (renewals + 1))
            )
    quantity = sub.quantity if change.quantity is None else change.quantity
    events: list[Event]
    if quantity.__class__ is int and quantity > 0 and quantity >= sub.assigned:
        # The common case, spelled out: a whole quantity, no user loses a license.
        blocks = (license_block(quantity, on),)
        moved = _RENEWAL(
            sub, term, term_anchor, renewals, frequency, None, blocks, quantity, next_term
        )
        events = []
    else:
        reduced, events = _reduced(sub, quantity, on, policy)
        # A scheduled quantity that is no quantity fails the subscription's own check, as before.
        valid = isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0
        changes: dict[str, Any] = {
            "term": term,
            "term_anchor": term_anchor,
            "renewals": renewals,
            "billing_frequency": frequency,
            "scheduled": None,
            "blocks": (license_block(quantity, on),) if valid else (),
            **reduced,
        }
        # A quantity that is no quantity is refused by the subscription's own checks.
        if valid:
            moved = rebuilt(sub, current_term=next_term, **changes)
        else:
            moved = evolved(sub, **changes)
    renewed: list[Event] = [
        renewed_event(sub.id, on, moved.current_term, sub.quantity, quantity, term, frequency)
    ]
    if change.product_id is not None and change.product_id != sub.product_id:
        # A product change scheduled for the renewal: the new term is the new product's.
        moved = rebuilt(moved, product_id=change.product_id)
        renewed.append(ProductChanged(sub.id, on, sub.product_id, change.product_id))
    return moved, renewed + events


def _reduced(
    sub: Subscription, quantity: int, on: date, policy: Policy
) -> tuple[dict[str, object], list[Event]]:
    """The fields a renewal changes when it lowers the quantity (but the blocks), and its events."""
    if quantity >= sub.assigned:
        return {"quantity": quantity}, []
    if sub.unit is LicenseUnit.CAPACITY:
        return {"quantity": quantity, "assigned": quantity}, []
    excess = sub.assigned - quantity
    until = on + timedelta(days=policy.over_assignment_days)
    over_assigned = sub.over_assigned + excess
    changes: dict[str, object] = {
        "quantity": quantity,
        "assigned": quantity,
        "over_assigned": over_assigned,
        "over_assigned_until": until,
    }
    return changes, [OverAssignmentStarted(sub.id, on, over_assigned, until)]
