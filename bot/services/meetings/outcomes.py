"""Hearing back ("you said, we did"): after a meeting the organiser shares what was discussed
and what happens next — per agenda item or as one text, in one or more languages — with
everyone invited except those who said Not going (or with everyone invited). Members read it
in their language along the fallback chain, can say whether it was useful, and answer by
simply writing (their message goes to the conversations inbox).

The outcome is written in a dialogue (`FLOW`) and stored as it is typed; it is queued in the
outbox only when the organiser sends it, one row per member and outcome, so sending twice
never reaches anyone twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Meeting,
    MeetingStatus,
    Member,
    OutboxMessage,
    Outcome,
    OutcomeAudience,
    OutcomeReaction,
    OutcomeText,
    Reaction,
    Rsvp,
    RsvpStatus,
)
from bot.services import audit, dialogs, fallback, meetings, members, outbox, proposals
from bot.services.dialogs import Dialog
from bot.services.meetings import agenda, invitations, language_tag
from bot.services.members import privacy

FLOW = "outcome"
MODE, LANGUAGE, TEXT, MORE, AUDIENCE = "mode", "language", "text", "more", "audience"
MAX_TEXT = 3000
PURPOSE = "outcome"
KIND = "outcome"


class OutcomeError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _check_meeting(meeting: Meeting, now: datetime) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise OutcomeError("cancelled")
    if not meetings.has_started(meeting, now):
        raise OutcomeError("not_yet")


async def start(
    session: AsyncSession, meeting: Meeting, member_id: int, *, now: datetime, actor_user_id: int
) -> tuple[Dialog, bool]:
    """Begin writing the outcome of a meeting that took place; (dialogue, has agenda items).
    OutcomeError("cancelled" | "not_yet") otherwise, audited by the caller."""
    _check_meeting(meeting, now)
    outcome = Outcome(
        meeting_id=meeting.id,
        source_locale=meeting.source_locale,
        created_by_user_id=actor_user_id,
        created_at=now,
    )
    session.add(outcome)
    await session.flush()
    items = [p.id for p in await agenda.items(session, meeting)]
    data = {"outcome": outcome.id, "meeting": meeting.id, "items": items, "locales": []}
    step = MODE if items else LANGUAGE
    if not items:
        data["plan"] = [None]
    dialog = await dialogs.set(session, member_id, FLOW, step, data, now=now)
    return dialog, bool(items)


async def choose_mode(
    session: AsyncSession, dialog: Dialog, per_item: bool, *, now: datetime
) -> Dialog:
    plan = list(dialog.data.get("items", [])) if per_item else [None]
    return await dialogs.update(session, dialog, now=now, step=LANGUAGE, plan=plan)


async def choose_language(
    session: AsyncSession, dialog: Dialog, locale: str, *, now: datetime
) -> Dialog:
    outcome = await session.get(Outcome, int(dialog.data["outcome"]))
    if outcome is None:
        raise OutcomeError("gone")
    tag = language_tag(locale)
    if not dialog.data.get("locales"):
        outcome.source_locale = tag  # the first language written is the last fallback
    return await dialogs.update(session, dialog, now=now, step=TEXT, locale=tag, index=0)


@dataclass(frozen=True)
class Prompted:
    dialog: Dialog
    proposal_id: int | None  # the agenda item the next text is about; None for the whole


def next_item(dialog: Dialog) -> int | None:
    plan = dialog.data.get("plan", [None])
    return plan[int(dialog.data.get("index", 0))]


async def add_text(session: AsyncSession, dialog: Dialog, text: str, *, now: datetime) -> Dialog:
    """The text for the current item in the current language; moves to the next item, or to
    MORE when every item has its text in this language."""
    body = (text or "").strip()
    if not body:
        raise OutcomeError("empty")
    if len(body) > MAX_TEXT:
        raise OutcomeError("too_long")
    outcome = await session.get(Outcome, int(dialog.data["outcome"]))
    if outcome is None or outcome.sent_at is not None:
        raise OutcomeError("gone")
    index = int(dialog.data.get("index", 0))
    plan = dialog.data.get("plan", [None])
    locale = str(dialog.data["locale"])
    existing = next((x for x in outcome.texts if x.position == index and x.locale == locale), None)
    if existing is None:
        outcome.texts.append(
            OutcomeText(position=index, proposal_id=plan[index], locale=locale, text=body)
        )
    else:
        existing.text = body
    await session.flush()
    if index + 1 < len(plan):
        return await dialogs.update(session, dialog, now=now, index=index + 1)
    locales = sorted({*dialog.data.get("locales", []), locale})
    return await dialogs.update(session, dialog, now=now, step=MORE, locales=locales)


async def add_translation(
    session: AsyncSession, outcome_id: int, locale: str, texts_by_position: dict[int, str]
) -> Outcome:
    """A translation of a shared outcome (a community translator's, approved): one text per
    item position the outcome has, in `locale`. Members' messages are rendered from these
    texts when they are sent, so the ones still waiting in the outbox carry it too.
    OutcomeError("gone" | "cancelled")."""
    outcome = await session.get(Outcome, outcome_id)
    if outcome is None or outcome.sent_at is None:
        raise OutcomeError("gone")
    meeting = await meetings.get(session, outcome.meeting_id)
    if meeting is None or meeting.status == MeetingStatus.CANCELLED:
        raise OutcomeError("cancelled")
    tag = language_tag(locale)
    items = {x.position: x.proposal_id for x in outcome.texts}
    for position, body in texts_by_position.items():
        if position not in items or not body.strip():
            continue
        existing = next(
            (x for x in outcome.texts if x.position == position and x.locale == tag), None
        )
        if existing is None:
            outcome.texts.append(
                OutcomeText(
                    position=position, proposal_id=items[position], locale=tag, text=body.strip()
                )
            )
        else:
            existing.text = body.strip()
    await session.flush()
    return outcome


async def to_audience(session: AsyncSession, dialog: Dialog, *, now: datetime) -> Dialog:
    return await dialogs.update(session, dialog, now=now, step=AUDIENCE)


async def again(session: AsyncSession, dialog: Dialog, *, now: datetime) -> Dialog:
    """Write the same items in another language."""
    return await dialogs.update(session, dialog, now=now, step=LANGUAGE)


async def recipients(
    session: AsyncSession, meeting: Meeting, audience: OutcomeAudience
) -> list[Member]:
    invited = set(await invitations.invited_ids(session, meeting.id))
    not_going: set[int] = set()
    if audience == OutcomeAudience.ATTENDING:
        not_going = set(
            await session.scalars(
                select(Rsvp.member_id).where(
                    Rsvp.meeting_id == meeting.id, Rsvp.status == RsvpStatus.NOT_GOING
                )
            )
        )
    reachable = await session.scalars(
        members.reachable_query(meeting.community_id, privacy.current_notice_version())
    )
    return [m for m in reachable if m.id in invited and m.id not in not_going]


async def send(
    session: AsyncSession,
    dialog: Dialog,
    audience: OutcomeAudience,
    *,
    now: datetime,
    actor_user_id: int,
) -> int:
    """Queue the outcome for its audience; returns how many. Audited."""
    outcome = await session.get(Outcome, int(dialog.data["outcome"]))
    if outcome is None or not outcome.texts:
        raise OutcomeError("gone")
    meeting = await meetings.get(session, outcome.meeting_id)
    assert meeting is not None
    _check_meeting(meeting, now)
    outcome.audience = audience
    queued = 0
    if outcome.sent_at is None:
        for member in await recipients(session, meeting, audience):
            queued += await outbox.enqueue(
                session,
                purpose=PURPOSE,
                dedupe_key=f"outcome:{outcome.id}:{member.id}",
                member_id=member.id,
                chat_id=member.telegram_user_id,
                payload={"kind": KIND, "outcome_id": outcome.id},
            )
        outcome.sent_at = now
    await dialogs.clear(session, dialog.member_id, now=now)
    await session.flush()
    await audit.record(
        session,
        "meeting.outcome",
        now=now,
        actor_user_id=actor_user_id,
        community_id=meeting.community_id,
        target=f"meeting:{meeting.id}",
        row_count=queued,
        details={"outcome": outcome.id, "audience": audience.value},
    )
    return queued


# --- what a member reads ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadItem:
    topic: str | None  # the agenda item in the reader's language, or None for the whole
    text: str
    locale: str


@dataclass(frozen=True)
class Read:
    outcome: Outcome
    title: str
    items: list[ReadItem]


async def read(session: AsyncSession, outcome_id: int, reader_locale: str | None) -> Read | None:
    """The outcome in the reader's language, item by item along the fallback chain."""
    outcome = await session.get(Outcome, outcome_id)
    if outcome is None or outcome.sent_at is None:
        return None
    meeting = await meetings.get(session, outcome.meeting_id)
    if meeting is None:
        return None
    community = await session.get(Community, meeting.community_id)
    assert community is not None
    by_position: dict[int, dict[str, OutcomeText]] = {}
    for text in outcome.texts:
        by_position.setdefault(text.position, {})[text.locale] = text
    topics = {p.id: p for p in await agenda.items(session, meeting)}

    items = []
    for position in sorted(by_position):
        texts = by_position[position]
        locale, chosen = fallback.pick(
            texts,
            member_locale=reader_locale,
            community_locale=community.default_locale,
            source_locale=outcome.source_locale,
        )
        topic = None
        proposal = topics.get(chosen.proposal_id or 0)
        if proposal is not None:
            topic = proposals.shown(proposal, reader_locale, community.default_locale).text
        items.append(ReadItem(topic, chosen.text, locale))
    title = meetings.text_for(meeting, reader_locale, community.default_locale).title
    return Read(outcome, title, items)


async def received(session: AsyncSession, outcome_id: int, member_id: int) -> bool:
    found = await session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key == f"outcome:{outcome_id}:{member_id}"
        )
    )
    return found is not None


