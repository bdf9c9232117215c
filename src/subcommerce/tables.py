"""Tables out: every result as plain records (stdlib only) or as a pandas frame, exactly.

A :class:`Table` is a list of records with typed columns. ``rows()`` gives plain dicts of
``str``, ``int``, ``bool``, ``datetime.date`` and ``decimal.Decimal`` (None where a value is
missing), so a table goes to ``json``, ``csv`` or a spreadsheet with no other package.
``to_pandas()`` gives a frame with one dtype per column (``pip install "subcommerce[notebook]"``):

* **money stays exact**: every amount is a pyarrow ``decimal128`` column beside a ``currency``
  column. A decimal column reads as money (``341.13``, not ``34113``), sums and groups exactly
  (``frame.amount.sum()`` is a ``Decimal``), and keeps the extra decimals a unit price may carry
  (0.1234 USD), which integer minor units cannot. The scale is the fewest decimals that hold every
  value of the column exactly (2 for USD amounts), or the one asked for; a value that does not fit
  is refused, never rounded. No column of money is ever a float.
* **dates are dates**: pyarrow ``date32`` columns, whose values are ``datetime.date`` again.
* counts are ``int64``, flags ``bool``, the rest ``string``: every column is a pyarrow column
  (``pd.ArrowDtype``), so a missing value is ``<NA>`` whatever the column, and building a frame
  costs one conversion per column.

The domain values offer thin methods over the builders below: ``ledger.rows()``,
``timeline.rows("invoices")``, ``quote.to_pandas()``, ``availability.rows()``,
``catalog.matrix().to_pandas()``. Without pandas, ``to_pandas()`` raises
:class:`~subcommerce.errors.MissingExtra` (a ``ModuleNotFoundError``) that names the extra.

Columns of the ledger's entries (``ledger.rows()``; a timeline's ``"entries"`` add the
``invoice_id`` and ``issued`` of the statement each entry is on):

>>> from datetime import date
>>> from subcommerce.money import Money
>>> from subcommerce.periods import Period
>>> from subcommerce.proration import prorate
>>> line = prorate(Money.of("36.00", "USD"), 5, Period(date(2025, 1, 1), date(2025, 2, 1)),
...                start=date(2025, 1, 15))
>>> table = Table("lines", LINE_COLUMNS, [line_record(line)])
>>> table.rows()[0]["amount"], table.rows()[0]["days"], table.rows()[0]["span_start"]
(Decimal('98.71'), 17, datetime.date(2025, 1, 15))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from subcommerce._checks import expect
from subcommerce.errors import (
    InexactAmount,
    InvalidAmount,
    InvalidArgument,
    MissingExtra,
    UnknownReference,
)
from subcommerce.money import Money

if TYPE_CHECKING:
    from subcommerce.addons import Availability
    from subcommerce.catalog import Matrix
    from subcommerce.events import Event
    from subcommerce.invoices import Invoice, Ledger, LedgerEntry
    from subcommerce.orders import Quote
    from subcommerce.proration import ProratedLine
    from subcommerce.simulate import Refusal, Timeline

__all__ = [
    "ENTRY_COLUMNS",
    "EVENT_COLUMNS",
    "INVOICE_COLUMNS",
    "INVOICE_ENTRY_COLUMNS",
    "LINE_COLUMNS",
    "QUOTE_COLUMNS",
    "REFUSAL_COLUMNS",
    "TIMELINE_TABLES",
    "AVAILABILITY_COLUMNS",
    "Column",
    "ColumnKind",
    "Table",
    "availability_table",
    "entries_table",
    "events_table",
    "invoices_table",
    "ledger_table",
    "line_record",
    "matrix_table",
    "quote_table",
    "refusals_table",
    "require",
    "timeline_columns",
    "timeline_table",
]

#: What one table column holds.
ColumnKind = Literal["text", "int", "bool", "date", "money"]


@attrs.frozen
class Column:
    """A column: its name and kind. ``money`` columns hold Decimals; their currency is beside."""

    name: str
    kind: ColumnKind


def _columns(spec: str) -> tuple[Column, ...]:
    """``"name:kind name:kind"`` -> columns (kind ``text`` when left out)."""
    out = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        out.append(Column(name, kind or "text"))  # type: ignore[arg-type]
    return tuple(out)


#: One prorated line: what it is, how many, at what price, over which days, for how much.
LINE_COLUMNS: Final = _columns(
    "kind quantity:int unit_price:money service_start:date service_end:date "
    "span_start:date span_end:date days:int period_days:int amount:money currency convention"
)

#: One ledger entry: its ids, why and when it was posted, the statement, then its line.
ENTRY_COLUMNS: Final = (
    *_columns(
        "entry_id subscription_id product_id group_kind group_id cause posted_on:date "
        "statement_start:date statement_end:date credits"
    ),
    *LINE_COLUMNS,
)

#: One invoice (or open statement): its group and period, dates, the sums on it.
INVOICE_COLUMNS: Final = _columns(
    "invoice_id account_type group_kind group_id period_start:date period_end:date "
    "issued_on:date due_on:date issued:bool lines:int charges:money credits:money "
    "refunds:money total:money currency payment_method"
)

#: What happened: the day, the event's name, its subscription and the rest as text.
EVENT_COLUMNS: Final = _columns("on:date event subscription_id detail")

#: A refused step: its place in the scenario, its day, what it was, why not.
REFUSAL_COLUMNS: Final = _columns("index:int on:date step codes messages")

#: One line of a price review.
QUOTE_COLUMNS: Final = _columns(
    "order_id index:int subscription_id product_id ok:bool codes term billing_frequency "
    "quantity_before:int quantity:int unit_price:money first_charge:money recurring:money "
    "currency first_period_start:date first_period_end:date next_charge_on:date term_end:date "
    "statement_date:date payment_method usable_from:date charge_by:date auto_assigned:int"
)

#: One add-on of an availability answer.
AVAILABILITY_COLUMNS: Final = _columns("as_of:date addon_id kind available:bool connectable codes")

#: The tables a timeline offers, by name.
TIMELINE_TABLES: Final = ("entries", "invoices", "events", "refusals")


def _records(value: Iterable[Mapping[str, object]]) -> tuple[Mapping[str, object], ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class Table:
    """Records with typed columns: ``rows()`` for plain data, ``to_pandas()`` for a frame.

    ``index``: the column a frame is indexed by (None: a plain range index).
    """

    name: str
    columns: tuple[Column, ...]
    records: tuple[Mapping[str, object], ...] = attrs.field(converter=_records)
    index: str | None = None

    def rows(self) -> list[dict[str, object]]:
        """The records as new plain dicts, keys in column order."""
        names = [c.name for c in self.columns]
        return [{name: record.get(name) for name in names} for record in self.records]

    def __len__(self) -> int:
        return len(self.records)

    def select(self, *names: str) -> Table:
        """The same records with only the columns ``names``, in that order."""
        by_name = {c.name: c for c in self.columns}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise UnknownReference(
                f"table {self.name!r} has no column {', '.join(map(repr, missing))}; it has "
                f"{', '.join(by_name)}"
            )
        index = self.index if self.index in names else None
        return Table(self.name, tuple(by_name[n] for n in names), self.records, index)

    def __repr__(self) -> str:
        return f"<Table {self.name!r}: {len(self.records)} rows x {len(self.columns)} columns>"

    def to_pandas(self, *, money_scale: int | None = None) -> Any:
        """A ``pandas.DataFrame`` with exact decimal money and date columns (see the module).

        ``money_scale``: the decimals of every money column (None: the fewest that hold every
        value exactly). A value with more decimals than that raises InexactAmount.
        """
        if money_scale is not None:
            check_scale(money_scale)
        pd, pa = require("to_pandas()", "pandas", "pyarrow")
        data: dict[str, Any] = {}
        for column in self.columns:
            values = [record.get(column.name) for record in self.records]
            data[column.name] = _array(pd, pa, column, values, money_scale)
        frame = pd.DataFrame(data, columns=[c.name for c in self.columns], copy=False)
        if self.index is not None:
            frame = frame.set_index(self.index)
        return frame

    def _repr_html_(self) -> str:
        from subcommerce.display import table_html  # display builds on this module

        return table_html(self)


def require(feature: str, *modules: str) -> tuple[Any, ...]:
    """The modules ``feature`` needs, imported; MissingExtra naming the extra when one is not."""
    import importlib

    loaded = []
    for module in modules:
        try:
            loaded.append(importlib.import_module(module))
        except ImportError as error:
            extra = "dask" if module.split(".")[0] in {"dask", "distributed"} else "notebook"
            raise MissingExtra(
                f"{feature} needs {module}, which is not installed: "
                f'pip install "subcommerce[{extra}]"',
                name=module,
            ) from error
    return tuple(loaded)


def _scale(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


#: The digits an Arrow decimal column holds: 128-bit columns usually, 256-bit for wider amounts.
_DECIMAL128_DIGITS: Final = 38
_DECIMAL256_DIGITS: Final = 76


def check_scale(money_scale: object) -> int:
    """``money_scale`` if it is an int from 0 to 76 (what an Arrow decimal holds); else refused."""
    if isinstance(money_scale, bool) or not isinstance(money_scale, int):
        raise InvalidArgument(
            f"money_scale must be an int, got {type(money_scale).__name__} {money_scale!r:.80}"
        )
    if not 0 <= money_scale <= _DECIMAL256_DIGITS:
        raise InvalidAmount(
            f"money_scale must be from 0 to {_DECIMAL256_DIGITS}, got {money_scale}"
        )
    return money_scale


def _digits(value: Decimal) -> int:
    """The digits of ``value`` left of the decimal point."""
    return max(value.adjusted() + 1, 0)


def _array(pd: Any, pa: Any, column: Column, values: list[Any], money_scale: int | None) -> Any:
    kind = column.kind
    if kind == "money":
        scale = max((_scale(v) for v in values if v is not None), default=2)
        if money_scale is not None:
            if scale > money_scale:
                raise InexactAmount(
                    f"column {column.name!r} holds an amount with {scale} decimals, more than "
                    f"the {money_scale} asked for; it would be rounded"
                )
            scale = money_scale
        digits = max((_digits(v) for v in values if v is not None), default=0) + scale
        if digits > _DECIMAL256_DIGITS:
            raise InvalidAmount(
                f"column {column.name!r} holds an amount of {digits} digits at {scale} decimals, "
                f"more than an exact Arrow decimal column holds ({_DECIMAL256_DIGITS})"
            )
        if digits > _DECIMAL128_DIGITS:
            kind_type = pa.decimal256(_DECIMAL256_DIGITS, scale)
        else:
            kind_type = pa.decimal128(_DECIMAL128_DIGITS, scale)
    else:
        kind_type = _ARROW_TYPES[kind](pa)
    return pd.arrays.ArrowExtensionArray(pa.array(values, type=kind_type))


_ARROW_TYPES: Final[dict[str, Any]] = {
    "date": lambda pa: pa.date32(),
    "int": lambda pa: pa.int64(),
    "bool": lambda pa: pa.bool_(),
    "text": lambda pa: pa.string(),
}


# -- records ------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _amount(money: Money | None) -> Decimal | None:
    return None if money is None else money.amount


def line_record(line: ProratedLine) -> dict[str, object]:
    """One prorated line as a record (:data:`LINE_COLUMNS`)."""
    return {
        "kind": line.kind.value,
        "quantity": line.quantity,
        "unit_price": line.unit_price.amount,
        "service_start": line.service_period.start,
        "service_end": line.service_period.end,
        "span_start": line.span.start,
        "span_end": line.span.end,
        "days": line.span.days,
        "period_days": line.period_days,
        "amount": line.amount.amount,
        "currency": line.amount.currency.code,
        "convention": line.convention.name,
    }


def _entry_record(entry: LedgerEntry) -> dict[str, object]:
    record: dict[str, object] = {
        "entry_id": entry.id,
        "subscription_id": entry.subscription_id,
        "product_id": entry.product_id,
        "group_kind": entry.group.kind,
        "group_id": entry.group.id,
        "cause": entry.cause.value,
        "posted_on": entry.posted_on,
        "statement_start": entry.statement.start,
        "statement_end": entry.statement.end,
        "credits": entry.credits,
    }
    record.update(line_record(entry.line))
    return record


def ledger_table(ledger: Ledger) -> Table:
    """Every entry of the ledger (not its opening), in the order posted."""
    return Table("ledger", ENTRY_COLUMNS, [_entry_record(e) for e in ledger.entries])


#: A ledger entry on an invoice: the invoice's id and whether it is issued, then the entry.
INVOICE_ENTRY_COLUMNS: Final = (*_columns("invoice_id issued:bool"), *ENTRY_COLUMNS)


def timeline_columns(table: str) -> tuple[Column, ...]:
    """The columns of one of a timeline's tables (see :func:`timeline_table`)."""
    columns = {
        "entries": INVOICE_ENTRY_COLUMNS,
        "invoices": INVOICE_COLUMNS,
        "events": EVENT_COLUMNS,
        "refusals": REFUSAL_COLUMNS,
    }.get(table)
    if columns is None:
        raise UnknownReference(
            f"a timeline has no table {table!r}; expected one of {', '.join(TIMELINE_TABLES)}"
        )
    return columns


