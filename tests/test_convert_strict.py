"""The boundary is strict: outside data becomes a value or a ConversionError that names the culprit.

Each silent coercion the converter used to make has its own test here; the expected messages are
written by hand from the issue ("Scenario.steps[3].cart[0].quantity: 12.9 is not a whole number of
licenses").
"""

from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from subcommerce import (
    AddAddon,
    CancelSubscription,
    Catalog,
    CatalogInvalid,
    ChangeLicenses,
    ConversionError,
    Currency,
    Event,
    LicensesChanged,
    Money,
    NewSubscription,
    Period,
    PlaceOrder,
    Scenario,
    SetRecurringBilling,
    Step,
    SubcommerceError,
    Tenant,
    Term,
    demo_scenario,
    from_data,
    from_json,
    load_catalog,
    parse_catalog,
    parse_scenario,
    to_data,
    to_json,
)
from subcommerce.commands import Command
from subcommerce.orders import CartLine

ON = date(2025, 3, 1)


def refusal(data: Any, cls: Any) -> str:
    """The message of the ConversionError that ``from_data(data, cls)`` raises."""
    with pytest.raises(ConversionError) as caught:
        from_data(data, cls)
    assert isinstance(caught.value, ValueError)
    return str(caught.value)


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = to_data(demo_scenario())
    return data


# -- the four silent coercions of the issue --------------------------------------------------------


def test_recurring_billing_false_as_a_string_is_refused_not_read_as_true() -> None:
    data = to_data(
        SetRecurringBilling(actor="ana", as_of=ON, subscription_id="s1", recurring_billing=False)
    )
    data["recurring_billing"] = "false"
    message = refusal(data, SetRecurringBilling)
    assert message == (
        "SetRecurringBilling.recurring_billing: 'false' is not a bool (true or false)"
    )


def test_a_quantity_of_12_point_9_is_refused_not_cut_to_12_licenses() -> None:
    data = demo_data()
    data["steps"][3] = {
        "type": "place_order",
        "actor": "ana@contoso.com",
        "as_of": "2025-03-01",
        "cart": [{"type": "change_licenses", "subscription_id": "standard", "quantity": 12.9}],
    }
    assert refusal(data, Scenario) == (
        "Scenario.steps[3].cart[0].quantity: 12.9 is not a whole number of licenses"
    )


def test_a_quantity_read_from_toml_as_a_decimal_is_refused_too() -> None:
    text = """
        type = "change_licenses"
        subscription_id = "standard"
        quantity = 12.9
    """
    import tomllib

    data = tomllib.loads(text, parse_float=Decimal)
    assert refusal(data, CartLine) == (
        "CartLine.quantity: Decimal('12.9') is not a whole number of licenses"
    )


def test_an_actor_of_none_is_refused_not_turned_into_the_string_none() -> None:
    data = to_data(CancelSubscription(actor="ana", as_of=ON, subscription_id="s1"))
    data["actor"] = None
    assert refusal(data, CancelSubscription) == (
        "CancelSubscription.actor: None where a string is needed"
    )


def test_aliases_given_as_one_string_are_refused_not_split_into_letters() -> None:
    text = """
        id = "c"
        name = { en = "C", fr = "C" }
        [[plans]]
        id = "p"
        name = { en = "P", fr = "P" }
        aliases = "Old"
    """
    with pytest.raises(CatalogInvalid) as caught:
        parse_catalog(text)
    assert caught.value.problems == ("catalog.plans[0].aliases: 'Old' is not a list",)


# -- every kind of leaf ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "True is a bool, not a whole number"),
        ("10", "'10' is not a whole number of licenses"),
        (10.0, "10.0 is not a whole number of licenses"),
        (None, "None is not a whole number"),
        ([10], "[10] is not a whole number"),
    ],
)
def test_an_int_field_refuses_bools_strings_floats_and_none(value: Any, message: str) -> None:
    data = {"subscription_id": "s1", "quantity": value}
    assert refusal(data, ChangeLicenses) == f"ChangeLicenses.quantity: {message}"


