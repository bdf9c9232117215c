"""The catalog: the seed 002 table, the embedded catalogs, loading, dumping and validation."""

from __future__ import annotations

import copy
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_catalog import catalog_data
from subcommerce._builtin import (
    BUILTIN_CATALOGS,
    builtin_catalog,
    builtin_text,
    default_catalog,
    parse_catalog,
)
from subcommerce._convert import check_catalog, dump_catalog, load_catalog
from subcommerce.catalog import (
    Addon,
    Catalog,
    DisplayName,
    LicenseUnit,
    MatrixCell,
    Offer,
    Plan,
    Prices,
    merge_catalogs,
)
from subcommerce.cli import main
from subcommerce.errors import CatalogInvalid, InvalidAmount, UnknownReference
from subcommerce.money import Currency, Money
from subcommerce.periods import BillingFrequency, Term

# -- the seed 002 table, written out from shared/seeds/002_6d597c9fd610b4e2.txt ----------------
# Each add-on as the seed names it, with the plans it prints under "Disponible dans les
# abonnements suivants". One normalisation: the seed prints "Skype EntrepriseConférence PSTN"
# (no space, an extraction artefact); the catalog names it "Skype Entreprise Conférence PSTN".

SEED_002 = {
    "Référentiel sécurisé du client": [
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
    ],
    "Protection avancée contre les menaces Exchange": [
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
    ],
    "Archivage Exchange Online": [
        "Office 365 Business Essentials",
        "Office 365 Business Premium",
        "Office 365 Entreprise E1",
    ],
    "Microsoft MyAnalytics": [
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
    ],
    "Conformité avancée Office 365": [
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
    ],
    "Stockage de fichiers supplémentaire Office 365": [
        "Office 365 Business",
        "Office 365 Business Essentials",
        "Office 365 Business Premium",
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E2",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
        "Office 365 Entreprise E5",
        "Office Online avec SharePoint Online plan 1",
        "Office Online avec SharePoint Online plan 2",
        "SharePoint Online (plan 1)",
        "SharePoint Online (plan 2)",
    ],
    "Système téléphonique Office 365": [
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
        "Office 365 Entreprise E5",
    ],
    "Skype Entreprise Conférence PSTN": [
        "Office 365 Entreprise E1",
        "Office 365 Entreprise E3",
        "Office 365 Entreprise E4",
    ],
    "Consommation PSTN Skype Entreprise": ["Office 365 Entreprise E5"],
    "Appels nationaux PSTN Skype Entreprise": ["Office 365 Entreprise E5"],
    "Appels nationaux et internationaux PSTN Skype Entreprise": ["Office 365 Entreprise E5"],
}
SEED_PLANS = sorted({plan for plans in SEED_002.values() for plan in plans})


def seed_addons_on(plan_fr: str) -> set[str]:
    return {addon for addon, plans in SEED_002.items() if plan_fr in plans}


def matrix_by_french_name(catalog: Catalog, plan_fr: str) -> set[str]:
    plan = next(p for p in catalog.plans if p.name.fr == plan_fr)
    return {catalog.name_of(a, "fr") for a in catalog.matrix().available_on(plan.id)}


def test_the_seed_table_has_eleven_addons_and_twelve_plans() -> None:
    assert len(SEED_002) == 11
    assert len(SEED_PLANS) == 12


@pytest.mark.parametrize("plan_fr", SEED_PLANS)
def test_the_2015_catalog_reproduces_the_seed_table_for_each_plan(plan_fr: str) -> None:
    assert matrix_by_french_name(builtin_catalog("office365-2015"), plan_fr) == seed_addons_on(
        plan_fr
    )


@pytest.mark.parametrize("plan_fr", SEED_PLANS)
def test_the_default_catalog_reproduces_the_seed_table_for_each_plan(plan_fr: str) -> None:
    assert matrix_by_french_name(default_catalog(), plan_fr) == seed_addons_on(plan_fr)


def test_the_2015_catalog_has_exactly_the_seed_plans_and_addons_in_the_seed_order() -> None:
    catalog = builtin_catalog("office365-2015")
    assert [a.name.fr for a in catalog.addons] == list(SEED_002)
    assert sorted(p.name.fr for p in catalog.plans) == SEED_PLANS


def test_exchange_online_archiving_follows_the_seed_not_the_later_english_table() -> None:
    catalog = builtin_catalog("office365-2015")
    assert catalog.addon("o365-2015-exchange-online-archiving").available_on == (
        "o365-2015-business-essentials",
        "o365-2015-business-premium",
        "o365-2015-e1",
    )


