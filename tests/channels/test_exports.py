"""/export in chat: coordinators choose with buttons and get the file; nobody else gets one."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bot.channels.telegram.handlers.staff.exports import EXPORT_TASK
from bot.db.models import Role
from bot.runtime import Runtime
from bot.services import audit
from bot.services.communities import roles
from tests.export_support import MIXED_ANSWER, World, add_answer, make_world
from tests.factories import GROUP_CHAT, SANNE, Person
from tests.harness import BotHarness, document_name

# The harness processes updates without starting the application, so PTB warns that it will not
# await the export task itself; `tap_and_wait` does.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Tasks created via `Application.create_task`:telegram.warnings.PTBUserWarning"
)

# An invented coordinator who uses Telegram in English.
FATIMA = Person(910990001, "Fatima", "en")
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


async def coordinator_of(runtime: Runtime, world: World, person: Person = FATIMA) -> None:
    async with runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=world.community_id,
            telegram_user_id=person.id,
            role=Role.COORDINATOR,
            now=runtime.clock(),
        )
        await session.commit()


async def world_with_answers(
    runtime: Runtime, code: str = "oost-4f9k", first_user_id: int = 910_770_001
) -> World:
    world = await make_world(runtime, code=code, first_user_id=first_user_id)
    await add_answer(runtime, world, "amira", MIXED_ANSWER, at=AT)
    await add_answer(runtime, world, "sanne", "=1+1", at=AT)
    return world


async def tap_and_wait(bot: BotHarness, label: str) -> list:
    """Tap, then wait for the export the tap started in the background; what was sent."""
    before = len(bot.api.calls)
    await bot.tap(FATIMA, label)
    running = [t for t in asyncio.all_tasks() if t.get_name().startswith(EXPORT_TASK)]
    await asyncio.gather(*running)
    return [c for c in bot.api.calls[before:] if c.method in {"sendMessage", "sendDocument"}]


async def refusals(runtime: Runtime) -> list:
    async with runtime.sessions() as session:
        return list(await audit.events(session, action="staff.refused"))


async def export_events(runtime: Runtime) -> list:
    async with runtime.sessions() as session:
        return [e for e in await audit.events(session) if e.action.startswith("export")]


async def test_a_coordinator_chooses_a_meeting_and_format_and_gets_the_workbook(
    bot: BotHarness,
) -> None:
    world = await world_with_answers(bot.runtime)
    await coordinator_of(bot.runtime, world)

    (menu,) = await bot.feed(bot.updates.text(FATIMA, "/export"))
    assert menu.text == "What do you want to export from Invented Buurtkamer Oost?"
    assert menu.button_texts == ["All meetings", "19/12/2026 Fietsles", "05/12/2026 Taalcafé"]

    await bot.tap(FATIMA, "05/12/2026 Taalcafé")
    (_, text, keyboard) = bot.screen(FATIMA)[-1]
    assert text.startswith("Which format?")
    assert [b["text"] for row in keyboard for b in row] == ["Excel (XLSX)", "CSV", "JSONL"]

    sent = await tap_and_wait(bot, "Excel (XLSX)")
    assert [call.method for call in sent] == ["sendMessage", "sendDocument"]
    assert sent[0].text == "Preparing your export…"
    document = sent[1]
    assert document_name(document) == (
        f"samen-oost-4f9k-meeting-{world.meeting_id}-20261128-1200.xlsx"
    )
    assert document.text == "2 answers from Invented Buurtkamer Oost."
    book = load_workbook(io.BytesIO(next(iter(document.files.values()))))
    meeting = book.worksheets[1]
    assert [meeting["K2"].value, meeting["K3"].value] == [MIXED_ANSWER, "'=1+1"]
    (event,) = await export_events(bot.runtime)
    assert (event.action, event.actor_user_id, event.row_count) == ("export", FATIMA.id, 2)
    assert event.details["channel"] == "chat"
    assert event.target == f"meeting:{world.meeting_id}"


async def test_all_meetings_as_csv_with_a_bom_and_no_telegram_ids(bot: BotHarness) -> None:
    world = await world_with_answers(bot.runtime)
    await add_answer(bot.runtime, world, "dawit", "ታሪኸይ", at=AT, meeting=False)
    await coordinator_of(bot.runtime, world)

    await bot.feed(bot.updates.text(FATIMA, "/export"))
    await bot.tap(FATIMA, "All meetings")
    calls = await tap_and_wait(bot, "CSV")

    (document,) = [call for call in calls if call.method == "sendDocument"]
    assert document_name(document) == "samen-oost-4f9k-all-20261128-1200.csv"
    # Answers and stories apart, as the report and the XLSX summary count them.
    assert document.text == "2 answers from Invented Buurtkamer Oost.\n1 story."
    data = next(iter(document.files.values()))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [row["Answer"] for row in rows] == [MIXED_ANSWER, "'=1+1", "ታሪኸይ"]
    for telegram_id in world.telegram_ids.values():
        assert str(telegram_id).encode() not in data


async def test_someone_who_coordinates_nothing_gets_no_export(bot: BotHarness) -> None:
    world = await world_with_answers(bot.runtime)
    refusal = "Deze opdracht is voor organisatoren en coördinatoren van een gemeenschap."

    assert await bot.say(SANNE, "/export") == [refusal]
    # A forged button for the last step changes nothing and sends nothing.
    calls = await bot.press(SANNE, f"exp:{world.community_id}:all:csv")
    assert [call.method for call in calls] == []
    assert bot.last_callback_answer() == refusal
    assert await export_events(bot.runtime) == []
    assert [e.details for e in await refusals(bot.runtime)] == [
        {"command": "export", "reason": "no_role"}
    ] * 2


async def test_an_organiser_is_not_a_coordinator(bot: BotHarness) -> None:
    world = await world_with_answers(bot.runtime)
    async with bot.runtime.sessions() as session:
        await roles.grant(
            session,
            community_id=world.community_id,
            telegram_user_id=FATIMA.id,
            role=Role.ORGANISER,
            now=bot.runtime.clock(),
        )
        await session.commit()

    assert await bot.say(FATIMA, "/export") == [
        "Only coordinators can use this command. You are an organiser, not a coordinator: "
        "ask a coordinator of your community."
    ]
    assert await export_events(bot.runtime) == []
    assert [e.details for e in await refusals(bot.runtime)] == [
        {"command": "export", "reason": "not_coordinator"}
    ]


async def test_a_coordinator_cannot_export_another_community_or_its_meetings(
    bot: BotHarness,
) -> None:
    mine = await world_with_answers(bot.runtime)
    theirs = await world_with_answers(bot.runtime, code="west-8k2p", first_user_id=910_771_001)
    await coordinator_of(bot.runtime, mine)

    for data in [
        f"exp:{theirs.community_id}:all:xlsx",
        f"exp:{theirs.community_id}",
        # My community, their meeting.
        f"exp:{mine.community_id}:{theirs.meeting_id}:csv",
        f"exp:{mine.community_id}:all:pdf",
    ]:
        calls = await bot.press(FATIMA, data)
        assert [call.method for call in calls] == [], data
        assert bot.last_callback_answer() == "This button is no longer active."
    assert await export_events(bot.runtime) == []


async def test_a_coordinator_of_two_communities_chooses_one_first(bot: BotHarness) -> None:
    east = await world_with_answers(bot.runtime)
    west = await make_world(bot.runtime, code="west-8k2p", first_user_id=910_771_001)
    await coordinator_of(bot.runtime, east)
    await coordinator_of(bot.runtime, west)

    (menu,) = await bot.feed(bot.updates.text(FATIMA, "/export"))
    assert menu.text == "Which community do you want to export?"
    assert menu.button_texts == ["Invented Buurtkamer Oost", "Invented Buurtkamer Oost"]
    assert menu.button("Invented Buurtkamer Oost")["callback_data"] == (f"exp:{east.community_id}")


async def test_a_role_taken_away_between_taps_stops_the_export(bot: BotHarness) -> None:
    world = await world_with_answers(bot.runtime)
    await coordinator_of(bot.runtime, world)
    await bot.feed(bot.updates.text(FATIMA, "/export"))
    await bot.tap(FATIMA, "All meetings")
    async with bot.runtime.sessions() as session:
        await roles.revoke(
            session,
            community_id=world.community_id,
            telegram_user_id=FATIMA.id,
            role=Role.COORDINATOR,
            now=bot.runtime.clock(),
        )
        await session.commit()

    calls = await tap_and_wait(bot, "JSONL")
    assert calls == []
    assert await export_events(bot.runtime) == []


async def test_export_in_a_group_chat_is_refused_and_audited(bot: BotHarness) -> None:
    world = await world_with_answers(bot.runtime)
    await coordinator_of(bot.runtime, world)

    calls = await bot.feed(bot.updates.text(FATIMA, "/export", chat=GROUP_CHAT))

    assert [call.text for call in calls] == [
        "Organiser commands work only in a private chat with me."
    ]
    assert await export_events(bot.runtime) == []
    assert [e.details for e in await refusals(bot.runtime)] == [
        {"command": "export", "reason": "group_chat"}
    ]


def test_export_buttons_round_trip_and_malformed_ones_are_rejected() -> None:
    from bot.channels.telegram import callbacks
    from bot.channels.telegram.callbacks import ExportChoice

    assert callbacks.decode(callbacks.export(7)) == ExportChoice(7)
    assert callbacks.decode(callbacks.export(7, meetings=True)) == ExportChoice(7, True)
    assert callbacks.decode(
        callbacks.export(7, meetings=True, meeting_id=12, fmt="xlsx")
    ) == ExportChoice(7, True, 12, "xlsx")
    for forged in ["exp:0", "exp:-1", "exp:7:x", "exp:7:all:pdf", "exp:7:all:csv:1", "exp:"]:
        assert callbacks.decode(forged) is None, forged
