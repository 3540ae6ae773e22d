"""`samen report`, `samen audit`, `samen purge` and `samen community set-retention`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.config import Settings
from bot.db.models import Answer, AnswerSource, QuestionKind
from bot.runtime import Runtime
from bot.services import audit
from bot.services.communities import retention
from bot.services.reports.charts import CHART_FILES, SUMMARY_FILE
from tests.fonts_support import drawing_fonts
from tests.outbox_support import in_new_loop, make_community
from tests.report_support import seed_community

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
__all__ = ["drawing_fonts"]


@pytest.fixture
def cli_env(database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    return settings


@pytest.mark.usefixtures("drawing_fonts")
def test_report_writes_every_chart_and_a_summary_in_the_chosen_language(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, seed_community)
    out = tmp_path / "report"
    assert main(["report", "--community", "oost", "--language", "uk", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == sorted([*CHART_FILES, SUMMARY_FILE])
    for name in CHART_FILES:
        assert (out / name).read_bytes().startswith(PNG_SIGNATURE)
    summary = (out / SUMMARY_FILE).read_text(encoding="utf-8")
    assert summary.startswith("# Звіт: Invented Buurtkamer Oost")
    assert "| Відповіді | 5 |" in summary

    async def events(runtime: Runtime) -> list[str]:
        async with runtime.sessions() as session:
            return [e.action for e in await audit.events(session)]

    assert "report.write" in in_new_loop(cli_env, events)


def test_report_refuses_an_unknown_community_or_meeting(
    cli_env: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, seed_community)
    out = tmp_path / "out"
    assert main(["report", "--community", "nergens", "--out", str(out)]) == 2
    assert "no community with the code 'nergens'" in capsys.readouterr().err
    assert main(["report", "--community", "oost", "--meeting", "999", "--out", str(out)]) == 2
    assert "no meeting 999" in capsys.readouterr().err
    assert not out.exists()


def _trail(runtime: Runtime) -> object:
    async def work() -> None:
        people = await make_community(runtime, "oost")
        other = await make_community(runtime, "west", first_user_id=930_200_001)
        async with runtime.sessions() as session:
            day = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
            for n, (action, community) in enumerate(
                [
                    ("role.grant", people.community_id),
                    ("outbox.announce", people.community_id),
                    ("role.grant", other.community_id),
                    ("member.erase", None),
                ]
            ):
                await audit.record(
                    session,
                    action,
                    now=day + timedelta(days=n),
                    actor_user_id=940_000_009 if action != "member.erase" else None,
                    community_id=community,
                    row_count=n + 1,
                    details={"n": n},
                )
            await session.commit()

    return work()


def test_audit_lists_newest_first_and_filters(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, _trail)

    def rows(*args: str) -> list[dict]:
        assert main(["audit", "--format", "jsonl", *args]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert [r["details"]["n"] for r in rows()] == [3, 2, 1, 0]
    assert [r["details"]["n"] for r in rows("--community", "oost")] == [1, 0]
    assert [r["details"]["n"] for r in rows("--action", "role.grant")] == [2, 0]
    # --until DATE includes that whole day.
    assert [r["details"]["n"] for r in rows("--since", "2026-11-02", "--until", "2026-11-03")] == [
        2,
        1,
    ]
    assert [r["details"]["n"] for r in rows("--limit", "1")] == [3]
    (erase,) = rows("--action", "member.erase")
    assert (erase["actor"], erase["community"], erase["rows"]) == (None, None, 4)

    assert main(["audit", "--community", "west"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("at (UTC)\taction\tactor")
    assert table[1].split("\t")[:6] == [
        "2026-11-03T10:00:00",
        "role.grant",
        "940000009",
        "west",
        "-",
        "3",
    ]
    assert main(["audit", "--community", "nergens"]) == 2


def test_purge_dry_run_then_purge(cli_env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)

    async def seed(runtime: Runtime) -> None:
        people = await make_community(runtime, "oost", locales=["nl"])
        async with runtime.sessions() as session:
            story, meeting = AnswerSource.STORY, AnswerSource.MEETING
            for months, source in ((25, story), (26, meeting), (23, meeting)):
                session.add(
                    Answer(
                        member_id=people.member_ids[0],
                        community_id=people.community_id,
                        source=source,
                        kind=QuestionKind.TEXT,
                        text="invented",
                        locale="nl",
                        created_at=retention.months_before(now, months),
                    )
                )
            await session.commit()

    async def answers(runtime: Runtime) -> int:
        async with runtime.sessions() as session:
            return await session.scalar(select(func.count(Answer.id))) or 0

    in_new_loop(cli_env, seed)
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would delete 1 answers, 1 stories (0 voice notes), 0 input runs" in out
    oldest = retention.months_before(now, 26).date().isoformat()
    assert f"oldest {oldest}" in out
    assert in_new_loop(cli_env, answers) == 3

    assert main(["purge", "--community", "oost"]) == 0
    assert "deleted 2 rows in 1 communities" in capsys.readouterr().out
    assert in_new_loop(cli_env, answers) == 1


def test_set_retention_changes_the_period_within_bounds(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    in_new_loop(cli_env, lambda runtime: make_community(runtime, "oost"))
    assert main(["community", "set-retention", "oost", "12"]) == 0
    assert "kept 12 months (was 24)" in capsys.readouterr().out
    assert main(["community", "set-retention", "oost", "36"]) == 2
    assert "1 to 24 months" in capsys.readouterr().err
