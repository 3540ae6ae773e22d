"""Every member served in turn: chats side by side, each chat in order, a flood told once.

These tests run the application as `samen run` does — started, updates put on its update queue
— so python-telegram-bot hands them to our update processor (`ChatTurns`) concurrently. The
harness's `feed` calls `process_update` directly and would bypass the processor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from telegram import Update
from telegram.ext import SimpleUpdateProcessor
from telegram.request import RequestData

from bot.channels.telegram.app import build_application
from bot.channels.telegram.turns import ChatTurns
from bot.config import Settings
from bot.runtime import Runtime
from tests.channels.journeys import onboard
from tests.factories import Person, UpdateFactory, create_community
from tests.fakes.bot_api import Errors, FakeBotAPI, FakeRequest
from tests.harness import BotHarness

DEFAULT_LIMIT = Settings.model_fields["inbound_per_minute"].default
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
SLOW_DOWN = (
    "You are sending messages very quickly, so I skipped some of them. "
    "Please wait a minute, then send again what you still need."
)
# Invented people.
FLOODER = Person(930000001, "Invented Flooder", "nl")
OTHERS = [Person(930000010 + i, f"Invented Neighbour {i}", "nl") for i in range(3)]
REFERENCE = Person(930000099, "Invented Reference", "nl")
STRANGER_A = Person(930000201, "Invented Anouk", "nl")
STRANGER_B = Person(930000202, "Invented Bram", "nl")
# What a stranger can send that gets one distinct answer each, without changing anything.
# (/mydata and /whoami answer with the person's own number, so they differ between people.)
STRANGER_TURNS = ["/help", "/language", "Hallo daar", "/stats"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The shared fixture lifts the limit for conversations played at one frozen instant;
    # here the real default applies.
    return settings.model_copy(update={"inbound_per_minute": DEFAULT_LIMIT})


class WatchedRequest(FakeRequest):
    """The in-process fake Bot API, with a hook that runs before each call is answered."""

    def __init__(self, api: FakeBotAPI) -> None:
        super().__init__(api)
        self.before: Any = None  # async (method, params) -> None
        self.after: Any = None  # (method, params) -> None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        if self.before is not None:
            await self.before(api_method, params)
        answer = await super().do_request(url, method, request_data, **kwargs)
        if self.after is not None:
            self.after(api_method, params)
        return answer


@pytest.fixture
async def running(
    settings: Settings, runtime: Runtime, fake_api: FakeBotAPI, updates: UpdateFactory
) -> AsyncIterator[tuple[BotHarness, WatchedRequest]]:
    """The application started as `samen run` starts it (without polling Telegram)."""
    request = WatchedRequest(fake_api)
    app = build_application(settings, runtime=runtime, request=request)
    await app.initialize()
    await app.start()
    try:
        yield BotHarness(app=app, api=fake_api, runtime=runtime, updates=updates), request
    finally:
        await app.stop()
        await app.shutdown()


async def deliver(bot: BotHarness, raw: Iterable[dict[str, Any]]) -> None:
    """Put updates on the application's queue, as polling does, and wait until all are done."""
    for update in raw:
        bot.app.update_queue.put_nowait(Update.de_json(update, bot.app.bot))
    await asyncio.wait_for(bot.app.update_queue.join(), timeout=60)


def texts_to(bot: BotHarness, person: Person) -> list[str]:
    """What reached the person's chat (a call Telegram refused reached nobody)."""
    return [call.text or "" for call in bot.api.sent(person.id) if call.result is not None]


