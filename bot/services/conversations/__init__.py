"""Conversations: what members write to their community reaches a person, who answers.

A consented member's message outside a dialogue step goes into their open conversation with a
community (members of several communities choose once per conversation); stories from /share
land in the same thread. Organisers list, open, take, close and reopen conversations, add
internal notes (never sent) and answer (`replies`); they are told about new messages in
batches (`notices`). Staff see a pseudonymous code, never a Telegram name, username or id.

Nothing here imports `telegram`: the channel turns an incoming message into an `Incoming`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Author,
    Community,
    Conversation,
    ConversationMessage,
    ConversationStatus,
    InboxOrganiser,
    Member,
    MessageKind,
    Origin,
    OutboxMessage,
    OutboxState,
    Role,
    RoleAssignment,
)
from bot.services import audit, communities, outbox

# Telegram's limit for one message: what a member can write at once.
MAX_TEXT = 4096
# The first words an inbox line shows of the last message.
FIRST_WORDS = 60
INBOX_LIMIT = 20
# The kinds that are only a marker: nothing of the sticker, location or contact is kept.
MARKERS = frozenset({MessageKind.STICKER, MessageKind.LOCATION, MessageKind.CONTACT})


@dataclass(frozen=True)
class Incoming:
    """A message as the channel received it, reduced to what may be kept."""

    kind: MessageKind
    text: str | None = None
    file_id: str | None = None
    duration: int | None = None

    def __post_init__(self) -> None:
        if self.kind in MARKERS and (self.text or self.file_id):
            raise ValueError("a marker keeps nothing of the message")
        if self.text is not None and len(self.text) > MAX_TEXT:
            raise ValueError("a message is at most 4096 characters")


class ReceivedKind(StrEnum):
    NO_COMMUNITY = "no_community"  # nothing kept: the member belongs to no community
    CHOOSE = "choose"  # kept; the member is asked which community it is for
    NEW = "new"  # a new conversation with the community
    ADDED = "added"  # added to the open conversation


@dataclass(frozen=True)
class Received:
    kind: ReceivedKind
    conversation_id: int | None = None
    community: Community | None = None
    options: Sequence[Community] = field(default_factory=tuple)
    # The message kept, so the member can make it a proposal («Co-ownership»).
    message_id: int | None = None


class Outcome(StrEnum):
    DONE = "done"
    STALE = "stale"  # closed, reopened, taken by someone else or erased since the button
    GONE = "gone"  # no such conversation in the organiser's communities


async def _latest_open(session: AsyncSession, member_id: int) -> Conversation | None:
    return await session.scalar(
        select(Conversation)
        .where(
            Conversation.member_id == member_id,
            Conversation.status.in_([ConversationStatus.OPEN, ConversationStatus.CHOOSING]),
        )
        .order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
        .limit(1)
    )


async def _open_with(
    session: AsyncSession, member_id: int, community_id: int
) -> Conversation | None:
    return await session.scalar(
        select(Conversation)
        .where(
            Conversation.member_id == member_id,
            Conversation.community_id == community_id,
            Conversation.status == ConversationStatus.OPEN,
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )


def _add(
    session: AsyncSession,
    conversation: Conversation,
    *,
    author: Author,
    incoming: Incoming,
    now: datetime,
    locale: str | None = None,
    origin: Origin = Origin.CHAT,
    author_user_id: int | None = None,
    signature: str | None = None,
) -> ConversationMessage:
    message = ConversationMessage(
        conversation_id=conversation.id,
        author=author,
        kind=incoming.kind,
        origin=origin,
        text=incoming.text,
        file_id=incoming.file_id,
        duration=incoming.duration,
        locale=locale,
        author_user_id=author_user_id,
        signature=signature,
        created_at=now,
    )
    session.add(message)
    if author is not Author.NOTE:
        conversation.last_activity_at = now
    return message


async def _new(
    session: AsyncSession, member: Member, community_id: int | None, now: datetime
) -> Conversation:
    conversation = Conversation(
        member_id=member.id,
        community_id=community_id,
        status=ConversationStatus.OPEN if community_id else ConversationStatus.CHOOSING,
        opened_at=now,
        last_activity_at=now,
        version=1,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def receive(
    session: AsyncSession, member: Member, incoming: Incoming, *, now: datetime
) -> Received:
    """Keep a consented member's message in their conversation; the caller checked consent.

    The open conversation continues (the one with the newest activity); otherwise a new one
    opens with the member's community, or waits for a choice when they belong to several.
    The caller commits.
    """
    joined = await communities.memberships(session, member.id)
    if not joined:
        return Received(ReceivedKind.NO_COMMUNITY)
    conversation = await _latest_open(session, member.id)
    community = None
    if conversation is not None and conversation.status == ConversationStatus.OPEN:
        community = next((c for c in joined if c.id == conversation.community_id), None)
        if community is None:
            conversation = None  # the member left that community: start afresh
    if conversation is None:
        only = joined[0].id if len(joined) == 1 else None
        conversation = await _new(session, member, only, now)
    kept = _add(
        session,
        conversation,
        author=Author.MEMBER,
        incoming=incoming,
        now=now,
        locale=member.locale,
    )
    await session.flush()
    if community is not None:
        return Received(ReceivedKind.ADDED, conversation.id, community, message_id=kept.id)
    if conversation.status == ConversationStatus.CHOOSING:
        return Received(ReceivedKind.CHOOSE, conversation.id, options=tuple(joined))
    return Received(ReceivedKind.NEW, conversation.id, joined[0], message_id=kept.id)


async def choose(
    session: AsyncSession,
    member: Member,
    conversation_id: int,
    community_id: int,
    *,
    now: datetime,
) -> Received | None:
    """The community a waiting conversation is for; None for a stale or foreign button.

    When the member already has an open conversation with that community, the waiting
    messages join it. The caller commits.
    """
    conversation = await session.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.member_id != member.id
        or conversation.status != ConversationStatus.CHOOSING
        or not await communities.is_member(session, member.id, community_id)
    ):
        return None
    community = await communities.get(session, community_id)
    assert community is not None
    existing = await _open_with(session, member.id, community_id)
    if existing is not None:
        waiting = await session.scalars(
            select(ConversationMessage).where(
                ConversationMessage.conversation_id == conversation.id
            )
        )
        for message in waiting:
            message.conversation_id = existing.id
        existing.last_activity_at = now
        await session.flush()
        await session.delete(conversation)
        await session.flush()
        return Received(ReceivedKind.ADDED, existing.id, community)
    conversation.community_id = community_id
    conversation.status = ConversationStatus.OPEN
    conversation.version += 1
    await session.flush()
    return Received(ReceivedKind.NEW, conversation.id, community)


async def add_story(
    session: AsyncSession,
    member: Member,
    community_id: int,
    incoming: Incoming,
    *,
    now: datetime,
) -> int:
    """A story from /share joins the member's open conversation with that community (or opens
    one), so organisers read it in the inbox. Returns the conversation's id; caller commits."""
    conversation = await _open_with(session, member.id, community_id)
    if conversation is None:
        conversation = await _new(session, member, community_id, now)
    _add(
        session,
        conversation,
        author=Author.MEMBER,
        incoming=incoming,
        now=now,
        locale=member.locale,
        origin=Origin.STORY,
    )
    # No flush of its own: the story's next statement (or the commit) writes the message.
    return conversation.id


