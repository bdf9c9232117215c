"""A tenant under random commands and the passing of time, against a plain reference model.

The machine buys base plans, add-ons and trials, changes and assigns licenses, cancels, deletes,
toggles recurring billing, completes credit checks, extends trials, reactivates (under an MCA, as
a new subscription), changes plan (all licenses, or some under an MCA) and lets days pass;
credit checks also complete on their own two business days after the purchase. Every
command goes through :func:`check` and :func:`apply`, which must agree. A reference model, written
plainly below with dateutil and day-by-day stepping, predicts whether each command is accepted and
what the licenses and statuses are afterwards.

Invariants after every step: assigned <= purchased; no traditional add-on is active without an
active base; a deleted subscription never comes back; statuses only move as the documents allow
(:data:`EDGES`); a refused command changed nothing; and the subscriptions agree with the model
(licenses purchased and assigned, status, recurring billing).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from subcommerce.billing import (
    BillingAccount,
    BillingAccountType,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    ChangePlan,
    ChangeTerm,
    Command,
    CompleteCreditCheck,
    ConvertTrial,
    DeleteSubscription,
    ExtendTrial,
    PurchaseSubscription,
    Reactivate,
    ScheduleProductChange,
    SetRecurringBilling,
    StartTrial,
    UnassignLicenses,
    apply,
    check,
)
from subcommerce.errors import Reason, ReasonCode, Refused
from subcommerce.events import Event, StatusChanged
from subcommerce.lifecycle import advance
from subcommerce.periods import BillingFrequency, Term
from subcommerce.subscriptions import PurchaseChannel, SubscriptionStatus, Tenant

ADMIN = "admin"
MICROSOFT = "microsoft"
MONTHS = {Term.P1M: 1, Term.P1Y: 12, Term.P3Y: 36}
# Bought through a partner: managed there, not by this tenant's admins.
ELSEWHERE = (PurchaseChannel.VOLUME_LICENSING, PurchaseChannel.CLOUD_SOLUTION_PROVIDER)

_S = SubscriptionStatus
#: The moves the documents allow: time (renew, expire, disable, delete; a suspended subscription
#: expires at its term's end), cancelling (Disabled), deleting outright (Deleted), reactivating.
EDGES = {
    _S.TRIAL: {_S.ACTIVE, _S.EXPIRED, _S.DELETED},  # deleted: a MOSA trial (issue 12)
    _S.ACTIVE: {_S.EXPIRED, _S.DISABLED, _S.DELETED},
    _S.EXPIRED: {_S.DISABLED, _S.DELETED, _S.ACTIVE},
    _S.DISABLED: {_S.DELETED, _S.ACTIVE},
    _S.SUSPENDED: {_S.EXPIRED},
    _S.DELETED: set(),
}


def check_moves(events: tuple[Event, ...]) -> None:
    """Every status change is one the documents allow."""
    for e in events:
        if isinstance(e, StatusChanged):
            assert e.after in EDGES[e.before], e


# -- the reference model --------------------------------------------------------------------------


#: How far along the way out each status is (deleted is the end of it).
WAY_OUT = {"expired": 1, "disabled": 2, "deleted": 3}


@dataclass
class Ref:
    """One subscription as the model sees it. Statuses are plain strings."""

    id: str
    product: str
    quantity: int
    months: int
    anchor: date
    since: date
    unit: LicenseUnit
    channel: PurchaseChannel
    pays: bool
    kind: AddonKind | None = None
    parent: str | None = None
    status: str = "active"
    assigned: int = 0
    rb: bool = True
    renewals: int = 0
    scheduled: int | None = None
    blocks: list[tuple[date, int]] = field(default_factory=list)
    trial_end: date | None = None
    paid: bool = True
    extended: bool = False
    credit_pending: bool = False
    over: int = 0
    over_until: date | None = None
    bought: date | None = None
    reactivated_as: str | None = None
    frequency: str = "monthly"  # issue 12: billing cycle changes
    next_product: str | None = None  # issue 12: a product change scheduled for the renewal

    def credit_due(self) -> date | None:
        """Seed 004: a credit check "usually takes two business days" after the purchase."""
        if not self.credit_pending or self.bought is None:
            return None
        day, left = self.bought, 2
        while left:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def term_start(self) -> date:
        return self.anchor + relativedelta(months=self.months * self.renewals)

    def term_end(self) -> date:
        return self.anchor + relativedelta(months=self.months * (self.renewals + 1))

    def window_start(self) -> date:
        """The window opens with the term, or on the purchase day of a first term that began
        before it (an aligned one, issue 12); a traditional add-on keeps its base's."""
        start = self.term_start()
        if self.bought is not None and self.bought > start and self.kind is None:
            return self.bought
        return start

    def grace_and_disabled(self) -> tuple[int, int]:
        if self.trial_end is not None and not self.paid:
            return 30, 0
        return 30, 90  # all subscription terms, most offers


