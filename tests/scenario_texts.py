"""Scenario texts (TOML) that more than one test module reads, written once.

The test shop's tenant (Contoso on MOSA, its administrator a global admin) and its first order:
the administrator buys licenses of the shop's ``basic`` plan as subscription ``s1``. A test adds
its own top-level fields before them and its own steps after them.
"""

from __future__ import annotations

#: The tenant: contoso.com on a MOSA account, ``admin@contoso.com`` its global admin.
CONTOSO = """
[tenant]
organization = "contoso.com"
[tenant.account]
id = "contoso"
type = "mosa"
roles = [{ principal = "admin@contoso.com", role = "global_admin" }]
"""


def first_order(as_of: str, payment_method: str, quantity: int) -> str:
    """The order step: ``quantity`` licenses of ``basic`` as ``s1``, paid by ``payment_method``."""
    return f"""
[[steps]]
type = "place_order"
as_of = {as_of}
actor = "admin@contoso.com"
payment_method = "{payment_method}"
[[steps.cart]]
type = "new_subscription"
subscription_id = "s1"
product_id = "basic"
quantity = {quantity}
"""
