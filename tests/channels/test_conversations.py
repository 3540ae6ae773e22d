"""Conversations, turn by turn: a Tigrinya-speaking member writes, the Dutch-speaking
organiser is told once, reads the thread in /inbox, answers with a saved reply that reaches
the member in Tigrinya, hears the member's voice answer, closes it; /mydata shows the thread
and /delete erases it from every table."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.db.base import Base
from bot.db.models import AuditEvent, Conversation, ConversationMessage, Member, OutboxMessage
from bot.services.conversations import replies
from bot.services.members import profiles
from tests.factories import DAWIT, SANNE, Person, create_community
from tests.harness import BotHarness, Reply, Say, Tap, Turn, Voice
from tests.meeting_support import deliver, make_organiser

CODE = "buurt-oost-4f9k"
COMMUNITY = "Invented Buurtkamer Oost"
QUESTION = "ሰላም፣ ብዛዕባ ናይ ሰንበት ኣኼባ ሕቶ ኣለኒ።"
SECOND = "ኣበይ እዩ ዝግበር?"
VOICE_ID = "voice-dawit-answer-AwACAgQ9"
CALL_BACK_NL = "We bellen je deze week terug."
CALL_BACK_TI = "ኣብዚ ሰሙን ክንድውለልካ ኢና።"


async def join(bot: BotHarness, person: Person) -> None:
    """Start with the community's link, agree, skip the profile."""
    t = bot.runtime.catalogs.translator(person.language_code)
    await bot.say(person, f"/start {CODE}")
    await bot.tap(person, "✓ ትግርኛ")
    await bot.tap(person, t.gettext("Yes, I agree"))
    for _ in profiles.STEPS:
        await bot.tap(person, t.gettext("Skip"))


async def test_a_member_writes_and_an_organiser_answers_in_the_members_language(
    bot: BotHarness,
) -> None:
    runtime, api = bot.runtime, bot.api
    community = await create_community(runtime, name=COMMUNITY, code=CODE)
    await make_organiser(runtime, community.id, SANNE.id)
    async with runtime.sessions() as session:
        await replies.save(
            session,
            community_id=community.id,
            name="terugbellen",
            texts={"nl": CALL_BACK_NL, "ti": CALL_BACK_TI},
            source_locale="nl",
            now=runtime.clock(),
        )
        await session.commit()
    ti = runtime.catalogs.translator("ti")
    nl = runtime.catalogs.translator("nl")
    await join(bot, DAWIT)

    ack = ti.ngettext(
        "Thank you, your message has reached {community}. A person from {community} will "
        "answer you here, usually within {days} working day.",
        "Thank you, your message has reached {community}. A person from {community} will "
        "answer you here, usually within {days} working days.",
        2,
        community=ti.isolate(COMMUNITY),
        days="2",
    )
    added = ti.gettext(
        "Added to your conversation with {community}.", community=ti.isolate(COMMUNITY)
    )
    await bot.transcript(DAWIT, [Turn(Say(QUESTION), [ack]), Turn(Say(SECOND), [added])])

    # The first message is told at once; the second waits for the next notice.
    await deliver(runtime, api)
    notices = api.sent(SANNE.id)
    assert len(notices) == 1
    assert nl.ngettext(
        "{count} new message from members in the inbox.",
        "{count} new messages from members in the inbox.",
        1,
        count="1",
    ) in (notices[0].text or "")

    answered = await bot.transcript(
        SANNE,
        [
            Turn(
                Say("/inbox"),
                [Reply(contains=["ትግርኛ", SECOND[:10], "M-"], buttons=["1"])],
            ),
            Turn(
                Tap("1"),
                [
                    Reply(
                        contains=[QUESTION, SECOND],
                        buttons=[
                            nl.gettext("Reply"),
                            nl.gettext("Saved replies"),
                            nl.gettext("Take it"),
                            nl.gettext("Close"),
                            nl.gettext("Internal note"),
                            nl.gettext("Hand to an ambassador"),
                        ],
                    )
                ],
            ),
            Turn(Tap(nl.gettext("Saved replies")), [Reply(buttons=["✓ terugbellen"])]),
            Turn(Tap("✓ terugbellen"), [Reply(contains=[CALL_BACK_TI, "ትግርኛ"])]),
        ],
    )
    inbox_text = answered[0][0].text or ""
    # Staff never see who the member is on Telegram.
    assert DAWIT.first_name not in inbox_text
    assert str(DAWIT.id) not in inbox_text

    await deliver(runtime, api)
    to_member = api.sent(DAWIT.id)[-1]
    assert to_member.text == (
        f"{CALL_BACK_TI}\n\n" + ti.gettext("— {community}", community=ti.isolate(COMMUNITY))
    )

    # The member answers with a voice note; a few minutes later the organiser is told again.
    runtime.clock.advance(minutes=6)  # type: ignore[attr-defined]
    await bot.transcript(DAWIT, [Turn(Voice(duration=21, file_id=VOICE_ID), [added])])
    before = len(api.sent(SANNE.id))
    await deliver(runtime, api)
    batched = api.sent(SANNE.id)[before:]
    assert [call.text for call in batched] == [
        nl.ngettext(
            "{count} new message from members in the inbox.",
            "{count} new messages from members in the inbox.",
            2,
            count="2",
        )
        + " "
        + nl.gettext("Send /inbox to read and answer them.")
    ]

    await bot.transcript(
        SANNE,
        [
            Turn(Say("/inbox"), [Reply(contains=["M-"], buttons=["1"])]),
            Turn(
                Tap("1"),
                [
                    Reply(contains=[QUESTION, CALL_BACK_TI, nl.gettext("delivered")]),
                    Reply(contains=["M-"]),
                ],
            ),
            Turn(
                Tap(nl.gettext("Close")),
                [
                    Reply(
                        contains=[nl.gettext("This conversation is closed.")],
                        buttons=[nl.gettext("Reopen")],
                    )
                ],
            ),
        ],
    )
    voices = api.calls_to("sendVoice", SANNE.id)
    assert [v.params["voice"] for v in voices] == [VOICE_ID]

    # /mydata shows the thread, /delete erases it.
    mydata = await bot.say(DAWIT, "/mydata")
    assert QUESTION[:20] in mydata[0]
    await bot.say(DAWIT, "/delete")
    await bot.tap(DAWIT, ti.gettext("Yes, delete everything"))
    inbox_now = await bot.say(SANNE, "/inbox")
    assert inbox_now == [nl.gettext("No open conversations. Everyone has been answered.")]

    # The saved reply itself is the community's text and stays; the copy sent to him goes.
    needles = [str(DAWIT.id), QUESTION, SECOND, VOICE_ID]
    found = []
    async with runtime.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in (await conn.execute(table.select())).mappings():
                flat = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
                found += [(table.name, n) for n in needles if n in flat]
    assert found == []
    async with runtime.sessions() as session:
        assert (await session.scalars(select(Conversation))).all() == []
        actions = [e.action for e in await session.scalars(select(AuditEvent))]
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert "conversation.close" in actions
    assert {r.purpose for r in rows} == {"staff.inbox", "inbox.reply"}


