"""Hypothesis strategies for catalogs and tenants, built as plain data first.

They live in the package (:mod:`subcommerce.strategies.catalogs`); this module re-exports them
under their old names.
"""

from __future__ import annotations

from subcommerce.strategies.catalogs import *  # noqa: F403
from subcommerce.strategies.catalogs import __all__  # noqa: F401
