"""Billing accounts (MOSA; MCA with billing profiles and invoice sections) and roles.

The accounts-and-lifecycle issue fills this module in; the account type is shared with the
add-on purchase paths.
"""

from __future__ import annotations

import enum

__all__ = ["BillingAccountType"]


class BillingAccountType(enum.StrEnum):
    """The agreement a billing account is under.

    ``MOSA``: Microsoft Online Subscription Agreement; billed through its subscriptions, an invoice
    per order; add-ons are bought from a base subscription. ``MCA``: Microsoft Customer Agreement;
    billing account -> billing profiles -> invoice sections; add-ons are bought like any product.
    ``MPA``: Microsoft Partner Agreement (cloud solution providers).
    """

    MOSA = "mosa"
    MCA = "mca"
    MPA = "mpa"