async def _member_writes(bot: BotHarness, text: str = QUESTION) -> None:
    await join(bot, DAWIT)
    await bot.say(DAWIT, text)


async def test_a_non_organiser_is_refused_and_audited(bot: BotHarness) -> None:
    runtime = bot.runtime
    await create_community(runtime, name=COMMUNITY, code=CODE)
    await _member_writes(bot)
    nl = runtime.catalogs.translator("nl")
    refused = nl.gettext("This command is for organisers and coordinators of a community.")
    assert await bot.say(SANNE, "/inbox") == [refused]
    async with runtime.sessions() as session:
        conversation = (await session.scalars(select(Conversation))).one()
    await bot.press(SANNE, f"inb:{conversation.id}:open:1")
    assert bot.last_callback_answer() == refused
    async with runtime.sessions() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.refused"))
        ).all()
    assert len(events) == 2
    assert QUESTION not in json.dumps([e.details for e in events], ensure_ascii=False)


async def test_a_stale_reply_button_and_a_blocked_member_send_nothing(bot: BotHarness) -> None:
    runtime, api = bot.runtime, bot.api
    community = await create_community(runtime, name=COMMUNITY, code=CODE)
    await make_organiser(runtime, community.id, SANNE.id)
    await _member_writes(bot)
    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/inbox")
    await bot.tap(SANNE, "1")
    _, reply_data = bot.find_button(SANNE, nl.gettext("Reply"))
    await bot.tap(SANNE, nl.gettext("Close"))
    # The Reply button was drawn before the close: it is stale now.
    await bot.press(SANNE, reply_data)
    assert "/inbox" in (bot.last_callback_answer() or "")

    # Reopened, then the member blocks the bot: the organiser is told, nothing is queued.
    await bot.tap(SANNE, nl.gettext("Reopen"))
    async with runtime.sessions() as session:
        member = (await session.scalars(select(Conversation))).one()
        from_db = await session.get(Member, member.member_id)
        assert from_db is not None
        from_db.blocked_at = runtime.clock()
        await session.commit()
    await bot.tap(SANNE, nl.gettext("Reply"))
    assert api.texts(SANNE.id)[-1] == nl.gettext(
        "This member cannot get messages now: they blocked Samen, stopped messages or "
        "deleted their data. Nothing was sent, and nothing will be retried."
    )
    async with runtime.sessions() as session:
        purposes = [r.purpose for r in await session.scalars(select(OutboxMessage))]
    assert "inbox.reply" not in purposes


