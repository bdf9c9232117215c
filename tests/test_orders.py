"""Orders: the cart, the price review (quote) and placing the order, with the payment rules."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layout_cases import LAYOUTS, in_layout
from strategies_orders import (
    ADMIN,
    CATALOG_ID,
    Ids,
    mca_tenant,
    minor_units,
    mosa_tenant,
    orders,
    scenarios,
    shop,
)
from subcommerce.billing import (
    MICROSOFT,
    BillingAccount,
    BillingAccountType,
    PaymentMethod,
)
from subcommerce.catalog import AddonKind, Catalog
from subcommerce.commands import CompleteCreditCheck
from subcommerce.errors import (
    InvalidCommand,
    InvalidPeriod,
    InvalidQuantity,
    ReasonCode,
    Refused,
    UnknownReference,
)
from subcommerce.invoices import EntryCause
from subcommerce.lifecycle import advance
from subcommerce.money import Money
from subcommerce.orders import (
    AddAddon,
    Cart,
    ChangeLicenses,
    NewSubscription,
    PlaceOrder,
    QuoteChanged,
    check_order,
    place_order,
    quote,
)
from subcommerce.periods import BillingFrequency, Period, Term, period_containing
from subcommerce.policy import CARD_CHARGE_SEED_004, DEFAULT_POLICY
from subcommerce.proration import LedgerLayout, LineKind
from subcommerce.simulate import Scenario, simulate
from subcommerce.subscriptions import Tenant

# basic: 36.00 a month month to month (P1M), 30.00 on annual terms; premium 26.40 / 22.00;
# phone (on premium, must connect) 12.00 / 10.00; storage 0.24 / 0.20; lockbox 3.60 / 3.00.
SHOP = shop("USD", (3000, 2200, 1000, 20, 300))


def order(
    on: date, *lines: object, method: PaymentMethod | None = PaymentMethod.CARD, **kw: object
) -> PlaceOrder:
    return PlaceOrder(actor=ADMIN, as_of=on, cart=Cart(lines), payment_method=method, **kw)  # type: ignore[arg-type]


def new(quantity: int, sub_id: str = "s1", product: str = "basic", **kw: object) -> NewSubscription:
    return NewSubscription(product_id=product, quantity=quantity, subscription_id=sub_id, **kw)  # type: ignore[arg-type]


def placed(tenant: Tenant, *orders_: PlaceOrder, catalog: Catalog = SHOP) -> tuple[Tenant, object]:
    ledger = None
    for each in orders_:
        review = quote(catalog, tenant, each, currency="USD", ledger=ledger)
        result = place_order(catalog, tenant, review, ledger=ledger)
        tenant, ledger = result.tenant, result.ledger
    return tenant, ledger


def codes(reasons: tuple[object, ...]) -> list[ReasonCode]:
    return [r.code for r in reasons]  # type: ignore[attr-defined]


# -- the price review ---------------------------------------------------------------------------


def test_preview_shows_the_prorated_price_not_the_full_price() -> None:
    # Pitfall lago-api#4770. 100 licenses at 36.00 bought Mar 1; 5 more on Mar 15 of a 31-day
    # period: the review shows 5 x 36 x 17/31 = 98.709... -> 98.71, not 5 x 36 = 180.00.
    tenant, ledger = placed(mosa_tenant(), order(date(2025, 3, 1), new(100)))
    more = order(date(2025, 3, 15), ChangeLicenses(subscription_id="s1", quantity=105))
    review = quote(SHOP, tenant, more, ledger=ledger)  # type: ignore[arg-type]
    (line,) = review.lines
    assert line.first_charge_total == Money.of("98.71", "USD")
    assert review.total == Money.of("98.71", "USD")
    assert line.recurring == Money.of("3780.00", "USD")  # then 105 x 36.00 a month
    assert line.quantity_before == 100
    assert line.quantity == 105
    assert line.first_period == Period(date(2025, 3, 1), date(2025, 4, 1))
    assert line.next_charge_on == date(2025, 4, 1)


def test_a_quote_and_the_order_placed_from_it_on_the_same_day_agree_to_the_cent() -> None:
    tenant, ledger = placed(mosa_tenant(), order(date(2025, 3, 1), new(100)))
    more = order(date(2025, 3, 15), ChangeLicenses(subscription_id="s1", quantity=105))
    review = quote(SHOP, tenant, more, ledger=ledger)  # type: ignore[arg-type]
    result = place_order(SHOP, tenant, review, ledger=ledger)  # type: ignore[arg-type]
    assert result.entries == review.lines[0].first_charge
    assert [str(e.amount.amount) for e in result.entries] == ["-3600.00", "1625.81", "2072.90"]
    assert result.tenant.subscription("s1").quantity == 105


def test_a_new_subscription_is_charged_its_first_full_period_at_the_offer_price() -> None:
    # 3 premium licenses, annual term billed annually: 22.00 x 12 = 264.00 each, 792.00.
    line = new(3, product="premium", term=Term.P1Y, billing_frequency=BillingFrequency.ANNUAL)
    review = quote(SHOP, mosa_tenant(), order(date(2024, 2, 29), line), currency="USD")
    (quoted,) = review.lines
    assert quoted.unit_price == Money.of("264.00", "USD")
    assert quoted.first_charge_total == Money.of("792.00", "USD")
    assert quoted.recurring == Money.of("792.00", "USD")
    assert quoted.term_end == date(2025, 2, 28)
    assert quoted.first_charge[0].cause is EntryCause.PURCHASE


def test_the_quote_says_taxes_are_excluded() -> None:
    review = quote(SHOP, mosa_tenant(), order(date(2025, 1, 1), new(1)), currency="USD")
    assert review.taxes_included is False
    assert "exclude taxes" in review.note


def test_card_payment_licenses_are_usable_at_once_and_charged_the_day_after_the_invoice() -> None:
    # MOSA: "we charge your card the day after the Invoice Date"; the order's first invoice is
    # dated the day after its billing period, Jan 30 - Feb 27: Feb 28, so the card is charged Mar 1.
    review = quote(SHOP, mosa_tenant(), order(date(2025, 1, 30), new(1)), currency="USD")
    (line,) = review.lines
    assert line.payment_method is PaymentMethod.CARD
    assert line.usable_from == date(2025, 1, 30)
    assert line.statement_date == date(2025, 2, 28)
    assert line.charge_by == date(2025, 3, 1)


def test_under_seed_004_a_card_is_charged_within_two_days_of_the_order() -> None:
    policy = attrs.evolve(DEFAULT_POLICY, card_charge=CARD_CHARGE_SEED_004)
    review = quote(
        SHOP, mosa_tenant(), order(date(2025, 1, 30), new(1)), currency="USD", policy=policy
    )
    assert review.lines[0].charge_by == date(2025, 2, 1)


def test_invoice_payment_waits_for_the_credit_check_and_is_charged_on_the_next_statement() -> None:
    review = quote(
        SHOP,
        mosa_tenant(),
        order(date(2025, 1, 10), new(4), method=PaymentMethod.INVOICE),
        currency="USD",
    )
    (line,) = review.lines
    assert line.usable_from is None  # after the credit check
    assert line.statement_date == date(2025, 2, 10)  # the order's first invoice
    assert line.charge_by == date(2025, 2, 10)


def test_credit_check_pending_blocks_adding_licenses_on_invoice_payment() -> None:
    tenant, ledger = placed(
        mosa_tenant(), order(date(2025, 1, 10), new(4), method=PaymentMethod.INVOICE)
    )
    more = order(date(2025, 1, 11), ChangeLicenses(subscription_id="s1", quantity=6))
    (reasons,) = check_order(SHOP, tenant, more, ledger=ledger)  # type: ignore[arg-type]
    assert codes(reasons) == [ReasonCode.CREDIT_CHECK_PENDING]
    with pytest.raises(Refused) as refused:
        place_order(SHOP, tenant, quote(SHOP, tenant, more, ledger=ledger), ledger=ledger)  # type: ignore[arg-type]
    assert refused.value.codes == (ReasonCode.CREDIT_CHECK_PENDING,)
    # Once Microsoft completes the check, the same order goes through.
    scenario = Scenario(
        name="credit check",
        start=date(2025, 1, 10),
        tenant=mosa_tenant(),
        currency="USD",
        catalog=CATALOG_ID,
        steps=(
            order(date(2025, 1, 10), new(4), method=PaymentMethod.INVOICE),
            CompleteCreditCheck(actor=MICROSOFT, as_of=date(2025, 1, 12), subscription_id="s1"),
            order(date(2025, 1, 13), ChangeLicenses(subscription_id="s1", quantity=6)),
        ),
    )
    timeline = simulate(scenario, date(2025, 1, 31), catalog=SHOP)
    assert timeline.refused == ()
    assert timeline.tenant.subscription("s1").quantity == 6


def test_a_billing_admin_cannot_auto_assign_licenses() -> None:
    # Billing admins buy but cannot assign licenses; the line is refused with the reason.
    account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "bill")
    tenant = Tenant("contoso.com", account=account)
    line = new(5, auto_assign=True)
    cart = PlaceOrder(actor="bill", as_of=date(2025, 1, 1), cart=Cart((line,)),
                      payment_method=PaymentMethod.CARD, unlicensed_users=3)  # fmt: skip
    (reasons,) = check_order(SHOP, tenant, cart, currency="USD")
    assert codes(reasons) == [ReasonCode.NOT_AUTHORIZED]
    assert "assign licenses" in reasons[0].message()


def test_auto_assign_gives_the_new_licenses_to_users_without_one_in_line_order() -> None:
    cart = order(
        date(2025, 1, 1),
        new(5, "s1", auto_assign=True),
        new(4, "s2", product="premium", auto_assign=True),
        unlicensed_users=7,
    )
    review = quote(SHOP, mosa_tenant(), cart, currency="USD")
    assert [line.auto_assigned for line in review.lines] == [5, 2]


def test_a_mosa_add_on_is_bought_from_a_base_subscription_and_connected_when_it_must_be() -> None:
    tenant, ledger = placed(mosa_tenant(), order(date(2025, 1, 1), new(10, product="premium")))
    without_base = order(
        date(2025, 1, 5), AddAddon(addon_id="phone", quantity=2, subscription_id="p")
    )
    (reasons,) = check_order(SHOP, tenant, without_base, ledger=ledger)  # type: ignore[arg-type]
    assert codes(reasons) == [ReasonCode.WRONG_PURCHASE_PATH]
    with_base = order(
        date(2025, 1, 5),
        AddAddon(addon_id="phone", quantity=2, base_subscription_id="s1", subscription_id="p"),
    )
    result = place_order(SHOP, tenant, quote(SHOP, tenant, with_base, ledger=ledger), ledger=ledger)  # type: ignore[arg-type]
    phone = result.tenant.subscription("p")
    assert phone.parent_id == "s1"
    assert phone.addon_kind is AddonKind.STANDALONE
    # Its own order, its own invoice: 2 x 12.00 for Jan 5 - Feb 4.
    assert result.entries[0].group.id == "order-2"
    assert result.entries[0].amount == Money.of("24.00", "USD")


def test_an_mca_add_on_is_bought_like_any_product_without_a_base() -> None:
    tenant, ledger = placed(
        mca_tenant(), order(date(2025, 1, 1), new(10, product="premium"), method=None)
    )
    wrong = order(
        date(2025, 1, 5),
        AddAddon(addon_id="phone", quantity=2, base_subscription_id="s1", subscription_id="p"),
        method=None,
    )
    (reasons,) = check_order(SHOP, tenant, wrong, ledger=ledger)  # type: ignore[arg-type]
    assert codes(reasons) == [ReasonCode.WRONG_PURCHASE_PATH]
    right = order(
        date(2025, 1, 5), AddAddon(addon_id="phone", quantity=2, subscription_id="p"), method=None
    )
    (reasons,) = check_order(SHOP, tenant, right, ledger=ledger)  # type: ignore[arg-type]
    assert reasons == ()


def test_a_traditional_add_on_bought_mid_period_is_prorated_to_its_base_s_period_end() -> None:
    # Before 2015-12-01 every add-on is traditional: it runs on its base's dates. The base was
    # bought Nov 1 (period Nov 1 - Nov 30, 30 days); 10 lockbox licenses at 3.60 on Nov 11:
    # 10 x 3.60 x 20/30 = 24.00.
    tenant, ledger = placed(mosa_tenant(), order(date(2015, 11, 1), new(10)))
    cart = order(
        date(2015, 11, 11),
        AddAddon(addon_id="lockbox", quantity=10, base_subscription_id="s1", subscription_id="lb"),
    )
    review = quote(SHOP, tenant, cart, ledger=ledger)  # type: ignore[arg-type]
    (line,) = review.lines
    assert line.first_charge_total == Money.of("24.00", "USD")
    assert line.first_period == Period(date(2015, 11, 1), date(2015, 12, 1))
    assert line.recurring == Money.of("36.00", "USD")


def test_a_product_without_a_price_in_the_currency_is_refused_with_the_reason() -> None:
    tenant, ledger = placed(mosa_tenant(), order(date(2025, 1, 1), new(10)))
    cart = order(
        date(2025, 1, 2),
        AddAddon(addon_id="unpriced", quantity=1, base_subscription_id="s1", subscription_id="u"),
    )
    review = quote(SHOP, tenant, cart, ledger=ledger)  # type: ignore[arg-type]
    assert codes(review.reasons) == [ReasonCode.NOT_OFFERED_IN_CURRENCY]
    assert review.lines[0].first_charge == ()
    assert review.total == Money.of("0.00", "USD")
    assert not review.ok


def test_an_offer_that_does_not_exist_is_refused_with_no_matching_offer() -> None:
    line = new(1, term=Term.P3Y, billing_frequency=BillingFrequency.ANNUAL)
    (reasons,) = check_order(SHOP, mosa_tenant(), order(date(2025, 1, 1), line), currency="USD")
    assert codes(reasons) == [ReasonCode.NO_MATCHING_OFFER]


def test_a_plan_no_longer_sold_is_refused_and_cannot_get_more_licenses() -> None:
    ended = attrs.evolve(
        SHOP,
        plans=(attrs.evolve(SHOP.plan("basic"), sold_until=date(2025, 2, 1)), SHOP.plan("premium")),
    )
    tenant, ledger = placed(mosa_tenant(), order(date(2025, 1, 1), new(10)), catalog=ended)
    (reasons,) = check_order(ended, tenant, order(date(2025, 2, 1), new(1, "s2")), ledger=ledger)  # type: ignore[arg-type]
    assert codes(reasons) == [ReasonCode.END_OF_SALE]
    more = order(date(2025, 2, 3), ChangeLicenses(subscription_id="s1", quantity=11))
    (reasons,) = check_order(ended, tenant, more, ledger=ledger)  # type: ignore[arg-type]
    assert codes(reasons) == [ReasonCode.END_OF_SALE]


def test_an_order_placed_from_a_stale_quote_raises_quote_changed_and_changes_nothing() -> None:
    tenant, ledger = placed(mosa_tenant(), order(date(2025, 3, 1), new(100)))
    more = order(date(2025, 3, 15), ChangeLicenses(subscription_id="s1", quantity=105))
    review = quote(SHOP, tenant, more, ledger=ledger)  # type: ignore[arg-type]
    moved, moved_ledger = placed(
        tenant, order(date(2025, 3, 10), ChangeLicenses(subscription_id="s1", quantity=101))
    )
    with pytest.raises(QuoteChanged) as caught:
        place_order(SHOP, moved, review, ledger=moved_ledger)  # type: ignore[arg-type]
    # 4 more instead of 5: 4 x 36 x 17/31 = 78.967... -> 78.97.
    assert caught.value.now.total == Money.of("78.97", "USD")
    assert isinstance(caught.value, ValueError)


def test_a_cart_line_can_use_the_subscription_an_earlier_line_buys() -> None:
    cart = order(
        date(2025, 1, 1),
        new(5, "base", product="premium"),
        AddAddon(addon_id="phone", quantity=5, base_subscription_id="base", subscription_id="ph"),
    )
    review = quote(SHOP, mosa_tenant(), cart, currency="USD")
    assert review.ok
    # 5 x 26.40 + 5 x 12.00 = 132.00 + 60.00.
    assert review.total == Money.of("192.00", "USD")


def test_every_refused_line_is_reported_and_the_others_still_priced() -> None:
    cart = order(
        date(2025, 1, 1),
        new(2, "s1"),
        ChangeLicenses(subscription_id="s1", quantity=2),
        new(1, "s2"),
    )
    review = quote(SHOP, mosa_tenant(), cart, currency="USD")
    assert [line.ok for line in review.lines] == [True, False, True]
    assert codes(review.lines[1].reasons) == [ReasonCode.QUANTITY_UNCHANGED]
    assert review.total == Money.of("108.00", "USD")  # 3 x 36.00


def test_bad_input_raises_a_subcommerce_error_naming_the_culprit() -> None:
    with pytest.raises(InvalidCommand, match="at least one cart line"):
        PlaceOrder(actor=ADMIN, as_of=date(2025, 1, 1), cart=Cart())
    with pytest.raises(InvalidQuantity, match="quantity"):
        new(0)
    with pytest.raises(InvalidPeriod):
        new(1, term=Term.P1M, billing_frequency=BillingFrequency.ANNUAL)
    with pytest.raises(UnknownReference, match="nothing"):
        quote(
            SHOP, mosa_tenant(), order(date(2025, 1, 1), new(1, product="nothing")), currency="USD"
        )
    with pytest.raises(InvalidCommand, match="add-on"):
        quote(SHOP, mosa_tenant(), order(date(2025, 1, 1), new(1, product="phone")), currency="USD")
    with pytest.raises(InvalidCommand, match="currency"):
        quote(SHOP, mosa_tenant(), order(date(2025, 1, 1), new(1)))
    with pytest.raises(InvalidCommand, match="billing account"):
        quote(SHOP, Tenant("x.com"), order(date(2025, 1, 1), new(1)), currency="USD")
    with pytest.raises(InvalidCommand, match="billing profile"):
        quote(
            SHOP, mca_tenant(PaymentMethod.INVOICE), order(date(2025, 1, 1), new(1)), currency="USD"
        )


def test_the_order_lines_of_the_seeds_carry_licenses_billing_auto_assign_and_a_base() -> None:
    # Seeds 002/003: number of licenses, monthly or annual, auto-assign, an optional base.
    line = AddAddon(
        addon_id="phone",
        quantity=3,
        term=Term.P1Y,
        billing_frequency=BillingFrequency.ANNUAL,
        base_subscription_id="s1",
        auto_assign=True,
    )
    assert (line.quantity, line.billing_frequency, line.auto_assign, line.base_subscription_id) == (
        3,
        BillingFrequency.ANNUAL,
        True,
        "s1",
    )
    assert len(Cart().add(line, line)) == 2


# -- properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@given(st.data(), scenarios(max_steps=4, max_days=60))
def test_the_quote_equals_what_the_placed_order_charges_and_what_a_simulation_posts(
    layout: LedgerLayout, data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    scenario = in_layout(scenario, layout)
    timeline = simulate(scenario, catalog=catalog)
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 40)))
    ids = Ids([s.id for s in timeline.tenant], missing=False, refer_to_new=False)
    cart = attrs.evolve(data.draw(orders(timeline.tenant, on, ids)), order_id="checked")
    tenant, ledger = timeline.tenant, timeline.ledger
    review = quote(catalog, tenant, cart, ledger=ledger)
    if not review.ok:
        with pytest.raises(Refused) as refused:
            place_order(catalog, tenant, review, ledger=ledger)
        assert refused.value.reasons == review.reasons
        return
    result = place_order(catalog, tenant, review, ledger=ledger)
    quoted = tuple(e for line in review.lines for e in line.first_charge)
    assert result.entries == quoted
    assert sum(minor_units(e.amount) for e in result.entries) == minor_units(review.total)
    for line in review.lines:
        assert minor_units(line.first_charge_total) == sum(
            minor_units(e.amount) for e in line.first_charge
        )  # type: ignore[arg-type]
    # The simulation, given the order as one more step, posts the very same entries that day.
    more = attrs.evolve(scenario, steps=(*scenario.steps, cart), until=on)
    played = simulate(more, catalog=catalog)
    assert played.refused == timeline.refused
    posted = tuple(e for e in played.ledger.entries if e.id in {q.id for q in quoted})
    assert posted == quoted
    assert played.orders[-1].lines == review.lines


@pytest.mark.parametrize("layout", LAYOUTS)
@given(st.data(), scenarios(max_steps=3, max_days=40))
def test_first_charges_follow_the_hand_arithmetic_of_proration(
    layout: LedgerLayout, data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    timeline = simulate(in_layout(scenario, layout), catalog=catalog)
    if timeline.ledger.convention.name != "exact":
        return
    on = timeline.as_of + timedelta(days=data.draw(st.integers(0, 40)))
    ids = Ids([s.id for s in timeline.tenant], missing=False, refer_to_new=False)
    cart = data.draw(orders(timeline.tenant, on, ids))
    review = quote(catalog, timeline.tenant, cart, ledger=timeline.ledger)
    code = catalog.currencies[0]
    # The subscriptions as the lifecycle leaves them on the order's day (renewals in between).
    before = {s.id: s for s in advance(timeline.tenant, on).tenant}
    for line in review.lines:
        if not line.ok or line.first_charge_total is None:
            continue
        got = minor_units(line.first_charge_total)
        if isinstance(line.line, NewSubscription):
            offer = catalog.offer(line.product_id, line.line.term, line.line.billing_frequency, on)
            assert offer is not None
            price = offer.price(code)
            assert price is not None
            months = line.line.billing_frequency.months(line.line.term)
            assert got == minor_units(price) * months * line.line.quantity  # a full first period
        elif isinstance(line.line, ChangeLicenses) and line.line.subscription_id in before:
            sub = before[line.line.subscription_id]
            if sub.quantity != line.quantity_before:
                continue  # changed earlier in the same cart
            term_start = max(sub.current_term.start, sub.start)
            offer = catalog.offer(sub.product_id, sub.term, sub.billing_frequency, term_start)
            # The term's list price; when the catalog sells no such offer (the term was changed
            # to one it lacks: commands do not read the catalog), the price locked at purchase.
            price = offer.period_price(code) if offer is not None else sub.unit_price
            if price is None or price.currency != code:
                assert got == 0  # unpriced: nothing was charged for the period, nothing changes
                continue
            period = period_containing(sub.anchor, sub.billing_frequency.months(sub.term), on)
            delta = line.quantity - line.quantity_before
            exact = Fraction(price.amount) * delta * (period.end - on).days / period.days
            expected = round(exact * 10**code.exponent)
            if layout is LedgerLayout.NEW_COMMERCE:  # refund and charge, each rounded once
                assert abs(got - exact * 10**code.exponent) <= 1
            elif delta > 0:
                assert got == expected
            else:
                assert expected <= got <= 0  # a decrease is capped at what the period charged


@pytest.mark.parametrize("layout", LAYOUTS)
@given(st.data(), scenarios(max_steps=3, max_days=30))
def test_checking_a_cart_never_raises_for_a_rule_and_a_refused_line_has_no_price(
    layout: LedgerLayout, data: st.DataObject, generated: tuple[Scenario, Catalog]
) -> None:
    scenario, catalog = generated
    timeline = simulate(in_layout(scenario, layout), catalog=catalog)
    ids = Ids([s.id for s in timeline.tenant.subscriptions])
    cart = data.draw(orders(timeline.tenant, timeline.as_of, ids))
    try:
        review = quote(catalog, timeline.tenant, cart, ledger=timeline.ledger)
    except (InvalidCommand, UnknownReference, InvalidPeriod):
        return  # input that names nothing, or a term a traditional add-on's base does not have
    for line in review.lines:
        if line.reasons:
            assert line.first_charge == ()
            assert line.first_charge_total is None
        else:
            assert line.first_charge_total is not None
            taken_back = LineKind.CREDIT if layout is LedgerLayout.LEGACY else LineKind.REFUND
            assert all(
                e.kind in (LineKind.CHARGE, taken_back, LineKind.REBILL) for e in line.first_charge
            )
