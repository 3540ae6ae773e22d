"""`samen checkins list|set`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import CheckIn, CheckInKind, Community, Member


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)

    async def seed() -> None:
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine)() as session:
                session.add(
                    Community(
                        code="oost", name="Oost", default_locale="nl", time_zone="Europe/Amsterdam"
                    )
                )
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(seed())
    return database_url


def test_list_shows_the_defaults_and_set_changes_them(cli_env: str, capsys) -> None:
    assert main(["checkins", "list", "--community", "oost"]) == 0
    out = capsys.readouterr().out
    assert "reminders      1d, 2h" in out
    assert "longterm       1, 3, 6" in out
    assert (
        main(
            [
                "checkins",
                "set",
                "--community",
                "oost",
                "--quiet",
                "22:00-08:00",
                "--longterm",
                "2, 12",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "quiet          22:00-08:00" in out
    assert "longterm       2, 12" in out
    assert main(["checkins", "set", "--community", "oost", "--reengage", "3"]) == 2
    assert "--reengage: expected a number of days from 7 to 365" in capsys.readouterr().err


def test_list_shows_the_next_check_in_in_the_communitys_zone(cli_env: str, capsys) -> None:
    async def seed() -> None:
        engine = create_engine(cli_env)
        try:
            async with create_session_factory(engine)() as session:
                community = await session.scalar(select(Community).where(Community.code == "oost"))
                assert community is not None
                member = Member(telegram_user_id=944_000_001, locale="nl")
                session.add(member)
                await session.flush()
                session.add(
                    CheckIn(
                        member_id=member.id,
                        community_id=community.id,
                        kind=CheckInKind.LONGTERM,
                        due_at=datetime(2027, 1, 15, 9, 0, tzinfo=UTC),
                    )
                )
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(seed())
    assert main(["checkins", "list", "--community", "oost"]) == 0
    assert "next due       2027-01-15 10:00 Europe/Amsterdam" in capsys.readouterr().out
    assert main(["checkins", "list", "--community", "oost", "--utc"]) == 0
    assert "next due       2027-01-15 09:00 UTC" in capsys.readouterr().out
