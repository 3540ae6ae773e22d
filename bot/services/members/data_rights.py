"""A member's rights over their data: see all of it (/mydata), erase all of it (/delete).

Erasure follows GDPR article 17: everything that identifies the person goes, in one
transaction, everywhere it can be. What remains is an audit event with row counts, so
statistics stay honest without saying whose rows they were.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db import disk
from bot.db.models import (
    Answer,
    AnswerSource,
    AuditEvent,
    Broadcast,
    CheckIn,
    CheckInState,
    Community,
    Contribution,
    Conversation,
    ConversationMessage,
    DialogState,
    InboxOrganiser,
    InputRun,
    Meeting,
    MeetingHost,
    Member,
    Membership,
    OutboxMessage,
    OutboxState,
    Outcome,
    OutcomeReaction,
    Proposal,
    ProposalDigest,
    ProposalText,
    Question,
    RoleAssignment,
    Rsvp,
    Statement,
    Support,
    TextReview,
)
from bot.db.notices import ROWS_ERASED, notify_after_commit
from bot.services import audit, contributions, dialogs, meetings
from bot.services.intake.questions import asked
from bot.services.translations import tasks as translation_tasks

ERASED_TARGET = "user:erased"
# Every table an erasure deletes from or rewrites: dead row versions to vacuum (PostgreSQL).
ERASED_TABLES: tuple[str, ...] = tuple(
    str(model.__tablename__)
    for model in (
        Answer,
        Rsvp,
        InputRun,
        CheckIn,
        OutboxMessage,
        DialogState,
        Membership,
        RoleAssignment,
        Meeting,
        Broadcast,
        AuditEvent,
        ConversationMessage,
        Conversation,
        InboxOrganiser,
        TextReview,
        Contribution,
        MeetingHost,
        Statement,
        Proposal,
        ProposalText,
        Support,
        OutcomeReaction,
        ProposalDigest,
        Outcome,
        Member,
    )
)
# The dialogue of /delete: it only ever waits for the confirmation buttons.
FLOW = "erase"
CONFIRM = "confirm"


@dataclass(frozen=True)
class StoredAnswer:
    community: str
    source: str
    kind: str
    text: str | None
    value: Any
    voice_file_id: str | None
    voice_duration: int | None
    locale: str
    created_at: datetime
    meeting_id: int | None
    question_id: int | None


@dataclass(frozen=True)
class StoredRsvp:
    meeting_id: int
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class StoredCheckIn:
    meeting_id: int | None
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class StoredConversationMessage:
    author: str  # member, organiser, or note (organisers' internal note about you)
    kind: str
    text: str | None
    file_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class StoredConversation:
    community: str
    status: str
    opened_at: datetime
    messages: list[StoredConversationMessage] = field(default_factory=list)


@dataclass(frozen=True)
class StoredProposal:
    """A topic the member proposed («Co-ownership»), with its texts per language."""

    meeting_id: int | None
    status: str
    kind: str
    texts: dict[str, str]
    voice_file_id: str | None
    on_agenda: bool
    created_at: datetime


@dataclass(frozen=True)
class StoredMembership:
    community: str
    joined_at: datetime


@dataclass(frozen=True)
class StoredRole:
    community: str
    role: str


@dataclass(frozen=True)
class StoredTranslationTask:
    """A translation task offered to the member, and what they typed for it."""

    task_id: int
    subject: str
    subject_id: int
    source_locale: str
    target_locale: str
    state: str
    fields: dict[str, str] | None
    notified_at: datetime | None


@dataclass(frozen=True)
class StoredTextReview:
    """A verdict the member gave, as a community translator, on one of the bot's texts."""

    catalog: str
    msgid: str
    verdict: str
    text: str | None
    created_at: datetime


@dataclass(frozen=True)
class StoredContribution:
    community: str
    kind: str
    what: str | None
    occurred_at: datetime
    minutes: int | None
    words: int | None
    status: str


