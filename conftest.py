"""Shared by every test run here, including the documentation's examples (docs/*.md).

``EXAMPLE`` in the doctest namespace is the text of the first TOML block of docs/scenarios.md, so
that the example scenario shown there is the very one its doctest loads and plays.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True, scope="session")
def _scenario_example(doctest_namespace: dict[str, Any]) -> None:
    text = (Path(__file__).parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    found = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert found, "docs/scenarios.md lost its TOML example"
    doctest_namespace["EXAMPLE"] = found.group(1)


@pytest.fixture(autouse=True, scope="session")
def _cart_example(doctest_namespace: dict[str, Any]) -> None:
    """``CART``: the cart file shown in docs/quote.md, the one its examples review."""
    text = (Path(__file__).parent / "docs" / "quote.md").read_text(encoding="utf-8")
    found = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert found, "docs/quote.md lost its TOML example"
    doctest_namespace["CART"] = found.group(1)
