"""/stop, /start, /mydata and /delete: a member's rights over their data and their inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import (
    Answer,
    AnswerSource,
    AuditEvent,
    CheckIn,
    CheckInKind,
    CheckInState,
    Meeting,
    Member,
    OutboxMessage,
    OutboxState,
    Question,
    QuestionKind,
    Role,
    Rsvp,
    RsvpStatus,
)
from bot.services import members
from bot.services.communities import roles
from bot.services.members import privacy
from tests.channels.journeys import CODE, onboard
from tests.factories import AMIRA, OLENA, SANNE, create_community
from tests.harness import BotHarness, json_document


async def broadcast(bot: BotHarness, community_id: int) -> list[int]:
    """Send an announcement the way broadcasts choose recipients, in each one's language."""
    async with bot.runtime.sessions() as session:
        audience = await members.reachable_members(
            session, community_id, privacy.current_notice_version()
        )
    for member in audience:
        t = bot.runtime.catalogs.translator(member.locale, member.time_zone)
        await bot.app.bot.send_message(member.telegram_user_id, t.gettext("Thank you!"))
    return [member.telegram_user_id for member in audience]


async def test_stop_then_a_broadcast_style_send_skips_the_member(bot: BotHarness) -> None:
    community = await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    await onboard(bot, OLENA)
    async with bot.runtime.sessions() as session:
        olena = await members.find_by_telegram_id(session, OLENA.id)
        assert olena is not None
        session.add(
            OutboxMessage(
                dedupe_key=f"invite:1:{olena.id}",
                purpose="invite",
                member_id=olena.id,
                chat_id=OLENA.id,
                payload={"meeting_id": 1},
            )
        )
        session.add(
            CheckIn(
                member_id=olena.id,
                community_id=community.id,
                kind=CheckInKind.LONGTERM,
                due_at=bot.runtime.clock() + timedelta(days=30),
            )
        )
        await session.commit()

    assert await bot.say(OLENA, "/stop") == [
        "Гаразд, ви більше не отримуватимете повідомлень від Samen. Нічого не видалено: "
        "надішліть /start, щоб знову отримувати повідомлення, або /delete, щоб видалити свої "
        "дані."
    ]
    bot.api.clear()
    assert await broadcast(bot, community.id) == [SANNE.id]
    assert [(c.chat_id, c.text) for c in bot.api.sent()] == [(SANNE.id, "Bedankt!")]
    async with bot.runtime.sessions() as session:
        queued = (await session.scalars(select(OutboxMessage))).one()
        checkin = (await session.scalars(select(CheckIn))).one()
        olena = await members.find_by_telegram_id(session, OLENA.id)
    # Stopped at once, and not deleted.
    assert (queued.state, queued.reason) == (OutboxState.SKIPPED, "member_stopped")
    assert (checkin.state, checkin.reason) == (CheckInState.CANCELLED, "member_stopped")
    assert olena is not None
    assert olena.consent_version == privacy.NOTICE_VERSION

    # /start resumes, in her language.
    assert await bot.say(OLENA, "/start") == [
        "З поверненням! Ви знову отримуватимете повідомлення від своєї спільноти."
    ]
    bot.api.clear()
    assert sorted(await broadcast(bot, community.id)) == sorted([SANNE.id, OLENA.id])
    assert (OLENA.id, "Дякуємо!") in [(c.chat_id, c.text) for c in bot.api.sent()]


async def test_a_member_who_blocked_the_bot_is_reachable_once_they_write_again(
    bot: BotHarness,
) -> None:
    community = await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    async with bot.runtime.sessions() as session:
        sanne = await members.find_by_telegram_id(session, SANNE.id)
        assert sanne is not None
        sanne.blocked_at = bot.runtime.clock()
        await session.commit()
    assert await broadcast(bot, community.id) == []
    await bot.say(SANNE, "/help")
    assert await broadcast(bot, community.id) == [SANNE.id]


async def test_mydata_for_someone_unknown_and_for_a_member_without_stories(
    bot: BotHarness,
) -> None:
    # Nothing stored, and the number an installer needs for SAMEN_COORDINATOR_IDS.
    assert await bot.say(SANNE, "/mydata") == [
        f"Samen heeft niets over jou bewaard.\nJe Telegram-nummer:\n{SANNE.id}"
    ]
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, AMIRA)
    calls = await bot.feed(bot.updates.text(AMIRA, "/mydata"))
    assert [c.method for c in calls] == ["sendMessage", "sendDocument"]
    text = calls[0].text or ""
    assert text.startswith("هذا كل ما يحتفظ به Samen عنك:")
    # Left-to-right inserts are isolated inside the Arabic sentence.
    assert "\u2068Invented Buurtkamer Oost\u2069" in text
    assert "شاركت \u20680\u2069 قصة." in text
    assert calls[1].text == "كل بياناتك في ملف واحد (JSON)."
    document = json_document(calls[1])
    assert document["telegram_user_id"] == AMIRA.id
    assert document["consent_given_at"] == bot.runtime.clock().isoformat()
    assert document["stories"] == []


async def test_saying_no_to_delete_keeps_everything(bot: BotHarness) -> None:
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    await bot.say(SANNE, "/delete")
    await bot.say(SANNE, "ja")  # free text where a button is expected
    assert bot.api.texts(SANNE.id)[-1].startswith("Antwoord alsjeblieft met de knoppen.")
    answered = await bot.tap(SANNE, "Nee, bewaren")
    assert [c.text for c in answered if c.method == "sendMessage"] == [
        "Oké, er is niets verwijderd."
    ]
    async with bot.runtime.sessions() as session:
        assert await members.find_by_telegram_id(session, SANNE.id) is not None


