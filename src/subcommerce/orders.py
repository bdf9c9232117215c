"""Cart, checkout, price review (a quote) and placing an order.

The admin center's flow (seeds 002, 003, 004): put lines in a cart (a new subscription, an
add-on, a new total of licenses), each with its number of user licenses, monthly or annual
billing, whether to assign the new licenses to users who have none, and the base subscription an
add-on is bought from; check out; review the prices; pick a payment method; place the order.

* :func:`quote` is the price review. For every line it gives the reasons it would be refused
  (never raising for a rule's refusal), or its offer, the prorated first charge as the ledger
  entries the order will post, the recurring charge per billing period, the term end, the
  statement the charge lands on and when the licenses can be used and the money is collected.
  Amounts are in the billing currency and exclude taxes (``taxes_included`` is False).
* :func:`place_order` runs the same engine again on the same tenant and date: it re-checks every
  rule the quote checked, goes through :func:`subcommerce.commands.apply`, and raises
  :class:`QuoteChanged` if anything differs from the quote. A quote and the order placed from it
  on the same as-of date therefore agree to the cent: one function computes both.

Payment methods (seed 004): by card or bank account (a legacy method) the licenses are usable as
soon as the order is confirmed; by invoice, a purchase waits for a credit check (usually two
business days) during which licenses cannot be added, removed or assigned, and the charge comes
on the next statement. When a card is charged is ``Policy.card_charge``: by default today's pages
(MCA: on the invoice's due date; MOSA: the day after the invoice date), seed 004's "within 2 days"
as :data:`~subcommerce.policy.CARD_CHARGE_SEED_004`. Under MCA the payment method is the billing
profile's; under MOSA each order carries its own.

Under MOSA "every time you buy a new subscription, a new order with a new order number is
created" (understand your MOSA invoice): a checkout that buys several subscriptions places one
order for each (the first takes the checkout's id; ``QuoteLine.order_id`` names each line's).

>>> from datetime import date
>>> from subcommerce.billing import BillingAccount, BillingAccountType, PaymentMethod
>>> from subcommerce.catalog import Catalog, DisplayName, Offer, Plan, Prices
>>> from subcommerce.periods import BillingFrequency, Term
>>> from subcommerce.subscriptions import Tenant
>>> standard = Plan("standard", DisplayName("Standard", "Standard"), offers=(
...     Offer(Term.P1M, BillingFrequency.MONTHLY, Prices.of(USD="15.00")),))
>>> catalog = Catalog("mine", DisplayName("Mine", "Le mien"), plans=(standard,))
>>> account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "ana")
>>> tenant = Tenant("contoso.com", account=account)
>>> order = PlaceOrder(actor="ana", as_of=date(2025, 1, 1), payment_method=PaymentMethod.CARD,
...     cart=Cart((NewSubscription(product_id="standard", quantity=10, subscription_id="s1"),)))
>>> review = quote(catalog, tenant, order, currency="USD")
>>> line = review.lines[0]
>>> str(line.first_charge_total), str(line.recurring), line.term_end.isoformat()
('150.00 USD', '150.00 USD', '2025-02-01')
>>> placed = place_order(catalog, tenant, review)
>>> more = PlaceOrder(actor="ana", as_of=date(2025, 1, 15),
...     cart=Cart((ChangeLicenses(subscription_id="s1", quantity=15),)))
>>> str(quote(catalog, placed.tenant, more, ledger=placed.ledger).total)  # 5 x 15.00 x 17/31
'41.13 USD'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any, Final

import attrs

from subcommerce import display, plan_changes, tables
from subcommerce._checks import expect, tuple_of
from subcommerce.addons import AddonPurchase, addon_kind_for_purchase, check_addon_purchase
from subcommerce.billing import BillingAccount, BillingProfile, PaymentMethod
from subcommerce.billing_plans import offer_reasons, product_change_reasons
from subcommerce.catalog import Addon, AddonKind, Catalog, LicenseUnit, Plan
from subcommerce.commands import (
    AssignLicenses,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    ChangePlan,
    ChangeTerm,
    Command,
    ConvertTrial,
    PurchaseSubscription,
    ScheduleProductChange,
    applied_on,
    check_advanced,
    check_count,
    check_flag,
    check_one_of,
    check_text,
    prechecked,
)
from subcommerce.errors import (
    DateOutsidePeriod,
    InvalidCommand,
    InvalidQuantity,
    Reason,
    ReasonCode,
    Refused,
    SubcommerceError,
)
from subcommerce.events import Event
from subcommerce.invoices import PAYMENT_TERMS_DAYS, TAX_NOTE, Book, Ledger, LedgerEntry, sum_money
from subcommerce.lifecycle import Outcome, advance, brought, outcome
from subcommerce.money import Currency, Money, currency, sum_in_units, units_total
from subcommerce.periods import BillingFrequency, Period, Term, check_date
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.proration import EXACT, ProrationConvention
from subcommerce.subscriptions import Subscription, Tenant

__all__ = [
    "CARD_CHARGE_DAYS",
    "AddAddon",
    "Cart",
    "CartLine",
    "ChangeLicenses",
    "ChangePlanLine",
    "NewSubscription",
    "PlaceOrder",
    "PlacedOrder",
    "Quote",
    "QuoteChanged",
    "QuoteLine",
    "check_order",
    "place_order",
    "quote",
]

#: Seed 004: paid by card or bank account, new licenses are charged within this many days (the
#: older rule; ``Policy.card_charge`` says which one a quote follows).
CARD_CHARGE_DAYS: Final = 2

_PAYMENT_TERMS: Final = timedelta(days=PAYMENT_TERMS_DAYS)

_IMMEDIATE: Final = frozenset({PaymentMethod.CARD, PaymentMethod.BANK_ACCOUNT})
_INVOICE: Final = PaymentMethod.INVOICE
#: Commands that move a subscription to no other billing plan or product (exactly these classes).
_NO_PLAN: Final = frozenset({PurchaseSubscription, ChangeLicenseQuantity, AssignLicenses})
_PURCHASE: Final = prechecked(PurchaseSubscription)
_CHANGE_LICENSES: Final = prechecked(ChangeLicenseQuantity)


# -- validators -------------------------------------------------------------------------------


def _text_or_none(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidCommand(f"{attribute.name} must be None or a non-empty string, got {value!r}")


def _users(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(f"{attribute.name} must be a whole number >= 0, got {value!r}")


_term = check_one_of(Term)


def _frequency(
    instance: NewSubscription | AddAddon,
    attribute: attrs.Attribute[BillingFrequency],
    value: object,
) -> None:
    if not isinstance(value, BillingFrequency):
        raise InvalidCommand(f"{attribute.name} must be a BillingFrequency, got {value!r}")
    value.months(instance.term)  # InvalidPeriod for a term that cannot be billed so


def _day(instance: object, attribute: attrs.Attribute[date], value: object) -> None:
    check_date(value, attribute.name)


def _optional_term(
    instance: object, attribute: attrs.Attribute[Term | None], value: object
) -> None:
    if value is not None:
        _term(instance, attribute, value)


def _optional_frequency(
    instance: ChangePlanLine, attribute: attrs.Attribute[BillingFrequency | None], value: object
) -> None:
    if value is None:
        return
    if not isinstance(value, BillingFrequency):
        raise InvalidCommand(f"{attribute.name} must be a BillingFrequency, got {value!r}")
    if instance.term is not None:
        value.months(instance.term)  # InvalidPeriod for a term that cannot be billed so


# -- the cart ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NewSubscription:
    """Buy a plan: ``quantity`` user licenses on a term, billed monthly or annually.

    ``auto_assign``: give the new licenses to users who have none (as many as the order's
    ``unlicensed_users``). ``subscription_id``: the new subscription's id; by default
    ``<order id>/<line number>``. ``align_to``: under an MCA, another active subscription on the
    same billing profile whose renewal date the first term ends on ("Select a different renewal
    date"; :mod:`subcommerce.alignment`).
    """

    product_id: str = attrs.field(validator=check_text)
    quantity: int = attrs.field(validator=check_count)
    term: Term = attrs.field(default=Term.P1M, validator=_term)
    billing_frequency: BillingFrequency = attrs.field(
        default=BillingFrequency.MONTHLY, validator=_frequency
    )
    auto_assign: bool = attrs.field(default=False, validator=check_flag)
    subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)
    align_to: str | None = attrs.field(default=None, validator=_text_or_none)


@attrs.frozen(kw_only=True)
class AddAddon:
    """Buy an add-on. Under MOSA name the base subscription it is bought from; under MCA none.

    Its kind (traditional or an add-on subscription of its own) and whether it is connected to the
    base follow :mod:`subcommerce.addons`.
    """

    addon_id: str = attrs.field(validator=check_text)
    quantity: int = attrs.field(validator=check_count)
    term: Term = attrs.field(default=Term.P1M, validator=_term)
    billing_frequency: BillingFrequency = attrs.field(
        default=BillingFrequency.MONTHLY, validator=_frequency
    )
    base_subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)
    auto_assign: bool = attrs.field(default=False, validator=check_flag)
    subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)


@attrs.frozen(kw_only=True)
class ChangeLicenses:
    """Set the TOTAL number of licenses of a subscription (have 100, need 5 more: 105)."""

    subscription_id: str = attrs.field(validator=check_text)
    quantity: int = attrs.field(validator=check_count)
    auto_assign: bool = attrs.field(default=False, validator=check_flag)


def _count_or_none(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None:
        check_count(instance, attribute, value)  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class ChangePlanLine:
    """Change a subscription to another plan: all its licenses (``quantity`` None), or some of
    them where the account allows it (MCA). See :class:`subcommerce.commands.ChangePlan`.

    ``term`` / ``billing_frequency``: the new subscription's, by default the old one's.
    ``new_subscription_id``: by default ``<subscription_id>/<product_id>``. ``align_to`` (MCA):
    another active subscription on the same billing profile whose renewal date the new one takes.
    """

    subscription_id: str = attrs.field(validator=check_text)
    product_id: str = attrs.field(validator=check_text)
    quantity: int | None = attrs.field(default=None, validator=_count_or_none)
    term: Term | None = attrs.field(default=None, validator=_optional_term)
    billing_frequency: BillingFrequency | None = attrs.field(
        default=None, validator=_optional_frequency
    )
    new_subscription_id: str | None = attrs.field(default=None, validator=_text_or_none)
    align_to: str | None = attrs.field(default=None, validator=_text_or_none)


#: One line of a cart.
CartLine = NewSubscription | AddAddon | ChangeLicenses | ChangePlanLine
_LINE_TYPES: Final = (NewSubscription, AddAddon, ChangeLicenses, ChangePlanLine)


def _lines(value: Iterable[CartLine]) -> tuple[CartLine, ...]:
    lines = tuple_of(value, "cart lines")
    for index, line in enumerate(lines):
        if not isinstance(line, _LINE_TYPES):
            raise InvalidCommand(f"cart line {index + 1} is not a cart line: {line!r}")
    return lines


@attrs.frozen
class Cart:
    """The lines an admin is about to buy, in order (a later line may use an earlier one's id)."""

    lines: tuple[CartLine, ...] = attrs.field(default=(), converter=_lines)

    def add(self, *lines: CartLine) -> Cart:
        """This cart with ``lines`` added at the end."""
        return Cart((*self.lines, *lines))

    def __iter__(self) -> Iterator[CartLine]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


def _cart(instance: PlaceOrder, attribute: attrs.Attribute[Cart], value: object) -> None:
    if not isinstance(value, Cart):
        raise InvalidCommand(f"cart must be a Cart, got {value!r}")
    if not value.lines:
        raise InvalidCommand("an order needs at least one cart line")


def _method(
    instance: PlaceOrder, attribute: attrs.Attribute[PaymentMethod | None], value: object
) -> None:
    if value is not None and not isinstance(value, PaymentMethod):
        raise InvalidCommand(f"payment_method must be a PaymentMethod or None, got {value!r}")


@attrs.frozen(kw_only=True)
class PlaceOrder:
    """Check out a cart: who orders, on which day, and how the order pays.

    ``payment_method``: under MOSA, how the new subscriptions pay (a license change pays like its
    subscription); under MCA leave it out (the billing profile's applies) or give the profile's.
    ``billing_profile_id`` / ``invoice_section_id``: MCA only; the default profile and its default
    section otherwise. ``order_id``: by default ``order-<n>``, the tenant's next order number.
    ``unlicensed_users``: how many users have no license, for the lines that auto-assign.
    """

    actor: str = attrs.field(validator=check_text)
    as_of: date = attrs.field(validator=_day)
    cart: Cart = attrs.field(validator=_cart)
    payment_method: PaymentMethod | None = attrs.field(default=None, validator=_method)
    billing_profile_id: str | None = attrs.field(default=None, validator=_text_or_none)
    invoice_section_id: str | None = attrs.field(default=None, validator=_text_or_none)
    order_id: str | None = attrs.field(default=None, validator=_text_or_none)
    unlicensed_users: int = attrs.field(default=0, validator=_users)


# -- the price review -------------------------------------------------------------------------


class QuoteLineSlots:
    """The slots of a :class:`QuoteLine`, writable: the engine's way to build a priced line
    from parts it has checked (as ``periods.PeriodSlots``). Fill every field, then retype it:
    ``slots.__class__ = QuoteLine``. Never let one out unretyped."""

    __slots__ = (
        "__weakref__",
        "auto_assigned",
        "billing_frequency",
        "charge_by",
        "first_charge",
        "first_charge_total",
        "first_period",
        "index",
        "line",
        "next_charge_on",
        "order_id",
        "payment_method",
        "product_id",
        "quantity",
        "quantity_before",
        "reasons",
        "recurring",
        "statement_date",
        "subscription_id",
        "term",
        "term_end",
        "unit_price",
        "usable_from",
    )
    index: int
    line: CartLine
    subscription_id: str
    product_id: str
    reasons: tuple[Reason, ...]
    term: Term | None
    billing_frequency: BillingFrequency | None
    quantity_before: int
    quantity: int
    unit_price: Money | None
    first_charge: tuple[LedgerEntry, ...]
    first_charge_total: Money | None
    recurring: Money | None
    first_period: Period | None
    next_charge_on: date | None
    term_end: date | None
    statement_date: date | None
    payment_method: PaymentMethod | None
    usable_from: date | None
    charge_by: date | None
    auto_assigned: int
    order_id: str | None


@attrs.frozen
class QuoteLine(QuoteLineSlots):
    """One cart line as the price review shows it.

    A refused line has ``reasons`` and nothing else. Otherwise:

    * ``unit_price``: the list price per license for one billing period (a month, a year);
    * ``first_charge``: the ledger entries the order posts for the line (one prorated charge for
      a purchase; a credit and its rebills for a license change), ``first_charge_total`` their sum;
    * ``recurring``: what each following billing period costs for the line's subscription
      (``quantity`` licenses), ``first_period`` the billing period the order falls in,
      ``next_charge_on`` the day the next one is charged, ``term_end`` the end of the term;
    * ``statement_date``: the date of the invoice the first charge goes on;
    * ``usable_from``: the day the licenses can be used (None: after the pending credit check);
      ``charge_by``: the day the money is collected (card or bank account: as
      ``Policy.card_charge`` says; invoice: on the next statement);
    * ``order_id``: the order the line belongs to (MOSA: a new subscription is an order of its
      own; a license change belongs to its subscription's order).
    """

    index: int
    line: CartLine
    subscription_id: str
    product_id: str
    reasons: tuple[Reason, ...] = ()
    term: Term | None = None
    billing_frequency: BillingFrequency | None = None
    quantity_before: int = 0
    quantity: int = 0
    unit_price: Money | None = None
    first_charge: tuple[LedgerEntry, ...] = ()
    first_charge_total: Money | None = None
    recurring: Money | None = None
    first_period: Period | None = None
    next_charge_on: date | None = None
    term_end: date | None = None
    statement_date: date | None = None
    payment_method: PaymentMethod | None = None
    usable_from: date | None = None
    charge_by: date | None = None
    auto_assigned: int = 0
    order_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when the line can be ordered."""
        return not self.reasons


@attrs.frozen
class Quote:
    """The price review of an order: every line, and the total of the first charges.

    ``total`` adds up the first charges of the lines that can be ordered. Taxes are excluded.
    """

    order: PlaceOrder
    order_id: str
    currency: Currency
    convention: ProrationConvention
    lines: tuple[QuoteLine, ...]
    total: Money
    taxes_included: bool = False

    @property
    def ok(self) -> bool:
        """True when every line can be ordered."""
        return all(line.ok for line in self.lines)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons of every refused line, in line order."""
        return tuple(r for line in self.lines for r in line.reasons)

    @property
    def note(self) -> str:
        """What the review says about taxes."""
        return TAX_NOTE

    def rows(self) -> list[dict[str, object]]:
        """One plain record per line (see :mod:`subcommerce.tables`)."""
        return tables.quote_table(self).rows()

    def to_pandas(self) -> Any:
        """One row per line, exact money columns (``subcommerce[notebook]``)."""
        return tables.quote_table(self).to_pandas()

    def _repr_html_(self) -> str:
        return display.quote_html(self)


@attrs.frozen
class PlacedOrder:
    """An order placed: the tenant after it, what happened, and what it posted to the ledger."""

    quote: Quote
    tenant: Tenant
    events: tuple[Event, ...]
    entries: tuple[LedgerEntry, ...]
    ledger: Ledger


class QuoteChanged(SubcommerceError, ValueError):
    """The order no longer matches its price review (the tenant or the ledger moved on).

    ``quote`` is the review the order was placed from, ``now`` what the same order gives today:
    show it and ask again. Nothing was changed.
    """

    def __init__(self, quote: Quote, now: Quote) -> None:
        self.quote = quote
        self.now = now
        super().__init__(
            f"order {quote.order_id} no longer matches its price review: quoted {quote.total}, "
            f"now {now.total}; review the new quote"
        )


# -- the engine -------------------------------------------------------------------------------


class _Run:
    """What an order run gives: its order id, lines, the tenant after it and what happened; the
    entries it posted are read from its book when asked for (only placing an order keeps them).
    """

    __slots__ = ("book", "events", "lines", "order_id", "start", "tenant")

    def __init__(
        self,
        order_id: str,
        lines: tuple[QuoteLine, ...],
        tenant: Tenant,
        events: tuple[Event, ...],
        book: Book,
        start: int,
    ) -> None:
        self.order_id = order_id
        self.lines = lines
        self.tenant = tenant
        self.events = events
        self.book = book
        self.start = start  # the book's first entry of this run

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return tuple(r for line in self.lines for r in line.reasons)

    @property
    def entries(self) -> tuple[LedgerEntry, ...]:
        """The entries the run posted (read before the book posts anything more)."""
        return self.book.posted_since(self.start)


#: ``order-<n>`` for the first numbers, written once (an int's text costs about 1 k
#: instructions, and a checkout looks at several candidates): :func:`_order_text`.
_ORDER_TEXTS: Final = tuple(f"order-{number}" for number in range(64))


def _order_text(number: int) -> str:
    """``f"order-{number}"``."""
    return _ORDER_TEXTS[number] if 0 <= number < 64 else f"order-{number}"


def _next_order_id(taken: set[str], placed: int | None = None) -> str:
    """``order-<n>``: n follows the orders already placed (by default, those the tenant's
    subscriptions came from: ``taken``), skipping any id a subscription already uses."""
    number = (len(taken) if placed is None else placed) + 1
    order_id = _order_text(number)
    while order_id in taken:
        number += 1
        order_id = _order_text(number)
    return order_id


def _profile(account: BillingAccount, order: PlaceOrder) -> BillingProfile | None:
    if not account.type.has_profiles:
        return None
    if order.invoice_section_id is not None:
        return account.section_profile(order.invoice_section_id)
    if order.billing_profile_id is not None:
        return account.profile(order.billing_profile_id)
    return account.default_profile


def _sale_reasons(product: Plan | Addon, on: date) -> list[Reason]:
    if product.sold_from is not None and on < product.sold_from:
        return [Reason(ReasonCode.NOT_YET_ON_SALE, product=product.id, on=product.sold_from)]
    if product.sold_until is not None and on >= product.sold_until:
        return [Reason(ReasonCode.END_OF_SALE, product=product.id, on=product.sold_until)]
    return []


def _total(amounts: list[Money], code: Currency) -> Money:
    """``sum_money(amounts, code)``, in integers when every amount carries its minor units."""
    total = sum_in_units(amounts, code)
    return sum_money(amounts, code) if total is None else total


def apply_step(book: Book, tenant: Tenant, command: Command, policy: Policy) -> Outcome:
    """:func:`subcommerce.commands.apply`, with the tenant brought to the command's day by the
    book (which skips the lifecycle when nothing is due: the tenant of an order is already there).

    A product change scheduled for the renewal also asks the book's catalog whether the product is
    one the subscription may move to.
    """
    return outcome(*step_applied(book, tenant, command, policy))


def step_applied(
    book: Book, tenant: Tenant, command: Command, policy: Policy
) -> tuple[Tenant, tuple[Event, ...]]:
    """:func:`apply_step`'s tenant and events, without the Outcome that holds them (for the
    simulation's and the orders' own loops, which read both at once). The tenant is brought to
    the command's day by the lifecycle under the book's policy (:meth:`Book.advance`'s), without
    a copy only to date it when nothing is due: the change's own copy takes the date
    (:func:`~subcommerce.commands.applied_on`)."""
    current, held = brought(tenant, command.as_of, book.policy)
    if command.__class__ not in _NO_PLAN:  # the cart's commands move to no other plan: one look
        refused = _plan_reasons(book.catalog, current, command)
        if refused:
            raise Refused((*check_advanced(current, command, policy), *refused))
    return applied_on(current, held, command, policy)


def _plan_reasons(catalog: Catalog, tenant: Tenant, command: Command) -> list[Reason]:
    """The catalog's reasons against the billing plan or product a change moves a subscription
    to (issue 12): the commands know no catalog."""
    if isinstance(command, ScheduleProductChange):
        sub = tenant.subscription(command.subscription_id)
        return product_change_reasons(catalog, sub, command.product_id)
    if isinstance(command, ConvertTrial):
        sub = tenant.subscription(command.subscription_id)
        term = command.term or sub.term
        frequency = command.billing_frequency or sub.billing_frequency
    elif isinstance(command, ChangeTerm) and command.immediately:
        sub = tenant.subscription(command.subscription_id)
        term, frequency = command.term, command.billing_frequency or sub.billing_frequency
    elif isinstance(command, ChangeBillingFrequency) and command.at_next_cycle:
        sub = tenant.subscription(command.subscription_id)
        term, frequency = sub.term, command.billing_frequency
    else:
        return []
    return offer_reasons(catalog, sub.product_id, term, frequency, command.as_of)


def _check(book: Book, tenant: Tenant, command: Command, policy: Policy) -> tuple[Reason, ...]:
    """:func:`subcommerce.commands.check`, with the tenant brought to the day by the book."""
    return check_advanced(brought(tenant, command.as_of, book.policy)[0], command, policy)


class _Engine:
    """One order run against a tenant and a book: the single path for quotes and orders."""

    def __init__(
        self,
        catalog: Catalog,
        tenant: Tenant,
        book: Book,
        order: PlaceOrder,
        policy: Policy,
        placed: int | None = None,
    ) -> None:
        account = tenant.account
        if account is None:
            raise InvalidCommand(f"tenant {tenant.organization!r} has no billing account")
        self.catalog = catalog
        self.order = order
        self.as_of = order.as_of  # read by every line: one attribute, not two
        self.actor = order.actor
        self.policy = policy
        self.book = book
        self.account = account
        self.tenant = tenant
        self.events: list[Event] = []
        # The orders the tenant's subscriptions came from, read once: during the run only this
        # checkout's purchases add to them, and each of those is in ``self.orders``.
        self.taken = {s.order_id for s in tenant.subscriptions if s.order_id is not None}
        self.order_id = order.order_id or _next_order_id(self.taken, placed)
        profile = _profile(account, order)
        self.mca = profile is not None
        if (
            profile is not None
            and order.payment_method is not None
            and order.payment_method is not profile.payment_method
        ):
            raise InvalidCommand(
                f"under an MCA the payment method is billing profile {profile.id!r}'s "
                f"({profile.payment_method}), not {order.payment_method.value}"
            )
        self.unlicensed = order.unlicensed_users
        self.purchases = 0  # new subscriptions in this checkout so far
        self.orders: set[str] = {self.order_id}
        self.number = 1  # no ``order-<n>`` below it is free
        self.charge_days: dict[date, date] = {}  # a card's charge day per invoice date

    def _order_of_purchase(self) -> str:
        """The order a new subscription of this checkout goes on: under MCA the checkout's;
        under MOSA a new order for each (the first takes the checkout's id)."""
        self.purchases += 1
        if self.mca or self.purchases == 1:
            return self.order_id
        if self.order.order_id is not None:
            return f"{self.order_id}-{self.purchases}"
        taken, orders, number = self.taken, self.orders, self.number
        order_id = _order_text(number)
        while order_id in taken or order_id in orders:
            number += 1
            order_id = _order_text(number)
        self.number = number
        orders.add(order_id)
        return order_id

    def run(self) -> _Run:
        start = self.book.posted_count()
        lines = tuple([self._line(i, line) for i, line in enumerate(self.order.cart.lines)])
        return _Run(self.order_id, lines, self.tenant, tuple(self.events), self.book, start)

    # -- one line -------------------------------------------------------------------------------

    def _line(self, index: int, line: CartLine) -> QuoteLine:
        if line.__class__ is not ChangeLicenses:  # (a license change is none of these three)
            if isinstance(line, NewSubscription):
                sub_id = line.subscription_id or f"{self.order_id}/{index + 1}"
                reasons, purchase = self._new(line, sub_id, self._order_of_purchase())
                return self._finish(index, line, sub_id, line.product_id, reasons, purchase, 0)
            if isinstance(line, AddAddon):
                sub_id = line.subscription_id or f"{self.order_id}/{index + 1}"
                reasons, purchase = self._addon(line, sub_id, self._order_of_purchase())
                return self._finish(index, line, sub_id, line.addon_id, reasons, purchase, 0)
            if isinstance(line, ChangePlanLine):
                return self._change_plan(index, line)
        sub = self.tenant.subscription(line.subscription_id)
        change = _CHANGE_LICENSES(  # from the checked order and line
            actor=self.actor,
            as_of=self.as_of,
            subscription_id=sub.id,
            quantity=line.quantity,
        )
        product = self.catalog.get(sub.product_id)
        if product is not None and line.quantity > sub.quantity:
            sale = _sale_reasons(product, self.as_of)
        else:
            sale = []
        sale += self._currency_reasons(sub)
        return self._finish(index, line, sub.id, sub.product_id, sale, change, sub.quantity)

    def _change_plan(self, index: int, line: ChangePlanLine) -> QuoteLine:
        """A change of plan: the catalog's reasons (path, sale, offer, price), then the command's;
        the new subscription is an order of its own under MOSA, like any purchase."""
        sub = self.tenant.subscription(line.subscription_id)
        change = ChangePlan(
            actor=self.actor,
            as_of=self.as_of,
            subscription_id=sub.id,
            product_id=line.product_id,
            quantity=line.quantity,
            new_subscription_id=line.new_subscription_id,
            term=line.term,
            billing_frequency=line.billing_frequency,
            order_id=self._order_of_purchase(),
            align_to=line.align_to,
        )
        reasons, change = plan_changes.prepare_plan_change(self.catalog, self.tenant, change)
        if not reasons:
            offer_reasons, price = self._offer_reasons(
                self.catalog.plan(line.product_id),
                line.term or sub.term,
                line.billing_frequency or sub.billing_frequency,
            )
            reasons += offer_reasons
            change = attrs.evolve(change, unit_price=price)
        reasons += self._currency_reasons(sub)
        return self._finish(index, line, change.successor_id, line.product_id, reasons, change, 0)

    def _currency_reasons(self, sub: Subscription) -> list[Reason]:
        """A change priced in a currency the subscription is not billed in is refused: it would
        charge (or credit) nothing, inventing or losing money."""
        code = self.book.code
        locked = sub.unit_price
        # ``is not`` first: the currencies are mostly one value, and attrs' != costs two calls.
        if (locked is not None and locked.currency is not code and locked.currency != code) or (
            locked is None and self.book.price_of(sub, self.as_of) is None
        ):
            return [
                Reason(
                    ReasonCode.NOT_OFFERED_IN_CURRENCY, product=sub.product_id, currency=code.code
                )
            ]
        return []

    def _purchase(
        self,
        sub_id: str,
        product: Plan | Addon,
        line: NewSubscription | AddAddon,
        price: Money | None,
        order_id: str,
        addon_kind: AddonKind | None = None,
        parent_id: str | None = None,
    ) -> PurchaseSubscription:
        # ``product`` is the catalog's, as the caller looked it up. Every field comes from the
        # checked order and cart line, the book's price and the catalog's product: checked here
        # only where the catalog leaves it unchecked.
        checked = product.unit.__class__ is LicenseUnit and (
            price is None or price.__class__ is Money
        )
        make = _PURCHASE if checked else PurchaseSubscription
        return make(
            actor=self.actor,
            as_of=self.as_of,
            subscription_id=sub_id,
            product_id=product.id,
            quantity=line.quantity,
            term=line.term,
            billing_frequency=line.billing_frequency,
            unit=product.unit,
            payment_method=None if self.mca else self.order.payment_method,
            billing_profile_id=self.order.billing_profile_id,
            invoice_section_id=self.order.invoice_section_id,
            order_id=order_id,
            unit_price=price,
            addon_kind=addon_kind,
            parent_id=parent_id,
            align_to=line.align_to if isinstance(line, NewSubscription) else None,
        )

    def _offer_reasons(
        self, product: Plan | Addon, term: Term, frequency: BillingFrequency
    ) -> tuple[list[Reason], Money | None]:
        offer = self.book.offer(product.id, term, frequency, self.as_of)
        if offer is None:
            reason = Reason(
                ReasonCode.NO_MATCHING_OFFER,
                product=product.id,
                term=term,
                billing_frequency=frequency,
            )
            return [reason], None
        price = self.book.offer_price(offer)
        if price is None:
            return [
                Reason(
                    ReasonCode.NOT_OFFERED_IN_CURRENCY,
                    product=product.id,
                    currency=self.book.code.code,
                )
            ], None
        return [], price

    def _new(
        self, line: NewSubscription, sub_id: str, order_id: str
    ) -> tuple[list[Reason], PurchaseSubscription]:
        product = self.catalog.product(line.product_id)
        if not isinstance(product, Plan):
            raise InvalidCommand(f"{line.product_id!r} is an add-on; buy it with an AddAddon line")
        reasons = _sale_reasons(product, self.as_of)
        offer_reasons, price = self._offer_reasons(product, line.term, line.billing_frequency)
        reasons += offer_reasons
        return reasons, self._purchase(sub_id, product, line, price, order_id)

    def _addon(
        self, line: AddAddon, sub_id: str, order_id: str
    ) -> tuple[list[Reason], PurchaseSubscription]:
        addon = self.catalog.addon(line.addon_id)
        as_of = self.as_of
        request = AddonPurchase(
            addon.id,
            line.quantity,
            line.term,
            line.billing_frequency,
            line.base_subscription_id,
            self.book.code,
        )
        reasons = list(
            check_addon_purchase(self.catalog, self.tenant, request, as_of, self.account.type)
        )
        price: Money | None = None
        if not reasons:
            offer_reasons, price = self._offer_reasons(addon, line.term, line.billing_frequency)
            reasons += offer_reasons
        kind = AddonKind.STANDALONE
        parent: str | None = None
        if not self.mca and not reasons:
            kind = addon_kind_for_purchase(as_of, addon.kind)
            if kind is AddonKind.TRADITIONAL or addon.must_connect:
                parent = line.base_subscription_id
            base_term = self.tenant.subscription(parent).term if parent else None
            if kind is AddonKind.TRADITIONAL and base_term is not None and base_term != line.term:
                reasons.append(
                    Reason(
                        ReasonCode.NO_MATCHING_OFFER,
                        product=addon.id,
                        term=line.term,
                        billing_frequency=line.billing_frequency,
                        base_term=base_term,
                    )
                )
                parent = None
        if parent is None:
            kind = AddonKind.STANDALONE  # a probe for the remaining checks when refused
        command = self._purchase(
            sub_id, addon, line, price, order_id, addon_kind=kind, parent_id=parent
        )
        return reasons, command

    def _finish(
        self,
        index: int,
        line: CartLine,
        sub_id: str,
        product_id: str,
        reasons: list[Reason],
        command: Command,
        before: int,
    ) -> QuoteLine:
        if reasons:  # the catalog said no: add what the command's own rules say
            reasons += _check(self.book, self.tenant, command, self.policy)
            return QuoteLine(index, line, sub_id, product_id, tuple(reasons))
        try:  # apply checks exactly what check would, and changes nothing when it refuses
            after, events = step_applied(self.book, self.tenant, command, self.policy)
        except Refused as refused:
            return QuoteLine(index, line, sub_id, product_id, refused.reasons)
        sub = after.subscription(sub_id)
        assigned = 0
        if getattr(line, "auto_assign", False) and not sub.credit_check_pending:
            added = sub.quantity - before
            assigned = min(self.unlicensed, max(added, 0))
            if assigned:
                assign = AssignLicenses(
                    actor=self.actor,
                    as_of=self.as_of,
                    subscription_id=sub_id,
                    count=assigned,
                )
                try:
                    after, assigned_events = step_applied(self.book, after, assign, self.policy)
                except Refused as refused:
                    return QuoteLine(index, line, sub_id, product_id, refused.reasons)
                events = (*events, *assigned_events)
                sub = after.subscription(sub_id)
        self.unlicensed -= assigned
        self.tenant = after
        book = self.book
        start = book.posted_count()
        self.events += book.post(after, events)
        entries = book.posted_since(start)
        # The line priced from its entries, the book's terms and the subscription.
        as_of = self.as_of
        period, price, recurring = book.terms_of(sub, as_of)
        # The invoice of the line's own first charge: a change of plan's first entry is the old
        # subscription's credit, which a MOSA account puts on the old subscription's invoice.
        sub_id = sub.id
        statement = None
        for entry in entries:
            if entry.subscription_id == sub_id:
                statement = entry.statement
                break
        else:
            statement = book.statement(self.tenant, book.group_of(self.tenant, sub), as_of)
        invoiced = statement.end
        method = sub.payment_method
        if method is None:
            method = self.tenant.payment_method_of(sub)
        if method in _IMMEDIATE:
            charge_by = self.charge_days.get(invoiced)
            if charge_by is None:
                charge_by = self.charge_days[invoiced] = self.policy.card_charge.charged_on(
                    self.account.type, as_of, invoiced, invoiced + _PAYMENT_TERMS
                )
        elif method is _INVOICE:
            charge_by = invoiced
        else:
            charge_by = None
        # Every field is the engine's own or a checked value's: built without a second look.
        made = QuoteLineSlots()
        made.index = index
        made.line = line
        made.subscription_id = sub_id
        made.product_id = sub.product_id
        made.reasons = ()
        made.term = sub.term
        made.billing_frequency = sub.billing_frequency
        made.quantity_before = before
        made.quantity = sub.quantity
        made.unit_price = price
        made.first_charge = entries
        units = book.posted_units(start)  # the rows' own minor units, added up in C
        made.first_charge_total = (
            _total([e.line.amount for e in entries], book.code)
            if units is None or not entries
            else units_total(units, entries[-1].line.amount, book.code)
        )
        made.recurring = recurring
        made.first_period = period
        made.next_charge_on = period.end
        made.term_end = sub.current_term.end
        made.statement_date = invoiced
        made.payment_method = method
        made.usable_from = None if sub.credit_check_pending else as_of
        made.charge_by = charge_by
        made.auto_assigned = assigned
        made.order_id = sub.order_id
        made.__class__ = QuoteLine
        return made  # type: ignore[return-value]  # retyped: a QuoteLine now


def _prepare(
    catalog: Catalog,
    tenant: Tenant,
    order: PlaceOrder,
    code: Currency | str | None,
    ledger: Ledger | None,
    convention: ProrationConvention,
    policy: Policy,
) -> tuple[Tenant, list[Event], Book]:
    """The tenant brought to the order's day, and a book billed up to it.

    With a ledger, the days in between are played as a simulation plays them (the lifecycle and
    the periods that start, day by day), so that a quote agrees with a simulation to the cent.
    """
    if not isinstance(order, PlaceOrder):
        raise InvalidCommand(f"not an order: {order!r}")
    if ledger is None:
        if code is None:
            raise InvalidCommand("give the billing currency (or the tenant's ledger)")
        outcome = advance(tenant, order.as_of, policy)
        book = Book(catalog, Ledger(currency(code), convention), policy)
        book.record_opening(outcome.tenant, order.as_of)
        return outcome.tenant, list(outcome.events), book
    if code is not None and currency(code) != ledger.currency:
        raise InvalidCommand(
            f"the ledger bills in {ledger.currency.code}, not {currency(code).code}"
        )
    book = Book(catalog, ledger, policy)
    after = tenant.as_of if tenant.as_of is not None else order.as_of - timedelta(days=1)
    if order.as_of < after:
        raise DateOutsidePeriod(
            f"the order is dated {order.as_of.isoformat()}, before the tenant's "
            f"{after.isoformat()}; time only moves forward"
        )
    tenant, events = book.catch_up(tenant, after, order.as_of)
    return tenant, list(events), book


def run_order(
    catalog: Catalog,
    tenant: Tenant,
    book: Book,
    order: PlaceOrder,
    policy: Policy,
    placed: int | None = None,
) -> _Run:
    """The order run on ``tenant`` (already at the order's day) with ``book`` (changed in place).

    ``placed``: how many orders were placed before (it numbers the default order id).
    """
    return _Engine(catalog, tenant, book, order, policy, placed).run()


def quote_of(run: _Run, order: PlaceOrder, book: Book) -> Quote:
    total = _total(
        [line.first_charge_total for line in run.lines if line.first_charge_total is not None],
        book.code,
    )
    return Quote(order, run.order_id, book.code, book.convention, run.lines, total)


def quote(
    catalog: Catalog,
    tenant: Tenant,
    order: PlaceOrder,
    *,
    currency: Currency | str | None = None,
    ledger: Ledger | None = None,
    convention: ProrationConvention = EXACT,
    policy: Policy = DEFAULT_POLICY,
) -> Quote:
    """The price review of ``order`` on its as-of date; refused lines carry their reasons.

    Give the tenant's ``ledger`` when there is one (license changes credit its charges); without
    it, the billing periods running on the order's day count as billed at today's quantities,
    and ``currency`` is required. Nothing raises for a rule's refusal; input that names nothing
    (an unknown product or subscription) raises.
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    expect(policy, Policy, "policy")
    tenant, _, book = _prepare(catalog, tenant, order, currency, ledger, convention, policy)
    return quote_of(run_order(catalog, tenant, book, order, policy), order, book)


def check_order(
    catalog: Catalog,
    tenant: Tenant,
    order: PlaceOrder,
    *,
    currency: Currency | str | None = None,
    ledger: Ledger | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[tuple[Reason, ...], ...]:
    """The reasons each cart line would be refused, in line order; all empty when it can go."""
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    review = quote(catalog, tenant, order, currency=currency, ledger=ledger, policy=policy)
    return tuple(line.reasons for line in review.lines)


def place_order(
    catalog: Catalog,
    tenant: Tenant,
    review: Quote,
    *,
    ledger: Ledger | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> PlacedOrder:
    """Place the order ``review`` priced; :class:`Refused` (with the reasons) if a line is refused.

    The order runs through the same engine as the quote, on ``tenant`` at the quote's date;
    :class:`QuoteChanged` when the result differs from the quote in any way. Nothing changes
    when it raises.
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    expect(policy, Policy, "policy")
    if ledger is not None:
        expect(ledger, Ledger, "ledger")
    if not isinstance(review, Quote):
        raise InvalidCommand(f"place_order needs the Quote of the order, got {review!r}")
    order = review.order
    code = review.currency if ledger is None else None
    tenant, events, book = _prepare(catalog, tenant, order, code, ledger, review.convention, policy)
    run = run_order(catalog, tenant, book, order, policy)
    if run.reasons:
        raise Refused(run.reasons)
    if run.lines != review.lines or run.order_id != review.order_id:
        raise QuoteChanged(review, quote_of(run, order, book))
    return PlacedOrder(review, run.tenant, (*events, *run.events), run.entries, book.freeze())
