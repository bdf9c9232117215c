"""The ledger and invoices: every charge, credit and refund as an entry that explains itself.

**The ledger.** Each priced thing that happens to a subscription becomes a frozen
:class:`LedgerEntry` that carries the :class:`~subcommerce.proration.ProratedLine` behind its
amount (quantity, unit price, days used over days in the period, rounding), so that
``entry.explain()`` says how the amount was reached. A credit or a refund names the entry it
credits (``credits``), and no entry is ever credited twice, so no credit exceeds what was charged.
Entry ids are ``<subscription id>#<n>``: the n-th entry of that subscription, the same on every run.

How events become entries (billed in advance, as Microsoft bills a subscription):

* a purchase: the first billing period is charged on the purchase day, prorated from that day
  when the subscription joins a period already running (a traditional add-on runs on its base's
  dates); a trial is not charged until it converts;
* every later billing period is charged on its first day, at the price of the term that holds
  it (the catalog's list price on the term's first day; a price is locked for a whole term);
* a license change (seed 004: the admin enters the new total) is a credit-and-rebill: the live
  charge of the period is credited in full and rebilled at the old quantity up to the change and
  the new quantity from it (:func:`~subcommerce.proration.credit_and_rebill`); under the
  new-commerce layout the change refunds the remaining days of the old quantity and charges them
  at the new one instead (:func:`~subcommerce.layouts.change_quantity`);
* a cancellation that the rules refund (always under MOSA; under MCA within the 7-day window)
  refunds the unused days of every live charge (:func:`~subcommerce.proration.refund_unused`),
  never more than the charge.

**Invoices** group the entries of one invoice group by statement period, for the account type:

* MOSA: one invoice per order (its ``InvoiceGroup``), for monthly statement periods counted from
  the order's first day; an invoice is dated the day after its period (a period Jan 15 - Feb 14
  gives an invoice dated Feb 15) and is payable within 30 days. A period with no entry gives no
  invoice, so an annual subscription gets one invoice a year unless something changes.
* MCA: purchases, renewals and recurring charges are billed upfront, on an invoice of their own
  day dated the next day ("Each new subscription purchase receives the first invoice the next
  day"; "each invoice represents a single day of purchases"); changes to an existing subscription
  (licenses added or removed, cancellations) go on the profile's monthly invoice, dated the first
  day of the next month ("Changes you make to an existing subscription appear on the monthly
  invoice around the beginning of the following month"). Both are Net 30. With
  ``Policy.mca_upfront_invoices`` off (the older, in-arrears billing), everything goes on the
  monthly invoice. An invoice's lines name the invoice section of their subscription, and
  :meth:`Invoice.sections` totals them by section: "Page two of the invoice contains a section
  summary, and details by section" (understand your MCA invoice).

An entry goes on the statement whose period holds the day it was posted. So a purchase in the
middle of a billing period (seed 004) puts a partial, prorated charge on the first statement, and
the balance, the next full period of every license, on the next one.

Amounts exclude taxes.

>>> from datetime import date
>>> from subcommerce.billing import BillingAccountType
>>> str(statement_period(BillingAccountType.MOSA, date(2025, 1, 15), date(2025, 2, 3)))
'2025-01-15..2025-02-15'
>>> str(statement_period(BillingAccountType.MCA, date(2025, 1, 15), date(2025, 2, 3)))
'2025-02-01..2025-03-01'
"""

from __future__ import annotations

import heapq
import struct
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from datetime import date, timedelta
from itertools import accumulate, chain
from operator import attrgetter, is_not
from typing import Any, Final, cast

import attrs

from subcommerce import display, tables
from subcommerce._checks import Choice, expect, tuple_of
from subcommerce.alignment import window_start
from subcommerce.billing import BillingAccountType, PaymentMethod
from subcommerce.billing_plans import first_period_line
from subcommerce.catalog import Catalog, Offer
from subcommerce.errors import (
    CurrencyMismatch,
    DateOutOfRange,
    InvalidArgument,
    InvalidPeriod,
    UnknownReference,
)
from subcommerce.events import (
    Event,
    LicensesChanged,
    PlanChanged,
    Reactivated,
    Renewed,
    SubscriptionCancelled,
    SubscriptionPurchased,
    TermChanged,
    TrialConverted,
)
from subcommerce.layouts import change_quantity, change_rows
from subcommerce.lifecycle import Outcome, advance, first_transition, next_transition
from subcommerce.money import (
    EXACT_CONTEXT,
    Currency,
    Money,
    currency,
    money_from_units,
    money_unchecked,
    units_of,
)
from subcommerce.periods import (
    BillingFrequency,
    Period,
    Term,
    add_months,
    check_boundary,
    check_date,
    locate,
    period_containing,
    period_unchecked,
)
from subcommerce.policy import DEFAULT_POLICY, Policy
from subcommerce.proration import (
    CHARGE_KIND,
    EXACT,
    ChangeRow,
    DayCount,
    LineKind,
    LineSlots,
    ProratedLine,
    ProrationConvention,
    credit_note,
    explained_line,
    prorate,
    refund_unused,
)
from subcommerce.subscriptions import (
    InvoiceGroup,
    Subscription,
    SubscriptionStatus,
    Tenant,
    positions,
)

__all__ = [
    "BILLED_STATUSES",
    "PAYMENT_TERMS_DAYS",
    "TAX_NOTE",
    "EntryCause",
    "Invoice",
    "Ledger",
    "LedgerEntry",
    "build_invoices",
    "open_ledger",
    "period_price",
    "statement_period",
]

#: Invoices are payable within this many days of their date (MOSA terms; MCA "Net 30").
PAYMENT_TERMS_DAYS: Final = 30

_PAYMENT_TERMS: Final = timedelta(days=PAYMENT_TERMS_DAYS)

#: What every price review and invoice of subcommerce says about taxes.
TAX_NOTE: Final = "Amounts exclude taxes."

#: The statuses in which a subscription is billed (a suspended one is still billed).
BILLED_STATUSES: Final = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED})


class EntryCause(Choice):
    """Why a ledger entry was posted."""

    OPENING = "opening"  # the period running when the ledger opened, billed before it
    PURCHASE = "purchase"  # the first charge of a new subscription
    PERIOD = "period"  # a billing period, charged in advance on its first day
    LICENSE_CHANGE = "license_change"  # a credit and its rebills
    CANCELLATION = "cancellation"  # the refund of unused days
    PLAN_CHANGE = "plan_change"  # a change of plan: the old one's credit, the new one's charge
    TERM_CHANGE = "term_change"  # the credit of unused days when a longer term starts mid-term


_PERIOD: Final = EntryCause.PERIOD  # bound once: enum attribute access is slow on the hot path
_ACTUAL_DAYS: Final = DayCount.ACTUAL
_LICENSE_CHANGE: Final = EntryCause.LICENSE_CHANGE
_PURCHASE: Final = EntryCause.PURCHASE
_CHARGE: Final = LineKind.CHARGE
_REBILL: Final = LineKind.REBILL
_set_term_period: Final = Renewed.__dict__["term_period"].__set__
_set_renewed_on: Final = Renewed.__dict__["on"].__set__


class LedgerEntrySlots:
    """The slots of a :class:`LedgerEntry`, writable (as ``periods.PeriodSlots``): the book's
    entry builders (``_made_entry``, ``EntryRows._build``) fill and retype one."""

    __slots__ = (
        "__weakref__",
        "cause",
        "credits",
        "group",
        "id",
        "invoice_section_id",
        "line",
        "posted_on",
        "product_id",
        "statement",
        "subscription_id",
    )
    id: str
    subscription_id: str
    product_id: str
    group: InvoiceGroup
    cause: EntryCause
    posted_on: date
    statement: Period
    line: ProratedLine
    credits: str | None
    invoice_section_id: str | None


@attrs.frozen
class LedgerEntry(LedgerEntrySlots):
    """One charge, credit, rebill or refund, with the prorated line that explains its amount.

    ``posted_on``: the day it was incurred. ``statement``: the statement (billing) period that
    holds that day; the invoice carrying the entry is dated ``statement.end``. ``credits``: for a
    credit or a refund, the id of the entry it credits. ``invoice_section_id``: under an MCA, the
    invoice section of the subscription (the profile's invoice groups its charges by section).
    """

    id: str
    subscription_id: str
    product_id: str
    group: InvoiceGroup
    cause: EntryCause
    posted_on: date
    statement: Period
    line: ProratedLine
    credits: str | None = None
    invoice_section_id: str | None = None

    @property
    def amount(self) -> Money:
        """The signed amount: negative for a credit or a refund."""
        return self.line.amount

    @property
    def kind(self) -> LineKind:
        """Charge, credit, rebill or refund."""
        return self.line.kind

    @property
    def invoice_date(self) -> date:
        """The date of the invoice this entry goes on: the day after its statement period."""
        return self.statement.end

    def explain(self) -> str:
        """The entry in one line: what, why, on which day, and how the amount was reached."""
        credited = f", credits {self.credits}" if self.credits else ""
        return (
            f"{self.id} {self.cause.value} on {self.posted_on.isoformat()}{credited}: "
            f"{self.line.explain()}"
        )


def _amount_sum(
    entries: Iterable[LedgerEntry], code: Currency, kinds: frozenset[LineKind]
) -> Money:
    return Money.total((e.amount for e in entries if e.kind in kinds), code)


def sum_money(amounts: Sequence[Money], code: Currency) -> Money:
    """``Money.total(amounts, code)``, without building the Money of every partial sum."""
    zero = Money.zero(code)
    cur, value = zero.currency, zero.amount
    for amount in amounts:
        if not isinstance(amount, Money) or (amount.currency is not cur and amount.currency != cur):
            return Money.total(amounts, code)  # which says what is wrong
        value = EXACT_CONTEXT.add(value, amount.amount)
    return money_unchecked(value, cur)


_CHARGES: Final = frozenset({LineKind.CHARGE, LineKind.REBILL})
_CREDITS: Final = frozenset({LineKind.CREDIT})
_REFUNDS: Final = frozenset({LineKind.REFUND})
_ALL: Final = _CHARGES | _CREDITS | _REFUNDS


def _pairs(value: Iterable[tuple[str, date]]) -> tuple[tuple[str, date], ...]:
    pairs = tuple_of(value, "billed_through")
    for pair in pairs:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise InvalidArgument(f"billed_through holds (id, date) pairs, got {pair!r}")
    return tuple((str(k), check_boundary(v, "billed through")) for k, v in pairs)


