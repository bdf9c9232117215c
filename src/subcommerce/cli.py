"""The command line: the only code in subcommerce that prints or reads files.

``python -m subcommerce demo`` runs the embedded scenario (a small business buying licenses
mid-period and an add-on, one request refused) and prints its invoices; ``demo --proration``
prints the proration what-if (5 licenses bought on the 15th, explained line by line).
``python -m subcommerce simulate FILE`` runs a scenario of your own (TOML or JSON, see
docs/scenarios.md). ``python -m subcommerce quote FILE`` prints the price review of a cart file's
order (docs/quote.md). ``python -m subcommerce catalog`` prints which add-on can be bought on which
plan. ``--json`` output is byte-identical for the same input.
``python -m subcommerce schema KIND`` prints the JSON Schema of a kind of document (docs/wire.md).

Every command takes ``--lang`` (any language with a message catalog: ``en``, ``fr``): its words
come from the gettext catalogs, its money, dates and numbers from CLDR for that locale. Without
it, the output is English with ISO dates and amounts such as ``191.13 USD``, stable for scripts.

Exit statuses (also in the README): 0 done; 1 an internal error (a bug: one line on stderr, never
a traceback); 2 a usage error (argparse's: an unknown command or option); 3 bad input (a file that
cannot be read, is not UTF-8, or is not a valid scenario, cart or catalog, a bad ``--until``); 4 a
scenario simulated whose steps were (some of them) refused, or a quote some of whose lines are
refused: the output is printed in full, the priced lines and the refusals with their reasons.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TextIO

import attrs
from babel.numbers import format_decimal
from babel.units import format_unit

from subcommerce import __version__
from subcommerce._builtin import BUILTIN_CATALOGS, builtin_catalog, default_catalog, parse_catalog
from subcommerce._convert import dump_catalog, to_data
from subcommerce._scenario import demo_scenario, parse_scenario, scenario_catalog
from subcommerce._schema import SCHEMA_KINDS, schema
from subcommerce.billing import PaymentMethod
from subcommerce.catalog import Catalog, MatrixCell
from subcommerce.commands import ChangeLicenseQuantity, ChangePlan
from subcommerce.errors import (
    CatalogInvalid,
    Reason,
    Refused,
    SubcommerceError,
)
from subcommerce.formatting import format_amount, format_date, format_money, format_number
from subcommerce.invoices import EntryCause, Invoice, LedgerEntry
from subcommerce.layouts import change_quantity
from subcommerce.messages import languages, render_note, translations
from subcommerce.money import Money, RoundingMode
from subcommerce.orders import (
    AddAddon,
    CartLine,
    ChangePlanLine,
    NewSubscription,
    PlaceOrder,
    Quote,
    quote,
)
from subcommerce.periods import BillingFrequency, Period, Term
from subcommerce.proration import PRESETS, LineKind, ProratedLine, credit_and_rebill, prorate
from subcommerce.simulate import Scenario, Step, Timeline, simulate
from subcommerce.subscriptions import SubscriptionStatus

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "main"]

#: Exit statuses of the command line.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_REFUSED = 4


class _Say:
    """The reader's language and locale: words from the message catalogs, values from CLDR.

    ``lang`` None is the plain form scripts rely on: English words, ISO dates and amounts as
    ``191.13 USD``, the same bytes on every run and machine.
    """

    def __init__(self, lang: str | None) -> None:
        self.lang = lang
        self.t = translations(lang or "en")

    def _(self, msgid: str, **values: object) -> str:
        text = self.t.gettext(msgid)
        return text.format(**values) if values else text

    def _n(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.t.ngettext(singular, plural, n).format(n=self.number(n), **values)

    def money(self, money: Money | None) -> str:
        if money is None:
            return "-"
        return str(money) if self.lang is None else format_money(money, self.lang)

    def amount(self, money: Money | None) -> str:
        if money is None:
            return "-"
        return str(money.amount) if self.lang is None else format_amount(money, self.lang)

    def day(self, day: date | None) -> str:
        if day is None:
            return "-"
        return day.isoformat() if self.lang is None else format_date(day, self.lang, "medium")

    def number(self, n: int) -> str:
        return str(n) if self.lang is None else format_number(n, self.lang)

    def term(self, term: Term) -> str:
        if self.lang is None:
            return term.value
        unit, value = {
            Term.P1M: ("duration-month", 1),
            Term.P1Y: ("duration-year", 1),
            Term.P3Y: ("duration-year", 3),
        }[term]
        return format_unit(value, unit, length="long", locale=self.lang)

    def period(self, period: Period) -> str:
        if self.lang is None:
            return str(period)
        return f"{self.day(period.start)} – {self.day(period.end)}"

    def reason(self, reason: Reason, catalog: Catalog | None) -> str:
        return reason.message(self.lang or "en", catalog)

    def catalog_name(self, catalog: Catalog) -> str:
        return catalog.name.get("fr" if self.lang and self.lang.startswith("fr") else "en")

    def name(self, catalog: Catalog, some_id: str) -> str:
        return catalog.name_of(some_id, "fr" if self.lang and self.lang.startswith("fr") else "en")


def _table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Print rows as a plain-text table; the first row is the header; numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = [all(_is_number(row[i]) for row in rows[1:]) for i in range(len(widths))]

    def fmt(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        ]
        return "  ".join(cells).rstrip()

    out.write(fmt(rows[0]) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows[1:]:
        out.write(fmt(row) + "\n")


_NUMBER_MARKS = str.maketrans("", "", "-.,/ \u00a0\u202f\u2212>")


def _is_number(text: str) -> bool:
    return text.translate(_NUMBER_MARKS).isdigit()


def _kind(say: _Say, kind: LineKind) -> str:
    words = {
        LineKind.CHARGE: say._("charge"),
        LineKind.CREDIT: say._("credit"),
        LineKind.REBILL: say._("rebill"),
        LineKind.REFUND: say._("refund"),
    }
    return words[kind]


def _cause(say: _Say, cause: EntryCause) -> str:
    words = {
        EntryCause.OPENING: say._("opening"),
        EntryCause.PURCHASE: say._("purchase"),
        EntryCause.PERIOD: say._("period"),
        EntryCause.LICENSE_CHANGE: say._("license change"),
        EntryCause.CANCELLATION: say._("cancellation"),
        EntryCause.PLAN_CHANGE: say._("plan change"),
        EntryCause.TERM_CHANGE: say._("term change"),
    }
    return words[cause]


def _line_row(say: _Say, line: ProratedLine) -> list[str]:
    return [
        _kind(say, line.kind),
        say.number(line.quantity),
        say.amount(line.unit_price),
        say.period(line.span),
        f"{line.days}/{line.period_days}",
        _exact(say, line),
        say.amount(line.amount),
    ]


def _exact(say: _Say, line: ProratedLine) -> str:
    """The exact value to six decimals, truncated, with '...' when it goes on."""
    text = line.exact_text()
    if say.lang is None:
        return text
    digits, dots, _ = text.partition("...")
    places = len(digits.partition(".")[2])
    number = format_decimal(
        Decimal(digits), format=f"#,##0.{'0' * places}" if places else "#,##0", locale=say.lang
    )
    return number + ("…" if dots else "")


def _decimal(say: _Say, value: Decimal) -> str:
    """An exact decimal with all its places, as the reader's locale writes numbers."""
    assert say.lang is not None
    places = max(0, -int(value.as_tuple().exponent))
    pattern = f"#,##0.{'0' * places}" if places else "#,##0"
    return format_decimal(value, format=pattern, locale=say.lang, decimal_quantization=False)


