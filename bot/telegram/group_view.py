"""How groups look in Telegram: a melder's /status with their groups as groups."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.casussen import CasusSummary, GroupSummary
from bot.telegram import render, texts
from conversation import group_texts as say
from conversation.casus_texts import fitting


def status_list(items: Sequence[CasusSummary | GroupSummary]) -> str:
    """/status: the melder's aanmeldingen, a group under its own heading."""
    if not items:
        return texts.NO_CASUSSEN
    blocks: list[list[str]] = [[texts.YOUR_CASUSSEN]]
    for item in items:
        if isinstance(item, GroupSummary):
            blocks += [[_group(item)], []]  # a group stands apart from what comes after
        else:
            blocks[-1].append(render.casus_line(item))
    return fitting("\n\n".join("\n".join(block) for block in blocks if block))


def status_one(found: CasusSummary | GroupSummary) -> str:
    """/status REF: one casus in detail (with its group), or one group with its members."""
    if isinstance(found, GroupSummary):
        note = say.STATUS_NOTE.format(note=found.finding_note) if found.finding_note else None
        lines = (_group(found, note), "", say.STATUS_ONE)
        return fitting("\n".join(lines))
    detail = render.casus_detail(found)
    if found.group_reference is None:
        return detail
    return f"{detail}\n{say.STATUS_IN_GROUP.format(reference=found.group_reference)}"


def _group(group: GroupSummary, note: str | None = None) -> str:
    heading = say.status_heading(
        group.reference, group.reported_on, len(group.members), group.finding
    )
    members = (say.status_member(m.reference, m.status, m.partij_name) for m in group.members)
    return "\n".join(line for line in (heading, note, *members) if line is not None)
