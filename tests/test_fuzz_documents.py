"""Fuzz: bad documents and bad data, thrown at every entry point that takes outside data.

Each input ends as a value or a SubcommerceError within 1 s (a hang guard measured per input, not
a speed test); a value that loads writes back the very data it was given (checked leaf by leaf
against the built value, independently of the converter: no coercion hides in a default); a
refused load leaves its input as it was; a refusal names its culprit's path.

Inputs are valid documents (generated catalogs, scenarios, tenants, commands) with one fault put
in at a random place, random JSON values, and the text of valid documents mutated byte by byte.
``FUZZ_INPUTS`` counts every input run; ``pytest -s`` prints the total when the module ends, and
``SUBCOMMERCE_FUZZ_EXAMPLES=3000`` makes a long local run.
"""

from __future__ import annotations

import copy
import enum
import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subcommerce import (
    PRESETS,
    SCHEMA_KINDS,
    Cart,
    Catalog,
    CatalogInvalid,
    Currency,
    Money,
    Period,
    Prices,
    ProrationConvention,
    Scenario,
    Step,
    SubcommerceError,
    Tenant,
    check_catalog,
    from_data,
    from_json,
    load_catalog,
    load_scenario,
    parse_catalog,
    parse_scenario,
    schema,
    to_data,
    to_json,
)
from subcommerce._convert import tag_of
from subcommerce.strategies import (
    catalog_data,
    commands,
    conventions,
    money,
    periods,
    scenarios,
    tenants,
)

HANG_GUARD = 10.0  # seconds per input: a hang, not a slow call on a busy shared machine
FUZZ_INPUTS: Counter[str] = Counter()
MUTATIONS_PER_EXAMPLE = 12

#: The profile's examples per test, or SUBCOMMERCE_FUZZ_EXAMPLES for a long local run.
FUZZ = settings(
    max_examples=int(os.environ.get("SUBCOMMERCE_FUZZ_EXAMPLES", settings.default.max_examples)),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    deadline=None,
)


@pytest.fixture(scope="module", autouse=True)
def _report_the_count() -> Iterator[None]:
    yield
    total = sum(FUZZ_INPUTS.values())
    print(f"\nfuzz inputs run: {total:,} ({dict(sorted(FUZZ_INPUTS.items()))})")


# -- running one input ---------------------------------------------------------------------------


class Outcome:
    def __init__(self, value: Any = None, error: SubcommerceError | None = None) -> None:
        self.value = value
        self.error = error


def attempt(entry: str, call: Callable[[], Any]) -> Outcome:
    """Run one input: a value or a SubcommerceError, within the hang guard; count it."""
    FUZZ_INPUTS[entry] += 1
    started = time.perf_counter()
    try:
        outcome = Outcome(value=call())
    except SubcommerceError as error:
        outcome = Outcome(error=error)
    elapsed = time.perf_counter() - started
    assert elapsed < HANG_GUARD, f"{entry} took {elapsed:.2f} s"
    if outcome.error is not None:
        assert isinstance(outcome.error, ValueError | TypeError | LookupError), outcome.error
    return outcome


# -- the faithfulness check: the data given, leaf by leaf, against the value built ----------------


def same(holds: bool, where: str) -> None:
    assert holds, f"{where}: the data given is not what was built"


