"""Exports for coordinators: one row per answer, story and check-in answer, with pseudonymous
member codes, in CSV, XLSX or JSONL; streamed, audited, safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.db.models import Community, Meeting, MeetingText
from bot.i18n import Translator
from bot.services import audit
from bot.services.exports import proposals as proposal_exports
from bot.services.exports.columns import (
    ANSWER_COLUMNS,
    CONVERSATION_COLUMNS,
    RSVP_COLUMNS,
    answer_cells,
    columns,
    conversation_cells,
    rsvp_cells,
)
from bot.services.exports.pseudonyms import MemberCodes, member_codes
from bot.services.exports.rows import (
    CommunityInfo,
    ExportSpec,
    UnknownCommunity,
    answer_batches,
    community_info,
    conversation_batches,
    count_answers,
    invitation_languages,
    meeting_facts,
    rsvp_batches,
    scope,
)
from bot.services.exports.summary import Summary, sheet_figures
from bot.services.exports.writers import CsvWriter, ExportWriter, JsonlWriter
from bot.services.exports.xlsx import XlsxExport
from bot.services.reports import figures
from bot.services.reports.figures import Told

__all__ = [
    "FORMATS",
    "TABLES",
    "ExportResult",
    "ExportSpec",
    "MeetingChoice",
    "MemberCodes",
    "UnknownCommunity",
    "community_info",
    "community_names",
    "count_answers",
    "export",
    "file_name",
    "meeting_in_community",
    "member_codes",
    "recent_meetings",
]

FORMATS = ("csv", "xlsx", "jsonl")
TABLES = ("answers", "rsvps", "conversations", *proposal_exports.TABLES)


@dataclass(frozen=True)
class ExportResult:
    answers: int  # rows: answers, stories and check-in answers together
    rsvps: int
    conversation_messages: int = 0
    # The figures (`reports.figures`) of what the export holds: answers and stories apart.
    told: Told = field(default_factory=lambda: Told(0, 0, 0))
    proposals: int = 0  # proposals, supports and outcomes rows («Co-ownership»)

    @property
    def rows(self) -> int:
        return self.answers + self.rsvps + self.conversation_messages + self.proposals


@dataclass(frozen=True)
class MeetingChoice:
    id: int
    title: str | None
    starts_at: datetime


def file_name(
    community_code: str,
    meeting_id: int | None,
    fmt: str,
    now: datetime,
    *,
    table: str = "answers",
) -> str:
    """A name the server makes: only the community code (letters, digits, - and _), ids, the
    time and the format, so nothing a person typed ends up in a path."""
    scope = f"meeting-{meeting_id}" if meeting_id is not None else "all"
    kind = "" if table == "answers" else f"-{table}"
    return f"samen-{community_code}-{scope}{kind}-{now:%Y%m%d-%H%M}.{fmt}"


def _writer(
    fmt: str,
    out: BinaryIO,
    t: Translator,
    community: CommunityInfo,
    spec: ExportSpec,
    now: datetime,
    table: str,
) -> ExportWriter:
    if fmt == "csv":
        return CsvWriter(out, t, table=table)
    if fmt == "jsonl":
        return JsonlWriter(out)
    if fmt == "xlsx":
        return XlsxExport(out, t, community=community, spec=spec, generated_at=now)
    raise ValueError(f"unknown export format {fmt!r}")


async def export(
    sessions: async_sessionmaker[AsyncSession],
    spec: ExportSpec,
    fmt: str,
    out: BinaryIO,
    *,
    translator: Translator,
    codes: MemberCodes,
    now: datetime,
    actor_user_id: int | None,
    channel: str,
    table: str = "answers",
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the export to `out` and record it in the audit log (who, what, how many rows).

    `translator` is the export language: headers, sheet names. CSV holds one table
    (`table`: answers, rsvps or conversations); XLSX and JSONL hold answers and RSVPs, and the
    conversations too when `spec.conversations` asks for them.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    if table == "conversations" and not spec.conversations:
        raise ValueError("the conversations table needs spec.conversations")
    if table in proposal_exports.TABLES:
        return await _export_proposals(
            sessions, spec, fmt, out, translator, codes, now, actor_user_id, channel, table
        )
    summary = Summary()
    async with sessions() as session:
        community = await community_info(session, spec.community_id)
        writer = _writer(fmt, out, translator, community, spec, now, table)
        meetings = await meeting_facts(session, spec, community) if writer.wants_answers else {}
        if writer.wants_answers:
            writer.start_answers(columns(ANSWER_COLUMNS, spec.identifiable), meetings)
            cells = answer_cells(writer.style, community, codes, spec.identifiable, meetings)
            # Progress after each chunk (`rows.CHUNK` rows): often enough for a progress bar.
            async for batch in answer_batches(session, spec, community):
                writer.answers(batch, cells)
                summary.answers += len(batch)
                if progress is not None:
                    progress(summary.answers)
        if writer.wants_rsvps:
            writer.start_rsvps(columns(RSVP_COLUMNS, spec.identifiable))
            read_in = await invitation_languages(session, spec, community)
            cells = rsvp_cells(writer.style, community, codes, spec.identifiable, read_in)
            async for batch in rsvp_batches(session, spec, community):
                writer.rsvps(batch, cells)
                summary.rsvps += len(batch)
        if writer.wants_conversations and spec.conversations:
            writer.start_conversations(columns(CONVERSATION_COLUMNS, spec.identifiable))
            cells = conversation_cells(writer.style, community, codes, spec.identifiable)
            async for batch in conversation_batches(session, spec, community):
                writer.conversations(batch, cells)
                summary.conversation_messages += len(batch)
        told = await figures.told(session, scope(spec, community))
        if writer.wants_summary:
            summary.figures = await sheet_figures(session, spec, community, meetings, told)
        writer.finish(summary)
    if progress is not None:
        progress(summary.answers)
    result = ExportResult(
        answers=summary.answers,
        rsvps=summary.rsvps,
        conversation_messages=summary.conversation_messages,
        told=told,
    )
    async with sessions() as session:
        await audit.record(
            session,
            "export.identifiable" if spec.identifiable else "export",
            now=now,
            actor_user_id=actor_user_id,
            community_id=community.id,
            target=f"meeting:{spec.meeting_id}"
            if spec.meeting_id
            else f"community:{community.code}",
            row_count=result.rows,
            details={
                "channel": channel,
                "format": fmt,
                "table": table
                if fmt == "csv"
                else "answers+rsvps+conversations"
                if spec.conversations
                else "answers+rsvps",
                "identifiable": spec.identifiable,
                "language": spec.language,
                "meeting_id": spec.meeting_id,
                "from": spec.since.isoformat() if spec.since else None,
                "to": spec.until.isoformat() if spec.until else None,
                "answer_language": spec.answer_language,
                "answers": result.answers,
                "rsvps": result.rsvps,
                "conversation_messages": result.conversation_messages,
            },
        )
        await session.commit()
    return result


async def recent_meetings(
    session: AsyncSession, community_id: int, language: str, *, limit: int = 8
) -> Sequence[MeetingChoice]:
    """The community's latest meetings (newest first), titled in `language` where we can."""
    wanted, source = aliased(MeetingText), aliased(MeetingText)
    default = aliased(MeetingText)
    query = (
        select(
            Meeting.id,
            func.coalesce(wanted.title, default.title, source.title),
            Meeting.starts_at,
        )
        .join(Community, Community.id == Meeting.community_id)
        .outerjoin(wanted, and_(wanted.meeting_id == Meeting.id, wanted.locale == language))
        .outerjoin(
            default,
            and_(default.meeting_id == Meeting.id, default.locale == Community.default_locale),
        )
        .outerjoin(
            source, and_(source.meeting_id == Meeting.id, source.locale == Meeting.source_locale)
        )
        .where(Meeting.community_id == community_id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return [MeetingChoice(*row) for row in (await session.execute(query)).all()]


async def community_names(
    session: AsyncSession, community_ids: Sequence[int]
) -> list[tuple[int, str]]:
    """(id, name) of these communities, by name: the choice a coordinator of several gets."""
    rows = await session.execute(
        select(Community.id, Community.name)
        .where(Community.id.in_(community_ids))
        .order_by(Community.name, Community.id)
    )
    return [(community_id, name) for community_id, name in rows.all()]


async def meeting_in_community(session: AsyncSession, meeting_id: int, community_id: int) -> bool:
    found = await session.scalar(
        select(Meeting.id).where(Meeting.id == meeting_id, Meeting.community_id == community_id)
    )
    return found is not None


async def _export_proposals(
    sessions: async_sessionmaker[AsyncSession],
    spec: ExportSpec,
    fmt: str,
    out: BinaryIO,
    translator: Translator,
    codes: MemberCodes,
    now: datetime,
    actor_user_id: int | None,
    channel: str,
    table: str,
) -> ExportResult:
    """Proposals, supports and outcomes: one table per CSV file, all three in JSONL and XLSX."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    async with sessions() as session:
        community = await community_info(session, spec.community_id)
        found = await proposal_exports.tables(session, community.id, spec.meeting_id, codes)
    if fmt == "csv":
        proposal_exports.write_csv(out, translator, table, found.rows(table))
        count = len(found.rows(table))
    else:
        if fmt == "jsonl":
            proposal_exports.write_jsonl(out, found)
        else:
            proposal_exports.write_xlsx(out, translator, found, table)
        count = sum(len(found.rows(name)) for name in proposal_exports.TABLES)
    async with sessions() as session:
        await audit.record(
            session,
            "export",
            now=now,
            actor_user_id=actor_user_id,
            community_id=community.id,
            target=f"meeting:{spec.meeting_id}"
            if spec.meeting_id
            else f"community:{community.code}",
            row_count=count,
            details={
                "channel": channel,
                "format": fmt,
                "table": table if fmt == "csv" else "proposals+supports+outcomes",
                "meeting_id": spec.meeting_id,
            },
        )
        await session.commit()
    return ExportResult(answers=0, rsvps=0, proposals=count)
