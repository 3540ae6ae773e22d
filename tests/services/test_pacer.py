"""The pacer: an even overall rate, a per-chat rate that holds up only that chat, pauses."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest

from bot.services.outbox.dispatcher import Pacer, SendingPaused


class VirtualTimer:
    """Virtual time for coroutines that only wait on this timer: time jumps to the next
    wake-up once every task is waiting, so the test is exact and takes no real time."""

    def __init__(self) -> None:
        self.time = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.time + seconds, next(self._order), future))
        await future

    async def run(self, *coroutines):
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(t.done() for t in tasks):
            for _ in range(20):  # let every ready task run until it waits on the timer
                await asyncio.sleep(0)
            if self._sleepers:
                wake, _, future = heapq.heappop(self._sleepers)
                self.time = max(self.time, wake)
                future.set_result(None)
        return [t.result() for t in tasks]


async def test_the_overall_rate_is_even() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=30, chat_rate=1, timer=timer)
    moments: list[float] = []

    async def send(chat: int) -> None:
        await pacer.acquire(chat)
        moments.append(timer.now())

    await timer.run(*(send(chat) for chat in range(90)))
    assert moments[0] == 0
    assert moments[-1] == pytest.approx(89 / 30)
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert min(gaps) == pytest.approx(1 / 30)


async def test_a_busy_chat_waits_without_holding_up_the_others() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=100, chat_rate=1, timer=timer)
    sent: list[tuple[str, float]] = []

    async def send(chat: int, name: str) -> None:
        await pacer.acquire(chat)
        sent.append((name, timer.now()))

    await timer.run(send(1, "busy-1"), send(1, "busy-2"), send(1, "busy-3"), send(2, "quiet"))
    times = dict(sent)
    assert times["busy-1"] == 0
    assert times["quiet"] < 0.05  # right after the first, not after the busy chat's second
    assert times["busy-2"] >= 1.0
    assert times["busy-3"] >= 2.0


async def test_a_pause_stops_every_call_until_it_ends() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=10, chat_rate=10, timer=timer)
    await timer.run(pacer.acquire(1))
    pacer.pause(7)
    with pytest.raises(SendingPaused):
        await timer.run(pacer.acquire(2))
    assert pacer.paused_for == pytest.approx(7)
    timer.time += 7
    await timer.run(pacer.acquire(2))  # allowed again
    pacer.stop()
    with pytest.raises(SendingPaused):
        await timer.run(pacer.acquire(3))
