"""What-if simulation: a scenario played day by day into events, a ledger and invoices.

A :class:`Scenario` is plain data: a starting tenant (its billing account and subscriptions), the
billing currency, the catalog and proration convention it is priced with, and a list of dated
steps, each a command of :mod:`subcommerce.commands` or an order (:class:`~subcommerce.orders.
PlaceOrder`). :func:`simulate` plays it until a date and returns a :class:`Timeline`: what
happened (events), every ledger entry, the invoices issued and the statements still open, and the
steps that were refused with their reasons. A refused step is recorded, never raised, and changes
nothing.

Day by day, in this order: the lifecycle brings the tenant to the day (renewals, trials that
convert, expiries); every billing period that starts that day is charged; then the day's steps
run in scenario order. Only days on which something can happen are visited.

A timeline is also the state to go on from: ``resume(simulate(s, until=d1), d2)`` equals
``simulate(s, until=d2)``.

Subscriptions already in the starting tenant: the billing period running on the scenario's first
day counts as billed before it (the ledger's opening, on no invoice); the next one is charged.

>>> from datetime import date
>>> from subcommerce.billing import BillingAccount, BillingAccountType, PaymentMethod
>>> from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
>>> from subcommerce.commands import ChangeLicenseQuantity
>>> from subcommerce.orders import Cart, NewSubscription, PlaceOrder
>>> from subcommerce.periods import BillingFrequency, Term
>>> from subcommerce.subscriptions import Tenant
>>> plan = Plan("standard", DisplayName("Standard", "Standard"), offers=(
...     Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="36.00")),))
>>> catalog = Catalog("mine", DisplayName("Mine", "Le mien"), plans=(plan,))
>>> tenant = Tenant("contoso.com",
...     account=BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "ana"))
>>> buy = PlaceOrder(actor="ana", as_of=date(2025, 1, 1), payment_method=PaymentMethod.CARD,
...     cart=Cart((NewSubscription(product_id="standard", quantity=100, subscription_id="s1"),)))
>>> more = ChangeLicenseQuantity(actor="ana", as_of=date(2025, 1, 15), subscription_id="s1",
...     quantity=105)
>>> scenario = Scenario(name="five more on the 15th", start=date(2025, 1, 1), tenant=tenant,
...     currency="USD", catalog="mine", steps=(buy, more))
>>> timeline = simulate(scenario, date(2025, 2, 28), catalog=catalog)
>>> [(i.issued_on.isoformat(), str(i.total)) for i in timeline.invoices]
[('2025-02-01', '3698.71 USD')]
>>> [str(i.total) for i in timeline.open_invoices]  # 105 x 36.00, charged on Feb 1
['3780.00 USD']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Final, cast

import attrs

from subcommerce import display, plan_changes, tables
from subcommerce._checks import expect, tuple_of
from subcommerce.catalog import Catalog
from subcommerce.commands import ChangePlan, Command, check_advanced
from subcommerce.errors import (
    DateOutsidePeriod,
    InvalidCommand,
    Reason,
    Refused,
    SubcommerceError,
    UnknownReference,
)
from subcommerce.events import Event
from subcommerce.invoices import Book, Invoice, InvoiceRows, Ledger, invoice_rows, read_lazily
from subcommerce.lifecycle import advance, first_transition
from subcommerce.money import Currency, currency
from subcommerce.orders import PlaceOrder, Quote, quote_of, run_order, step_applied
from subcommerce.periods import check_date
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.proration import EXACT, ProrationConvention, proration_convention
from subcommerce.subscriptions import Tenant

__all__ = [
    "MAX_YEARS",
    "CreditCheck",
    "Refusal",
    "Scenario",
    "Step",
    "Timeline",
    "begin",
    "resume",
    "simulate",
]

#: One dated step of a scenario: a command, or an order placed from a cart.
Step = Command | PlaceOrder


def _steps(value: Iterable[Step]) -> tuple[Step, ...]:
    return tuple_of(value, "steps")


def _optional_day(instance: object, attribute: attrs.Attribute[date | None], value: object) -> None:
    if value is not None:
        check_date(value, attribute.name)


def _day(instance: object, attribute: attrs.Attribute[date], value: object) -> None:
    check_date(value, attribute.name)


def _business_days(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidCommand(
            f"{attribute.name} must be None or a whole number of business days >= 0, got {value!r}"
        )


@attrs.frozen
class CreditCheck:
    """A scenario's own credit-check duration: pending checks complete ``business_days`` business
    days after the purchase; None: only a ``complete_credit_check`` step completes them."""

    business_days: int | None = attrs.field(default=None, validator=_business_days)


@attrs.frozen(kw_only=True)
class Scenario:
    """A what-if: a starting tenant and dated steps, priced with a catalog and a convention.

    ``start``: the first day simulated. ``until``: the day to simulate to when none is given.
    ``catalog``: the id of the catalog to price with (``"default"`` for the embedded one).
    ``convention``: how it prorates: any :class:`~subcommerce.proration.ProrationConvention`, or
    the name of a preset (see :data:`subcommerce.proration.PRESETS`), which becomes the preset.
    Steps are dated on or after ``start``, in date order; same-day steps run in the order given.
    ``credit_check``: the scenario's own credit-check duration (None: the policy's, two business
    days by default, seed 004).
    """

    name: str
    start: date = attrs.field(validator=_day)
    tenant: Tenant
    currency: Currency = attrs.field(converter=currency)
    steps: tuple[Step, ...] = attrs.field(default=(), converter=_steps)
    until: date | None = attrs.field(default=None, validator=_optional_day)
    catalog: str = "default"
    convention: ProrationConvention = attrs.field(default=EXACT, converter=proration_convention)
    description: str = ""
    credit_check: CreditCheck | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.tenant, Tenant):
            raise InvalidCommand(f"scenario {self.name!r}: tenant must be a Tenant")
        previous = self.start
        for index, step in enumerate(self.steps):
            as_of = getattr(step, "as_of", None)
            if as_of is None or not hasattr(step, "actor"):
                raise InvalidCommand(f"scenario {self.name!r}: step {index} is not a command")
            if as_of < previous:
                where = "its start" if previous == self.start else "the step before"
                raise InvalidCommand(
                    f"scenario {self.name!r}: step {index} is dated {as_of.isoformat()}, before "
                    f"{where} ({previous.isoformat()}); steps run in date order"
                )
            previous = as_of
        if self.until is not None and self.until < self.start:
            raise InvalidCommand(
                f"scenario {self.name!r}: until {self.until.isoformat()} is before its start"
            )


@attrs.frozen
class Refusal:
    """A step that did not go through: the rules' ``reasons``, or the ``error`` of a bad input.

    Either way nothing changed.
    """

    index: int
    on: date
    step: Step
    reasons: tuple[Reason, ...] = ()
    error: str = ""

    def messages(self, lang: str = "en", catalog: Catalog | None = None) -> tuple[str, ...]:
        """The reasons as messages in ``lang`` (or the error, in English: a bad input is the
        caller's, not the reader's), with the catalog's product names when it is given."""
        if self.reasons:
            return tuple(r.message(lang, catalog) for r in self.reasons)
        return (self.error,)


