"""/overzicht over the real PTB stack: a coördinator gets the figures as a photo and as a CSV
document, uploaded to the (fake) Bot API, a failed upload tried again; /help tells them; a
melder is refused."""

from __future__ import annotations

import io

import matplotlib.image

from bot.telegram import texts
from tests.telegram.conftest import Running
from tests.telegram.fake_bot_api import FakeBotAPI, Fault, Upload
from tests.telegram.helpers import admitted, wait_for_text

COORDINATOR = 830
MELDER = 831


async def test_a_coordinator_gets_a_picture_and_a_table(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, COORDINATOR, role="coordinator")
    fake.faults.append(Fault("sendPhoto", "500", 1))  # the upload is tried again, whole
    await fake.send_text(COORDINATOR, "/overzicht")
    await fake.wait_for(lambda: fake.count("sendDocument") == 1)

    assert fake.count("sendPhoto!500") == 1
    [photo] = [c.params for c in fake.calls if c.method == "sendPhoto"]
    [document] = [c.params for c in fake.calls if c.method == "sendDocument"]
    assert int(photo["chat_id"]) == COORDINATOR == int(document["chat_id"])
    assert photo["caption"].startswith("Cijfers over de aanmeldingen van ")
    assert isinstance(photo["photo"], Upload) and photo["photo"].filename.endswith(".png")
    pixels = matplotlib.image.imread(io.BytesIO(photo["photo"].content), format="png")
    assert pixels.shape[:2] == (1980, 880)
    upload = document["document"]
    assert isinstance(upload, Upload) and upload.filename.endswith(".csv")
    assert document["caption"] == texts.OVERVIEW_CSV_CAPTION
    await fake.send_text(COORDINATOR, "/help")
    assert "/overzicht" in (await wait_for_text(fake, COORDINATOR, "Wat u kunt doen"))["text"]
    lines = upload.content.decode().splitlines()
    assert lines[0].startswith("periode,") and "aanmeldingen_per_maand" in lines
    # Twelve months, nothing reported yet: every month is there, at zero.
    header = lines.index("maand,reguliere_regie,screening,oov,totaal")
    months = lines[header + 1 : header + 13]
    assert len(months) == 12 and all(m.endswith(",0,0,0,0") for m in months)


async def test_a_melder_is_refused(fake: FakeBotAPI, running: Running) -> None:
    assert running.app is not None
    await admitted(fake, running.app, MELDER)
    await fake.send_text(MELDER, "/overzicht")
    await wait_for_text(fake, MELDER, texts.NOT_FOR_YOUR_ROLE)
    assert fake.count("sendPhoto") == fake.count("sendDocument") == 0
