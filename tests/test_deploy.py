"""deploy/ against what the application reads and runs: every setting in the example environment
file with its default, and nothing else; the compose file, the Dockerfile and the systemd unit
naming real settings and real `regiebot` commands; the lock pinning every dependency inside
pyproject.toml's ranges; docs/operations.md telling an operator to run only commands that exist.
Files are parsed here; no container runtime is needed
(`make lint` runs hadolint and systemd-analyze on them)."""

from __future__ import annotations

import argparse
import configparser
import contextlib
import importlib.metadata
import io
import itertools
import json
import os
import re
import shlex
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version
from pydantic.fields import FieldInfo
from sqlalchemy.engine import make_url

from bot.cli import build_parser
from bot.settings import Settings, load_settings
from rules import Schema

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PREFIX = "REGIEBOT_"
SETTINGS: dict[str, tuple[str, FieldInfo]] = {
    PREFIX + name.upper(): (name, field) for name, field in Settings.model_fields.items()
}


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defaults are compared with what Settings reads: nothing from this machine's environment."""
    for name in list(os.environ):
        if name.startswith(PREFIX):
            monkeypatch.delenv(name)


# --- the example environment file --------------------------------------------------------------


@dataclass(frozen=True)
class Documented:
    name: str
    value: str
    commented_out: bool
    explanation: tuple[str, ...]


def documented_settings() -> list[Documented]:
    """Each `REGIEBOT_X=value` or `#REGIEBOT_X=value` line with the comment lines right above it."""
    found: list[Documented] = []
    block: list[str] = []
    assignment = re.compile(rf"^(#?)({PREFIX}[A-Z0-9_]+)=(.*)$")
    for line in (DEPLOY / "regiebot.env.example").read_text(encoding="utf-8").splitlines():
        setting = assignment.match(line)
        if setting:
            found.append(Documented(setting[2], setting[3], bool(setting[1]), tuple(block)))
            block = []
        elif line.startswith("#"):
            block.append(line.lstrip("#").strip())
        else:
            block = []
    return found


def test_the_example_documents_every_setting_once_and_nothing_else() -> None:
    names = [d.name for d in documented_settings()]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
    assert sorted(set(SETTINGS) - set(names)) == [], "settings missing from regiebot.env.example"
    assert sorted(set(names) - set(SETTINGS)) == [], "not settings the application reads"


def test_each_documented_setting_says_what_it_does() -> None:
    unexplained = [d.name for d in documented_settings() if not any(d.explanation)]
    assert unexplained == []


def test_the_example_shows_each_default() -> None:
    wrong = []
    for documented in documented_settings():
        name, field = SETTINGS[documented.name]
        default = field.get_default(call_default_factory=True)
        if documented.value == "":
            # Empty is unset, as the application reads it; a default that is a file inside the
            # installed package cannot be written here, so the comment names it instead.
            unset = default in (None, "")
            packaged = (
                documented.commented_out
                and isinstance(default, Path)
                and default.name in " ".join(documented.explanation)
            )
            if not (unset or packaged):
                wrong.append(f"{documented.name}= (empty) but the default is {default!r}")
        elif getattr(Settings.model_validate({name: documented.value}), name) != default:
            wrong.append(f"{documented.name}={documented.value} but the default is {default!r}")
    assert wrong == []


def test_the_example_as_it_is_starts_the_application(monkeypatch: pytest.MonkeyPatch) -> None:
    active = [d for d in documented_settings() if not d.commented_out]
    assert {d.name for d in active} >= {"REGIEBOT_TELEGRAM_TOKEN", "REGIEBOT_WEBHOOK_URL"}
    for documented in active:
        monkeypatch.setenv(documented.name, documented.value)
    load_settings()  # raises SettingsError on a line the application cannot read


# --- the command line, as the deploy files and docs/operations.md use it ---------------------


