"""Reasons as data, said in every language: every code, every template, every shape of values.

Each code has templates (:data:`subcommerce.messages.TEMPLATES`); each is rendered here in every
language that has a catalog, over generated values, in every shape of its count (zero, one,
many, and the millions that French says « 1 000 000 de licences »). What is checked:

* nothing is left to fill in (no ``{``), nothing falls back to the English ``msgid`` in French;
* the French contains no word of a fixed list of English ones, the English no French word (once
  the values themselves, ids and product names, are taken out);
* French agreement: a sentence about a feminine product uses only feminine forms, one about a
  masculine product only masculine ones (the gender is the catalog's data);
* the values the template needs are all in the message.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies_accounts import ADMIN, mca_tenant, purchase, run
from subcommerce._builtin import builtin_catalog, default_catalog
from subcommerce._convert import from_data, to_data
from subcommerce.billing import Action, BillingAccountType, PaymentMethod, Role
from subcommerce.catalog import Gender
from subcommerce.commands import CancelSubscription, ChangeLicenseQuantity, check
from subcommerce.errors import Reason, ReasonCode, UnknownReference
from subcommerce.formatting import format_money
from subcommerce.messages import (
    TEMPLATES,
    Template,
    languages,
    render,
    template_for,
    translations,
)
from subcommerce.money import Money
from subcommerce.periods import BillingFrequency, Term
from subcommerce.subscriptions import PurchaseChannel, SubscriptionStatus

#: The stable list of codes. A code is never renamed or removed: a tool stores them.
CODES = (
    "no_eligible_base",
    "eligible_base_not_active",
    "missing_capability",
    "excluded_by_owned_addon",
    "instance_limit_reached",
    "not_offered_in_currency",
    "wrong_purchase_path",
    "not_yet_on_sale",
    "not_connectable",
    "no_matching_offer",
    "not_authorized",
    "credit_check_pending",
    "prepaid_product_key",
    "volume_licensing",
    "cloud_solution_provider",
    "trial",
    "not_active",
    "end_of_sale",
    "below_assigned",
    "outside_cancellation_window",
    "recurring_billing_off",
    "traditional_addon_removal",
    "subscription_deleted",
    "no_payment_method",
    "trial_extension_not_allowed",
    "quantity_unchanged",
    "addon_exceeds_base",
    "not_enough_licenses",
    "not_assigned",
    "trial_already_used",
    "trial_cancellation",
    "not_reactivatable",
    "cancel_needs_support",
    "term_not_longer",
    "managed_with_parent",
    "no_change",
    "cancel_needs_fewer_licenses",
    "licenses_not_usable_yet",
    "addon_subscription_not_cancellable",
    "already_reactivated",
    "plan_change_not_eligible",
    "partial_plan_change_not_allowed",
    "plan_change_quantity",
    "plan_held_twice",
    "licenses_over_assigned",
    "billing_frequency_fixed",
    "midterm_frequency_blocked",
    "not_a_trial",
    "alignment_not_available",
    "alignment_other_profile",
    "alignment_target_not_active",
    "alignment_term_mismatch",
    "alignment_out_of_reach",
    "product_change_not_allowed",
)

ENGLISH = frozenset(
    (
        "account",
        "active",
        "admin",
        "after",
        "allowed",
        "already",
        "and",
        "annually",
        "any",
        "are",
        "asked",
        "assign",
        "assigned",
        "back",
        "bank",
        "before",
        "billing",
        "bought",
        "buy",
        "can",
        "cancel",
        "cancellation",
        "cannot",
        "capability",
        "card",
        "change",
        "check",
        "closed",
        "combined",
        "come",
        "connected",
        "contact",
        "contributor",
        "credit",
        "day",
        "days",
        "deleted",
        "disabled",
        "expired",
        "extended",
        "extension",
        "first",
        "for",
        "free",
        "frequency",
        "from",
        "grant",
        "has",
        "have",
        "holds",
        "hours",
        "instead",
        "invoice",
        "invoices",
        "is",
        "it",
        "its",
        "key",
        "left",
        "license",
        "licenses",
        "manage",
        "manager",
        "may",
        "method",
        "month",
        "monthly",
        "months",
        "more",
        "needed",
        "needs",
        "not",
        "nothing",
        "of",
        "off",
        "offered",
        "on",
        "once",
        "only",
        "organization",
        "other",
        "owner",
        "path",
        "payment",
        "pays",
        "pending",
        "prepaid",
        "price",
        "product",
        "provider",
        "reader",
        "recurring",
        "removed",
        "renews",
        "requires",
        "role",
        "sold",
        "some",
        "subscription",
        "subscriptions",
        "tenant",
        "term",
        "than",
        "that",
        "the",
        "this",
        "through",
        "trial",
        "turn",
        "unassign",
        "view",
        "which",
        "window",
        "with",
        "without",
        "wrong",
        "year",
        "years",
    )
)
FRENCH = frozenset(
    (
        "abonnement",
        "abonnements",
        "achetez",
        "acheté",
        "achetée",
        "activée",
        "annuelle",
        "annulation",
        "ans",
        "août",
        "attribuée",
        "attribuées",
        "aucun",
        "aucune",
        "avec",
        "avril",
        "client",
        "combiné",
        "complémentaire",
        "d",
        "de",
        "depuis",
        "des",
        "du",
        "décembre",
        "déjà",
        "délai",
        "désactivée",
        "détient",
        "engagement",
        "est",
        "facturation",
        "fonctionnalité",
        "fréquence",
        "février",
        "heures",
        "janvier",
        "jour",
        "jours",
        "juillet",
        "juin",
        "l",
        "la",
        "le",
        "les",
        "libre",
        "libres",
        "licence",
        "licences",
        "mai",
        "mars",
        "mensuelle",
        "mode",
        "module",
        "mois",
        "ne",
        "novembre",
        "nécessite",
        "octobre",
        "paiement",
        "pas",
        "payé",
        "peut",
        "peuvent",
        "plus",
        "pour",
        "profil",
        "prolongée",
        "proposé",
        "période",
        "que",
        "qui",
        "renouvelé",
        "reste",
        "réactivé",
        "rôle",
        "septembre",
        "seul",
        "solvabilité",
        "sont",
        "supprimé",
        "sur",
        "traditionnel",
        "un",
        "une",
        "vendu",
        "vendue",
        "vérification",
        "été",
        "être",
    )
)
ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœ]")

#: French agreement with the product: (masculine, feminine) forms of the words that agree.
AGREEMENT = (
    ("acheté", "achetée"),
    ("vendu", "vendue"),
    ("combiné", "combinée"),
    ("connecté", "connectée"),
    ("proposé", "proposée"),
    ("commercialisé", "commercialisée"),
    ("il", "elle"),
    ("achetez-le", "achetez-la"),
)
MASCULINE = frozenset(m for m, _ in AGREEMENT)
FEMININE = frozenset(f for _, f in AGREEMENT)

CATALOG = default_catalog()
PRODUCTS = tuple(p.id for p in (*CATALOG.plans, *CATALOG.addons))
CAPABILITIES = tuple(c.id for c in CATALOG.capabilities)
GENDERS = {p: CATALOG.product(p).name.fr_gender for p in PRODUCTS}
BY_GENDER = {g: tuple(p for p in PRODUCTS if GENDERS[p] is g) for g in Gender}

#: Counts in every shape a plural rule can tell apart: zero, one, a few, many, the millions.
COUNT_SHAPES = (0, 1, 2, 5, 21, 1_000_000)

ids = st.from_regex(r"\A[a-z]{1,2}[0-9]{1,3}\Z")
principals = st.from_regex(r"\A[a-z]{2,3}[0-9]{1,2}@c[0-9]\.com\Z")


def _values(field: str, count: int) -> st.SearchStrategy[Any]:
    """Generated values for one field; ``count`` sets the ints and the length of the lists."""
    ints = st.just(count)
    size = min(max(count, 1), 5)  # a list is never empty when set; five is already many
    simple: dict[str, st.SearchStrategy[Any]] = {
        "subscription": ids,
        "parent": ids,
        "successor": ids,
        "billing_profile": ids,
        "principal": principals,
        "product": st.sampled_from(PRODUCTS),
        "capability": st.sampled_from(CAPABILITIES),
        "action": st.sampled_from(list(Action)),
        "role": st.sampled_from(list(Role)),
        "status": st.sampled_from(list(SubscriptionStatus)),
        "channel": st.sampled_from(list(PurchaseChannel)),
        "account_type": st.sampled_from(list(BillingAccountType)),
        "term": st.sampled_from(list(Term)),
        "to_term": st.sampled_from(list(Term)),
        "base_term": st.sampled_from(list(Term)),
        "billing_frequency": st.sampled_from(list(BillingFrequency)),
        "payment_method": st.sampled_from(list(PaymentMethod)),
        "currency": st.sampled_from(["USD", "EUR", "JPY", "GBP"]),
        "on": st.dates(date(2015, 1, 1), date(2030, 12, 31)),
        "window": st.integers(1, 30),
        "count": ints,
        "limit": ints,
        "subscriptions": st.lists(ids, min_size=size, max_size=size),
        "products": st.lists(st.sampled_from(PRODUCTS), min_size=size, max_size=size),
        "recurring_billing": st.booleans(),
        "credit_check_pending": st.just(False),
    }
    return simple[field]


@st.composite
def reasons_for(draw: st.DrawFn, code: ReasonCode, template: Template, count: int) -> Reason:
    fields = {name: draw(_values(name, count)) for name in sorted(template.needs)}
    if "subscriptions" in fields and draw(st.booleans()):
        statuses = st.sampled_from(list(SubscriptionStatus))
        fields["statuses"] = [draw(statuses) for _ in fields["subscriptions"]]
    return Reason(code, **fields)


def _shapes(template: Template) -> tuple[int, ...]:
    return COUNT_SHAPES if template.count is not None else (1, 3)


TEMPLATE_CASES = [
    pytest.param(code, template, id=template.context)
    for code, templates in TEMPLATES.items()
    for template in templates
]
LANGS = languages()
#: Each example renders every shape in every language: a tenth of the profile's examples do.
EXAMPLES = settings(max_examples=max(6, settings.default.max_examples // 10))


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text)}


def _without_values(message: str, reason: Reason, lang: str) -> str:
    """The message with the reason's own values (ids, names, codes) taken out."""
    names: list[str] = []
    for field in (
        "subscription",
        "parent",
        "successor",
        "billing_profile",
        "principal",
        "currency",
    ):
        value = getattr(reason, field)
        if value is not None:
            names.append(value)
    names += reason.subscriptions
    for product in (reason.product, *reason.products, reason.capability):
        if product is not None:
            names.append(CATALOG.name_of(product, "fr" if lang == "fr" else "en"))
    if reason.account_type is not None:
        names += ["MOSA", "MCA", reason.account_type.upper()]
    for name in sorted(names, key=len, reverse=True):
        message = message.replace(name, " ")
    return message