async def test_one_member_flooding_does_not_hold_up_the_others(
    running: tuple[BotHarness, WatchedRequest], caplog: pytest.LogCaptureFixture
) -> None:
    bot, request = running
    assert isinstance(bot.app.update_processor, ChatTurns)
    await create_community(bot.runtime)
    for person in [*OTHERS, REFERENCE]:
        await onboard(bot, person)
    their_turns = ["/help", "/share", "Ons buurthuis heeft een moestuin nodig.", "/language"]
    # What a member gets for these turns when nobody floods: the reference, one by one.
    before = len(bot.api.sent(REFERENCE.id))
    for text in their_turns:
        await bot.feed(bot.updates.text(REFERENCE, text))
    expected = [call.text or "" for call in bot.api.sent(REFERENCE.id)[before:]]
    assert len(expected) == len(their_turns)
    others_before = {p.id: len(bot.api.sent(p.id)) for p in OTHERS}

    in_hand: list[int] = []

    async def watch(method: str, _params: dict[str, Any]) -> None:
        if method == "sendMessage":
            in_hand.append(bot.app.update_processor.current_concurrent_updates)

    request.before = watch
    # 60 messages from the flooder; the others' turns come in between, as they would.
    raw = []
    for i in range(60):
        raw.append(bot.updates.text(FLOODER, f"Hallo {i}"))
        if i % 15 == 5:
            turn = (i - 5) // 15
            raw += [bot.updates.text(person, their_turns[turn]) for person in OTHERS]
    flood_ids = [u["update_id"] for u in raw if u["message"]["from"]["id"] == FLOODER.id]
    with caplog.at_level(logging.INFO, logger="bot.channels.telegram.handlers.throttle"):
        await deliver(bot, raw)

    # Everyone else: every turn answered, in order, exactly as without the flood.
    for person in OTHERS:
        got = texts_to(bot, person)[others_before[person.id] :]
        assert got == expected, person.first_name
    # The flooder: the first 20 read and answered, one slow-down notice, the rest dropped.
    flooder_texts = texts_to(bot, FLOODER)
    t = bot.runtime.catalogs.translator("nl")
    assert flooder_texts.count(t.gettext(SLOW_DOWN)) == 1
    assert len(flooder_texts) == DEFAULT_LIMIT + 1
    assert flooder_texts[-1] == t.gettext(SLOW_DOWN)
    # Dropped ones are logged by update id and user id, never by content.
    throttled = [r for r in caplog.records if r.name.endswith("handlers.throttle")]
    assert [r.update_id for r in throttled] == flood_ids[DEFAULT_LIMIT:]  # type: ignore[attr-defined]
    assert {r.user_id for r in throttled} == {FLOODER.id}  # type: ignore[attr-defined]
    assert not any("Hallo" in r.getMessage() for r in caplog.records)
    # The processor really had several updates in hand at once, and kept no idle chat.
    assert max(in_hand) > 1
    assert bot.app.update_processor.waiting_chats == 0  # type: ignore[attr-defined]


async def _hold_first_reply_to_a_until_b_is_done(
    bot: BotHarness, request: WatchedRequest
) -> dict[str, bool]:
    """Hold A's first reply until B has all its answers: only concurrency lets B finish, and
    only per-chat order keeps A's later replies from overtaking the held one."""
    b_done = asyncio.Event()
    state = {"held": False, "timed_out": False}

    async def before(method: str, params: dict[str, Any]) -> None:
        to_a = method == "sendMessage" and int(params["chat_id"]) == STRANGER_A.id
        if to_a and not state["held"]:
            state["held"] = True
            try:
                await asyncio.wait_for(b_done.wait(), timeout=20)
            except TimeoutError:
                state["timed_out"] = True

    def after(method: str, params: dict[str, Any]) -> None:
        to_b = method == "sendMessage" and int(params["chat_id"]) == STRANGER_B.id
        if to_b and len(bot.api.sent(STRANGER_B.id)) == 2 * len(STRANGER_TURNS):
            b_done.set()

    request.before, request.after = before, after
    return state


def _turns_of_a_and_b(bot: BotHarness) -> list[dict[str, Any]]:
    raw = []
    for _ in range(2):
        for text in STRANGER_TURNS:
            raw.append(bot.updates.text(STRANGER_A, text))
            raw.append(bot.updates.text(STRANGER_B, text))
    return raw


async def _expected_for_a_stranger(bot: BotHarness) -> list[str]:
    reference = Person(930000299, "Invented Reference", "nl")
    for text in STRANGER_TURNS * 2:
        await bot.feed(bot.updates.text(reference, text))
    return texts_to(bot, reference)


async def test_replies_to_one_chat_keep_the_order_of_its_updates(
    running: tuple[BotHarness, WatchedRequest],
) -> None:
    bot, request = running
    expected = await _expected_for_a_stranger(bot)
    state = await _hold_first_reply_to_a_until_b_is_done(bot, request)
    await deliver(bot, _turns_of_a_and_b(bot))
    assert not state["timed_out"], "B waited for A: chats were not processed side by side"
    assert texts_to(bot, STRANGER_A) == expected
    assert texts_to(bot, STRANGER_B) == expected
    assert bot.app.update_processor.waiting_chats == 0  # type: ignore[attr-defined]