@attrs.frozen
class Ledger:
    """Every entry posted for a tenant in one billing currency, and what billing has reached.

    ``opening``: the charges of the periods running when the ledger was opened; they were billed
    before it (on no invoice of this ledger) and can be credited or refunded like any charge.
    ``billed_through``: for each subscription, the first day not yet charged. ``unpriced``:
    subscriptions that could not be priced in the currency (nothing is charged for them).
    """

    currency: Currency = attrs.field(converter=currency)
    convention: ProrationConvention = EXACT
    entries: tuple[LedgerEntry, ...] = ()
    opening: tuple[LedgerEntry, ...] = ()
    billed_through: tuple[tuple[str, date], ...] = attrs.field(default=(), converter=_pairs)
    unpriced: tuple[str, ...] = ()

    def entry(self, entry_id: str) -> LedgerEntry:
        """The entry ``entry_id`` (opening entries included); UnknownReference if none."""
        for entry in (*self.opening, *self.entries):
            if entry.id == entry_id:
                return entry
        raise UnknownReference(f"the ledger has no entry {entry_id!r}")

    def of(self, subscription_id: str) -> tuple[LedgerEntry, ...]:
        """The entries of one subscription, in the order they were posted."""
        return tuple(e for e in self.entries if e.subscription_id == subscription_id)

    def _total(self, kinds: frozenset[LineKind]) -> Money:
        kept = _ledger_entries(self, Ledger)
        if kept.__class__ is EntryRows:  # the rows' sum, without building the entries
            return kept.total(kinds)
        return _amount_sum(self.entries, self.currency, kinds)

    @property
    def charges(self) -> Money:
        """Charges and rebills (positive)."""
        return self._total(_CHARGES)

    @property
    def credits(self) -> Money:
        """Credits (negative)."""
        return self._total(_CREDITS)

    @property
    def refunds(self) -> Money:
        """Refunds (negative)."""
        return self._total(_REFUNDS)

    @property
    def net(self) -> Money:
        """Charges minus credits and refunds: what the invoices of this ledger add up to."""
        return self._total(_ALL)

    def __iter__(self) -> Iterator[LedgerEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        kept = _ledger_entries(self, Ledger)
        return len(kept) if kept.__class__ is EntryRows else len(self.entries)

    def __repr__(self) -> str:
        return (
            f"<Ledger {self.currency.code} {self.convention.name}: {len(self)} entries, "
            f"net {self.net}>"
        )

    def rows(self) -> list[dict[str, object]]:
        """Every entry as a plain record (see :mod:`subcommerce.tables`)."""
        return tables.ledger_table(self).rows()

    def to_pandas(self) -> Any:
        """Every entry as a frame with exact money columns (``subcommerce[notebook]``)."""
        return tables.ledger_table(self).to_pandas()


@attrs.frozen
class Invoice:
    """The entries of one invoice group on one statement period, with their total.

    ``issued_on`` is the day after ``period``; ``due_on`` is 30 days later. ``issued`` is False for
    a statement still open on the day the invoices were built (what has accrued so far).
    ``payment_method`` is the method on file for the group when the invoices were built.
    """

    id: str
    account_type: BillingAccountType
    group: InvoiceGroup
    period: Period
    issued_on: date
    due_on: date
    currency: Currency
    lines: tuple[LedgerEntry, ...]
    total: Money
    payment_method: PaymentMethod | None = None
    issued: bool = True
    taxes_included: bool = False

    @property
    def charges(self) -> Money:
        """Charges and rebills on the invoice."""
        return _amount_sum(self.lines, self.currency, _CHARGES)

    @property
    def credits(self) -> Money:
        """Credits on the invoice (negative)."""
        return _amount_sum(self.lines, self.currency, _CREDITS)

    @property
    def refunds(self) -> Money:
        """Refunds on the invoice (negative)."""
        return _amount_sum(self.lines, self.currency, _REFUNDS)

    def sections(self) -> tuple[tuple[str | None, Money], ...]:
        """The invoice's total by invoice section, in the order the sections first appear (MCA;
        a MOSA invoice has one, None). The totals add up to :attr:`total`."""
        order: list[str | None] = []
        grouped: dict[str | None, list[Money]] = {}
        for line in self.lines:
            key = line.invoice_section_id
            if key not in grouped:
                order.append(key)
                grouped[key] = []
            grouped[key].append(line.amount)
        return tuple((key, sum_money(grouped[key], self.currency)) for key in order)

    def __repr__(self) -> str:
        state = "issued" if self.issued else "open"
        return (
            f"<Invoice {self.id} {self.period} {state} {self.issued_on.isoformat()}: "
            f"{len(self.lines)} lines, total {self.total}>"
        )

    def rows(self) -> list[dict[str, object]]:
        """The invoice's lines as plain records (see :mod:`subcommerce.tables`)."""
        return tables.entries_table((self,)).rows()

    def to_pandas(self) -> Any:
        """The invoice's lines as a frame with exact money columns (``subcommerce[notebook]``)."""
        return tables.entries_table((self,)).to_pandas()

    def _repr_html_(self) -> str:
        return display.invoice_html(self)


# -- the compact store of a kept ledger ---------------------------------------------------------
#
# A kept timeline holds hundreds of entries and invoices that are mostly the same few values
# (a subscription's id, product, group and section, a price, a period). The book freezes its
# entries into rows of small ints (an array) and references to one table of the values they
# share; the frozen LedgerEntry and Invoice values are built when a caller reads them, once (a
# store keeps what it built), equal field for field to the values it was given. An entry that
# does not fit a row (not built by the book: another class, an amount in another currency or
# not in whole minor units, an id not ``<subscription id>#<n>``) is kept as it is.

_INTS: Final = 5  # per entry: who, n, posted on (ordinal), quantity, credited n (-1: none)
_REFS: Final = 7  # per entry: cause, statement, kind, unit price, service period, span, note
_INT32: Final = 2**31
_INT64: Final = 2**63
_MIN32: Final = -_INT32  # (negated once: ``-_INT32`` in a test makes a new int each time)
_MIN64: Final = -_INT64
_KEPT_INTS: Final = (-1,) * _INTS  # who is -1 for an entry kept as it is


def _kept_refs(entry: LedgerEntry) -> tuple[object, ...]:
    """The references of the row of an entry kept as it is: none but its span (at 5, where a
    row's is), so that a walk over spans reads every row's from ``refs`` alike."""
    return (None, None, None, None, None, entry.line.span, None)


_new_entry: Final = object.__new__
_entry_fields: Final = attrgetter(*(f.name for f in attrs.fields(LedgerEntry)))
_line_fields: Final = attrgetter(*(f.name for f in attrs.fields(ProratedLine)))


def _made_entry(
    entry_id: str,
    sub_id: str,
    product_id: str,
    group: InvoiceGroup,
    cause: EntryCause,
    posted: date,
    statement: Period,
    line: ProratedLine,
    credits: str | None,
    section: str | None,
) -> LedgerEntry:
    """``LedgerEntry(...)`` of these fields, filled as its writable twin and retyped (the class
    neither checks nor converts a field: the same value, without attrs' frozen ``__init__``)."""
    entry = LedgerEntrySlots()
    entry.id = entry_id
    entry.subscription_id = sub_id
    entry.product_id = product_id
    entry.group = group
    entry.cause = cause
    entry.posted_on = posted
    entry.statement = statement
    entry.line = line
    entry.credits = credits
    entry.invoice_section_id = section
    entry.__class__ = LedgerEntry
    return entry  # type: ignore[return-value]  # retyped: a LedgerEntry now


def _number(entry_id: object, sub_id: str) -> int:
    """n when ``entry_id`` is exactly ``f"{sub_id}#{n}"`` for an int n >= 0 that fits, else -1."""
    if entry_id.__class__ is not str:
        return -1
    head, sep, tail = entry_id.rpartition("#")
    if not sep or head != sub_id or not (len(tail) < 12 and tail.isascii() and tail.isdigit()):
        return -1
    n = int(tail)
    return n if n < _INT32 and str(n) == tail else -1


def _id_pair(entry_id: object) -> tuple[str, int] | None:
    """(s, n) for an id that is exactly ``f"{s}#{n}"`` for an int n >= 0, else None."""
    if entry_id.__class__ is not str:
        return None
    head, sep, tail = entry_id.rpartition("#")
    if not sep or not (len(tail) < 19 and tail.isascii() and tail.isdigit()):
        return None  # a long one is compared as it is
    n = int(tail)
    return (head, n) if str(n) == tail else None


class EntryRows:
    """The entries of a kept ledger as rows (see above): ``len``, ``entry(i)`` and ``all()``.

    Per entry: five small ints (``ints``: which subscription, n of its id, the day posted, the
    quantity, n of the entry it credits), its amount in minor units (``amounts``) and seven
    references to values shared with other entries (``refs``); ``whos`` holds each
    subscription's id, product, group, section and convention once.
    """

    __slots__ = (
        "_all",
        "_built",
        "_money",
        "_notes",
        "amounts",
        "code",
        "index",
        "ints",
        "kept",
        "refs",
        "seeds",
        "whos",
    )

    def __init__(
        self, entries: Sequence[LedgerEntry], code: Currency, before: Sequence[LedgerEntry] = ()
    ) -> None:
        """Rows of ``entries``; ``before``: the entries numbered before them (the opening)."""
        self.code = code
        whos: list[tuple[str, str, InvoiceGroup, str | None, ProrationConvention]] = []
        who_of: dict[int, int] = {}  # id(subscription id) -> its place in whos
        counts: dict[str, int] = {}
        for entry in before:
            counts[entry.subscription_id] = counts.get(entry.subscription_id, 0) + 1
        kept: dict[int, LedgerEntry] = {}
        ints: list[int] = []
        refs: list[object] = []
        amounts: list[int] = []
        for row, entry in enumerate(entries):
            if entry.__class__ is LedgerEntry:
                eid, sub_id, product, group, cause, posted, statement, line, credits, section = (
                    _entry_fields(entry)
                )
                n = counts[sub_id] = counts.get(sub_id, 0) + 1
                if eid.__class__ is not str or eid != f"{sub_id}#{n}":
                    n = _number(eid, sub_id)
                credited = -1 if credits is None else _number(credits, sub_id)
                if line.__class__ is ProratedLine and n >= 0 and credited >= -(credits is None):
                    kind, quantity, price, service, span, amount, convention, note = _line_fields(
                        line
                    )
                    units = units_of(amount) if amount.__class__ is Money else None
                    if (
                        units is not None
                        and amount.currency is code
                        and _MIN64 <= units < _INT64
                        and quantity.__class__ is int
                        and _MIN32 <= quantity < _INT32
                        and posted.__class__ is date
                    ):
                        who = who_of.get(id(sub_id))
                        if who is not None:
                            parts = whos[who]
                            if not (
                                parts[1] is product
                                and parts[2] is group
                                and parts[3] is section
                                and parts[4] is convention
                            ):
                                who = None
                        if who is None:
                            who = who_of[id(sub_id)] = len(whos)
                            whos.append((sub_id, product, group, section, convention))
                        ints.extend((who, n, posted.toordinal(), quantity, credited))
                        refs.extend((cause, statement, kind, price, service, span, note))
                        amounts.append(units)
                        continue
            kept[row] = entry
            ints.extend(_KEPT_INTS)
            refs.extend(_kept_refs(entry))
            amounts.append(0)
        self.whos = whos
        self.kept = kept
        # (a book's working rows hold plain lists: see _WorkRows)
        self.ints: MutableSequence[int] = array("i", ints)
        self.refs = refs
        self.amounts: MutableSequence[int] = array("q", amounts)
        self._built: list[LedgerEntry | None] | None = None
        self._all: tuple[LedgerEntry, ...] | None = None
        self._money: dict[int, Money] = {}
        # the credit notes written when their lines are built (see line): one text per span and
        # kind, by the span's identity, as a book's memo of them shares it (None: none yet)
        self._notes: dict[int, tuple[Period, LineKind, str]] | None = None
        # What a book going on from these rows rebuilds from them (the rows never change): the
        # opening it was worked out with, the entries per subscription, the charges not credited.
        self.index: tuple[object, dict[str, int], dict[str, tuple[int, ...]]] | None = None
        # What the book that froze these rows had found of its inputs alone, for the next book
        # going on from them: the first starts of the groups of the tenant it ended with, and
        # the statement each MOSA anchor found last (see Book.freeze).
        # And what it had found of each subscription of that tenant (``_Seeded``).
        self.seeds: tuple[_Starts, dict[date, Period], _Seeded] | None = None

    @classmethod
    def holding(cls, entries: tuple[LedgerEntry, ...], code: Currency) -> EntryRows:
        """Rows that keep every one of ``entries`` as it is (a ledger built from outside)."""
        rows = cls((), code)
        rows.kept = dict(enumerate(entries))
        rows.ints = array("i", _KEPT_INTS) * len(entries)
        rows.refs = [None] * (len(entries) * _REFS)
        rows.refs[5::_REFS] = [entry.line.span for entry in entries]  # (as _kept_refs)
        rows.amounts = array("q", (0,)) * len(entries)
        rows._all = entries
        return rows

    def __len__(self) -> int:
        return len(self.amounts)

    def entry(self, row: int) -> LedgerEntry:
        """The entry of ``row``, built on the first read and kept."""
        built = self._built
        if built is None:
            built = self._built = [None] * len(self.amounts)
        entry = built[row]
        if entry is None:
            entry = built[row] = self._build(row)
        return entry

    def _build(self, row: int, line: ProratedLine | None = None) -> LedgerEntry:
        """The entry of ``row``; ``line``: its line, when one is at hand."""
        ints = self.ints
        at = row * _INTS
        who = ints[at]
        if who < 0:
            return self.kept[row]
        sub_id, product_id, group, section, _ = self.whos[who]
        if line is None:
            line = self.line(row)
        refs = self.refs
        at_refs = row * _REFS
        credited = ints[at + 4]
        entry = LedgerEntrySlots()  # LedgerEntry(...), filled as its twin and retyped
        entry.id = f"{sub_id}#{ints[at + 1]}"
        entry.subscription_id = sub_id
        entry.product_id = product_id
        entry.group = group
        entry.cause = refs[at_refs]  # type: ignore[assignment]  # an EntryCause (no cast call)
        entry.posted_on = date.fromordinal(ints[at + 2])
        entry.statement = refs[at_refs + 1]  # type: ignore[assignment]  # a Period
        entry.line = line
        entry.credits = None if credited < 0 else f"{sub_id}#{credited}"
        entry.invoice_section_id = section
        entry.__class__ = LedgerEntry
        return entry  # type: ignore[return-value]  # retyped: a LedgerEntry now

    def line(self, row: int) -> ProratedLine:
        """A new line of ``row`` (the line of the entry it builds)."""
        who = self.ints[row * _INTS]
        if who < 0:
            return self.kept[row].line
        at = row * _REFS + 2
        # ProratedLine(...) of the row's fields, filled as its writable twin and retyped
        fields: list[Any] = self.refs[at : at + 5]  # kind, price, service, span, note
        line = _new_line(LineSlots)
        line.kind, line.unit_price, line.service_period, line.span, note = fields
        if note.__class__ is not str:
            # a LineKind: a license change's credit of an original of that kind, its note not
            # written yet (proration.credit_and_rebill_rows, text=False): written now, one text
            # per span and kind (as the memo of a book writing them at once shares it)
            span = fields[3]
            notes = self._notes
            if notes is None:
                notes = self._notes = {}
            held = notes.get(id(span))
            if held is not None and held[0] is span and held[1] is note:
                note = held[2]
            else:
                kind = note
                note = credit_note(kind, span)
                notes[id(span)] = (span, kind, note)
        line.note = note
        line.quantity = self.ints[row * _INTS + 3]
        line.amount = self.money(self.amounts[row])
        line.convention = self.whos[who][4]
        line.__class__ = ProratedLine
        return line  # type: ignore[return-value]  # retyped: a ProratedLine now

    def where(self, row: int) -> tuple[InvoiceGroup, Period]:
        """The group and statement of ``row``, without building its entry."""
        who = self.ints[row * _INTS]
        if who < 0:
            entry = self.kept[row]
            return entry.group, entry.statement
        return self.whos[who][2], cast(Period, self.refs[row * _REFS + 1])

    def money(self, units: int) -> Money:
        """``units`` minor units of the ledger's currency: one Money for each equal amount."""
        found = self._money.get(units)
        if found is None:
            found = self._money[units] = money_from_units(units, self.code)
        return found

    def all(self) -> tuple[LedgerEntry, ...]:
        """Every entry, in order (built once)."""
        found = self._all
        if found is None:
            found = self._all = tuple(map(self.entry, range(len(self.amounts))))
        return found

    def total(self, kinds: frozenset[LineKind]) -> Money:
        """``Money.total`` of the amounts of the entries of ``kinds``."""
        if self.kept:
            return _amount_sum(self.all(), self.code, kinds)
        total = 0
        for kind, units in zip(self.refs[2::_REFS], self.amounts, strict=True):
            if kind in kinds:
                total += units
        return money_from_units(total, self.code)


class _WorkRows(EntryRows):
    """The entries of a book as rows being written (what :class:`EntryRows` holds): the book
    appends a row per entry it posts and builds a frozen entry, or its line, only when someone
    reads it; :meth:`frozen` hands a frozen ledger the rows, without taking entries apart."""

    __slots__ = ("lines", "made", "source", "taken", "who_of")

    def __init__(self, code: Currency, moneys: dict[int, Money]) -> None:
        EntryRows.__init__(self, (), code)
        # Plain lists while written (an array converts each item it takes by parsing a format
        # string: a few hundred instructions per row); packed into arrays once, by frozen().
        self.ints, self.amounts = [], []
        self.source: EntryRows | None = None  # the frozen ledger's rows these went on from
        self.taken = 0  # how many of them
        self._money = moneys  # the book's one Money per amount (shared with its forks)
        self.who_of: dict[str, int] = {}  # subscription id -> its place in whos, found last
        self.lines: dict[int, ProratedLine] = {}  # the frozen lines at hand, by row
        self.made: dict[int, LedgerEntry] = {}  # the entries built, by row

    @classmethod
    def taking(cls, store: EntryRows, moneys: dict[int, Money]) -> _WorkRows:
        """Rows to go on writing from those of a frozen ledger (copied: the ledger keeps its)."""
        rows = _WorkRows.__new__(_WorkRows)
        rows.code, rows._money = store.code, moneys
        rows.ints, rows.refs, rows.amounts = list(store.ints), list(store.refs), list(store.amounts)
        rows.whos, rows.kept = list(store.whos), dict(store.kept)
        rows._built, rows._all, rows.index, rows.seeds = None, None, None, None
        rows._notes = None
        rows.lines, rows.made = {}, {}
        # An entry of the ledger is read through its own store, which keeps what it builds: a
        # quote on the same ledger again reads it built.
        rows.source, rows.taken = store, len(store.amounts)
        rows.who_of = {parts[0]: who for who, parts in enumerate(rows.whos)}  # the last of each
        return rows

    def source_seeds(self) -> tuple[_Starts, dict[date, Period], _Seeded] | None:
        """The seeds of the frozen rows these went on from, if any (:meth:`Book.freeze`)."""
        source = self.source
        return None if source is None else source.seeds

    def copy(self) -> _WorkRows:
        """An independent copy (for a fork)."""
        twin = _WorkRows.__new__(_WorkRows)
        twin.code, twin._money = self.code, self._money
        twin.ints, twin.refs, twin.amounts = self.ints[:], list(self.refs), self.amounts[:]
        twin.whos, twin.who_of = list(self.whos), dict(self.who_of)
        twin.kept, twin.lines, twin.made = dict(self.kept), dict(self.lines), dict(self.made)
        twin.source, twin.taken = self.source, self.taken
        twin._built, twin._all, twin.index, twin.seeds = None, None, None, None
        twin._notes = None
        return twin

    def frozen(self) -> EntryRows:
        """The rows, copied into the store a frozen ledger keeps."""
        store = EntryRows.__new__(EntryRows)
        store.code = self.code
        store.whos = list(self.whos)
        store.kept = dict(self.kept)
        store.ints = _packed("i", self.ints)
        store.refs = list(self.refs)
        store.amounts = _packed("q", self.amounts)
        store._built = None
        store._all = None
        store._money = {}
        store._notes = None
        store.index = None
        store.seeds = None
        return store

    def who(
        self,
        sub_id: str,
        product: str,
        group: InvoiceGroup,
        section: str | None,
        convention: ProrationConvention,
    ) -> int:
        """The place in ``whos`` of these parts (a new one when the last one differs)."""
        who = self.who_of.get(sub_id)
        if who is not None:
            parts = self.whos[who]
            if (
                parts[1] is product
                and parts[2] is group
                and parts[3] is section
                and parts[4] is convention
            ):
                return who
        who = self.who_of[sub_id] = len(self.whos)
        self.whos.append((sub_id, product, group, section, convention))
        return who

    def keep(self, entry: LedgerEntry) -> int:
        """Append ``entry`` as it is (it does not fit a row); its row."""
        row = len(self.amounts)
        self.kept[row] = entry
        self.ints.extend(_KEPT_INTS)
        self.refs.extend(_kept_refs(entry))
        self.amounts.append(0)
        return row

    def entry(self, row: int) -> LedgerEntry:
        """The entry of ``row``, built on the first read and kept."""
        entry = self.made.get(row)
        if entry is None:
            source = self.source
            if source is not None and row < self.taken:
                entry = self.made[row] = source.entry(row)
            else:
                entry = self.made[row] = self._build(row, self.lines.get(row))
        return entry

    def line_of(self, row: int) -> ProratedLine:
        """The line of ``row``'s entry, built on the first read and kept."""
        line = self.lines.get(row)
        if line is None:
            source = self.source
            if source is not None and row < self.taken:
                line = self.lines[row] = source.entry(row).line
            else:
                line = self.lines[row] = self.line(row)
        return line

    def span(self, row: int) -> Period:
        """The span of ``row``'s line, without building it."""
        if self.ints[row * _INTS] < 0:
            return self.kept[row].line.span
        return cast(Period, self.refs[row * _REFS + 5])

    def number(self, row: int, sub_id: str) -> int:
        """n of the id ``<sub_id>#<n>`` of ``row``'s entry (-1 when its id is not of that form)."""
        who = self.ints[row * _INTS]
        if who < 0:
            return _number(self.kept[row].id, sub_id)
        return self.ints[row * _INTS + 1] if self.whos[who][0] == sub_id else -1

    def id_of(self, row: int) -> str:
        """The id of ``row``'s entry."""
        who = self.ints[row * _INTS]
        if who < 0:
            return self.kept[row].id
        return f"{self.whos[who][0]}#{self.ints[row * _INTS + 1]}"


def _packed(typecode: str, values: MutableSequence[int]) -> array[int]:
    """``array(typecode, values)``, packed in one step (``struct`` takes the ints as they are;
    an array parses a format string per item it converts). The values fit: each was checked
    against the item's range when its row was written."""
    packed = array(typecode)
    packed.frombytes(struct.pack(f"{len(values)}{typecode}", *values))
    return packed[:]  # an exact copy: frombytes leaves room to grow


class _Entries(Sequence[LedgerEntry]):
    """The entries of a book's rows as a sequence of frozen entries, built when read."""

    __slots__ = ("rows",)

    def __init__(self, rows: _WorkRows) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows.amounts)

    def __getitem__(self, at: Any) -> Any:
        rows = self.rows
        if isinstance(at, slice):
            places = range(*at.indices(len(rows.amounts)))
            try:  # every one built already (a quote's book builds them as it posts)
                return list(map(rows.made.__getitem__, places))
            except KeyError:
                return [rows.entry(row) for row in places]
        return rows.entry(range(len(rows.amounts))[at])


