"""The ambassadors' and contributions' figures for coordinators (`samen report`, `/stats`):
active ambassadors per language, and confirmed contribution hours per month. Counts only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Community,
    Contribution,
    ContributionStatus,
    Member,
    Membership,
    Role,
    RoleAssignment,
)
from bot.i18n import Translator

# The months a report looks back over, this one included.
MONTHS = 12


@dataclass(frozen=True)
class Figures:
    ambassadors: list[tuple[str, int]]  # (language tag, ambassadors), most first
    hours: list[tuple[str, int]]  # (YYYY-MM, confirmed minutes), oldest first
    pending: int  # reported activities waiting for an organiser

    @property
    def anything(self) -> bool:
        """Whether the community has ambassadors or contributions at all (else say nothing)."""
        return bool(self.ambassadors or self.pending or any(n for _, n in self.hours))


def _months_back(today: date, count: int) -> list[str]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


async def of_community(session: AsyncSession, community: Community, *, now: datetime) -> Figures:
    """Ambassadors who are members, by their language; confirmed minutes per local month."""
    languages = Counter(
        locale or ""
        for locale in await session.scalars(
            select(Member.locale)
            .join(Membership, Membership.member_id == Member.id)
            .join(RoleAssignment, RoleAssignment.telegram_user_id == Member.telegram_user_id)
            .where(
                Membership.community_id == community.id,
                RoleAssignment.community_id == community.id,
                RoleAssignment.role == Role.AMBASSADOR,
            )
        )
    )
    zone = ZoneInfo(community.time_zone)
    months = _months_back(now.astimezone(zone).date(), MONTHS)
    minutes = dict.fromkeys(months, 0)
    pending = 0
    rows = await session.execute(
        select(Contribution.occurred_at, Contribution.minutes, Contribution.status).where(
            Contribution.community_id == community.id
        )
    )
    for occurred_at, length, status in rows:
        if status == ContributionStatus.PENDING:
            pending += 1
        label = f"{occurred_at.astimezone(zone):%Y-%m}"
        if status == ContributionStatus.CONFIRMED and label in minutes:
            minutes[label] += length or 0
    return Figures(
        ambassadors=sorted(languages.items(), key=lambda item: (-item[1], item[0])),
        hours=list(minutes.items()),
        pending=pending,
    )


def lines(t: Translator, figures: Figures, *, months: int = MONTHS) -> list[str]:
    """The figures as lines in the reader's language (the last `months` months with hours)."""
    ambassadors = ", ".join(f"{tag or '?'} {t.fmt_number(n)}" for tag, n in figures.ambassadors)
    found = [
        t.gettext("Ambassadors per language: {languages}", languages=ambassadors or "—"),
    ]
    shown = [(m, n) for m, n in figures.hours[-months:] if n]
    hours = ", ".join(f"{m}: {t.fmt_number(round(n / 60, 1))}" for m, n in shown)
    found.append(t.gettext("Confirmed contribution hours per month: {hours}", hours=hours or "—"))
    if figures.pending:
        found.append(
            t.ngettext(
                "{count} reported activity waits for an organiser.",
                "{count} reported activities wait for an organiser.",
                figures.pending,
            )
        )
    return found
