"""Meetings: creating them, their texts per language, their questions.

Moving and cancelling a meeting, and what follows, is `changes`.

Times are stored in UTC together with the meeting's time zone; organisers give local times.
Texts written by organisers are data (one `MeetingText` per language) and reach members along
the fallback chain in `bot.services.fallback`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Meeting,
    MeetingStatus,
    MeetingText,
    Membership,
    Question,
    QuestionStage,
    QuestionText,
)
from bot.i18n import find_language
from bot.services import audit, fallback, timing
from bot.services.intake.questions import FREE_KINDS, QuestionDraft

DEFAULT_DURATION = timedelta(hours=2)
MAX_TITLE = 300
MAX_DESCRIPTION = 3000
MAX_PLACE = 300


class MeetingError(ValueError):
    """A meeting cannot be created or changed as asked. `code` names the reason for the
    channel to translate; `params` fill in its message; str() is plain English for the CLI."""

    def __init__(self, code: str, message: str, **params: Any):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class TextDraft:
    title: str
    description: str = ""
    place: str | None = None


@dataclass(frozen=True)
class MeetingDraft:
    """A meeting as an organiser describes it: local times in the meeting's time zone."""

    community_id: int
    source_locale: str
    texts: Mapping[str, TextDraft]
    starts_local: datetime
    time_zone: str
    ends_local: datetime | None = None
    online_url: str | None = None
    input_deadline_local: datetime | None = None
    questions: Sequence[QuestionDraft] = field(default_factory=tuple)
    followup_questions: Sequence[QuestionDraft] = field(default_factory=tuple)
    created_by_user_id: int | None = None
    # Minutes before the start; None: the community's check-in schedule.
    reminder_offsets: Sequence[int] | None = None


def language_tag(locale: str) -> str:
    language = find_language(locale)
    if language is None:
        raise MeetingError("unknown_language", f"Samen has no language {locale!r}", tag=locale)
    return language.tag


