"""The columns of an export: stable keys (JSONL, tests), translated headers, widths, values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.i18n import N_
from bot.services.exports.cells import safe_repeated, safe_text
from bot.services.exports.pseudonyms import MemberCodes
from bot.services.exports.rows import CommunityInfo, MeetingFacts, answer_as_given

Value = str | int | float | date | datetime | None


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
    # The language(s) the member's invitation came in: their text, field by field, along
    # their chain (their language, the others they read, the community's, the written-in).
    Column("invitation_language", N_("Invitation read in"), 10),
)

CONVERSATION_COLUMNS: tuple[Column, ...] = (
    Column("conversation_id", N_("Conversation id"), 10),
    Column("member_code", N_("Member code"), 16),
    Column("telegram_user_id", N_("Telegram user id"), 14, identifying=True),
    Column("member_language", N_("Member language"), 10),
    Column("community", N_("Community"), 22),
    Column("status", N_("Conversation status"), 12),
    Column("opened_at_local", N_("Opened at (local time)"), 18),
    Column("author", N_("Written by"), 12),
    Column("source", N_("Given as"), 10),
    Column("message_type", N_("Message type"), 12),
    Column("message", N_("Message"), 60),
    Column("file_id", N_("File reference"), 24),
    Column("voice_duration", N_("Voice note seconds"), 10),
    Column("written_at_local", N_("Written at (local time)"), 18),
    Column("written_at_utc", N_("Written at (UTC)"), 18),
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
    # Conversations: who wrote, where it came from, what it was, where the thread stands.
    "member": N_("Member"),
    "organiser": N_("Organiser"),
    "chat": N_("Chat"),
    "photo": N_("Photo"),
    "document": N_("Document"),
    "sticker": N_("Sticker"),
    "location": N_("Location"),
    "contact": N_("Contact"),
    "other": N_("Other"),
    "open": N_("Open"),
    "closed": N_("Closed"),
    "choosing": N_("Choosing a community"),
}


@dataclass(frozen=True)
class Style:
    """How a format wants its cells: text made safe for spreadsheets or kept as given, coded
    values as translated labels or as codes, times as text or as datetimes."""

    text: Callable[[str], str]  # for text that differs on every row (answers)
    repeated: Callable[[str], str]  # for text that repeats (titles, questions): may cache
    labels: Callable[[str], str] | None  # gettext for coded values; None keeps the codes
    local: Callable[[datetime], Value]  # an aware local time → its cell
    utc: Callable[[datetime], Value]  # an aware UTC time → its cell
    # Answers as typed cells: a scale answer a number, a date answer a date, yes/no a word in
    # the export language (XLSX); else as the member's text was stored ("4", "yes").
    typed: bool = False


def _as_given(value: str) -> str:
    return value


def _same(moment: datetime) -> Value:
    return moment


def _iso(moment: datetime) -> Value:
    return moment.isoformat()


def _local_text(moment: datetime) -> Value:
    # isoformat (cut before the offset) is several times faster than strftime.
    return moment.isoformat(sep=" ", timespec="minutes")[:16]


def _utc_text(moment: datetime) -> Value:
    return moment.isoformat(timespec="seconds")[:19] + "Z"


# CSV: local times without an offset (the column says local), UTC with Z.
TEXT_STYLE = Style(safe_text, safe_repeated, None, _local_text, _utc_text)
# XLSX: date cells (Excel has no time zones: the header says which clock it is).
SHEET_STYLE = Style(safe_text, safe_repeated, None, _same, _same, typed=True)
# JSONL: codes and text exactly as given (JSON is no spreadsheet), ISO times with offsets.
DATA_STYLE = Style(_as_given, _as_given, None, _iso, _iso)


def translated(style: Style, gettext: Callable[[str], str]) -> Style:
    """The style with coded values shown in the export language."""
    return Style(style.text, style.repeated, gettext, style.local, style.utc, style.typed)


def columns(table: tuple[Column, ...], identifiable: bool) -> tuple[Column, ...]:
    return tuple(c for c in table if identifiable or not c.identifying)


def _labels(style: Style) -> dict[str | None, str | None]:
    """Code → cell; a code Samen does not know stays as it is (see `.get(code, code)`)."""
    if style.labels is None:
        return {}
    return {code: style.repeated(style.labels(message)) for code, message in VALUE_LABELS.items()}


Cells = Callable[[Sequence[Any]], list[Value]]

# Answer types whose stored value makes a better cell than their text.
_TYPED = frozenset({"scale", "yes_no", "date"})


def typed_answer(kind: str, value: Any, yes_no: dict[bool, str], text: str | None) -> Value:
    """A scale, yes/no or date answer as its cell; a value of another shape (an old row, a
    changed question) as the member's text rather than a wrong number or date."""
    if kind == "scale" and value.__class__ in (int, float):
        return value
    if kind == "yes_no" and value.__class__ is bool:
        return yes_no[value]
    if kind == "date" and value.__class__ is str:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return text or str(value)


