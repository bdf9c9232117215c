"""Billing accounts (MOSA; MCA with billing profiles and invoice sections), roles and "may I?".

Two shapes of billing account:

* **MOSA** (Microsoft Online Subscription Agreement): billing goes through the subscriptions
  themselves; each purchase is an order and gets its own invoice. Who may do what comes from the
  Microsoft 365 admin roles: global admin and billing admin buy, change and cancel; only a global
  admin changes a billing frequency; license and user admins assign licenses but cannot buy.
* **MCA** (Microsoft Customer Agreement): billing account -> billing profiles (payment method,
  one invoice each) -> invoice sections (the first one is the default). Billing rights come from
  billing roles at one of the three scopes: owner, contributor, reader; an invoice manager on a
  profile views and pays its invoices and nothing else. Admin roles still assign licenses.

Whoever signs up holds the first role: billing admin (MOSA) or billing account owner (MCA).

Every command goes through one pure check, :func:`authorize`, which answers with reasons (empty
when allowed) rather than raising, so an admin tool can grey out a button and say why.

>>> account = BillingAccount.sign_up(BillingAccountType.MOSA, "contoso", "ana@contoso.com")
>>> authorize(account, "ana@contoso.com", Action.BUY)
()
>>> [r.message() for r in authorize(account, "ana@contoso.com", Action.CHANGE_BILLING_FREQUENCY)]
['ana@contoso.com may not change a billing frequency']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from subcommerce._checks import Choice, expect, tuple_of
from subcommerce.errors import InvalidAccount, Reason, ReasonCode, UnknownReference

__all__ = [
    "MICROSOFT",
    "ROLE_ACTIONS",
    "Action",
    "BillingAccount",
    "BillingAccountType",
    "BillingProfile",
    "InvoiceSection",
    "PaymentMethod",
    "Role",
    "RoleAssignment",
    "RoleScope",
    "authorize",
]

#: The principal that stands for Microsoft itself (credit checks, support). No customer role can
#: be granted to it, and only it may do what Microsoft alone does.
MICROSOFT: Final = "microsoft"


#: The agreements billed per billing profile, filled once BillingAccountType exists.
_PROFILE_AGREEMENTS: Final[set[BillingAccountType]] = set()


class BillingAccountType(Choice):
    """The agreement a billing account is under.

    ``MOSA``: Microsoft Online Subscription Agreement; billed through its subscriptions, an invoice
    per order; add-ons are bought from a base subscription. ``MCA``: Microsoft Customer Agreement;
    billing account -> billing profiles -> invoice sections; add-ons are bought like any product.
    ``MPA``: Microsoft Partner Agreement (cloud solution providers).
    """

    MOSA = "mosa"
    MCA = "mca"
    MPA = "mpa"

    if TYPE_CHECKING:

        @property
        def has_profiles(self) -> bool:
            """True for the agreements billed per billing profile (MCA, MPA)."""

    else:
        # Read without a Python call: the getter is the set's own __contains__.
        has_profiles = property(
            _PROFILE_AGREEMENTS.__contains__,
            doc="True for the agreements billed per billing profile (MCA, MPA).",
        )


# Bound once: reading members off the enum class is slow on CPython 3.11 (on every command).
_MOSA: Final = BillingAccountType.MOSA
_PROFILE_AGREEMENTS.update({BillingAccountType.MCA, BillingAccountType.MPA})


class PaymentMethod(Choice):
    """How a subscription (MOSA) or a billing profile (MCA) pays."""

    CARD = "card"
    BANK_ACCOUNT = "bank_account"
    INVOICE = "invoice"  # invoice / wire transfer: needs a credit check first


class RoleScope(Choice):
    """Where a role applies: the whole tenant (admin roles) or one level of an MCA account."""

    DIRECTORY = "directory"
    BILLING_ACCOUNT = "billing_account"
    BILLING_PROFILE = "billing_profile"
    INVOICE_SECTION = "invoice_section"


class Role(Choice):
    """Microsoft 365 admin roles and MCA billing roles."""

    GLOBAL_ADMIN = "global_admin"
    BILLING_ADMIN = "billing_admin"
    LICENSE_ADMIN = "license_admin"
    USER_ADMIN = "user_admin"
    BILLING_ACCOUNT_OWNER = "billing_account_owner"
    BILLING_ACCOUNT_CONTRIBUTOR = "billing_account_contributor"
    BILLING_ACCOUNT_READER = "billing_account_reader"
    BILLING_PROFILE_OWNER = "billing_profile_owner"
    BILLING_PROFILE_CONTRIBUTOR = "billing_profile_contributor"
    BILLING_PROFILE_READER = "billing_profile_reader"
    INVOICE_MANAGER = "invoice_manager"
    INVOICE_SECTION_OWNER = "invoice_section_owner"
    INVOICE_SECTION_CONTRIBUTOR = "invoice_section_contributor"
    INVOICE_SECTION_READER = "invoice_section_reader"

    @property
    def scope(self) -> RoleScope:
        """The level the role is granted at."""
        return _ROLE_SCOPES[self]


_DIRECTORY: Final = RoleScope.DIRECTORY
_BILLING_PROFILE: Final = RoleScope.BILLING_PROFILE
_INVOICE_SECTION: Final = RoleScope.INVOICE_SECTION

_ROLE_SCOPES: Final = MappingProxyType(
    {
        Role.GLOBAL_ADMIN: RoleScope.DIRECTORY,
        Role.BILLING_ADMIN: RoleScope.DIRECTORY,
        Role.LICENSE_ADMIN: RoleScope.DIRECTORY,
        Role.USER_ADMIN: RoleScope.DIRECTORY,
        Role.BILLING_ACCOUNT_OWNER: RoleScope.BILLING_ACCOUNT,
        Role.BILLING_ACCOUNT_CONTRIBUTOR: RoleScope.BILLING_ACCOUNT,
        Role.BILLING_ACCOUNT_READER: RoleScope.BILLING_ACCOUNT,
        Role.BILLING_PROFILE_OWNER: RoleScope.BILLING_PROFILE,
        Role.BILLING_PROFILE_CONTRIBUTOR: RoleScope.BILLING_PROFILE,
        Role.BILLING_PROFILE_READER: RoleScope.BILLING_PROFILE,
        Role.INVOICE_MANAGER: RoleScope.BILLING_PROFILE,
        Role.INVOICE_SECTION_OWNER: RoleScope.INVOICE_SECTION,
        Role.INVOICE_SECTION_CONTRIBUTOR: RoleScope.INVOICE_SECTION,
        Role.INVOICE_SECTION_READER: RoleScope.INVOICE_SECTION,
    }
)


class Action(Choice):
    """What a command asks to do, as the authorization check sees it."""

    BUY = "buy"  # purchase a subscription or an add-on, start a trial
    CHANGE_SUBSCRIPTION = "change_subscription"  # licenses, recurring billing, cancel, reactivate
    CHANGE_BILLING_FREQUENCY = "change_billing_frequency"
    ASSIGN_LICENSES = "assign_licenses"
    MANAGE_PAYMENT_METHODS = "manage_payment_methods"
    PAY_INVOICES = "pay_invoices"
    VIEW_BILLING = "view_billing"
    MANAGE_ADMIN_ROLES = "manage_admin_roles"
    MANAGE_BILLING_ROLES = "manage_billing_roles"
    # What Microsoft alone does.
    COMPLETE_CREDIT_CHECK = "complete_credit_check"
    SUPPORT_CANCEL = "support_cancel"  # support cancels for the customer (traditional add-ons)


_MICROSOFT_ONLY: Final = frozenset({Action.COMPLETE_CREDIT_CHECK, Action.SUPPORT_CANCEL})
_BILLING: Final = frozenset(
    {
        Action.BUY,
        Action.CHANGE_SUBSCRIPTION,
        Action.MANAGE_PAYMENT_METHODS,
        Action.PAY_INVOICES,
        Action.VIEW_BILLING,
    }
)
_OWNER: Final = _BILLING | {Action.CHANGE_BILLING_FREQUENCY, Action.MANAGE_BILLING_ROLES}
_CONTRIBUTOR: Final = _OWNER - {Action.MANAGE_BILLING_ROLES}
_READER: Final = frozenset({Action.VIEW_BILLING})
_SECTION_OWNER: Final = frozenset(
    {
        Action.BUY,
        Action.CHANGE_SUBSCRIPTION,
        Action.CHANGE_BILLING_FREQUENCY,
        Action.VIEW_BILLING,
        Action.MANAGE_BILLING_ROLES,
    }
)

#: What each role may do. Admin (directory) roles carry billing rights only in a MOSA account;
#: in an MCA account billing rights come from the billing roles, and admin roles keep license
#: assignment and the granting of admin roles (see :data:`_ADMIN_ROLE_ACTIONS_UNDER_MCA`).
ROLE_ACTIONS: Final[Mapping[Role, frozenset[Action]]] = MappingProxyType(
    {
        Role.GLOBAL_ADMIN: _BILLING
        | {Action.CHANGE_BILLING_FREQUENCY, Action.ASSIGN_LICENSES, Action.MANAGE_ADMIN_ROLES},
        Role.BILLING_ADMIN: _BILLING,
        Role.LICENSE_ADMIN: frozenset({Action.ASSIGN_LICENSES}),
        Role.USER_ADMIN: frozenset({Action.ASSIGN_LICENSES}),
        Role.BILLING_ACCOUNT_OWNER: _OWNER,
        Role.BILLING_ACCOUNT_CONTRIBUTOR: _CONTRIBUTOR,
        Role.BILLING_ACCOUNT_READER: _READER,
        Role.BILLING_PROFILE_OWNER: _OWNER,
        Role.BILLING_PROFILE_CONTRIBUTOR: _CONTRIBUTOR,
        Role.BILLING_PROFILE_READER: _READER,
        Role.INVOICE_MANAGER: frozenset({Action.VIEW_BILLING, Action.PAY_INVOICES}),
        Role.INVOICE_SECTION_OWNER: _SECTION_OWNER,
        Role.INVOICE_SECTION_CONTRIBUTOR: _SECTION_OWNER - {Action.MANAGE_BILLING_ROLES},
        Role.INVOICE_SECTION_READER: _READER,
    }
)
_ADMIN_ROLE_ACTIONS_UNDER_MCA: Final = frozenset(
    {Action.ASSIGN_LICENSES, Action.MANAGE_ADMIN_ROLES}
)
#: What each directory role allows under an agreement billed per profile (MCA, MPA): only the
#: admin center's own actions (worked out once, not per command).
_UNDER_PROFILES: Final = MappingProxyType(
    {role: actions & _ADMIN_ROLE_ACTIONS_UNDER_MCA for role, actions in ROLE_ACTIONS.items()}
)


def _check_principal(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidAccount(f"{attribute.name} must be a non-empty string, got {value!r}")
    if value == MICROSOFT:
        raise InvalidAccount(f"{MICROSOFT!r} stands for Microsoft and cannot hold a customer role")


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidAccount(f"{attribute.name} must be a non-empty string, got {value!r}")


def _sections(value: Iterable[InvoiceSection]) -> tuple[InvoiceSection, ...]:
    return tuple_of(value, "sections")


def _roles(value: Iterable[RoleAssignment]) -> tuple[RoleAssignment, ...]:
    return tuple_of(value, "roles")


def _profiles(value: Iterable[BillingProfile]) -> tuple[BillingProfile, ...]:
    return tuple_of(value, "profiles")


@attrs.frozen
class RoleAssignment:
    """``principal`` holds ``role``; profile and section roles name the profile or section."""

    principal: str = attrs.field(validator=_check_principal)
    role: Role = attrs.field(validator=lambda _, __, value: expect(value, Role, "role"))
    billing_profile_id: str | None = None
    invoice_section_id: str | None = None

    def __attrs_post_init__(self) -> None:
        scope = self.role.scope
        wants_profile = scope is RoleScope.BILLING_PROFILE
        wants_section = scope is RoleScope.INVOICE_SECTION
        if (self.billing_profile_id is not None) != wants_profile:
            raise InvalidAccount(
                f"role {self.role.value} "
                + ("needs" if wants_profile else "takes no")
                + f" billing profile id (got {self.billing_profile_id!r})"
            )
        if (self.invoice_section_id is not None) != wants_section:
            raise InvalidAccount(
                f"role {self.role.value} "
                + ("needs" if wants_section else "takes no")
                + f" invoice section id (got {self.invoice_section_id!r})"
            )

    def covers(self, billing_profile_id: str | None, invoice_section_id: str | None) -> bool:
        """True when this assignment reaches a target in that profile and section."""
        scope = _ROLE_SCOPES[self.role]
        if scope is _BILLING_PROFILE:
            return self.billing_profile_id == billing_profile_id
        if scope is _INVOICE_SECTION:
            return self.invoice_section_id == invoice_section_id
        return True


@attrs.frozen
class InvoiceSection:
    """A way to organize the costs on a billing profile's invoice (MCA)."""

    id: str = attrs.field(validator=_check_id)
    name: str = ""