@dataclass(frozen=True)
class MemberData:
    """Everything Samen stores about one member, as data (the channel renders it)."""

    telegram_user_id: int
    locale: str | None
    reads_locales: list[str]  # the other languages they read, in their order
    time_zone: str | None
    created_at: datetime
    last_seen_at: datetime | None
    stopped_at: datetime | None
    blocked_at: datetime | None
    consent_version: int | None
    consent_given_at: datetime | None
    learn_topics: list[str]
    learn_text: str | None
    offer_topics: list[str]
    offer_text: str | None
    municipality: str | None
    communities: list[StoredMembership] = field(default_factory=list)
    stories: list[StoredAnswer] = field(default_factory=list)
    answers: list[StoredAnswer] = field(default_factory=list)
    rsvps: list[StoredRsvp] = field(default_factory=list)
    pending_checkins: list[StoredCheckIn] = field(default_factory=list)
    roles: list[StoredRole] = field(default_factory=list)
    conversations: list[StoredConversation] = field(default_factory=list)
    contributions: list[StoredContribution] = field(default_factory=list)
    proposals: list[StoredProposal] = field(default_factory=list)
    # The proposals the member supports (by id), and their reactions to meetings' outcomes.
    supports: list[int] = field(default_factory=list)
    outcome_reactions: list[dict[str, Any]] = field(default_factory=list)
    dialog: dict[str, str] | None = None
    translator: bool = False  # volunteered as a community translator (/translator)
    text_reviews: list[StoredTextReview] = field(default_factory=list)
    translation_tasks: list[StoredTranslationTask] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready document: datetimes as ISO 8601 in UTC."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


