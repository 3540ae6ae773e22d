"""The playground without a browser: its safety rules, its form checks, its clock, its chats.

The database tests run on SQLite and PostgreSQL (the playground named with --database).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.db import prepare_database
from bot.i18n import Catalogs
from bot.playground import render, seed
from bot.playground.bot_api import PlaygroundBotAPI
from bot.playground.clock import PlaygroundClock
from bot.playground.session import (
    DatabaseChoice,
    Playground,
    PlaygroundRefused,
    own_database,
    playground_settings,
    real_members,
)
from bot.playground.web import create_app
from bot.runtime import Runtime
from bot.services import members
from tests.factories import AMIRA as REAL_LOOKING

ROOT = Path(__file__).resolve().parents[2]
catalogs = Catalogs(ROOT / "locales", "Europe/Amsterdam")
ar, nl = catalogs.translator("ar"), catalogs.translator("nl")


@pytest.fixture
async def playground(database_url: str) -> AsyncIterator[Playground]:
    started = Playground(DatabaseChoice(database_url, None))
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def client(playground: Playground) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(playground))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def _add_real_member(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        await members.register_contact(session, REAL_LOOKING.id, "ar", "nl", runtime.clock())
        await session.commit()


MALFORMED = [
    ("/api/say", "person=1&text=hi", "application/x-www-form-urlencoded"),
    ("/api/say", "{not json", "application/json"),
    ("/api/say", json.dumps([1, 2]), "application/json"),
    ("/api/say", json.dumps({"person": seed.AMIRA.user_id}), "application/json"),
    ("/api/say", json.dumps({"person": "x", "text": "hi"}), "application/json"),
    ("/api/say", json.dumps({"person": True, "text": "hi"}), "application/json"),
    ("/api/say", json.dumps({"person": 1, "text": "hi"}), "application/json"),
    ("/api/say", json.dumps({"person": seed.AMIRA.user_id, "text": " "}), "application/json"),
    (
        "/api/say",
        json.dumps({"person": seed.AMIRA.user_id, "text": "hi", "extra": 1}),
        "application/json",
    ),
    (
        "/api/tap",
        json.dumps({"person": seed.AMIRA.user_id, "message": 1, "data": "rsvp:1:yes"}),
        "application/json",
    ),
    (
        "/api/voice",
        json.dumps({"person": seed.AMIRA.user_id, "seconds": 0}),
        "application/json",
    ),
    ("/api/photo?person=x", "GIF89a", "image/gif"),
    (f"/api/photo?person={seed.AMIRA.user_id}", "<svg/>", "image/svg+xml"),
    ("/api/people", json.dumps({"name": "", "language": "nl"}), "application/json"),
    ("/api/people", json.dumps({"name": "Hodan", "language": "xx"}), "application/json"),
    ("/api/forward", json.dumps({"hours": -1}), "application/json"),
    ("/api/forward", json.dumps({"hours": 24 * 400}), "application/json"),
]


async def test_malformed_form_posts_get_400_and_change_nothing(
    client: httpx.AsyncClient, playground: Playground
) -> None:
    for path, body, content_type in MALFORMED:
        response = await client.post(path, content=body, headers={"Content-Type": content_type})
        assert response.status_code == 400, (path, body, response.text)
        assert response.json()["ok"] is False
    assert all(not playground.api.messages(person) for person in playground.people)
    assert len(playground.people) == len(seed.CAST)
    assert playground.clock.offset == timedelta()


async def test_a_foreign_host_is_refused(client: httpx.AsyncClient) -> None:
    # A page on another site that resolves its name to 127.0.0.1 (DNS rebinding).
    response = await client.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400


async def test_the_page_shows_every_person_with_role_and_language(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "playground" in response.text
    for person in seed.CAST:
        assert f'id="phone-{person.user_id}"' in response.text
    assert "coordinator" in response.text
    assert "<code>ti</code>" in response.text


async def test_an_invitation_reaches_the_members_chats_through_the_outbox(
    client: httpx.AsyncClient, playground: Playground
) -> None:
    api = playground.api
    assert playground.world is not None

    async def say(person: seed.Person, text: str) -> None:
        response = await client.post("/api/say", json={"person": person.user_id, "text": text})
        assert response.status_code == 200
        await playground.settle()

    async def tap(person: seed.Person, label: str) -> None:
        for message in reversed(api.messages(person.user_id)):
            for button in (b for row in message.keyboard for b in row):
                if label in button["text"]:
                    response = await client.post(
                        "/api/tap",
                        json={
                            "person": person.user_id,
                            "message": message.message_id,
                            "data": button["callback_data"],
                        },
                    )
                    assert response.status_code == 200
                    await playground.settle()
                    return
        raise AssertionError(f"no button {label!r}")

    await say(seed.ORGANISER, "/invite")
    await tap(seed.ORGANISER, "Taalcafé")
    await tap(seed.ORGANISER, nl.gettext("Everyone in the community"))
    await tap(seed.ORGANISER, nl.gettext("Send the invitations"))
    assert await api.wait_for(
        lambda: any("مقهى اللغة" in m.text for m in api.messages(seed.AMIRA.user_id))
    )
    invitation = api.messages(seed.AMIRA.user_id)[-1]
    assert render.text_direction(invitation.text) == "rtl"
    assert any(e["type"] == "bold" for e in invitation.entities)
    assert 'dir="rtl"' in render.bubble(invitation)
    await tap(seed.AMIRA, ar.gettext("Going"))
    await tap(seed.AMIRA, ar.gettext("Add to calendar"))
    calendar = api.messages(seed.AMIRA.user_id)[-1]
    assert calendar.attachment == "document"
    assert calendar.file is not None
    assert calendar.file.name.endswith(".ics")
    download = await client.get(f"/files/{calendar.file.file_id}")
    assert download.status_code == 200
    assert b"BEGIN:VCALENDAR" in download.content

    # Fast-forward past the meeting: reminders and the follow-up come due and are sent.
    before = len(api.messages(seed.AMIRA.user_id))
    response = await client.post("/api/forward", json={"hours": 24 * 5})
    assert response.status_code == 200
    assert await api.wait_for(lambda: len(api.messages(seed.AMIRA.user_id)) > before, 30)


async def test_a_voice_note_a_photo_and_a_location_are_sent_as_telegram_would(
    playground: Playground,
) -> None:
    await playground.voice(seed.OLENA.user_id, 3)
    await playground.photo(seed.OLENA.user_id, b"GIF89a-invented", "image/gif")
    await playground.location(seed.OLENA.user_id)
    await playground.settle()
    sent = [m for m in playground.api.messages(seed.OLENA.user_id) if not m.from_bot]
    assert [m.attachment for m in sent] == ["voice", "photo", "location"]
    assert sent[0].duration == 3
    assert sent[0].file is not None
    assert sent[0].file.content.startswith(b"RIFF")
    # The bot answers each of them (Olena is a member; none of them is a command).
    assert len(playground.api.messages(seed.OLENA.user_id)) > len(sent)


async def test_the_playground_never_reads_real_members_from_its_own_file(tmp_path: Path) -> None:
    choice = own_database(tmp_path)
    await prepare_database(choice.url, "playground.db")
    runtime = Runtime.create(playground_settings(choice.url))
    try:
        await _add_real_member(runtime)
    finally:
        await runtime.close()
    with pytest.raises(PlaygroundRefused, match="not playground people"):
        await Playground(choice).start()
    assert await real_members(choice.url) == 1  # untouched


async def test_a_named_database_with_real_members_is_used_with_a_warning_and_never_reset(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await prepare_database(database_url, "named")
    runtime = Runtime.create(playground_settings(database_url))
    try:
        await _add_real_member(runtime)
    finally:
        await runtime.close()
    named = Playground(DatabaseChoice(database_url, None))
    await named.start()
    try:
        assert named.real_members == 1
        assert "real members" in caplog.text
        with pytest.raises(PlaygroundRefused):
            await named.reset()
        transport = httpx.ASGITransport(app=create_app(named))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            assert (await http.post("/api/reset", json={})).status_code == 409
            assert "real members" in (await http.get("/")).text
    finally:
        await named.stop()
    assert await real_members(database_url) == 1


async def test_reset_starts_again_from_the_seeded_world(tmp_path: Path) -> None:
    fresh = Playground(own_database(tmp_path))
    await fresh.start()
    try:
        await fresh.say(seed.NOOR.user_id, "/start")
        await fresh.settle()
        fresh.add_person("Hodan", "so")
        await fresh.fast_forward(timedelta(hours=1))
        await fresh.reset()
        assert fresh.api.messages(seed.NOOR.user_id) == []
        assert len(fresh.people) == len(seed.CAST)
        assert fresh.clock.offset == timedelta()
        async with fresh.runtime.sessions() as session:
            assert await members.find_by_telegram_id(session, seed.NOOR.user_id) is None
            assert await members.find_by_telegram_id(session, seed.AMIRA.user_id) is not None
    finally:
        await fresh.stop()


# --- the parts -------------------------------------------------------------------------------


def test_entities_are_rendered_at_their_utf16_offsets() -> None:
    text = "👋 Taalcafé <b> today"
    # 👋 is two UTF-16 units: "Taalcafé" starts at 3.
    html = render.render_text(
        text,
        [
            {"type": "bold", "offset": 3, "length": 8},
            {"type": "italic", "offset": 3, "length": 4},
            {"type": "text_link", "offset": 16, "length": 5, "url": "javascript:alert(1)"},
        ],
    )
    assert html == (
        '👋 <b><i>Taal</i>café</b> &lt;b&gt; <span class="entity-text_link">today</span>'
    )


def test_direction_comes_from_the_first_strong_letter_outside_isolates() -> None:
    assert render.text_direction("مرحبا Noor") == "rtl"
    assert render.text_direction("\u2068Noor\u2069 مرحبا") == "rtl"
    assert render.text_direction("12 Taalcafé") == "ltr"
    assert render.text_direction("👍 12") == "auto"


def test_the_command_menu_follows_telegrams_order_of_scopes() -> None:
    api = PlaygroundBotAPI(PlaygroundClock())

    def commands(scope: dict[str, object], language: str | None, name: str) -> None:
        params: dict[str, object] = {"commands": [{"command": name, "description": name}]}
        params["scope"] = scope
        if language:
            params["language_code"] = language
        api.handle("setMyCommands", params, {})

    commands({"type": "all_private_chats"}, None, "default")
    commands({"type": "all_private_chats"}, "ar", "arabic")
    commands({"type": "chat", "chat_id": 5}, None, "own")
    assert api.menu_for(4, "ar-EG") == [("arabic", "arabic")]
    assert api.menu_for(4, "sw") == [("default", "default")]
    assert api.menu_for(5, "ar") == [("own", "own")]


def test_an_edit_without_a_keyboard_removes_it_as_telegram_does() -> None:
    api = PlaygroundBotAPI(PlaygroundClock())
    markup = {"inline_keyboard": [[{"text": "Going", "callback_data": "x"}]]}
    sent = api.handle("sendMessage", {"chat_id": 7, "text": "Hi", "reply_markup": markup}, {})
    api.handle(
        "editMessageText", {"chat_id": 7, "message_id": sent["message_id"], "text": "Ok"}, {}
    )
    (shown,) = api.messages(7)
    assert (shown.text, shown.keyboard, shown.edited) == ("Ok", [], True)
