"""What an export contains, read from the database as a stream of rows (constant memory)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Row, Select, String, and_, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from bot.db.models import (
    Answer,
    Author,
    Community,
    Conversation,
    ConversationMessage,
    InputRun,
    Meeting,
    MeetingText,
    Member,
    Question,
    QuestionKind,
    QuestionText,
    Rsvp,
)
from bot.services import meetings
from bot.services.reports.figures import Scope, answer_filters, rsvp_filters

# Rows fetched per round trip (a PostgreSQL server-side cursor, a SQLite cursor read in parts):
# each is a hop to the driver's thread and back, which on a busy machine waits for a time slice.
BATCH = 2000
# Rows handed on at a time: between two of them the export reports progress and lets the bot
# answer everyone else.
CHUNK = 500


@dataclass(frozen=True)
class ExportSpec:
    """Which answers to export, and in which language to show questions and meeting titles.

    `since`/`until` are calendar days in the community's time zone, both included.
    `answer_language` keeps only answers given in that language.
    """

    community_id: int
    language: str
    meeting_id: int | None = None
    since: date | None = None
    until: date | None = None
    answer_language: str | None = None
    identifiable: bool = False
    # The members' conversations with the community (a table of its own; off by default).
    conversations: bool = False


@dataclass(frozen=True)
class CommunityInfo:
    id: int
    code: str
    name: str
    default_locale: str
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class MeetingFacts(NamedTuple):
    title: str | None  # in the export language (or the nearest we have)
    starts_at: datetime


# Positions in a row of `answers_query`, for the few readers that need single fields (the
# summary, the XLSX sheet per meeting); the cells themselves unpack the whole row.
ANSWER_MEMBER_ID, ANSWER_MEETING_ID = 1, 4
# And of `rsvps_query`.
RSVP_MEETING_ID, RSVP_MEETING_TITLE, RSVP_MEETING_STARTS, RSVP_STATUS = 3, 4, 5, 6


class UnknownCommunity(LookupError):
    pass


async def community_info(session: AsyncSession, community_id: int) -> CommunityInfo:
    community = await session.get(Community, community_id)
    if community is None:
        raise UnknownCommunity(community_id)
    return CommunityInfo(
        community.id,
        community.code,
        community.name,
        community.default_locale,
        community.time_zone,
    )


def utc_window(
    community: CommunityInfo, since: date | None, until: date | None
) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC for local calendar days, both included (DST-correct)."""
    zone = community.zone
    start = datetime.combine(since, time(), zone).astimezone(UTC) if since else None
    end = (
        datetime.combine(until + timedelta(days=1), time(), zone).astimezone(UTC)
        if until
        else None
    )
    return start, end


def _meeting_title(spec: ExportSpec, community: CommunityInfo) -> Any:
    """The meeting title in the export language → community default → as written."""
    wanted, default, source = (aliased(MeetingText) for _ in range(3))
    joins = [
        (wanted, and_(wanted.meeting_id == Meeting.id, wanted.locale == spec.language)),
        (
            default,
            and_(default.meeting_id == Meeting.id, default.locale == community.default_locale),
        ),
        (source, and_(source.meeting_id == Meeting.id, source.locale == Meeting.source_locale)),
    ]
    return joins, func.coalesce(wanted.title, default.title, source.title)


def scope(spec: ExportSpec, community: CommunityInfo) -> Scope:
    """The export's filters as a figures scope: the summary sheet counts what the rows hold."""
    start, end = utc_window(community, spec.since, spec.until)
    return Scope(
        spec.community_id,
        meeting_id=spec.meeting_id,
        start=start,
        end=end,
        answer_language=spec.answer_language,
    )


def _filters(query: Select[Any], spec: ExportSpec, community: CommunityInfo) -> Select[Any]:
    return query.where(*answer_filters(scope(spec, community)))


async def count_answers(session: AsyncSession, spec: ExportSpec, community: CommunityInfo) -> int:
    """How many rows the answer export will have (for the progress bar)."""
    query = _filters(select(func.count(Answer.id)), spec, community)
    return int(await session.scalar(query) or 0)


def meetings_query(spec: ExportSpec, community: CommunityInfo) -> Select[Any]:
    """Title (in the export language) and start of the community's meetings: read once, so
    the answer rows need neither the three title joins nor a timestamp each."""
    title_joins, title = _meeting_title(spec, community)
    query = select(Meeting.id, title, Meeting.starts_at).where(
        Meeting.community_id == spec.community_id
    )
    for alias, condition in title_joins:
        query = query.outerjoin(alias, condition)
    if spec.meeting_id is not None:
        query = query.where(Meeting.id == spec.meeting_id)
    return query