def parsed(schema: Schema, arguments: list[str]) -> argparse.Namespace:
    """`regiebot ARGUMENTS` as the command line reads them; a failure names the arguments."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            return build_parser(schema).parse_args(arguments)
    except SystemExit:
        pytest.fail(f"`regiebot {shlex.join(arguments)}` is not a command: {errors.getvalue()}")


def subcommand(args: argparse.Namespace) -> tuple[str, ...]:
    deeper = getattr(args, f"{args.command}_command", None)
    return (args.command, deeper) if deeper else (args.command,)


def names_a_subcommand(schema: Schema, arguments: list[str]) -> bool:
    """Whether ARGUMENTS start with a real (sub)command, its required options aside: asking
    for its help exits 0, an unknown command exits 2."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            build_parser(schema).parse_args([*arguments, "--help"])
        except SystemExit as exit:
            return exit.code == 0
    return False


# --- compose.yaml ------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
    return document


def environment(service: dict[str, Any]) -> dict[str, str]:
    listed = service.get("environment") or {}
    if isinstance(listed, list):
        return dict(item.split("=", 1) for item in listed)
    return {str(k): str(v) for k, v in listed.items()}


def uninterpolated(value: str) -> str:
    """compose's ${VARIABLE...} replaced by a stand-in."""
    return re.sub(r"\$\{[^}]*\}", "stand-in", value)


def test_compose_sets_only_settings_the_application_reads() -> None:
    services = compose()["services"]
    for name in ("migrate", "regiebot"):
        assert services[name]["env_file"] in ("regiebot.env", ["regiebot.env"])
    set_here = {var for s in services.values() for var in environment(s) if var.startswith(PREFIX)}
    assert set_here, "compose.yaml sets the database for regiebot"
    assert sorted(set_here - set(SETTINGS)) == []


def test_compose_runs_real_commands(schema: Schema) -> None:
    entrypoint = dockerfile_json("ENTRYPOINT")
    services = compose()["services"]
    assert entrypoint == ["regiebot"]
    assert subcommand(parsed(schema, services["migrate"]["command"])) == ("db", "upgrade")
    assert subcommand(parsed(schema, services["regiebot"]["command"])) == ("run",)
    check = services["regiebot"]["healthcheck"]["test"]
    assert check[0] == "CMD" and check[1] == "regiebot"
    assert subcommand(parsed(schema, check[2:])) == ("health",)


def test_replicas_start_after_one_migration_on_a_healthy_postgres() -> None:
    services = compose()["services"]
    regiebot, migrate = services["regiebot"], services["migrate"]
    assert regiebot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert regiebot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart", "no") == "no"
    assert regiebot["restart"] in ("always", "unless-stopped", "on-failure")


def test_compose_gives_regiebot_its_postgresql_16_in_a_named_volume() -> None:
    document = compose()
    postgres = document["services"]["postgres"]
    image, tag = postgres["image"].split(":")
    assert image == "postgres" and re.fullmatch(r"16\.\d+", tag), "one release of PostgreSQL 16"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in document["volumes"]
    database = environment(postgres)
    for name in ("migrate", "regiebot"):
        setting = environment(document["services"][name])[PREFIX + "DATABASE_URL"]
        url = make_url(uninterpolated(setting))
        assert url.drivername == "postgresql+asyncpg"
        assert (url.host, url.port) == ("postgres", 5432)
        assert url.username == database["POSTGRES_USER"]
        assert url.database == database["POSTGRES_DB"]


def test_compose_gives_regiebot_its_token_as_a_file_named_after_the_setting() -> None:
    document = compose()
    for name in ("migrate", "regiebot"):
        assert "regiebot_telegram_token" in document["services"][name]["secrets"]
    # The file's name in /run/secrets is the secret's own: each names a setting regiebot reads.
    assert sorted(s for s in document["secrets"] if s.upper() not in SETTINGS) == []


