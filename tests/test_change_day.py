"""A change day makes one tenant, not two, and plays only its steps.

- ``lifecycle.brought`` is :func:`~subcommerce.lifecycle.advance` without the Outcome, and on a
  day nothing is due it hands the tenant back as it is (not dated): ``commands.applied_on``
  dates the tenant the change makes, in the change's own copy for a license change
  (``subscriptions.same_dates(..., as_of)``). The two together give what ``advance`` then
  ``applied`` give: the same tenant (date included), events, refusal or error.
- A simulation's day with only steps due (``next_day`` found nothing of the book's or the
  lifecycle's before the next due day) plays the steps without asking the book to play the
  day: the timeline is the one the general path (the book plays every day) gives.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies_orders import ADMIN, CATALOG_ID, mosa_tenant, scenarios, shop
from subcommerce import commands, subscriptions, to_json
from subcommerce import simulate as simulate_module
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog
from subcommerce.commands import ChangeLicenseQuantity, Command, applied, applied_on, apply
from subcommerce.errors import Refused, SubcommerceError
from subcommerce.events import Event
from subcommerce.lifecycle import Outcome, advance, brought
from subcommerce.policy import DEFAULT_POLICY
from subcommerce.simulate import Scenario, simulate
from subcommerce.strategies.accounts import commands_on, days, tenants
from subcommerce.subscriptions import Subscription, Tenant

SHOP = shop("USD", (3000, 2200, 1000, 20, 300))  # basic: 36.00 a month month to month


def _played(call: Any) -> tuple[Any, ...]:
    """What a call gives: its value, the reasons of a refusal, or the kind and text of an error."""
    try:
        return ("value", call())
    except Refused as refused:
        return ("refused", refused.reasons)
    except SubcommerceError as error:
        return ("error", type(error), str(error))


def _general(tenant: Tenant, command: Command) -> tuple[Any, ...]:
    """The general path: the tenant brought to the day (dated), then the command."""
    return _played(lambda: applied(advance(tenant, command.as_of), command, DEFAULT_POLICY))


def _handed_on(tenant: Tenant, command: Command) -> tuple[Any, ...]:
    """The tenant brought to the day without its date, which the change's copy takes."""

    def handed() -> tuple[Tenant, tuple[Event, ...]]:
        current, held = brought(tenant, command.as_of)
        return applied_on(current, held, command, DEFAULT_POLICY)

    return _played(handed)


def _with_dates(played: tuple[Any, ...]) -> tuple[Any, ...]:
    if played[0] != "value":
        return played
    tenant, events = played[1]
    return ("value", tenant, tenant.as_of, events)


@st.composite
def _commands_later(draw: st.DrawFn) -> tuple[Tenant, Command]:
    """A tenant brought to a first day (so it holds the lifecycle memo and a date), and a
    command on one of its subscriptions on a later day (or, now and then, an earlier one)."""
    tenant = draw(tenants(min_subscriptions=1))
    first = draw(days())
    tenant = advance(tenant, first).tenant
    later = first + timedelta(days=draw(st.one_of(st.integers(-3, 40), st.integers(0, 800))))
    return tenant, draw(commands_on(tenant, later))


@given(_commands_later())
def test_a_command_on_a_tenant_handed_on_undated_gives_what_the_dated_tenant_gives(
    drawn: tuple[Tenant, Command],
) -> None:
    tenant, command = drawn
    general = _with_dates(_general(tenant, command))
    assert _with_dates(_handed_on(tenant, command)) == general
    # the public entry point takes the same path
    public = _with_dates(_played(lambda: _pair(apply(tenant, command))))
    assert public == general


def _pair(outcome: Outcome) -> tuple[Tenant, tuple[Event, ...]]:
    return outcome.tenant, outcome.events


@given(_commands_later())
def test_a_tenant_brought_to_a_day_is_the_advanced_one_but_for_its_date_when_nothing_was_due(
    drawn: tuple[Tenant, Command],
) -> None:
    tenant, command = drawn
    on = command.as_of
    general = _played(lambda: advance(tenant, on))
    handed = _played(lambda: brought(tenant, on))
    if general[0] != "value":
        assert handed == general
        return
    after, events = handed[1]
    assert events == general[1].events
    assert subscriptions.dated(after, on) == general[1].tenant
    assert subscriptions.dated(after, on).as_of == general[1].tenant.as_of == on
    if after.as_of != on:  # handed back as it was: nothing was due by ``on``
        assert after is tenant
        assert events == ()