def faithful(data: Any, value: Any, where: str = "$") -> None:
    """``data`` says exactly what ``value`` holds: nothing coerced, cut, split or made up."""
    if isinstance(value, enum.Enum):
        same(type(data) is type(value.value) and data == value.value, where)
    elif isinstance(value, bool):
        same(type(data) is bool and data is value, where)
    elif isinstance(value, int):
        same(type(data) is int and data == value, where)
    elif isinstance(value, str):
        same(type(data) is str and data == value, where)
    elif value is None:
        assert data is None, where
    elif isinstance(value, date):
        same((type(data) is date and data == value) or data == value.isoformat(), where)
    elif isinstance(value, Decimal):
        given = Decimal(data) if type(data) in (int, str) else data
        same(isinstance(given, Decimal) and given.as_tuple() == value.as_tuple(), where)
        if type(data) is str:
            assert data == str(value), where
    elif isinstance(value, Currency):
        if isinstance(data, str):
            same(data == value.code and Currency.of(data) == value, where)
        else:
            assert data == {"code": value.code, "exponent": value.exponent}, where
    elif isinstance(value, Money):
        same(isinstance(data, dict) and set(data) == {"amount", "currency"}, where)
        faithful(data["amount"], value.amount, f"{where}.amount")
        faithful(data["currency"], value.currency, f"{where}.currency")
    elif isinstance(value, Prices):
        same(isinstance(data, dict) and len(data) == len(value.amounts), where)
        by_code = {price.currency.code: price for price in value.amounts}  # a table: no order
        for code, amount in data.items():
            faithful(code, by_code[code].currency, f"{where}.{code}")
            faithful(amount, by_code[code].amount, f"{where}.{code}")
    elif isinstance(value, Cart):
        lines = data["lines"] if isinstance(data, dict) else data
        faithful(lines, value.lines, where)
    elif isinstance(value, tuple):
        same(isinstance(data, list) and len(data) == len(value), where)
        for index, (item, built) in enumerate(zip(data, value, strict=True)):
            faithful(item, built, f"{where}[{index}]")
    elif isinstance(value, frozenset):
        same(isinstance(data, list) and len(data) == len(value), where)
    elif isinstance(value, ProrationConvention) and isinstance(data, str):
        same(PRESETS.get(data) == value, where)  # a scenario names a preset by its name
    elif attrs.has(type(value)):
        assert isinstance(data, dict), where
        fields = {f.alias: f for f in attrs.fields(type(value)) if f.init}
        for key, item in data.items():
            if key == "type" and tag_of(type(value)) is not None:
                assert item == tag_of(type(value)), where
                continue
            assert key in fields, f"{where}.{key}"
            faithful(item, getattr(value, fields[key].name), f"{where}.{key}")
        for alias, field in fields.items():
            if alias not in data:  # left out: the value holds the field's default
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    continue
                assert getattr(value, field.name) == default, f"{where}.{alias}"
    else:
        raise AssertionError(f"{where}: no check for {type(value).__name__}")


def unchanged_by_a_refusal(data: Any, call: Callable[[Any], Any], entry: str) -> Outcome:
    """``call(data)``; when it refuses, ``data`` is still what it was."""
    before = repr(data)
    outcome = attempt(entry, lambda: call(data))
    if outcome.error is not None:
        assert repr(data) == before, "a refused load changed its input"
    return outcome


# -- faults put into valid documents --------------------------------------------------------------

Path = tuple[str | int, ...]


