"""The catalog: products (base plans and add-ons), offers and prices, capabilities, add-on rules.

The catalog issue fills this module in. The enums below are shared with the subscriptions model.
"""

from __future__ import annotations

import enum

__all__ = ["AddonKind", "LicenseUnit"]


class AddonKind(enum.StrEnum):
    """The two kinds of add-on (seeds 000, 001, 002).

    ``TRADITIONAL``: tied to one base subscription, cancelled with it, shown inside it; only
    support can remove it; its quantity is changed from the parent.
    ``STANDALONE``: an add-on subscription of its own, with its own expiration date, managed like
    any other subscription.
    """

    TRADITIONAL = "traditional"
    STANDALONE = "standalone"


class LicenseUnit(enum.StrEnum):
    """What a quantity counts: user licenses, or capacity units such as GB of file storage."""

    PER_USER = "per_user"
    CAPACITY = "capacity"
