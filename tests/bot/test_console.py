"""`regiebot chat` as a person uses it: piped answers, end of input, and a SIGKILL between two
answers after which the next start resumes at the right question, for one person and in a group;
a second terminal on the same file is told another one uses it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

TIMEOUT = 30
PROJECT = Path(__file__).resolve().parents[2]


def _environment(tmp_path: Path) -> dict[str, str]:
    # The code of this checkout, whichever one the environment has installed.
    path = os.pathsep.join(filter(None, (str(PROJECT), os.environ.get("PYTHONPATH"))))
    return {
        **os.environ,
        "PYTHONPATH": path,
        "REGIEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
    }


async def _start(tmp_path: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "chat",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(tmp_path),
        cwd=tmp_path,
    )


async def _run(tmp_path: Path, stdin: str) -> str:
    process = await _start(tmp_path)
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), TIMEOUT)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_piped_answers_end_cleanly(tmp_path: Path) -> None:
    out = await _run(tmp_path, "ja\n1\nvrijwillig\n30\ngeen\nzorg\ngeen\noverslaan\nbevestig\n")
    assert "Advies: casusregie bij Wijkteam / Samen DOEN." in out
    assert "Uw casusnummer: ZVH-" in out
    assert out.rstrip().endswith("Tot ziens.")


async def test_end_of_input_midway_keeps_the_answers(tmp_path: Path) -> None:
    out = await _run(tmp_path, "ja\n1\nvrijwillig\n")
    assert out.rstrip().endswith("met regiebot chat gaat u verder waar u was.")
    out = await _run(tmp_path, "")
    assert "U was nog bezig met een aanmelding" in out
    assert "Vraag 4 van 8\nHoe oud is de persoon?" in out


async def _read_until(stream: asyncio.StreamReader, marker: str) -> str:
    seen = ""
    while marker not in seen:
        chunk = await asyncio.wait_for(stream.read(4096), TIMEOUT)
        if not chunk:
            raise AssertionError(f"output ended before {marker!r}:\n{seen}")
        seen += chunk.decode()
    return seen


@pytest.mark.processes
async def test_a_second_terminal_on_the_same_file_is_told_and_the_first_goes_on(
    tmp_path: Path,
) -> None:
    first = await _start(tmp_path)
    assert first.stdin is not None and first.stdout is not None
    await _read_until(first.stdout, "Vraag 1 van 9")
    second = await _start(tmp_path)
    out, err = await asyncio.wait_for(second.communicate(b"nee\n"), TIMEOUT)
    assert (second.returncode, out) == (1, b"")
    assert err.decode() == (
        f"Another regiebot chat is already using {tmp_path / 'chat.db'} (pid {first.pid}); "
        "both would answer the same aanmelding — finish it there, or set "
        "REGIEBOT_DATABASE_URL to another file.\n"
    )
    out, _ = await asyncio.wait_for(first.communicate(b"ja\n"), TIMEOUT)
    assert first.returncode == 0
    assert "Gaat de aanmelding over één persoon" in out.decode(), "its answer, not the other's"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.processes
async def test_sigkill_between_answers_resumes_at_the_right_question(tmp_path: Path) -> None:
    process = await _start(tmp_path)
    assert process.stdin is not None and process.stdout is not None
    await _read_until(process.stdout, "Vraag 1 van 9")
    for answer, next_question in (
        ("ja", "Vraag 2 van 9\nGaat de aanmelding over één persoon"),
        ("1", "Vraag 3 van 9"),
        ("maatregel", "Vraag 4 van 9"),  # the total stays: one of maatregel, instantie
        ("ots", "Vraag 5 van 9"),
    ):
        process.stdin.write(f"{answer}\n".encode())
        await process.stdin.drain()
        await _read_until(process.stdout, next_question)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    assert process.returncode == -signal.SIGKILL
    out = await _run(tmp_path, "16\n")
    assert "U was nog bezig met een aanmelding; we gaan verder waar u was." in out
    assert "Vraag 5 van 9\nHoe oud is de persoon?" in out
    assert "Vraag 6 van 9\nSpeelt er (ook) een van deze kenmerken?" in out


async def test_the_age_question_offers_what_the_regime_allows(tmp_path: Path) -> None:
    out = await _run(tmp_path, "ja\n1\nmaatregel\njeugdreclassering\nvolwassen\n10\n")
    age_question = (
        "Vraag 5 van 9\nHoe oud is de persoon? Typ de leeftijd in jaren, of kies een "
        "leeftijdsgroep.\nBij uw antwoorden past een leeftijd van 12 tot en met 22 jaar.\n"
        "  - Minderjarig (0-17 jaar)\n  - Jongvolwassen (18-22 jaar)\n"
    )
    assert age_question in out
    assert "Volwassen (23 jaar of ouder)\n" not in out
    assert "De leeftijdsgroep Volwassen (23 jaar of ouder) past niet bij uw antwoorden" in out
    assert "Jeugdreclassering geldt van 12 tot 23 jaar. Klopt de leeftijd?" in out


async def test_a_name_in_the_description_is_asked_about(tmp_path: Path) -> None:
    answers = "ja\n1\nvrijwillig\n30\ngeen\nzorg\ngeen\n"
    out = await _run(tmp_path, answers + "Pietje Puk woont aan de Zwanenburgstraat\n")
    assert (
        "Uw tekst lijkt een naam te bevatten (Puk, Zwanenburgstraat). Namen horen hier niet. "
        "Pas de tekst aan, of bevestig dat er geen naam in staat.\n"
        "  1. Tekst aanpassen\n"
        "  2. Er staat geen naam in\n"
    ) in out
    out = await _run(tmp_path, "Woont aan de Zwanenburgstraat 12\nDe jongen verzuimt\n")
    assert "Uw tekst lijkt een adres te bevatten." in out
    assert (
        "Controleer uw aanmelding:" in out and "Zwanenburgstraat" not in out.split("Controleer")[-1]
    )


FIRST_OF_GROUP = (
    "ja\neen groep\nmaatregel\njeugdreclassering\n16\nlvb\nveiligheid\npolitie\noverslaan\n"
)


async def test_a_group_by_piped_answers(tmp_path: Path) -> None:
    out = await _run(tmp_path, FIRST_OF_GROUP + "toevoegen\nvrijwillig\n17\ngeen\nbevestig\n")
    assert "Controleer uw groepsaanmelding (2 personen):" in out
    assert "  3. Wijzig persoon 1\n  4. Verwijder persoon 1\n" in out  # numbered, as typed
    assert "Uw groepsaanmelding is ontvangen: 2 personen, groepsnummer ZVH-" in out
    assert "-G001." in out
    assert "1. ZVH-" in out and " · Jeugdreclassering · 16 jaar · LVB → William Schrikker" in out
    assert " · Vrijwillig kader · 17 jaar → Wijkteam / Samen DOEN: screening door het " in out


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.processes
async def test_sigkill_in_the_third_person_resumes_there_with_the_first_two(
    tmp_path: Path,
) -> None:
    process = await _start(tmp_path)
    assert process.stdin is not None and process.stdout is not None
    second = "toevoegen\nmaatregel\njeugdreclassering\n17\ngeen\n"
    process.stdin.write((FIRST_OF_GROUP + second + "toevoegen\nmaatregel\n").encode())
    await process.stdin.drain()
    await _read_until(process.stdout, "Persoon 3, vraag 2 van 4\nWelke maatregel is opgelegd?")
    process.send_signal(signal.SIGKILL)
    await process.wait()
    assert process.returncode == -signal.SIGKILL
    out = await _run(tmp_path, "reclassering\n19\ngeen\n")
    assert "U was nog bezig met een aanmelding; we gaan verder waar u was." in out
    assert "Persoon 3, vraag 2 van 4\nWelke maatregel is opgelegd?" in out
    assert (
        "Controleer uw groepsaanmelding (3 personen):\n"
        "1. Jeugdreclassering · 16 jaar · LVB\n"
        "2. Jeugdreclassering · 17 jaar\n"
        "3. Reclasseringstoezicht · 19 jaar\n"
    ) in out
    out = await _run(tmp_path, "bevestig\n")
    assert "Uw groepsaanmelding is ontvangen: 3 personen" in out
    assert out.count(" → ") == 3
