"""The cart's order path built from checked parts gives the values the checked path gives.

The orders engine makes each cart line's command with :func:`~subcommerce.commands.prechecked`,
which fills a writable twin of the command's slots and retypes it. The value must be the class's
own in every way a caller can see: equal, the same hash and repr, frozen, picklable and copyable,
of the class itself (never the twin). Expected values come from the checked constructor.
"""

from __future__ import annotations

import copy
import pickle
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_accounts import days
from subcommerce.billing import BillingAccountType, PaymentMethod
from subcommerce.catalog import Offer, Prices
from subcommerce.commands import ChangeLicenseQuantity, PurchaseSubscription, prechecked
from subcommerce.errors import InvalidPeriod
from subcommerce.money import (
    Money,
    currency,
    money_from_units,
    money_unchecked,
    sum_in_units,
    units_of,
)
from subcommerce.periods import BillingFrequency, Term


def _purchase_fields(quantity: int, on: date, term: Term, price: Money | None) -> dict[str, object]:
    return {
        "actor": "ana",
        "as_of": on,
        "subscription_id": "s9",
        "product_id": "basic",
        "quantity": quantity,
        "term": term,
        "billing_frequency": BillingFrequency.MONTHLY,
        "payment_method": PaymentMethod.CARD,
        "order_id": "order-9",
        "unit_price": price,
    }


