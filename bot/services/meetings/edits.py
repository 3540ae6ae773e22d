"""Organisers changing a meeting in a dialogue: adding or editing the text in a language
(/translate), moving it, cancelling it, and inviting people (/invite).

Each dialogue keeps the meeting id in its state; every step re-checks that the organiser may
still organise the meeting's community (a role can be revoked mid-dialogue).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meeting, MeetingStatus
from bot.i18n import find_language
from bot.services import dialogs, meetings, timing
from bot.services.dialogs import Dialog
from bot.services.meetings import TextDraft, changes, invitations
from bot.services.meetings.drafts import parse_local_datetime
from bot.services.meetings.invitations import Audience, AudienceKind

TRANSLATE, MOVE, INVITE = "translate", "move", "invite"
# Each change is a dialogue flow of its own.
FLOWS = (TRANSLATE, MOVE, INVITE)
LANGUAGE, TITLE, DESCRIPTION, PLACE = "language", "title", "desc", "place"
WHEN, AUDIENCE, VALUE, CONFIRM = "when", "audience", "value", "confirm"


@dataclass(frozen=True)
class EditProblem:
    dialog: Dialog
    code: str  # choose | empty | too_long | not_a_time | in_the_past | cancelled | gone


async def meeting_of(
    session: AsyncSession, meeting_id: int, community_ids: Collection[int]
) -> Meeting | None:
    """The meeting, if it belongs to one of the organiser's communities."""
    meeting = await meetings.get(session, meeting_id)
    if meeting is None or meeting.community_id not in community_ids:
        return None
    return meeting


async def start(
    session: AsyncSession, member_id: int, flow: str, meeting: Meeting, *, now: datetime
) -> Dialog:
    first = {TRANSLATE: LANGUAGE, MOVE: WHEN, INVITE: AUDIENCE}[flow]
    return await dialogs.set(session, member_id, flow, first, {"meeting": meeting.id}, now=now)


# --- /translate -------------------------------------------------------------------------------


async def translate_language(
    session: AsyncSession, dialog: Dialog, tag: str, *, now: datetime
) -> Dialog | EditProblem:
    language = find_language(tag)
    if language is None or not dialog.at(TRANSLATE, LANGUAGE):
        return EditProblem(dialog, "choose")
    return await dialogs.update(session, dialog, now=now, step=TITLE, language=language.tag)


async def translate_text(
    session: AsyncSession,
    dialog: Dialog,
    text: str | None,
    meeting: Meeting,
    *,
    now: datetime,
    actor_user_id: int,
) -> Dialog | EditProblem | None:
    """The next part of the text (None = skip); None when saved (the dialogue ends)."""
    value = (text or "").strip()
    if dialog.step == TITLE:
        if not value:
            return EditProblem(dialog, "empty")
        if len(value) > meetings.MAX_TITLE:
            return EditProblem(dialog, "too_long")
        return await dialogs.update(session, dialog, now=now, step=DESCRIPTION, title=value)
    if dialog.step == DESCRIPTION:
        if len(value) > meetings.MAX_DESCRIPTION:
            return EditProblem(dialog, "too_long")
        return await dialogs.update(session, dialog, now=now, step=PLACE, description=value)
    if dialog.step == PLACE:
        if len(value) > meetings.MAX_PLACE:
            return EditProblem(dialog, "too_long")
        await meetings.set_text(
            session,
            meeting,
            str(dialog.data["language"]),
            TextDraft(
                title=str(dialog.data["title"]),
                description=str(dialog.data.get("description") or ""),
                place=value or None,
            ),
            now=now,
            actor_user_id=actor_user_id,
        )
        await dialogs.clear(session, dialog.member_id, now=now)
        return None
    return EditProblem(dialog, "choose")


# --- moving ------------------------------------------------------------------------------------


async def move_when(
    session: AsyncSession,
    dialog: Dialog,
    text: str,
    meeting: Meeting,
    *,
    now: datetime,
    actor_user_id: int,
) -> int | EditProblem:
    """Move the meeting to the typed time; returns how many invitees are told."""
    local = parse_local_datetime(text)
    if local is None:
        return EditProblem(dialog, "not_a_time")
    if timing.to_utc(local, ZoneInfo(meeting.time_zone)) <= now:
        return EditProblem(dialog, "in_the_past")
    if meeting.status != MeetingStatus.SCHEDULED:
        return EditProblem(dialog, "cancelled")
    told = await changes.move(session, meeting, local, now=now, actor_user_id=actor_user_id)
    await dialogs.clear(session, dialog.member_id, now=now)
    return told


# --- /invite -----------------------------------------------------------------------------------


async def invite_audience(
    session: AsyncSession, dialog: Dialog, choice: str, *, now: datetime
) -> Dialog | EditProblem:
    """all | attended go to the preview; language | topic ask which one first."""
    try:
        kind = AudienceKind(choice)
    except ValueError:
        return EditProblem(dialog, "choose")
    step = CONFIRM if kind in (AudienceKind.ALL, AudienceKind.ATTENDED) else VALUE
    return await dialogs.update(session, dialog, now=now, step=step, audience=kind.value)


async def invite_value(
    session: AsyncSession, dialog: Dialog, value: str, *, now: datetime
) -> Dialog | EditProblem:
    if not dialog.at(INVITE, VALUE) or not value:
        return EditProblem(dialog, "choose")
    return await dialogs.update(session, dialog, now=now, step=CONFIRM, value=value)


def audience_of(dialog: Dialog) -> Audience:
    return Audience(AudienceKind(str(dialog.data["audience"])), dialog.data.get("value"))


async def invite_confirm(
    session: AsyncSession, dialog: Dialog, meeting: Meeting, *, now: datetime, actor_user_id: int
) -> invitations.Invited | EditProblem:
    if not dialog.at(INVITE, CONFIRM):
        return EditProblem(dialog, "choose")
    try:
        done = await invitations.invite(
            session, meeting, audience_of(dialog), now=now, actor_user_id=actor_user_id
        )
    except invitations.InvitationError as exc:
        return EditProblem(dialog, exc.code)
    await dialogs.clear(session, dialog.member_id, now=now)
    return done
