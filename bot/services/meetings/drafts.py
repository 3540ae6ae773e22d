"""The guided dialogue in which an organiser creates a meeting (/newmeeting), one answer at a
time, kept in the dialogue state so a restart continues where the organiser was.

Steps: community (when they organise several) → language → title → description → when →
place → questions → deadline → confirm. Each function takes the organiser's answer for the
current step and returns the next dialogue, or a `DraftProblem` naming what was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Meeting, QuestionKind
from bot.i18n import Catalogs, find_language
from bot.services import dialogs, meetings, timing
from bot.services.dialogs import Dialog
from bot.services.intake.questions import (
    DEFAULT_AFTER,
    DEFAULT_BEFORE,
    MAX_TEXT,
    QuestionDraft,
    ascii_digits,
    default_drafts,
    parse_date,
)
from bot.services.meetings import MeetingDraft, MeetingError, TextDraft

FLOW = "newmeeting"
COMMUNITY, LANGUAGE, TITLE, DESCRIPTION, WHEN = "community", "language", "title", "desc", "when"
PLACE, QUESTIONS, OWN, DEADLINE, CONFIRM = "place", "questions", "own", "deadline", "confirm"
MAX_OWN_QUESTIONS = 10


@dataclass(frozen=True)
class DraftProblem:
    """Why an answer does not fit the step: `code` for the channel to translate."""

    dialog: Dialog
    code: str  # not_a_time | in_the_past | empty | too_long | bad_link | choose | too_many


_TIME = re.compile(
    r"^(?P<date>\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{1,2}-\d{1,2})[ T,]+"
    r"(?P<h>\d{1,2})[:.h](?P<m>\d{2})$"
)


def parse_local_datetime(text: str) -> datetime | None:
    """'14-03-2027 19:00', '14/3/2027 19.00' or '2027-03-14 19:00', in any script's digits."""
    match = _TIME.match(ascii_digits(text.strip()))
    if match is None:
        return None
    day = parse_date(match["date"])
    hour, minute = int(match["h"]), int(match["m"])
    if day is None or hour > 23 or minute > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute)


async def start(
    session: AsyncSession,
    member_id: int,
    communities: Sequence[Community],
    *,
    locale: str,
    now: datetime,
) -> Dialog:
    if len(communities) == 1:
        community = communities[0]
        data = {"community": community.id, "zone": community.time_zone}
        return await dialogs.set(session, member_id, FLOW, LANGUAGE, data, now=now)
    return await dialogs.set(session, member_id, FLOW, COMMUNITY, {}, now=now)


async def choose_community(
    session: AsyncSession, dialog: Dialog, community: Community, *, now: datetime
) -> Dialog:
    return await dialogs.update(
        session,
        dialog,
        now=now,
        step=LANGUAGE,
        community=community.id,
        zone=community.time_zone,
    )


async def choose_language(
    session: AsyncSession, dialog: Dialog, tag: str, *, now: datetime
) -> Dialog | DraftProblem:
    language = find_language(tag)
    if language is None or not dialog.at(FLOW, LANGUAGE):
        return DraftProblem(dialog, "choose")
    return await dialogs.update(session, dialog, now=now, step=TITLE, language=language.tag)


async def give_text(
    session: AsyncSession, dialog: Dialog, text: str, *, now: datetime
) -> Dialog | DraftProblem:
    """A typed answer for the current step."""
    text = text.strip()
    step = dialog.step
    if step in (COMMUNITY, LANGUAGE, QUESTIONS, DEADLINE, CONFIRM):
        return DraftProblem(dialog, "choose")
    if not text:
        return DraftProblem(dialog, "empty")
    limits = {TITLE: meetings.MAX_TITLE, DESCRIPTION: meetings.MAX_DESCRIPTION}
    if len(text) > limits.get(step, MAX_TEXT):
        return DraftProblem(dialog, "too_long")
    match step:
        case "title":
            return await dialogs.update(session, dialog, now=now, step=DESCRIPTION, title=text)
        case "desc":
            return await dialogs.update(session, dialog, now=now, step=WHEN, description=text)
        case "when":
            local = parse_local_datetime(text)
            if local is None:
                return DraftProblem(dialog, "not_a_time")
            if timing.to_utc(local, ZoneInfo(str(dialog.data["zone"]))) <= now:
                return DraftProblem(dialog, "in_the_past")
            return await dialogs.update(
                session, dialog, now=now, step=PLACE, starts=local.isoformat()
            )
        case "place":
            if text.startswith(("http://", "https://")):
                if " " in text:
                    return DraftProblem(dialog, "bad_link")
                return await dialogs.update(session, dialog, now=now, step=QUESTIONS, link=text)
            if len(text) > meetings.MAX_PLACE:
                return DraftProblem(dialog, "too_long")
            return await dialogs.update(session, dialog, now=now, step=QUESTIONS, place=text)
        case "own":
            own = list(dialog.data.get("own") or [])
            if len(own) >= MAX_OWN_QUESTIONS:
                return DraftProblem(dialog, "too_many")
            return await dialogs.update(session, dialog, now=now, own=[*own, text])
    return DraftProblem(dialog, "choose")