class InvoiceRows:
    """Invoices kept as rows: the ledger rows of each invoice's lines, its total in minor units
    and its payment method; the Invoice values are built when read, once."""

    __slots__ = (
        "_all", "account_type", "entries", "issued", "lines", "methods", "offsets", "totals",
    )  # fmt: skip

    def __init__(
        self,
        entries: EntryRows,
        account_type: BillingAccountType,
        issued: bool,
        lines: list[int],
        offsets: list[int],
        totals: list[int],
        methods: list[PaymentMethod | None],
    ) -> None:
        """``lines``: the rows of every invoice's lines, those of invoice i at ``offsets[i]`` up
        to ``offsets[i + 1]``; ``totals``, ``methods``: each invoice's."""
        self.entries = entries
        self.account_type = account_type
        self.issued = issued
        self.offsets = _packed("i", offsets)
        self.lines = _packed("i", lines)
        try:
            self.totals: Sequence[int] = _packed("q", totals)
        except struct.error:  # pragma: no cover - more than 2**63 minor units on one invoice
            self.totals = tuple(totals)
        self.methods = tuple(methods)
        self._all: tuple[Invoice, ...] | None = None

    def __len__(self) -> int:
        return len(self.totals)

    def invoice(self, at: int) -> Invoice:
        entries = self.entries
        group, period = entries.where(self.lines[self.offsets[at]])
        end = period.end
        # An MCA's one-day invoice of purchases and renewals may share its date with the
        # profile's monthly one (a purchase on the last day of a month): its id says which.
        one_day = group.kind == "billing_profile" and end - period.start == _ONE_DAY
        # Invoice(id, account type, group, period, issued on, due on, currency, lines, total,
        # payment method, issued), its slots filled directly (the values are the ones checked)
        invoice = _new_entry(Invoice)
        put_id, put_type, put_group, put_period, put_issued_on, put_due, put_currency = (
            _invoice_setters[:7]
        )
        put_lines, put_total, put_method, put_issued, put_taxes = _invoice_setters[7:]
        put_id(invoice, f"{group.id}/{end.isoformat()}" + ("/purchases" if one_day else ""))
        put_type(invoice, self.account_type)
        put_group(invoice, group)
        put_period(invoice, period)
        put_issued_on(invoice, end)
        put_due(invoice, end + _PAYMENT_TERMS)
        put_currency(invoice, entries.code)
        put_lines(invoice, LineRows(self, at))
        put_total(invoice, entries.money(self.totals[at]))
        put_method(invoice, self.methods[at])
        put_issued(invoice, self.issued)
        put_taxes(invoice, False)
        return invoice

    def all(self) -> tuple[Invoice, ...]:
        """Every invoice, in order (built once)."""
        found = self._all
        if found is None:
            found = self._all = tuple(map(self.invoice, range(len(self.totals))))
        return found


class LineRows:
    """The lines of one invoice of :class:`InvoiceRows`, built when read, once."""

    __slots__ = ("_all", "at", "invoices")

    def __init__(self, invoices: InvoiceRows, at: int) -> None:
        self.invoices = invoices
        self.at = at
        self._all: tuple[LedgerEntry, ...] | None = None

    def __len__(self) -> int:
        offsets = self.invoices.offsets
        return offsets[self.at + 1] - offsets[self.at]

    def all(self) -> tuple[LedgerEntry, ...]:
        found = self._all
        if found is None:
            invoices, at = self.invoices, self.at
            rows = invoices.lines[invoices.offsets[at] : invoices.offsets[at + 1]]
            found = self._all = tuple(map(invoices.entries.entry, rows))
        return found


def read_lazily(cls: type, name: str, rows: type) -> Callable[[object, type], object]:
    """Make field ``name`` of the attrs class ``cls`` hold either its value or a store of type
    ``rows``; reading it gives the value (``store.all()``), so the class looks as it did (its
    equality, hashing, pickling and conversion read the field). Returns what reads the field's
    slot itself (the store, when it holds one)."""
    slot = cls.__dict__[name]
    get, put = slot.__get__, slot.__set__

    def read(self: object) -> object:
        value = get(self, cls)
        return cast(Any, value).all() if value.__class__ is rows else value

    setattr(cls, name, property(read, put, doc=f"{cls.__name__}.{name}"))
    return get  # type: ignore[no-any-return]


_ledger_entries: Final = read_lazily(Ledger, "entries", EntryRows)
_invoice_setters: Final = tuple(Invoice.__dict__[f.name].__set__ for f in attrs.fields(Invoice))
_invoice_lines: Final = read_lazily(Invoice, "lines", LineRows)  # the setters above: its slot


def entry_rows(ledger: Ledger) -> EntryRows:
    """The ledger's entries as rows: those it keeps, or rows holding its entries as they are."""
    kept = _ledger_entries(ledger, Ledger)
    if kept.__class__ is EntryRows and kept.code is ledger.currency:
        return kept
    return EntryRows.holding(tuple(ledger.entries), ledger.currency)


# -- statements ---------------------------------------------------------------------------------


#: What an MCA bills upfront, on a one-day invoice of its own (``Policy.mca_upfront_invoices``).
_UPFRONT: Final = frozenset({EntryCause.PURCHASE, EntryCause.PERIOD})
_set_field: Final = object.__setattr__
_new_line: Final = object.__new__
_UNSET: Final = object()
_ONE_DAY: Final = timedelta(days=1)


def statement_period(account_type: BillingAccountType | None, anchor: date, day: date) -> Period:
    """The statement (billing) period that holds ``day``.

    MOSA (or no account): monthly periods counted from ``anchor``, the order's first day. MCA and
    MPA: the calendar month (``anchor`` is not used).
    """
    if account_type is not None and account_type.__class__ is not BillingAccountType:
        expect(account_type, BillingAccountType, "account type")
    if account_type is not None and account_type.has_profiles:
        check_date(day, "day")  # the MOSA path's period_containing checks both dates
        first = date(day.year, day.month, 1)
        return Period(first, add_months(first, 1))
    return period_containing(anchor, 1, day)


# -- prices -------------------------------------------------------------------------------------


def period_price(
    catalog: Catalog, subscription: Subscription, on: date, code: Currency
) -> Money | None:
    """The price per unit of one billing period of ``subscription`` in the term holding ``on``.

    The catalog's list price for the subscription's product, term and billing frequency on the
    term's first day (its purchase day for a first term that began before it), so that a price
    holds for a whole term. When the catalog has none, the price the subscription locked in at
    purchase, if it is in ``code``; otherwise None (unpriced).
    """
    expect(catalog, Catalog, "catalog")
    expect(subscription, Subscription, "subscription")
    check_date(on, "date")
    code = currency(code)
    day = _price_day(subscription, on)
    offer = None
    if catalog.get(subscription.product_id) is not None:
        offer = catalog.offer(
            subscription.product_id, subscription.term, subscription.billing_frequency, day
        )
    return _offer_price(offer, subscription, code)


def _price_day(subscription: Subscription, on: date) -> date:
    """The day whose list price holds for the term running on ``on``."""
    day = _term_price_day(subscription)
    return on if day > on else day  # a term that has not started: the day asked about


def _term_price_day(subscription: Subscription) -> date:
    """The first day of the current term (its purchase day for a first term begun before it).

    The term's start is ``add_months(anchor, term months x renewals)``: the subscription's own
    ``current_term``, worked out once per value (a renewal hands its new value the term it
    starts, which the lifecycle reads too)."""
    try:
        term_start = subscription.current_term.start
    except (InvalidPeriod, DateOutOfRange):  # a term whose end is past what add_months takes
        term_start = add_months(
            subscription.anchor, subscription.term.months * subscription.renewals
        )
    return term_start if term_start > subscription.start else subscription.start


def _offer_price(offer: Offer | None, subscription: Subscription, code: Currency) -> Money | None:
    if offer is not None:
        price = offer.period_price(code)
        if price is not None:
            return price
    locked = subscription.unit_price
    if locked is not None and locked.currency == code:
        return locked
    return None


def _months(subscription: Subscription) -> int:
    return subscription.billing_frequency.months(subscription.term)


# -- the book: the working form of a ledger -----------------------------------------------------


class _Known:
    """What a book worked out about one subscription value (a subscription never changes).

    Facts of the value, the catalog and the book's currency, convention and policy alone, never
    of what the book has posted, so a book and its forks share them: the months per billing
    period, the billing period found last, the first day of the term's list price, the price
    found last (only a price found: an unpriced subscription is looked up again, so that it is
    recorded as such), what a whole billing period costs at that price (in minor units and as
    Money), and the next lifecycle transition.
    """

    __slots__ = (
        "day", "due", "due_known", "first", "months", "offer", "owner", "period", "price", "sub",
        "whole",
    )  # fmt: skip

    def __init__(self, sub: Subscription) -> None:
        self.sub = sub
        # who may renew these in place (:meth:`renew`): the ``renewer`` token of the facts of
        # the book (and its forks) whose renewal made them, which no one else holds (see
        # Book._renewals); None: anyone's. (A token the facts hold, not the facts: facts
        # holding these holding their facts would be a reference cycle, a book's facts then
        # left to the cyclic collector; and a held ledger's facts would keep them alive.)
        self.owner: object = None
        self.months: int | None = None
        self.period: Period | None = None
        self.first: date | None = None
        self.day: date | None = None
        self.price: Money | None = None
        self.offer: Offer | None = None  # the offer ``price`` is the period price of, if one
        self.due: date | None = None
        self.due_known = False
        # the price, the amount in minor units, as Money (None: not built yet, see
        # Book._whole_money), and as a row holds it (None: no row)
        self.whole: _Whole | None = None

    @staticmethod
    def inherited(prior: _Known, sub: Subscription) -> _Known:
        """The facts of ``sub``, a later value of ``prior``'s subscription (a license change's,
        a plan's, a section's new value), made in one step: what ``prior`` worked out that
        depends only on fields the two values share is taken over (a memo keyed by value, so
        that a license change does not work out the months, the price or the whole amount
        again), the rest left to be worked out. Its slots are filled here directly, as
        :meth:`renewal` fills a renewal's (no ``__init__`` to fill them twice)."""
        known = _new_known(_Known)
        known.sub = sub
        known.due, known.due_known = None, False
        known.owner = None
        old = prior.sub
        if old.term is not sub.term or old.billing_frequency is not sub.billing_frequency:
            known.months = known.period = known.first = None
            known.day = known.price = known.offer = known.whole = None
            return known
        known.months = prior.months
        # (each field compared by identity first: a new value mostly holds its last one's)
        same_start = old.start is sub.start or old.start == sub.start
        if (same_start and old.term_anchor is sub.term_anchor) or old.anchor == sub.anchor:
            known.period = prior.period
            known.first = prior.first if old.renewals == sub.renewals and same_start else None
        else:
            known.period = known.first = None
        price = old.unit_price
        if old.product_id == sub.product_id and (
            price is sub.unit_price or price == sub.unit_price
        ):
            known.day, known.price, known.offer = prior.day, prior.price, prior.offer
            known.whole = prior.whole if old.quantity == sub.quantity else None
        else:
            known.day = known.price = known.offer = known.whole = None
        return known

    @staticmethod
    def renewal(prior: _Known, sub: Subscription, term: Period | None = None) -> _Known:
        """The facts of ``sub``, a renewal of ``prior``'s value, as a new set: a copy of
        ``prior``'s facts renewed (:meth:`renew`), so that ``prior`` stays as it is (it may be
        held by a frozen ledger's seeds or a purchase's hand-off)."""
        known = _new_known(_Known)
        known.sub = prior.sub
        known.months, known.period, known.first = prior.months, prior.period, prior.first
        known.day, known.price, known.offer = prior.day, prior.price, prior.offer
        known.whole = prior.whole
        known.due, known.due_known = None, False
        known.owner = None
        return _renew(known, sub, term)

    @staticmethod
    def renew(known: _Known, sub: Subscription, term: Period | None = None) -> _Known:
        """``known``, the facts of a value of ``sub``'s subscription, made in place the facts of
        ``sub``, its renewal: what depends only on fields the two values share is kept, the
        rest dropped to be worked out again (the months and all after them when the term or the
        frequency changed, the period when the anchor did, the price, offer and price day when
        the product or the locked price did, the whole amount when the quantity did). Then
        what a renewal keeps: its new term's price day, worked out here (from ``term``, its
        current term, when the renewal's event hands it on), and the price of the offer found
        last when that offer holds on that day (the catalog's offers of one product, term and
        frequency never overlap, so it is the one a look-up would find). In place only for
        facts no one else holds (their ``owner``, the book's: see :meth:`Book._renewals`);
        :meth:`renewal` renews a copy."""
        if term is None:
            first = _term_price_day(sub)
        else:  # _term_price_day(sub), from the term at hand
            first = term.start
            start = sub.start
            if start > first:
                first = start
        old = known.sub
        known.sub = sub
        known.first = first
        if known.due_known:
            known.due, known.due_known = None, False
        if old.term is not sub.term or old.billing_frequency is not sub.billing_frequency:
            known.months = known.period = known.day = known.price = known.offer = None
            known.whole = None
            return known
        anchor = old.anchor
        if anchor is not sub.anchor and anchor != sub.anchor:
            known.period = None
        price = old.unit_price
        if old.product_id == sub.product_id and (
            price is sub.unit_price or price == sub.unit_price
        ):
            offer, day = known.offer, known.day
            if offer is not None and day is not None and day != first and offer.is_valid_on(first):
                known.day = first
            if old.quantity != sub.quantity:
                known.whole = None
        else:
            known.day = known.price = known.offer = known.whole = None
        return known


