"""`samen meeting create|list|show|invite`: meetings from YAML files, invitations too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Community, Meeting, Member, Membership, OutboxMessage, Question
from bot.services.members import privacy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no .env here
    asyncio.run(_seed(database_url))
    return database_url


async def _seed(url: str) -> None:
    """A community 'buurthuis-oost' with three consenting members (nl, ar, ti)."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            community = Community(
                code="buurthuis-oost",
                name="Buurthuis Oost",
                default_locale="nl",
                time_zone="Europe/Amsterdam",
            )
            session.add(community)
            await session.flush()
            for i, locale in enumerate(["nl", "ar", "ti"]):
                member = Member(
                    telegram_user_id=933_000_001 + i,
                    locale=locale,
                    consent_version=privacy.NOTICE_VERSION,
                    consent_given_at=datetime.now().astimezone(),
                )
                session.add(member)
                await session.flush()
                session.add(Membership(member_id=member.id, community_id=community.id))
            await session.commit()
    finally:
        await engine.dispose()


async def _count(url: str, model: type) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        await engine.dispose()


def count(url: str, model: type) -> int:
    return asyncio.run(_count(url, model))


def meeting_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "meeting.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def future(days: int = 30) -> str:
    return (datetime.now() + timedelta(days=days)).strftime("%Y-%m-%d 19:00")


def dated_example(tmp_path: Path) -> Path:
    """The documented example with its dates moved into the future (it checks the dates)."""
    example = (ROOT / "docs/meeting.example.yaml").read_text(encoding="utf-8")
    for fixed, moved in (
        ("2027-03-14 19:00", future(30)),
        ("2027-03-14 21:00", future(30).replace("19:00", "21:00")),
        ("2027-03-13 18:00", future(29)),
    ):
        assert fixed in example
        example = example.replace(fixed, moved)
    return meeting_file(tmp_path, example)


def test_the_documented_example_file_is_valid(cli_env: str, tmp_path: Path, capsys) -> None:
    assert main(["meeting", "create", "--check", "--file", str(dated_example(tmp_path))]) == 0
    assert "valid (2 language(s), 4 question(s)); nothing was created" in (capsys.readouterr().out)
    assert count(cli_env, Meeting) == 0
    assert count(cli_env, Question) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("community: buurthuis-oost", "community: nergens"), ":3: community: no community"),
        (("starts: 2027-03-14 19:00", "starts: 2020-01-01 19:00"), ":6: starts: the meeting"),
        (
            ("input_deadline: 2027-03-13 18:00", "input_deadline: 2027-03-15 18:00"),
            ":8: input_deadline: the input deadline is after the start",
        ),
    ],
)
def test_check_refuses_what_create_refuses_with_the_line(
    cli_env: str, tmp_path: Path, capsys, change: tuple[str, str], message: str
) -> None:
    example = (ROOT / "docs/meeting.example.yaml").read_text(encoding="utf-8")
    path = meeting_file(tmp_path, example.replace(*change))
    for extra in (["--check"], []):
        assert main(["meeting", "create", *extra, "--file", str(path)]) == 2
        err = capsys.readouterr().err
        assert f"samen: {path}{message}" in err, err
        assert err.count("\n") == 1
    assert count(cli_env, Meeting) == 0