def test_every_code_is_in_the_pinned_list_and_none_was_renamed() -> None:
    assert tuple(code.value for code in ReasonCode) == CODES


def test_every_code_has_templates_and_every_catalog_language_is_complete() -> None:
    assert set(TEMPLATES) == set(ReasonCode)
    assert {"en", "fr"} <= set(LANGS)


def _check_said(reason: Reason, template: Template, lang: str) -> None:
    message = render(reason, lang, CATALOG)
    assert message
    assert "{" not in message
    assert "}" not in message
    left = _without_values(message, reason, lang)
    words = _words(left)
    if lang == "en":
        assert not words & FRENCH, (message, words & FRENCH)
        assert not ACCENTED.search(left), message
    else:
        assert not words & ENGLISH, (message, words & ENGLISH)
    for field in ("subscription", "principal", "billing_profile", "parent", "successor"):
        value = getattr(reason, field)
        if value is not None and field in template.needs:
            assert value in message
    if reason.product is not None:
        assert CATALOG.name_of(reason.product, "fr" if lang == "fr" else "en") in message
    if lang == "fr":
        _check_agreement(reason, template, words, message)


def _check_agreement(reason: Reason, template: Template, words: set[str], message: str) -> None:
    if reason.product is None:
        return
    if not template.gendered:  # a sentence about a product that does not agree with it
        assert not words & (MASCULINE | FEMININE), message
    elif GENDERS[reason.product] is Gender.FEMININE:
        assert words & FEMININE, message
        assert not words & MASCULINE, message
    else:
        assert words & MASCULINE, message
        assert not words & FEMININE, message


