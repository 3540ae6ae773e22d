"""The guided dialogue in which an organiser creates a meeting (/newmeeting), one answer at a
time, kept in the dialogue state so a restart continues where the organiser was.

Steps: community (when they organise several) → language → a second language (or none) →
title (and in the second language) → description (and in the second language) → when →
place (and in the second language) → questions → deadline → confirm.

Own questions are built one at a time: the prompt → its kind (buttons) → the options of a
choice question (typed) or the range of a scale → the prompt and options in the second
language → required or optional → for free-text and voice questions, whether the answers make
the agenda. The finished ones are kept in `own`, the one being written in `q`, so nothing
typed is lost when an answer is refused.

Each function takes the organiser's answer for the current step and returns the next dialogue,
or a `DraftProblem` naming what was wrong. `as_draft` turns the dialogue into the same
`MeetingDraft` a meeting file with the same content gives (`file.py`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Meeting, QuestionKind
from bot.i18n import Catalogs, find_language
from bot.services import dialogs, meetings, timing
from bot.services.dialogs import Dialog
from bot.services.intake.questions import (
    CHOICE_KINDS,
    DEFAULT_AFTER,
    DEFAULT_BEFORE,
    FREE_KINDS,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_TEXT,
    MIN_OPTIONS,
    SCALE,
    QuestionDraft,
    ascii_digits,
    check_scale,
    default_drafts,
    parse_date,
    scale_options,
)
from bot.services.meetings import MeetingDraft, MeetingError, TextDraft

FLOW = "newmeeting"
COMMUNITY, LANGUAGE, SECOND = "community", "language", "second"
TITLE, TITLE2, DESCRIPTION, DESCRIPTION2 = "title", "title2", "desc", "desc2"
WHEN, PLACE, PLACE2 = "when", "place", "place2"
QUESTIONS, OWN, KIND, OPTIONS, SCALE_RANGE = "questions", "own", "kind", "options", "scale"
PROMPT2, OPTIONS2, REQUIRED, AGENDA = "prompt2", "options2", "required", "agenda"
DEADLINE, CONFIRM = "deadline", "confirm"
MAX_OWN_QUESTIONS = 10
# The ranges offered as buttons; another (within 0–10) can be typed as "1-7".
SCALES = (range(1, 6), range(1, 8), range(1, 11), range(0, 11))
# Steps that take typed text; every other step takes buttons only.
_TYPED = {TITLE, TITLE2, DESCRIPTION, DESCRIPTION2, WHEN, PLACE, PLACE2, OWN, OPTIONS}
_TYPED |= {SCALE_RANGE, PROMPT2, OPTIONS2}


@dataclass(frozen=True)
class DraftProblem:
    """Why an answer does not fit the step: `code` for the channel to translate, `params`
    to fill in its message."""

    dialog: Dialog
    # not_a_time | in_the_past | empty | too_long | bad_link | choose | too_many |
    # few_options | many_options | long_option | same_options | bad_scale
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


_TIME = re.compile(
    r"^(?P<date>\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{1,2}-\d{1,2})[ T,]+"
    r"(?P<h>\d{1,2})[:.h](?P<m>\d{2})$"
)
_RANGE = re.compile(r"^(\d{1,2})\s*[-–—]\s*(\d{1,2})$")


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


def split_options(text: str) -> list[str]:
    """Options as organisers type them: one per line, or on one line separated by commas
    (Latin or Arabic) or semicolons."""
    parts = text.splitlines() if "\n" in text.strip() else re.split(r"[,;،؛]", text)
    return [part.strip() for part in parts if part.strip()]


def parse_scale(text: str) -> range | None:
    """A typed range: '1-7', '0–10', in any script's digits."""
    match = _RANGE.match(ascii_digits(text.strip()))
    return check_scale(int(match[1]), int(match[2])) if match else None


def languages(dialog: Dialog) -> list[str]:
    """The meeting's languages: the first, and the second when one was chosen."""
    first, second = dialog.data.get("language"), dialog.data.get("second")
    return [str(tag) for tag in (first, second) if tag]


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
    """The first language, then the second (one different from the first)."""
    language = find_language(tag)
    if language is None:
        return DraftProblem(dialog, "choose")
    if dialog.at(FLOW, LANGUAGE):
        return await dialogs.update(session, dialog, now=now, step=SECOND, language=language.tag)
    if dialog.at(FLOW, SECOND) and language.tag != dialog.data.get("language"):
        return await dialogs.update(session, dialog, now=now, step=TITLE, second=language.tag)
    return DraftProblem(dialog, "choose")


