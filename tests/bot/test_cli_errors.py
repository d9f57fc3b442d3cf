"""Bad command-line input as an operator gives it: one line on stderr that names the setting or
file and what is wrong, exit status 2 for bad input and 1 for a service that does not answer,
never a traceback. And a reader that stops early ends a command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

TOKEN = "123456789:AAF-fake-token-for-the-test-suite-only"
ROOT = Path(__file__).parents[2]
POSTGRES = os.environ.get("REGIEBOT_TEST_DATABASE_URL", "")
NEEDS_POSTGRES = pytest.mark.skipif(
    not POSTGRES, reason="REGIEBOT_TEST_DATABASE_URL is not set: no PostgreSQL to refuse a login"
)
# Port 9 (discard) on the loopback: nothing listens there, so a connection is refused at once.
NOBODY = "127.0.0.1:9"


def sqlite(name: str) -> dict[str, str]:
    return {"REGIEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{{tmp}}/{name}"}


CASES = [
    pytest.param(
        sqlite("corrupt.db"),
        ["db", "upgrade"],
        2,
        "{tmp}/corrupt.db is not a usable SQLite database (file is not a database): "
        "restore it from a backup or use another file.",
        id="corrupt database file",
    ),
    pytest.param(
        sqlite("truncated.db"),
        ["db", "retention"],
        2,
        "{tmp}/truncated.db is not a usable SQLite database (database disk image is malformed): "
        "restore it from a backup or use another file.",
        id="truncated database file",
    ),
    pytest.param(
        sqlite("missing/regiebot.db"),
        ["db", "upgrade"],
        2,
        "Cannot open the SQLite database {tmp}/missing/regiebot.db: "
        "its directory {tmp}/missing does not exist.",
        id="database directory missing",
    ),
    pytest.param(
        sqlite("folder"),
        ["invite", "--role", "coordinator"],
        2,
        "Cannot open the SQLite database {tmp}/folder: it is a directory.",
        id="database path is a directory",
    ),
    pytest.param(
        {"REGIEBOT_DATABASE_URL": "regiebot.db"},
        ["db", "upgrade"],
        2,
        "REGIEBOT_DATABASE_URL: Database URL 'regiebot.db' cannot be parsed; expected e.g. "
        "sqlite+aiosqlite:///regiebot.db or postgresql+asyncpg://user@host/database.",
        id="unparseable database URL",
    ),
    pytest.param(
        {"REGIEBOT_DATABASE_URL": "oracle+nodriver://scott@127.0.0.1/orcl"},
        ["db", "upgrade"],
        2,
        "REGIEBOT_DATABASE_URL: Database URL oracle+nodriver://scott@127.0.0.1/orcl names a "
        "database or driver that cannot be used (Can't load plugin: "
        "sqlalchemy.dialects:oracle.nodriver); expected e.g. sqlite+aiosqlite:///regiebot.db "
        "or postgresql+asyncpg://user@host/database.",
        id="unsupported database URL",
    ),
    pytest.param(
        {"REGIEBOT_DATABASE_URL": "sqlite:///{tmp}/sync.db"},
        ["db", "upgrade"],
        2,
        "REGIEBOT_DATABASE_URL: Database URL sqlite:///{tmp}/sync.db names a database or driver "
        "that cannot be used (The asyncio extension requires an async driver to be used. The "
        "loaded 'pysqlite' is not async.); expected e.g. sqlite+aiosqlite:///regiebot.db or "
        "postgresql+asyncpg://user@host/database.",
        id="database URL without an async driver",
    ),
    pytest.param(
        sqlite("empty.db"),
        ["db", "retention"],
        1,
        "{tmp}/empty.db has no regiebot tables yet (no such table: casussen): "
        "run `regiebot db upgrade` first.",
        id="retention on an unmigrated file",
    ),
    pytest.param(
        {"REGIEBOT_DATABASE_URL": f"postgresql+asyncpg://postgres@{NOBODY}/test"},
        ["db", "upgrade"],
        1,
        f"Cannot reach the database at postgresql+asyncpg://postgres@{NOBODY}/test: "
        "[Errno 111] Connect call failed ('127.0.0.1', 9)",
        id="postgresql unreachable",
    ),
    pytest.param(
        {"REGIEBOT_DATABASE_URL": POSTGRES.rsplit("/", 1)[0] + "/no_such_database"},
        ["db", "upgrade"],
        2,
        "The database at " + POSTGRES.rsplit("/", 1)[0] + "/no_such_database refused the "
        'connection: database "no_such_database" does not exist.',
        id="postgresql database missing",
        marks=NEEDS_POSTGRES,
    ),
    pytest.param(
        {
            **sqlite("bot.db"),
            "REGIEBOT_TELEGRAM_TOKEN": TOKEN,
            "REGIEBOT_TELEGRAM_BASE_URL": f"http://{NOBODY}/bot",
        },
        ["run"],
        1,
        f"Cannot reach the Telegram Bot API at http://{NOBODY}/bot: "
        "httpx.ConnectError: All connection attempts failed",
        id="bot api unreachable",
    ),
    pytest.param(
        {"REGIEBOT_INVITATION_DAYS": "x"},
        ["invite", "--role", "coordinator"],
        2,
        "REGIEBOT_INVITATION_DAYS='x' is not valid: Input should be a valid integer, "
        "unable to parse string as an integer.",
        id="invitation days not a number",
    ),
    pytest.param(
        {"REGIEBOT_RETENTION_DAYS": "0"},
        ["db", "retention"],
        2,
        "REGIEBOT_RETENTION_DAYS='0' is not valid: Input should be greater than or equal to 1.",
        id="retention days zero",
    ),
    pytest.param(
        {"REGIEBOT_INVITATION_DAYS": "3650000"},
        ["invite", "--role", "coordinator"],
        2,
        "REGIEBOT_INVITATION_DAYS='3650000' is not valid: Input should be less than or equal to "
        "365.",
        id="invitation days past a date",
    ),
    pytest.param(
        {"REGIEBOT_RETENTION_DAYS": "999999999"},
        ["db", "retention"],
        2,
        "REGIEBOT_RETENTION_DAYS='999999999' is not valid: Input should be less than or equal "
        "to 7305.",
        id="retention days past a date",
    ),
    pytest.param(
        {"REGIEBOT_ASSIGN_TIMEOUT_HOURS": "inf"},
        ["run"],
        2,
        "REGIEBOT_ASSIGN_TIMEOUT_HOURS='inf' is not valid: Input should be less than or equal "
        "to 720.",
        id="assign timeout infinite",
    ),
    pytest.param(
        {"REGIEBOT_WEBHOOK_PORT": "0"},
        ["run"],
        2,
        "REGIEBOT_WEBHOOK_PORT='0' is not valid: Input should be greater than or equal to 1.",
        id="webhook port zero",
    ),
    pytest.param(
        {"REGIEBOT_LOG_LEVEL": "loud"},
        ["run"],
        2,
        "REGIEBOT_LOG_LEVEL='LOUD' is not valid: Input should be 'DEBUG', 'INFO', 'WARNING', "
        "'ERROR' or 'CRITICAL'.",
        id="log level unknown",
    ),
    pytest.param(
        {"REGIEBOT_TELEGRAM_CONCURRENCY": "x", "REGIEBOT_RETENTION_DAYS": "-1"},
        ["db", "upgrade"],
        2,
        "REGIEBOT_RETENTION_DAYS='-1' is not valid: Input should be greater than or equal to 1.; "
        "REGIEBOT_TELEGRAM_CONCURRENCY='x' is not valid: Input should be a valid integer, "
        "unable to parse string as an integer.",
        id="two bad settings on one line",
    ),
    pytest.param(
        {},
        ["rules", "check", "{tmp}/binary.yaml"],
        2,
        "{tmp}/binary.yaml: not a text file (a schema is UTF-8 YAML).",
        id="rules check on a binary file",
    ),
    pytest.param(
        {"REGIEBOT_RULES": "{tmp}/binary.yaml"},
        ["lookup", "ots", "15"],
        2,
        "{tmp}/binary.yaml: not a text file (a schema is UTF-8 YAML).",
        id="lookup with a binary schema",
    ),
    pytest.param(
        {"REGIEBOT_RULES": "{tmp}/binary.yaml"},
        ["db", "retention"],
        2,
        "REGIEBOT_RULES: {tmp}/binary.yaml is not a text file (a schema is UTF-8 YAML).",
        id="retention with a binary schema",
    ),
    pytest.param(
        {},
        ["rules", "check", "{tmp}/deep.yaml"],
        1,
        "{tmp}/deep.yaml:1: nested more than 50 levels deep (the default schema: 7)",
        id="rules check on a schema nested 5000 deep",
    ),
    pytest.param(
        {},
        ["rules", "check", "{tmp}/indented.yaml"],
        1,
        "{tmp}/indented.yaml:51: nested more than 50 levels deep (the default schema: 7)",
        id="rules check on a schema indented 500 deep",
    ),
    pytest.param(
        {},
        ["rules", "check", "{tmp}/laughs.yaml"],
        1,
        "{tmp}/laughs.yaml:1: more than 100,000 values with its aliases expanded "
        "(the default schema: 600)",
        id="rules check on aliases of aliases",
    ),
    pytest.param(
        {"REGIEBOT_RULES": "{tmp}/laughs.yaml", "REGIEBOT_TELEGRAM_TOKEN": TOKEN},
        ["run"],
        1,
        "{tmp}/laughs.yaml:1: more than 100,000 values with its aliases expanded "
        "(the default schema: 600)",
        id="run with aliases of aliases",
    ),
    pytest.param(
        {},
        ["rules", "check", "{tmp}/folder"],
        2,
        "{tmp}/folder: cannot read the schema: Is a directory.",
        id="rules check on a directory",
    ),
    pytest.param(
        {},
        ["export", "--from", "2026-01-01", "--to", "9999-12-31"],
        2,
        "--to 9999-12-31 is not from 2000-01-01 to 2999-12-31.",
        id="export to the last day there is",
    ),
    pytest.param(
        {},
        ["export", "--from", "0001-01-01", "--to", "2026-12-31"],
        2,
        "--from 0001-01-01 is not from 2000-01-01 to 2999-12-31.",
        id="export from the first day there is",
    ),
    pytest.param(
        {},
        ["lookup", "--profiel", "geen", "lvb"],
        2,
        "'geen' en 'lvb' spreken elkaar tegen bij profiel: "
        "noem 'geen' alleen als er niets van speelt.",
        id="lookup none beside a profiel",
    ),
]


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with what an operator may point a setting at by mistake."""
    (tmp_path / "corrupt.db").write_bytes(os.urandom(4096))
    (tmp_path / "empty.db").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    (tmp_path / "binary.yaml").write_bytes(bytes(range(128, 256)) * 4)
    (tmp_path / "deep.yaml").write_text("questions: " + "[" * 5000 + "]" * 5000 + "\n")
    indented = "".join(" " * level + f"k{level}:\n" for level in range(1, 500))
    (tmp_path / "indented.yaml").write_text("questions:\n" + indented)
    laughs = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    (tmp_path / "laughs.yaml").write_text("\n".join([*laughs, "questions: *a9", ""]))
    monkeypatch.setenv("REGIEBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'whole.db'}")
    assert main(["db", "upgrade"]) == 0
    whole = (tmp_path / "whole.db").read_bytes()
    (tmp_path / "truncated.db").write_bytes(whole[: len(whole) // 2])
    monkeypatch.delenv("REGIEBOT_DATABASE_URL")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("environment", "argv", "status", "message"), CASES)
def test_bad_input_is_one_line_and_an_exit_status(
    files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environment: dict[str, str],
    argv: list[str],
    status: int,
    message: str,
) -> None:
    capsys.readouterr()
    for name, value in environment.items():
        monkeypatch.setenv(name, value.format(tmp=files))
    assert main([a.format(tmp=files) for a in argv]) == status
    captured = capsys.readouterr()
    assert captured.err == message.format(tmp=files) + "\n"
    assert captured.out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["lookup", "ots", "15", "lvb"],
        ["lookup", "reclassering", "30"],
        ["rules", "graph"],
        ["rules", "graph", "--format", "dot"],
        ["rules", "graph", "--dialogue"],
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(argv: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line, as `| true` often is
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "bot.cli", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            check=False,
            timeout=60,
        )
    finally:
        os.close(write)
    assert finished.stderr.decode() == ""
    assert finished.returncode == 1