def test_e5_includes_pstn_conferencing_which_the_matrix_marks_as_included() -> None:
    matrix = builtin_catalog("office365-2015").matrix()
    assert matrix.cell("o365-2015-pstn-conferencing", "o365-2015-e5") is MatrixCell.INCLUDED
    assert matrix.cell("o365-2015-pstn-conferencing", "o365-2015-e2") is MatrixCell.NONE


# -- the embedded catalogs ----------------------------------------------------------------------


def test_the_embedded_catalogs_load_and_merge_without_clashes() -> None:
    default = default_catalog()
    parts = [builtin_catalog(name) for name in BUILTIN_CATALOGS]
    assert len(default.plans) == sum(len(p.plans) for p in parts)
    assert len(default.addons) == sum(len(p.addons) for p in parts)
    assert {c.code for c in default.currencies} == {"USD", "EUR"}


def test_every_embedded_product_and_offer_says_where_it_comes_from() -> None:
    for catalog in map(builtin_catalog, BUILTIN_CATALOGS):
        assert catalog.source
        for product in (*catalog.plans, *catalog.addons):
            assert product.source, product.id
            assert product.name.en, product.id
            assert product.name.fr, product.id
            for offer in product.offers:
                assert offer.source, product.id


def test_the_current_catalog_prices_the_business_plans_in_usd_and_eur() -> None:
    catalog = builtin_catalog("microsoft365")
    for plan_id in ("m365-business-basic", "m365-business-standard", "m365-business-premium"):
        prices = [o.prices for o in catalog.offers(plan_id)]
        assert any(p.get("USD") for p in prices), plan_id
        assert any(p.get("EUR") for p in prices), plan_id


def test_a_price_depends_on_the_as_of_date() -> None:
    catalog = builtin_catalog("microsoft365")

    def price(code: str, day: date) -> Money | None:
        return catalog.price("m365-business-basic", Term.P1Y, BillingFrequency.ANNUAL, code, day)

    assert price("USD", date(2026, 6, 30)) == Money.of("6.00", "USD")
    assert price("USD", date(2026, 7, 1)) == Money.of("7.00", "USD")
    assert price("EUR", date(2022, 3, 1)) == Money.of("5.10", "EUR")
    assert price("EUR", date(2026, 6, 15)) == Money.of("5.20", "EUR")
    assert price("EUR", date(2024, 1, 1)) is None  # not found for that time: no invented price
    assert price("USD", date(2021, 1, 1)) is None  # before the first sourced window


def test_a_period_price_is_the_monthly_price_times_the_months_billed() -> None:
    offer = Offer(Term.P1Y, BillingFrequency.ANNUAL, Prices.of(USD="12.50"))
    assert offer.period_price("USD") == Money.of("150.00", "USD")
    monthly = Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="13.13"))
    assert monthly.period_price("USD") == Money.of("13.13", "USD")
    assert offer.period_price("EUR") is None


def test_extra_file_storage_is_sold_in_capacity_units() -> None:
    for addon_id in ("extra-file-storage", "o365-2015-extra-file-storage"):
        assert default_catalog().addon(addon_id).unit is LicenseUnit.CAPACITY


def test_a_plan_can_include_what_another_plan_buys_as_an_addon() -> None:
    catalog = builtin_catalog("microsoft365")
    assert "teams-phone" in catalog.plan("m365-e5").grants
    assert "teams-phone" in catalog.addon("teams-phone-standard").grants
    assert catalog.matrix().cell("teams-phone-standard", "m365-e5") is MatrixCell.INCLUDED
    assert catalog.matrix().cell("teams-phone-standard", "m365-e3") is MatrixCell.AVAILABLE


def test_looking_up_an_unknown_product_names_it() -> None:
    catalog = default_catalog()
    with pytest.raises(UnknownReference, match="nope"):
        catalog.product("nope")
    with pytest.raises(LookupError, match="is an add-on, not a plan"):
        catalog.plan("m365-copilot")
    with pytest.raises(LookupError, match="is a plan, not an add-on"):
        catalog.addon("m365-e3")


# -- loading and dumping ------------------------------------------------------------------------


@given(catalog_data())
def test_load_dump_load_is_the_identity(data: dict[str, Any]) -> None:
    catalog = load_catalog(data)
    dumped = dump_catalog(catalog)
    assert load_catalog(dumped) == catalog
    assert dump_catalog(load_catalog(dumped)) == dumped
    assert load_catalog(json.loads(json.dumps(dumped))) == catalog