# --- the organisers' side ------------------------------------------------------------------


@dataclass(frozen=True)
class InboxEntry:
    conversation_id: int
    community_id: int
    community_name: str
    member_id: int
    locale: str | None
    status: ConversationStatus
    # Since when the member waits for an answer (None: the last word was the organisers').
    waiting_since: datetime | None
    last_activity_at: datetime
    last_words: str
    last_kind: MessageKind
    unread: int
    taken_by_user_id: int | None


@dataclass(frozen=True)
class ThreadMessage:
    id: int
    author: Author
    kind: MessageKind
    origin: Origin
    text: str | None
    file_id: str | None
    duration: int | None
    created_at: datetime
    author_user_id: int | None
    # For organisers' answers: the outbox state (queued, sent, failed, blocked, skipped…).
    delivery: OutboxState | None
    reason: str | None


@dataclass(frozen=True)
class Thread:
    conversation_id: int
    version: int
    community: Community
    member_id: int
    locale: str | None
    status: ConversationStatus
    taken_by_user_id: int | None
    messages: Sequence[ThreadMessage]


def first_words(text: str | None, limit: int = FIRST_WORDS) -> str:
    words = " ".join((text or "").split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rstrip() + "…"


async def inbox(
    session: AsyncSession,
    community_ids: Collection[int],
    *,
    include_closed: bool = False,
    limit: int = INBOX_LIMIT,
) -> list[InboxEntry]:
    """Conversations of these communities, newest activity first (open ones only, unless
    `include_closed`)."""
    if not community_ids:
        return []
    statuses = [ConversationStatus.OPEN]
    if include_closed:
        statuses.append(ConversationStatus.CLOSED)
    rows = (
        await session.execute(
            select(Conversation, Community, Member.locale)
            .join(Community, Community.id == Conversation.community_id)
            .join(Member, Member.id == Conversation.member_id)
            .where(
                Conversation.community_id.in_(list(community_ids)),
                Conversation.status.in_(statuses),
            )
            .order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
            .limit(limit)
        )
    ).all()
    if not rows:
        return []
    ids = [conversation.id for conversation, _, _ in rows]
    messages = (
        await session.scalars(
            select(ConversationMessage)
            .where(
                ConversationMessage.conversation_id.in_(ids),
                ConversationMessage.author != Author.NOTE,
            )
            .order_by(ConversationMessage.created_at, ConversationMessage.id)
        )
    ).all()
    by_conversation: dict[int, list[ConversationMessage]] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(message)
    entries = []
    for conversation, community, locale in rows:
        thread = by_conversation.get(conversation.id, [])
        last = thread[-1] if thread else None
        entries.append(
            InboxEntry(
                conversation_id=conversation.id,
                community_id=community.id,
                community_name=community.name,
                member_id=conversation.member_id,
                locale=locale,
                status=conversation.status,
                waiting_since=_waiting_since(thread),
                last_activity_at=conversation.last_activity_at,
                last_words=first_words(last.text if last else None),
                last_kind=last.kind if last else MessageKind.OTHER,
                unread=sum(1 for m in thread if m.author is Author.MEMBER and m.read_at is None),
                taken_by_user_id=conversation.taken_by_user_id,
            )
        )
    return entries


def _waiting_since(thread: Sequence[ConversationMessage]) -> datetime | None:
    """The first member message after the organisers' last answer."""
    since = None
    for message in thread:
        if message.author is Author.ORGANISER:
            since = None
        elif message.author is Author.MEMBER and since is None:
            since = message.created_at
    return since


async def _in_scope(
    session: AsyncSession, conversation_id: int, community_ids: Collection[int]
) -> Conversation | None:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None or conversation.community_id not in set(community_ids):
        return None
    return conversation


async def thread(
    session: AsyncSession,
    conversation_id: int,
    community_ids: Collection[int],
    *,
    now: datetime,
    mark_read: bool = True,
) -> Thread | None:
    """The conversation in order, with the delivery state of every answer; None when it is not
    in the organiser's communities. Opening marks the member's messages read (caller commits).
    """
    conversation = await _in_scope(session, conversation_id, community_ids)
    if conversation is None:
        return None
    community = await communities.get(session, conversation.community_id or 0)
    member = await session.get(Member, conversation.member_id)
    if community is None or member is None:
        return None
    rows = (
        await session.execute(
            select(ConversationMessage, OutboxMessage.state, OutboxMessage.reason)
            .outerjoin(OutboxMessage, OutboxMessage.dedupe_key == ConversationMessage.outbox_key)
            .where(ConversationMessage.conversation_id == conversation.id)
            .order_by(ConversationMessage.created_at, ConversationMessage.id)
        )
    ).all()
    messages = []
    for message, state, reason in rows:
        if mark_read and message.author is Author.MEMBER and message.read_at is None:
            message.read_at = now
        messages.append(
            ThreadMessage(
                id=message.id,
                author=message.author,
                kind=message.kind,
                origin=message.origin,
                text=message.text,
                file_id=message.file_id,
                duration=message.duration,
                created_at=message.created_at,
                author_user_id=message.author_user_id,
                delivery=state,
                reason=reason,
            )
        )
    await session.flush()
    return Thread(
        conversation_id=conversation.id,
        version=conversation.version,
        community=community,
        member_id=member.id,
        locale=member.locale,
        status=conversation.status,
        taken_by_user_id=conversation.taken_by_user_id,
        messages=messages,
    )


class Action(StrEnum):
    TAKE = "take"
    CLOSE = "close"
    REOPEN = "reopen"


async def act(
    session: AsyncSession,
    conversation_id: int,
    action: Action,
    *,
    actor_user_id: int | None,
    community_ids: Collection[int],
    version: int | None,
    now: datetime,
) -> Outcome:
    """Take, close or reopen; audited (ids only). `version` from the button: a button drawn
    before someone else changed the conversation is stale. The caller commits."""
    conversation = await _in_scope(session, conversation_id, community_ids)
    if conversation is None:
        return Outcome.GONE
    if version is not None and version != conversation.version:
        return Outcome.STALE
    status = conversation.status
    if action is Action.TAKE:
        if status != ConversationStatus.OPEN:
            return Outcome.STALE
        conversation.taken_by_user_id = actor_user_id
    elif action is Action.CLOSE:
        if status != ConversationStatus.OPEN:
            return Outcome.STALE
        conversation.status = ConversationStatus.CLOSED
        conversation.closed_at = now
    elif action is Action.REOPEN:
        if status != ConversationStatus.CLOSED:
            return Outcome.STALE
        conversation.status = ConversationStatus.OPEN
        conversation.closed_at = None
    conversation.version += 1
    await audit.record(
        session,
        f"conversation.{action.value}",
        now=now,
        actor_user_id=actor_user_id,
        community_id=conversation.community_id,
        target=f"conversation:{conversation.id}",
        row_count=1,
    )
    await session.flush()
    return Outcome.DONE


HANDED_PURPOSE = "staff.inbox.handed"
HANDED_KIND = "inbox.handed"


async def hand(
    session: AsyncSession,
    conversation_id: int,
    ambassador_member_id: int,
    *,
    actor_user_id: int,
    community_ids: Collection[int],
    version: int | None,
    now: datetime,
) -> Outcome:
    """An organiser hands an open conversation to one of its community's ambassadors: it is
    taken by them (with the same version check as Take), audited, and they are told in chat
    through the outbox. The caller commits."""
    conversation = await _in_scope(session, conversation_id, community_ids)
    if conversation is None:
        return Outcome.GONE
    if version is not None and version != conversation.version:
        return Outcome.STALE
    ambassador = await session.get(Member, ambassador_member_id)
    if (
        ambassador is None
        or conversation.status != ConversationStatus.OPEN
        or not await is_ambassador(
            session, ambassador.telegram_user_id, conversation.community_id or 0
        )
    ):
        return Outcome.STALE
    conversation.taken_by_user_id = ambassador.telegram_user_id
    conversation.version += 1
    await audit.record(
        session,
        "conversation.hand",
        now=now,
        actor_user_id=actor_user_id,
        community_id=conversation.community_id,
        target=f"conversation:{conversation.id}",
        row_count=1,
        details={"to_member": ambassador.id},
    )
    await outbox.enqueue(
        session,
        purpose=HANDED_PURPOSE,
        dedupe_key=f"inbox-handed:{conversation.id}:{conversation.version}",
        member_id=ambassador.id,
        chat_id=ambassador.telegram_user_id,
        payload={
            "kind": HANDED_KIND,
            "conversation_id": conversation.id,
            "version": conversation.version,
        },
    )
    await session.flush()
    return Outcome.DONE


async def is_ambassador(session: AsyncSession, user_id: int, community_id: int) -> bool:
    """Whether the user holds the community's ambassador role now."""
    found = await session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.telegram_user_id == user_id,
            RoleAssignment.community_id == community_id,
            RoleAssignment.role == Role.AMBASSADOR,
        )
    )
    return found is not None


