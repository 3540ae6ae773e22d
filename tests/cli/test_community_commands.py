"""`samen community create|list|qr`: the links and posters newcomers join with."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import png
import pytest
from sqlalchemy import select

from bot import qr
from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Community
from tests.conftest import TEST_TOKEN
from tests.fakes.http_server import FakeBotAPIServer

LINK = re.compile(r"^https://t\.me/samen_utrecht_bot\?start=([A-Za-z0-9_-]{16})$")


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "SAMEN_BOT_USERNAME", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SAMEN_BOT_USERNAME", "samen_utrecht_bot")
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    return database_url


def communities(database_url: str) -> list[Community]:
    return asyncio.run(communities_in(database_url))


async def communities_in(database_url: str) -> list[Community]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(Community).order_by(Community.id))).all())
    finally:
        await engine.dispose()


def test_create_prints_a_link_with_an_unguessable_code(cli_env: str, capsys) -> None:
    assert (
        main(
            [
                "community",
                "create",
                "--name",
                "Invented Buurtkamer Oost",
                "--default-locale",
                "ar",
                "--time-zone",
                "Europe/Amsterdam",
            ]
        )
        == 0
    )
    assert (
        main(["community", "create", "--name", "Invented Taalcafé", "--default-locale", "nl"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    links = [LINK.match(line) for line in lines if line.startswith("https://")]
    assert len(links) == 2
    assert all(links)
    codes = [m.group(1) for m in links if m]
    assert codes[0] != codes[1]
    created = communities(cli_env)
    assert [(c.name, c.code, c.default_locale) for c in created] == [
        ("Invented Buurtkamer Oost", codes[0], "ar"),
        ("Invented Taalcafé", codes[1], "nl"),
    ]
    assert created[1].time_zone == "Europe/Amsterdam"

    assert main(["community", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"https://t.me/samen_utrecht_bot?start={codes[0]}" in listing
    assert "0 members" in listing


def test_create_refuses_bad_input_in_one_line(cli_env: str, capsys) -> None:
    assert main(["community", "create", "--name", "X", "--default-locale", "pt"]) == 2
    assert "no catalog for the language 'pt'" in capsys.readouterr().err
    args = ["community", "create", "--name", "X", "--default-locale", "nl"]
    assert main([*args, "--time-zone", "Mars/Olympus"]) == 2
    assert main([*args, "--code", "zelfde"]) == 0
    assert main([*args, "--code", "zelfde"]) == 2
    assert "already taken" in capsys.readouterr().err
    assert len(communities(cli_env)) == 1


def test_qr_writes_a_png_that_encodes_the_link(cli_env: str, tmp_path: Path, capsys) -> None:
    args = ["community", "create", "--name", "Invented Poster Club", "--default-locale", "uk"]
    assert main([*args, "--code", "poster-club-x1"]) == 0
    capsys.readouterr()
    out = tmp_path / "posters" / "poster.png"
    assert main(["community", "qr", "poster-club-x1", "--out", str(out)]) == 0
    link = "https://t.me/samen_utrecht_bot?start=poster-club-x1"
    assert link in capsys.readouterr().out

    width, height, rows, info = png.Reader(filename=str(out)).read()
    pixels = [list(row) for row in rows]
    matrix = qr.make_matrix(link)
    assert width == height == len(matrix) * qr.BOX_SIZE
    # Sample the middle of every module: dark where the QR matrix of the link is dark.
    planes = info["planes"]
    for y, line in enumerate(matrix):
        for x, dark in enumerate(line):
            row = pixels[y * qr.BOX_SIZE + qr.BOX_SIZE // 2]
            value = row[(x * qr.BOX_SIZE + qr.BOX_SIZE // 2) * planes]
            assert (value == 0) == dark, (x, y)


def test_qr_for_an_unknown_code_fails_clearly(cli_env: str, tmp_path: Path, capsys) -> None:
    assert main(["community", "qr", "nope", "--out", str(tmp_path / "x.png")]) == 2
    assert "no community with code 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_without_a_username_the_bot_is_asked_who_it_is(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("SAMEN_BOT_USERNAME")
    with FakeBotAPIServer() as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
        monkeypatch.setenv("TELEGRAM_API_URL", fake.url)
        args = ["community", "create", "--name", "Invented", "--default-locale", "so"]
        assert main(args) == 0
        assert [c.method for c in fake.api.calls] == ["getMe"]
    assert "https://t.me/samen_test_bot?start=" in capsys.readouterr().out


def test_without_a_username_or_token_the_link_cannot_be_printed(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("SAMEN_BOT_USERNAME")
    assert main(["community", "create", "--name", "X", "--default-locale", "nl"]) == 2
    assert "SAMEN_BOT_USERNAME" in capsys.readouterr().err
    assert communities(cli_env) == []


def test_list_shows_the_join_link_once_and_not_the_code_twice(cli_env: str, capsys) -> None:
    args = ["community", "create", "--name", "Invented Link Club", "--default-locale", "nl"]
    assert main([*args, "--code", "link-club-x1"]) == 0
    capsys.readouterr()
    assert main(["community", "list"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.split("\t") == [
        "link-club-x1",
        "0 members",
        "Invented Link Club",
        "https://t.me/samen_utrecht_bot?start=link-club-x1",
    ]


def test_list_without_a_bot_name_names_the_fix(
    cli_env: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["community", "create", "--name", "Invented Nameless", "--default-locale", "nl"]
    assert main([*args, "--code", "nameless-x1"]) == 0
    monkeypatch.delenv("SAMEN_BOT_USERNAME")
    capsys.readouterr()
    assert main(["community", "list"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().split("\t") == ["nameless-x1", "0 members", "Invented Nameless"]
    assert captured.out.count("nameless-x1") == 1
    assert "SAMEN_BOT_USERNAME" in captured.err
