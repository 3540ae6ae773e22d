"""Translation tasks: an organiser asks community translators for a meeting's text (or an
accepted proposal's topic) in a language nobody wrote it in; translators who read the source
and the target language get the task in chat, type it field by field (or pass a field), and
the organiser approves it, or it is published at once when the organiser trusts that task's
translators.

Each task is offered to at most `OFFER_AT_ONCE` translators at a time, nobody is sent more
than one task notice a day (unless they ask for more with /tasks or "More tasks"), and a task
runs out after `EXPIRES_AFTER`: the expiry job offers it to the next translators, or marks it
expired. Publishing goes through `meetings.set_text` (what /translate uses), so invitations
still waiting in the outbox carry the new text: they are rendered when they are sent; a
proposal's topic through `proposals.add_text` (what the proposal card's translation uses);
a shared outcome's texts through `outcomes.add_translation` (members' outcome messages are
rendered when they are sent, so those still waiting carry the translation).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ApprovalMode,
    AssignmentState,
    Meeting,
    MeetingStatus,
    Member,
    Membership,
    Outcome,
    Proposal,
    ProposalStatus,
    Role,
    RoleAssignment,
    TaskAssignment,
    TaskStatus,
    TaskSubject,
    TranslationTask,
)
from bot.i18n import find_language, placeholders
from bot.services import audit, contributions, dialogs, fallback, meetings, members, outbox
from bot.services import proposals as proposal_texts
from bot.services.conversations import replies
from bot.services.conversations.replies import Saved
from bot.services.dialogs import Dialog
from bot.services.meetings import TextDraft, invitations, outcomes
from bot.services.members import privacy
from bot.services.translations import catalog as catalogs
from bot.services.translations import translators

# The translator's dialogue: one step per field of the source, and "keep it anyway?".
FLOW = "tasktr"
DOUBT = "doubt"
# The fields of a meeting's text, in the order a translator is asked for them.
FIELDS = ("title", "description", "place")
# An accepted proposal has one field: its topic.
PROPOSAL_FIELDS = ("text",)
# A shared outcome: "outcome" for a single text, else "item<position>" per agenda item.
OUTCOME_FIELD = "outcome"
ITEM_FIELD = "item"
LIMITS = {
    "title": meetings.MAX_TITLE,
    "description": meetings.MAX_DESCRIPTION,
    "place": meetings.MAX_PLACE,
    "text": proposal_texts.MAX_TEXT,
    "reply": replies.MAX_SAVED_TEXT,
    OUTCOME_FIELD: outcomes.MAX_TEXT,
}
# The field without which nothing could be published, per kind of subject.
REQUIRED: dict[TaskSubject, str | None] = {
    TaskSubject.MEETING: "title",
    TaskSubject.PROPOSAL: "text",
    TaskSubject.SAVED_REPLY: "reply",
    # An outcome's items stand on their own: any one translated item can be published.
    TaskSubject.OUTCOME: None,
}
# Buttons at a step of the dialogue.
PASS, KEEP, AGAIN, STOP = "pass", "keep", "again", "stop"

OFFER_AT_ONCE = 3
NOTICE_GAP = timedelta(days=1)
EXPIRES_AFTER = timedelta(days=3)

# Outbox: the translator's task notice, the organiser's "approve or reject", and the answer.
PURPOSE_OFFER = KIND_OFFER = "translation.task"
PURPOSE_SUBMITTED = "staff.translation"
KIND_SUBMITTED = "translation.submitted"
PURPOSE_DECIDED = KIND_DECIDED = "translation.decided"

# Why a tap or a text changes nothing (the channel explains each, translated).
NOT_TRANSLATOR = translators.NOT_TRANSLATOR
GONE = "gone"  # the task is done, expired or withdrawn, or the offer is not theirs
HAS_TEXT = "has_text"  # the meeting has its own text in that language already
NOBODY = "nobody"  # no translator reads both languages
PLACEHOLDERS = "placeholders"
TOO_LONG = "too_long"
NO_TEXT = "no_text"

LIVE = (AssignmentState.OFFERED, AssignmentState.SUBMITTED)


@dataclass(frozen=True)
class Offer:
    """A task as a translator sees it: what, from which language into which."""

    assignment: TaskAssignment
    task: TranslationTask
    meeting: Meeting | None  # the subject: a meeting, or an accepted proposal
    source: dict[str, str]  # field → source text (the fields that have one)
    proposal: Proposal | None = None
    reply: Saved | None = None
    outcome: Outcome | None = None
    outcome_meeting: Meeting | None = None  # the meeting an outcome is about

    @property
    def subject(self) -> Subject | None:
        return self.outcome or self.meeting or self.proposal or self.reply

    @property
    def live(self) -> bool:
        """Whether the subject still takes a translation (a scheduled meeting, an accepted
        proposal, a saved reply that still exists, a shared outcome of a meeting that was not
        cancelled)."""
        if self.outcome is not None:
            meeting = self.outcome_meeting
            return meeting is not None and meeting.status != MeetingStatus.CANCELLED
        if self.meeting is not None:
            return self.meeting.status == MeetingStatus.SCHEDULED
        if self.reply is not None:
            return True
        return self.proposal is not None and self.proposal.status == ProposalStatus.ACCEPTED

    def has_own_text(self) -> bool:
        """Whether someone wrote the subject's text in the target language meanwhile."""
        return self.task.target_locale in subject_locales(self.subject)


