"""Every public value makes the round trip: ``from_data(to_data(x), type(x)) == x``.

Two properties cover every public attrs class of ``subcommerce.__all__`` and the tagged unions:

* a generic one draws each class field by field from its type hints (with the foundation
  strategies for money, currencies, periods and conventions), keeping what the constructors
  accept;
* a realistic one simulates generated scenarios and takes every value reachable from the
  timeline (quotes, ledger entries, invoices, events, refusals), each by its own type, and each
  member of a tagged union by the union too.

A third test checks the two together leave no public value type out.
"""

from __future__ import annotations

import collections.abc
import enum
import json
import types
import typing
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import subcommerce
from strategies import (
    billing_periods_of_a_month_or_year,
    conventions,
    currencies,
    dates,
    money,
    periods,
    quantities,
    sub_periods,
    unit_prices,
)
from strategies_orders import scenarios
from subcommerce import (
    DEFAULT_POLICY,
    VL_ENTERPRISE_AGREEMENT,
    Adjustment,
    Catalog,
    Prices,
    ProratedLine,
    SeatChange,
    credit_and_rebill,
    demo_scenario,
    from_data,
    from_json,
    place_order,
    prorate,
    quote,
    refund_and_charge,
    run_scenario,
    to_data,
    to_json,
)
from subcommerce._convert import TAGGED_UNIONS
from subcommerce.catalog import merge_catalogs
from subcommerce.errors import SubcommerceError
from subcommerce.orders import PlacedOrder
from subcommerce.simulate import Timeline, simulate
from subcommerce.strategies import billing_accounts, catalogs, subscriptions, tenants

#: Every public value type: the attrs classes the package exports, but for the numpy columns
#: of the columnar extra (arrays for bulk arithmetic, compared by identity: not wire values).
VALUE_TYPES = tuple(
    sorted(
        (
            value
            for name in subcommerce.__all__
            if isinstance(value := getattr(subcommerce, name), type)
            and attrs.has(value)
            and value.__module__ != "subcommerce.columnar"
        ),
        key=lambda cls: cls.__name__,
    )
)

#: Types whose invariants tie many fields together (a line's amount to its price, quantity and
#: span; a quote's total to its lines): drawn field by field they are almost never valid, so
#: they come from simulated timelines (and a placed order) instead.
FROM_TIMELINES = frozenset(
    {"Invoice", "Ledger", "LedgerEntry", "PlacedOrder", "Quote", "QuoteLine", "Timeline"}
)

_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-@.", min_size=1, max_size=10)
_LEAVES: dict[Any, st.SearchStrategy[Any]] = {
    str: _IDS,
    int: st.integers(0, 400),
    bool: st.booleans(),
    Decimal: st.decimals(places=2, min_value=-(10**6), max_value=10**6),
    date: dates(2000, 2100),
    type(None): st.none(),
}


def _rejected(cls: type, fields: dict[str, Any]) -> Any:
    try:
        return cls(**fields)
    except SubcommerceError:
        return None  # the constructor refused the combination: draw another


@st.composite
def _prices(draw: st.DrawFn) -> Prices:
    amounts = draw(st.lists(money(), max_size=3, unique_by=lambda m: m.currency.code))
    return Prices(tuple(amounts))


@st.composite
def _lines(draw: st.DrawFn) -> ProratedLine:
    period = draw(billing_periods_of_a_month_or_year())
    span = draw(sub_periods(period))
    return prorate(
        draw(unit_prices()),
        draw(quantities(500)),
        period,
        span.start,
        span.end,
        convention=draw(conventions()),
    )


@st.composite
def _adjustments(draw: st.DrawFn) -> Adjustment:
    line = draw(_lines())
    day = draw(st.integers(line.span.start.toordinal(), line.span.end.toordinal() - 1))
    return credit_and_rebill(line, date.fromordinal(day), draw(quantities(500)))


@st.composite
def _seat_changes(draw: st.DrawFn) -> SeatChange:
    line = draw(_lines())
    day = draw(st.integers(line.span.start.toordinal(), line.span.end.toordinal() - 1))
    return refund_and_charge(line, date.fromordinal(day), draw(quantities(500)))


def _special() -> dict[Any, st.SearchStrategy[Any]]:
    return {
        ProratedLine: _lines(),
        Adjustment: _adjustments(),
        SeatChange: _seat_changes(),
        subcommerce.Subscription: subscriptions(),
        subcommerce.Tenant: tenants(),
        subcommerce.BillingAccount: billing_accounts(),
        subcommerce.Scenario: scenarios(max_steps=4).map(lambda drawn: drawn[0]),
        subcommerce.Money: money(extra_places=2),
        subcommerce.Currency: currencies(),
        subcommerce.Period: periods(),
        subcommerce.ProrationConvention: conventions(),
        subcommerce.Prices: _prices(),
        Catalog: catalogs(),
        subcommerce.Cart: st.lists(
            st.deferred(lambda: values_of(subcommerce.CartLine, 3)), min_size=1, max_size=3
        ).map(lambda lines: subcommerce.Cart(tuple(lines))),
    }


