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
from bot.services import audit, dialogs, fallback, members, outbox
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
    """`queue` as one whole command (`samen announce`): commits."""
    announced = await queue(
        session,
        community_code=community_code,
        texts=texts,
        source_locale=source_locale,
        now=now,
        actor_user_id=actor_user_id,
    )
    await session.commit()
    return announced


async def queue(
    session: AsyncSession,
    *,
    community_code: str,
    texts: Mapping[str, str],
    source_locale: str | None,
    now: datetime,
    actor_user_id: int | None = None,
) -> Announced:
    """Queue the announcement for every reachable member (consented, not stopped, not
    blocked) of the community, as one broadcast, in the caller's unit of work (/announce's
    update; `announce` for the CLI). Audited.

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


# --- /announce: the same announcement written in chat -------------------------------------------
#
# The organiser chooses the community (when they organise several) and the language, types
# the text, sees the same `preview` the CLI prints, may add texts in other languages, and
# sends with `queue` or cancels. The dialogue state holds what was typed, so a refused answer
# or a restart loses nothing.

FLOW = "announce"
COMMUNITY, LANGUAGE, TEXT, REVIEW, ADD, TRANSLATION = (
    "community",
    "language",
    "text",
    "review",
    "add",
    "translation",
)


@dataclass(frozen=True)
class AnnounceProblem:
    """Why an answer does not fit the step: `code` for the channel to translate."""

    dialog: dialogs.Dialog
    code: str  # choose | empty | too_long


@dataclass(frozen=True)
class Review:
    """The announcement so far and who would get it: Send, add a language, or Cancel."""

    dialog: dialogs.Dialog
    preview: Preview
    texts: dict[str, str]
    problem: str | None = None  # a typed message where the buttons were asked for


@dataclass(frozen=True)
class Nobody:
    """Nobody in the community can receive it: nothing was queued, the dialogue ended."""

    community_name: str


@dataclass(frozen=True)
class Stopped:
    """The organiser cancelled: nothing was queued."""


Step = dialogs.Dialog | AnnounceProblem | Review | Nobody | Announced | Stopped


async def start_dialogue(
    session: AsyncSession, member_id: int, communities: Sequence[Community], *, now: datetime
) -> dialogs.Dialog:
    dialog = await dialogs.set(session, member_id, FLOW, COMMUNITY, now=now)
    if len(communities) == 1:
        return await choose_community(session, dialog, communities[0], now=now)
    return dialog


async def choose_community(
    session: AsyncSession, dialog: dialogs.Dialog, community: Community, *, now: datetime
) -> dialogs.Dialog:
    return await dialogs.update(
        session, dialog, now=now, step=LANGUAGE, community=community.id, code=community.code
    )


async def choose_language(
    session: AsyncSession, dialog: dialogs.Dialog, tag: str, *, now: datetime
) -> dialogs.Dialog | AnnounceProblem:
    """The language the announcement is written in, or of a translation to add."""
    language = find_language(tag)
    if language is None:
        return AnnounceProblem(dialog, "choose")
    if dialog.at(FLOW, LANGUAGE):
        return await dialogs.update(session, dialog, now=now, step=TEXT, language=language.tag)
    if dialog.at(FLOW, ADD) and language.tag not in (dialog.data.get("texts") or {}):
        return await dialogs.update(
            session, dialog, now=now, step=TRANSLATION, adding=language.tag
        )
    return AnnounceProblem(dialog, "choose")


async def give_text(
    session: AsyncSession, dialog: dialogs.Dialog, text: str, *, now: datetime
) -> Step:
    """The announcement, or a translation of it; then the review."""
    if dialog.at(FLOW, REVIEW):
        return await review(session, dialog, now=now, problem="choose")
    if dialog.step not in (TEXT, TRANSLATION):
        return AnnounceProblem(dialog, "choose")
    text = text.strip()
    if not text:
        return AnnounceProblem(dialog, "empty")
    if len(text) > MAX_TEXT:
        return AnnounceProblem(dialog, "too_long")
    tag = str(dialog.data["language"] if dialog.step == TEXT else dialog.data["adding"])
    texts = {**(dialog.data.get("texts") or {}), tag: text}
    moved = await dialogs.update(session, dialog, now=now, step=REVIEW, texts=texts, adding=None)
    return await review(session, moved, now=now)


async def review(
    session: AsyncSession, dialog: dialogs.Dialog, *, now: datetime, problem: str | None = None
) -> Step:
    """The CLI's preview of the announcement so far; an empty audience ends the dialogue."""
    source = str(dialog.data["language"])
    given = {str(tag): str(text) for tag, text in (dialog.data.get("texts") or {}).items()}
    # The language it was written in first, then the others by tag.
    texts = {tag: given[tag] for tag in sorted(given, key=lambda tag: (tag != source, tag))}
    seen = await preview(
        session,
        community_code=str(dialog.data["code"]),
        texts=texts,
        source_locale=source,
    )
    if seen.total == 0:
        await dialogs.clear(session, dialog.member_id, now=now)
        return Nobody(seen.community_name)
    return Review(dialog, seen, texts, problem)


async def add_translation(
    session: AsyncSession, dialog: dialogs.Dialog, *, now: datetime
) -> dialogs.Dialog | AnnounceProblem:
    if not dialog.at(FLOW, REVIEW):
        return AnnounceProblem(dialog, "choose")
    return await dialogs.update(session, dialog, now=now, step=ADD)


async def send(
    session: AsyncSession, dialog: dialogs.Dialog, *, now: datetime, actor_user_id: int
) -> Step:
    """Queue it as reviewed (the audience is counted again: it may have changed)."""
    if not dialog.at(FLOW, REVIEW):
        return AnnounceProblem(dialog, "choose")
    await dialogs.clear(session, dialog.member_id, now=now)
    try:
        return await queue(
            session,
            community_code=str(dialog.data["code"]),
            texts=dict(dialog.data.get("texts") or {}),
            source_locale=str(dialog.data["language"]),
            now=now,
            actor_user_id=actor_user_id,
        )
    except AnnouncementError:
        # Only an audience that emptied since the review gets here: the texts were checked.
        community = await session.get(Community, int(dialog.data["community"]))
        return Nobody(community.name if community is not None else "")


async def stop(session: AsyncSession, dialog: dialogs.Dialog, *, now: datetime) -> Stopped:
    await dialogs.clear(session, dialog.member_id, now=now)
    return Stopped()
