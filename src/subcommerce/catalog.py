"""The catalog: base plans and add-ons, their offers and prices, capabilities and add-on rules.

A catalog is data. It holds:

* **capabilities**: what a product gives a tenant (``teams_phone``, ``audio_conferencing``...).
  A plan can include what another plan buys as an add-on: E5 *grants* ``teams_phone`` while
  E3 buys the Teams Phone add-on, which grants the same capability.
* **plans** (base plans) and **add-ons**, each with display names in English and French, the
  capabilities it grants, the window in which it is sold, and its **offers**: one per term x
  billing frequency (x validity window), with a list price per currency.
* for each **add-on**: its kind (traditional or standalone), the plans it can be bought on, the
  capabilities it requires (met by an active subscription or an owned add-on), the add-ons it
  excludes, whether it must be connected to a subscription at purchase, its unit (per-user
  licenses, bounded by the base subscription's licenses; or capacity units such as GB) and how
  many instances a tenant may hold.

A :class:`Catalog` is validated as a whole when it is built: every duplicate id, dangling
reference, missing price for a declared currency, overlapping offer and prerequisite cycle is
reported together in one :class:`~subcommerce.errors.CatalogInvalid`, each with its path in the
data (``catalog.addons[3].available_on[1]``). Loading from plain data (dict, JSON, TOML) lives at
the edge, in ``subcommerce._convert``; the embedded catalogs are read by ``subcommerce._builtin``.

Prices are list prices for what-ifs, per unit and per month, excluding taxes; never a quote.

>>> from datetime import date
>>> from subcommerce.periods import BillingFrequency, Term
>>> basic = Plan("basic", DisplayName("Basic", "Basique"), offers=(
...     Offer(Term.P1Y, BillingFrequency.ANNUAL, Prices.of(USD="6.00")),))
>>> storage = Addon("storage", DisplayName("Extra storage", "Stockage"), available_on=("basic",),
...     unit=LicenseUnit.CAPACITY)
>>> catalog = Catalog("mine", DisplayName("Mine", "Le mien"), currencies=(Currency.of("USD"),),
...     plans=(basic,), addons=(storage,))
>>> catalog.price("basic", Term.P1Y, BillingFrequency.ANNUAL, "USD", date(2025, 1, 1))
Money('6.00', 'USD')
>>> catalog.matrix().cell("storage", "basic")
<MatrixCell.AVAILABLE: 'available'>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final

import attrs

from subcommerce import display, tables
from subcommerce._checks import Choice, expect, tuple_of
from subcommerce.errors import (
    CatalogInvalid,
    InvalidAmount,
    InvalidArgument,
    InvalidPeriod,
    UnknownReference,
)
from subcommerce.money import Currency, Money, RoundingMode, currency, to_decimal, units_of
from subcommerce.periods import BillingFrequency, Term, check_date, enum_member

__all__ = [
    "LANGUAGES",
    "Addon",
    "AddonKind",
    "Capability",
    "Catalog",
    "DisplayName",
    "Gender",
    "LicenseUnit",
    "Matrix",
    "MatrixCell",
    "Offer",
    "Plan",
    "Prices",
    "Product",
    "merge_catalogs",
]

#: The languages every display name is given in.
LANGUAGES: Final = ("en", "fr")


class AddonKind(Choice):
    """The two kinds of add-on (seeds 000, 001, 002).

    ``TRADITIONAL``: tied to one base subscription, cancelled with it, shown inside it; only
    support can remove it; its quantity is changed from the parent.
    ``STANDALONE``: an add-on subscription of its own, with its own expiration date, managed like
    any other subscription.
    """

    TRADITIONAL = "traditional"
    STANDALONE = "standalone"


class LicenseUnit(Choice):
    """What a quantity counts: user licenses, or capacity units such as GB of file storage."""

    PER_USER = "per_user"
    CAPACITY = "capacity"


class Gender(Choice):
    """The grammatical gender of a name, for the words that agree with it (French: « achetée »)."""

    MASCULINE = "masculine"
    FEMININE = "feminine"


@attrs.frozen
class DisplayName:
    """A product's name in each language subcommerce speaks, and the French name's gender.

    ``fr_gender`` is the grammatical gender of the French name: messages about the product agree
    with it (« Audioconférence ne peut être achetée … »). The embedded catalogs declare it for
    every product (docs/catalog.md).

    >>> DisplayName("Exchange Online Archiving", "Archivage Exchange Online").get("fr")
    'Archivage Exchange Online'
    """

    en: str
    fr: str
    fr_gender: Gender = attrs.field(default=Gender.MASCULINE, converter=Gender)

    def get(self, lang: str = "en") -> str:
        """The name in ``lang`` ("en" or "fr")."""
        if lang == "en":
            return self.en
        if lang == "fr":
            return self.fr
        raise UnknownReference(f"unknown language {lang!r}; expected one of {LANGUAGES}")


def _sorted_prices(amounts: Iterable[Money]) -> tuple[Money, ...]:
    items = tuple_of(amounts, "prices")
    for item in items:
        if not isinstance(item, Money):
            raise InvalidAmount(f"a price must be Money, got {item!r}")
    codes = [m.currency.code for m in items]
    if len(set(codes)) != len(codes):
        raise InvalidAmount(f"a currency is priced twice in {', '.join(codes)}")
    return tuple(sorted(items, key=lambda m: m.currency.code))


@attrs.frozen
class Prices:
    """One list price per currency: per unit (user or capacity unit) and per month.

    >>> p = Prices.of(USD="12.50", EUR="10.50")
    >>> p.get("EUR"), p.get("GBP")
    (Money('10.50', 'EUR'), None)
    >>> p.codes
    ('EUR', 'USD')
    """

    amounts: tuple[Money, ...] = attrs.field(default=(), converter=_sorted_prices)

    @classmethod
    def of(cls, **amounts: object) -> Prices:
        """``Prices.of(USD="6.00", EUR="5.10")``; amounts as strings, ints or Decimals."""
        return cls(tuple(Money.of(amount, code) for code, amount in amounts.items()))

    def get(self, code: str | Currency) -> Money | None:
        """The price in that currency, or None when there is none."""
        wanted = code.code if isinstance(code, Currency) else code
        for amount in self.amounts:
            if amount.currency.code == wanted:
                return amount
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        """The currency codes priced, sorted."""
        return tuple(m.currency.code for m in self.amounts)

    def __iter__(self) -> Iterator[Money]:
        return iter(self.amounts)

    def __len__(self) -> int:
        return len(self.amounts)


def _currencies(values: Iterable[Currency | str]) -> tuple[Currency, ...]:
    return tuple(currency(v) for v in tuple_of(values, "currencies"))


@attrs.frozen
class Offer:
    """A product sold on a term and billing frequency, with a monthly list price per currency.

    ``prices`` are per unit and per month (what price lists print as "user/month"): a year
    billed annually costs 12 times the monthly price, see :meth:`period_price`.
    ``unpriced`` names declared currencies for which no sourced price was found, so that the gap
    is visible in the data instead of a guessed number. ``valid_from`` / ``valid_until`` bound
    the half-open window in which the price applies (None: no bound). ``source`` says where the
    price comes from and its date.
    """

    term: Term
    billing_frequency: BillingFrequency
    prices: Prices = Prices()
    unpriced: tuple[Currency, ...] = attrs.field(default=(), converter=_currencies)
    valid_from: date | None = None
    valid_until: date | None = None
    source: str = ""

    def is_valid_on(self, day: date) -> bool:
        """True when the price applies on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day < self.valid_until

    def price(self, code: str | Currency) -> Money | None:
        """The monthly list price per unit in that currency, or None."""
        return self.prices.get(code)

    def period_price(self, code: str | Currency) -> Money | None:
        """The list price per unit of one billing period (a month, a year, or the whole term)."""
        monthly = self.prices.get(code)
        if monthly is None:
            return None
        months = self.billing_frequency.months(self.term)
        if months == 1 and units_of(monthly):
            # A monthly period costs the monthly price: ``monthly * 1`` of a Money holding its
            # (non-zero) minor units is that very value, field for field; no copy is built.
            return monthly
        return monthly * months