@attrs.frozen(kw_only=True)
class Timeline:
    """A scenario played through ``as_of``: what happened, the ledger, the invoices, refusals.

    ``invoices`` are those dated on or before ``as_of``; ``open_invoices`` the statements still
    open that day, with what has accrued on them so far. ``orders`` holds the price review of
    every order placed, as the admin saw it before placing it. ``next_step`` counts the steps
    already played. A timeline is the state :func:`resume` goes on from.
    """

    scenario: Scenario
    catalog_id: str
    as_of: date
    next_step: int
    tenant: Tenant
    events: tuple[Event, ...]
    ledger: Ledger
    refused: tuple[Refusal, ...]
    orders: tuple[Quote, ...]
    invoices: tuple[Invoice, ...]
    open_invoices: tuple[Invoice, ...]

    @property
    def done(self) -> bool:
        """True when every step has been played."""
        return self.next_step >= len(self.scenario.steps)

    def __repr__(self) -> str:
        return (
            f"<Timeline {self.scenario.name!r} {self.scenario.start.isoformat()}.."
            f"{self.as_of.isoformat()}: {len(_invoices(self, Timeline))} invoices, "  # type: ignore[arg-type]
            f"{len(_open_invoices(self, Timeline))} open, {len(self.ledger)} entries, "  # type: ignore[arg-type]
            f"{len(self.events)} events, {len(self.refused)} refused, net {self.ledger.net}>"
        )

    def rows(self, table: str = "invoices", lang: str = "en") -> list[dict[str, object]]:
        """One of the timeline's tables as plain records.

        ``table``: ``"entries"`` (every ledger entry, with the invoice it is on), ``"invoices"``
        (issued, then open), ``"events"`` or ``"refusals"`` (messages in ``lang``).
        """
        return tables.timeline_table(self, table, lang).rows()

    def to_pandas(self, table: str = "invoices", lang: str = "en") -> Any:
        """One of the timeline's tables as a frame (``subcommerce[notebook]``); see :meth:`rows`."""
        return tables.timeline_table(self, table, lang).to_pandas()

    def plot(self, *, ax: Any = None) -> Any:
        """The invoices over time, stacked by subscription: a matplotlib figure, never shown."""
        return display.plot_timeline(self, ax=ax)

    def _repr_html_(self) -> str:
        return display.timeline_html(self)


