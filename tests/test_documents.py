"""What Microsoft's documents say, sentence by sentence (issue 11).

Each test is named after the rule it pins down; docs/rules.md quotes the sentence each follows.
Expected values come from the documents and from hand arithmetic, never from the code under test.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenario_texts import CONTOSO, first_order
from strategies_accounts import ADMIN, D0, codes, mca_tenant, mosa_tenant, purchase, run
from strategies_orders import CATALOG_ID, scenarios, shop
from strategies_orders import mosa_tenant as shop_mosa_tenant
from subcommerce import default_catalog
from subcommerce.billing import (
    MICROSOFT,
    BillingAccount,
    BillingAccountType,
    BillingProfile,
    InvoiceSection,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.catalog import AddonKind
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeLicenseQuantity,
    ChangeTerm,
    CompleteCreditCheck,
    DeleteSubscription,
    GrantRole,
    Reactivate,
    SetRecurringBilling,
    apply,
    check,
)
from subcommerce.errors import InvalidCommand, ReasonCode
from subcommerce.events import (
    CreditCheckCompleted,
    LicensesChanged,
    Reactivated,
    ScheduledChangeDropped,
    StatusCause,
    StatusChanged,
    SubscriptionCancelled,
    SubscriptionPurchased,
)
from subcommerce.invoices import BILLED_STATUSES, EntryCause
from subcommerce.lifecycle import advance
from subcommerce.money import Money
from subcommerce.orders import Cart, NewSubscription, PlaceOrder, place_order, quote
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.policy import DEFAULT_POLICY, add_business_days
from subcommerce.proration import LineKind
from subcommerce.simulate import CreditCheck, Scenario, Timeline, simulate
from subcommerce.subscriptions import (
    PurchaseChannel,
    ScheduledChange,
    Subscription,
    SubscriptionStatus,
    Tenant,
)

Code = ReasonCode
Status = SubscriptionStatus
SHOP = shop("USD", (3000, 2200, 1000, 20, 300))  # basic: 30.00 a month on P1Y


def _rb(on: bool, when: date = D0, sub: str = "s1") -> SetRecurringBilling:
    return SetRecurringBilling(actor=ADMIN, as_of=when, subscription_id=sub, recurring_billing=on)


def _assign(count: int, when: date = D0, sub: str = "s1") -> AssignLicenses:
    return AssignLicenses(actor=ADMIN, as_of=when, subscription_id=sub, count=count)


# -- 1. Suspended at the term's end: Expired, and billing stops --------------------------------


def _suspended() -> Tenant:
    sub = Subscription(
        "s1",
        "basic",
        date(2025, 1, 1),
        10,
        Term.P1Y,
        BillingFrequency.MONTHLY,
        status=Status.SUSPENDED,
        channel=PurchaseChannel.CLOUD_SOLUTION_PROVIDER,
        recurring_billing=True,
        organization="contoso.com",
    )
    return attrs.evolve(shop_mosa_tenant(), subscriptions=(sub,))


def test_a_subscription_still_suspended_at_its_terms_end_moves_to_expired() -> None:
    outcome = advance(_suspended(), date(2026, 1, 1))
    assert outcome.tenant.subscription("s1").status is Status.EXPIRED
    assert outcome.events == (
        StatusChanged(
            "s1", date(2026, 1, 1), Status.SUSPENDED, Status.EXPIRED, StatusCause.TERM_ENDED
        ),
    )
    # The day before, it is still suspended (and renews nothing, recurring billing or not).
    assert advance(_suspended(), date(2025, 12, 31)).tenant.subscription("s1").status is (
        Status.SUSPENDED
    )


def test_a_suspended_subscription_is_billed_to_its_terms_end_and_never_after() -> None:
    scenario = Scenario(
        name="suspended",
        start=date(2025, 6, 1),
        tenant=_suspended(),
        currency="USD",
        catalog=CATALOG_ID,
    )
    timeline = simulate(scenario, date(2026, 9, 1), catalog=SHOP)
    periods = [e for e in timeline.ledger.entries if e.cause is EntryCause.PERIOD]
    # June is the ledger's opening; July to December are charged, 10 x 30.00 each; nothing after.
    assert [e.posted_on for e in periods] == [date(2025, m, 1) for m in range(7, 13)]
    assert {str(e.amount) for e in periods} == {"300.00 USD"}


# -- 3. A mid-term change deletes every change scheduled for the renewal -------------------------


def test_an_immediate_change_deletes_every_change_scheduled_for_the_renewal() -> None:
    tenant = run(
        mca_tenant(),
        purchase(mca_tenant(), "s1", 10, term=Term.P1Y),
        ChangeLicenseQuantity(
            actor=ADMIN, as_of=D0, subscription_id="s1", quantity=20, at_renewal=True
        ),
        ChangeTerm(actor=ADMIN, as_of=D0, subscription_id="s1", term=Term.P3Y),
    )
    assert tenant.subscription("s1").scheduled == ScheduledChange(quantity=20, term=Term.P3Y)
    now = ChangeLicenseQuantity(
        actor=ADMIN, as_of=D0 + timedelta(days=3), subscription_id="s1", quantity=12
    )
    outcome = apply(tenant, now)
    assert outcome.events == (
        ScheduledChangeDropped("s1", D0 + timedelta(days=3), ScheduledChange(20, Term.P3Y)),
        LicensesChanged("s1", D0 + timedelta(days=3), 10, 12),
    )
    after = outcome.tenant.subscription("s1")
    assert after.scheduled is None
    renewed = advance(outcome.tenant, date(2026, 3, 1)).tenant.subscription("s1")
    assert (renewed.quantity, renewed.term) == (12, Term.P1Y)


# -- 5. MOSA: every new subscription is a new order, with its own invoice ------------------------


def _two_subscriptions(tenant: Tenant, method: PaymentMethod | None) -> PlaceOrder:
    return PlaceOrder(
        actor="admin@contoso.com",
        as_of=date(2025, 1, 10),
        payment_method=method,
        cart=Cart(
            (
                NewSubscription(product_id="basic", quantity=2, subscription_id="a"),
                NewSubscription(product_id="premium", quantity=1, subscription_id="b"),
            )
        ),
    )


def test_under_mosa_every_new_subscription_is_a_new_order_with_its_own_invoice() -> None:
    tenant = shop_mosa_tenant()
    review = quote(SHOP, tenant, _two_subscriptions(tenant, PaymentMethod.CARD), currency="USD")
    assert [line.order_id for line in review.lines] == ["order-1", "order-2"]
    placed = place_order(SHOP, tenant, review)
    assert [s.order_id for s in placed.tenant] == ["order-1", "order-2"]
    assert [e.group.id for e in placed.entries] == ["order-1", "order-2"]
    # A later checkout gets the next free number.
    later = attrs.evolve(_two_subscriptions(tenant, PaymentMethod.CARD), as_of=date(2025, 1, 20))
    later = attrs.evolve(
        later, cart=Cart((NewSubscription(product_id="basic", quantity=1, subscription_id="c"),))
    )
    again = quote(SHOP, placed.tenant, later, ledger=placed.ledger)
    assert again.lines[0].order_id == "order-3"


def test_under_an_mca_a_checkout_is_one_order_on_the_profiles_invoice() -> None:
    from strategies_orders import mca_tenant as shop_mca_tenant

    tenant = shop_mca_tenant()
    review = quote(SHOP, tenant, _two_subscriptions(tenant, None), currency="USD")
    assert [line.order_id for line in review.lines] == ["order-1", "order-1"]
    placed = place_order(SHOP, tenant, review)
    assert {e.group.id for e in placed.entries} == {"contoso/profile-1"}


# -- 6. By invoice, the licenses wait for the credit check ---------------------------------------


def test_paying_by_invoice_the_new_licenses_cannot_be_assigned_before_the_credit_check() -> None:
    tenant = run(
        mosa_tenant(), purchase(mosa_tenant(), "s1", 10, payment_method=PaymentMethod.INVOICE)
    )
    (reason,) = check(tenant, _assign(3))
    assert reason.code is Code.LICENSES_NOT_USABLE_YET
    assert reason.on == date(2025, 3, 4)  # bought Saturday Mar 1: Monday 3, Tuesday 4
    done = run(tenant, CompleteCreditCheck(as_of=D0 + timedelta(days=1), subscription_id="s1"))
    assert codes(done, _assign(3, D0 + timedelta(days=1))) == set()


# -- 7. A Global Administrator can assign themself a billing account role ------------------------


def _mca_with_a_global_admin() -> Tenant:
    account = BillingAccount.sign_up(BillingAccountType.MCA, "fab", "owner")
    account = account.grant(RoleAssignment("gaby", Role.GLOBAL_ADMIN))
    return Tenant("fab.com", account=account)


def _grant(actor: str, principal: str, role: Role, **kw: str) -> GrantRole:
    return GrantRole(actor=actor, as_of=D0, principal=principal, role=role, **kw)


def test_a_global_administrator_can_assign_themself_a_billing_account_role() -> None:
    tenant = _mca_with_a_global_admin()
    itself = _grant("gaby", "gaby", Role.BILLING_ACCOUNT_OWNER)
    assert codes(tenant, itself) == set()
    after = run(tenant, itself)
    assert RoleAssignment("gaby", Role.BILLING_ACCOUNT_OWNER) in after.account.roles  # type: ignore[union-attr]
    # Only themself, and only a billing *account* role: the rest is still the owners' to grant.
    assert codes(tenant, _grant("gaby", "olga", Role.BILLING_ACCOUNT_READER)) == {
        Code.NOT_AUTHORIZED
    }
    profile = _grant("gaby", "gaby", Role.BILLING_PROFILE_OWNER, billing_profile_id="fab/profile-1")
    assert codes(tenant, profile) == {Code.NOT_AUTHORIZED}
    assert codes(tenant, _grant("olga", "olga", Role.BILLING_ACCOUNT_OWNER)) == {
        Code.NOT_AUTHORIZED
    }


# -- 8. Expired: admins still assign; Disabled: they cannot --------------------------------------


def test_while_expired_admins_can_still_assign_licenses_and_only_disabled_forbids_it() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", 10), _rb(False))
    expired_day = date(2025, 4, 10)  # the P1M term ended Apr 1
    assert advance(tenant, expired_day).tenant.subscription("s1").status is Status.EXPIRED
    assert codes(tenant, _assign(4, expired_day)) == set()
    disabled_day = date(2025, 5, 1)  # 30 days after Apr 1
    assert advance(tenant, disabled_day).tenant.subscription("s1").status is Status.DISABLED
    (reason,) = check(tenant, _assign(4, disabled_day))
    assert (reason.code, reason.status) == (Code.NOT_ACTIVE, "disabled")


# -- 9. MCA reactivation: a new subscription, same commitment term, from that day ----------------


def _expired_mca() -> Tenant:
    return run(mca_tenant(), purchase(mca_tenant(), "s1", 10, term=Term.P1Y), _rb(False))


def test_mca_reactivation_creates_a_new_subscription_with_the_same_term_from_that_day() -> None:
    on = date(2026, 3, 20)  # the term ended 2026-03-01
    outcome = apply(_expired_mca(), Reactivate(actor=ADMIN, as_of=on, subscription_id="s1"))
    old, new = outcome.tenant.subscription("s1"), outcome.tenant.subscription("s1/reactivated")
    assert (old.status, old.reactivated_as) == (Status.EXPIRED, "s1/reactivated")
    assert (new.status, new.term, new.start, new.quantity) == (Status.ACTIVE, Term.P1Y, on, 10)
    assert new.current_term == Period(on, date(2027, 3, 20))
    kinds = [type(e) for e in outcome.events if e.on == on]
    assert kinds == [SubscriptionPurchased, Reactivated]
    assert outcome.events[-1] == Reactivated(
        "s1", on, Period(on, date(2027, 3, 20)), 10, "s1/reactivated"
    )
    # The old one is not reactivated twice, and goes on to Deleted in its own time.
    again = Reactivate(actor=ADMIN, as_of=on, subscription_id="s1")
    (reason,) = check(outcome.tenant, again)
    assert (reason.code, reason.successor) == (Code.ALREADY_REACTIVATED, "s1/reactivated")
    later = advance(outcome.tenant, date(2026, 6, 29)).tenant
    assert later.subscription("s1").status is Status.DELETED
    assert later.subscription("s1/reactivated").status is Status.ACTIVE


def test_mca_reactivation_names_the_new_subscription_and_refuses_an_id_in_use() -> None:
    on = date(2026, 3, 20)
    named = Reactivate(actor=ADMIN, as_of=on, subscription_id="s1", new_subscription_id="s9")
    assert run(_expired_mca(), named).subscription("s9").start == on
    taken = attrs.evolve(named, new_subscription_id="s1")
    with pytest.raises(InvalidCommand, match="'s1'"):
        check(_expired_mca(), taken)


# -- 10. When a card is charged: MCA on the due date ----------------------------------------------


def test_under_an_mca_a_card_is_charged_on_the_invoices_due_date() -> None:
    from strategies_orders import mca_tenant as shop_mca_tenant

    tenant = shop_mca_tenant()
    order = PlaceOrder(
        actor="admin@contoso.com",
        as_of=date(2025, 1, 10),
        cart=Cart((NewSubscription(product_id="basic", quantity=1, subscription_id="a"),)),
    )
    (line,) = quote(SHOP, tenant, order, currency="USD").lines
    # The purchase is invoiced the next day, Jan 11, due 30 days later: the card is charged Feb 10.
    assert (line.statement_date, line.charge_by) == (date(2025, 1, 11), date(2025, 2, 10))


# -- 11. Deleting outright skips Expired and Disabled -------------------------------------------


def test_deleting_a_subscription_skips_expired_and_disabled() -> None:
    tenant = run(
        mosa_tenant(),
        purchase(mosa_tenant(), "s1", 10, unit_price=Money.of("36.00", "USD")),
        purchase(mosa_tenant(), "t1", 10, addon_kind=AddonKind.TRADITIONAL, parent_id="s1"),
    )
    on = date(2025, 3, 20)
    outcome = apply(tenant, DeleteSubscription(actor=ADMIN, as_of=on, subscription_id="s1"))
    assert [s.status for s in outcome.tenant] == [Status.DELETED, Status.DELETED]
    changes = [
        (e.subscription_id, e.before, e.after)
        for e in outcome.events
        if isinstance(e, StatusChanged)
    ]
    assert changes == [("s1", Status.ACTIVE, Status.DELETED), ("t1", Status.ACTIVE, Status.DELETED)]
    (refund,) = [
        e
        for e in outcome.events
        if isinstance(e, SubscriptionCancelled) and e.subscription_id == "s1"
    ]
    # Mar 20 - Mar 31 of a Mar 1 - Apr 1 period: 12 of 31 days of 10 x 36.00 = 139.354.. -> 139.35.
    assert str(refund.refund[0].amount) == "-139.35 USD"
    reactivate = Reactivate(actor=ADMIN, as_of=on, subscription_id="s1")
    assert codes(outcome.tenant, reactivate) == {Code.SUBSCRIPTION_DELETED}


def test_an_expired_or_disabled_subscription_can_be_deleted_at_once() -> None:
    tenant = run(mosa_tenant(), purchase(mosa_tenant(), "s1", 10), _rb(False))
    for day in (date(2025, 4, 10), date(2025, 5, 10)):  # Expired, then Disabled
        after = run(tenant, DeleteSubscription(actor=ADMIN, as_of=day, subscription_id="s1"))
        assert after.subscription("s1").status is Status.DELETED
        assert after.subscription("s1").status_since == day


def test_a_trial_or_a_traditional_add_on_is_not_deleted_by_the_customer() -> None:
    tenant = run(
        mosa_tenant(),
        purchase(mosa_tenant(), "s1", 10),
        purchase(mosa_tenant(), "t1", 10, addon_kind=AddonKind.TRADITIONAL, parent_id="s1"),
    )
    delete = DeleteSubscription(actor=ADMIN, as_of=D0, subscription_id="t1")
    assert codes(tenant, delete) == {Code.TRADITIONAL_ADDON_REMOVAL}
    assert codes(tenant, attrs.evolve(delete, actor=MICROSOFT)) == set()


# -- 12. A credit check completes two business days after the purchase ---------------------------


def test_a_credit_check_completes_on_its_own_two_business_days_after_the_purchase() -> None:
    friday = date(2025, 1, 10)
    tenant = run(
        mosa_tenant(),
        purchase(mosa_tenant(), "s1", 10, on=friday, payment_method=PaymentMethod.INVOICE),
    )
    assert advance(tenant, date(2025, 1, 13)).tenant.subscription("s1").credit_check_pending
    outcome = advance(tenant, date(2025, 1, 14))  # Monday, then Tuesday
    assert not outcome.tenant.subscription("s1").credit_check_pending
    assert outcome.events == (CreditCheckCompleted("s1", date(2025, 1, 14)),)


def test_a_scenario_overrides_the_credit_checks_duration_or_completes_it_by_hand() -> None:
    friday = date(2025, 1, 10)
    tenant = run(
        mosa_tenant(),
        purchase(mosa_tenant(), "s1", 10, on=friday, payment_method=PaymentMethod.INVOICE),
    )
    manual = attrs.evolve(DEFAULT_POLICY, credit_check_business_days=None)
    assert advance(tenant, date(2026, 1, 1), manual).tenant.subscription("s1").credit_check_pending
    slow = attrs.evolve(DEFAULT_POLICY, credit_check_business_days=5)
    assert advance(tenant, date(2025, 1, 16), slow).tenant.subscription("s1").credit_check_pending
    assert (
        not advance(tenant, date(2025, 1, 17), slow).tenant.subscription("s1").credit_check_pending
    )
    early = run(tenant, CompleteCreditCheck(as_of=date(2025, 1, 11), subscription_id="s1"))
    assert not early.subscription("s1").credit_check_pending


def test_business_days_skip_weekends() -> None:
    assert add_business_days(date(2025, 3, 1), 2) == date(2025, 3, 4)  # Saturday
    assert add_business_days(date(2025, 3, 3), 2) == date(2025, 3, 5)  # Monday
    assert add_business_days(date(2025, 3, 6), 2) == date(2025, 3, 10)  # Thursday
    assert add_business_days(date(2025, 3, 6), 0) == date(2025, 3, 6)


# -- 13. The add-on removal era --------------------------------------------------------------------


def _standalone(on: date) -> Tenant:
    return run(
        mosa_tenant(),
        purchase(mosa_tenant(), "s1", 10, on=on),
        purchase(mosa_tenant(), "a1", 5, on=on, addon_kind=AddonKind.STANDALONE),
    )


def test_before_2021_04_02_an_add_on_subscription_only_has_its_auto_renew_turned_off() -> None:
    day = date(2020, 6, 1)
    tenant = _standalone(day)
    cancel = CancelSubscription(actor=ADMIN, as_of=day, subscription_id="a1")
    (reason,) = check(tenant, cancel)
    assert (reason.code, reason.on) == (Code.ADDON_SUBSCRIPTION_NOT_CANCELLABLE, date(2021, 4, 2))
    assert reason.message("fr").startswith("L'abonnement a1 est un abonnement complémentaire")
    assert codes(tenant, _rb(False, day, "a1")) == set()
    # The base plan is cancelled as before, and the era's policy can be lifted.
    assert codes(tenant, CancelSubscription(actor=ADMIN, as_of=day, subscription_id="s1")) == set()
    always = attrs.evolve(DEFAULT_POLICY, addon_cancellation_from=None)
    assert check(tenant, cancel, always) == ()


def test_from_2021_04_02_an_add_on_subscription_is_cancelled_like_any_other() -> None:
    day = date(2021, 4, 2)
    tenant = _standalone(day)
    assert codes(tenant, CancelSubscription(actor=ADMIN, as_of=day, subscription_id="a1")) == set()


# -- 15. MCA invoices group their charges by invoice section -------------------------------------


def test_an_mca_invoice_groups_its_charges_by_invoice_section() -> None:
    profile = BillingProfile(
        "contoso/profile-1",
        (InvoiceSection("contoso/sales"), InvoiceSection("contoso/support")),
        payment_method=PaymentMethod.CARD,
    )
    roles = (RoleAssignment("admin@contoso.com", Role.BILLING_ACCOUNT_OWNER),)
    account = BillingAccount("contoso", BillingAccountType.MCA, roles, (profile,))
    tenant = Tenant("contoso.com", account=account)

    def buy(sub_id: str, section: str, quantity: int) -> PlaceOrder:
        line = NewSubscription(product_id="basic", quantity=quantity, subscription_id=sub_id)
        return PlaceOrder(
            actor="admin@contoso.com",
            as_of=date(2025, 1, 1),
            cart=Cart((line,)),
            invoice_section_id=section,
        )

    scenario = Scenario(
        name="sections",
        start=date(2025, 1, 1),
        tenant=tenant,
        currency="USD",
        catalog=CATALOG_ID,
        steps=(buy("a", "contoso/sales", 2), buy("b", "contoso/support", 3)),
    )
    timeline = simulate(scenario, date(2025, 2, 1), catalog=SHOP)
    (invoice,) = timeline.invoices
    assert [line.invoice_section_id for line in invoice.lines] == [
        "contoso/sales",
        "contoso/support",
    ]
    # P1M basic costs 36.00 (30.00 + 20 %): 2 x 36.00 and 3 x 36.00.
    assert invoice.sections() == (
        ("contoso/sales", Money.of("72.00", "USD")),
        ("contoso/support", Money.of("108.00", "USD")),
    )


# -- properties -----------------------------------------------------------------------------------


#: Changes made by the passing of time: on their day they come before the day's billing; a
#: command's change comes after it (simulate: lifecycle, then billing, then the day's steps).
_BY_TIME = frozenset(
    {
        StatusCause.TERM_ENDED,
        StatusCause.TRIAL_ENDED,
        StatusCause.TRIAL_CONVERTED,
        StatusCause.GRACE_ENDED,
        StatusCause.DISABLED_ENDED,
        StatusCause.FOLLOWS_PARENT,
    }
)


def _statuses_by_day(timeline: Timeline) -> dict[str, list[tuple[date, bool, Status]]]:
    """Each subscription's status changes, from the events, in order: (day, by time, status)."""
    changes: dict[str, list[tuple[date, bool, Status]]] = {}
    for sub in timeline.scenario.tenant:
        changes[sub.id] = [(timeline.scenario.start, True, sub.status)]
    for event in timeline.events:
        if isinstance(event, SubscriptionPurchased):
            status = Status.TRIAL if event.trial else Status.ACTIVE
            changes.setdefault(event.subscription_id, []).append((event.on, False, status))
        elif isinstance(event, StatusChanged):
            by_time = event.cause in _BY_TIME
            changes.setdefault(event.subscription_id, []).append((event.on, by_time, event.after))
    return changes


