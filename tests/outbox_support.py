"""Helpers for outbox tests: invented communities and members, a dispatcher on the fake."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from telegram.request import BaseRequest

from bot.channels.telegram.outbox.sender import TelegramChannel
from bot.channels.telegram.renderers import build_renderers
from bot.config import Settings
from bot.db.models import Community, Member, Membership, OutboxMessage
from bot.runtime import Runtime
from bot.services.members import privacy
from bot.services.outbox import announcements
from bot.services.outbox.dispatcher import DeliveryConfig, Dispatcher
from tests.fakes.bot_api import FakeBotAPI, FakeRequest
from tests.harness import FakeClock

FIRST_USER_ID = 930_000_001
T = TypeVar("T")


class FakeTimer:
    """The dispatcher's pacing clock, tied to the test's FakeClock: sleeping moves time on
    (never backwards, so concurrent sleepers end at the latest of their wake-up times)."""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.clock().timestamp()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        target = self.now() + seconds
        await asyncio.sleep(0)
        if target > self.now():
            self.clock.advance(seconds=target - self.now())

    @property
    def slept(self) -> float:
        return sum(self.sleeps)


class ManualTimer:
    """A pacing clock that moves only when the test says so: `advance` wakes the sleepers
    that are due, so a test can look at who waits before letting time pass."""

    def __init__(self) -> None:
        self.time = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.time + seconds, future))
        await future

    async def advance(self, seconds: float) -> None:
        self.time += seconds
        for wake, future in list(self._sleepers):
            if wake <= self.time + 1e-9:
                self._sleepers.remove((wake, future))
                if not future.done():
                    future.set_result(None)
        await asyncio.sleep(0.002)  # let woken tasks (and the database threads) move on

    async def run_until(self, done: Callable[[], bool], step: float = 0.01) -> None:
        """Advance in small steps until `done()`; a guard ends a test that would hang."""
        for _ in range(20_000):
            if done():
                return
            await self.advance(step)
        raise AssertionError("still not done after 200 virtual seconds")


async def until(done: Callable[[], bool]) -> None:
    """Wait (a real-time guard, not a timing assumption) until `done()` holds."""
    async with asyncio.timeout(20):
        while not done():  # noqa: ASYNC110 (what it polls has no event to wait on)
            await asyncio.sleep(0.002)


@dataclass
class Recipients:
    community_id: int
    member_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)


async def make_community(
    runtime: Runtime,
    code: str = "utrecht",
    *,
    locales: Sequence[str | None] = ("nl",),
    default_locale: str = "nl",
    consented: bool = True,
    first_user_id: int = FIRST_USER_ID,
    name: str | None = None,
) -> Recipients:
    """A community with one invented member per entry of `locales`."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        community = Community(
            code=code,
            name=name or f"Invented {code}",
            default_locale=default_locale,
            time_zone="Europe/Amsterdam",
        )
        session.add(community)
        await session.flush()
        result = Recipients(community.id)
        members = [
            Member(
                telegram_user_id=first_user_id + i,
                locale=locale,
                consent_version=privacy.NOTICE_VERSION if consented else None,
                consent_given_at=now if consented else None,
                created_at=now,
            )
            for i, locale in enumerate(locales)
        ]
        session.add_all(members)
        await session.flush()
        session.add_all(Membership(member_id=m.id, community_id=community.id) for m in members)
        await session.commit()
        result.member_ids = [m.id for m in members]
        result.user_ids = [m.telegram_user_id for m in members]
        return result


def make_dispatcher(
    runtime: Runtime,
    api: FakeBotAPI,
    *,
    instance: str = "test-instance",
    timer: FakeTimer | None = None,
    request: BaseRequest | None = None,
    **config: Any,
) -> tuple[Dispatcher, TelegramChannel, FakeTimer]:
    """A dispatcher sending through the real PTB Bot to the in-process fake."""
    clock = runtime.clock
    assert isinstance(clock, FakeClock)
    timer = timer or FakeTimer(clock)
    settings = runtime.settings
    channel = TelegramChannel.create(
        settings, runtime.catalogs, build_renderers(), request=request or FakeRequest(api)
    )
    options = {"retry_seconds": 15.0, "lease": timedelta(minutes=10), **config}
    dispatcher = Dispatcher(
        runtime.sessions,
        channel,
        DeliveryConfig(**options),
        instance=instance,
        clock=clock,
        timer=timer,
    )
    return dispatcher, channel, timer


def in_new_loop(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run `work` with a runtime of its own, for synchronous tests (e.g. of commands)."""

    async def run():
        runtime = Runtime.create(settings, clock=FakeClock())
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(run())


async def rows(runtime: Runtime, **where: Any) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list((await session.scalars(query)).all())


async def member(runtime: Runtime, member_id: int) -> Member:
    async with runtime.sessions() as session:
        found = await session.get(Member, member_id)
        assert found is not None
        return found


async def announce(
    runtime: Runtime, code: str = "utrecht", text: str = "Tot zaterdag!"
) -> announcements.Announced:
    """Queue a Dutch announcement to every reachable member of the community."""
    async with runtime.sessions() as session:
        return await announcements.announce(
            session,
            community_code=code,
            texts={"nl": text},
            source_locale="nl",
            now=runtime.clock(),
        )
