"""Wheel build hook: compile the gettext catalogs (``.po``) into ``.mo`` files inside the wheel.

Compiled catalogs are build output, never committed. A wheel carries the ``.mo`` instead of the
``.po`` (pyproject.toml excludes the ``.po`` from it); :mod:`subcommerce.messages` reads a ``.mo``
only where no ``.po`` is beside it, and otherwise (a source checkout, an editable install)
compiles the ``.po`` in memory on first use, so both read the very same catalog and a stale
``.mo`` left in a checkout can never shadow an edited ``.po``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALES = Path("src") / "subcommerce" / "locales"


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile every ``locales/<lang>/LC_MESSAGES/*.po`` into the standard wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "standard":
            return  # an editable install reads the .po itself
        self._out = tempfile.TemporaryDirectory(prefix="subcommerce-mo-")
        root = Path(self.root)
        for po in sorted((root / LOCALES).glob("*/LC_MESSAGES/*.po")):
            relative = po.relative_to(root / "src").with_suffix(".mo")
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parent.parent.name)
            target = Path(self._out.name) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            build_data["force_include"][str(target)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            out.cleanup()
