"""Billing plans changed mid-term: when a change takes effect, and how its first period is priced.

A billing plan is a term and a billing frequency (Partner Center, *Manage term duration and
billing frequency*, partner-center/customers/billing-frequency-changes). That page names three
ways to change one: *immediate changes* ("Move to a longer term duration mid-term"), *scheduled
changes at renewal*, and *billing cycle changes*: "This method lets you alter the billing
frequency alone. The changes take effect at your next billing cycle."

* :func:`next_billing_cycle` is the day a billing cycle change takes effect: the end of the
  billing period running on the day it is asked.
* From that day the subscription is billed at its new frequency. The first period of the new
  frequency usually starts inside one of its periods (a term billed monthly, moved to annual
  billing in its fourth month, is billed annually for the nine months left); a
  :class:`BillingPlanProration` says how that part is priced. :data:`PC_BILLING_PLAN_MONTHS`
  (the default) prices it by whole months of the period, as Partner Center's billing-plan change
  does: nine of twelve months of the annual price. :data:`BILLING_PLAN_DAYS` prices it by days,
  with the ledger's own convention, like any other part of a period.
* :func:`product_change_reasons` is the catalog's word on a product change scheduled for the
  renewal (the commands know no catalog).

>>> from subcommerce.money import Money
>>> from subcommerce.periods import Period
>>> year = Period(date(2025, 1, 1), date(2026, 1, 1))
>>> line = months_line(Money.of("432.00", "USD"), 10, year, date(2025, 4, 1))
>>> str(line.amount), line.note
('3240.00 USD', '9 of 12 months (pc-billing-plan-months)')
"""

from __future__ import annotations

from datetime import date
from typing import Final

import attrs

from subcommerce._checks import Choice, expect
from subcommerce.catalog import Addon, Catalog, Plan
from subcommerce.errors import InvalidArgument, Reason, ReasonCode
from subcommerce.money import Money, round_ratio
from subcommerce.periods import (
    BillingFrequency,
    Period,
    Term,
    check_date,
    locate,
    months_between,
)
from subcommerce.proration import (
    CHARGE_KIND,
    EXACT,
    ProratedLine,
    ProrationConvention,
    explained_line,
    prorate,
)
from subcommerce.subscriptions import Subscription

__all__ = [
    "BILLING_PLAN_DAYS",
    "PC_BILLING_PLAN_MONTHS",
    "BillingPlanProration",
    "ProrationBasis",
    "first_period_line",
    "months_line",
    "next_billing_cycle",
    "offer_reasons",
    "product_change_reasons",
]

_PAGE: Final = (
    "Partner Center, Manage term duration and billing frequency "
    "(partner-center/customers/billing-frequency-changes)"
)


class ProrationBasis(Choice):
    """What the part of a period is counted in: whole months of it, or days of it."""

    MONTHS = "months"
    DAYS = "days"


def _text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidArgument(f"{attribute.name} must be a string, got {value!r}")


def _basis(instance: object, attribute: attrs.Attribute[ProrationBasis], value: object) -> None:
    if not isinstance(value, ProrationBasis):
        raise InvalidArgument(f"{attribute.name} must be a ProrationBasis, got {value!r}")


@attrs.frozen
class BillingPlanProration:
    """How the first period after a billing-frequency change is priced, as a named value.

    ``basis`` MONTHS: the price of the period x the whole months left of it / its months (then
    rounded once with the ledger convention's mode); DAYS: the ledger's convention, by days.
    """

    name: str = attrs.field(validator=_text)
    basis: ProrationBasis = attrs.field(validator=_basis)
    source: str = attrs.field(default="", validator=_text)


#: Partner Center's billing-plan change: the part of the new period is whole months of it.
PC_BILLING_PLAN_MONTHS: Final = BillingPlanProration(
    "pc-billing-plan-months",
    ProrationBasis.MONTHS,
    source=_PAGE + ": billing cycle changes take effect at the next billing cycle, by months",
)

#: The ledger's own convention: days of the period, like any other part of a period.
BILLING_PLAN_DAYS: Final = BillingPlanProration(
    "billing-plan-days",
    ProrationBasis.DAYS,
    source="subcommerce: the days of the period, with the ledger's proration convention",
)