@pytest.mark.parametrize(("code", "template"), TEMPLATE_CASES)
@EXAMPLES
@given(data=st.data())
def test_every_message_renders_completely_in_every_language_and_shape(
    code: ReasonCode, template: Template, data: st.DataObject
) -> None:
    """And in French it agrees with the product's gender, as the catalog declares it."""
    for count in _shapes(template):
        reason = data.draw(reasons_for(code, template, count), label=f"count {count}")
        said = [reason]
        if reason.product is not None:  # a product of each gender, every time
            for pool in BY_GENDER.values():
                product = data.draw(st.sampled_from(pool), label="product")
                said.append(attrs.evolve(reason, product=product))
        for each in said:
            assert template_for(each) == template
            for lang in LANGS:
                _check_said(each, template, lang)


def test_both_genders_are_checked_on_every_gendered_template() -> None:
    genders = set(GENDERS.values())
    assert genders == {Gender.MASCULINE, Gender.FEMININE}
    assert any(t.gendered for ts in TEMPLATES.values() for t in ts)


@pytest.mark.parametrize("lang", LANGS)
def test_a_message_that_needs_a_translation_is_never_the_english_msgid(lang: str) -> None:
    """Every msgid of the template has a translation in every catalog (none empty, none fuzzy)."""
    t = translations(lang)
    for templates in TEMPLATES.values():
        for template in templates:
            for gendered in (False, True) if template.gendered else (False,):
                context = template.context + ("|feminine" if gendered else "")
                if template.plural is None:
                    said = t.pgettext(context, template.singular)
                else:
                    said = t.npgettext(context, template.singular, template.plural, 5)
                if lang == "en":
                    assert said in (template.singular, template.plural)
                else:
                    assert said not in (template.singular, template.plural), context


