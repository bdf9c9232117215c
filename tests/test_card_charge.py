"""When a card is charged for an invoice (policy.CardCharge), and where that day cannot be."""

from __future__ import annotations

from datetime import date

import pytest

from subcommerce import BillingAccountType, CardCharge, CardChargeRule, DateOutOfRange

ORDERED, INVOICED, DUE = date(2025, 3, 10), date(2025, 4, 10), date(2025, 4, 20)


def test_under_mosa_the_card_is_charged_the_day_after_the_invoice_date() -> None:
    assert CardCharge().charged_on(BillingAccountType.MOSA, ORDERED, INVOICED, DUE) == date(
        2025, 4, 11
    )


def test_under_mca_the_card_is_charged_on_the_due_date() -> None:
    assert CardCharge().charged_on(BillingAccountType.MCA, ORDERED, INVOICED, DUE) == DUE


def test_a_rule_of_days_after_the_order_counts_from_the_order() -> None:
    rule = CardCharge(mosa=CardChargeRule.DAYS_AFTER_ORDER, days=3)
    assert rule.charged_on(BillingAccountType.MOSA, ORDERED, INVOICED, DUE) == date(2025, 3, 13)


def test_a_charge_day_after_the_last_date_there_is_refused_by_name_not_as_a_bare_overflow() -> None:
    last = date.max
    with pytest.raises(DateOutOfRange, match="invoice date 9999-12-31") as refused:
        CardCharge().charged_on(BillingAccountType.MOSA, ORDERED, last, last)
    assert isinstance(refused.value, ValueError)
    rule = CardCharge(mosa=CardChargeRule.DAYS_AFTER_ORDER, days=2)
    with pytest.raises(DateOutOfRange, match="order date 9999-12-30"):
        rule.charged_on(BillingAccountType.MOSA, date(9999, 12, 30), last, last)
