"""The command line in the reader's language: --lang on every command, and the quote command."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from subcommerce.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from subcommerce.messages import languages

CART = """\
name = "five-more"
catalog = "default"
currency = "USD"
start = 2025-01-01
until = 2025-01-31

[tenant]
organization = "contoso.com"

[tenant.account]
id = "contoso"
type = "mosa"
roles = [{ principal = "ana@contoso.com", role = "global_admin" }]

[[steps]]
type = "place_order"
as_of = 2025-01-01
actor = "ana@contoso.com"
payment_method = "card"

[[steps.cart]]
type = "new_subscription"
subscription_id = "standard"
product_id = "m365-business-standard"
quantity = 10
term = "P1M"
billing_frequency = "monthly"

[[steps]]
type = "place_order"
as_of = 2025-01-15
actor = "ana@contoso.com"

[[steps.cart]]
type = "change_licenses"
subscription_id = "standard"
quantity = 15
"""

MCA = """\
name = "mca-mix"
catalog = "default"
currency = "USD"
start = 2025-01-01
until = 2025-04-30

[tenant]
organization = "fabrikam.com"

[tenant.account]
id = "fabrikam"
type = "mca"
roles = [
    { principal = "olga@fabrikam.com", role = "global_admin" },
    { principal = "olga@fabrikam.com", role = "billing_account_owner" },
]

[[tenant.account.profiles]]
id = "bp1"
name = "Main"
payment_method = "card"
sections = [{ id = "s1", name = "Sales" }]

[[steps]]
type = "place_order"
as_of = 2025-01-01
actor = "olga@fabrikam.com"

[[steps.cart]]
type = "new_subscription"
subscription_id = "e3"
product_id = "m365-e3"
quantity = 30
term = "P1Y"
billing_frequency = "annual"

[[steps]]
type = "start_trial"
as_of = 2025-01-05
actor = "olga@fabrikam.com"
subscription_id = "basic"
product_id = "m365-business-basic"

[[steps]]
type = "assign_licenses"
as_of = 2025-01-06
actor = "olga@fabrikam.com"
subscription_id = "e3"
count = 40

[[steps]]
type = "change_license_quantity"
as_of = 2025-01-06
actor = "eve@fabrikam.com"
subscription_id = "e3"
quantity = 20
[[steps]]
type = "cancel_subscription"
as_of = 2025-01-07
actor = "olga@fabrikam.com"
subscription_id = "e3"

[[steps]]
type = "set_recurring_billing"
as_of = 2025-01-21
actor = "olga@fabrikam.com"
subscription_id = "basic"
recurring_billing = false

