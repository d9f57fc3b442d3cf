"""The lifecycle's texts: every status and screening outcome has Dutch words, and a casus fits
one Telegram message however long a region lets its free text be."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conversation.casus import About
from conversation.casus_texts import (
    MAX_MESSAGE,
    SCREENING_LABEL,
    SCREENING_MEANS,
    CasusFacts,
    card,
    notice,
    offer,
)
from rules.vocabulary import CasusStatus, ScreeningOutcome

FACTS = CasusFacts(
    reference="ZVH-2026-0042",
    status=CasusStatus.AANGEBODEN,
    reported_on="23-11-2026",
    age_days=0,
    answer_lines=("• Omschrijving: " + "zorgen " * 1000,),
    partij_name="MEE",
    outcome_label="Screening door het Zorg- en Veiligheidshuis",
    reasons=("Regime: vrijwillig kader.",),
    melder_partij="Politie",
    holder="Ans, MEE",
    holder_since="23-11-2026",
    acting_partij="MEE",
    answer_before="24-11-2026 10:00",
)


def test_a_long_casus_fits_one_message_with_its_advice_and_deadline() -> None:
    for shown in (offer(FACTS, 7).text, card(FACTS).text, notice(About.BIJ_OOV, FACTS)):
        assert len(shown) <= MAX_MESSAGE
        assert "zorgen zorgen…\n" in shown  # the long answer is cut, not what follows it
        assert "Advies: casusregie bij MEE" in shown
    assert offer(FACTS, 7).text.startswith("Nieuwe casus voor u: ZVH-2026-0042\nAangemeld op ")
    assert offer(FACTS, 7).text.endswith(
        "Graag uw antwoord vóór 24-11-2026 10:00; daarna gaat de casus naar de volgende regisseur."
    )


@pytest.mark.parametrize("outcome", list(ScreeningOutcome))
def test_every_screening_outcome_is_explained_to_the_melder(outcome: ScreeningOutcome) -> None:
    facts = replace(FACTS, screening=outcome, screening_note="Besproken.")
    told = notice(About.SCREENED, facts)
    assert told.startswith(
        f"De screening van casus ZVH-2026-0042 is afgerond: {SCREENING_LABEL[outcome].lower()}."
    )
    assert SCREENING_MEANS[outcome].format(partij="MEE") in told
    assert told.endswith("Toelichting: Besproken.")


@pytest.mark.parametrize("about", [a for a in About if a not in (About.OFFER, About.REMINDER)])
def test_every_notice_has_words(about: About) -> None:
    """The offer and its reminder are cards with buttons (`offer`); every other notice is text."""
    facts = replace(FACTS, screening=ScreeningOutcome.SIGNALEREND)
    assert "ZVH-2026-0042" in notice(about, facts)
