"""An iCalendar (RFC 5545) file for one meeting, so members can add it to their calendar.

Times are written in UTC (the `Z` form) so every calendar app shows them in its own zone
without needing our zone definitions. The UID is stable and SEQUENCE follows the meeting's
version, so importing the file again after a move updates the event instead of adding one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meeting, MeetingStatus, Member
from bot.services import communities, meetings
from bot.services.meetings import DEFAULT_DURATION, ShownText


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded, never inside a UTF-8 character."""
    out, current = [], ""
    for ch in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def ics(meeting: Meeting, text: ShownText, *, now: datetime, host: str = "samen") -> bytes:
    ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_DURATION
    location = text.place or meeting.online_url or ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Samen//Meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}",
        f"SEQUENCE:{meeting.version}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(ends_at)}",
        f"SUMMARY:{_escape(text.title)}",
    ]
    if text.description:
        lines.append(f"DESCRIPTION:{_escape(text.description)}")
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if meeting.online_url:
        lines.append(f"URL:{meeting.online_url}")
    cancelled = meeting.status == MeetingStatus.CANCELLED
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    folded = [part for line in lines for part in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode("utf-8")


def filename(meeting: Meeting) -> str:
    """Server-made, never from the title: `meeting-12.ics`."""
    return f"meeting-{meeting.id}.ics"


async def for_member(
    session: AsyncSession, member: Member, meeting_id: int, *, now: datetime
) -> tuple[str, bytes] | None:
    """(file name, contents) of the meeting's calendar file in the member's language; None
    when there is no such meeting or it belongs to a community they have not joined."""
    meeting = await meetings.for_member(session, member.id, meeting_id)
    if meeting is None:
        return None
    community = await communities.get(session, meeting.community_id)
    default = community.default_locale if community else meeting.source_locale
    text = meetings.text_for(meeting, member.locale, default, reads=member.reads_locales)
    return filename(meeting), ics(meeting, text, now=now)