def local_to_utc(local: datetime, zone: str) -> datetime:
    try:
        return timing.to_utc(local, ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError("bad_zone", f"unknown time zone {zone!r}") from None


def _check_text(draft: TextDraft) -> TextDraft:
    title = draft.title.strip()
    if not title:
        raise MeetingError("title_missing", "a meeting needs a title")
    if len(title) > MAX_TITLE:
        raise MeetingError("too_long", f"the title is longer than {MAX_TITLE} characters")
    description = (draft.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise MeetingError(
            "too_long", f"the description is longer than {MAX_DESCRIPTION} characters"
        )
    place = (draft.place or "").strip() or None
    if place is not None and len(place) > MAX_PLACE:
        raise MeetingError("too_long", f"the place is longer than {MAX_PLACE} characters")
    return TextDraft(title=title, description=description, place=place)


def _offsets(offsets: Sequence[int] | None) -> list[int] | None:
    if offsets is None:
        return None
    if any(not 0 < minutes <= 30 * 24 * 60 for minutes in offsets):
        raise MeetingError("bad_reminders", "reminders can be at most 30 days before")
    return sorted(set(offsets), reverse=True)


def _check_url(url: str | None) -> str | None:
    url = (url or "").strip() or None
    if url is not None and not url.startswith(("https://", "http://")):
        raise MeetingError("bad_link", "an online link must start with https://")
    return url


async def create(session: AsyncSession, draft: MeetingDraft, *, now: datetime) -> Meeting:
    """Create the meeting with its texts and questions in the caller's unit of work. Refuses
    a time in the past, a deadline after the start, and texts in languages Samen does not
    have."""
    community = await session.get(Community, draft.community_id)
    if community is None:
        raise MeetingError("no_community", "no such community")
    source = language_tag(draft.source_locale)
    texts = {language_tag(tag): _check_text(text) for tag, text in draft.texts.items()}
    if source not in texts:
        raise MeetingError(
            "source_text_missing",
            f"there is no text in the language it was written in ({source})",
            tag=source,
        )
    starts_at = local_to_utc(draft.starts_local, draft.time_zone)
    if starts_at <= now:
        raise MeetingError("in_the_past", "the meeting would start in the past")
    ends_at = (
        local_to_utc(draft.ends_local, draft.time_zone)
        if draft.ends_local is not None
        else starts_at + DEFAULT_DURATION
    )
    if ends_at <= starts_at:
        raise MeetingError("ends_before_start", "the meeting would end before it starts")
    deadline = (
        local_to_utc(draft.input_deadline_local, draft.time_zone)
        if draft.input_deadline_local is not None
        else starts_at
    )
    if deadline > starts_at:
        raise MeetingError("deadline_after_start", "the input deadline is after the start")
    if deadline <= now:
        raise MeetingError("deadline_in_the_past", "the input deadline is in the past")
    meeting = Meeting(
        community_id=community.id,
        status=MeetingStatus.SCHEDULED,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=draft.time_zone,
        source_locale=source,
        online_url=_check_url(draft.online_url),
        input_deadline=deadline,
        reminder_offsets=list(draft.reminder_offsets)
        if draft.reminder_offsets is not None
        else None,
        version=1,
        created_by_user_id=draft.created_by_user_id,
        created_at=now,
        updated_at=now,
    )
    meeting.texts = [
        MeetingText(locale=tag, title=text.title, description=text.description, place=text.place)
        for tag, text in texts.items()
    ]
    session.add(meeting)
    await session.flush()
    await add_questions(session, meeting, draft.questions, stage=QuestionStage.BEFORE)
    await add_questions(session, meeting, draft.followup_questions, stage=QuestionStage.AFTER)
    await audit.record(
        session,
        "meeting.create",
        now=now,
        actor_user_id=draft.created_by_user_id,
        community_id=community.id,
        target=f"meeting:{meeting.id}",
        details={"locales": sorted(texts), "questions": len(draft.questions)},
    )
    return meeting


async def add_questions(
    session: AsyncSession,
    meeting: Meeting,
    drafts: Sequence[QuestionDraft],
    *,
    stage: QuestionStage,
) -> list[Question]:
    existing = await questions_of(session, meeting.id, stage)
    created = []
    for position, draft in enumerate(drafts, start=len(existing)):
        if draft.agenda and draft.kind not in FREE_KINDS:
            # Choice and scale answers are tallies, never agenda topics (`agenda`).
            raise MeetingError(
                "agenda_not_free", "only free-text and voice questions can be agenda questions"
            )
        question = Question(
            community_id=meeting.community_id,
            meeting_id=meeting.id,
            stage=stage,
            position=position,
            kind=draft.kind,
            required=draft.required,
            agenda=draft.agenda,
            source_locale=language_tag(draft.source_locale or meeting.source_locale),
        )
        question.texts = [
            QuestionText(
                locale=language_tag(tag),
                prompt=prompt,
                options=list(draft.options[tag]) if draft.options.get(tag) else None,
            )
            for tag, prompt in draft.prompts.items()
        ]
        session.add(question)
        created.append(question)
    await session.flush()
    return created


async def questions_of(
    session: AsyncSession, meeting_id: int, stage: QuestionStage = QuestionStage.BEFORE
) -> list[Question]:
    found = await session.scalars(
        select(Question)
        .where(Question.meeting_id == meeting_id, Question.stage == stage)
        .order_by(Question.position, Question.id)
    )
    return list(found)


async def get(session: AsyncSession, meeting_id: int) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def for_member(session: AsyncSession, member_id: int, meeting_id: int) -> Meeting | None:
    """The meeting, when the member belongs to its community; None otherwise.

    Button data is user input: a meeting of another community is answered exactly like one
    that does not exist, so a tap on a foreign button learns nothing about it.
    """
    return await session.scalar(
        select(Meeting)
        .join(Membership, Membership.community_id == Meeting.community_id)
        .where(Meeting.id == meeting_id, Membership.member_id == member_id)
    )


async def in_communities(
    session: AsyncSession, community_ids: Sequence[int], *, now: datetime, limit: int = 20
) -> list[Meeting]:
    """The meetings of these communities: upcoming first (soonest first), then recent ones."""
    if not community_ids:
        return []
    found = await session.scalars(
        select(Meeting)
        .where(Meeting.community_id.in_(community_ids))
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    meetings = list(found)
    upcoming = sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at)
    return upcoming + [m for m in meetings if m.starts_at < now]


async def upcoming(
    session: AsyncSession, community_ids: Sequence[int], *, now: datetime, limit: int = 5
) -> list[Meeting]:
    found = await session.scalars(
        select(Meeting)
        .where(
            Meeting.community_id.in_(community_ids),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(limit)
    )
    return list(found)


# --- texts -------------------------------------------------------------------------------------


def texts_by_locale(meeting: Meeting) -> dict[str, MeetingText]:
    return {text.locale: text for text in meeting.texts}


@dataclass(frozen=True)
class ShownText:
    """A meeting's text as one reader gets it: each field along their fallback chain, so
    it may mix languages (`locales` says which, in the order of the chain)."""

    title: str
    description: str
    place: str | None
    locales: tuple[str, ...]

    @property
    def locale(self) -> str:
        """The language of the title (what the reader sees first)."""
        return self.locales[0] if self.locales else ""


def text_for(
    meeting: Meeting,
    member_locale: str | None,
    community_locale: str,
    *,
    reads: Sequence[str] | None = (),
) -> ShownText:
    """The meeting's text for a member, each field along the fallback chain (see
    `bot.services.fallback`): `reads` are the other languages the member reads."""
    texts = texts_by_locale(meeting)
    tags = fallback.chain(member_locale, community_locale, meeting.source_locale, reads=reads)
    title_locale, title = fallback.pick_field(texts, "title", tags)
    if title_locale is None:
        raise LookupError("a meeting without text")
    description_locale, description = fallback.pick_field(texts, "description", tags)
    place_locale, place = fallback.pick_field(texts, "place", tags)
    return ShownText(
        title=title,
        description=description or "",
        place=place or None,
        locales=fallback.received((title_locale, description_locale, place_locale), tags),
    )


async def text_in(
    session: AsyncSession,
    meeting: Meeting,
    member_locale: str | None,
    *,
    reads: Sequence[str] | None = (),
) -> ShownText:
    """The meeting's text for a reader, the community's default language resolved here (the
    community is usually in the unit of work's identity map already: no query then)."""
    community = await session.get(Community, meeting.community_id)
    default = community.default_locale if community is not None else meeting.source_locale
    return text_for(meeting, member_locale, default, reads=reads)


async def set_text(
    session: AsyncSession,
    meeting: Meeting,
    locale: str,
    draft: TextDraft,
    *,
    now: datetime,
    actor_user_id: int | None = None,
) -> MeetingText:
    """Add a translation or replace the text in one language. Invitations still queued are
    rendered when they are sent, so they carry the new text."""
    tag = language_tag(locale)
    checked = _check_text(draft)
    existing = texts_by_locale(meeting).get(tag)
    if existing is None:
        existing = MeetingText(locale=tag)
        meeting.texts.append(existing)
    existing.title, existing.description, existing.place = (
        checked.title,
        checked.description,
        checked.place,
    )
    meeting.updated_at = now
    await session.flush()
    await audit.record(
        session,
        "meeting.text",
        now=now,
        actor_user_id=actor_user_id,
        community_id=meeting.community_id,
        target=f"meeting:{meeting.id}",
        details={"locale": tag},
    )
    return existing


def invitation_prefix(meeting_id: int) -> str:
    """Invitations are keyed per meeting and member, so inviting twice never sends twice."""
    return f"invitation:{meeting_id}:"


def is_open_for_input(meeting: Meeting, now: datetime) -> bool:
    deadline = meeting.input_deadline or meeting.starts_at
    return meeting.status == MeetingStatus.SCHEDULED and now < deadline


def has_started(meeting: Meeting, now: datetime) -> bool:
    return now >= meeting.starts_at
