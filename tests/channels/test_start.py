"""A newcomer says /start and is greeted in their own language."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.db.models import Member
from bot.i18n.translator import FSI, PDI
from tests.channels.journeys import CODE
from tests.factories import AMIRA, DAWIT, LUCAS, OLENA, SANNE, create_community
from tests.harness import BotHarness


async def test_an_arabic_speaker_is_greeted_in_arabic(bot: BotHarness) -> None:
    replies = await bot.say(AMIRA, "/start")
    assert replies == [
        f"أهلاً بك في Samen يا {FSI}Amira{PDI}! مع مجتمعك يمكنك مشاركة ما يهمك، "
        "ومعرفة مواعيد اللقاءات والمساهمة في تشكيلها.\n\n"
        "للانضمام إلى مجتمعك، افتح الرابط أو امسح رمز QR الذي حصلت عليه من منظمتك."
    ]
    assert bot.api.sent()[0].chat_id == AMIRA.id


async def test_greetings_follow_each_users_language_code(bot: BotHarness) -> None:
    assert (await bot.say(SANNE, "/start"))[0].startswith("Welkom bij Samen, Sanne!")
    assert (await bot.say(OLENA, "/start"))[0].startswith("Ласкаво просимо до Samen, Olena!")
    assert (await bot.say(DAWIT, "/start"))[0].startswith("ናብ Samen")
    # Portuguese has no catalog: the default language (Dutch).
    assert (await bot.say(LUCAS, "/start"))[0].startswith("Welkom bij Samen, Lucas!")


async def test_start_remembers_only_what_is_needed_to_answer(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(AMIRA, f"/start {CODE}")
    async with bot.runtime.sessions() as session:
        member = await session.scalar(select(Member).where(Member.telegram_user_id == AMIRA.id))
    assert member is not None
    assert member.locale == "ar"
    assert member.consent_given_at is None
    # No name or username before consent (and none after: Samen does not need them).
    assert member.display_name is None
    assert member.username is None


async def test_start_twice_keeps_one_member(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await bot.say(AMIRA, f"/start {CODE}")
    await bot.say(AMIRA, f"/start {CODE}")
    async with bot.runtime.sessions() as session:
        members = (await session.scalars(select(Member))).all()
    assert len(members) == 1


async def test_an_update_nobody_handles_is_logged_by_id_and_ignored(
    bot: BotHarness, caplog
) -> None:
    caplog.set_level(logging.INFO)
    update = bot.updates.reaction(SANNE, emoji="🎉")
    assert await bot.feed(update) == []
    ignored = [r for r in caplog.records if r.getMessage() == "update ignored"]
    assert len(ignored) == 1
    assert ignored[0].update_id == update["update_id"]
    assert ignored[0].kind == "message_reaction"
    assert "🎉" not in caplog.text


async def test_a_failing_handler_is_logged_and_the_user_gets_an_apology(
    bot: BotHarness, caplog, monkeypatch
) -> None:
    from bot.services import members

    async def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(members, "register_contact", broken)
    await create_community(bot.runtime, code=CODE)
    update = bot.updates.text(OLENA, f"/start {CODE}")
    replies = await bot.feed(update)
    assert [call.text for call in replies] == [
        "Вибачте, у нас щось пішло не так. Спробуйте ще раз за хвилину."
    ]
    failures = [r for r in caplog.records if r.getMessage() == "handler failed"]
    assert failures
    assert failures[0].update_id == update["update_id"]


async def test_the_apology_is_in_the_language_the_member_chose(
    bot: BotHarness, monkeypatch
) -> None:
    from bot.db.models import Member
    from bot.services import members

    async with bot.runtime.sessions() as session:
        # Sanne's Telegram is Dutch, but she chose Arabic in Samen.
        session.add(Member(telegram_user_id=SANNE.id, locale="ar", created_at=bot.runtime.clock()))
        await session.commit()

    async def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(members, "register_contact", broken)
    await create_community(bot.runtime, code=CODE)
    replies = await bot.feed(bot.updates.text(SANNE, f"/start {CODE}"))
    assert [call.text for call in replies] == [
        "عذرًا، حدث خطأ من جهتنا. من فضلك حاول مرة أخرى بعد قليل."
    ]