# A timeline the run returns keeps its invoices as rows (see invoices.InvoiceRows): they are built
# when read.
_invoices: Final = read_lazily(Timeline, "invoices", InvoiceRows)
_open_invoices: Final = read_lazily(Timeline, "open_invoices", InvoiceRows)


def invoice_units(timeline: Timeline) -> tuple[Sequence[int], Sequence[int]] | None:
    """The totals of ``timeline``'s issued and open invoices, in minor units of its ledger's
    currency, read from the rows it keeps without building the invoices; None for a timeline
    that keeps Invoice values (one built from outside: read ``invoices`` then)."""
    issued, still_open = _invoices(timeline, Timeline), _open_invoices(timeline, Timeline)
    code = timeline.ledger.currency
    if (
        issued.__class__ is InvoiceRows
        and still_open.__class__ is InvoiceRows
        and issued.entries.code is code
        and still_open.entries.code is code
    ):
        return issued.totals, still_open.totals
    return None


class _Run:
    """The mutable working state of one stretch of simulation."""

    def __init__(
        self,
        scenario: Scenario,
        catalog: Catalog,
        policy: Policy,
        as_of: date,
        tenant: Tenant,
        book: Book,
    ) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.policy = policy
        self.as_of = as_of
        self.next_step = 0
        self.tenant = tenant
        self.events: list[Event] = []
        self.refused: list[Refusal] = []
        self.orders: list[Quote] = []
        self.book = book
        #: The day :meth:`next_day` last found only steps due on (nothing of the lifecycle's or
        #: the book's): :meth:`day` then plays the steps alone. Days only move on, so an
        #: older one is never asked about again.
        self.steps_only: date | None = None

    @classmethod
    def going_on(cls, timeline: Timeline, catalog: Catalog, policy: Policy) -> _Run:
        """The run going on from ``timeline``: its ledger read back into a book."""
        book = Book(catalog, timeline.ledger, policy, lazy=True)  # reads few entries
        run = cls(timeline.scenario, catalog, policy, timeline.as_of, timeline.tenant, book)
        run.next_step = timeline.next_step
        run.events += timeline.events
        run.refused += timeline.refused
        run.orders += timeline.orders
        return run

    def next_day(self) -> date | None:
        """The next day after ``as_of`` on which a step, a charge or the lifecycle is due."""
        due = self.book.next_due(self.tenant, self.as_of)
        steps = self.scenario.steps
        if self.next_step < len(steps):
            on = steps[self.next_step].as_of
            if due is None or on < due:
                # Nothing is due before ``due`` but the step: no period starts (every one due by
                # ``as_of`` was charged on that day, after its last step) and, unless one
                # subscription waits on another, the lifecycle's first transition is later.
                soonest = first_transition(self.tenant, self.policy)
                if soonest is None or soonest > on:
                    self.steps_only = on
                return on
        return due

    def day(self, day: date) -> None:
        """Play ``day``: the lifecycle, the charges due, then the day's steps."""
        if day != self.steps_only:  # (else the book's play would change nothing)
            self.tenant, happened = self.book.play(self.tenant, day)
            self.events.extend(happened)
        steps = self.scenario.steps
        index = self.next_step
        while index < len(steps) and steps[index].as_of <= day:
            self.step(index, steps[index])
            index = self.next_step = index + 1
            self.book.bill(self.tenant, day)
        self.as_of = day

    def step(self, index: int, step: Step) -> None:
        if isinstance(step, PlaceOrder):
            fork = self.book.fork()
            try:
                run = run_order(
                    self.catalog, self.tenant, fork, step, self.policy, len(self.orders)
                )
            except SubcommerceError as error:
                self.refused.append(Refusal(index, step.as_of, step, error=str(error)))
                return
            if run.reasons:
                self.refused.append(Refusal(index, step.as_of, step, run.reasons))
                return
            self.orders.append(quote_of(run, step, fork))
            self.tenant = run.tenant
            self.events.extend(run.events)
            self.book = fork
            return
        try:
            command = step
            if isinstance(step, ChangePlan):  # the catalog's questions first (plan_changes)
                reasons, command = plan_changes.prepare_plan_change(self.catalog, self.tenant, step)
                if reasons:
                    day = self.book.advance(self.tenant, step.as_of).tenant
                    reasons += check_advanced(day, command, self.policy)
                    self.refused.append(Refusal(index, step.as_of, step, tuple(reasons)))
                    return
            tenant, events = step_applied(self.book, self.tenant, command, self.policy)
        except Refused as refused:
            self.refused.append(Refusal(index, step.as_of, step, refused.reasons))
            return
        except SubcommerceError as error:
            self.refused.append(Refusal(index, step.as_of, step, error=str(error)))
            return
        self.tenant = tenant
        self.events.extend(self.book.post(tenant, events))

    def play(self, until: date) -> None:
        while True:
            day = self.next_day()
            if day is None or day > until:
                break
            self.day(day)
        if until > self.as_of:
            self.day(until)
        # The lifecycle skips the days on which it has nothing to do: date the tenant.
        if self.tenant.as_of is None or self.tenant.as_of < until:
            outcome = self.book.advance(self.tenant, until)
            self.tenant = outcome.tenant
            self.events.extend(outcome.events)

    def timeline(self) -> Timeline:
        ledger = self.book.freeze(self.tenant)  # seeded for a book going on from it
        issued, still_open = invoice_rows(ledger, self.tenant, self.as_of)
        invoices = cast("tuple[Invoice, ...]", issued)
        open_invoices = cast("tuple[Invoice, ...]", still_open)
        return Timeline(
            scenario=self.scenario,
            catalog_id=self.catalog.id,
            as_of=self.as_of,
            next_step=self.next_step,
            tenant=self.tenant,
            events=tuple(self.events),
            ledger=ledger,
            refused=tuple(self.refused),
            orders=tuple(self.orders),
            invoices=invoices,
            open_invoices=open_invoices,
        )