@attrs.frozen
class BillingProfile:
    """An MCA billing profile: a payment method, one invoice; its first section is the default."""

    id: str = attrs.field(validator=_check_id)
    sections: tuple[InvoiceSection, ...] = attrs.field(converter=_sections)
    payment_method: PaymentMethod | None = None
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.sections:
            raise InvalidAccount(f"billing profile {self.id!r} needs at least one invoice section")

    @property
    def default_section(self) -> InvoiceSection:
        """The section a purchase lands in when none is named."""
        return self.sections[0]


@attrs.frozen
class BillingAccount:
    """A billing account: its agreement, the role assignments and (MCA) its billing profiles."""

    id: str = attrs.field(validator=_check_id)
    type: BillingAccountType = attrs.field(
        validator=lambda _, __, value: expect(value, BillingAccountType, "account type")
    )
    roles: tuple[RoleAssignment, ...] = attrs.field(default=(), converter=_roles)
    profiles: tuple[BillingProfile, ...] = attrs.field(default=(), converter=_profiles)

    def __attrs_post_init__(self) -> None:
        if self.type.has_profiles and not self.profiles:
            raise InvalidAccount(f"{self.type.value} account {self.id!r} needs a billing profile")
        if not self.type.has_profiles and self.profiles:
            raise InvalidAccount(f"MOSA account {self.id!r} bills through its subscriptions")
        profile_ids = [p.id for p in self.profiles]
        section_ids = [s.id for p in self.profiles for s in p.sections]
        for what, ids in (("billing profile", profile_ids), ("invoice section", section_ids)):
            if len(set(ids)) != len(ids):
                raise InvalidAccount(f"account {self.id!r} has a duplicate {what} id")
        for assignment in self.roles:
            self._check_assignment(assignment)

    def _check_assignment(self, assignment: RoleAssignment) -> None:
        scope = assignment.role.scope
        if scope is not RoleScope.DIRECTORY and not self.type.has_profiles:
            raise InvalidAccount(
                f"{assignment.role.value} is a billing role of MCA accounts; MOSA account "
                f"{self.id!r} uses admin roles"
            )
        if assignment.billing_profile_id is not None:
            self.profile(assignment.billing_profile_id)
        if assignment.invoice_section_id is not None:
            self.section_profile(assignment.invoice_section_id)

    @classmethod
    def sign_up(
        cls,
        account_type: BillingAccountType,
        account_id: str,
        principal: str,
        *,
        payment_method: PaymentMethod | None = None,
    ) -> BillingAccount:
        """A new account: whoever signs up is billing admin (MOSA) or billing account owner (MCA).

        An MCA account starts with one billing profile ``<id>/profile-1`` holding one invoice
        section ``<id>/section-1``; ``payment_method`` goes on that profile.
        """
        account_type = BillingAccountType(account_type)
        if not account_type.has_profiles:
            if payment_method is not None:
                raise InvalidAccount("a MOSA account has no payment method: its subscriptions do")
            return cls(account_id, account_type, (RoleAssignment(principal, Role.BILLING_ADMIN),))
        profile = BillingProfile(
            f"{account_id}/profile-1",
            (InvoiceSection(f"{account_id}/section-1"),),
            payment_method=payment_method,
        )
        return cls(
            account_id,
            account_type,
            (RoleAssignment(principal, Role.BILLING_ACCOUNT_OWNER),),
            (profile,),
        )

    @property
    def default_profile(self) -> BillingProfile | None:
        """The first billing profile (MCA); None for MOSA."""
        return self.profiles[0] if self.profiles else None

    def profile(self, profile_id: str) -> BillingProfile:
        """The billing profile ``profile_id``; UnknownReference if there is none."""
        for profile in self.profiles:
            if profile.id == profile_id:
                return profile
        raise UnknownReference(f"account {self.id!r} has no billing profile {profile_id!r}")

    def section_profile(self, section_id: str) -> BillingProfile:
        """The billing profile that holds invoice section ``section_id``."""
        for profile in self.profiles:
            if any(s.id == section_id for s in profile.sections):
                return profile
        raise UnknownReference(f"account {self.id!r} has no invoice section {section_id!r}")

    def roles_of(self, principal: str) -> tuple[RoleAssignment, ...]:
        """The role assignments ``principal`` holds."""
        return tuple(a for a in self.roles if a.principal == principal)

    def grant(self, assignment: RoleAssignment) -> BillingAccount:
        """This account with ``assignment`` added (unchanged if it is already held)."""
        expect(assignment, RoleAssignment, "role assignment")
        if assignment in self.roles:
            return self
        self._check_assignment(assignment)
        return attrs.evolve(self, roles=(*self.roles, assignment))

    def with_profile(self, profile: BillingProfile) -> BillingAccount:
        """This account with the profile of the same id replaced by ``profile``."""
        self.profile(expect(profile, BillingProfile, "billing profile").id)
        return attrs.evolve(
            self, profiles=tuple(profile if p.id == profile.id else p for p in self.profiles)
        )