def _explain(say: _Say, line: ProratedLine) -> str:
    """How a line's amount was reached, in the reader's language (the core's ``explain()`` is
    English, for logs): the same steps, and the engine's note said through messages.py."""
    if say.lang is None:
        return line.explain()
    steps = []
    if line.daily_rate is not None:
        steps.append(say._("daily rate {rate}", rate=_decimal(say, line.daily_rate)))
    if line.unit_amount is not None:
        steps.append(say._("per license {amount}", amount=_decimal(say, line.unit_amount)))
    values = {
        "detail": f" ({', '.join(steps)})" if steps else "",
        "note": say._("; {note}", note=render_note(line.note, say.lang)) if line.note else "",
        "kind": _kind(say, line.kind),
        "quantity": say.number(line.quantity),
        "price": say.money(line.unit_price),
        "days": line.days,
        "period_days": line.period_days,
        "span": say.period(line.span),
        "period": say.period(line.service_period),
        "exact": _exact(say, line),
        "amount": say.money(line.amount),
        "convention": line.convention.name,
        "mode": _mode(say, line.convention.mode),
    }
    if line.sign < 0:
        return say._(
            "{kind}: -({quantity} x {price} x {days}/{period_days} days [{span} of {period}])"
            "{detail} = {exact} -> {amount} ({convention}, {mode}{note})",
            **values,
        )
    return say._(
        "{kind}: {quantity} x {price} x {days}/{period_days} days [{span} of {period}]"
        "{detail} = {exact} -> {amount} ({convention}, {mode}{note})",
        **values,
    )


def _mode(say: _Say, mode: RoundingMode) -> str:
    words = {
        RoundingMode.HALF_EVEN: say._("rounded half to even"),
        RoundingMode.HALF_UP: say._("rounded half up"),
        RoundingMode.HALF_DOWN: say._("rounded half down"),
        RoundingMode.DOWN: say._("rounded toward zero"),
        RoundingMode.UP: say._("rounded away from zero"),
        RoundingMode.FLOOR: say._("rounded down"),
        RoundingMode.CEILING: say._("rounded up"),
    }
    return words[mode]


