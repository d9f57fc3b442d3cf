"""What /status shows of a casus: its status in Dutch words and the day of the aanmelding as it
was in the Netherlands, whatever the server's clock says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.casussen import STATUS_TEXT, CasusSummary
from rules.vocabulary import CasusStatus
from storage.models import Casus


def casus(created_at: datetime, status: CasusStatus) -> Casus:
    return Casus(
        reference="ZVH-2026-0007",
        year=2026,
        number=7,
        partij="oov",
        rule="fallback",
        outcome="oov",
        next_step="De gemeente houdt de casus in beeld.",
        advice={"partij": "oov", "partij_name": "Gemeente, afdeling OOV"},
        status=status,
        created_at=created_at,
    )


def test_a_late_evening_aanmelding_shows_its_dutch_day() -> None:
    summary = CasusSummary.of(
        casus(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), CasusStatus.BIJ_OOV)
    )
    assert summary.reported_on == "24-11-2026"
    assert summary.status == "bij de gemeente (afdeling OOV)"


@pytest.mark.parametrize("status", list(CasusStatus))
def test_every_status_has_dutch_words(status: CasusStatus) -> None:
    assert STATUS_TEXT[status] and "_" not in STATUS_TEXT[status]
