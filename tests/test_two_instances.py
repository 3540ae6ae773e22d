"""Two complete application instances on one database and one fake Bot API, as two webhook
instances behind a load balancer would run: a broadcast and a batch of due check-ins go out
exactly once, and one member's updates, alternating between the instances, keep their
conversation correct."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.channels.telegram.app import build_application, outbox_of
from bot.config import Settings
from bot.db.models import Answer, AnswerSource, ConversationMessage, Member, RsvpStatus
from bot.runtime import Runtime
from bot.scheduler import CHECKINS_JOB, INBOX_NOTICES_JOB, OUTBOX_JOB
from bot.services.meetings import rsvps
from bot.services.outbox import announcements
from tests.factories import DAWIT, SANNE, UpdateFactory, create_community
from tests.fakes.bot_api import FakeBotAPI, FakeRequest
from tests.harness import BotHarness, FakeClock
from tests.meeting_support import make_meeting, make_organiser
from tests.outbox_support import make_community

MEMBERS = 40


@pytest.fixture
async def instances(
    settings: Settings, runtime: Runtime, fake_api: FakeBotAPI, clock: FakeClock
) -> AsyncIterator[list[BotHarness]]:
    """Instance a uses the test's runtime; instance b has its own engine and pool."""
    updates = UpdateFactory()  # one stream of update ids, as Telegram would send
    started = []
    for name, own in (("a", runtime), ("b", None)):
        config = settings.model_copy(
            update={
                "instance_id": f"instance-{name}",
                "telegram_rate": 5_000.0,
                "telegram_chat_rate": 100.0,
            }
        )
        instance_runtime = own or Runtime.create(config, clock=clock)
        app = build_application(config, runtime=instance_runtime, request=FakeRequest(fake_api))
        await app.initialize()
        await outbox_of(app).channel.start()
        started.append(
            BotHarness(app=app, api=fake_api, runtime=instance_runtime, updates=updates)
        )
    yield started
    for harness in started:
        await outbox_of(harness.app).channel.stop()
        await harness.app.shutdown()
    await started[1].runtime.close()


async def both(instances: list[BotHarness], job: str) -> None:
    """Run one periodic job on both instances at the same moment."""
    await asyncio.gather(*(outbox_of(i.app).scheduler.jobs[job].run() for i in instances))


async def test_a_broadcast_and_due_check_ins_go_out_exactly_once(
    instances: list[BotHarness], clock: FakeClock, fake_api: FakeBotAPI
) -> None:
    runtime = instances[0].runtime
    people = await make_community(runtime, locales=["nl"] * MEMBERS, first_user_id=941_000_001)
    meeting = await make_meeting(runtime, people.community_id, questions=())
    async with runtime.sessions() as session:
        for member_id in people.member_ids:
            member = await session.get(Member, member_id)
            await rsvps.respond(session, member, meeting.id, RsvpStatus.GOING, now=clock())
        await session.commit()
        await announcements.announce(
            session,
            community_code="utrecht",
            texts={"nl": "Tot zaterdag!"},
            source_locale="nl",
            now=clock(),
        )
    clock.now = datetime(2026, 12, 4, 13, 5, tzinfo=UTC)  # the day-before reminders are due
    for _ in range(3):
        await both(instances, CHECKINS_JOB)
        await both(instances, OUTBOX_JOB)

    sent = fake_api.sent()
    announcements_per_chat = Counter(
        c.chat_id for c in sent if c.text and "Tot zaterdag!" in c.text
    )
    reminders_per_chat = Counter(c.chat_id for c in sent if c.text and "Samen koken" in c.text)
    assert sorted(announcements_per_chat) == people.user_ids
    assert set(announcements_per_chat.values()) == {1}
    assert sorted(reminders_per_chat) == people.user_ids
    assert set(reminders_per_chat.values()) == {1}


async def test_one_members_updates_alternate_between_instances(
    instances: list[BotHarness],
) -> None:
    a, b = instances
    await create_community(a.runtime, name="Buurtkamer", code="buurt-oost-4f9k")
    nl = a.runtime.catalogs.translator("nl")
    await a.say(SANNE, "/start buurt-oost-4f9k")
    await b.tap(SANNE, "✓ Nederlands")
    await a.tap(SANNE, nl.gettext("Yes, I agree"))
    for harness in (b, a, b, a):  # the four profile steps
        await harness.tap(SANNE, nl.gettext("Skip"))
    await a.say(SANNE, "/share")
    (thanks,) = await b.say(SANNE, "Ik heb een baan gevonden als kok.")
    assert thanks  # the story was taken as the answer to /share, not as a stray message
    async with b.runtime.sessions() as session:
        stories = list(
            await session.scalars(select(Answer).where(Answer.source == AnswerSource.STORY))
        )
    assert [s.text for s in stories] == ["Ik heb een baan gevonden als kok."]


async def test_a_conversation_across_two_instances_is_told_and_answered_exactly_once(
    instances: list[BotHarness], fake_api: FakeBotAPI
) -> None:
    """The member writes through one instance and answers through the other; both run the
    notice and outbox jobs at the same moments: one notice, one reply, nothing lost."""
    a, b = instances
    runtime = a.runtime
    community = await create_community(runtime, name="Invented Buurtkamer", code="buurt-2i")
    await make_organiser(runtime, community.id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    await a.say(DAWIT, "/start buurt-2i")
    await b.tap(DAWIT, "✓ ትግርኛ")
    await a.tap(DAWIT, runtime.catalogs.translator("ti").gettext("Yes, I agree"))
    for harness in (b, a, b, a):  # the four profile steps
        await harness.tap(DAWIT, runtime.catalogs.translator("ti").gettext("Skip"))
    await a.say(DAWIT, "ሰላም፣ ሕቶ ኣለኒ።")
    for _ in range(2):
        await both(instances, INBOX_NOTICES_JOB)
        await both(instances, OUTBOX_JOB)
    assert len(fake_api.sent(SANNE.id)) == 1  # one notice, not one per instance

    await b.say(SANNE, "/inbox")
    await a.tap(SANNE, "1")
    await b.tap(SANNE, nl.gettext("Reply"))
    await a.say(SANNE, "Kom zaterdag gerust langs.")
    await b.say(DAWIT, "የቐንየልና")  # the member's answer lands through the other instance
    for _ in range(2):
        await both(instances, OUTBOX_JOB)
    replies_to_member = [t for t in fake_api.texts(DAWIT.id) if "Kom zaterdag" in t]
    assert len(replies_to_member) == 1
    async with b.runtime.sessions() as session:
        words = list(await session.scalars(select(ConversationMessage.text)))
    assert "ሰላም፣ ሕቶ ኣለኒ።" in words
    assert "Kom zaterdag gerust langs." in words
    assert "የቐንየልና" in words