@pytest.mark.parametrize(
    ("value", "shown"), [(1, "1"), (0, "0"), ("true", "'true'"), (None, "None")]
)
def test_a_bool_field_refuses_ints_strings_and_none(value: Any, shown: str) -> None:
    data = {"subscription_id": "s1", "quantity": 3, "auto_assign": value}
    assert refusal(data, ChangeLicenses) == (
        f"ChangeLicenses.auto_assign: {shown} is not a bool (true or false)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "None where a string is needed"),
        (7, "7 is not a string"),
        (["s1"], "['s1'] is not a string"),
        ({"id": "s1"}, "{'id': 's1'} is not a string"),
    ],
)
def test_an_id_refuses_none_numbers_and_containers(value: Any, message: str) -> None:
    data = {"subscription_id": value, "quantity": 3}
    assert refusal(data, ChangeLicenses) == f"ChangeLicenses.subscription_id: {message}"


def test_an_unknown_enum_value_is_refused_with_the_values_allowed() -> None:
    data = {"addon_id": "a", "quantity": 1, "term": "P2Y"}
    assert refusal(data, AddAddon) == "AddAddon.term: 'P2Y' is not one of 'P1M', 'P1Y', 'P3Y'"


def test_an_enum_refuses_its_member_name_and_a_value_of_another_type() -> None:
    assert "'P1M', 'P1Y', 'P3Y'" in refusal(
        {"addon_id": "a", "quantity": 1, "term": "P1Y "}, AddAddon
    )
    assert "is not one of" in refusal({"addon_id": "a", "quantity": 1, "term": 1}, AddAddon)
    assert from_data({"addon_id": "a", "quantity": 1, "term": "P1Y"}, AddAddon).term is Term.P1Y


def test_a_datetime_is_refused_where_a_date_belongs_instead_of_being_truncated() -> None:
    data = {"actor": "ana", "as_of": datetime(2025, 3, 1, 23, 30), "subscription_id": "s1"}
    message = refusal(data, CancelSubscription)
    assert message.startswith("CancelSubscription.as_of: ")
    assert "datetime.datetime(2025, 3, 1, 23, 30) is a datetime" in message


@pytest.mark.parametrize(
    "text", ["2025-03-01T00:00", "20250301", "2025-W09-6", "2025-3-1", " 2025-03-01"]
)
def test_a_date_must_be_written_yyyy_mm_dd_and_nothing_else(text: str) -> None:
    data = {"actor": "ana", "as_of": text, "subscription_id": "s1"}
    assert refusal(data, CancelSubscription) == (
        f"CancelSubscription.as_of: {text!r} is not an ISO date (YYYY-MM-DD)"
    )


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        ("007", "is not written as subcommerce writes it: '7'"),
        ("1e5", "is not a decimal number such as '36.00'"),
        (" 36.00", "is not a decimal number such as '36.00'"),
        ("NaN", "is not a decimal number such as '36.00'"),
    ],
)
def test_an_amount_is_one_number_written_one_way(amount: str, why: str) -> None:
    message = refusal({"amount": amount, "currency": "USD"}, Money)
    assert message == f"Money.amount: {amount!r} {why}"


def test_an_amount_too_large_to_round_quickly_is_refused_at_once() -> None:
    started = time.perf_counter()
    message = refusal({"amount": Decimal("1e999999999"), "currency": "USD"}, Money)
    assert "is too large: amounts are below 10**15" in message  # money's own limit
    assert time.perf_counter() - started < 10  # a hang guard, not a speed test


def test_a_currency_code_is_three_capital_letters_or_a_hand_built_table() -> None:
    assert "unknown currency code 'usd'" in refusal("usd", Currency)
    assert "Currency.exponent: '2' is not a whole number" in refusal(
        {"code": "XTS", "exponent": "2"}, Currency
    )
    assert "Currency.code: 'xts' is not a currency code" in refusal(
        {"code": "xts", "exponent": 2}, Currency
    )


# -- shapes ---------------------------------------------------------------------------------------