def _header(say: _Say) -> list[str]:
    return [
        say._("line"),
        say._("qty"),
        say._("unit price"),
        say._("span"),
        say._("days"),
        say._("exact"),
        say._("amount"),
    ]


def _proration_demo(out: TextIO, as_json: bool, say: _Say) -> int:
    """100 licenses at 36.00 USD a month; 5 more bought on the 15th of a 31-day period."""
    price = Money.of("36.00", "USD")
    period = Period(date(2025, 1, 1), date(2025, 2, 1))
    change = date(2025, 1, 15)
    original = prorate(price, 100, period)
    purchase = prorate(price, 5, period, start=change)
    adjustment = credit_and_rebill(original, change, 105)
    if as_json:
        payload = {
            "original": to_data(original),
            "purchase": to_data(purchase),
            "credit_and_rebill": to_data(adjustment),
            "net": to_data(adjustment.net),
        }
        out.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        return 0
    out.write(
        say._(
            "What-if: 100 licenses at {price} a month, billing period {period} ({days} days);\n"
            "5 more bought on {change}. Amounts in {currency}, taxes excluded; list prices for "
            "a what-if, not a quote.",
            price=say.money(price),
            period=say.period(period),
            days=period.days,
            change=say.day(change),
            currency=price.currency.code,
        )
        + "\n\n"
    )
    out.write(
        say._("The prorated charge for the 5 new licenses (exact, then rounded once):") + "\n"
    )
    _table([_header(say), _line_row(say, purchase)], out)
    out.write(f"  {_explain(say, purchase)}\n\n")
    out.write(
        say._("As Microsoft bills the change: credit the period, rebill old and new quantities:")
        + "\n"
    )
    _table([_header(say), *(_line_row(say, line) for line in adjustment.lines)], out)
    for line in adjustment.lines:
        out.write(f"  {_explain(say, line)}\n")
    out.write(
        "\n"
        + say._(
            "Net of the change: {net}  (= the prorated charge {charge})",
            net=say.money(adjustment.net),
            charge=say.money(purchase.amount),
        )
        + "\n\n"
    )
    out.write(say._("The same change under each proration convention:") + "\n")
    # The conventions' sources cite English documents: shown to English readers, named otherwise.
    cited = say.lang is None or say.lang.startswith("en")
    rows = [[say._("convention"), say._("layout"), say._("net"), say._("lines")]]
    for convention in PRESETS.values():
        adj = change_quantity(original, change, 105, convention=convention)
        row = [
            convention.name,
            convention.layout.value,
            say.amount(adj.net),
            " ".join(say.amount(x.amount) for x in adj.lines),
        ]
        if cited:
            row.append(convention.source[:60] + ("..." if len(convention.source) > 60 else ""))
        rows.append(row)
    if cited:
        rows[0].append(say._("source"))
    _table(rows, out)
    if not cited:
        out.write(say._("The sources of each convention: docs/proration.md.") + "\n")
    return 0


# -- scenarios ------------------------------------------------------------------------------------


class _BadInput(SubcommerceError, ValueError):
    """Bad input the command line itself found, its words a message of the catalogs: ``msgid``
    and its ``values`` (those named in ``words`` are msgids too), said in the reader's language
    when printed; ``str()`` is the English."""

    def __init__(self, msgid: str, words: tuple[str, ...] = (), **values: str) -> None:
        super().__init__(msgid.format(**values))
        self.msgid, self.words, self.values = msgid, words, values

    def said(self, say: _Say) -> str:
        values = {k: say._(v) if k in self.words else v for k, v in self.values.items()}
        return say._(self.msgid, **values)


def _said_later(msgid: str) -> str:
    """Marks a msgid for the catalogs (tools/messages.py) that is translated when printed."""
    return msgid


#: Why a file cannot be read, for the errors the reader can fix; any other, the system's words.
_UNREADABLE = {
    errno.ENOENT: _said_later("no such file"),
    errno.EACCES: _said_later("permission denied"),
    errno.EISDIR: _said_later("it is a directory"),
}
_FILE_KINDS = {"scenario": _said_later("scenario"), "catalog": _said_later("catalog")}


def _shown(path: str) -> str:
    """``path`` as an error message shows it: as typed, or quoted with its escapes when it holds
    a character that does not print (a line break would split the one-line message)."""
    return path if path.isprintable() else repr(path)


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:  # bytes: the parser says where UTF-8 breaks
            return handle.read()
    except OSError as error:
        known = _UNREADABLE.get(error.errno or 0)
        raise _BadInput(
            "cannot read the {what} file {path}: {why}",
            ("what", "why") if known else ("what",),
            what=_FILE_KINDS[what],
            path=_shown(path),
            why=known or str(error.strerror),
        ) from None
    except ValueError:  # a path the system cannot name (an embedded NUL byte)
        raise _BadInput(
            "cannot read the {what} file {path}: not a valid path",
            ("what",),
            what=_FILE_KINDS[what],
            path=repr(path),
        ) from None