def window_open(bought: date, today: date) -> bool:
    days = 7 if bought >= date(2022, 3, 12) else 3
    return bought <= today < bought + timedelta(days=days)


class Model:
    def __init__(self, mca: bool, profile_pays: PaymentMethod | None) -> None:
        self.mca = mca
        self.profile_pays = profile_pays
        self.subs: dict[str, Ref] = {}

    # -- time --

    def children(self, parent: str) -> list[Ref]:
        return [
            s for s in self.subs.values() if s.kind is AddonKind.TRADITIONAL and s.parent == parent
        ]

    @staticmethod
    def stays(child: Ref, status: str) -> bool:
        """A traditional add-on follows its base forward only along the way out."""
        depth = WAY_OUT.get(status, 0)
        if child.status in ("deleted", status):
            return True
        return bool(depth) and WAY_OUT.get(child.status, 0) >= depth

    def set_status(self, sub: Ref, status: str, day: date) -> None:
        for s in [sub, *self.children(sub.id)]:
            if s is not sub and self.stays(s, status):
                continue
            s.status = status
            s.since = day
            if s is not sub:
                s.rb = sub.rb
            if status not in ("active", "trial"):
                s.scheduled = None
                s.next_product = None
            if status == "deleted":
                s.rb = False
                s.over = 0
                s.over_until = None

    def renew(self, sub: Ref, day: date, anchor: date | None = None) -> None:
        if anchor is None:
            sub.renewals += 1
        else:
            sub.anchor, sub.renewals = anchor, 0
        quantity = sub.quantity if sub.scheduled is None else sub.scheduled
        sub.scheduled = None
        if sub.next_product is not None:
            sub.product, sub.next_product = sub.next_product, None
        if quantity < sub.assigned:
            if sub.unit is LicenseUnit.PER_USER:
                sub.over += sub.assigned - quantity
                sub.over_until = day + timedelta(days=90)
            sub.assigned = quantity
        sub.quantity = quantity
        sub.blocks = [(day, quantity)]

    def day(self, day: date) -> None:
        for sub in self.subs.values():
            if sub.status != "deleted" and sub.credit_due() == day:
                sub.credit_pending = False
        for sub in list(self.subs.values()):
            if sub.kind is AddonKind.TRADITIONAL:
                continue  # moves with its base
            for s in [sub, *self.children(sub.id)]:
                if s.over and s.over_until == day and s.status != "deleted":
                    s.over, s.over_until = 0, None
            if sub.status == "trial" and day == sub.trial_end:
                if sub.rb and self.pays(sub):
                    sub.status, sub.since, sub.paid = "active", day, True
                    sub.anchor, sub.renewals = day, 0
                    sub.blocks = [(day, sub.quantity)]
                else:
                    self.set_status(sub, "expired", day)
            elif sub.status == "active" and day == sub.term_end():
                if sub.rb:
                    self.renew(sub, day)
                    for child in self.children(sub.id):
                        if child.status != "deleted":
                            child.months = sub.months
                            self.renew(child, day, anchor=day)
                else:
                    self.set_status(sub, "expired", day)
            elif sub.status == "expired":
                grace, disabled = sub.grace_and_disabled()
                if day == sub.since + timedelta(days=grace):
                    self.set_status(sub, "deleted" if disabled == 0 else "disabled", day)
            elif sub.status == "disabled" and day == sub.since + timedelta(
                days=sub.grace_and_disabled()[1]
            ):
                self.set_status(sub, "deleted", day)

    def boundaries(self) -> list[date]:
        """Days where a rule's answer may flip: ends of terms, trials, grace, windows."""
        days: list[date] = []
        for sub in self.subs.values():
            grace, disabled = sub.grace_and_disabled()
            days += [sub.term_end(), sub.since + timedelta(days=grace)]
            days += [sub.since + timedelta(days=disabled), sub.term_start() + timedelta(days=7)]
            days += [bought + timedelta(days=7) for bought, _ in sub.blocks]
            if sub.trial_end is not None:
                days += [sub.trial_end, sub.trial_end - timedelta(days=15)]
            if sub.over_until is not None:
                days.append(sub.over_until)
            due = sub.credit_due()
            if due is not None:
                days.append(due)
        return days

    # -- questions --

    def pays(self, sub: Ref) -> bool:
        return self.profile_pays is not None if self.mca else sub.pays

    def may_change_quantity(self, sub: Ref, new: int, at_renewal: bool, today: date) -> bool:
        if sub.status != "active" or sub.channel is not PurchaseChannel.DIRECT:
            return False
        if sub.credit_pending:
            return False
        target = sub.scheduled if at_renewal and sub.scheduled is not None else sub.quantity
        if new == target:
            return False
        per_user = sub.unit is LicenseUnit.PER_USER
        if at_renewal:
            return sub.rb and not (per_user and new < sub.assigned)
        if new < sub.quantity:
            if (per_user and new < sub.assigned) or not sub.rb:
                return False
            if self.mca:
                removable = sum(n for bought, n in sub.blocks if window_open(bought, today))
                if sub.quantity - new > removable:
                    return False
        return True

    def may_cancel(self, sub: Ref, support: bool, today: date) -> bool:
        if sub.status == "trial":  # issue 12: MOSA "cancel your trial or paid subscription"
            return not self.mca
        if sub.status != "active":
            return False
        if support:
            return True
        if sub.kind is AddonKind.TRADITIONAL:
            return False
        if sub.channel in (
            PurchaseChannel.VOLUME_LICENSING,
            PurchaseChannel.CLOUD_SOLUTION_PROVIDER,
        ):
            return False
        if self.mca:
            return window_open(sub.window_start(), today)
        return sub.quantity <= 25  # "reduce the number of licenses to 25 or fewer" (2024)

    def may_delete(self, sub: Ref, support: bool, today: date) -> bool:
        if sub.status in ("active", "trial"):
            return self.may_cancel(sub, support, today)
        if sub.status not in ("expired", "disabled"):
            return False
        return support or (sub.kind is not AddonKind.TRADITIONAL and sub.channel not in ELSEWHERE)

    def may_assign(self, sub: Ref, count: int) -> bool:
        # Expired admins still assign; Disabled ones cannot; paid by invoice, not before the check.
        return (
            sub.status in ("active", "trial", "expired")
            and not sub.credit_pending
            and count <= sub.quantity - sub.assigned
        )

    def may_set_rb(self, sub: Ref, on: bool) -> bool:
        return (
            sub.status in ("active", "trial")
            and sub.channel not in ELSEWHERE
            and sub.kind is not AddonKind.TRADITIONAL
            and sub.rb is not on
        )

    def may_reactivate(self, sub: Ref) -> bool:
        if sub.status not in ("expired", "disabled"):
            return False
        if sub.channel in (
            PurchaseChannel.VOLUME_LICENSING,
            PurchaseChannel.CLOUD_SOLUTION_PROVIDER,
        ):
            return False
        if sub.kind is AddonKind.TRADITIONAL:
            return False
        if self.mca and sub.reactivated_as is not None:
            return False
        return sub.channel is not PurchaseChannel.DIRECT or self.pays(sub)

    def may_change_plan(self, sub: Ref, product: str, moved: int | None) -> bool:
        """Upgrade-to-different-plan: an active plan bought directly, no pending credit check,
        no users over its licenses; MOSA moves every license and refuses a plan held twice."""
        count = sub.quantity if moved is None else moved
        if not _changeable(sub) or sub.over or product == sub.product:
            return False
        if count > sub.quantity or (count < sub.quantity and not self.mca):
            return False
        twins = [
            s
            for s in self.subs.values()
            if s is not sub and s.kind is None and s.product == sub.product
            and s.status in ("active", "trial")
        ]  # fmt: skip
        return self.mca or not twins

    # -- effects --

    def change_plan(self, sub: Ref, sid: str, product: str, moved: int | None, today: date) -> None:
        count = sub.quantity if moved is None else moved
        assigned = min(sub.assigned, count)
        self.subs[sid] = Ref(
            sid,
            product,
            count,
            sub.months,
            sub.term_start() if self.mca else today,  # MCA keeps the term end
            today,
            sub.unit,
            sub.channel,
            sub.pays,
            assigned=assigned,
            blocks=[(today, count)],
            bought=today,
            frequency=sub.frequency,  # issue 12: the new plan is billed as the old one was
        )
        sub.scheduled = None
        if count == sub.quantity:  # the old plan is cancelled, its add-ons with it
            sub.assigned = 0
            self.cancel(sub, today)
            return
        left = sub.assigned - assigned  # the users on the moved licenses go with them
        self.change_quantity(sub, sub.quantity - count, False, today)
        sub.assigned = left

    def change_quantity(self, sub: Ref, new: int, at_renewal: bool, today: date) -> None:
        if at_renewal:
            sub.scheduled = None if new == sub.quantity else new
            return
        sub.scheduled = None  # a mid-term change deletes every change scheduled for the renewal
        sub.next_product = None
        if new > sub.quantity:
            sub.blocks.append((today, new - sub.quantity))
            sub.quantity = new
            absorbed = min(sub.over, sub.quantity - sub.assigned)
            sub.assigned += absorbed
            sub.over -= absorbed
            if not sub.over:
                sub.over_until = None
            return
        to_remove = sub.quantity - new
        while to_remove:
            bought, n = sub.blocks.pop()
            if n > to_remove:
                sub.blocks.append((bought, n - to_remove))
                to_remove = 0
            else:
                to_remove -= n
        sub.quantity = new
        sub.assigned = min(sub.assigned, new)

    def cancel(self, sub: Ref, today: date) -> None:
        sub.rb = False
        # A cancelled trial takes an unconverted trial's way out (issue 12).
        self.set_status(sub, "expired" if sub.status == "trial" else "disabled", today)

    def set_rb(self, sub: Ref, on: bool) -> None:
        for s in [sub, *(c for c in self.children(sub.id) if c.status != "deleted")]:
            s.rb = on
            if not on:
                s.scheduled = None
                s.next_product = None

    def delete(self, sub: Ref, today: date) -> None:
        sub.rb = False
        self.set_status(sub, "deleted", today)

    def reactivate(self, sub: Ref, today: date) -> None:
        if self.mca:  # a new subscription, same commitment term, from today
            new_id = f"{sub.id}/reactivated"
            olds = [sub, *(c for c in self.children(sub.id) if c.status in ("expired", "disabled"))]
            for old in olds:
                sid = new_id if old is sub else f"{new_id}/{old.id}"
                self.subs[sid] = Ref(
                    sid,
                    old.product,
                    old.quantity,
                    sub.months,
                    today,
                    today,
                    old.unit,
                    old.channel,
                    old.pays,
                    kind=old.kind,
                    parent=old.parent if old is sub else new_id,
                    blocks=[(today, old.quantity)],
                    bought=today,
                )
                old.reactivated_as = sid
            return
        for s in [sub, *self.children(sub.id)]:
            if s is not sub and s.status not in ("expired", "disabled"):
                continue
            s.status, s.since, s.rb = "active", today, True
            s.anchor, s.renewals, s.scheduled, s.paid = today, 0, None, True
            s.next_product = None
            s.months = sub.months
            s.blocks = [(today, s.quantity)]


