"""The same update twice is handled once; a member who writes again is reachable again."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from bot.db.models import Member
from bot.services import updates
from tests.factories import AMIRA, GROUP_CHAT, SANNE
from tests.harness import BotHarness


async def find(bot: BotHarness, telegram_user_id: int) -> Member:
    async with bot.runtime.sessions() as session:
        member = await session.scalar(
            select(Member).where(Member.telegram_user_id == telegram_user_id)
        )
    assert member is not None
    return member


async def add_member(bot: BotHarness, person) -> None:
    async with bot.runtime.sessions() as session:
        session.add(
            Member(telegram_user_id=person.id, locale="nl", created_at=bot.runtime.clock())
        )
        await session.commit()


async def set_blocked(bot: BotHarness, telegram_user_id: int) -> None:
    async with bot.runtime.sessions() as session:
        member = await session.scalar(
            select(Member).where(Member.telegram_user_id == telegram_user_id)
        )
        assert member is not None
        member.blocked_at = bot.runtime.clock()
        await session.commit()


async def test_an_update_delivered_twice_is_answered_once(bot: BotHarness) -> None:
    update = bot.updates.text(AMIRA, "/start")
    first = await bot.feed(update)
    again = await bot.feed(update)  # a webhook retry, or a restart before the offset moved on
    assert len(first) == 1
    assert again == []
    assert len(bot.api.sent()) == 1


async def test_an_old_update_id_is_new_again_after_the_window(bot: BotHarness) -> None:
    update = bot.updates.text(AMIRA, "/start")
    await bot.feed(update)
    window = timedelta(hours=bot.runtime.settings.update_dedupe_hours)
    async with bot.runtime.sessions() as session:
        assert await updates.purge(session, before=bot.runtime.clock() + window) == 1
    # Update ids are not monotonic over long gaps: after the window the id can mean a new one.
    assert len(await bot.feed(update)) == 1


async def test_a_member_who_writes_again_is_reachable_again(bot: BotHarness) -> None:
    await add_member(bot, SANNE)
    await set_blocked(bot, SANNE.id)
    await bot.feed(bot.updates.sticker(SANNE))  # any update from them, even one nobody handles
    assert (await find(bot, SANNE.id)).blocked_at is None


async def test_writing_in_a_group_does_not_reactivate_the_private_chat(bot: BotHarness) -> None:
    await add_member(bot, SANNE)
    await set_blocked(bot, SANNE.id)
    await bot.feed(bot.updates.text(SANNE, "hallo", chat=GROUP_CHAT))
    assert (await find(bot, SANNE.id)).blocked_at is not None


def chat_member_update(update_id: int, status: str, old: str) -> dict:
    bot_user = {"id": 700000001, "is_bot": True, "first_name": "Samen"}
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": AMIRA.as_private_chat(),
            "from": AMIRA.as_user(),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot_user, "until_date": 0},
            "new_chat_member": {"status": status, "user": bot_user, "until_date": 0},
        },
    }


async def test_blocking_and_unblocking_the_bot_is_noticed(bot: BotHarness) -> None:
    await add_member(bot, AMIRA)
    await bot.feed(chat_member_update(90001, "kicked", old="member"))
    assert (await find(bot, AMIRA.id)).blocked_at is not None
    await bot.feed(chat_member_update(90002, "member", old="kicked"))
    assert (await find(bot, AMIRA.id)).blocked_at is None