def authorize(
    account: BillingAccount | None,
    principal: str,
    action: Action,
    *,
    billing_profile_id: str | None = None,
    invoice_section_id: str | None = None,
) -> tuple[Reason, ...]:
    """Why ``principal`` may not do ``action`` (on that profile and section); () if it may.

    The one authorization check every command goes through. Microsoft alone completes credit
    checks and cancels on behalf of support; Microsoft holds no customer role.

    >>> mca = BillingAccount.sign_up(BillingAccountType.MCA, "fabrikam", "owner@fabrikam.com")
    >>> profile = mca.default_profile.id
    >>> mca = mca.grant(RoleAssignment("pay@fabrikam.com", Role.INVOICE_MANAGER, profile))
    >>> authorize(mca, "pay@fabrikam.com", Action.PAY_INVOICES, billing_profile_id=profile)
    ()
    >>> authorize(mca, "pay@fabrikam.com", Action.BUY, billing_profile_id=profile)[0].code
    <ReasonCode.NOT_AUTHORIZED: 'not_authorized'>
    """
    if action.__class__ is not Action:  # an enum with members has no subclasses
        raise UnknownReference(f"unknown action {action!r}")
    if principal == MICROSOFT or action in _MICROSOFT_ONLY:
        if principal == MICROSOFT and action in _MICROSOFT_ONLY:
            return ()
        return (Reason(ReasonCode.NOT_AUTHORIZED, principal=principal, action=action),)
    if account is not None:
        mosa = account.type is _MOSA
        for assignment in account.roles:  # roles_of(principal), without the tuple
            if assignment.principal != principal:
                continue
            # What the role allows, and whether it reaches that profile and section (covers),
            # in one look-up: a command asks this of every assignment its actor holds.
            scope, actions, under_profiles = _GRANTS[assignment.role]
            if scope is _DIRECTORY:
                if action in (actions if mosa else under_profiles):
                    return ()
            elif action in actions:
                if scope is _BILLING_PROFILE:
                    if assignment.billing_profile_id == billing_profile_id:
                        return ()
                elif (
                    scope is not _INVOICE_SECTION
                    or assignment.invoice_section_id == invoice_section_id
                ):
                    return ()
    return (Reason(ReasonCode.NOT_AUTHORIZED, principal=principal, action=action),)


#: Per role: its scope, its actions, and those it keeps under a per-profile agreement (a
#: directory role), read together by :func:`authorize` from a plain dict.
_GRANTS: Final = {
    role: (_ROLE_SCOPES[role], ROLE_ACTIONS[role], _UNDER_PROFILES[role]) for role in Role
}