_new_known: Final = object.__new__
#: :meth:`_Known.renew`, the one body of a renewal's facts (:meth:`_Known.renewal` renews a copy).
_renew: Final = _Known.renew

#: What a whole billing period of a subscription value costs at a price (``_Known.whole``).
_Whole = tuple[Money, int, "Money | None", "int | None"]


class _Calendar:
    """When: what each subscription is billed through, and which is billed next (the scheduling
    half of a :class:`Book`; what those periods cost and the entries posted are the book's).

    ``billed`` maps a subscription id to the first day not billed yet; ``buckets`` holds, per
    day, the ids recorded as billed up to it (one pushed for every value ``billed`` took: an id
    is current in a bucket while ``billed`` still holds its day; stale ones are dropped when
    seen), and ``days`` is a heap of the days that have a bucket, each once: subscriptions
    billed on one calendar share a day, so a day's periods cost one push and one pop, and the
    heap compares dates, not (date, id) pairs. ``quiet``: no period is due before it (None:
    unknown). ``transition`` and ``due_for``: the first lifecycle transition of the tenant
    ``due_for``, as :meth:`Book.next_due` found it.
    """

    __slots__ = ("billed", "buckets", "days", "due_for", "quiet", "transition")

    def __init__(self, billed: dict[str, date]) -> None:
        self.billed = billed
        buckets: dict[date, list[str]] = {}
        for sub_id, day in billed.items():
            bucket = buckets.get(day)
            if bucket is None:
                buckets[day] = [sub_id]
            else:
                bucket.append(sub_id)
        self.buckets = buckets
        self.days = list(buckets)
        heapq.heapify(self.days)
        self.quiet: date | None = None
        self.transition: date | None = None
        self.due_for: Tenant | None = None

    def copy(self) -> _Calendar:
        """An independent copy (the tenant it looked at last is forgotten)."""
        twin = _Calendar.__new__(_Calendar)
        twin.billed = dict(self.billed)
        twin.buckets = {day: list(ids) for day, ids in self.buckets.items()}
        twin.days = list(self.days)
        twin.quiet = self.quiet
        twin.transition = None
        twin.due_for = None
        return twin

    def _push(self, sub_id: str, through: date) -> None:
        """``sub_id`` into the bucket of ``through`` (a new day onto the heap)."""
        bucket = self.buckets.get(through)
        if bucket is None:
            self.buckets[through] = [sub_id]
            heapq.heappush(self.days, through)
        else:
            bucket.append(sub_id)

    def record(self, sub_id: str, through: date) -> None:
        """``sub_id`` is billed up to ``through`` (exclusive)."""
        self.billed[sub_id] = through
        self._push(sub_id, through)
        self.quiet = None

    def take_due(self, tenant: Tenant, day: date) -> list[Subscription]:
        """The subscriptions of ``tenant`` billed only up to ``day`` or before, in tenant order,
        taken off the calendar (the caller puts each back, billed further or not)."""
        days, buckets, billed = self.days, self.buckets, self.billed
        found: dict[str, date] = {}
        while days and days[0] <= day:
            through = heapq.heappop(days)
            for sub_id in buckets.pop(through):
                if billed.get(sub_id) == through:
                    found[sub_id] = through
        subs, where = tenant.subscriptions, positions(tenant)
        taken = []
        for sub_id, through in found.items():
            position = where.get(sub_id)  # tenant.position(sub_id): ids from the calendar
            if position is None:
                self._push(sub_id, through)  # not in the tenant: never billed here
            else:
                taken.append((position, subs[position]))
        if len(taken) > 1:
            taken.sort()  # by position: each is in the tenant once, so no subscriptions compared
        return [sub for _, sub in taken]

    def put_back(self, sub_id: str, through: date) -> None:
        """``sub_id`` billed up to ``through``, after :meth:`take_due` (then :meth:`settle`)."""
        self.billed[sub_id] = through
        self._push(sub_id, through)

    def settle(self) -> None:
        """Work out ``quiet`` again: the first day a period is due (stale days dropped)."""
        days, buckets, billed = self.days, self.buckets, self.billed
        while days:
            first = days[0]
            for sub_id in buckets[first]:
                if billed.get(sub_id) == first:
                    self.quiet = first
                    return
            heapq.heappop(days)
            del buckets[first]
        self.quiet = None

    def next_billed(self, tenant: Tenant, after: date) -> date | None:
        """The first day after ``after`` on which a subscription of ``tenant`` that is billed
        now needs its next billing period (from the heap; what it looks at goes back)."""
        days, buckets, billed = self.days, self.buckets, self.billed
        if days and days[0] > after:  # the common case: the first day, for one billed now
            through = days[0]
            for sub_id in buckets[through]:
                if billed.get(sub_id) == through:
                    position = tenant.position(sub_id)
                    if (
                        position is not None
                        and tenant.subscriptions[position].status in BILLED_STATUSES
                    ):
                        # the heap's first day holds a current id: no period is due before it
                        # (what settle finds), so bill returns at once on any day before it
                        self.quiet = through
                        return through
        held = []
        found = None
        while days:
            through = heapq.heappop(days)
            current = [sub_id for sub_id in buckets.pop(through) if billed.get(sub_id) == through]
            if not current:
                continue  # stale
            held.append((through, current))
            if through <= after:
                continue
            for sub_id in current:
                position = tenant.position(sub_id)
                if (
                    position is not None
                    and tenant.subscriptions[position].status in BILLED_STATUSES
                ):
                    found = through
                    break
            if found is not None:
                break
        for through, current in held:
            buckets[through] = current
            heapq.heappush(days, through)
        return found


#: Where the entries of one subscription value go: the value, its invoice group and the group's
#: key, its invoice section, its place in the rows' ``whos`` (under the book's convention), and
#: whether its purchases and period charges go on a one-day MCA invoice of their own.
_Place = tuple[Subscription, InvoiceGroup, tuple[str, str], "str | None", int, bool]


class _Posted:
    """What was posted: the entries as rows (and the opening, as entries), the unpriced
    subscriptions, and the indexes rebuilt from them (entries per subscription, the charges not
    yet credited). A charge is named by its item: its row, or ``~i`` for the i-th opening entry.
    """

    __slots__ = ("counts", "ended", "live", "opening", "placed", "rows", "unpriced", "view")

    def __init__(self, ledger: Ledger, moneys: dict[int, Money]) -> None:
        code = ledger.currency
        # per subscription id: where the entries of its latest value go (Book._placing)
        self.placed: dict[str, _Place] = {}
        self.opening = list(ledger.opening)
        self.unpriced = list(ledger.unpriced)
        store = _ledger_entries(ledger, Ledger)
        if store.__class__ is not EntryRows or store.code is not code:
            store = EntryRows(list(ledger.entries), code, self.opening)
        rows = self.rows = _WorkRows.taking(store, moneys)
        self.view = _Entries(rows)
        counts: dict[str, int] = {}
        live: dict[str, list[int]] = {}
        self.counts, self.live = counts, live
        # per subscription: (a day, n): the first n charges of its live list end by that day
        self.ended: dict[str, tuple[date, int]] = {}
        opening = ledger.opening
        before = store.index
        if before is not None and before[0] is opening:  # a book went on from these rows before
            counts.update(before[1])
            for sub_id, items in before[2].items():
                live[sub_id] = list(items)
            return
        ints, refs, whos, kept = rows.ints, rows.refs, rows.whos, rows.kept
        # The entries credited, as (subscription id, n) for an id ``<subscription id>#<n>`` (no
        # id is formatted for a row), and any other id as it is; then the charges not credited.
        pairs: set[tuple[str, int]] = set()
        odd: set[str] = set()
        charges: list[tuple[str, object, int]] = []  # (subscription id, n or id, item)
        for index, entry in enumerate(self.opening):
            charges.append((entry.subscription_id, entry, ~index))
        for row, (who, n, credited, kind) in enumerate(
            zip(ints[::_INTS], ints[1::_INTS], ints[4::_INTS], refs[2::_REFS], strict=True)
        ):
            if who < 0:
                entry = kept[row]
                charges.append((entry.subscription_id, entry, row))
                continue
            sub_id = whos[who][0]
            if credited >= 0:
                pairs.add((sub_id, credited))
            if kind is _CHARGE or kind is _REBILL:
                charges.append((sub_id, n, row))
            else:
                counts[sub_id] = counts.get(sub_id, 0) + 1
        for _, what, _ in charges:  # the credits of the entries kept as they are
            if what.__class__ is not int:
                credits = cast(LedgerEntry, what).credits
                if credits:
                    pair = _id_pair(credits)
                    if pair is None:
                        odd.add(credits)
                    else:
                        pairs.add(pair)
        for sub_id, what, item in charges:
            counts[sub_id] = counts.get(sub_id, 0) + 1
            if what.__class__ is int:  # a row's id is <sub_id>#<n>: credited as that pair
                credited_now = (sub_id, what) in pairs
            else:
                held = cast(LedgerEntry, what)
                if held.kind not in _CHARGES:
                    continue
                pair = _id_pair(held.id)
                credited_now = held.id in odd if pair is None else pair in pairs
            if not credited_now:
                live.setdefault(sub_id, []).append(item)
        store.index = (opening, dict(counts), {k: tuple(v) for k, v in live.items()})

    @property
    def entries(self) -> Sequence[LedgerEntry]:
        """The entries posted (not the opening), in order, built when read."""
        return self.view

    def copy(self) -> _Posted:
        twin = _Posted.__new__(_Posted)
        twin.rows = self.rows.copy()
        twin.view = _Entries(twin.rows)
        twin.opening = list(self.opening)
        twin.unpriced = list(self.unpriced)
        twin.counts = dict(self.counts)
        twin.live = {k: list(v) for k, v in self.live.items()}
        twin.ended = dict(self.ended)
        twin.placed = dict(self.placed)
        return twin

    def line_of(self, item: int) -> ProratedLine:
        """The frozen line of the charge ``item``."""
        return self.opening[~item].line if item < 0 else self.rows.line_of(item)

    def span_of(self, item: int) -> Period:
        """The span of the line of ``item``."""
        return self.opening[~item].line.span if item < 0 else self.rows.span(item)

    def id_of(self, item: int) -> str:
        """The entry id of ``item``."""
        return self.opening[~item].id if item < 0 else self.rows.id_of(item)

    def number(self, item: int, sub_id: str) -> int:
        """n of the id ``<sub_id>#<n>`` of ``item`` (-1 when not of that form)."""
        if item < 0:
            return _number(self.opening[~item].id, sub_id)
        return self.rows.number(item, sub_id)


#: The first start of the subscriptions of each invoice group (by group key) of a tenant's
#: subscriptions, held with those subscriptions (the tuple itself) and whether its account bills
#: by profile (which decides the groups): a function of the two alone, never changed in place.
_Starts = tuple[tuple[Subscription, ...], bool, dict[tuple[str, str], date]]


#: The facts a book found of the subscriptions of the tenant it ended with (by id: the facts of
#: that very value), the offers it found last and their prices in its currency, held with the
#: catalog and the policy they are facts of (weakly: a ledger does not keep them alive); a book
#: going on from its rows with that very catalog and policy (and so the same currency and
#: convention: the ledger's) starts from copies of them (:meth:`Book.freeze`).
_Seeded = tuple[
    "weakref.ref[Catalog]",
    "weakref.ref[Policy]",
    dict[str, "_Known"],
    dict[tuple[str, Term, BillingFrequency], Offer],
    dict[int, tuple[Offer, "Money | None"]],
    "dict[str, _SeededPlace]",
]
#: Where the entries of a subscription of the tenant a book froze with went (its ``_Place``),
#: beside that value and whether the tenant's account had billing profiles: the inputs of
#: ``Book._placing`` that place is a function of (see :func:`_agrees`).
_SeededPlace = tuple[Subscription, "_Place", bool]


_NO_PLACES: Final[dict[str, _SeededPlace]] = {}  # never written


def _agrees(tenant: Tenant, sub: Subscription, seed: _SeededPlace) -> bool:
    """True when ``sub`` (of ``tenant``) agrees with the value a seeded place was found for on
    every input ``Book._placing`` reads: the id (the seed's key), the order, billing profile,
    product and invoice section, and whether the account has billing profiles. The policy and
    the convention are the book's own (``Book._seed_facts`` seeds under that very policy; the
    convention is the ledger's). Its group is then the same value, and its row owner holds
    those same parts (:meth:`Book._frozen_place` checked both when it froze)."""
    held, _, profiles = seed
    account = tenant.account
    return (
        sub.order_id == held.order_id
        and sub.billing_profile_id == held.billing_profile_id
        and sub.product_id == held.product_id
        and sub.invoice_section_id == held.invoice_section_id
        and (account is not None and account.type.has_profiles) is profiles
    )


class _Grouping:
    """Where entries go: the invoice group of each subscription, each group's statement anchor
    and the statement found last, and the first starts of the groups of the tenant seen last."""

    __slots__ = ("anchors", "first_starts", "groups", "seeded", "statements")

    def __init__(self) -> None:
        self.anchors: dict[tuple[str, str], date] = {}
        self.statements: dict[tuple[str, str], Period] = {}
        self.groups: dict[str, tuple[InvoiceGroup, tuple[str, str]]] = {}
        self.first_starts: _Starts | None = None
        # per subscription id: where the book that froze the ledger placed it (never changed)
        self.seeded: dict[str, _SeededPlace] = _NO_PLACES

    def copy(self) -> _Grouping:
        twin = _Grouping()
        twin.anchors = dict(self.anchors)
        twin.statements = dict(self.statements)
        twin.groups = dict(self.groups)
        twin.first_starts = self.first_starts  # never changed in place
        twin.seeded = self.seeded  # never changed
        return twin


class _Facts:
    """What the book worked out from its inputs alone (the catalog, its currency, convention and
    policy, subscription values): a pure memo, shared by a book and its forks. The offers found
    last per product, term and frequency; each offer's period price; the facts of subscription
    values (by identity); and for each subscription the period billed next: index k of the
    billing periods counted from an anchor in steps of some months, and its first day (k follows
    from the three: valid whenever they match)."""

    __slots__ = (
        "cursors",
        "known",
        "latest",
        "notes",
        "offer_prices",
        "offers",
        "periods",
        "renewer",
        "statements",
        "steps",
        "units",
    )

    def __init__(self) -> None:
        self.offers: dict[tuple[str, Term, BillingFrequency], Offer] = {}
        self.offer_prices: dict[int, tuple[Offer, Money | None]] = {}
        self.known: dict[int, _Known] = {}
        self.cursors: dict[str, tuple[date, int, int, date]] = {}
        # One value for each equal Period the book posts (keyed by value): a kept timeline
        # holds each once, not once per entry (its amounts are ints in the rows).
        self.periods: dict[tuple[date, date], Period] = {}
        self.statements: dict[date, Period] = {}  # per anchor: the MOSA statement found last
        # (anchor, months, k) -> the book's one value of the billing period [anchor + k months,
        # anchor + (k + 1) months): subscriptions of one anchor and frequency share their periods
        self.steps: dict[tuple[date, int, int], Period] = {}
        self.units: dict[int, Money] = {}  # one Money per amount in minor units, when read
        self.latest: dict[str, _Known] = {}  # per subscription id: the facts of its latest value
        # the note of a license change's credit, per span (by identity, with the span and the
        # original's kind): see proration.credit_and_rebill_rows
        self.notes: dict[int, tuple[Period, LineKind, str]] = {}
        # the owner of the facts a renewal of this book (or a fork) made: _Known.owner
        self.renewer = object()

    def period(self, start: date, end: date) -> Period:
        """``period_unchecked(start, end)``, one value per pair of days."""
        key = (start, end)
        period = self.periods.get(key)
        if period is None:
            period = self.periods[key] = period_unchecked(start, end)
        return period

    def step(self, anchor: date, months: int, k: int, start: date) -> Period:
        """The billing period ``[start, add_months(anchor, (k + 1) * months))``, where ``start``
        is ``add_months(anchor, k * months)`` (the caller's at hand), kept as ``steps`` holds it."""
        period = self.steps[(anchor, months, k)] = self.period(
            start, add_months(anchor, (k + 1) * months)
        )
        return period


