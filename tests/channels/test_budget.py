"""One Telegram budget: the application's replies and the outbox wait in the same pacer,
replies first, and a 429 on either side pauses both; no reply is dropped by a retry limit.

The pacer runs on a `ManualTimer`: the test looks at who waits, then lets virtual time pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.channels.telegram.app import build_application, outbox_of
from bot.channels.telegram.budget import PacedRateLimiter, chat_of
from bot.config import Settings
from bot.runtime import Runtime
from bot.services.outbox.pacer import Pacer
from tests.factories import AMIRA, SANNE, UpdateFactory
from tests.fakes.bot_api import Errors, FakeBotAPI, FakeRequest
from tests.harness import BotHarness, FakeClock
from tests.outbox_support import ManualTimer, Recipients, announce, make_community, until


class TimedRequest(FakeRequest):
    """Notes the pacing clock at the start of every call that sends a message."""

    def __init__(self, api: FakeBotAPI, timer: ManualTimer):
        super().__init__(api)
        self.timer = timer
        self.moments: list[tuple[int, float]] = []

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        if url.endswith("/sendMessage") and request_data is not None:
            self.moments.append((int(request_data.parameters["chat_id"]), self.timer.now()))
        return await super().do_request(url, method, request_data, *args, **kwargs)


@dataclass
class Shared:
    bot: BotHarness
    timer: ManualTimer
    pacer: Pacer
    request: TimedRequest


@pytest.fixture
async def shared(
    settings: Settings, runtime: Runtime, fake_api: FakeBotAPI
) -> AsyncIterator[Shared]:
    timer = ManualTimer()
    pacer = Pacer(rate=100, chat_rate=1, timer=timer)
    request = TimedRequest(fake_api, timer)
    app = build_application(settings, runtime=runtime, request=request, pacer=pacer)
    await app.initialize()
    await outbox_of(app).channel.start()
    try:
        yield Shared(BotHarness(app, fake_api, runtime, UpdateFactory()), timer, pacer, request)
    finally:
        await outbox_of(app).channel.stop()
        await app.shutdown()


def delivered(api: FakeBotAPI, chat_id: int | None = None) -> list[int | None]:
    return [call.chat_id for call in api.sent(chat_id) if call.result is not None]


async def test_replies_and_the_outbox_share_one_pacer(shared: Shared) -> None:
    limiter = shared.bot.app.bot.rate_limiter
    assert isinstance(limiter, PacedRateLimiter)
    assert limiter.pacer is shared.pacer
    assert outbox_of(shared.bot.app).dispatcher.pacer is shared.pacer


async def test_a_429_on_the_outbox_pauses_replies_and_the_reply_goes_first(
    shared: Shared, fake_api: FakeBotAPI, clock: FakeClock
) -> None:
    people: Recipients = await make_community(shared.bot.runtime, locales=["nl"] * 4)
    fake_api.fail(Errors.retry_after(5), chat_id=people.user_ids[0])
    await announce(shared.bot.runtime)
    dispatcher = outbox_of(shared.bot.app).dispatcher
    run = asyncio.create_task(dispatcher.run_once())
    # (Start-up's getMe took the first slot: let the pacer's clock move to the next ones.)
    await shared.timer.run_until(lambda: shared.pacer.paused_for > 0)
    await until(lambda: shared.pacer.waiting == 3)
    (throttled_chat, throttled_at), *_ = shared.request.moments
    assert throttled_chat == people.user_ids[0]
    # Three outbox rows wait out the pause; now a member asks for help.
    reply = asyncio.create_task(shared.bot.say(SANNE, "/help"))
    await until(lambda: shared.pacer.waiting == 4)
    await shared.timer.run_until(lambda: reply.done() and run.done())
    after_pause = shared.request.moments[1:]
    # Nothing went during the pause (the pacing clock adds up steps of 0.01: allow for it).
    assert all(t >= throttled_at + 5 - 1e-6 for _, t in after_pause)
    assert after_pause[0][0] == SANNE.id  # the reply before the bulk sends that waited
    # /help, answered first ("Dit kun je doen" is its list of commands)
    assert "Dit kun je doen" in (await reply)[0]
    summary = await run
    assert (summary.sent, summary.throttled, summary.released) == (3, 1, 0)
    # The row Telegram did not take is due when the pause ends (by the database's clock).
    clock.advance(seconds=5)
    again = asyncio.create_task(dispatcher.run_once())
    await shared.timer.run_until(again.done)
    assert (await again).sent == 1
    assert sorted(delivered(fake_api)) == sorted([*people.user_ids, SANNE.id])


async def test_a_reply_that_meets_two_429s_is_still_delivered_and_pauses_the_outbox(
    shared: Shared, fake_api: FakeBotAPI
) -> None:
    people = await make_community(shared.bot.runtime, locales=["nl"] * 3)
    fake_api.fail(Errors.retry_after(3), method="sendMessage", chat_id=AMIRA.id, times=2)
    reply = asyncio.create_task(shared.bot.say(AMIRA, "/help"))
    await shared.timer.run_until(lambda: len(fake_api.sent(AMIRA.id)) == 1)
    await until(lambda: shared.pacer.paused_for > 0)
    await announce(shared.bot.runtime)
    run = asyncio.create_task(outbox_of(shared.bot.app).dispatcher.run_once())
    await shared.timer.run_until(lambda: reply.done() and run.done())
    first, *amira = [t for chat, t in shared.request.moments if chat == AMIRA.id]
    assert [t - first for t in amira] == [pytest.approx(3, abs=0.05), pytest.approx(6, abs=0.05)]
    assert delivered(fake_api, AMIRA.id) == [AMIRA.id]
    assert (await reply)[0]  # the answer arrived
    # The outbox waited out both pauses the reply met.
    outbox = [t for chat, t in shared.request.moments if chat in people.user_ids]
    assert len(outbox) == 3
    assert min(outbox) >= first + 6 - 1e-6
    assert sorted(delivered(fake_api)) == sorted([*people.user_ids, AMIRA.id])


def test_only_messages_count_against_a_chat() -> None:
    assert chat_of("sendMessage", {"chat_id": 5}) == 5
    assert chat_of("sendDocument", {"chat_id": "5"}) == 5
    assert chat_of("copyMessage", {"chat_id": "@samen"}) == "@samen"
    # Edits, taps and typing count only against the overall rate.
    assert chat_of("editMessageText", {"chat_id": 5}) is None
    assert chat_of("answerCallbackQuery", {"callback_query_id": "1"}) is None
    assert chat_of("sendChatAction", {"chat_id": 5}) is None