async def skip(session: AsyncSession, dialog: Dialog, *, now: datetime) -> Dialog | DraftProblem:
    """Description and place may be left out."""
    match dialog.step:
        case "desc":
            return await dialogs.update(session, dialog, now=now, step=WHEN, description="")
        case "place":
            return await dialogs.update(session, dialog, now=now, step=QUESTIONS)
    return DraftProblem(dialog, "choose")


async def choose_questions(
    session: AsyncSession, dialog: Dialog, choice: str, *, now: datetime
) -> Dialog | DraftProblem:
    """default | none | own (then typed one by one) | done (own ones written)."""
    if dialog.at(FLOW, QUESTIONS) and choice in ("default", "none"):
        return await dialogs.update(session, dialog, now=now, step=DEADLINE, questions=choice)
    if dialog.at(FLOW, QUESTIONS) and choice == "own":
        return await dialogs.update(session, dialog, now=now, step=OWN, questions="own", own=[])
    if dialog.at(FLOW, OWN) and choice == "done":
        if not dialog.data.get("own"):
            return DraftProblem(dialog, "empty")
        return await dialogs.update(session, dialog, now=now, step=DEADLINE)
    return DraftProblem(dialog, "choose")


async def choose_deadline(
    session: AsyncSession, dialog: Dialog, choice: str, *, now: datetime
) -> Dialog | DraftProblem:
    """Input closes when the meeting starts, or a day before it."""
    if not dialog.at(FLOW, DEADLINE) or choice not in ("start", "daybefore"):
        return DraftProblem(dialog, "choose")
    starts = datetime.fromisoformat(str(dialog.data["starts"]))
    if choice == "daybefore":
        zone = ZoneInfo(str(dialog.data["zone"]))
        if timing.to_utc(starts - timedelta(days=1), zone) <= now:
            return DraftProblem(dialog, "in_the_past")
    return await dialogs.update(session, dialog, now=now, step=CONFIRM, deadline=choice)


def as_draft(dialog: Dialog, catalogs: Catalogs, *, organiser_id: int) -> MeetingDraft:
    data: dict[str, Any] = dict(dialog.data)
    language = str(data["language"])
    starts = datetime.fromisoformat(str(data["starts"]))
    questions: list[QuestionDraft] = []
    if data.get("questions") == "default":
        questions = default_drafts(catalogs, DEFAULT_BEFORE)
    elif data.get("questions") == "own":
        questions = [
            QuestionDraft(QuestionKind.TEXT, {language: prompt}, source_locale=language)
            for prompt in data.get("own") or []
        ]
    return MeetingDraft(
        community_id=int(data["community"]),
        source_locale=language,
        texts={
            language: TextDraft(
                title=str(data["title"]),
                description=str(data.get("description") or ""),
                place=data.get("place"),
            )
        },
        starts_local=starts,
        time_zone=str(data["zone"]),
        online_url=data.get("link"),
        input_deadline_local=starts - timedelta(days=1)
        if data.get("deadline") == "daybefore"
        else None,
        questions=questions,
        followup_questions=default_drafts(catalogs, DEFAULT_AFTER),
        created_by_user_id=organiser_id,
    )


async def confirm(
    session: AsyncSession, dialog: Dialog, catalogs: Catalogs, *, organiser_id: int, now: datetime
) -> Meeting | DraftProblem:
    """Create the meeting from the draft (the time is checked again: it may have passed)."""
    if not dialog.at(FLOW, CONFIRM):
        return DraftProblem(dialog, "choose")
    try:
        meeting = await meetings.create(
            session, as_draft(dialog, catalogs, organiser_id=organiser_id), now=now
        )
    except MeetingError as exc:
        step = WHEN if exc.code in ("in_the_past", "deadline_in_the_past") else CONFIRM
        moved = await dialogs.update(session, dialog, now=now, step=step)
        return DraftProblem(moved, "in_the_past" if step == WHEN else exc.code)
    await dialogs.clear(session, dialog.member_id, now=now)
    return meeting