@attrs.frozen
class Capability:
    """Something a product gives a tenant, that add-ons may require."""

    id: str
    name: DisplayName
    source: str = ""


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    ids = tuple_of(values, "ids")
    for value in ids:
        expect(value, str, "an id")
    return ids


@attrs.frozen
class Plan:
    """A base plan: a subscription add-ons are bought on.

    ``grants`` lists the capabilities it includes; ``aliases`` older or other names it was sold
    under; ``sold_from`` / ``sold_until`` the half-open window it is sold in (None: no bound).
    ``changes_to``: the plans a subscription of it may change to (upgrade paths, see
    :mod:`subcommerce.plan_changes`); they must be other plans, and the paths must not loop.
    """

    id: str
    name: DisplayName
    grants: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    offers: tuple[Offer, ...] = ()
    unit: LicenseUnit = LicenseUnit.PER_USER
    sold_from: date | None = None
    sold_until: date | None = None
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    source: str = ""
    changes_to: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    def is_sold_on(self, day: date) -> bool:
        """True when the product can be bought on ``day``."""
        return _in_window(day, self.sold_from, self.sold_until)


@attrs.frozen
class Addon:
    """An add-on: bought on a base plan, possibly needing capabilities, possibly excluding others.

    ``kind``: the kind of add-on a purchase creates from 2015-12-01 on (seed 002: purchases before
    that date are traditional whatever this says; see :mod:`subcommerce.addons`).
    ``available_on``: the plans it can be bought on (at least one).
    ``requires``: capabilities the tenant must already have, from an active subscription or an
    owned add-on. ``excludes``: add-ons it cannot be combined with (the exclusion is mutual).
    ``must_connect``: it must be connected to a base subscription at purchase (seed 001).
    ``unit``: per-user licenses or capacity units. ``bounded_by_base``: for per-user add-ons, the
    quantity may not go beyond the licenses of the base subscription(s) (an UNCONFIRMED rule, so
    a setting). ``max_instances``: how many subscriptions of it a tenant may hold (None: no limit).
    """

    id: str
    name: DisplayName
    available_on: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    kind: AddonKind = AddonKind.STANDALONE
    requires: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    excludes: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    must_connect: bool = False
    bounded_by_base: bool = True
    max_instances: int | None = None
    grants: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    offers: tuple[Offer, ...] = ()
    unit: LicenseUnit = LicenseUnit.PER_USER
    sold_from: date | None = None
    sold_until: date | None = None
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    source: str = ""

    def is_sold_on(self, day: date) -> bool:
        """True when the add-on can be bought on ``day``."""
        return _in_window(day, self.sold_from, self.sold_until)


