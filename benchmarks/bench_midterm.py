"""Issue 12 benchmarks: an aligned first term, a month-based first period, a year of changes.

The first two are compared in the same process with a plain reference written the obvious way:
dateutil's relativedelta over the target's renewal dates, and Fraction with Decimal.quantize for
the month-based amount. The third plays a year of mid-term changes through the simulation; it
has no reference (its check is the ledger's net, worked by hand).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from _harness import Benchmark
from subcommerce import (
    BillingAccount,
    BillingAccountType,
    BillingFrequency,
    Catalog,
    ChangeBillingFrequency,
    ChangeTerm,
    DisplayName,
    Money,
    Offer,
    PaymentMethod,
    Period,
    Plan,
    Prices,
    PurchaseSubscription,
    Role,
    RoleAssignment,
    Scenario,
    Subscription,
    Tenant,
    Term,
    aligned_term,
    months_line,
    simulate_scenario,
)

TARGET = Subscription("old", "standard", date(2021, 10, 2), 10, Term.P1Y, renewals=0)
ON = date(2022, 7, 1)


def aligned() -> object:
    return aligned_term(TARGET, Term.P3Y, ON)


def reference_aligned() -> object:
    """The latest anniversary of the target within three years of ON, by relativedelta."""
    reach = ON + relativedelta(months=36)
    best = None
    for j in range(1, 40):
        day = TARGET.start + relativedelta(months=12 * j)
        if day > reach:
            break
        if day > ON and day - relativedelta(months=36) <= ON:
            best = day
    return best


def check_aligned() -> None:
    result = aligned_term(TARGET, Term.P3Y, ON)
    assert result is not None
    assert result.first_end == reference_aligned() == date(2024, 10, 2)


YEAR = Period(date(2025, 1, 1), date(2026, 1, 1))
ANNUAL = Money.of("360.00", "USD")
CENT = Decimal("0.01")


def month_based() -> object:
    return months_line(ANNUAL, 10, YEAR, date(2025, 4, 1))


def reference_month_based() -> object:
    exact = Fraction(Decimal("360.00")) * 10 * 9 / 12
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        CENT, rounding=ROUND_HALF_EVEN
    )


def check_month_based() -> None:
    assert months_line(ANNUAL, 10, YEAR, date(2025, 4, 1)).amount.amount == Decimal("2700.00")
    assert reference_month_based() == Decimal("2700.00")


_PLAN = Plan(
    "standard",
    DisplayName("Standard", "Standard"),
    offers=(
        Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="36.00")),
        Offer(Term.P1Y, BillingFrequency.MONTHLY, Prices.of(USD="30.00")),
        Offer(Term.P1Y, BillingFrequency.ANNUAL, Prices.of(USD="30.00")),
    ),
)
_CATALOG = Catalog("mine", DisplayName("Mine", "Le mien"), plans=(_PLAN,))
_ACCOUNT = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "ana").grant(
    RoleAssignment("ana", Role.GLOBAL_ADMIN)
)
_YEAR_OF_CHANGES = Scenario(
    name="a year of mid-term changes",
    start=date(2025, 1, 1),
    until=date(2025, 12, 31),
    tenant=Tenant("contoso.com", account=_ACCOUNT),
    currency="USD",
    catalog="mine",
    steps=(
        PurchaseSubscription(
            actor="ana", as_of=date(2025, 1, 1), subscription_id="s1", product_id="standard",
            quantity=10, payment_method=PaymentMethod.CARD,
        ),
        ChangeTerm(
            actor="ana", as_of=date(2025, 2, 15), subscription_id="s1", term=Term.P1Y,
            immediately=True,
        ),
        ChangeBillingFrequency(
            actor="ana", as_of=date(2025, 5, 20), subscription_id="s1",
            billing_frequency=BillingFrequency.ANNUAL, at_next_cycle=True,
        ),
    ),
)  # fmt: skip


def year_of_changes() -> object:
    return simulate_scenario(_YEAR_OF_CHANGES, catalog=_CATALOG)


def check_year() -> None:
    # January 360.00; Feb 1 360.00, credited for Feb 15-28 (14 of 28 days): -180.00; the year
    # from Feb 15 billed monthly at 300.00: Feb 15, Mar 15, Apr 15, May 15; annual from Jun 15:
    # 10 x 360.00 x 8/12 = 2,400.00. Net 360 + 360 - 180 + 4 x 300 + 2,400 = 4,140.00.
    assert str(year_of_changes().ledger.net) == "4140.00 USD"  # type: ignore[attr-defined]


def benchmarks(smoke: bool = False) -> list[Benchmark]:
    return [
        Benchmark(
            "alignment: a three-year first term aligned to a one-year target",
            aligned,
            target_us=30.0,
            reference=reference_aligned,
            reference_name="relativedelta over the target's anniversaries",
            check=check_aligned,
        ),
        Benchmark(
            "billing plans: a month-based first period (9 of 12 months)",
            month_based,
            target_us=10.0,
            reference=reference_month_based,
            reference_name="Fraction + quantize, the amount alone",
            check=check_month_based,
        ),
        Benchmark(
            "simulate: a year with a mid-term term change and a billing cycle change",
            year_of_changes,
            target_us=5_000.0,
            reference=None,
            note="the whole simulation; its check is the ledger's net worked by hand",
            check=check_year,
        ),
    ]
