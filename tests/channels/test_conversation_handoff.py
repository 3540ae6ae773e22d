"""Handing a conversation to an ambassador: the organiser picks one by pseudonymous code, the
ambassador is told in Persian with an Open button, reads the member's message and answers it;
the member gets the answer. A conversation not handed to them stays closed to them (audited)."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.views import conversations as views
from bot.db.models import AuditEvent, Conversation, Role
from bot.services import exports, members
from tests.channels.journeys import onboard
from tests.factories import AMIRA, DAWIT, REZA, SANNE, Person, create_community
from tests.harness import BotHarness
from tests.meeting_support import deliver, make_organiser

QUESTION = "ሰላም፣ ብዛዕባ ናይ ሰንበት ኣኼባ ሕቶ ኣለኒ።"
OTHER = "مرحبا، عندي سؤال عن الاجتماع."
ANSWER = "سلام، جلسه شنبه ساعت ده است."


async def _conversation_of(bot: BotHarness, person: Person) -> Conversation:
    async with bot.runtime.sessions() as session:
        member = await members.find_by_telegram_id(session, person.id)
        assert member is not None
        return (
            await session.scalars(select(Conversation).where(Conversation.member_id == member.id))
        ).one()


async def test_an_organiser_hands_a_conversation_to_an_ambassador_who_answers_only_that_one(
    bot: BotHarness,
) -> None:
    runtime, api = bot.runtime, bot.api
    community = await create_community(runtime, name="Invented Buurtkamer Oost")
    await make_organiser(runtime, community.id, SANNE.id)
    for person in (DAWIT, AMIRA, REZA):
        await onboard(bot, person)
    await make_organiser(runtime, community.id, REZA.id, Role.AMBASSADOR)
    await bot.say(DAWIT, QUESTION)
    await bot.say(AMIRA, OTHER)
    handed, other = await _conversation_of(bot, DAWIT), await _conversation_of(bot, AMIRA)
    nl, fa = runtime.catalogs.translator("nl"), runtime.catalogs.translator("fa")
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    async with runtime.sessions() as session:
        reza = await members.find_by_telegram_id(session, REZA.id)
    assert reza is not None

    # The organiser opens Dawit's conversation and hands it to the ambassador, by code only.
    await bot.press(SANNE, f"inb:{handed.id}:open:{handed.version}")
    await bot.tap(SANNE, nl.gettext("Hand to an ambassador"))
    assert bot.screen(SANNE)[-1][1] == views.hand_prompt(nl)
    assert [b["text"] for row in bot.screen(SANNE)[-1][2] for b in row] == [codes.code(reza.id)]
    await bot.tap(SANNE, codes.code(reza.id))
    assert bot.last_callback_answer() == nl.gettext("Done.")

    # The ambassador is told in Persian, opens it, reads Dawit's message and answers.
    await deliver(runtime, api)
    assert api.texts(REZA.id)[-1] == fa.gettext(
        "An organiser handed you a conversation with a member. Open it to read and answer."
    )
    await bot.tap(REZA, fa.gettext("Open"))
    assert QUESTION in api.texts(REZA.id)[-1]
    labels = [b["text"] for row in bot.screen(REZA)[-1][2] for b in row]
    assert labels == [fa.gettext("Reply"), fa.gettext("Saved replies")]
    await bot.tap(REZA, fa.gettext("Reply"))
    await bot.say(REZA, ANSWER)
    await deliver(runtime, api)
    assert any(ANSWER in text for text in api.texts(DAWIT.id))

    # Amira's conversation was not handed to Reza: refused, audited, nothing shown.
    before = len(api.texts(REZA.id))
    await bot.press(REZA, f"inb:{other.id}:open:{other.version}")
    assert bot.last_callback_answer() == views.not_handed_text(fa)
    assert len(api.texts(REZA.id)) == before
    async with runtime.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "staff.refused",
                    AuditEvent.actor_user_id == REZA.id,
                )
            )
        ).all()
        handed_events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "conversation.hand")
            )
        ).all()
    assert [e.details for e in refused] == [{"command": "inbox", "reason": "not_handed"}]
    assert [e.actor_user_id for e in handed_events] == [SANNE.id]
