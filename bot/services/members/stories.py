"""Members telling their own story, as text or a voice note, as input to their community.

Voice notes are referenced by Telegram's file id, never downloaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Answer, AnswerSource, Community, Member, MessageKind, QuestionKind
from bot.services import communities, conversations, dialogs
from bot.services.dialogs import Dialog

FLOW = "share"
CHOOSE_COMMUNITY = "community"
WAITING = "story"
# Telegram's own limit for one message; a story longer than that arrives in parts.
MAX_TEXT = 4096


class BeginKind(StrEnum):
    NO_COMMUNITY = "no_community"
    CHOOSE = "choose"
    READY = "ready"


@dataclass(frozen=True)
class Begin:
    kind: BeginKind
    dialog: Dialog | None = None
    communities: Sequence[Community] = field(default_factory=tuple)
    community: Community | None = None


async def begin(session: AsyncSession, member: Member, *, now: datetime) -> Begin:
    """Start sharing: straight to the story for one community, a choice for several."""
    joined = await communities.memberships(session, member.id)
    if not joined:
        return Begin(BeginKind.NO_COMMUNITY)
    if len(joined) == 1:
        dialog = await dialogs.set(
            session, member.id, FLOW, WAITING, {"community_id": joined[0].id}, now=now
        )
        return Begin(BeginKind.READY, dialog, joined, joined[0])
    dialog = await dialogs.set(session, member.id, FLOW, CHOOSE_COMMUNITY, {}, now=now)
    return Begin(BeginKind.CHOOSE, dialog, joined)


async def choose_community(
    session: AsyncSession, dialog: Dialog, community_id: int, *, now: datetime
) -> tuple[Dialog, Community] | None:
    """Share with this community; None when the member does not belong to it."""
    if not dialog.at(FLOW, CHOOSE_COMMUNITY):
        return None
    if not await communities.is_member(session, dialog.member_id, community_id):
        return None
    community = await communities.get(session, community_id)
    if community is None:
        return None
    dialog = await dialogs.set(
        session, dialog.member_id, FLOW, WAITING, {"community_id": community_id}, now=now
    )
    return dialog, community


@dataclass(frozen=True)
class Saved:
    """A story kept, and the community it went to (for the thank-you)."""

    answer: Answer
    community: Community


async def _save(
    session: AsyncSession, member: Member, dialog: Dialog, answer: Answer, now: datetime
) -> Saved | None:
    if not dialog.at(FLOW, WAITING):
        return None
    community = await communities.joined(
        session, member.id, int(dialog.data.get("community_id", 0))
    )
    if community is None:
        return None
    answer.member_id = member.id
    answer.community_id = community.id
    answer.source = AnswerSource.STORY
    answer.locale = member.locale or ""
    answer.created_at = answer.updated_at = now
    session.add(answer)
    # Organisers read (and hear) stories in the inbox, in the member's conversation.
    incoming = (
        conversations.Incoming(
            MessageKind.VOICE, file_id=answer.voice_file_id, duration=answer.voice_duration
        )
        if answer.voice_file_id
        else conversations.Incoming(MessageKind.TEXT, text=answer.text)
    )
    await conversations.add_story(session, member, community.id, incoming, now=now)
    await dialogs.clear(session, member.id, now=now)
    return Saved(answer, community)


@dataclass(frozen=True)
class TooLong:
    """The story is longer than one Telegram message can be (a client that ignores the
    limit); nothing is stored and the member is still at the sharing step."""

    limit: int = MAX_TEXT


async def save_text(
    session: AsyncSession, member: Member, dialog: Dialog, text: str, *, now: datetime
) -> Saved | TooLong | None:
    """Store a written story; None when the member is not (or no longer) sharing."""
    text = text.strip()
    if not text:
        raise ValueError("a story needs some text")
    if len(text) > MAX_TEXT:
        return TooLong()
    return await _save(session, member, dialog, Answer(kind=QuestionKind.TEXT, text=text), now)


async def save_voice(
    session: AsyncSession,
    member: Member,
    dialog: Dialog,
    *,
    file_id: str,
    duration: int,
    now: datetime,
) -> Saved | None:
    """Store a voice story by reference (file id and duration)."""
    answer = Answer(kind=QuestionKind.VOICE, voice_file_id=file_id, voice_duration=duration)
    return await _save(session, member, dialog, answer, now)


async def prompt_data(
    session: AsyncSession, dialog: Dialog
) -> tuple[Community | None, Sequence[Community]]:
    """What the prompt of a sharing step shows: its community, or the ones to choose from."""
    if dialog.step == CHOOSE_COMMUNITY:
        return None, await communities.memberships(session, dialog.member_id)
    return await communities.get(session, int(dialog.data.get("community_id", 0))), ()