#: A plan or an add-on.
Product = Plan | Addon


def _in_window(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day < end)


class MatrixCell(Choice):
    """One cell of the add-on x plan matrix."""

    AVAILABLE = "available"  # the add-on can be bought on the plan
    INCLUDED = "included"  # not sold on the plan, which already grants what the add-on grants
    NONE = "none"


@attrs.frozen
class Matrix:
    """Which add-on can be bought on which plan: rows are add-ons, columns plans, in catalog order.

    A cell says AVAILABLE when the plan is in the add-on's ``available_on``; INCLUDED when it is
    not but the plan grants every capability the add-on grants; NONE otherwise.
    """

    addons: tuple[str, ...]
    plans: tuple[str, ...]
    cells: tuple[tuple[MatrixCell, ...], ...]

    def cell(self, addon_id: str, plan_id: str) -> MatrixCell:
        """The cell of ``addon_id`` on ``plan_id``."""
        try:
            return self.cells[self.addons.index(addon_id)][self.plans.index(plan_id)]
        except ValueError:
            raise UnknownReference(
                f"the matrix has no add-on {addon_id!r} or no plan {plan_id!r}"
            ) from None

    def available_on(self, plan_id: str) -> tuple[str, ...]:
        """The add-ons that can be bought on ``plan_id``, in catalog order."""
        column = self.plans.index(plan_id) if plan_id in self.plans else -1
        if column < 0:
            raise UnknownReference(f"the matrix has no plan {plan_id!r}")
        return tuple(
            addon
            for addon, row in zip(self.addons, self.cells, strict=True)
            if row[column] is MatrixCell.AVAILABLE
        )

    def rows(self) -> list[dict[str, object]]:
        """One plain record per add-on: its id, then its cell on each plan."""
        return tables.matrix_table(self).rows()

    def to_pandas(self) -> Any:
        """The matrix as a frame indexed by add-on, one column per plan."""
        return tables.matrix_table(self).to_pandas()

    def _repr_html_(self) -> str:
        return display.matrix_html(self)


def _index_field() -> Any:
    return attrs.field(init=False, eq=False, repr=False, hash=False)


def _capability_items(values: Iterable[Capability]) -> tuple[Capability, ...]:
    return tuple(expect(v, Capability, "a capability") for v in tuple_of(values, "capabilities"))


def _plan_items(values: Iterable[Plan]) -> tuple[Plan, ...]:
    return tuple(expect(v, Plan, "a plan") for v in tuple_of(values, "plans"))


def _addon_items(values: Iterable[Addon]) -> tuple[Addon, ...]:
    return tuple(expect(v, Addon, "an add-on") for v in tuple_of(values, "add-ons"))


