"""XLSX through XlsxWriter in `constant_memory` mode: each row goes to its sheet's temporary
file as soon as the next one starts, so memory stays flat however many rows there are. A
summary sheet first, a sheet per meeting, one sheet for stories and check-in answers without a
meeting, and the RSVP list.

Cells keep their types: numbers (scale answers, counts, seconds, ids) are numbers, times and
dates are date cells in an unambiguous `yyyy-mm-dd hh:mm` / `yyyy-mm-dd` format (the same in
every export language: day and month never swap, and the columns sort), yes/no answers are
words in the export language. Every sheet prints landscape on A4, one page wide (as many tall
as needed), its header row repeated on every page and wrapped in its cell."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from bot.i18n import N_, Translator
from bot.services.exports.cells import is_rtl, safe_text
from bot.services.exports.columns import SHEET_STYLE, Cells, Column, Value, translated
from bot.services.exports.rows import ANSWER_MEETING_ID, CommunityInfo, ExportSpec, MeetingFacts
from bot.services.exports.summary import Summary

# Excel's limits for sheet names: 31 characters, none of these.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SUMMARY_WIDTHS = (30, 40, 18, 10, 12, 10, 10, 10)
# Columns that hold words (which may be Arabic or Farsi); the others hold codes, numbers, times.
_WORDS = frozenset(
    {"community", "meeting", "source", "question", "question_as_asked", "answer", "answer_type"}
    | {"rsvp", "input_status", "status", "author", "message_type", "message"}
    | {"text", "decline_reason"}  # a member's proposal and the organiser's reason
)

SUMMARY_SHEET = N_("Summary")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
PAPER_A4 = 9
NO_MEETING_SHEET = N_("Stories and check-ins")
RSVP_SHEET = N_("RSVPs")
CONVERSATIONS_SHEET = N_("Conversations")


class XlsxBook:
    """The workbook and what every sheet of every export gets: typed cells, the print set-up,
    right-to-left where the export language runs so, a wrapped header row repeated on paper."""

    def __init__(self, out: BinaryIO, t: Translator) -> None:
        self._t = t
        self._book = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                # Text stays text: what looks like a formula, a number or a link is a member's
                # words (and `safe_text` has already put a ' before anything formula-like).
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                # Excel has no time zones: the column header says which clock a time is on.
                "remove_timezone": True,
                "default_date_format": DATETIME_FORMAT,
            },
        )
        self._bold = self._book.add_format({"bold": True})
        # Headers wrap rather than being cut off at the column's width (on screen and paper).
        self._header = self._book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self._day = self._book.add_format({"num_format": DATE_FORMAT})
        # Reading order 2 = right-to-left: Excel then shows Arabic, Farsi and mixed text in the
        # right order and aligned to the right, whatever the sheet's own direction.
        self._rtl = self._book.add_format({"reading_order": 2, "align": "right", "valign": "top"})
        self._names: set[str] = set()
        self._words: tuple[int, ...] = ()
        self._answer: int | None = None  # the answer column, whose cells may be dates
        self._current: Worksheet | None = None
        self._row = 0

    # --- sheets -----------------------------------------------------------------------------

    def _sheet(self, name: str, widths: Sequence[int]) -> Worksheet:
        sheet = self._book.add_worksheet(self._unique(name))
        for number, width in enumerate(widths):
            sheet.set_column(number, number, width)
        # The whole sheet runs right to left when the export language does.
        if self._t.rtl:
            sheet.right_to_left()
        # Printed: landscape, as wide as one page (however many pages tall).
        sheet.set_landscape()
        sheet.set_paper(PAPER_A4)
        sheet.fit_to_pages(1, 0)
        return sheet

    def _unique(self, name: str) -> str:
        # Excel (and XlsxWriter) refuse a name that starts or ends with an apostrophe.
        base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31].rstrip("' ") or "-"
        candidate, number = base, 2
        # Excel keeps "History" for itself.
        while candidate.casefold() in self._names or candidate.casefold() == "history":
            suffix = f" ({number})"
            candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
        self._names.add(candidate.casefold())
        return candidate

    def _table(self, name: str, columns: tuple[Column, ...]) -> None:
        sheet = self._current = self._sheet(name, [c.width for c in columns])
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.write_row(0, 0, [safe_text(self._t.gettext(c.label)) for c in columns], self._header)
        self._words = tuple(i for i, c in enumerate(columns) if c.key in _WORDS)
        self._answer = next((i for i, c in enumerate(columns) if c.key == "answer"), None)
        self._row = 1

    def table(self, name: str, columns: tuple[Column, ...], rows: Sequence[Sequence[Any]]) -> None:
        """A whole sheet at once: a table small enough to hold in memory (the co-ownership
        tables), its values already what the cells should hold."""
        self._table(name, columns)
        sheet = self._current
        assert sheet is not None
        for number, row in enumerate(rows, start=1):
            self._write(sheet, number, list(row))

    def activate(self) -> None:
        """Open the file on the current sheet."""
        assert self._current is not None
        self._current.activate()

    def close(self) -> None:
        self._book.close()

    def _write(self, sheet: Worksheet, row: int, values: list[Value]) -> None:
        sheet.write_row(row, 0, values)
        # The few cells in a right-to-left script again, aligned: cheaper than a call per cell.
        for column in self._words:
            value = values[column]
            if value.__class__ is str and is_rtl(value):
                sheet.write_string(row, column, value, self._rtl)
        # A date answer is a day, not midnight: its own format (`write_row` gives every date
        # the default date-and-time one).
        answer = self._answer
        if answer is not None and values[answer].__class__ is date:
            sheet.write_datetime(row, answer, values[answer], self._day)


class XlsxExport(XlsxBook):
    """Answers, stories, check-in answers, RSVPs (and conversations) after a summary sheet."""

    wants_answers = True
    wants_rsvps = True
    wants_conversations = True
    wants_summary = True

    def __init__(
        self,
        out: BinaryIO,
        t: Translator,
        *,
        community: CommunityInfo,
        spec: ExportSpec,
        generated_at: datetime,
    ) -> None:
        super().__init__(out, t)
        self.style = translated(SHEET_STYLE, t.gettext)
        self._community = community
        self._spec = spec
        self._generated_at = generated_at
        # Created first so it is the first tab; filled in at the end, when the figures are known.
        self._summary = self._sheet(t.gettext(SUMMARY_SHEET), SUMMARY_WIDTHS)
        self._columns: tuple[Column, ...] = ()
        self._meetings: dict[int, MeetingFacts] = {}
        self._current_meeting: int | None = -1

    # --- rows -------------------------------------------------------------------------------

    def start_answers(
        self, columns: tuple[Column, ...], meetings: dict[int, MeetingFacts]
    ) -> None:
        self._columns = columns
        self._meetings = meetings

    def answers(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        sheet, number, write = self._current, self._row, self._write
        for row in rows:
            meeting_id = row[ANSWER_MEETING_ID]
            if sheet is None or meeting_id != self._current_meeting:
                self._table(self._sheet_name(meeting_id), self._columns)
                self._current_meeting = meeting_id
                sheet, number = self._current, self._row
            write(sheet, number, cells(row))
            number += 1
        self._row = number

    def _sheet_name(self, meeting_id: int | None) -> str:
        if meeting_id is None:
            return self._t.gettext(NO_MEETING_SHEET)
        facts = self._meetings.get(meeting_id)
        if facts is None:
            return f"#{meeting_id}"
        day = facts.starts_at.astimezone(self._community.zone).strftime("%Y-%m-%d")
        return f"{day} {facts.title or f'#{meeting_id}'}".strip()

    def start_rsvps(self, columns: tuple[Column, ...]) -> None:
        self._table(self._t.gettext(RSVP_SHEET), columns)

    def rsvps(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        sheet, number = self._current, self._row
        assert sheet is not None
        for row in rows:
            self._write(sheet, number, cells(row))
            number += 1
        self._row = number

    def start_conversations(self, columns: tuple[Column, ...]) -> None:
        self._table(self._t.gettext(CONVERSATIONS_SHEET), columns)

    def conversations(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self.rsvps(rows, cells)  # the same: rows one after another on the current sheet

    def finish(self, summary: Summary) -> None:
        t, sheet, bold = self._t, self._summary, self._bold
        spec, community = self._spec, self._community
        text = self.style.repeated
        sheet_figures = summary.figures
        assert sheet_figures is not None  # `wants_summary`: the run counted them
        facts: list[tuple[str, Value]] = [
            (t.gettext("Community"), text(community.name)),
            (t.gettext("Exported at (local time)"), self._generated_at.astimezone(community.zone)),
            (t.gettext("Export language"), t.tag),
        ]
        # Only a filtered export has a period: an unfiltered one holds everything there is.
        if spec.since is not None or spec.until is not None:
            period = "–".join(
                [
                    spec.since.isoformat() if spec.since else "…",
                    spec.until.isoformat() if spec.until else "…",
                ]
            )
            facts.append((t.gettext("Period"), period))
        facts += [
            (t.gettext("Answers"), sheet_figures.told.answers),
            (t.gettext("Stories"), sheet_figures.told.stories),
            (t.gettext("RSVPs"), sheet_figures.rsvps),
        ]
        if spec.conversations:
            facts.append((t.gettext("Messages in conversations"), summary.conversation_messages))
        self._words, self._answer = (1,), None
        for number, (label, value) in enumerate(facts):
            sheet.write_string(number, 0, safe_text(label), bold)
            self._write(sheet, number, [None, value])
        labels = [
            t.gettext("Meeting id"),
            t.gettext("Meeting"),
            t.gettext("Meeting starts (local time)"),
            t.gettext("Answers"),
            t.gettext("Members who answered"),
            t.gettext("Coming"),
            t.gettext("Maybe"),
            t.gettext("Not coming"),
        ]
        header = len(facts) + 1  # a blank row between the facts and the table
        sheet.write_row(header, 0, [safe_text(label) for label in labels], self._header)
        sheet.repeat_rows(header)
        for number, line in enumerate(sheet_figures.meetings, start=header + 1):
            values: list[Value] = [
                line.meeting_id,
                text(line.title) if line.title is not None else None,
                line.starts_local,
                line.answers,
                line.members,
                line.rsvps.going,
                line.rsvps.maybe,
                line.rsvps.not_going,
            ]
            self._write(sheet, number, values)
        self.close()
