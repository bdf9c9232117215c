"""A license change the book writes from its charge's row is the change its frozen line gives.

The book changes a charge it holds as a row of its own convention from the row's fields
(``Book._change_row``: :func:`subcommerce.layouts.change_rows`, the lines
:func:`~subcommerce.layouts.change_quantity` builds, as rows), writing the rows without building a
line; any other charge goes through its frozen line and ``change_quantity`` (``_post_lines``).
With the row path switched off every change takes the other, so a timeline, a resumed one and a
quote must read the same either way, under every convention and on amounts a row cannot hold.
A row path that got one rebill a minor unit wrong is caught by the same comparison.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from held_quotes import assert_the_same_without
from subcommerce import invoices as invoices_module
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
from subcommerce.commands import CancelSubscription, ChangeLicenseQuantity
from subcommerce.errors import SubcommerceError
from subcommerce.invoices import Book
from subcommerce.layouts import change_quantity, change_rows
from subcommerce.money import Money, units_of
from subcommerce.orders import Cart, ChangeLicenses, NewSubscription, PlaceOrder, quote
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.proration import PRESETS, LineKind, ProrationConvention, prorate
from subcommerce.simulate import Scenario, Step, begin, resume, simulate
from subcommerce.strategies.orders import ADMIN, mosa_tenant, scenarios

PLANS = ("alpha", "beta")


def _catalog(prices: tuple[str, str]) -> Catalog:
    """Two plans on P1M and P1Y, billed monthly (and P1Y annually), at ``prices`` (USD)."""
    plans = []
    for plan, price in zip(PLANS, prices, strict=True):
        offers = (
            Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD=price)),
            Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD=price)),
            Offer(Term.P1Y, BillingFrequency.ANNUAL, Prices.of(USD=price)),
        )
        plans.append(Plan(plan, DisplayName(plan, plan), offers=offers))
    return Catalog("rows", DisplayName("Rows", "Rows"), plans=tuple(plans))


_PRICE = st.one_of(
    st.integers(0, 9_999).map(lambda cents: f"{cents // 100}.{cents % 100:02d}"),
    st.integers(1, 99).map(lambda whole: f"{whole}.00"),
    # so large that a change to many licenses gives a rebill a row cannot hold (2**63 units)
    st.integers(10**10, 10**12).map(lambda whole: f"{whole}.00"),
)


@st.composite
def changing(draw: st.DrawFn) -> tuple[Scenario, Catalog]:
    """A few subscriptions bought on a drawn day (a month end, often), then license changes up
    and down (some on the first day of a billing period, some several on one day, now and
    then to many licenses) and a cancellation, under a drawn convention, over up to 15 months."""
    start = draw(
        st.one_of(
            st.sampled_from([date(2025, 1, 31), date(2024, 2, 29), date(2025, 3, 30)]),
            st.dates(date(2024, 1, 1), date(2026, 12, 31)),
        )
    )
    catalog = _catalog((draw(_PRICE), draw(_PRICE)))
    ids = [f"s{n}" for n in range(draw(st.integers(1, 3)))]
    lines = []
    for sub_id in ids:
        term = draw(st.sampled_from([Term.P1M, Term.P1Y]))
        frequencies = [BillingFrequency.MONTHLY]
        if term is Term.P1Y:
            frequencies.append(BillingFrequency.ANNUAL)
        lines.append(
            NewSubscription(
                product_id=draw(st.sampled_from(PLANS)),
                quantity=draw(st.integers(1, 30)),
                term=term,
                billing_frequency=draw(st.sampled_from(frequencies)),
                subscription_id=sub_id,
            )
        )
    steps: list[Step] = [
        PlaceOrder(
            actor=ADMIN, as_of=start, payment_method=PaymentMethod.CARD, cart=Cart(tuple(lines))
        )
    ]
    day = start
    for _ in range(draw(st.integers(1, 12))):
        day += timedelta(days=draw(st.sampled_from([0, 0, 1, 7, 28, 30, 31, 45])))
        sub_id = draw(st.sampled_from(ids))
        if draw(st.integers(0, 15)) == 0:
            steps.append(CancelSubscription(actor=ADMIN, as_of=day, subscription_id=sub_id))
            continue
        quantity = draw(st.one_of(st.integers(1, 40), st.just(9_000_000)))
        steps.append(
            ChangeLicenseQuantity(actor=ADMIN, as_of=day, subscription_id=sub_id, quantity=quantity)
        )
    scenario = Scenario(
        name="rows",
        start=start,
        tenant=mosa_tenant(),
        currency="USD",
        steps=tuple(steps),
        until=day + timedelta(days=draw(st.integers(0, 120))),
        catalog="rows",
        convention=draw(st.sampled_from(sorted(PRESETS))),
    )
    return scenario, catalog


def _played(scenario: Scenario, catalog: Catalog) -> str:
    """The timeline as JSON, then the same played in two stretches; or the refusal."""
    try:
        text = to_json(simulate(scenario, catalog=catalog))
        middle = scenario.start + (scenario.until - scenario.start) / 2
        first = resume(begin(scenario, catalog=catalog), middle, catalog=catalog)
        return text + to_json(resume(first, scenario.until, catalog=catalog))
    except SubcommerceError as error:
        return f"{type(error).__name__}: {error}"


def _no_rows(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(Book, "_change_row", lambda *_: False)


def _the_same_without_rows(scenario: Scenario, catalog: Catalog) -> None:
    as_it_is = _played(scenario, catalog)
    with pytest.MonkeyPatch.context() as patch:
        _no_rows(patch)
        afresh = _played(scenario, catalog)
    assert as_it_is == afresh


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changing())
def test_a_timeline_of_license_changes_reads_the_same_with_the_row_path_switched_off(
    generated: tuple[Scenario, Catalog],
) -> None:
    _the_same_without_rows(*generated)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_steps=8, max_days=300))
def test_a_generated_timeline_reads_the_same_with_the_row_path_switched_off(
    generated: tuple[Scenario, Catalog],
) -> None:
    _the_same_without_rows(*generated)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), scenarios(max_steps=5, max_days=200))
def test_a_quote_on_a_held_ledger_is_the_same_with_the_row_path_switched_off(
    data: st.DataObject, generated: tuple[Scenario, object]
) -> None:
    assert_the_same_without(_no_rows, data, generated, 200)  # type: ignore[arg-type]


def _rows_scenario(convention: str, price: str = "12.34") -> tuple[Scenario, Catalog]:
    """One subscription of 10 licenses bought Jan 31, 2025 (month to month), changed to 13 on
    Feb 10, to 9 on Feb 28 (the first day of its next period), to 11 on Mar 5 and to 9,000,000
    on Apr 28, played to Jun 1."""
    changes = ((date(2025, 2, 10), 13), (date(2025, 2, 28), 9), (date(2025, 3, 5), 11))
    changes += ((date(2025, 4, 28), 9_000_000),)
    steps: list[Step] = [
        PlaceOrder(
            actor=ADMIN,
            as_of=date(2025, 1, 31),
            payment_method=PaymentMethod.CARD,
            cart=Cart(
                (
                    NewSubscription(
                        product_id="alpha", quantity=10, term=Term.P1M, subscription_id="s0"
                    ),
                )
            ),
        )
    ]
    steps += [
        ChangeLicenseQuantity(actor=ADMIN, as_of=day, subscription_id="s0", quantity=quantity)
        for day, quantity in changes
    ]
    scenario = Scenario(
        name="rows",
        start=date(2025, 1, 31),
        tenant=mosa_tenant(),
        currency="USD",
        steps=tuple(steps),
        until=date(2025, 6, 1),
        catalog="rows",
        convention=convention,
    )
    return scenario, _catalog((price, price))


@pytest.mark.parametrize("convention", sorted(PRESETS))
def test_every_convention_writes_a_change_alike_either_way(convention: str) -> None:
    _the_same_without_rows(*_rows_scenario(convention))


def test_a_rebill_no_row_can_hold_is_kept_as_an_entry_either_way() -> None:
    scenario, catalog = _rows_scenario("exact", "1000000000000.00")
    timeline = simulate(scenario, catalog=catalog)
    huge = [
        e for e in timeline.ledger if abs(units_of(e.amount) or e.amount.minor_units()) >= 2**63
    ]
    assert huge  # the change to 9,000,000 licenses at 10**12 a license: beyond a row
    assert LineKind.REBILL in {e.line.kind for e in huge}
    _the_same_without_rows(scenario, catalog)


def test_a_row_path_one_minor_unit_off_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, catalog = _rows_scenario("exact")
    right = _played(scenario, catalog)

    def off_by_one(*args: object) -> object:
        lines = change_rows(*args)  # type: ignore[arg-type]
        kind, quantity, span, units, note = lines[-1]
        return (*lines[:-1], (kind, quantity, span, units + 1, note))

    monkeypatch.setattr(invoices_module, "change_rows", off_by_one)
    assert _played(scenario, catalog) != right


_SERVICE = Period(date(2025, 1, 31), date(2025, 2, 28))


@given(
    st.integers(0, 99_999),
    st.integers(1, 50),
    st.integers(1, 60),
    st.integers(0, 26),
    st.integers(0, 26),
    st.sampled_from(sorted(PRESETS)),
)
def test_change_rows_are_the_lines_change_quantity_builds(
    cents: int, old: int, new: int, from_day: int, change_day: int, convention: str
) -> None:
    conv: ProrationConvention = PRESETS[convention]
    price = Money.of(f"{cents // 100}.{cents % 100:02d}", "USD")
    start = _SERVICE.start + timedelta(days=from_day)
    original = prorate(price, old, _SERVICE, start=start, convention=conv)
    on = start + timedelta(days=change_day % (_SERVICE.end - start).days)
    lines = change_quantity(original, on, new).lines
    rows = change_rows(
        original.kind, old, price, _SERVICE, original.span, original.amount.minor_units(), conv,
        on, new,
    )  # fmt: skip
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        (line.kind, line.quantity, line.span, line.note) for line in lines
    ]
    assert [r[3] for r in rows] == [line.amount.minor_units() for line in lines]
    for line in lines:
        assert (line.unit_price, line.service_period) == (price, _SERVICE)
    assert sum(r[3] for r in rows) == sum(line.amount.minor_units() for line in lines)


def test_a_quote_changing_a_held_charge_builds_its_entries_from_the_rows() -> None:
    scenario, catalog = _rows_scenario("exact")
    held = simulate(
        Scenario(
            name="held",
            start=scenario.start,
            tenant=scenario.tenant,
            currency="USD",
            steps=scenario.steps[:1],
            until=date(2025, 2, 5),
            catalog="rows",
        ),
        catalog=catalog,
    )
    order = PlaceOrder(
        actor=ADMIN,
        as_of=date(2025, 2, 10),
        payment_method=PaymentMethod.CARD,
        cart=Cart((ChangeLicenses(subscription_id="s0", quantity=13),)),
    )
    line = quote(catalog, held.tenant, order, ledger=held.ledger).lines[0]
    # 12.34 x 10 for Jan 31 - Feb 28 credited, rebilled 10 days at 10 and 18 days at 13:
    # the net is 3 x 12.34 x 18 / 28 = 23.7985... -> 23.80, so the rebills share 147.20 by
    # 10 x 10 : 13 x 18 = 100 : 234, 44.071... and 103.128...: 44.07 and 103.13 (the larger rest)
    assert [str(e.amount) for e in line.first_charge] == ["-123.40 USD", "44.07 USD", "103.13 USD"]
    assert str(line.first_charge_total) == "23.80 USD"
