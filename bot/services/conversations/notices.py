"""Telling organisers that members wrote: one notice per organiser per few minutes, with a
count, never in their quiet hours, through the outbox.

Each organiser has a watermark: the newest member message they were told about. A notice
moves it with a conditional update (only from the value read), so two instances running this
at once queue one notice, not two; the dedupe key (organiser, watermark) says the same again
at the outbox. Messages that arrive during the quiet hours or within the interval are counted
in the next notice.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Author,
    Community,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    InboxOrganiser,
    Member,
    Role,
    RoleAssignment,
)
from bot.services import outbox
from bot.services.outbox import _insert_for
from bot.services.timing import QuietHours

# Outbox purposes that start with "staff." go to staff: no member consent is asked of them.
PURPOSE = "staff.inbox"
KIND = "inbox.notice"
EVERY = timedelta(minutes=5)
QUIET = QuietHours()


@dataclass(frozen=True)
class NoticeRun:
    queued: int = 0
    deferred: int = 0  # something new, but the interval or the quiet hours hold it back


async def watermark(session: AsyncSession, user_id: int) -> InboxOrganiser:
    """The organiser's watermarks (created at zero the first time)."""
    insert = _insert_for(session)
    await session.execute(
        insert(InboxOrganiser)
        .values(telegram_user_id=user_id, last_message_id=0)
        .on_conflict_do_nothing(index_elements=["telegram_user_id"])
    )
    row = await session.get(InboxOrganiser, user_id, populate_existing=True)
    assert row is not None
    return row


async def _recipient(session: AsyncSession, user_id: int, locale: str, now: datetime) -> Member:
    """The organiser's member row (their language and chat); created with nothing else."""
    insert = _insert_for(session)
    await session.execute(
        insert(Member)
        .values(telegram_user_id=user_id, locale=locale, created_at=now)
        .on_conflict_do_nothing(index_elements=["telegram_user_id"])
    )
    member = await session.scalar(select(Member).where(Member.telegram_user_id == user_id))
    assert member is not None
    return member


async def organiser_scopes(
    session: AsyncSession, community_ids: Collection[int] | None
) -> dict[int, set[int]]:
    """Each organiser's (and coordinator's) communities, by Telegram user id; with
    `community_ids`, everyone who organises one of them (and their other ones too)."""
    organisers = select(RoleAssignment.telegram_user_id, RoleAssignment.community_id).where(
        RoleAssignment.role.in_([Role.ORGANISER, Role.COORDINATOR])
    )
    if community_ids is not None:
        users = select(RoleAssignment.telegram_user_id).where(
            RoleAssignment.community_id.in_(list(community_ids))
        )
        organisers = organisers.where(RoleAssignment.telegram_user_id.in_(users))
    scopes: dict[int, set[int]] = {}
    for user_id, community_id in (await session.execute(organisers)).all():
        scopes.setdefault(user_id, set()).add(community_id)
    return scopes


async def due_recipient(
    session: AsyncSession,
    user_id: int,
    scope: Collection[int],
    last_notice_at: datetime | None,
    *,
    now: datetime,
) -> Member | None:
    """The organiser's member row when a notice may go now; None while the interval since
    the last one (`last_notice_at`) or their quiet hours hold it back."""
    community = await session.scalar(
        select(Community).where(Community.id.in_(scope)).order_by(Community.id).limit(1)
    )
    assert community is not None
    member = await _recipient(session, user_id, community.default_locale, now)
    zone = ZoneInfo(member.time_zone or community.time_zone)
    recent = last_notice_at is not None and now - last_notice_at < EVERY
    if recent or QUIET.contains(now.astimezone(zone).time()):
        return None
    return member


async def queue_due(
    session: AsyncSession, *, now: datetime, community_ids: Collection[int] | None = None
) -> NoticeRun:
    """Queue the notices that are due now; the caller commits."""
    queued = deferred = 0
    for user_id, scope in sorted((await organiser_scopes(session, community_ids)).items()):
        mark = await watermark(session, user_id)
        new = (
            await session.execute(
                select(
                    func.count(ConversationMessage.id),
                    func.count(func.distinct(ConversationMessage.conversation_id)),
                    func.max(ConversationMessage.id),
                )
                .join(Conversation, Conversation.id == ConversationMessage.conversation_id)
                .where(
                    Conversation.community_id.in_(scope),
                    Conversation.status == ConversationStatus.OPEN,
                    ConversationMessage.author == Author.MEMBER,
                    ConversationMessage.id > mark.last_message_id,
                )
            )
        ).one()
        count, threads, newest = int(new[0] or 0), int(new[1] or 0), new[2]
        if not count:
            continue
        member = await due_recipient(session, user_id, scope, mark.last_notice_at, now=now)
        if member is None:
            deferred += 1
            continue
        moved = await session.execute(
            update(InboxOrganiser)
            .where(
                InboxOrganiser.telegram_user_id == user_id,
                InboxOrganiser.last_message_id == mark.last_message_id,
            )
            .values(last_message_id=newest, last_notice_at=now)
            .execution_options(synchronize_session=False)
        )
        if not moved.rowcount:
            continue  # another instance told them a moment ago
        if await outbox.enqueue(
            session,
            purpose=PURPOSE,
            dedupe_key=f"inbox-notice:{member.id}:{newest}",
            member_id=member.id,
            chat_id=user_id,
            payload={"kind": KIND, "messages": count, "conversations": threads},
        ):
            queued += 1
    return NoticeRun(queued, deferred)
