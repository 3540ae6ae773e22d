"""The columns of an export: stable keys (JSONL, tests), translated headers, widths, values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import N_
from bot.services.exports.pseudonyms import MemberCodes
from bot.services.exports.rows import AnswerRow, CommunityInfo, RsvpRow

Value = str | int | datetime | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # msgid; translated into the export language for CSV and XLSX headers
    width: int  # characters, for XLSX
    identifying: bool = False  # only in identifiable exports


ANSWER_COLUMNS: tuple[Column, ...] = (
    Column("member_code", N_("Member code"), 16),
    Column("telegram_user_id", N_("Telegram user id"), 14, identifying=True),
    Column("member_language", N_("Member language"), 10),
    Column("community", N_("Community"), 22),
    Column("meeting_id", N_("Meeting id"), 8),
    Column("meeting", N_("Meeting"), 30),
    Column("meeting_starts_local", N_("Meeting starts (local time)"), 18),
    Column("source", N_("Given as"), 10),
    Column("question", N_("Question"), 40),
    Column("question_as_asked", N_("Question as asked"), 40),
    Column("answer_language", N_("Answer language"), 10),
    Column("answer", N_("Answer"), 60),
    Column("answer_type", N_("Answer type"), 14),
    Column("voice_file_id", N_("Voice note reference"), 24),
    Column("voice_duration", N_("Voice note seconds"), 10),
    Column("rsvp", N_("RSVP"), 10),
    Column("answered_at_local", N_("Answered at (local time)"), 18),
    Column("answered_at_utc", N_("Answered at (UTC)"), 18),
    Column("input_status", N_("Input status"), 12),
)

RSVP_COLUMNS: tuple[Column, ...] = (
    Column("meeting_id", N_("Meeting id"), 8),
    Column("meeting", N_("Meeting"), 30),
    Column("meeting_starts_local", N_("Meeting starts (local time)"), 18),
    Column("member_code", N_("Member code"), 16),
    Column("telegram_user_id", N_("Telegram user id"), 14, identifying=True),
    Column("member_language", N_("Member language"), 10),
    Column("rsvp", N_("RSVP"), 10),
    Column("rsvp_at_local", N_("RSVP given at (local time)"), 18),
    Column("rsvp_at_utc", N_("RSVP given at (UTC)"), 18),
)


# Coded values (answer source and type, RSVP, input status) as spreadsheet readers see them,
# in the export language. JSONL keeps the codes: programs compare them.
VALUE_LABELS: dict[str, str] = {
    "meeting": N_("Meeting"),
    "story": N_("Story"),
    "checkin": N_("Check-in"),
    "text": N_("Text"),
    "single_choice": N_("Single choice"),
    "multiple_choice": N_("Multiple choice"),
    "scale": N_("Scale"),
    "yes_no": N_("Yes/no"),
    "date": N_("Date"),
    "voice": N_("Voice note"),
    # Third person: the member's own buttons say "Going" as "I am coming".
    "going": N_("Coming"),
    "maybe": N_("Maybe"),
    "not_going": N_("Not coming"),
    "partial": N_("Partly answered"),
    "completed": N_("Completed"),
    "expired": N_("Expired"),
}
Label = Callable[[str | None], str | None]


def codes_as_given(code: str | None) -> str | None:
    return code


def translated_codes(gettext: Callable[[str], str]) -> Label:
    """Codes shown in the export language (a code Samen does not know stays as it is)."""
    labels = {code: gettext(message) for code, message in VALUE_LABELS.items()}

    def label(code: str | None) -> str | None:
        return labels.get(code, code) if code is not None else None

    return label


def columns(table: tuple[Column, ...], identifiable: bool) -> tuple[Column, ...]:
    return tuple(c for c in table if identifiable or not c.identifying)


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment is not None else None


def answer_values(
    row: AnswerRow,
    codes: MemberCodes,
    community: CommunityInfo,
    identifiable: bool,
    label: Label = codes_as_given,
) -> list[Value]:
    """The cells of one answer row, in ANSWER_COLUMNS order."""
    zone = community.zone
    values: list[Value] = [codes.code(row.member_id)]
    if identifiable:
        values.append(row.telegram_user_id)
    values += [
        row.member_language,
        community.name,
        row.meeting_id,
        row.meeting_title,
        local(row.meeting_starts_at, zone),
        label(row.source),
        row.question,
        row.question_as_asked,
        row.answer_language,
        row.answer,
        label(row.kind),
        row.voice_file_id,
        row.voice_duration,
        label(row.rsvp),
        local(row.answered_at, zone),
        row.answered_at,
        label(row.input_status),
    ]
    return values


def rsvp_values(
    row: RsvpRow,
    codes: MemberCodes,
    community: CommunityInfo,
    identifiable: bool,
    label: Label = codes_as_given,
) -> list[Value]:
    """The cells of one RSVP row, in RSVP_COLUMNS order."""
    zone = community.zone
    values: list[Value] = [
        row.meeting_id,
        row.meeting_title,
        local(row.meeting_starts_at, zone),
        codes.code(row.member_id),
    ]
    if identifiable:
        values.append(row.telegram_user_id)
    values += [
        row.member_language,
        label(row.status),
        local(row.updated_at, zone),
        row.updated_at,
    ]
    return values
