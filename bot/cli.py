"""The `regiebot` command line (for operators; English, while answers to users stay Dutch).

Exit status: 0 done, 1 the work found a problem (an incomplete schema, a missing tool, an
outdated database, a database or Telegram that does not answer), 2 the command was given bad
input (an argument, a setting, a file). Each problem is one line on stderr, never a traceback.
A reader that stops early (`regiebot rules graph | head`) ends the command quietly, with
status 1 as the Python documentation's recipe has it: not all of the output was delivered.

Each command imports what it needs inside its handler: importing python-telegram-bot, SQLAlchemy
and Alembic takes half a second, and `regiebot lookup` should answer in a quarter of one.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.schema_cache import read_schema
from bot.services.clock import wall_clock
from rules import DEFAULT_SCHEMA_PATH, Schema, SchemaError
from rules.schema import Question
from rules.vocabulary import Role

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.telegram.app import App

EXIT_PROBLEM = 1
EXIT_USAGE = 2
_GAPS_SHOWN = 20
_EARLIEST_DAY, _LATEST_DAY = date(2000, 1, 1), date(2999, 12, 31)  # export's --from and --to
# Commands whose options the decision schema spells out.
_SCHEMA_COMMANDS = ("lookup", "invite")


def build_parser(schema: Schema | None = None) -> argparse.ArgumentParser:
    """The whole command line. `lookup` gets an option per question of `schema` it can answer and
    `invite` the schema's expertise; without a schema, those options are absent."""
    parser = argparse.ArgumentParser(
        prog="regiebot", description="Casusregie assistant: who takes regie, and the intake."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    chat_parser = commands.add_parser("chat", help="the intake in the terminal (no token needed)")
    chat_parser.set_defaults(handler=_chat)
    run_parser = commands.add_parser("run", help="the Telegram bot (REGIEBOT_TELEGRAM_TOKEN)")
    run_parser.set_defaults(handler=_run)
    invite_parser = commands.add_parser("invite", help="a one-time code that admits one person")
    invite_parser.add_argument("--role", required=True, type=Role, choices=list(Role))
    invite_parser.add_argument("--partij", help="the partij code (required for a regisseur)")
    invite_parser.add_argument(
        "--expertise",
        nargs="+",
        action="extend",
        default=[],
        help=_either(_expertise(schema)) if schema is not None else None,
    )
    invite_parser.set_defaults(handler=_invite, schema=schema)

    lookup_parser = commands.add_parser(
        "lookup", help="who takes casusregie, from options or one free-text query"
    )
    for question in schema.aspect_questions if schema is not None else ():
        lookup_parser.add_argument(
            f"--{question.id}",
            dest=_answer_dest(question),
            metavar=question.id.upper(),
            nargs="+" if question.kind == "multi" else None,
            action="extend" if question.kind == "multi" else "append",
            help=_allowed(question),
        )
    lookup_parser.add_argument("--json", action="store_true", help="print one JSON object")
    lookup_parser.add_argument("query", nargs="*", help='free text, e.g. "ots 15 lvb"')
    lookup_parser.set_defaults(handler=_lookup, schema=schema)

    rules_parser = commands.add_parser("rules", help="validate or draw the decision schema")
    rules_commands = rules_parser.add_subparsers(dest="rules_command", required=True)
    check = rules_commands.add_parser("check", help="validate a schema and prove it complete")
    check.add_argument("file", nargs="?", type=Path, help="schema file (default: REGIEBOT_RULES)")
    check.set_defaults(handler=_rules_check)
    graph = rules_commands.add_parser("graph", help="print the schema as a diagram")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg", "png"), default="mermaid")
    graph.add_argument("--output", "-o", type=Path, help="file for svg/png (default: stdout)")
    graph.add_argument(
        "--dialogue", action="store_true", help="the intake dialogue's state machine (Mermaid)"
    )
    graph.add_argument(
        "--casus", action="store_true", help="the casus lifecycle's state machine (Mermaid)"
    )
    graph.set_defaults(handler=_rules_graph)

    commands.add_parser(
        "health", help="exit 0 when the database answers and is up to date, else 1"
    ).set_defaults(handler=_health)

    audit = commands.add_parser("audit", help="the history of one casus, from the audit log")
    audit.add_argument("reference", help="e.g. ZVH-2026-0042")
    audit.set_defaults(handler=_audit)

    export = commands.add_parser(
        "export", help="the coördinators' figures without personal data (CSV or JSON)"
    )
    export.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    export.set_defaults(handler=_export)

    db_parser = commands.add_parser("db", help="database maintenance (REGIEBOT_DATABASE_URL)")
    db_commands = db_parser.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the migrations").set_defaults(handler=_db_upgrade)
    db_commands.add_parser(
        "retention", help="anonymise casussen closed longer than REGIEBOT_RETENTION_DAYS ago"
    ).set_defaults(handler=_db_retention)
    return parser


def _answer_dest(question: Question) -> str:
    return f"answer:{question.id}"  # apart from --json and the query, whatever the ids


def _allowed(question: Question) -> str:
    if question.kind == "age":
        bands = ", ".join(b.code for b in question.bands)
        return f"an age in years ({question.minimum}-{question.maximum}), or a band: {bands}"
    codes = [o.code for o in question.options]
    if question.kind == "multi":
        return f"one or more of {', '.join(codes)}; or geen (may be repeated)"
    return _either(codes)


def _either(codes: Sequence[str]) -> str:
    return ", ".join(codes[:-1]) + f" or {codes[-1]}" if len(codes) > 1 else "".join(codes)


def _expertise(schema: Schema) -> list[str]:
    return [o.code for q in schema.expertise_questions for o in q.options]


class BadInput(Exception):
    """Input the command cannot use; the message is one line for the operator."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        status = _command(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away. Point stdout at devnull so that flushing it again at exit
        # does not raise once more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PROBLEM
    return status


def _command(arguments: list[str]) -> int:
    command = next((a for a in arguments if not a.startswith("-")), None)
    try:
        schema = _configured_schema() if command in _SCHEMA_COMMANDS else None
        args = build_parser(schema).parse_args(arguments)
        status: int = args.handler(args)
    except SchemaError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM
    except BadInput as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    return status


def _configured_schema() -> Schema:
    # REGIEBOT_RULES read as Settings would, without importing pydantic-settings: that alone is
    # 50 ms of the 0.25 s a lookup may take (bench/lookup.py).
    return _read_schema(Path(os.environ.get("REGIEBOT_RULES") or DEFAULT_SCHEMA_PATH))


def _schema(args: argparse.Namespace) -> Schema:
    file = getattr(args, "file", None)
    return _read_schema(file) if file is not None else _configured_schema()


def _read_schema(path: Path) -> Schema:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{path}: cannot read the schema: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not a text file (a schema is UTF-8 YAML).") from None
    return read_schema(path, text)


Handler = Callable[[argparse.Namespace], int]


def _operator_errors(handler: Handler) -> Handler:
    """For commands that read the settings and use the database or Telegram: a bad setting or
    file is bad input (2), a service that does not answer or an outdated database a problem (1),
    each told in one line."""

    @functools.wraps(handler)
    def reporting(args: argparse.Namespace) -> int:
        from bot.settings import SettingsError
        from storage.database import (
            BadDatabaseURL,
            DatabaseUnreachable,
            DatabaseUnusable,
            OutdatedDatabase,
        )

        try:
            return handler(args)
        except BadDatabaseURL as error:
            print(f"REGIEBOT_DATABASE_URL: {error}", file=sys.stderr)
            return EXIT_USAGE
        except (SettingsError, DatabaseUnusable) as error:
            print(error, file=sys.stderr)
            return EXIT_USAGE
        except (DatabaseUnreachable, OutdatedDatabase) as error:
            print(error, file=sys.stderr)
            return EXIT_PROBLEM

    return reporting


@_operator_errors
def _chat(args: argparse.Namespace) -> int:
    import asyncio

    from bot.console import GOODBYE_RUNNING, chat
    from bot.run_lock import RunLockUnavailable, one_run_per_database
    from bot.settings import load_settings

    settings = load_settings()
    try:
        with one_run_per_database(settings.database_url, "chat"):
            return asyncio.run(chat(settings, sys.stdin, sys.stdout, clock=wall_clock))
    except RunLockUnavailable as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("\n" + GOODBYE_RUNNING)
        return 0


@_operator_errors
def _run(args: argparse.Namespace) -> int:
    """The bot, until SIGTERM or SIGINT; on SQLite, only one per database file."""
    from bot.run_lock import RunLockUnavailable, one_run_per_database
    from bot.settings import load_settings
    from bot.telegram import build_application

    settings = load_settings()
    application = build_application(settings)
    try:
        with one_run_per_database(settings.database_url):
            return _run_bot(settings, application)
    except RunLockUnavailable as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM


def _run_bot(settings: Settings, application: App) -> int:
    import asyncio
    import logging

    from telegram.error import InvalidToken, NetworkError

    from bot.logs import configure_logging
    from bot.telegram.app import Channel
    from bot.telegram.running import run
    from bot.telegram.webhook import WebhookUnavailable

    # Asked once before the application starts: when the Bot API does not answer, that is one
    # line here instead of python-telegram-bot's logged traceback.
    try:
        asyncio.run(_bot_api_answers(settings))
    except InvalidToken:
        print("REGIEBOT_TELEGRAM_TOKEN was refused by the Bot API.", file=sys.stderr)
        return EXIT_USAGE
    except NetworkError as error:
        print(
            f"Cannot reach the Telegram Bot API at {_bot_api(settings)}: {error}", file=sys.stderr
        )
        return EXIT_PROBLEM
    configure_logging(settings)
    channel: Channel = application.bot_data["channel"]
    logging.getLogger("bot.cli").info(_startup_line(settings, channel.schema))
    try:
        asyncio.run(run(application, settings, channel.health))  # until SIGTERM or SIGINT
    except NetworkError as error:
        print(
            f"Cannot reach the Telegram Bot API at {_bot_api(settings)}: {error}", file=sys.stderr
        )
        return EXIT_PROBLEM
    except WebhookUnavailable as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM
    return 0


def _startup_line(settings: Settings, schema: Schema) -> str:
    """Which database, mode and decision schema this process runs with; no password or token."""
    import hashlib
    from urllib.parse import urlparse

    from bot.telegram.webhook import HEALTH_PATH

    if settings.webhook_url:
        path = urlparse(settings.webhook_url).path or "/"
        mode = (
            f"webhook on {settings.webhook_listen}:{settings.webhook_port} path {path} "
            f"(health check {HEALTH_PATH})"
        )
    else:
        mode = "polling"
    digest = hashlib.sha256(Path(settings.rules).read_bytes()).hexdigest()[:12]
    return (
        f"regiebot run: database {_shown_url(settings.database_url)}, {mode}, schema "
        f"{schema.source} ({schema.name!r}, sha256 {digest})"
    )


async def _bot_api_answers(settings: Settings) -> None:
    from telegram import Bot

    async with Bot(settings.token(), base_url=_bot_api(settings)):
        pass


def _bot_api(settings: Settings) -> str:
    return settings.telegram_base_url or "https://api.telegram.org/bot"


@_operator_errors
def _invite(args: argparse.Namespace) -> int:
    import asyncio

    from bot.services.maintenance import invite_someone
    from bot.settings import load_settings

    settings = load_settings()
    schema: Schema = args.schema
    partijen = [p.code for p in schema.partijen]
    expertise = _expertise(schema)
    if args.partij is not None and args.partij not in partijen:
        print(f"Unknown partij '{args.partij}'; known: {', '.join(partijen)}", file=sys.stderr)
        return EXIT_USAGE
    if args.role is Role.REGISSEUR and args.partij is None:
        print(f"A regisseur needs --partij, one of: {', '.join(partijen)}", file=sys.stderr)
        return EXIT_USAGE
    unknown = [e for e in args.expertise if e not in expertise]
    if unknown:
        print(
            f"Unknown expertise {', '.join(unknown)}; known: {', '.join(expertise)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    invitation = asyncio.run(
        invite_someone(settings, args.role, args.partij, args.expertise, clock=wall_clock)
    )
    username = settings.telegram_bot_username or asyncio.run(_bot_username(settings))
    who = f"a {args.role}" + (f" of {args.partij}" if args.partij else "")
    print(f"Invitation for {who}, valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC:")
    print(f"  code: {invitation.code}")
    if username:
        print(f"  link: https://t.me/{username}?start={invitation.code}")
    else:
        print(f"  in Telegram, send the bot: /start {invitation.code}")
    return 0


async def _bot_username(settings: Settings) -> str | None:
    """The bot's username, asked from Telegram; None without a token or a connection."""
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.settings import SettingsError

    try:
        token = settings.token()
    except SettingsError:
        return None
    try:
        async with Bot(token, base_url=_bot_api(settings)) as bot:
            return bot.username
    except TelegramError:
        return None


def _lookup(args: argparse.Namespace) -> int:
    import json

    from conversation.advice_text import lookup_text
    from rules import QueryError, advice_record, lookup, parse_text, query_from_options

    schema: Schema = args.schema
    options = {q.id: getattr(args, _answer_dest(q)) for q in schema.aspect_questions}
    try:
        query = query_from_options(schema, options)
        if args.query:
            query = parse_text(schema, " ".join(args.query), query)
        result = lookup(schema, query)
    except QueryError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(advice_record(result), ensure_ascii=False))
    else:
        print(lookup_text(result))
    return 0


