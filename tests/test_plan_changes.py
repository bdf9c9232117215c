"""Change of plan (issue 12, item 1): paths as catalog data, the command, the cart line, the ledger.

Sources (docs/rules.md):
* Microsoft, "Upgrade or change to a different Microsoft 365 for business plan"
  (learn.microsoft.com/microsoft-365/commerce/subscriptions/upgrade-to-different-plan, 2024-12-05):
  an automatic change moves all users (MOSA); with an MCA billing account "you can ... move some
  users to a new plan by entering the number of licenses"; "the day your plan change is complete,
  the billing on your old subscription is turned off and the billing on your new subscription is
  turned on", with a prorated credit; refused with two plans of the same product, more users
  than licenses, a pending credit check; only "to a plan that has the same data-related services,
  or to a higher version".
* Partner Center, "Add licenses or more services to a customer's subscription" (CSP upgrade
  table: Business Basic -> Standard, E1, E3, E5; Business Standard -> E3, E5; Apps for business
  -> Business Premium, E3, E5).
No Microsoft page found gives an upgrade's billing figures; the example figures below are worked
by hand from the list prices and the day counts (each line says how).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from subcommerce import (
    Addon,
    AddonKind,
    BillingAccount,
    BillingAccountType,
    BillingFrequency,
    Cart,
    CatalogInvalid,
    ChangePlan,
    ChangePlanLine,
    DisplayName,
    EntryCause,
    NewSubscription,
    PaymentMethod,
    PlaceOrder,
    Plan,
    PlanChanged,
    PurchaseChannel,
    PurchaseSubscription,
    ReasonCode,
    Refused,
    Scenario,
    Subscription,
    SubscriptionStatus,
    Tenant,
    Term,
    addon_fates,
    apply_command,
    availability,
    check_command,
    default_catalog,
    from_data,
    place_order,
    prepare_plan_change,
    quote,
    simulate_scenario,
    to_data,
)
from subcommerce.catalog import Capability, Catalog, Offer, Prices
from subcommerce.errors import InvalidArgument, InvalidCommand

ANA = "ana@contoso.com"
CATALOG = default_catalog()


def _name(text: str) -> DisplayName:
    return DisplayName(text, text)


def _tenant(kind: BillingAccountType = BillingAccountType.MOSA) -> Tenant:
    method = PaymentMethod.CARD if kind.has_profiles else None
    account = BillingAccount.sign_up(kind, "contoso", ANA, payment_method=method)
    return Tenant("contoso.com", account=account)


def _buy(
    tenant: Tenant, sub_id: str, product: str, quantity: int, on: date, **kw: object
) -> Tenant:
    mca = tenant.account is not None and tenant.account.type.has_profiles
    command = PurchaseSubscription(
        actor=ANA,
        as_of=on,
        subscription_id=sub_id,
        product_id=product,
        quantity=quantity,
        payment_method=None if mca else PaymentMethod.CARD,
        **kw,  # type: ignore[arg-type]
    )
    return apply_command(tenant, command).tenant


def _change(sub_id: str, product: str, on: date, **kw: object) -> ChangePlan:
    return ChangePlan(actor=ANA, as_of=on, subscription_id=sub_id, product_id=product, **kw)  # type: ignore[arg-type]


# -- the paths, as catalog data -------------------------------------------------------------------


def test_the_embedded_catalog_lists_microsofts_upgrade_paths() -> None:
    assert CATALOG.change_targets("m365-business-basic")[:2] == (
        "m365-business-standard",
        "m365-business-premium",
    )
    assert "m365-business-premium" in CATALOG.change_targets("m365-business-standard")
    assert CATALOG.change_targets("o365-e1") == ("o365-e3", "o365-e5")
    assert CATALOG.change_targets("o365-e3") == ("o365-e5",)
    assert CATALOG.change_targets("m365-e3") == ("m365-e5",)
    # The documented cross-family moves (Partner Center's CSP upgrade table).
    assert {"o365-e1", "o365-e3", "o365-e5"} <= set(CATALOG.change_targets("m365-business-basic"))
    assert {"o365-e3", "o365-e5"} <= set(CATALOG.change_targets("m365-business-standard"))
    assert CATALOG.change_targets("m365-apps-business") == (
        "m365-business-premium",
        "o365-e3",
        "o365-e5",
    )
    assert CATALOG.change_targets("m365-e5") == ()


def test_the_2015_catalog_changes_only_to_higher_versions_and_never_to_the_retired_e4() -> None:
    from subcommerce import builtin_catalog

    old = builtin_catalog("office365-2015")
    assert old.change_targets("o365-2015-business-essentials")[0] == "o365-2015-business-premium"
    assert old.change_targets("o365-2015-e1") == ("o365-2015-e3", "o365-2015-e5")
    assert old.change_targets("o365-2015-e4") == ("o365-2015-e5",)
    assert old.change_targets("o365-2015-e5") == ()
    assert not any("o365-2015-e4" in p.changes_to for p in old.plans)


def test_a_path_to_itself_to_an_addon_to_nothing_twice_or_in_a_loop_is_a_catalog_fault() -> None:
    plans = (
        Plan("a", _name("A"), changes_to=("a", "lockbox", "zzz", "b", "b")),
        Plan("b", _name("B"), changes_to=("c",)),
        Plan("c", _name("C"), changes_to=("b",)),
    )
    addons = (Addon("lockbox", _name("Lockbox"), available_on=("a",)),)
    with pytest.raises(CatalogInvalid) as raised:
        Catalog("mine", _name("Mine"), plans=plans, addons=addons)
    assert raised.value.problems == (
        "catalog.plans[0].changes_to[0]: a plan cannot change to itself",
        "catalog.plans[0].changes_to[1]: 'lockbox' an add-on, not a plan",
        "catalog.plans[0].changes_to[2]: 'zzz' names no plan",
        "catalog.plans[0].changes_to[4]: 'b' is listed twice",
        "catalog.plans[1].changes_to: change paths loop b -> c -> b",
    )


def test_change_paths_survive_the_wire_format() -> None:
    from subcommerce import dump_catalog, load_catalog

    data = dump_catalog(CATALOG)
    assert load_catalog(data).change_targets("o365-e1") == ("o365-e3", "o365-e5")


# -- a worked example, MCA: a partial change keeps the term end ----------------------------------


def _mca_basic_100() -> tuple[Tenant, PlaceOrder]:
    tenant = _tenant(BillingAccountType.MCA)
    buy = PlaceOrder(
        actor=ANA,
        as_of=date(2025, 1, 1),
        cart=Cart(
            (
                NewSubscription(
                    product_id="m365-business-basic",
                    quantity=100,
                    term=Term.P1Y,
                    billing_frequency=BillingFrequency.ANNUAL,
                    subscription_id="s1",
                ),
            )
        ),
    )
    return tenant, buy


def _scenario(tenant: Tenant, *steps: object, until: date) -> Scenario:
    return Scenario(
        name="change",
        start=date(2025, 1, 1),
        tenant=tenant,
        currency="USD",
        steps=steps,  # type: ignore[arg-type]
        until=until,
    )


def test_an_mca_moves_40_of_100_basic_licenses_to_standard_credited_and_charged_to_the_cent() -> (
    None
):
    tenant, buy = _mca_basic_100()
    change = PlaceOrder(
        actor=ANA,
        as_of=date(2025, 3, 16),
        cart=Cart(
            (
                ChangePlanLine(
                    subscription_id="s1", product_id="m365-business-standard", quantity=40
                ),
            )
        ),
    )
    timeline = simulate_scenario(
        _scenario(tenant, buy, change, until=date(2025, 4, 30)), catalog=CATALOG
    )
    assert timeline.refused == ()
    entries = [e for e in timeline.ledger if e.cause is EntryCause.PLAN_CHANGE]
    # Basic: USD 6.00 x 12 = 72.00 a license a year; Standard: 12.50 x 12 = 150.00.
    # The year 2025-01-01..2026-01-01 has 365 days; from 2025-03-16 on, 291 are left (74 used).
    # Old: the 7200.00 charge is credited and rebilled, 100 licenses for 74 days and 60 for 291,
    # so that the change nets to -40 x 72.00 x 291/365 = -2296.109... -> -2296.11.
    assert [(e.subscription_id, str(e.amount)) for e in entries] == [
        ("s1", "-7200.00 USD"),
        ("s1", "1459.73 USD"),  # 100 x 72.00 x 74/365 = 1459.726...
        ("s1", "3444.16 USD"),  # 60 x 72.00 x 291/365 = 3444.164...
        ("s1/m365-business-standard", "4783.56 USD"),  # 40 x 150.00 x 291/365 = 4783.561...
    ]
    new = timeline.tenant.subscription("s1/m365-business-standard")
    old = timeline.tenant.subscription("s1")
    # The same term end as the old subscription (new commerce / MCA keeps it).
    assert new.current_term == old.current_term
    assert new.current_term.end == date(2026, 1, 1)
    assert (old.quantity, new.quantity, old.status) == (60, 40, SubscriptionStatus.ACTIVE)
    # The profile's monthly invoice carries the change, credit and charge together (as it carries
    # license changes; "a new invoice that includes the credit ... within 30 days"), explained.
    day = [i for i in timeline.invoices if any(e in entries for e in i.lines)]
    assert [str(i.total) for i in day] == ["2487.45 USD"]  # 4783.56 - 2296.11
    assert all("plan_change" in e.explain() for e in entries)


def test_in_the_new_commerce_layout_a_partial_change_refunds_and_charges_the_days_left() -> None:
    import attrs

    tenant, buy = _mca_basic_100()
    line = ChangePlanLine(subscription_id="s1", product_id="m365-business-standard", quantity=40)
    change = PlaceOrder(actor=ANA, as_of=date(2025, 3, 16), cart=Cart((line,)))
    scenario = _scenario(tenant, buy, change, until=date(2025, 4, 30))
    scenario = attrs.evolve(scenario, convention="pc-nce-seat-change")
    timeline = simulate_scenario(scenario, catalog=CATALOG)
    entries = [e for e in timeline.ledger if e.cause is EntryCause.PLAN_CHANGE]
    # pc-nce-seat-change rounds the unit amount first (half up): 72.00 x 291/365 = 57.4027...
    # -> 57.40 a license; 150.00 x 291/365 = 119.589... -> 119.59.
    assert [(e.subscription_id, e.kind.value, str(e.amount)) for e in entries] == [
        ("s1", "refund", "-5740.00 USD"),  # the remaining days of the 100 licenses
        ("s1", "charge", "3444.00 USD"),  # the remaining days of the 60 it keeps
        ("s1/m365-business-standard", "charge", "4783.60 USD"),  # 40 x 119.59
    ]
    assert str(sum(e.amount.amount for e in entries)) == "2487.60"


def test_the_price_review_of_a_change_equals_the_order_and_names_it_a_change_of_plan() -> None:
    tenant, buy = _mca_basic_100()
    placed = place_order(CATALOG, tenant, quote(CATALOG, tenant, buy, currency="USD"))
    change = PlaceOrder(
        actor=ANA,
        as_of=date(2025, 3, 16),
        cart=Cart(
            (
                ChangePlanLine(
                    subscription_id="s1", product_id="m365-business-standard", quantity=40
                ),
            )
        ),
    )
    review = quote(CATALOG, placed.tenant, change, ledger=placed.ledger)
    assert review.ok
    assert str(review.total) == "2487.45 USD"
    line = review.lines[0]
    assert (line.subscription_id, line.product_id, line.quantity) == (
        "s1/m365-business-standard",
        "m365-business-standard",
        40,
    )
    assert {e.cause for e in line.first_charge} == {EntryCause.PLAN_CHANGE}
    done = place_order(CATALOG, placed.tenant, review, ledger=placed.ledger)
    assert done.entries == line.first_charge
    assert any(isinstance(e, PlanChanged) for e in done.events)


# -- a worked example, MOSA: a full change, a new term --------------------------------------------


def test_a_mosa_full_change_cancels_the_old_plan_refunds_its_unused_days_and_starts_anew() -> None:
    tenant = _tenant()
    buy = PlaceOrder(
        actor=ANA,
        as_of=date(2025, 1, 1),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(
                    product_id="m365-business-standard", quantity=10, subscription_id="s1"
                ),
            )
        ),
    )
    change = _change("s1", "m365-business-premium", date(2025, 1, 16))
    timeline = simulate_scenario(
        _scenario(tenant, buy, change, until=date(2025, 2, 28)), catalog=CATALOG
    )
    assert timeline.refused == ()
    entries = [e for e in timeline.ledger if e.cause is EntryCause.PLAN_CHANGE]
    # January: 10 x 15.00 = 150.00 for 31 days; 16 unused from the 16th: 150 x 16/31 = 77.419...
    # Premium month to month: 26.40; the new term runs from 2025-01-16, a whole month: 264.00.
    assert [(e.subscription_id, e.kind.value, str(e.amount)) for e in entries] == [
        ("s1", "refund", "-77.42 USD"),
        ("s1/m365-business-premium", "charge", "264.00 USD"),
    ]
    old = timeline.tenant.subscription("s1")
    new = timeline.tenant.subscription("s1/m365-business-premium")
    assert old.status is SubscriptionStatus.DISABLED
    assert new.anchor == date(2025, 1, 16)  # renewed on 2025-02-16
    # The old one is billed no more; the new one renews on the 16th.
    assert not [
        e for e in timeline.ledger if e.subscription_id == "s1" and e.posted_on > date(2025, 1, 16)
    ]
    assert [e.posted_on for e in timeline.ledger if e.cause is EntryCause.PERIOD] == [
        date(2025, 2, 16)
    ]


def test_a_mosa_full_change_quotes_the_invoice_of_its_own_new_charge() -> None:
    # Bought on 2025-01-10, so the old subscription's invoices run from the 10th; the new one,
    # bought by the change on 2025-03-16, is invoiced from the 16th. The line's first charge is
    # the new plan's, on the statement 2025-03-16..2025-04-16, card charged the day after; the
    # old plan's credit (the line's first entry) sits on the old invoice, 2025-03-10..04-10.
    buy = PlaceOrder(
        actor=ANA,
        as_of=date(2025, 1, 10),
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(
                    product_id="m365-business-basic",
                    quantity=10,
                    term=Term.P1M,
                    subscription_id="s1",
                ),
            )
        ),
    )
    placed = place_order(CATALOG, _tenant(), quote(CATALOG, _tenant(), buy, currency="USD"))
    change = PlaceOrder(
        actor=ANA,
        as_of=date(2025, 3, 16),
        payment_method=PaymentMethod.CARD,
        cart=Cart((ChangePlanLine(subscription_id="s1", product_id="m365-business-standard"),)),
    )
    (line,) = quote(CATALOG, placed.tenant, change, ledger=placed.ledger).lines
    assert line.ok, line.reasons
    assert [(e.subscription_id, str(e.statement)) for e in line.first_charge] == [
        ("s1", "2025-03-10..2025-04-10"),
        ("s1/m365-business-standard", "2025-03-16..2025-04-16"),
    ]
    assert (line.statement_date, line.charge_by) == (date(2025, 4, 16), date(2025, 4, 17))


def _refused(tenant: Tenant, command: ChangePlan) -> set[ReasonCode]:
    return {r.code for r in check_command(tenant, command)}


def test_mosa_refuses_a_partial_change_and_mca_allows_it() -> None:
    on = date(2025, 1, 1)
    mosa = _buy(_tenant(), "s1", "m365-business-basic", 10, on)
    mca = _buy(_tenant(BillingAccountType.MCA), "s1", "m365-business-basic", 10, on)
    some = _change("s1", "m365-business-standard", date(2025, 2, 1), quantity=4)
    assert _refused(mosa, some) == {ReasonCode.PARTIAL_PLAN_CHANGE_NOT_ALLOWED}
    assert _refused(mca, some) == set()
    assert (
        _refused(mosa, _change("s1", "m365-business-standard", date(2025, 2, 1), quantity=10))
        == set()
    )


def test_an_mpa_account_new_commerce_through_a_partner_changes_part_and_keeps_the_term_end() -> (
    None
):
    on = date(2025, 1, 1)
    mpa = _buy(_tenant(BillingAccountType.MPA), "s1", "m365-business-basic", 10, on,
               term=Term.P1Y, billing_frequency=BillingFrequency.ANNUAL)  # fmt: skip
    outcome = apply_command(
        mpa, _change("s1", "m365-business-standard", date(2025, 5, 2), quantity=3)
    )
    new = outcome.tenant.subscription("s1/m365-business-standard")
    assert (new.quantity, new.current_term.end) == (3, date(2026, 1, 1))
    assert outcome.tenant.subscription("s1").quantity == 7


def test_a_change_is_refused_with_its_reasons() -> None:
    on = date(2025, 1, 1)
    later = date(2025, 2, 1)
    tenant = _buy(_tenant(BillingAccountType.MCA), "s1", "m365-business-basic", 10, on)
    assert _refused(tenant, _change("s1", "m365-business-basic", later)) == {
        ReasonCode.PLAN_CHANGE_NOT_ELIGIBLE
    }
    assert _refused(tenant, _change("s1", "m365-business-standard", later, quantity=11)) == {
        ReasonCode.PLAN_CHANGE_QUANTITY
    }
    csp = _buy(_tenant(BillingAccountType.MCA), "s1", "m365-business-basic", 10, on,
               channel=PurchaseChannel.CLOUD_SOLUTION_PROVIDER)  # fmt: skip
    assert _refused(csp, _change("s1", "m365-business-standard", later)) == {
        ReasonCode.CLOUD_SOLUTION_PROVIDER
    }
    gone = apply_command(
        tenant,
        __import__("subcommerce").CancelSubscription(actor=ANA, as_of=on, subscription_id="s1"),
    ).tenant
    assert _refused(gone, _change("s1", "m365-business-standard", later)) == {ReasonCode.NOT_ACTIVE}
    conflict = tenant.replace(
        Subscription(
            **{
                **_fields(tenant.subscription("s1")),
                "assigned": 10,
                "over_assigned": 2,
                "over_assigned_until": date(2025, 3, 1),
            }
        )
    )
    assert _refused(conflict, _change("s1", "m365-business-standard", later)) == {
        ReasonCode.LICENSES_OVER_ASSIGNED
    }
    # The catalog's reasons: off the path.
    reasons, _ = prepare_plan_change(CATALOG, tenant, _change("s1", "m365-e5", later))
    assert (reasons[0].code, reasons[0].products[:2]) == (
        ReasonCode.PLAN_CHANGE_NOT_ELIGIBLE,
        ("m365-business-standard", "m365-business-premium"),
    )


def test_mosa_refuses_a_change_while_the_tenant_holds_the_plan_twice() -> None:
    on = date(2025, 1, 1)
    tenant = _buy(
        _buy(_tenant(), "s1", "m365-business-standard", 5, on),
        "s2",
        "m365-business-standard",
        3,
        on,
    )
    assert _refused(tenant, _change("s1", "m365-business-premium", date(2025, 2, 1))) == {
        ReasonCode.PLAN_HELD_TWICE
    }


def test_a_refused_change_in_a_scenario_is_recorded_and_changes_nothing() -> None:
    tenant, buy = _mca_basic_100()
    wrong = _change("s1", "m365-e5", date(2025, 3, 16))
    with_it = simulate_scenario(
        _scenario(tenant, buy, wrong, until=date(2025, 6, 30)), catalog=CATALOG
    )
    without = simulate_scenario(_scenario(tenant, buy, until=date(2025, 6, 30)), catalog=CATALOG)
    assert [r.reasons[0].code for r in with_it.refused] == [ReasonCode.PLAN_CHANGE_NOT_ELIGIBLE]
    assert with_it.ledger == without.ledger
    assert with_it.tenant == without.tenant


# -- traditional add-ons: moved, dropped (included), cancelled -------------------------------------

PHONE = "phone"
ADDON_CATALOG = Catalog(
    "addons",
    _name("Add-ons"),
    currencies=("USD",),
    capabilities=(Capability(PHONE, _name("Phone")),),
    plans=(
        Plan("basic", _name("Basic"), changes_to=("standard",),
             offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="6.00")),)),
        Plan("standard", _name("Standard"), grants=(PHONE,),
             offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="12.00")),)),
    ),
    addons=(
        Addon("phone-addon", _name("Phone add-on"), available_on=("basic",), grants=(PHONE,),
              kind=AddonKind.TRADITIONAL,
              offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="3.00")),)),
        Addon("archive", _name("Archive"), available_on=("basic", "standard"),
              kind=AddonKind.TRADITIONAL,
              offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="2.00")),)),
        Addon("legacy", _name("Legacy"), available_on=("basic",), kind=AddonKind.TRADITIONAL,
              offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="1.00")),)),
    ),
)  # fmt: skip


def _with_addons(tenant: Tenant, on: date, products: list[str]) -> Tenant:
    for n, product in enumerate(products):
        tenant = _buy(
            tenant, f"a{n}", product, 1, on, addon_kind=AddonKind.TRADITIONAL, parent_id="s1"
        )
    return tenant


def test_the_new_plan_keeps_what_it_can_carry_drops_what_it_includes_and_cancels_the_rest() -> None:
    on = date(2025, 1, 1)
    tenant = _with_addons(
        _buy(_tenant(), "s1", "basic", 5, on), on, ["phone-addon", "archive", "legacy"]
    )
    fates = addon_fates(ADDON_CATALOG, tenant, "s1", "standard")
    assert (fates.moved, fates.included, fates.cancelled) == (("a1",), ("a0",), ("a2",))
    reasons, command = prepare_plan_change(
        ADDON_CATALOG, tenant, _change("s1", "standard", date(2025, 1, 10))
    )
    assert reasons == []
    after = apply_command(tenant, command).tenant
    statuses = {s.id: (s.status, s.parent_id) for s in after}
    assert statuses["a0"][0] is SubscriptionStatus.DISABLED  # included in Standard: killbill#1355
    assert statuses["a2"][0] is SubscriptionStatus.DISABLED  # not sold on Standard: killbill#1630
    assert statuses["a1"] == (SubscriptionStatus.ACTIVE, "s1/standard")
    # Availability is recomputed from the changed tenant: the legacy add-on is no longer for sale.
    assert not availability(ADDON_CATALOG, after, date(2025, 1, 10)).get("legacy").available
    assert availability(ADDON_CATALOG, after, date(2025, 1, 10)).get("archive").available


def test_the_addons_cancelled_with_a_change_are_credited_for_their_unused_days() -> None:
    on = date(2025, 1, 1)
    start = _with_addons(_tenant(), on, [])
    line = NewSubscription(product_id="basic", quantity=5, subscription_id="s1")
    buy = PlaceOrder(actor=ANA, as_of=on, payment_method=PaymentMethod.CARD, cart=Cart((line,)))
    addons = [
        PurchaseSubscription(actor=ANA, as_of=on, subscription_id=f"a{n}", product_id=p, quantity=1,
                             addon_kind=AddonKind.TRADITIONAL, parent_id="s1",
                             payment_method=PaymentMethod.CARD)
        for n, p in enumerate(["phone-addon", "legacy", "archive"])
    ]  # fmt: skip
    change = _change("s1", "standard", date(2025, 1, 17))
    scenario = Scenario(name="addons", start=on, tenant=start, currency="USD", catalog="addons",
                        steps=(buy, *addons, change), until=date(2025, 1, 31))  # fmt: skip
    timeline = simulate_scenario(scenario, catalog=ADDON_CATALOG)
    assert timeline.refused == ()
    # 15 of January's 31 days unused from the 17th: 5 x 6.00 x 15/31 = 14.516... -> 14.52;
    # 3.00 x 15/31 = 1.451... -> 1.45; 1.00 x 15/31 = 0.483... -> 0.48; Standard 5 x 12.00 = 60.00.
    # Archive moves to Standard and, under MOSA, starts Standard's new month with it: 2.00 x 15/31
    # = 0.967... -> 0.97 refunded, 2.00 charged from the 17th.
    changed = [
        (e.subscription_id, str(e.amount))
        for e in timeline.ledger
        if e.cause is EntryCause.PLAN_CHANGE
    ]
    assert changed == [
        ("s1", "-14.52 USD"),
        ("a1", "-0.48 USD"),  # cancelled: Standard does not sell it
        ("a0", "-1.45 USD"),  # dropped: Standard includes it
        ("a2", "-0.97 USD"),  # moved
        ("s1/standard", "60.00 USD"),
        ("a2", "2.00 USD"),
    ]
    archive = timeline.tenant.subscription("a2")
    assert (archive.parent_id, archive.status, archive.anchor) == (
        "s1/standard",
        SubscriptionStatus.ACTIVE,
        date(2025, 1, 17),
    )


# -- properties ------------------------------------------------------------------------------------

PRODUCTS = ["phone-addon", "archive", "legacy"]


@st.composite
def _changes(draw: st.DrawFn) -> tuple[Tenant, ChangePlan]:
    kind = draw(st.sampled_from([BillingAccountType.MOSA, BillingAccountType.MCA]))
    on = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
    quantity = draw(st.integers(1, 30))
    tenant = _buy(_tenant(kind), "s1", "basic", quantity, on)
    tenant = tenant.replace(
        Subscription(
            **{**_fields(tenant.subscription("s1")), "assigned": draw(st.integers(0, quantity))}
        )
    )
    tenant = _with_addons(tenant, on, draw(st.lists(st.sampled_from(PRODUCTS), max_size=4)))
    if draw(st.booleans()):
        tenant = _buy(tenant, "twin", "basic", 2, on)
    target = draw(st.sampled_from(["standard", "basic"]))
    moved = draw(st.none() | st.integers(1, quantity + 3))
    later = on + timedelta(days=draw(st.integers(0, 45)))
    return tenant, _change("s1", target, later, quantity=moved)


def _fields(sub: Subscription) -> dict[str, object]:
    import attrs

    return attrs.asdict(sub, recurse=False)


def _active(tenant: Tenant) -> list[Subscription]:
    return [s for s in tenant if s.status is SubscriptionStatus.ACTIVE and not s.is_addon]


@given(_changes())
def test_a_change_moves_licenses_and_assignments_never_duplicating_or_losing_one(
    case: tuple[Tenant, ChangePlan],
) -> None:
    tenant, command = case
    reasons, command = prepare_plan_change(ADDON_CATALOG, tenant, command)
    refused = bool(reasons or check_command(tenant, command))
    event("refused" if refused else "accepted")
    if refused:
        return
    after = apply_command(tenant, command).tenant
    assert sum(s.quantity for s in _active(after)) == sum(s.quantity for s in _active(tenant))
    assert sum(s.assigned for s in _active(after)) == sum(s.assigned for s in _active(tenant))
    new = after.subscription(command.successor_id)
    assert new.quantity == (command.quantity or tenant.subscription("s1").quantity)


@given(_changes())
def test_a_change_leaves_no_orphan_traditional_addon_nor_one_the_new_plan_excludes(
    case: tuple[Tenant, ChangePlan],
) -> None:
    tenant, command = case
    reasons, command = prepare_plan_change(ADDON_CATALOG, tenant, command)
    refused = bool(reasons or check_command(tenant, command))
    event("refused" if refused else "accepted")
    if refused:
        return
    after = apply_command(tenant, command).tenant
    for sub in after:
        if not (sub.is_traditional_addon and sub.status.is_active):
            continue
        parent = after.subscription(str(sub.parent_id))
        assert parent.status.is_active  # no orphan
        plan = ADDON_CATALOG.plan(parent.product_id)
        addon = ADDON_CATALOG.addon(sub.product_id)
        assert plan.id in addon.available_on  # sold on its base's plan
        assert not (addon.grants and set(addon.grants) <= set(plan.grants))  # not included twice


@given(_changes())
def test_check_and_apply_agree_and_a_refused_change_changes_nothing(
    case: tuple[Tenant, ChangePlan],
) -> None:
    tenant, command = case
    _, command = prepare_plan_change(ADDON_CATALOG, tenant, command)
    reasons = check_command(tenant, command)
    before = tenant
    if reasons:
        with pytest.raises(Refused) as refused:
            apply_command(tenant, command)
        assert refused.value.reasons == reasons
    else:
        apply_command(tenant, command)
    assert tenant == before


@st.composite
def _timelines(draw: st.DrawFn) -> Scenario:
    kind = draw(st.sampled_from([BillingAccountType.MOSA, BillingAccountType.MCA]))
    tenant = _tenant(kind)
    start = date(2025, 1, 1)
    term = draw(st.sampled_from([Term.P1M, Term.P1Y]))
    frequency = BillingFrequency.MONTHLY if term is Term.P1M else BillingFrequency.ANNUAL
    quantity = draw(st.integers(1, 40))
    buy = PlaceOrder(
        actor=ANA, as_of=start,
        payment_method=None if kind is BillingAccountType.MCA else PaymentMethod.CARD,
        cart=Cart((NewSubscription(product_id="m365-business-basic", quantity=quantity, term=term,
                                   billing_frequency=frequency, subscription_id="s1"),)),
    )  # fmt: skip
    steps: list[object] = [buy]
    day = start + timedelta(days=draw(st.integers(1, 200)))
    moved = draw(st.none() | st.integers(1, quantity))
    as_line = draw(st.booleans())
    if as_line:
        line = ChangePlanLine(
            subscription_id="s1", product_id="m365-business-standard", quantity=moved
        )
        steps.append(PlaceOrder(actor=ANA, as_of=day, cart=Cart((line,))))
    else:
        steps.append(_change("s1", "m365-business-standard", day, quantity=moved))
    if draw(st.booleans()):
        later = day + timedelta(days=draw(st.integers(0, 90)))
        steps.append(_change("s1/m365-business-standard", "m365-business-premium", later))
    # Both ledger layouts: legacy (credit and rebill) and new commerce (refund and charge).
    convention = draw(st.sampled_from(["exact", "pc-nce-seat-change"]))
    return Scenario(name="generated", start=start, tenant=tenant, currency="USD",
                    steps=tuple(steps), until=date(2026, 3, 31),  # type: ignore[arg-type]
                    convention=convention)  # fmt: skip


@given(_timelines())
def test_invoices_add_up_to_the_ledger_over_timelines_with_changes_of_plan(
    scenario: Scenario,
) -> None:
    timeline = simulate_scenario(scenario, catalog=CATALOG)
    every = (*timeline.invoices, *timeline.open_invoices)
    cents = sum(int(i.total.amount * 100) for i in every)
    assert cents == int(timeline.ledger.net.amount * 100)
    assert sum(int(e.amount.amount * 100) for e in timeline.ledger.entries) == cents
    # A credit never exceeds the charge it credits.
    by_id = {e.id: e for e in (*timeline.ledger.opening, *timeline.ledger.entries)}
    for entry in timeline.ledger.entries:
        if entry.credits is not None:
            assert -entry.amount.amount <= by_id[entry.credits].amount.amount
    assert all(isinstance(e.amount.amount, Decimal) for e in timeline.ledger.entries)


# -- the command line ------------------------------------------------------------------------------

CART = """\
name = "forty-to-standard"
catalog = "default"
currency = "USD"
start = 2025-01-01

