"""«Co-ownership» in `samen report`: proposals per meeting, and per language group of the
proposers the share of their proposals that reached the agenda — so coordinators see when one
group's topics are always outvoted. A section of its own in summary.md."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meeting, Proposal, ProposalStatus
from bot.i18n import Translator, find_language
from bot.services import meetings


@dataclass(frozen=True)
class MeetingProposals:
    meeting_id: int
    title: str
    proposed: int
    accepted: int  # accepted or on the agenda (merged and declined ones not)
    on_agenda: int


@dataclass(frozen=True)
class ProposalFigures:
    meetings: list[MeetingProposals] = field(default_factory=list)
    # proposer's language → (proposals made, proposals that reached the agenda)
    by_language: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.meetings)


async def figures(
    session: AsyncSession, community_id: int, locale: str, meeting_id: int | None = None
) -> ProposalFigures:
    query = (
        select(Proposal, Meeting)
        .join(Meeting, Meeting.id == Proposal.meeting_id)
        .where(Proposal.community_id == community_id)
        .order_by(Meeting.starts_at, Proposal.id)
    )
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    per_meeting: dict[int, list[Proposal]] = {}
    seen: dict[int, Meeting] = {}
    made: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    for proposal, meeting in (await session.execute(query)).all():
        per_meeting.setdefault(meeting.id, []).append(proposal)
        seen[meeting.id] = meeting
        group = proposal.source_locale.split("-")[0]
        made[group] += 1
        reached[group] += int(proposal.on_agenda)
    rows = []
    for mid, found in per_meeting.items():
        meeting = seen[mid]
        title = (await meetings.text_in(session, meeting, locale)).title
        rows.append(
            MeetingProposals(
                mid,
                title,
                len(found),
                sum(1 for p in found if p.status == ProposalStatus.ACCEPTED),
                sum(1 for p in found if p.on_agenda),
            )
        )
    return ProposalFigures(rows, {g: (made[g], reached[g]) for g in sorted(made)})


def section(found: ProposalFigures, t: Translator) -> str:
    """The Markdown section: a table per meeting and one per language group."""
    n = t.fmt_number
    lines = ["", f"## {t.gettext('Topics proposed by members')}", ""]
    if not found.any:
        return "\n".join([*lines, t.gettext("No data yet"), ""])
    header = [t.gettext("Meeting"), t.gettext("Proposed"), t.gettext("Accepted")]
    header.append(t.gettext("On the agenda"))
    lines += ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|"]
    for row in found.meetings:
        title = " ".join(row.title.split()).replace("|", "\\|")
        lines.append(f"| {title} | {n(row.proposed)} | {n(row.accepted)} | {n(row.on_agenda)} |")
    lines += ["", f"### {t.gettext('Reached the agenda, per language of the proposer')}", ""]
    lines += [
        "| "
        + " | ".join(
            [t.gettext("Language"), t.gettext("Proposed"), t.gettext("On the agenda"), "%"]
        )
        + " |",
        "|---|---:|---:|---:|",
    ]
    for tag, (made, reached) in found.by_language.items():
        language = find_language(tag)
        name = f"{language.native_name} ({tag})" if language else tag
        share = t.fmt_number(round(100 * reached / made)) if made else "—"
        lines.append(f"| {name} | {n(made)} | {n(reached)} | {share} |")
    return "\n".join(lines) + "\n"


def append_to(path: Path, found: ProposalFigures, t: Translator) -> None:
    """Add the section to a written summary.md."""
    with path.open("a", encoding="utf-8") as out:
        out.write(section(found, t))
