"""Two `regiebot run` processes in webhook mode share one PostgreSQL database while the fake Bot
API, as Telegram behind a load balancer, delivers the updates of 50 chats to them in turn.

Every aanmelding completes with its answers kept as given, every chat is shown its dialogue in
order, each notification (offer, reminder, expiry, the melder's and the OOV holder's notice)
arrives once, each timer fires once though both replicas run the timers, and no casus reference
is used twice. With one replica SIGKILLed halfway, the other carries on: the load balancer sends
it every update, including those the killed replica had in hand (the webhook answers 200 only once
an update is handled, so those got none), nobody has to act again, and nothing the database
committed is lost; a notification the killed replica sent but could not mark goes out once more
after its lease (counted, and bounded by the rows claimed twice).

Seen on the shared 2-core machine, one person per aanmelding (650 updates): without a kill every
aanmelding done after 5-6 s and all 250 notifications after 20 s, 0 duplicates, timers split
over both replicas; with the kill (after about 507 updates) 0 actions repeated, 0 duplicate
notifications (1 row claimed twice), everything there after 28 s. Each run's figures are in the
assertion messages (`-s` prints them).
"""

from __future__ import annotations

from collections import Counter

import pytest

from conversation.intake import SCOPE
from tests.conftest import NO_POSTGRES, POSTGRES_URL
from tests.replicas.cluster import (
    AUDITED_ONCE,
    KINDS_PER_CASUS,
    MELDERS,
    OOV_REGISSEURS,
    REGISSEURS,
    Cluster,
    Kept,
    Run,
    script_of,
)
from tests.replicas.people import SUMMARY, TYPED, Chats, stored_answers
from tests.replicas.replica import PUBLIC_URL

pytestmark = [
    pytest.mark.processes,
    pytest.mark.postgres,
    pytest.mark.skipif(POSTGRES_URL is None, reason=NO_POSTGRES),
]


async def test_two_replicas_share_every_chat(cluster: Cluster) -> None:
    references = await cluster.aanmeldingen(patience=30.0, tries=1, kill_halfway=False)
    await cluster.stop()  # SIGTERM: each marks what it sent before the database is read
    run, kept = cluster.figures(), await cluster.kept()
    print(f"\n{run}")

    _webhooks_registered_alike(cluster)
    assert all(run.delivered[name] > 0 for name in "AB"), f"both replicas had updates: {run}"
    assert run.repeats == 0, f"every action was answered the first time: {run}"
    _every_aanmelding_kept(kept, references, run)
    _every_timer_fired_once(kept, references, run)
    duplicates = _every_notification_arrived(kept, cluster.chats, run)
    assert duplicates == {}, f"no notification came twice: {duplicates}; {run}"
    assert all(row.attempts == 1 for row in kept.outbox), f"each sent at the first try: {run}"
    for chat in MELDERS:
        assert cluster.chats.seen(chat) == [
            "welcome",
            *_questions(chat),
            "advice",
            "naar_oov",
        ], f"chat {chat} was shown its dialogue in order, each message once"


async def test_the_other_replica_carries_on_when_one_is_killed(cluster: Cluster) -> None:
    references = await cluster.aanmeldingen(patience=30.0, tries=1, kill_halfway=True)
    await cluster.stop()
    run, kept = cluster.figures(), await cluster.kept()
    print(f"\n{run}")

    assert run.killed_after is not None, "a replica was killed"
    assert cluster.replicas[1].process is not None
    assert cluster.replicas[1].process.returncode == -9, "the killed replica died by SIGKILL"
    # The webhook answers a delivery once it is handled: what the killed replica had in hand got
    # no 200 and went to the other, as a load balancer (or Telegram) sends it again.
    assert run.repeats == 0, f"nobody had to act again: nothing was lost; {run}"
    _every_aanmelding_kept(kept, references, run)
    _every_timer_fired_once(kept, references, run)
    duplicates = _every_notification_arrived(kept, cluster.chats, run)
    claimed_twice = {row.id for row in kept.outbox if row.attempts > 1}
    print(
        f"{sum(duplicates.values()) - len(duplicates)} duplicates; {len(claimed_twice)} claimed twice"
    )
    assert set(duplicates) <= claimed_twice, (
        f"only a row the killed replica had claimed comes twice: {duplicates}; {run}"
    )
    assert all(times == 2 for times in duplicates.values()), f"at most twice: {duplicates}"
    for chat in MELDERS:
        assert cluster.chats.steps(chat) == _questions(chat), (
            f"chat {chat} was asked its questions in order: {cluster.chats.steps(chat)}"
        )


