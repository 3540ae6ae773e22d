"""Drive the real python-telegram-bot application against the fake Bot API, turn by turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update

from bot.channels.telegram.app import SamenApplication
from bot.runtime import Runtime
from tests.factories import Person, UpdateFactory
from tests.fakes.bot_api import ApiCall, FakeBotAPI


class FakeClock:
    """A clock tests move by hand; services read the time only through the runtime's clock."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class BotHarness:
    app: SamenApplication
    api: FakeBotAPI
    runtime: Runtime
    updates: UpdateFactory

    async def feed(self, update: dict[str, Any]) -> list[ApiCall]:
        """Process one raw update; return what the bot sent in answer."""
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [
            call
            for call in self.api.calls[before:]
            if call.method not in {"answerCallbackQuery", "getMe"}
        ]

    async def say(self, person: Person, text: str) -> list[str]:
        """The user sends a text; the texts the bot answered with."""
        return [call.text or "" for call in await self.feed(self.updates.text(person, text))]
