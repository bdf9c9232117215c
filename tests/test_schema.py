"""The published wire format: JSON Schemas that every example and every written value meets.

The schemas are checked with the ``jsonschema`` package (an independent implementation of JSON
Schema), against the embedded data, every TOML or JSON example in the documentation, and the
plain data of generated values.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategies_orders import scenarios
from subcommerce import (
    SCHEMA_KINDS,
    Catalog,
    Scenario,
    Step,
    Tenant,
    UnknownReference,
    default_catalog,
    demo_scenario,
    dump_catalog,
    from_data,
    run_scenario,
    schema,
    to_data,
)
from subcommerce.cli import main
from subcommerce.simulate import simulate
from subcommerce.strategies import catalog_data, commands, tenants

ROOT = Path(__file__).resolve().parent.parent
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(kind), format_checker=jsonschema.FormatChecker())


VALIDATORS = {kind: validator(kind) for kind in SCHEMA_KINDS}


def jsonable(data: Any) -> Any:
    """TOML's dates as the ISO strings JSON would hold (numbers stay exact Decimals)."""
    if isinstance(data, dict):
        return {key: jsonable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [jsonable(value) for value in data]
    if isinstance(data, date):
        return data.isoformat()
    return data


def errors(kind: str, data: Any) -> list[str]:
    found = VALIDATORS[kind].iter_errors(jsonable(data))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def kind_of(data: dict[str, Any]) -> str:
    """Which kind of document an example is, by its top-level fields."""
    if "steps" in data or "tenant" in data:
        return "scenario"
    if "plans" in data:
        return "catalog"
    if "type" in data:
        return "command"
    if "organization" in data:
        return "tenant"
    raise AssertionError(f"an example of no known kind: {sorted(data)}")


def doc_examples() -> list[tuple[str, str, Any]]:
    """Every TOML and JSON block of the docs, and the TOML texts that doctests parse."""
    found = []
    for path in DOCS:
        text = path.read_text("utf-8")
        for number, (fmt, body) in enumerate(re.findall(r"```(toml|json)\n(.*?)```", text, re.S)):
            if fmt == "toml":
                data = tomllib.loads(body, parse_float=Decimal)
            else:
                data = json.loads(body, parse_float=Decimal)
            found.append((f"{path.name}#{fmt}{number}", kind_of(data), data))
        for number, body in enumerate(re.findall(r">>> \w+ = '''\n(.*?)\.\.\. '''", text, re.S)):
            lines = [line.removeprefix("...").removeprefix(" ") for line in body.splitlines()]
            data = tomllib.loads("\n".join(lines), parse_float=Decimal)
            found.append((f"{path.name}#doctest{number}", kind_of(data), data))
    return found


EXAMPLES = doc_examples()


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    for kind in SCHEMA_KINDS:
        jsonschema.Draft202012Validator.check_schema(schema(kind))
        assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_kinds_named_in_the_issue_all_have_a_schema() -> None:
    assert {"catalog", "scenario", "tenant", "command", "quote", "timeline"} <= set(SCHEMA_KINDS)


def test_an_unknown_kind_is_refused_listing_the_kinds() -> None:
    with pytest.raises(UnknownReference, match="'catalog', 'scenario'"):
        schema("invoice-pdf")


def test_the_schema_is_a_fresh_copy_each_time() -> None:
    first = schema("tenant")
    first["title"] = "changed"
    assert schema("tenant")["title"] == "subcommerce tenant"


def test_the_docs_hold_examples_to_validate() -> None:
    kinds = {kind for _, kind, _ in EXAMPLES}
    assert {"scenario", "catalog", "command"} <= kinds
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize(("name", "kind", "data"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_in_the_docs_meets_its_schema(name: str, kind: str, data: Any) -> None:
    assert errors(kind, data) == [], name


LOADERS = {"catalog": Catalog, "scenario": Scenario, "command": Step, "tenant": Tenant}


@pytest.mark.parametrize(("name", "kind", "data"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_in_the_docs_loads_and_dumps_back_the_same(
    name: str, kind: str, data: Any
) -> None:
    value = from_data(data, LOADERS[kind])
    assert from_data(to_data(value), LOADERS[kind]) == value, name


@pytest.mark.parametrize("name", ["office365-2015", "microsoft365"])
def test_the_embedded_catalogs_meet_the_catalog_schema(name: str) -> None:
    text = resources.files("subcommerce").joinpath("data", f"{name}.toml").read_text("utf-8")
    assert errors("catalog", tomllib.loads(text, parse_float=Decimal)) == []


def test_the_embedded_scenario_and_its_timeline_meet_their_schemas() -> None:
    folder = resources.files("subcommerce").joinpath("data", "scenarios")
    for resource in folder.iterdir():
        if resource.name.endswith(".toml"):
            assert errors("scenario", tomllib.loads(resource.read_text("utf-8"))) == []
    timeline = run_scenario(demo_scenario())
    assert errors("timeline", to_data(timeline)) == []
    assert errors("quote", to_data(timeline.orders[0])) == []
    assert errors("ledger", to_data(timeline.ledger)) == []
    assert errors("catalog", dump_catalog(default_catalog())) == []


@pytest.mark.parametrize(
    ("kind", "data", "culprit"),
    [
        ("command", {"type": "cancel", "actor": "a"}, "type"),
        ("command", {"actor": "a", "as_of": "2025-01-01", "subscription_id": "s"}, "type"),
        ("tenant", {"organization": "c", "color": "red"}, "color"),
        ("tenant", {"organization": None}, "organization"),
        ("scenario", {"name": "s", "start": "2025-01-01", "tenant": {}}, "tenant"),
    ],
)
def test_the_schemas_refuse_what_the_converter_refuses(kind: str, data: Any, culprit: str) -> None:
    found = errors(kind, data)
    assert found
    assert any(culprit in problem for problem in found), found


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=catalog_data())
def test_generated_catalogs_meet_the_catalog_schema(data: dict[str, Any]) -> None:
    assert errors("catalog", data) == []


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(tenant=tenants(), command=commands())
def test_written_tenants_and_commands_meet_their_schemas(tenant: Any, command: Any) -> None:
    assert errors("tenant", to_data(tenant)) == []
    assert errors("command", to_data(command)) == []


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=scenarios(max_steps=5, max_days=90), pretty=st.booleans())
def test_written_scenarios_and_timelines_meet_their_schemas(drawn: Any, pretty: bool) -> None:
    scenario, catalog = drawn
    assert errors("scenario", to_data(scenario)) == []
    timeline = simulate(scenario, catalog=catalog)
    assert errors("timeline", to_data(timeline)) == []
    for review in timeline.orders:
        assert errors("quote", to_data(review)) == []


@pytest.mark.parametrize("kind", sorted(SCHEMA_KINDS))
def test_the_cli_prints_the_schema_of_a_kind(kind: str) -> None:
    out = io.StringIO()
    assert main(["schema", kind], out) == 0
    assert json.loads(out.getvalue()) == schema(kind)
