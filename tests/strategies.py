"""Shared Hypothesis strategies for the foundation: currencies, money, dates, periods, conventions.

They live in the package (:mod:`subcommerce.strategies.foundation`, the ``testing`` extra) so that
downstream test suites can use them too; this module re-exports them under their old names.
"""

from __future__ import annotations

from subcommerce.strategies.foundation import *  # noqa: F403
from subcommerce.strategies.foundation import __all__  # noqa: F401
