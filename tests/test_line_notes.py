"""The notes the engine writes on prorated lines are data: a code and values, said per locale."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import billing_periods_of_a_month_or_year, conventions, quantities, unit_prices
from subcommerce.cli import main
from subcommerce.errors import InvalidArgument
from subcommerce.layouts import refund_and_charge
from subcommerce.messages import LINE_NOTES, line_note, render_note, translations
from subcommerce.money import Money
from subcommerce.periods import Period
from subcommerce.proration import (
    EXACT,
    PC_LEGACY_DAILY_RATE_2,
    PC_NCE,
    LineKind,
    ProratedLine,
    ProrationConvention,
    credit_and_rebill,
    prorate,
    refund_unused,
    split,
)


@st.composite
def engine_lines(draw: st.DrawFn) -> list[ProratedLine]:
    """Every line the engine writes from one charge: its split, a change's lines, a refund."""
    price = draw(unit_prices())
    quantity = draw(quantities(max_value=5_000))
    period = draw(billing_periods_of_a_month_or_year())
    convention = draw(conventions())
    offset = draw(st.integers(1, period.days - 1)) if period.days > 1 else 0
    day = period.start + timedelta(days=offset)
    charge = prorate(price, quantity, period, convention=convention)
    lines = [charge, *split(price, quantity, period, [day], convention=convention)]
    if offset:
        new_quantity = draw(quantities(max_value=5_000))
        lines.extend(credit_and_rebill(charge, day, new_quantity).lines)
        lines.append(refund_unused(charge, day))
        lines.extend(refund_and_charge(charge, day, new_quantity).lines)
        rebill = credit_and_rebill(charge, day, new_quantity).rebills[-1]  # maybe capped
        lines.extend(refund_and_charge(rebill, day, new_quantity).lines)
    return lines


@given(engine_lines())
def test_every_note_the_engine_writes_reads_back_as_its_code_and_values(
    lines: list[ProratedLine],
) -> None:
    for line in lines:
        if not line.note:
            continue
        found = line_note(line.note)
        assert found is not None, line.note
        code, values = found
        assert LINE_NOTES[code].format(**values) == line.note


@pytest.mark.parametrize("convention", [EXACT, PC_NCE], ids=["allocate", "independent"])
def test_the_engine_writes_the_notes_of_the_table(convention: ProrationConvention) -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    price, day = Money.of("36.00", "USD"), date(2025, 1, 15)
    charge = prorate(price, 100, january, convention=convention)
    lines = [
        *split(price, 100, january, [day], convention=convention),
        *credit_and_rebill(charge, day, 105).lines,
        refund_unused(charge, day),
        *refund_and_charge(charge, day, 105).lines,
    ]
    codes = {found[0] for line in lines if (found := line_note(line.note)) is not None}
    if convention is EXACT:
        # months_of_period: the book's note of a billing cycle change (tests/test_midterm.py).
        assert codes == set(LINE_NOTES) - {
            "refund_capped",
            "refund_remaining_capped",
            "months_of_period",
        }
    else:
        assert codes == {"share_of_full_period", "credit_of", "refund_capped", "refund_remaining"}
    # A rebill allocated a cent below its own days (60.38 for 60.39) caps a refund of them.
    one = prorate(price, 1, january, convention=EXACT)
    rebill = credit_and_rebill(one, date(2025, 1, 6), 2).rebills[-1]
    capped = refund_and_charge(rebill, date(2025, 1, 6), 3).refund
    assert line_note(capped.note) == (
        "refund_remaining_capped",
        {
            "kind": LineKind.REBILL,
            "span": Period(date(2025, 1, 6), date(2025, 2, 1)),
            "charged": Money.of("60.38", "USD"),
        },
    )
    assert render_note(capped.note, "fr") == (
        "jours restants de la ligne « refacturation » sur 6 janv. 2025 – 1 févr. 2025, "
        "plafonnés aux 60,38\xa0$US facturés"
    )


_NOTE_LIKE = st.sampled_from(list(LINE_NOTES.values()))


@given(
    st.one_of(
        st.text(max_size=200),
        st.builds(  # a note's shape with any values in it: amounts, kinds and spans or not
            lambda template, filler: template.format_map(
                {"full": filler, "charged": filler, "used": filler, "kind": filler, "span": filler}
                | {"left": filler, "total": filler, "proration": filler}
            ),
            _NOTE_LIKE,
            st.one_of(
                st.text(max_size=30),
                st.sampled_from(["12.34 USD", "charge", "2025-01-01..2025-02-01", "1 EUR"]),
            ),
        ),
    )
)
def test_any_text_is_read_as_a_note_of_the_engine_or_as_none_never_raising(text: str) -> None:
    found = line_note(text)
    if found is not None:
        code, values = found
        assert LINE_NOTES[code].format(**values) == text
    said = render_note(text, "fr")
    assert isinstance(said, str)
    assert found is not None or said == text


