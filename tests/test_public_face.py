"""The package's public face has one source of truth: the table in ``subcommerce/__init__.py``."""

from __future__ import annotations

import ast
import importlib
import inspect
import pickle
import subprocess
import sys

import pytest

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


def _fresh(code: str) -> str:
    """What a fresh interpreter running ``code`` prints."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_importing_the_package_loads_none_of_its_modules_nor_attrs_nor_typing() -> None:
    # What the interpreter loads before any import of ours (a site .pth file may load typing,
    # say) is not the package's doing: only what `import subcommerce` adds counts.
    show = "import sys{}; print(' '.join(sorted(sys.modules)))"
    before = set(_fresh(show.format("")).split())
    added = set(_fresh(show.format(", subcommerce")).split()) - before
    assert "subcommerce" in added
    assert not {name for name in added if name.startswith("subcommerce.")}
    kept_out = {"attr", "attrs", "typing", "decimal", "cattrs", "babel"}
    assert not (added & kept_out)


def test_the_first_name_asked_for_loads_its_module_and_not_the_engine() -> None:
    code = (
        "import sys, subcommerce; subcommerce.Money; "
        "print(sorted(m for m in sys.modules if m.startswith('subcommerce')))"
    )
    loaded = _fresh(code)
    assert "'subcommerce.money'" in loaded
    assert "'subcommerce.simulate'" not in loaded
    assert "'subcommerce._convert'" not in loaded


def test_a_public_module_is_an_attribute_of_the_package_without_importing_it() -> None:
    code = (
        "import subcommerce; "
        "print(subcommerce.money.Money is subcommerce.Money, "
        "subcommerce.simulate.simulate is subcommerce.simulate_scenario)"
    )
    assert _fresh(code).split() == ["True", "True"]


def test_no_public_module_shares_its_name_with_a_public_name() -> None:
    assert subcommerce._MODULES
    assert not subcommerce._MODULES & set(subcommerce._LAZY)


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'no_such_name'"):
        _ = subcommerce.no_such_name  # type: ignore[attr-defined]
    # a module outside the table is imported by name, never guessed by an attribute lookup
    assert _fresh("import subcommerce; print(hasattr(subcommerce, 'cli'))").strip() == "False"


def test_a_pickled_value_unpickles_in_an_interpreter_that_imported_nothing() -> None:
    from subcommerce import Money

    payload = pickle.dumps(Money.of("12.34", "EUR"))
    code = f"import pickle; print(repr(pickle.loads({payload!r})))"
    assert _fresh(code).strip() == repr(Money.of("12.34", "EUR"))
