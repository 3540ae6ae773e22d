"""Invented communities, meetings, questions and answers to export, made directly as rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db.models import (
    Answer,
    AnswerSource,
    CheckIn,
    CheckInKind,
    Community,
    InputRun,
    InputStatus,
    Meeting,
    MeetingText,
    Member,
    Membership,
    Question,
    QuestionKind,
    QuestionStage,
    QuestionText,
    Rsvp,
    RsvpStatus,
)
from bot.runtime import Runtime

# An answer in Arabic, Tigrinya and emoji, with a right-to-left mark, that must survive intact.
MIXED_ANSWER = "نحتاج مساعدة في الأوراق 📄🙏 ሰላም ኩን! ‏ሓገዝ"
# Hostile cells and what a spreadsheet must show instead.
HOSTILE = [
    ("=1+1", "'=1+1"),
    ("+31 6 1234", "'+31 6 1234"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A3)", "'@SUM(A1:A3)"),
    ("\t=cmd", "'\t=cmd"),
    ("\r=cmd", "'\r=cmd"),
    (
        '   =HYPERLINK("http://example.invalid","x")',
        '\'   =HYPERLINK("http://example.invalid","x")',
    ),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    # (PostgreSQL text cannot hold NUL at all, so SOH stands in for the control characters.)
    ("\x01=2*3", "'=2*3"),
    ("bell\x07 and\x1b escape", "bell and escape"),
    ('plain, with "quotes"\nand a new line', 'plain, with "quotes"\nand a new line'),
]


@dataclass
class World:
    community_id: int
    meeting_id: int
    later_meeting_id: int
    question_id: int
    members: dict[str, int] = field(default_factory=dict)  # name → member id
    telegram_ids: dict[str, int] = field(default_factory=dict)


async def make_world(
    runtime: Runtime, *, code: str = "oost-4f9k", first_user_id: int = 910_770_001
) -> World:
    """Buurtkamer Oost: a Taalcafé meeting (Dutch, with an Arabic title), a later one, and a
    question asked in Dutch and Arabic; three members (Arabic, Tigrinya, Dutch)."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        community = Community(
            code=code,
            name="Invented Buurtkamer Oost",
            default_locale="nl",
            time_zone="Europe/Amsterdam",
        )
        session.add(community)
        await session.flush()
        meeting = Meeting(
            community_id=community.id,
            starts_at=datetime(2026, 12, 5, 13, 0, tzinfo=UTC),
            time_zone="Europe/Amsterdam",
            source_locale="nl",
        )
        later = Meeting(
            community_id=community.id,
            starts_at=datetime(2026, 12, 19, 13, 0, tzinfo=UTC),
            time_zone="Europe/Amsterdam",
            source_locale="nl",
        )
        session.add_all([meeting, later])
        await session.flush()
        session.add_all(
            [
                MeetingText(meeting_id=meeting.id, locale="nl", title="Taalcafé"),
                MeetingText(meeting_id=meeting.id, locale="ar", title="مقهى اللغة"),
                MeetingText(meeting_id=later.id, locale="nl", title="Fietsles"),
            ]
        )
        question = Question(
            community_id=community.id,
            meeting_id=meeting.id,
            stage=QuestionStage.BEFORE,
            kind=QuestionKind.TEXT,
            source_locale="nl",
        )
        session.add(question)
        await session.flush()
        session.add_all(
            [
                QuestionText(
                    question_id=question.id, locale="nl", prompt="Waar wil je over praten?"
                ),
                QuestionText(
                    question_id=question.id, locale="en", prompt="What do you want to talk about?"
                ),
                QuestionText(
                    question_id=question.id, locale="ar", prompt="عن ماذا تريد أن تتحدث؟"
                ),
            ]
        )
        world = World(community.id, meeting.id, later.id, question.id)
        for number, (name, locale) in enumerate(
            [("amira", "ar"), ("dawit", "ti"), ("sanne", "nl")], start=1
        ):
            member = Member(
                telegram_user_id=first_user_id + number - 1,
                locale=locale,
                consent_version=1,
                consent_given_at=now,
            )
            session.add(member)
            await session.flush()
            session.add(Membership(member_id=member.id, community_id=community.id))
            world.members[name] = member.id
            world.telegram_ids[name] = member.telegram_user_id
        await session.commit()
    return world