def test_counts_follow_each_language_s_plural_rules_from_cldr() -> None:
    def said(n: int, lang: str) -> str:
        return render(Reason(ReasonCode.QUANTITY_UNCHANGED, subscription="s1", count=n), lang)

    assert said(0, "en") == "Subscription s1 already has 0 licenses"
    assert said(1, "en") == "Subscription s1 already has 1 license"
    assert said(0, "fr") == "L'abonnement s1 a déjà 0 licence"
    assert said(1, "fr") == "L'abonnement s1 a déjà 1 licence"
    assert said(2, "fr") == "L'abonnement s1 a déjà 2 licences"
    assert said(1_000_000, "fr") == "L'abonnement s1 a déjà 1\u202f000\u202f000 de licences"
    assert said(1_000_000, "en") == "Subscription s1 already has 1,000,000 licenses"


def test_a_feminine_product_is_said_with_feminine_agreement() -> None:
    catalog = builtin_catalog("microsoft365")
    assert catalog.product("audio-conferencing").name.fr_gender is Gender.FEMININE
    reason = Reason(ReasonCode.NO_ELIGIBLE_BASE, product="audio-conferencing")
    assert render(reason, "fr", catalog) == (
        "Audioconférence Microsoft Teams ne peut être achetée sur aucun des plans de ce client"
    )
    masculine = Reason(ReasonCode.NO_ELIGIBLE_BASE, product="teams-phone-standard")
    assert render(masculine, "fr", catalog) == (
        "Microsoft Teams Phone Standard ne peut être acheté sur aucun des plans de ce client"
    )


def test_every_product_of_the_embedded_catalogs_declares_its_french_gender() -> None:
    from importlib import resources

    for name in ("microsoft365", "office365-2015"):
        text = resources.files("subcommerce").joinpath("data", f"{name}.toml").read_text("utf-8")
        names = re.findall(r"^name = \{.*\}$", text, re.MULTILINE)
        products = names[1:]  # the first is the catalog's own name
        assert products, name
        assert all("fr_gender = " in n for n in products), name


