"""`regiebot run` and `regiebot invite` as an operator meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("token", "line"),
    [
        (
            None,
            "REGIEBOT_TELEGRAM_TOKEN is not set: create a bot with @BotFather and set its token, or put it in the file regiebot_telegram_token in the secrets directory (/run/secrets or REGIEBOT_SECRETS_DIR); regiebot chat needs none.\n",
        ),
        (
            "geen-token",
            "REGIEBOT_TELEGRAM_TOKEN is malformed: expected digits, a colon and the secret part, as @BotFather gives it.\n",
        ),
    ],
)
def test_run_without_a_good_token_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    token: str | None,
    line: str,
) -> None:
    monkeypatch.setenv("REGIEBOT_SECRETS_DIR", str(tmp_path))  # none of this machine's secrets
    monkeypatch.delenv("REGIEBOT_TELEGRAM_TOKEN", raising=False)
    if token is not None:
        monkeypatch.setenv("REGIEBOT_TELEGRAM_TOKEN", token)
    assert run(capsys, "run") == (2, "", line)  # a setting: bad input


def test_invite_prints_code_and_deep_link(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'invite.db'}")
    monkeypatch.setenv("REGIEBOT_TELEGRAM_BOT_USERNAME", "zvh_regiebot")
    status, out, _ = run(
        capsys, "invite", "--role", "regisseur", "--partij", "mee", "--expertise", "lvb", "zorg"
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("Invitation for a regisseur of mee, valid until ")
    code = lines[1].removeprefix("  code: ")
    assert lines[2] == f"  link: https://t.me/zvh_regiebot?start={code}"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--role", "regisseur"],
            "A regisseur needs --partij, one of: gi-jbra, gi-wsg, ldh, rn, svg, politie, om, leerplicht, dwi, raad, wijkteam, ggz, mee, veilig-thuis, zvh, oov\n",
        ),
        (
            ["--role", "melder", "--partij", "xyz"],
            "Unknown partij 'xyz'; known: gi-jbra, gi-wsg, ldh, rn, svg, politie, om, leerplicht, dwi, raad, wijkteam, ggz, mee, veilig-thuis, zvh, oov\n",
        ),
        (
            ["--role", "regisseur", "--partij", "mee", "--expertise", "koken"],
            "Unknown expertise koken; known: lvb, psychisch, verslaving, dakloos, veiligheid, jeugdbescherming, onderwijs, werk_inkomen, zorg, wonen, huiselijk_geweld\n",
        ),
    ],
)
def test_invite_refuses_what_it_does_not_know(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: list[str],
    line: str,
) -> None:
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'invite.db'}")
    assert run(capsys, "invite", *argv) == (2, "", line)