class Book:
    """A ledger being written: plain lists and dicts, frozen back into a :class:`Ledger`.

    Used by the orders and the simulation for one run. The book prices what happens and posts
    it; its parts keep the state: the calendar (:class:`_Calendar`: when each subscription is
    billed through, what is due next), what was posted (:class:`_Posted`, whose indexes are
    rebuilt from the ledger, so a run resumed from a frozen ledger continues exactly as one that
    never stopped), where entries go (:class:`_Grouping`) and what it worked out from its inputs
    alone (:class:`_Facts`, a memo that only saves work and that forks share).
    """

    __slots__ = (
        "calendar",
        "catalog",
        "code",
        "convention",
        "facts",
        "grouping",
        "handed",
        "lazy",
        "policy",
        "posted",
    )

    def __init__(
        self,
        catalog: Catalog,
        ledger: Ledger,
        policy: Policy = DEFAULT_POLICY,
        *,
        lazy: bool = False,
    ) -> None:
        """``lazy``: build the frozen entries only when someone reads them (a simulation reads
        few); otherwise each is built as it is posted (a quote reads every one)."""
        self.catalog = catalog
        self.policy = policy
        self.lazy = lazy
        self.code = ledger.currency
        self.convention = ledger.convention
        self.calendar = _Calendar(dict(ledger.billed_through))
        self.grouping = _Grouping()
        self.facts = _Facts()
        self.posted = _Posted(ledger, self.facts.units)
        # what the last purchase posted worked out: (subscription, day, its facts, billing
        # period, price), read back by :meth:`terms_of`
        self.handed: tuple[Subscription, date, _Known, Period, Money | None] | None = None
        seeds = self.posted.rows.source_seeds()
        if seeds is not None:  # what the book that froze the ledger found (never changed)
            self.grouping.first_starts = seeds[0]
            self.facts.statements.update(seeds[1])
            self._seed_facts(seeds[2])

    def _seed_facts(self, seeded: _Seeded) -> None:
        """Start from what the book that froze the ledger found of its tenant's subscriptions
        and offers, when they are facts of this book's very catalog and policy (the currency and
        the convention are the ledger's): its ``_Known`` are shared (a memo of a value's facts
        under those inputs, as a book and its forks share them), the dicts copied."""
        catalog, policy, latest, offers, offer_prices, places = seeded
        if catalog() is not self.catalog or policy() is not self.policy:
            return
        self.grouping.seeded = places
        facts = self.facts
        facts.latest.update(latest)
        facts.known.update({id(known.sub): known for known in latest.values()})
        facts.offers.update(offers)
        facts.offer_prices.update(offer_prices)

    def fork(self) -> Book:
        """An independent copy (for a dry run that may be thrown away): what was posted, when
        each subscription is billed through and the statements found are copied; the facts of
        the inputs are shared."""
        twin = Book.__new__(Book)
        twin.catalog, twin.policy, twin.lazy = self.catalog, self.policy, self.lazy
        twin.code, twin.convention = self.code, self.convention
        twin.calendar = self.calendar.copy()
        twin.posted = self.posted.copy()
        twin.grouping = self.grouping.copy()
        twin.facts = self.facts
        twin.handed = self.handed
        return twin

    def freeze(self, tenant: Tenant | None = None) -> Ledger:
        """The ledger as a frozen value (its entries kept as rows, built when read).

        ``tenant``: the tenant the book ends with; the rows then keep the first starts of its
        groups and the statements the MOSA anchors found last, so that a book going on from the
        ledger (a quote on a held ledger, ``resume``) starts from them instead of working them
        out again (a function of their inputs alone: seeded or not, a book finds the same)."""
        rows = self.posted.rows.frozen()
        if tenant is not None:
            self._first_starts(tenant)  # held as grouping.first_starts
            held = self.grouping.first_starts
            if held is not None:
                facts = self.facts
                latest = {}
                places: dict[str, _SeededPlace] = {}
                account = tenant.account
                profiles = account is not None and account.type.has_profiles
                for sub in tenant.subscriptions:
                    known = facts.latest.get(sub.id)
                    if known is not None and known.sub is sub:
                        latest[sub.id] = known
                    place = self._frozen_place(tenant, sub)
                    if place is not None:
                        places[sub.id] = (sub, place, profiles)
                seeded = (
                    weakref.ref(self.catalog),
                    weakref.ref(self.policy),
                    latest,
                    dict(facts.offers),
                    dict(facts.offer_prices),
                    places,
                )
                rows.seeds = (held, dict(facts.statements), seeded)
        return Ledger(
            self.code,
            self.convention,
            cast("tuple[LedgerEntry, ...]", rows),
            tuple(self.posted.opening),
            tuple(self.calendar.billed.items()),
            tuple(self.posted.unpriced),
        )

    # -- posting --------------------------------------------------------------------------------

    def statement(self, tenant: Tenant, group: InvoiceGroup, day: date) -> Period:
        """The statement period of ``group`` that holds ``day``."""
        key = (group.kind, group.id)
        last = self.grouping.statements.get(key)
        if last is not None and last.start <= day < last.end:
            return last
        return self._statement(tenant, group, key, day)

    def _statement(
        self, tenant: Tenant, group: InvoiceGroup, key: tuple[str, str], day: date
    ) -> Period:
        account_type = tenant.account_type
        if account_type is not None and account_type.has_profiles:
            period = statement_period(account_type, day, day)
        else:
            anchor = self.grouping.anchors.get(key)
            if anchor is None:
                anchor = self._first_starts(tenant).get(key, day)
                self.grouping.anchors[key] = anchor
            # statement_period(account_type, anchor, day): the groups of one anchor share
            # their statements (the one holding ``day`` is the same for all)
            statements = self.facts.statements
            found = statements.get(anchor)
            if found is None or not found.start <= day < found.end:
                fresh = statement_period(account_type, anchor, day)
                found = statements[anchor] = self.facts.period(fresh.start, fresh.end)
            period = found
        self.grouping.statements[key] = period
        return period

    def _first_starts(self, tenant: Tenant) -> dict[tuple[str, str], date]:
        """The first start of the subscriptions of each invoice group of ``tenant`` (by group
        key): worked out in one pass over its subscriptions, or from those of the tenant seen
        last when they differ by one subscription added at the end (a purchase) or one replaced
        by a value of the same id, start, order and profile (a license change, a renewal): a
        quote's every line. The subscriptions are compared by identity, in C."""
        subs = tenant.subscriptions
        account = tenant.account
        profiles = account is not None and account.type.has_profiles
        grouping = self.grouping
        known = grouping.first_starts
        if known is not None and known[1] == profiles:
            held, starts = known[0], known[2]
            if held is subs:
                return starts
            count = len(held)
            if len(subs) == count:
                changed = list(map(is_not, subs, held))
                if changed.count(True) == 1:
                    at = changed.index(True)
                    old, new = held[at], subs[at]
                    if (
                        old.id == new.id
                        and old.start == new.start
                        and old.order_id == new.order_id
                        and old.billing_profile_id == new.billing_profile_id
                    ):  # the same groups and starts
                        grouping.first_starts = (subs, profiles, starts)
                        return starts
            elif len(subs) == count + 1 and subs[:count] == held:  # each the same, one more
                sub = subs[count]
                self.group_of(tenant, sub)
                key = grouping.groups[sub.id][1]
                first = starts.get(key)
                if first is None or sub.start < first:
                    starts = dict(starts)
                    starts[key] = sub.start
                grouping.first_starts = (subs, profiles, starts)
                return starts
        starts = self._walked_starts(tenant)
        grouping.first_starts = (subs, profiles, starts)
        return starts

    def _walked_starts(self, tenant: Tenant) -> dict[tuple[str, str], date]:
        """:meth:`_first_starts` in one pass over the tenant's subscriptions."""
        keys = self.grouping.groups
        starts: dict[tuple[str, str], date] = {}
        for sub in tenant.subscriptions:
            if sub.id not in keys:
                self.group_of(tenant, sub)
            key = keys[sub.id][1]  # invoice_group(sub)
            first = starts.get(key)
            if first is None or sub.start < first:
                starts[key] = sub.start
        return starts

    def group_of(self, tenant: Tenant, sub: Subscription) -> InvoiceGroup:
        """``tenant.invoice_group(sub)``, looked up once per subscription (it never changes)."""
        known = self.grouping.groups.get(sub.id)
        if known is None:
            group = tenant.invoice_group(sub)
            known = self.grouping.groups[sub.id] = (group, (group.kind, group.id))
        return known[0]

    def _statement_of(
        self, tenant: Tenant, group: InvoiceGroup, key: tuple[str, str], on: date
    ) -> Period:
        """:meth:`statement` when the group's statement found last does not hold ``on``."""
        grouping = self.grouping
        # a MOSA group whose anchor is known: the statement its anchor found last
        anchor = grouping.anchors.get(key)
        found = None if anchor is None else self.facts.statements.get(anchor)
        if found is not None and found.start <= on < found.end:
            grouping.statements[key] = found
            return found
        return self._statement(tenant, group, key, on)

    def _placing(self, tenant: Tenant, sub: Subscription) -> _Place:
        """Where the entries of ``sub`` go, worked out once per subscription value (a renewal or
        a license change of the same product and section goes where its earlier value went)."""
        sub_id = sub.id
        prior = self.posted.placed.get(sub_id)
        if prior is not None:
            old = prior[0]
            if (
                old.product_id is sub.product_id
                and old.invoice_section_id is sub.invoice_section_id
            ):
                _, group, key, section, who, upfront = prior  # one tuple built, not a slice's
                place = self.posted.placed[sub_id] = (sub, group, key, section, who, upfront)
                return place
        grouping = self.grouping
        groups = grouping.groups
        known = groups.get(sub_id)
        if known is None:
            seed = grouping.seeded.get(sub_id)  # where the frozen rows placed it
            if seed is not None and _agrees(tenant, sub, seed):
                # its group is the one group_of would find now
                _, group, key, section, who, upfront = seed[1]
                groups[sub_id] = (group, key)
                place = self.posted.placed[sub_id] = (sub, group, key, section, who, upfront)
                return place
            self.group_of(tenant, sub)
            known = groups[sub_id]
        group, key = known
        profile = group.kind == "billing_profile"
        section = sub.invoice_section_id if profile else None
        who = self.posted.rows.who(sub_id, sub.product_id, group, section, self.convention)
        upfront = profile and self.policy.mca_upfront_invoices
        place = self.posted.placed[sub_id] = (sub, group, key, section, who, upfront)
        return place

    def _frozen_place(self, tenant: Tenant, sub: Subscription) -> _Place | None:
        """The place of ``sub`` (the tenant's own value) to seed a book going on from the frozen
        rows with: the one posted for that very value, when it is what ``_placing`` would work
        out afresh for it under ``tenant`` (its group, its section, and a row owner of those very
        parts in the rows); otherwise None (the book going on works it out)."""
        place = self.posted.placed.get(sub.id)
        if place is None or place[0] is not sub:
            return None
        _, group, key, section, who, upfront = place
        fresh = tenant.invoice_group(sub)
        profile = fresh.kind == "billing_profile"
        wanted = sub.invoice_section_id if profile else None
        # ``group != fresh`` is ``key != (fresh.kind, fresh.id)``: the key is (group.kind,
        # group.id), as _placing made it, and an InvoiceGroup's equality is of those two fields
        if key != (fresh.kind, fresh.id) or section != wanted:
            return None
        if self.posted.rows.whos[who] != (sub.id, sub.product_id, group, section, self.convention):
            return None
        if upfront is not (profile and self.policy.mca_upfront_invoices):
            return None
        return place

    def _place(
        self, tenant: Tenant, sub: Subscription, cause: EntryCause, on: date
    ) -> tuple[InvoiceGroup, Period, str | None, int]:
        """Where an entry of ``sub`` posted on ``on`` goes: its group, its statement, its
        invoice section, and its number (counted here)."""
        sub_id = sub.id
        place = self.posted.placed.get(sub_id)
        if place is None or place[0] is not sub:
            place = self._placing(tenant, sub)
        _, group, key, section, _, upfront = place
        if upfront and cause in _UPFRONT:
            statement = self.facts.period(on, on + _ONE_DAY)  # MCA: the day's purchases, renewals
        else:
            last = self.grouping.statements.get(key)
            if last is None or not last.start <= on < last.end:
                last = self._statement_of(tenant, group, key, on)
            statement = last
        counts = self.posted.counts
        number = counts[sub_id] = counts.get(sub_id, 0) + 1
        return group, statement, section, number

    def _post(
        self,
        tenant: Tenant,
        sub: Subscription,
        cause: EntryCause,
        on: date,
        line: ProratedLine,
        credits: int | None = None,
        *,
        opening: bool = False,
        shared: bool = False,
        where: tuple[InvoiceGroup, Period, str | None, int] | None = None,
    ) -> int:
        """Post ``line``; ``credits``: the item of the charge it credits. Returns its item.

        The entry is written as a row (:class:`_WorkRows`); one that a row cannot hold exactly
        is built and kept as it is. ``where``: what :meth:`_place` said for an entry of the same
        subscription, cause and day, with the number counted for this entry."""
        group, statement, section, number = (
            self._place(tenant, sub, cause, on) if where is None else where
        )
        periods = None if shared else self._share(line)
        posted = self.posted
        sub_id = sub.id
        kind, quantity, price, service, span, amount, convention, note = _line_fields(line)
        if periods is not None:
            service, span = periods
        if opening:
            if periods is not None and (
                service is not line.service_period or span is not line.span
            ):
                # the line is the book's own, seen by no one yet: point it at the shared periods
                _set_field(line, "service_period", service)
                _set_field(line, "span", span)
            posted.opening.append(
                self._entry(sub, number, group, cause, on, statement, line, credits, section)
            )
            item = ~(len(posted.opening) - 1)
        else:
            rows = posted.rows
            credited = -1 if credits is None else posted.number(credits, sub_id)
            units = units_of(amount) if amount.__class__ is Money else None
            if (
                units is not None
                and line.__class__ is ProratedLine
                and amount.currency is self.code
                and _MIN64 <= units < _INT64
                and quantity.__class__ is int
                and _MIN32 <= quantity < _INT32
                and on.__class__ is date
                and credited >= -(credits is None)
            ):
                place = posted.placed[sub_id]  # _place has just worked it out for ``sub``
                who = (
                    place[4]
                    if convention is self.convention
                    else rows.who(sub_id, sub.product_id, group, section, convention)
                )
                item = len(rows.amounts)
                rows.ints.extend((who, number, on.toordinal(), quantity, credited))
                rows.refs.extend((cause, statement, kind, price, service, span, note))
                rows.amounts.append(units)
                rows.lines[item] = line
                if not self.lazy:
                    rows.made[item] = self._entry(
                        sub, number, group, cause, on, statement, line, credits, section
                    )
            else:
                item = rows.keep(
                    self._entry(sub, number, group, cause, on, statement, line, credits, section)
                )
        if kind in _CHARGES:
            live = posted.live.get(sub_id)
            if live is None:
                posted.live[sub_id] = [item]
            else:
                live.append(item)
        return item

    def _entry(
        self,
        sub: Subscription,
        number: int,
        group: InvoiceGroup,
        cause: EntryCause,
        on: date,
        statement: Period,
        line: ProratedLine,
        credits: int | None,
        section: str | None,
    ) -> LedgerEntry:
        """The frozen entry ``<subscription>#<number>`` of ``line`` (``credits``: the item of the
        charge it takes back)."""
        credited = None if credits is None else self.posted.id_of(credits)
        return _made_entry(
            f"{sub.id}#{number}", sub.id, sub.product_id, group, cause, on, statement, line,
            credited, section,
        )  # fmt: skip

    def _post_lines(
        self,
        tenant: Tenant,
        sub: Subscription,
        cause: EntryCause,
        on: date,
        lines: Sequence[ProratedLine],
        credits: int,
    ) -> None:
        """Post a layout's ``lines`` (the first takes back the charge ``credits``) in order: one
        subscription, cause and day, so one group and statement."""
        if not lines:
            return
        group, statement, section, number = self._place(tenant, sub, cause, on)
        posted = self.posted
        rows, counts, sub_id = posted.rows, posted.counts, sub.id
        # What :meth:`_post` works out per line, once: the row owner (``_place`` has just found
        # it), the n of the entry credited, the day; then each line that fits a row (the common
        # case, its periods the book's own) is written here, any other through ``_post``.
        who = posted.placed[sub_id][4]
        credited = posted.number(credits, sub_id)
        ordinal = on.toordinal() if on.__class__ is date else None
        periods, code, convention, lazy = self.facts.periods, self.code, self.convention, self.lazy
        put_ints, put_refs, put_units = rows.ints.extend, rows.refs.extend, rows.amounts.append
        amounts, lines_at = rows.amounts, rows.lines
        live = posted.live.get(sub_id)
        held = shared = None  # the service period seen last and the book's one value of it
        for index, line in enumerate(lines):
            if index:
                number = counts[sub_id] = counts[sub_id] + 1
                credited = -1
            if line.__class__ is ProratedLine:
                kind, quantity, price, service, span, amount, conv, note = _line_fields(line)
                units = units_of(amount) if amount.__class__ is Money else None
                if (
                    units is not None
                    and ordinal is not None
                    and amount.currency is code
                    and _MIN64 <= units < _INT64
                    and quantity.__class__ is int
                    and _MIN32 <= quantity < _INT32
                    and conv is convention
                    and (index or credited >= 0)
                ):
                    # self._share(line), inline (a layout's lines mostly share their service
                    # period: the charge's they change)
                    if service is not held:
                        held = service
                        shared = periods.setdefault((service.start, service.end), service)
                    if span is service:
                        span = shared
                    else:
                        span = periods.setdefault((span.start, span.end), span)
                    item = len(amounts)
                    put_ints((who, number, ordinal, quantity, credited))
                    put_refs((cause, statement, kind, price, shared, span, note))
                    put_units(units)
                    lines_at[item] = line
                    if not lazy:
                        credited_id = None if index else credits
                        rows.made[item] = self._entry(
                            sub, number, group, cause, on, statement, line, credited_id, section
                        )
                    if kind is _CHARGE or kind is _REBILL:
                        if live is None:
                            live = posted.live[sub_id] = [item]
                        else:
                            live.append(item)
                    continue
            where = (group, statement, section, number)
            self._post(tenant, sub, cause, on, line, None if index else credits, where=where)
            live = posted.live.get(sub_id)  # (_post may have made it)

    def _post_rows(
        self,
        tenant: Tenant,
        sub: Subscription,
        cause: EntryCause,
        on: date,
        lines: Sequence[ChangeRow],
        price: Money,
        service: Period,
        original: int,
    ) -> None:
        """Post a change's ``lines`` as rows (:func:`~subcommerce.layouts.change_rows`: each
        line's kind, quantity, span, amount in minor units and note; the unit price ``price``,
        the service period ``service`` and the book's convention shared), the first taking back
        the row ``original`` of ``sub`` (an entry ``<sub>#<n>``), in order: the rows
        :meth:`_post_lines` writes for the lines built. A line whose amount a row cannot hold
        is built and posted through :meth:`_post`."""
        group, statement, section, number = self._place(tenant, sub, cause, on)
        posted = self.posted
        rows, counts, sub_id = posted.rows, posted.counts, sub.id
        who = posted.placed[sub_id][4]  # _place has just worked it out
        credited = rows.ints[original * _INTS + 1]  # the original's n (not below zero)
        ordinal = on.toordinal()
        periods = self.facts.periods
        shared = periods.setdefault((service.start, service.end), service)
        put_ints, put_refs, amounts = rows.ints.extend, rows.refs.extend, rows.amounts
        lazy = self.lazy
        if not lazy:
            product_id, made, lines_at, convention = (
                sub.product_id,
                rows.made,
                rows.lines,
                self.convention,
            )
        # The first line takes (part of) the original back: a credit or a refund of at most what
        # the original's row holds, so a row holds it too. The id of the entry it takes back:
        # the original is a row of ``sub``'s own id (_change_row checked its owner), so its id
        # is ``<sub_id>#<n>`` (self.posted.id_of(original)).
        kind, quantity, span, units, note = lines[0]
        span = shared if span is service else periods.setdefault((span.start, span.end), span)
        item = len(amounts)
        put_ints((who, number, ordinal, quantity, credited))
        put_refs((cause, statement, kind, price, shared, span, note))
        amounts.append(units)
        if not lazy:  # the line change_quantity builds, and its entry (self._entry)
            line = lines_at[item] = explained_line(
                kind, price, quantity, shared, span, convention, abs(units), note
            )
            made[item] = _made_entry(
                f"{sub_id}#{number}", sub_id, product_id, group, cause, on, statement, line,
                f"{sub_id}#{credited}", section,
            )  # fmt: skip
        live = posted.live.get(sub_id)
        # The others are new charges (rebills, or new commerce's charge): on the live list.
        for kind, quantity, span, units, note in lines[1:]:
            number = counts[sub_id] = counts[sub_id] + 1
            if span is not service:  # (a whole period's charge: its span is its period)
                span = periods.setdefault((span.start, span.end), span)
            else:
                span = shared
            if _MIN64 <= units < _INT64:
                item = len(amounts)
                put_ints((who, number, ordinal, quantity, -1))
                put_refs((cause, statement, kind, price, shared, span, note))
                amounts.append(units)
                if not lazy:  # as above, crediting nothing
                    line = lines_at[item] = explained_line(
                        kind, price, quantity, shared, span, convention, abs(units), note
                    )
                    made[item] = _made_entry(
                        f"{sub_id}#{number}", sub_id, product_id, group, cause, on, statement,
                        line, None, section,
                    )  # fmt: skip
                if live is None:
                    live = posted.live[sub_id] = [item]
                else:
                    live.append(item)
            else:  # built (as change_quantity builds it) and kept as it is
                line = explained_line(
                    kind, price, quantity, shared, span, self.convention, abs(units), note
                )
                where = (group, statement, section, number)
                self._post(tenant, sub, cause, on, line, None, shared=True, where=where)
                live = posted.live.get(sub_id)  # (_post may have made it)

    def _post_whole(
        self,
        tenant: Tenant,
        sub: Subscription,
        known: _Known,
        price: Money,
        period: Period,
        cause: EntryCause,
    ) -> None:
        """Post the charge of the whole ``period`` (from its first day) for the subscription's
        quantity: :meth:`_whole`, written as a row without building the line when the amount is
        known for that price."""
        whole = known.whole
        if whole is None or whole[0] is not price:
            whole = self._whole_of(known, price, period, cause is _PURCHASE)
        if whole[3] is None:
            line = self._whole(known, price, period)
            self._post(tenant, sub, cause, period.start, line, shared=True)
            return
        on = period.start
        posted = self.posted
        sub_id = sub.id
        place = posted.placed.get(sub_id)  # _place(tenant, sub, cause, on), inline
        if place is None or place[0] is not sub:
            place = self._placing(tenant, sub)
        _, group, key, section, who, upfront = place
        if upfront and cause in _UPFRONT:
            statement = self.facts.period(on, on + _ONE_DAY)
        else:
            grouping = self.grouping
            found = grouping.statements.get(key)
            # (its end first: a statement found last that does not hold ``on`` mostly ended)
            if found is None or on >= found.end or on < found.start:
                # _statement_of(tenant, group, key, on), inline: the statement the group's anchor
                # found last (a new month: the first group of the anchor found it)
                anchor = grouping.anchors.get(key)
                found = None if anchor is None else self.facts.statements.get(anchor)
                if found is not None and found.start <= on < found.end:
                    grouping.statements[key] = found
                else:
                    found = self._statement(tenant, group, key, on)
            statement = found
        counts = posted.counts
        number = counts[sub_id] = counts.get(sub_id, 0) + 1
        rows = posted.rows
        row = len(rows.amounts)
        rows.ints.extend((who, number, on.toordinal(), sub.quantity, -1))
        rows.refs.extend((cause, statement, CHARGE_KIND, price, period, period, ""))
        rows.amounts.append(whole[3])
        # A purchase's entry is built at once even by a lazy book: an order reads it straight
        # away (its quote line holds it), and built here it costs less than from its row.
        if not self.lazy or cause is _PURCHASE:
            line = rows.lines[row] = self._whole(known, price, period, whole)
            rows.made[row] = _made_entry(
                f"{sub_id}#{number}", sub_id, sub.product_id, group, cause, on, statement, line,
                None, section,
            )  # fmt: skip
        live = posted.live.get(sub_id)
        if live is None:
            posted.live[sub_id] = [row]
        else:
            live.append(row)

    def _share(self, line: ProratedLine) -> tuple[Period, Period] | None:
        """The book's one value of each of the periods of ``line`` (its service period and its
        span): equal values, held once by the rows that refer to them. None: the line's own."""
        periods = self.facts.periods
        period = line.service_period
        service = periods.setdefault((period.start, period.end), period)
        span = line.span
        if span is period:
            return service, service
        return service, periods.setdefault((span.start, span.end), span)

    def _known(self, sub: Subscription) -> _Known:
        facts = self.facts
        known = facts.known.get(id(sub))
        if known is None or known.sub is not sub:
            prior = facts.latest.get(sub.id)
            known = _Known(sub) if prior is None else _Known.inherited(prior, sub)
            facts.known[id(sub)] = facts.latest[sub.id] = known
        return known

    def period_of(self, sub: Subscription, on: date) -> Period:
        """The billing period of ``sub`` that holds ``on``: ``period_containing(sub.anchor,
        months per billing period, on)``."""
        return self._period_of(self._known(sub), on)

    def _period_of(self, known: _Known, on: date) -> Period:
        """:meth:`period_of` of ``known``'s subscription."""
        period = known.period
        if period is not None and period.start <= on < period.end:
            return period
        months = known.months
        if months is None:
            months = known.months = _months(known.sub)
        sub = known.sub
        anchor = sub.anchor
        if on == anchor:  # the first period's first day (a purchase): locate's k = 0, at once
            term = sub.current_term  # (worked out by the purchase's command already)
            if term.start == on and months == sub.term.months:
                # The first term (renewals == 0: a later one starts after the anchor) is one
                # billing period: its end is add_months(anchor, months), as Subscription made it.
                start, end = on, term.end
            else:
                start, end = on, add_months(on, months)
        else:
            _, start, end = locate(anchor, months, on)
        period = known.period = self.facts.period(start, end)
        return period

    def _price(self, sub: Subscription, on: date) -> Money | None:
        """:func:`period_price`, with the offer found last for the product kept at hand; an
        unpriced subscription is recorded as such."""
        return self._known_price(self._known(sub), on, record=True)

    def price_of(self, sub: Subscription, on: date) -> Money | None:
        """``period_price(catalog, sub, on, code)``, from what the book has looked up."""
        return self._known_price(self._known(sub), on, record=False)

    def _known_price(self, known: _Known, on: date, *, record: bool) -> Money | None:
        first = known.first
        if first is None:
            first = known.first = _term_price_day(known.sub)
        day = on if first > on else first
        if day == known.day:
            return known.price
        offer, price = self._look_up(known.sub, day, record=record)
        if price is not None:
            known.day, known.price, known.offer = day, price, offer
        return price

    def charge(self, price: Money, quantity: int, period: Period, start: date) -> ProratedLine:
        """``prorate(price, quantity, period, start=start)`` for a ``start`` known to lie in
        ``period``: the checks that cannot fail are skipped (the others still raise)."""
        if quantity < 1 or not isinstance(price, Money) or price.amount < 0:
            return prorate(price, quantity, period, start=start, convention=self.convention)
        span = period if start == period.start else period_unchecked(start, period.end)
        return explained_line(CHARGE_KIND, price, quantity, period, span, self.convention)

    def offer(
        self, product_id: str, term: Term, frequency: BillingFrequency, day: date
    ) -> Offer | None:
        """``catalog.offer(product_id, term, frequency, day)``, with the offer found last for the
        product, term and frequency kept at hand (the catalog's offers never overlap)."""
        key = (product_id, term, frequency)
        offer = self.facts.offers.get(key)
        if offer is not None and offer.is_valid_on(day):
            return offer
        offer = self.catalog.offer(product_id, term, frequency, day)
        if offer is not None:
            self.facts.offers[key] = offer
        return offer

    def offer_price(self, offer: Offer) -> Money | None:
        """``offer.period_price(code)``, computed once per offer."""
        known = self.facts.offer_prices.get(id(offer))
        if known is None or known[0] is not offer:
            known = self.facts.offer_prices[id(offer)] = (offer, offer.period_price(self.code))
        return known[1]

    def _look_up(
        self, sub: Subscription, day: date, *, record: bool = True
    ) -> tuple[Offer | None, Money | None]:
        """The price per unit of a billing period of ``sub`` on ``day`` and the offer it is the
        period price of (None: the price locked in at purchase, or none)."""
        key = (sub.product_id, sub.term, sub.billing_frequency)
        offer = self.facts.offers.get(key)
        if offer is None or not offer.is_valid_on(day):
            offer = None
            if self.catalog.get(sub.product_id) is not None:
                offer = self.offer(sub.product_id, sub.term, sub.billing_frequency, day)
        if offer is not None:
            held = self.facts.offer_prices.get(id(offer))  # offer_price(offer), inline
            price = held[1] if held is not None and held[0] is offer else self.offer_price(offer)
            if price is not None:
                return offer, price
        locked = sub.unit_price
        if locked is not None and locked.currency == self.code:
            return None, locked
        if record and sub.id not in self.posted.unpriced:
            self.posted.unpriced.append(sub.id)
        return None, None

    def record_opening(self, tenant: Tenant, start: date) -> None:
        """Record the periods running on ``start`` as billed before the ledger (opening)."""
        for sub in tenant.subscriptions:
            if sub.status not in BILLED_STATUSES or sub.quantity == 0 or sub.start > start:
                continue
            if sub.id in self.calendar.billed:
                continue
            period = period_containing(sub.anchor, _months(sub), start)
            price = self._price(sub, period.start)
            if price is None:
                continue
            first = sub.start if sub.start > period.start else period.start
            line = prorate(price, sub.quantity, period, start=first, convention=self.convention)
            self._post(tenant, sub, EntryCause.OPENING, first, line, opening=True)
            self.calendar.record(sub.id, period.end)

    def bill(self, tenant: Tenant, day: date) -> None:
        """Charge every billing period that starts on or before ``day`` and is not charged yet."""
        calendar = self.calendar
        quiet = calendar.quiet
        if quiet is not None and day < quiet:
            return  # every subscription is billed past ``day``
        billed, days, buckets, push = (
            calendar.billed,
            calendar.days,
            calendar.buckets,
            heapq.heappush,
        )
        facts = self.facts
        cursors, step_of = facts.cursors, facts.steps.get
        latest_of = facts.latest.get  # the facts of each subscription id's latest value
        for sub in calendar.take_due(tenant, day):
            sub_id = sub.id
            through = billed[sub_id]
            quantity = sub.quantity
            if sub.status not in BILLED_STATUSES or quantity == 0:
                calendar.put_back(sub_id, through)  # not billed now; perhaps later
                continue
            known = latest_of(sub_id)  # self._known(sub), whose latest they are when of sub
            if known is None or known.sub is not sub:
                known = self._known(sub)
            months = known.months
            if months is None:
                months = known.months = _months(sub)
            anchor = sub.term_anchor  # sub.anchor (its two fields: 0.04 M fewer than the slot)
            if anchor is None:
                anchor = sub.start
            cursor = cursors.get(sub_id)
            if (
                cursor is not None
                and cursor[3] == through
                and cursor[0] == anchor
                and cursor[1] == months
            ):
                k = cursor[2]
                period = step_of((anchor, months, k))
                if period is None:
                    period = facts.step(anchor, months, k, through)
            else:
                k, start, end = locate(anchor, months, through)
                period = facts.steps[(anchor, months, k)] = facts.period(start, end)
            while True:  # the periods [anchor + k months, anchor + (k + 1) months) from through
                start, end = period.start, period.end
                first = known.first  # _known_price(known, through, record=True), inline
                if first is not None and (through if first > through else first) == known.day:
                    price = known.price
                else:
                    price = self._known_price(known, through, record=True)
                if price is not None:
                    if through == start:
                        self._post_whole(tenant, sub, known, price, period, _PERIOD)
                    elif through == sub.billing_cycle_change:
                        line = first_period_line(
                            price,
                            quantity,
                            period,
                            through,
                            self.convention,
                            self.policy.billing_plan_proration,
                        )
                        self._post(tenant, sub, _PERIOD, through, line)
                    else:
                        line = self.charge(price, quantity, period, through)
                        self._post(tenant, sub, _PERIOD, through, line)
                through = end
                k += 1
                if through > day:
                    break
                following = step_of((anchor, months, k))
                period = facts.step(anchor, months, k, end) if following is None else following
            known.period = period  # the billing period found last: the one holding ``day``
            billed[sub_id] = through  # calendar.put_back(sub_id, through), inline
            bucket = buckets.get(through)
            if bucket is None:
                buckets[through] = [sub_id]
                push(days, through)
            else:
                bucket.append(sub_id)
            cursors[sub_id] = (anchor, months, k, through)
        calendar.settle()

    def _whole(
        self,
        known: _Known,
        price: Money,
        period: Period,
        whole: _Whole | None = None,
    ) -> ProratedLine:
        """The charge of the whole ``period`` for the subscription's quantity: :meth:`charge`
        from its first day, its amount from :meth:`_whole_of` (``whole``, when at hand)."""
        if whole is None:
            whole = self._whole_of(known, price, period)
        # explained_line(CHARGE_KIND, price, quantity, period, period, convention, whole[1]),
        # with the amount's one Money (no Decimal built again)
        line = _new_line(LineSlots)  # filled as the line's writable twin, then retyped
        line.kind = CHARGE_KIND
        line.quantity = known.sub.quantity
        line.unit_price = price
        line.service_period = period
        line.span = period
        amount = whole[2]
        line.amount = self._whole_money(known, whole) if amount is None else amount
        line.convention = self.convention
        line.note = ""
        line.__class__ = ProratedLine
        return line  # type: ignore[return-value]  # retyped: a ProratedLine now

    def _whole_of(self, known: _Known, price: Money, period: Period, read: bool = False) -> _Whole:
        """What the whole ``period`` costs at ``price`` for the subscription's quantity: the
        price, the amount in minor units, as Money (None until :meth:`_whole_money` is asked:
        a simulation's book writes the units, unless ``read``: a purchase's, which its order
        reads at once), and as a row holds it (None: it does not fit one).

        A whole billing period costs the price times the quantity, rounded once, whatever its
        length and under every convention: once worked out for a subscription and a price, the
        amount is reused. Under actual days, a price in whole minor units costs exactly its
        units times the quantity (``round_ratio`` of a whole number); otherwise :meth:`charge`
        works it out.
        """
        whole = known.whole
        if whole is not None and whole[0] is price:
            return whole
        quantity = known.sub.quantity
        units = units_of(price) if price.__class__ is Money else None
        if (
            units is not None
            and units >= 0
            and price.currency is self.code
            and quantity.__class__ is int
            and 1 <= quantity < _INT32
            and self.convention.day_count is _ACTUAL_DAYS
            and units * quantity < _INT64
        ):
            units *= quantity
            # the Money when a quote's book reads it, or once asked (a simulation's writes units)
            money = None if self.lazy and not read else self.posted.rows.money(units)
            whole = known.whole = (price, units, money, units)
            return whole
        line = self.charge(price, quantity, period, period.start)
        self._share(line)
        amount = line.amount
        units = units_of(amount) if amount.__class__ is Money else None
        fits = (
            units is not None
            and line.__class__ is ProratedLine
            and amount.currency is self.code
            and _MIN64 <= units < _INT64
            and quantity.__class__ is int
            and _MIN32 <= quantity < _INT32
            and line.convention is self.convention
            and line.note == ""
            and line.kind is CHARGE_KIND
            and line.span is line.service_period
        )
        whole = known.whole = (price, amount.minor_units(), amount, units if fits else None)
        return whole

    def terms_of(self, sub: Subscription, on: date) -> tuple[Period, Money | None, Money | None]:
        """``period_of(sub, on)``, ``price_of(sub, on)`` and, when priced, ``whole_amount(sub,
        price, period)``: a quote's line reads them back from what the purchase just posted
        worked out when it was of ``sub`` on ``on`` (otherwise they are asked for)."""
        handed = self.handed
        if handed is not None and handed[0] is sub and handed[1] == on:
            _, _, known, period, price = handed
        else:
            known = self._known(sub)
            period = self._period_of(known, on)
            price = self._known_price(known, on, record=False)
        if price is None:
            return period, None, None
        whole = known.whole
        if whole is None or whole[0] is not price:
            whole = self._whole_of(known, price, period)
        amount = whole[2]
        return period, price, self._whole_money(known, whole) if amount is None else amount

    def whole_amount(self, sub: Subscription, price: Money, period: Period) -> Money:
        """``charge(price, sub.quantity, period, period.start).amount``: what a whole billing
        period of ``sub`` costs."""
        known = self._known(sub)
        whole = known.whole
        if whole is not None and whole[0] is price:
            amount = whole[2]
            return self._whole_money(known, whole) if amount is None else amount
        return self.charge(price, sub.quantity, period, period.start).amount

    def _whole_money(self, known: _Known, whole: _Whole) -> Money:
        """The amount of ``whole`` (``known``'s) as Money: the rows' one Money of its minor
        units, built on the first read and kept in ``known.whole``."""
        money = whole[2]
        if money is None:
            money = self.posted.rows.money(whole[1])
            if known.whole is whole:
                known.whole = (whole[0], whole[1], money, whole[3])
        return money

    # -- the passing of time ------------------------------------------------------------------

    def next_due(self, tenant: Tenant, after: date) -> date | None:
        """The first day after ``after`` on which the lifecycle changes something or a billing
        period starts (None if nothing ever will)."""
        soonest = first_transition(tenant, self.policy)  # whenever it is
        best = soonest
        if soonest is not None and soonest <= after:  # one waits on another (rare): look
            best = None
            for sub in tenant.subscriptions:
                due = self._due(sub)
                if due is not None and due > after and (best is None or due < best):
                    best = due
        calendar = self.calendar
        through = calendar.next_billed(tenant, after)
        if through is not None and (best is None or through < best):
            best = through
        calendar.transition, calendar.due_for = soonest, tenant
        return best

    def _due(self, sub: Subscription) -> date | None:
        """``next_transition(sub)``, worked out once per subscription value."""
        known = self._known(sub)
        if not known.due_known:
            known.due = next_transition(sub, self.policy)
            known.due_known = True
        return known.due

    def advance(self, tenant: Tenant, day: date) -> Outcome:
        """:func:`~subcommerce.lifecycle.advance` of ``tenant`` to ``day`` under the book's policy
        (which returns at once, only dating the tenant, when nothing is due)."""
        return advance(tenant, day, self.policy)

    def play(self, tenant: Tenant, day: date) -> tuple[Tenant, tuple[Event, ...]]:
        """``tenant`` brought to ``day`` by the lifecycle, its events priced, the day's periods
        charged.

        The lifecycle runs only when a transition is due by ``day`` (otherwise it would change
        nothing); the tenant's own as-of date then stays where it was.
        """
        calendar = self.calendar
        if calendar.due_for is not tenant:
            self.next_due(tenant, day)
        events: tuple[Event, ...] = ()
        if calendar.transition is not None and calendar.transition <= day:
            outcome = advance(tenant, day, self.policy)
            tenant, events = outcome.tenant, outcome.events
            if events:
                events = tuple(self.post(tenant, events))
                self._renewals(tenant, events)
        self.bill(tenant, day)
        return tenant, events

    def _renewals(self, tenant: Tenant, events: tuple[Event, ...]) -> None:
        """Point the renewals the lifecycle has just made (seen by no one else yet) at the
        book's one value of each period, and their day at its first day: equal values, held
        once by a kept timeline (a month-to-month tenant renews every month). Then hand each
        renewed subscription's new value what its last value worked out and a renewal keeps
        (:meth:`_Known.renewal`), and where its entries go when its product and section stay."""
        facts = self.facts
        periods, latest, known_of = facts.periods, facts.latest, facts.known
        mine = facts.renewer  # the owner of the facts this book may renew in place
        placed = self.posted.placed
        where = positions(tenant)  # tenant.position(id) for the events' ids (text)
        subs = tenant.subscriptions
        # The term seen last and its shared value (renewals on one calendar share their term).
        last_term: Period | None = None
        shared: Period = None  # type: ignore[assignment]  # (set with last_term; no cast call)
        # From the last event: a subscription renewed more than once in these events is handed
        # on from its last renewal, whose term is the new value's current term.
        for event in reversed(events):
            if event.__class__ is Renewed:
                renewed = event
                term = renewed.term_period
                if term is not last_term:
                    # facts.period(term.start, term.end), inline: the term (a Period the
                    # lifecycle has just made) becomes the book's one value of it when it has
                    # none yet
                    last_term = term
                    shared = periods.setdefault((term.start, term.end), term)
                if shared is not term:
                    _set_term_period(renewed, shared)
                on = renewed.on
                if on is not shared.start and on == shared.start:
                    _set_renewed_on(renewed, shared.start)
                sub_id = renewed.subscription_id
                prior = latest.get(sub_id)
                position = where.get(sub_id)
                if prior is None or position is None:
                    continue
                sub = subs[position]
                old = prior.sub
                if old is sub:
                    continue  # renewed again later in these events: handed on already
                key = id(sub)
                held = known_of.get(key)
                if held is not None and held.sub is sub:
                    continue
                if prior.owner is mine:  # this book's (see _Known.owner)
                    # facts a renewal here made (held by no frozen ledger, no purchase's
                    # hand-off): renewed in place, one set per subscription id for the run
                    known_of[key] = latest[sub_id] = _Known.renew(prior, sub, shared)
                else:  # another's (a held ledger's seeds, a purchase's): a new set, the book's
                    known = known_of[key] = latest[sub_id] = _Known.renewal(prior, sub, shared)
                    known.owner = mine
                # The renewed value's facts are asked no more (the tenant holds the new value):
                # dropped, so that the book does not keep every month's value alive for the run
                # (its id cannot come back while an entry holds it; asked again, its facts are
                # worked out again, as for any value the book has not seen).
                known_of.pop(id(old), None)
                place = placed.get(sub_id)
                if (
                    place is not None
                    and place[0] is old
                    and old.product_id is sub.product_id
                    and old.invoice_section_id is sub.invoice_section_id
                ):
                    _, group, group_key, section, who, upfront = place
                    # _placing(tenant, sub), inline
                    placed[sub_id] = (sub, group, group_key, section, who, upfront)

    def catch_up(
        self, tenant: Tenant, after: date, until: date
    ) -> tuple[Tenant, tuple[Event, ...]]:
        """Every day after ``after`` through ``until`` on which something is due, played in order
        (the same days a simulation visits), then ``until`` itself."""
        events: list[Event] = []
        while True:
            day = self.next_due(tenant, after)
            if day is None or day >= until:
                break
            tenant, happened = self.play(tenant, day)
            events.extend(happened)
            after = day
        tenant, happened = self.play(tenant, until)
        events.extend(happened)
        outcome = self.advance(tenant, until)  # nothing is due: it only dates the tenant
        return outcome.tenant, (*events, *outcome.events)

    def posted_count(self) -> int:
        """How many entries the book holds: ``len(posted.entries)``, without the sequence."""
        return len(self.posted.rows.amounts)

    def posted_since(self, start: int) -> tuple[LedgerEntry, ...]:
        """``tuple(posted.entries[start:])``: the entries posted from row ``start`` on, read
        from the built ones (a quote's book builds them as it posts), else built."""
        rows = self.posted.rows
        places = range(start, len(rows.amounts))
        try:
            return tuple(map(rows.made.__getitem__, places))
        except KeyError:
            return tuple([rows.entry(row) for row in places])

    def posted_units(self, start: int) -> int | None:
        """The minor units of the entries posted from row ``start`` on, added up (each row holds
        its entry's line amount, signed, in the book's currency), or None when one of them is
        kept as it is (its row holds no amount)."""
        rows = self.posted.rows
        kept = rows.kept
        if kept and max(kept) >= start:
            return None
        return sum(rows.amounts[start:])

    def post(self, tenant: Tenant, events: Sequence[Event]) -> Sequence[Event]:
        """Price ``events`` (what a command or the passing of time did) into entries.

        ``tenant`` is the tenant after the events. Returns the events as priced: a cancellation
        carries the refund lines posted here (what was charged, refunded under the ledger's
        convention), so that the event and the ledger tell one figure. Only a cancellation whose
        refund differs is replaced; otherwise ``events`` itself comes back.
        """
        priced: list[Event] | None = None
        for index, event in enumerate(events):
            if event.__class__ is Renewed:
                continue  # nothing to post: the new term is billed when its period is due
            if isinstance(event, SubscriptionPurchased):
                if not event.trial:
                    self._purchase(tenant, tenant.subscription(event.subscription_id), event.on)
            elif isinstance(event, LicensesChanged):
                self._change(tenant, event)
            elif isinstance(event, SubscriptionCancelled):
                refund = self._cancel(tenant, event)
                if refund != event.refund:
                    if priced is None:
                        priced = list(events)
                    priced[index] = attrs.evolve(event, refund=refund)
            elif isinstance(event, PlanChanged):
                self._plan_change(tenant, event)
            elif isinstance(event, TrialConverted) or (
                isinstance(event, Reactivated) and event.as_new is None
            ):
                self.calendar.record(event.subscription_id, event.on)
            elif isinstance(event, TermChanged):
                self._new_term(tenant, event)
        return events if priced is None else tuple(priced)

    def _purchase(
        self, tenant: Tenant, sub: Subscription, on: date, cause: EntryCause = EntryCause.PURCHASE
    ) -> None:
        if sub.quantity == 0:
            return
        known = self._known(sub)
        period = self._period_of(known, on)
        price = self._known_price(known, on, record=True)
        if price is not None:
            if on == period.start:
                self._post_whole(tenant, sub, known, price, period, cause)
            else:
                self._post(tenant, sub, cause, on, self.charge(price, sub.quantity, period, on))
        self.calendar.record(sub.id, period.end)
        self.handed = (sub, on, known, period, price)  # for terms_of: a quote's line reads them

    def _plan_change(self, tenant: Tenant, event: PlanChanged) -> None:
        """A change of plan: the old subscription's unused days are credited (all of them for a
        full change, and for the add-ons cancelled or dropped with it; for a partial change, its
        charge is changed to the licenses it keeps, in the convention's ledger layout), then the
        new one is charged from the day of the change (and the add-ons that moved, when they
        start its new term with it). Every entry says ``plan_change``."""
        on = event.on
        cause = EntryCause.PLAN_CHANGE
        old = tenant.subscription(event.subscription_id)
        gone = [old.id] if event.full else []
        gone += [*event.addons_cancelled, *event.addons_dropped]
        rebased = list(event.addons_moved) if event.addons_rebased else []
        for sub_id in (*gone, *rebased):
            sub = tenant.subscription(sub_id)
            self._refund_from(tenant, sub, on, cause)
        if not event.full:
            original = self._live_item(old.id, on)
            if original is not None:
                # The licenses it keeps, in the convention's layout (as a license change).
                self._change_charge(tenant, old, cause, on, original, old.quantity)
        self._purchase(tenant, tenant.subscription(event.new_subscription_id), on, cause)
        for sub_id in rebased:  # on the new subscription's term from today
            self._purchase(tenant, tenant.subscription(sub_id), on, cause)

    def live_at(self, subscription_id: str, on: date) -> LedgerEntry | None:
        """The charge not yet credited whose span holds ``on``, if any."""
        item = self._live_item(subscription_id, on)
        if item is None:
            return None
        posted = self.posted
        return posted.opening[~item] if item < 0 else posted.rows.entry(item)

    def _live_item(self, subscription_id: str, on: date) -> int | None:
        """The item of the charge not yet credited whose span holds ``on``, if any.

        The charges whose spans ended by a day looked at before are passed over when ``on`` is
        that day or later (``_Posted.ended``): the list keeps every charge not yet credited, most
        of them periods long over."""
        posted = self.posted
        live = posted.live.get(subscription_id)
        if not live:
            return None
        # every row's span is at 5 of its references (a kept entry's too: _kept_refs); an
        # opening entry's item is below zero
        refs: list[Period] = posted.rows.refs  # type: ignore[assignment]  # (no cast call)
        ended = posted.ended.get(subscription_id)
        if ended is None:
            moves, at = True, 0  # (moves: the memo goes on to ``on``)
        elif on >= ended[0]:
            moves, at = True, ended[1]
        else:
            moves, at = False, 0
        count = len(live)
        while at < count:
            item = live[at]
            # span_of(item), read from a row inline (an item's own row; a kept entry's line)
            span = refs[item * _REFS + 5] if item >= 0 else posted.opening[~item].line.span
            if span.end > on:
                break
            at += 1
        else:  # every one ended by ``on``
            if moves:
                posted.ended[subscription_id] = (on, at)
            return None
        if moves:
            posted.ended[subscription_id] = (on, at)
        if span.start <= on:  # the first charge not ended holds ``on`` (the common case)
            return item
        for index in range(at + 1, count):
            item = live[index]
            span = refs[item * _REFS + 5] if item >= 0 else posted.opening[~item].line.span
            if span.start <= on < span.end:
                return item
        return None

    def _credit(self, subscription_id: str, item: int) -> None:
        live = self.posted.live[subscription_id]
        # From the end (the charge credited is most often a recent one): an item is in the
        # list once at most.
        for index in range(len(live) - 1, -1, -1):
            if live[index] == item:
                del live[index]
                ended = self.posted.ended.get(subscription_id)
                if ended is not None and index < ended[1]:
                    self.posted.ended[subscription_id] = (ended[0], ended[1] - 1)
                return
        live.remove(item)  # pragma: no cover - the item always comes from the live list

    def _change(self, tenant: Tenant, event: LicensesChanged) -> None:
        sub = tenant.subscription(event.subscription_id)
        on = event.on
        original = self._live_item(sub.id, on)
        if original is None:
            # Nothing charged for the period (an unpriced one): charge what was added, if priced.
            if event.after > event.before and sub.id in self.calendar.billed:
                price = self._price(sub, on)
                if price is not None:
                    period = period_containing(sub.anchor, _months(sub), on)
                    line = prorate(
                        price, event.after - event.before, period, start=on,
                        convention=self.convention,
                    )  # fmt: skip
                    self._post(tenant, sub, EntryCause.LICENSE_CHANGE, on, line)
            return
        # _change_charge(tenant, sub, _LICENSE_CHANGE, on, original, event.after), one call less
        if not self._change_row(tenant, sub, _LICENSE_CHANGE, on, original, event.after):
            self._change_line(tenant, sub, _LICENSE_CHANGE, on, original, event.after)

    def _change_charge(
        self,
        tenant: Tenant,
        sub: Subscription,
        cause: EntryCause,
        on: date,
        original: int,
        quantity: int,
    ) -> None:
        """Change the live charge ``original`` of ``sub`` to ``quantity`` licenses from ``on``,
        in the convention's layout: credit and rebill (legacy), or refund and charge (new
        commerce); the charge is taken off the live list. From its row when it is one
        (:meth:`_change_row`), otherwise from its frozen line."""
        if not self._change_row(tenant, sub, cause, on, original, quantity):
            self._change_line(tenant, sub, cause, on, original, quantity)

    def _change_line(
        self,
        tenant: Tenant,
        sub: Subscription,
        cause: EntryCause,
        on: date,
        original: int,
        quantity: int,
    ) -> None:
        """:meth:`_change_charge` of any charge :meth:`_change_row` does not take: from its
        frozen line (:func:`change_quantity`), the lines posted (:meth:`_post_lines`)."""
        line = self.posted.line_of(original)
        lines = change_quantity(line, on, quantity).lines
        self._credit(sub.id, original)
        self._post_lines(tenant, sub, cause, on, lines, original)

    def _change_row(
        self,
        tenant: Tenant,
        sub: Subscription,
        cause: EntryCause,
        on: date,
        original: int,
        quantity: int,
    ) -> bool:
        """:meth:`_change_charge` of a charge the book holds as a row of its own convention,
        from the row's fields (:func:`~subcommerce.layouts.change_rows`: the lines
        :func:`change_quantity` builds, as rows), the rows written without a line built (an
        entry is built from its row); False (nothing done) for any other charge."""
        if original < 0 or on.__class__ is not date:
            return False
        rows = self.posted.rows
        ints = rows.ints
        at = original * _INTS
        who = ints[at]
        charged = rows.amounts[original]
        if who < 0 or charged < 0:  # a kept entry; what check_original refuses
            return False
        parts = rows.whos[who]
        owner, conv = parts[0], parts[4]
        sub_id = sub.id
        if conv is not self.convention or not (owner is sub_id or owner == sub_id):
            return False
        refs: list[Any] = rows.refs  # kind, price, periods: read as such (no cast call)
        ref = original * _REFS
        price, service = refs[ref + 3], refs[ref + 4]
        # A simulation's book leaves a credit's note to be written when its line is read
        # (``_WorkRows.line``): it reads few of them; a quote's reads every one.
        lazy = self.lazy
        lines = change_rows(
            refs[ref + 2], ints[at + 3], price, service, refs[ref + 5], charged, conv, on,
            quantity, None if lazy else self.facts.notes, not lazy,
        )  # fmt: skip
        self._credit(sub_id, original)
        self._post_rows(tenant, sub, cause, on, lines, price, service, original)
        return True

    def _refundable(self, tenant: Tenant, sub: Subscription, event: SubscriptionCancelled) -> bool:
        if event.refund:
            return True
        if sub.unit_price is not None:
            return False  # the command priced the refund and found none due
        policy = self.policy
        if not policy.window_applies(tenant.account_type):
            return True
        return policy.window.covers(window_start(sub), event.on)

    def _cancel(self, tenant: Tenant, event: SubscriptionCancelled) -> tuple[ProratedLine, ...]:
        """Refund the unused part of every live charge; the refund lines posted."""
        sub = tenant.subscription(event.subscription_id)
        if not self._refundable(tenant, sub, event):
            return ()
        return self._refund_from(tenant, sub, event.on, EntryCause.CANCELLATION)

    def _refund_from(
        self, tenant: Tenant, sub: Subscription, on: date, cause: EntryCause
    ) -> tuple[ProratedLine, ...]:
        """Refund every live charge of ``sub`` for its days from ``on``; the lines posted."""
        posted: list[ProratedLine] = []
        span_of, line_of = self.posted.span_of, self.posted.line_of
        for item in list(self.posted.live.get(sub.id, ())):
            span = span_of(item)
            if span.end <= on:
                continue
            refund = refund_unused(line_of(item), on if on > span.start else span.start)
            self._credit(sub.id, item)
            self._post(tenant, sub, cause, on, refund, item)
            posted.append(refund)
        return tuple(posted)

    def _new_term(self, tenant: Tenant, event: TermChanged) -> None:
        """A longer term from ``event.on``: credit what the old term charged for the days from
        then (never more than was charged), and bill the new term from that day."""
        sub = tenant.subscription(event.subscription_id)
        self._refund_from(tenant, sub, event.on, EntryCause.TERM_CHANGE)
        if sub.id in self.calendar.billed:
            self.calendar.record(sub.id, event.on)


