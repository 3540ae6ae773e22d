"""/stats: a coordinator gets the main chart as a photo with a caption in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import fonts
from bot.db.models import Conversation, Member, Membership, MessageKind, Role
from bot.services import audit, conversations
from bot.services.communities import roles
from bot.services.conversations import Incoming
from tests.factories import AMIRA, GROUP_CHAT, OLENA, SANNE
from tests.fonts_support import drawing_fonts
from tests.harness import BotHarness
from tests.report_support import seed_community

__all__ = ["drawing_fonts"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def grant(bot: BotHarness, community_id: int, user_id: int, role: Role) -> None:
    async with bot.runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=community_id,
            telegram_user_id=user_id,
            role=role,
            now=bot.runtime.clock(),
        )
        await session.commit()


@pytest.mark.usefixtures("drawing_fonts")
async def test_a_coordinator_gets_the_chart_with_a_caption_in_their_language(
    bot: BotHarness,
) -> None:
    seeded = await seed_community(bot.runtime)
    await grant(bot, seeded.community_id, OLENA.id, Role.COORDINATOR)

    (reply,) = await bot.feed(bot.updates.text(OLENA, "/stats"))

    assert reply.method == "sendPhoto"
    assert reply.chat_id == OLENA.id
    photo = reply.files["photo"]
    assert photo.startswith(PNG_SIGNATURE)
    assert len(photo) > 5_000
    # Every count in its own plural form: "2 історії" (few), "5 відповідей" (many).
    assert reply.params["caption"] == (
        "Invented Buurtkamer Oost: 5 учасників, 5 відповідей і 2 історії.\n"
        "Доставлено 3 з 5 повідомлень.\n\nРозмови — відкрито: 0 · з відповіддю: 0"
    )
    async with bot.runtime.sessions() as session:
        (event,) = await audit.events(session, action="report.stats")
    assert (event.actor_user_id, event.community_id) == (OLENA.id, seeded.community_id)
    assert event.row_count == 7


async def test_organisers_and_members_are_refused_and_nothing_is_drawn(bot: BotHarness) -> None:
    seeded = await seed_community(bot.runtime)
    await grant(bot, seeded.community_id, SANNE.id, Role.ORGANISER)

    (refused,) = await bot.feed(bot.updates.text(SANNE, "/stats"))
    assert refused.method == "sendMessage"
    assert refused.text == (
        "Alleen coördinatoren kunnen deze opdracht gebruiken. Je bent organisator, geen "
        "coördinator: vraag het een coördinator van je gemeenschap."
    )
    (member,) = await bot.feed(bot.updates.text(AMIRA, "/stats"))
    assert member.method == "sendMessage"
    assert bot.api.calls_to("sendPhoto") == []
    async with bot.runtime.sessions() as session:
        assert await audit.events(session, action="report.stats") == []
        refusals = await audit.events(session, action="staff.refused")
    assert [(e.actor_user_id, e.details) for e in refusals] == [
        (AMIRA.id, {"command": "stats", "reason": "no_role"}),
        (SANNE.id, {"command": "stats", "reason": "not_coordinator"}),
    ]


async def test_in_a_group_chat_stats_are_never_sent(bot: BotHarness) -> None:
    seeded = await seed_community(bot.runtime)
    await grant(bot, seeded.community_id, OLENA.id, Role.COORDINATOR)

    (reply,) = await bot.feed(bot.updates.text(OLENA, "/stats", chat=GROUP_CHAT))

    assert reply.method == "sendMessage"
    assert reply.chat_id == GROUP_CHAT["id"]
    assert reply.text == "Команди для організаторів працюють лише в особистому чаті зі мною."
    assert bot.api.calls_to("sendPhoto") == []


@pytest.mark.usefixtures("drawing_fonts")
async def test_a_coordinator_of_two_communities_chooses_one_by_code(bot: BotHarness) -> None:
    first = await seed_community(bot.runtime, "oost")
    await grant(bot, first.community_id, SANNE.id, Role.COORDINATOR)
    async with bot.runtime.sessions() as session:
        from bot.db.models import Community

        other = Community(
            code="west", name="Invented West", default_locale="nl", time_zone="Europe/Amsterdam"
        )
        session.add(other)
        await session.commit()
        other_id = other.id
    await grant(bot, other_id, SANNE.id, Role.COORDINATOR)

    (question,) = await bot.feed(bot.updates.text(SANNE, "/stats"))
    assert question.method == "sendMessage"
    assert "/stats oost — Invented Buurtkamer Oost" in (question.text or "")
    assert "/stats west — Invented West" in (question.text or "")

    (photo,) = await bot.feed(bot.updates.text(SANNE, "/stats west"))
    assert photo.method == "sendPhoto"
    assert (photo.params["caption"] or "").startswith("Invented West: ")


@pytest.mark.usefixtures("drawing_fonts")
async def test_stats_show_conversations_opened_answered_median_and_overdue(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    seeded = await seed_community(runtime)
    await grant(bot, seeded.community_id, OLENA.id, Role.COORDINATOR)
    opened = runtime.clock() - timedelta(days=10)
    async with runtime.sessions() as session:
        member_ids = (
            await session.scalars(
                select(Membership.member_id)
                .where(Membership.community_id == seeded.community_id)
                .order_by(Membership.member_id)
            )
        ).all()
        for index, member_id in enumerate(member_ids[:3]):
            member = await session.get(Member, member_id)
            assert member is not None
            received = await conversations.receive(
                session, member, Incoming(MessageKind.TEXT, text="Invented question"), now=opened
            )
            if index < 2:  # answered after 90 minutes; the third waits, past the answer time
                conversation = await session.get(Conversation, received.conversation_id)
                assert conversation is not None
                conversation.first_answer_at = opened + timedelta(minutes=90)
        await session.commit()

    (reply,) = await bot.feed(bot.updates.text(OLENA, "/stats"))

    lines = reply.params["caption"].split("\n")[3:]
    assert lines == [
        "Розмови — відкрито: 3 · з відповіддю: 2",
        "Медіанний час до першої відповіді: 1 година.",
        "1 відкрита розмова чекає довше, ніж час відповіді спільноти.",
    ]


async def test_without_the_fonts_the_figures_come_as_text_and_nothing_is_drawn_as_boxes(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = await seed_community(bot.runtime)
    await grant(bot, seeded.community_id, OLENA.id, Role.COORDINATOR)
    monkeypatch.setattr(fonts, "FONT_DIRS", ())

    (reply,) = await bot.feed(bot.updates.text(OLENA, "/stats"))

    assert reply.method == "sendMessage"
    # The caption's figures, as text (the same text the photo would carry).
    assert reply.params["text"].startswith("Invented Buurtkamer Oost: 5 ")
    async with bot.runtime.sessions() as session:
        assert len(await audit.events(session, action="report.stats")) == 1
