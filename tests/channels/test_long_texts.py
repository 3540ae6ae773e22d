"""Texts longer than Telegram allows (a client that ignores its 4,096 limit) get a kind answer
in the member's language, nothing is stored, and the member can go on."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Answer, AnswerSource, InputRun
from bot.services import meetings
from bot.services.intake import questions
from bot.services.meetings import invitations
from bot.services.meetings.invitations import Audience
from tests.channels.journeys import CODE, onboard
from tests.factories import OLENA, SANNE, Person, create_community
from tests.harness import BotHarness
from tests.meeting_support import AGENDA, deliver, make_meeting
from tests.outbox_support import make_community

LONG = "lang verhaal " * 400  # 5,200 characters


async def stories(bot: BotHarness) -> list[str]:
    async with bot.runtime.sessions() as session:
        found = await session.scalars(select(Answer).where(Answer.source == AnswerSource.STORY))
        return [a.text or "" for a in found]


async def test_an_over_long_story_is_answered_kindly_and_the_member_can_go_on(
    bot: BotHarness,
) -> None:
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    await onboard(bot, OLENA)
    [prompt] = await bot.say(SANNE, "/share")
    [answer] = await bot.say(SANNE, LONG)
    too_long = bot.runtime.catalogs.translator("nl").ngettext(
        "That message is too long for me. Please keep it under {count} character.",
        "That message is too long for me. Please keep it under {count} characters.",
        4096,
    )
    assert too_long.endswith("4.096 tekens.")  # the count, formatted and agreeing in Dutch
    assert answer == too_long + "\n\n" + prompt
    assert await stories(bot) == []
    # Still at the story step: a shorter one is kept.
    [thanks] = await bot.say(SANNE, "Een korter verhaal over de buurt.")
    assert thanks.startswith("Bedankt voor je verhaal!")
    assert await stories(bot) == ["Een korter verhaal over de buurt."]
    # In the member's own language.
    await bot.say(OLENA, "/share")
    [answer] = await bot.say(OLENA, LONG)
    assert answer.startswith("Це повідомлення задовге для мене.")


async def test_an_over_long_answer_to_a_question_is_answered_kindly(bot: BotHarness) -> None:
    people = await make_community(bot.runtime, locales=["nl"], first_user_id=960_300_001)
    person = Person(people.user_ids[0], "Sanne", "nl")
    meeting = await make_meeting(bot.runtime, people.community_id, questions=[AGENDA])
    async with bot.runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        await invitations.invite(session, fresh, Audience(), now=bot.runtime.clock())
        await session.commit()
    await deliver(bot.runtime, bot.api)
    await bot.tap(person, "Inbreng geven")
    [answer] = await bot.say(person, LONG)
    assert (
        bot.runtime.catalogs.translator("nl").ngettext(
            "That answer is too long. Please keep it under {count} character.",
            "That answer is too long. Please keep it under {count} characters.",
            questions.MAX_TEXT,
        )
        in answer
    )
    assert "Wat wil je op de agenda zetten?" in answer
    async with bot.runtime.sessions() as session:
        assert (await session.scalars(select(Answer))).all() == []
        assert len((await session.scalars(select(InputRun))).all()) == 1
