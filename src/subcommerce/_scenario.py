"""The edge for scenarios: reading them from TOML or JSON text, the embedded demo, and running one
with the catalog it names.

The core (:mod:`subcommerce.simulate`) takes the catalog as an argument and reads nothing; this
module looks the catalog up by the scenario's ``catalog`` name among the embedded ones, and reads
the embedded demo scenario (package data, through :mod:`importlib.resources`).
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Final

from subcommerce._builtin import BUILTIN_CATALOGS, builtin_catalog, default_catalog
from subcommerce._checks import expect
from subcommerce._convert import load_scenario
from subcommerce._documents import parse_document
from subcommerce.catalog import Catalog
from subcommerce.errors import UnknownReference
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.simulate import Scenario, Timeline, simulate

__all__ = [
    "DEMO_SCENARIO",
    "demo_scenario",
    "parse_scenario",
    "run_scenario",
    "scenario_catalog",
]

#: The embedded scenario that ``python -m subcommerce demo`` runs.
DEMO_SCENARIO: Final = "small-business"


def parse_scenario(text: str | bytes, fmt: str = "toml") -> Scenario:
    """A scenario from TOML or JSON text (or UTF-8 bytes); numbers become Decimals, never floats.

    Raises :class:`~subcommerce.errors.ConversionError` (a ValueError) naming every fault's path.
    """
    return load_scenario(parse_document(text, fmt, "scenario"))


def scenario_catalog(name: str) -> Catalog:
    """The embedded catalog a scenario names: ``"default"`` or one of the embedded catalogs."""
    expect(name, str, "catalog name")
    if name == "default":
        return default_catalog()
    if name in BUILTIN_CATALOGS:
        return builtin_catalog(name)
    raise UnknownReference(
        f"no embedded catalog {name!r}; expected 'default' or one of {', '.join(BUILTIN_CATALOGS)}"
    )


def run_scenario(
    scenario: Scenario,
    until: date | None = None,
    *,
    catalog: Catalog | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Timeline:
    """``scenario`` simulated through ``until``, with the catalog it names unless one is given."""
    expect(scenario, Scenario, "scenario")
    chosen = scenario_catalog(scenario.catalog) if catalog is None else catalog
    return simulate(scenario, until, catalog=chosen, policy=policy)


def demo_scenario(name: str = DEMO_SCENARIO) -> Scenario:
    """An embedded scenario (package data): by default the one the ``demo`` command runs."""
    expect(name, str, "scenario name")
    folder = resources.files("subcommerce").joinpath("data", "scenarios")
    resource = folder.joinpath(f"{name}.toml")
    if not resource.is_file():
        raise UnknownReference(f"no embedded scenario {name!r}")
    return parse_scenario(resource.read_text("utf-8"))
