"""CSV and JSONL files, written row by row as the rows arrive (XLSX lives in `xlsx`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import BinaryIO, Protocol

from bot.i18n import Translator
from bot.services.exports.cells import safe_text
from bot.services.exports.columns import Column, Value
from bot.services.exports.summary import Summary


class ExportWriter(Protocol):
    """What the export run drives: a header per table, then rows, then `finish`."""

    wants_answers: bool
    wants_rsvps: bool

    def start_answers(self, columns: tuple[Column, ...]) -> None: ...

    def answer(self, meeting_id: int | None, values: list[Value], summary: Summary) -> None: ...

    def start_rsvps(self, columns: tuple[Column, ...]) -> None: ...

    def rsvp(self, values: list[Value]) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def text_for_file(value: Value) -> str:
    """A cell as text: local times without an offset (the column says local), UTC with Z."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime):
        # isoformat (cut before the offset) is several times faster than strftime, and this
        # runs three times on every row.
        if value.tzinfo is UTC:
            return value.isoformat(timespec="seconds")[:19] + "Z"
        return value.isoformat(sep=" ", timespec="minutes")[:16]
    return str(value)


class CsvWriter:
    """One table per file (answers, or the RSVP list), UTF-8 with a byte-order mark: without
    it Excel reads the file as the Windows code page and Arabic turns into mojibake."""

    def __init__(self, out: BinaryIO, t: Translator, *, table: str = "answers") -> None:
        self.wants_answers = table == "answers"
        self.wants_rsvps = table == "rsvps"
        self._text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
        self._csv = csv.writer(self._text)
        self._t = t

    def _header(self, columns: tuple[Column, ...]) -> None:
        self._csv.writerow([safe_text(self._t.gettext(c.label)) for c in columns])

    def start_answers(self, columns: tuple[Column, ...]) -> None:
        self._header(columns)

    def answer(self, meeting_id: int | None, values: list[Value], summary: Summary) -> None:
        # Most cells are empty or text: those skip the general conversion.
        self._csv.writerow(
            [
                "" if v is None else safe_text(v) if type(v) is str else text_for_file(v)
                for v in values
            ]
        )

    def start_rsvps(self, columns: tuple[Column, ...]) -> None:
        self._header(columns)

    def rsvp(self, values: list[Value]) -> None:
        self._csv.writerow([text_for_file(v) for v in values])

    def finish(self, summary: Summary) -> None:
        self._text.flush()
        # Leave the caller's file open: it owns it.
        self._text.detach()


class JsonlWriter:
    """One JSON object per line, keys from the column keys, text exactly as given (JSON is no
    spreadsheet, so nothing needs neutralising); RSVPs as lines with "record": "rsvp"."""

    wants_answers = True
    wants_rsvps = True

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._keys: tuple[str, ...] = ()

    def _line(self, record: str, values: list[Value]) -> None:
        item: dict[str, object] = {"record": record}
        for key, value in zip(self._keys, values, strict=True):
            item[key] = value.isoformat() if isinstance(value, datetime) else value
        self._out.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")

    def start_answers(self, columns: tuple[Column, ...]) -> None:
        self._keys = tuple(c.key for c in columns)

    def answer(self, meeting_id: int | None, values: list[Value], summary: Summary) -> None:
        self._line("answer", values)

    def start_rsvps(self, columns: tuple[Column, ...]) -> None:
        self._keys = tuple(c.key for c in columns)

    def rsvp(self, values: list[Value]) -> None:
        self._line("rsvp", values)

    def finish(self, summary: Summary) -> None:
        self._out.flush()