async def meeting_facts(
    session: AsyncSession, spec: ExportSpec, community: CommunityInfo
) -> dict[int, MeetingFacts]:
    rows = await session.execute(meetings_query(spec, community))
    return {meeting_id: MeetingFacts(title, starts) for meeting_id, title, starts in rows}


def answers_query(spec: ExportSpec, community: CommunityInfo) -> Select[Any]:
    """The query behind an answer export (also run by the benchmark's baseline); meeting
    titles and times come from `meetings_query`."""
    asked, source_text, wanted, default = (aliased(QuestionText) for _ in range(4))
    status = (
        select(InputRun.status)
        .where(
            InputRun.member_id == Answer.member_id,
            or_(
                and_(Answer.checkin_id.is_not(None), InputRun.checkin_id == Answer.checkin_id),
                and_(
                    Answer.checkin_id.is_(None),
                    InputRun.checkin_id.is_(None),
                    InputRun.meeting_id == Answer.meeting_id,
                    InputRun.stage == Question.stage,
                ),
            ),
        )
        .order_by(InputRun.id)
        .limit(1)
        .scalar_subquery()
    )
    # Coded values as the plain strings they are stored as: the export shows the code or its
    # label, and the Enum round trip cost more per row than writing the cell.
    code = lambda column: type_coerce(column, String())  # noqa: E731
    query = (
        select(
            Answer.id,
            Answer.member_id,
            Member.telegram_user_id,
            Member.locale,
            Answer.meeting_id,
            code(Answer.source),
            func.coalesce(wanted.prompt, default.prompt, source_text.prompt),
            func.coalesce(asked.prompt, source_text.prompt),
            asked.options,
            source_text.options,
            Answer.locale,
            Answer.text,
            Answer.value,
            code(Answer.kind),
            Answer.voice_file_id,
            Answer.voice_duration,
            code(Rsvp.status),
            # The stored timestamp without `UTCDateTime`'s call per row: naive UTC on SQLite
            # (the cells add the zone), aware on PostgreSQL.
            type_coerce(Answer.created_at, DateTime(timezone=True)),
            code(status),
        )
        .join(Member, Member.id == Answer.member_id)
        .outerjoin(Meeting, Meeting.id == Answer.meeting_id)
        .outerjoin(Question, Question.id == Answer.question_id)
        .outerjoin(asked, and_(asked.question_id == Question.id, asked.locale == Answer.locale))
        .outerjoin(
            source_text,
            and_(
                source_text.question_id == Question.id,
                source_text.locale == Question.source_locale,
            ),
        )
        .outerjoin(wanted, and_(wanted.question_id == Question.id, wanted.locale == spec.language))
        .outerjoin(
            default,
            and_(default.question_id == Question.id, default.locale == community.default_locale),
        )
        .outerjoin(
            Rsvp, and_(Rsvp.meeting_id == Answer.meeting_id, Rsvp.member_id == Answer.member_id)
        )
    )
    query = _filters(query, spec, community).order_by(
        Answer.meeting_id.is_(None),
        Meeting.starts_at,
        Answer.meeting_id,
        Answer.created_at,
        Answer.id,
    )
    return query


async def answer_batches(
    session: AsyncSession, spec: ExportSpec, community: CommunityInfo
) -> AsyncIterator[Sequence[Row[Any]]]:
    """Every matching answer, story and check-in answer, grouped by meeting (oldest first),
    stories and check-ins without a meeting last; read in batches, never all at once.

    Core rows, not ORM results: the ORM's loading step per row cost as much as writing the
    CSV. Batches, not rows: each step of an async iteration is a switch into SQLAlchemy's
    greenlet, which per row cost more than everything else in an export together."""
    async for batch in _stream(session, answers_query(spec, community)):
        yield batch


def rsvps_query(spec: ExportSpec, community: CommunityInfo) -> Select[Any]:
    """Who said they come to each meeting in the export (by meeting date, then member)."""
    title_joins, title = _meeting_title(spec, community)
    query = (
        select(
            Rsvp.member_id,
            Member.telegram_user_id,
            Member.locale,
            Meeting.id,
            title,
            Meeting.starts_at,
            type_coerce(Rsvp.status, String()),
            Rsvp.updated_at,
        )
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .join(Member, Member.id == Rsvp.member_id)
        .where(*rsvp_filters(scope(spec, community)))
    )
    for alias, condition in title_joins:
        query = query.outerjoin(alias, condition)
    return query.order_by(Meeting.starts_at, Meeting.id, Rsvp.member_id)


