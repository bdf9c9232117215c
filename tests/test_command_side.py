"""The command side of a run takes its common case without a second engine.

- ``simulate`` goes on from the book it began with instead of freezing it into begin's ledger
  and reading that back: the timeline is the one ``resume(begin(s), until)`` gives, by value,
  as JSON and through a pickle (and as pickle bytes when no opening was read back).
"""

from __future__ import annotations

import pickle
from datetime import date

from hypothesis import given

from strategies_orders import ADMIN, CATALOG_ID, mosa_tenant, scenarios, shop
from subcommerce import to_json
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.commands import ChangeLicenseQuantity
from subcommerce.simulate import Scenario, Timeline, begin, resume, simulate
from subcommerce.subscriptions import Subscription, Tenant

SHOP = shop("USD", (3000, 2200, 1000, 20, 300))  # basic: 36.00 a month month to month


def _same_timeline(straight: Timeline, stepwise: Timeline) -> None:
    assert straight == stepwise
    assert to_json(straight) == to_json(stepwise)
    assert pickle.loads(pickle.dumps(straight)) == stepwise


@given(scenarios())
def test_simulating_a_scenario_gives_the_timeline_resuming_its_begun_timeline_gives(
    generated: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = generated
    assert scenario.until is not None
    straight = simulate(scenario, catalog=catalog)
    stepwise = resume(begin(scenario, catalog=catalog), scenario.until, catalog=catalog)
    _same_timeline(straight, stepwise)
    # from an empty tenant (no opening), even the pickles are the same bytes
    assert pickle.dumps(straight) == pickle.dumps(stepwise)


def test_a_starting_tenants_opening_goes_on_in_the_book_simulate_began_as_read_back() -> None:
    existing = Subscription("s1", "basic", date(2024, 12, 5), 10, payment_method=PaymentMethod.CARD)
    tenant = Tenant("contoso.com", (existing,), account=mosa_tenant().account)
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 1, 20), subscription_id="s1", quantity=12
    )
    scenario = Scenario(
        name="opening",
        start=date(2025, 1, 10),
        tenant=tenant,
        currency="USD",
        steps=(more,),
        until=date(2025, 3, 10),
        catalog=CATALOG_ID,
    )
    straight = simulate(scenario, catalog=SHOP)
    assert len(straight.ledger.opening) == 1  # the running period, billed before the start
    assert straight.ledger.entries[0].credits == straight.ledger.opening[0].id
    stepwise = resume(begin(scenario, catalog=SHOP), date(2025, 3, 10), catalog=SHOP)
    # Equal values and text; the rebills' service periods may be the opening's own objects
    # or equal ones worked out again, so the pickles' sharing (not their values) may differ.
    _same_timeline(straight, stepwise)