@pytest.mark.parametrize("name", BUILTIN_CATALOGS)
def test_the_embedded_catalogs_survive_a_dump_and_a_load(name: str) -> None:
    catalog = builtin_catalog(name)
    assert load_catalog(dump_catalog(catalog)) == catalog


def test_a_dumped_catalog_keeps_amounts_as_strings_and_leaves_defaults_out() -> None:
    data = dump_catalog(builtin_catalog("microsoft365"))
    offer = data["plans"][0]["offers"][0]
    assert offer["prices"] == {"EUR": "5.10", "USD": "6.00"}
    assert offer["valid_from"] == "2022-03-01"
    assert "unpriced" not in offer
    assert "must_connect" not in data["addons"][0]


def test_a_catalog_parses_from_json_text_with_decimals() -> None:
    text = json.dumps(dump_catalog(builtin_catalog("office365-2015")))
    assert parse_catalog(text, "json") == builtin_catalog("office365-2015")


def test_json_numbers_become_decimals_not_floats() -> None:
    data = _small()
    data["plans"][0]["offers"] = [
        {"term": "P1Y", "billing_frequency": "annual", "prices": {"USD": 6.1, "EUR": 5.25}}
    ]
    catalog = parse_catalog(json.dumps(data), "json")
    assert catalog.plans[0].offers[0].prices.get("USD") == Money(Decimal("6.1"), Currency.of("USD"))


def test_a_float_price_in_plain_data_is_refused_with_its_path() -> None:
    data = _small()
    data["plans"][0]["offers"] = [
        {"term": "P1Y", "billing_frequency": "annual", "prices": {"USD": 6.1}}
    ]
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(data)
    (problem,) = caught.value.problems
    assert problem.startswith("catalog.plans[0].offers[0].prices: ")
    assert "float" in problem


def test_broken_text_is_reported_as_an_invalid_catalog() -> None:
    with pytest.raises(CatalogInvalid, match="not valid TOML"):
        parse_catalog("id = ")
    with pytest.raises(CatalogInvalid, match="not valid JSON"):
        parse_catalog("{", "json")
    with pytest.raises(UnknownReference, match="yaml"):
        parse_catalog("", "yaml")


def test_a_catalog_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(CatalogInvalid, match="is a table"):
        load_catalog(["not", "a", "catalog"])


# -- validation ---------------------------------------------------------------------------------


def _small() -> dict[str, Any]:
    return {
        "id": "small",
        "name": {"en": "Small", "fr": "Petit"},
        "currencies": ["USD", "EUR"],
        "capabilities": [
            {"id": "voice", "name": {"en": "Voice", "fr": "Voix"}},
            {"id": "calls", "name": {"en": "Calls", "fr": "Appels"}},
        ],
        "plans": [
            {"id": "e3", "name": {"en": "E3", "fr": "E3"}},
            {"id": "e5", "name": {"en": "E5", "fr": "E5"}, "grants": ["voice"]},
        ],
        "addons": [
            {
                "id": "phone",
                "name": {"en": "Phone", "fr": "Téléphone"},
                "available_on": ["e3"],
                "grants": ["voice"],
            },
            {
                "id": "calling",
                "name": {"en": "Calling", "fr": "Appels"},
                "available_on": ["e3", "e5"],
                "requires": ["voice"],
                "grants": ["calls"],
            },
        ],
    }


def test_a_sound_catalog_has_no_problems() -> None:
    assert check_catalog(_small()) == ()


def test_every_fault_of_a_bad_catalog_is_reported_together_with_its_path() -> None:
    data = _small()
    data["plans"].append({"id": "e3", "name": {"en": "E3 again", "fr": "E3 encore"}})
    data["capabilities"].append({"id": "voice", "name": {"en": "V", "fr": "V"}})
    data["addons"][0]["available_on"] = ["e3", "e7"]  # dangling
    data["addons"][1]["excludes"] = ["ghost"]  # dangling
    data["plans"][1]["grants"] = ["voice", "video"]  # dangling
    data["plans"][0]["offers"] = [
        {"term": "P1Y", "billing_frequency": "annual", "prices": {"USD": "23.00"}}  # no EUR
    ]
    data["addons"][0]["requires"] = ["calls"]  # phone needs calling, calling needs phone
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(data)
    problems = caught.value.problems
    expected_paths = [
        "catalog.capabilities[2].id",
        "catalog.plans[2].id",
        "catalog.plans[0].offers[0].prices",
        "catalog.plans[1].grants[1]",
        "catalog.addons[0].available_on[1]",
        "catalog.addons[1].excludes[0]",
        "catalog.addons[0].requires",
    ]
    assert sorted(p.split(": ")[0] for p in problems) == sorted(expected_paths)
    assert any("duplicate product id 'e3'" in p for p in problems)
    assert any("duplicate capability id 'voice'" in p for p in problems)
    assert any("no price in EUR" in p for p in problems)
    assert any("prerequisite cycle phone -> calling -> phone" in p for p in problems)
    assert isinstance(caught.value, ValueError)