def _check_catalog(wanted: str, catalog: Catalog) -> None:
    if not isinstance(catalog, Catalog):
        raise InvalidCommand(f"catalog must be a Catalog, got {type(catalog).__name__}")
    if catalog.id != wanted:
        raise UnknownReference(
            f"this scenario is priced with catalog {wanted!r}, not {catalog.id!r}"
        )


def _policy_of(scenario: Scenario, policy: Policy) -> Policy:
    """``policy`` with what the scenario sets itself (its credit-check duration)."""
    if scenario.credit_check is None:
        return policy
    return attrs.evolve(policy, credit_check_business_days=scenario.credit_check.business_days)


def begin(scenario: Scenario, *, catalog: Catalog, policy: Policy = DEFAULT_POLICY) -> Timeline:
    """The timeline before anything is played: the tenant brought to the start, the opening.

    Its ``as_of`` is the day before the scenario starts.
    """
    run = _begun(scenario, catalog, policy)
    return Timeline(
        scenario=scenario,
        catalog_id=catalog.id,
        as_of=run.as_of,
        next_step=0,
        tenant=run.tenant,
        events=tuple(run.events),
        ledger=run.book.freeze(),
        refused=(),
        orders=(),
        invoices=(),
        open_invoices=(),
    )


def _begun(scenario: Scenario, catalog: Catalog, policy: Policy) -> _Run:
    """The run of :func:`begin`'s timeline, its book as it is (not frozen and read back)."""
    expect(catalog, Catalog, "catalog")
    expect(policy, Policy, "policy")
    if not isinstance(scenario, Scenario):
        raise InvalidCommand(f"not a scenario: {scenario!r}")
    _check_catalog(scenario.catalog, catalog)
    policy = _policy_of(scenario, policy)
    outcome = advance(scenario.tenant, scenario.start, policy)
    book = Book(catalog, Ledger(scenario.currency, scenario.convention), policy, lazy=True)
    book.record_opening(outcome.tenant, scenario.start)
    run = _Run(scenario, catalog, policy, scenario.start - timedelta(days=1), outcome.tenant, book)
    run.events += outcome.events
    return run


