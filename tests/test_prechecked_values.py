"""Values built from parts already checked are the values the checked constructors build.

The commands and the lifecycle build the subscriptions they change with
:func:`~subcommerce.subscriptions.rebuilt` (and a purchase with ``maker``), the lifecycle dates
the tenant it changed with ``restated``, and the orders engine makes the commands of a checked
cart with :func:`~subcommerce.commands.prechecked`: none of them checks again, so each must give
exactly what ``attrs.evolve`` or the class would give for input that passes the checks. The
expected values here come from the checked constructors themselves, which other tests pin down.
"""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from strategies_accounts import ADMIN, days, subscriptions, tenants
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import AddonKind, LicenseUnit
from subcommerce.commands import (
    ChangeLicenseQuantity,
    ChangePlan,
    PurchaseSubscription,
    apply,
    prechecked,
)
from subcommerce.errors import InvalidPeriod, Refused
from subcommerce.lifecycle import advance, first_transition, next_transition
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Period, Term, add_months
from subcommerce.policy import DEFAULT_POLICY
from subcommerce.subscriptions import (
    LicenseBlock,
    Subscription,
    SubscriptionStatus,
    Tenant,
    dated,
    license_block,
    maker,
    rebuilder,
    rebuilt,
    restated,
)


def _term_of(sub: Subscription) -> Period:
    months = sub.term.months
    return Period(
        add_months(sub.anchor, months * sub.renewals),
        add_months(sub.anchor, months * (sub.renewals + 1)),
    )


@st.composite
def valid_changes(draw: st.DrawFn, sub: Subscription) -> dict[str, object]:
    """Changes of the kinds the commands and the lifecycle make, each keeping ``sub`` valid."""
    changes: dict[str, object] = {}
    if draw(st.booleans()):
        quantity = draw(st.integers(1, 500))
        on = draw(days(max_value=date(2030, 1, 1)))
        changes["quantity"] = quantity
        changes["blocks"] = draw(st.sampled_from([(), (LicenseBlock(quantity, on),)]))
        changes["assigned"] = draw(st.integers(0, quantity))
        changes["over_assigned"] = 0
        changes["over_assigned_until"] = None
    if draw(st.booleans()):
        changes["status"] = draw(st.sampled_from(list(SubscriptionStatus)))
        changes["status_since"] = draw(days(max_value=date(2030, 1, 1)))
    if draw(st.booleans()):
        changes["renewals"] = sub.renewals + draw(st.integers(1, 3))
    if draw(st.booleans()):
        changes["term"] = draw(st.sampled_from(list(Term)))
        changes["term_anchor"] = draw(days(max_value=date(2030, 1, 1)))
    if draw(st.booleans()):
        changes["recurring_billing"] = draw(st.booleans())
        changes["credit_check_pending"] = draw(st.booleans())
        changes["scheduled"] = None
    return changes


