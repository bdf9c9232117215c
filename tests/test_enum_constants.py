"""Every public enum member is a constant shared by the whole process: nothing can be set on it.

An enum member is one object for every caller, so an attribute set on it would change every
later use of it; a plain enum member has a ``__dict__``, so before this, a method could be hidden
(``BillingFrequency.MONTHLY.months = 1`` made every period price in the process fail).
"""

from __future__ import annotations

import copy
import pickle

import pytest

import subcommerce
from subcommerce._checks import Choice
from subcommerce.periods import BillingFrequency, Term

PUBLIC_ENUMS = sorted(
    (
        value
        for value in (getattr(subcommerce, name) for name in subcommerce.__all__)
        if isinstance(value, type) and issubclass(value, Choice)
    ),
    key=lambda kind: kind.__name__,
)
MEMBERS = [member for kind in PUBLIC_ENUMS for member in kind]


def test_the_public_enums_are_found() -> None:
    names = {kind.__name__ for kind in PUBLIC_ENUMS}
    assert {"Term", "BillingFrequency", "BillingAccountType", "RoundingMode"} <= names


@pytest.mark.parametrize("member", MEMBERS, ids=repr)
def test_no_attribute_can_be_set_on_or_deleted_from_a_member(member: Choice) -> None:
    for name in ("months", "value", "name", "anything"):
        with pytest.raises(AttributeError):
            setattr(member, name, 1)
        with pytest.raises(AttributeError):
            delattr(member, name)
    assert "anything" not in vars(member)


def test_a_billing_frequencys_method_cannot_be_hidden() -> None:
    with pytest.raises(AttributeError, match=r"BillingFrequency\.MONTHLY is a constant"):
        BillingFrequency.MONTHLY.months = 1  # type: ignore[method-assign, assignment]
    assert BillingFrequency.MONTHLY.months(Term.P1Y) == 1
    assert BillingFrequency.ANNUAL.months(Term.P3Y) == 12


@pytest.mark.parametrize("member", MEMBERS, ids=repr)
def test_a_member_is_still_itself_through_its_value_a_pickle_and_a_copy(member: Choice) -> None:
    kind = type(member)
    assert kind(member.value) is member
    assert pickle.loads(pickle.dumps(member)) is member
    assert copy.deepcopy(member) is member
    assert member == member.value  # still a str
