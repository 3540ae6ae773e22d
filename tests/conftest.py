"""Shared fixtures: every database test runs on SQLite and on PostgreSQL; the network is fake.

PostgreSQL is used when SAMEN_TEST_POSTGRES_URL names a server (`make test` names the local
one). Each test run creates its own database there and drops it at the end. With
SAMEN_REQUIRE_POSTGRES=1 (set by .ci/run) an unreachable server fails the run instead of
skipping the PostgreSQL half.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.channels.telegram.app import build_application
from bot.config import Settings, load_settings
from bot.db import migrate
from bot.db.base import Base
from bot.db.engine import create_engine
from bot.runtime import Runtime
from tests.factories import UpdateFactory
from tests.fakes.bot_api import FakeBotAPI, FakeRequest
from tests.harness import BotHarness, FakeClock

PG_URL_ENV = "SAMEN_TEST_POSTGRES_URL"
PG_REQUIRED_ENV = "SAMEN_REQUIRE_POSTGRES"
TEST_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-only"
BACKENDS = ["sqlite", "postgresql"]


# --- the network ---------------------------------------------------------------------------


class RealNetworkAccess(BaseException):
    """A test tried to reach a real host. A BaseException, so no `except Exception` hides it."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("127."):
                raise RealNetworkAccess(f"test tried to reach the real network: {host}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _no_real_network() -> Iterator[None]:
    socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


# --- PostgreSQL availability ------------------------------------------------------------------


@dataclass
class PostgresStatus:
    admin_url: str | None
    required: bool
    reason: str = ""
    database_url: str | None = None  # this run's own database, once created

    @property
    def available(self) -> bool:
        return self.admin_url is not None and not self.reason


def _async_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


async def _probe(url: str) -> None:
    engine = create_engine(url, connect_args={"timeout": 5})
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    raw = os.environ.get(PG_URL_ENV, "").strip()
    required = os.environ.get(PG_REQUIRED_ENV) == "1"
    status = PostgresStatus(admin_url=_async_url(raw) if raw else None, required=required)
    if status.admin_url is None:
        status.reason = f"{PG_URL_ENV} is not set"
    else:
        try:
            asyncio.run(_probe(status.admin_url))
        except Exception as exc:  # any failure means: no PostgreSQL here
            status.reason = f"cannot connect ({type(exc).__name__})"
    config.stash[_PG_KEY] = status
    if required and not status.available:
        raise pytest.UsageError(
            f"PostgreSQL is required ({PG_REQUIRED_ENV}=1) but {status.reason}"
        )


_PG_KEY = pytest.StashKey[PostgresStatus]()


def pytest_report_header(config: pytest.Config) -> str:
    status = config.stash[_PG_KEY]
    if status.available:
        safe = make_url(status.admin_url or "").render_as_string(hide_password=True)
        return f"databases: SQLite and PostgreSQL ({safe})"
    return f"databases: SQLite only; PostgreSQL tests are SKIPPED: {status.reason}"


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    status = config.stash[_PG_KEY]
    if not status.available:
        terminalreporter.write_line(
            f"NOTE: PostgreSQL tests were skipped ({status.reason}); set {PG_URL_ENV} "
            "to a server to run them.",
            yellow=True,
        )


async def _create_database(admin_url: str) -> str:
    name = f"samen_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def _drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """This run's own PostgreSQL database, migrated once; None when there is no server."""
    status = request.config.stash[_PG_KEY]
    if not status.available or status.admin_url is None:
        yield None
        return
    url = asyncio.run(_create_database(status.admin_url))
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_drop_database(status.admin_url, url))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies: migrating once is much faster."""
    path = tmp_path_factory.mktemp("template") / "samen.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


async def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: str | None,
) -> AsyncIterator[str]:
    """A migrated, empty database: a fresh SQLite file, or this run's PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "samen.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    status = request.config.stash[_PG_KEY]
    if postgres_template is None:
        pytest.skip(f"PostgreSQL not available: {status.reason}")
    yield postgres_template
    await _truncate_all(postgres_template)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        DATABASE_URL=database_url,
        TELEGRAM_API_URL="http://127.0.0.1:9",  # never used: the fake answers in-process
        # Conversations play at one frozen instant, a pace no person keeps up for long; the
        # throttle's own tests (tests/channels/test_fair_turns.py) use the real default.
        SAMEN_INBOUND_PER_MINUTE=1000,
    )


@pytest.fixture
async def runtime(settings: Settings, clock: FakeClock) -> AsyncIterator[Runtime]:
    runtime = Runtime.create(settings, clock=clock)
    yield runtime
    await runtime.close()


@pytest.fixture
def fake_api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def updates() -> UpdateFactory:
    return UpdateFactory()


@pytest.fixture
async def bot(
    settings: Settings, runtime: Runtime, fake_api: FakeBotAPI, updates: UpdateFactory
) -> AsyncIterator[BotHarness]:
    """The real application, with the fake Bot API at the request layer."""
    app = build_application(settings, runtime=runtime, request=FakeRequest(fake_api))
    await app.initialize()
    try:
        yield BotHarness(app=app, api=fake_api, runtime=runtime, updates=updates)
    finally:
        await app.shutdown()
