"""Topics members propose for a meeting: taking a proposal in (text or a voice note, from
/propose, the invitation or a conversation message), the organisers' decision (accept, merge
with a similar one, decline with a reason) and translations of an accepted one.

A proposal carries its proposer's language; its texts are data, one row per language, shown
along the fallback chain. One shown in the proposer's own language to someone who reads
another is marked as untranslated, never left out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Author,
    Community,
    Conversation,
    ConversationMessage,
    Meeting,
    MeetingStatus,
    Member,
    MessageKind,
    Proposal,
    ProposalKind,
    ProposalPurpose,
    ProposalStatus,
    ProposalText,
    Support,
)
from bot.services import audit, communities, dialogs, fallback, meetings, outbox
from bot.services.dialogs import Dialog
from bot.services.meetings import language_tag

# The member's dialogue: choosing the meeting ("meeting"), then the topic ("topic").
FLOW = "propose"
CHOOSE, TOPIC = "meeting", "topic"
# A topic is a line or two, not a letter: long enough for a sentence in any script.
MAX_TEXT = 500
MIN_TEXT = 3
# Why an organiser declines; the member reads the reason in their own language.
DECLINE_REASONS = ("planned", "off_topic", "not_possible", "elsewhere")
# What the member is told about a decision, through the outbox.
PURPOSE = "proposal"
KIND_DECISION = "proposal.decision"


class ProposalError(ValueError):
    """Why a proposal or a decision was refused: a code the views translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Topic:
    """What a member sent as a topic: text, or a voice note (with an optional caption)."""

    text: str | None = None
    voice_file_id: str | None = None
    voice_duration: int | None = None
    other: bool = False  # a sticker, photo, location…: not a topic


def check(topic: Topic) -> Topic:
    """The topic tidied, or ProposalError("empty" | "too_short" | "too_long" | "not_text")."""
    if topic.other:
        raise ProposalError("not_text")
    text = " ".join((topic.text or "").split()) or None
    if topic.voice_file_id:
        if text is not None and len(text) > MAX_TEXT:
            raise ProposalError("too_long")
        return Topic(text, topic.voice_file_id, topic.voice_duration)
    if text is None:
        raise ProposalError("empty")
    if len(text) > MAX_TEXT:
        raise ProposalError("too_long")
    if len(_WORD.findall(text)) == 0 or len(text) < MIN_TEXT:
        raise ProposalError("too_short")
    return Topic(text)


_WORD = re.compile(r"\w+", re.UNICODE)


def dedupe_key(meeting_id: int | None, member_id: int, topic: Topic) -> str:
    """The same member proposing the same thing twice for the same meeting: one proposal.
    Text is compared without case, spacing or punctuation; a voice note by its file."""
    if topic.voice_file_id:
        content = "voice:" + topic.voice_file_id
    else:
        content = "text:" + " ".join(_WORD.findall((topic.text or "").casefold()))
    digest = hashlib.sha256(content.encode()).hexdigest()[:24]
    return f"proposal:{meeting_id or 'checkin'}:{member_id}:{digest}"


# --- taking a proposal in ----------------------------------------------------------------------


async def open_meetings(session: AsyncSession, member: Member, *, now: datetime) -> list[Meeting]:
    """The meetings the member can propose a topic for: upcoming ones of their communities."""
    joined = await communities.memberships(session, member.id)
    return await meetings.upcoming(session, [c.id for c in joined], now=now)


async def _meeting_for_proposal(
    session: AsyncSession, member: Member, meeting_id: int, now: datetime
) -> Meeting:
    meeting = await meetings.for_member(session, member.id, meeting_id)
    if meeting is None:
        raise ProposalError("gone")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ProposalError("cancelled")
    if meetings.has_started(meeting, now):
        raise ProposalError("started")
    return meeting


@dataclass(frozen=True)
class Proposed:
    proposal: Proposal
    duplicate: bool  # the member had proposed this already: nothing new was counted
    title: str  # the meeting's title in the member's language