def entries_table(invoices: Iterable[Invoice]) -> Table:
    """The lines of ``invoices``, each with the id of its invoice and whether it is issued."""
    records = []
    for invoice in invoices:
        for entry in invoice.lines:
            record = _entry_record(entry)
            record["invoice_id"] = invoice.id
            record["issued"] = invoice.issued
            records.append(record)
    return Table("entries", INVOICE_ENTRY_COLUMNS, records)


def _invoice_record(invoice: Invoice) -> dict[str, object]:
    return {
        "invoice_id": invoice.id,
        "account_type": invoice.account_type.value,
        "group_kind": invoice.group.kind,
        "group_id": invoice.group.id,
        "period_start": invoice.period.start,
        "period_end": invoice.period.end,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "issued": invoice.issued,
        "lines": len(invoice.lines),
        "charges": invoice.charges.amount,
        "credits": invoice.credits.amount,
        "refunds": invoice.refunds.amount,
        "total": invoice.total.amount,
        "currency": invoice.currency.code,
        "payment_method": _text(invoice.payment_method),
    }


def invoices_table(invoices: Iterable[Invoice]) -> Table:
    """One row per invoice (or open statement)."""
    return Table("invoices", INVOICE_COLUMNS, [_invoice_record(i) for i in invoices])


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _detail(value: object) -> str:
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, tuple):
        return f"{len(value)} lines" if value and not isinstance(value[0], str) else str(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    kind = type(value)
    if attrs.has(kind) and not hasattr(value, "start"):
        inner = ", ".join(f"{f.name}={_detail(getattr(value, f.name))}" for f in attrs.fields(kind))
        return f"{type(value).__name__}({inner})"
    return str(value)


def _event_record(event: Event) -> dict[str, object]:
    details = [
        f"{f.name}={_detail(getattr(event, f.name))}"
        for f in attrs.fields(type(event))
        if f.name not in {"on", "subscription_id"} and getattr(event, f.name) not in (None, ())
    ]
    return {
        "on": event.on,
        "event": _snake(type(event).__name__),
        "subscription_id": getattr(event, "subscription_id", None),
        "detail": " ".join(details),
    }


def events_table(events: Iterable[Event]) -> Table:
    """What happened, one row per event, in order."""
    return Table("events", EVENT_COLUMNS, [_event_record(e) for e in events])


def refusals_table(refusals: Iterable[Refusal], lang: str = "en") -> Table:
    """The refused steps with their reason codes and messages (in ``lang``)."""
    return Table(
        "refusals",
        REFUSAL_COLUMNS,
        [
            {
                "index": r.index,
                "on": r.on,
                "step": type(r.step).__name__,
                "codes": ", ".join(reason.code.value for reason in r.reasons),
                "messages": "; ".join(r.messages(lang)),
            }
            for r in refusals
        ],
    )


def timeline_table(timeline: Timeline, table: str = "invoices", lang: str = "en") -> Table:
    """One of a timeline's tables: ``entries``, ``invoices``, ``events`` or ``refusals``.

    ``entries`` and ``invoices`` hold the invoices issued and then the statements still open, so
    that they add up to ``timeline.ledger.net``.
    """
    expect(table, str, "table")
    expect(lang, str, "lang")
    timeline_columns(table)  # an unknown table raises the error that names the tables
    if table == "entries":
        return entries_table((*timeline.invoices, *timeline.open_invoices))
    if table == "invoices":
        return invoices_table((*timeline.invoices, *timeline.open_invoices))
    if table == "events":
        return events_table(timeline.events)
    return refusals_table(timeline.refused, lang)


def quote_table(quote: Quote) -> Table:
    """One row per line of a price review."""
    records = []
    for line in quote.lines:
        period = line.first_period
        records.append(
            {
                "order_id": quote.order_id,
                "index": line.index,
                "subscription_id": line.subscription_id,
                "product_id": line.product_id,
                "ok": line.ok,
                "codes": ", ".join(r.code.value for r in line.reasons),
                "term": _text(line.term),
                "billing_frequency": _text(line.billing_frequency),
                "quantity_before": line.quantity_before,
                "quantity": line.quantity,
                "unit_price": _amount(line.unit_price),
                "first_charge": _amount(line.first_charge_total),
                "recurring": _amount(line.recurring),
                "currency": quote.currency.code,
                "first_period_start": None if period is None else period.start,
                "first_period_end": None if period is None else period.end,
                "next_charge_on": line.next_charge_on,
                "term_end": line.term_end,
                "statement_date": line.statement_date,
                "payment_method": _text(line.payment_method),
                "usable_from": line.usable_from,
                "charge_by": line.charge_by,
                "auto_assigned": line.auto_assigned,
            }
        )
    return Table("quote", QUOTE_COLUMNS, records)


def availability_table(availability: Availability) -> Table:
    """One row per add-on: available or not, where it can connect, why not."""
    return Table(
        "availability",
        AVAILABILITY_COLUMNS,
        [
            {
                "as_of": availability.as_of,
                "addon_id": item.addon_id,
                "kind": item.kind.value,
                "available": item.available,
                "connectable": ", ".join(item.connectable),
                "codes": ", ".join(code.value for code in item.codes),
            }
            for item in availability.items
        ],
    )


def matrix_table(matrix: Matrix) -> Table:
    """The add-on x plan matrix: one row per add-on, one column per plan, cells as text."""
    columns = (Column("addon_id", "text"), *(Column(p, "text") for p in matrix.plans))
    records = []
    for addon, cells in zip(matrix.addons, matrix.cells, strict=True):
        record: dict[str, object] = {"addon_id": addon}
        record.update((plan, cell.value) for plan, cell in zip(matrix.plans, cells, strict=True))
        records.append(record)
    return Table("matrix", columns, records, index="addon_id")