async def handed_scope(
    session: AsyncSession, conversation_id: int, user_id: int, ambassador_ids: Collection[int]
) -> tuple[int, ...]:
    """The community an ambassador may work on this conversation in: only when it was handed
    to them (taken by them) and they still hold the ambassador role there; else nothing."""
    conversation = await session.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.taken_by_user_id != user_id
        or conversation.community_id not in set(ambassador_ids)
        or not await is_ambassador(session, user_id, conversation.community_id)
    ):
        return ()
    return (conversation.community_id,)


async def add_note(
    session: AsyncSession,
    conversation_id: int,
    text: str,
    *,
    actor_user_id: int,
    community_ids: Collection[int],
    now: datetime,
) -> Outcome:
    """An internal note for the other organisers: never sent to the member. Caller commits."""
    conversation = await _in_scope(session, conversation_id, community_ids)
    if conversation is None:
        return Outcome.GONE
    text = text.strip()
    if not text:
        raise ValueError("a note needs some text")
    _add(
        session,
        conversation,
        author=Author.NOTE,
        incoming=Incoming(MessageKind.TEXT, text),
        now=now,
        author_user_id=actor_user_id,
    )
    await session.flush()
    return Outcome.DONE


async def display_name(session: AsyncSession, telegram_user_id: int) -> str | None:
    row = await session.get(InboxOrganiser, telegram_user_id)
    return row.display_name if row is not None else None


