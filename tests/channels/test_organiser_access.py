"""Only organisers of a community work on its meetings; every tap is checked again."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AuditEvent, Meeting, Role
from bot.services import roles
from tests.factories import AMIRA, SANNE
from tests.harness import BotHarness, Tap
from tests.meeting_support import make_meeting
from tests.outbox_support import make_community

NOT_STAFF = "This command is for organisers and coordinators of a community."


async def test_someone_without_the_role_is_refused_and_it_is_audited(bot: BotHarness) -> None:
    t = bot.runtime.catalogs.translator("ar")
    for command in ("/newmeeting", "/meeting", "/invite", "/translate"):
        (reply,) = await bot.say(AMIRA, command)
        assert reply == t.gettext(NOT_STAFF)
    async with bot.runtime.sessions() as session:
        events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.action, e.actor_user_id, e.details["reason"]) for e in events] == [
        ("staff.refused", AMIRA.id, "no_role")
    ] * 4
    assert [e.details["command"] for e in events] == ["newmeeting", "show", "invite", "translate"]


async def test_a_former_organiser_cannot_use_old_buttons(bot: BotHarness) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, first_user_id=971_000_001)
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=people.community_id,
            telegram_user_id=SANNE.id,
            role=Role.ORGANISER,
            now=runtime.clock(),
        )
        await session.commit()
    meeting = await make_meeting(runtime, people.community_id)
    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/meeting")
    label = f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}"
    await bot.act(SANNE, Tap(label))
    async with runtime.sessions() as session:
        await roles.revoke(
            session,
            community_id=people.community_id,
            telegram_user_id=SANNE.id,
            role=Role.ORGANISER,
            now=runtime.clock(),
        )
        await session.commit()
    shown = await bot.act(SANNE, Tap(nl.gettext("Cancel the meeting")))
    assert shown == []
    assert bot.last_callback_answer() == nl.gettext(NOT_STAFF)
    async with runtime.sessions() as session:
        still = await session.scalar(select(Meeting))
        assert still.status.value == "scheduled"