async def test_a_typed_answer_is_delivered_once_and_shown_as_delivered(bot: BotHarness) -> None:
    runtime, api = bot.runtime, bot.api
    community = await create_community(runtime, name=COMMUNITY, code=CODE)
    await make_organiser(runtime, community.id, SANNE.id)
    await _member_writes(bot)
    nl = runtime.catalogs.translator("nl")
    await bot.say(SANNE, "/inbox")
    await bot.tap(SANNE, "1")
    await bot.tap(SANNE, nl.gettext("Reply"))
    update = bot.updates.text(SANNE, "Kom zaterdag gerust langs.")
    await bot.feed(update)
    # The same update delivered again (a retry, another instance) queues nothing more.
    update["update_id"] += 1000
    await bot.feed(update)
    await deliver(runtime, api)
    await deliver(runtime, api)
    got = [t for t in api.texts(DAWIT.id) if "Kom zaterdag" in t]
    assert len(got) == 1
    await bot.say(SANNE, "/inbox")
    calls = await bot.tap(SANNE, "1")
    assert nl.gettext("delivered") in (calls[0].text or "")


async def test_members_of_two_communities_choose_once(bot: BotHarness) -> None:
    runtime = bot.runtime
    await create_community(runtime, name=COMMUNITY, code=CODE)
    other = await create_community(runtime, name="Invented Taalcafé", code="taalcafe-9x2")
    await join(bot, DAWIT)
    await bot.say(DAWIT, "/start taalcafe-9x2")
    ti = runtime.catalogs.translator("ti")
    answers = await bot.say(DAWIT, QUESTION)
    assert answers == [ti.gettext("I have kept your message. Which community is it for?")]
    await bot.tap(DAWIT, "Invented Taalcafé")
    assert await bot.say(DAWIT, SECOND) == [
        ti.gettext(
            "Added to your conversation with {community}.",
            community=ti.isolate("Invented Taalcafé"),
        )
    ]
    async with runtime.sessions() as session:
        rows = (await session.scalars(select(Conversation))).all()
    assert [(c.community_id, c.status.value) for c in rows] == [(other.id, "open")]


async def test_after_stop_organisers_cannot_send_but_the_member_can_still_write(
    bot: BotHarness,
) -> None:
    runtime, api = bot.runtime, bot.api
    community = await create_community(runtime, name=COMMUNITY, code=CODE)
    await make_organiser(runtime, community.id, SANNE.id)
    await _member_writes(bot)
    nl = runtime.catalogs.translator("nl")
    ti = runtime.catalogs.translator("ti")
    await bot.say(SANNE, "/inbox")
    await bot.tap(SANNE, "1")
    await bot.tap(SANNE, nl.gettext("Reply"))
    # The organiser writes while the member stops messages: the answer queued before /stop
    # is not sent, and a new Reply is refused with the reason.
    await bot.say(SANNE, "Kom zaterdag gerust langs.")
    await bot.say(DAWIT, "/stop")
    await deliver(runtime, api)
    assert not [t for t in api.texts(DAWIT.id) if "Kom zaterdag" in t]
    await bot.say(SANNE, "/inbox")
    await bot.tap(SANNE, "1")
    await bot.tap(SANNE, nl.gettext("Reply"))
    assert api.texts(SANNE.id)[-1] == nl.gettext(
        "This member cannot get messages now: they blocked Samen, stopped messages or "
        "deleted their data. Nothing was sent, and nothing will be retried."
    )

    # The member can still write: the message is kept in the same conversation.
    answers = await bot.say(DAWIT, SECOND)
    assert answers == [
        ti.gettext("Added to your conversation with {community}.", community=ti.isolate(COMMUNITY))
    ]
    async with runtime.sessions() as session:
        (conversation,) = (await session.scalars(select(Conversation))).all()
        said = (
            await session.scalars(
                select(ConversationMessage.text)
                .where(ConversationMessage.conversation_id == conversation.id)
                .order_by(ConversationMessage.id)
            )
        ).all()
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.purpose == replies.PURPOSE)
            )
        ).all()
    assert said == [QUESTION, "Kom zaterdag gerust langs.", SECOND]
    assert all(r.sent_at is None for r in rows)