[tenant]
organization = "contoso.com"

[tenant.account]
id = "contoso"
type = "mca"
roles = [{ principal = "ana@contoso.com", role = "billing_account_owner" }]

[[tenant.account.profiles]]
id = "contoso/profile-1"
sections = [{ id = "contoso/section-1" }]
payment_method = "card"

[[steps]]
type = "place_order"
as_of = 2025-01-01
actor = "ana@contoso.com"

[[steps.cart]]
type = "new_subscription"
subscription_id = "basic"
product_id = "m365-business-basic"
quantity = 100
term = "P1Y"
billing_frequency = "annual"

# The order to review: 40 of the 100 licenses move to Business Standard.
[[steps]]
type = "place_order"
as_of = 2025-03-16
actor = "ana@contoso.com"

[[steps.cart]]
type = "change_plan_line"
subscription_id = "basic"
product_id = "m365-business-standard"
quantity = 40
"""


def test_the_cli_reviews_a_change_of_plan_in_english_and_in_french(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from subcommerce.cli import main

    path = Path(str(tmp_path)) / "cart.toml"
    path.write_text(CART, encoding="utf-8")
    assert main(["quote", str(path)]) == 0
    text = capsys.readouterr().out
    assert "basic: change 40 licenses to Microsoft 365 Business Standard  ok" in text
    assert "Total of the first charges: 2487.45 USD" in text
    assert "2026-01-01" in text  # the same term end
    assert main(["quote", str(path), "--lang", "fr"]) == 0
    text = capsys.readouterr().out
    assert "basic : 40 licences passent à Microsoft 365 Business Standard" in text
    assert "Total des premières facturations : 2\u202f487,45\xa0$US" in text


def test_a_refused_change_of_plan_is_said_in_french_with_the_plans_names() -> None:
    tenant = _buy(_tenant(), "s1", "m365-business-basic", 10, date(2025, 1, 1))
    reasons, _ = prepare_plan_change(CATALOG, tenant, _change("s1", "m365-e3", date(2025, 2, 1)))
    assert (
        reasons[0]
        .message("fr", CATALOG)
        .startswith(
            "L'abonnement s1 ne peut pas passer à Microsoft 365 E3 ; son plan ne peut passer qu'à "
            "Microsoft 365 Business Standard, Microsoft 365 Business Premium"
        )
    )


# -- more of the page's rules --------------------------------------------------------------------


def test_a_trial_or_a_subscription_waiting_for_its_credit_check_cannot_change_plan() -> None:
    from subcommerce import StartTrial

    on = date(2025, 1, 1)
    trial = StartTrial(actor=ANA, as_of=on, subscription_id="t1", product_id="m365-business-basic",
                       payment_method=PaymentMethod.CARD)  # fmt: skip
    tenant = apply_command(_tenant(), trial).tenant
    assert _refused(tenant, _change("t1", "m365-business-standard", date(2025, 1, 5))) == {
        ReasonCode.TRIAL
    }
    invoice = PurchaseSubscription(actor=ANA, as_of=on, subscription_id="s1",
                                   product_id="m365-business-basic", quantity=5,
                                   payment_method=PaymentMethod.INVOICE)  # fmt: skip
    pending = apply_command(_tenant(), invoice).tenant
    assert _refused(pending, _change("s1", "m365-business-standard", on)) == {
        ReasonCode.CREDIT_CHECK_PENDING
    }


def test_a_change_drops_the_changes_scheduled_for_the_renewal() -> None:
    from subcommerce import ChangeLicenseQuantity, ScheduledChangeDropped

    on = date(2025, 1, 1)
    tenant = _buy(_tenant(BillingAccountType.MCA), "s1", "m365-business-basic", 10, on)
    later = ChangeLicenseQuantity(actor=ANA, as_of=on, subscription_id="s1", quantity=12,
                                  at_renewal=True)  # fmt: skip
    tenant = apply_command(tenant, later).tenant
    outcome = apply_command(
        tenant, _change("s1", "m365-business-standard", date(2025, 1, 9), quantity=3)
    )
    assert any(isinstance(e, ScheduledChangeDropped) for e in outcome.events)
    assert outcome.tenant.subscription("s1").scheduled is None


def test_a_standalone_addon_subscription_stays_as_it_is() -> None:
    on = date(2025, 1, 1)
    tenant = _buy(_tenant(), "s1", "basic", 5, on)
    tenant = _buy(tenant, "a1", "legacy", 2, on, addon_kind=AddonKind.STANDALONE)
    _, command = prepare_plan_change(ADDON_CATALOG, tenant, _change("s1", "standard", on))
    after = apply_command(tenant, command).tenant
    assert after.subscription("a1") == tenant.subscription("a1")


def test_an_mca_change_to_another_term_starts_a_new_term_on_the_day() -> None:
    on = date(2025, 1, 1)
    tenant = _buy(_tenant(BillingAccountType.MCA), "s1", "m365-business-basic", 10, on)
    change = _change("s1", "m365-business-standard", date(2025, 2, 10), term=Term.P1Y,
                     billing_frequency=BillingFrequency.ANNUAL)  # fmt: skip
    new = apply_command(tenant, change).tenant.subscription("s1/m365-business-standard")
    assert (new.current_term.start, new.current_term.end) == (date(2025, 2, 10), date(2026, 2, 10))
    same = apply_command(tenant, _change("s1", "m365-business-standard", date(2025, 1, 10)))
    kept = same.tenant.subscription("s1/m365-business-standard").current_term
    assert (kept.start, kept.end) == (date(2025, 1, 1), date(2025, 2, 1))  # P1M: the same end


@st.composite
def _reviews(draw: st.DrawFn) -> tuple[Tenant, object, PlaceOrder]:
    kind = draw(st.sampled_from([BillingAccountType.MOSA, BillingAccountType.MCA]))
    term = draw(st.sampled_from([Term.P1M, Term.P1Y]))
    frequency = BillingFrequency.MONTHLY if term is Term.P1M else BillingFrequency.ANNUAL
    quantity = draw(st.integers(1, 40))
    line = NewSubscription(product_id="m365-business-basic", quantity=quantity, term=term,
                           billing_frequency=frequency, subscription_id="s1")  # fmt: skip
    mosa = kind is BillingAccountType.MOSA
    buy = PlaceOrder(actor=ANA, as_of=date(2025, 1, 1), cart=Cart((line,)),
                     payment_method=PaymentMethod.CARD if mosa else None)  # fmt: skip
    tenant = _tenant(kind)
    placed = place_order(CATALOG, tenant, quote(CATALOG, tenant, buy, currency="USD"))
    day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 120)))
    target = draw(st.sampled_from(["m365-business-standard", "m365-business-premium", "m365-e5"]))
    moved = draw(st.none() | st.integers(1, quantity + 2))
    change = ChangePlanLine(subscription_id="s1", product_id=target, quantity=moved)
    return placed.tenant, placed.ledger, PlaceOrder(actor=ANA, as_of=day, cart=Cart((change,)))


@given(_reviews())
def test_the_price_review_of_a_change_of_plan_equals_the_order_placed_from_it(
    case: tuple[Tenant, object, PlaceOrder],
) -> None:
    from subcommerce import Ledger

    tenant, ledger, order = case
    assert isinstance(ledger, Ledger)
    review = quote(CATALOG, tenant, order, ledger=ledger)
    event("refused" if not review.ok else "accepted")
    if not review.ok:
        with pytest.raises(Refused) as refused:
            place_order(CATALOG, tenant, review, ledger=ledger)
        assert refused.value.reasons == review.reasons
        return
    placed = place_order(CATALOG, tenant, review, ledger=ledger)  # QuoteChanged if not equal
    assert placed.entries == tuple(e for line in review.lines for e in line.first_charge)
    assert sum(e.amount.amount for e in placed.entries) == review.total.amount


@given(_timelines())
def test_a_refused_change_of_plan_in_a_timeline_changes_nothing(scenario: Scenario) -> None:
    change = scenario.steps[1]
    wrong = _change("s1", "m365-business-basic", change.as_of)  # a plan to itself
    import attrs

    with_wrong = attrs.evolve(scenario, steps=(scenario.steps[0], wrong, *scenario.steps[1:]))
    plain = simulate_scenario(scenario, catalog=CATALOG)
    refused = simulate_scenario(with_wrong, catalog=CATALOG)
    assert [r.index for r in refused.refused][:1] == [1]
    assert refused.ledger == plain.ledger
    assert refused.tenant == plain.tenant
    assert refused.invoices == plain.invoices


@st.composite
def _addon_timelines(draw: st.DrawFn) -> Scenario:
    """A base with traditional add-ons changed to Standard (some moved, dropped, cancelled)."""
    kind = draw(st.sampled_from([BillingAccountType.MOSA, BillingAccountType.MCA]))
    on = date(2025, 1, 1)
    mosa = kind is BillingAccountType.MOSA
    method = PaymentMethod.CARD if mosa else None
    quantity = draw(st.integers(1, 20))
    line = NewSubscription(product_id="basic", quantity=quantity, subscription_id="s1")
    steps: list[object] = [
        PlaceOrder(actor=ANA, as_of=on, payment_method=method, cart=Cart((line,)))
    ]
    for n, product in enumerate(draw(st.lists(st.sampled_from(PRODUCTS), max_size=3))):
        steps.append(
            PurchaseSubscription(actor=ANA, as_of=on, subscription_id=f"a{n}", product_id=product,
                                 quantity=draw(st.integers(1, quantity)),
                                 addon_kind=AddonKind.TRADITIONAL, parent_id="s1",
                                 payment_method=method)
        )  # fmt: skip
    day = on + timedelta(days=draw(st.integers(0, 90)))
    steps.append(_change("s1", "standard", day))
    return Scenario(name="addons", start=on, tenant=_tenant(kind), currency="USD",
                    catalog="addons", steps=tuple(steps), until=date(2025, 9, 30))  # type: ignore[arg-type]  # fmt: skip


@given(_addon_timelines())
def test_invoices_add_up_to_the_ledger_when_traditional_addons_follow_a_change(
    scenario: Scenario,
) -> None:
    timeline = simulate_scenario(scenario, catalog=ADDON_CATALOG)
    assert timeline.refused == ()
    every = (*timeline.invoices, *timeline.open_invoices)
    assert sum(i.total.amount for i in every) == timeline.ledger.net.amount
    by_id = {e.id: e for e in timeline.ledger.entries}
    for entry in timeline.ledger.entries:
        if entry.credits is not None:
            assert -entry.amount.amount <= by_id[entry.credits].amount.amount
    for sub in timeline.tenant:
        if sub.is_traditional_addon and sub.status.is_active:
            assert timeline.tenant.subscription(str(sub.parent_id)).status.is_active


# -- a change of plan that takes another subscription's renewal date (issue 12, item 5) -----------


def _target_and_basic() -> Tenant:
    """An MCA tenant: "t" (5 Basic, a year from 2024-07-01, renewing on 2025-07-01) and "s1"
    (10 Basic, a year from 2025-01-01), both billed monthly on the same profile."""
    yearly = {"term": Term.P1Y, "billing_frequency": BillingFrequency.MONTHLY}
    tenant = _buy(_tenant(BillingAccountType.MCA), "t", "m365-business-basic", 5,
                  date(2024, 7, 1), **yearly)  # fmt: skip
    return _buy(tenant, "s1", "m365-business-basic", 10, date(2025, 1, 1), **yearly)


def test_an_mca_change_of_plan_can_take_another_subscriptions_renewal_date() -> None:
    """The target was bought on 2024-07-01 for a year, so it renews on 2025-07-01: the new
    Standard subscription's first term ends that day, not a year after the change, and the
    licenses moved are the ones asked for."""
    tenant = _target_and_basic()
    change = _change("s1", "m365-business-standard", date(2025, 3, 16), quantity=4, align_to="t")
    assert _refused(tenant, change) == set()
    outcome = apply_command(tenant, change)
    new = outcome.tenant.subscription("s1/m365-business-standard")
    assert (new.quantity, new.current_term.end) == (4, date(2025, 7, 1))
    assert outcome.tenant.subscription("t").current_term.end == date(2025, 7, 1)
    # Without align_to the same partial change keeps the old term's end (2026-01-01).
    plain = apply_command(tenant, _change("s1", "m365-business-standard", date(2025, 3, 16),
                                          quantity=4)).tenant  # fmt: skip
    assert plain.subscription("s1/m365-business-standard").current_term.end == date(2026, 1, 1)


def test_an_aligned_change_of_plan_is_refused_under_mosa_and_changes_nothing() -> None:
    on = date(2025, 1, 1)
    tenant = _buy(_buy(_tenant(), "t", "m365-business-basic", 5, date(2024, 7, 1)),
                  "s1", "m365-business-basic", 10, on)  # fmt: skip
    change = _change("s1", "m365-business-standard", date(2025, 3, 16), align_to="t")
    assert ReasonCode.ALIGNMENT_NOT_AVAILABLE in _refused(tenant, change)


def test_a_cart_line_changing_plan_carries_its_alignment_into_the_order() -> None:
    """Two annual subscriptions bought through orders: "t" on 2024-07-01 (renewing 2025-07-01)
    and "s1" (100 Basic) on 2025-01-01; 40 of s1's licenses change to Standard on 2025-03-16,
    aligned to t: the review prices it, and the order places the aligned term."""
    tenant, buy = _mca_basic_100()
    first = attrs.evolve(buy, as_of=date(2024, 7, 1), cart=Cart((attrs.evolve(
        buy.cart.lines[0], subscription_id="t", quantity=5),)))  # fmt: skip
    tenant = place_order(CATALOG, tenant, quote(CATALOG, tenant, first, currency="USD")).tenant
    tenant = place_order(CATALOG, tenant, quote(CATALOG, tenant, buy, currency="USD")).tenant
    line = ChangePlanLine(
        subscription_id="s1", product_id="m365-business-standard", quantity=40, align_to="t"
    )
    assert from_data(to_data(line), ChangePlanLine) == line
    order = PlaceOrder(actor=ANA, as_of=date(2025, 3, 16), cart=Cart((line,)))
    review = quote(CATALOG, tenant, order, currency="USD")
    assert [reason for priced in review.lines for reason in priced.reasons] == []
    placed = place_order(CATALOG, tenant, review)
    new = placed.tenant.subscription("s1/m365-business-standard")
    assert (new.quantity, new.current_term.end) == (40, date(2025, 7, 1))


def test_naming_add_ons_not_its_own_or_aligning_a_full_change_to_itself_raises() -> None:
    """The fields prepare_plan_change fills are refused when they name anything else, rather than
    ignored; and a full change cancels the old subscription, so it cannot take its renewal date."""
    tenant = _target_and_basic()
    on = date(2025, 3, 16)
    for command in (
        _change("s1", "m365-business-standard", on, quantity=4, addons_kept=("t",)),
        _change("s1", "m365-business-standard", on, addons_included=("nope",)),
        _change("s1", "m365-business-standard", on, align_to="s1"),
    ):
        with pytest.raises(InvalidCommand):
            check_command(tenant, command)
        with pytest.raises(InvalidCommand):
            apply_command(tenant, command)
    partial = _change("s1", "m365-business-standard", on, quantity=4, align_to="s1")
    assert _refused(tenant, partial) == set()


def test_the_online_cancel_rule_refuses_a_value_that_only_looks_like_a_subscription() -> None:
    """A ChangePlan has a `quantity` too (None for all licenses): the thorough fuzz found the rule
    comparing it with its limit; it is a typed refusal now."""
    from subcommerce.policy import CANCEL_2024

    with pytest.raises(InvalidArgument, match="expected a Subscription"):
        CANCEL_2024.exceeded(_change("s1", "m365-business-standard", date(2025, 3, 17)))  # type: ignore[arg-type]
