"""The gettext catalogs: complete, in step with the code, loaded the same way from a wheel or a
source checkout, and a new language is one new file."""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
import zipfile
from gettext import GNUTranslations
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from subcommerce import messages
from subcommerce.errors import Reason, ReasonCode

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "src" / "subcommerce" / "locales"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("messages_tool", ROOT / "tools" / "messages.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _po(lang: str) -> Any:
    with (LOCALES / lang / "LC_MESSAGES" / "subcommerce.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _keys(catalog: Any) -> set[tuple[str | None, str]]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


@pytest.mark.parametrize("lang", messages.languages())
def test_every_catalog_holds_exactly_the_messages_the_code_says_all_translated(lang: str) -> None:
    template = _tool().template()
    catalog = _po(lang)
    assert _keys(catalog) == _keys(template)
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), message.id
        assert len(strings) == (catalog.num_plurals if message.pluralizable else 1), message.id


@pytest.mark.parametrize("lang", messages.languages())
def test_the_plural_rules_are_cldr_s_for_the_language(lang: str) -> None:
    """The catalog's Plural-Forms is the one Babel derives from CLDR: none is hand-written."""
    assert _po(lang).plural_forms == Catalog(locale=lang).plural_forms
    assert _po(lang).num_plurals == len(Locale.parse(lang).plural_form.tags | {"other"})


@pytest.mark.parametrize("lang", messages.languages())
def test_a_compiled_catalog_says_what_its_po_says(lang: str) -> None:
    """What a wheel loads (the .mo its build compiled) is what a source checkout loads."""
    buffer = io.BytesIO()
    write_mo(buffer, _po(lang), use_fuzzy=False)
    buffer.seek(0)
    compiled = GNUTranslations(buffer)
    loaded = messages.translations(lang)
    assert compiled._catalog == loaded._catalog  # type: ignore[attr-defined]


def test_a_third_language_is_one_new_catalog_file_and_no_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    german = tmp_path / "locales" / "de" / "LC_MESSAGES"
    german.mkdir(parents=True)
    text = (LOCALES / "en" / "LC_MESSAGES" / "subcommerce.po").read_text("utf-8")
    text = text.replace("Language: en", "Language: de").replace(
        'msgstr "Subscription {subscription} is a trial; buy it before changing its licenses"',
        'msgstr "Das Abonnement {subscription} ist eine Testversion"',
    )
    (german / "subcommerce.po").write_text(text, "utf-8")
    monkeypatch.setattr(messages, "_locales_dir", lambda: tmp_path / "locales")
    for cached in (messages.languages, messages._translations):
        cached.cache_clear()
    try:
        assert messages.languages() == ("de", "en", "fr")
        trial = Reason(ReasonCode.TRIAL, subscription="s1")
        assert messages.render(trial, "de") == "Das Abonnement s1 ist eine Testversion"
        from subcommerce.cli import _parser

        assert _parser().parse_args(["demo", "--lang", "de"]).lang == "de"
    finally:
        for cached in (messages.languages, messages._translations):
            cached.cache_clear()


def _stale_mo(lang: str) -> bytes:
    """A compiled catalog of ``lang`` that says something its .po does not."""
    catalog = _po(lang)
    for message in catalog:
        if message.context == "trial" and message.id and not message.pluralizable:
            message.string = "STALE"
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _with_locales(monkeypatch: pytest.MonkeyPatch, locales: Path) -> None:
    monkeypatch.setattr(messages, "_locales_dir", lambda: locales)
    for cached in (messages.languages, messages._translations):
        cached.cache_clear()


@pytest.fixture
def _fresh_catalogs() -> Any:
    yield
    for cached in (messages.languages, messages._translations):
        cached.cache_clear()


@pytest.mark.usefixtures("_fresh_catalogs")
def test_a_stale_mo_beside_the_po_never_shadows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A developer's build output left in a checkout is ignored: the .po is the catalog."""
    shutil.copytree(LOCALES, tmp_path / "locales")
    (tmp_path / "locales" / "fr" / "LC_MESSAGES" / "subcommerce.mo").write_bytes(_stale_mo("fr"))
    _with_locales(monkeypatch, tmp_path / "locales")
    trial = Reason(ReasonCode.TRIAL, subscription="s1")
    assert "STALE" not in messages.render(trial, "fr")
    assert messages.render(trial, "fr").startswith("L'abonnement s1")


@pytest.mark.usefixtures("_fresh_catalogs")
def test_a_mo_alone_as_in_a_wheel_is_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    french = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    (french / "subcommerce.mo").write_bytes(_stale_mo("fr"))
    (french / "subcommerce.po").unlink()
    _with_locales(monkeypatch, tmp_path / "locales")
    assert messages.languages() == ("en", "fr")
    assert messages.render(Reason(ReasonCode.TRIAL, subscription="s1"), "fr") == "STALE"


@pytest.mark.skipif(
    os.environ.get("SUBCOMMERCE_BUILD_TEST") != "1",
    reason="builds a wheel (slow): run with SUBCOMMERCE_BUILD_TEST=1",
)
def test_the_wheel_ships_every_compiled_catalog_and_no_stray_file(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    (wheel,) = tmp_path.glob("subcommerce-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in messages.languages():
        mo = f"subcommerce/locales/{lang}/LC_MESSAGES/subcommerce.mo"
        assert mo in names
        compiled = GNUTranslations(io.BytesIO(zipfile.ZipFile(wheel).read(mo)))
        assert compiled._catalog == messages.translations(lang)._catalog  # type: ignore[attr-defined]
    assert not any(n.startswith(("tools/", "tests/")) or n == "hatch_build.py" for n in names)
    assert not any(n.endswith(".po") for n in names)  # else the .po, not the .mo, is read