@dataclass(frozen=True)
class Asked:
    task: TranslationTask
    offered: int  # translators told now
    again: bool = False  # a task for that meeting and language was open already


@dataclass(frozen=True)
class Problem:
    code: str


@dataclass(frozen=True)
class Step:
    """What the translator sees next in the dialogue; the channel renders it."""

    kind: str  # field, doubt, refused, submitted, published, nothing, stopped, stale
    dialog: Dialog | None = None
    offer: Offer | None = None
    field: str | None = None
    reason: str | None = None
    doubts: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    assignment: TaskAssignment
    approved: bool
    changed: bool  # False: decided before (that decision stands)


@dataclass(frozen=True)
class LanguageFigures:
    done: int
    waiting: int


@dataclass
class ExpiryRun:
    expired: int = 0
    offered: int = 0
    extended: int = 0
    ids: list[int] = field(default_factory=list)


# --- the source text -----------------------------------------------------------------------


def meeting_source(meeting: Meeting, locale: str) -> dict[str, str]:
    """The meeting's fields in the task's source language (those that have a text)."""
    text = meetings.texts_by_locale(meeting).get(locale)
    if text is None:
        return {}
    values = {"title": text.title, "description": text.description, "place": text.place}
    return {name: str(values[name]).strip() for name in FIELDS if (values[name] or "").strip()}


def proposal_source(proposal: Proposal, locale: str) -> dict[str, str]:
    """The proposal's topic in the task's source language."""
    text = next((t.text for t in proposal.texts if t.locale == locale), None)
    return {"text": text.strip()} if text and text.strip() else {}


def reply_source(reply: Saved, locale: str) -> dict[str, str]:
    """The saved reply's text in the task's source language."""
    text = (reply.texts.get(locale) or "").strip()
    return {"reply": text} if text else {}


def item_field(position: int) -> str:
    return f"{ITEM_FIELD}{position}"


def item_position(name: str) -> int | None:
    """The outcome item position a field stands for ("outcome" is the single text's)."""
    if name == OUTCOME_FIELD:
        return 0
    if name.startswith(ITEM_FIELD) and name[len(ITEM_FIELD) :].isdigit():
        return int(name[len(ITEM_FIELD) :])
    return None


def limit(name: str) -> int:
    return LIMITS.get(name, outcomes.MAX_TEXT)


def outcome_source(outcome: Outcome, locale: str) -> dict[str, str]:
    """The outcome's texts in the task's source language, one field per item position."""
    texts = sorted(
        (x for x in outcome.texts if x.locale == locale and x.text.strip()),
        key=lambda x: x.position,
    )
    single = len({x.position for x in outcome.texts}) == 1 and all(
        x.proposal_id is None for x in outcome.texts
    )
    if single and texts:
        return {OUTCOME_FIELD: texts[0].text.strip()}
    return {item_field(x.position): x.text.strip() for x in texts}


Subject = Meeting | Proposal | Saved | Outcome


def subject_locales(subject: Subject | None) -> set[str]:
    """The languages the subject has its own text in."""
    if isinstance(subject, Saved):
        return set(subject.texts)
    if isinstance(subject, Meeting):
        return set(meetings.texts_by_locale(subject))
    if isinstance(subject, Proposal | Outcome):
        return {t.locale for t in subject.texts}
    return set()


async def missing_languages(
    session: AsyncSession, community_id: int, subject: Subject
) -> list[str]:
    """The languages members of the community use that the subject has no own text in (the
    fallback module's test, as the /invite warning does): what translators can be asked for.
    For an outcome: the languages of the members invited to its meeting."""
    have = {locale: True for locale in subject_locales(subject)}
    used = list(
        await session.scalars(
            members.reachable_query(community_id, privacy.current_notice_version())
        )
    )
    if isinstance(subject, Outcome):
        invited = set(await invitations.invited_ids(session, subject.meeting_id))
        used = [m for m in used if m.id in invited]
    locales = {m.locale for m in used if m.locale}
    return sorted(locale for locale in locales if not fallback.has_own_text(have, locale))


def words(fields: dict[str, str]) -> int:
    return sum(len(value.split()) for value in fields.values())