def test_dates_and_windows_are_said_as_the_reader_says_them() -> None:
    cancel = Reason(
        ReasonCode.OUTSIDE_CANCELLATION_WINDOW, subscription="s1", window=7, on=date(2025, 3, 8)
    )
    assert render(cancel, "fr") == (
        "L'abonnement s1 : le délai d'annulation (7\xa0jours) a pris fin le 8 mars 2025 ; "
        "désactivez plutôt la facturation périodique"
    )
    assert "(7 days) closed on March 8, 2025" in render(cancel, "en")
    short = Reason(
        ReasonCode.OUTSIDE_CANCELLATION_WINDOW, subscription="s1", window=3, on=date(2022, 3, 4)
    )
    assert "(72 hours) closed on March 4, 2022" in render(short, "en")
    assert "(72\xa0heures)" in render(short, "fr")


def test_a_regional_locale_uses_its_language_s_catalog() -> None:
    reason = Reason(ReasonCode.TRIAL, subscription="s1")
    assert render(reason, "fr_CA") == render(reason, "fr")
    assert render(reason, "en-GB") == render(reason, "en")
    with pytest.raises(UnknownReference, match="'xx'"):
        render(reason, "xx")


def test_without_a_catalog_a_product_is_named_by_its_id() -> None:
    reason = Reason(ReasonCode.END_OF_SALE, product="lockbox", on=date(2025, 1, 1))
    assert render(reason) == "lockbox has not been sold since January 1, 2025"
    assert render(reason, "fr") == "lockbox n'est plus commercialisé depuis le 1 janvier 2025"


def test_a_reason_holds_values_not_words() -> None:
    reason = Reason(
        ReasonCode.NOT_REACTIVATABLE,
        subscription="s1",
        channel=PurchaseChannel.CLOUD_SOLUTION_PROVIDER,
        status=SubscriptionStatus.EXPIRED,
    )
    assert reason.values() == {
        "subscription": "s1",
        "channel": "cloud_solution_provider",
        "status": "expired",
    }
    assert type(reason.channel) is str  # enum members are kept as their plain values
    assert reason.subject == "s1"


def test_a_reason_refuses_values_of_the_wrong_kind() -> None:
    with pytest.raises(ValueError, match="whole number"):
        Reason(ReasonCode.NOT_ASSIGNED, subscription="s1", count="2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be a list of strings"):
        Reason(ReasonCode.NO_ELIGIBLE_BASE, product="x", products="e3")
    with pytest.raises(TypeError, match="date"):
        Reason(ReasonCode.NOT_YET_ON_SALE, product="x", on="2025-01-01")  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="not_a_code"):
        Reason("not_a_code")  # type: ignore[arg-type]


def test_a_reason_missing_its_values_is_still_said_not_raised() -> None:
    assert render(Reason(ReasonCode.BELOW_ASSIGNED)) == "Refused (below_assigned)"
    assert render(Reason(ReasonCode.BELOW_ASSIGNED), "fr") == "Refusé (below_assigned)"


# -- the window a refusal names is the block's own (issue 8, item 5) ------------------------------


def test_licenses_bought_before_march_12_2022_are_refused_naming_their_72_hour_window() -> None:
    bought = date(2022, 3, 1)
    tenant = run(mca_tenant(), purchase(mca_tenant(), "s1", 10, on=bought, term=Term.P1Y))
    fewer = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2022, 3, 5), subscription_id="s1", quantity=8
    )
    (reason,) = check(tenant, fewer)
    assert (reason.code, reason.window, reason.count) == (
        ReasonCode.OUTSIDE_CANCELLATION_WINDOW,
        3,
        0,
    )
    assert "only within 72 hours of buying them; 0 can be removed now" in reason.message()
    assert "dans un délai de 72\xa0heures après leur achat" in reason.message("fr")


def test_licenses_bought_since_march_12_2022_name_their_7_day_window() -> None:
    tenant = run(mca_tenant(), purchase(mca_tenant(), "s1", 10, on=date(2022, 3, 12)))
    fewer = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2022, 3, 20), subscription_id="s1", quantity=8
    )
    (reason,) = check(tenant, fewer)
    assert reason.window == 7
    assert "within 7 days of buying them" in reason.message()


def test_the_window_named_is_that_of_the_newest_licenses_that_can_no_longer_go() -> None:
    first = purchase(mca_tenant(), "s1", 10, on=date(2022, 3, 1), term=Term.P1Y)
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2022, 3, 14), subscription_id="s1", quantity=15
    )
    tenant = run(mca_tenant(), first, more)
    fewer = attrs.evolve(more, as_of=date(2022, 3, 25), quantity=9)  # both windows closed
    (reason,) = check(tenant, fewer)
    assert (reason.window, reason.count) == (7, 0)
    within = attrs.evolve(more, as_of=date(2022, 3, 16), quantity=9)  # 5 may go, not 6
    (reason,) = check(tenant, within)
    assert (reason.window, reason.count) == (3, 5)