@attrs.frozen
class Catalog:
    """Plans, add-ons and capabilities, validated as a whole when built.

    ``currencies`` are the currencies every offer must either price or list as ``unpriced``.
    Building a catalog with faults raises :class:`~subcommerce.errors.CatalogInvalid` listing
    every fault with its path in the data.
    """

    id: str
    name: DisplayName
    currencies: tuple[Currency, ...] = attrs.field(default=(), converter=_currencies)
    capabilities: tuple[Capability, ...] = attrs.field(default=(), converter=_capability_items)
    plans: tuple[Plan, ...] = attrs.field(default=(), converter=_plan_items)
    addons: tuple[Addon, ...] = attrs.field(default=(), converter=_addon_items)
    source: str = ""

    _products: Mapping[str, Product] = _index_field()
    _capability_index: Mapping[str, Capability] = _index_field()
    _plan_ids: frozenset[str] = _index_field()
    _exclusions: Mapping[str, frozenset[str]] = _index_field()
    _eligible: Mapping[str, frozenset[str]] = _index_field()

    def __attrs_post_init__(self) -> None:
        problems = find_problems(self)
        if problems:
            raise CatalogInvalid(problems)
        products: dict[str, Product] = {p.id: p for p in self.plans}
        products.update((a.id, a) for a in self.addons)
        exclusions: dict[str, set[str]] = {a.id: set(a.excludes) for a in self.addons}
        for addon in self.addons:
            for other in addon.excludes:
                exclusions[other].add(addon.id)
        _set = object.__setattr__
        _set(self, "_products", MappingProxyType(products))
        _set(self, "_capability_index", MappingProxyType({c.id: c for c in self.capabilities}))
        _set(self, "_plan_ids", frozenset(p.id for p in self.plans))
        _set(
            self,
            "_exclusions",
            MappingProxyType({k: frozenset(v) for k, v in exclusions.items()}),
        )
        _set(
            self,
            "_eligible",
            MappingProxyType({a.id: frozenset(a.available_on) for a in self.addons}),
        )

    def __repr__(self) -> str:
        return (
            f"<Catalog {self.id!r}: {len(self.plans)} plans, {len(self.addons)} add-ons, "
            f"{len(self.capabilities)} capabilities, currencies "
            f"{', '.join(c.code for c in self.currencies) or 'any'}>"
        )

    def __reduce__(self) -> tuple[type[Catalog], tuple[object, ...]]:
        # Pickled as its data and rebuilt (and validated) on the other side, for worker processes.
        return (
            Catalog,
            (
                self.id,
                self.name,
                self.currencies,
                self.capabilities,
                self.plans,
                self.addons,
                self.source,
            ),
        )

    # -- what-ifs: a changed catalog, validated like any other --------------------------------

    def with_price(
        self,
        product_id: str,
        price: Money,
        *,
        term: Term | str | None = None,
        billing_frequency: BillingFrequency | str | None = None,
        valid_on: date | None = None,
        id: str | None = None,
    ) -> Catalog:
        """This catalog with ``price`` (monthly, per unit) on the offers of ``product_id``.

        Only the offers of that ``term``, ``billing_frequency`` and valid on ``valid_on`` when
        they are given; UnknownReference when no offer matches. The price's currency is set (and
        dropped from ``unpriced``); the other currencies keep their prices. ``id``: the new
        catalog's id (the same by default, so scenarios priced with this one run unchanged).
        """
        if not isinstance(price, Money):
            raise InvalidAmount(f"a price must be Money, got {price!r}")
        if term is not None and type(term) is not Term:
            term = enum_member(Term, term, "term")
        if billing_frequency is not None and type(billing_frequency) is not BillingFrequency:
            billing_frequency = enum_member(
                BillingFrequency, billing_frequency, "billing frequency"
            )
        code = price.currency.code
        found = False

        def change(offer: Offer) -> Offer:
            nonlocal found
            if (
                (term is not None and offer.term is not term)
                or (
                    billing_frequency is not None
                    and offer.billing_frequency is not billing_frequency
                )
                or (valid_on is not None and not offer.is_valid_on(valid_on))
            ):
                return offer
            found = True
            kept = tuple(m for m in offer.prices if m.currency.code != code)
            return attrs.evolve(
                offer,
                prices=Prices((*kept, price)),
                unpriced=tuple(c for c in offer.unpriced if c.code != code),
            )

        changed = self._with_offers(product_id, change, id)
        if not found:
            raise UnknownReference(f"{product_id!r} has no such offer in catalog {self.id!r}")
        return changed

    def with_offer(self, product_id: str, offer: Offer, *, id: str | None = None) -> Catalog:
        """This catalog with one more offer for ``product_id`` (an overlap is a CatalogInvalid)."""
        if not isinstance(offer, Offer):
            raise InvalidAmount(f"not an offer: {offer!r}")
        product = self.product(product_id)
        return self._with_product(attrs.evolve(product, offers=(*product.offers, offer)), id)

    def with_product(self, product: Product, *, id: str | None = None) -> Catalog:
        """This catalog with a new plan or add-on (or one replaced, when its id is taken)."""
        if not isinstance(product, Plan | Addon):
            raise UnknownReference(f"not a plan or an add-on: {product!r}")
        return self._with_product(product, id)

    def with_discount(
        self,
        percent: object,
        *,
        products: Iterable[str] | None = None,
        currency: str | Currency | None = None,
        mode: RoundingMode = RoundingMode.HALF_EVEN,
        id: str | None = None,
    ) -> Catalog:
        """This catalog with every list price (of ``products``, in ``currency``) ``percent`` off.

        ``percent`` is exact (a string, an int or a Decimal; 0 to 100); each discounted price is
        rounded to the currency's minor unit with ``mode``.
        """
        rate = to_decimal(percent, what="percent")
        if not 0 <= rate <= 100:
            raise InvalidAmount(f"a discount of {rate}% is not between 0 and 100")
        wanted = None if products is None else tuple_of(products, "products")
        for product_id in wanted or ():
            self.product(expect(product_id, str, "a product id"))
        if currency is not None and not isinstance(currency, Currency):
            expect(currency, str, "currency")
        code = None if currency is None else Currency.of(str(currency)).code
        mode = RoundingMode(mode) if isinstance(mode, str) else expect(mode, RoundingMode, "mode")
        if id is not None:
            expect(id, str, "id")
        factor = (100 - rate) / 100

        def discount(offer: Offer) -> Offer:
            amounts = tuple(
                (m * factor).rounded(mode) if code is None or m.currency.code == code else m
                for m in offer.prices
            )
            return attrs.evolve(offer, prices=Prices(amounts))

        out = self
        every: tuple[Product, ...] = (*self.plans, *self.addons)
        for product in every:
            if wanted is None or product.id in wanted:
                out = out._with_offers(product.id, discount, None)
        return out if id is None else attrs.evolve(out, id=id)

    def _with_offers(
        self, product_id: str, change: Callable[[Offer], Offer], id: str | None
    ) -> Catalog:
        product = self.product(product_id)
        offers = tuple(change(o) for o in product.offers)
        return self._with_product(attrs.evolve(product, offers=offers), id)

    def _with_product(self, product: Product, id: str | None) -> Catalog:
        def put(products: tuple[Any, ...]) -> tuple[Any, ...]:
            if any(p.id == product.id for p in products):
                return tuple(product if p.id == product.id else p for p in products)
            return (*products, product)

        plans, addons = self.plans, self.addons
        if isinstance(product, Plan):
            plans = put(plans)
        else:
            addons = put(addons)
        return attrs.evolve(self, id=self.id if id is None else id, plans=plans, addons=addons)

    # -- look-ups ---------------------------------------------------------------------------

    def product(self, product_id: str) -> Product:
        """The plan or add-on ``product_id``; UnknownReference if the catalog has none."""
        try:
            return self._products[product_id]
        except (KeyError, TypeError):
            expect(product_id, str, "product id")
            raise UnknownReference(f"catalog {self.id!r} has no product {product_id!r}") from None

    def plan(self, plan_id: str) -> Plan:
        """The plan ``plan_id``; UnknownReference if it is not a plan of this catalog."""
        product = self.product(plan_id)
        if not isinstance(product, Plan):
            raise UnknownReference(f"{plan_id!r} is an add-on, not a plan")
        return product

    def addon(self, addon_id: str) -> Addon:
        """The add-on ``addon_id``; UnknownReference if it is not an add-on of this catalog."""
        product = self.product(addon_id)
        if not isinstance(product, Addon):
            raise UnknownReference(f"{addon_id!r} is a plan, not an add-on")
        return product

    def capability(self, capability_id: str) -> Capability:
        """The capability ``capability_id``; UnknownReference if there is none."""
        try:
            return self._capability_index[capability_id]
        except (KeyError, TypeError):
            expect(capability_id, str, "capability id")
            raise UnknownReference(
                f"catalog {self.id!r} has no capability {capability_id!r}"
            ) from None

    def get(self, product_id: str) -> Product | None:
        """The plan or add-on ``product_id``, or None."""
        try:
            return self._products.get(product_id)
        except TypeError:
            raise InvalidArgument(f"product id must be a string, got {product_id!r}") from None

    def is_plan(self, product_id: str) -> bool:
        """True when ``product_id`` is a plan of this catalog."""
        return self.get(product_id) is not None and product_id in self._plan_ids

    def change_targets(self, plan_id: str) -> tuple[str, ...]:
        """The plans a subscription of ``plan_id`` may change to, in catalog order of the path."""
        return self.plan(plan_id).changes_to

    def exclusions(self, addon_id: str) -> frozenset[str]:
        """The add-ons ``addon_id`` cannot be combined with, declared on either side."""
        self.addon(addon_id)
        return self._exclusions[addon_id]

    def eligible_plans(self, addon_id: str) -> frozenset[str]:
        """The plans ``addon_id`` can be bought on."""
        self.addon(addon_id)
        return self._eligible[addon_id]

    def name_of(self, some_id: str, lang: str = "en") -> str:
        """The display name of a product or capability id; the id itself if it names neither."""
        product = self.get(some_id)
        if product is not None:
            return product.name.get(lang)
        capability = self._capability_index.get(some_id)
        if capability is not None:
            return capability.name.get(lang)
        return some_id

    # -- offers and prices ------------------------------------------------------------------

    def offers(self, product_id: str, as_of: date | None = None) -> tuple[Offer, ...]:
        """The offers of a product, only those valid on ``as_of`` when it is given."""
        offers = self.product(product_id).offers
        if as_of is None:
            return offers
        check_date(as_of, "as-of date")
        return tuple(o for o in offers if o.is_valid_on(as_of))

    def offer(
        self,
        product_id: str,
        term: Term | str,
        billing_frequency: BillingFrequency | str,
        as_of: date,
    ) -> Offer | None:
        """The offer of a product for that term and frequency on ``as_of``, or None.

        ``term`` and ``billing_frequency`` may be given by their values (``"P1Y"``,
        ``"monthly"``); anything else raises :class:`~subcommerce.errors.InvalidPeriod`.
        """
        if type(term) is not Term:
            term = enum_member(Term, term, "term")
        if type(billing_frequency) is not BillingFrequency:
            billing_frequency = enum_member(
                BillingFrequency, billing_frequency, "billing frequency"
            )
        for offer in self.product(product_id).offers:
            if (
                offer.term is term
                and offer.billing_frequency is billing_frequency
                and offer.is_valid_on(as_of)
            ):
                return offer
        return None

    def price(
        self,
        product_id: str,
        term: Term | str,
        billing_frequency: BillingFrequency | str,
        code: str | Currency,
        as_of: date,
    ) -> Money | None:
        """The monthly list price per unit, or None when the catalog has no such price.

        ``term`` and ``billing_frequency`` may be given by their values, as for :meth:`offer`.
        """
        offer = self.offer(product_id, term, billing_frequency, as_of)
        return None if offer is None else offer.price(code)

    def matrix(self) -> Matrix:
        """The add-on x plan matrix of this catalog."""
        rows = []
        for addon in self.addons:
            on = set(addon.available_on)
            grants = set(addon.grants)
            row = []
            for plan in self.plans:
                if plan.id in on:
                    row.append(MatrixCell.AVAILABLE)
                elif grants and grants <= set(plan.grants):
                    row.append(MatrixCell.INCLUDED)
                else:
                    row.append(MatrixCell.NONE)
            rows.append(tuple(row))
        return Matrix(
            tuple(a.id for a in self.addons), tuple(p.id for p in self.plans), tuple(rows)
        )


