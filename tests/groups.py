"""Group aanmeldingen built directly in storage, as the intake's group flow stores them: one group,
one casus per person with the advice the rules give, each offered as usual."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services.assignment import AssignmentService
from rules import advice_record, advise
from storage import Casussen, Database, Groups
from storage.models import Casus, CasusGroup


def person(
    kader: str, leeftijd: int | str, profiel: Sequence[str] = (), **more: str
) -> dict[str, Any]:
    return {
        "criteria": "ja",
        "kader": kader,
        **more,
        "leeftijd": leeftijd,
        "profiel": list(profiel),
        "interventie": "veiligheid",
        "betrokken": [],
        "omschrijving": "",
    }


# The source text's example: jongeren aangemeld by the politie at once, some under a maatregel
# (reguliere casusregie), some not.
FIVE = (
    person("maatregel", 16, ["lvb"], maatregel="jeugdreclassering"),  # gi-wsg
    person("maatregel", 17, maatregel="jeugdreclassering"),  # gi-jbra
    person("maatregel", 19, maatregel="reclassering"),  # rn
    person("vrijwillig", 15),  # wijkteam, screened by the ZVH
    person("vrijwillig", "minderjarig", ["psychisch"]),  # ggz, screened by the ZVH
)


async def group_of(
    database: Database,
    assignments: AssignmentService,
    *,
    melder_id: int | None,
    chat_id: int | None,
    persons: Sequence[dict[str, Any]] = FIVE,
    chats: Sequence[int | None] = (),
) -> tuple[CasusGroup, list[Casus]]:
    """A group and its members, each offered; `chats`: another melder chat per member."""
    async with database.transaction() as session:
        group = await Groups(session).create(
            melder_id=melder_id, chat_id=chat_id, now=assignments.clock()
        )
        members = []
        for index, answers in enumerate(persons):
            casus = await Casussen(session).create(
                answers=answers,
                advice=advice_record(advise(assignments.schema, answers)),
                melder_id=melder_id,
                chat_id=chats[index] if index < len(chats) else chat_id,
                group_id=group.id,
                now=assignments.clock(),
            )
            await assignments.offer_new(session, casus)
            members.append(casus)
    return group, members
