"""Helpers for the co-ownership stories: a community of invented members in four languages,
invited to one meeting, and the jobs the scheduler would run."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Meeting
from bot.services import meetings
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from bot.services.proposals import digests
from bot.services.proposals import notices as proposal_notices
from tests.factories import SANNE, Person
from tests.harness import BotHarness
from tests.meeting_support import deliver, make_meeting, make_organiser
from tests.outbox_support import make_community


@dataclass
class Invited:
    meeting: Meeting
    community_id: int
    amira: Person  # Arabic
    olena: Person  # Ukrainian
    dawit: Person  # Tigrinya
    noor: Person  # Dutch
    member_ids: list[int]


async def invited_community(bot: BotHarness, first_user_id: int) -> Invited:
    """Four members (ar, uk, ti, nl) of one community, invited to one meeting organised by
    Sanne; the invitations delivered."""
    runtime = bot.runtime
    people = await make_community(
        runtime, locales=["ar", "uk", "ti", "nl"], first_user_id=first_user_id, name="Buurthuis"
    )
    await make_organiser(runtime, people.community_id, SANNE.id)
    meeting = await make_meeting(runtime, people.community_id, questions=())
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        await invitations.invite(session, fresh, Audience(), now=runtime.clock())
        await session.commit()
    await deliver(runtime, bot.api)
    amira, olena, dawit, noor = (
        Person(uid, name, locale)
        for uid, name, locale in zip(
            people.user_ids,
            ["Amira", "Olena", "Dawit", "Noor"],
            ["ar", "uk", "ti", "nl"],
            strict=True,
        )
    )
    return Invited(meeting, people.community_id, amira, olena, dawit, noor, people.member_ids)


async def run_notices(bot: BotHarness) -> None:
    """The scheduler's notice job, then the outbox."""
    async with bot.runtime.sessions() as session:
        await proposal_notices.queue_due(session, now=bot.runtime.clock())
        await session.commit()
    await deliver(bot.runtime, bot.api)


async def run_digests(bot: BotHarness) -> int:
    async with bot.runtime.sessions() as session:
        queued = await digests.queue_due(session, now=bot.runtime.clock())
        await session.commit()
    await deliver(bot.runtime, bot.api)
    return queued


def button_on(bot: BotHarness, person: Person, containing: str, label: str) -> tuple[int, str]:
    """(message id, callback data) of `label` on the newest message whose text has
    `containing`."""
    for message_id, text, keyboard in reversed(bot.screen(person)):
        if containing not in text:
            continue
        for row in keyboard:
            for button in row:
                if button["text"] == label:
                    return message_id, button["callback_data"]
    raise AssertionError(f"no {label!r} on a message with {containing!r}")


async def tap_on(bot: BotHarness, person: Person, containing: str, label: str) -> list:
    message_id, data = button_on(bot, person, containing, label)
    return await bot.press(person, data, message_id=message_id)
