"""Tables out: plain records and exact frames of the ledger, invoices, timelines, quotes, matrix."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import given

from strategies_orders import scenarios
from subcommerce import (
    BillingAccount,
    BillingAccountType,
    InexactAmount,
    InvalidAmount,
    MissingExtra,
    PaymentMethod,
    Role,
    RoleAssignment,
    SubcommerceError,
    Tenant,
    UnknownReference,
    availability,
    default_catalog,
)
from subcommerce.catalog import Addon, Catalog, DisplayName, LicenseUnit, Offer, Plan, Prices
from subcommerce.commands import AssignLicenses, ChangeLicenseQuantity
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Timeline, simulate
from subcommerce.tables import Column, Table

ANA = "ana@contoso.com"
CATALOG = default_catalog()
TENANT = Tenant(
    "contoso.com",
    account=BillingAccount(
        "contoso", BillingAccountType.MOSA, (RoleAssignment(ANA, Role.GLOBAL_ADMIN),)
    ),
)
BUY = PlaceOrder(
    actor=ANA,
    as_of=date(2025, 5, 1),
    payment_method=PaymentMethod.CARD,
    cart=Cart(
        (
            NewSubscription(
                product_id="m365-business-standard", quantity=20, subscription_id="standard"
            ),
        )
    ),
)
MORE = PlaceOrder(
    actor=ANA,
    as_of=date(2025, 5, 15),
    cart=Cart((ChangeLicenses(subscription_id="standard", quantity=25),)),
)
SCENARIO = Scenario(
    name="five more on the 15th",
    start=date(2025, 5, 1),
    tenant=TENANT,
    currency="USD",
    steps=(BUY, MORE),
)


def whatif() -> Timeline:
    """docs/whatif.md's timeline: 20 seats of Business Standard, 25 from May 15, to Aug 1."""
    return simulate(SCENARIO, date(2025, 8, 1), catalog=CATALOG)


def _no_float_columns(frame: Any) -> None:
    for name, dtype in frame.dtypes.items():
        assert not pd.api.types.is_float_dtype(dtype), f"{name} is a float column"


# -- examples -----------------------------------------------------------------------------------


def test_the_invoices_table_lists_each_invoice_with_its_total_worked_out_by_hand() -> None:
    rows = whatif().rows("invoices")
    # May 300.00 + 5 x 15.00 x 17/31 = 41.13; then 25 x 15.00 a month; Aug 1's charge is open.
    assert [(r["issued_on"], r["total"], r["issued"]) for r in rows] == [
        (date(2025, 6, 1), Decimal("341.13"), True),
        (date(2025, 7, 1), Decimal("375.00"), True),
        (date(2025, 8, 1), Decimal("375.00"), True),
        (date(2025, 9, 1), Decimal("375.00"), False),
    ]
    assert {r["currency"] for r in rows} == {"USD"}
    assert rows[0]["due_on"] == date(2025, 7, 1)


def test_the_entries_table_shows_the_credit_and_two_rebills_of_the_change() -> None:
    rows = [r for r in whatif().rows("entries") if r["cause"] == "license_change"]
    assert [(r["kind"], r["quantity"], r["days"], r["amount"]) for r in rows] == [
        ("credit", 20, 31, Decimal("-300.00")),
        ("rebill", 20, 14, Decimal("135.48")),
        ("rebill", 25, 17, Decimal("205.65")),
    ]
    assert {r["invoice_id"] for r in rows} == {"order-1/2025-06-01"}


def test_the_ledger_rows_are_its_entries_in_the_order_posted() -> None:
    timeline = whatif()
    rows = timeline.ledger.rows()
    assert [r["entry_id"] for r in rows] == [e.id for e in timeline.ledger.entries]
    assert rows[0]["unit_price"] == Decimal("15.00")
    assert rows[0]["period_days"] == 31


def test_an_invoice_gives_its_own_lines() -> None:
    invoice = whatif().invoices[0]
    assert [r["amount"] for r in invoice.rows()] == [
        Decimal("300.00"),
        Decimal("-300.00"),
        Decimal("135.48"),
        Decimal("205.65"),
    ]
    assert len(invoice.to_pandas()) == 4