async def add_answer(
    runtime: Runtime,
    world: World,
    member: str,
    text: str | None,
    *,
    at: datetime,
    locale: str | None = None,
    meeting: bool = True,
    source: AnswerSource = AnswerSource.MEETING,
    kind: QuestionKind = QuestionKind.TEXT,
    value: Any = None,
    voice: tuple[str, int] | None = None,
) -> None:
    member_locale = {"amira": "ar", "dawit": "ti", "sanne": "nl"}[member]
    async with runtime.sessions() as session:
        session.add(
            Answer(
                member_id=world.members[member],
                community_id=world.community_id,
                meeting_id=world.meeting_id if meeting else None,
                question_id=world.question_id if meeting else None,
                source=source if meeting else AnswerSource.STORY,
                kind=kind,
                text=text,
                value=value,
                voice_file_id=voice[0] if voice else None,
                voice_duration=voice[1] if voice else None,
                locale=locale or member_locale,
                created_at=at,
                updated_at=at,
            )
        )
        await session.commit()


async def add_rsvp(runtime: Runtime, world: World, member: str, status: RsvpStatus) -> None:
    async with runtime.sessions() as session:
        session.add(
            Rsvp(
                meeting_id=world.meeting_id,
                member_id=world.members[member],
                status=status,
                updated_at=runtime.clock(),
            )
        )
        await session.commit()


async def add_input_run(runtime: Runtime, world: World, member: str, status: InputStatus) -> None:
    async with runtime.sessions() as session:
        session.add(
            InputRun(
                member_id=world.members[member],
                community_id=world.community_id,
                meeting_id=world.meeting_id,
                stage=QuestionStage.BEFORE,
                status=status,
                started_at=runtime.clock(),
                updated_at=runtime.clock(),
            )
        )
        await session.commit()


async def add_many_answers(runtime: Runtime, world: World, count: int, *, at: datetime) -> None:
    """`count` short answers from Sanne, one a minute, in one transaction."""
    async with runtime.sessions() as session:
        session.add_all(
            Answer(
                member_id=world.members["sanne"],
                community_id=world.community_id,
                meeting_id=world.meeting_id,
                question_id=world.question_id,
                source=AnswerSource.MEETING,
                kind=QuestionKind.TEXT,
                text=f"antwoord {number}",
                locale="nl",
                created_at=at + timedelta(minutes=number),
                updated_at=at + timedelta(minutes=number),
            )
            for number in range(count)
        )
        await session.commit()


async def add_checkin_answer(
    runtime: Runtime, world: World, member: str, text: str, *, at: datetime, status: InputStatus
) -> None:
    """A follow-up check-in after the meeting, answered, with its own input run."""
    async with runtime.sessions() as session:
        checkin = CheckIn(
            member_id=world.members[member],
            community_id=world.community_id,
            meeting_id=world.meeting_id,
            kind=CheckInKind.FOLLOWUP,
            due_at=at,
        )
        session.add(checkin)
        await session.flush()
        session.add_all(
            [
                InputRun(
                    member_id=world.members[member],
                    community_id=world.community_id,
                    meeting_id=world.meeting_id,
                    checkin_id=checkin.id,
                    stage=QuestionStage.AFTER,
                    status=status,
                    started_at=at,
                    updated_at=at,
                ),
                Answer(
                    member_id=world.members[member],
                    community_id=world.community_id,
                    meeting_id=world.meeting_id,
                    checkin_id=checkin.id,
                    source=AnswerSource.CHECKIN,
                    kind=QuestionKind.TEXT,
                    text=text,
                    locale="nl",
                    created_at=at,
                    updated_at=at,
                ),
            ]
        )
        await session.commit()
