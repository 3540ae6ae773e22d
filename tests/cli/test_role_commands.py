"""`samen role grant|revoke|list`: roles per community, by numeric Telegram user id."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import AuditEvent, Community


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    asyncio.run(_seed(database_url))
    return database_url


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            session.add(
                Community(
                    code="buurthuis-oost",
                    name="Buurthuis Oost",
                    default_locale="nl",
                    time_zone="Europe/Amsterdam",
                )
            )
            await session.commit()
    finally:
        await engine.dispose()


async def _audit(url: str) -> list[tuple[str, str | None]]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            events = await session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            return [(e.action, e.target) for e in events]
    finally:
        await engine.dispose()


def test_grant_list_and_revoke_are_audited(cli_env: str, capsys) -> None:
    base = ["--community", "buurthuis-oost", "--user-id", "910000004"]
    assert main(["role", "grant", *base, "--role", "organiser"]) == 0
    assert "910000004 is now organiser of buurthuis-oost" in capsys.readouterr().out
    assert main(["role", "grant", *base, "--role", "organiser"]) == 0
    assert "was already organiser" in capsys.readouterr().out
    assert main(["role", "list", "--community", "buurthuis-oost"]) == 0
    assert capsys.readouterr().out.startswith("organiser    910000004  since ")
    assert main(["role", "revoke", *base, "--role", "organiser"]) == 0
    assert "910000004 is no longer organiser of buurthuis-oost" in capsys.readouterr().out
    assert asyncio.run(_audit(cli_env)) == [
        ("role.grant", "user:910000004"),
        ("role.revoke", "user:910000004"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "nowhere", "--user-id", "1", "--role", "organiser"], "no community"),
        (
            ["--community", "buurthuis-oost", "--user-id", "@sanne", "--role", "organiser"],
            "numeric",
        ),
        (["--community", "buurthuis-oost", "--user-id", "1", "--role", "boss"], "invalid choice"),
    ],
)
def test_bad_input_is_one_clear_line(cli_env: str, capsys, args: list[str], message: str) -> None:
    try:
        code = main(["role", "grant", *args])
    except SystemExit as stopped:  # argparse refuses bad arguments itself
        code = int(stopped.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err