def test_the_events_table_names_each_event_and_its_subscription() -> None:
    rows = whatif().rows("events")
    assert rows[0]["event"] == "subscription_purchased"
    assert rows[0]["subscription_id"] == "standard"
    assert rows[1] == {
        "on": date(2025, 5, 15),
        "event": "licenses_changed",
        "subscription_id": "standard",
        "detail": "before=20 after=25",
    }


def test_the_refusals_table_gives_the_codes_and_messages() -> None:
    assign = AssignLicenses(
        actor=ANA, as_of=date(2025, 5, 16), subscription_id="standard", count=22
    )
    fewer = ChangeLicenseQuantity(
        actor=ANA, as_of=date(2025, 5, 20), subscription_id="standard", quantity=20
    )
    scenario = Scenario(
        name="fewer",
        start=date(2025, 5, 1),
        tenant=TENANT,
        currency="USD",
        steps=(BUY, MORE, assign, fewer),
    )
    timeline = simulate(scenario, date(2025, 6, 1), catalog=CATALOG)
    (row,) = timeline.rows("refusals")
    assert row["index"] == 3
    assert row["on"] == date(2025, 5, 20)
    assert row["step"] == "ChangeLicenseQuantity"
    assert row["codes"] == "below_assigned"
    assert "22" in str(row["messages"])
    french = timeline.rows("refusals", lang="fr")[0]["messages"]
    assert french == "; ".join(timeline.refused[0].messages("fr")) != row["messages"]


def test_the_quote_table_shows_the_prorated_price_not_the_full_one() -> None:
    placed = simulate(SCENARIO, date(2025, 5, 1), catalog=CATALOG)
    review = quote(CATALOG, placed.tenant, MORE, ledger=placed.ledger)
    (row,) = review.rows()
    assert row["first_charge"] == Decimal("41.13")
    assert row["recurring"] == Decimal("375.00")
    assert (row["quantity_before"], row["quantity"], row["ok"]) == (20, 25, True)
    frame = review.to_pandas()
    assert frame.first_charge.sum() == Decimal("41.13")


def test_availability_rows_say_what_can_be_bought_and_why_not_the_rest() -> None:
    basic = Plan(
        "basic",
        DisplayName("Basic", "Basique"),
        offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="6.00")),),
    )
    storage = Addon(
        "storage",
        DisplayName("Storage", "Stockage"),
        available_on=("basic",),
        unit=LicenseUnit.CAPACITY,
        bounded_by_base=False,
        offers=(Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="0.20")),),
    )
    catalog = Catalog("mine", DisplayName("Mine", "Le mien"), plans=(basic,), addons=(storage,))
    nothing = availability(catalog, TENANT, date(2025, 5, 1))
    assert nothing.rows() == [
        {
            "as_of": date(2025, 5, 1),
            "addon_id": "storage",
            "kind": "standalone",
            "available": False,
            "connectable": "",
            "codes": "no_eligible_base",
        }
    ]
    assert nothing.to_pandas().available.tolist() == [False]


def test_the_matrix_frame_is_indexed_by_add_on_with_a_column_per_plan() -> None:
    matrix = CATALOG.matrix()
    frame = matrix.to_pandas()
    assert list(frame.columns) == list(matrix.plans)
    assert list(frame.index) == list(matrix.addons)
    # Seed 002's table: Exchange Online Archiving can be bought on Enterprise E1.
    assert frame.loc["o365-2015-exchange-online-archiving", "o365-2015-e1"] == "available"
    assert matrix.rows()[0]["addon_id"] == matrix.addons[0]


def test_a_frame_keeps_money_exact_and_dates_as_dates() -> None:
    frame = whatif().to_pandas("invoices")
    _no_float_columns(frame)
    assert str(frame.total.dtype) == "decimal128(38, 2)[pyarrow]"
    assert str(frame.issued_on.dtype) == "date32[day][pyarrow]"
    assert frame.total.sum() == Decimal("1466.13")
    assert frame.issued_on.iloc[0] == date(2025, 6, 1)
    assert str(frame.lines.dtype) == "int64[pyarrow]"


