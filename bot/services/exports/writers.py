"""CSV and JSONL files, written batch by batch as the rows arrive (XLSX lives in `xlsx`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, BinaryIO, Protocol

from bot.i18n import Translator
from bot.services.exports.cells import safe_text
from bot.services.exports.columns import (
    DATA_STYLE,
    TEXT_STYLE,
    Cells,
    Column,
    Style,
    translated,
)
from bot.services.exports.rows import MeetingFacts
from bot.services.exports.summary import Summary


class ExportWriter(Protocol):
    """What the export run drives: a header per table, then batches of rows, then `finish`.

    `style` says how the writer wants its cells; `wants_summary` whether it shows the figures
    (counted by `reports.figures` once the rows are written, into `Summary.figures`)."""

    wants_answers: bool
    wants_rsvps: bool
    wants_conversations: bool  # if the export asks for them (`ExportSpec.conversations`)
    wants_summary: bool
    style: Style

    def start_answers(
        self, columns: tuple[Column, ...], meetings: dict[int, MeetingFacts]
    ) -> None: ...

    def answers(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None: ...

    def start_rsvps(self, columns: tuple[Column, ...]) -> None: ...

    def rsvps(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None: ...

    def start_conversations(self, columns: tuple[Column, ...]) -> None: ...

    def conversations(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None: ...

    def finish(self, summary: Summary) -> None: ...


class CsvWriter:
    """One table per file (answers, or the RSVP list), UTF-8 with a byte-order mark: without
    it Excel reads the file as the Windows code page and Arabic turns into mojibake."""

    wants_summary = False

    def __init__(self, out: BinaryIO, t: Translator, *, table: str = "answers") -> None:
        self.wants_answers = table == "answers"
        self.wants_rsvps = table == "rsvps"
        self.wants_conversations = table == "conversations"
        self.style = translated(TEXT_STYLE, t.gettext)
        self._text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
        # The csv module writes None as an empty field and numbers with str().
        self._csv = csv.writer(self._text)
        self._t = t

    def _header(self, columns: tuple[Column, ...]) -> None:
        self._csv.writerow([safe_text(self._t.gettext(c.label)) for c in columns])

    def start_answers(
        self, columns: tuple[Column, ...], meetings: dict[int, MeetingFacts]
    ) -> None:
        self._header(columns)

    def answers(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self._csv.writerows(map(cells, rows))

    def start_rsvps(self, columns: tuple[Column, ...]) -> None:
        self._header(columns)

    def rsvps(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self._csv.writerows(map(cells, rows))

    def start_conversations(self, columns: tuple[Column, ...]) -> None:
        self._header(columns)

    def conversations(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self._csv.writerows(map(cells, rows))

    def finish(self, summary: Summary) -> None:
        self._text.flush()
        # Leave the caller's file open: it owns it.
        self._text.detach()


class JsonlWriter:
    """One JSON object per line, keys from the column keys, text exactly as given (JSON is no
    spreadsheet, so nothing needs neutralising); RSVPs as lines with "record": "rsvp"."""

    wants_answers = True
    wants_rsvps = True
    wants_conversations = True
    wants_summary = False
    style = DATA_STYLE

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._keys: tuple[str, ...] = ()

    def _lines(self, record: str, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        keys, dumps = self._keys, json.dumps
        lines = [
            dumps(
                {"record": record, **dict(zip(keys, cells(row), strict=True))}, ensure_ascii=False
            )
            for row in rows
        ]
        lines.append("")
        self._out.write("\n".join(lines).encode())

    def start_answers(
        self, columns: tuple[Column, ...], meetings: dict[int, MeetingFacts]
    ) -> None:
        self._keys = tuple(c.key for c in columns)

    def answers(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self._lines("answer", rows, cells)

    def start_rsvps(self, columns: tuple[Column, ...]) -> None:
        self._keys = tuple(c.key for c in columns)

    def rsvps(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self._lines("rsvp", rows, cells)

    def start_conversations(self, columns: tuple[Column, ...]) -> None:
        self._keys = tuple(c.key for c in columns)

    def conversations(self, rows: Sequence[Sequence[Any]], cells: Cells) -> None:
        self._lines("conversation_message", rows, cells)

    def finish(self, summary: Summary) -> None:
        self._out.flush()