def _catalog(tag: str) -> str:
    language = find_language(tag)
    return language.catalog if language else tag.split("-")[0]


def reads(member: Member, tag: str) -> bool:
    """Whether the member reads the language (their own, or one of the others they read)."""
    wanted = _catalog(tag)
    read = [member.locale or "", *(member.reads_locales or [])]
    return any(_catalog(own) == wanted for own in read if own)


# --- asking ----------------------------------------------------------------------------------


async def _candidates(session: AsyncSession, task: TranslationTask) -> list[Member]:
    """Translators of the task's community who read both languages and were not asked yet:
    ambassadors first (translators by default), then volunteers, the longest-standing first."""
    asked = select(TaskAssignment.translator_member_id).where(
        TaskAssignment.task_id == task.id, TaskAssignment.translator_member_id.is_not(None)
    )
    ambassadors = set(
        await session.scalars(
            select(RoleAssignment.telegram_user_id).where(
                RoleAssignment.community_id == task.community_id,
                RoleAssignment.role == Role.AMBASSADOR,
            )
        )
    )
    found = await session.scalars(
        members.reachable_query(task.community_id, privacy.current_notice_version()).where(
            Member.id.not_in(asked)
        )
    )
    chosen = [
        m
        for m in found
        if (m.translator or m.telegram_user_id in ambassadors)
        and reads(m, task.source_locale)
        and reads(m, task.target_locale)
    ]
    return sorted(chosen, key=lambda m: m.telegram_user_id not in ambassadors)


async def _notified_recently(
    session: AsyncSession, member_ids: Sequence[int], now: datetime
) -> set[int | None]:
    if not member_ids:
        return set()
    return set(
        await session.scalars(
            select(TaskAssignment.translator_member_id).where(
                TaskAssignment.translator_member_id.in_(member_ids),
                TaskAssignment.notified_at > now - NOTICE_GAP,
            )
        )
    )


async def _live_count(session: AsyncSession, task_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(TaskAssignment.id)).where(
                TaskAssignment.task_id == task_id, TaskAssignment.state.in_(LIVE)
            )
        )
        or 0
    )


async def offer(session: AsyncSession, task: TranslationTask, *, now: datetime) -> tuple[int, int]:
    """Offer the task to the next translators, up to `OFFER_AT_ONCE` holding it at a time;
    each gets a notice through the outbox. Returns (told, held back by the daily limit)."""
    room = OFFER_AT_ONCE - await _live_count(session, task.id)
    candidates = await _candidates(session, task)
    recent = await _notified_recently(session, [m.id for m in candidates], now)
    told = 0
    for member in candidates:
        if told >= room:
            break
        if member.id in recent:
            continue
        row = TaskAssignment(
            task_id=task.id,
            translator_member_id=member.id,
            state=AssignmentState.OFFERED,
            notified_at=now,
        )
        session.add(row)
        await session.flush()
        await outbox.enqueue(
            session,
            purpose=PURPOSE_OFFER,
            dedupe_key=f"translation-task:{row.id}",
            member_id=member.id,
            chat_id=member.telegram_user_id,
            payload={"kind": KIND_OFFER, "assignment_id": row.id},
        )
        told += 1
    held = sum(1 for m in candidates if m.id in recent)
    return told, held


async def _askable(
    session: AsyncSession, kind: TaskSubject, subject_id: int
) -> tuple[Subject, int | None] | None:
    """What translators would translate, while it can still be asked for; with the community
    it belongs to where the subject itself does not say (an outcome: its meeting's)."""
    match kind:
        case TaskSubject.MEETING:
            meeting = await meetings.get(session, subject_id)
            ok = meeting is not None and meeting.status == MeetingStatus.SCHEDULED
            return (meeting, None) if ok and meeting is not None else None
        case TaskSubject.PROPOSAL:
            proposal = await session.get(Proposal, subject_id)
            ok = proposal is not None and proposal.status == ProposalStatus.ACCEPTED
            return (proposal, None) if ok and proposal is not None else None
        case TaskSubject.SAVED_REPLY:
            reply = await replies.saved_reply(session, subject_id)
            return (reply, None) if reply is not None else None
        case TaskSubject.OUTCOME:
            outcome = await session.get(Outcome, subject_id)
            if outcome is None or outcome.sent_at is None:
                return None
            meeting = await meetings.get(session, outcome.meeting_id)
            if meeting is None or meeting.status == MeetingStatus.CANCELLED:
                return None
            return outcome, meeting.community_id
    return None