async def set_display_name(
    session: AsyncSession, telegram_user_id: int, name: str | None
) -> str | None:
    """The name an organiser signs answers with (None: the community's name only)."""
    name = " ".join((name or "").split()) or None
    if name is not None and len(name) > 64:
        raise ValueError("a display name is at most 64 characters")
    row = await session.get(InboxOrganiser, telegram_user_id)
    if row is None:
        row = InboxOrganiser(telegram_user_id=telegram_user_id, last_message_id=0)
        session.add(row)
    row.display_name = name
    await session.flush()
    return name


async def display_names(session: AsyncSession, user_ids: Collection[int]) -> dict[int, str | None]:
    if not user_ids:
        return {}
    rows = await session.scalars(
        select(InboxOrganiser).where(InboxOrganiser.telegram_user_id.in_(list(user_ids)))
    )
    return {row.telegram_user_id: row.display_name for row in rows}


# --- figures for coordinators -----------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    opened: int
    answered: int
    open_now: int
    median_first_answer: timedelta | None
    overdue: int  # open, unanswered, longer than the community's answer time


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days (Monday to Friday) from `start` to `end`."""
    if end <= start:
        return 0
    days, day = 0, start.date()
    while True:
        day += timedelta(days=1)
        if day > end.date():
            break
        if day.weekday() < 5:
            days += 1
    return days


async def figures(
    session: AsyncSession,
    community: Community,
    *,
    now: datetime,
    since: datetime | None = None,
) -> Figures:
    """Conversations opened, answered, the median time to a first answer, and how many wait
    longer than the community's answer time."""
    query = select(Conversation).where(Conversation.community_id == community.id)
    if since is not None:
        query = query.where(Conversation.opened_at >= since)
    rows = (await session.scalars(query)).all()
    answered = [c for c in rows if c.first_answer_at is not None]
    waits = [
        (c.first_answer_at - c.opened_at).total_seconds()
        for c in answered
        if c.first_answer_at is not None
    ]
    overdue = sum(
        1
        for c in rows
        if c.status == ConversationStatus.OPEN
        and c.first_answer_at is None
        and working_days_between(c.opened_at, now) > community.answer_days
    )
    return Figures(
        opened=len(rows),
        answered=len(answered),
        open_now=sum(1 for c in rows if c.status == ConversationStatus.OPEN),
        median_first_answer=timedelta(seconds=median(waits)) if waits else None,
        overdue=overdue,
    )


async def set_answer_days(
    session: AsyncSession,
    *,
    community_code: str,
    days: int,
    now: datetime,
    actor_user_id: int | None = None,
) -> tuple[int, int]:
    """Set how many working days members are told an answer takes; audited; caller commits."""
    if not 1 <= days <= 30:
        raise ValueError("the answer time must be 1 to 30 working days")
    community = await communities.find_by_code(session, community_code)
    if community is None:
        raise LookupError(f"no community with the code {community_code!r}")
    old = community.answer_days
    community.answer_days = days
    await audit.record(
        session,
        "community.answer_time",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community.id,
        target=f"community:{community.code}",
        row_count=1,
        details={"from_days": old, "to_days": days},
    )
    await session.flush()
    return old, days


async def open_count(session: AsyncSession, community_ids: Collection[int]) -> int:
    if not community_ids:
        return 0
    return int(
        await session.scalar(
            select(func.count(Conversation.id)).where(
                Conversation.community_id.in_(list(community_ids)),
                Conversation.status == ConversationStatus.OPEN,
            )
        )
        or 0
    )
