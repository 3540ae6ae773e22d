"""Who is a community translator of a catalog language: a member who volunteered
(`/translator`) or an ambassador of a community, who reads that language (their own language
or one of the other languages they read)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member, Membership, Role, RoleAssignment
from bot.i18n import find_language
from bot.services.translations.catalog import review_catalogs

# Why someone may not review (the audit's reasons).
NOT_TRANSLATOR = "not_translator"
NO_LANGUAGE = "no_language"


@dataclass(frozen=True)
class Standing:
    """A member as a translator: whether they volunteered or are an ambassador, and the
    catalogs they can review (in the order they read them)."""

    volunteered: bool
    ambassador: bool
    catalogs: tuple[str, ...]

    @property
    def translator(self) -> bool:
        return self.volunteered or self.ambassador

    @property
    def refusal(self) -> str | None:
        """None when they may review; else the reason."""
        if not self.translator:
            return NOT_TRANSLATOR
        if not self.catalogs:
            return NO_LANGUAGE
        return None

    def reviews(self, catalog: str) -> bool:
        return self.translator and catalog in self.catalogs


def read_catalogs(member: Member) -> tuple[str, ...]:
    """The catalogs of the languages the member reads, their own first, English left out."""
    reviewable = set(review_catalogs())
    found: list[str] = []
    for tag in [member.locale, *(member.reads_locales or [])]:
        language = find_language(tag)
        if language is not None and language.catalog in reviewable - set(found):
            found.append(language.catalog)
    return tuple(found)


async def is_ambassador(session: AsyncSession, telegram_user_id: int) -> bool:
    """Ambassadors of any community are translators by default."""
    found = await session.scalar(
        select(RoleAssignment.id)
        .where(
            RoleAssignment.telegram_user_id == telegram_user_id,
            RoleAssignment.role == Role.AMBASSADOR,
        )
        .limit(1)
    )
    return found is not None


async def standing(session: AsyncSession, member: Member | None) -> Standing:
    """The member's standing as a translator (nobody's, for an unknown or unconsented one)."""
    if member is None or not member.has_consented:
        return Standing(False, False, ())
    ambassador = await is_ambassador(session, member.telegram_user_id)
    return Standing(bool(member.translator), ambassador, read_catalogs(member))


async def volunteer(session: AsyncSession, member: Member, on: bool) -> None:
    """Switch the member's volunteering on or off (idempotent: a button tapped twice, or an
    old one, sets the same state)."""
    member.translator = on
    await session.flush()


async def community_of(session: AsyncSession, member_id: int) -> int | None:
    """The community a translator's work is logged under: the first one they are an
    ambassador of, else the first one they joined; None outside every community."""
    member = await session.get(Member, member_id)
    if member is None:
        return None
    joined = (
        select(Membership.community_id)
        .where(Membership.member_id == member_id)
        .order_by(Membership.joined_at, Membership.id)
    )
    ambassador = await session.scalar(
        select(RoleAssignment.community_id)
        .where(
            RoleAssignment.telegram_user_id == member.telegram_user_id,
            RoleAssignment.role == Role.AMBASSADOR,
            RoleAssignment.community_id.in_(joined),
        )
        .order_by(RoleAssignment.id)
        .limit(1)
    )
    if ambassador is not None:
        return int(ambassador)
    found = await session.scalar(joined.limit(1))
    return int(found) if found is not None else None