def _statuses_when_billed(changes: list[tuple[date, bool, Status]], day: date) -> set[Status]:
    """The statuses a subscription can be charged in on ``day``: after that day's changes made by
    time (the periods that time opens), and after that day's commands (a reactivation that day
    opens a period of its own)."""
    status = changes[0][2]
    for on, by_time, after in changes:
        if on < day or (on == day and by_time):
            status = after
    after_time = status
    for on, _, after in changes:
        if on == day:
            status = after
    return {after_time, status}


@given(scenarios(max_steps=10, max_days=800))
def test_no_period_is_charged_once_a_subscription_is_expired_disabled_or_deleted(
    generated: tuple[Scenario, object],
) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)  # type: ignore[arg-type]
    changes = _statuses_by_day(timeline)
    for entry in timeline.ledger.entries:
        if entry.cause is EntryCause.PERIOD and entry.kind is LineKind.CHARGE:
            statuses = _statuses_when_billed(changes[entry.subscription_id], entry.posted_on)
            assert statuses & BILLED_STATUSES, (entry.id, statuses)


@st.composite
def _snapshots(draw: st.DrawFn) -> Tenant:
    """A MOSA tenant holding priced subscriptions in any status, suspended ones included."""
    subs = []
    for index in range(draw(st.integers(1, 3))):
        term = draw(st.sampled_from([Term.P1M, Term.P1Y]))
        start = draw(st.dates(date(2024, 1, 1), date(2025, 6, 1)))
        subs.append(
            Subscription(
                f"s{index}",
                draw(st.sampled_from(["basic", "premium"])),
                start,
                draw(st.integers(1, 30)),
                term,
                BillingFrequency.MONTHLY
                if term is Term.P1M
                else draw(st.sampled_from([BillingFrequency.MONTHLY, BillingFrequency.ANNUAL])),
                status=draw(
                    st.sampled_from(
                        [Status.ACTIVE, Status.SUSPENDED, Status.SUSPENDED, Status.EXPIRED]
                    )
                ),
                recurring_billing=draw(st.booleans()),
                organization="contoso.com",
            )
        )
    return attrs.evolve(shop_mosa_tenant(), subscriptions=tuple(subs))