def test_faults_of_shape_are_reported_together_with_their_paths() -> None:
    data = _small()
    data["currencies"] = ["USD", "XYZ"]
    data["plans"][0]["colour"] = "blue"
    data["addons"][0]["unit"] = "per_gallon"
    data["addons"][1]["name"] = {"en": "Calling"}
    problems = check_catalog(data)
    assert [p.split(": ")[0] for p in problems] == [
        "catalog.currencies[1]",
        "catalog.plans[0]",
        "catalog.addons[0].unit",
        "catalog.addons[1].name.fr",
    ]


def test_an_addon_that_requires_what_it_grants_is_a_cycle_of_one() -> None:
    data = _small()
    data["addons"][1]["requires"] = ["calls"]
    assert check_catalog(data) == (
        "catalog.addons[1].requires: prerequisite cycle calling -> calling",
    )


def test_a_long_prerequisite_cycle_is_reported_once_with_every_step() -> None:
    data = _small()
    data["capabilities"].append({"id": "fax", "name": {"en": "Fax", "fr": "Fax"}})
    data["addons"].append(
        {
            "id": "fax",
            "name": {"en": "Fax", "fr": "Fax"},
            "available_on": ["e3"],
            "requires": ["calls"],
            "grants": ["fax"],
        }
    )
    data["addons"][0]["requires"] = ["fax"]
    (problem,) = check_catalog(data)
    assert (
        problem == "catalog.addons[0].requires: prerequisite cycle phone -> fax -> calling -> phone"
    )


def test_other_faults_of_meaning_are_found() -> None:
    data = _small()
    data["addons"][0]["available_on"] = []
    data["addons"][1]["available_on"] = ["phone"]
    data["addons"][1]["excludes"] = ["calling"]
    data["addons"][1]["max_instances"] = 0
    data["plans"][0]["sold_from"] = "2025-01-01"
    data["plans"][0]["sold_until"] = "2024-01-01"
    data["plans"][1]["offers"] = [
        {"term": "P1M", "billing_frequency": "annual", "unpriced": ["USD", "EUR"]},
        {
            "term": "P1Y",
            "billing_frequency": "annual",
            "prices": {"USD": "-1", "EUR": "2"},
            "unpriced": ["EUR", "JPY"],
            "valid_from": "2025-01-01",
            "valid_until": "2024-01-01",
        },
        {"term": "P1Y", "billing_frequency": "annual", "unpriced": ["USD", "EUR"]},
    ]
    data["plans"].append({"id": "has space", "name": {"en": "x", "fr": "x"}})
    problems = check_catalog(data)
    assert sorted(p.split(": ")[0] for p in problems) == sorted(
        [
            "catalog.plans[2].id",
            "catalog.plans[0].sold_until",
            "catalog.plans[1].offers[0].billing_frequency",
            "catalog.plans[1].offers[1].unpriced[0]",
            "catalog.plans[1].offers[1].unpriced[1]",
            "catalog.plans[1].offers[1].prices",
            "catalog.plans[1].offers[1].valid_until",
            "catalog.plans[1].offers[2]",
            "catalog.addons[0].available_on",
            "catalog.addons[1].available_on[0]",
            "catalog.addons[1].excludes[0]",
            "catalog.addons[1].max_instances",
        ]
    )
    assert any("'phone' an add-on, not a plan" in p for p in problems)