async def export(session: AsyncSession, member_id: int) -> MemberData | None:
    """Everything stored about the member; None when there is no such member."""
    member = await session.get(Member, member_id)
    if member is None:
        return None
    names = {
        community.id: community.name
        for community in (await session.scalars(select(Community))).all()
    }
    memberships = (
        await session.scalars(
            select(Membership).where(Membership.member_id == member_id).order_by(Membership.id)
        )
    ).all()
    answers = (
        await session.scalars(
            select(Answer)
            .where(Answer.member_id == member_id)
            .order_by(Answer.created_at, Answer.id)
        )
    ).all()
    rsvps = (
        await session.scalars(select(Rsvp).where(Rsvp.member_id == member_id).order_by(Rsvp.id))
    ).all()
    checkins = (
        await session.scalars(
            select(CheckIn)
            .where(CheckIn.member_id == member_id, CheckIn.state == CheckInState.PENDING)
            .order_by(CheckIn.due_at)
        )
    ).all()
    roles = (
        await session.scalars(
            select(RoleAssignment)
            .where(RoleAssignment.telegram_user_id == member.telegram_user_id)
            .order_by(RoleAssignment.id)
        )
    ).all()
    dialog = await dialogs.get(session, member_id)
    text_reviews = (
        await session.scalars(
            select(TextReview)
            .where(TextReview.reviewer_member_id == member_id)
            .order_by(TextReview.created_at, TextReview.id)
        )
    ).all()
    logged = await contributions.of_member(session, member_id)
    offered = await translation_tasks.of_member(session, member_id)
    threads = (
        await session.scalars(
            select(Conversation)
            .where(Conversation.member_id == member_id)
            .order_by(Conversation.opened_at, Conversation.id)
        )
    ).all()
    said: dict[int, list[StoredConversationMessage]] = {c.id: [] for c in threads}
    if threads:
        for message in await session.scalars(
            select(ConversationMessage)
            .where(ConversationMessage.conversation_id.in_(list(said)))
            .order_by(ConversationMessage.created_at, ConversationMessage.id)
        ):
            said[message.conversation_id].append(
                StoredConversationMessage(
                    message.author.value,
                    message.kind.value,
                    message.text,
                    message.file_id,
                    message.created_at,
                )
            )

    proposed = (
        await session.scalars(
            select(Proposal).where(Proposal.member_id == member_id).order_by(Proposal.id)
        )
    ).all()
    supported = (
        await session.scalars(
            select(Support.proposal_id).where(Support.member_id == member_id).order_by(Support.id)
        )
    ).all()
    reacted = (
        await session.scalars(
            select(OutcomeReaction)
            .where(OutcomeReaction.member_id == member_id)
            .order_by(OutcomeReaction.id)
        )
    ).all()

    def stored(answer: Answer) -> StoredAnswer:
        return StoredAnswer(
            community=names.get(answer.community_id, ""),
            source=answer.source.value,
            kind=answer.kind.value,
            text=answer.text,
            value=answer.value,
            voice_file_id=answer.voice_file_id,
            voice_duration=answer.voice_duration,
            locale=answer.locale,
            created_at=answer.created_at,
            meeting_id=answer.meeting_id,
            question_id=answer.question_id,
        )

    return MemberData(
        telegram_user_id=member.telegram_user_id,
        locale=member.locale,
        reads_locales=list(member.reads_locales or []),
        time_zone=member.time_zone,
        created_at=member.created_at,
        last_seen_at=member.last_seen_at,
        stopped_at=member.stopped_at,
        blocked_at=member.blocked_at,
        consent_version=member.consent_version,
        consent_given_at=member.consent_given_at,
        learn_topics=list(member.learn_topics or []),
        learn_text=member.learn_text,
        offer_topics=list(member.offer_topics or []),
        offer_text=member.offer_text,
        municipality=member.municipality,
        communities=[
            StoredMembership(names.get(m.community_id, ""), m.joined_at) for m in memberships
        ],
        stories=[stored(a) for a in answers if a.source == AnswerSource.STORY],
        answers=[stored(a) for a in answers if a.source != AnswerSource.STORY],
        rsvps=[StoredRsvp(r.meeting_id, r.status.value, r.updated_at) for r in rsvps],
        pending_checkins=[StoredCheckIn(c.meeting_id, c.kind.value, c.due_at) for c in checkins],
        roles=[StoredRole(names.get(r.community_id, ""), r.role.value) for r in roles],
        conversations=[
            StoredConversation(
                names.get(c.community_id or 0, ""), c.status.value, c.opened_at, said[c.id]
            )
            for c in threads
        ],
        contributions=[
            StoredContribution(
                names.get(c.community_id, ""),
                c.kind.value,
                c.what,
                c.occurred_at,
                c.minutes,
                c.words,
                c.status.value,
            )
            for c in logged
        ],
        proposals=[
            StoredProposal(
                p.meeting_id,
                p.status.value,
                p.kind.value,
                {t.locale: t.text for t in p.texts},
                p.voice_file_id,
                p.on_agenda,
                p.created_at,
            )
            for p in proposed
        ],
        supports=list(supported),
        outcome_reactions=[
            {"outcome_id": r.outcome_id, "reaction": r.reaction.value, "at": r.updated_at}
            for r in reacted
        ],
        dialog={"flow": dialog.flow, "step": dialog.step} if dialog else None,
        translator=bool(member.translator),
        text_reviews=[
            StoredTextReview(r.catalog, r.msgid, r.verdict.value, r.text, r.created_at)
            for r in text_reviews
        ],
        translation_tasks=[
            StoredTranslationTask(
                task.id,
                task.subject.value,
                task.subject_id,
                task.source_locale,
                task.target_locale,
                row.state.value,
                dict(row.fields) if row.fields else None,
                row.notified_at,
            )
            for row, task in offered
        ],
    )


@dataclass(frozen=True)
class MeetingRecord:
    """What one member said about one meeting, for reading in chat: their reply to the
    invitation and their answers with the questions as they were asked. `meeting_id` None
    holds the answers that belong to no (remaining) meeting, such as long-term check-ins."""

    meeting_id: int | None
    title: str | None
    starts_at: datetime | None
    rsvp: str | None
    answers: list[tuple[str | None, StoredAnswer]]  # (the question's prompt, the answer)