@pytest.mark.parametrize("bad", [None, 3, b"note", ["note"]])
def test_a_note_that_is_not_a_string_is_an_invalid_argument(bad: object) -> None:
    with pytest.raises(InvalidArgument, match="note is a string"):
        line_note(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        render_note(bad, "fr")  # type: ignore[arg-type]


def test_the_notes_are_read_back_as_typed_values() -> None:
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    assert line_note("credit of the rebill for 2025-01-01..2025-02-01") == (
        "credit_of",
        {"kind": LineKind.REBILL, "span": january},
    )
    assert line_note("share of the full-period 150.00 USD, allocated by days") == (
        "share_of_full_period",
        {"full": Money.of("150.00", "USD")},
    )


@pytest.mark.parametrize(
    "note",
    [
        "my own words",
        "twelve charged minus 3.00 USD used",  # the shape of one, values not ours
        "credit of the gift for 2025-01-01..2025-02-01",
        "credit of the charge for 2025-01-01..2025-02-30",
        "150.00 USD charged minus 10 USD used",  # not how a line writes 10.00 USD
        "",
    ],
)
def test_any_other_note_is_not_read_and_is_said_as_written(note: str) -> None:
    assert line_note(note) is None
    assert render_note(note, "fr") == note


@pytest.mark.parametrize(
    ("note", "french"),
    [
        (
            "share of the full-period 150.00 USD, allocated by days",
            "part des 150,00\xa0$US de la période entière, répartie par jours",
        ),
        (
            "credit of the charge for 2025-01-01..2025-02-01",
            "avoir de la ligne « facturation » sur 1 janv. 2025 – 1 févr. 2025",
        ),
        (
            "allocated so that the change nets to the exact difference rounded once",
            "réparti pour que le changement donne exactement la différence, "
            "arrondie une seule fois",
        ),
        (
            "unused days prorated on their own, capped at the 150.00 USD charged",
            "jours non utilisés calculés au prorata à part, plafonnés aux 150,00\xa0$US facturés",
        ),
        (
            "150.00 USD charged minus 67.74 USD used",
            "150,00\xa0$US facturés moins 67,74\xa0$US utilisés",
        ),
    ],
)
def test_each_note_of_the_engine_is_said_in_french(note: str, french: str) -> None:
    assert render_note(note, "fr") == french


def test_every_note_has_a_french_text() -> None:
    french = translations("fr")
    for code, template in LINE_NOTES.items():
        assert french.pgettext(f"note:{code}", template) != template, code


def test_a_note_in_english_is_said_with_the_locale_s_money() -> None:
    assert render_note("150.00 USD charged minus 67.74 USD used", "en") == (
        "$150.00 charged minus $67.74 used"
    )


def test_an_unknown_language_for_a_note_is_refused_naming_it() -> None:
    with pytest.raises(LookupError, match="'xx'"):
        render_note("my own words", "xx")


def test_the_french_proration_what_if_says_the_engine_s_notes_in_french() -> None:
    out = io.StringIO()
    assert main(["demo", "--proration", "--lang", "fr"], out=out) == 0
    text = out.getvalue()
    assert "à égalité vers le pair ; avoir de la ligne « facturation » sur 1 janv. 2025" in text
    assert "à égalité vers le pair ; réparti pour que le changement donne exactement" in text
    assert "allocated" not in text
    assert "credit of" not in text


def test_a_french_explanation_keeps_the_rounded_daily_rate_of_a_legacy_convention() -> None:
    from subcommerce.cli import _explain, _Say

    # 36.00 / 31 days = 1.1612... -> a daily rate of 1.16 (two places, half up);
    # 1.16 x 17 days x 5 licenses = 98.60.
    january = Period(date(2025, 1, 1), date(2025, 2, 1))
    line = prorate(
        Money.of("36.00", "USD"), 5, january, date(2025, 1, 15), convention=PC_LEGACY_DAILY_RATE_2
    )
    assert "(daily rate 1.16) = 98.709677... -> 98.60 USD" in line.explain()
    assert _explain(_Say("fr"), line) == (
        "facturation : 5 × 36,00\xa0$US × 17/31 jours [15 janv. 2025 – 1 févr. 2025 sur "
        "1 janv. 2025 – 1 févr. 2025] (taux journalier 1,16) = 98,709677… → 98,60\xa0$US "
        "(pc-legacy-daily-rate-2, arrondi au plus proche, à égalité vers le haut)"
    )