@given(subscriptions("s1"), st.data(), st.booleans())
def test_a_subscription_rebuilt_from_checked_changes_is_the_one_evolve_builds(
    sub: Subscription, data: st.DataObject, term_known: bool
) -> None:
    changes = data.draw(valid_changes(sub))
    expected = attrs.evolve(sub, **changes)
    if term_known:
        _ = sub.current_term  # worked out before: kept only when the term does not move
    made = rebuilt(sub, **changes)
    assert made == expected
    assert type(made) is Subscription
    assert repr(made) == repr(expected)
    assert hash(made) == hash(expected)
    assert made.current_term == _term_of(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    again = rebuilder(*changes)(sub, *changes.values(), None)
    assert again == expected
    assert again.current_term == _term_of(expected)


@given(subscriptions("s1"))
def test_a_renewal_that_names_its_next_term_gets_the_term_its_fields_give(
    sub: Subscription,
) -> None:
    next_term = Period(
        sub.current_term.end, _term_of(attrs.evolve(sub, renewals=sub.renewals + 1)).end
    )
    made = rebuilt(sub, current_term=next_term, renewals=sub.renewals + 1)
    assert made == attrs.evolve(sub, renewals=sub.renewals + 1)
    assert made.current_term == _term_of(made) == next_term


@given(
    st.integers(1, 500),
    days(max_value=date(2030, 1, 1)),
    st.sampled_from(list(Term)),
    st.sampled_from([None, PaymentMethod.CARD, PaymentMethod.INVOICE]),
    st.booleans(),
    st.sets(st.sampled_from(["term", "status_since", "payment_method", "order_id", "blocks"])),
)
def test_a_purchase_built_from_checked_fields_is_the_one_the_class_builds(
    quantity: int,
    on: date,
    term: Term,
    method: PaymentMethod | None,
    pending: bool,
    left_out: set[str],
) -> None:
    fields: dict[str, object] = {
        "id": "s9",
        "product_id": "basic",
        "start": on,
        "quantity": quantity,
        "term": term,
        "blocks": (LicenseBlock(quantity, on),),
        "status_since": on,
        "credit_check_pending": pending,
        "payment_method": method,
        "order_id": "order-1",
        "organization": "contoso.com",
    }
    for name in left_out:  # at its default
        del fields[name]
    made = maker(*fields)(*fields.values())
    assert made == Subscription(**fields)  # type: ignore[arg-type]
    assert repr(made) == repr(Subscription(**fields))  # type: ignore[arg-type]


@given(tenants(min_subscriptions=1), st.integers(0, 800))
def test_the_lifecycle_restates_a_tenant_as_building_it_again_would(
    tenant: Tenant, gap: int
) -> None:
    start = advance(tenant, date(2025, 1, 1)).tenant
    on = date(2025, 1, 1) + timedelta(days=gap)
    after = advance(start, on).tenant
    again = Tenant(start.organization, after.subscriptions, start.account, on)
    assert after == again
    assert restated(start, after.subscriptions, on) == again
    for sub in again:
        assert after.subscription(sub.id) == sub
    assert advance(after, on + timedelta(days=31)) == advance(again, on + timedelta(days=31))


@given(
    st.integers(1, 10_000),
    days(max_value=date(2030, 1, 1)),
    st.sampled_from(list(Term)),
    st.sampled_from(list(BillingFrequency)),
    st.sampled_from(list(LicenseUnit)),
    st.sampled_from([None, PaymentMethod.CARD]),
    st.sampled_from([None, Money.of("12.50", "USD")]),
    st.sampled_from([(None, None), (AddonKind.STANDALONE, None), (AddonKind.TRADITIONAL, "s1")]),
)
def test_a_command_made_from_checked_fields_is_the_one_the_class_makes(
    quantity: int,
    on: date,
    term: Term,
    frequency: BillingFrequency,
    unit: LicenseUnit,
    method: PaymentMethod | None,
    price: Money | None,
    addon: tuple[AddonKind | None, str | None],
) -> None:
    try:
        frequency.months(term)
    except ValueError:
        assume(False)
    kind, parent = addon
    fields: dict[str, object] = {
        "actor": "ana",
        "as_of": on,
        "subscription_id": "s2",
        "product_id": "basic",
        "quantity": quantity,
        "term": term,
        "billing_frequency": frequency,
        "unit": unit,
        "payment_method": method,
        "order_id": "order-2",
        "unit_price": price,
        "addon_kind": kind,
        "parent_id": parent,
    }
    made = prechecked(PurchaseSubscription)(**fields)
    expected = PurchaseSubscription(**fields)  # type: ignore[arg-type]
    assert made == expected
    assert repr(made) == repr(expected)
    assert type(made) is PurchaseSubscription
    change = {"actor": "ana", "as_of": on, "subscription_id": "s1", "quantity": quantity}
    assert prechecked(ChangeLicenseQuantity)(**change) == ChangeLicenseQuantity(**change)  # type: ignore[arg-type]
    assert prechecked(ChangeLicenseQuantity) is prechecked(ChangeLicenseQuantity)


@given(tenants(), subscriptions("newcomer"), days(max_value=date(2030, 1, 1)))
def test_a_tenant_that_gains_a_subscription_keeps_the_lifecycle_memo_true(
    tenant: Tenant, newcomer: Subscription, on: date
) -> None:
    tenant = advance(tenant, on).tenant
    first_transition(tenant, DEFAULT_POLICY)  # the memo is worked out, then kept
    added = tenant.added(newcomer)
    dues = [d for s in added if (d := next_transition(s)) is not None]
    assert first_transition(added, DEFAULT_POLICY) == min(dues, default=None)
    fresh = Tenant(added.organization, added.subscriptions, added.account, added.as_of)
    assert advance(added, on + timedelta(days=400)) == advance(fresh, on + timedelta(days=400))


@given(st.integers(1, 10**6), days(max_value=date(2030, 1, 1)))
def test_a_license_block_built_from_checked_parts_is_the_one_the_class_builds(
    quantity: int, bought: date
) -> None:
    made = license_block(quantity, bought)
    assert made == LicenseBlock(quantity, bought)
    assert repr(made) == repr(LicenseBlock(quantity, bought))
    assert hash(made) == hash(LicenseBlock(quantity, bought))


@given(tenants(min_subscriptions=1), st.data())
def test_a_license_change_keeps_the_lifecycle_memo_true(
    tenant: Tenant, data: st.DataObject
) -> None:
    on = data.draw(days(max_value=date(2030, 1, 1)))
    tenant = advance(tenant, on).tenant
    first_transition(tenant, DEFAULT_POLICY)  # the memo is worked out, then kept
    sub = data.draw(st.sampled_from(tenant.subscriptions))
    change = ChangeLicenseQuantity(
        actor=ADMIN, as_of=on, subscription_id=sub.id, quantity=data.draw(st.integers(1, 400))
    )
    try:
        after = apply(tenant, change).tenant
    except Refused:
        return
    dues = [d for s in after if (d := next_transition(s)) is not None]
    assert first_transition(after, DEFAULT_POLICY) == min(dues, default=None)


@given(tenants(), days(max_value=date(2030, 1, 1)))
def test_a_dated_tenant_is_the_tenant_evolve_dates(tenant: Tenant, on: date) -> None:
    made = dated(tenant, on)
    assert made == attrs.evolve(tenant, as_of=on)
    assert made.subscriptions is tenant.subscriptions
    assert made.due_memo is tenant.due_memo
    for sub in tenant:
        assert made.subscription(sub.id) is sub


def test_adding_a_subscription_past_the_supported_dates_does_not_depend_on_the_memo() -> None:
    # Two equal tenants, one holding the lifecycle memo: adding a subscription whose term runs
    # past the supported dates succeeds on both (the memo is dropped), and the lifecycle refuses
    # it when asked, as before the memo was kept across additions.
    plain = Tenant("contoso.com", (Subscription("a", "p", date(2025, 1, 1), 1),))
    remembering = advance(plain, date(2025, 1, 5)).tenant
    first_transition(remembering, DEFAULT_POLICY)
    assert remembering.due_memo is not None
    far = Subscription("b", "p", date(2025, 1, 1), 1, term=Term.P3Y, renewals=400)
    for tenant in (plain, remembering):
        joined = tenant.added(far)
        assert joined.due_memo is None
        with pytest.raises(InvalidPeriod):
            first_transition(joined, DEFAULT_POLICY)


def test_the_unchecked_builders_refuse_what_would_make_a_value_the_class_would_not() -> None:
    with pytest.raises(TypeError, match="start"):
        maker("id", "product_id", "quantity")  # a subscription needs its start
    with pytest.raises(TypeError, match="twice"):
        rebuilder("quantity", "quantity")
    with pytest.raises(TypeError, match="ChangePlan"):
        prechecked(ChangePlan)  # its add-on lists are converted to tuples by the class
