"""A batch's summary reads the invoice totals from the rows a timeline keeps (issue 13's follow-up).

The summary of a timeline the run returned (its invoices kept as rows, never built) says what
the invoices themselves say: their count, the first and last totals, what the issued and the
open ones add up to. The expected figures are added up here, from the invoices read one by one.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings

from subcommerce.batch import summary_record
from subcommerce.catalog import Catalog
from subcommerce.errors import SubcommerceError
from subcommerce.simulate import Scenario, Timeline, invoice_units, simulate
from subcommerce.strategies import scenarios


def _played(drawn: tuple[Scenario, Catalog]) -> Timeline | None:
    scenario, catalog = drawn
    try:
        return simulate(scenario, catalog=catalog)
    except SubcommerceError:
        return None


def _added(totals: list[Decimal], zero: Decimal) -> Decimal:
    total = zero
    for amount in totals:
        total += amount
    return total


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_summary_of_a_run_says_what_its_invoices_say_without_building_them(
    drawn: tuple[Scenario, Catalog],
) -> None:
    timeline = _played(drawn)
    if timeline is None:
        return
    record = summary_record(timeline)  # first: nothing has read the invoices yet
    assert invoice_units(timeline) is not None  # the run's timeline keeps its invoices as rows
    code = timeline.ledger.currency
    zero = Decimal(0).scaleb(-code.exponent)
    issued = [invoice.total.amount for invoice in timeline.invoices]
    still_open = [invoice.total.amount for invoice in timeline.open_invoices]
    assert record["invoices"] == len(issued)
    assert record["open_invoices"] == len(still_open)
    for key, expected in (
        ("first_invoice", issued[0] if issued else None),
        ("last_invoice", issued[-1] if issued else None),
        ("invoiced", _added(issued, zero)),
        ("open", _added(still_open, zero)),
    ):
        # equal, and written the same (the same digits and exponent: the wire format shows them)
        assert repr(record[key]) == repr(expected), key


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_timeline_holding_invoice_values_has_the_same_summary(
    drawn: tuple[Scenario, Catalog],
) -> None:
    timeline = _played(drawn)
    if timeline is None:
        return
    held = attrs.evolve(
        timeline,
        invoices=tuple(timeline.invoices),
        open_invoices=tuple(timeline.open_invoices),
    )
    assert invoice_units(held) is None  # values, not rows: the summary reads the invoices
    assert summary_record(held) == summary_record(timeline)