async def propose(
    session: AsyncSession,
    member: Member,
    meeting_id: int,
    topic: Topic,
    *,
    now: datetime,
    conversation_message_id: int | None = None,
) -> Proposed:
    """Keep a consented member's topic for a meeting; the caller checked consent."""
    meeting = await _meeting_for_proposal(session, member, meeting_id, now)
    topic = check(topic)
    title = (await meetings.text_in(session, meeting, member.locale)).title
    key = dedupe_key(meeting.id, member.id, topic)
    existing = await session.scalar(select(Proposal).where(Proposal.dedupe_key == key))
    if existing is not None:
        return Proposed(existing, True, title)
    community = await session.get(Community, meeting.community_id)
    assert community is not None
    locale = language_tag(member.locale or community.default_locale)
    proposal = Proposal(
        community_id=meeting.community_id,
        meeting_id=meeting.id,
        member_id=member.id,
        purpose=ProposalPurpose.AGENDA,
        kind=ProposalKind.VOICE if topic.voice_file_id else ProposalKind.TEXT,
        source_locale=locale,
        voice_file_id=topic.voice_file_id,
        voice_duration=topic.voice_duration,
        status=ProposalStatus.NEW,
        conversation_message_id=conversation_message_id,
        dedupe_key=key,
        version=1,
        created_at=now,
    )
    if topic.text:
        proposal.texts = [ProposalText(locale=locale, text=topic.text, created_at=now)]
    session.add(proposal)
    await session.flush()
    return Proposed(proposal, False, title)


# --- the member's dialogue --------------------------------------------------------------------


@dataclass(frozen=True)
class Begun:
    """Where /propose (or a button) leaves the member: asked for the topic of one meeting,
    asked which meeting, or told there is none (`dialog` None)."""

    dialog: Dialog | None
    title: str = ""  # the meeting's title when one is chosen
    options: Sequence[tuple[int, str]] = ()  # (meeting id, title) to choose from
    proposed: Proposed | None = None  # a conversation message became a proposal at once


async def begin(
    session: AsyncSession,
    member: Member,
    *,
    now: datetime,
    meeting_id: int | None = None,
    message_id: int | None = None,
) -> Begun:
    """Start proposing: for this meeting, or the member's only upcoming one, or ask which.
    With `message_id` (a conversation message) the topic is that message: it is proposed
    as soon as the meeting is known. ProposalError for a meeting or message not theirs."""
    topic = await _message_topic(session, member, message_id) if message_id else None
    if meeting_id is not None:
        meeting = await _meeting_for_proposal(session, member, meeting_id, now)
        options = [meeting]
    else:
        options = await open_meetings(session, member, now=now)
    if not options:
        return Begun(None)
    if len(options) == 1:
        return await _chosen(session, member, options[0], topic, message_id, now)
    titles = [(m.id, (await meetings.text_in(session, m, member.locale)).title) for m in options]
    data = {"ids": [m.id for m in options], "message": message_id}
    dialog = await dialogs.set(session, member.id, FLOW, CHOOSE, data, now=now)
    return Begun(dialog, options=titles)


async def choose(
    session: AsyncSession, member: Member, dialog: Dialog, meeting_id: int, *, now: datetime
) -> Begun:
    """The meeting chosen with a button of the CHOOSE step (re-checked)."""
    if meeting_id not in dialog.data.get("ids", []):
        raise ProposalError("gone")
    meeting = await _meeting_for_proposal(session, member, meeting_id, now)
    message_id = dialog.data.get("message")
    topic = await _message_topic(session, member, message_id) if message_id else None
    return await _chosen(session, member, meeting, topic, message_id, now)


async def _chosen(
    session: AsyncSession,
    member: Member,
    meeting: Meeting,
    topic: Topic | None,
    message_id: int | None,
    now: datetime,
) -> Begun:
    title = (await meetings.text_in(session, meeting, member.locale)).title
    if topic is not None:
        await dialogs.clear(session, member.id, now=now)
        proposed = await propose(
            session, member, meeting.id, topic, now=now, conversation_message_id=message_id
        )
        return Begun(None, title=title, proposed=proposed)
    dialog = await dialogs.set(session, member.id, FLOW, TOPIC, {"meeting": meeting.id}, now=now)
    return Begun(dialog, title=title)


async def submit(
    session: AsyncSession, member: Member, dialog: Dialog, topic: Topic, *, now: datetime
) -> Proposed:
    """The topic typed or spoken at the TOPIC step; the dialogue ends when it is kept. A
    ProposalError leaves the dialogue as it was, so the member can try again."""
    proposed = await propose(session, member, int(dialog.data["meeting"]), topic, now=now)
    await dialogs.clear(session, member.id, now=now)
    return proposed


async def _message_topic(session: AsyncSession, member: Member, message_id: int) -> Topic:
    """The member's own conversation message as a topic (text or voice only)."""
    message = await session.scalar(
        select(ConversationMessage)
        .join(Conversation, Conversation.id == ConversationMessage.conversation_id)
        .where(
            ConversationMessage.id == message_id,
            Conversation.member_id == member.id,
            ConversationMessage.author == Author.MEMBER,
        )
    )
    if message is None:
        raise ProposalError("gone")
    if message.kind == MessageKind.VOICE and message.file_id:
        return Topic(message.text, message.file_id, message.duration)
    if message.kind != MessageKind.TEXT:
        raise ProposalError("not_a_topic")
    return check(Topic(message.text))