def test_create_from_a_file_then_invite_twice(cli_env: str, tmp_path: Path, capsys) -> None:
    example = (ROOT / "docs/meeting.example.yaml").read_text(encoding="utf-8")
    example = example.replace("2027-03-14 19:00", future()).replace("2027-03-14 21:00", future())
    example = example.replace("ends: " + future(), "").replace(
        "input_deadline: 2027-03-13 18:00", f"input_deadline: {future(29)}"
    )
    path = meeting_file(tmp_path, example)
    assert main(["meeting", "create", "--file", str(path)]) == 0
    assert "created meeting #1 (2 language(s), 4 question(s))" in capsys.readouterr().out
    assert count(cli_env, Question) == 6  # four before, two default follow-up questions

    assert main(["meeting", "invite", "1"]) == 0
    out = capsys.readouterr().out
    assert "audience: 3 member(s) (ar 1, nl 1, ti 1)" in out
    assert "warning: no text in ti; those members get the nl text" in out
    assert count(cli_env, OutboxMessage) == 0  # a preview queues nothing

    assert main(["meeting", "invite", "1", "--yes"]) == 0
    assert "queued 3 invitation(s); 0 already invited" in capsys.readouterr().out
    assert main(["meeting", "invite", "1", "--yes", "--audience", "language:ar"]) == 0
    assert "queued 0 invitation(s); 1 already invited" in capsys.readouterr().out
    assert count(cli_env, OutboxMessage) == 3

    assert main(["meeting", "list", "--community", "buurthuis-oost"]) == 0
    assert "Samen koken en praten" in capsys.readouterr().out
    assert main(["meeting", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "invitations: queued 3" in shown
    assert "Wat wil je op de agenda zetten?: 0 answer(s)" in shown


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    description: zonder titel\n",
            "texts.nl: the field 'title' is missing (line 6)",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    title: Koken\n  xx:\n    title: Cooking\n",
            "texts.xx: unknown language 'xx' (line 7)",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: next friday\ntexts:\n  nl:\n"
            "    title: Koken\n",
            "starts: 'next friday' is not a date and time like 2027-03-14 19:00 (line 3)",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    title: Koken\nquestions:\n  - kind: essay\n    text:\n      nl: Waarom?\n",
            "questions[1].kind: unknown kind 'essay'",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: 2020-01-01 10:00\ntexts:\n"
            "  nl:\n    title: Koken\n",
            "the meeting would start in the past",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    title: Koken\nquestions:\n  - kind: single_choice\n    agenda: true\n"
            "    text:\n      nl: Wanneer?\n    options:\n      nl: [Ochtend, Avond]\n",
            "questions[1].agenda: only text and voice questions can be agenda questions "
            "(choice, scale, yes/no and date answers are counted, not listed) (line 9)",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    title: Koken\nquestions:\n  - kind: scale\n    scale: 5-1\n"
            "    text:\n      nl: Hoe gaat het?\n",
            "questions[1].scale: expected a range like 1-5 (from 0 to 10, the first lower than "
            "the second) (line 9)",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    title: Koken\nquestions:\n  - kind: single_choice\n"
            "    text:\n      nl: Wanneer?\n    options:\n      nl: [Altijd]\n",
            "questions[1].options.nl: expected 2 to 10 options (line 12)",
        ),
        (
            "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\ntexts:\n  nl:\n"
            "    title: Koken\nquestions:\n  - kind: text\n    agneda: true\n"
            "    text:\n      nl: Waarover?\n",
            "questions[1]: unknown field 'agneda' (line 9)",
        ),
        ("community: [unclosed\n", "file: the file is not valid YAML"),
    ],
)
def test_a_bad_file_names_the_field_and_line_and_creates_nothing(
    cli_env: str, tmp_path: Path, capsys, body: str, message: str
) -> None:
    path = meeting_file(tmp_path, body.replace("{when}", future()))
    assert main(["meeting", "create", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1  # one line, no traceback
    assert count(cli_env, Meeting) == 0
    assert count(cli_env, Question) == 0


def test_a_meeting_file_can_set_its_own_reminders(cli_env: str, tmp_path: Path, capsys) -> None:
    body = (
        "community: buurthuis-oost\nlanguage: nl\nstarts: {when}\nreminders: 2d, 3h\n"
        "texts:\n  nl:\n    title: Koken\n"
    ).replace("{when}", future())
    assert main(["meeting", "create", "--file", str(meeting_file(tmp_path, body))]) == 0
    capsys.readouterr()

    async def offsets() -> list[int] | None:
        engine = create_engine(cli_env)
        try:
            async with create_session_factory(engine)() as session:
                return await session.scalar(select(Meeting.reminder_offsets))
        finally:
            await engine.dispose()

    assert asyncio.run(offsets()) == [2 * 24 * 60, 3 * 60]
    bad = body.replace("2d, 3h", "soon")
    assert main(["meeting", "create", "--file", str(meeting_file(tmp_path, bad))]) == 2
    assert "reminders: expected times before the meeting like 1d, 2h, 30m (line 4)" in (
        capsys.readouterr().err
    )


def test_listings_show_the_meetings_own_time_and_zone(
    cli_env: str, tmp_path: Path, capsys
) -> None:
    day = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    body = (
        "community: buurthuis-oost\nlanguage: nl\ntime_zone: America/New_York\n"
        f"starts: {day} 19:00\nends: {day} 21:00\ntexts:\n  nl:\n    title: Avond in New York\n"
    )
    assert main(["meeting", "create", "--file", str(meeting_file(tmp_path, body))]) == 0
    capsys.readouterr()
    local = datetime.fromisoformat(f"{day} 19:00").replace(tzinfo=ZoneInfo("America/New_York"))
    in_utc = local.astimezone(UTC).strftime("%Y-%m-%d %H:%M")

    assert main(["meeting", "list", "--community", "buurthuis-oost"]) == 0
    listed = capsys.readouterr().out
    assert f"{day} 19:00 America/New_York" in listed
    assert "UTC" not in listed
    assert main(["meeting", "list", "--community", "buurthuis-oost", "--utc"]) == 0
    assert f"{in_utc} UTC" in capsys.readouterr().out

    assert main(["meeting", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert f"starts: {day} 19:00 America/New_York" in shown
    assert f"ends: {day} 21:00 America/New_York" in shown
    assert main(["meeting", "show", "1", "--utc"]) == 0
    assert f"starts: {in_utc} UTC" in capsys.readouterr().out


async def _reads(url: str, locale: str, reads: list[str]) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            member = await session.scalar(select(Member).where(Member.locale == locale))
            assert member is not None
            member.reads_locales = reads
            await session.commit()
    finally:
        await engine.dispose()


def test_the_invite_preview_names_the_language_each_member_will_read(
    cli_env: str, tmp_path: Path, capsys
) -> None:
    assert main(["meeting", "create", "--file", str(dated_example(tmp_path))]) == 0
    capsys.readouterr()
    # The Tigrinya reader also reads Arabic: the Arabic text, not the community's Dutch.
    asyncio.run(_reads(cli_env, "ti", ["ar"]))
    assert main(["meeting", "invite", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "audience: 3 member(s) (ar 1, nl 1, ti 1)",
        "ti → ar (reads Arabic): 1 member(s)",
    ]
    assert not any(line.startswith("warning: no text in ti") for line in out)
