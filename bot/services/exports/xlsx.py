"""XLSX in openpyxl's write-only mode: every sheet streams to a temporary file, so memory stays
flat however many rows there are. A summary sheet first, a sheet per meeting, one sheet for
stories and check-in answers without a meeting, and the RSVP list."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.i18n import N_, Translator
from bot.services.exports.cells import is_rtl, safe_text
from bot.services.exports.columns import Column, Value
from bot.services.exports.rows import CommunityInfo, ExportSpec
from bot.services.exports.summary import Summary

# Excel's limits for sheet names: 31 characters, none of these.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
# readingOrder 2 = right-to-left: Excel then shows Arabic, Farsi and mixed text in the right
# order and aligned to the right, whatever the sheet's own direction.
_RTL = Alignment(readingOrder=2, horizontal="right", vertical="top", wrap_text=False)

SUMMARY_SHEET = N_("Summary")
NO_MEETING_SHEET = N_("Stories and check-ins")
RSVP_SHEET = N_("RSVPs")


class XlsxWriter:
    wants_answers = True
    wants_rsvps = True

    def __init__(
        self,
        out: BinaryIO,
        t: Translator,
        *,
        community: CommunityInfo,
        spec: ExportSpec,
        generated_at: datetime,
    ) -> None:
        self._out = out
        self._t = t
        self._community = community
        self._spec = spec
        self._generated_at = generated_at
        self._book = Workbook(write_only=True)
        self._names: set[str] = set()
        # Created first so it is the first tab; filled in at the end, when the figures are known.
        self._summary = self._sheet(t.gettext(SUMMARY_SHEET), (30, 40, 18, 10, 12, 10, 10, 10))
        self._columns: tuple[Column, ...] = ()
        self._current: WriteOnlyWorksheet | None = None
        self._current_meeting: int | None = -1

    # --- sheets -----------------------------------------------------------------------------

    def _sheet(self, name: str, widths: tuple[int, ...]) -> WriteOnlyWorksheet:
        sheet = self._book.create_sheet(self._unique(name))
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        # The whole sheet runs right to left when the export language does.
        sheet.sheet_view.rightToLeft = self._t.rtl
        return sheet

    def _unique(self, name: str) -> str:
        base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31] or "-"
        candidate, number = base, 2
        while candidate.casefold() in self._names:
            suffix = f" ({number})"
            candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
        self._names.add(candidate.casefold())
        return candidate

    def _table(self, name: str, columns: tuple[Column, ...]) -> WriteOnlyWorksheet:
        sheet = self._sheet(name, tuple(c.width for c in columns))
        sheet.freeze_panes = "A2"
        sheet.append(self._header(sheet, [self._t.gettext(c.label) for c in columns]))
        return sheet

    def _header(self, sheet: WriteOnlyWorksheet, labels: list[str]) -> list[WriteOnlyCell]:
        cells = []
        for label in labels:
            cell = WriteOnlyCell(sheet, safe_text(label))
            cell.font = _BOLD
            cells.append(cell)
        return cells

    def _cells(self, sheet: WriteOnlyWorksheet, values: list[Value]) -> list[Any]:
        cells: list[Any] = []
        for value in values:
            if isinstance(value, datetime):
                # Excel has no time zones: the column header says which clock it is.
                cells.append(value.replace(tzinfo=None))
            elif isinstance(value, str):
                text = safe_text(value)
                if is_rtl(text):
                    cell = WriteOnlyCell(sheet, text)
                    cell.alignment = _RTL
                    cells.append(cell)
                else:
                    cells.append(text)
            else:
                cells.append(value)
        return cells

    # --- rows -------------------------------------------------------------------------------

    def start_answers(self, columns: tuple[Column, ...]) -> None:
        self._columns = columns

    def answer(self, meeting_id: int | None, values: list[Value], summary: Summary) -> None:
        if self._current is None or meeting_id != self._current_meeting:
            self._current = self._table(self._sheet_name(meeting_id, summary), self._columns)
            self._current_meeting = meeting_id
        self._current.append(self._cells(self._current, values))

    def _sheet_name(self, meeting_id: int | None, summary: Summary) -> str:
        if meeting_id is None:
            return self._t.gettext(NO_MEETING_SHEET)
        figures = summary.meetings.get(meeting_id)
        day = (
            figures.starts_local.strftime("%Y-%m-%d")
            if figures is not None and figures.starts_local
            else ""
        )
        title = figures.title if figures is not None and figures.title else f"#{meeting_id}"
        return f"{day} {title}".strip()

    def start_rsvps(self, columns: tuple[Column, ...]) -> None:
        self._current = self._table(self._t.gettext(RSVP_SHEET), columns)

    def rsvp(self, values: list[Value]) -> None:
        assert self._current is not None
        self._current.append(self._cells(self._current, values))

    def finish(self, summary: Summary) -> None:
        t, sheet = self._t, self._summary
        spec, community = self._spec, self._community
        period = "–".join(
            [
                spec.since.isoformat() if spec.since else "…",
                spec.until.isoformat() if spec.until else "…",
            ]
        )
        facts: list[tuple[str, Value]] = [
            (t.gettext("Community"), community.name),
            (t.gettext("Exported at (local time)"), self._generated_at.astimezone(community.zone)),
            (t.gettext("Export language"), t.tag),
            (t.gettext("Period"), period),
            (t.gettext("Answers"), summary.answers),
            (t.gettext("RSVPs"), summary.rsvps),
            (t.gettext("Stories and check-in answers without a meeting"), summary.without_meeting),
        ]
        for label, value in facts:
            sheet.append(self._header(sheet, [label]) + self._cells(sheet, [value]))
        sheet.append([])
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
        sheet.append(self._header(sheet, labels))
        ordered = sorted(
            summary.meetings.items(),
            key=lambda item: (item[1].starts_local is None, item[1].starts_local or 0, item[0]),
        )
        for meeting_id, figures in ordered:
            values: list[Value] = [
                meeting_id,
                figures.title,
                figures.starts_local,
                figures.answers,
                len(figures.members),
                figures.rsvps["going"],
                figures.rsvps["maybe"],
                figures.rsvps["not_going"],
            ]
            sheet.append(self._cells(sheet, values))
        self._book.save(self._out)