def _reference_sites(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every place in the data that holds a reference, with its path."""
    sites = []
    for section in ("plans", "addons"):
        for i, product in enumerate(data.get(section, [])):
            for key in ("grants", "available_on", "requires", "excludes"):
                for j, _ in enumerate(product.get(key, [])):
                    sites.append(((section, i, key, j), f"catalog.{section}[{i}].{key}[{j}]"))
    return sites


def _price_sites(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every declared-currency price that can be taken away, with the path of its offer."""
    declared = data.get("currencies", [])
    sites = []
    for section in ("plans", "addons"):
        for i, product in enumerate(data.get(section, [])):
            for k, offer in enumerate(product.get("offers", [])):
                for code in offer.get("prices", {}):
                    if code in declared:
                        path = f"catalog.{section}[{i}].offers[{k}].prices"
                        sites.append(((section, i, "offers", k, code), path))
    return sites


@given(catalog_data(), st.data())
def test_validation_finds_every_fault_injected_into_a_valid_catalog(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    sites = _reference_sites(data) + _price_sites(data)
    if not sites:
        assert check_catalog(data) == ()
        return
    chosen = draw.draw(
        st.lists(st.sampled_from(range(len(sites))), min_size=1, max_size=6, unique=True)
    )
    broken = copy.deepcopy(data)
    for n, index in enumerate(chosen):
        where, _ = sites[index]
        if len(where) == 4:
            section, i, key, j = where
            broken[section][i][key][j] = f"missing-{n}"
        else:
            section, i, _offers, k, code = where
            del broken[section][i]["offers"][k]["prices"][code]
    problems = check_catalog(broken)
    assert len(problems) == len(chosen)
    assert sorted(p.split(": ")[0] for p in problems) == sorted(sites[i][1] for i in chosen)


def test_merging_a_catalog_with_itself_reports_every_duplicate_product() -> None:
    catalog = builtin_catalog("office365-2015")
    with pytest.raises(CatalogInvalid) as caught:
        merge_catalogs("twice", DisplayName("Twice", "Deux fois"), [catalog, catalog])
    assert len(caught.value.problems) == len(catalog.plans) + len(catalog.addons)


def test_a_catalog_built_in_python_is_validated_like_loaded_data() -> None:
    with pytest.raises(CatalogInvalid, match="'nowhere' names no plan"):
        Catalog(
            "c",
            DisplayName("C", "C"),
            addons=(Addon("a", DisplayName("A", "A"), available_on=("nowhere",)),),
        )


def test_prices_refuse_a_currency_twice() -> None:
    with pytest.raises(InvalidAmount, match="twice"):
        Prices((Money.of("1", "USD"), Money.of("2", "USD")))


def test_display_names_exist_in_english_and_french_only() -> None:
    name = DisplayName("Exchange Online Archiving", "Archivage Exchange Online")
    assert name.get("fr") == "Archivage Exchange Online"
    with pytest.raises(UnknownReference):
        name.get("de")


def test_a_plan_sale_window_is_half_open() -> None:
    plan = Plan("p", DisplayName("P", "P"), sold_from=date(2020, 1, 1), sold_until=date(2021, 1, 1))
    assert plan.is_sold_on(date(2020, 1, 1))
    assert not plan.is_sold_on(date(2021, 1, 1))


# -- the command line ---------------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["catalog", *argv], out)
    return status, out.getvalue()


def test_the_catalog_command_prints_the_seed_table_in_french() -> None:
    status, text = _run("--lang", "fr")
    assert status == 0
    for addon in SEED_002:
        assert addon in text
    assert "Office Online avec SharePoint Online plan 2" in text
    assert "x : peut être acheté" in text


def test_the_catalog_command_marks_each_cell() -> None:
    status, text = _run("--catalog", "office365-2015")
    assert status == 0
    lockbox = next(line for line in text.splitlines() if line.startswith("Customer Lockbox"))
    assert lockbox.split()[2:] == [".", ".", ".", "x", ".", "x", "x", ".", ".", ".", ".", "."]


def test_the_catalog_json_is_stable_and_keeps_amounts_as_strings() -> None:
    first = _run("--json")[1]
    assert first == _run("--json")[1]
    payload = json.loads(first)
    current = payload["catalogs"][1]
    assert current["id"] == "microsoft365"
    assert current["data"]["plans"][0]["offers"][0]["prices"]["USD"] == "6.00"
    lockbox = payload["catalogs"][0]["addons"][0]
    assert lockbox["available_on"] == ["o365-2015-e1", "o365-2015-e3", "o365-2015-e4"]


def test_the_catalog_command_prints_a_catalog_of_your_own(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(_small()), encoding="utf-8")
    status, text = _run("--file", str(path))
    assert status == 0
    assert "Calling" in text
    status, text = _run("--catalog", "default", "--json")
    assert json.loads(text)["catalogs"][0]["id"] == "default"


def test_the_catalog_command_reports_a_bad_catalog_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _small()
    data["addons"][0]["available_on"] = ["e9"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _run("--file", str(path))[0] == 3
    assert "catalog.addons[0].available_on[0]" in capsys.readouterr().err
    assert _run("--file", str(tmp_path / "missing.toml"))[0] == 3


def test_the_embedded_toml_is_the_package_data() -> None:
    assert "seed 002" in builtin_text("office365-2015")
    with pytest.raises(UnknownReference):
        builtin_text("office365-1999")
