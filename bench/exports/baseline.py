"""The fair baselines: what a person would write by hand with the standard library (and
XlsxWriter for XLSX) to get the same file from the same database, without Samen.

    python -m bench.exports.baseline csv|xlsx DATABASE SQL_DIR OUT

It runs the export's own queries (SQL text compiled from `meetings_query`, `answers_query` and
`rsvps_query`, in SQL_DIR) with the stdlib `sqlite3` module in this process, and writes the
same cells Samen writes: member codes (HMAC-SHA256 under the same key, one per member, kept
in a dict), labels and headers in the export language (stdlib `gettext` on the same catalog),
local and UTC times, text with a leading `'` where a spreadsheet would see a formula, Arabic
cells aligned right to left, scale/date/yes-no answers as numbers, days and words, wrapped
header cells and every sheet's print setup (landscape A4, one page wide, header repeated). The
CSV is byte for byte Samen's; the XLSX has the same sheets, cells and formats. It deliberately
imports nothing from `bot`: it is the yardstick, not a second copy of the code under test.

The last line on stderr is the seconds the work took, from connecting to the database to the
closed file (imports and interpreter start-up excluded, as for Samen's in-process figure): wall
clock, then the CPU time of the process (all its threads).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import gettext
import hashlib
import hmac
import json
import re
import sqlite3
import sys
import time
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter

ZONE = ZoneInfo("Europe/Amsterdam")
SECRET = b"bench-export-secret-0123456789"
COMMUNITY = "Invented Buurtkamer"
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADERS = (
    "Member code",
    "Member language",
    "Community",
    "Meeting id",
    "Meeting",
    "Meeting starts (local time)",
    "Given as",
    "Question",
    "Question as asked",
    "Answer language",
    "Answer",
    "Answer type",
    "Voice note reference",
    "Voice note seconds",
    "RSVP",
    "Answered at (local time)",
    "Answered at (UTC)",
    "Input status",
)
WIDTHS = (16, 10, 22, 8, 30, 18, 10, 40, 40, 10, 60, 14, 24, 10, 10, 18, 18, 12)
RSVP_HEADERS = (
    "Meeting id",
    "Meeting",
    "Meeting starts (local time)",
    "Member code",
    "Member language",
    "RSVP",
    "RSVP given at (local time)",
    "RSVP given at (UTC)",
)
RSVP_WIDTHS = (8, 30, 18, 16, 10, 10, 18, 18)
CODES = {
    "meeting": "Meeting",
    "story": "Story",
    "checkin": "Check-in",
    "text": "Text",
    "voice": "Voice note",
    "going": "Coming",
    "maybe": "Maybe",
    "not_going": "Not coming",
    "partial": "Partly answered",
    "completed": "Completed",
    "expired": "Expired",
}
WORDS = (2, 4, 6, 7, 8, 10, 11, 14, 17)  # columns that can hold right-to-left text
ANSWER = 10  # the answer column (a date answer gets a day's format)


def safe(value: str) -> str:
    if not value.isprintable():
        value = ILLEGAL.sub("", value)
    if value.startswith(TRIGGERS) or (value[:1].isspace() and value.lstrip().startswith(TRIGGERS)):
        return "'" + value
    return value


def rtl(value: str) -> bool:
    for char in value:
        direction = unicodedata.bidirectional(char)
        if direction == "L":
            return False
        if direction in ("R", "AL"):
            return True
    return False


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Cells:
    """Row → cells, with what repeats worked out once (the obvious caches by hand)."""

    def __init__(self, as_text: bool, meetings: dict[int, tuple[str, str]]) -> None:
        catalog = gettext.translation("messages", "locales", ["nl"])
        self.t = catalog.gettext
        self.labels = {code: safe(self.t(message)) for code, message in CODES.items()}
        self.codes: dict[int, str] = {}
        self.texts: dict[str, str] = {}
        self.titles = meetings  # id → (title, start as stored)
        self.meetings: dict[int, tuple[str | None, object]] = {}
        self.as_text = as_text

    def code(self, member_id: int) -> str:
        found = self.codes.get(member_id)
        if found is None:
            digest = hmac.new(SECRET, f"member:{member_id}".encode(), hashlib.sha256).digest()
            found = self.codes[member_id] = "M-" + base64.b32encode(digest).decode()[:12]
        return found

    def repeated(self, value: str | None) -> str | None:
        if value is None:
            return None
        found = self.texts.get(value)
        if found is None:
            found = self.texts[value] = safe(value)
        return found

    def local(self, value: datetime) -> object:
        local = value.astimezone(ZONE)
        return local.isoformat(sep=" ", timespec="minutes")[:16] if self.as_text else local

    def utc(self, value: datetime) -> object:
        return value.isoformat(timespec="seconds")[:19] + "Z" if self.as_text else value

    def answer(self, row: tuple) -> list:
        (_, member, _, language, meeting, source, question, asked, asked_options,
         source_options, answer_language, text, value, kind, voice, seconds, rsvp, at,
         status) = row  # fmt: skip
        known = self.meetings.get(meeting)
        if known is None:
            title, starts = self.titles[meeting] if meeting else (None, None)
            known = self.meetings[meeting] = (
                (self.repeated(title), self.local(moment(starts))) if meeting else (None, None)
            )
        if value is not None and kind in ("scale", "yes_no", "date"):
            value = json.loads(value)
            if kind == "scale" and type(value) in (int, float):
                text = value
            elif kind == "yes_no" and type(value) is bool:
                text = self.repeated(self.t("Yes") if value else self.t("No"))
            else:
                given, text = text, None
                with contextlib.suppress(TypeError, ValueError):
                    text = date.fromisoformat(value) if kind == "date" else None
                text = text or given or str(value)
        elif not text and value is not None:
            value = json.loads(value)
            options = json.loads(asked_options or source_options or "null")
            if isinstance(value, list | int) and kind in ("single_choice", "multiple_choice"):
                chosen = value if isinstance(value, list) else [value]
                text = "; ".join(options[i] if options else str(i) for i in chosen)
            else:
                text = value
        answered = moment(at)
        labels = self.labels
        return [
            self.code(member),
            language,
            self.repeated(COMMUNITY),
            meeting,
            known[0],
            known[1],
            labels.get(source, source),
            self.repeated(question),
            self.repeated(asked),
            answer_language,
            safe(text) if isinstance(text, str) else text,
            labels.get(kind, kind),
            safe(voice) if voice is not None else None,
            seconds,
            labels.get(rsvp, rsvp),
            self.local(answered),
            self.utc(answered),
            labels.get(status, status),
        ]

    def rsvp(self, row: tuple) -> list:
        member, _, language, meeting, title, starts, status, at = row
        given = moment(at)
        return [
            meeting,
            self.repeated(title),
            self.local(moment(starts)),
            self.code(member),
            language,
            self.labels.get(status, status),
            self.local(given),
            self.utc(given),
        ]


def meetings(db: sqlite3.Connection, sql: str) -> dict[int, tuple[str, str]]:
    return {meeting: (title, starts) for meeting, title, starts in db.execute(sql)}


def write_csv(db: sqlite3.Connection, sqls: dict[str, str], out: Path) -> None:
    cells = Cells(as_text=True, meetings=meetings(db, sqls["meetings"]))
    sql = sqls["answers"]
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe(cells.t(h)) for h in HEADERS])
        cursor = db.execute(sql)
        while batch := cursor.fetchmany(500):
            writer.writerows(map(cells.answer, batch))


def write_xlsx(db: sqlite3.Connection, sqls: dict[str, str], out: Path) -> None:
    cells = Cells(as_text=False, meetings=meetings(db, sqls["meetings"]))
    sql, rsvp_sql = sqls["answers"], sqls["rsvps"]
    t = cells.t
    book = xlsxwriter.Workbook(
        str(out),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
            "default_date_format": "yyyy-mm-dd hh:mm",
        },
    )
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    right = book.add_format({"reading_order": 2, "align": "right", "valign": "top"})

    def printed(sheet):
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        return sheet

    summary = printed(book.add_worksheet(t("Summary")))
    for number, width in enumerate((30, 40, 18, 10, 12, 10, 10, 10)):
        summary.set_column(number, number, width)
    figures: dict[int, list] = {}

    def table(name: str, headers: tuple[str, ...], widths: tuple[int, ...]):
        sheet = printed(book.add_worksheet(name[:31]))
        for number, width in enumerate(widths):
            sheet.set_column(number, number, width)
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.write_row(0, 0, [safe(t(h)) for h in headers], header)
        return sheet

    def write(sheet, number: int, values: list, words: tuple[int, ...], answer=None) -> None:
        sheet.write_row(number, 0, values)
        for column in words:
            value = values[column]
            if isinstance(value, str) and rtl(value):
                sheet.write_string(number, column, value, right)
        if answer is not None and type(values[answer]) is date:
            sheet.write_datetime(number, answer, values[answer], day)

    sheet, current, number = None, -1, 0
    cursor = db.execute(sql)
    while batch := cursor.fetchmany(500):
        for row in batch:
            meeting = row[4]
            if meeting != current:
                title, starts = cells.titles[meeting]
                day = moment(starts).astimezone(ZONE).strftime("%Y-%m-%d")
                sheet, current, number = table(f"{day} {title}", HEADERS, WIDTHS), meeting, 1
                figures[meeting] = [meeting, title, moment(starts).astimezone(ZONE), 0, set()]
                figures[meeting] += [0, 0, 0]
            figure = figures[meeting]
            figure[3] += 1
            figure[4].add(row[1])
            write(sheet, number, cells.answer(row), WORDS, ANSWER)
            number += 1
    sheet, number, rsvps = table(t("RSVPs"), RSVP_HEADERS, RSVP_WIDTHS), 1, 0
    statuses = {"going": 5, "maybe": 6, "not_going": 7}
    cursor = db.execute(rsvp_sql)
    while batch := cursor.fetchmany(500):
        for row in batch:
            figures[row[3]][statuses[row[6]]] += 1
            write(sheet, number, cells.rsvp(row), (1, 5))
            number += 1
            rsvps += 1
    answers = sum(figure[3] for figure in figures.values())
    facts = [
        (t("Community"), COMMUNITY),
        (t("Exported at (local time)"), datetime.now(ZONE)),
        (t("Export language"), "nl"),
        (t("Answers"), answers),
        (t("Stories"), 0),  # the benchmark's answers all belong to a meeting
        (t("RSVPs"), rsvps),
    ]
    for number, (label, value) in enumerate(facts):
        summary.write_string(number, 0, label, bold)
        summary.write(number, 1, value)
    labels = ("Meeting id", "Meeting", "Meeting starts (local time)", "Answers")
    labels += ("Members who answered", "Coming", "Maybe", "Not coming")
    summary.write_row(7, 0, [t(label) for label in labels], header)
    summary.repeat_rows(7)
    for number, figure in enumerate(sorted(figures.values(), key=lambda f: f[2]), start=8):
        write(summary, number, [*figure[:4], len(figure[4]), *figure[5:]], (1,))
    book.close()


def main() -> None:
    fmt, database, sql_dir, out = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    sqls = {
        name: (sql_dir / f"{name}.sql").read_text() for name in ("meetings", "answers", "rsvps")
    }
    began, cpu = time.perf_counter(), time.process_time()
    db = sqlite3.connect(database)
    if fmt == "csv":
        write_csv(db, sqls, out)
    else:
        write_xlsx(db, sqls, out)
    db.close()
    print(time.perf_counter() - began, time.process_time() - cpu, file=sys.stderr)


if __name__ == "__main__":
    main()