def _changeable(sub: Ref) -> bool:
    return (
        sub.status == "active" and sub.channel is PurchaseChannel.DIRECT and not sub.credit_pending
    )


# -- the machine ----------------------------------------------------------------------------------

START_DAYS = (date(2022, 3, 5), date(2024, 1, 31), date(2025, 2, 28))
CHANNELS = st.sampled_from(
    [PurchaseChannel.DIRECT] * 5
    + [
        PurchaseChannel.PREPAID_PRODUCT_KEY,
        PurchaseChannel.VOLUME_LICENSING,
        PurchaseChannel.CLOUD_SOLUTION_PROVIDER,
    ]
)
# The lengths that matter (window, extension, trial, grace, disabled) and the days around them.
DAYS_PASSING = st.one_of(
    st.sampled_from([1, 2, 6, 7, 8, 14, 15, 16, 29, 30, 31, 59, 60, 89, 90, 91]),
    st.integers(1, 400),
)
PAYMENTS = st.sampled_from([PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.INVOICE, None])


class TenantMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tenant = Tenant("contoso.com")
        self.model = Model(False, None)
        self.today = START_DAYS[0]
        self.count = 0
        self.ever_deleted: set[str] = set()

    @initialize(
        mca=st.booleans(),
        profile_pays=st.sampled_from([PaymentMethod.CARD, PaymentMethod.INVOICE]),
        start=st.sampled_from(START_DAYS),
    )
    def sign_up(self, mca: bool, profile_pays: PaymentMethod, start: date) -> None:
        if mca:
            account = BillingAccount.sign_up(
                BillingAccountType.MCA, "contoso", ADMIN, payment_method=profile_pays
            )
        else:
            account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", ADMIN)
        account = account.grant(RoleAssignment(ADMIN, Role.GLOBAL_ADMIN))
        self.tenant = Tenant("contoso.com", account=account)
        self.model = Model(mca, profile_pays if mca else None)
        self.today = start

    # -- helpers --

    def _run(self, command: Command) -> bool:
        """Apply ``command``; True if accepted. check() and apply() must agree."""
        before = self.tenant
        snapshot = copy.deepcopy(before)
        reasons = check(before, command)
        try:
            outcome = apply(before, command)
        except Refused as refused:
            raised: tuple[Reason, ...] = refused.reasons
        else:
            assert reasons == (), (command, reasons)
            check_moves(outcome.events)
            self.tenant = outcome.tenant
            return True
        assert reasons, command
        assert raised == reasons
        assert before == snapshot, "a refused command changed the tenant"
        return False

    def _expect(self, command: Command, expected: bool) -> bool:
        accepted = self._run(command)
        event(f"{type(command).__name__}: {'accepted' if accepted else 'refused'}")
        assert accepted == expected, (command, check(self.tenant, command), "model", expected)
        return accepted

    def _new_id(self) -> str:
        self.count += 1
        return f"s{self.count}"

    def _pick(self, data: st.DataObject, prefer: Callable[[Ref], bool] | None = None) -> str:
        """A subscription id; more often one that ``prefer`` likes, so rules are not all refused."""
        liked = sorted(s.id for s in self.model.subs.values() if prefer and prefer(s))
        if liked and data.draw(st.booleans(), label="preferred"):
            return data.draw(st.sampled_from(liked), label="subscription")
        return data.draw(st.sampled_from(sorted(self.model.subs)), label="subscription")

    def _mosa_payment(self, method: PaymentMethod | None) -> PaymentMethod | None:
        return None if self.model.mca else method

    # -- purchases --

    @precondition(lambda self: sum(s.kind is None for s in self.model.subs.values()) < 5)
    @rule(
        quantity=st.integers(1, 40),
        term=st.sampled_from([Term.P1M, Term.P1M, Term.P1Y, Term.P3Y]),
        unit=st.sampled_from([LicenseUnit.PER_USER, LicenseUnit.PER_USER, LicenseUnit.CAPACITY]),
        channel=CHANNELS,
        payment=PAYMENTS,
    )
    def buy_base(
        self,
        quantity: int,
        term: Term,
        unit: LicenseUnit,
        channel: PurchaseChannel,
        payment: PaymentMethod | None,
    ) -> None:
        sid = self._new_id()
        method = self._mosa_payment(payment)
        command = PurchaseSubscription(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sid,
            product_id=f"plan-{term.value}",
            quantity=quantity,
            term=term,
            unit=unit,
            channel=channel,
            payment_method=method,
        )
        pays = method is not None
        effective = self.model.profile_pays if self.model.mca else method
        expected = channel is not PurchaseChannel.DIRECT or effective is not None
        if self._expect(command, expected):
            self.model.subs[sid] = Ref(
                sid,
                command.product_id,
                quantity,
                MONTHS[term],
                self.today,
                self.today,
                unit,
                channel,
                pays,
                blocks=[(self.today, quantity)],
                credit_pending=channel is PurchaseChannel.DIRECT
                and effective is PaymentMethod.INVOICE,
                bought=self.today,
            )

    @precondition(
        lambda self: (
            any(s.kind is None for s in self.model.subs.values())
            and sum(s.kind is not None for s in self.model.subs.values()) < 4
        )
    )
    @rule(
        data=st.data(),
        kind=st.sampled_from(AddonKind),
        quantity=st.integers(1, 30),
        connected=st.booleans(),
    )
    def buy_addon(
        self, data: st.DataObject, kind: AddonKind, quantity: int, connected: bool
    ) -> None:
        candidates = sorted(s.id for s in self.model.subs.values() if s.kind is None)
        parent = self.model.subs[data.draw(st.sampled_from(candidates), label="base")]
        sid = self._new_id()
        traditional = kind is AddonKind.TRADITIONAL
        term = next(t for t, m in MONTHS.items() if m == parent.months)
        method = self._mosa_payment(PaymentMethod.CARD)
        command = PurchaseSubscription(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sid,
            product_id="addon",
            quantity=quantity,
            term=term if traditional else Term.P1M,
            addon_kind=kind,
            parent_id=parent.id if traditional or connected else None,
            payment_method=method,
        )
        needs_parent = command.parent_id is not None
        expected = not needs_parent or parent.status == "active"
        if self._expect(command, expected):
            effective = self.model.profile_pays if self.model.mca else method
            self.model.subs[sid] = Ref(
                sid,
                "addon",
                quantity,
                parent.months if traditional else 1,
                parent.term_start() if traditional else self.today,
                self.today,
                LicenseUnit.PER_USER,
                PurchaseChannel.DIRECT,
                method is not None,
                kind=kind,
                parent=command.parent_id,
                blocks=[(self.today, quantity)],
                credit_pending=effective is PaymentMethod.INVOICE,
                bought=self.today,
            )

    @precondition(lambda self: sum(s.trial_end is not None for s in self.model.subs.values()) < 3)
    @rule(product=st.sampled_from(["trial-a", "trial-b", "trial-c"]), payment=PAYMENTS)
    def start_trial(self, product: str, payment: PaymentMethod | None) -> None:
        sid = self._new_id()
        method = self._mosa_payment(payment)
        command = StartTrial(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sid,
            product_id=product,
            payment_method=method,
        )
        expected = not any(
            s.product == product and s.trial_end is not None for s in self.model.subs.values()
        )
        if self._expect(command, expected):
            self.model.subs[sid] = Ref(
                sid,
                product,
                25,
                1,
                self.today,
                self.today,
                LicenseUnit.PER_USER,
                PurchaseChannel.DIRECT,
                method is not None,
                status="trial",
                blocks=[(self.today, 25)],
                trial_end=self.today + timedelta(days=30),
                paid=False,
            )

    # -- licenses --

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), quantity=st.integers(1, 60), at_renewal=st.booleans())
    def change_quantity(self, data: st.DataObject, quantity: int, at_renewal: bool) -> None:
        over_assigned = any(_changeable(s) and s.over for s in self.model.subs.values())
        prefer = (lambda s: _changeable(s) and s.over > 0) if over_assigned else _changeable
        sub = self.model.subs[self._pick(data, prefer)]
        mode = data.draw(st.integers(0, 9), label="mode")
        if mode < 5:  # a few more or fewer
            quantity = max(1, sub.quantity + data.draw(st.integers(-6, 4), label="delta"))
        elif mode < 8:  # down to what is assigned, or one below
            quantity = max(1, sub.assigned - data.draw(st.integers(0, 1), label="below"))
        command = ChangeLicenseQuantity(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sub.id,
            quantity=quantity,
            at_renewal=at_renewal,
        )
        expected = self.model.may_change_quantity(sub, quantity, at_renewal, self.today)
        if self._expect(command, expected):
            self.model.change_quantity(sub, quantity, at_renewal, self.today)

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), count=st.integers(1, 30))
    def assign(self, data: st.DataObject, count: int) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status in ("active", "trial"))]
        command = AssignLicenses(actor=ADMIN, as_of=self.today, subscription_id=sub.id, count=count)
        if self._expect(command, self.model.may_assign(sub, count)):
            sub.assigned += count

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data())
    def assign_every_free_license(self, data: st.DataObject) -> None:
        sub = self.model.subs[
            self._pick(data, lambda s: s.status == "active" and s.quantity > s.assigned)
        ]
        count = sub.quantity - sub.assigned
        if count == 0:
            return
        command = AssignLicenses(actor=ADMIN, as_of=self.today, subscription_id=sub.id, count=count)
        if self._expect(command, self.model.may_assign(sub, count)):
            sub.assigned += count

    @precondition(lambda self: any(s.assigned for s in self.model.subs.values()))
    @rule(data=st.data(), count=st.integers(1, 30))
    def unassign(self, data: st.DataObject, count: int) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.assigned > 0)]
        command = UnassignLicenses(
            actor=ADMIN, as_of=self.today, subscription_id=sub.id, count=count
        )
        if self._expect(command, sub.status != "deleted" and count <= sub.assigned):
            sub.assigned -= count

    # -- cancellation, recurring billing, trials, credit checks, reactivation --

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), support=st.booleans())
    def cancel(self, data: st.DataObject, support: bool) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status == "active")]
        command = CancelSubscription(
            actor=MICROSOFT if support else ADMIN, as_of=self.today, subscription_id=sub.id
        )
        if self._expect(command, self.model.may_cancel(sub, support, self.today)):
            self.model.cancel(sub, self.today)

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), support=st.booleans())
    def delete(self, data: st.DataObject, support: bool) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status in ("expired", "disabled"))]
        command = DeleteSubscription(
            actor=MICROSOFT if support else ADMIN, as_of=self.today, subscription_id=sub.id
        )
        if self._expect(command, self.model.may_delete(sub, support, self.today)):
            self.model.delete(sub, self.today)

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), on=st.booleans())
    def set_recurring_billing(self, data: st.DataObject, on: bool) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status in ("active", "trial"))]
        command = SetRecurringBilling(
            actor=ADMIN, as_of=self.today, subscription_id=sub.id, recurring_billing=on
        )
        if self._expect(command, self.model.may_set_rb(sub, on)):
            self.model.set_rb(sub, on)

    @precondition(lambda self: any(s.credit_pending for s in self.model.subs.values()))
    @rule(data=st.data())
    def complete_credit_check(self, data: st.DataObject) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.credit_pending)]
        command = CompleteCreditCheck(as_of=self.today, subscription_id=sub.id)
        if self._expect(command, sub.status != "deleted" and sub.credit_pending):
            sub.credit_pending = False

    @precondition(lambda self: any(s.trial_end for s in self.model.subs.values()))
    @rule(data=st.data())
    def extend_trial(self, data: st.DataObject) -> None:
        trials = sorted(s.id for s in self.model.subs.values() if s.trial_end is not None)
        running = [t for t in trials if self.model.subs[t].status == "trial"]
        pool = running if running and data.draw(st.booleans(), label="running") else trials
        sub = self.model.subs[data.draw(st.sampled_from(pool), label="trial")]
        command = ExtendTrial(actor=ADMIN, as_of=self.today, subscription_id=sub.id)
        assert sub.trial_end is not None
        expected = (
            sub.status == "trial"
            and not sub.extended
            and self.today >= sub.trial_end - timedelta(days=15)
        )
        if self._expect(command, expected):
            sub.trial_end += timedelta(days=30)
            sub.extended = True

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data())
    def reactivate(self, data: st.DataObject) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status in ("expired", "disabled"))]
        command = Reactivate(actor=ADMIN, as_of=self.today, subscription_id=sub.id)
        if self._expect(command, self.model.may_reactivate(sub)):
            self.model.reactivate(sub, self.today)

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data())
    def a_stranger_is_always_refused(self, data: st.DataObject) -> None:
        sid = self._pick(data)
        command = ChangeLicenseQuantity(
            actor="stranger", as_of=self.today, subscription_id=sid, quantity=99
        )
        assert not self._run(command)
        assert ReasonCode.NOT_AUTHORIZED in {r.code for r in check(self.tenant, command)}

    # -- change of plan (issue 12) --

    @precondition(lambda self: any(s.kind is None for s in self.model.subs.values()))
    @rule(
        data=st.data(),
        plan=st.sampled_from(["plan-up-a", "plan-up-b", None]),
        part=st.sampled_from([None, None, "some", "all", "more"]),
    )
    def change_plan(self, data: st.DataObject, plan: str | None, part: str | None) -> None:
        bases = sorted(s.id for s in self.model.subs.values() if s.kind is None)
        liked = [b for b in bases if _changeable(self.model.subs[b])]
        pool = liked if liked and data.draw(st.booleans(), label="preferred") else bases
        sub = self.model.subs[data.draw(st.sampled_from(pool), label="subscription")]
        product = plan or sub.product  # None: the plan it already has (refused)
        moved = {
            None: None,
            "all": sub.quantity,
            "more": sub.quantity + 1,
            "some": max(1, sub.quantity - 1),
        }[part]
        sid = self._new_id()
        command = ChangePlan(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sub.id,
            product_id=product,
            quantity=moved,
            new_subscription_id=sid,
        )
        if self._expect(command, self.model.may_change_plan(sub, product, moved)):
            self.model.change_plan(sub, sid, product, moved, self.today)

    # -- time --

    @rule(days=DAYS_PASSING)
    def time_passes(self, days: int) -> None:
        target = self.today + timedelta(days=days)
        day = self.today
        while day < target:
            day += timedelta(days=1)
            self.model.day(day)
        outcome = advance(self.tenant, target)
        check_moves(outcome.events)
        self.tenant = outcome.tenant
        self.today = target

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), offset=st.sampled_from([-1, 0, 0, 1]))
    def time_passes_to_a_boundary(self, data: st.DataObject, offset: int) -> None:
        """Jump to a day where something may change (or the day before or after it)."""
        boundaries = sorted(
            day + timedelta(days=offset)
            for day in self.model.boundaries()
            if day + timedelta(days=offset) > self.today
        )
        if boundaries:
            pool = boundaries[:4] if data.draw(st.booleans(), label="nearest") else boundaries
            self.time_passes((data.draw(st.sampled_from(pool)) - self.today).days)

    # -- issue 12: trials bought early, mid-term changes, product changes at renewal --

    @precondition(lambda self: any(s.status == "trial" for s in self.model.subs.values()))
    @rule(data=st.data(), quantity=st.integers(1, 40), term=st.sampled_from(list(MONTHS)),
          pay=st.booleans())  # fmt: skip
    def buy_trial_now(self, data: st.DataObject, quantity: int, term: Term, pay: bool) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status == "trial")]
        method = self._mosa_payment(PaymentMethod.CARD) if pay else None
        command = ConvertTrial(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sub.id,
            quantity=quantity,
            term=term,
            payment_method=method,
        )
        pays = method is not None or self.model.pays(sub)
        expected = sub.status == "trial" and pays and quantity >= sub.assigned
        if self._expect(command, expected):
            sub.pays = sub.pays or method is not None
            sub.status, sub.since, sub.paid, sub.rb = "active", self.today, True, True
            sub.anchor, sub.renewals, sub.months = self.today, 0, MONTHS[term]
            sub.quantity, sub.blocks, sub.scheduled = quantity, [(self.today, quantity)], None

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), term=st.sampled_from([Term.P1Y, Term.P3Y]))
    def change_term_mid_term(self, data: st.DataObject, term: Term) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status == "active" and s.months < 36)]
        command = ChangeTerm(
            actor=ADMIN, as_of=self.today, subscription_id=sub.id, term=term, immediately=True
        )
        expected = (
            sub.status == "active"
            and sub.channel not in ELSEWHERE
            and sub.kind is not AddonKind.TRADITIONAL
            and MONTHS[term] > sub.months
        )
        if self._expect(command, expected):
            followers = [c for c in self.model.children(sub.id) if c.status == "active"]
            for s in (sub, *followers):
                s.months, s.anchor, s.renewals = MONTHS[term], self.today, 0
                s.scheduled, s.next_product = None, None
                s.blocks = [(self.today, s.quantity)]

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), annual=st.booleans())
    def change_billing_cycle(self, data: st.DataObject, annual: bool) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status == "active" and s.months > 1)]
        frequency = (
            BillingFrequency.ANNUAL if annual and sub.months > 1 else BillingFrequency.MONTHLY
        )
        command = ChangeBillingFrequency(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sub.id,
            billing_frequency=frequency,
            at_next_cycle=True,
        )
        expected = (
            sub.status == "active"
            and sub.channel not in ELSEWHERE
            and sub.kind is not AddonKind.TRADITIONAL
            and not self.model.mca
            and not (sub.months == 36 and self.today >= date(2025, 4, 1))
            and frequency.value != sub.frequency
        )
        if self._expect(command, expected):
            sub.frequency, sub.scheduled, sub.next_product = frequency.value, None, None

    @precondition(lambda self: self.model.subs)
    @rule(data=st.data(), product=st.sampled_from(["plan-P1M", "plan-P1Y", "plan-other"]))
    def schedule_a_product_change(self, data: st.DataObject, product: str) -> None:
        sub = self.model.subs[self._pick(data, lambda s: s.status == "active" and s.rb)]
        command = ScheduleProductChange(
            actor=ADMIN, as_of=self.today, subscription_id=sub.id, product_id=product
        )
        expected = (
            sub.status == "active"
            and sub.channel not in ELSEWHERE
            and sub.rb
            and sub.kind is not AddonKind.TRADITIONAL
            and product != (sub.next_product or sub.product)
        )
        if self._expect(command, expected):
            sub.next_product = None if product == sub.product else product

    @precondition(
        lambda self: self.model.mca and any(s.kind is None for s in self.model.subs.values())
    )
    @rule(data=st.data(), term=st.sampled_from(list(MONTHS)), quantity=st.integers(1, 30))
    def buy_aligned_to_another(self, data: st.DataObject, term: Term, quantity: int) -> None:
        # MCA: "Select a different renewal date" (TRY), coterminosity (ALIGN).
        bases = sorted(s.id for s in self.model.subs.values() if s.kind is None)
        target = self.model.subs[data.draw(st.sampled_from(bases), label="target")]
        sid = self._new_id()
        command = PurchaseSubscription(
            actor=ADMIN,
            as_of=self.today,
            subscription_id=sid,
            product_id=f"plan-{term.value}",
            quantity=quantity,
            term=term,
            align_to=target.id,
        )
        accepted = self._run(command)
        event(f"aligned purchase: {'accepted' if accepted else 'refused'}")
        if target.status != "active" or (MONTHS[term] > 1 and target.months == 1):
            assert not accepted, (command, target)
        if self.model.profile_pays is None:
            assert not accepted
        if not accepted:
            return
        sub = self.tenant.subscription(sid)
        # The first term ends on a renewal date of the target, within a full term of today (the
        # target's renewal dates up to that bound, however long the machine has run: a fixed
        # number of them ended before a monthly target's fifth year).
        bound = self.today + relativedelta(months=MONTHS[term])
        dates, j = set(), 1
        while (renewal := target.anchor + relativedelta(months=target.months * j)) <= bound:
            dates.add(renewal)
            j += 1
        assert sub.end in dates
        assert self.today < sub.end
        assert sub.end <= bound
        assert sub.term_anchor is not None
        self.model.subs[sid] = Ref(
            sid,
            command.product_id,
            quantity,
            MONTHS[term],
            sub.term_anchor,
            self.today,
            LicenseUnit.PER_USER,
            PurchaseChannel.DIRECT,
            False,
            renewals=sub.renewals,
            blocks=[(self.today, quantity)],
            credit_pending=self.model.profile_pays is PaymentMethod.INVOICE,
            bought=self.today,
        )

    @invariant()
    def products_and_frequencies_agree_with_the_model(self) -> None:
        for sub in self.tenant:
            ref = self.model.subs[sub.id]
            pending = None if sub.scheduled is None else sub.scheduled.product_id
            seen = (sub.product_id, sub.billing_frequency.value, pending)
            assert seen == (ref.product, ref.frequency, ref.next_product), (sub.id, seen)

    # -- invariants --

    @invariant()
    def assigned_never_exceeds_purchased(self) -> None:
        for sub in self.tenant:
            assert sub.assigned <= sub.quantity, sub

    @invariant()
    def no_traditional_addon_without_an_active_base(self) -> None:
        for sub in self.tenant:
            if sub.is_traditional_addon and sub.status.is_active:
                assert sub.parent_id is not None
                assert self.tenant.subscription(sub.parent_id).status.is_active, sub

    @invariant()
    def a_deleted_subscription_never_comes_back(self) -> None:
        for sid in self.ever_deleted:
            assert self.tenant.subscription(sid).status.value == "deleted", sid
        self.ever_deleted |= {s.id for s in self.tenant if s.status.value == "deleted"}

    @invariant()
    def the_tenant_agrees_with_the_model(self) -> None:
        assert {s.id for s in self.tenant} == set(self.model.subs)
        for sub in self.tenant:
            ref = self.model.subs[sub.id]
            seen = (
                sub.quantity,
                sub.assigned,
                sub.status.value,
                sub.recurring_billing,
                sub.over_assigned,
            )
            expected = (ref.quantity, ref.assigned, ref.status, ref.rb, ref.over)
            assert seen == expected, (sub.id, seen, expected)
            details = (
                sub.status_since,
                [(b.bought, b.quantity) for b in sub.license_blocks],
                sub.renewal_quantity,
                sub.trial_end,
                sub.credit_check_pending,
                sub.over_assigned_until,
            )
            expected_details = (
                ref.since,
                ref.blocks,
                ref.quantity if ref.scheduled is None else ref.scheduled,
                ref.trial_end,
                ref.credit_pending,
                ref.over_until,
            )
            assert details == expected_details, (sub.id, details, expected_details)
            if ref.status != "trial":
                assert sub.current_term.start == ref.term_start(), sub.id
            assert sum(b.quantity for b in sub.license_blocks) == sub.quantity


_profile = settings.default
TenantMachine.TestCase.settings = settings(
    _profile,
    max_examples=max(50, _profile.max_examples // 2),
    stateful_step_count=50,
)
test_tenant = TenantMachine.TestCase
