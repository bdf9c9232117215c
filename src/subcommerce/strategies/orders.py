"""Hypothesis builders for carts, orders and what-if scenarios, and a small priced catalog.

The catalog is built for each currency with generated prices, so that scenarios meet every path:
two plans with monthly and annual offers, a standalone add-on that must be connected to its base,
a capacity add-on, a traditional add-on, and an add-on that is not priced at all.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from subcommerce.billing import (
    MICROSOFT,
    BillingAccount,
    BillingAccountType,
    BillingProfile,
    InvoiceSection,
    PaymentMethod,
    Role,
    RoleAssignment,
)
from subcommerce.catalog import Addon, AddonKind, Catalog, DisplayName, LicenseUnit, Offer, Plan
from subcommerce.catalog import Prices as CatalogPrices
from subcommerce.commands import (
    AssignLicenses,
    CancelSubscription,
    ChangeBillingFrequency,
    ChangeLicenseQuantity,
    ChangeTerm,
    CompleteCreditCheck,
    Reactivate,
    SetPaymentMethod,
    SetRecurringBilling,
    UnassignLicenses,
)
from subcommerce.money import Currency, Money
from subcommerce.orders import AddAddon, Cart, CartLine, ChangeLicenses, NewSubscription, PlaceOrder
from subcommerce.periods import BillingFrequency, Term
from subcommerce.simulate import Scenario, Step
from subcommerce.subscriptions import Tenant

__all__ = [
    "ADDONS",
    "ADMIN",
    "CATALOG_ID",
    "CURRENCY_CODES",
    "Ids",
    "OFFERED",
    "PAIRS",
    "PLANS",
    "cart_lines",
    "commands_on",
    "mca_tenant",
    "mosa_tenant",
    "orders",
    "scenarios",
    "shop",
    "shops",
    "starts",
    "tenants",
]

ADMIN = "admin@contoso.com"
CATALOG_ID = "test-shop"
CURRENCY_CODES = ("USD", "JPY", "KWD", "EUR")
PLANS = ("basic", "premium")
ADDONS = ("phone", "storage", "lockbox", "unpriced")
#: The term and billing-frequency pairs the test catalog offers (and one it does not: P1M annual
#: cannot exist, P3Y is never offered).
OFFERED = (
    (Term.P1M, BillingFrequency.MONTHLY),
    (Term.P1Y, BillingFrequency.ANNUAL),
    (Term.P1Y, BillingFrequency.MONTHLY),
)
PAIRS = (*OFFERED, (Term.P3Y, BillingFrequency.ANNUAL))


def _name(text: str) -> DisplayName:
    return DisplayName(text.title(), text.title())


def _offers(code: str, monthly_units: int) -> tuple[Offer, ...]:
    """The three offers of a product priced ``monthly_units`` minor units a month (P1M +20 %)."""
    currency = Currency.of(code)
    base = Money.from_minor_units(monthly_units, currency)
    premium = Money.from_minor_units(monthly_units * 6 // 5, currency)
    return (
        Offer(Term.P1M, BillingFrequency.MONTHLY, CatalogPrices((premium,))),
        Offer(Term.P1Y, BillingFrequency.ANNUAL, CatalogPrices((base,))),
        Offer(Term.P1Y, BillingFrequency.MONTHLY, CatalogPrices((base,))),
    )


def shop(code: str = "USD", prices: tuple[int, ...] = (600, 2200, 1000, 20, 300)) -> Catalog:
    """The test catalog in ``code``, with monthly prices (minor units) for basic, premium, phone,
    storage and lockbox."""
    basic, premium, phone, storage, lockbox = prices
    return Catalog(
        CATALOG_ID,
        _name("test shop"),
        currencies=(Currency.of(code),),
        plans=(
            Plan("basic", _name("basic"), offers=_offers(code, basic)),
            Plan("premium", _name("premium"), offers=_offers(code, premium)),
        ),
        addons=(
            Addon(
                "phone",
                _name("phone"),
                available_on=("premium",),
                must_connect=True,
                offers=_offers(code, phone),
            ),
            Addon(
                "storage",
                _name("storage"),
                available_on=("basic", "premium"),
                unit=LicenseUnit.CAPACITY,
                bounded_by_base=False,
                offers=_offers(code, storage),
            ),
            Addon(
                "lockbox",
                _name("lockbox"),
                available_on=("basic", "premium"),
                kind=AddonKind.TRADITIONAL,
                offers=_offers(code, lockbox),
            ),
            Addon("unpriced", _name("unpriced"), available_on=("basic", "premium")),
        ),
    )


@st.composite
def shops(draw: st.DrawFn) -> Catalog:
    """The test catalog in a drawn currency (0, 2 or 3 decimals) with drawn prices."""
    code = draw(st.sampled_from(CURRENCY_CODES))
    prices = tuple(draw(st.integers(0, 9_999)) for _ in range(5))
    return shop(code, prices)


def mosa_tenant() -> Tenant:
    account = BillingAccount(
        "contoso", BillingAccountType.MOSA, (RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),)
    )
    return Tenant("contoso.com", account=account)


def mca_tenant(method: PaymentMethod | None = PaymentMethod.CARD, profiles: int = 1) -> Tenant:
    made = tuple(
        BillingProfile(
            f"contoso/profile-{n}",
            (InvoiceSection(f"contoso/section-{n}"),),
            payment_method=method,
        )
        for n in range(1, profiles + 1)
    )
    roles = (
        RoleAssignment(ADMIN, Role.BILLING_ACCOUNT_OWNER),
        RoleAssignment(ADMIN, Role.GLOBAL_ADMIN),
    )
    return Tenant(
        "contoso.com", account=BillingAccount("contoso", BillingAccountType.MCA, roles, made)
    )


@st.composite
def tenants(draw: st.DrawFn) -> Tenant:
    """An empty tenant with a MOSA or an MCA account (one or two profiles, a drawn method)."""
    if draw(st.booleans()):
        return mosa_tenant()
    method = draw(st.sampled_from([PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.INVOICE]))
    return mca_tenant(method, draw(st.integers(1, 2)))


def starts() -> st.SearchStrategy[date]:
    """First days of scenarios: any day, with month ends and a leap day weighted in."""
    return st.one_of(
        st.dates(date(2023, 1, 1), date(2027, 12, 31)),
        st.sampled_from(
            [date(2024, 1, 31), date(2024, 2, 29), date(2025, 1, 31), date(2025, 3, 31)]
        ),
    )


class Ids:
    """The subscription ids a generated scenario has used so far (a guess at what exists).

    ``missing``: now and then name a subscription that does not exist. ``refer_to_new``: later
    lines may name the subscriptions earlier lines buy (which may have been refused).
    """

    def __init__(
        self, used: list[str] | None = None, *, missing: bool = True, refer_to_new: bool = True
    ) -> None:
        self.used: list[str] = list(used or [])
        self.taken: set[str] = set(self.used)
        self.missing = missing
        self.refer_to_new = refer_to_new

    def fresh(self) -> str:
        number = len(self.taken) + 1
        while f"s{number}" in self.taken:
            number += 1
        name = f"s{number}"
        self.taken.add(name)
        if self.refer_to_new:
            self.used.append(name)
        return name

    def some(self, draw: st.DrawFn) -> str:
        """Mostly an id already used; now and then one that names nothing."""
        if not self.used or (self.missing and draw(st.integers(0, 9)) == 0):
            return "missing"
        return draw(st.sampled_from(self.used))


def _pair(draw: st.DrawFn) -> tuple[Term, BillingFrequency]:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(PAIRS))
    return draw(st.sampled_from(OFFERED))


@st.composite
def cart_lines(draw: st.DrawFn, ids: Ids, *, first: bool = False) -> CartLine:
    """A cart line: a new plan, an add-on on a subscription used before, or a new total."""
    kind = (
        "new"
        if first or not ids.used
        else draw(st.sampled_from(["new", "addon", "change", "change"]))
    )
    term, frequency = (Term.P1M, BillingFrequency.MONTHLY) if first else _pair(draw)
    if kind == "new":
        return NewSubscription(
            product_id=draw(st.sampled_from(PLANS)),
            quantity=draw(st.integers(1, 40)),
            term=term,
            billing_frequency=frequency,
            auto_assign=draw(st.booleans()),
            subscription_id=ids.fresh(),
        )
    if kind == "addon":
        base = ids.some(draw)
        return AddAddon(
            addon_id=draw(st.sampled_from(ADDONS)),
            quantity=draw(st.integers(1, 20)),
            term=term,
            billing_frequency=frequency,
            base_subscription_id=draw(st.sampled_from([base, base, None])),
            subscription_id=ids.fresh(),
        )
    return ChangeLicenses(
        subscription_id=ids.some(draw),
        quantity=draw(st.integers(1, 60)),
        auto_assign=draw(st.booleans()),
    )


@st.composite
def orders(
    draw: st.DrawFn, tenant: Tenant, on: date, ids: Ids, *, first: bool = False
) -> PlaceOrder:
    """An order of 1 to 3 lines by the admin on ``on``, paid the way the account allows."""
    lines = [draw(cart_lines(ids, first=first))]
    lines += draw(st.lists(cart_lines(ids, first=first), max_size=2))
    mca = tenant.account is not None and tenant.account.type.has_profiles
    methods = [PaymentMethod.CARD] * 4 + [PaymentMethod.BANK_ACCOUNT, PaymentMethod.INVOICE]
    method = None if mca else draw(st.sampled_from(methods))
    profile = None
    if mca and tenant.account is not None:
        profile = draw(st.sampled_from([p.id for p in tenant.account.profiles]))
    return PlaceOrder(
        actor=ADMIN,
        as_of=on,
        cart=Cart(tuple(lines)),
        payment_method=method,
        billing_profile_id=profile,
        unlicensed_users=draw(st.integers(0, 30)),
    )


@st.composite
def commands_on(draw: st.DrawFn, tenant: Tenant, on: date, ids: Ids) -> Step:
    """A command of the accounts layer, mostly on a subscription used before."""
    sub = ids.some(draw)
    kind = draw(st.integers(0, 11))
    if kind <= 3:
        return ChangeLicenseQuantity(
            actor=ADMIN, as_of=on, subscription_id=sub, quantity=draw(st.integers(1, 60))
        )
    if kind == 4:
        return CancelSubscription(actor=ADMIN, as_of=on, subscription_id=sub)
    if kind == 5:
        return SetRecurringBilling(
            actor=ADMIN, as_of=on, subscription_id=sub, recurring_billing=draw(st.booleans())
        )
    if kind == 6:
        return AssignLicenses(
            actor=ADMIN, as_of=on, subscription_id=sub, count=draw(st.integers(1, 10))
        )
    if kind == 7:
        return UnassignLicenses(
            actor=ADMIN, as_of=on, subscription_id=sub, count=draw(st.integers(1, 10))
        )
    if kind == 8:
        return CompleteCreditCheck(actor=MICROSOFT, as_of=on, subscription_id=sub)
    if kind == 9:
        return Reactivate(actor=ADMIN, as_of=on, subscription_id=sub)
    if kind == 10:
        return ChangeTerm(
            actor=ADMIN,
            as_of=on,
            subscription_id=sub,
            term=draw(st.sampled_from([Term.P1Y, Term.P3Y])),
        )
    if tenant.account is not None and not tenant.account.type.has_profiles and draw(st.booleans()):
        return SetPaymentMethod(
            actor=ADMIN, as_of=on, subscription_id=sub, payment_method=PaymentMethod.CARD
        )
    return ChangeBillingFrequency(
        actor=ADMIN,
        as_of=on,
        subscription_id=sub,
        billing_frequency=draw(st.sampled_from(BillingFrequency)),
    )


@st.composite
def scenarios(draw: st.DrawFn, max_steps: int = 8, max_days: int = 500) -> tuple[Scenario, Catalog]:
    """A scenario on the test catalog and that catalog: an order first, then orders and commands."""
    catalog = draw(shops())
    tenant = draw(tenants())
    start = draw(starts())
    code = catalog.currencies[0].code
    ids = Ids()
    day = start
    steps: list[Step] = [draw(orders(tenant, day, ids, first=True))]
    for _ in range(draw(st.integers(0, max_steps))):
        day = day + timedelta(days=draw(st.one_of(st.integers(0, 8), st.integers(0, 45))))
        if draw(st.integers(0, 2)) == 0:
            steps.append(draw(orders(tenant, day, ids)))
        else:
            steps.append(draw(commands_on(tenant, day, ids)))
    until = day + timedelta(days=draw(st.integers(0, max_days)))
    scenario = Scenario(
        name="generated",
        start=start,
        tenant=tenant,
        currency=code,
        steps=tuple(steps),
        until=until,
        catalog=CATALOG_ID,
        convention=draw(st.sampled_from(["exact", "exact", "pc-legacy-annual", "pc-nce"])),
    )
    return scenario, catalog