def resume(
    timeline: Timeline, until: date, *, catalog: Catalog, policy: Policy = DEFAULT_POLICY
) -> Timeline:
    """``timeline`` played on through ``until`` (inclusive), with the same catalog."""
    expect(catalog, Catalog, "catalog")
    expect(policy, Policy, "policy")
    if not isinstance(timeline, Timeline):
        raise InvalidCommand(f"not a timeline: {timeline!r}")
    check_date(until, "until")
    _check_catalog(timeline.catalog_id, catalog)
    if until < timeline.as_of:
        raise DateOutsidePeriod(
            f"the timeline is already at {timeline.as_of.isoformat()}; it cannot go back to "
            f"{until.isoformat()}"
        )
    _check_horizon(timeline.scenario.start, until)
    run = _Run.going_on(timeline, catalog, _policy_of(timeline.scenario, policy))
    run.play(until)
    return run.timeline()


#: A what-if spans at most this many years from its start: a century of renewals is some
#: thousands of ledger entries per subscription; past it, a typo (3025 for 2025) is more likely.
MAX_YEARS: Final = 100


def _check_horizon(start: date, until: date) -> None:
    if until.year - start.year > MAX_YEARS or (
        until.year - start.year == MAX_YEARS and (until.month, until.day) > (start.month, start.day)
    ):
        raise DateOutsidePeriod(
            f"until {until.isoformat()} is more than {MAX_YEARS} years after the start "
            f"{start.isoformat()}; a what-if spans at most {MAX_YEARS} years"
        )


def simulate(
    scenario: Scenario,
    until: date | None = None,
    *,
    catalog: Catalog,
    policy: Policy = DEFAULT_POLICY,
) -> Timeline:
    """``scenario`` played from its start through ``until`` (its own ``until`` by default).

    ``catalog`` is the catalog the scenario names (``subcommerce.default_catalog()`` for
    ``"default"``).
    """
    expect(scenario, Scenario, "scenario")
    end = scenario.until if until is None else until
    if end is None:
        raise InvalidCommand(f"scenario {scenario.name!r} has no until date; give one")
    check_date(end, "until")
    if end < scenario.start:
        raise DateOutsidePeriod(
            f"until {end.isoformat()} is before the scenario's start {scenario.start.isoformat()}"
        )
    _check_horizon(scenario.start, end)
    # begin, then resume: the book begun goes on as it is (the ledger begin would freeze reads
    # back into the same book), and resume's own checks hold of begin's timeline.
    run = _begun(scenario, catalog, policy)
    run.play(end)
    return run.timeline()
