"""What an export counted: the rows written (for the audit log and the progress bar) and, for
the XLSX summary sheet, the figures — counted by `reports.figures`, the one place each figure
is counted, with the export's own filters, so the sheet and a report agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.exports.rows import CommunityInfo, ExportSpec, MeetingFacts, scope
from bot.services.reports import figures
from bot.services.reports.figures import RsvpCounts, Told


@dataclass(frozen=True)
class MeetingLine:
    meeting_id: int
    title: str | None
    starts_local: datetime | None
    answers: int
    members: int  # who answered
    rsvps: RsvpCounts


@dataclass(frozen=True)
class SheetFigures:
    told: Told
    rsvps: int
    meetings: list[MeetingLine] = field(default_factory=list)


@dataclass
class Summary:
    # Rows written: answers, stories and check-in answers together; RSVPs; messages.
    answers: int = 0
    rsvps: int = 0
    conversation_messages: int = 0
    figures: SheetFigures | None = None  # only for writers that show them (XLSX)


async def sheet_figures(
    session: AsyncSession,
    spec: ExportSpec,
    community: CommunityInfo,
    meetings: dict[int, MeetingFacts],
    told: Told,
) -> SheetFigures:
    """The summary sheet's figures for the export's scope; a meeting is listed when it has
    answers or RSVPs in it, by start."""
    where = scope(spec, community)
    answered = await figures.answers_per_meeting(session, where)
    rsvps = await figures.rsvps_per_meeting(session, where)
    zone = community.zone
    lines = []
    for meeting_id in answered.keys() | rsvps.keys():
        facts = meetings.get(meeting_id)
        counts = answered.get(meeting_id)
        lines.append(
            MeetingLine(
                meeting_id=meeting_id,
                title=facts.title if facts else None,
                starts_local=facts.starts_at.astimezone(zone) if facts else None,
                answers=counts.answers if counts else 0,
                members=counts.members if counts else 0,
                rsvps=rsvps.get(meeting_id, RsvpCounts()),
            )
        )
    lines.sort(key=lambda ln: (ln.starts_local is None, ln.starts_local or 0, ln.meeting_id))
    return SheetFigures(
        told=told,
        rsvps=sum(counts.total for counts in rsvps.values()),
        meetings=lines,
    )
