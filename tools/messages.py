"""Write the message template (``.pot``) that every catalog is updated from.

The reasons' templates are data in :mod:`subcommerce.messages` (a gendered sentence is written
once and comes out twice, with the ``|feminine`` context), so they are taken from there; the
command line's strings are extracted from ``cli.py`` by Babel's own Python extractor. Then Babel
does the rest, the ecosystem's way::

    python tools/messages.py build/subcommerce.pot
    pybabel update -i build/subcommerce.pot -d src/subcommerce/locales -D subcommerce \\
        --ignore-obsolete --no-fuzzy-matching
    # a new language, e.g. German: one new catalog file, no code
    pybabel init -i build/subcommerce.pot -d src/subcommerce/locales -D subcommerce -l de

Compiled ``.mo`` files are never committed: the wheel build compiles them (``hatch_build.py``),
and a source checkout reads the ``.po`` directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "src" / "subcommerce" / "cli.py"
#: The gettext functions the command line calls: _(msgid), _n(singular, plural, n); and where it
#: names a msgid said later: _BadInput(msgid, ...) and _said_later(msgid).
KEYWORDS = {"_": None, "_n": (1, 2), "_BadInput": None, "_said_later": None}


def template() -> Catalog:
    """The catalog template: every message subcommerce says, untranslated."""
    sys.path.insert(0, str(ROOT / "src"))
    from subcommerce.messages import DOMAIN, template_messages

    catalog = Catalog(domain=DOMAIN, project="subcommerce", version="0.1.0", fuzzy=False)
    # Locations name the file, not the line: a catalog does not change when code moves.
    reasons = [("src/subcommerce/messages.py", None)]
    for context, msgid, plural in template_messages():
        message = msgid if plural is None else (msgid, plural)
        catalog.add(message, context=context, locations=reasons)
    cli = [(CLI.relative_to(ROOT).as_posix(), None)]
    for _, message, comments, context in extract_from_file(
        "python", str(CLI), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, locations=cli, auto_comments=comments, context=context)
    return catalog


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "subcommerce.pot")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        write_po(handle, template(), width=100, sort_output=False)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