def merge_catalogs(
    catalog_id: str, name: DisplayName, parts: Iterable[Catalog], source: str = ""
) -> Catalog:
    """One catalog holding the products of ``parts``; the same capability may appear in several.

    Declared currencies are the union, so every part's offers must price (or list as unpriced)
    every currency of every part. Conflicting ids are reported like any other fault.
    """
    currencies: list[Currency] = []
    capabilities: list[Capability] = []
    plans: list[Plan] = []
    addons: list[Addon] = []
    for part in tuple_of(parts, "catalogs to merge"):
        expect(part, Catalog, "a catalog to merge")
        currencies.extend(c for c in part.currencies if c not in currencies)
        capabilities.extend(c for c in part.capabilities if c not in capabilities)
        plans.extend(part.plans)
        addons.extend(part.addons)
    return Catalog(
        catalog_id,
        name,
        currencies=tuple(currencies),
        capabilities=tuple(capabilities),
        plans=tuple(plans),
        addons=tuple(addons),
        source=source,
    )


# -- validation ---------------------------------------------------------------------------------


def find_problems(catalog: Catalog) -> tuple[str, ...]:
    """Every fault of a catalog, each as ``"<path>: <what is wrong>"``; empty when it is sound.

    Paths follow the plain-data layout (``catalog.plans[2].offers[0].prices``), so they point at
    the culprit in a TOML or JSON file.
    """
    problems: list[str] = []
    root = "catalog"

    seen_codes: dict[str, int] = {}
    for i, cur in enumerate(catalog.currencies):
        if cur.code in seen_codes:
            problems.append(
                f"{root}.currencies[{i}]: currency {cur.code} is declared twice "
                f"(first at {root}.currencies[{seen_codes[cur.code]}])"
            )
        else:
            seen_codes[cur.code] = i
    declared = tuple(seen_codes)

    capability_ids: dict[str, str] = {}
    for i, cap in enumerate(catalog.capabilities):
        path = f"{root}.capabilities[{i}]"
        problems.extend(_check_id(cap.id, path))
        if cap.id in capability_ids:
            problems.append(
                f"{path}.id: duplicate capability id {cap.id!r} "
                f"(first at {capability_ids[cap.id]}.id)"
            )
        else:
            capability_ids[cap.id] = path

    product_paths: dict[str, str] = {}
    products: list[tuple[str, Product]] = [
        (f"{root}.plans[{i}]", p) for i, p in enumerate(catalog.plans)
    ] + [(f"{root}.addons[{i}]", a) for i, a in enumerate(catalog.addons)]
    for path, product in products:
        problems.extend(_check_id(product.id, path))
        if product.id in product_paths:
            problems.append(
                f"{path}.id: duplicate product id {product.id!r} "
                f"(first at {product_paths[product.id]}.id)"
            )
        else:
            product_paths[product.id] = path

    plan_ids = {p.id for p in catalog.plans}
    addon_ids = {a.id for a in catalog.addons}
    for path, product in products:
        for j, cap_id in enumerate(product.grants):
            if cap_id not in capability_ids:
                problems.append(f"{path}.grants[{j}]: {cap_id!r} names no capability")
        if (
            product.sold_from is not None
            and product.sold_until is not None
            and product.sold_until <= product.sold_from
        ):
            problems.append(f"{path}.sold_until: the sale window ends before it starts")
        problems.extend(_offer_problems(product.offers, f"{path}.offers", declared))
        if isinstance(product, Addon):
            problems.extend(_addon_problems(product, path, plan_ids, addon_ids, capability_ids))
        else:
            problems.extend(_change_path_problems(product, path, plan_ids, addon_ids))

    problems.extend(_cycle_problems(catalog, root))
    problems.extend(_change_cycle_problems(catalog, root))
    return tuple(problems)


