"""Figures gathered while rows stream past, for the XLSX summary sheet and the audit log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


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