"""

#: English words that must not appear in French output (ids and product names taken out).
ENGLISH = frozenset(
    (
        "the", "license", "licenses", "subscription", "subscriptions", "invoice", "order",
        "billing", "period", "amounts", "charge", "credit", "rebill", "refused", "done",
        "step", "steps", "ledger", "charges", "credits", "refunds", "net", "every", "line",
        "explained", "dated", "due", "payment", "method", "card", "status", "active", "monthly",
        "annually", "assigned", "product", "ends", "term", "first", "then", "per", "on",
        "usable", "from", "of", "and", "to", "for", "is", "are", "exclude", "list",
        "prices", "never", "quote", "account", "catalog", "days", "unit", "price", "qty",
        "entry", "open", "statement", "still", "far", "buy", "add", "change",
        "quantity", "below", "unassign", "what", "if", "purchase", "rounded", "half", "even",
        "month", "year", "months", "years", "with", "review", "ok", "cannot", "already",
    )
)  # fmt: skip
#: Values that are the same in every language: ids, product and catalog names, codes.
NEUTRAL = (
    "Microsoft 365 Business Standard",
    "Microsoft Teams Phone Standard",
    "pc-legacy-per-license",
    "pc-nce-seat-change",
    "small-business",
    "five-more",
    "teams-phone",
    "contoso.com",
    "fabrikam.com",
    "fabrikam",
    "mca-mix",
    "contoso",
    "standard",
    "default",
    "order-",
    "exact",
    "MOSA",
    "USD",
)


def run(*argv: str, status: int = EXIT_OK) -> str:
    out = io.StringIO()
    assert main(list(argv), out=out) == status
    return out.getvalue()


def english_words(text: str) -> list[tuple[int, set[str]]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for neutral in NEUTRAL:
            line = line.replace(neutral, " ")
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", line)} & ENGLISH
        if words:
            found.append((number, words))
    return found


def cart_file(tmp_path: Path, text: str = CART) -> str:
    path = tmp_path / "cart.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_demo_in_french_reads_as_french_from_its_first_line_to_its_last() -> None:
    text = run("demo", "--lang", "fr")
    assert text.startswith("Simulation « small-business » : Une petite entreprise")
    assert english_words(text) == []
    assert "total 191,13\xa0$US" in text
    assert "du 1 janv. 2025 au 30 avr. 2025" in text
    assert "inférieur aux 12 licences attribuées" in text


def test_the_proration_demo_in_french_is_french_too() -> None:
    text = run("demo", "--proration", "--lang", "fr")
    assert english_words(text) == []
    assert "Solde du changement : 98,71\xa0$US" in text
    assert "98,709677…" in text


def test_demo_in_english_formats_money_and_dates_for_the_locale() -> None:
    text = run("demo", "--lang", "en")
    assert "total $191.13" in text
    assert "billing period Jan 1, 2025 – Feb 1, 2025" in text
    assert "Ledger: charges $2,183.13" in text


def test_without_lang_the_output_stays_plain_for_scripts() -> None:
    text = run("demo")
    assert "total 191.13 USD" in text
    assert "billing period 2025-01-01..2025-02-01" in text


def test_every_command_takes_every_language_with_a_catalog(tmp_path: Path) -> None:
    cart = cart_file(tmp_path)
    for lang in languages():
        assert run("demo", "--lang", lang)
        assert run("simulate", cart, "--lang", lang)
        assert run("quote", cart, "--lang", lang)
        assert run("catalog", "--lang", lang, "--catalog", "microsoft365")


def test_a_language_without_a_catalog_is_refused_by_the_parser() -> None:
    assert main(["demo", "--lang", "xx"], out=io.StringIO()) == EXIT_USAGE


def test_quote_prints_the_price_review_of_the_cart_file_s_last_order(tmp_path: Path) -> None:
    text = run("quote", cart_file(tmp_path))
    assert "Price review of order order-2 on 2025-01-15 for contoso.com, in USD." in text
    assert "standard: total of 15 licenses  ok" in text
    assert "Total of the first charges: 41.13 USD" in text  # 5 x 15.00 x 17/31


def test_quote_in_french(tmp_path: Path) -> None:
    text = run("quote", cart_file(tmp_path), "--lang", "fr")
    assert "Total des premières facturations : 41,13\xa0$US" in text
    assert english_words(text) == []


def test_a_refused_cart_line_is_said_with_its_reason_in_the_reader_s_language(
    tmp_path: Path,
) -> None:
    fewer = CART.replace("quantity = 15", "quantity = 10")
    english = run("quote", cart_file(tmp_path, fewer), status=EXIT_REFUSED)
    assert "line 1: Subscription standard already has 10 licenses" in english
    french = run("quote", cart_file(tmp_path, fewer), "--lang", "fr", status=EXIT_REFUSED)
    assert "ligne 1 : L'abonnement standard a déjà 10 licences" in french
    assert english_words(french) == []


#: A cart of two lines: the first refused (the subscription already has 10 licenses), the second
#: priced (4 x Business Basic at 7.20 USD a month, a new subscription: a whole first month).
HALF_REFUSED = CART.replace("quantity = 15", "quantity = 10").replace(
    'as_of = 2025-01-15\nactor = "ana@contoso.com"\n',
    'as_of = 2025-01-15\nactor = "ana@contoso.com"\npayment_method = "card"\n',
) + (
    '\n[[steps.cart]]\ntype = "new_subscription"\nsubscription_id = "basic"\n'
    'product_id = "m365-business-basic"\nquantity = 4\nterm = "P1M"\n'
    'billing_frequency = "monthly"\n'
)


def test_a_quote_with_a_refused_line_exits_refused_and_still_prices_the_others(
    tmp_path: Path,
) -> None:
    text = run("quote", cart_file(tmp_path, HALF_REFUSED), status=EXIT_REFUSED)
    assert "   1  standard      standard: total of 10 licenses" in text
    assert "order-2  basic                4         28.80            28.80  2025-02-15" in text
    assert "Total of the first charges of the lines not refused: 28.80 USD" in text
    assert "line 1: Subscription standard already has 10 licenses" in text


def test_a_quote_with_a_refused_line_in_french_prices_the_others_in_french(
    tmp_path: Path,
) -> None:
    text = run("quote", cart_file(tmp_path, HALF_REFUSED), "--lang", "fr", status=EXIT_REFUSED)
    assert "Total des premières facturations des lignes acceptées : 28,80\xa0$US" in text
    assert "ligne 1 : L'abonnement standard a déjà 10 licences" in text
    assert english_words(text) == []


def test_a_quote_with_a_refused_line_exits_refused_in_json_too(tmp_path: Path) -> None:
    data = json.loads(
        run("quote", cart_file(tmp_path, HALF_REFUSED), "--json", status=EXIT_REFUSED)
    )
    assert [line["reasons"] != [] for line in data["quote"]["lines"]] == [True, False]
    assert data["quote"]["total"] == {"amount": "28.80", "currency": "USD"}


def test_quote_json_is_the_quote_as_plain_data(tmp_path: Path) -> None:
    data = json.loads(run("quote", cart_file(tmp_path), "--json"))
    assert data["quote"]["total"] == {"amount": "41.13", "currency": "USD"}


def test_a_cart_file_whose_last_step_is_not_an_order_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CART + '\n[[steps]]\ntype = "assign_licenses"\nas_of = 2025-01-20\n'
    text += 'actor = "ana@contoso.com"\nsubscription_id = "standard"\ncount = 1\n'
    assert main(["quote", cart_file(tmp_path, text)], out=io.StringIO()) == EXIT_BAD_INPUT
    assert "last step of a cart file is the order to review" in capsys.readouterr().err


def test_an_mca_what_if_with_refusals_a_trial_and_a_refund_reads_as_french(
    tmp_path: Path,
) -> None:
    text = run("simulate", cart_file(tmp_path, MCA), "--lang", "fr", status=EXIT_REFUSED)
    assert english_words(text) == []
    assert "profil de facturation MCA bp1" in text
    assert "Action refusée à eve@fabrikam.com : modifier ou annuler un abonnement" in text
    assert "il ne reste que 30 licences libres" in text
    assert "remboursement (annulation)" in text


def _error_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv, out=io.StringIO()) == EXIT_BAD_INPUT
    return capsys.readouterr().err


def test_a_file_that_cannot_be_read_is_said_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nothere.toml")
    err = _error_of(["simulate", missing, "--lang", "fr"], capsys)
    assert err == (
        f"erreur : impossible de lire le fichier de scénario {missing} : ce fichier n'existe pas\n"
    )
    err = _error_of(["catalog", "--file", str(tmp_path), "--lang", "fr"], capsys)
    assert (
        err
        == f"erreur : impossible de lire le fichier de catalogue {tmp_path} : c'est un dossier\n"
    )
    assert _error_of(["simulate", missing], capsys) == (
        f"error: cannot read the scenario file {missing}: no such file\n"
    )


def test_a_bad_until_is_said_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error_of(
        ["simulate", cart_file(tmp_path), "--until", "2025-13-01", "--lang", "fr"], capsys
    )
    assert err == "erreur : --until '2025-13-01' n'est pas une date ISO (AAAA-MM-JJ)\n"


def test_a_cart_file_whose_last_step_is_not_an_order_is_said_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CART + '\n[[steps]]\ntype = "assign_licenses"\nas_of = 2025-01-20\n'
    text += 'actor = "ana@contoso.com"\nsubscription_id = "standard"\ncount = 1\n'
    path = cart_file(tmp_path, text)
    err = _error_of(["quote", path, "--lang", "fr"], capsys)
    assert err == (
        f"erreur : {path} : la dernière étape d'un fichier de panier est la commande à examiner "
        "(type = 'place_order')\n"
    )


def test_a_catalog_s_problems_are_headed_in_french_each_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text("[[plans]]\nid = 3\n", encoding="utf-8")
    err = _error_of(["catalog", "--file", str(path), "--lang", "fr"], capsys)
    assert err.startswith("erreur : le catalogue a 4 problèmes :\n- catalog.id: ")
    assert "- catalog.plans[0].id: 3 is not a string\n" in err  # a fault's words: English still
    one = tmp_path / "one.toml"
    one.write_text(
        'id = "c"\nname = { en = "C", fr = "C" }\n'
        '[[plans]]\nid = 3\nname = { en = "P", fr = "P" }\n',
        "utf-8",
    )
    err = _error_of(["catalog", "--file", str(one), "--lang", "fr"], capsys)
    assert err == "erreur : le catalogue a 1 problème :\n- catalog.plans[0].id: 3 is not a string\n"


def test_a_path_with_a_character_that_does_not_print_is_shown_quoted_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A line break (or \x1e, which str.splitlines also breaks on) would split the one-line error.
    for name, shown in (("a\nb.toml", "'a\\nb.toml'"), ("\x1e", "'\\x1e'")):
        err = _error_of(["simulate", name], capsys)
        assert err == f"error: cannot read the scenario file {shown}: no such file\n"
        assert len(err.splitlines()) == 1