def _check_id(value: str, path: str) -> list[str]:
    if not value or value != value.strip() or any(ch.isspace() for ch in value):
        return [f"{path}.id: {value!r} is not a usable id (empty or with spaces)"]
    return []


def _offer_problems(offers: tuple[Offer, ...], path: str, declared: tuple[str, ...]) -> list[str]:
    problems: list[str] = []
    for k, offer in enumerate(offers):
        here = f"{path}[{k}]"
        try:
            offer.billing_frequency.months(offer.term)
        except InvalidPeriod:
            problems.append(
                f"{here}.billing_frequency: a {offer.term.value} term cannot be billed "
                f"{offer.billing_frequency.value}"
            )
        unpriced = [c.code for c in offer.unpriced]
        for code in declared:
            if offer.prices.get(code) is None and code not in unpriced:
                problems.append(
                    f"{here}.prices: no price in {code}, a declared currency "
                    f"(give one, or list {code} under unpriced)"
                )
        for n, code in enumerate(unpriced):
            if offer.prices.get(code) is not None:
                problems.append(f"{here}.unpriced[{n}]: {code} is priced and listed as unpriced")
            elif code not in declared:
                problems.append(f"{here}.unpriced[{n}]: {code} is not a declared currency")
        for amount in offer.prices:
            if amount.amount < 0:
                problems.append(f"{here}.prices: the {amount.currency.code} price is negative")
        if (
            offer.valid_from is not None
            and offer.valid_until is not None
            and offer.valid_until <= offer.valid_from
        ):
            problems.append(f"{here}.valid_until: the validity window ends before it starts")
        for m in range(k):
            earlier = offers[m]
            if (
                earlier.term is offer.term
                and earlier.billing_frequency is offer.billing_frequency
                and _windows_overlap(earlier, offer)
            ):
                problems.append(
                    f"{here}: overlaps {path}[{m}] (same term and billing frequency, "
                    f"overlapping validity windows)"
                )
    return problems


