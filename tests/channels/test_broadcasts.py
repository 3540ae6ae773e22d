"""Organisers see their broadcasts' counts in chat and can resend to the failed ones only."""

from __future__ import annotations

from bot.db.models import OutboxState, Role
from bot.services.communities import roles
from bot.services.outbox import announcements
from tests.factories import OLENA, SANNE
from tests.fakes.bot_api import Errors
from tests.harness import BotHarness
from tests.outbox_support import make_community, make_dispatcher, rows


async def broadcast_with_a_failure(bot: BotHarness, code: str = "utrecht") -> tuple[int, list]:
    people = await make_community(
        bot.runtime, code, locales=["nl"] * 3, name="Buurthuis Oost", first_user_id=940_000_001
    )
    async with bot.runtime.sessions() as session:
        result = await announcements.announce(
            session,
            community_code=code,
            texts={"nl": "Tot zaterdag!"},
            source_locale="nl",
            now=bot.runtime.clock(),
        )
        await roles.grant(
            session,
            community_id=people.community_id,
            telegram_user_id=SANNE.id,
            role=Role.ORGANISER,
            now=bot.runtime.clock(),
        )
        await session.commit()
    bot.api.fail(Errors.CHAT_NOT_FOUND, chat_id=people.user_ids[0])
    dispatcher, channel, _ = make_dispatcher(bot.runtime, bot.api)
    await channel.start()
    await dispatcher.run_once()
    await channel.stop()
    return result.broadcast_id, people.user_ids


async def test_an_organiser_sees_counts_and_resends_to_the_failed_only(bot: BotHarness) -> None:
    broadcast_id, user_ids = await broadcast_with_a_failure(bot)
    (reply,) = await bot.feed(bot.updates.text(SANNE, "/broadcasts"))
    assert reply.text is not None
    assert reply.text.startswith("Je laatste groepsberichten:\n\n#1 Mededeling aan Buurthuis Oost")
    assert "Verstuurd: 2 van 3" in reply.text
    assert "Mislukt: 1" in reply.text
    button = reply.button("Opnieuw sturen, alleen mislukte (#1)")
    assert button["callback_data"] == f"obx:rs:{broadcast_id}"

    await bot.feed(bot.updates.callback(SANNE, button["callback_data"]))
    answer = bot.api.calls_to("answerCallbackQuery")[-1]
    assert answer.params["text"] == "1 bericht staat weer klaar om te versturen."
    states = [row.state for row in await rows(bot.runtime)]
    assert states.count(OutboxState.QUEUED) == 1  # only the failed one
    assert states.count(OutboxState.SENT) == 2
    edited = bot.api.calls_to("editMessageText")[-1]
    assert "Nog te versturen: 1" in edited.params["text"]

    dispatcher, channel, _ = make_dispatcher(bot.runtime, bot.api)
    await channel.start()
    await dispatcher.run_once()
    await channel.stop()
    assert len(bot.api.sent(user_ids[0])) == 2  # failed once, then sent
    assert all(len(bot.api.sent(uid)) == 1 for uid in user_ids[1:])  # nobody else twice


async def test_someone_who_organises_nothing_is_told_so(bot: BotHarness) -> None:
    await broadcast_with_a_failure(bot)
    replies = await bot.say(OLENA, "/broadcasts")
    assert replies == ["Ця команда для організаторів і координаторів спільноти."]


async def test_a_tampered_or_foreign_button_changes_nothing(bot: BotHarness) -> None:
    broadcast_id, _ = await broadcast_with_a_failure(bot)
    before = [(row.id, row.state) for row in await rows(bot.runtime)]
    for data in (f"obx:rs:{broadcast_id + 99}", "obx:rs:abc", "obx:rs:-1", "obx:rs:"):
        await bot.feed(bot.updates.callback(SANNE, data))
        answer = bot.api.calls_to("answerCallbackQuery")[-1]
        assert answer.params["text"] == "Deze knop werkt niet meer."
    # Olena may not resend Sanne's broadcast, whatever button she crafts.
    await bot.feed(bot.updates.callback(OLENA, f"obx:rs:{broadcast_id}"))
    assert bot.api.calls_to("answerCallbackQuery")[-1].params["text"] == (
        "Ця кнопка більше не працює."
    )
    assert [(row.id, row.state) for row in await rows(bot.runtime)] == before


async def test_an_organiser_without_broadcasts_hears_that(bot: BotHarness) -> None:
    people = await make_community(bot.runtime, "zwolle", locales=[])
    async with bot.runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=people.community_id,
            telegram_user_id=SANNE.id,
            role=Role.ORGANISER,
            now=bot.runtime.clock(),
        )
        await session.commit()
    assert await bot.say(SANNE, "/broadcasts") == [
        "Je gemeenschappen hebben nog geen groepsberichten."
    ]
