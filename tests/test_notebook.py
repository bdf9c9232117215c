"""docs/whatif.ipynb runs headless, as committed, and shows its tables and its chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "whatif.ipynb"


def _read() -> Any:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = _read()
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source[:60]
            assert cell.execution_count is None, cell.source[:60]


@pytest.fixture(scope="module")
def executed() -> Any:
    notebook = _read()
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    return notebook


def _outputs(notebook: Any) -> list[Any]:
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]


def test_every_cell_of_the_notebook_runs_and_its_asserts_hold(executed: Any) -> None:
    errors = [o for o in _outputs(executed) if o.output_type == "error"]
    assert errors == []
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")


def test_the_notebook_shows_its_invoice_table_and_its_chart(executed: Any) -> None:
    outputs = _outputs(executed)
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 1
    tables = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("341.13 USD" in html for html in tables)  # the timeline, money formatted
    assert any("<table" in html and "first_invoice" in html for html in tables)  # a comparison