def test_an_unknown_field_is_refused_naming_it_and_the_fields_allowed() -> None:
    data = {"start": "2025-01-01", "end": "2025-02-01", "days": 31}
    assert refusal(data, Period) == "Period: unknown field 'days' (expected one of 'start', 'end')"


def test_a_missing_field_is_named() -> None:
    assert refusal({"start": "2025-01-01"}, Period) == "Period.end: a required field is missing"


def test_a_list_where_a_table_belongs_is_refused() -> None:
    assert refusal(["2025-01-01", "2025-02-01"], Period) == (
        "Period: ['2025-01-01', '2025-02-01'] is not a table of the fields of Period"
    )


def test_every_fault_of_a_document_is_reported_at_once() -> None:
    data = demo_data()
    data["steps"][0]["actor"] = 5
    data["steps"][1]["unlicensed_users"] = "2"
    data["tenant"]["organization"] = None
    message = refusal(data, Scenario)
    assert message.split("; ") == [
        "Scenario.tenant.organization: None where a string is needed",
        "Scenario.steps[0].actor: 5 is not a string",
        "Scenario.steps[1].unlicensed_users: '2' is not a whole number",
    ]


def test_a_refused_load_changes_nothing_in_the_data_it_was_given() -> None:
    data = demo_data()
    data["steps"][2]["cart"][0]["quantity"] = 1.5
    before = repr(data)
    refusal(data, Scenario)
    assert repr(data) == before


# -- tagged unions --------------------------------------------------------------------------------


def test_a_command_written_alone_carries_its_type_tag_first() -> None:
    data = to_data(CancelSubscription(actor="ana", as_of=ON, subscription_id="s1"))
    assert list(data) == ["type", "actor", "as_of", "subscription_id"]
    assert data["type"] == "cancel_subscription"


def test_a_command_reads_back_by_its_tag_as_a_step_and_as_a_command() -> None:
    command = CancelSubscription(actor="ana", as_of=ON, subscription_id="s1")
    data = to_data(command)
    assert from_data(data, Step) == command
    assert from_data(data, Command) == command
    assert from_data(data, CancelSubscription) == command


def test_an_order_is_a_step_but_not_a_command() -> None:
    order = demo_scenario().steps[0]
    assert isinstance(order, PlaceOrder)
    assert from_data(to_data(order), Step) == order
    assert "'place_order' is not a type tag here" in refusal(to_data(order), Command)


def test_a_step_without_a_tag_is_refused_listing_the_tags_expected() -> None:
    message = refusal({"actor": "ana", "as_of": "2025-03-01", "subscription_id": "s1"}, Step)
    assert message.startswith("Step: the 'type' tag is missing (expected one of ")
    assert "'cancel_subscription'" in message
    assert "'place_order'" in message


def test_an_unknown_tag_is_refused_naming_it_and_the_tags_expected() -> None:
    message = refusal({"type": "cancel", "subscription_id": "s1"}, Step)
    assert message.startswith("Step: 'cancel' is not a type tag here (expected one of ")


def test_a_tag_that_names_another_class_is_refused() -> None:
    data = to_data(CancelSubscription(actor="ana", as_of=ON, subscription_id="s1"))
    data["type"] = "reactivate"
    assert refusal(data, CancelSubscription) == (
        "CancelSubscription: 'reactivate' is not the type tag of CancelSubscription "
        "('cancel_subscription')"
    )


def test_cart_lines_and_events_carry_their_tags() -> None:
    line = NewSubscription(product_id="p", quantity=3)
    assert to_data(line)["type"] == "new_subscription"
    assert from_data(to_data(line), CartLine) == line
    event = LicensesChanged("s1", ON, 3, 5)
    assert to_data(event)["type"] == "licenses_changed"
    assert from_data(to_data(event), Event) == event


# -- to_data is total -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [object(), 1.5, {1: "a"}, date.today])
def test_to_data_refuses_what_it_cannot_write_instead_of_returning_it(value: Any) -> None:
    with pytest.raises(ConversionError, match="cannot write"):
        to_data(value)


