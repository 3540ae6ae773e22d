"""The ambassadors' and contributions' figures for coordinators (`samen report`, `/stats`):
active ambassadors and translators per language, the bot's texts translators agreed on and
those still waiting, the reviewed share of each catalog, and confirmed contribution hours per
month. One counting function per figure; counts only, never who."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
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
from bot.services.translations import catalog as catalogs
from bot.services.translations import reviews, tasks, translators
from bot.services.translations.catalog import Share
from bot.services.translations.tasks import LanguageFigures

# The months a report looks back over, this one included.
MONTHS = 12


@dataclass(frozen=True)
class Reviews:
    """The bot's texts in one catalog: entries two translators agreed on (waiting for a
    maintainer to apply them), and entries still marked for review that they have not."""

    catalog: str
    done: int
    waiting: int


@dataclass(frozen=True)
class Figures:
    ambassadors: list[tuple[str, int]]  # (language tag, active ambassadors), most first
    hours: list[tuple[str, int]]  # (YYYY-MM, confirmed minutes), oldest first
    pending: int  # reported activities waiting for an organiser
    translators: list[tuple[str, int]] = field(default_factory=list)  # (catalog, translators)
    reviews: list[Reviews] = field(default_factory=list)  # per catalog, installation-wide
    shares: list[Share] = field(default_factory=list)  # per catalog, installation-wide
    # Per target language: translation tasks done (published) and waiting (open).
    translation_tasks: dict[str, LanguageFigures] = field(default_factory=dict)

    @property
    def anything(self) -> bool:
        """Whether the community has ambassadors, translators or contributions, or the
        translators agreed on any text (else say nothing: the catalogs alone are no news)."""
        return bool(
            self.ambassadors
            or self.translators
            or self.pending
            or any(n for _, n in self.hours)
            or any(r.done for r in self.reviews)
            or bool(self.translation_tasks)
        )


def _months_back(today: date, count: int) -> list[str]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _most_first(counted: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


# Active: agreed to the privacy notice, and neither stopped the messages nor blocked the bot.
_ACTIVE = (
    Member.consent_given_at.is_not(None),
    Member.stopped_at.is_(None),
    Member.blocked_at.is_(None),
)


async def ambassadors_per_language(
    session: AsyncSession, community: Community
) -> list[tuple[str, int]]:
    """The community's active ambassadors who are its members, by their own language."""
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
                *_ACTIVE,
            )
            .distinct()
        )
    )
    return _most_first(languages)


async def translators_per_language(
    session: AsyncSession, community: Community
) -> list[tuple[str, int]]:
    """The community's active translators (volunteers, and ambassadors of any community, as
    `translators.standing` decides) per catalog language they read; a translator who reads
    two languages counts in both."""
    ambassadors = select(RoleAssignment.telegram_user_id).where(
        RoleAssignment.role == Role.AMBASSADOR
    )
    found = await session.scalars(
        select(Member)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.community_id == community.id,
            or_(Member.translator.is_(True), Member.telegram_user_id.in_(ambassadors)),
            *_ACTIVE,
        )
    )
    languages: Counter[str] = Counter()
    for member in found:
        languages.update(translators.read_catalogs(member))
    return _most_first(languages)


async def text_reviews(session: AsyncSession, locales_dir: Path) -> list[Reviews]:
    """Per catalog: the bot's texts translators agreed on, and those still waiting."""
    found = []
    for catalog in catalogs.review_catalogs():
        entries = catalogs.pending(locales_dir, catalog)
        done = len(await reviews.agreed(session, catalog, entries))
        found.append(Reviews(catalog, done, len(entries) - done))
    return found


def reviewed_shares(locales_dir: Path) -> list[Share]:
    """Per catalog: the entries a native speaker vouched for, over all its entries."""
    shares = (catalogs.reviewed_share(locales_dir, c) for c in catalogs.review_catalogs())
    return [share for share in shares if share is not None]


async def hours_per_month(
    session: AsyncSession, community: Community, *, now: datetime
) -> tuple[list[tuple[str, int]], int]:
    """Confirmed minutes per local month (the last MONTHS), and the activities pending."""
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
    return list(minutes.items()), pending


async def of_community(
    session: AsyncSession, community: Community, *, now: datetime, locales_dir: Path
) -> Figures:
    """Every figure of the community's ambassadors, translators and contributions."""
    hours, pending = await hours_per_month(session, community, now=now)
    return Figures(
        ambassadors=await ambassadors_per_language(session, community),
        hours=hours,
        pending=pending,
        translators=await translators_per_language(session, community),
        reviews=await text_reviews(session, locales_dir),
        shares=reviewed_shares(locales_dir),
        translation_tasks=await tasks.figures(session, [community.id]),
    )


def _per_language(t: Translator, counted: list[tuple[str, int]]) -> str:
    return ", ".join(f"{tag or '?'} {t.fmt_number(n)}" for tag, n in counted) or "—"


def lines(t: Translator, figures: Figures, *, months: int = MONTHS) -> list[str]:
    """The figures as lines in the reader's language (the last `months` months with hours).
    Each catalog is named by its code and its numbers kept short: these lines also go into
    /stats, whose photo caption holds at most 1,024 characters."""
    found = [
        t.gettext(
            "Ambassadors per language: {languages}",
            languages=_per_language(t, figures.ambassadors),
        ),
        t.gettext(
            "Translators per language: {languages}",
            languages=_per_language(t, figures.translators),
        ),
    ]
    if figures.reviews:
        done = ", ".join(
            f"{r.catalog} {t.fmt_number(r.done)}/{t.fmt_number(r.waiting)}"
            for r in figures.reviews
        )
        found.append(
            t.gettext(
                "Bot texts agreed on by two translators / still waiting: {catalogs}", catalogs=done
            )
        )
    if figures.shares:
        shares = ", ".join(
            f"{s.catalog} {t.fmt_percent(s.reviewed / s.entries if s.entries else 0)}"
            for s in figures.shares
        )
        found.append(t.gettext("Reviewed share of each catalog: {catalogs}", catalogs=shares))
    if figures.translation_tasks:
        counted = ", ".join(
            f"{tag} {t.fmt_number(f.done)}/{t.fmt_number(f.waiting)}"
            for tag, f in figures.translation_tasks.items()
        )
        found.append(t.gettext("Translation tasks done / waiting: {languages}", languages=counted))
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
