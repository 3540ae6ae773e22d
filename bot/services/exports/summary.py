"""Figures gathered while rows stream past, for the XLSX summary sheet and the audit log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.exports.rows import (
    ANSWER_MEETING_ID,
    ANSWER_MEMBER_ID,
    RSVP_MEETING_ID,
    RSVP_MEETING_STARTS,
    RSVP_MEETING_TITLE,
    RSVP_STATUS,
    MeetingFacts,
)


@dataclass
class MeetingFigures:
    title: str | None
    starts_local: datetime | None
    answers: int = 0
    # Member ids only (never codes or Telegram ids): bounded by the community's size.
    members: set[int] = field(default_factory=set)
    rsvps: Counter[str] = field(default_factory=Counter)


@dataclass
class Summary:
    answers: int = 0
    rsvps: int = 0
    conversation_messages: int = 0
    meetings: dict[int, MeetingFigures] = field(default_factory=dict)
    # Stories and check-in answers that belong to no meeting.
    without_meeting: int = 0

    def meeting(
        self, meeting_id: int, title: str | None, starts_local: datetime | None
    ) -> MeetingFigures:
        figures = self.meetings.get(meeting_id)
        if figures is None:
            figures = self.meetings[meeting_id] = MeetingFigures(title, starts_local)
        return figures

    def add_answers(
        self, rows: Sequence[Sequence[Any]], meetings: dict[int, MeetingFacts], zone: ZoneInfo
    ) -> None:
        """Count a batch of `answers_query` rows (grouped by meeting, so one look-up a run)."""
        current: int | None = None
        figures: MeetingFigures | None = None
        for row in rows:
            meeting_id = row[ANSWER_MEETING_ID]
            if meeting_id is None:
                self.without_meeting += 1
                continue
            if figures is None or meeting_id != current:
                current = meeting_id
                facts = meetings.get(meeting_id)
                figures = self.meeting(
                    meeting_id,
                    facts.title if facts else None,
                    facts.starts_at.astimezone(zone) if facts else None,
                )
            figures.answers += 1
            figures.members.add(row[ANSWER_MEMBER_ID])

    def add_rsvps(self, rows: Sequence[Sequence[Any]], zone: ZoneInfo) -> None:
        for row in rows:
            figures = self.meeting(
                row[RSVP_MEETING_ID],
                row[RSVP_MEETING_TITLE],
                row[RSVP_MEETING_STARTS].astimezone(zone),
            )
            figures.rsvps[row[RSVP_STATUS]] += 1
