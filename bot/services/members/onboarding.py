"""Joining a community, choosing a language and agreeing to the privacy notice.

The steps live in the dialogue state (flow `onboarding`), so a restart in the middle continues
where the member was. Nothing about the person beyond what is needed to answer them (their
Telegram id, language and place in the dialogue) is stored before they agree; the community
they came for waits in the dialogue data until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Community, Member
from bot.i18n import find_language
from bot.services import communities, dialogs, members
from bot.services.dialogs import Dialog

FLOW = "onboarding"
LANGUAGE = "language"
CONSENT = "consent"


class StartKind(StrEnum):
    INVALID_LINK = "invalid_link"  # a code that is malformed or belongs to no community
    NEED_LINK = "need_link"  # no code, no default community, no memberships
    CHOOSE_LANGUAGE = "choose_language"  # a new member: language first
    ASK_CONSENT = "ask_consent"  # language known, consent (again) needed
    JOINED = "joined"  # consented already, now also in this community
    ALREADY_MEMBER = "already_member"  # consented and already in this community
    WELCOME_BACK = "welcome_back"  # consented, no code: nothing to join


@dataclass(frozen=True)
class StartOutcome:
    kind: StartKind
    member: Member | None = None
    community: Community | None = None
    resumed: bool = False  # they had used /stop; messages resume now
    dialog: Dialog | None = None


async def start(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    language_code: str | None,
    code: str | None,
    default_code: str | None,
    default_locale: str,
    notice_version: int,
    now: datetime,
) -> StartOutcome:
    """/start, with or without a deep-link code."""
    if code is not None:
        community = await communities.find_by_code(session, code)
        if community is None:
            return StartOutcome(StartKind.INVALID_LINK)
    else:
        community = await communities.find_by_code(session, default_code)
    member = await members.find_by_telegram_id(session, telegram_user_id)
    if (
        community is None
        and not members.consent_is_current(member, notice_version)
        and not await _has_somewhere_to_go(session, member)
    ):
        return StartOutcome(StartKind.NEED_LINK, member=member)
    member = await members.register_contact(
        session, telegram_user_id, language_code, default_locale, now
    )
    resumed = await members.resume(session, member)
    current = await dialogs.get(session, member.id)

    if members.consent_is_current(member, notice_version):
        kind = StartKind.WELCOME_BACK
        if community is not None:
            joined = await communities.join(session, member.id, community.id, now=now)
            kind = StartKind.JOINED if joined else StartKind.ALREADY_MEMBER
        return StartOutcome(kind, member, community, resumed, current)

    data: dict[str, object] = {}
    if current is not None and current.flow == FLOW:
        data.update(current.data)
    if community is not None:
        data["community_id"] = community.id
    elif "community_id" in data:
        community = await communities.get(session, int(data["community_id"]))
    never_agreed = member.consent_version is None
    if never_agreed and not (current is not None and current.at(FLOW, CONSENT)):
        dialog = await dialogs.set(session, member.id, FLOW, LANGUAGE, data, now=now)
        kind = StartKind.CHOOSE_LANGUAGE
    else:
        dialog = await dialogs.set(session, member.id, FLOW, CONSENT, data, now=now)
        kind = StartKind.ASK_CONSENT
    return StartOutcome(kind, member, community, resumed, dialog)


async def _has_somewhere_to_go(session: AsyncSession, member: Member | None) -> bool:
    """A community waiting in the onboarding, or one the member already belongs to."""
    if member is None:
        return False
    current = await dialogs.get(session, member.id)
    if current is not None and current.flow == FLOW and "community_id" in current.data:
        return True
    return bool(await communities.memberships(session, member.id))


async def ask_consent(
    session: AsyncSession, member: Member, *, then: str | None, now: datetime
) -> Dialog:
    """Put the member at the consent step, to continue with `then` once they agree.

    A community the member came for (waiting in the onboarding) is kept.
    """
    current = await dialogs.get(session, member.id)
    data = dict(current.data) if current is not None and current.flow == FLOW else {}
    data.pop("then", None)
    if then:
        data["then"] = then
    dialog = await dialogs.set(session, member.id, FLOW, CONSENT, data, now=now)
    return dialog


@dataclass(frozen=True)
class LanguageOutcome:
    member: Member
    dialog: Dialog | None
    advanced: bool  # the onboarding moved on from the language step to consent


async def choose_language(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    language_code: str | None,
    tag: str,
    default_locale: str,
    now: datetime,
) -> LanguageOutcome | None:
    """Speak `tag` from now on; None for a language Samen does not have (a forged button)."""
    if find_language(tag) is None:
        return None
    member = await members.register_contact(
        session, telegram_user_id, language_code, default_locale, now
    )
    await members.set_locale(session, member, tag)
    dialog = await dialogs.get(session, member.id)
    advanced = False
    if dialog is not None and dialog.at(FLOW, LANGUAGE):
        dialog = await dialogs.update(session, dialog, step=CONSENT, now=now)
        advanced = True
    return LanguageOutcome(member, dialog, advanced)


class ConsentKind(StrEnum):
    STALE = "stale"  # a button for another notice version
    ALREADY = "already"  # agreed to this version before
    AGREED = "agreed"
    DECLINED = "declined"  # never agreed: nothing about them is kept
    DECLINED_KEPT_EARLIER = "declined_kept_earlier"  # agreed to an older notice before


@dataclass(frozen=True)
class ConsentOutcome:
    kind: ConsentKind
    member: Member | None = None
    community: Community | None = None
    joined: bool = False
    first_time: bool = False
    then: str | None = None


async def answer_consent(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    language_code: str | None,
    version: int,
    agree: bool,
    notice_version: int,
    default_locale: str,
    now: datetime,
) -> ConsentOutcome:
    """Record agreement to the current notice, or forget a member who says "not now"."""
    if version != notice_version:
        return ConsentOutcome(ConsentKind.STALE)
    member = await members.find_by_telegram_id(session, telegram_user_id)
    if members.consent_is_current(member, notice_version):
        return ConsentOutcome(ConsentKind.ALREADY, member)
    if not agree:
        if member is None:
            return ConsentOutcome(ConsentKind.DECLINED)
        if member.consent_version is None:
            # Declining stores nothing: the Telegram id and language kept so far go too.
            await session.delete(member)
            return ConsentOutcome(ConsentKind.DECLINED)
        await dialogs.clear(session, member.id, now=now)
        return ConsentOutcome(ConsentKind.DECLINED_KEPT_EARLIER, member)

    if member is None:
        member = await members.register_contact(
            session, telegram_user_id, language_code, default_locale, now
        )
    first_time = member.consent_version is None
    await members.record_consent(session, member, notice_version, now)
    dialog = await dialogs.get(session, member.id)
    data = dict(dialog.data) if dialog is not None and dialog.flow == FLOW else {}
    community, joined = None, False
    if "community_id" in data:
        community = await communities.get(session, int(data["community_id"]))
        if community is not None:
            joined = await communities.join(session, member.id, community.id, now=now)
    await dialogs.clear(session, member.id, now=now)
    then = data.get("then")
    return ConsentOutcome(
        ConsentKind.AGREED,
        member,
        community,
        joined,
        first_time,
        then if isinstance(then, str) else None,
    )
