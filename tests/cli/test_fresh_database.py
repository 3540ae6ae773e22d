"""A volunteer's first commands run on a database nobody migrated yet, and codes that start
like an option still work."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import AuditEvent
from bot.services import communities
from tests.conftest import _PG_KEY, BACKENDS, _create_database, _drop_database


@pytest.fixture(params=BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that exists but was never migrated: a new SQLite file, or a new PostgreSQL
    database of its own."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    status = request.config.stash[_PG_KEY]
    if not status.available or status.admin_url is None:
        pytest.skip(f"PostgreSQL not available: {status.reason}")
    url = asyncio.run(_create_database(status.admin_url))
    yield url
    asyncio.run(_drop_database(status.admin_url, url))


@pytest.fixture
def cli_env(empty_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", empty_database)
    monkeypatch.setenv("SAMEN_BOT_USERNAME", "samen_utrecht_bot")
    monkeypatch.chdir(tmp_path)  # no .env here
    return empty_database


def audit_actions(url: str) -> list[tuple[str, int | None]]:
    async def read() -> list[tuple[str, int | None]]:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                rows = await session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                return [(e.action, e.community_id) for e in rows]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_the_first_commands_migrate_a_fresh_database(cli_env: str, capsys) -> None:
    args = ["community", "create", "--name", "Invented Buurtkamer", "--default-locale", "nl"]
    assert main([*args, "--code", "buurtkamer"]) == 0
    out = capsys.readouterr()
    assert "https://t.me/samen_utrecht_bot?start=buurtkamer" in out.out
    assert "no such table" not in out.err
    assert main(["db", "current"]) == 0
    assert "up to date" in capsys.readouterr().out
    # Creating a community is in the audit trail.
    assert [action for action, _ in audit_actions(cli_env)] == ["community.create"]


@pytest.mark.parametrize(
    "argv",
    [
        ["community", "list"],
        ["role", "list", "--community", "nergens"],
        ["meeting", "list", "--community", "nergens"],
        ["outbox", "status", "--once"],
        ["audit"],
        ["purge", "--dry-run"],
    ],
    ids=" ".join,
)
def test_any_command_on_a_fresh_database_works_or_says_why(
    cli_env: str, capsys, argv: list[str]
) -> None:
    code = main(argv)
    captured = capsys.readouterr()
    assert code in (0, 2), captured
    assert "no such table" not in captured.err
    assert "does not exist" not in captured.err  # PostgreSQL's "relation … does not exist"
    assert "Traceback" not in captured.err
    if code == 2:
        assert captured.err.count("\n") == 1
        assert "no community with the code 'nergens'" in captured.err


def test_a_database_from_a_newer_samen_is_one_line(cli_env: str, capsys) -> None:
    assert main(["db", "upgrade"]) == 0

    async def pretend_newer() -> None:
        engine = create_engine(cli_env)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        finally:
            await engine.dispose()

    asyncio.run(pretend_newer())
    capsys.readouterr()
    assert main(["community", "list"]) == 2
    err = capsys.readouterr().err
    assert "the database is at revision 9999, which this Samen does not know" in err
    assert "restore the backup taken before the upgrade" in err


def test_a_code_that_starts_with_a_dash_works_as_community_equals_code(
    cli_env: str, capsys, tmp_path: Path
) -> None:
    args = ["community", "create", "--name", "Invented", "--default-locale", "nl"]
    assert main([*args, "--code=-dash-first"]) == 0
    capsys.readouterr()
    assert main(["role", "grant", "--user-id", "9331", "--community=-dash-first", "--role",
                 "organiser"]) == 0  # fmt: skip
    assert main(["role", "list", "--community=-dash-first"]) == 0
    assert "organiser    9331" in capsys.readouterr().out
    assert main(["meeting", "list", "--community=-dash-first"]) == 0
    assert "no meetings yet" in capsys.readouterr().out
    poster = tmp_path / "poster.png"
    assert main(["community", "qr", "--out", str(poster), "--", "-dash-first"]) == 0
    assert "start=-dash-first" in capsys.readouterr().out
    assert poster.exists()


def test_generated_codes_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-AAAAAAAAAAAAAAA", "-BBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCC-"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(drawn))
    assert communities.new_code() == "CCCCCCCCCCCCCCC-"
    monkeypatch.undo()
    assert not any(communities.new_code().startswith("-") for _ in range(2000))
