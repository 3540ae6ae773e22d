"""`samen meeting show`, `samen report` and `samen export` carry the members' proposals: the
ranking with supports per language, the share per language group on the agenda, a table of
their own."""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Community, Member, Membership
from bot.services import meetings, proposals
from bot.services.meetings import MeetingDraft, TextDraft, invitations
from bot.services.meetings.invitations import Audience
from bot.services.members import privacy
from bot.services.proposals import Decision, Topic, supports

ORGANISER = 936_999_999


async def _seed(url: str) -> int:
    """Buurthuis Oost: members in ar, uk and nl; two accepted topics, the Ukrainian one on
    the agenda; supports from each language."""
    now = datetime.now(UTC)
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
            people = []
            for i, locale in enumerate(["ar", "uk", "nl"]):
                member = Member(
                    telegram_user_id=936_000_001 + i,
                    locale=locale,
                    consent_version=privacy.NOTICE_VERSION,
                    consent_given_at=now,
                )
                session.add(member)
                await session.flush()
                session.add(Membership(member_id=member.id, community_id=community.id))
                people.append(member)
            await session.flush()
            meeting = await meetings.create(
                session,
                MeetingDraft(
                    community_id=community.id,
                    source_locale="nl",
                    texts={"nl": TextDraft(title="Samen koken")},
                    starts_local=(now + timedelta(days=30)).replace(tzinfo=None, microsecond=0),
                    time_zone="Europe/Amsterdam",
                ),
                now=now,
            )
            await invitations.invite(session, meeting, Audience(), now=now)
            ar, uk, nl = people
            work = await proposals.propose(session, ar, meeting.id, Topic("العمل"), now=now)
            language = await proposals.propose(session, uk, meeting.id, Topic("Мова"), now=now)
            scope = [community.id]
            for made in (work, language):
                await proposals.decide(
                    session,
                    made.proposal.id,
                    1,
                    Decision.ACCEPT,
                    community_ids=scope,
                    actor_user_id=ORGANISER,
                    now=now,
                )
            await proposals.decide(
                session,
                language.proposal.id,
                2,
                Decision.AGENDA,
                community_ids=scope,
                actor_user_id=ORGANISER,
                now=now,
            )
            for member in (ar, nl):
                await supports.toggle(session, member, work.proposal.id, now=now)
            await supports.toggle(session, uk, language.proposal.id, now=now)
            await session.commit()
            return meeting.id
    finally:
        await engine.dispose()


@pytest.fixture
def seeded(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> int:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    return asyncio.run(_seed(database_url))


def test_meeting_show_ranks_the_proposals_with_counts_per_language(
    seeded: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["meeting", "show", str(seeded), "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "agenda (members' proposals):\n    Мова" in out
    assert "  1. العمل — 2 (ar 1, nl 1)" in out
    assert "  2. Мова [agenda] — 1 (uk 1)" in out
    assert "on the agenda per proposer's language: ar 0/1, uk 1/1" in out


def test_report_and_export_carry_the_proposals(
    seeded: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert (
        main(["report", "--community", "buurthuis-oost", "--language", "en", "--out", str(out)])
        == 0
    )
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Topics proposed by members" in summary
    assert "| Samen koken | 2 | 2 | 1 |" in summary
    assert "| العربية (ar) | 1 | 0 | 0 |" in summary
    assert "| Українська (uk) | 1 | 1 | 100 |" in summary

    target = tmp_path / "proposals.csv"
    args = ["export", "--community", "buurthuis-oost", "--format", "csv", "--out", str(target)]
    assert main([*args, "--table", "proposals"]) == 0
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert [r[7] for r in rows[1:]] == ["العمل", "Мова"]
    assert (
        main([*args[:-2], "--format", "xlsx", "--out", str(tmp_path), "--table", "supports"]) == 0
    )
    (written,) = tmp_path.glob("samen-buurthuis-oost-all-supports-*.xlsx")
    book = load_workbook(written)
    assert book.active.title == "Steun"  # the community's language: Dutch
    assert book.sheetnames[0] != book.active.title
    supported = list(book.active.iter_rows(min_row=2, values_only=True))
    assert len(supported) == 3
    assert all(str(row[2]).startswith("M-") and isinstance(row[4], datetime) for row in supported)