def _windows_overlap(a: Offer, b: Offer) -> bool:
    a_starts_before_b_ends = (
        b.valid_until is None or a.valid_from is None or a.valid_from < (b.valid_until)
    )
    b_starts_before_a_ends = (
        a.valid_until is None or b.valid_from is None or b.valid_from < (a.valid_until)
    )
    return a_starts_before_b_ends and b_starts_before_a_ends


def _addon_problems(
    addon: Addon,
    path: str,
    plan_ids: set[str],
    addon_ids: set[str],
    capability_ids: Mapping[str, str],
) -> list[str]:
    problems: list[str] = []
    if not addon.available_on:
        problems.append(f"{path}.available_on: an add-on must name at least one plan")
    for j, plan_id in enumerate(addon.available_on):
        if plan_id not in plan_ids:
            what = "an add-on, not a plan" if plan_id in addon_ids else "names no plan"
            problems.append(f"{path}.available_on[{j}]: {plan_id!r} {what}")
    for j, cap_id in enumerate(addon.requires):
        if cap_id not in capability_ids:
            problems.append(f"{path}.requires[{j}]: {cap_id!r} names no capability")
    for j, other in enumerate(addon.excludes):
        if other == addon.id:
            problems.append(f"{path}.excludes[{j}]: an add-on cannot exclude itself")
        elif other not in addon_ids:
            problems.append(f"{path}.excludes[{j}]: {other!r} names no add-on")
    if addon.max_instances is not None and (
        isinstance(addon.max_instances, bool) or addon.max_instances < 1
    ):
        problems.append(f"{path}.max_instances: {addon.max_instances!r} is not at least 1")
    return problems


