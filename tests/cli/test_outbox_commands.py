"""`samen announce`, `samen outbox status` and `samen outbox resend`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cli import main
from bot.cli.outbox import watch_status
from bot.config import Settings
from bot.db.models import Member, OutboxMessage, OutboxState
from bot.runtime import Runtime
from bot.services.outbox import claims as outbox_claims
from tests.fakes.bot_api import FakeBotAPI
from tests.outbox_support import in_new_loop, make_community, make_dispatcher, rows


@pytest.fixture
def cli_env(settings: Settings, monkeypatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return settings


def test_announce_queues_for_reachable_members_and_status_counts_them(
    cli_env: Settings, capsys, tmp_path: Path
) -> None:
    people = in_new_loop(cli_env, lambda rt: make_community(rt, locales=["nl", "ar", "uk"]))
    in_new_loop(
        cli_env,
        lambda rt: make_community(
            rt, "zwolle", locales=["nl"], consented=False, first_user_id=950_000_001
        ),
    )
    arabic = tmp_path / "ar.txt"
    arabic.write_text("نطبخ معًا يوم السبت.", encoding="utf-8")
    code = main(
        [
            "announce",
            "--community",
            "utrecht",
            "--text",
            "Zaterdag koken we samen.",
            "--translation",
            f"ar={arabic}",
            "--yes",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "queued 3 message(s) for Invented utrecht (broadcast #" in out

    # Nobody in Zwolle consented: it says so and nothing is queued for them.
    assert main(["announce", "--community", "zwolle", "--text", "Hoi", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "nobody in Invented zwolle can receive it" in err
    assert "nothing was queued" in err

    queued = in_new_loop(cli_env, lambda rt: rows(rt))
    assert sorted(row.chat_id for row in queued) == people.user_ids
    assert queued[0].payload["texts"] == {
        "nl": "Zaterdag koken we samen.",
        "ar": "نطبخ معًا يوم السبت.",
    }
    assert queued[0].payload["source_locale"] == "nl"

    assert main(["outbox", "status", "--once"]) == 0
    out = capsys.readouterr().out
    assert "announcement  queued" in out
    assert "total: queued 3" in out
    assert "broadcast #1 announcement (Invented utrecht) [" in out
    assert "0/3 0% (queued 3, sending 0)" in out
    assert main(["outbox", "status", "--once", "--purpose", "invitation"]) == 0
    assert capsys.readouterr().out.strip() == "nothing in the outbox"


def test_resend_requeues_only_what_was_asked(cli_env: Settings, capsys) -> None:
    in_new_loop(cli_env, lambda rt: make_community(rt, locales=["nl"] * 3))
    assert main(["announce", "--community", "utrecht", "--text", "Hallo", "--yes"]) == 0

    async def mark(runtime: Runtime) -> None:
        async with runtime.sessions() as session:
            for row_id, state in ((1, OutboxState.FAILED), (2, OutboxState.UNKNOWN)):
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id)
                    .values(state=state, reason="network_error", attempts=3)
                )
            await session.commit()

    in_new_loop(cli_env, mark)
    capsys.readouterr()
    assert main(["outbox", "resend", "--failed", "--purpose", "announcement"]) == 0
    assert capsys.readouterr().out.strip() == "1 failed message(s) queued again"
    states = [row.state for row in in_new_loop(cli_env, lambda rt: rows(rt))]
    assert states == [OutboxState.QUEUED, OutboxState.UNKNOWN, OutboxState.QUEUED]
    assert main(["outbox", "resend", "--unknown", "--broadcast", "1"]) == 0
    assert capsys.readouterr().out.strip() == "1 unknown message(s) queued again"
    with pytest.raises(SystemExit):
        main(["outbox", "resend"])  # --failed or --unknown is required


def test_the_announce_preview_names_the_language_each_member_will_read(
    cli_env: Settings, capsys, tmp_path: Path
) -> None:
    async def community(runtime: Runtime) -> None:
        people = await make_community(runtime, locales=["nl", "uk", "uk"])
        async with runtime.sessions() as session:
            await session.execute(
                update(Member)
                .where(Member.id == people.member_ids[1])
                .values(reads_locales=["en"])
            )
            await session.commit()

    in_new_loop(cli_env, community)
    args = [
        "announce",
        "--community",
        "utrecht",
        "--text",
        "Zaterdag koken we samen.",
        "--dry-run",
    ]
    # No English text: reading English changes nothing, both get the community's Dutch.
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "audience: 3 member(s) of Invented utrecht (nl 1, uk 2)",
        "warning: no text in uk; those members get the nl text",
        "dry run: nothing was queued",
    ]
    english = tmp_path / "en.txt"
    english.write_text("On Saturday we cook together.", encoding="utf-8")
    assert main([*args, "--translation", f"en={english}"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "audience: 3 member(s) of Invented utrecht (nl 1, uk 2)",
        "uk → en (reads English): 1 member(s)",
        "warning: no text in uk; those members get the nl text",
        "dry run: nothing was queued",
    ]


def test_announce_refuses_clearly(cli_env: Settings, capsys, tmp_path: Path) -> None:
    in_new_loop(cli_env, lambda rt: make_community(rt, locales=["nl"]))
    assert main(["announce", "--community", "nowhere", "--text", "Hallo"]) == 2
    assert "no community with the code 'nowhere'" in capsys.readouterr().err
    assert main(["announce", "--community", "utrecht", "--text", "Hallo", "--locale", "xx"]) == 2
    assert "Samen has no language 'xx'" in capsys.readouterr().err
    assert main(["announce", "--community", "utrecht", "--file", str(tmp_path / "nope")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert in_new_loop(cli_env, lambda rt: rows(rt)) == []  # nothing queued


class _Terminal(io.StringIO):
    """A keyboard at a terminal: what the operator types."""

    def isatty(self) -> bool:
        return True


def test_announce_shows_who_gets_which_language_and_asks_first(
    cli_env: Settings, capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_new_loop(cli_env, lambda rt: make_community(rt, locales=["nl", "ar", "ti", "ti", "fa"]))
    arabic = tmp_path / "ar.txt"
    arabic.write_text("نطبخ معًا يوم السبت.", encoding="utf-8")
    args = ["announce", "--community", "utrecht", "--text", "Zaterdag koken we samen."]
    args += ["--translation", f"ar={arabic}"]

    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "audience: 5 member(s) of Invented utrecht (ar 1, fa 1, nl 1, ti 2)",
        "warning: no text in fa; those members get the nl text",
        "warning: no text in ti; those members get the nl text",
        "dry run: nothing was queued",
    ]
    assert in_new_loop(cli_env, lambda rt: rows(rt)) == []

    # No terminal to ask on (a script, a pipe): one line saying to pass --yes.
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err == "samen: nothing was queued: pass --yes to send without asking (or --dry-run)"
    assert in_new_loop(cli_env, lambda rt: rows(rt)) == []

    # At a terminal: "no" queues nothing, "y" queues.
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert main(args) == 1
    assert capsys.readouterr().out.endswith("nothing was queued\n")
    assert in_new_loop(cli_env, lambda rt: rows(rt)) == []
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Queue the announcement for 5 member(s)? [y/N] " in out
    assert "queued 5 message(s) for Invented utrecht" in out
    assert len(in_new_loop(cli_env, lambda rt: rows(rt))) == 5


async def test_status_watches_a_broadcast_until_it_is_done(
    runtime: Runtime, fake_api: FakeBotAPI
) -> None:
    from bot.services.outbox import announcements

    await make_community(runtime, locales=["nl"] * 6)
    async with runtime.sessions() as session:
        await announcements.announce(
            session,
            community_code="utrecht",
            texts={"nl": "Hallo"},
            source_locale="nl",
            now=runtime.clock(),
        )
    _dispatcher, channel, _ = make_dispatcher(runtime, fake_api)
    await channel.start()
    out = io.StringIO()

    async def between_frames(_seconds: float) -> None:
        # Instead of waiting a second, let the dispatcher send one claim's worth.

        async with runtime.sessions() as session:
            claimed = await outbox_claims.claim(
                session, instance="w", now=runtime.clock(), limit=2
            )
        rendered = [(row, await render(row)) for row in claimed.rows]
        outcomes = [await channel.send(row, parts, _no_pacing) for row, parts in rendered]
        async with runtime.sessions() as session:
            await outbox_claims.record(
                session,
                outcomes,
                instance="w",
                now=runtime.clock(),
                max_attempts=3,
                retry_seconds=15,
            )

    async def render(row):
        async with runtime.sessions() as session:
            return await channel.render(session, row, {})

    frames = await watch_status(
        runtime.sessions,
        purpose=None,
        broadcast_id=None,
        watch=True,
        out=out,
        redraw=True,
        sleep=between_frames,
    )
    await channel.stop()
    text = out.getvalue()
    assert frames == 4  # 0/6, 2/6, 4/6, then 6/6: nothing left to send
    assert "0/6 0%" in text
    assert "4/6 66%" in text
    assert text.count("\x1b[J") == 3  # each refresh redraws over the previous frame
    last = text.rsplit("\x1b[J", 1)[1]
    assert "total: sent 6" in last
    assert "6/6 100% (queued 0, sending 0)" in last


async def _no_pacing() -> None:
    return None