# --- what a reader sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A proposal as one reader sees it."""

    proposal_id: int
    text: str | None  # None: a voice note nobody has written down yet
    locale: str  # the language of `text` (or of the voice note)
    untranslated: bool  # shown in the proposer's language, which the reader does not read
    voice_file_id: str | None


def shown(proposal: Proposal, reader_locale: str | None, community_locale: str) -> Shown:
    """The proposal's text along the fallback chain; marked when the reader gets it only in
    the proposer's own language."""
    texts = {text.locale: text.text for text in proposal.texts}
    reader = (reader_locale or community_locale).split("-")[0]
    if texts:
        locale, text = fallback.pick(
            texts,
            member_locale=reader_locale,
            community_locale=community_locale,
            source_locale=proposal.source_locale,
        )
    else:
        locale, text = proposal.source_locale, None
    untranslated = locale.split("-")[0] != reader and locale == proposal.source_locale
    return Shown(proposal.id, text, locale, untranslated, proposal.voice_file_id)


def first_words(text: str | None, limit: int = 40) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the organisers' side ----------------------------------------------------------------------


async def of_meeting(
    session: AsyncSession, meeting_id: int, statuses: Collection[ProposalStatus] = ()
) -> list[Proposal]:
    query = select(Proposal).where(Proposal.meeting_id == meeting_id).order_by(Proposal.id)
    if statuses:
        query = query.where(Proposal.status.in_(list(statuses)))
    return list(await session.scalars(query))


async def for_staff(
    session: AsyncSession, proposal_id: int, community_ids: Collection[int]
) -> Proposal | None:
    """The proposal when it belongs to one of the organiser's communities; None otherwise
    (a foreign proposal is answered exactly like one that does not exist)."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.community_id not in community_ids:
        return None
    return proposal


class Decision(StrEnum):
    ACCEPT = "accept"
    MERGE = "merge"
    DECLINE = "decline"
    AGENDA = "agenda"  # put on the agenda, or take off it again


@dataclass(frozen=True)
class Decided:
    proposal: Proposal
    notified: bool  # the member will be told (through the outbox)


async def decide(
    session: AsyncSession,
    proposal_id: int,
    version: int,
    decision: Decision,
    *,
    community_ids: Collection[int],
    actor_user_id: int,
    now: datetime,
    into_id: int | None = None,
    reason: str | None = None,
) -> Decided:
    """An organiser's decision about a proposal; ProposalError("gone" | "stale" | "started" |
    "bad_target" | "bad_reason" | "not_accepted") when it cannot be taken. Audited."""
    proposal = await for_staff(session, proposal_id, community_ids)
    if proposal is None:
        raise ProposalError("gone")
    if proposal.version != version:
        raise ProposalError("stale")
    meeting = await meetings.get(session, proposal.meeting_id) if proposal.meeting_id else None
    details: dict[str, object] = {}
    notified = False
    match decision:
        case Decision.ACCEPT:
            if proposal.status != ProposalStatus.NEW:
                raise ProposalError("stale")
            proposal.status = ProposalStatus.ACCEPTED
            notified = await tell(session, proposal)
        case Decision.DECLINE:
            if proposal.status != ProposalStatus.NEW:
                raise ProposalError("stale")
            if reason not in DECLINE_REASONS:
                raise ProposalError("bad_reason")
            proposal.status, proposal.decline_reason = ProposalStatus.DECLINED, reason
            details["reason"] = reason
            notified = await tell(session, proposal)
        case Decision.MERGE:
            target = await for_staff(session, into_id or 0, community_ids)
            if (
                target is None
                or target.id == proposal.id
                or target.meeting_id != proposal.meeting_id
                or target.status not in (ProposalStatus.NEW, ProposalStatus.ACCEPTED)
                or proposal.status not in (ProposalStatus.NEW, ProposalStatus.ACCEPTED)
            ):
                raise ProposalError("bad_target")
            await _move_supports(session, proposal, target)
            proposal.status, proposal.merged_into_id = ProposalStatus.MERGED, target.id
            proposal.on_agenda, proposal.agenda_position = False, None
            details["into"] = target.id
            notified = await tell(session, proposal)
        case Decision.AGENDA:
            if proposal.status != ProposalStatus.ACCEPTED:
                raise ProposalError("not_accepted")
            if meeting is not None and meetings.has_started(meeting, now):
                raise ProposalError("started")
            await _toggle_agenda(session, proposal)
            details["on_agenda"] = proposal.on_agenda
    if decision is not Decision.AGENDA:
        proposal.decided_at, proposal.decided_by_user_id = now, actor_user_id
    proposal.version += 1
    await session.flush()
    await audit.record(
        session,
        f"proposal.{decision.value}",
        now=now,
        actor_user_id=actor_user_id,
        community_id=proposal.community_id,
        target=f"proposal:{proposal.id}",
        details=details or None,
    )
    return Decided(proposal, notified)


async def _toggle_agenda(session: AsyncSession, proposal: Proposal) -> None:
    if proposal.on_agenda:
        proposal.on_agenda, proposal.agenda_position = False, None
        return
    taken = await session.scalars(
        select(Proposal.agenda_position).where(
            Proposal.meeting_id == proposal.meeting_id, Proposal.on_agenda.is_(True)
        )
    )
    proposal.on_agenda = True
    proposal.agenda_position = max([p or 0 for p in taken], default=0) + 1


async def _move_supports(session: AsyncSession, source: Proposal, target: Proposal) -> None:
    """A merged proposal's supporters support the one it joined (once each)."""
    already = set(
        await session.scalars(select(Support.member_id).where(Support.proposal_id == target.id))
    )
    for support in list(
        await session.scalars(select(Support).where(Support.proposal_id == source.id))
    ):
        if support.member_id in already:
            await session.delete(support)
        else:
            support.proposal_id = target.id
    await session.flush()