async def ask_for(
    session: AsyncSession,
    kind: TaskSubject,
    subject_id: int,
    target: str,
    *,
    community_ids: Collection[int],
    requested_by_user_id: int,
    now: datetime,
    expires_after: timedelta = EXPIRES_AFTER,
) -> Asked | Problem:
    """An organiser asks community translators for a meeting's text, an accepted proposal's
    topic, a saved reply or a shared outcome's texts in `target`."""
    found = await _askable(session, kind, subject_id)
    if found is None:
        return Problem(GONE)
    subject, community_id = found
    return await _ask(
        session,
        kind,
        subject,
        target,
        community_ids=community_ids,
        requested_by_user_id=requested_by_user_id,
        now=now,
        expires_after=expires_after,
        community_id=community_id,
    )


async def outcome_missing(session: AsyncSession, outcome_id: int) -> list[str]:
    """The languages translators can be asked for once the outcome is sent."""
    outcome = await session.get(Outcome, outcome_id)
    meeting = await meetings.get(session, outcome.meeting_id) if outcome else None
    if outcome is None or meeting is None:
        return []
    return await missing_languages(session, meeting.community_id, outcome)


async def _ask(
    session: AsyncSession,
    kind: TaskSubject,
    subject: Subject,
    target: str,
    *,
    community_ids: Collection[int],
    requested_by_user_id: int,
    now: datetime,
    expires_after: timedelta,
    community_id: int | None = None,
) -> Asked | Problem:
    # An outcome belongs to its meeting's community.
    if community_id is not None:
        community = community_id
    else:
        assert not isinstance(subject, Outcome)
        community = subject.community_id
    language = find_language(target)
    if community not in community_ids or language is None:
        return Problem(GONE)
    if language.tag in subject_locales(subject):
        return Problem(HAS_TEXT)
    open_task = await session.scalar(
        select(TranslationTask).where(
            TranslationTask.subject == kind,
            TranslationTask.subject_id == subject.id,
            TranslationTask.target_locale == language.tag,
            TranslationTask.status == TaskStatus.OPEN,
        )
    )
    if open_task is not None:
        return Asked(open_task, 0, again=True)
    task = TranslationTask(
        community_id=community,
        subject=kind,
        subject_id=subject.id,
        source_locale=subject.source_locale,
        target_locale=language.tag,
        status=TaskStatus.OPEN,
        approval=ApprovalMode.ORGANISER,
        requested_by_user_id=requested_by_user_id,
        created_at=now,
        expires_at=now + expires_after,
    )
    if not await _candidates(session, task):
        return Problem(NOBODY)
    session.add(task)
    await session.flush()
    told, _held = await offer(session, task, now=now)
    if not told:
        # Everyone who could do it had a notice today: the expiry job asks them tomorrow.
        task.expires_at = now + NOTICE_GAP
    await audit.record(
        session,
        "translation.ask",
        now=now,
        actor_user_id=requested_by_user_id,
        community_id=task.community_id,
        target=f"{kind.value}:{subject.id}",
        details={"locale": language.tag, "task": task.id, "offered": told},
    )
    return Asked(task, told)


async def trust(
    session: AsyncSession,
    task_id: int,
    *,
    community_ids: Collection[int],
    user_id: int,
    now: datetime,
) -> TranslationTask | None:
    """The organiser trusts this task's translators: what they send is published at once."""
    task = await session.get(TranslationTask, task_id)
    if task is None or task.community_id not in community_ids or task.status != TaskStatus.OPEN:
        return None
    task.approval = ApprovalMode.TRUSTED
    await session.flush()
    await audit.record(
        session,
        "translation.trust",
        now=now,
        actor_user_id=user_id,
        community_id=task.community_id,
        target=f"task:{task.id}",
    )
    return task


# --- the translator --------------------------------------------------------------------------


async def load_offer(session: AsyncSession, assignment_id: int) -> Offer | None:
    row = await session.get(TaskAssignment, assignment_id)
    if row is None:
        return None
    task = await session.get(TranslationTask, row.task_id)
    if task is None:
        return None
    if task.subject == TaskSubject.PROPOSAL:
        proposal = await session.get(Proposal, task.subject_id)
        if proposal is None:
            return None
        return Offer(row, task, None, proposal_source(proposal, task.source_locale), proposal)
    if task.subject == TaskSubject.SAVED_REPLY:
        reply = await replies.saved_reply(session, task.subject_id)
        if reply is None:
            return None
        return Offer(row, task, None, reply_source(reply, task.source_locale), reply=reply)
    if task.subject == TaskSubject.OUTCOME:
        outcome = await session.get(Outcome, task.subject_id)
        if outcome is None:
            return None
        of = await meetings.get(session, outcome.meeting_id)
        source = outcome_source(outcome, task.source_locale)
        return Offer(row, task, None, source, outcome=outcome, outcome_meeting=of)
    if task.subject != TaskSubject.MEETING:
        return None
    meeting = await meetings.get(session, task.subject_id)
    if meeting is None:
        return None
    return Offer(row, task, meeting, meeting_source(meeting, task.source_locale))


