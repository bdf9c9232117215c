"""Hypothesis strategies for the test suites of code that depends on subcommerce.

Installed with the ``testing`` extra (``pip install "subcommerce[testing]"``, which brings
Hypothesis); ``import subcommerce`` never imports this package. Every strategy draws *valid*
values: currencies with every minor-unit exponent, amounts, calendar dates that break billing
engines (month ends, Feb 29, century years), periods, proration conventions, catalogs (as plain
data or loaded), billing accounts, tenants, commands, cart lines, orders and whole scenarios
with the catalog they run on. See docs/testing.md.

>>> from hypothesis import given
>>> from subcommerce.strategies import money
>>> @given(money())
... def test_money_has_its_currency_decimals(value):
...     assert -value.amount.as_tuple().exponent == value.currency.exponent
>>> test_money_has_its_currency_decimals()

The submodules (:mod:`~subcommerce.strategies.foundation`, ``catalogs``, ``accounts``,
``orders``) hold the builders each strategy is made of, for those who need one of them.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401 - imported to fail early with a clear message
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "subcommerce.strategies needs Hypothesis: pip install 'subcommerce[testing]'"
    ) from error

from subcommerce.strategies.accounts import (
    billing_accounts,
    commands,
    commands_on,
    license_blocks,
    payment_methods,
    role_assignments,
    subscriptions,
    tenants,
)
from subcommerce.strategies.catalogs import catalog_and_tenant, catalog_data, catalogs
from subcommerce.strategies.catalogs import tenants as catalog_tenants
from subcommerce.strategies.foundation import (
    amounts,
    billing_periods_of_a_month_or_year,
    conventions,
    currencies,
    dates,
    known_currencies,
    money,
    periods,
    preset_conventions,
    quantities,
    rounding_modes,
    sub_periods,
    term_and_frequency,
    terms,
    unit_prices,
)
from subcommerce.strategies.orders import cart_lines, scenarios, shop, shops
from subcommerce.strategies.orders import orders as place_orders

__all__ = [
    "amounts",
    "billing_accounts",
    "billing_periods_of_a_month_or_year",
    "cart_lines",
    "catalog_and_tenant",
    "catalog_data",
    "catalog_tenants",
    "catalogs",
    "commands",
    "commands_on",
    "conventions",
    "currencies",
    "dates",
    "known_currencies",
    "license_blocks",
    "money",
    "payment_methods",
    "periods",
    "place_orders",
    "preset_conventions",
    "quantities",
    "role_assignments",
    "rounding_modes",
    "scenarios",
    "shop",
    "shops",
    "sub_periods",
    "subscriptions",
    "tenants",
    "term_and_frequency",
    "terms",
    "unit_prices",
]
