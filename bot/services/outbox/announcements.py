"""Announcements: organiser-written text sent to every reachable member of a community.

The text is data, stored per language in each outbox row's payload; the recipient gets the
first that exists of: their own language → the other languages they read → the community's
default → the language it was written in (`bot.services.fallback`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Member
from bot.i18n import find_language
from bot.services import audit, fallback, members, outbox
from bot.services.members import privacy

PURPOSE = "announcement"
KIND = "announcement"
# One INSERT per chunk of rows: a 10,000-member community is queued in a blink.
_CHUNK = 500
# Long texts are sent in parts of 4,096; more than a few parts is not an announcement.
MAX_TEXT = 20_000


class AnnouncementError(Exception):
    """The announcement cannot be queued; the message says why (no personal data)."""


@dataclass(frozen=True)
class Announced:
    broadcast_id: int
    community_name: str
    queued: int


@dataclass(frozen=True)
class Preview:
    """Who would get the announcement, in which language, before anything is queued."""

    community_name: str
    total: int
    by_language: dict[str, int]  # member language → how many
    # Audience languages without their own text: those members get the fallback language.
    missing: dict[str, str]  # member language → what a member who reads nothing else gets
    # Per group of members who read the same: the language each will actually read, with the
    # other languages they read taken into account ("uk → en (reads English)").
    reading: tuple[fallback.Reading, ...] = ()


@dataclass(frozen=True)
class CommunityInfo:
    name: str
    default_locale: str


async def announce(
    session: AsyncSession,
    *,
    community_code: str,
    texts: Mapping[str, str],
    source_locale: str | None,
    now: datetime,
    actor_user_id: int | None = None,
) -> Announced:
    """Queue the announcement for every reachable member (consented, not stopped, not
    blocked) of the community, as one broadcast. Audited; commits.

    `texts` maps a language to the text in it; `source_locale` is the language it was
    written in (None: the community's default language).
    """
    community, texts, source = await _checked(session, community_code, texts, source_locale)
    audience = members.reachable_query(community.id, privacy.current_notice_version())
    recipients = (
        await session.execute(audience.with_only_columns(Member.id, Member.telegram_user_id))
    ).all()
    if not recipients:
        # No broadcast row and no audit line for nothing: the caller says nobody gets it.
        raise AnnouncementError(nobody(community.name))
    broadcast = await outbox.create_broadcast(
        session, community_id=community.id, purpose=PURPOSE, now=now, created_by=actor_user_id
    )
    payload: dict[str, Any] = {
        "kind": KIND,
        "community_id": community.id,
        "texts": texts,
        "source_locale": source,
    }
    # A private chat's id is the user's id.
    queued = await outbox.enqueue_broadcast(
        session,
        broadcast,
        [(member_id, user_id) for member_id, user_id in recipients],
        payload=payload,
        dedupe_key=lambda member_id: f"{PURPOSE}:{broadcast.id}:{member_id}",
        now=now,
    )
    await audit.record(
        session,
        "outbox.announce",
        now=now,
        actor_user_id=actor_user_id,
        community_id=community.id,
        target=f"broadcast:{broadcast.id}",
        row_count=queued,
        details={"locales": sorted(texts)},
    )
    await session.commit()
    return Announced(broadcast_id=broadcast.id, community_name=community.name, queued=queued)


_NOBODY = "nobody in {name} can receive it (no member who consented and is reachable)"


async def preview(
    session: AsyncSession,
    *,
    community_code: str,
    texts: Mapping[str, str],
    source_locale: str | None,
) -> Preview:
    """What `announce` would do with the same arguments, without writing anything: the
    audience by language and the languages that would read a fallback text. Refuses the
    same bad input as `announce`."""
    community, texts, source = await _checked(session, community_code, texts, source_locale)
    audience = members.reachable_query(community.id, privacy.current_notice_version())
    readers = [
        (locale or community.default_locale, reads)
        for locale, reads in await session.execute(
            audience.with_only_columns(Member.locale, Member.reads_locales)
        )
    ]
    by_language = Counter(locale for locale, _ in readers)

    def got(locale: str, reads: tuple[str, ...]) -> tuple[str, ...]:
        shown, _ = choose_text(
            texts,
            member_locale=locale,
            community_locale=community.default_locale,
            source_locale=source,
            reads=reads,
        )
        return (shown,)

    missing = {
        locale: got(locale, ())[0]
        for locale in sorted(by_language)
        if not fallback.has_own_text(texts, locale)
    }
    return Preview(
        community_name=community.name,
        total=len(readers),
        by_language=dict(sorted(by_language.items())),
        missing=missing,
        reading=fallback.readings(readers, got),
    )


def nobody(community_name: str) -> str:
    """The line for an announcement no one would receive."""
    return _NOBODY.format(name=community_name)


async def _checked(
    session: AsyncSession,
    community_code: str,
    texts: Mapping[str, str],
    source_locale: str | None,
) -> tuple[Community, dict[str, str], str]:
    """The community, the texts by language tag and the source tag; or AnnouncementError."""
    community = await session.scalar(select(Community).where(Community.code == community_code))
    if community is None:
        raise AnnouncementError(f"no community with the code {community_code!r}")
    tagged = {_tag(locale): text.strip() for locale, text in texts.items() if text.strip()}
    source = _tag(source_locale or community.default_locale)
    if source not in tagged:
        raise AnnouncementError(f"there is no text in the language it was written in ({source})")
    if any(len(text) > MAX_TEXT for text in tagged.values()):
        raise AnnouncementError(f"a text is longer than {MAX_TEXT:,} characters")
    return community, tagged, source


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def _tag(locale: str) -> str:
    language = find_language(locale)
    if language is None:
        raise AnnouncementError(f"Samen has no language {locale!r}")
    return language.tag


def choose_text(
    texts: Mapping[str, str],
    *,
    member_locale: str | None,
    community_locale: str | None,
    source_locale: str | None,
    reads: Sequence[str] | None = (),
) -> tuple[str, str]:
    """(locale, text) along the fallback chain (see `bot.services.fallback`); `reads` are the
    other languages the member reads."""
    try:
        return fallback.pick(
            texts,
            member_locale=member_locale,
            community_locale=community_locale,
            source_locale=source_locale,
            reads=reads,
        )
    except LookupError:
        raise LookupError("an announcement without text") from None


async def default_locale_of(session: AsyncSession, community_code: str) -> str:
    locale = await session.scalar(
        select(Community.default_locale).where(Community.code == community_code)
    )
    if locale is None:
        raise AnnouncementError(f"no community with the code {community_code!r}")
    return locale


async def community_info(session: AsyncSession, community_id: int) -> CommunityInfo | None:
    row = (
        await session.execute(
            select(Community.name, Community.default_locale).where(Community.id == community_id)
        )
    ).first()
    return CommunityInfo(name=row[0], default_locale=row[1]) if row else None