def open_ledger(
    catalog: Catalog,
    tenant: Tenant,
    start: date,
    code: Currency | str,
    *,
    convention: ProrationConvention = EXACT,
    policy: Policy = DEFAULT_POLICY,
) -> Ledger:
    """A ledger for ``tenant`` from ``start``: the periods running that day are its opening.

    Each billed subscription's period running on ``start`` is taken as billed before the ledger,
    at its current quantity; it appears on no invoice, and later changes credit it like any charge.
    """
    expect(catalog, Catalog, "catalog")
    expect(tenant, Tenant, "tenant")
    expect(policy, Policy, "policy")
    check_date(start, "ledger start")
    book = Book(catalog, Ledger(currency(code), convention), policy)
    book.record_opening(tenant, start)
    return book.freeze()


# -- invoices -----------------------------------------------------------------------------------


def _payment_method(
    tenant: Tenant, group: InvoiceGroup, methods: dict[InvoiceGroup, PaymentMethod]
) -> PaymentMethod | None:
    """The method on file for ``group``: its billing profile's (MCA), else that of the group's
    first subscription that has one; ``methods`` holds the latter for every group once found
    (one pass over the tenant)."""
    if group.kind == "billing_profile":
        if tenant.account is None:
            return None
        for profile in tenant.account.profiles:
            if profile.id == group.id:
                return profile.payment_method
        return None
    if not methods:
        for sub in tenant.subscriptions:
            if sub.payment_method is not None:
                methods.setdefault(tenant.invoice_group(sub), sub.payment_method)
    return methods.get(group)


