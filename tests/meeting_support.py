"""Helpers for meeting tests: an invented meeting with questions, and delivering what the
outbox holds through the real sender to the fake Bot API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.db.models import Meeting, QuestionKind, Role
from bot.runtime import Runtime
from bot.services import meetings
from bot.services.communities import roles
from bot.services.intake.questions import QuestionDraft
from bot.services.meetings import MeetingDraft, TextDraft
from tests.fakes.bot_api import FakeBotAPI
from tests.outbox_support import make_dispatcher

# Saturday 5 December 2026, 14:00 in Utrecht (13:00 UTC): a week after the fake clock's today.
STARTS = datetime(2026, 12, 5, 14, 0)

DUTCH = TextDraft(
    title="Samen koken",
    description="We koken samen en praten over werk.",
    place="Buurthuis Oost, Kanaalweg 12",
)
ARABIC = TextDraft(
    title="نطبخ معًا",
    description="نطبخ معًا ونتحدث عن العمل.",
    place="Buurthuis Oost, Kanaalweg 12",
)

AGENDA = QuestionDraft(
    QuestionKind.TEXT,
    {"nl": "Wat wil je op de agenda zetten?", "ar": "ماذا تريد أن تضع على جدول الأعمال؟"},
    required=True,
)
MOMENT = QuestionDraft(
    QuestionKind.SINGLE_CHOICE,
    {"nl": "Welk moment past jou?", "ar": "ما هو الوقت الأنسب لك؟"},
    options={"nl": ["Ochtend", "Avond"], "ar": ["صباحًا", "مساءً"]},
)
STORY = QuestionDraft(QuestionKind.VOICE, {"nl": "Vertel in een spraakbericht waar je staat."})


async def make_meeting(
    runtime: Runtime,
    community_id: int,
    *,
    texts: Mapping[str, TextDraft] | None = None,
    questions: Sequence[QuestionDraft] = (AGENDA, MOMENT, STORY),
    starts: datetime = STARTS,
    deadline: datetime | None = None,
    organiser_id: int | None = None,
) -> Meeting:
    async with runtime.sessions() as session:
        meeting = await meetings.create(
            session,
            MeetingDraft(
                community_id=community_id,
                source_locale="nl",
                texts=texts or {"nl": DUTCH},
                starts_local=starts,
                time_zone="Europe/Amsterdam",
                input_deadline_local=deadline,
                questions=questions,
                created_by_user_id=organiser_id,
            ),
            now=runtime.clock(),
        )
        await session.commit()
        return meeting


async def deliver(runtime: Runtime, api: FakeBotAPI) -> None:
    """Send everything queued, through the real sender."""
    dispatcher, channel, _ = make_dispatcher(runtime, api)
    await channel.start()
    await dispatcher.run_once()
    await channel.stop()


async def make_organiser(
    runtime: Runtime, community_id: int, user_id: int, role: Role = Role.ORGANISER
) -> None:
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=community_id,
            telegram_user_id=user_id,
            role=role,
            now=runtime.clock(),
        )
        await session.commit()
