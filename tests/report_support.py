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
    Member,
    OutboxMessage,
    OutboxState,
    Question,
    QuestionKind,
    QuestionStage,
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


@dataclass
class Counted:
    """`seed_counted_community`, with what a person counting by hand finds in it."""

    community_id: int
    code: str
    meeting_ids: list[int]
    members: int = 6
    consented: int = 5
    answers: int = 8  # two meetings' questions, a follow-up and a check-in; no stories
    stories: int = 2
    voice_notes: int = 1
    # Q1…Q5 in report order: answered ones (meeting by meeting, before then after), then
    # the follow-up question nobody was asked yet.
    per_question: tuple[int, ...] = (3, 2, 1, 1, 0)
    rsvps: tuple[tuple[int, int, int], ...] = ((2, 1, 1), (1, 0, 1))  # going, maybe, not
    # Per meeting in the export: answers (with the check-in) and the members who gave them.
    per_meeting: tuple[tuple[int, int], ...] = ((7, 4), (1, 1))
    months: tuple[tuple[str, int, int], ...] = (("2026-10", 2, 4), ("2026-11", 5, 6))
    delivered: int = 2
    messages: int = 3


async def seed_counted_community(runtime: Runtime, code: str = "telt") -> Counted:
    """Six members (nl, ar, ti, uk, fa, and an Arabic one who has not consented yet); a
    meeting last week with two questions before it and two follow-up questions (one nobody
    was asked yet), and one next week with a yes/no question; answers in October and
    November, a follow-up answer, a check-in answer, two stories, RSVPs to both meetings."""
    people = await make_community(
        runtime, code, locales=["nl", "ar", "ti", "uk", "fa", "ar"], name="Invented Telkamer"
    )
    now = runtime.clock()
    october = now - timedelta(days=40)
    m = people.member_ids
    async with runtime.sessions() as session:
        unconsented = await session.get(Member, m[5])
        assert unconsented is not None
        unconsented.consent_given_at = None
        unconsented.consent_version = None
        past, coming = meetings = [
            Meeting(
                community_id=people.community_id,
                starts_at=now + timedelta(days=days),
                time_zone="Europe/Amsterdam",
                source_locale="nl",
                texts=[
                    MeetingText(locale="nl", title=title_nl),
                    MeetingText(locale="ar", title=title_ar),
                ],
            )
            for days, title_nl, title_ar in [
                (-10, "Werk zoeken", "البحث عن عمل"),
                (7, "Taalcafé", "مقهى اللغة"),
            ]
        ]
        session.add_all(meetings)
        await session.flush()

        def question(
            meeting: Meeting, stage: QuestionStage, position: int, kind: QuestionKind, nl: str
        ) -> Question:
            arabic = {
                "Waar wil je over praten?": "عن ماذا تريد أن تتحدث؟",
                "Hoe nuttig was het (1-5)?": "ما مدى فائدته (1-5)؟",
                "Wat nam je mee naar huis?": "ماذا أخذت معك إلى البيت؟",
                "Wil je nog eens komen?": "هل تريد أن تأتي مرة أخرى؟",
                "Kom je met iemand?": "هل تأتي مع أحد؟",
            }[nl]
            return Question(
                community_id=people.community_id,
                meeting_id=meeting.id,
                stage=stage,
                position=position,
                kind=kind,
                source_locale="nl",
                texts=[
                    QuestionText(locale="nl", prompt=nl),
                    QuestionText(locale="ar", prompt=arabic),
                ],
            )

        # Made in this order on purpose: the unasked follow-up has the lowest id.
        unasked = question(
            past, QuestionStage.AFTER, 1, QuestionKind.TEXT, "Wil je nog eens komen?"
        )
        followup = question(
            past, QuestionStage.AFTER, 0, QuestionKind.TEXT, "Wat nam je mee naar huis?"
        )
        talk = question(
            past, QuestionStage.BEFORE, 0, QuestionKind.TEXT, "Waar wil je over praten?"
        )
        scale = question(
            past, QuestionStage.BEFORE, 1, QuestionKind.SCALE, "Hoe nuttig was het (1-5)?"
        )
        company = question(
            coming, QuestionStage.BEFORE, 0, QuestionKind.YES_NO, "Kom je met iemand?"
        )
        session.add_all([unasked, followup, talk, scale, company])
        await session.flush()

        def answer(
            who: int,
            at: datetime,
            *,
            asked: Question | None = None,
            meeting: Meeting | None = None,
            source: AnswerSource = AnswerSource.MEETING,
            text: str | None = None,
            value: object = None,
            voice: str | None = None,
            locale: str = "nl",
        ) -> Answer:
            return Answer(
                member_id=who,
                community_id=people.community_id,
                meeting_id=(
                    asked.meeting_id if asked is not None else meeting.id if meeting else None
                ),
                question_id=asked.id if asked is not None else None,
                source=source,
                kind=asked.kind
                if asked is not None
                else (QuestionKind.VOICE if voice else QuestionKind.TEXT),
                text=text,
                value=value,
                voice_file_id=voice,
                voice_duration=20 if voice else None,
                locale=locale,
                created_at=at,
            )

        session.add_all(
            [
                answer(m[0], october, asked=talk, text="cv schrijven"),
                answer(m[0], october, asked=scale, text="4", value=4),
                answer(m[1], october, asked=talk, text="السيرة الذاتية", locale="ar"),
                answer(m[1], now, asked=scale, text="5", value=5, locale="ar"),
                answer(m[2], now, asked=talk, text="ሰነዳት", locale="ti"),
                answer(m[3], now, asked=followup, text="Було корисно", locale="uk"),
                answer(m[4], now, asked=company, text="yes", value=True, locale="fa"),
                answer(m[0], now, meeting=past, source=AnswerSource.CHECKIN, text="Goed gegaan"),
                answer(
                    m[3], now, source=AnswerSource.STORY, voice="voice-invented-7", locale="uk"
                ),
                answer(m[0], october, source=AnswerSource.STORY, text="Mijn verhaal"),
            ]
        )
        session.add_all(
            Rsvp(meeting_id=meeting.id, member_id=who, status=status)
            for meeting, who, status in [
                (past, m[0], RsvpStatus.GOING),
                (past, m[1], RsvpStatus.GOING),
                (past, m[2], RsvpStatus.MAYBE),
                (past, m[3], RsvpStatus.NOT_GOING),
                (coming, m[0], RsvpStatus.GOING),
                (coming, m[4], RsvpStatus.NOT_GOING),
            ]
        )
        broadcast = Broadcast(community_id=people.community_id, purpose="announcement")
        session.add(broadcast)
        await session.flush()
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
            for who, user, state in zip(
                m[:3],
                people.user_ids[:3],
                [OutboxState.SENT, OutboxState.SENT, OutboxState.FAILED],
                strict=True,
            )
        )
        await session.commit()
    return Counted(people.community_id, code, [past.id, coming.id])