def next_billing_cycle(subscription: Subscription, on: date) -> date:
    """The first day of the billing period after the one running on ``on``: when a billing cycle
    change asked on ``on`` takes effect."""
    expect(subscription, Subscription, "subscription")
    check_date(on, "date")
    months = subscription.billing_frequency.months(subscription.term)
    return locate(subscription.anchor, months, on)[2]


def months_line(
    unit_price: Money,
    quantity: int,
    period: Period,
    start: date,
    convention: ProrationConvention = EXACT,
    proration: BillingPlanProration = PC_BILLING_PLAN_MONTHS,
) -> ProratedLine:
    """The charge of ``[start, period.end)`` priced by whole months: ``unit_price`` (one period)
    x ``quantity`` x months left / months of the period, rounded once with ``convention.mode``.

    ``start`` lies on the month grid of the period (a billing cycle's first day), so the months
    are whole; the line is explained by its note (its days are the span's).
    """
    check_date(start, "start")
    line = prorate(unit_price, quantity, period, start=start, convention=convention)  # checks
    expect(proration, BillingPlanProration, "billing-plan proration")
    span = line.span
    total = max(months_between(period.start, period.end), 1)
    left = min(max(months_between(start, period.end), 0), total)
    numerator, denominator = unit_price.amount.as_integer_ratio()
    scale = 10**unit_price.currency.exponent
    units = round_ratio(numerator * quantity * left * scale, denominator * total, convention.mode)
    note = f"{left} of {total} months ({proration.name})"
    return explained_line(CHARGE_KIND, unit_price, quantity, period, span, convention, units, note)


def first_period_line(
    unit_price: Money,
    quantity: int,
    period: Period,
    start: date,
    convention: ProrationConvention,
    proration: BillingPlanProration,
) -> ProratedLine:
    """The charge of the first period after a billing-frequency change, under ``proration``."""
    if expect(proration, BillingPlanProration, "billing-plan proration").basis is (
        ProrationBasis.MONTHS
    ):
        return months_line(unit_price, quantity, period, start, convention, proration)
    return prorate(unit_price, quantity, period, start=start, convention=convention)


def product_change_reasons(
    catalog: Catalog, subscription: Subscription, product_id: str
) -> list[Reason]:
    """The catalog's reasons against moving ``subscription`` to ``product_id`` at its renewal.

    The new product must be in the catalog and of the same kind (a plan for a plan, an add-on for
    an add-on), and a plan that declares change paths (``Plan.changes_to``: Business Basic ->
    Standard -> Premium, Office 365 E1 -> E3 -> E5, Microsoft 365 E3 -> E5 and the cross-family
    moves) moves only to one of them (``plan_change_not_eligible``, as a change of plan is).
    """
    current = catalog.get(subscription.product_id)
    wanted = catalog.product(product_id)  # UnknownReference for a product the catalog lacks
    if current is not None and isinstance(current, Addon) is not isinstance(wanted, Addon):
        return [
            Reason(
                ReasonCode.PRODUCT_CHANGE_NOT_ALLOWED,
                subscription=subscription.id,
                product=product_id,
            )
        ]
    if isinstance(current, Plan) and current.changes_to and product_id not in current.changes_to:
        # The catalog's change paths (issue 12, change of plan): a plan that declares them
        # moves, at its renewal too, only to one of them.
        return [
            Reason(
                ReasonCode.PLAN_CHANGE_NOT_ELIGIBLE,
                subscription=subscription.id,
                product=product_id,
                products=current.changes_to,
            )
        ]
    return []


def offer_reasons(
    catalog: Catalog, product_id: str, term: Term, frequency: BillingFrequency, on: date
) -> list[Reason]:
    """The catalog's reason against a billing plan a change moves to: no offer of ``product_id``
    on ``term`` billed at ``frequency`` on ``on`` (a product the catalog lacks is priced by the
    subscription's locked price, as before: no reason)."""
    if catalog.get(product_id) is None or catalog.offer(product_id, term, frequency, on):
        return []
    return [
        Reason(
            ReasonCode.NO_MATCHING_OFFER,
            product=product_id,
            term=term,
            billing_frequency=frequency,
        )
    ]
