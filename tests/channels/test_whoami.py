"""/whoami: anyone learns their Telegram number and roles, in their language; nothing stored."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Member, Role
from bot.runtime import Runtime
from bot.services.communities import roles
from tests.channels.journeys import CODE, onboard
from tests.factories import AMIRA, OLENA, SANNE, create_community
from tests.harness import BotHarness


async def grant(runtime: Runtime, community_id: int, user_id: int, role: Role) -> None:
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=community_id,
            telegram_user_id=user_id,
            role=role,
            now=runtime.clock(),
        )
        await session.commit()


async def test_a_stranger_gets_their_number_and_nothing_is_stored(bot: BotHarness) -> None:
    assert await bot.say(OLENA, "/whoami") == [
        f"Ваш номер у Telegram:\n{OLENA.id}\n"
        "Встановлюєте Samen? Додайте цей номер до SAMEN_COORDINATOR_IDS, щоб стати "
        "координатором встановлення.\n"
        "\n"
        "Ви ще не належите до жодної спільноти."
    ]
    async with bot.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0


async def test_a_member_sees_their_communities_and_roles(bot: BotHarness) -> None:
    oost = await create_community(bot.runtime, code=CODE)
    west = await create_community(bot.runtime, name="Invented Wijkhuis West", code="west-7h2m")
    await onboard(bot, SANNE)
    await grant(bot.runtime, oost.id, SANNE.id, Role.ORGANISER)
    await grant(bot.runtime, west.id, SANNE.id, Role.COORDINATOR)
    answer = await bot.say(SANNE, "/whoami")
    assert answer == [
        f"Je Telegram-nummer:\n{SANNE.id}\n"
        "Installeer je Samen? Zet dit nummer in SAMEN_COORDINATOR_IDS om "
        "installatiecoördinator te worden.\n"
        "\n"
        "Je gemeenschappen:\n"
        "• Invented Buurtkamer Oost: lid, organisator\n"
        "• Invented Wijkhuis West: coördinator"
    ]


async def test_an_installation_coordinator_is_told_so(bot: BotHarness) -> None:
    bot.runtime.settings = bot.runtime.settings.model_copy(update={"coordinator_ids": [AMIRA.id]})
    [answer] = await bot.say(AMIRA, "/whoami")
    lines = answer.splitlines()
    # Plain digits on a line of their own (no bidi marks), to copy into the settings.
    assert lines[:2] == ["رقمك في تيليجرام:", str(AMIRA.id)]
    assert lines[2] == ("أنت منسق التثبيت (SAMEN_COORDINATOR_IDS): يمكنك العمل في كل المجتمعات.")


async def test_whoami_in_a_group_is_not_answered_there(bot: BotHarness) -> None:
    group = {"id": -100123, "type": "group", "title": "Invented group"}
    calls = await bot.feed(bot.updates.text(SANNE, "/whoami", chat=group))
    assert all(str(SANNE.id) not in (call.text or "") for call in calls)