def test_the_local_bot_api_server_starts_only_when_asked() -> None:
    services = compose()["services"]
    assert services["telegram-bot-api"]["profiles"]
    assert all("profiles" not in services[s] for s in ("migrate", "regiebot", "postgres"))


# --- Dockerfile --------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined and comments left out."""
    instructions: list[tuple[str, str]] = []
    logical = ""
    for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        logical += line.rstrip("\\").strip() + " "
        if line.endswith("\\"):
            continue
        instruction, _, rest = logical.strip().partition(" ")
        logical = ""
        instructions.append((instruction.upper(), rest.strip()))
    return instructions


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The instructions by stage; the ARGs before the first FROM belong to none."""
    stages: list[list[tuple[str, str]]] = []
    for instruction, rest in dockerfile_instructions():
        if instruction == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction, rest))
    return stages


def base_image_default() -> str:
    before_any_stage = itertools.takewhile(lambda i: i[0] != "FROM", dockerfile_instructions())
    arguments = dict(rest.split("=", 1) for name, rest in before_any_stage if name == "ARG")
    return arguments["BASE"]


def dockerfile_json(instruction: str) -> list[str]:
    values = [rest for name, rest in dockerfile_stages()[-1] if name == instruction]
    assert len(values) == 1, f"one {instruction} in the final stage"
    form: list[str] = json.loads(values[0])
    return form


@dataclass(frozen=True)
class Install:
    pip: str
    targets: tuple[str, ...]
    options: frozenset[str]


def venv_in(text: str) -> str:
    venv = re.search(r"-m venv (\S+)", text)
    assert venv, f"no venv in {text!r}"
    return venv[1]


def installs_in(text: str) -> list[Install]:
    """Each `PIP install ...` in TEXT, in order."""
    installs = []
    for pip in re.finditer(r"(\S+) install ((?:[^\s&;]+ ?)+)", text):
        words = pip[2].split()
        installs.append(
            Install(
                pip[1],
                tuple(w for w in words if not w.startswith("-")),
                frozenset(w for w in words if w.startswith("-")),
            )
        )
    return installs


def readme_install() -> str:
    blocks = [b for b in code_blocks(operations_section()) if "pip install" in b]
    assert len(blocks) == 1, "one install block in docs/operations.md"
    return blocks[0]


def test_the_image_installs_as_the_readme_says() -> None:
    runs = " ; ".join(rest for name, rest in dockerfile_stages()[0] if name == "RUN")
    image, readme = installs_in(runs), installs_in(readme_install())
    assert venv_in(runs) == venv_in(readme_install())
    assert [(i.pip, i.targets) for i in image] == [(r.pip, r.targets) for r in readme]
    assert {i.pip for i in image} == {f"{venv_in(runs)}/bin/pip"}
    assert all(r.options <= i.options for i, r in zip(image, readme, strict=True))


def test_the_install_takes_every_dependency_from_the_lock_checked_by_its_hash() -> None:
    locked, project = installs_in(readme_install())
    assert locked.targets == ("deploy/requirements.lock",)
    assert {"-r", "--require-hashes"} <= locked.options
    # regiebot itself, with the build backend the lock installed: nothing else is fetched
    assert project.targets == (".",)
    assert {"--no-deps", "--no-build-isolation"} <= project.options


def test_every_stage_builds_on_the_base_argument_pinned_to_one_python_release() -> None:
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", base_image_default())
    stages = dockerfile_stages()
    assert [stage[0][1].split()[0] for stage in stages] == ["${BASE}"] * len(stages)


def test_the_image_is_small_non_root_and_checks_its_health(schema: Schema) -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2, "multi-stage: the build stays out of the final image"
    final = stages[-1]
    assert not any(name == "RUN" and "apt-get install" in rest for name, rest in final)
    assert any(name == "COPY" and rest.startswith("--from=") for name, rest in final)
    user = [rest for name, rest in final if name == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    healthcheck = next(rest for name, rest in final if name == "HEALTHCHECK")
    command = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert command[0] == "regiebot" and subcommand(parsed(schema, command[1:])) == ("health",)
    assert subcommand(parsed(schema, dockerfile_json("CMD"))) == ("run",)
    env = " ".join(rest for name, rest in final if name == "ENV")
    assert sorted(set(re.findall(rf"\b({PREFIX}[A-Z0-9_]+)=", env)) - set(SETTINGS)) == []
    assert f"{PREFIX}WEBHOOK_LISTEN=0.0.0.0" in env  # reachable from outside the container


# --- requirements.lock -------------------------------------------------------------------------

REGENERATE = "run `make lock` to bring deploy/requirements.lock in line with pyproject.toml"


@dataclass(frozen=True)
class Pin:
    name: NormalizedName
    version: Version
    marker: Marker | None


def lock_pins() -> list[Pin]:
    """deploy/requirements.lock's `name==version ; marker` entries, each with its hashes."""
    text = (DEPLOY / "requirements.lock").read_text(encoding="utf-8").replace("\\\n", " ")
    pins = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement_text, _, hashes = line.partition(" --hash=")
        assert hashes, f"no hash for {requirement_text}"
        requirement = Requirement(requirement_text)
        (pinned,) = requirement.specifier
        assert pinned.operator == "==", requirement_text
        pins.append(
            Pin(canonicalize_name(requirement.name), Version(pinned.version), requirement.marker)
        )
    return pins