@given(_snapshots(), st.integers(30, 900))
def test_a_suspended_subscription_is_never_charged_past_its_terms_end(
    tenant: Tenant, days: int
) -> None:
    start = date(2025, 6, 1)
    scenario = Scenario(name="snap", start=start, tenant=tenant, currency="USD", catalog=CATALOG_ID)
    timeline = simulate(scenario, start + timedelta(days=days), catalog=SHOP)
    changes = _statuses_by_day(timeline)
    for entry in timeline.ledger.entries:
        if entry.kind is LineKind.CHARGE:
            statuses = _statuses_when_billed(changes[entry.subscription_id], entry.posted_on)
            assert statuses & BILLED_STATUSES, (entry.id, statuses)
    for sub in tenant:
        if sub.status is Status.SUSPENDED:
            end = sub.current_term.end
            after = [e for e in timeline.ledger.of(sub.id) if e.posted_on >= end]
            assert after == [], sub.id


@given(scenarios(max_steps=10, max_days=200))
def test_under_mosa_every_subscription_has_an_order_and_an_invoice_of_its_own(
    generated: tuple[Scenario, object],
) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)  # type: ignore[arg-type]
    if timeline.tenant.account_type is not BillingAccountType.MOSA:
        return
    order_ids = [s.order_id for s in timeline.tenant]
    assert len(set(order_ids)) == len(order_ids)
    for invoice in (*timeline.invoices, *timeline.open_invoices):
        assert len({line.subscription_id for line in invoice.lines}) == 1, invoice.id