def answer_cells(
    style: Style,
    community: CommunityInfo,
    codes: MemberCodes,
    identifiable: bool,
    facts: dict[int, MeetingFacts],
) -> Cells:
    """A function from a row of `answers_query` to its cells, in ANSWER_COLUMNS order.

    One call per row with everything bound beforehand: what repeats (the community, each
    meeting's title and start, labels, questions) is worked out once; per row only the
    answer's text and its two times are new.
    """
    zone = community.zone
    code, text, repeated = codes.code, style.text, style.repeated
    local_cell, utc_cell = style.local, style.utc
    label = _labels(style).get
    name = repeated(community.name)
    meetings: dict[int | None, tuple[Value, Value]] = {None: (None, None)}
    typed = style.typed
    words = style.labels or _as_given
    yes_no = {True: repeated(words(N_("Yes"))), False: repeated(words(N_("No")))}

    def meeting(meeting_id: int) -> tuple[Value, Value]:
        known = facts.get(meeting_id)
        found = meetings[meeting_id] = (
            repeated(known.title) if known is not None and known.title is not None else None,
            local_cell(known.starts_at.astimezone(zone)) if known is not None else None,
        )
        return found

    def cells(row: Sequence[Any]) -> list[Value]:
        (
            _,
            member_id,
            telegram_user_id,
            member_language,
            meeting_id,
            source,
            question,
            question_as_asked,
            asked_options,
            source_options,
            answer_language,
            answer,
            value,
            kind,
            voice_file_id,
            voice_duration,
            rsvp,
            answered_at,
            input_status,
        ) = row
        title_cell, starts_cell = meetings.get(meeting_id) or meeting(meeting_id)
        if answered_at.tzinfo is None:  # SQLite keeps naive UTC
            answered_at = answered_at.replace(tzinfo=UTC)
        if typed and value is not None and kind in _TYPED:
            answer = typed_answer(kind, value, yes_no, answer)
        elif not answer:
            answer = (
                answer_as_given(kind, None, value, asked_options or source_options)
                if value is not None
                else None
            )
        values: list[Value] = [
            code(member_id),
            # Language codes are Samen's own (never typed by a person): nothing to neutralise.
            member_language,
            name,
            meeting_id,
            title_cell,
            starts_cell,
            label(source, source),
            repeated(question) if question is not None else None,
            repeated(question_as_asked) if question_as_asked is not None else None,
            answer_language,
            text(answer) if answer.__class__ is str else answer,
            label(kind, kind),
            text(voice_file_id) if voice_file_id is not None else None,
            voice_duration,
            label(rsvp, rsvp),
            local_cell(answered_at.astimezone(zone)),
            utc_cell(answered_at),
            label(input_status, input_status),
        ]
        if identifiable:
            values.insert(1, telegram_user_id)
        return values

    return cells


def rsvp_cells(
    style: Style,
    community: CommunityInfo,
    codes: MemberCodes,
    identifiable: bool,
    read_in: Callable[[int, int, str | None], str | None] = lambda *_: None,
) -> Cells:
    """A function from a row of `rsvps_query` to its cells, in RSVP_COLUMNS order;
    `read_in(meeting id, member id, member language)` is the invitation's language(s)."""
    zone = community.zone
    code, repeated, local_cell, utc_cell = codes.code, style.repeated, style.local, style.utc
    label = _labels(style).get

    def cells(row: Sequence[Any]) -> list[Value]:
        member_id, telegram_user_id, member_language, meeting_id, title, starts, status, at = row
        values: list[Value] = [
            meeting_id,
            repeated(title) if title is not None else None,
            local_cell(starts.astimezone(zone)),
            code(member_id),
            member_language,
            label(status, status),
            local_cell(at.astimezone(zone)),
            utc_cell(at),
            read_in(meeting_id, member_id, member_language),
        ]
        if identifiable:
            values.insert(4, telegram_user_id)
        return values

    return cells


def conversation_cells(
    style: Style, community: CommunityInfo, codes: MemberCodes, identifiable: bool
) -> Cells:
    """A function from a row of `conversations_query` to its cells, in CONVERSATION_COLUMNS
    order. Members' words and file references go through `style.text` (formula-safe)."""
    zone = community.zone
    code, text, local_cell, utc_cell = codes.code, style.text, style.local, style.utc
    label = _labels(style).get
    name = style.repeated(community.name)

    def cells(row: Sequence[Any]) -> list[Value]:
        (
            conversation_id,
            member_id,
            telegram_user_id,
            member_language,
            status,
            opened_at,
            author,
            origin,
            kind,
            words,
            file_id,
            duration,
            written_at,
        ) = row
        if opened_at.tzinfo is None:  # SQLite keeps naive UTC
            opened_at = opened_at.replace(tzinfo=UTC)
        if written_at.tzinfo is None:
            written_at = written_at.replace(tzinfo=UTC)
        values: list[Value] = [
            conversation_id,
            code(member_id),
            member_language,
            name,
            label(status, status),
            local_cell(opened_at.astimezone(zone)),
            label(author, author),
            label(origin, origin),
            label(kind, kind),
            text(words) if words is not None else None,
            text(file_id) if file_id is not None else None,
            duration,
            local_cell(written_at.astimezone(zone)),
            utc_cell(written_at),
        ]
        if identifiable:
            values.insert(2, telegram_user_id)
        return values

    return cells