def image_python(machine: str) -> dict[str, str]:
    """The marker environment of the image's Python 3.11 on Linux."""
    return {
        **default_environment(),
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": "3.11",
        "python_full_version": "3.11.2",  # the oldest 3.11 an image has: Debian bookworm's
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": machine,
    }


def installed_by_the_lock(environment: dict[str, str]) -> dict[NormalizedName, Version]:
    chosen: dict[NormalizedName, Version] = {}
    for pin in lock_pins():
        if pin.marker is None or pin.marker.evaluate(environment):
            assert pin.name not in chosen, f"{pin.name} pinned twice for one platform"
            chosen[pin.name] = pin.version
    return chosen


def project_requirements() -> list[Requirement]:
    """pyproject.toml's runtime dependencies and its build backend."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = project["project"]["dependencies"] + project["build-system"]["requires"]
    return [Requirement(text) for text in listed]


MACHINES = ["x86_64", "aarch64"]


@pytest.mark.parametrize("machine", MACHINES)
def test_the_lock_pins_each_dependency_inside_pyproject_range(machine: str) -> None:
    pinned = installed_by_the_lock(image_python(machine))
    outside = []
    for requirement in project_requirements():
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            outside.append(f"{requirement} but the lock has {version or 'nothing'}")
    assert outside == [], REGENERATE


@pytest.mark.parametrize("machine", MACHINES)
def test_the_lock_holds_what_each_dependency_needs_with_the_extras_asked(machine: str) -> None:
    """One level down, as the installed distributions declare it: e.g. APScheduler for
    python-telegram-bot[job-queue], greenlet for sqlalchemy[asyncio]."""
    environment = image_python(machine)
    pinned = installed_by_the_lock(environment)
    missing = []
    for requirement in project_requirements():
        for extra in [*requirement.extras, ""]:
            for needed in map(Requirement, importlib.metadata.requires(requirement.name) or []):
                applies = needed.marker is None or needed.marker.evaluate(
                    {**environment, "extra": extra}
                )
                if applies and canonicalize_name(needed.name) not in pinned:
                    missing.append(f"{needed.name} (for {requirement.name})")
    assert missing == [], REGENERATE


# --- regiebot.service --------------------------------------------------------------------------


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(DEPLOY / "regiebot.service", encoding="utf-8")
    return parser


def test_the_unit_is_hardened() -> None:
    service = unit()["Service"]
    expected = {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "RestrictSUIDSGID": "yes",
        "StateDirectory": "regiebot",
        "EnvironmentFile": "/etc/regiebot/regiebot.env",
        "Restart": "on-failure",
        "KillSignal": "SIGTERM",
        "TimeoutStopSec": "15",
    }
    assert {key: service.get(key) for key in expected} == expected
    assert service.get("DynamicUser") == "yes" or service.get("User") not in (None, "root")
    families = service["RestrictAddressFamilies"].split()
    assert {"AF_INET", "AF_INET6"} <= set(families) and "AF_PACKET" not in families


def test_the_unit_migrates_then_runs_on_sqlite_in_its_state_directory(schema: Schema) -> None:
    service = unit()["Service"]
    program = f"{venv_in(readme_install())}/bin/regiebot"
    before, start = shlex.split(service["ExecStartPre"]), shlex.split(service["ExecStart"])
    assert before[0] == start[0] == program
    assert subcommand(parsed(schema, before[1:])) == ("db", "upgrade")
    assert subcommand(parsed(schema, start[1:])) == ("run",)
    variables = dict(word.split("=", 1) for word in shlex.split(service["Environment"]))
    assert sorted(v for v in variables if v.startswith(PREFIX) and v not in SETTINGS) == []
    url = make_url(variables[PREFIX + "DATABASE_URL"])
    assert url.drivername == "sqlite+aiosqlite"
    assert Path(str(url.database)).parent == Path("/var/lib") / service["StateDirectory"]


# --- docs/operations.md ------------------------------------------------------------------------


def operations_section() -> str:
    return (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def code_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", markdown, re.DOTALL | re.MULTILINE)


def shell_commands(text: str) -> Iterator[list[str]]:
    """The simple commands in shell text: continuation lines joined, a quote spanning lines kept
    whole, comments dropped, split at && || ; and |."""
    pending = ""
    for line in text.replace("\\\n", " ").splitlines():
        pending += line + "\n"
        lexer = shlex.shlex(pending, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:  # a quotation still open: the command goes on on the next line
            continue
        pending = ""
        command: list[str] = []
        for word in [*words, ";"]:
            if word in ("&&", "||", ";", "|"):
                if command:
                    yield command
                command = []
            else:
                command.append(word)


def regiebot_arguments(command: list[str]) -> list[str] | None:
    """The arguments when COMMAND runs regiebot: directly, by its path, or in a compose service
    (`docker compose exec SERVICE regiebot ...`); None otherwise."""
    if command[:2] == ["docker", "compose"] and command[2:3] in (["exec"], ["run"]):
        after = [w for w in command[3:] if not w.startswith("-")]
        command = after[1:]  # what runs inside the service
    if not command or not (command[0] == "regiebot" or command[0].endswith("/bin/regiebot")):
        return None
    if command[1:2] == ["()"]:  # docs/operations.md's shell function being defined
        return None
    return command[1:]


def test_every_command_the_operations_section_gives_exists(schema: Schema) -> None:
    section = operations_section()
    given = [
        arguments
        for block in code_blocks(section)
        for command in shell_commands(block)
        if (arguments := regiebot_arguments(command)) is not None
    ]
    run = {subcommand(parsed(schema, arguments)) for arguments in given}
    assert ("invite",) in run, "the first coördinator's invitation"
    prose = re.sub(r"^```.*?^```", "", section, flags=re.DOTALL | re.MULTILINE)
    mentioned = [
        arguments
        for span in re.findall(r"`([^`\n]+)`", prose)
        for command in shell_commands(span)
        if (arguments := regiebot_arguments(command)) is not None
    ]
    unknown = [a for a in mentioned if not names_a_subcommand(schema, a)]
    assert unknown == []
    named = {tuple(a[:2]) if a[0] == "db" else (a[0],) for a in mentioned if a} | run
    assert named >= {("db", "upgrade"), ("db", "retention"), ("health",), ("run",)}