def paths(data: Any, prefix: Path = ()) -> list[Path]:
    """Every place in ``data``: the root, each value of a table and each item of a list."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def path_text(root: str, path: Path) -> str:
    return root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


NASTY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**40, -(10**40), 2**63, 0, -1, 12]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([12.9, 12.0, float("nan"), float("inf"), -0.0]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("1e999999999"), Decimal("-1E-999999"), Decimal("12.9")]),
    st.text(max_size=20),
    st.sampled_from(
        ["false", "true", "12.9", "", "None", "Old", "P2Y", "usd", "2025-02-30", "1e5", "007"]
    ),
    st.sampled_from(["2025-01-31T10:00:00", "\ud800", "x" * 5000, "s" * 200_000]),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers() | st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers() | st.none(), max_size=3),
    st.sampled_from([{"type": "nope"}, {"type": None}, {}, [], [[]], {"lines": "x"}]),
    st.sampled_from([nested(33), nested(200)]),
)

OPERATIONS = ("replace", "replace", "replace", "delete", "add_key", "wrap", "retag")


def mutate(data: Any, path: Path, operation: str, nasty: Any) -> Any:
    """A copy of ``data`` with one fault at ``path``."""
    if not path:
        return nasty if operation == "replace" else [data] if operation == "wrap" else data
    doc = copy.deepcopy(data)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if operation == "delete":
        del parent[last]
    elif operation == "add_key" and isinstance(parent[last], dict):
        parent[last]["unexpected_field"] = nasty
    elif operation == "wrap":
        parent[last] = [parent[last]]
    elif operation == "retag" and isinstance(parent[last], dict) and "type" in parent[last]:
        parent[last]["type"] = nasty
    else:
        parent[last] = nasty
    return doc


def kind_changed(old: Any, new: Any) -> bool:
    """Whether ``new`` is of another JSON kind than ``old`` (a clear type fault)."""

    def kind(value: Any) -> str:
        if type(value) is date:
            return "str"  # a date is a string in JSON, a date in TOML
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float | Decimal):
            return "number"
        return type(value).__name__

    return kind(old) != kind(new) and not (old is None or new is None)


def fuzz_document(
    data: Any,
    root: str,
    load: Callable[[Any], Any],
    problems: Callable[[SubcommerceError], tuple[str, ...]],
    draw: st.DrawFn,
    entry: str,
) -> None:
    """Put faults into ``data`` one at a time and load each faulty copy."""
    places = paths(data)
    for _ in range(MUTATIONS_PER_EXAMPLE):
        path = places[draw(st.integers(0, len(places) - 1))]
        operation = draw(st.sampled_from(OPERATIONS))
        nasty = draw(NASTY)
        doc = mutate(data, path, operation, nasty)
        outcome = unchanged_by_a_refusal(doc, load, entry)
        if outcome.error is None:
            faithful(doc, outcome.value)
            continue
        found = problems(outcome.error)
        assert found, outcome.error
        for problem in found:
            assert problem.startswith(root), problem  # every problem starts with its path
        if operation == "replace" and path and not isinstance(path[-1], int):
            old = data
            for step in path:
                old = old[step]
            if kind_changed(old, nasty) and not isinstance(nasty, list | dict):
                text = "\n".join(found)
                parent = path_text(root, path[:-1])
                assert path_text(root, path) in text or parent in text, (path, text)


def conversion_problems(error: SubcommerceError) -> tuple[str, ...]:
    return (str(error),)  # its problems, joined by "; ", the first starting with the root


def catalog_problems(error: SubcommerceError) -> tuple[str, ...]:
    if isinstance(error, CatalogInvalid):
        return error.problems
    return (str(error),)


# -- documents with one fault ---------------------------------------------------------------------


@FUZZ
@given(data=catalog_data(), draw=st.data())
def test_a_catalog_with_a_fault_loads_faithfully_or_is_refused_naming_it(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    fuzz_document(data, "catalog", load_catalog, catalog_problems, draw.draw, "load_catalog")


@FUZZ
@given(drawn=scenarios(max_steps=4), draw=st.data())
def test_a_scenario_with_a_fault_loads_faithfully_or_is_refused_naming_it(
    drawn: tuple[Scenario, Catalog], draw: st.DataObject
) -> None:
    data = to_data(drawn[0])
    fuzz_document(data, "Scenario", load_scenario, conversion_problems, draw.draw, "load_scenario")


@FUZZ
@given(tenant=tenants(), draw=st.data())
def test_a_tenant_with_a_fault_loads_faithfully_or_is_refused_naming_it(
    tenant: Tenant, draw: st.DataObject
) -> None:
    load: Callable[[Any], Any] = lambda d: from_data(d, Tenant)  # noqa: E731
    fuzz_document(to_data(tenant), "Tenant", load, conversion_problems, draw.draw, "from_data")


@FUZZ
@given(command=commands(), draw=st.data())
def test_a_command_with_a_fault_loads_faithfully_or_is_refused_naming_it(
    command: Any, draw: st.DataObject
) -> None:
    load: Callable[[Any], Any] = lambda d: from_data(d, Step)  # noqa: E731
    fuzz_document(to_data(command), "Step", load, conversion_problems, draw.draw, "from_data")
    by_class: Callable[[Any], Any] = lambda d: from_data(d, type(command))  # noqa: E731
    name = type(command).__name__
    fuzz_document(to_data(command), name, by_class, conversion_problems, draw.draw, "from_data")


@FUZZ
@given(
    value=st.one_of(money(extra_places=3), periods(), conventions()),
    draw=st.data(),
)
def test_money_periods_and_conventions_with_a_fault_load_faithfully_or_are_refused(
    value: Money | Period | ProrationConvention, draw: st.DataObject
) -> None:
    cls = type(value)
    load: Callable[[Any], Any] = lambda d: from_data(d, cls)  # noqa: E731
    fuzz_document(to_data(value), cls.__name__, load, conversion_problems, draw.draw, "from_data")


# -- any plain data at all -----------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10) | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
KEYED = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        (
            "type",
            "id",
            "name",
            "organization",
            "steps",
            "tenant",
            "start",
            "plans",
            "quantity",
            "actor",
            "as_of",
            "subscription_id",
            "amount",
            "currency",
        ),
        JSON_VALUES,
    ),
)
TARGETS = (Scenario, Tenant, Catalog, Step, Money, Period, Cart, ProrationConvention, Currency)


@FUZZ
@given(data=st.one_of(JSON_VALUES, KEYED), cls=st.sampled_from(TARGETS))
def test_any_plain_data_ends_as_a_value_or_a_subcommerce_error(data: Any, cls: type) -> None:
    outcome = unchanged_by_a_refusal(data, lambda d: from_data(d, cls), "from_data")
    if outcome.error is None:
        faithful(data, outcome.value)
    if isinstance(data, dict):
        checked = unchanged_by_a_refusal(data, check_catalog, "check_catalog")
        assert checked.error is None  # check_catalog reports, never raises


# -- text: TOML and JSON, valid documents mutated byte by byte ------------------------------------


def _texts() -> list[tuple[str, str]]:
    data = resources.files("subcommerce").joinpath("data")
    found = [("catalog", data.joinpath("office365-2015.toml").read_text("utf-8"))]
    found.append(("scenario", data.joinpath("scenarios", "small-business.toml").read_text("utf-8")))
    return found


TEXTS = _texts()


@st.composite
def mutated_texts(draw: st.DrawFn, text: str) -> str | bytes:
    """``text`` with a few edits: characters put in, taken out or replaced, or bytes flipped."""
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        operation = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        piece = draw(
            st.text(max_size=6)
            | st.sampled_from(['"', "[", "]", "{", "}", "=", "\n", ",", ":", "[[", "nan", "1e9999"])
        )
        if operation == "insert":
            text = text[:where] + piece + text[where:]
        elif operation == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 20)) :]
        elif operation == "replace":
            text = text[:where] + piece + text[where + len(piece) :]
        else:
            text = text[:where]
    if draw(st.integers(0, 4)) == 0:
        raw = bytearray(text.encode("utf-8", "surrogatepass"))
        if raw:
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0x80, 0xFF))
        return bytes(raw)
    return text


@FUZZ
@given(data=st.data())
def test_mutated_toml_text_ends_as_a_value_or_a_subcommerce_error(data: st.DataObject) -> None:
    for kind, text in TEXTS:
        mutated = data.draw(mutated_texts(text))
        if kind == "catalog":
            attempt("parse_catalog", lambda t=mutated: parse_catalog(t))
        else:
            attempt("parse_scenario", lambda t=mutated: parse_scenario(t))


@FUZZ
@given(drawn=scenarios(max_steps=3), tenant=tenants(), data=st.data())
def test_mutated_json_text_ends_as_a_value_or_a_subcommerce_error(
    drawn: tuple[Scenario, Catalog], tenant: Tenant, data: st.DataObject
) -> None:
    for value, cls in ((drawn[0], Scenario), (tenant, Tenant), (drawn[1], Catalog)):
        text = to_json(value)
        for _ in range(3):
            mutated = data.draw(mutated_texts(text))
            outcome = attempt("from_json", lambda t=mutated, c=cls: from_json(t, c))
            if outcome.error is None:
                parsed = json.loads(mutated, parse_float=Decimal)
                faithful(parsed, outcome.value)
        as_catalog = data.draw(mutated_texts(text))
        attempt("parse_catalog", lambda t=as_catalog: parse_catalog(t, "json"))


@FUZZ
@given(text=st.text(max_size=60) | st.binary(max_size=60), fmt=st.sampled_from(["toml", "json"]))
def test_random_text_and_bytes_end_as_a_value_or_a_subcommerce_error(
    text: str | bytes, fmt: str
) -> None:
    attempt("parse_scenario", lambda: parse_scenario(text, fmt))
    attempt("parse_catalog", lambda: parse_catalog(text, fmt))
    attempt("from_json", lambda: from_json(text, Tenant))


@FUZZ
@given(kind=st.text(max_size=12) | st.sampled_from(sorted(SCHEMA_KINDS)))
def test_schema_of_any_kind_is_a_schema_or_a_subcommerce_error(kind: str) -> None:
    outcome = attempt("schema", lambda: schema(kind))
    assert (outcome.error is None) == (kind in SCHEMA_KINDS)


# -- the hostile documents of the issue, each one problem, quickly ---------------------------------


@pytest.mark.parametrize(
    "document",
    [
        '{"organization": "c", "subscriptions": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"organization": "c", "subscriptions": "' + "s" * 200_000 + '"}',
        '{"organization": "c", "as_of": "' + "9" * 100_000 + '"}',
        '{"organization": ' + "9" * 100_000 + "}",
        '{"organization": "c", "subscriptions": [' + ",".join(["{}"] * 50_000) + "]}",
    ],
    ids=["nested-100000", "string-200000", "digits-string", "digits-number", "wide-50000"],
)
def test_a_hostile_json_document_is_refused_quickly(document: str) -> None:
    outcome = attempt("from_json", lambda: from_json(document, Tenant))
    assert outcome.error is not None
    assert len(str(outcome.error)) < 100_000  # the culprit is named, not copied out whole


def test_a_toml_document_of_100000_dotted_keys_is_refused_quickly() -> None:
    text = "a" + ".a" * 100_000 + " = 1"
    outcome = attempt("parse_scenario", lambda: parse_scenario(text))
    assert str(outcome.error) == "scenario: line 1: a key nested deeper than 32 levels"


def test_a_nan_in_plain_data_is_refused_and_left_as_it_was() -> None:
    data = {"amount": float("nan"), "currency": "USD"}
    outcome = unchanged_by_a_refusal(data, lambda d: from_data(d, Money), "from_data")
    assert outcome.error is not None
    assert math.isnan(data["amount"])  # type: ignore[arg-type]


def test_a_datetime_in_plain_data_is_refused_at_its_path() -> None:
    data = {"start": datetime(2025, 1, 1, 8), "end": "2025-02-01"}
    outcome = attempt("from_data", lambda: from_data(data, Period))
    assert str(outcome.error).startswith("Period.start: ")