async def _refuse(
    session: AsyncSession, member: Member | None, user_id: int, action: str, now: datetime
) -> Step:
    await audit.record(
        session,
        "translation.refused",
        now=now,
        actor_user_id=user_id,
        details={"action": action, "reason": NOT_TRANSLATOR},
    )
    return Step("refused", reason=NOT_TRANSLATOR)


async def _own_open_offer(
    session: AsyncSession, member: Member | None, assignment_id: int
) -> Offer | None:
    found = await load_offer(session, assignment_id)
    if (
        found is None
        or member is None
        or found.assignment.translator_member_id != member.id
        or found.task.status != TaskStatus.OPEN
        or not found.live
        or found.assignment.state != AssignmentState.OFFERED
        or not found.source
    ):
        return None
    return found


async def _standing_ok(session: AsyncSession, member: Member | None) -> bool:
    return (await translators.standing(session, member)).translator


async def begin(
    session: AsyncSession,
    member: Member | None,
    user_id: int,
    assignment_id: int,
    *,
    now: datetime,
) -> Step:
    """The translator taps "Translate": the first field of the source."""
    if not await _standing_ok(session, member):
        return await _refuse(session, member, user_id, "take", now)
    assert member is not None
    found = await _own_open_offer(session, member, assignment_id)
    if found is None:
        return Step("stale", reason=GONE)
    first = next(iter(found.source))
    dialog = await dialogs.set(
        session, member.id, FLOW, first, {"assignment": assignment_id, "fields": {}}, now=now
    )
    return Step("field", dialog=dialog, offer=found, field=first)


async def decline(
    session: AsyncSession,
    member: Member | None,
    user_id: int,
    assignment_id: int,
    *,
    now: datetime,
) -> Step:
    """ "Not now": the offer goes to the next translator."""
    if not await _standing_ok(session, member):
        return await _refuse(session, member, user_id, "decline", now)
    found = await _own_open_offer(session, member, assignment_id)
    if found is None:
        return Step("stale", reason=GONE)
    found.assignment.state = AssignmentState.DECLINED
    found.assignment.decided_at = now
    await session.flush()
    await offer(session, found.task, now=now)
    return Step("stopped")


async def more(
    session: AsyncSession, member: Member | None, user_id: int, *, now: datetime
) -> list[Offer] | Step:
    """/tasks or "More tasks": every open task the translator can do, shown now (the daily
    limit is for notices nobody asked for)."""
    if not await _standing_ok(session, member):
        return await _refuse(session, member, user_id, "more", now)
    assert member is not None
    communities = select(Membership.community_id).where(Membership.member_id == member.id)
    open_tasks = list(
        await session.scalars(
            select(TranslationTask)
            .where(
                TranslationTask.status == TaskStatus.OPEN,
                TranslationTask.subject.in_(list(REQUIRED)),
                TranslationTask.community_id.in_(communities),
            )
            .order_by(TranslationTask.expires_at, TranslationTask.id)
        )
    )
    shown: list[Offer] = []
    for task in open_tasks:
        if not (reads(member, task.source_locale) and reads(member, task.target_locale)):
            continue
        row = await session.scalar(
            select(TaskAssignment).where(
                TaskAssignment.task_id == task.id, TaskAssignment.translator_member_id == member.id
            )
        )
        if row is None:
            row = TaskAssignment(task_id=task.id, translator_member_id=member.id)
            session.add(row)
        elif row.state != AssignmentState.OFFERED:
            continue
        row.state = AssignmentState.OFFERED
        row.notified_at = now
        await session.flush()
        found = await _own_open_offer(session, member, row.id)
        if found is not None:
            shown.append(found)
    return shown