async def invitation_languages(
    session: AsyncSession, spec: ExportSpec, community: CommunityInfo
) -> Callable[[int, int, str | None], str | None]:
    """(meeting id, member id, member language) → the language(s) of the invitation that
    member got, as "ar" or "ar+en" (fields from more than one language), along the same
    chain the invitation was rendered with (`bot.services.fallback`).

    Loads the meetings' texts and the languages members read once (a few rows per meeting,
    one per member who reads others); each distinct reader is worked out once."""
    query = (
        select(Meeting)
        .where(Meeting.community_id == spec.community_id)
        .options(selectinload(Meeting.texts))
    )
    if spec.meeting_id is not None:
        query = query.where(Meeting.id == spec.meeting_id)
    found = {meeting.id: meeting for meeting in await session.scalars(query)}
    reading = await session.execute(
        select(Member.id, Member.reads_locales)
        .join(Rsvp, Rsvp.member_id == Member.id)
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .where(Meeting.community_id == spec.community_id)
        .distinct()
    )
    reads = {member_id: tuple(tags) for member_id, tags in reading if tags}
    known: dict[tuple[int, str | None, tuple[str, ...]], str | None] = {}

    def read_in(meeting_id: int, member_id: int, locale: str | None) -> str | None:
        theirs = reads.get(member_id, ())
        key = (meeting_id, locale, theirs)
        if key not in known:
            meeting = found.get(meeting_id)
            known[key] = (
                "+".join(
                    meetings.text_for(
                        meeting,
                        locale or community.default_locale,
                        community.default_locale,
                        reads=theirs,
                    ).locales
                )
                if meeting is not None and meeting.texts
                else None
            )
        return known[key]

    return read_in


async def rsvp_batches(
    session: AsyncSession, spec: ExportSpec, community: CommunityInfo
) -> AsyncIterator[Sequence[Row[Any]]]:
    async for batch in _stream(session, rsvps_query(spec, community)):
        yield batch


def conversations_query(spec: ExportSpec, community: CommunityInfo) -> Select[Any]:
    """What members wrote and organisers answered, thread by thread, in order. Internal notes
    stay out (they are the organisers' working notes, not the conversation), and so does who
    answered: an organiser is "organiser", never a Telegram id."""
    query = (
        select(
            Conversation.id,
            Conversation.member_id,
            Member.telegram_user_id,
            Member.locale,
            type_coerce(Conversation.status, String()),
            Conversation.opened_at,
            type_coerce(ConversationMessage.author, String()),
            type_coerce(ConversationMessage.origin, String()),
            type_coerce(ConversationMessage.kind, String()),
            ConversationMessage.text,
            ConversationMessage.file_id,
            ConversationMessage.duration,
            ConversationMessage.created_at,
        )
        .join(Conversation, Conversation.id == ConversationMessage.conversation_id)
        .join(Member, Member.id == Conversation.member_id)
        .where(
            Conversation.community_id == spec.community_id,
            ConversationMessage.author != Author.NOTE,
        )
    )
    start, end = utc_window(community, spec.since, spec.until)
    if start is not None:
        query = query.where(ConversationMessage.created_at >= start)
    if end is not None:
        query = query.where(ConversationMessage.created_at < end)
    if spec.answer_language:
        query = query.where(Member.locale == spec.answer_language)
    return query.order_by(
        Conversation.opened_at,
        Conversation.id,
        ConversationMessage.created_at,
        ConversationMessage.id,
    )


async def conversation_batches(
    session: AsyncSession, spec: ExportSpec, community: CommunityInfo
) -> AsyncIterator[Sequence[Row[Any]]]:
    async for batch in _stream(session, conversations_query(spec, community)):
        yield batch


async def _stream(session: AsyncSession, query: Select[Any]) -> AsyncIterator[Sequence[Row[Any]]]:
    connection = await session.connection()
    result = await connection.stream(query, execution_options={"yield_per": BATCH})
    async for partition in result.partitions():
        for start in range(0, len(partition), CHUNK):
            if start:
                await asyncio.sleep(0)
            yield partition[start : start + CHUNK]


def answer_as_given(
    kind: QuestionKind | str, text: str | None, value: Any, options: list[str] | None
) -> str | int | None:
    """What the member said: their words, or the choice labels as they saw them, or the
    number/date/yes-no they gave."""
    if text:
        return text
    if value is None:
        return None
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        chosen = value if isinstance(value, list) else [value]
        labels = []
        for index in chosen:
            if isinstance(index, int) and options and 0 <= index < len(options):
                labels.append(options[index])
            else:
                labels.append(str(index))
        return "; ".join(labels)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    return str(value)