def _change_path_problems(
    plan: Plan, path: str, plan_ids: set[str], addon_ids: set[str]
) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for j, target in enumerate(plan.changes_to):
        if target == plan.id:
            problems.append(f"{path}.changes_to[{j}]: a plan cannot change to itself")
        elif target not in plan_ids:
            what = "an add-on, not a plan" if target in addon_ids else "names no plan"
            problems.append(f"{path}.changes_to[{j}]: {target!r} {what}")
        elif target in seen:
            problems.append(f"{path}.changes_to[{j}]: {target!r} is listed twice")
        seen.add(target)
    return problems


def _change_cycle_problems(catalog: Catalog, root: str) -> list[str]:
    """Change paths that loop (A -> B -> A): a change of plan only goes up (same or more
    data-related services), so a path that comes back is a fault of the data."""
    index = {p.id: i for i, p in enumerate(catalog.plans)}
    edges = {p.id: [t for t in p.changes_to if t in index and t != p.id] for p in catalog.plans}
    problems = []
    for component in _strongly_connected(list(index), edges):
        if len(component) == 1:
            continue
        first = min(component, key=index.__getitem__)
        cycle = _cycle_through(first, set(component), edges)
        problems.append(
            f"{root}.plans[{index[first]}].changes_to: change paths loop " + " -> ".join(cycle)
        )
    return problems


def _cycle_problems(catalog: Catalog, root: str) -> list[str]:
    """Prerequisite cycles: A requires a capability that B grants, B (transitively) needs A."""
    index = {a.id: i for i, a in enumerate(catalog.addons)}
    grantors: dict[str, list[str]] = {}
    for addon in catalog.addons:
        for cap in addon.grants:
            grantors.setdefault(cap, []).append(addon.id)
    edges: dict[str, list[str]] = {}
    for addon in catalog.addons:
        targets: list[str] = []
        for cap in addon.requires:
            for other in grantors.get(cap, ()):
                if other not in targets:
                    targets.append(other)
        edges[addon.id] = targets
    problems = []
    for component in _strongly_connected(list(index), edges):
        first = min(component, key=index.__getitem__)
        if len(component) == 1 and first not in edges[first]:
            continue
        cycle = _cycle_through(first, set(component), edges)
        problems.append(
            f"{root}.addons[{index[first]}].requires: prerequisite cycle " + " -> ".join(cycle)
        )
    return problems


def _strongly_connected(nodes: list[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in a deterministic order."""
    counter = 0
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in nodes:
        if start in number:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                number[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in number:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], number[target])
                continue
            if low[node] == number[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _cycle_through(first: str, members: set[str], edges: Mapping[str, list[str]]) -> list[str]:
    """A shortest path first -> ... -> first inside one strongly connected component."""
    previous: dict[str, str] = {}
    frontier = [first]
    while frontier:
        following = []
        for node in frontier:
            for target in edges[node]:
                if target not in members:
                    continue
                if target == first:
                    path = [node]
                    while path[-1] != first:
                        path.append(previous[path[-1]])
                    return [first, *reversed(path[:-1]), first]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return [first, first]  # pragma: no cover - a component always holds a cycle
