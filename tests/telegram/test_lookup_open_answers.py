"""/wie and inline mode on a lookup that leaves answers open: the user reads which answer leads
to which partij, and can close a named profiel in the same words."""

from __future__ import annotations

from tests.telegram.conftest import App
from tests.telegram.helpers import channel
from tests.telegram.recording import RecordingRequest
from tests.telegram.updates import inline, message

USER = 930
ROUTES = [
    "Dat hangt nog af van meer gegevens.",
    "• Speelt er naast dakloos ook psychische problematiek of verslaving? "
    "Dan Stichting Verslavingsreclassering GGZ.",
    "• Zo niet: Leger des Heils Jeugdbescherming & Reclassering.",
    "",
    'Speelt er naast dakloos verder niets? Zeg dan "alleen dakloos" of "dakloos, verder geen".',
]


async def member(app: App) -> None:
    invitation = await channel(app).admission.invite(role="melder")
    await app.process_update(message(1, f"/start {invitation.code}", USER, bot=app.bot))


async def test_wie_names_the_answer_that_leads_to_each_partij(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    await member(app)
    await app.process_update(message(2, "/wie reclassering 40 dakloos", USER, bot=app.bot))
    assert request.texts(USER)[-1].splitlines() == ROUTES
    await app.process_update(message(3, "/wie reclassering 40 alleen dakloos", USER, bot=app.bot))
    assert request.texts(USER)[-1].startswith(
        "Advies: casusregie bij Leger des Heils Jeugdbescherming & Reclassering."
    )


async def test_inline_answer_carries_the_same_routes(
    recorded: tuple[App, RecordingRequest],
) -> None:
    app, request = recorded
    await member(app)
    await app.process_update(inline(2, "reclassering 40 dakloos", USER, bot=app.bot))
    [(_, params)] = [call for call in request.calls if call[0] == "answerInlineQuery"]
    [article] = params["results"]
    assert article["title"] == "Nog niet eenduidig"
    assert article["input_message_content"]["message_text"].splitlines() == ROUTES
