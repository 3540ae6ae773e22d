"""Erasure reaches the disk: after /delete the member's words are in no database file while
the bot still runs; database files are private; PostgreSQL's tables are vacuumed after."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db import disk
from bot.db.engine import create_engine
from bot.db.notices import ROWS_ERASED
from bot.runtime import Runtime
from bot.scheduler import scrub_job
from bot.services.members import data_rights
from tests.channels.journeys import CODE, onboard
from tests.factories import OLENA, SANNE, Person, create_community
from tests.harness import BotHarness

# An invented story, distinctive enough that no other bytes in the files contain it.
STORY = "Tante Wilhelmina Quakkelaar leerde mij zwemmen in de Zuiderzwaluwvijver"
STORY_UK = "Бабуся Ярослава Квітчинська навчила мене пекти паляниці"


def database_file(runtime: Runtime) -> Path | None:
    url = make_url(runtime.settings.database_url)
    return disk.sqlite_path(url) if url.get_backend_name() == "sqlite" else None


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def contents(path: Path, suffix: str = "") -> bytes:
    """The bytes of the database file, or of its `-wal` with suffix "-wal"."""
    return Path(f"{path}{suffix}").read_bytes()


def modes(folder: Path) -> dict[str, int]:
    return {file.name: mode(file) for file in folder.iterdir()}


async def share(bot: BotHarness, person: Person, story: str) -> None:
    await bot.say(person, "/share")
    await bot.say(person, story)


async def test_after_delete_the_story_is_in_neither_the_database_nor_its_wal(
    bot: BotHarness,
) -> None:
    await create_community(bot.runtime, code=CODE)
    await onboard(bot, SANNE)
    await onboard(bot, OLENA)
    await share(bot, SANNE, STORY)
    await share(bot, OLENA, STORY_UK)
    path = database_file(bot.runtime)
    words, kept = STORY.encode(), STORY_UK.encode()
    if path is not None:
        stored = contents(path) + contents(path, "-wal")
        assert words in stored  # the scan can find what is there

    await bot.say(SANNE, "/delete")
    await bot.tap(SANNE, "Ja, verwijder alles")

    # The bot is still running: its engine and connections are open.
    async with bot.runtime.sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM members")) == 1
    if path is None:  # PostgreSQL: the rows are gone; the scrub job vacuums (below)
        return
    main, log = contents(path), contents(path, "-wal")
    assert words not in main
    assert words not in log
    # Only what was erased: Olena's story is still stored.
    assert kept in main + log
    assert modes(path.parent) == {"samen.db": 0o600, "samen.db-wal": 0o600, "samen.db-shm": 0o600}


async def test_a_new_sqlite_database_and_its_side_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE words (text TEXT)"))
            await conn.execute(text("INSERT INTO words VALUES ('hallo')"))
        assert modes(tmp_path) == {
            "fresh.db": 0o600,
            "fresh.db-wal": 0o600,
            "fresh.db-shm": 0o600,
        }
    finally:
        await engine.dispose()


async def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch()
    path.chmod(0o644)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await engine.dispose()
    assert mode(path) == 0o600


async def test_a_missing_folder_is_left_for_the_connection_to_report(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'absent' / 'samen.db'}")
    await engine.dispose()
    assert not (tmp_path / "absent").exists()


async def test_secure_delete_is_on_for_every_sqlite_connection(runtime: Runtime) -> None:
    async with runtime.engine.connect() as conn:
        value = (
            await conn.scalar(text("PRAGMA secure_delete"))
            if runtime.engine.dialect.name == "sqlite"
            else 1
        )
    assert value == 1


async def test_an_erasure_wakes_the_scrub_job_which_vacuums_or_checkpoints(
    bot: BotHarness,
) -> None:
    runtime = bot.runtime
    woken: list[str] = []
    runtime.notices.subscribe(ROWS_ERASED, lambda: woken.append(ROWS_ERASED))
    await create_community(runtime, code=CODE)
    await onboard(bot, SANNE)
    await share(bot, SANNE, STORY)
    await bot.say(SANNE, "/delete")
    await bot.tap(SANNE, "Ja, verwijder alles")
    assert woken == [ROWS_ERASED]

    tables = data_rights.ERASED_TABLES
    settled = await disk.settle(runtime.engine, tables)
    await scrub_job(runtime)()  # the job does the same, and runs again harmlessly
    if runtime.engine.dialect.name == "sqlite":
        assert settled == disk.Settled(checkpointed=True, vacuumed=())
        path = database_file(runtime)
        assert path is not None
        assert contents(path, "-wal") == b""
        return
    assert settled.checkpointed is None
    assert set(settled.vacuumed) == set(tables) >= {"answers", "members", "outbox_messages"}
    # A fresh connection reads fresh statistics: PostgreSQL recorded the vacuum.
    engine = create_engine(runtime.settings.database_url)
    try:
        async with engine.connect() as conn:
            vacuumed = (
                await conn.scalars(
                    text(
                        "SELECT relname FROM pg_stat_user_tables "
                        "WHERE last_vacuum IS NOT NULL AND relname = 'answers'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert vacuumed == ["answers"]