def _rules_check(args: argparse.Namespace) -> int:
    from rules.completeness import check_completeness

    schema = _schema(args)
    report = check_completeness(schema)
    print(
        f"{schema.source}: {len(schema.rules)} rules; {report.combinations:,} allowed combinations "
        f"of answers checked ({report.forbidden:,} more are forbidden by constraints)."
    )
    for rule in schema.rules:
        print(f"  {rule.id:<30} decides {report.decided_by.get(rule.id, 0):>6,}")
    if report.complete:
        print("Complete: every combination reaches exactly one rule; every rule is reachable.")
        return 0
    if report.gaps:
        print(f"{len(report.gaps):,} combinations reach no single rule, for example:")
        for gap in report.gaps[:_GAPS_SHOWN]:
            print(f"  {gap}")
    if report.unreachable:
        print("Unreachable rules (no combination reaches them): " + ", ".join(report.unreachable))
    return EXIT_PROBLEM


def _rules_graph(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    from conversation.intake import IntakeDialogue
    from rules.graph import to_dot, to_mermaid

    if args.casus:
        from conversation.casus import diagram

        sys.stdout.write(diagram())
        return 0
    schema = _schema(args)
    if args.dialogue:
        sys.stdout.write(IntakeDialogue(schema).diagram())
        return 0
    if args.format == "mermaid":
        sys.stdout.write(to_mermaid(schema))
        return 0
    if args.format == "dot":
        sys.stdout.write(to_dot(schema))
        return 0
    dot = shutil.which("dot")
    if dot is None:
        print(
            f"--format {args.format} needs Graphviz's 'dot', which is not installed "
            "(Debian: apt-get install graphviz); --format mermaid or dot works without it.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    rendered = subprocess.run(
        [dot, f"-T{args.format}"], input=to_dot(schema).encode(), capture_output=True, check=False
    )
    if rendered.returncode != 0:
        print(f"dot failed: {rendered.stderr.decode(errors='replace').strip()}", file=sys.stderr)
        return EXIT_PROBLEM
    if args.output is not None:
        args.output.write_bytes(rendered.stdout)
    else:
        sys.stdout.buffer.write(rendered.stdout)
    return 0


def _health(args: argparse.Namespace) -> int:
    """For a load balancer or a monitor: any problem, a bad setting too, is one line and 1."""
    import asyncio

    from bot.services.maintenance import health
    from bot.settings import SettingsError, load_settings
    from storage.database import DatabaseUnreachable, DatabaseUnusable, OutdatedDatabase

    try:
        print(asyncio.run(health(load_settings())))
    except (SettingsError, DatabaseUnusable, DatabaseUnreachable, OutdatedDatabase) as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM
    return 0


@_operator_errors
def _audit(args: argparse.Namespace) -> int:
    import asyncio

    from bot.services.maintenance import casus_history
    from bot.settings import load_settings

    history = asyncio.run(casus_history(load_settings(), args.reference))
    if history is None:
        print(f"No casus {args.reference!r} in this database.", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{history.reference}: {history.status}, advised {history.partij} "
        f"({history.outcome}), held by {history.holder or 'nobody'}"
    )
    for entry in history.entries:
        print(f"  {entry}")
    return 0


@_operator_errors
def _export(args: argparse.Namespace) -> int:
    import asyncio

    from bot.services.figures import export_figures, to_csv, to_json
    from bot.settings import load_settings

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if start > end:
        raise BadInput(f"--from {start} is after --to {end}.")
    figures = asyncio.run(export_figures(load_settings(), start, end, clock=wall_clock))
    document = to_csv(figures) if args.format == "csv" else to_json(figures)
    if args.output is None:
        sys.stdout.write(document)
        return 0
    try:
        args.output.write_text(document, encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{args.output}: cannot write the export: {error.strerror}.") from None
    print(f"Wrote the figures of {start} to {end} to {args.output}.", file=sys.stderr)
    return 0


def _day(text: str, option: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} {text!r} is not a date; expected YYYY-MM-DD.") from None
    if not _EARLIEST_DAY <= day <= _LATEST_DAY:  # near date.min or max, its bounds overflow
        raise BadInput(f"{option} {day} is not from {_EARLIEST_DAY} to {_LATEST_DAY}.")
    return day


@_operator_errors
def _db_upgrade(args: argparse.Namespace) -> int:
    import asyncio

    from bot.services.maintenance import upgrade_database
    from bot.settings import load_settings

    settings = load_settings()
    asyncio.run(upgrade_database(settings))
    print(f"Database {_shown_url(settings.database_url)} is up to date.")
    return 0


@_operator_errors
def _db_retention(args: argparse.Namespace) -> int:
    import asyncio

    from bot.services.maintenance import apply_retention
    from bot.settings import load_settings

    settings = load_settings()
    references = asyncio.run(apply_retention(settings, clock=wall_clock))
    print(
        f"Anonymised {len(references)} casussen closed more than {settings.retention_days} days "
        "ago" + (":" if references else ".")
    )
    for reference in references:  # references are not personal data
        print(f"  {reference}")
    return 0


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    raise SystemExit(main())