async def tell(session: AsyncSession, proposal: Proposal) -> bool:
    """Queue the decision for the proposer (one message per proposal and decision)."""
    if proposal.member_id is None:
        return False
    member = await session.get(Member, proposal.member_id)
    if member is None or not member.has_consented or member.blocked_at is not None:
        return False
    return await outbox.enqueue(
        session,
        purpose=PURPOSE,
        dedupe_key=f"proposal-decision:{proposal.id}:{proposal.status}",
        member_id=member.id,
        chat_id=member.telegram_user_id,
        payload={"kind": KIND_DECISION, "proposal_id": proposal.id},
    )


async def add_text(
    session: AsyncSession,
    proposal: Proposal,
    locale: str,
    text: str,
    *,
    actor_user_id: int,
    now: datetime,
) -> ProposalText:
    """Add or replace the proposal's text in one language (an organiser's translation)."""
    checked = check(Topic(text))
    assert checked.text is not None
    tag = language_tag(locale)
    row = next((t for t in proposal.texts if t.locale == tag), None)
    if row is None:
        row = ProposalText(locale=tag, text=checked.text, created_at=now)
        proposal.texts.append(row)
    else:
        row.text = checked.text
    await session.flush()
    await audit.record(
        session,
        "proposal.text",
        now=now,
        actor_user_id=actor_user_id,
        community_id=proposal.community_id,
        target=f"proposal:{proposal.id}",
        details={"locale": tag},
    )
    return row


async def refuse(
    session: AsyncSession,
    code: str,
    *,
    now: datetime,
    actor_user_id: int | None,
    target: str,
    community_id: int | None = None,
) -> None:
    """Audit a refused proposal action (a forged button, a vote too late, over the limit)."""
    await audit.record(
        session,
        "proposal.refused",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community_id,
        target=target,
        details={"reason": code},
    )


async def new_count(session: AsyncSession, meeting_id: int) -> int:
    return len(await of_meeting(session, meeting_id, [ProposalStatus.NEW]))


async def community_locale(session: AsyncSession, meeting: Meeting) -> str:
    community = await session.get(Community, meeting.community_id)
    return community.default_locale if community is not None else meeting.source_locale


async def merge_targets(
    session: AsyncSession, proposal: Proposal, locale: str | None
) -> list[tuple[Proposal, Shown]]:
    """The other new or accepted proposals of the same meeting, to merge this one with."""
    if proposal.meeting_id is None:
        return []
    meeting = await meetings.get(session, proposal.meeting_id)
    assert meeting is not None
    default = await community_locale(session, meeting)
    others = await of_meeting(
        session, proposal.meeting_id, [ProposalStatus.NEW, ProposalStatus.ACCEPTED]
    )
    return [(p, shown(p, locale, default)) for p in others if p.id != proposal.id][:10]


@dataclass(frozen=True)
class Counts:
    total: int
    new: int


async def counts(session: AsyncSession, meeting_id: int) -> Counts:
    """How many proposals the meeting has, and how many wait for a decision."""
    found = await of_meeting(session, meeting_id)
    return Counts(len(found), sum(1 for p in found if p.status == ProposalStatus.NEW))


async def get(session: AsyncSession, proposal_id: int) -> Proposal | None:
    return await session.get(Proposal, proposal_id)


async def community_locale_of(session: AsyncSession, proposal: Proposal) -> str:
    community = await session.get(Community, proposal.community_id)
    return community.default_locale if community is not None else proposal.source_locale
