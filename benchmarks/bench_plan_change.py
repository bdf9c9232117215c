"""Changes of plan (issue 12): the price review of one change, and a year of monthly changes.

Each is compared in the same process with a plain reference written the obvious way: the days of
the year, fractions.Fraction for each prorated part and Decimal.quantize for the rounding. The
references compute the amounts only; the subject also asks the catalog (the change path, the
offer, the add-ons' fates), checks every rule of the command, keeps every entry explained and
linked to the charge it credits, and builds the invoices.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from _harness import Benchmark
from subcommerce._builtin import default_catalog
from subcommerce.billing import BillingAccount, BillingAccountType, PaymentMethod
from subcommerce.commands import ChangePlan
from subcommerce.orders import Cart, ChangePlanLine, NewSubscription, PlaceOrder, quote
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Step, Timeline, simulate
from subcommerce.subscriptions import Tenant

ADMIN = "ana@contoso.com"
CATALOG = default_catalog()
START = date(2025, 1, 1)
YEAR = (date(2026, 1, 1) - START).days  # 365
BASIC, STANDARD = Decimal("72.00"), Decimal("150.00")  # a license a year, billed annually
CENT = Decimal("0.01")
TENANT = Tenant(
    "contoso.com",
    account=BillingAccount.sign_up(
        BillingAccountType.MCA, "contoso", ADMIN, payment_method=PaymentMethod.CARD
    ),
)
BUY = PlaceOrder(
    actor=ADMIN,
    as_of=START,
    cart=Cart(
        (
            NewSubscription(
                product_id="m365-business-basic",
                quantity=100,
                term=Term.P1Y,
                billing_frequency=BillingFrequency.ANNUAL,
                subscription_id="basic",
            ),
        )
    ),
)


def _round(exact: Fraction) -> Decimal:
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        CENT, rounding=ROUND_HALF_EVEN
    )


def _change_net(moved: int, day: date) -> Decimal:
    """What a change of ``moved`` licenses on ``day`` costs: the new plan's charge for the rest
    of the year, less the old plan's exact difference rounded once."""
    left = (date(2026, 1, 1) - day).days
    charge = _round(Fraction(STANDARD) * moved * left / YEAR)
    credit = _round(-Fraction(BASIC) * moved * left / YEAR)
    return charge + credit


# -- one change, reviewed -----------------------------------------------------------------------

_HELD = simulate(
    Scenario(
        name="held",
        start=START,
        tenant=TENANT,
        currency="USD",
        steps=(BUY,),
        until=date(2025, 3, 15),
    ),
    catalog=CATALOG,
)
ON = date(2025, 3, 16)
CHANGE = PlaceOrder(
    actor=ADMIN,
    as_of=ON,
    cart=Cart(
        (ChangePlanLine(subscription_id="basic", product_id="m365-business-standard", quantity=40),)
    ),
)


def one_change_reviewed() -> object:
    """The price review of 40 of 100 Business Basic licenses moved to Business Standard."""
    return quote(CATALOG, _HELD.tenant, CHANGE, ledger=_HELD.ledger)


def reference_one_change() -> Decimal:
    return _change_net(40, ON)


def check_one_change() -> None:
    review = quote(CATALOG, _HELD.tenant, CHANGE, ledger=_HELD.ledger)
    assert review.ok, review.reasons
    assert review.total.amount == reference_one_change() == Decimal("2487.45")


# -- a year of changes --------------------------------------------------------------------------

DAYS = tuple(date(2025, month, 1) for month in range(2, 13))


def _year() -> Scenario:
    steps: list[Step] = [BUY]
    steps += [
        ChangePlan(
            actor=ADMIN,
            as_of=day,
            subscription_id="basic",
            product_id="m365-business-standard",
            quantity=5,
            new_subscription_id=f"standard-{day.month}",
        )
        for day in DAYS
    ]
    return Scenario(
        name="monthly changes",
        start=START,
        tenant=TENANT,
        currency="USD",
        steps=tuple(steps),
        until=date(2025, 12, 31),
    )


YEAR_OF_CHANGES = _year()


def a_year_of_changes() -> Timeline:
    """11 partial changes (5 licenses on the first of each month), a new subscription each."""
    return simulate(YEAR_OF_CHANGES, catalog=CATALOG)


def reference_year() -> Decimal:
    return BASIC * 100 + sum((_change_net(5, day) for day in DAYS), Decimal(0))


def check_year() -> None:
    timeline = a_year_of_changes()
    assert timeline.refused == (), timeline.refused
    every = (*timeline.invoices, *timeline.open_invoices)
    assert sum((i.total.amount for i in every), Decimal(0)) == reference_year()
    assert timeline.ledger.net.amount == reference_year()
    assert timeline.tenant.subscription("basic").quantity == 100 - 5 * len(DAYS)


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "plan change: the price review of 40 of 100 licenses moved (MCA)",
            one_change_reviewed,
            target_us=300.0,
            reference=reference_one_change,
            reference_name="Fraction and quantize for the credit and the charge",
            check=check_one_change,
        ),
        Benchmark(
            "plan change: a year with a partial change every month (MCA, 12 subscriptions)",
            a_year_of_changes,
            target_us=5000.0,
            reference=reference_year,
            reference_name="Fraction and quantize per change, summed",
            check=check_year,
        ),
    ]