def test_to_data_writes_sets_as_sorted_lists_and_pairs_as_lists() -> None:
    from subcommerce import DEFAULT_POLICY

    data = to_data(DEFAULT_POLICY)
    assert data["window_accounts"] == ["mca", "mpa"]
    assert data["not_reactivatable"] == [["cloud_solution_provider", "expired"]]


# -- the measure of documents ---------------------------------------------------------------------


def test_a_document_nested_100000_deep_is_one_problem_quickly() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    started = time.perf_counter()
    message = refusal({"organization": "c", "subscriptions": deep}, Tenant)
    assert message == (
        "Tenant.subscriptions[0][0][0][0][0]...: the document is nested deeper than 32 levels"
    )
    assert time.perf_counter() - started < 10  # a hang guard


def test_json_text_nested_100000_deep_is_one_problem_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(ConversionError) as caught:
        from_json(
            '{"organization": "c", "subscriptions": ' + "[" * 100_000 + "]" * 100_000 + "}", Tenant
        )
    assert "nested" in str(caught.value)
    assert time.perf_counter() - started < 10  # a hang guard


def test_toml_text_nested_100000_deep_is_one_problem_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(ConversionError) as caught:
        parse_scenario("steps = " + "[" * 100_000 + "]" * 100_000)
    assert "nested" in str(caught.value)
    assert time.perf_counter() - started < 10  # a hang guard


def test_a_long_string_where_a_list_belongs_is_one_problem_quickly() -> None:
    started = time.perf_counter()
    message = refusal({"organization": "c", "subscriptions": "s" * 200_000}, Tenant)
    assert message == (
        "Tenant.subscriptions: a string of 200,000 characters, longer than the 4,096 allowed"
    )
    assert time.perf_counter() - started < 10  # a hang guard


def test_an_over_long_id_is_refused_naming_its_path() -> None:
    message = refusal({"actor": "a" * 5000, "as_of": "2025-03-01", "subscription_id": "s"}, Step)
    assert message.startswith("Step.actor: a string of 5,000 characters")


def test_a_lone_surrogate_is_not_text() -> None:
    message = refusal({"organization": "a\ud800b"}, Tenant)
    assert message == "Tenant.organization: 'a\\ud800b' is not valid Unicode (a lone surrogate)"


def test_bytes_that_are_not_utf8_are_refused_naming_the_offset() -> None:
    with pytest.raises(ConversionError) as caught:
        parse_scenario(b'name = "caf\xe9"')
    assert str(caught.value) == "scenario: not UTF-8 text (byte 0xe9 at offset 11)"
    with pytest.raises(CatalogInvalid) as refused:
        parse_catalog(b"\xff\xfe")
    assert refused.value.problems == ("catalog: not UTF-8 text (byte 0xff at offset 0)",)


def test_utf8_bytes_load_like_text_and_a_byte_order_mark_is_dropped() -> None:
    text = to_json(demo_scenario())
    assert from_json(("\ufeff" + text).encode("utf-8"), Scenario) == demo_scenario()


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ('{"amount": NaN, "currency": "USD"}', "NaN"),
        ('{"amount": "1", "amount": "2", "currency": "USD"}', "'amount' is given twice"),
        ('{"amount": ' + "9" * 5000 + ', "currency": "USD"}', "not valid JSON"),
        ('{"amount": "1",', "not valid JSON"),
    ],
)
def test_json_that_would_change_a_value_or_cannot_be_read_is_refused(
    text: str, culprit: str
) -> None:
    with pytest.raises(ConversionError) as caught:
        from_json(text, Money)
    assert culprit in str(caught.value)
    assert str(caught.value).startswith("Money: ")


def test_a_catalog_that_is_not_a_table_is_one_problem() -> None:
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog(["plans"])
    assert caught.value.problems == ("catalog: a catalog is a table (dict), got list",)