def values_of(type_: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of ``type_`` drawn from its type hints, field by field."""
    if type_ in _LEAVES:
        return _LEAVES[type_]
    special = _special()
    if type_ in special:
        return special[type_]
    if isinstance(type_, type) and issubclass(type_, enum.Enum):
        return st.sampled_from(list(type_))
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([values_of(arg, depth) for arg in args])
    if origin in (dict, collections.abc.Mapping):
        return st.dictionaries(_IDS, values_of(args[1], depth + 1), max_size=2)
    if origin in (tuple, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return st.tuples(*(values_of(arg, depth) for arg in args))
        items = st.lists(values_of(args[0], depth + 1), max_size=2 if depth < 4 else 0)
        return items.map(tuple if origin is tuple else frozenset)
    if isinstance(type_, type) and attrs.has(type_):
        hints = typing.get_type_hints(type_)
        fields = {
            f.alias: st.deferred(lambda t=hints[f.name]: values_of(t, depth + 1))
            for f in attrs.fields(type_)
            if f.init
        }
        built = st.fixed_dictionaries(fields).map(lambda kw: _rejected(type_, kw))
        return built.filter(lambda v: v is not None)
    raise TypeError(f"no strategy for {type_!r}")


def assert_round_trip(value: Any, cls: Any) -> None:
    """Plain data and back, equal; JSON text and back, equal, and the same text again."""
    data = to_data(value)
    assert from_data(data, cls) == value, cls
    text = to_json(value)
    back = from_json(text, cls)
    assert back == value, cls
    assert to_json(back) == text
    assert json.loads(text) == data


#: Each of the ~70 types gets a tenth of the profile's examples (6 in dev, 60 thorough).
SHARE = max(5, settings.default.max_examples // 10)

GENERIC = [cls for cls in VALUE_TYPES if cls.__name__ not in FROM_TIMELINES]


@pytest.mark.parametrize("cls", GENERIC, ids=lambda cls: cls.__name__)
@settings(
    max_examples=SHARE,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_public_value_type_round_trips_through_plain_data(
    cls: type, data: st.DataObject
) -> None:
    value = data.draw(values_of(cls), label=cls.__name__)
    assert_round_trip(value, cls)
    tag = to_data(value).get("type") if isinstance(to_data(value), dict) else None
    for union, _ in TAGGED_UNIONS.items():
        if type(value) in typing.get_args(union):
            assert tag is not None
            assert_round_trip(value, union)


def reachable(value: Any, found: dict[type, list[Any]]) -> None:
    """Every attrs value inside ``value`` (``value`` too), grouped by its class."""
    if attrs.has(type(value)):
        found[type(value)].append(value)
        for field in attrs.fields(type(value)):
            if field.init:
                reachable(getattr(value, field.name), found)
    elif isinstance(value, tuple | list | frozenset):
        for item in value:
            reachable(item, found)


def _check_timeline(timeline: Timeline | PlacedOrder) -> set[str]:
    """Every value reachable from ``timeline`` round-trips; the names of their classes."""
    found: dict[type, list[Any]] = defaultdict(list)
    reachable(timeline, found)
    for cls, values in found.items():
        for value in values[:5]:
            assert_round_trip(value, cls)
            for union in TAGGED_UNIONS:
                if cls in typing.get_args(union):
                    assert_round_trip(value, union)
    return {cls.__name__ for cls in found}


@settings(max_examples=SHARE, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=scenarios(max_steps=5, max_days=120))
def test_every_value_of_a_simulated_timeline_round_trips(drawn: Any) -> None:
    scenario, catalog = drawn
    _check_timeline(simulate(scenario, catalog=catalog))


def test_the_two_properties_leave_no_public_value_type_out() -> None:
    """The demo timeline reaches every type the generic property does not draw."""
    scenario = demo_scenario()
    seen = _check_timeline(run_scenario(scenario))
    catalog = subcommerce.default_catalog()
    order = scenario.steps[0]
    assert isinstance(order, subcommerce.PlaceOrder)
    placed = place_order(
        catalog, scenario.tenant, quote(catalog, scenario.tenant, order, currency="USD")
    )
    seen |= _check_timeline(placed)
    assert seen >= FROM_TIMELINES
    assert {cls.__name__ for cls in GENERIC} | seen >= {cls.__name__ for cls in VALUE_TYPES}
    assert len(VALUE_TYPES) >= 75  # every public attrs class (83 today), not a handful


def test_the_policies_and_the_embedded_catalog_round_trip() -> None:
    for policy in (DEFAULT_POLICY, VL_ENTERPRISE_AGREEMENT):
        assert_round_trip(policy, type(policy))
    catalog = subcommerce.default_catalog()
    assert_round_trip(catalog, Catalog)
    merged = merge_catalogs("m", catalog.name, [catalog])
    assert from_data(json.loads(to_json(merged)), Catalog) == merged


def test_to_data_refuses_numpy_columns_with_a_typed_error() -> None:
    numpy = pytest.importorskip("numpy")
    with pytest.raises(subcommerce.ConversionError, match="cannot write"):
        to_data(numpy.array([1, 2]))