def _placeholder_trouble(source: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(missing, added) when the text does not keep the source's `{placeholders}`; a source
    whose braces are no placeholders (unmatched) is not checked."""
    try:
        placeholders(source)
    except ValueError:
        return None
    problem = catalogs.placeholder_problem(source, text)
    if problem is None:
        return None
    return problem.missing, problem.added


async def typed(
    session: AsyncSession,
    member: Member | None,
    user_id: int,
    dialog: Dialog,
    text: str | None,
    *,
    now: datetime,
) -> Step:
    """The translator typed a field's translation."""
    found, refusal = await _in_dialog(session, member, user_id, dialog, now)
    if found is None:
        return refusal
    # Typing at "keep it anyway?" is writing it again.
    name = _field_of(dialog) if dialog.step == DOUBT else dialog.step
    if name not in found.source:
        await dialogs.clear(session, dialog.member_id, now=now)
        return Step("stopped", reason=GONE)
    if dialog.step == DOUBT:
        dialog = await dialogs.update(session, dialog, now=now, step=name, pending=None)
    if text is None:
        return Step("field", dialog=dialog, offer=found, field=name, reason=NO_TEXT)
    value = text.strip()
    source = found.source[name]
    trouble = _placeholder_trouble(source, value)
    if trouble is not None:
        return Step(
            "field",
            dialog=dialog,
            offer=found,
            field=name,
            reason=PLACEHOLDERS,
            missing=trouble[0],
            added=trouble[1],
        )
    if len(value) > limit(name):
        return Step("field", dialog=dialog, offer=found, field=name, reason=TOO_LONG)
    questions = catalogs.text_doubts(_catalog(found.task.target_locale), source, value)
    if questions:
        dialog = await dialogs.update(
            session, dialog, now=now, step=DOUBT, pending=value, pending_field=name
        )
        return Step("doubt", dialog=dialog, offer=found, field=name, doubts=tuple(questions))
    return await _keep(session, dialog, found, name, value, now=now)


def _field_of(dialog: Dialog) -> str:
    return str(dialog.data.get("pending_field") or dialog.step)


async def chose(
    session: AsyncSession,
    member: Member | None,
    user_id: int,
    dialog: Dialog | None,
    version: int,
    choice: str,
    *,
    now: datetime,
) -> Step:
    """A button of the dialogue: pass a field, keep a questioned text, type it again, stop."""
    if dialog is None or dialog.flow != FLOW or dialog.version != version:
        if not await _standing_ok(session, member):
            return await _refuse(session, member, user_id, choice, now)
        return Step("stale", reason=GONE)
    found, refusal = await _in_dialog(session, member, user_id, dialog, now)
    if found is None:
        return refusal
    if choice == STOP:
        await dialogs.clear(session, dialog.member_id, now=now)
        return Step("stopped")
    if dialog.step == DOUBT and choice == KEEP:
        name = _field_of(dialog)
        return await _keep(session, dialog, found, name, str(dialog.data.get("pending")), now=now)
    if dialog.step == DOUBT and choice == AGAIN:
        name = _field_of(dialog)
        dialog = await dialogs.update(session, dialog, now=now, step=name, pending=None)
        return Step("field", dialog=dialog, offer=found, field=name)
    if dialog.step in found.source and choice == PASS:
        return await _next(session, dialog, found, dialog.step, now=now)
    return Step("stale", reason=GONE)


async def _in_dialog(
    session: AsyncSession, member: Member | None, user_id: int, dialog: Dialog, now: datetime
) -> tuple[Offer | None, Step]:
    if not await _standing_ok(session, member):
        await dialogs.clear(session, dialog.member_id, now=now)
        return None, await _refuse(session, member, user_id, "type", now)
    found = await _own_open_offer(session, member, int(dialog.data.get("assignment") or 0))
    if found is None:
        await dialogs.clear(session, dialog.member_id, now=now)
        return None, Step("stopped", reason=GONE)
    return found, Step("stale")


async def _keep(
    session: AsyncSession, dialog: Dialog, found: Offer, name: str, value: str, *, now: datetime
) -> Step:
    kept = dict(dialog.data.get("fields") or {})
    kept[name] = value
    dialog = await dialogs.update(session, dialog, now=now, fields=kept, pending=None)
    return await _next(session, dialog, found, name, now=now)


async def _next(
    session: AsyncSession, dialog: Dialog, found: Offer, name: str, *, now: datetime
) -> Step:
    names = list(found.source)
    later = names[names.index(name) + 1 :]
    if later:
        dialog = await dialogs.update(session, dialog, now=now, step=later[0], pending_field=None)
        return Step("field", dialog=dialog, offer=found, field=later[0])
    fields = {k: str(v) for k, v in (dialog.data.get("fields") or {}).items() if v}
    await dialogs.clear(session, dialog.member_id, now=now)
    return await _submit(session, found, fields, now=now)


async def _submit(
    session: AsyncSession, found: Offer, fields: dict[str, str], *, now: datetime
) -> Step:
    row = found.assignment
    required = REQUIRED[found.task.subject]
    if not fields or (required is not None and required not in fields):
        # A meeting's text needs a title, a topic its text: without it, nothing to publish.
        row.state = AssignmentState.DECLINED
        row.decided_at = now
        await session.flush()
        await offer(session, found.task, now=now)
        return Step("nothing", offer=found)
    row.fields = fields
    row.state = AssignmentState.SUBMITTED
    await session.flush()
    own_text = found.has_own_text()
    # Trust publishes at once, but never over a text an organiser wrote in the meantime: that
    # one goes to the organiser to decide.
    if found.task.approval == ApprovalMode.TRUSTED and not own_text:
        await _publish(session, found, user_id=found.task.requested_by_user_id, now=now)
        return Step("published", offer=found)
    for staff in await _organisers(session, found.task):
        await outbox.enqueue(
            session,
            purpose=PURPOSE_SUBMITTED,
            dedupe_key=f"translation-submitted:{row.id}:{staff.telegram_user_id}",
            member_id=staff.id,
            chat_id=staff.telegram_user_id,
            payload={"kind": KIND_SUBMITTED, "assignment_id": row.id},
        )
    return Step("submitted", offer=found)


async def _organisers(session: AsyncSession, task: TranslationTask) -> list[Member]:
    """Who decides: the organiser who asked, while they still organise the community; else
    the community's organisers and coordinators."""
    staff = select(RoleAssignment.telegram_user_id).where(
        RoleAssignment.community_id == task.community_id,
        RoleAssignment.role.in_([Role.ORGANISER, Role.COORDINATOR]),
    )
    ids = set(await session.scalars(staff))
    if task.requested_by_user_id in ids:
        ids = {task.requested_by_user_id}
    if not ids:
        return []
    return list(
        await session.scalars(
            select(Member).where(Member.telegram_user_id.in_(ids)).order_by(Member.id)
        )
    )


async def _publish(
    session: AsyncSession, found: Offer, *, user_id: int | None, now: datetime
) -> None:
    row, task = found.assignment, found.task
    fields = {k: str(v) for k, v in (row.fields or {}).items()}
    # Through each subject's own way of setting a text in a language (what /translate and the
    # proposal card's "add a translation" use).
    if found.outcome is not None:
        await outcomes.add_translation(
            session,
            found.outcome.id,
            task.target_locale,
            {
                position: value
                for name, value in fields.items()
                if (position := item_position(name)) is not None
            },
        )
        subject_ref = f"outcome:{found.outcome.id}"
    elif found.proposal is not None:
        await proposal_texts.add_text(
            session,
            found.proposal,
            task.target_locale,
            fields["text"],
            actor_user_id=user_id if user_id is not None else task.requested_by_user_id,
            now=now,
        )
        subject_ref = f"proposal:{found.proposal.id}"
    elif found.reply is not None:
        reply = found.reply
        await replies.save(
            session,
            community_id=reply.community_id,
            name=reply.name,
            texts={**reply.texts, task.target_locale: fields["reply"]},
            source_locale=reply.source_locale,
            now=now,
        )
        subject_ref = f"saved_reply:{reply.id}"
    else:
        assert found.meeting is not None
        await meetings.set_text(
            session,
            found.meeting,
            task.target_locale,
            TextDraft(
                title=fields.get("title", ""),
                description=fields.get("description", ""),
                place=fields.get("place"),
            ),
            now=now,
            actor_user_id=user_id,
        )
        subject_ref = f"meeting:{found.meeting.id}"
    row.state = AssignmentState.APPROVED
    row.decided_at = now
    task.status = TaskStatus.DONE
    await session.flush()
    if row.translator_member_id is not None:
        await contributions.record_translation(
            session,
            community_id=task.community_id,
            member_id=row.translator_member_id,
            words=words(fields),
            reference=f"{subject_ref}:{task.target_locale}",
            approved_by_user_id=user_id,
            now=now,
            meeting_id=(found.meeting or found.outcome_meeting).id
            if (found.meeting or found.outcome_meeting) is not None
            else None,
            proposal_id=found.proposal.id if found.proposal is not None else None,
        )
    await _tell_translator(session, row, now)


async def _tell_translator(session: AsyncSession, row: TaskAssignment, now: datetime) -> None:
    if row.translator_member_id is None:
        return
    member = await session.get(Member, row.translator_member_id)
    if member is None:
        return
    await outbox.enqueue(
        session,
        purpose=PURPOSE_DECIDED,
        dedupe_key=f"translation-decided:{row.id}",
        member_id=member.id,
        chat_id=member.telegram_user_id,
        payload={"kind": KIND_DECIDED, "assignment_id": row.id},
    )


# --- the organiser's decision ----------------------------------------------------------------


async def decide(
    session: AsyncSession,
    assignment_id: int,
    *,
    approve: bool,
    user_id: int,
    community_ids: Collection[int],
    now: datetime,
) -> Decision | None:
    """Approve (publish) or reject a submitted translation; None for a task outside the
    organiser's communities or gone."""
    found = await load_offer(session, assignment_id)
    if found is None or found.task.community_id not in community_ids:
        return None
    row = found.assignment
    if row.state != AssignmentState.SUBMITTED or found.task.status != TaskStatus.OPEN:
        return Decision(row, row.state == AssignmentState.APPROVED, changed=False)
    if approve:
        await _publish(session, found, user_id=user_id, now=now)
    else:
        row.state = AssignmentState.REJECTED
        row.decided_at = now
        await session.flush()
        await _tell_translator(session, row, now)
    await audit.record(
        session,
        "translation.approve" if approve else "translation.reject",
        now=now,
        actor_user_id=user_id,
        community_id=found.task.community_id,
        target=f"task:{found.task.id}",
    )
    return Decision(row, approve, changed=True)


# --- the expiry job, erasure, figures ----------------------------------------------------------


async def expire_due(session: AsyncSession, *, now: datetime) -> ExpiryRun:
    """Tasks whose time ran out: offers nobody took pass to the next translators (the task
    gets another period), else the task expires. A translation waiting for the organiser
    keeps its task open. The caller commits."""
    run = ExpiryRun()
    due = list(
        await session.scalars(
            select(TranslationTask)
            .where(TranslationTask.status == TaskStatus.OPEN, TranslationTask.expires_at <= now)
            .order_by(TranslationTask.id)
        )
    )
    for task in due:
        rows = list(
            await session.scalars(select(TaskAssignment).where(TaskAssignment.task_id == task.id))
        )
        if any(r.state == AssignmentState.SUBMITTED for r in rows):
            continue
        for row in rows:
            if row.state == AssignmentState.OFFERED:
                row.state = AssignmentState.DECLINED
                row.decided_at = now
        await session.flush()
        told, held = (0, 0)
        if await _subject_live(session, task):
            told, held = await offer(session, task, now=now)
        if told:
            task.expires_at = now + EXPIRES_AFTER
            run.offered += told
        elif held:
            # Translators are left who had a notice today: try again tomorrow.
            task.expires_at = now + NOTICE_GAP
            run.extended += 1
        else:
            task.status = TaskStatus.EXPIRED
            run.expired += 1
            run.ids.append(task.id)
    await session.flush()
    return run


async def _subject_live(session: AsyncSession, task: TranslationTask) -> bool:
    if task.subject == TaskSubject.SAVED_REPLY:
        return await replies.saved_reply(session, task.subject_id) is not None
    if task.subject == TaskSubject.OUTCOME:
        found = await session.get(Outcome, task.subject_id)
        of = await meetings.get(session, found.meeting_id) if found else None
        return of is not None and of.status != MeetingStatus.CANCELLED
    if task.subject == TaskSubject.PROPOSAL:
        proposal = await session.get(Proposal, task.subject_id)
        return proposal is not None and proposal.status == ProposalStatus.ACCEPTED
    meeting = await meetings.get(session, task.subject_id)
    return meeting is not None and meeting.status == MeetingStatus.SCHEDULED


async def of_member(
    session: AsyncSession, member_id: int
) -> list[tuple[TaskAssignment, TranslationTask]]:
    """The tasks offered to the member, oldest first, for /mydata."""
    rows = await session.execute(
        select(TaskAssignment, TranslationTask)
        .join(TranslationTask, TranslationTask.id == TaskAssignment.task_id)
        .where(TaskAssignment.translator_member_id == member_id)
        .order_by(TaskAssignment.id)
    )
    return [(row, task) for row, task in rows]


async def erase(session: AsyncSession, member_id: int) -> dict[str, int]:
    """The member's part in translation tasks goes: what they typed and their offers. A
    published translation's row stays for the figures, without them or their text; an open
    task nobody else holds is withdrawn. The caller commits."""
    rows = list(
        await session.scalars(
            select(TaskAssignment).where(TaskAssignment.translator_member_id == member_id)
        )
    )
    touched = {row.task_id for row in rows if row.state in LIVE}
    removed = 0
    for row in rows:
        if row.state == AssignmentState.APPROVED:
            row.fields = None
            row.translator_member_id = None
        else:
            await session.delete(row)
            removed += 1
    await session.flush()
    withdrawn = 0
    for task_id in sorted(touched):
        task = await session.get(TranslationTask, task_id)
        if (
            task is not None
            and task.status == TaskStatus.OPEN
            and not await _live_count(session, task_id)
        ):
            task.status = TaskStatus.WITHDRAWN
            withdrawn += 1
    await session.flush()
    return {"task_assignments": removed, "translation_tasks_withdrawn": withdrawn}


async def figures(
    session: AsyncSession, community_ids: Collection[int] | None = None
) -> dict[str, LanguageFigures]:
    """Per target language: translations done (published) and tasks waiting (open)."""
    query = select(
        TranslationTask.target_locale, TranslationTask.status, func.count(TranslationTask.id)
    ).group_by(TranslationTask.target_locale, TranslationTask.status)
    if community_ids is not None:
        query = query.where(TranslationTask.community_id.in_(list(community_ids)))
    counts: dict[str, dict[str, int]] = {}
    for locale, status, count in await session.execute(query):
        counts.setdefault(locale, {})[str(status)] = int(count)
    return {
        locale: LanguageFigures(
            done=by.get(TaskStatus.DONE.value, 0), waiting=by.get(TaskStatus.OPEN.value, 0)
        )
        for locale, by in sorted(counts.items())
    }