def test_a_unit_price_keeps_the_decimals_integer_minor_units_would_lose() -> None:
    table = Table(
        "prices",
        (Column("unit_price", "money"), Column("currency", "text")),
        [
            {"unit_price": Decimal("0.1234"), "currency": "USD"},
            {"unit_price": Decimal("6.00"), "currency": "USD"},
        ],
    )
    frame = table.to_pandas()
    assert str(frame.unit_price.dtype) == "decimal128(38, 4)[pyarrow]"
    assert frame.unit_price.tolist() == [Decimal("0.1234"), Decimal("6.0000")]


def test_a_fixed_money_scale_refuses_to_round() -> None:
    table = Table("prices", (Column("unit_price", "money"),), [{"unit_price": Decimal("0.125")}])
    with pytest.raises(InexactAmount, match="3 decimals"):
        table.to_pandas(money_scale=2)


def test_a_total_wider_than_38_digits_gets_a_256_bit_column_and_wider_still_is_refused() -> None:
    wide = Decimal("1" + "0" * 40 + ".00")  # a product of amounts may grow past 38 digits
    frame = Table("t", (Column("total", "money"),), [{"total": wide}]).to_pandas()
    assert str(frame.total.dtype) == "decimal256(76, 2)[pyarrow]"
    assert frame.total.tolist() == [wide]
    too_wide = Table("t", (Column("total", "money"),), [{"total": Decimal("1E+80")}])
    with pytest.raises(InvalidAmount, match="'total'"):
        too_wide.to_pandas()


def test_an_empty_table_still_has_its_columns_and_dtypes() -> None:
    frame = whatif().to_pandas("refusals")
    assert list(frame.columns) == ["index", "on", "step", "codes", "messages"]
    assert len(frame) == 0
    assert str(frame.on.dtype) == "date32[day][pyarrow]"


def test_a_timeline_has_no_table_by_another_name() -> None:
    with pytest.raises(UnknownReference, match="entries, invoices, events, refusals"):
        whatif().rows("lines")


def test_without_pandas_to_pandas_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(MissingExtra, match=r"subcommerce\[notebook\]") as caught:
        whatif().to_pandas()
    assert isinstance(caught.value, ModuleNotFoundError)
    assert isinstance(caught.value, SubcommerceError)
    assert caught.value.name == "pandas"


def test_rows_need_nothing_but_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    rows = whatif().rows("entries")
    kinds = {type(v) for row in rows for v in row.values()}
    assert kinds <= {str, int, bool, date, Decimal, type(None)}


# -- properties ---------------------------------------------------------------------------------


def _cents(value: object, exponent: int) -> int:
    assert isinstance(value, Decimal)
    scaled = value.scaleb(exponent)
    assert scaled == scaled.to_integral_value()
    return int(scaled)


@given(scenarios())
def test_the_rows_of_a_timeline_add_up_per_invoice_and_in_total_to_the_ledger(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    timeline = simulate(scenario, catalog=catalog)
    exponent = timeline.ledger.currency.exponent
    entries = timeline.rows("entries")
    # Every ledger entry is on exactly one invoice (issued or open), once.
    assert sorted(str(r["entry_id"]) for r in entries) == sorted(
        e.id for e in timeline.ledger.entries
    )
    per_invoice: dict[object, int] = {}
    for row in entries:
        per_invoice[row["invoice_id"]] = per_invoice.get(row["invoice_id"], 0) + _cents(
            row["amount"], exponent
        )
    invoices = timeline.rows("invoices")
    assert {r["invoice_id"]: _cents(r["total"], exponent) for r in invoices} == per_invoice
    ledger_total = sum(_cents(e.line.amount.amount, exponent) for e in timeline.ledger.entries)
    assert sum(per_invoice.values()) == ledger_total
    assert sum(_cents(r["total"], exponent) for r in invoices) == ledger_total


@given(scenarios(max_steps=4, max_days=200))
def test_a_frame_holds_the_same_values_as_the_rows_with_no_float_column(
    drawn: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = drawn
    timeline = simulate(scenario, catalog=catalog)
    for name in ("entries", "invoices", "events", "refusals"):
        rows = timeline.rows(name)
        frame = timeline.to_pandas(name)
        _no_float_columns(frame)
        assert list(frame.columns) == (list(rows[0]) if rows else list(frame.columns))
        back = [
            {k: (None if v is pd.NA or v is None else v) for k, v in record.items()}
            for record in frame.astype(object).to_dict("records")
        ]
        assert back == rows
