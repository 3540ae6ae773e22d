"""Inviting a community to a meeting: choosing the audience, previewing what each language
will read, warning about missing translations, and queuing the invitations in the outbox.

Only reachable members are ever included (consented to the current notice, not stopped, not
blocked). An invitation is keyed per meeting and member, so inviting again (another audience,
the same one twice, two organisers at once) never sends a second one to the same person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Meeting,
    MeetingStatus,
    Member,
    OutboxMessage,
    Rsvp,
    RsvpStatus,
)
from bot.services import audit, fallback, meetings, members, outbox
from bot.services.members import privacy

PURPOSE = "invitation"
KIND = "invitation"


class AudienceKind(StrEnum):
    ALL = "all"
    LANGUAGE = "language"  # members whose language is `value`
    TOPIC = "topic"  # members whose profile names `value` as something to learn or offer
    ATTENDED = "attended"  # members who said Going to an earlier meeting of the community


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind = AudienceKind.ALL
    value: str | None = None


class InvitationError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Preview:
    total: int
    by_language: dict[str, int]  # member language → how many
    # Audience languages without their own text: those members get the fallback language.
    missing: dict[str, str]  # member language → what a member who reads nothing else gets
    already_invited: int
    # Per group of members who read the same: the language(s) each will actually read, with
    # the other languages they read taken into account ("uk → en (reads English)").
    reading: tuple[fallback.Reading, ...] = ()


@dataclass(frozen=True)
class Invited:
    broadcast_id: int | None
    queued: int
    already_invited: int


async def recipients(session: AsyncSession, meeting: Meeting, audience: Audience) -> list[Member]:
    """The reachable members of the meeting's community that the audience selects."""
    query = members.reachable_query(meeting.community_id, privacy.current_notice_version())
    found = list(await session.scalars(query))
    match audience.kind:
        case AudienceKind.ALL:
            return found
        case AudienceKind.LANGUAGE:
            wanted = (audience.value or "").split("-")[0]
            return [m for m in found if (m.locale or "").split("-")[0] == wanted]
        case AudienceKind.TOPIC:
            topic = (audience.value or "").casefold()
            return [m for m in found if topic in _topics(m)]
        case AudienceKind.ATTENDED:
            came = set(
                await session.scalars(
                    select(Rsvp.member_id)
                    .join(Meeting, Meeting.id == Rsvp.meeting_id)
                    .where(
                        Meeting.community_id == meeting.community_id,
                        Meeting.id != meeting.id,
                        Meeting.starts_at < meeting.starts_at,
                        Meeting.status == MeetingStatus.SCHEDULED,
                        Rsvp.status == RsvpStatus.GOING,
                    )
                )
            )
            return [m for m in found if m.id in came]
    raise InvitationError("bad_audience", f"unknown audience {audience.kind!r}")


def _topics(member: Member) -> set[str]:
    return {t.casefold() for t in (member.learn_topics or []) + (member.offer_topics or [])}


async def preview(session: AsyncSession, meeting: Meeting, audience: Audience) -> Preview:
    community = await session.get(Community, meeting.community_id)
    assert community is not None
    found = await recipients(session, meeting, audience)
    invited = set(await _invited_ids(session, meeting.id))
    by_language = Counter(m.locale or community.default_locale for m in found)
    texts = meetings.texts_by_locale(meeting)
    missing = {}
    for locale in sorted(by_language):
        if not fallback.has_own_text(texts, locale):
            missing[locale] = meetings.text_for(meeting, locale, community.default_locale).locale
    reading = fallback.readings(
        ((m.locale or community.default_locale, m.reads_locales) for m in found),
        lambda locale, reads: (
            meetings.text_for(meeting, locale, community.default_locale, reads=reads).locales
        ),
    )
    return Preview(
        total=len(found),
        by_language=dict(sorted(by_language.items())),
        missing=missing,
        already_invited=sum(1 for m in found if m.id in invited),
        reading=reading,
    )


async def invite(
    session: AsyncSession,
    meeting: Meeting,
    audience: Audience,
    *,
    now: datetime,
    actor_user_id: int | None = None,
) -> Invited:
    """Queue the invitations as one broadcast; audited.."""
    if meeting.status != MeetingStatus.SCHEDULED:
        raise InvitationError("cancelled", "the meeting was cancelled")
    if now >= meeting.starts_at:
        raise InvitationError("started", "the meeting has already started")
    found = await recipients(session, meeting, audience)
    invited = set(await _invited_ids(session, meeting.id))
    new = [(m.id, m.telegram_user_id) for m in found if m.id not in invited]
    broadcast_id = None
    queued = 0
    if new:
        broadcast = await outbox.create_broadcast(
            session,
            community_id=meeting.community_id,
            purpose=PURPOSE,
            now=now,
            created_by=actor_user_id,
        )
        broadcast_id = broadcast.id
        queued = await outbox.enqueue_broadcast(
            session,
            broadcast,
            new,  # a private chat's id is the user's id
            payload={"kind": KIND, "meeting_id": meeting.id},
            dedupe_key=lambda member_id: f"{meetings.invitation_prefix(meeting.id)}{member_id}",
            now=now,
        )
    await audit.record(
        session,
        "meeting.invite",
        now=now,
        actor_user_id=actor_user_id,
        community_id=meeting.community_id,
        target=f"meeting:{meeting.id}",
        row_count=queued,
        details={"audience": audience.kind.value, "broadcast": broadcast_id},
    )
    return Invited(broadcast_id, queued, len(found) - len(new))


async def _invited_ids(session: AsyncSession, meeting_id: int) -> list[int]:
    return [
        member_id
        for member_id, _ in await outbox.recipients_of(
            session, dedupe_prefix=meetings.invitation_prefix(meeting_id)
        )
    ]


async def broadcast_ids(session: AsyncSession, meeting_id: int) -> list[int]:
    """The broadcasts that carried this meeting's invitations (for delivery figures)."""
    found = await session.scalars(
        select(OutboxMessage.broadcast_id)
        .where(
            OutboxMessage.dedupe_key.startswith(meetings.invitation_prefix(meeting_id)),
            OutboxMessage.broadcast_id.is_not(None),
        )
        .distinct()
    )
    return [b for b in found if b is not None]


async def invited_ids(session: AsyncSession, meeting_id: int) -> list[int]:
    """The members invited to the meeting (whatever became of the delivery)."""
    return await _invited_ids(session, meeting_id)


async def is_invited(session: AsyncSession, meeting_id: int, member_id: int) -> bool:
    key = f"{meetings.invitation_prefix(meeting_id)}{member_id}"
    found = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key).limit(1)
    )
    return found is not None