# -- 14. The embedded catalog's three-year offers -------------------------------------------------


def test_the_embedded_catalog_offers_three_year_e3_and_e5_at_the_one_year_price() -> None:
    catalog = default_catalog()
    on = date(2025, 7, 1)
    for plan in ("m365-e3", "m365-e5"):
        assert catalog.price(plan, "P3Y", "annual", "USD", on) == catalog.price(
            plan, "P1Y", "annual", "USD", on
        )
        # "starting June 1, 2025": not before.
        assert catalog.price(plan, "P3Y", "annual", "USD", date(2025, 5, 31)) is None
    tenant = shop_mosa_tenant()
    order = PlaceOrder(
        actor="admin@contoso.com",
        as_of=on,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(
                    product_id="m365-e3",
                    quantity=100,
                    term=Term.P3Y,
                    billing_frequency=BillingFrequency.ANNUAL,
                    subscription_id="e3",
                ),
            )
        ),
    )
    (line,) = quote(catalog, tenant, order, currency="USD").lines
    # 100 licenses x 36.00 a month x 12 months, billed for the first year; the term runs 3 years.
    assert (str(line.first_charge_total), line.term_end) == ("43200.00 USD", date(2028, 7, 1))


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 15))
def test_a_credit_check_completes_on_a_weekday_after_exactly_that_many_weekdays(
    start: date, days: int
) -> None:
    completes = add_business_days(start, days)
    between = [start + timedelta(days=n) for n in range(1, (completes - start).days + 1)]
    assert sum(day.weekday() < 5 for day in between) == days
    if days:
        assert completes.weekday() < 5
    else:
        assert completes == start