def _scenario_from_file(path: str) -> Scenario:
    text = _read(path, "scenario")
    return parse_scenario(text, "json" if path.endswith(".json") else "toml")


def _until(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _BadInput("--until {text} is not an ISO date (YYYY-MM-DD)", text=repr(text)) from None


def _run_scenario(
    scenario: Scenario, until: str | None, out: TextIO, as_json: bool, say: _Say
) -> Timeline:
    catalog = scenario_catalog(scenario.catalog)
    timeline = simulate(scenario, _until(until), catalog=catalog)
    if as_json:
        payload = {"timeline": to_data(timeline)}
        out.write(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        _timeline_text(timeline, catalog, out, say)
    return timeline


def _billed(say: _Say, frequency: BillingFrequency) -> str:
    words = {
        BillingFrequency.MONTHLY: say._("monthly"),
        BillingFrequency.ANNUAL: say._("annually"),
        BillingFrequency.ONCE: say._("once for the term"),
    }
    return words[frequency]


def _status(say: _Say, status: SubscriptionStatus) -> str:
    words = {
        SubscriptionStatus.TRIAL: say._("trial"),
        SubscriptionStatus.ACTIVE: say._("active"),
        SubscriptionStatus.EXPIRED: say._("expired"),
        SubscriptionStatus.DISABLED: say._("disabled"),
        SubscriptionStatus.DELETED: say._("deleted"),
        SubscriptionStatus.SUSPENDED: say._("suspended"),
    }
    return words[status]


def _payment(say: _Say, method: PaymentMethod | None) -> str:
    words = {
        PaymentMethod.CARD: say._("card"),
        PaymentMethod.BANK_ACCOUNT: say._("bank account"),
        PaymentMethod.INVOICE: say._("invoice"),
    }
    return say._("none on file") if method is None else words[method]


def _line_text(say: _Say, line: CartLine, catalog: Catalog) -> str:
    if isinstance(line, NewSubscription):
        return say._(
            "buy {quantity} x {product} ({term}, billed {billed})",
            quantity=say.number(line.quantity),
            product=say.name(catalog, line.product_id),
            term=say.term(line.term),
            billed=_billed(say, line.billing_frequency),
        )
    if isinstance(line, AddAddon):
        values = {
            "quantity": say.number(line.quantity),
            "product": say.name(catalog, line.addon_id),
            "term": say.term(line.term),
            "billed": _billed(say, line.billing_frequency),
        }
        if line.base_subscription_id:
            return say._(
                "add {quantity} x {product} ({term}, billed {billed}) from {base}",
                base=line.base_subscription_id,
                **values,
            )
        return say._("add {quantity} x {product} ({term}, billed {billed})", **values)
    if isinstance(line, ChangePlanLine):
        return _change_plan_text(say, line.subscription_id, line.product_id, line.quantity, catalog)
    return say._n(
        "{subscription}: total of {n} license",
        "{subscription}: total of {n} licenses",
        line.quantity,
        subscription=line.subscription_id,
    )


def _change_plan_text(
    say: _Say, subscription: str, product: str, quantity: int | None, catalog: Catalog
) -> str:
    name = say.name(catalog, product)
    if quantity is None:
        return say._(
            "{subscription}: change plan to {product}", subscription=subscription, product=name
        )
    return say._n(
        "{subscription}: change {n} license to {product}",
        "{subscription}: change {n} licenses to {product}",
        quantity,
        subscription=subscription,
        product=name,
    )


def _step_text(say: _Say, step: Step, catalog: Catalog) -> str:
    if isinstance(step, PlaceOrder):
        parts = [_line_text(say, line, catalog) for line in step.cart.lines]
        return say._("order: {lines}", lines="; ".join(parts))
    if isinstance(step, ChangePlan):
        return _change_plan_text(say, step.subscription_id, step.product_id, step.quantity, catalog)
    if isinstance(step, ChangeLicenseQuantity):
        return say._n(
            "change license quantity: {subscription} to a total of {n} license",
            "change license quantity: {subscription} to a total of {n} licenses",
            step.quantity,
            subscription=step.subscription_id,
        )
    words = {
        "PurchaseSubscription": say._("purchase subscription"),
        "StartTrial": say._("start trial"),
        "AssignLicenses": say._("assign licenses"),
        "UnassignLicenses": say._("unassign licenses"),
        "CancelSubscription": say._("cancel subscription"),
        "SetRecurringBilling": say._("set recurring billing"),
        "ExtendTrial": say._("extend trial"),
        "CompleteCreditCheck": say._("complete credit check"),
        "Reactivate": say._("reactivate"),
        "ChangeBillingFrequency": say._("change billing frequency"),
        "ChangeTerm": say._("change term"),
        "SetPaymentMethod": say._("set payment method"),
        "GrantRole": say._("grant role"),
        "ConvertTrial": say._("buy trial now"),
        "ScheduleProductChange": say._("change product at renewal"),
    }
    kind = type(step).__name__
    name = words.get(kind, kind)
    target = getattr(step, "subscription_id", None)
    return say._("{step}: {subscription}", step=name, subscription=target) if target else name


def _entry_row(say: _Say, entry: LedgerEntry) -> list[str]:
    line = entry.line
    return [
        entry.id,
        say._("{cause} {kind}", cause=_cause(say, entry.cause), kind=_kind(say, line.kind)),
        say.number(line.quantity),
        say.amount(line.unit_price),
        say.period(line.span),
        f"{line.days}/{line.period_days}",
        say.amount(line.amount),
    ]


def _invoice_head(say: _Say, invoice: Invoice) -> str:
    values = {
        "id": invoice.id,
        "account": invoice.account_type.name,
        "group": invoice.group.id,
        "period": say.period(invoice.period),
    }
    if invoice.group.kind == "order":
        if invoice.issued:
            return say._("Invoice {id}: {account} order {group}, billing period {period}", **values)
        return say._(
            "Open statement {id}: {account} order {group}, billing period {period}", **values
        )
    if invoice.issued:
        return say._(
            "Invoice {id}: {account} billing profile {group}, billing period {period}", **values
        )
    return say._(
        "Open statement {id}: {account} billing profile {group}, billing period {period}",
        **values,
    )


def _invoice_text(say: _Say, invoice: Invoice, out: TextIO) -> None:
    out.write(_invoice_head(say, invoice) + "\n")
    dates = {
        "issued": say.day(invoice.issued_on),
        "due": say.day(invoice.due_on),
        "method": _payment(say, invoice.payment_method),
    }
    if invoice.issued:
        out.write(say._("dated {issued}, due {due}, payment method: {method}", **dates) + "\n")
    else:
        out.write(
            say._("to be dated {issued}, due {due}, payment method: {method}", **dates) + "\n"
        )
    header = [
        say._("entry"),
        say._("line"),
        say._("qty"),
        say._("unit price"),
        say._("service"),
        say._("days"),
        say._("amount"),
    ]
    _table([header, *(_entry_row(say, e) for e in invoice.lines)], out)
    out.write(say._("total {total}", total=say.money(invoice.total)) + "\n\n")


def _price_review(say: _Say, reviews: Sequence[Quote], out: TextIO) -> None:
    rows = [
        [
            say._("order"),
            say._("subscription"),
            say._("licenses"),
            say._("first charge"),
            say._("then per period"),
            say._("term ends"),
            say._("on invoice"),
            say._("charged by"),
            say._("usable from"),
        ]
    ]
    for review in reviews:
        for line in review.lines:
            if not line.ok:
                continue
            licenses = say.number(line.quantity)
            if line.quantity_before:
                licenses = f"{say.number(line.quantity_before)}->{licenses}"
            usable = say.day(line.usable_from) if line.usable_from else say._("after credit check")
            rows.append(
                [
                    review.order_id,
                    line.subscription_id,
                    licenses,
                    say.amount(line.first_charge_total),
                    say.amount(line.recurring),
                    say.day(line.term_end),
                    say.day(line.statement_date),
                    say.day(line.charge_by),
                    usable,
                ]
            )
    _table(rows, out)


def _embedded_descriptions(say: _Say) -> tuple[str, ...]:
    """The descriptions of the embedded scenarios, here so that the catalogs translate them."""
    return (
        say._("A small business buys licenses mid-period and an add-on; one request is refused"),
    )


def _timeline_head(timeline: Timeline, catalog: Catalog, out: TextIO, say: _Say) -> None:
    scenario = timeline.scenario
    account = timeline.tenant.account
    kind = (
        say._("{type} billing account {id}", type=account.type.name, id=account.id)
        if account
        else say._("no billing account")
    )
    if scenario.description:
        # A scenario's description is the user's text; the embedded ones have translations.
        description = say.t.gettext(scenario.description)
        title = say._(
            "What-if '{name}': {description}",
            name=scenario.name,
            description=description,
        )
    else:
        title = say._("What-if '{name}'", name=scenario.name)
    out.write(title + "\n")
    out.write(
        say._(
            "{organization}, {kind}; catalog {catalog}; {start} to {end}.",
            organization=timeline.tenant.organization,
            kind=kind,
            catalog=catalog.id if say.lang is None else say.catalog_name(catalog),
            start=say.day(scenario.start),
            end=say.day(timeline.as_of),
        )
        + "\n"
        + say._(
            "Amounts in {currency}. Amounts exclude taxes. "
            "List prices for a what-if, never a quote from Microsoft.",
            currency=scenario.currency.code,
        )
        + "\n"
        + say._("Periods are [start..end): the end day is the next period's first.")
        + "\n\n"
    )


def _timeline_text(timeline: Timeline, catalog: Catalog, out: TextIO, say: _Say) -> None:
    _timeline_head(timeline, catalog, out, say)
    scenario = timeline.scenario
    refused = {r.index: r for r in timeline.refused}
    rows = [[say._("date"), say._("step"), say._("outcome")]]
    for index, step in enumerate(scenario.steps[: timeline.next_step]):
        outcome = say._("refused") if index in refused else say._("done")
        rows.append([say.day(step.as_of), _step_text(say, step, catalog), outcome])
    out.write(say._("Steps") + "\n")
    _table(rows, out)
    if timeline.refused:
        out.write("\n" + say._("Refused, and why (nothing changed):") + "\n")
        for refusal in timeline.refused:
            messages = (
                [say.reason(r, catalog) for r in refusal.reasons]
                if refusal.reasons
                else [refusal.error]
            )
            for message in messages:
                said = say._("step {n}: {message}", n=refusal.index + 1, message=message)
                out.write(f"  {say.day(refusal.on)}  {said}\n")
    if timeline.orders:
        out.write(
            "\n"
            + say._("Price reviews of the orders placed (first charge prorated to the day):")
            + "\n"
        )
        _price_review(say, timeline.orders, out)
    _subscriptions_text(timeline, catalog, out, say)
    for invoice in timeline.invoices:
        _invoice_text(say, invoice, out)
    if timeline.open_invoices:
        out.write(
            say._("Statements still open on {day} (so far):", day=say.day(timeline.as_of)) + "\n\n"
        )
        for invoice in timeline.open_invoices:
            _invoice_text(say, invoice, out)
    _ledger_text(timeline, out, say)


def _subscriptions_text(timeline: Timeline, catalog: Catalog, out: TextIO, say: _Say) -> None:
    out.write("\n" + say._("Subscriptions") + "\n")
    subs = [
        [
            say._("id"),
            say._("product"),
            say._("licenses"),
            say._("assigned"),
            say._("status"),
            say._("term"),
            say._("billed"),
            say._("ends"),
        ]
    ]
    for sub in timeline.tenant.subscriptions:
        subs.append(
            [
                sub.id,
                say.name(catalog, sub.product_id),
                say.number(sub.quantity),
                say.number(sub.assigned),
                _status(say, sub.status),
                say.term(sub.term),
                _billed(say, sub.billing_frequency),
                say.day(sub.current_term.end),
            ]
        )
    _table(subs, out)
    out.write("\n")


def _ledger_text(timeline: Timeline, out: TextIO, say: _Say) -> None:
    ledger = timeline.ledger
    out.write(
        say._(
            "Ledger: charges {charges}, credits {credits}, refunds {refunds}; net {net}, what "
            "the invoices and open statements above add up to.",
            charges=say.money(ledger.charges),
            credits=say.money(ledger.credits),
            refunds=say.money(ledger.refunds),
            net=say.money(ledger.net),
        )
        + "\n"
    )
    if ledger.unpriced:
        out.write(
            say._(
                "Not priced in {currency}: {ids}",
                currency=ledger.currency.code,
                ids=", ".join(ledger.unpriced),
            )
            + "\n"
        )
    if ledger.entries:
        out.write("\n" + say._("Every line explained:") + "\n")
        for entry in ledger.entries:
            out.write(f"  {_entry_explained(say, entry)}\n")


def _entry_explained(say: _Say, entry: LedgerEntry) -> str:
    if say.lang is None:
        return entry.explain()
    values = {
        "id": entry.id,
        "cause": _cause(say, entry.cause),
        "day": say.day(entry.posted_on),
        "line": _explain(say, entry.line),
    }
    if entry.credits:
        return say._(
            "{id} {cause} on {day}, credits {credited}: {line}", credited=entry.credits, **values
        )
    return say._("{id} {cause} on {day}: {line}", **values)


def _demo(out: TextIO, as_json: bool, proration: bool, say: _Say) -> int:
    if proration:
        return _proration_demo(out, as_json, say)
    _run_scenario(demo_scenario(), None, out, as_json, say)  # its one refusal is the point of it
    return EXIT_OK


# -- quotes ---------------------------------------------------------------------------------------


def _quote(path: str, out: TextIO, as_json: bool, say: _Say) -> int:
    """The price review of the cart file's order (its last step), after the steps before it."""
    scenario = _scenario_from_file(path)
    order = scenario.steps[-1] if scenario.steps else None
    if not isinstance(order, PlaceOrder):
        raise _BadInput(
            "{path}: the last step of a cart file is the order to review (type = 'place_order')",
            path=_shown(path),
        )
    catalog = scenario_catalog(scenario.catalog)
    before = attrs.evolve(scenario, steps=scenario.steps[:-1], until=None)
    timeline = simulate(before, order.as_of, catalog=catalog)
    review = quote(catalog, timeline.tenant, order, ledger=timeline.ledger)
    status = EXIT_OK if review.ok else EXIT_REFUSED  # as `simulate` with refused steps
    if as_json:
        payload = {"quote": to_data(review)}
        out.write(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return status
    out.write(
        say._(
            "Price review of order {order} on {day} for {organization}, in {currency}.",
            order=review.order_id,
            day=say.day(order.as_of),
            organization=timeline.tenant.organization,
            currency=review.currency.code,
        )
        + "\n"
        + say._("Amounts exclude taxes. List prices for a what-if, never a quote from Microsoft.")
        + "\n\n"
    )
    rows = [[say._("line"), say._("subscription"), say._("what"), say._("outcome")]]
    for line in review.lines:
        outcome = say._("refused") if line.reasons else say._("ok")
        rows.append(
            [
                say.number(line.index + 1),
                line.subscription_id,
                _line_text(say, line.line, catalog),
                outcome,
            ]
        )
    _table(rows, out)
    if any(line.ok for line in review.lines):  # the lines not refused are priced all the same
        out.write("\n")
        _price_review(say, [review], out)
        total = say.money(review.total)
        out.write(
            "\n"
            + (
                say._("Total of the first charges: {total}", total=total)
                if review.ok
                else say._(
                    "Total of the first charges of the lines not refused: {total}", total=total
                )
            )
            + "\n"
        )
    if review.ok:
        return status
    out.write("\n" + say._("Refused, and why (nothing would change):") + "\n")
    for line in review.lines:
        for reason in line.reasons:
            which = say._(
                "line {n}: {message}",
                n=say.number(line.index + 1),
                message=say.reason(reason, catalog),
            )
            out.write(f"  {which}\n")
    return status


_MARKS = {MatrixCell.AVAILABLE: "x", MatrixCell.INCLUDED: "i", MatrixCell.NONE: "."}


def _catalogs(name: str | None, path: str | None) -> list[Catalog]:
    if path is not None:
        text = _read(path, "catalog")
        return [parse_catalog(text, "json" if path.endswith(".json") else "toml")]
    if name is None:
        return [builtin_catalog(n) for n in BUILTIN_CATALOGS]
    if name == "default":
        return [default_catalog()]
    return [builtin_catalog(name)]


def _catalog(out: TextIO, say: _Say, as_json: bool, name: str | None, path: str | None) -> int:
    """Print the add-on x plan matrix of each catalog, as tables or as JSON."""
    catalogs = _catalogs(name, path)
    lang = "fr" if say.lang is not None and say.lang.startswith("fr") else "en"
    if as_json:
        payload = {"catalogs": [_catalog_json(c, lang) for c in catalogs]}
        out.write(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return 0
    for number, catalog in enumerate(catalogs):
        if number:
            out.write("\n")
        matrix = catalog.matrix()
        title = catalog.name.get(lang)
        heading = say._(
            "Which add-on can be bought on which plan "
            "(x: can be bought on the plan; i: included in the plan; .: no)"
        )
        out.write(f"{title}\n{'=' * len(title)}\n{heading}\n\n")
        codes = [f"P{i + 1}" for i in range(len(matrix.plans))]
        rows = [[say._("add-on"), *codes]]
        for addon_id, cells in zip(matrix.addons, matrix.cells, strict=True):
            rows.append([catalog.name_of(addon_id, lang), *(_MARKS[c] for c in cells)])
        _table(rows, out)
        out.write("\n" + say._("Plans:") + "\n")
        width = max(len(c) for c in codes)
        for code, plan_id in zip(codes, matrix.plans, strict=True):
            out.write(f"  {code.ljust(width)}  {catalog.name_of(plan_id, lang)}\n")
        out.write(
            "\n"
            + say._("Source: {source}", source=catalog.source)
            + "\n"
            + say._("List prices for what-ifs, never a quote: see --json or the catalog file.")
            + "\n"
        )
    return 0


def _catalog_json(catalog: Catalog, lang: str) -> dict[str, object]:
    matrix = catalog.matrix()
    return {
        "id": catalog.id,
        "name": catalog.name.get(lang),
        "plans": [{"id": p, "name": catalog.name_of(p, lang)} for p in matrix.plans],
        "addons": [
            {
                "id": addon_id,
                "name": catalog.name_of(addon_id, lang),
                "available_on": [
                    p for p, c in zip(matrix.plans, cells, strict=True) if c is MatrixCell.AVAILABLE
                ],
                "included_in": [
                    p for p, c in zip(matrix.plans, cells, strict=True) if c is MatrixCell.INCLUDED
                ],
            }
            for addon_id, cells in zip(matrix.addons, matrix.cells, strict=True)
        ],
        "data": dump_catalog(catalog),
    }


def _lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=languages(),
        default=None,
        help="the reader's language: words, money and dates in its locale (default: English, "
        "with ISO dates and amounts such as 191.13 USD)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m subcommerce",
        description="Microsoft 365 commerce what-ifs: exact proration, catalogs, invoices.",
        epilog="exit status: 0 done, 1 internal error, 2 usage error, 3 bad input, "
        "4 a scenario with refused steps or a quote with refused lines",
    )
    parser.add_argument("--version", action="version", version=f"subcommerce {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="run the embedded scenario: a small business's orders and invoices"
    )
    demo.add_argument("--json", action="store_true", help="machine-readable output")
    demo.add_argument(
        "--proration",
        action="store_true",
        help="the proration what-if instead: 5 licenses bought on the 15th, line by line",
    )
    _lang_option(demo)
    simulate_ = sub.add_parser(
        "simulate", help="simulate a scenario file (TOML or JSON) and print its invoices"
    )
    simulate_.add_argument("file", help="the scenario (.toml, or .json); see docs/scenarios.md")
    simulate_.add_argument("--until", default=None, help="simulate to this day (YYYY-MM-DD)")
    simulate_.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_option(simulate_)
    quote_ = sub.add_parser(
        "quote", help="print the price review of a cart file's order (see docs/quote.md)"
    )
    quote_.add_argument("file", help="the cart file (.toml, or .json); see docs/quote.md")
    quote_.add_argument("--json", action="store_true", help="machine-readable output")
    _lang_option(quote_)
    catalog = sub.add_parser(
        "catalog", help="print which add-on can be bought on which plan (the default catalog)"
    )
    _lang_option(catalog)
    catalog.add_argument("--json", action="store_true", help="machine-readable output")
    catalog.add_argument(
        "--catalog",
        dest="catalog_name",
        default=None,
        help="one embedded catalog: " + ", ".join(BUILTIN_CATALOGS) + " (default: all)",
    )
    catalog.add_argument("--file", default=None, help="a catalog of your own (.toml or .json)")
    schema_ = sub.add_parser("schema", help="print the JSON Schema of a kind of document")
    schema_.add_argument("kind", choices=tuple(SCHEMA_KINDS), help="the kind of document")
    _lang_option(schema_)  # every command takes it; a schema is for machines and has no words
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (see the module's docstring)."""
    stream = sys.stdout if out is None else out
    try:
        args = _parser().parse_args(argv)
    except SystemExit as done:  # --help, --version (0) or a usage error (2), already printed
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    say = _Say(args.lang)
    try:
        if args.command == "demo":
            return _demo(stream, args.json, args.proration, say)
        if args.command == "simulate":
            scenario = _scenario_from_file(args.file)
            timeline = _run_scenario(scenario, args.until, stream, args.json, say)
            return EXIT_REFUSED if timeline.refused else EXIT_OK
        if args.command == "quote":
            return _quote(args.file, stream, args.json, say)
        if args.command == "schema":
            stream.write(json.dumps(schema(args.kind), indent=2, ensure_ascii=False) + "\n")
            return EXIT_OK
        return _catalog(stream, say, args.json, args.catalog_name, args.file)
    except _BadInput as error:
        sys.stderr.write(say._("error: {message}", message=error.said(say)) + "\n")
        return EXIT_BAD_INPUT
    except CatalogInvalid as invalid:
        count = len(invalid.problems)
        head = say._n("catalog has {n} problem:", "catalog has {n} problems:", count)
        listed = "".join(f"\n- {problem}" for problem in invalid.problems)
        sys.stderr.write(say._("error: {message}", message=head + listed) + "\n")
        return EXIT_BAD_INPUT
    except Refused as refused:
        for reason in refused.reasons:
            sys.stderr.write(say._("error: {message}", message=say.reason(reason, None)) + "\n")
        return EXIT_BAD_INPUT
    except SubcommerceError as error:
        sys.stderr.write(say._("error: {message}", message=error) + "\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        return EXIT_OK
    except RecursionError:
        sys.stderr.write(say._("error: {message}", message=say._("the input is nested too deeply")))
        sys.stderr.write("\n")
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug: say so in one line, never a traceback
        sys.stderr.write(
            f"internal error: {type(error).__name__}: {error} (a bug in subcommerce "
            f"{__version__}; please report it with the input)\n"
        )
        return EXIT_INTERNAL