def _questions(chat: int) -> list[str]:
    first, *rest = script_of(chat)[1]  # one person or a group is asked after the first question
    return [first, SCOPE, *rest, TYPED, SUMMARY]


def _webhooks_registered_alike(cluster: Cluster) -> None:
    registered = cluster.webhooks_set()
    assert len(registered) == 2, "each replica registered the webhook"
    assert {(w["url"], w["secret_token"]) for w in registered} == {(PUBLIC_URL, cluster.secret)}


def _every_aanmelding_kept(kept: Kept, references: dict[int, str], run: Run) -> None:
    by_reference = {c["reference"]: c for c in kept.casussen}
    assert len(by_reference) == len(kept.casussen), f"no reference is used twice: {run}"
    assert sorted(c["chat_id"] for c in kept.casussen) == list(MELDERS), (
        f"one casus per melder, none lost and none twice: {run}"
    )
    for chat, reference in references.items():
        casus = by_reference[reference]
        assert casus["chat_id"] == chat, f"{reference} is the casus chat {chat} was told"
        answers = {
            question: sorted(answer) if isinstance(answer, list) else answer
            for question, answer in casus["answers"].items()
        }
        assert answers == stored_answers(chat, script_of(chat)[1]), (
            f"{reference} keeps what chat {chat} answered"
        )


def _every_timer_fired_once(kept: Kept, references: dict[int, str], run: Run) -> None:
    for chat, reference in references.items():
        entries = {action: kept.audit[reference, action] for action in AUDITED_ONCE}
        assert entries == dict.fromkeys(AUDITED_ONCE, 1), (
            f"{reference}: offered, reminded, expired and sent to OOV once each: {entries}; {run}"
        )
        [offer] = [o for o in kept.offers if o["reference"] == reference]
        assert offer["regisseur"] == REGISSEURS[script_of(chat)[0]]
        assert offer["status"] == "verlopen"
    assert {c["status"] for c in kept.casussen} == {"bij_oov"}
    assert {c["holder"] for c in kept.casussen} <= set(OOV_REGISSEURS)


def _every_notification_arrived(kept: Kept, chats: Chats, run: Run) -> dict[int, int]:
    """Checks every outbox row arrived, in its chat's order; returns the rows that arrived more
    than once, with how often."""
    texts = Counter((row.chat_id, row.text) for row in kept.outbox)
    assert max(texts.values()) == 1, "each notification's text is its own"
    assert len(kept.outbox) == len(KINDS_PER_CASUS) * len(MELDERS), (
        f"per casus: {', '.join(KINDS_PER_CASUS)}; {run}"
    )
    assert not any(row.given_up for row in kept.outbox), f"none given up: {run}"
    assert all(row.sent for row in kept.outbox), f"each marked sent: {run}"
    arrived = {row.id: chats.sent[row.chat_id, row.text] for row in kept.outbox}
    assert all(arrived.values()), f"every notification arrived: {run}"
    for chat in {row.chat_id for row in kept.outbox}:
        rows = {row.text: row.id for row in kept.outbox if row.chat_id == chat}
        order = list(dict.fromkeys(rows[s["text"]] for s in chats.shown[chat] if s["text"] in rows))
        assert order == sorted(order), f"chat {chat} got its notifications in order"
    return {row: times for row, times in arrived.items() if times > 1}