async def test_without_turns_the_same_updates_come_out_of_order(
    running: tuple[BotHarness, WatchedRequest],
) -> None:
    """The check above can fail: concurrency without per-chat turns reorders A's replies."""
    bot, request = running
    expected = await _expected_for_a_stranger(bot)
    state = await _hold_first_reply_to_a_until_b_is_done(bot, request)
    unordered = SimpleUpdateProcessor(64)
    updates = [Update.de_json(raw, bot.app.bot) for raw in _turns_of_a_and_b(bot)]
    await asyncio.gather(
        *(unordered.process_update(u, bot.app.process_update(u)) for u in updates)
    )
    assert not state["timed_out"]
    assert sorted(texts_to(bot, STRANGER_A)) == sorted(expected)
    assert texts_to(bot, STRANGER_A) != expected


async def test_a_failing_update_gets_the_apology_and_nobody_else_notices(
    running: tuple[BotHarness, WatchedRequest],
) -> None:
    bot, _request = running
    olena = Person(930000301, "Invented Olena", "uk")
    expected = await _expected_for_a_stranger(bot)
    # Olena's first reply fails at Telegram (502): her update fails in the handler.
    bot.api.fail(Errors.SERVER, method="sendMessage", chat_id=olena.id, times=1)
    raw = []
    for text in STRANGER_TURNS * 2:
        raw.append(bot.updates.text(STRANGER_A, text))
        raw.append(bot.updates.text(STRANGER_B, text))
        if text == "/help":
            raw.append(bot.updates.text(olena, "/help"))
    await deliver(bot, raw)
    t = bot.runtime.catalogs.translator("uk")
    olena_texts = texts_to(bot, olena)
    # The failed one: the apology in her language; her next /help is answered as usual.
    assert olena_texts[0] == t.gettext(APOLOGY) != APOLOGY
    # /help starts by saying members can simply write, then lists the commands.
    assert t.gettext("This is what you can do:") in olena_texts[1]
    assert len(olena_texts) == 2
    assert texts_to(bot, STRANGER_A) == expected
    assert texts_to(bot, STRANGER_B) == expected
    # A failed update gives its chat's turn back like any other.
    assert bot.app.update_processor.waiting_chats == 0  # type: ignore[attr-defined]


async def test_a_flood_of_button_taps_is_told_in_the_tap_answer(bot: BotHarness) -> None:
    for _ in range(DEFAULT_LIMIT):
        await bot.press(STRANGER_A, "no-such-button")
    assert bot.last_callback_answer() != bot.runtime.catalogs.translator("nl").gettext(SLOW_DOWN)
    sent_before = len(bot.api.sent(STRANGER_A.id))
    await bot.press(STRANGER_A, "no-such-button")
    assert bot.last_callback_answer() == bot.runtime.catalogs.translator("nl").gettext(SLOW_DOWN)
    answers = len(bot.api.calls_to("answerCallbackQuery"))
    for _ in range(10):
        await bot.press(STRANGER_A, "no-such-button")
    # Dropped quietly: no further answers, no messages.
    assert len(bot.api.calls_to("answerCallbackQuery")) == answers
    assert len(bot.api.sent(STRANGER_A.id)) == sent_before


async def test_a_member_at_a_normal_pace_is_never_dropped(bot: BotHarness) -> None:
    # One message every three seconds for three minutes: 60 messages, each answered.
    for i in range(60):
        bot.runtime.clock.advance(seconds=3)  # type: ignore[attr-defined]
        assert len(await bot.say(STRANGER_A, f"Hallo {i}")) == 1
    t = bot.runtime.catalogs.translator("nl")
    assert t.gettext(SLOW_DOWN) not in texts_to(bot, STRANGER_A)


async def test_after_a_minute_the_flooder_is_read_again(bot: BotHarness) -> None:
    for i in range(DEFAULT_LIMIT + 5):
        await bot.say(STRANGER_A, f"Hallo {i}")
    assert await bot.say(STRANGER_A, "/help") == []
    bot.runtime.clock.advance(seconds=61)  # type: ignore[attr-defined]
    (answer,) = await bot.say(STRANGER_A, "/help")
    t = bot.runtime.catalogs.translator("nl")
    assert t.gettext("This is what you can do:") in answer
