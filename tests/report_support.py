"""An invented community with meetings, questions, answers, stories and deliveries, made
directly as rows (the meeting services are not needed to count them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.models import (
    Answer,
    AnswerSource,
    Broadcast,
    Meeting,
    MeetingText,
    OutboxMessage,
    OutboxState,
    Question,
    QuestionKind,
    QuestionText,
    Rsvp,
    RsvpStatus,
)
from bot.runtime import Runtime
from tests.outbox_support import make_community


@dataclass
class Seeded:
    community_id: int
    code: str
    member_ids: list[int]
    user_ids: list[int]
    meeting_ids: list[int]
    question_ids: list[int]


async def seed_community(runtime: Runtime, code: str = "oost") -> Seeded:
    """Five members (nl, ar, ti, uk, ar); two meetings; three questions; answers in two
    months; a story with a voice note; an announcement with mixed delivery outcomes."""
    people = await make_community(
        runtime, code, locales=["nl", "ar", "ti", "uk", "ar"], name="Invented Buurtkamer Oost"
    )
    now = runtime.clock()
    m = people.member_ids
    async with runtime.sessions() as session:
        meetings = [
            Meeting(
                community_id=people.community_id,
                starts_at=now + timedelta(days=7 * (i + 1)),
                time_zone="Europe/Amsterdam",
                source_locale="nl",
                texts=[
                    MeetingText(locale="nl", title=title_nl),
                    MeetingText(locale="ar", title=title_ar),
                ],
            )
            for i, (title_nl, title_ar) in enumerate(
                [("Werk zoeken", "البحث عن عمل"), ("Taalcafé", "مقهى اللغة")]
            )
        ]
        session.add_all(meetings)
        await session.flush()
        first, second = meetings
        statuses = [
            (first, m[0], RsvpStatus.GOING),
            (first, m[1], RsvpStatus.GOING),
            (first, m[2], RsvpStatus.MAYBE),
            (first, m[3], RsvpStatus.NOT_GOING),
            (second, m[0], RsvpStatus.GOING),
        ]
        session.add_all(Rsvp(meeting_id=g.id, member_id=who, status=s) for g, who, s in statuses)
        questions = [
            Question(
                community_id=people.community_id,
                meeting_id=first.id,
                position=i,
                kind=QuestionKind.TEXT,
                source_locale="nl",
                texts=[
                    QuestionText(locale="nl", prompt=nl),
                    QuestionText(locale="ti", prompt=ti),
                ],
            )
            for i, (nl, ti) in enumerate(
                [
                    ("Waar wil je over praten?", "ብዛዕባ እንታይ ክትዛረብ ትደሊ?"),
                    ("Wat heb je nodig?", "እንታይ የድልየካ?"),
                    ("Wie neem je mee?", "መን ተምጽእ?"),
                ]
            )
        ]
        session.add_all(questions)
        await session.flush()
        q1, q2, _q3 = questions
        # October (two members, three answers) and November (three members, four rows).
        october = now - timedelta(days=40)
        told = [
            (m[0], q1, october, "cv schrijven"),
            (m[1], q1, october, "السيرة الذاتية 📄"),
            (m[1], q2, october, "دورة لغة"),
            (m[0], q2, now, "stage"),
            (m[2], q1, now, "ሰነዳት"),
        ]
        session.add_all(
            Answer(
                member_id=who,
                community_id=people.community_id,
                meeting_id=first.id,
                question_id=q.id,
                source=AnswerSource.MEETING,
                kind=QuestionKind.TEXT,
                text=text,
                locale="nl",
                created_at=at,
            )
            for who, q, at, text in told
        )
        session.add_all(
            [
                Answer(
                    member_id=m[3],
                    community_id=people.community_id,
                    source=AnswerSource.STORY,
                    kind=QuestionKind.VOICE,
                    voice_file_id="voice-invented-1",
                    voice_duration=31,
                    locale="uk",
                    created_at=now,
                ),
                Answer(
                    member_id=m[0],
                    community_id=people.community_id,
                    source=AnswerSource.STORY,
                    kind=QuestionKind.TEXT,
                    text="Een verhaal",
                    locale="nl",
                    created_at=now,
                ),
            ]
        )
        broadcast = Broadcast(community_id=people.community_id, purpose="announcement")
        session.add(broadcast)
        await session.flush()
        outcomes = [
            OutboxState.SENT,
            OutboxState.SENT,
            OutboxState.SENT,
            OutboxState.BLOCKED,
            OutboxState.FAILED,
        ]
        session.add_all(
            OutboxMessage(
                dedupe_key=f"announcement:{broadcast.id}:{who}",
                purpose="announcement",
                broadcast_id=broadcast.id,
                member_id=who,
                chat_id=user,
                payload={},
                state=state,
            )
            for who, user, state in zip(m, people.user_ids, outcomes, strict=True)
        )
        await session.commit()
        return Seeded(
            community_id=people.community_id,
            code=code,
            member_ids=m,
            user_ids=people.user_ids,
            meeting_ids=[first.id, second.id],
            question_ids=[q.id for q in questions],
        )


def at(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)