def build_invoices(
    ledger: Ledger, tenant: Tenant, until: date
) -> tuple[tuple[Invoice, ...], tuple[Invoice, ...]]:
    """The invoices issued on or before ``until``, and the statements still open that day.

    Every entry of the ledger is on exactly one of them, so the totals of both add up to
    :attr:`Ledger.net`. Invoices come in date order, then by invoice group.
    """
    issued, open_ = invoice_rows(ledger, tenant, until)
    return issued.all(), open_.all()


def invoice_rows(ledger: Ledger, tenant: Tenant, until: date) -> tuple[InvoiceRows, InvoiceRows]:
    """:func:`build_invoices` as rows: the Invoice values are built when read."""
    expect(ledger, Ledger, "ledger")
    expect(tenant, Tenant, "tenant")
    check_date(until, "until")
    account_type = tenant.account_type or BillingAccountType.MOSA
    code = ledger.currency
    scale = 10**code.exponent
    store = entry_rows(ledger)
    ints, refs, whos, amounts, kept = store.ints, store.refs, store.whos, store.amounts, store.kept
    # One invoice per group and statement (by value), in the order of the statement's end, the
    # group's kind and id, then the statement's start. The groups are few (each owner's, each
    # kept entry's) and known before the rows are read: each is ranked by kind and id once, so
    # an invoice's key is (end, rank, start), which is also its place in the order.
    group_of: dict[tuple[str, str], InvoiceGroup] = {}  # one group of each value
    for group in chain([who[2] for who in whos], [entry.group for entry in kept.values()]):
        group_of.setdefault((group.kind, group.id), group)
    ranked = sorted(group_of)
    rank_of = dict(zip(ranked, range(len(ranked)), strict=True))
    who_ranks = [rank_of[group.kind, group.id] for _, _, group, _, _ in whos]
    at_key: dict[tuple[date, int, date], int] = {}
    lines: list[list[int]] = []
    totals: list[int] = []  # each invoice's total, in minor units

    minors: dict[int, int] = {}  # minor units of the amounts of entries kept as they are
    # per row owner: the statement and invoice of its row seen last (its next row is mostly on
    # the same; its rows follow the statements in order, so a new one is mostly a new invoice)
    last_statement: list[object] = [None] * len(whos)
    last_at = [0] * len(whos)
    statements = cast("list[Period]", refs[1::_REFS])
    for row, (who, statement, minor) in enumerate(
        zip(ints[::_INTS], statements, amounts, strict=True)
    ):
        if who >= 0:  # a row: its owner's group, statement and minor units
            if last_statement[who] is statement:
                same = last_at[who]
                lines[same].append(row)
                totals[same] += minor
                continue
            last_statement[who] = statement
            new = len(lines)
            at = last_at[who] = at_key.setdefault(
                (statement.end, who_ranks[who], statement.start), new
            )
            if at == new:
                lines.append([row])
                totals.append(minor)
                continue
        else:
            entry = kept[row]
            amount = entry.line.amount  # entry.amount, without the property call
            found = minors.get(id(amount))
            if found is None:
                if amount.currency is not code and amount.currency != code:
                    raise CurrencyMismatch(
                        f"entry {entry.id} is in {amount.currency.code}, the ledger in {code.code}"
                    )
                # amount.minor_units(); an amount already in whole minor units needs no rounding.
                numerator, denominator = amount.amount.as_integer_ratio()
                found, remainder = divmod(numerator * scale, denominator)
                if remainder:
                    found = amount.minor_units()
                minors[id(amount)] = found
            minor = found
            group, statement = entry.group, entry.statement
            new = len(lines)
            at = at_key.setdefault(
                (statement.end, rank_of[group.kind, group.id], statement.start), new
            )
            if at == new:
                lines.append([])
                totals.append(0)
        lines[at].append(row)
        totals[at] += minor
    # the invoices in order (no two keys alike): the issued ones, then those still open (their
    # statements end after ``until``: the last ones); their lines, offsets, totals, methods
    seen = list(at_key)  # the keys in the order the invoices were made: mostly in order
    keys = sorted(seen)
    if keys != seen:  # (a list compares its items by identity first: cheap when in order)
        order = list(map(at_key.__getitem__, keys))
        lines = list(map(lines.__getitem__, order))
        totals = list(map(totals.__getitem__, order))
    split = len(keys)
    while split and keys[split - 1][0] > until:
        split -= 1
    by_order: dict[InvoiceGroup, PaymentMethod] = {}
    group_methods = [_payment_method(tenant, group_of[key], by_order) for key in ranked]
    rows = list(chain.from_iterable(lines))
    offsets = [0, *accumulate(map(len, lines))]
    cut = offsets[split]
    methods = [group_methods[rank] for _, rank, _ in keys]
    issued = (rows[:cut], offsets[: split + 1], totals[:split], methods[:split])
    open_ = (rows[cut:], [at - cut for at in offsets[split:]], totals[split:], methods[split:])
    return (
        InvoiceRows(store, account_type, True, *issued),
        InvoiceRows(store, account_type, False, *open_),
    )
