"""Ledger layout benchmarks: a seat change written the new-commerce way, alone and in a ledger.

The line job is compared with the obvious way to write the same two lines: fractions.Fraction for
the price per license, Decimal.quantize (half-up) for its rounding, a product with the quantity,
a capped refund, a tuple for the result. The ledger job plays the same month of seat changes in
both layouts; the legacy run is its floor (the engine as it was), not a reference.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs

from _harness import Benchmark
from subcommerce import (
    PC_NCE_SEAT_CHANGE,
    BillingAccount,
    BillingAccountType,
    BillingFrequency,
    Cart,
    ChangeLicenseQuantity,
    LedgerLayout,
    Money,
    NewSubscription,
    PaymentMethod,
    Period,
    PlaceOrder,
    Role,
    RoleAssignment,
    Scenario,
    Tenant,
    Term,
    default_catalog,
    prorate,
    refund_and_charge,
    simulate_scenario,
)

PRICE = Money.of("36.00", "USD")
SERVICE = Period(date(2025, 1, 1), date(2025, 2, 1))
CHANGE = date(2025, 1, 15)
ORIGINAL = prorate(PRICE, 100, SERVICE, convention=PC_NCE_SEAT_CHANGE)
CENT = Decimal("0.01")


def seat_change() -> object:
    return refund_and_charge(ORIGINAL, CHANGE, 105)


def reference_seat_change() -> object:
    """Per license: 36 x 17/31 as a Fraction, quantized half-up; x 100 refunded (capped at the
    3600.00 charged), x 105 charged; the net."""
    days, period_days = (SERVICE.end - CHANGE).days, (SERVICE.end - SERVICE.start).days
    exact = Fraction(Decimal("36.00")) * days / period_days
    unit = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    refund = -min(unit * 100, Decimal("3600.00"))
    charge = unit * 105
    return (CHANGE, SERVICE.end, refund, charge, refund + charge)


def check_seat_change() -> None:
    ours = refund_and_charge(ORIGINAL, CHANGE, 105)
    ref = reference_seat_change()
    assert (ours.refund.amount.amount, ours.charge.amount.amount) == ref[2:4], (ours, ref)  # type: ignore[index]
    assert ours.net.amount == ref[4]  # type: ignore[index]


ADMIN = "ana@contoso.com"


def _month(layout: LedgerLayout, changes: int) -> Scenario:
    account = BillingAccount(
        "contoso", BillingAccountType.MOSA, (RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),)
    )
    start = date(2025, 1, 1)
    buy = PlaceOrder(
        actor=ADMIN,
        as_of=start,
        payment_method=PaymentMethod.CARD,
        cart=Cart(
            (
                NewSubscription(
                    product_id="m365-business-standard",
                    quantity=100,
                    term=Term.P1M,
                    billing_frequency=BillingFrequency.MONTHLY,
                    subscription_id="s1",
                ),
            )
        ),
    )
    steps = tuple(
        ChangeLicenseQuantity(
            actor=ADMIN,
            as_of=start + timedelta(days=1 + n % 28),
            subscription_id="s1",
            quantity=101 + n,
        )
        for n in range(changes)
    )
    return Scenario(
        name="seat changes",
        start=start,
        until=date(2025, 1, 31),
        tenant=Tenant("contoso.com", account=account),
        currency="USD",
        steps=(buy, *sorted(steps, key=lambda s: s.as_of)),
        convention=attrs.evolve(PC_NCE_SEAT_CHANGE, layout=layout),
    )


CATALOG = default_catalog()
NEW_COMMERCE_MONTH = _month(LedgerLayout.NEW_COMMERCE, 28)
LEGACY_MONTH = _month(LedgerLayout.LEGACY, 28)


def new_commerce_month() -> object:
    return simulate_scenario(NEW_COMMERCE_MONTH, catalog=CATALOG)


def legacy_month() -> object:
    return simulate_scenario(LEGACY_MONTH, catalog=CATALOG)


def check_month() -> None:
    new, old = new_commerce_month(), legacy_month()
    assert not new.refused  # type: ignore[attr-defined]
    assert not old.refused  # type: ignore[attr-defined]
    # Two lines a change in new commerce, three in legacy; the same licenses at the end.
    assert len(old.ledger.entries) - len(new.ledger.entries) == 28  # type: ignore[attr-defined]
    assert new.tenant == old.tenant  # type: ignore[attr-defined]


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "layouts: a new-commerce seat change (refund and charge)",
            seat_change,
            target_us=15.0,
            reference=reference_seat_change,
            reference_name="Fraction + quantize per license, capped refund, tuple result",
            check=check_seat_change,
        ),
        Benchmark(
            "layouts: a month of 28 seat changes, new commerce",
            new_commerce_month,
            target_us=20_000.0,
            reference=legacy_month,
            reference_name="the same month in the legacy layout (the engine's floor)",
            check=check_month,
        ),
    ]