@given(
    st.integers(1, 10**6),
    days(max_value=date(2030, 1, 1)),
    st.sampled_from(list(Term)),
    st.none() | st.integers(0, 10**6).map(lambda units: Money.of(Decimal(units).scaleb(-2), "USD")),
)
def test_a_prechecked_purchase_is_the_class_own_value_in_every_way_a_caller_sees(
    quantity: int, on: date, term: Term, price: Money | None
) -> None:
    fields = _purchase_fields(quantity, on, term, price)
    made = prechecked(PurchaseSubscription)(**fields)
    expected = PurchaseSubscription(**fields)  # type: ignore[arg-type]
    assert type(made) is PurchaseSubscription
    assert made == expected
    assert expected == made
    assert hash(made) == hash(expected)
    assert repr(made) == repr(expected)
    assert attrs.asdict(made) == attrs.asdict(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    assert pickle.dumps(made) == pickle.dumps(expected)
    assert copy.copy(made) == expected
    assert copy.deepcopy(made) == expected
    more = quantity + 1
    assert attrs.evolve(made, quantity=more) == attrs.evolve(expected, quantity=more)


def test_a_prechecked_command_stays_frozen() -> None:
    made = prechecked(ChangeLicenseQuantity)(
        actor="ana", as_of=date(2025, 3, 15), subscription_id="s1", quantity=12
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.quantity = 13  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del made.quantity  # type: ignore[misc]
    assert made == ChangeLicenseQuantity(
        actor="ana", as_of=date(2025, 3, 15), subscription_id="s1", quantity=12
    )
    assert made.at_renewal is False  # the class's default, filled in


def test_a_prechecked_command_is_never_its_twin() -> None:
    make = prechecked(ChangeLicenseQuantity)
    made = make(actor="ana", as_of=date(2025, 3, 15), subscription_id="s1", quantity=2)
    assert type(made) is ChangeLicenseQuantity
    assert type(made).__name__ == "ChangeLicenseQuantity"
    assert isinstance(made, ChangeLicenseQuantity)


# -- the enum properties read through tables ---------------------------------------------------

_LENGTHS = {Term.P1M: 1, Term.P1Y: 12, Term.P3Y: 36}  # ISO 8601: one month, one year, three


def test_a_term_knows_its_length_and_refuses_to_have_it_changed() -> None:
    assert {term: term.months for term in Term} == _LENGTHS
    for term in Term:
        with pytest.raises(AttributeError):
            term.months = 2  # type: ignore[misc]
        assert term.months == _LENGTHS[term]
    assert len(Term) == 3  # the table is no member


@pytest.mark.parametrize("frequency", list(BillingFrequency))
@pytest.mark.parametrize("term", list(Term))
def test_a_billing_period_lasts_what_the_frequency_says_when_the_term_is_a_whole_number_of_them(
    frequency: BillingFrequency, term: Term
) -> None:
    per = {BillingFrequency.MONTHLY: 1, BillingFrequency.ANNUAL: 12}.get(frequency, _LENGTHS[term])
    if _LENGTHS[term] % per:
        with pytest.raises(InvalidPeriod, match=f"a {term.value} term cannot be billed"):
            frequency.months(term)
    else:
        assert frequency.months(term) == per


@pytest.mark.parametrize("not_a_term", ["P1Y", 12, None, BillingFrequency.ANNUAL])
def test_a_billing_period_of_something_that_is_not_a_term_is_refused_by_name(
    not_a_term: object,
) -> None:
    with pytest.raises(InvalidPeriod, match="expected a Term"):
        BillingFrequency.MONTHLY.months(not_a_term)  # type: ignore[arg-type]


def test_only_the_agreements_billed_per_profile_have_profiles() -> None:
    assert {kind: kind.has_profiles for kind in BillingAccountType} == {
        BillingAccountType.MOSA: False,
        BillingAccountType.MCA: True,
        BillingAccountType.MPA: True,
    }
    with pytest.raises(AttributeError):
        BillingAccountType.MCA.has_profiles = False  # type: ignore[misc]


# -- a monthly period's price is the monthly price itself --------------------------------------


@given(
    st.integers(-(10**9), 10**9),
    st.integers(0, 4),
    st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_a_money_times_one_is_that_very_money_field_for_field(
    units: int, places: int, code: str
) -> None:
    # What lets a monthly offer hand back its monthly price (when it holds non-zero minor
    # units) as its period price, instead of ``price * 1``.
    for amount in (Decimal(units).scaleb(-places), Decimal("-0.00"), Decimal("0")):
        money = Money.of(amount, code)
        once = money * 1
        assert once == money
        assert once.amount.as_tuple() == money.amount.as_tuple()  # digits, exponent and sign
        assert str(once) == str(money)
        assert repr(once) == repr(money)
        if units_of(money):
            assert units_of(once) == units_of(money)


def test_an_offer_billed_monthly_costs_its_monthly_price_and_one_billed_annually_twelve() -> None:
    prices = Prices.of(USD="36.00", JPY="4000")
    monthly = Offer(Term.P1Y, BillingFrequency.MONTHLY, prices)
    annual = Offer(Term.P1Y, BillingFrequency.ANNUAL, prices)
    assert monthly.period_price("USD") == Money.of("36.00", "USD")
    assert str(monthly.period_price("USD")) == "36.00 USD"
    assert str(annual.period_price("USD")) == "432.00 USD"
    assert str(annual.period_price("JPY")) == "48000 JPY"
    assert monthly.period_price("EUR") is None


# -- a sum of one amount is that amount -------------------------------------------------------


@given(
    st.lists(st.integers(-(10**12), 10**12) | st.just(0), max_size=6),
    st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_a_sum_in_minor_units_is_the_decimal_sum_field_for_field(
    units: list[int], code: str
) -> None:
    cur = currency(code)
    amounts = [money_from_units(u, cur) for u in units]
    total = sum_in_units(amounts, cur)
    by_decimals = Money.zero(cur)
    for amount in amounts:  # the Decimal sum, written out
        by_decimals = money_unchecked(by_decimals.amount + amount.amount, cur)
    assert total == by_decimals
    assert total is not None
    assert total.amount.as_tuple() == by_decimals.amount.as_tuple()
    assert units_of(total) == sum(units)
    assert type(total) is Money


def test_a_sum_of_one_amount_or_of_zeros_around_it_is_that_amount() -> None:
    usd = currency("USD")
    charge = money_from_units(4113, usd)
    zero = money_from_units(0, usd)
    assert sum_in_units([charge], usd) is charge
    assert sum_in_units([zero, charge], usd) is charge
    assert str(sum_in_units([charge, charge], usd)) == "82.26 USD"
    assert str(sum_in_units([], usd)) == "0.00 USD"
    assert sum_in_units([Money.of("-0.00", "USD")], usd) is None  # no units: summed by Decimal
