"""Both ledger layouts, for the properties that must hold under each (see tests/test_layouts.py).

A property takes ``layout`` from ``@pytest.mark.parametrize("layout", LAYOUTS)`` and plays its
generated scenario with :func:`in_layout`: the same rounding, the seat changes written the legacy
way (the generated scenario as it is) or the new-commerce way.
"""

from __future__ import annotations

import attrs

from subcommerce.proration import LedgerLayout
from subcommerce.simulate import Scenario

LAYOUTS = tuple(LedgerLayout)


def in_layout(scenario: Scenario, layout: LedgerLayout) -> Scenario:
    """``scenario`` with its convention's layout set to ``layout`` (legacy: unchanged)."""
    if scenario.convention.layout is layout:
        return scenario
    return attrs.evolve(scenario, convention=attrs.evolve(scenario.convention, layout=layout))