async def by_meeting(
    session: AsyncSession, data: MemberData, locale: str | None
) -> list[MeetingRecord]:
    """The member's RSVPs and answers grouped per meeting, the soonest meeting first; titles
    in `locale` and the languages they read (along the fallback chain), prompts in the
    language each answer was given in."""
    meeting_ids = {r.meeting_id for r in data.rsvps} | {
        a.meeting_id for a in data.answers if a.meeting_id is not None
    }
    found = (
        (await session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))).all()
        if meeting_ids
        else []
    )
    community_ids = {m.community_id for m in found}
    community_locale = {
        c.id: c.default_locale
        for c in (
            await session.scalars(select(Community).where(Community.id.in_(community_ids)))
        ).all()
    }
    question_ids = {a.question_id for a in data.answers if a.question_id is not None}
    questions = {
        q.id: q
        for q in (
            (await session.scalars(select(Question).where(Question.id.in_(question_ids)))).all()
            if question_ids
            else []
        )
    }
    fallback_locale = data.locale or "en"

    def prompt(answer: StoredAnswer) -> str | None:
        question = questions.get(answer.question_id or 0)
        if question is None or not question.texts:
            return None
        return asked(
            question,
            answer.locale,
            community_locale.get(question.community_id, answer.locale),
            reads=data.reads_locales,
        ).prompt

    rsvp_of = {r.meeting_id: r.status for r in data.rsvps}
    known = {m.id: m for m in found}
    records = []
    for meeting in sorted(found, key=lambda m: (m.starts_at, m.id)):
        default = community_locale.get(meeting.community_id, fallback_locale)
        title = (
            meetings.text_for(meeting, locale, default, reads=data.reads_locales).title
            if meeting.texts
            else None
        )
        records.append(
            MeetingRecord(
                meeting_id=meeting.id,
                title=title,
                starts_at=meeting.starts_at,
                rsvp=rsvp_of.get(meeting.id),
                answers=[(prompt(a), a) for a in data.answers if a.meeting_id == meeting.id],
            )
        )
    loose = [(prompt(a), a) for a in data.answers if a.meeting_id not in known]
    if loose:
        records.append(MeetingRecord(None, None, None, None, loose))
    return records