def _one_sub_tenant() -> Tenant:
    existing = Subscription("s1", "basic", date(2025, 1, 5), 10, payment_method=PaymentMethod.CARD)
    return advance(
        Tenant(mosa_tenant().organization, (existing,), account=mosa_tenant().account),
        date(2025, 1, 10),
    ).tenant


def test_a_license_change_on_a_quiet_day_dates_its_one_copy_to_the_change() -> None:
    tenant = _one_sub_tenant()  # dated Jan 10; the term ends Feb 5
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 1, 20), subscription_id="s1", quantity=12
    )
    current, held = brought(tenant, more.as_of)
    assert current is tenant  # nothing due: no dated copy
    assert held == ()
    after, events = applied_on(current, held, more, DEFAULT_POLICY)
    assert after.as_of == date(2025, 1, 20)
    assert after.subscription("s1").quantity == 12
    assert (after, events) == applied(advance(tenant, more.as_of), more, DEFAULT_POLICY)


def test_a_change_that_forgot_the_date_would_be_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    tenant = _one_sub_tenant()
    more = ChangeLicenseQuantity(
        actor=ADMIN, as_of=date(2025, 1, 20), subscription_id="s1", quantity=12
    )
    assert _with_dates(_handed_on(tenant, more)) == _with_dates(_general(tenant, more))
    # same_dates that keeps the tenant's own date, and no dating after the change
    monkeypatch.setattr(
        commands, "same_dates", lambda t, c, on=None: subscriptions.same_dates(t, c)
    )
    monkeypatch.setattr(commands, "dated", lambda t, on: t)
    assert _with_dates(_handed_on(tenant, more)) != _with_dates(_general(tenant, more))


# -- a day of steps alone -------------------------------------------------------------------------


def _played_timeline(scenario: Scenario, catalog: Catalog) -> Any:
    try:
        return simulate(scenario, catalog=catalog)
    except SubcommerceError as error:
        return (type(error), str(error))


def _every_day_played(scenario: Scenario, catalog: Catalog, monkeypatch: Any) -> Any:
    """The general path: the lifecycle's first transition reads as the first day ever, so no
    day is taken for a day of steps alone and the book plays every day."""
    with monkeypatch.context() as patched:
        patched.setattr(simulate_module, "first_transition", lambda tenant, policy: date.min)
        return _played_timeline(scenario, catalog)


@given(scenarios())
def test_a_day_of_steps_alone_gives_the_timeline_the_book_playing_every_day_gives(
    generated: tuple[Scenario, Catalog],
) -> None:
    scenario, catalog = generated
    with pytest.MonkeyPatch.context() as monkeypatch:
        general = _every_day_played(scenario, catalog, monkeypatch)
    straight = _played_timeline(scenario, catalog)
    assert straight == general
    if not isinstance(straight, tuple):
        assert to_json(straight) == to_json(general)


def _renewal_day_change() -> Scenario:
    existing = Subscription("s1", "basic", date(2024, 12, 5), 10, payment_method=PaymentMethod.CARD)
    tenant = Tenant("contoso.com", (existing,), account=mosa_tenant().account)
    on_renewal = ChangeLicenseQuantity(  # Feb 5: the term ends and a period starts that day
        actor=ADMIN, as_of=date(2025, 2, 5), subscription_id="s1", quantity=12
    )
    return Scenario(
        name="a change on a renewal day",
        start=date(2025, 1, 10),
        tenant=tenant,
        currency="USD",
        steps=(on_renewal,),
        until=date(2025, 3, 10),
        catalog=CATALOG_ID,
    )


def test_a_day_of_steps_alone_taken_on_a_due_day_would_be_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = _renewal_day_change()
    straight = simulate(scenario, catalog=SHOP)
    assert straight == _every_day_played(scenario, SHOP, monkeypatch)
    renewed_then_changed = [(type(e).__name__, e.on) for e in straight.events][1:3]
    assert renewed_then_changed == [
        ("Renewed", date(2025, 2, 5)),
        ("LicensesChanged", date(2025, 2, 5)),
    ]

    def any_step_day(run: Any) -> date | None:  # skips the book's day whenever a step is next
        due = run.book.next_due(run.tenant, run.as_of)
        steps = run.scenario.steps
        if run.next_step < len(steps):
            run.steps_only = on = steps[run.next_step].as_of
            return on if due is None or on < due else due
        return due

    monkeypatch.setattr(simulate_module._Run, "next_day", any_step_day)
    assert simulate(scenario, catalog=SHOP) != straight