async def give_text(
    session: AsyncSession, dialog: Dialog, text: str, *, now: datetime
) -> Dialog | DraftProblem:
    """A typed answer for the current step."""
    text = text.strip()
    step = dialog.step
    if step not in _TYPED:
        return DraftProblem(dialog, "choose")
    if not text:
        return DraftProblem(dialog, "empty")
    limits = {
        TITLE: meetings.MAX_TITLE,
        TITLE2: meetings.MAX_TITLE,
        DESCRIPTION: meetings.MAX_DESCRIPTION,
        DESCRIPTION2: meetings.MAX_DESCRIPTION,
    }
    if len(text) > limits.get(step, MAX_TEXT):
        return DraftProblem(dialog, "too_long")
    second = bool(dialog.data.get("second"))
    match step:
        case "title":
            after = TITLE2 if second else DESCRIPTION
            return await dialogs.update(session, dialog, now=now, step=after, title=text)
        case "title2":
            return await dialogs.update(session, dialog, now=now, step=DESCRIPTION, title2=text)
        case "desc":
            after = DESCRIPTION2 if second else WHEN
            return await dialogs.update(session, dialog, now=now, step=after, description=text)
        case "desc2":
            return await dialogs.update(session, dialog, now=now, step=WHEN, description2=text)
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
                # A link is the same in every language: no second place to ask for.
                return await dialogs.update(session, dialog, now=now, step=QUESTIONS, link=text)
            if len(text) > meetings.MAX_PLACE:
                return DraftProblem(dialog, "too_long")
            after = PLACE2 if second else QUESTIONS
            return await dialogs.update(session, dialog, now=now, step=after, place=text)
        case "place2":
            if len(text) > meetings.MAX_PLACE:
                return DraftProblem(dialog, "too_long")
            return await dialogs.update(session, dialog, now=now, step=QUESTIONS, place2=text)
        case "own":
            if len(dialog.data.get("own") or []) >= MAX_OWN_QUESTIONS:
                return DraftProblem(dialog, "too_many")
            question = {"prompts": {str(dialog.data["language"]): text}}
            return await dialogs.update(session, dialog, now=now, step=KIND, q=question)
        case "options" | "options2":
            return await _options(session, dialog, text, now=now)
        case "scale":
            scale = parse_scale(text)
            if scale is None:
                return DraftProblem(dialog, "bad_scale")
            return await _scale_chosen(session, dialog, scale, now=now)
        case "prompt2":
            question = _building(dialog)
            prompts = {**question["prompts"], str(dialog.data["second"]): text}
            kind = QuestionKind(question["kind"])
            after = OPTIONS2 if kind in CHOICE_KINDS else REQUIRED
            return await _move(session, dialog, after, {**question, "prompts": prompts}, now=now)
    return DraftProblem(dialog, "choose")


async def skip(session: AsyncSession, dialog: Dialog, *, now: datetime) -> Dialog | DraftProblem:
    """Description and place may be left out; the second language too."""
    match dialog.step:
        case "second":
            return await dialogs.update(session, dialog, now=now, step=TITLE, second=None)
        case "desc":
            return await dialogs.update(session, dialog, now=now, step=WHEN, description="")
        case "place":
            return await dialogs.update(session, dialog, now=now, step=QUESTIONS)
        case "place2":
            # The same address in both languages: street names are not translated.
            place = dialog.data.get("place")
            return await dialogs.update(session, dialog, now=now, step=QUESTIONS, place2=place)
    return DraftProblem(dialog, "choose")


async def choose_questions(
    session: AsyncSession, dialog: Dialog, choice: str, *, now: datetime
) -> Dialog | DraftProblem:
    """default | none | own (then written one by one) | done (own ones written)."""
    if dialog.at(FLOW, QUESTIONS) and choice in ("default", "none"):
        return await dialogs.update(session, dialog, now=now, step=DEADLINE, questions=choice)
    if dialog.at(FLOW, QUESTIONS) and choice == "own":
        return await dialogs.update(
            session, dialog, now=now, step=OWN, questions="own", own=[], q=None
        )
    if dialog.at(FLOW, OWN) and choice == "done":
        if not dialog.data.get("own"):
            return DraftProblem(dialog, "empty")
        return await dialogs.update(session, dialog, now=now, step=DEADLINE)
    return DraftProblem(dialog, "choose")


async def choose_kind(
    session: AsyncSession, dialog: Dialog, kind: str, *, now: datetime
) -> Dialog | DraftProblem:
    """What kind of answer the question takes; choice kinds ask for options next, a scale
    for its range."""
    if not dialog.at(FLOW, KIND) or kind not in {k.value for k in QuestionKind}:
        return DraftProblem(dialog, "choose")
    chosen = QuestionKind(kind)
    question = {**_building(dialog), "kind": chosen.value}
    if chosen in CHOICE_KINDS:
        return await _move(session, dialog, OPTIONS, question, now=now)
    if chosen == QuestionKind.SCALE:
        return await _move(session, dialog, SCALE_RANGE, question, now=now)
    return await _move(session, dialog, _after_first_language(dialog), question, now=now)


async def choose_scale(
    session: AsyncSession, dialog: Dialog, low: int, high: int, *, now: datetime
) -> Dialog | DraftProblem:
    scale = check_scale(low, high)
    if not dialog.at(FLOW, SCALE_RANGE) or scale is None:
        return DraftProblem(dialog, "choose")
    return await _scale_chosen(session, dialog, scale, now=now)


