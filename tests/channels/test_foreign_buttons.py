"""Buttons of another community's meeting or check-in are answered as if they did not exist:
the member learns nothing about that meeting, and nothing is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import CheckIn, CheckInKind, DialogState, InputRun, Rsvp
from bot.services import dialogs
from tests.factories import Person
from tests.harness import BotHarness
from tests.meeting_support import make_meeting
from tests.outbox_support import make_community

# Invented people: Sanne belongs to Utrecht only, Joost to Zwolle only.
SANNE = Person(960_100_001, "Sanne", "nl")
JOOST = Person(960_200_001, "Joost", "nl")
NO_SUCH_MEETING = 987_654
GONE = "Dit is niet meer beschikbaar."


async def two_communities(bot: BotHarness) -> tuple[int, int]:
    """(Zwolle's meeting id, Joost's check-in id for it)."""
    await make_community(bot.runtime, "utrecht", first_user_id=SANNE.id)
    zwolle = await make_community(bot.runtime, "zwolle", first_user_id=JOOST.id)
    meeting = await make_meeting(bot.runtime, zwolle.community_id)
    async with bot.runtime.sessions() as session:
        checkin = CheckIn(
            member_id=zwolle.member_ids[0],
            community_id=zwolle.community_id,
            meeting_id=meeting.id,
            kind=CheckInKind.FOLLOWUP,
            due_at=bot.runtime.clock() - timedelta(minutes=1),
        )
        session.add(checkin)
        await session.commit()
        return meeting.id, checkin.id


async def answer_to(bot: BotHarness, data: str) -> tuple[str | None, list[str]]:
    """What Sanne sees after tapping: the pop-up text, and any messages."""
    calls = await bot.press(SANNE, data)
    return bot.last_callback_answer(), [c.text or "" for c in calls]


async def nothing_stored(bot: BotHarness) -> None:
    async with bot.runtime.sessions() as session:
        for model in (Rsvp, InputRun, DialogState):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model


@pytest.mark.parametrize("action", ["going", "maybe", "no", "ics"])
async def test_a_foreign_invitation_button_gets_the_answer_for_no_meeting(
    bot: BotHarness, action: str
) -> None:
    meeting_id, _ = await two_communities(bot)
    missing = await answer_to(bot, f"mtg:{NO_SUCH_MEETING}:{action}")
    foreign = await answer_to(bot, f"mtg:{meeting_id}:{action}")
    assert foreign == missing == (GONE, [])
    await nothing_stored(bot)


async def test_a_foreign_give_input_button_gets_the_answer_for_no_meeting(
    bot: BotHarness,
) -> None:
    meeting_id, _ = await two_communities(bot)
    _, missing = await answer_to(bot, f"mtg:{NO_SUCH_MEETING}:input")
    _, foreign = await answer_to(bot, f"mtg:{meeting_id}:input")
    assert foreign == missing == [GONE]
    await nothing_stored(bot)


async def test_someone_elses_check_in_button_is_answered_neutrally(bot: BotHarness) -> None:
    _, checkin_id = await two_communities(bot)
    answered, messages = await answer_to(bot, f"chk:{checkin_id}:answer")
    assert (answered, messages) == ("Deze knop werkt niet meer.", [])
    await nothing_stored(bot)


async def test_the_same_buttons_still_work_for_a_member_of_the_community(
    bot: BotHarness,
) -> None:
    meeting_id, checkin_id = await two_communities(bot)
    await bot.press(JOOST, f"mtg:{meeting_id}:going")
    assert bot.last_callback_answer() == "Opgeslagen."
    async with bot.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Rsvp)) == 1
        member, dialog = await dialogs.of_user(session, JOOST.id)
    # Going leads straight to the meeting's questions.
    assert member is not None
    assert dialog is not None
    calls = await bot.press(JOOST, f"chk:{checkin_id}:answer")
    assert calls
    assert GONE not in [c.text for c in calls]
