"""Conversations in the services, on both engines: the retention purge reaches them, the
organisers' notices are batched and wait for the end of their quiet hours, and the optional
export table is pseudonymous and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.db.models import (
    AuditEvent,
    Conversation,
    ConversationMessage,
    Member,
    MessageKind,
    OutboxMessage,
    Role,
)
from bot.runtime import Runtime
from bot.services import communities, conversations, exports
from bot.services.communities import retention
from bot.services.conversations import Action, Incoming, notices
from bot.services.exports import ExportSpec
from tests.meeting_support import make_organiser
from tests.outbox_support import make_community

ORGANISER = 970_000_001
FORMULA = '=HYPERLINK("http://invented.example/x","click")'


async def _write(runtime: Runtime, member_id: int, text: str, *, at: datetime) -> int:
    async with runtime.sessions() as session:
        member = await session.get(Member, member_id)
        assert member is not None
        received = await conversations.receive(
            session, member, Incoming(MessageKind.TEXT, text=text), now=at
        )
        await session.commit()
    assert received.conversation_id is not None
    return received.conversation_id


async def _notices(runtime: Runtime) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.purpose == notices.PURPOSE)
                .order_by(OutboxMessage.id)
            )
        )


async def _queue(runtime: Runtime, at: datetime) -> notices.NoticeRun:
    async with runtime.sessions() as session:
        run = await notices.queue_due(session, now=at)
        await session.commit()
    return run


async def test_the_retention_purge_deletes_old_conversation_messages_and_empty_threads(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime, locales=["ti", "ar"], first_user_id=970_100_001)
    async with runtime.sessions() as session:
        await retention.set_months(
            session, community_code="utrecht", months=1, now=runtime.clock()
        )
    now = runtime.clock()
    old = now - timedelta(days=70)
    # One member wrote only long ago; the other long ago and again last week.
    gone = await _write(runtime, people.member_ids[0], "ሰላም፣ ሕቶ ኣለኒ", at=old)
    kept = await _write(runtime, people.member_ids[1], "سؤال قديم", at=old)
    await _write(runtime, people.member_ids[1], "سؤال جديد", at=now - timedelta(days=7))

    async with runtime.sessions() as session:
        (planned,) = await retention.plan(session, now=now)
        assert planned.conversation_messages == 2
        (purged,) = await retention.purge(session, now=now)
    assert purged.conversation_messages == 2

    async with runtime.reading() as session:
        left = (await session.scalars(select(ConversationMessage))).all()
        threads = [c.id for c in await session.scalars(select(Conversation))]
        (event,) = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == retention.ACTION)
        )
    assert [m.text for m in left] == ["سؤال جديد"]
    # The thread with nothing left went too; the one with a recent message stays.
    assert threads == [kept]
    assert gone not in threads
    assert event.details["conversation_messages"] == 2
    # Counts only: nothing of what was said is in the audit trail.
    assert "سؤال" not in json.dumps(event.details, ensure_ascii=False)
    assert "conversation_messages" in retention.PURGED_TABLES


async def test_notices_are_batched_per_organiser_and_wait_for_the_end_of_quiet_hours(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime, locales=["ti", "ar", "uk"], first_user_id=970_200_001)
    await make_organiser(runtime, people.community_id, ORGANISER)
    # 12:00 in Amsterdam (UTC+1 in November): outside the quiet hours.
    noon = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    await _write(runtime, people.member_ids[0], "first", at=noon)
    assert (await _queue(runtime, noon)).queued == 1
    (first,) = await _notices(runtime)
    assert first.chat_id == ORGANISER
    assert first.payload["messages"] == 1

    # Three more within the interval, from two members: held back, then told in one notice.
    for minute, index in ((1, 1), (2, 1), (3, 2)):
        at = noon + timedelta(minutes=minute)
        await _write(runtime, people.member_ids[index], f"more {minute}", at=at)
        run = await _queue(runtime, at)
        assert (run.queued, run.deferred) == (0, 1)
    assert len(await _notices(runtime)) == 1
    later = noon + notices.EVERY + timedelta(seconds=1)
    assert (await _queue(runtime, later)).queued == 1
    second = (await _notices(runtime))[-1]
    assert (second.payload["messages"], second.payload["conversations"]) == (3, 2)
    # Nothing new: nothing more, however often the job runs (and on two instances).
    assert (await _queue(runtime, later + timedelta(minutes=10))).queued == 0

    # 23:30 local: quiet hours. The message waits until 09:00 local the next morning.
    night = datetime(2026, 11, 28, 22, 30, tzinfo=UTC)
    await _write(runtime, people.member_ids[0], "at night", at=night)
    assert (await _queue(runtime, night)).deferred == 1
    assert (await _queue(runtime, datetime(2026, 11, 29, 7, 59, tzinfo=UTC))).queued == 0
    assert len(await _notices(runtime)) == 2
    morning = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    assert (await _queue(runtime, morning)).queued == 1
    third = (await _notices(runtime))[-1]
    assert third.payload["messages"] == 1


async def test_figures_count_opened_answered_median_and_overdue(runtime: Runtime) -> None:
    people = await make_community(runtime, locales=["ti", "ar", "uk"], first_user_id=970_300_001)
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday
    monday = now - timedelta(days=4)
    answered_fast = await _write(runtime, people.member_ids[0], "a", at=monday)
    answered_slow = await _write(runtime, people.member_ids[1], "b", at=monday)
    await _write(runtime, people.member_ids[2], "c", at=monday)  # never answered
    async with runtime.sessions() as session:
        for cid, wait in (
            (answered_fast, timedelta(hours=1)),
            (answered_slow, timedelta(hours=3)),
        ):
            conversation = await session.get(Conversation, cid)
            assert conversation is not None
            conversation.first_answer_at = monday + wait
        await session.commit()
        community = await communities.get(session, people.community_id)
        assert community is not None
        figures = await conversations.figures(session, community, now=now)
    assert (figures.opened, figures.answered, figures.open_now) == (3, 2, 3)
    assert figures.median_first_answer == timedelta(hours=2)
    # Four working days waiting, longer than the default answer time.
    assert community.answer_days < 4
    assert figures.overdue == 1


async def _export(runtime: Runtime, spec: ExportSpec, fmt: str, table: str = "answers") -> bytes:
    out = io.BytesIO()
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    await exports.export(
        runtime.sessions,
        spec,
        fmt,
        out,
        translator=runtime.catalogs.translator("nl"),
        codes=codes,
        now=runtime.clock(),
        actor_user_id=None,
        channel="test",
        table=table,
    )
    return out.getvalue()


async def test_the_conversations_table_is_pseudonymous_formula_safe_and_has_no_notes(
    runtime: Runtime,
) -> None:
    people = await make_community(runtime, locales=["ar"], first_user_id=970_400_001)
    await make_organiser(runtime, people.community_id, ORGANISER)
    cid = await _write(runtime, people.member_ids[0], FORMULA, at=runtime.clock())
    async with runtime.sessions() as session:
        await conversations.add_note(
            session,
            cid,
            "Invented internal note about the person",
            actor_user_id=ORGANISER,
            community_ids=[people.community_id],
            now=runtime.clock(),
        )
        await conversations.act(
            session,
            cid,
            Action.CLOSE,
            actor_user_id=ORGANISER,
            community_ids=[people.community_id],
            version=1,
            now=runtime.clock(),
        )
        await session.commit()
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    code = codes.code(people.member_ids[0])
    spec = ExportSpec(community_id=people.community_id, language="nl", conversations=True)

    data = await _export(runtime, spec, "csv", "conversations")
    rows = list(csv.reader(io.StringIO(_export_text(data))))
    header, (row,) = rows[0], rows[1:]
    assert header[0] == "Gesprek-id"
    cells = dict(zip(header, row, strict=True))
    assert row[0] == str(cid)
    assert row[1] == code
    assert "'" + FORMULA in row
    assert "Gesloten" in row  # the status, in the export language
    assert str(people.user_ids[0]) not in row
    assert "Invented internal note about the person" not in json.dumps(cells)

    lines = [json.loads(line) for line in (await _export(runtime, spec, "jsonl")).splitlines()]
    talks = [line for line in lines if line["record"] == "conversation_message"]
    assert [(t["member_code"], t["message"], t["author"], t["status"]) for t in talks] == [
        (code, FORMULA, "member", "closed")
    ]
    assert "telegram_user_id" not in talks[0]

    book = load_workbook(io.BytesIO(await _export(runtime, spec, "xlsx")))
    sheet = book["Gesprekken"]
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert len(values) == 2  # the header and the member's one message, no note
    assert values[1][1] == code
    assert "'" + FORMULA in values[1]
    assert str(people.user_ids[0]) not in [str(v) for v in values[1]]

    # Without the option the conversations stay out of the file, and the audit says so.
    plain = ExportSpec(community_id=people.community_id, language="nl")
    assert b"conversation_message" not in await _export(runtime, plain, "jsonl")
    async with runtime.reading() as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
            )
        ).all()
    assert [e.details["conversation_messages"] for e in events] == [1, 1, 1, 0]
    assert events[1].details["table"] == "answers+rsvps+conversations"


def _export_text(data: bytes) -> str:
    return data.decode("utf-8-sig")


async def test_a_coordinator_of_the_community_is_told_as_organisers_are(runtime: Runtime) -> None:
    # Those told of a message are exactly the organisers and coordinators of its community.
    people = await make_community(runtime, locales=["ti"], first_user_id=970_500_001)
    await make_organiser(runtime, people.community_id, ORGANISER + 1, Role.COORDINATOR)
    await _write(
        runtime, people.member_ids[0], "hallo", at=datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    )
    await _queue(runtime, datetime(2026, 11, 28, 11, 0, tzinfo=UTC))
    assert [n.chat_id for n in await _notices(runtime)] == [ORGANISER + 1]
    async with runtime.reading() as session:
        total = await session.scalar(select(func.count(ConversationMessage.id)))
    assert total == 1
