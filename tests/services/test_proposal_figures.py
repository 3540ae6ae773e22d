"""Proposals, supports and outcomes in exports (pseudonymous, a table of their own) and in
`samen report` (proposals per meeting, the share per language group that reached the
agenda)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.db.models import Member, OutcomeAudience, Proposal, Support
from bot.runtime import Runtime
from bot.services import dialogs, exports, meetings, proposals
from bot.services.communities import retention as retention_service
from bot.services.exports import ExportSpec
from bot.services.meetings import invitations, outcomes
from bot.services.meetings.invitations import Audience
from bot.services.proposals import Decision, Topic, supports
from bot.services.reports import proposals as report_proposals
from tests.meeting_support import make_meeting
from tests.outbox_support import make_community

ORGANISER = 984_999_999


async def _world(runtime: Runtime) -> tuple[int, int, list[int]]:
    """Three members (ar, uk, nl); ar proposes two topics, uk one; all three accepted, the
    Ukrainian one and one Arabic one on the agenda; supports from each; one outcome."""
    people = await make_community(runtime, locales=["ar", "uk", "nl"], first_user_id=984_000_001)
    meeting = await make_meeting(runtime, people.community_id, questions=())
    now = runtime.clock()
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        await invitations.invite(session, fresh, Audience(), now=now)
        ar, uk, nl = [await session.get(Member, i) for i in people.member_ids]
        assert ar is not None
        assert uk is not None
        assert nl is not None
        made = [
            await proposals.propose(session, ar, meeting.id, Topic("العمل"), now=now),
            await proposals.propose(session, ar, meeting.id, Topic("السكن"), now=now),
            await proposals.propose(session, uk, meeting.id, Topic("Мова"), now=now),
        ]
        ids = [p.proposal.id for p in made]
        for proposal_id in ids:
            await proposals.decide(
                session,
                proposal_id,
                1,
                Decision.ACCEPT,
                community_ids=[people.community_id],
                actor_user_id=ORGANISER,
                now=now,
            )
        for proposal_id in (ids[0], ids[2]):
            await proposals.decide(
                session,
                proposal_id,
                2,
                Decision.AGENDA,
                community_ids=[people.community_id],
                actor_user_id=ORGANISER,
                now=now,
            )
        for member, proposal_id in [(ar, ids[0]), (nl, ids[0]), (nl, ids[2]), (uk, ids[2])]:
            await supports.toggle(session, member, proposal_id, now=now)
        await session.commit()
    later = meeting.starts_at + timedelta(hours=2)
    async with runtime.sessions() as session:
        fresh = await meetings.get(session, meeting.id)
        assert fresh is not None
        dialog, _ = await outcomes.start(
            session, fresh, people.member_ids[2], now=later, actor_user_id=ORGANISER
        )
        dialog = await outcomes.choose_mode(session, dialog, False, now=later)
        dialog = await outcomes.choose_language(session, dialog, "nl", now=later)
        dialog = await outcomes.add_text(session, dialog, "Banenmarkt in maart.", now=later)
        await outcomes.send(
            session, dialog, OutcomeAudience.EVERYONE, now=later, actor_user_id=ORGANISER
        )
        await dialogs.clear(session, people.member_ids[2], now=later)
        await session.commit()
    return people.community_id, meeting.id, people.member_ids


async def _export(
    runtime: Runtime, community_id: int, fmt: str, table: str, language: str = "en"
) -> bytes:
    out = io.BytesIO()
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    result = await exports.export(
        runtime.sessions,
        ExportSpec(community_id=community_id, language=language),
        fmt,
        out,
        translator=runtime.catalogs.translator(language),
        codes=codes,
        now=runtime.clock(),
        actor_user_id=None,
        channel="test",
        table=table,
    )
    assert result.proposals > 0
    return out.getvalue()


async def test_exports_hold_proposals_supports_and_outcomes_pseudonymously(
    runtime: Runtime,
) -> None:
    community_id, meeting_id, _ = await _world(runtime)
    rows = list(
        csv.reader(
            io.StringIO(
                (await _export(runtime, community_id, "csv", "proposals")).decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:4] == ["Proposal id", "Meeting id", "Proposer code", "Proposer language"]
    assert [(r[3], r[7], r[9], r[10], r[11]) for r in rows[1:]] == [
        ("ar", "العمل", "2", "ar: 1, nl: 1", "True"),
        ("ar", "السكن", "0", "", "False"),
        ("uk", "Мова", "2", "nl: 1, uk: 1", "True"),
    ]
    assert all(r[2].startswith("M-") for r in rows[1:])
    records = [
        json.loads(line)
        for line in (await _export(runtime, community_id, "jsonl", "proposals")).splitlines()
    ]
    tables = [r["table"] for r in records]
    assert tables.count("proposals") == 3
    assert tables.count("supports") == 4
    (outcome,) = [r for r in records if r["table"] == "outcomes"]
    assert outcome["meeting_id"] == meeting_id
    assert outcome["languages"] == "nl"
    assert outcome["audience"] == "everyone"
    # No Telegram id anywhere.
    assert "984000001" not in json.dumps(records)


async def test_the_xlsx_export_has_a_typed_printable_sheet_per_table(runtime: Runtime) -> None:
    community_id, meeting_id, _ = await _world(runtime)
    data = await _export(runtime, community_id, "xlsx", "supports")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Proposals", "Supports", "Outcomes"]
    assert book.active.title == "Supports"  # the table asked for
    csv_header = next(
        csv.reader(
            io.StringIO(
                (await _export(runtime, community_id, "csv", "proposals")).decode("utf-8-sig")
            )
        )
    )
    proposals_sheet = book["Proposals"]
    assert [c.value for c in proposals_sheet[1]] == csv_header
    rows = list(proposals_sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0].__class__, r[1], r[7], r[9], r[11]) for r in rows] == [
        (int, meeting_id, "العمل", 2, True),
        (int, meeting_id, "السكن", 0, False),
        (int, meeting_id, "Мова", 2, True),
    ]
    assert all(isinstance(r[2], str) and r[2].startswith("M-") for r in rows)
    proposed = proposals_sheet["M2"]
    assert isinstance(proposed.value, datetime)
    assert proposed.number_format == "yyyy-mm-dd hh:mm"
    assert proposals_sheet["H2"].alignment.readingOrder == 2  # Arabic words, right to left
    supports_sheet = book["Supports"]
    assert supports_sheet.max_row == 1 + 4
    assert all(
        isinstance(row[4], datetime)
        for row in supports_sheet.iter_rows(min_row=2, values_only=True)
    )
    (outcome,) = book["Outcomes"].iter_rows(min_row=2, values_only=True)
    assert (outcome[1], outcome[2], outcome[3], outcome[4]) == (meeting_id, "everyone", "nl", 1)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth in (None, 1), sheet.title
        assert sheet.page_setup.fitToHeight == 0, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert all(c.alignment.wrap_text and c.font.bold for c in sheet[1]), sheet.title
        assert not sheet.sheet_view.rightToLeft
    assert b"984000001" not in data  # no Telegram id, not even in the zipped XML

    arabic = load_workbook(
        io.BytesIO(await _export(runtime, community_id, "xlsx", "outcomes", "ar"))
    )
    assert all(sheet.sheet_view.rightToLeft for sheet in arabic.worksheets)
    assert arabic.active.title == arabic.sheetnames[2]


async def test_the_report_counts_proposals_and_the_share_per_language_group(
    runtime: Runtime,
) -> None:
    community_id, meeting_id, _ = await _world(runtime)
    async with runtime.sessions() as session:
        found = await report_proposals.figures(session, community_id, "en")
    assert [(m.meeting_id, m.proposed, m.accepted, m.on_agenda) for m in found.meetings] == [
        (meeting_id, 3, 3, 2)
    ]
    assert found.by_language == {"ar": (2, 1), "uk": (1, 1)}
    text = report_proposals.section(found, runtime.catalogs.translator("en"))
    assert "| العربية (ar) | 2 | 1 | 50 |" in text
    assert "| Українська (uk) | 1 | 1 | 100 |" in text


async def test_retention_deletes_old_proposals_and_unlinks_agenda_topics(
    runtime: Runtime,
) -> None:
    community_id, _meeting_id, _ = await _world(runtime)
    later = runtime.clock() + timedelta(days=31 * 25)  # past the default 24 months
    async with runtime.sessions() as session:
        results = await retention_service.purge(session, now=later)
    (done,) = [r for r in results if r.community_id == community_id]
    assert done.proposals == 4 + 1 + 2  # four supports, one deleted topic, two unlinked
    async with runtime.sessions() as session:
        kept = list(await session.scalars(select(Proposal).order_by(Proposal.id)))
        supports_left = await session.scalar(select(func.count(Support.id)))
    assert [(p.on_agenda, p.member_id) for p in kept] == [(True, None), (True, None)]
    assert [p.texts[0].text for p in kept] == ["العمل", "Мова"]
    assert supports_left == 0
