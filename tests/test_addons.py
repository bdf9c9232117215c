"""Add-ons: the two kinds, availability with reasons, and the MOSA / MCA purchase paths."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_catalog import AS_OF, catalog_and_tenant, subscriptions
from subcommerce._builtin import builtin_catalog, default_catalog
from subcommerce.addons import (
    ADDON_SUBSCRIPTIONS_FROM,
    AddonPurchase,
    addon_availability,
    addon_kind_for_purchase,
    availability,
    cancelled_with,
    check_addon_purchase,
    explain,
    kind_rules,
    purchase_addon,
)
from subcommerce.billing import BillingAccountType
from subcommerce.catalog import (
    Addon,
    AddonKind,
    Capability,
    Catalog,
    DisplayName,
    LicenseUnit,
    Offer,
    Plan,
    Prices,
)
from subcommerce.errors import (
    InvalidCommand,
    InvalidPeriod,
    InvalidQuantity,
    ReasonCode,
    Refused,
    UnknownCurrency,
    UnknownReference,
)
from subcommerce.periods import MAX_DATE, MIN_DATE, BillingFrequency, Term
from subcommerce.subscriptions import Subscription, SubscriptionStatus, Tenant
from test_catalog import SEED_002, SEED_PLANS

MOSA = BillingAccountType.MOSA
MCA = BillingAccountType.MCA
DAY = date(2025, 6, 1)
S = SubscriptionStatus


def sub(
    sub_id: str,
    product: str,
    quantity: int = 10,
    status: SubscriptionStatus = S.ACTIVE,
    kind: AddonKind | None = None,
    parent: str | None = None,
    start: date = date(2025, 1, 1),
) -> Subscription:
    return Subscription(
        sub_id, product, start, quantity, status=status, addon_kind=kind, parent_id=parent
    )


def tenant(*subs: Subscription) -> Tenant:
    return Tenant("contoso", subs)


def name(text: str) -> DisplayName:
    return DisplayName(text, text + " (fr)")


def small_catalog(**addon_changes: object) -> Catalog:
    """E3 and E5 plans; Phone (on E3) grants voice; Calling (on E3, E5) requires voice."""
    calling = Addon("calling", name("Calling"), available_on=("e3", "e5"), requires=("voice",))
    return Catalog(
        "small",
        name("Small"),
        currencies=("USD",),
        capabilities=(Capability("voice", DisplayName("Voice", "Voix")),),
        plans=(Plan("e3", name("E3")), Plan("e5", name("E5"), grants=("voice",))),
        addons=(
            Addon(
                "phone",
                name("Phone"),
                available_on=("e3",),
                grants=("voice",),
                offers=(Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="8.00")),),
            ),
            attrs.evolve(calling, **addon_changes),  # type: ignore[arg-type]
        ),
    )


# -- kinds --------------------------------------------------------------------------------------


def test_an_addon_bought_before_december_2015_is_traditional() -> None:
    assert addon_kind_for_purchase(date(2015, 11, 30)) is AddonKind.TRADITIONAL
    assert addon_kind_for_purchase(date(2010, 1, 1), AddonKind.STANDALONE) is AddonKind.TRADITIONAL


def test_an_addon_bought_from_december_2015_is_a_subscription_of_its_own() -> None:
    assert date(2015, 12, 1) == ADDON_SUBSCRIPTIONS_FROM
    assert addon_kind_for_purchase(date(2015, 12, 1)) is AddonKind.STANDALONE
    assert addon_kind_for_purchase(date(2030, 1, 1)) is AddonKind.STANDALONE


def test_a_catalog_may_still_declare_an_addon_traditional_after_2015() -> None:
    assert addon_kind_for_purchase(date(2021, 4, 2), AddonKind.TRADITIONAL) is AddonKind.TRADITIONAL


@given(st.dates(MIN_DATE, MAX_DATE))
def test_the_kind_depends_only_on_the_purchase_date(day: date) -> None:
    expected = AddonKind.TRADITIONAL if day < date(2015, 12, 1) else AddonKind.STANDALONE
    assert addon_kind_for_purchase(day) is expected


def test_only_support_can_remove_a_traditional_addon() -> None:
    traditional = kind_rules(AddonKind.TRADITIONAL)
    standalone = kind_rules(AddonKind.STANDALONE)
    assert not traditional.customer_can_remove
    assert traditional.cancelled_with_parent
    assert traditional.quantity_changed_on_parent
    assert traditional.shown_inside_parent
    assert not traditional.own_expiration_date
    assert standalone.customer_can_remove
    assert standalone.own_expiration_date
    assert not standalone.cancelled_with_parent
    assert "turning off its recurring billing" in standalone.removed_by


def test_cancelling_a_base_cancels_its_traditional_addons_but_not_standalone_ones() -> None:
    t = tenant(
        sub("base", "e3"),
        sub("old", "phone", kind=AddonKind.TRADITIONAL, parent="base"),
        sub("new", "phone", kind=AddonKind.STANDALONE, parent="base"),
        sub("chained", "calling", kind=AddonKind.TRADITIONAL, parent="old"),
        sub("other", "e3"),
        sub("elsewhere", "phone", kind=AddonKind.TRADITIONAL, parent="other"),
    )
    assert cancelled_with(t, "base") == ("old", "chained")
    with pytest.raises(UnknownReference):
        cancelled_with(t, "nope")


# -- availability: examples ---------------------------------------------------------------------


@pytest.mark.parametrize("plan_fr", SEED_PLANS)
def test_a_tenant_with_one_seed_plan_can_buy_exactly_what_the_seed_lists(plan_fr: str) -> None:
    catalog = builtin_catalog("office365-2015")
    plan = next(p for p in catalog.plans if p.name.fr == plan_fr)
    result = availability(catalog, tenant(sub("s1", plan.id)), DAY)
    bought = {catalog.name_of(a, "fr") for a in result.available}
    assert bought == {addon for addon, plans in SEED_002.items() if plan_fr in plans}
    for addon_id in result.available:
        assert result.get(addon_id).connectable == ("s1",)


def test_a_calling_plan_needs_phone_system_first() -> None:
    catalog = builtin_catalog("microsoft365")
    e3 = sub("s1", "m365-e3")
    before = availability(catalog, tenant(e3), DAY).get("calling-plan-domestic")
    assert before.codes == (ReasonCode.MISSING_CAPABILITY,)
    assert before.reasons[0].capability == "teams-phone"
    phone = sub("s2", "teams-phone-standard", kind=AddonKind.STANDALONE)
    after = availability(catalog, tenant(e3, phone), DAY).get("calling-plan-domestic")
    assert after.available
    assert after.connectable == ("s1",)


def test_a_plan_that_includes_the_capability_needs_no_addon() -> None:
    catalog = builtin_catalog("microsoft365")
    result = availability(catalog, tenant(sub("s1", "m365-e5")), DAY)
    assert result.get("calling-plan-domestic").available
    assert "teams-phone-standard" in result.unavailable  # E5 already includes it


def test_no_eligible_base_is_the_reason_when_the_tenant_has_no_such_plan() -> None:
    item = availability(small_catalog(), tenant(sub("s1", "e5")), DAY).get("phone")
    assert item.codes == (ReasonCode.NO_ELIGIBLE_BASE,)
    assert item.connectable == ()


@pytest.mark.parametrize("status", [S.EXPIRED, S.DISABLED, S.DELETED, S.SUSPENDED])
def test_an_eligible_base_that_is_not_active_is_named_with_its_status(
    status: SubscriptionStatus,
) -> None:
    item = availability(small_catalog(), tenant(sub("s1", "e3", status=status)), DAY).get("phone")
    assert item.codes == (ReasonCode.ELIGIBLE_BASE_NOT_ACTIVE,)
    reason = item.reasons[0]
    assert (reason.subscriptions, reason.statuses) == (("s1",), (status.value,))
    assert reason.message().endswith(f"; s1 ({status.value}) is not active")


def test_a_trial_counts_as_an_active_base() -> None:
    item = availability(small_catalog(), tenant(sub("s1", "e3", status=S.TRIAL)), DAY).get("phone")
    assert item.available


def test_only_active_bases_are_offered_for_connection_in_tenant_order() -> None:
    t = tenant(
        sub("a", "e5"),
        sub("b", "e3", status=S.EXPIRED),
        sub("c", "e3"),
        sub("p", "phone", kind=AddonKind.STANDALONE),
    )
    assert availability(small_catalog(), t, DAY).get("calling").connectable == ("a", "c")


def test_an_expired_addon_grants_nothing() -> None:
    t = tenant(sub("s1", "e3"), sub("p", "phone", status=S.EXPIRED, kind=AddonKind.STANDALONE))
    item = availability(small_catalog(), t, DAY).get("calling")
    assert item.codes == (ReasonCode.MISSING_CAPABILITY,)


def test_an_owned_addon_excludes_another_in_both_directions() -> None:
    catalog = small_catalog(excludes=("phone",))
    owns_phone = tenant(
        sub("s1", "e5"), sub("s2", "e3"), sub("p", "phone", kind=AddonKind.STANDALONE)
    )
    item = availability(catalog, owns_phone, DAY).get("calling")
    assert item.codes == (ReasonCode.EXCLUDED_BY_OWNED_ADDON,)
    assert item.reasons[0].products == ("phone",)
    owns_calling = tenant(sub("s2", "e3"), sub("c", "calling", kind=AddonKind.STANDALONE))
    assert availability(catalog, owns_calling, DAY).get("phone").codes == (
        ReasonCode.EXCLUDED_BY_OWNED_ADDON,
    )


def test_a_deleted_addon_no_longer_excludes_but_an_expired_one_does() -> None:
    catalog = small_catalog(excludes=("phone",))
    for status, blocked in ((S.DELETED, False), (S.EXPIRED, True), (S.DISABLED, True)):
        t = tenant(sub("s1", "e5"), sub("p", "phone", status=status, kind=AddonKind.STANDALONE))
        assert (not availability(catalog, t, DAY).get("calling").available) is blocked, status


def test_the_instance_limit_counts_the_subscriptions_the_tenant_holds() -> None:
    catalog = small_catalog(max_instances=2)
    one = (sub("s1", "e5"), sub("c1", "calling", kind=AddonKind.STANDALONE))
    assert availability(catalog, tenant(*one), DAY).get("calling").available
    two = (*one, sub("c2", "calling", kind=AddonKind.STANDALONE))
    item = availability(catalog, tenant(*two), DAY).get("calling")
    assert item.codes == (ReasonCode.INSTANCE_LIMIT_REACHED,)
    assert item.reasons[0].limit == 2
    assert item.reasons[0].message() == (
        "calling: the tenant already holds as many as allowed (2 subscriptions)"
    )


def test_an_addon_without_a_price_in_the_currency_is_unavailable_in_it() -> None:
    t = tenant(sub("s1", "e3"), sub("s2", "e5"))
    result = availability(small_catalog(), t, DAY, currency="USD")
    assert result.get("phone").available
    assert result.get("calling").codes == (ReasonCode.NOT_OFFERED_IN_CURRENCY,)
    assert availability(small_catalog(), t, DAY, currency="EUR").get("phone").codes == (
        ReasonCode.NOT_OFFERED_IN_CURRENCY,
    )
    with pytest.raises(UnknownCurrency):
        availability(small_catalog(), t, DAY, currency="XYZ")


def test_an_addon_outside_its_sale_window_is_unavailable() -> None:
    t = tenant(sub("s1", "e5"))
    later = small_catalog(sold_from=date(2026, 1, 1))
    assert availability(later, t, DAY).get("calling").codes == (ReasonCode.NOT_YET_ON_SALE,)
    ended = small_catalog(sold_until=DAY)
    item = availability(ended, t, DAY).get("calling")
    assert item.codes == (ReasonCode.END_OF_SALE,)
    assert availability(ended, t, DAY - timedelta(days=1)).get("calling").available


def test_every_reason_is_given_not_only_the_first() -> None:
    catalog = small_catalog(max_instances=1, sold_until=date(2025, 1, 1))
    t = tenant(sub("s1", "e3", status=S.DISABLED), sub("c", "calling", kind=AddonKind.STANDALONE))
    item = availability(catalog, t, DAY, currency="USD").get("calling")
    assert item.codes == (
        ReasonCode.END_OF_SALE,
        ReasonCode.ELIGIBLE_BASE_NOT_ACTIVE,
        ReasonCode.MISSING_CAPABILITY,
        ReasonCode.INSTANCE_LIMIT_REACHED,
        ReasonCode.NOT_OFFERED_IN_CURRENCY,
    )


def test_subscriptions_that_start_after_the_as_of_date_do_not_count() -> None:
    t = tenant(sub("s1", "e3", start=date(2025, 7, 1)))
    assert availability(small_catalog(), t, DAY).get("phone").codes == (
        ReasonCode.NO_ELIGIBLE_BASE,
    )
    assert availability(small_catalog(), t, date(2025, 7, 1)).get("phone").available


def test_subscriptions_of_products_the_catalog_does_not_know_are_ignored() -> None:
    t = tenant(sub("s1", "somebody-elses-plan"), sub("s2", "e3"))
    assert availability(small_catalog(), t, DAY).get("phone").connectable == ("s2",)


def test_the_kind_a_purchase_would_create_follows_the_as_of_date() -> None:
    t = tenant(sub("s1", "e3", start=date(2015, 1, 1)))
    assert availability(small_catalog(), t, date(2015, 6, 1)).get("phone").kind is (
        AddonKind.TRADITIONAL
    )
    assert availability(small_catalog(), t, DAY).get("phone").kind is AddonKind.STANDALONE


def test_reasons_read_in_english_and_french_with_catalog_names() -> None:
    catalog = builtin_catalog("microsoft365")
    item = availability(catalog, tenant(sub("s1", "m365-e3")), DAY).get("calling-plan-domestic")
    reason = item.reasons[0]
    assert reason.message("en") == "calling-plan-domestic requires the capability teams-phone"
    assert explain(reason, catalog, "en") == (
        "Microsoft Teams Domestic Calling Plan requires the capability "
        "Teams Phone (PBX in the cloud)"
    )
    assert explain(reason, catalog, "fr") == (
        "Forfait d'appels nationaux Microsoft Teams nécessite la fonctionnalité "
        "Teams Phone (standard téléphonique dans le cloud)"
    )


def test_one_addon_can_be_asked_about_alone() -> None:
    item = addon_availability(small_catalog(), tenant(sub("s1", "e3")), "phone", DAY)
    assert item.available
    with pytest.raises(UnknownReference):
        addon_availability(small_catalog(), tenant(), "e3", DAY)
    with pytest.raises(UnknownReference):
        availability(small_catalog(), tenant(), DAY).get("nope")


def test_availability_refuses_a_datetime() -> None:
    from datetime import datetime

    with pytest.raises(TypeError, match="datetime"):
        availability(small_catalog(), tenant(), datetime(2025, 6, 1, 12))  # type: ignore[arg-type]


def test_the_default_catalog_answers_for_every_addon() -> None:
    catalog = default_catalog()
    result = availability(catalog, tenant(sub("s1", "o365-e3"), sub("s2", "o365-2015-e5")), DAY)
    assert len(result) == len(catalog.addons)
    assert "o365-2015-pstn-domestic-calling" in result.available
    assert "teams-phone-standard" in result.available
    assert "calling-plan-domestic" in result.unavailable


# -- availability: properties -------------------------------------------------------------------


def reference_available(catalog: Catalog, t: Tenant, as_of: date, addon: Addon) -> bool:
    """The rules written the plainest way, independently of subcommerce.addons."""
    started = [s for s in t.subscriptions if s.start <= as_of and catalog.get(s.product_id)]
    if addon.sold_from is not None and as_of < addon.sold_from:
        return False
    if addon.sold_until is not None and as_of >= addon.sold_until:
        return False
    if not any(
        s.addon_kind is None
        and s.product_id in addon.available_on
        and s.status in (S.ACTIVE, S.TRIAL)
        for s in started
    ):
        return False
    granted = set()
    for s in started:
        if s.status in (S.ACTIVE, S.TRIAL):
            granted.update(catalog.product(s.product_id).grants)
    if not set(addon.requires) <= granted:
        return False
    held = [s.product_id for s in started if s.addon_kind is not None and s.status != S.DELETED]
    for other in catalog.addons:
        mutual = other.id in addon.excludes or addon.id in other.excludes
        if mutual and other.id in held:
            return False
    return addon.max_instances is None or held.count(addon.id) < addon.max_instances


@given(catalog_and_tenant())
def test_availability_agrees_with_a_plain_reference(pair: tuple[Catalog, Tenant]) -> None:
    catalog, t = pair
    result = availability(catalog, t, AS_OF)
    assert [item.addon_id for item in result] == [a.id for a in catalog.addons]
    for addon in catalog.addons:
        assert result.get(addon.id).available == reference_available(catalog, t, AS_OF, addon)


@given(catalog_and_tenant())
def test_no_addon_is_offered_without_an_active_eligible_base(pair: tuple[Catalog, Tenant]) -> None:
    catalog, t = pair
    for item in availability(catalog, t, AS_OF):
        if not item.available:
            continue
        addon = catalog.addon(item.addon_id)
        assert item.connectable
        for sub_id in item.connectable:
            base = t.subscription(sub_id)
            assert base.addon_kind is None
            assert base.status.is_active
            assert base.product_id in addon.available_on
            assert base.start <= AS_OF


@given(catalog_and_tenant())
def test_every_unavailable_addon_carries_a_reason_in_both_languages(
    pair: tuple[Catalog, Tenant],
) -> None:
    catalog, t = pair
    for item in availability(catalog, t, AS_OF, currency="USD"):
        assert item.available == (not item.reasons)
        if not item.available:
            assert item.connectable == ()
        for reason in item.reasons:
            assert reason.subject == item.addon_id
            for lang in ("en", "fr"):
                assert reason.message(lang)
                assert catalog.name_of(item.addon_id, lang) in explain(reason, catalog, lang)


@given(catalog_and_tenant(), st.data())
def test_adding_an_active_subscription_only_takes_away_through_exclusions_and_limits(
    pair: tuple[Catalog, Tenant], draw: st.DataObject
) -> None:
    catalog, t = pair
    new = draw.draw(subscriptions(catalog, "added"))
    new = attrs.evolve(new, status=S.ACTIVE, start=AS_OF)
    before = availability(catalog, t, AS_OF)
    after = availability(catalog, Tenant(t.organization, (*t.subscriptions, new)), AS_OF)
    for old, now in zip(before, after, strict=True):
        if not old.available:
            continue
        if now.available:
            assert set(old.connectable) <= set(now.connectable)
            continue
        assert new.addon_kind is not None  # only an owned add-on can take something away
        for reason in now.reasons:
            assert reason.code in (
                ReasonCode.EXCLUDED_BY_OWNED_ADDON,
                ReasonCode.INSTANCE_LIMIT_REACHED,
            )
            if reason.code is ReasonCode.EXCLUDED_BY_OWNED_ADDON:
                assert new.product_id in catalog.exclusions(now.addon_id)
            else:
                assert new.product_id == now.addon_id


@given(catalog_and_tenant())
def test_an_eligible_base_makes_every_addon_without_other_rules_available(
    pair: tuple[Catalog, Tenant],
) -> None:
    catalog, _ = pair
    for addon in catalog.addons:
        if addon.requires or addon.sold_from is not None:
            continue
        t = tenant(sub("only", addon.available_on[-1], start=AS_OF))
        item = availability(catalog, t, AS_OF).get(addon.id)
        assert item.available
        assert item.connectable == ("only",)


# -- purchase paths -----------------------------------------------------------------------------

E3_TENANT = tenant(sub("base", "e3", quantity=10))


def test_in_a_mosa_account_an_addon_is_bought_from_a_base_subscription() -> None:
    request = AddonPurchase("phone", 5, Term.P1Y, BillingFrequency.MONTHLY)
    reasons = check_addon_purchase(small_catalog(), E3_TENANT, request, DAY, MOSA)
    assert [r.code for r in reasons] == [ReasonCode.WRONG_PURCHASE_PATH]
    assert "MOSA" in reasons[0].message()
    assert "type de compte MOSA" in reasons[0].message("fr")
    ok = attrs.evolve(request, base_subscription_id="base")
    assert check_addon_purchase(small_catalog(), E3_TENANT, ok, DAY, MOSA) == ()


def test_in_an_mca_account_an_addon_is_bought_like_any_other_product() -> None:
    request = AddonPurchase("phone", 5, Term.P1Y, BillingFrequency.MONTHLY, "base")
    reasons = check_addon_purchase(small_catalog(), E3_TENANT, request, DAY, MCA)
    assert [(r.code, r.account_type) for r in reasons] == [(ReasonCode.WRONG_PURCHASE_PATH, "mca")]
    assert "for the account type MCA" in reasons[0].message()
    plain = attrs.evolve(request, base_subscription_id=None)
    new = purchase_addon(small_catalog(), E3_TENANT, plain, DAY, MCA, "new")
    assert new.addon_kind is AddonKind.STANDALONE
    assert new.parent_id is None


def test_a_mosa_purchase_of_an_addon_that_must_connect_is_connected_to_its_base() -> None:
    catalog = small_catalog(must_connect=True)
    t = tenant(sub("base", "e5", quantity=10))
    new = purchase_addon(
        catalog, t, AddonPurchase("calling", 3, base_subscription_id="base"), DAY, MOSA, "n"
    )
    assert (new.parent_id, new.addon_kind, new.quantity, new.start) == (
        "base",
        AddonKind.STANDALONE,
        3,
        DAY,
    )
    free = purchase_addon(
        small_catalog(), t, AddonPurchase("calling", 3, base_subscription_id="base"), DAY, MOSA, "n"
    )
    assert free.parent_id is None


def test_a_purchase_before_december_2015_is_a_traditional_addon_inside_its_base() -> None:
    t = tenant(sub("base", "e3", start=date(2014, 1, 1)))
    request = AddonPurchase("phone", 2, Term.P1Y, BillingFrequency.MONTHLY, "base")
    new = purchase_addon(small_catalog(), t, request, date(2015, 11, 30), MOSA, "n")
    assert (new.addon_kind, new.parent_id) == (AddonKind.TRADITIONAL, "base")
    later = purchase_addon(small_catalog(), t, request, date(2015, 12, 1), MOSA, "n")
    assert (later.addon_kind, later.parent_id) == (AddonKind.STANDALONE, None)


def test_a_base_that_cannot_take_the_addon_is_refused() -> None:
    t = tenant(sub("base", "e3"), sub("gone", "e3", status=S.EXPIRED), sub("other", "e5"))
    for base in ("gone", "other", "unknown"):
        request = AddonPurchase("phone", 1, Term.P1Y, BillingFrequency.MONTHLY, base)
        reasons = check_addon_purchase(small_catalog(), t, request, DAY, MOSA)
        assert [(r.code, r.subscription) for r in reasons] == [(ReasonCode.NOT_CONNECTABLE, base)]


def test_a_term_and_frequency_the_catalog_does_not_offer_is_refused() -> None:
    request = AddonPurchase("phone", 1, Term.P1M, BillingFrequency.MONTHLY, "base")
    reasons = check_addon_purchase(small_catalog(), E3_TENANT, request, DAY, MOSA)
    assert [(r.code, r.term, r.billing_frequency) for r in reasons] == [
        (ReasonCode.NO_MATCHING_OFFER, "P1M", "monthly")
    ]
    assert reasons[0].message().endswith("(1 month, billed monthly)")


def test_a_currency_the_offer_is_not_priced_in_is_refused() -> None:
    request = AddonPurchase("phone", 1, Term.P1Y, BillingFrequency.MONTHLY, "base", "EUR")
    reasons = check_addon_purchase(small_catalog(), E3_TENANT, request, DAY, MOSA)
    assert [r.code for r in reasons] == [ReasonCode.NOT_OFFERED_IN_CURRENCY]


def test_a_per_user_addon_cannot_have_more_licenses_than_its_base() -> None:
    request = AddonPurchase("phone", 11, Term.P1Y, BillingFrequency.MONTHLY, "base")
    reasons = check_addon_purchase(small_catalog(), E3_TENANT, request, DAY, MOSA)
    assert [(r.code, r.count, r.limit, r.subscriptions) for r in reasons] == [
        (ReasonCode.ADDON_EXCEEDS_BASE, 11, 10, ("base",))
    ]
    owned = tenant(
        sub("base", "e3", quantity=10),
        sub("p", "phone", quantity=7, kind=AddonKind.STANDALONE, parent="base"),
    )
    four = AddonPurchase("phone", 4, Term.P1Y, BillingFrequency.MONTHLY, "base")
    refused = check_addon_purchase(small_catalog(), owned, four, DAY, MOSA)
    assert [(r.count, r.limit) for r in refused] == [(4, 3)]
    assert refused[0].message() == (
        "phone: 4 licenses asked, more than its base subscriptions hold (3 left on base)"
    )


def test_without_a_base_the_bound_is_every_eligible_license_the_tenant_has() -> None:
    t = tenant(
        sub("a", "e3", quantity=4),
        sub("b", "e3", quantity=5),
        sub("c", "e3", quantity=9, status=S.EXPIRED),
    )
    nine = AddonPurchase("phone", 9, Term.P1Y, BillingFrequency.MONTHLY)
    assert check_addon_purchase(small_catalog(), t, nine, DAY, MCA) == ()
    ten = attrs.evolve(nine, quantity=10)
    reasons = check_addon_purchase(small_catalog(), t, ten, DAY, MCA)
    assert [(r.code, r.count, r.limit, r.subscriptions) for r in reasons] == [
        (ReasonCode.ADDON_EXCEEDS_BASE, 10, 9, ("a", "b"))
    ]
    assert reasons[0].message().endswith("(9 left on a and b)")


def test_capacity_addons_and_unbounded_addons_are_not_limited_by_licenses() -> None:
    t = tenant(sub("s", "e5", quantity=1))
    for changes in ({"unit": LicenseUnit.CAPACITY}, {"bounded_by_base": False}):
        request = AddonPurchase("calling", 500, base_subscription_id="s")
        assert check_addon_purchase(small_catalog(**changes), t, request, DAY, MOSA) == ()


def test_a_refused_purchase_raises_with_the_same_reasons() -> None:
    request = AddonPurchase("calling", 1, base_subscription_id="base")
    reasons = check_addon_purchase(small_catalog(), E3_TENANT, request, DAY, MOSA)
    with pytest.raises(Refused) as caught:
        purchase_addon(small_catalog(), E3_TENANT, request, DAY, MOSA, "n")
    assert caught.value.reasons == reasons
    assert caught.value.codes == (ReasonCode.MISSING_CAPABILITY,)


def test_a_purchase_request_is_checked_when_it_is_made() -> None:
    with pytest.raises(InvalidQuantity):
        AddonPurchase("phone", 0)
    with pytest.raises(InvalidPeriod):
        AddonPurchase("phone", 1, Term.P1M, BillingFrequency.ANNUAL)
    with pytest.raises(UnknownCurrency):
        AddonPurchase("phone", 1, currency="XYZ")
    with pytest.raises(UnknownReference):
        check_addon_purchase(small_catalog(), E3_TENANT, AddonPurchase("e3", 1), DAY, MOSA)
    ok = AddonPurchase("phone", 1, Term.P1Y, BillingFrequency.MONTHLY, "base")
    with pytest.raises(InvalidCommand, match="base"):
        purchase_addon(small_catalog(), E3_TENANT, ok, DAY, MOSA, "base")


@given(catalog_and_tenant(), st.data())
def test_a_purchase_goes_ahead_exactly_when_the_check_finds_nothing(
    pair: tuple[Catalog, Tenant], draw: st.DataObject
) -> None:
    catalog, t = pair
    if not catalog.addons:
        return
    addon = draw.draw(st.sampled_from(catalog.addons))
    account = draw.draw(st.sampled_from([MOSA, MCA]))
    base = draw.draw(st.none() | st.sampled_from([s.id for s in t.subscriptions] or ["x"]))
    term, frequency = draw.draw(
        st.sampled_from([(Term.P1M, BillingFrequency.MONTHLY), (Term.P1Y, BillingFrequency.ANNUAL)])
    )
    request = AddonPurchase(addon.id, draw.draw(st.integers(1, 60)), term, frequency, base)
    reasons = check_addon_purchase(catalog, t, request, AS_OF, account)
    if reasons:
        with pytest.raises(Refused):
            purchase_addon(catalog, t, request, AS_OF, account, "new-id")
        return
    assert availability(catalog, t, AS_OF).get(addon.id).available
    new = purchase_addon(catalog, t, request, AS_OF, account, "new-id")
    assert new.product_id == addon.id
    assert new.quantity == request.quantity
    if account is MCA:
        assert new.parent_id is None
        assert new.addon_kind is AddonKind.STANDALONE
    else:
        assert base in availability(catalog, t, AS_OF).get(addon.id).connectable
