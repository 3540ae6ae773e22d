"""`samen community set-allowance` and `samen contributions statement`: checked settings,
one line per person, Telegram ids only when asked for (and audited), CSV and XLSX."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import (
    Allowance,
    AllowanceMode,
    AuditEvent,
    Community,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Member,
)

USER_ID = 950_000_001


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "SAMEN_EXPORT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    asyncio.run(_seed(database_url))
    return database_url


async def _seed(url: str) -> None:
    engine = create_engine(url)
    when = datetime(2026, 11, 14, 17, tzinfo=UTC)
    try:
        async with create_session_factory(engine)() as session:
            community = Community(
                code="oost",
                name="Buurthuis Oost",
                default_locale="nl",
                time_zone="Europe/Amsterdam",
            )
            member = Member(telegram_user_id=USER_ID, locale="so", created_at=when)
            session.add_all([community, member])
            await session.flush()
            session.add(
                Contribution(
                    community_id=community.id,
                    member_id=member.id,
                    kind=ContributionKind.COHOST,
                    occurred_at=when,
                    minutes=150,
                    status=ContributionStatus.CONFIRMED,
                    created_at=when,
                )
            )
            await session.commit()
    finally:
        await engine.dispose()


async def _read(url: str, model: type) -> list:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(model))).all())
    finally:
        await engine.dispose()


def test_set_allowance_is_checked_and_audited(cli_env: str, capsys) -> None:
    assert main(["community", "set-allowance", "oost", "--mode", "hourly"]) == 2
    err = capsys.readouterr().err
    assert "--hourly-rate" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["community", "set-allowance", "oost", "--mode", "fee", "--fee", "lunch=5"]) == 2
    assert "'lunch'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as typo:
        main(["community", "set-allowance", "oost", "--mode", "hourly", "--hourly-rate", "5.6.0"])
    assert typo.value.code == 2
    capsys.readouterr()
    args = ["--mode", "hourly", "--hourly-rate", "5,60", "--monthly-cap", "210"]
    assert main(["community", "set-allowance", "oost", *args, "--yearly-cap", "2100"]) == 0
    assert "€5.60 an hour" in capsys.readouterr().out
    (allowance,) = asyncio.run(_read(cli_env, Allowance))
    assert (allowance.mode, allowance.hourly_rate_cents, allowance.yearly_cap_cents) == (
        AllowanceMode.HOURLY,
        560,
        210000,
    )
    actions = [e.action for e in asyncio.run(_read(cli_env, AuditEvent))]
    assert actions == ["allowance.set"]


def test_a_statement_names_people_by_code_and_by_id_only_when_asked(
    cli_env: str, capsys, tmp_path: Path
) -> None:
    assert (
        main(["community", "set-allowance", "oost", "--mode", "hourly", "--hourly-rate", "5.60"])
        == 0
    )
    capsys.readouterr()
    base = ["contributions", "statement", "--community", "oost", "--month", "2026-11"]
    assert main([*base, "--format", "csv", "--language", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Member code,Confirmed hours,Activities,Amount (EUR),Note"
    code, hours, count, amount, note = out[1].split(",")
    assert code.startswith("M-")
    assert (hours, count, amount, note) == ("2.50", "1", "14.00", "")
    assert str(USER_ID) not in "\n".join(out)

    target = tmp_path / "nov.xlsx"
    assert main([*base, "--format", "xlsx", "--identifiable", "--out", str(target)]) == 0
    assert "audit log" in capsys.readouterr().err
    sheet = load_workbook(target).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:5] == [code, USER_ID, 2.5, 1, 14.0]
    actions = [e.action for e in asyncio.run(_read(cli_env, AuditEvent))]
    assert actions[-2:] == ["statement.produce", "statement.identifiable"]
    # Bad input: a month that is none, an XLSX without a file, an unknown community.
    with pytest.raises(SystemExit):
        main(
            [
                "contributions",
                "statement",
                "--community",
                "oost",
                "--month",
                "2026-13",
                "--format",
                "csv",
            ]
        )
    capsys.readouterr()
    assert main([*base, "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err
    assert (
        main(
            [
                "contributions",
                "statement",
                "--community",
                "west",
                "--month",
                "2026-11",
                "--format",
                "csv",
            ]
        )
        == 2
    )


def test_a_coordinator_names_an_ambassador_on_the_command_line(cli_env: str, capsys) -> None:
    base = ["--community", "oost", "--user-id", str(USER_ID), "--role", "ambassador"]
    assert main(["role", "grant", *base]) == 0
    assert f"{USER_ID} is now ambassador of oost" in capsys.readouterr().out
    assert main(["role", "list", "--community", "oost"]) == 0
    assert capsys.readouterr().out.startswith(f"ambassador   {USER_ID}")
    assert main(["role", "revoke", *base]) == 0
    actions = [e.action for e in asyncio.run(_read(cli_env, AuditEvent))]
    assert actions == ["role.grant", "role.revoke"]