async def erase(session: AsyncSession, member_id: int, *, now: datetime) -> dict[str, int]:
    """Erase everything personal about the member, everywhere; commit; return row counts.

    Answers and stories (with their voice file ids), RSVPs, check-ins, queued outbox rows,
    dialogue state, memberships, role assignments held by their Telegram id and the member row
    go. Verdicts on the bot's texts stay, unlinked (the foreign key sets the reviewer to
    NULL): they are about the catalog, not the person. Outbox rows already sent stay for
    delivery statistics with recipient fields emptied; where their Telegram id appears as the
    actor of something (an audit event, a role grant, a meeting) it is emptied too. One audit
    event keeps the counts, without any id.
    """
    member = await session.get(Member, member_id)
    if member is None:
        return {}
    telegram_id = member.telegram_user_id
    counts: dict[str, int] = {}

    async def run(name: str, statement: Any) -> None:
        result = await session.execute(statement)
        counts[name] = result.rowcount or 0

    await run(
        "stories",
        delete(Answer).where(Answer.member_id == member_id, Answer.source == AnswerSource.STORY),
    )
    await run("answers", delete(Answer).where(Answer.member_id == member_id))
    await run("rsvps", delete(Rsvp).where(Rsvp.member_id == member_id))
    await run("input_runs", delete(InputRun).where(InputRun.member_id == member_id))
    await run("checkins", delete(CheckIn).where(CheckIn.member_id == member_id))
    # «Co-ownership»: proposals and supports go; a proposal already on an agenda stays,
    # with its text and without any link to the person (or their voice).
    await run("proposal_supports", delete(Support).where(Support.member_id == member_id))
    await run(
        "proposals_unlinked",
        update(Proposal)
        .where(Proposal.member_id == member_id, Proposal.on_agenda.is_(True))
        .values(
            member_id=None,
            dedupe_key=None,
            conversation_message_id=None,
            voice_file_id=None,
            voice_duration=None,
        ),
    )
    await run("proposals", delete(Proposal).where(Proposal.member_id == member_id))
    await run(
        "outcome_reactions", delete(OutcomeReaction).where(OutcomeReaction.member_id == member_id)
    )
    await session.execute(delete(ProposalDigest).where(ProposalDigest.member_id == member_id))
    # Conversations with their file ids and the organisers' internal notes about the person.
    threads = select(Conversation.id).where(Conversation.member_id == member_id)
    await run(
        "conversation_messages",
        delete(ConversationMessage).where(ConversationMessage.conversation_id.in_(threads)),
    )
    await run("conversations", delete(Conversation).where(Conversation.member_id == member_id))
    # As an organiser: their answers stay in others' threads, without their id.
    await session.execute(
        update(ConversationMessage)
        .where(ConversationMessage.author_user_id == telegram_id)
        .values(author_user_id=None)
    )
    await session.execute(
        update(Conversation)
        .where(Conversation.taken_by_user_id == telegram_id)
        .values(taken_by_user_id=None)
    )
    await session.execute(
        delete(InboxOrganiser).where(InboxOrganiser.telegram_user_id == telegram_id)
    )
    recipient = or_(OutboxMessage.member_id == member_id, OutboxMessage.chat_id == telegram_id)
    await run(
        "outbox_deleted",
        delete(OutboxMessage).where(recipient, OutboxMessage.state == OutboxState.QUEUED),
    )
    await run(
        "outbox_anonymised",
        update(OutboxMessage).where(recipient).values(member_id=None, chat_id=None),
    )
    counts["dialog_states"] = await dialogs.erase(session, member_id)
    # The contributions log goes; a statement already produced keeps its totals, unlinked.
    counts.update(await contributions.erase(session, member_id, telegram_id))
    # Translation tasks: their offers and what they typed go; a task nobody else holds is
    # withdrawn.
    counts.update(await translation_tasks.erase(session, member_id))
    await run("memberships", delete(Membership).where(Membership.member_id == member_id))
    await run(
        "role_assignments",
        delete(RoleAssignment).where(RoleAssignment.telegram_user_id == telegram_id),
    )
    # What the person did as staff stays, without the link to them.
    for column in (
        RoleAssignment.granted_by_user_id,
        Meeting.created_by_user_id,
        Broadcast.created_by_user_id,
        AuditEvent.actor_user_id,
        Proposal.decided_by_user_id,
        Outcome.created_by_user_id,
    ):
        await session.execute(
            update(column.class_).where(column == telegram_id).values({column.key: None})
        )
    await session.execute(
        update(AuditEvent)
        .where(AuditEvent.target == f"user:{telegram_id}")
        .values(target=ERASED_TARGET)
    )
    await run("members", delete(Member).where(Member.id == member_id))
    session.expunge(member)
    await audit.record(
        session,
        "member.erase",
        now=now,
        row_count=sum(counts.values()),
        details=dict(counts),
    )
    # Once committed, the periodic scrub job makes the old row versions leave the disk.
    notify_after_commit(session, ROWS_ERASED)
    await session.commit()
    return counts


async def reach_disk(engine: AsyncEngine) -> bool | None:
    """After the erasing transaction has committed, never inside it: on SQLite, checkpoint
    the WAL now, so the member's words are gone from the files while the bot runs.

    Returns as `disk.checkpoint` does. PostgreSQL's VACUUM is left to the scrub job: it can
    take a while on a big table, and updates are answered one at a time.
    """
    return await disk.checkpoint(engine)
