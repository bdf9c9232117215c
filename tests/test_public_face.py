"""The package's public face has one source of truth: the table in ``subcommerce/__init__.py``."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys

import subcommerce


def _type_checking_names() -> dict[str, tuple[str, str]]:
    """What the imports under ``if TYPE_CHECKING:`` show type checkers: name -> (module, name)."""
    tree = ast.parse(inspect.getsource(subcommerce))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    imported: dict[str, tuple[str, str]] = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom):
            assert node.module is not None
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    shown = {name: where for name, where in imported.items() if not name.startswith("_")}
    for node in block.body:
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
            assert isinstance(target, ast.Name)
            assert isinstance(value, ast.Name)
            shown[target.id] = imported[value.id]
    return shown


def test_type_checkers_see_exactly_the_names_of_the_table() -> None:
    assert _type_checking_names() == subcommerce._LAZY


def test_every_public_name_is_in_all_and_comes_from_its_module() -> None:
    assert set(subcommerce.__all__) == {"__version__", *subcommerce._LAZY}
    for name, (module, attribute) in subcommerce._LAZY.items():
        assert getattr(subcommerce, name) is getattr(importlib.import_module(module), attribute)


def test_importing_the_package_loads_the_foundation_and_not_the_edge() -> None:
    code = (
        "import sys, subcommerce; "
        "print(sorted(m for m in sys.modules if m.startswith('subcommerce')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "subcommerce.money" in loaded
    assert "subcommerce._convert" not in loaded
    assert "subcommerce.simulate" not in loaded
