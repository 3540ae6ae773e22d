"""Only organisers of a community work on its meetings; every tap is checked again."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.views import meetings as meeting_views
from bot.db.models import AuditEvent, Meeting, Role
from bot.services import meetings
from bot.services.communities import roles
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from tests.factories import AMIRA, GROUP_CHAT, SANNE, Person
from tests.harness import BotHarness, Tap
from tests.meeting_support import deliver, make_meeting, make_organiser
from tests.outbox_support import make_community

NOT_STAFF = "This command is for organisers and coordinators of a community."
REVOKED = (
    "Your organiser role was taken away, so this command no longer works for you. "
    "Ask a coordinator if this is a mistake."
)


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
    await make_organiser(runtime, people.community_id, SANNE.id)
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
    assert bot.last_callback_answer() == nl.gettext(REVOKED)
    async with runtime.sessions() as session:
        still = await session.scalar(select(Meeting))
        assert still.status.value == "scheduled"


async def test_an_organiser_moves_then_cancels_and_the_invited_are_told(bot: BotHarness) -> None:

    runtime = bot.runtime
    people = await make_community(runtime, locales=["ar"], first_user_id=972_000_001)
    await make_organiser(runtime, people.community_id, SANNE.id)
    meeting = await make_meeting(runtime, people.community_id)
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    nl = runtime.catalogs.translator("nl")
    label = f"Samen koken · {nl.fmt_date(meeting.starts_at, 'medium')}"

    await bot.say(SANNE, "/meeting")
    await bot.act(SANNE, Tap(label))
    await bot.act(SANNE, Tap(nl.gettext("Move")))
    (bad,) = await bot.say(SANNE, "volgende week")
    assert bad.startswith(
        nl.gettext(
            "I could not read that date and time. Please type it like {example}.",
            example="14-03-2027 19:00",
        )
    )
    (moved,) = await bot.say(SANNE, "12-12-2026 15:00")
    assert moved == nl.ngettext(
        "The meeting is moved. {count} person will be told.",
        "The meeting is moved. {count} people will be told.",
        1,
        count="1",
    )
    await deliver(runtime, bot.api)
    amira = Person(people.user_ids[0], "Amira", "ar")
    ar = runtime.catalogs.translator("ar")
    async with runtime.sessions() as session:
        moved_meeting = await meetings.get(session, meeting.id)
    expected = ar.gettext(
        "Moved: {title} is now on {when}.",
        title=ar.isolate("Samen koken"),
        when=meeting_views.when(ar, moved_meeting),
    )
    assert bot.screen(amira)[-1][1].startswith(expected)
    new_label = f"Samen koken · {nl.fmt_date(moved_meeting.starts_at, 'medium')}"

    await bot.say(SANNE, "/meeting")
    await bot.act(SANNE, Tap(new_label))
    await bot.act(SANNE, Tap(nl.gettext("Cancel the meeting")))
    (done,) = await bot.act(SANNE, Tap(nl.gettext("Yes, cancel it")))
    assert done.text == nl.ngettext(
        "The meeting is cancelled. {count} person will be told.",
        "The meeting is cancelled. {count} people will be told.",
        1,
        count="1",
    )
    await deliver(runtime, bot.api)
    assert bot.screen(amira)[-1][1] == ar.gettext(
        "Cancelled: {title} will not take place. We are sorry.", title=ar.isolate("Samen koken")
    )


async def test_organiser_commands_in_a_group_chat_are_refused_with_a_reason(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    people = await make_community(runtime, first_user_id=973_000_001)
    await make_organiser(runtime, people.community_id, SANNE.id)
    nl = runtime.catalogs.translator("nl")
    for command in ("/newmeeting", "/invite@samen_test_bot"):
        (reply,) = await bot.feed(bot.updates.text(SANNE, command, chat=GROUP_CHAT))
        assert reply.text == nl.gettext("Organiser commands work only in a private chat with me.")
    async with runtime.sessions() as session:
        events = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.refused"))
        )
    assert [(e.details["command"], e.details["reason"]) for e in events] == [
        ("newmeeting", "group_chat"),
        ("invite", "group_chat"),
    ]
    async with runtime.sessions() as session:
        assert await session.scalar(select(Meeting)) is None