async def react(
    session: AsyncSession, member: Member, outcome_id: int, reaction: Reaction, *, now: datetime
) -> None:
    """A member's useful / not useful (changeable); OutcomeError("gone") when the outcome was
    not sent to them."""
    if not await received(session, outcome_id, member.id):
        raise OutcomeError("gone")
    row = await session.scalar(
        select(OutcomeReaction).where(
            OutcomeReaction.outcome_id == outcome_id, OutcomeReaction.member_id == member.id
        )
    )
    if row is None:
        session.add(
            OutcomeReaction(
                outcome_id=outcome_id,
                member_id=member.id,
                reaction=reaction,
                created_at=now,
                updated_at=now,
            )
        )
    else:
        row.reaction, row.updated_at = reaction, now
    await session.flush()


async def latest_for_meeting(session: AsyncSession, meeting_id: int) -> Outcome | None:
    """The newest outcome shared for a meeting (the follow-up check-in links to it)."""
    return await session.scalar(
        select(Outcome)
        .where(Outcome.meeting_id == meeting_id, Outcome.sent_at.is_not(None))
        .order_by(Outcome.sent_at.desc(), Outcome.id.desc())
        .limit(1)
    )


async def reactions(session: AsyncSession, outcome_ids: Collection[int]) -> Counter[Reaction]:
    rows = await session.execute(
        select(OutcomeReaction.reaction, func.count())
        .where(OutcomeReaction.outcome_id.in_(list(outcome_ids)))
        .group_by(OutcomeReaction.reaction)
    )
    return Counter({Reaction(r): n for r, n in rows})


def planned_items(dialog: Dialog) -> Sequence[int | None]:
    return dialog.data.get("plan", [None])
