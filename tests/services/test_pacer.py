"""The pacer: an even overall rate, a per-chat rate that holds up only that chat, replies
before bulk sends, pauses that keep every waiting call in its place."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest

from bot.services.outbox.pacer import Pacer, Priority, SendingPaused


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

    async def settle(self) -> None:
        for _ in range(20):  # let every ready task run until it waits on the timer
            await asyncio.sleep(0)

    async def run(self, *coroutines):
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(t.done() for t in tasks):
            await self.settle()
            self._wake_next()
        return [t.result() for t in tasks]

    async def advance(self, seconds: float) -> None:
        """Let `seconds` of virtual time pass, waking every sleeper due in them."""
        until = self.time + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= until:
            self._wake_next()
            await self.settle()
        self.time = until
        await self.settle()

    def _wake_next(self) -> None:
        while self._sleepers:
            wake, _, future = heapq.heappop(self._sleepers)
            if future.done():  # a sleep that was cancelled (woken by an arrival)
                continue
            self.time = max(self.time, wake)
            future.set_result(None)
            return


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


async def test_a_call_for_a_free_chat_is_not_kept_waiting_by_a_busy_one() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=100, chat_rate=1, timer=timer)
    await timer.run(pacer.acquire(1))
    waiting = asyncio.ensure_future(pacer.acquire(1))  # chat 1 must wait a second
    await timer.settle()
    arrived_at = timer.now()
    await timer.run(pacer.acquire(2))  # arrives while the granter sleeps for chat 1
    assert timer.now() - arrived_at < 0.05
    assert not waiting.done()
    await timer.run(waiting)
    assert timer.now() >= 1.0


async def test_replies_go_before_the_bulk_sends_that_were_waiting() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=10, chat_rate=1, timer=timer)
    order: list[str] = []

    async def send(name: str, chat: int, priority: Priority) -> None:
        await pacer.acquire(chat, priority)
        order.append(name)

    bulk = [asyncio.ensure_future(send(f"bulk-{i}", 100 + i, Priority.BULK)) for i in range(20)]
    await timer.advance(0.25)  # three bulk sends went out; seventeen wait
    replies = [
        asyncio.ensure_future(send(f"reply-{i}", 200 + i, Priority.INTERACTIVE)) for i in range(3)
    ]
    await timer.run(*bulk, *replies)
    assert order[:3] == ["bulk-0", "bulk-1", "bulk-2"]
    # Every reply went in the next slots, before the seventeen bulk sends that were waiting.
    assert order[3:6] == ["reply-0", "reply-1", "reply-2"]
    assert order[6:] == [f"bulk-{i}" for i in range(3, 20)]


async def test_bulk_sends_get_the_slots_the_replies_leave() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=10, chat_rate=1, timer=timer)
    done: list[tuple[Priority, float]] = []

    async def send(chat: int, priority: Priority) -> None:
        await pacer.acquire(chat, priority)
        done.append((priority, timer.now()))

    await timer.run(
        *(send(100 + i, Priority.BULK) for i in range(30)),
        *(send(200 + i, Priority.INTERACTIVE) for i in range(10)),
    )
    # 40 calls at 10 a second: 4 seconds in all, no slot left idle. The first bulk send found
    # the pacer idle; from the next slot on, the ten replies went before the other bulk sends.
    assert done[0][0] is Priority.BULK
    assert [p for p, _ in done[1:11]] == [Priority.INTERACTIVE] * 10
    assert done[-1][1] == pytest.approx(3.9)


async def test_a_pause_holds_every_waiting_call_and_drops_none() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=10, chat_rate=10, timer=timer)
    await timer.run(pacer.acquire(1))
    pacer.pause(7)
    moments: list[float] = []

    async def send(chat: int, priority: Priority) -> None:
        await pacer.acquire(chat, priority)
        moments.append(timer.now())

    await timer.run(
        *(send(10 + i, Priority.BULK) for i in range(5)),
        *(send(20 + i, Priority.INTERACTIVE) for i in range(5)),
    )
    assert len(moments) == 10  # nobody was turned away
    assert min(moments) >= 7  # and nobody went before the pause ended


async def test_closing_a_lane_gives_back_only_its_waiting_calls() -> None:
    timer = VirtualTimer()
    pacer = Pacer(rate=1, chat_rate=1, timer=timer)
    lane = pacer.lane(Priority.BULK)
    await timer.run(lane.acquire(1))
    waiting = asyncio.ensure_future(lane.acquire(2))
    reply = asyncio.ensure_future(pacer.acquire(3, Priority.INTERACTIVE))
    await timer.settle()
    lane.close()
    await timer.run(reply)  # the replies' budget goes on
    with pytest.raises(SendingPaused):
        await waiting
    with pytest.raises(SendingPaused):
        await lane.acquire(4)
    assert pacer.waiting == 0