def test_a_catalog_too_deep_is_one_problem() -> None:
    deep: Any = {}
    for _ in range(50):
        deep = {"x": deep}
    with pytest.raises(CatalogInvalid) as caught:
        load_catalog({"id": "c", "name": deep})
    assert len(caught.value.problems) == 1
    assert "nested deeper than 32 levels" in caught.value.problems[0]


# -- JSON text ------------------------------------------------------------------------------------


def test_to_json_is_compact_in_declared_order_and_the_same_every_time() -> None:
    command = CancelSubscription(actor="ana", as_of=ON, subscription_id="s1")
    assert to_json(command) == (
        '{"type":"cancel_subscription","actor":"ana","as_of":"2025-03-01","subscription_id":"s1"}'
    )
    assert to_json(demo_scenario()) == to_json(parse_scenario(to_json(demo_scenario()), "json"))


def test_to_json_indents_on_request_and_keeps_non_ascii_as_it_is() -> None:
    text = to_json(Tenant("café.fr"), indent=2)
    assert text == '{\n  "organization": "café.fr"\n}'
    assert from_json(text, Tenant) == Tenant("café.fr")


def test_from_json_of_a_catalog_dump_is_the_catalog() -> None:
    from subcommerce import default_catalog

    catalog = default_catalog()
    assert from_json(to_json(catalog), Catalog) == catalog


def test_every_refusal_is_a_subcommerce_error_and_a_value_error() -> None:
    for data, cls in [({"type": 1}, Step), ("x", Money), ([], Scenario)]:
        with pytest.raises(SubcommerceError) as caught:
            from_data(data, cls)
        assert isinstance(caught.value, ValueError)


def test_the_cli_refuses_a_file_that_is_not_utf8_in_one_line(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from subcommerce.cli import main

    path = tmp_path / "latin1.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    assert main(["simulate", str(path)]) != 0
    assert capsys.readouterr().err == "error: scenario: not UTF-8 text (byte 0xe9 at offset 11)\n"


@attrs.frozen
class _Either:
    """A value whose field is a string or a table, as a scenario's convention may become."""

    choice: str | Period
    note: str | None = None


def test_a_union_of_a_string_and_a_value_is_told_apart_by_shape() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    assert from_data({"choice": "exact"}, _Either) == _Either("exact")
    assert from_data(to_data(_Either(january)), _Either) == _Either(january)
    assert refusal({"choice": 5}, _Either) == "_Either.choice: 5 is none of str, Period"


@attrs.frozen
class _Leaves:
    """A value whose field may hold several kinds of leaf, as a reason's values may."""

    value: str | int | bool
    values: dict[str, str | int] = attrs.field(factory=dict)


@pytest.mark.parametrize("leaf", ["5", 5, True])
def test_a_union_of_leaves_keeps_each_leaf_as_it_is(leaf: Any) -> None:
    back = from_data({"value": leaf, "values": {"n": 3, "s": "x"}}, _Leaves)
    assert back == _Leaves(leaf, {"n": 3, "s": "x"})
    assert type(back.value) is type(leaf)


def test_a_union_of_leaves_refuses_what_it_does_not_name() -> None:
    assert refusal({"value": 1.5}, _Leaves) == "_Leaves.value: 1.5 is none of str, int, bool"
    assert refusal({"value": "a", "values": {"n": None}}, _Leaves).startswith("_Leaves.values")


@pytest.mark.parametrize("cls", [None, 5, "Money", object, dict, Any, complex])
def test_from_data_refuses_a_class_that_names_no_subcommerce_value(cls: Any) -> None:
    with pytest.raises(ConversionError, match="from_data"):
        from_data({"amount": "1.00", "currency": "USD"}, cls)


def test_every_member_of_a_tagged_union_has_its_own_tag() -> None:
    import typing

    from subcommerce._convert import TAGGED_UNIONS, tag_of

    for union, name in TAGGED_UNIONS.items():
        tags = [tag_of(member) for member in typing.get_args(union)]
        assert None not in tags, name
        assert len(set(tags)) == len(tags), name
    assert tag_of(CancelSubscription) == "cancel_subscription"
    assert tag_of(Money) is None
