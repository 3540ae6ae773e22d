"""Proposals, supports and outcomes in exports (pseudonymous, a table of their own) and in
`samen report` (proposals per meeting, the share per language group that reached the
agenda)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

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


async def _export(runtime: Runtime, community_id: int, fmt: str, table: str) -> bytes:
    out = io.BytesIO()
    codes = await exports.member_codes(runtime.sessions, None, now=runtime.clock())
    result = await exports.export(
        runtime.sessions,
        ExportSpec(community_id=community_id, language="en"),
        fmt,
        out,
        translator=runtime.catalogs.translator("en"),
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