async def choose_required(
    session: AsyncSession, dialog: Dialog, required: bool, *, now: datetime
) -> Dialog | DraftProblem:
    """Required or optional; a free-text or voice question then asks about the agenda."""
    if not dialog.at(FLOW, REQUIRED):
        return DraftProblem(dialog, "choose")
    question = {**_building(dialog), "required": required}
    if QuestionKind(question["kind"]) in FREE_KINDS:
        return await _move(session, dialog, AGENDA, question, now=now)
    return await _finish_question(session, dialog, question, now=now)


async def choose_agenda(
    session: AsyncSession, dialog: Dialog, agenda: bool, *, now: datetime
) -> Dialog | DraftProblem:
    """Whether the answers to this free-text or voice question make the agenda."""
    if not dialog.at(FLOW, AGENDA):
        return DraftProblem(dialog, "choose")
    return await _finish_question(
        session, dialog, {**_building(dialog), "agenda": agenda}, now=now
    )


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


def _building(dialog: Dialog) -> dict[str, Any]:
    return dict(dialog.data.get("q") or {})


async def _move(
    session: AsyncSession, dialog: Dialog, step: str, question: dict[str, Any], *, now: datetime
) -> Dialog:
    return await dialogs.update(session, dialog, now=now, step=step, q=question)


def _after_first_language(dialog: Dialog) -> str:
    """Once the prompt (and options or range) are in the first language: the second
    language's prompt when there is one, else required or optional."""
    return PROMPT2 if dialog.data.get("second") else REQUIRED


async def _options(
    session: AsyncSession, dialog: Dialog, text: str, *, now: datetime
) -> Dialog | DraftProblem:
    """The options of a choice question, in the first language or (as many) in the second."""
    options = split_options(text)
    question = _building(dialog)
    first, second = str(dialog.data["language"]), str(dialog.data.get("second") or "")
    if dialog.step == OPTIONS2:
        wanted = len(question["options"][first])
        if len(options) != wanted:
            return DraftProblem(dialog, "same_options", {"count": wanted})
    elif len(options) < MIN_OPTIONS:
        return DraftProblem(dialog, "few_options", {"count": MIN_OPTIONS})
    elif len(options) > MAX_OPTIONS:
        return DraftProblem(dialog, "many_options", {"count": MAX_OPTIONS})
    if any(len(option) > MAX_OPTION for option in options):
        return DraftProblem(dialog, "long_option", {"count": MAX_OPTION})
    tag = second if dialog.step == OPTIONS2 else first
    question = {**question, "options": {**(question.get("options") or {}), tag: options}}
    after = REQUIRED if dialog.step == OPTIONS2 else _after_first_language(dialog)
    return await _move(session, dialog, after, question, now=now)


async def _scale_chosen(
    session: AsyncSession, dialog: Dialog, scale: range, *, now: datetime
) -> Dialog:
    question = {**_building(dialog), "scale": [scale[0], scale[-1]]}
    return await _move(session, dialog, _after_first_language(dialog), question, now=now)


async def _finish_question(
    session: AsyncSession, dialog: Dialog, question: dict[str, Any], *, now: datetime
) -> Dialog:
    own = [*(dialog.data.get("own") or []), question]
    return await dialogs.update(session, dialog, now=now, step=OWN, own=own, q=None)


def question_draft(question: Mapping[str, Any], source: str) -> QuestionDraft:
    """One own question as the meeting file would give it (`file._questions`)."""
    kind = QuestionKind(question["kind"])
    prompts = {str(tag): str(text) for tag, text in question["prompts"].items()}
    options: dict[str, list[str]] = {}
    if kind in CHOICE_KINDS:
        options = {str(tag): list(values) for tag, values in question["options"].items()}
    elif kind == QuestionKind.SCALE:
        low, high = question.get("scale") or (SCALE[0], SCALE[-1])
        options = {tag: scale_options(range(int(low), int(high) + 1)) for tag in prompts}
    return QuestionDraft(
        kind=kind,
        prompts=prompts,
        required=bool(question.get("required")),
        options=options,
        source_locale=source,
        agenda=bool(question.get("agenda")) and kind in FREE_KINDS,
    )


def as_draft(dialog: Dialog, catalogs: Catalogs, *, organiser_id: int) -> MeetingDraft:
    data: dict[str, Any] = dict(dialog.data)
    language = str(data["language"])
    starts = datetime.fromisoformat(str(data["starts"]))
    questions: list[QuestionDraft] = []
    if data.get("questions") == "default":
        questions = default_drafts(catalogs, DEFAULT_BEFORE)
    elif data.get("questions") == "own":
        questions = [question_draft(q, language) for q in data.get("own") or []]
    texts = {
        language: TextDraft(
            title=str(data["title"]),
            description=str(data.get("description") or ""),
            place=data.get("place"),
        )
    }
    if data.get("second"):
        texts[str(data["second"])] = TextDraft(
            title=str(data["title2"]),
            description=str(data.get("description2") or ""),
            place=data.get("place2"),
        )
    return MeetingDraft(
        community_id=int(data["community"]),
        source_locale=language,
        texts=texts,
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