async def test_delete_erases_roles_and_queued_messages_but_keeps_anonymous_counts(
    bot: BotHarness,
) -> None:
    community = await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    async with bot.runtime.sessions() as session:
        sanne = await members.find_by_telegram_id(session, SANNE.id)
        assert sanne is not None
        await roles.grant(
            session,
            community_id=community.id,
            telegram_user_id=SANNE.id,
            role=Role.ORGANISER,
            now=bot.runtime.clock(),
            granted_by=SANNE.id,
        )
        session.add_all(
            [
                OutboxMessage(
                    dedupe_key="invite:1:queued",
                    purpose="invite",
                    member_id=sanne.id,
                    chat_id=SANNE.id,
                ),
                OutboxMessage(
                    dedupe_key="invite:2:sent",
                    purpose="invite",
                    member_id=sanne.id,
                    chat_id=SANNE.id,
                    state=OutboxState.SENT,
                ),
            ]
        )
        await session.commit()
    await bot.say(SANNE, "/delete")
    await bot.tap(SANNE, "Ja, verwijder alles")
    async with bot.runtime.sessions() as session:
        outbox = (await session.scalars(select(OutboxMessage))).all()
        trail = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
        assert (await session.scalars(select(Member))).all() == []
        assert not await roles.has_role(session, SANNE.id, community.id, Role.ORGANISER)
    # The queued message is gone; the sent one stays for statistics, without a recipient.
    assert [(o.dedupe_key, o.member_id, o.chat_id) for o in outbox] == [
        ("invite:2:sent", None, None)
    ]
    assert [e.action for e in trail] == ["role.grant", "member.erase"]
    assert trail[0].actor_user_id is None
    assert trail[0].target == "user:erased"
    assert trail[1].details["outbox_deleted"] == 1
    assert trail[1].details["outbox_anonymised"] == 1
    assert trail[1].details["role_assignments"] == 1
    # Telegram forgets the member's own menu too.
    assert bot.api.calls_to("deleteMyCommands")[-1].params["scope"] == {
        "type": "chat",
        "chat_id": SANNE.id,
    }


async def test_delete_for_someone_unknown(bot: BotHarness) -> None:
    assert await bot.say(OLENA, "/delete") == ["Samen нічого не зберігає про вас."]


async def test_mydata_and_delete_cover_answers_rsvps_and_check_ins(bot: BotHarness) -> None:
    community = await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    now = bot.runtime.clock()
    async with bot.runtime.sessions() as session:
        sanne = await members.find_by_telegram_id(session, SANNE.id)
        assert sanne is not None
        meeting = Meeting(
            community_id=community.id,
            starts_at=now + timedelta(days=3),
            time_zone="Europe/Amsterdam",
            source_locale="nl",
        )
        question = Question(community_id=community.id, kind=QuestionKind.TEXT, source_locale="nl")
        session.add_all([meeting, question])
        await session.flush()
        session.add_all(
            [
                Rsvp(meeting_id=meeting.id, member_id=sanne.id, status=RsvpStatus.GOING),
                CheckIn(
                    member_id=sanne.id,
                    community_id=community.id,
                    meeting_id=meeting.id,
                    kind=CheckInKind.REMINDER,
                    due_at=now + timedelta(days=2),
                ),
                Answer(
                    member_id=sanne.id,
                    community_id=community.id,
                    meeting_id=meeting.id,
                    question_id=question.id,
                    source=AnswerSource.MEETING,
                    kind=QuestionKind.TEXT,
                    text="Graag iets over huurtoeslag",
                    locale="nl",
                ),
            ]
        )
        await session.commit()

    calls = await bot.feed(bot.updates.text(SANNE, "/mydata"))
    text = calls[0].text or ""
    assert "1 antwoord op vragen." in text
    assert "1 reactie op een uitnodiging." in text
    assert "1 gepland bericht." in text
    # The meeting (it has no title here) and what she said, readable in the chat.
    assert [c.method for c in calls] == ["sendMessage", "sendMessage", "sendDocument"]
    readable = (calls[1].text or "").splitlines()
    assert readable[1:] == ["Je reactie: Ik kom", "", "•", "Graag iets over huurtoeslag"]
    document = json_document(calls[2])
    assert document["answers"][0]["text"] == "Graag iets over huurtoeslag"
    assert document["rsvps"] == [
        {"meeting_id": 1, "status": "going", "updated_at": document["rsvps"][0]["updated_at"]}
    ]
    assert document["pending_checkins"][0]["kind"] == "reminder"

    await bot.say(SANNE, "/delete")
    await bot.tap(SANNE, "Ja, verwijder alles")
    async with bot.runtime.sessions() as session:
        assert (await session.scalars(select(Answer))).all() == []
        assert (await session.scalars(select(Rsvp))).all() == []
        assert (await session.scalars(select(CheckIn))).all() == []
        # The meeting and its question are the organisers', not Sanne's: they stay.
        assert len((await session.scalars(select(Meeting))).all()) == 1
        erased = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "member.erase")
        )
    assert erased is not None
    assert {k: erased.details[k] for k in ("answers", "rsvps", "checkins", "stories")} == {
        "answers": 1,
        "rsvps": 1,
        "checkins": 1,
        "stories": 0,
    }