@given(scenarios(max_steps=10, max_days=200))
def test_an_invoices_sections_add_up_to_its_total(generated: tuple[Scenario, object]) -> None:
    scenario, catalog = generated
    timeline = simulate(scenario, catalog=catalog)  # type: ignore[arg-type]
    mca = timeline.tenant.account_type is BillingAccountType.MCA
    for invoice in (*timeline.invoices, *timeline.open_invoices):
        sections = invoice.sections()
        assert Money.total((amount for _, amount in sections), invoice.currency) == invoice.total
        keys = [key for key, _ in sections]
        assert len(keys) == len(set(keys))
        if not mca:
            assert keys == [None]
        for line in invoice.lines:
            sub = timeline.tenant.subscription(line.subscription_id)
            assert line.invoice_section_id == (sub.invoice_section_id if mca else None)


def test_a_scenario_file_sets_its_own_credit_check_duration() -> None:
    from subcommerce import parse_scenario

    text = """
name = "slow check"
start = 2025-01-10
until = 2025-01-31
currency = "USD"
catalog = "test-shop"
credit_check = { business_days = 5 }
"""
    text += CONTOSO + first_order("2025-01-10", "invoice", 4)
    scenario = parse_scenario(text)
    assert scenario.credit_check == CreditCheck(5)
    timeline = simulate(scenario, catalog=SHOP)
    (done,) = [e for e in timeline.events if isinstance(e, CreditCheckCompleted)]
    assert done.on == date(2025, 1, 17)  # Friday + 5 business days
    manual = simulate(attrs.evolve(scenario, credit_check=CreditCheck()), catalog=SHOP)
    assert manual.tenant.subscription("s1").credit_check_pending
    default = simulate(attrs.evolve(scenario, credit_check=None), catalog=SHOP)
    (done,) = [e for e in default.events if isinstance(e, CreditCheckCompleted)]
    assert done.on == date(2025, 1, 14)


@pytest.mark.parametrize("bad", [-1, True, 1.5, "2"])
def test_a_credit_check_duration_is_a_whole_number_of_business_days_or_none(bad: object) -> None:
    from subcommerce.errors import InvalidQuantity
    from subcommerce.policy import Policy

    with pytest.raises(InvalidQuantity, match="credit_check_business_days"):
        Policy(credit_check_business_days=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidCommand, match="business_days"):
        CreditCheck(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "  ", 7, None.__class__])
def test_a_reactivations_new_id_is_a_non_empty_string(bad: object) -> None:
    with pytest.raises(InvalidCommand, match="new_subscription_id"):
        Reactivate(actor=ADMIN, as_of=D0, subscription_id="s1", new_subscription_id=bad)  # type: ignore[arg-type]


def test_business_days_need_a_calendar_date() -> None:
    from datetime import datetime

    from subcommerce.errors import InvalidDate

    with pytest.raises(InvalidDate):
        add_business_days(datetime(2025, 3, 1, 9), 2)  # type: ignore[arg-type]
