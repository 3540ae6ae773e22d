"""Communities: created by staff, joined by members through a deep link with an opaque code."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Membership
from bot.i18n import find_language

# Telegram allows A-Z, a-z, 0-9, _ and - in a start parameter, up to 64 characters.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# 12 random bytes → 16 URL-safe characters, 96 bits: not guessable, short enough for a QR code.
_CODE_BYTES = 12


class CommunityError(ValueError):
    """A community cannot be created as asked; the message says why."""


def code_is_well_formed(code: str | None) -> bool:
    return bool(code) and CODE_PATTERN.fullmatch(code or "") is not None


def new_code() -> str:
    # Never a leading "-" (1 in 64): the code would read as an option on the command line.
    while (code := secrets.token_urlsafe(_CODE_BYTES)).startswith("-"):
        pass
    return code


def deep_link(bot_username: str, code: str) -> str:
    """The link that opens the bot and joins the community: t.me/<bot>?start=<code>."""
    return f"https://t.me/{bot_username}?start={code}"


async def create(
    session: AsyncSession,
    *,
    name: str,
    default_locale: str,
    time_zone: str,
    now: datetime,
    code: str | None = None,
) -> Community:
    """Create a community with an unguessable code (or the given one)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise CommunityError("the name must be 1 to 200 characters")
    language = find_language(default_locale)
    if language is None:
        raise CommunityError(f"no catalog for the language {default_locale!r}")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommunityError(f"unknown time zone {time_zone!r}") from None
    if code is not None and not code_is_well_formed(code):
        raise CommunityError("a code has 1 to 32 letters, digits, _ or -")
    community = Community(
        code=code or new_code(),
        name=name,
        default_locale=language.tag,
        time_zone=time_zone,
        created_at=now,
    )
    session.add(community)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise CommunityError("that code is already taken") from None
    return community


async def find_by_code(session: AsyncSession, code: str | None) -> Community | None:
    """The community behind a deep-link code; None for unknown or malformed codes."""
    if not code_is_well_formed(code):
        return None
    return await session.scalar(select(Community).where(Community.code == code))


async def get(session: AsyncSession, community_id: int) -> Community | None:
    return await session.get(Community, community_id)


async def all_communities(session: AsyncSession) -> Sequence[tuple[Community, int]]:
    """Every community with its number of members, by name."""
    count = (
        select(func.count(Membership.id))
        .where(Membership.community_id == Community.id)
        .scalar_subquery()
    )
    rows = await session.execute(select(Community, count).order_by(Community.name))
    return [(community, members) for community, members in rows.all()]


async def is_member(session: AsyncSession, member_id: int, community_id: int) -> bool:
    found = await session.scalar(
        select(Membership.id).where(
            Membership.member_id == member_id, Membership.community_id == community_id
        )
    )
    return found is not None


async def joined(session: AsyncSession, member_id: int, community_id: int) -> Community | None:
    """The community, when the member belongs to it (one query for both)."""
    return await session.scalar(
        select(Community)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.member_id == member_id, Community.id == community_id)
    )


async def join(session: AsyncSession, member_id: int, community_id: int, *, now: datetime) -> bool:
    """Add the member to the community; False when they already belonged."""
    if await is_member(session, member_id, community_id):
        return False
    session.add(Membership(member_id=member_id, community_id=community_id, joined_at=now))
    await session.flush()
    return True


async def memberships(session: AsyncSession, member_id: int) -> Sequence[Community]:
    """The communities a member belongs to, in the order they joined."""
    query = (
        select(Community)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.member_id == member_id)
        .order_by(Membership.joined_at, Membership.id)
    )
    return (await session.scalars(query)).all()