def test_a_cancellation_after_a_72_hour_window_names_it_and_the_day_it_closed() -> None:
    tenant = run(mca_tenant(), purchase(mca_tenant(), "s1", 10, on=date(2022, 3, 1)))
    late = CancelSubscription(actor=ADMIN, as_of=date(2022, 3, 6), subscription_id="s1")
    (reason,) = check(tenant, late)
    assert (reason.window, reason.on) == (3, date(2022, 3, 4))
    assert "the cancellation window (72 hours) closed on March 4, 2022" in reason.message()
    assert "le délai d'annulation (72\xa0heures) a pris fin le 4 mars 2022" in reason.message("fr")


# -- the documented table of every code -----------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "reasons.md"
LISTS = frozenset({"subscriptions", "statuses", "products"})


def _documented_values(cell: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for part in cell.split("; "):
        name, _, text = part.partition(": ")
        if name in LISTS:
            values[name] = tuple(item.strip() for item in text.split(","))
        elif name in ("count", "limit", "window"):
            values[name] = int(text)
        elif name == "on":
            values[name] = date.fromisoformat(text)
        elif text in ("true", "false"):
            values[name] = text == "true"
        else:
            values[name] = text
    return values


def test_the_documented_table_lists_every_code_once_with_its_messages_as_said() -> None:
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in DOCS.read_text("utf-8").partition("## Every code")[2].splitlines()
        if line.startswith("| `")
    ]
    assert [row[0].strip("`") for row in rows] == list(CODES)
    for code, values, english, french, advice in rows:
        reason = Reason(ReasonCode(code.strip("`")), **_documented_values(values))
        assert reason.message("en", CATALOG) == english
        assert reason.message("fr", CATALOG) == french
        assert advice


def test_a_reason_shows_and_writes_only_the_values_it_is_about() -> None:
    reason = Reason(ReasonCode.BELOW_ASSIGNED, subscription="s1", count=12)
    assert repr(reason) == "Reason(ReasonCode.BELOW_ASSIGNED, subscription='s1', count=12)"
    assert to_data(reason) == {"code": "below_assigned", "subscription": "s1", "count": 12}
    assert from_data(to_data(reason), Reason) == reason


@given(data=st.data())
def test_every_reason_makes_the_round_trip_through_plain_data(data: st.DataObject) -> None:
    code, template = data.draw(st.sampled_from([p.values for p in TEMPLATE_CASES]))
    reason = data.draw(reasons_for(code, template, data.draw(st.sampled_from(COUNT_SHAPES))))
    assert from_data(to_data(reason), Reason) == reason


def test_no_environment_variable_chooses_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME"):
        monkeypatch.setenv(name, "fr_FR.UTF-8")
    reason = Reason(ReasonCode.TRIAL, subscription="s1")
    assert reason.message() == "Subscription s1 is a trial; buy it before changing its licenses"
    assert str(Money.of("1234.5", "EUR")) == "1234.50 EUR"
    assert format_money(Money.of("1234.5", "EUR"), "en") == "€1,234.50"


def test_evolving_a_reason_keeps_exactly_the_values_it_holds() -> None:
    reason = Reason(ReasonCode.NO_ELIGIBLE_BASE, product="e3")
    changed = attrs.evolve(reason, product="e5")
    assert changed.values() == {"product": "e5"}
    assert Reason(ReasonCode.NO_ELIGIBLE_BASE, product="e3", products=()) == reason
    assert Reason(ReasonCode.NO_ELIGIBLE_BASE, product="e3", products=()).values() == {
        "product": "e3"
    }


def test_a_refusal_survives_pickling_with_its_reasons() -> None:
    import pickle

    from subcommerce.errors import Refused

    refused = Refused([Reason(ReasonCode.BELOW_ASSIGNED, subscription="s1", count=12)])
    again = pickle.loads(pickle.dumps(refused))
    assert again.reasons == refused.reasons
    assert str(again) == str(refused)
