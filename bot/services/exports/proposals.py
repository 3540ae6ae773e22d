"""«Co-ownership» in exports: the proposals of a community's meetings, the supports
(pseudonymous member codes, in the export only — /meeting never says who supported what) and
the outcomes shared with their reactions. Tables of their own: one per CSV file, all three in
JSONL (each record says its table) and in XLSX (a sheet each, opened on the one asked for)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meeting, Member, Outcome, OutcomeReaction, Proposal, Support
from bot.i18n import N_, Translator
from bot.services.exports.cells import safe_text
from bot.services.exports.columns import Column
from bot.services.exports.pseudonyms import MemberCodes
from bot.services.exports.xlsx import XlsxBook

TABLES = ("proposals", "supports", "outcomes")

PROPOSAL_COLUMNS: tuple[Column, ...] = (
    Column("proposal_id", N_("Proposal id"), 8),
    Column("meeting_id", N_("Meeting id"), 8),
    Column("proposer_code", N_("Proposer code"), 16),
    Column("proposer_language", N_("Proposer language"), 10),
    Column("kind", N_("Answer type"), 10),
    Column("status", N_("Status"), 10),
    Column("decline_reason", N_("Reason"), 14),
    Column("text", N_("Text in the proposer's language"), 50),
    Column("translated_into", N_("Translated into"), 16),
    Column("supports", N_("Supports"), 8),
    Column("supports_per_language", N_("Supports per language"), 20),
    Column("on_agenda", N_("On the agenda"), 8),
    Column("proposed_at_utc", N_("Proposed at (UTC)"), 18),
    Column("decided_at_utc", N_("Decided at (UTC)"), 18),
)
SUPPORT_COLUMNS: tuple[Column, ...] = (
    Column("proposal_id", N_("Proposal id"), 8),
    Column("meeting_id", N_("Meeting id"), 8),
    Column("member_code", N_("Member code"), 16),
    Column("member_language", N_("Member language"), 10),
    Column("supported_at_utc", N_("Supported at (UTC)"), 18),
)
OUTCOME_COLUMNS: tuple[Column, ...] = (
    Column("outcome_id", N_("Outcome id"), 8),
    Column("meeting_id", N_("Meeting id"), 8),
    Column("audience", N_("Audience"), 12),
    Column("languages", N_("Languages"), 14),
    Column("items", N_("Items"), 6),
    Column("useful", N_("Useful"), 6),
    Column("not_useful", N_("Not useful"), 6),
    Column("sent_at_utc", N_("Sent at (UTC)"), 18),
)
COLUMNS = {"proposals": PROPOSAL_COLUMNS, "supports": SUPPORT_COLUMNS, "outcomes": OUTCOME_COLUMNS}
SHEETS = {"proposals": N_("Proposals"), "supports": N_("Supports"), "outcomes": N_("Outcomes")}


def _text(value: Any) -> Any:
    """A value as CSV and JSONL hold it: times in ISO 8601 (XLSX keeps them date cells)."""
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Tables:
    proposals: list[list[Any]]
    supports: list[list[Any]]
    outcomes: list[list[Any]]

    def rows(self, table: str) -> list[list[Any]]:
        return getattr(self, table)


async def tables(
    session: AsyncSession, community_id: int, meeting_id: int | None, codes: MemberCodes
) -> Tables:
    """The three tables as rows of values in their columns' order (times as datetimes)."""
    meetings = select(Meeting.id).where(Meeting.community_id == community_id)
    if meeting_id is not None:
        meetings = meetings.where(Meeting.id == meeting_id)
    proposals = list(
        await session.scalars(
            select(Proposal).where(Proposal.meeting_id.in_(meetings)).order_by(Proposal.id)
        )
    )
    support_rows = (
        await session.execute(
            select(Support, Member.locale)
            .join(Member, Member.id == Support.member_id)
            .where(Support.meeting_id.in_(meetings))
            .order_by(Support.id)
        )
    ).all()
    per_proposal: dict[int, Counter[str]] = {}
    for support, locale in support_rows:
        per_proposal.setdefault(support.proposal_id, Counter())[(locale or "").split("-")[0]] += 1
    proposal_rows = []
    for p in proposals:
        own = next((t.text for t in p.texts if t.locale == p.source_locale), None)
        counted = per_proposal.get(p.id, Counter())
        proposal_rows.append(
            [
                p.id,
                p.meeting_id,
                codes.code(p.member_id) if p.member_id is not None else None,
                p.source_locale,
                p.kind.value,
                p.status.value,
                p.decline_reason,
                own,
                ", ".join(sorted(t.locale for t in p.texts if t.locale != p.source_locale)),
                sum(counted.values()),
                ", ".join(f"{tag}: {n}" for tag, n in sorted(counted.items())),
                p.on_agenda,
                p.created_at,
                p.decided_at,
            ]
        )
    supports = [
        [s.proposal_id, s.meeting_id, codes.code(s.member_id), locale, s.created_at]
        for s, locale in support_rows
    ]
    outcomes = list(
        await session.scalars(
            select(Outcome)
            .where(Outcome.meeting_id.in_(meetings), Outcome.sent_at.is_not(None))
            .order_by(Outcome.id)
        )
    )
    reactions: dict[int, Counter[str]] = {}
    if outcomes:
        for reaction in await session.scalars(
            select(OutcomeReaction).where(OutcomeReaction.outcome_id.in_([o.id for o in outcomes]))
        ):
            reactions.setdefault(reaction.outcome_id, Counter())[reaction.reaction.value] += 1
    outcome_rows = [
        [
            o.id,
            o.meeting_id,
            o.audience.value,
            ", ".join(sorted({t.locale for t in o.texts})),
            len({t.position for t in o.texts}),
            reactions.get(o.id, Counter())["useful"],
            reactions.get(o.id, Counter())["not_useful"],
            o.sent_at,
        ]
        for o in outcomes
    ]
    return Tables(proposal_rows, supports, outcome_rows)


def write_csv(out: BinaryIO, t: Translator, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """One table, UTF-8 with a byte-order mark (Excel), members' words formula-safe."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow([safe_text(t.gettext(c.label)) for c in COLUMNS[table]])
    for row in rows:
        writer.writerow([safe_text(v) if isinstance(v, str) else _text(v) for v in row])
    text.flush()
    text.detach()


def write_jsonl(out: BinaryIO, found: Tables) -> None:
    for table in TABLES:
        keys = [c.key for c in COLUMNS[table]]
        for row in found.rows(table):
            record = {"table": table, **dict(zip(keys, map(_text, row), strict=True))}
            out.write((json.dumps(record, ensure_ascii=False) + "\n").encode())


def write_xlsx(out: BinaryIO, t: Translator, found: Tables, table: str) -> None:
    """All three tables, a sheet each with the CSV's columns and the print set-up and
    direction of every export sheet; numbers stay numbers, times are date cells (UTC, as the
    headers say), members' words formula-safe. The file opens on `table`'s sheet."""
    book = XlsxBook(out, t)
    for name in TABLES:
        rows = [
            [safe_text(v) if isinstance(v, str) else v for v in row] for row in found.rows(name)
        ]
        book.table(t.gettext(SHEETS[name]), COLUMNS[name], rows)
        if name == table:
            book.activate()
    book.close()
