"""Members: who someone is to Samen, and which language they are spoken to in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CheckIn,
    CheckInState,
    Member,
    Membership,
    OutboxMessage,
    OutboxState,
)
from bot.i18n import LANGUAGES, find_language, negotiate


async def find_by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Member | None:
    return await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))


async def register_contact(
    session: AsyncSession,
    telegram_user_id: int,
    language_code: str | None,
    default_locale: str,
    now: datetime,
) -> Member:
    """Find or create the member behind a Telegram user.

    Only what is needed to answer them is stored before consent: the Telegram id, the
    language negotiated from Telegram's `language_code`, and when they were last seen.
    """
    member = await find_by_telegram_id(session, telegram_user_id)
    if member is None:
        return await add_contact(session, telegram_user_id, language_code, default_locale, now)
    if find_language(member.locale) is None:
        member.locale = negotiate(language_code, default_locale)
    member.last_seen_at = now
    await session.flush()
    return member


async def add_contact(
    session: AsyncSession,
    telegram_user_id: int,
    language_code: str | None,
    default_locale: str,
    now: datetime,
) -> Member:
    """Create the member behind a Telegram user the caller found no row for (see
    `register_contact`); if another instance created it meanwhile, theirs is used."""
    member = Member(
        telegram_user_id=telegram_user_id,
        locale=negotiate(language_code, default_locale),
        created_at=now,
        last_seen_at=now,
    )
    try:
        # A savepoint: if the same user's update raced us on another instance, only this
        # insert is undone, not the caller's unit of work; then we use their row.
        async with session.begin_nested():
            session.add(member)
    except IntegrityError:
        found = await find_by_telegram_id(session, telegram_user_id)
        assert found is not None
        return found
    return member


async def get(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def set_locale(session: AsyncSession, member: Member, tag: str) -> bool:
    """Speak `tag` with the member from now on; False for a language Samen has no catalog for."""
    language = find_language(tag)
    if language is None:
        return False
    member.locale = language.tag
    if member.reads_locales and language.tag in member.reads_locales:
        # Their own language is not one of the "other" languages they read any more.
        member.reads_locales = [tag for tag in member.reads_locales if tag != language.tag]
    await session.flush()
    return True


def readable_languages(own_locale: str | None) -> tuple[str, ...]:
    """The languages a member can say they also read: every language Samen has, but their
    own (Dari and Farsi stay apart: a Dari reader may well read texts written in Farsi)."""
    return tuple(language.tag for language in LANGUAGES if language.tag != own_locale)


async def set_reads(session: AsyncSession, member: Member, tags: Sequence[str]) -> list[str]:
    """Store the other languages the member reads, in their order (the text fallback chain
    tries them after their own language). Unknown tags, their own language and repeats are
    left out; an empty list means they read no other language. Returns what was stored."""
    offered = readable_languages(member.locale)
    kept: list[str] = []
    for tag in tags:
        language = find_language(tag)
        if language is not None and language.tag in offered and language.tag not in kept:
            kept.append(language.tag)
    member.reads_locales = kept
    await session.flush()
    return kept


def consent_is_current(member: Member | None, notice_version: int) -> bool:
    """Whether the member agreed to this version of the privacy notice."""
    return (
        member is not None
        and member.consent_given_at is not None
        and member.consent_version == notice_version
    )


async def record_consent(
    session: AsyncSession, member: Member, notice_version: int, now: datetime
) -> None:
    """Record agreement to a notice version and when."""
    member.consent_version = notice_version
    member.consent_given_at = now
    await session.flush()


async def stop(session: AsyncSession, member: Member, now: datetime) -> tuple[int, int]:
    """Stop every broadcast and check-in at once (this is not deletion).

    Queued outbox rows for the member fail with reason `member_stopped`, pending check-ins are
    cancelled, and `stopped_at` keeps new ones from being sent until /start.
    Returns (outbox rows stopped, check-ins cancelled).
    """
    if member.stopped_at is None:
        member.stopped_at = now
    outbox = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.member_id == member.id,
            OutboxMessage.state == OutboxState.QUEUED,
        )
        .values(state=OutboxState.SKIPPED, reason="member_stopped", updated_at=now)
    )
    checkins = await session.execute(
        update(CheckIn)
        .where(CheckIn.member_id == member.id, CheckIn.state == CheckInState.PENDING)
        .values(state=CheckInState.CANCELLED, reason="member_stopped")
    )
    await session.flush()
    return outbox.rowcount or 0, checkins.rowcount or 0


async def resume(session: AsyncSession, member: Member) -> bool:
    """Undo /stop; False when the member had not stopped."""
    if member.stopped_at is None:
        return False
    member.stopped_at = None
    await session.flush()
    return True


async def save_profile(
    session: AsyncSession,
    member: Member,
    *,
    learn_topics: list[str] | None = None,
    learn_text: str | None = None,
    offer_topics: list[str] | None = None,
    offer_text: str | None = None,
    municipality: str | None = None,
) -> None:
    """Store the parts of the profile given (None leaves a field as it is)."""
    if learn_topics is not None:
        member.learn_topics = list(learn_topics)
    if learn_text is not None:
        member.learn_text = learn_text
    if offer_topics is not None:
        member.offer_topics = list(offer_topics)
    if offer_text is not None:
        member.offer_text = offer_text
    if municipality is not None:
        member.municipality = municipality
    await session.flush()


async def reachable_members(
    session: AsyncSession, community_id: int, notice_version: int
) -> Sequence[Member]:
    """The members a broadcast in this community may reach, by id.

    Members of the community who agreed to the current privacy notice, did not /stop and have
    not blocked the bot. Invitations, announcements and check-ins all go through this.
    """
    return (await session.scalars(reachable_query(community_id, notice_version))).all()


def reachable_query(community_id: int, notice_version: int) -> Select[tuple[Member]]:
    """The query behind `reachable_members`, for callers that select other columns."""
    return (
        select(Member)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.community_id == community_id,
            Member.consent_given_at.is_not(None),
            Member.consent_version == notice_version,
            Member.stopped_at.is_(None),
            Member.blocked_at.is_(None),
        )
        .order_by(Member.id)
    )
