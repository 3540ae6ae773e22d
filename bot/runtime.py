"""What the bot needs while it runs, created once by the application factory and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.engine import create_engine, create_session_factory
from bot.db.notices import Notices
from bot.i18n import Catalogs

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Heartbeats:
    """When each periodic job last finished a pass, in this process (for /healthz)."""

    last: dict[str, datetime] = field(default_factory=dict)

    def beat(self, job: str, now: datetime) -> None:
        self.last[job] = now


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalogs: Catalogs
    # Tests replace the clock to move time; the database stays the source of truth.
    clock: Clock = field(default=system_clock)
    heartbeats: Heartbeats = field(default_factory=Heartbeats)
    # Why the bot stopped by itself (e.g. a second poller), for the exit message.
    stop_reason: str | None = None
    # In-process notices after commits, e.g. "outbox rows queued" wakes the dispatcher.
    notices: Notices = field(default_factory=Notices)
    # Sessions for work that only reads: on SQLite they do not take the write lock.
    reads: async_sessionmaker[AsyncSession] | None = None
    # Read-only sessions of one statement (the admission): on SQLite, no transaction.
    glances: async_sessionmaker[AsyncSession] | None = None

    def __post_init__(self) -> None:
        if self.reads is None:
            self.reads = create_session_factory(self.engine, read_only=True)
        if self.glances is None:
            self.glances = create_session_factory(self.engine, one_statement=True)

    def reading(self) -> AsyncSession:
        """A session for read-only work (no write lock on SQLite); never commit in it."""
        assert self.reads is not None
        return self.reads()

    def glance(self) -> AsyncSession:
        """A read-only session for one statement (or reads that need no common snapshot);
        on SQLite it runs in autocommit mode, without BEGIN. Never commit in it."""
        assert self.glances is not None
        return self.glances()

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Runtime:
        engine = create_engine(settings.database_url)
        notices = Notices()
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine, notices),
            notices=notices,
            catalogs=Catalogs(settings.locales_dir, settings.default_time_zone),
            clock=clock,
        )

    async def close(self) -> None:
        await self.engine.dispose()
